//! CUSTOM_AUTH: a sign-in whose steps the pool's hooks decide (a passwordless email code,
//! a captcha, a second factor of your own). Each round: DefineAuthChallenge reads the
//! session so far and says issue tokens, fail, or ask CUSTOM_CHALLENGE; CreateAuthChallenge
//! makes the challenge; the client's answer goes to VerifyAuthChallengeResponse. The session
//! travels sealed with the master key, expires in three minutes, and answers once.

use super::login::LoginFailure;
use crate::App;
use crate::admin::crypto_err;
use crate::hooks::challenge::{ChallengeCtx, ChallengeResult};
use crate::lookups::Marked;
use portcullis_core::hooks::HookError;
use portcullis_core::hooks::Trigger;
use portcullis_core::pool::UserPool;
use portcullis_core::user::{User, UserStatus};
use portcullis_core::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const KIND: &str = "custom_auth_spent";
/// Cognito's session lifetime for challenges.
const SESSION_SECS: i64 = 180;
/// The most rounds one sign-in may take.
const MAX_ROUNDS: usize = 10;
const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";

#[derive(Debug)]
pub enum CustomStep {
    /// Ask the client: `parameters` are the hook's public parameters.
    Challenge {
        parameters: BTreeMap<String, String>,
        session: String,
        username: String,
    },
    Success(User),
    Failed(LoginFailure),
    /// The session is not ours, expired, or already answered.
    Expired,
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    pool: String,
    client_id: String,
    sub: uuid::Uuid,
    rounds: Vec<ChallengeResult>,
    private: BTreeMap<String, String>,
    metadata: Option<String>,
    exp: i64,
    nonce: String,
}

fn context(pool: &UserPool) -> String {
    format!("custom-auth:{}", pool.id)
}

impl App {
    /// InitiateAuth CUSTOM_AUTH for `username`.
    pub async fn custom_auth_start(
        &self,
        pool: &UserPool,
        client_id: &str,
        username: &str,
    ) -> Result<CustomStep> {
        let Some(user) = self.find_user(pool, username).await?.filter(|u| u.enabled) else {
            return Ok(CustomStep::Failed(LoginFailure::BadCredentials));
        };
        match user.status {
            UserStatus::Confirmed => {}
            UserStatus::Unconfirmed => return Ok(CustomStep::Failed(LoginFailure::NotConfirmed)),
            UserStatus::ResetRequired => {
                return Ok(CustomStep::Failed(LoginFailure::ResetRequired));
            }
            _ => return Ok(CustomStep::Failed(LoginFailure::BadCredentials)),
        }
        self.pre_authentication(pool, Some(client_id), &user)
            .await?;
        let cx = ChallengeCtx {
            pool,
            client_id,
            user: &user,
        };
        self.next_round(cx, Vec::new()).await
    }

    /// RespondToAuthChallenge CUSTOM_CHALLENGE: the client's `answer` to the challenge
    /// sealed in `session`.
    pub async fn custom_auth_answer(
        &self,
        pool: &UserPool,
        client_id: &str,
        session: &str,
        answer: &str,
    ) -> Result<CustomStep> {
        let Some(state) = self
            .master
            .open(&context(pool), session)
            .ok()
            .and_then(|clear| serde_json::from_slice::<Sealed>(&clear).ok())
        else {
            return Ok(CustomStep::Expired);
        };
        if state.exp <= self.now() || state.pool != pool.id.as_str() || state.client_id != client_id
        {
            return Ok(CustomStep::Expired);
        }
        if self
            .mark_spent(&pool.id, KIND, &state.nonce, state.exp)
            .await?
            == Marked::AlreadySpent
        {
            return Ok(CustomStep::Expired);
        }
        let Some(user) = self
            .store
            .get_user_by_sub(&pool.id, state.sub)
            .await?
            .filter(|u| u.enabled && u.status == UserStatus::Confirmed)
        else {
            return Ok(CustomStep::Failed(LoginFailure::BadCredentials));
        };
        let cx = ChallengeCtx {
            pool,
            client_id,
            user: &user,
        };
        let correct = self
            .verify_auth_challenge(cx, &state.private, answer)
            .await?;
        let mut rounds = state.rounds;
        rounds.push(ChallengeResult {
            challenge_name: CUSTOM_CHALLENGE.into(),
            challenge_result: correct,
            challenge_metadata: state.metadata,
        });
        self.next_round(cx, rounds).await
    }

    /// DefineAuthChallenge on the session so far, then tokens, failure, or a new challenge.
    async fn next_round(
        &self,
        cx: ChallengeCtx<'_>,
        rounds: Vec<ChallengeResult>,
    ) -> Result<CustomStep> {
        let decision = self.define_auth_challenge(cx, &rounds).await?;
        if decision.fail_authentication {
            return Ok(CustomStep::Failed(LoginFailure::BadCredentials));
        }
        if decision.issue_tokens {
            self.post_authentication(cx.pool, Some(cx.client_id), cx.user)
                .await?;
            return Ok(CustomStep::Success(cx.user.clone()));
        }
        if rounds.len() >= MAX_ROUNDS {
            return Ok(CustomStep::Failed(LoginFailure::BadCredentials));
        }
        // Portcullis runs custom challenges only (no SRP_A / PASSWORD_VERIFIER steps).
        if decision.challenge_name.as_deref() != Some(CUSTOM_CHALLENGE) {
            return Err(HookError::invalid(
                Trigger::DefineAuthChallenge,
                "challengeName must be CUSTOM_CHALLENGE (or tokens issued, or authentication failed)",
            ));
        }
        let challenge = self
            .create_auth_challenge(cx, CUSTOM_CHALLENGE, &rounds)
            .await?;
        let state = Sealed {
            pool: cx.pool.id.as_str().to_owned(),
            client_id: cx.client_id.to_owned(),
            sub: cx.user.sub,
            rounds,
            private: challenge.private,
            metadata: challenge.metadata,
            exp: self.now() + SESSION_SECS,
            nonce: uuid::Uuid::new_v4().to_string(),
        };
        let json = serde_json::to_vec(&state).map_err(Error::internal)?;
        let session = self
            .master
            .seal(&context(cx.pool), &json)
            .map_err(crypto_err)?;
        Ok(CustomStep::Challenge {
            parameters: challenge.public,
            session,
            username: cx.user.username.clone(),
        })
    }
}
