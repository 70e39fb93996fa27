//! `GET|POST /oauth2/userInfo` (OIDC Core §5.3): the bearer access token in the
//! `Authorization` header only (RFC 6750 §2.1; tokens in query strings leak into logs).

use super::PoolCtx;
use super::respond::no_store;
use crate::http::Shared;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use portcullis_core::oauth::{claims, scope};
use serde_json::json;

fn challenge(status: StatusCode, error: Option<&str>, description: &str) -> Response {
    let header = match error {
        Some(e) => format!(
            "Bearer realm=\"portcullis\", error=\"{e}\", error_description=\"{description}\""
        ),
        None => "Bearer realm=\"portcullis\"".to_owned(),
    };
    let body =
        json!({"error": error.unwrap_or("invalid_request"), "error_description": description});
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&header) {
        res.headers_mut().insert(WWW_AUTHENTICATE, v);
    }
    no_store(res.headers_mut());
    res
}

pub(crate) async fn userinfo(
    State(s): State<Shared>,
    Path(pool): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let ctx = PoolCtx::load(&s, &pool, None).await.map_err(|_| {
        challenge(
            StatusCode::UNAUTHORIZED,
            Some("invalid_token"),
            "unknown user pool",
        )
    })?;
    let token = bearer_token(&uri, &headers)?;
    let invalid = || {
        challenge(
            StatusCode::UNAUTHORIZED,
            Some("invalid_token"),
            "the access token is invalid, expired or revoked",
        )
    };
    let claims_of = s
        .app
        .verify_access_token(&ctx.pool, &ctx.issuer, token)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "userinfo");
            challenge(
                StatusCode::INTERNAL_SERVER_ERROR,
                Some("server_error"),
                "internal error",
            )
        })?
        .ok_or_else(invalid)?;
    if !scope::has(&claims_of.scopes, "openid") {
        return Err(challenge(
            StatusCode::FORBIDDEN,
            Some("insufficient_scope"),
            "the openid scope is required",
        ));
    }
    let user = match uuid::Uuid::parse_str(&claims_of.sub) {
        Ok(sub) => s.app.user_by_sub(&ctx.pool.id, sub).await.ok().flatten(),
        Err(_) => None,
    };
    // Only what the token's client may read (its ReadAttributes).
    let seen = match user.filter(|u| u.enabled) {
        Some(u) => s
            .app
            .as_seen_by(&ctx.pool, &claims_of.client_id, u)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let u = seen.ok_or_else(invalid)?;
    let mut res = Json(claims::userinfo(&u, &claims_of.scopes)).into_response();
    no_store(res.headers_mut());
    Ok(res)
}

/// RFC 6750 §2.1: the token in the Authorization header; one in the query is refused.
fn bearer_token<'h>(uri: &Uri, headers: &'h HeaderMap) -> Result<&'h str, Response> {
    if uri.query().is_some_and(|q| q.contains("access_token")) {
        return Err(challenge(
            StatusCode::BAD_REQUEST,
            Some("invalid_request"),
            "send the token in the Authorization header",
        ));
    }
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(|| {
            challenge(
                StatusCode::UNAUTHORIZED,
                None,
                "a bearer access token is required",
            )
        })
}
