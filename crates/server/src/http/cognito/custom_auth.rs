//! CUSTOM_AUTH on the Cognito API: InitiateAuth starts the hooks' challenge rounds
//! ([`portcullis_app::oauth::custom_auth`]), RespondToAuthChallenge CUSTOM_CHALLENGE answers
//! them; tokens and failures read as in the password flows.

use super::Call;
use super::caller::{check_secret_hash, reveal_absence};
use super::error::CognitoError;
use super::flows::{outcome_to_response, required, tokens_for};
use portcullis_app::oauth::custom_auth::CustomStep;
use portcullis_app::oauth::login::LoginOutcome;
use portcullis_app::oauth::tokens::TokenSource;
use portcullis_core::client::AppClient;
use portcullis_core::pool::UserPool;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(super) async fn start(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    params: &BTreeMap<String, String>,
) -> Result<Value, CognitoError> {
    let username = required(params, "USERNAME")?;
    check_secret_hash(c, client, username, params.get("SECRET_HASH"))?;
    reveal_absence(c, pool, client, username).await?;
    let step =
        c.s.app
            .custom_auth_start(pool, &client.client_id, username)
            .await
            .map_err(c.core(None))?;
    custom_step(c, pool, client, step).await
}

pub(super) async fn answer(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    responses: &BTreeMap<String, String>,
) -> Result<Value, CognitoError> {
    let username = required(responses, "USERNAME")?;
    let answer = required(responses, "ANSWER")?;
    check_secret_hash(c, client, username, responses.get("SECRET_HASH"))?;
    let step =
        c.s.app
            .custom_auth_answer(pool, &client.client_id, c.string("Session")?, answer)
            .await
            .map_err(c.core(None))?;
    custom_step(c, pool, client, step).await
}

/// A CUSTOM_AUTH step on the wire: the next challenge with its session, the tokens, or
/// the password flow's errors.
async fn custom_step(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    step: CustomStep,
) -> Result<Value, CognitoError> {
    match step {
        CustomStep::Challenge {
            mut parameters,
            session,
            username,
        } => {
            parameters.insert("USERNAME".into(), username);
            Ok(json!({
                "ChallengeName": "CUSTOM_CHALLENGE",
                "Session": session,
                "ChallengeParameters": parameters,
            }))
        }
        CustomStep::Success(user) => {
            tokens_for(c, pool, client, &user, TokenSource::Authentication).await
        }
        CustomStep::Failed(f) => {
            outcome_to_response(c, pool, client, LoginOutcome::Failed(f)).await
        }
        CustomStep::Expired => Err(CognitoError::not_authorized(
            "Invalid session for the user, session is expired.",
        )),
    }
}
