//! Calls made with a user's access token (GetUser, UpdateUserAttributes, ChangePassword,
//! GlobalSignOut, ...): the token must be live, of a pool here, and carry the self-service
//! scope. RevokeToken, made with a refresh token, is here too.

use super::Call;
use super::caller::client_by_id;
use super::error::CognitoError;
use base64::Engine;
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use serde_json::{Value, json};

const SELF_SERVICE: &str = "aws.cognito.signin.user.admin";

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
    check_client_secret(c, &client)?;
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

/// `ClientSecret`, for a client that has one (RevokeToken, GetTokensFromRefreshToken).
pub(crate) fn check_client_secret(
    c: &Call<'_>,
    client: &portcullis_core::client::AppClient,
) -> Result<(), CognitoError> {
    if let Some(secret) = c.s.app.reveal_secret(client).map_err(c.core(None))? {
        let given = c.opt_string("ClientSecret")?.unwrap_or_default();
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_bytes(),
            secret.as_bytes(),
        )) {
            return Err(CognitoError::not_authorized("Client secret is incorrect."));
        }
    }
    Ok(())
}
