//! `POST /oauth2/token` (RFC 6749 §3.2, §4.1.3, §4.4, §6) and `POST /oauth2/revoke`
//! (RFC 7009). Parameters come only from the form body, each at most once.

use super::PoolCtx;
use super::client_auth::authenticate;
use super::respond::{no_store, oauth_error, token_json};
use crate::http::{Shared, params};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use portcullis_app::oauth::server_error;
use portcullis_core::client::OAuthFlow;
use portcullis_core::oauth::params::Params;
use portcullis_core::oauth::{ErrorCode, OAuthError};

async fn prepare(
    s: &Shared,
    pool: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(PoolCtx, Params), OAuthError> {
    let ctx = PoolCtx::load(s, pool, None)
        .await
        .map_err(|_| OAuthError::invalid_request("unknown user pool"))?;
    if uri.query().is_some_and(|q| !q.is_empty()) {
        return Err(OAuthError::invalid_request(
            "parameters must be sent in the request body",
        ));
    }
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let params = params::from_urlencoded(body)
        .map_err(|name| OAuthError::invalid_request(format!("parameter {name} is repeated")))?;
    Ok((ctx, params))
}

pub(crate) async fn token(
    State(s): State<Shared>,
    Path(pool): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match token_inner(&s, &pool, &uri, &headers, &body).await {
        Ok(r) => r,
        Err(e) => oauth_error(&e),
    }
}

async fn token_inner(
    s: &Shared,
    pool: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, OAuthError> {
    let (ctx, p) = prepare(s, pool, uri, headers, body).await?;
    let grant_type = p
        .get("grant_type")
        .ok_or_else(|| OAuthError::invalid_request("grant_type is required"))?
        .to_owned();
    if !matches!(
        grant_type.as_str(),
        "authorization_code" | "refresh_token" | "client_credentials"
    ) {
        return Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            "unsupported grant_type",
        ));
    }
    let client = authenticate(s, &ctx, headers, &p).await?;
    let app = &s.app;
    let response = match grant_type.as_str() {
        "authorization_code" => {
            if !client.allows_flow(OAuthFlow::Code) {
                return Err(OAuthError::new(
                    ErrorCode::UnauthorizedClient,
                    "the code flow is not enabled for this client",
                ));
            }
            let code = p
                .get("code")
                .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
            app.redeem_code(
                &ctx.pool,
                &client,
                &ctx.issuer,
                code,
                p.get("redirect_uri"),
                p.get("code_verifier"),
            )
            .await?
        }
        "refresh_token" => {
            let rt = p
                .get("refresh_token")
                .ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
            app.refresh_grant(&ctx.pool, &client, &ctx.issuer, rt, p.get("scope"))
                .await?
        }
        _ => {
            app.client_credentials_grant(&ctx.pool, &client, &ctx.issuer, p.get("scope"))
                .await?
        }
    };
    Ok(token_json(&response))
}

pub(crate) async fn revoke(
    State(s): State<Shared>,
    Path(pool): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let (ctx, p) = prepare(&s, &pool, &uri, &headers, &body).await?;
        let token = p
            .get("token")
            .ok_or_else(|| OAuthError::invalid_request("token is required"))?;
        let client = authenticate(&s, &ctx, &headers, &p).await?;
        if !client.enable_token_revocation {
            return Err(OAuthError::invalid_request(
                "token revocation is disabled for this client",
            ));
        }
        s.app
            .revoke_token(&ctx.pool, &client, &ctx.issuer, token)
            .await
            .map_err(server_error)
    }
    .await;
    match result {
        Ok(()) => {
            let mut res = StatusCode::OK.into_response();
            no_store(res.headers_mut());
            res
        }
        Err(e) => oauth_error(&e),
    }
}
