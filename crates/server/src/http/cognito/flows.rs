//! Cognito's auth flows: InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH),
//! AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH and its legacy name ADMIN_NO_SRP_AUTH,
//! REFRESH_TOKEN_AUTH), RespondToAuthChallenge (NEW_PASSWORD_REQUIRED), and the access-token
//! check behind GetUser. Sign-in goes through the same throttled check as the hosted page.
//! Each flow must be allowed in the client's ExplicitAuthFlows; clients with a secret must
//! send SECRET_HASH = Base64(HMAC-SHA256(secret, username ‖ client id)).

use super::Call;
use super::error::CognitoError;
use aws_lc_rs::hmac;
use base64::Engine;
use portcullis_app::lookups::Marked;
use portcullis_app::oauth::login::{LoginFailure, LoginOutcome};
use portcullis_app::oauth::tokens::{Subject, TokenResponse};
use portcullis_core::client::AppClient;
use portcullis_core::pool::UserPool;
use portcullis_core::user::{SrpVerifier, User};
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
const SELF_SERVICE: &str = "aws.cognito.signin.user.admin";

fn require_flow(client: &AppClient, allow: &str, flow: &str) -> Result<(), CognitoError> {
    if client.explicit_auth_flows.iter().any(|f| f == allow) {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(&format!(
            "{flow} flow not enabled for this client"
        )))
    }
}

pub(crate) fn check_secret_hash(
    c: &Call<'_>,
    client: &AppClient,
    username: &str,
    given: Option<&String>,
) -> Result<(), CognitoError> {
    let Some(secret) = c.s.app.reveal_secret(client).map_err(c.core(None))? else {
        return Ok(());
    };
    let fail = || {
        CognitoError::not_authorized(&format!(
            "Unable to verify secret hash for client {}",
            client.client_id
        ))
    };
    let given = given.ok_or_else(fail)?;
    let given = base64::engine::general_purpose::STANDARD
        .decode(given)
        .map_err(|_| fail())?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let msg = format!("{username}{}", client.client_id);
    hmac::verify(&key, msg.as_bytes(), &given).map_err(|_| fail())
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

async fn tokens_for(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    user: &User,
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
    };
    let issuer = c.s.config.issuer(pool.id.as_str());
    let refresh = app
        .start_family(pool, client, &subject, true)
        .await
        .map_err(c.core(None))?;
    let mut t = app
        .mint(pool, client, &issuer, &subject)
        .await
        .map_err(c.core(None))?;
    t.refresh_token = refresh;
    Ok(result(&t))
}

fn required<'m>(params: &'m BTreeMap<String, String>, name: &str) -> Result<&'m str, CognitoError> {
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
            .password_login(pool, username, password, &c.client_ip)
            .await
            .map_err(c.core(None))?;
    outcome_to_response(c, pool, client, outcome).await
}

async fn outcome_to_response(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    outcome: LoginOutcome,
) -> Result<Value, CognitoError> {
    match outcome {
        LoginOutcome::Success(user) => tokens_for(c, pool, client, &user).await,
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
    let issuer = c.s.config.issuer(pool.id.as_str());
    match app.refresh_grant(pool, client, &issuer, rt, None).await {
        Ok(t) => Ok(result(&t)),
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

async fn pool_client(c: &Call<'_>, pool: &UserPool) -> Result<AppClient, CognitoError> {
    let id = c.string("ClientId")?;
    c.s.app
        .pool_client(&pool.id, id)
        .await
        .map_err(c.core(None))?
        .ok_or_else(|| CognitoError::client_not_found(id))
}

/// With PreventUserExistenceErrors off (LEGACY), an unknown user is said so, as in Cognito.
async fn reveal_absence(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    username: &str,
) -> Result<(), CognitoError> {
    if client.prevent_user_existence_errors {
        return Ok(());
    }
    match c
        .s
        .app
        .find_user(pool, username)
        .await
        .map_err(c.core(None))?
    {
        Some(_) => Ok(()),
        None => Err(CognitoError::from_core(
            portcullis_core::Error::NotFound(portcullis_core::error::Entity::User),
            None,
        )),
    }
}

pub(crate) async fn client_by_id(c: &Call<'_>) -> Result<(UserPool, AppClient), CognitoError> {
    let id = c.string("ClientId")?;
    let client =
        c.s.app
            .client_anywhere(id)
            .await
            .map_err(c.core(None))?
            .ok_or_else(|| CognitoError::client_not_found(id))?;
    let pool =
        c.s.app
            .pool(client.pool_id.as_str())
            .await
            .map_err(c.core(None))?;
    Ok((pool, client))
}

const SRP_KIND: &str = "srp_challenge_spent";
const SRP_TIMESTAMP_SKEW_SECS: i64 = 300;

fn srp_context(pool: &UserPool) -> String {
    format!("srp-secret-block:{}", pool.id)
}

/// `EEE MMM d HH:mm:ss UTC yyyy` (e.g. `Sun Oct 6 13:37:50 UTC 2024`) as Unix seconds.
pub(crate) fn parse_srp_timestamp(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_weekday, month, day, time, "UTC", year] = parts.as_slice() else {
        return None;
    };
    let m = MONTHS.iter().position(|x| x == month)? + 1;
    let d: u32 = day.parse().ok()?;
    let y: u32 = year.parse().ok()?;
    let hms = time.replace(':', "");
    super::auth::parse_amz_date(&format!("{y:04}{m:02}{d:02}T{hms}Z"))
}
const SRP_TTL_SECS: i64 = 300;

/// What step one shows for a name without a verifier (no such user, or one imported without
/// one): a salt, a verifier and, where email is the username, a user id, all derived from
/// the master key and the pool and name. Asked twice, it answers alike, as for a real user,
/// and it costs what a real user's answer costs.
fn decoy(c: &Call<'_>, pool: &UserPool, username: &str) -> (String, SrpVerifier) {
    let seed = c.s.app.master.mac(
        "srp-decoy",
        &format!("{}\0{}", pool.id, pool.username_key(username)),
    );
    let (salt, verifier) = portcullis_crypto::srp::decoy_verifier(seed.as_bytes());
    let user_id = if pool.email_is_username() {
        // Real users of such pools are known by their sub.
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, seed.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(d.as_ref().get(..16).unwrap_or(&[0; 16]));
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    } else {
        username.to_owned()
    };
    (user_id, SrpVerifier { salt, verifier })
}

/// USER_SRP_AUTH, step one: the server's ephemeral value, and the challenge state sealed into
/// SECRET_BLOCK. Unknown users get a challenge too (with a stable decoy verifier), so the
/// answer does not say who exists; their proof can never match.
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
    let app = &c.s.app;
    let user = app.find_user(pool, username).await.map_err(c.core(None))?;
    let (sub, user_id, srp) = match user.as_ref().and_then(|u| u.srp.clone().map(|s| (u, s))) {
        Some((u, srp)) => (Some(u.sub), u.username.clone(), srp),
        None => {
            let (user_id, v) = decoy(c, pool, username);
            (None, user_id, v)
        }
    };
    let verifier = srp.verifier.clone();
    let (b, big_b) =
        tokio::task::spawn_blocking(move || portcullis_crypto::srp::server_ephemeral(&verifier))
            .await
            .map_err(|e| c.core(None)(portcullis_core::Error::internal(e)))?
            .map_err(|e| c.core(None)(portcullis_app::admin::crypto_err(e)))?;
    // The challenge state travels in SECRET_BLOCK, sealed with the master key (as Cognito
    // encrypts its own): no server state until the proof comes back, on any node.
    let state = json!({
        "pool": pool.id.as_str(), "sub": sub, "user_id": user_id, "username": username,
        "client_id": client.client_id, "a": srp_a, "b": b, "big_b": big_b,
        "verifier": srp.verifier, "exp": app.now() + SRP_TTL_SECS,
    });
    let sealed = app
        .master
        .seal(&srp_context(pool), state.to_string().as_bytes())
        .map_err(|e| c.core(None)(portcullis_app::admin::crypto_err(e)))?;
    let block_b64 = base64::engine::general_purpose::STANDARD.encode(sealed.as_bytes());
    Ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": srp.salt,
            "SRP_B": big_b,
            "SECRET_BLOCK": block_b64,
            "USER_ID_FOR_SRP": user_id,
            "USERNAME": user_id,
        },
    }))
}

/// USER_SRP_AUTH, step two: the client's proof over the stored challenge (single use).
async fn srp_finish(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    r: &BTreeMap<String, String>,
) -> Result<Value, CognitoError> {
    let username = required(r, "USERNAME")?;
    let block = required(r, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = required(r, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = required(r, "TIMESTAMP")?;
    check_secret_hash(c, client, username, r.get("SECRET_HASH"))?;
    let app = &c.s.app;
    let denied = || CognitoError::not_authorized("Incorrect username or password.");
    let now = app.now();
    let state: Value = base64::engine::general_purpose::STANDARD
        .decode(block)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|sealed| app.master.open(&srp_context(pool), &sealed).ok())
        .and_then(|clear| serde_json::from_slice(&clear).ok())
        .ok_or_else(denied)?;
    if state.get("exp").and_then(Value::as_i64).unwrap_or(0) <= now
        || state.get("pool").and_then(Value::as_str) != Some(pool.id.as_str())
    {
        return Err(denied());
    }
    // Cognito's clients send "EEE MMM d HH:mm:ss UTC yyyy"; a proof must be fresh.
    match parse_srp_timestamp(timestamp) {
        Some(t) if (now - t).abs() <= SRP_TIMESTAMP_SKEW_SECS => {}
        _ => {
            return Err(CognitoError::not_authorized(
                "Incorrect username or password.",
            ));
        }
    }
    // Each challenge answers once: remember it until it expires (on every node).
    let exp = state.get("exp").and_then(Value::as_i64).unwrap_or(now);
    match app
        .mark_spent(&pool.id, SRP_KIND, block, exp)
        .await
        .map_err(c.core(None))?
    {
        Marked::First => {}
        Marked::AlreadySpent => return Err(denied()),
    }
    let p = &state;
    let field = |n: &str| {
        p.get(n)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if field("client_id") != client.client_id {
        return Err(denied());
    }
    let attempt = app
        .login_attempt(pool, &field("username"), &c.client_ip)
        .await
        .map_err(c.core(None))?;
    let suffix = pool.id.suffix().to_owned();
    let (a, b, big_b, v, user_id) = (
        field("a"),
        field("b"),
        field("big_b"),
        field("verifier"),
        field("user_id"),
    );
    let (block, signature, timestamp) =
        (block.to_owned(), signature.to_owned(), timestamp.to_owned());
    let ok = tokio::task::spawn_blocking(move || {
        portcullis_crypto::srp::verify_claim(&portcullis_crypto::srp::Claim {
            a_hex: &a,
            b_secret_hex: &b,
            b_public_hex: &big_b,
            verifier_hex: &v,
            pool_suffix: &suffix,
            user_id: &user_id,
            secret_block_b64: &block,
            timestamp: &timestamp,
            signature_b64: &signature,
        })
    })
    .await
    .map_err(|e| c.core(None)(portcullis_core::Error::internal(e)))?;
    let sub = p
        .get("sub")
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok());
    let user = match sub {
        Some(sub) => app.user_by_sub(&pool.id, sub).await.map_err(c.core(None))?,
        None => None,
    };
    let outcome = match user {
        Some(u) if ok && !attempt.throttled() && u.enabled => {
            app.login_verified(pool, &attempt, u, None).await
        }
        _ => app.login_failed(pool, &attempt).await,
    }
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
        "NEW_PASSWORD_REQUIRED" => {
            let username = required(&responses, "USERNAME")?;
            let new_password = required(&responses, "NEW_PASSWORD")?;
            check_secret_hash(c, client, username, responses.get("SECRET_HASH"))?;
            let session = c.string("Session")?;
            match c
                .s
                .app
                .complete_new_password(pool, session, new_password)
                .await
            {
                Ok(user) => tokens_for(c, pool, client, &user).await,
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

/// The pool and user of a live access token that carries the self-service scope.
pub(crate) async fn token_user(
    c: &Call<'_>,
    token: &str,
) -> Result<(UserPool, User), CognitoError> {
    token_session(c, token)
        .await
        .map(|(pool, user, _)| (pool, user))
}

/// [`token_user`], with the token's claims (its client, its family).
pub(crate) async fn token_session(
    c: &Call<'_>,
    token: &str,
) -> Result<(UserPool, User, portcullis_app::oauth::verify::AccessClaims), CognitoError> {
    let invalid = || CognitoError::not_authorized("Invalid Access Token");
    let payload = token.split('.').nth(1).ok_or_else(invalid)?;
    let claims: Value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(invalid)?;
    let pool_id = claims
        .get("iss")
        .and_then(Value::as_str)
        .and_then(|iss| iss.rsplit('/').next())
        .ok_or_else(invalid)?;
    let pool = c.s.app.pool(pool_id).await.map_err(|_| invalid())?;
    let issuer = c.s.config.issuer(pool.id.as_str());
    let at =
        c.s.app
            .verify_access_token(&pool, &issuer, token)
            .await
            .map_err(c.core(None))?
            .ok_or_else(|| CognitoError::not_authorized("Access Token has been revoked"))?;
    if !at.scopes.iter().any(|s| s == SELF_SERVICE) {
        return Err(CognitoError::not_authorized(
            "Access Token does not have required scopes",
        ));
    }
    let sub = uuid::Uuid::parse_str(&at.sub).map_err(|_| invalid())?;
    let user =
        c.s.app
            .user_by_sub(&pool.id, sub)
            .await
            .map_err(c.core(None))?
            .filter(|u| u.enabled)
            .ok_or_else(invalid)?;
    Ok((pool, user, at))
}

/// RevokeToken: a refresh token of this client (with its secret, if it has one) revokes its
/// family; Cognito answers `{}` for tokens it does not know.
pub(crate) async fn revoke(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_by_id(c).await?;
    if let Some(secret) = c.s.app.reveal_secret(&client).map_err(c.core(None))? {
        let given = c.opt_string("ClientSecret")?.unwrap_or_default();
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_bytes(),
            secret.as_bytes(),
        )) {
            return Err(CognitoError::not_authorized("Client secret is incorrect."));
        }
    }
    if !client.enable_token_revocation {
        return Err(CognitoError::invalid_parameter(
            "Token revocation is not enabled for this client",
        ));
    }
    let token = c.string("Token")?;
    let issuer = c.s.config.issuer(pool.id.as_str());
    c.s.app
        .revoke_token(&pool, &client, &issuer, token)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

#[cfg(test)]
mod timestamp_tests {
    use super::parse_srp_timestamp;

    #[test]
    fn cognito_timestamps() {
        assert_eq!(parse_srp_timestamp("Thu Jan 1 00:00:00 UTC 1970"), Some(0));
        assert_eq!(
            parse_srp_timestamp("Sun Nov 22 00:00:00 UTC 2026"),
            Some(1_795_305_600)
        );
        assert_eq!(parse_srp_timestamp("Sun Nov 22 00:00:00 GMT 2026"), None);
        assert_eq!(parse_srp_timestamp("2026-11-22T00:00:00Z"), None);
    }
}
