//! Client authentication at the token and revocation endpoints (RFC 6749 §2.3.1):
//! `client_secret_basic` or `client_secret_post` for confidential clients, `client_id` alone
//! for public ones. Two methods at once, or a secret for a client that has none, are refused.

use super::PoolCtx;
use crate::http::Shared;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine;
use portcullis_app::oauth::server_error;
use portcullis_core::client::AppClient;
use portcullis_core::oauth::OAuthError;
use portcullis_core::oauth::params::Params;
use portcullis_crypto::client_secret;

struct Presented {
    client_id: String,
    secret: Option<String>,
}

fn basic(headers: &HeaderMap) -> Result<Option<Presented>, OAuthError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| OAuthError::invalid_client())?;
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Err(OAuthError::invalid_client());
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(OAuthError::invalid_client)?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(OAuthError::invalid_client)?;
    let unescape = |s: &str| -> String {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some(Presented {
        client_id: unescape(id),
        secret: Some(unescape(secret)),
    }))
}

pub(crate) async fn authenticate(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    params: &Params,
) -> Result<AppClient, OAuthError> {
    let body_id = params.get("client_id");
    let body_secret = params.get("client_secret");
    let presented = match basic(headers)? {
        Some(b) => {
            if body_secret.is_some() {
                return Err(OAuthError::invalid_request(
                    "use one client authentication method",
                ));
            }
            if body_id.is_some_and(|id| id != b.client_id) {
                return Err(OAuthError::invalid_request(
                    "client_id does not match the Authorization header",
                ));
            }
            b
        }
        None => Presented {
            client_id: body_id.ok_or_else(OAuthError::invalid_client)?.to_owned(),
            secret: body_secret.map(str::to_owned),
        },
    };
    let client = s
        .app
        .pool_client(&ctx.pool.id, &presented.client_id)
        .await
        .map_err(server_error)?
        .ok_or_else(OAuthError::invalid_client)?;
    match (&client.secret, presented.secret) {
        (Some(stored), Some(given)) if client_secret::verify(&given, &stored.digest) => Ok(client),
        (None, None) => Ok(client),
        _ => Err(OAuthError::invalid_client()),
    }
}
