//! Cognito's auth flows: InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH),
//! AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH and its legacy name ADMIN_NO_SRP_AUTH,
//! REFRESH_TOKEN_AUTH), RespondToAuthChallenge (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED) and
//! USER_SRP_AUTH. Sign-in goes through the same throttled check as the hosted page; SRP
//! itself is in `portcullis_app::oauth::srp`. Each flow must be allowed in the client's
//! ExplicitAuthFlows; the calling client and its SECRET_HASH are checked by `caller.rs`.

use super::Call;
use super::caller::{check_secret_hash, client_by_id, pool_client, reveal_absence};
use super::error::CognitoError;
use portcullis_app::oauth::login::{LoginFailure, LoginOutcome};
use portcullis_app::oauth::srp::SrpProof;
use portcullis_app::oauth::tokens::{Subject, TokenResponse, TokenSource};
use portcullis_core::client::AppClient;
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Scopes of tokens from the API flows: the self-service scope plus the attribute scopes, so
/// the ID token carries the user's attributes as Cognito's does.
const API_SCOPES: &[&str] = &[
    "aws.cognito.signin.user.admin",
    "openid",
    "email",
    "phone",
    "profile",
];

fn require_flow(client: &AppClient, allow: &str, flow: &str) -> Result<(), CognitoError> {
    if client.allows_auth_flow(allow) {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(&format!(
            "{flow} flow not enabled for this client"
        )))
    }
}

fn result(t: &TokenResponse) -> Value {
    let mut r =
        json!({"AccessToken": t.access_token, "ExpiresIn": t.expires_in, "TokenType": "Bearer"});
    if let Some(id) = &t.id_token {
        super::set(&mut r, "IdToken", json!(id));
    }
    if let Some(rt) = &t.refresh_token {
        super::set(&mut r, "RefreshToken", json!(rt));
    }
    json!({"ChallengeParameters": {}, "AuthenticationResult": r})
}

pub(super) async fn tokens_for(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    user: &User,
    source: TokenSource,
) -> Result<Value, CognitoError> {
    let app = &c.s.app;
    let scopes: Vec<String> = API_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    let origin_jti = uuid::Uuid::new_v4().to_string();
    let subject = Subject {
        user,
        scopes: &scopes,
        auth_time: app.now(),
        origin_jti: &origin_jti,
        nonce: None,
        at_hash: false,
        source,
    };
    let issuer = c.s.config.issuer(pool.id.as_str());
    // Minted first: a refusal by the PreTokenGeneration hook leaves no family behind.
    let mut t = app
        .mint(pool, client, &issuer, &subject)
        .await
        .map_err(c.core(None))?;
    let refresh = app
        .start_family(pool, client, &subject, true)
        .await
        .map_err(c.core(None))?;
    t.refresh_token = refresh;
    Ok(result(&t))
}

pub(super) fn required<'m>(
    params: &'m BTreeMap<String, String>,
    name: &str,
) -> Result<&'m str, CognitoError> {
    params.get(name).map(String::as_str).ok_or_else(|| {
        CognitoError::invalid_parameter(&format!("Missing required parameter {name}"))
    })
}

async fn password_flow(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    params: &BTreeMap<String, String>,
) -> Result<Value, CognitoError> {
    let username = required(params, "USERNAME")?;
    let password = required(params, "PASSWORD")?;
    check_secret_hash(c, client, username, params.get("SECRET_HASH"))?;
    reveal_absence(c, pool, client, username).await?;
    let outcome =
        c.s.app
            .password_login(
                pool,
                Some(&client.client_id),
                username,
                password,
                &c.client_ip,
            )
            .await
            .map_err(c.core(None))?;
    outcome_to_response(c, pool, client, outcome).await
}

pub(super) async fn outcome_to_response(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    outcome: LoginOutcome,
) -> Result<Value, CognitoError> {
    match outcome {
        LoginOutcome::Success(user) => {
            tokens_for(c, pool, client, &user, TokenSource::Authentication).await
        }
        LoginOutcome::NewPasswordRequired { user, challenge } => {
            let attrs: BTreeMap<&String, &String> = user.attributes.iter().collect();
            Ok(json!({
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": challenge,
                "ChallengeParameters": {
                    "USER_ID_FOR_SRP": user.username,
                    "requiredAttributes": "[]",
                    "userAttributes": serde_json::to_string(&attrs).unwrap_or_default(),
                },
            }))
        }
        LoginOutcome::Failed(LoginFailure::BadCredentials) => Err(CognitoError::not_authorized(
            "Incorrect username or password.",
        )),
        LoginOutcome::Failed(LoginFailure::TooManyAttempts) => {
            Err(CognitoError::not_authorized("Password attempts exceeded"))
        }
        LoginOutcome::Failed(LoginFailure::NotConfirmed) => Err(CognitoError::user_not_confirmed()),
        LoginOutcome::Failed(LoginFailure::ResetRequired) => Err(CognitoError::named(
            "PasswordResetRequiredException",
            "Password reset required for the user",
        )),
        LoginOutcome::Failed(LoginFailure::TemporaryPasswordExpired) => {
            Err(CognitoError::not_authorized(
                "Temporary password has expired and must be reset by an administrator.",
            ))
        }
    }
}

async fn refresh_flow(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    params: &BTreeMap<String, String>,
) -> Result<Value, CognitoError> {
    let rt = required(params, "REFRESH_TOKEN")?;
    let app = &c.s.app;
    let invalid = || CognitoError::not_authorized("Invalid Refresh Token");
    if client.is_confidential() {
        // The secret hash is over the username of the token's user.
        let state = app
            .refresh_state(&pool.id, rt)
            .await
            .map_err(c.core(None))?
            .ok_or_else(invalid)?;
        let user = app
            .user_by_sub(&pool.id, state.token.sub)
            .await
            .map_err(c.core(None))?
            .ok_or_else(invalid)?;
        check_secret_hash(c, client, &user.username, params.get("SECRET_HASH"))?;
    }
    refreshed(c, pool, client, rt).await.map(|t| result(&t))
}

/// New tokens for a refresh token (rotated when the client rotates), with Cognito's errors.
async fn refreshed(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    rt: &str,
) -> Result<TokenResponse, CognitoError> {
    let issuer = c.s.config.issuer(pool.id.as_str());
    match c.s.app.refresh_grant(pool, client, &issuer, rt, None).await {
        Ok(t) => Ok(t),
        Err(e) if e.code == portcullis_core::oauth::ErrorCode::InvalidGrant => {
            Err(CognitoError::not_authorized(
                if e.description.contains("revoked") || e.description.contains("already been used")
                {
                    "Refresh Token has been revoked"
                } else {
                    "Invalid Refresh Token"
                },
            ))
        }
        Err(e) => Err(CognitoError::from_core(
            portcullis_core::Error::internal(e),
            None,
        )),
    }
}

/// GetTokensFromRefreshToken: REFRESH_TOKEN_AUTH as its own action, the client secret given
/// as itself (`ClientSecret`) rather than as a SECRET_HASH; the new refresh token comes back
/// when the client rotates them.
pub(crate) async fn tokens_from_refresh_token(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_by_id(c).await?;
    super::access::check_client_secret(c, &client)?;
    require_flow(&client, "ALLOW_REFRESH_TOKEN_AUTH", "REFRESH_TOKEN_AUTH")?;
    let t = refreshed(c, &pool, &client, c.string("RefreshToken")?).await?;
    let mut out = result(&t);
    if let Some(o) = out.as_object_mut() {
        o.remove("ChallengeParameters");
    }
    Ok(out)
}

/// USER_SRP_AUTH, step one ([`portcullis_app::oauth::srp`]): a challenge for everyone, so
/// the answer does not say who exists.
async fn srp_start(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    params: &BTreeMap<String, String>,
) -> Result<Value, CognitoError> {
    let username = required(params, "USERNAME")?;
    let srp_a = required(params, "SRP_A")?;
    check_secret_hash(c, client, username, params.get("SECRET_HASH"))?;
    reveal_absence(c, pool, client, username).await?;
    let reveal = !client.prevent_user_existence_errors;
    let Some(ch) =
        c.s.app
            .srp_challenge(pool, &client.client_id, username, srp_a, reveal)
            .await
            .map_err(c.core(None))?
    else {
        return Err(CognitoError::not_authorized(
            "This user's password was imported: sign in once with USER_PASSWORD_AUTH (or the \
             hosted page); SRP works from then on.",
        ));
    };
    Ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": ch.salt,
            "SRP_B": ch.srp_b,
            "SECRET_BLOCK": ch.secret_block,
            "USER_ID_FOR_SRP": ch.user_id,
            "USERNAME": ch.user_id,
        },
    }))
}

/// USER_SRP_AUTH, step two: the client's proof over the challenge (single use).
async fn srp_finish(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    r: &BTreeMap<String, String>,
) -> Result<Value, CognitoError> {
    let username = required(r, "USERNAME")?;
    let proof = SrpProof {
        secret_block: required(r, "PASSWORD_CLAIM_SECRET_BLOCK")?,
        signature: required(r, "PASSWORD_CLAIM_SIGNATURE")?,
        timestamp: required(r, "TIMESTAMP")?,
    };
    check_secret_hash(c, client, username, r.get("SECRET_HASH"))?;
    let outcome =
        c.s.app
            .srp_verify(pool, &client.client_id, &proof, &c.client_ip)
            .await
            .map_err(c.core(None))?;
    outcome_to_response(c, pool, client, outcome).await
}

pub(crate) async fn initiate(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_by_id(c).await?;
    start_flow(c, &pool, &client, false).await
}

pub(crate) async fn admin_initiate(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let client = pool_client(c, &pool).await?;
    start_flow(c, &pool, &client, true).await
}

/// The flows of InitiateAuth (`admin` false) and AdminInitiateAuth (`admin` true), each
/// allowed only if the client's ExplicitAuthFlows says so.
async fn start_flow(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    admin: bool,
) -> Result<Value, CognitoError> {
    let params = c.map("AuthParameters")?;
    match (c.string("AuthFlow")?, admin) {
        ("USER_SRP_AUTH", _) => {
            require_flow(client, "ALLOW_USER_SRP_AUTH", "USER_SRP_AUTH")?;
            srp_start(c, pool, client, &params).await
        }
        ("USER_PASSWORD_AUTH", false) => {
            require_flow(client, "ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")?;
            password_flow(c, pool, client, &params).await
        }
        (f @ ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH"), true) => {
            require_flow(client, "ALLOW_ADMIN_USER_PASSWORD_AUTH", f)?;
            password_flow(c, pool, client, &params).await
        }
        ("CUSTOM_AUTH", _) => {
            require_flow(client, "ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH")?;
            super::custom_auth::start(c, pool, client, &params).await
        }
        (f @ ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN"), _) => {
            require_flow(client, "ALLOW_REFRESH_TOKEN_AUTH", f)?;
            refresh_flow(c, pool, client, &params).await
        }
        (other, _) => Err(CognitoError::invalid_parameter(&format!(
            "AuthFlow {other} is not supported"
        ))),
    }
}

pub(crate) async fn respond(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_by_id(c).await?;
    respond_for(c, &pool, &client).await
}

/// AdminRespondToAuthChallenge: the same challenges, addressed by pool and client.
pub(crate) async fn admin_respond(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let client = pool_client(c, &pool).await?;
    respond_for(c, &pool, &client).await
}

async fn respond_for(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
) -> Result<Value, CognitoError> {
    let responses = c.map("ChallengeResponses")?;
    match c.string("ChallengeName")? {
        "PASSWORD_VERIFIER" => {
            require_flow(client, "ALLOW_USER_SRP_AUTH", "USER_SRP_AUTH")?;
            srp_finish(c, pool, client, &responses).await
        }
        "CUSTOM_CHALLENGE" => {
            require_flow(client, "ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH")?;
            super::custom_auth::answer(c, pool, client, &responses).await
        }
        "NEW_PASSWORD_REQUIRED" => {
            let username = required(&responses, "USERNAME")?;
            let new_password = required(&responses, "NEW_PASSWORD")?;
            check_secret_hash(c, client, username, responses.get("SECRET_HASH"))?;
            let session = c.string("Session")?;
            match c
                .s
                .app
                .complete_new_password(pool, Some(&client.client_id), session, new_password)
                .await
            {
                Ok(user) => {
                    let source = TokenSource::NewPasswordChallenge;
                    tokens_for(c, pool, client, &user, source).await
                }
                Err(portcullis_core::Error::InvalidRequest(_)) => {
                    Err(CognitoError::not_authorized(
                        "Invalid session for the user, session is expired.",
                    ))
                }
                Err(e) => Err(CognitoError::from_core(e, None)),
            }
        }
        other => Err(CognitoError::invalid_parameter(&format!(
            "ChallengeName {other} is not supported"
        ))),
    }
}
