//! The CUSTOM_AUTH triggers: DefineAuthChallenge decides the next step from the session so
//! far, CreateAuthChallenge makes a challenge, VerifyAuthChallengeResponse judges an
//! answer. The flow that strings them together is `oauth::custom_auth`.

use super::account::event_attributes;
use super::call::HookCall;
use crate::App;
use portcullis_core::hooks::Trigger;
use portcullis_core::hooks::answers::{CreateAuthChallenge, DefineAuthChallenge, answer_correct};
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use portcullis_core::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One challenge of the session so far, as the events list it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChallengeResult {
    #[serde(rename = "challengeName")]
    pub challenge_name: String,
    #[serde(rename = "challengeResult")]
    pub challenge_result: bool,
    #[serde(rename = "challengeMetadata")]
    pub challenge_metadata: Option<String>,
}

/// Who is signing in, through which client: the part every challenge event shares.
#[derive(Clone, Copy)]
pub struct ChallengeCtx<'a> {
    pub pool: &'a UserPool,
    pub client_id: &'a str,
    pub user: &'a User,
}

impl App {
    async fn challenge_hook(
        &self,
        cx: ChallengeCtx<'_>,
        trigger: Trigger,
        request: Value,
        response: Value,
    ) -> Result<serde_json::Map<String, Value>> {
        let source = format!("{trigger}_Authentication");
        let call = HookCall {
            trigger,
            source: &source,
            version: "1",
            user_name: Some(&cx.user.username),
            client_id: Some(cx.client_id),
            request,
            response,
        };
        // CUSTOM_AUTH cannot run without its hooks: a pool that lacks one is misconfigured.
        self.hook(cx.pool, call).await?.ok_or_else(|| {
            Error::invalid(format!(
                "Custom auth lambda trigger is not configured for the user pool ({trigger})."
            ))
        })
    }

    pub async fn define_auth_challenge(
        &self,
        cx: ChallengeCtx<'_>,
        session: &[ChallengeResult],
    ) -> Result<DefineAuthChallenge> {
        let request = json!({
            "userAttributes": event_attributes(cx.user),
            "session": session,
            "clientMetadata": {},
            "userNotFound": false,
        });
        let response = json!({"challengeName": null, "issueTokens": null,
                              "failAuthentication": null});
        let r = self
            .challenge_hook(cx, Trigger::DefineAuthChallenge, request, response)
            .await?;
        DefineAuthChallenge::read(&r)
    }

    pub async fn create_auth_challenge(
        &self,
        cx: ChallengeCtx<'_>,
        challenge_name: &str,
        session: &[ChallengeResult],
    ) -> Result<CreateAuthChallenge> {
        let request = json!({
            "userAttributes": event_attributes(cx.user),
            "challengeName": challenge_name,
            "session": session,
            "clientMetadata": {},
            "userNotFound": false,
        });
        let response = json!({"publicChallengeParameters": null,
                              "privateChallengeParameters": null, "challengeMetadata": null});
        let r = self
            .challenge_hook(cx, Trigger::CreateAuthChallenge, request, response)
            .await?;
        CreateAuthChallenge::read(&r)
    }

    pub async fn verify_auth_challenge(
        &self,
        cx: ChallengeCtx<'_>,
        private: &BTreeMap<String, String>,
        answer: &str,
    ) -> Result<bool> {
        let request = json!({
            "userAttributes": event_attributes(cx.user),
            "privateChallengeParameters": private,
            "challengeAnswer": answer,
            "clientMetadata": {},
            "userNotFound": false,
        });
        let r = self
            .challenge_hook(
                cx,
                Trigger::VerifyAuthChallengeResponse,
                request,
                json!({"answerCorrect": null}),
            )
            .await?;
        answer_correct(&r)
    }
}
