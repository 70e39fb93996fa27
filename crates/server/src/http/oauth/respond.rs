//! Answers to the client: the authorization response (RFC 6749 §4.1.2, with RFC 9207's
//! `iss`), error redirects (§4.1.2.1), JSON errors of the token endpoint (§5.2).

use super::PoolCtx;
use crate::http::pages;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portcullis_app::oauth::tokens::TokenResponse;
use portcullis_core::oauth::authorize::{AuthorizeRequest, Redirect, ResponseType};
use portcullis_core::oauth::{ErrorCode, OAuthError};
use serde_json::json;

/// `uri` with `pairs` added to its query (or, for the implicit flow, as its fragment).
pub(crate) fn with_params(uri: &str, pairs: &[(&str, &str)], fragment: bool) -> Option<String> {
    let mut url = url::Url::parse(uri).ok()?;
    if fragment {
        let frag = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        url.set_fragment(Some(&frag));
    } else {
        url.query_pairs_mut().extend_pairs(pairs);
    }
    Some(url.into())
}

/// A redirect the browser follows with GET: 303 after a POST, 302 otherwise; never 307.
pub(crate) fn see_other(location: &str, after_post: bool) -> Response {
    let status = if after_post {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::FOUND
    };
    let mut res = status.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    pages::with_page_headers(res.headers_mut());
    res
}

/// Sends the browser on to a provider's logout, by redirect or by self-submitting form.
pub(crate) fn depart(d: &portcullis_app::federation::logout::Departure) -> Response {
    use portcullis_app::federation::logout::Departure;
    match d {
        Departure::Redirect(url) => see_other(url, false),
        Departure::Post { action, fields } => pages::auto_post("Signing you out", action, fields),
    }
}

pub(crate) fn error_redirect(ctx: &PoolCtx, r: &Redirect, after_post: bool) -> Response {
    let mut pairs = vec![
        ("error", r.error().code.as_str()),
        ("error_description", r.error().description.as_str()),
    ];
    if let Some(s) = r.state() {
        pairs.push(("state", s));
    }
    pairs.push(("iss", &ctx.issuer));
    match with_params(r.redirect_uri(), &pairs, r.in_fragment()) {
        Some(url) => see_other(&url, after_post),
        None => pages::error(StatusCode::BAD_REQUEST, "The redirect URI is not usable."),
    }
}

/// The success response: `code` (or the implicit tokens), `state` and `iss`.
pub(crate) fn success(
    ctx: &PoolCtx,
    req: &AuthorizeRequest,
    code: Option<&str>,
    tokens: Option<&TokenResponse>,
    after_post: bool,
) -> Response {
    let expires;
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(c) = code {
        pairs.push(("code", c));
    }
    if let Some(t) = tokens {
        pairs.push(("access_token", &t.access_token));
        if let Some(id) = &t.id_token {
            pairs.push(("id_token", id));
        }
        pairs.push(("token_type", t.token_type));
        expires = t.expires_in.to_string();
        pairs.push(("expires_in", &expires));
    }
    if let Some(s) = &req.state {
        pairs.push(("state", s));
    }
    pairs.push(("iss", &ctx.issuer));
    let fragment = req.response_type == ResponseType::Token;
    match with_params(&req.redirect_uri, &pairs, fragment) {
        Some(url) => see_other(&url, after_post),
        None => pages::error(StatusCode::BAD_REQUEST, "The redirect URI is not usable."),
    }
}

/// RFC 6749 §5.2: 400 (401 with `WWW-Authenticate` for `invalid_client`), no caching.
pub(crate) fn oauth_error(e: &OAuthError) -> Response {
    let status = match e.code {
        ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
        ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut res = (
        status,
        Json(json!({"error": e.code.as_str(), "error_description": e.description})),
    )
        .into_response();
    let h = res.headers_mut();
    if e.code == ErrorCode::InvalidClient {
        h.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"portcullis\""),
        );
    }
    no_store(h);
    res
}

pub(crate) fn no_store(h: &mut axum::http::HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

pub(crate) fn token_json(t: &TokenResponse) -> Response {
    let mut res = Json(t).into_response();
    no_store(res.headers_mut());
    res
}
