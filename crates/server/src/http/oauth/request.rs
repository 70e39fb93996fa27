//! What every hosted page starts from: the app's authorization request, validated by
//! `core` (or the page or error redirect to send instead), and the browser's live session.

use super::respond::error_redirect;
use super::{PoolCtx, page_error};
use crate::http::{Shared, cookies, pages};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use portcullis_core::oauth::authorize::{self, AuthorizeError, AuthorizeRequest};
use portcullis_core::oauth::params::Params;
use portcullis_core::session::Session;
use portcullis_core::user::User;

/// Validates the request; `Err` is the response to send (error page or error redirect).
pub(crate) async fn validated(
    s: &Shared,
    ctx: &PoolCtx,
    parsed: Result<Params, String>,
    after_post: bool,
) -> Result<(Params, AuthorizeRequest, portcullis_core::client::AppClient), Response> {
    let params = parsed.map_err(|name| {
        pages::error(
            StatusCode::BAD_REQUEST,
            &format!("The parameter {name} appears more than once."),
        )
    })?;
    let client_id = authorize::client_id(&params).map_err(|e| match e {
        AuthorizeError::Page(m) => pages::error(StatusCode::BAD_REQUEST, &m),
        AuthorizeError::Redirect(r) => error_redirect(ctx, &r, after_post),
    })?;
    let client = s
        .app
        .pool_client(&ctx.pool.id, client_id)
        .await
        .map_err(page_error)?;
    match authorize::validate(&params, client.as_ref()) {
        Ok(req) => match client {
            Some(c) => Ok((params, req, c)),
            None => Err(pages::error(
                StatusCode::BAD_REQUEST,
                "The app client does not exist.",
            )),
        },
        Err(AuthorizeError::Page(m)) => Err(pages::error(StatusCode::BAD_REQUEST, &m)),
        Err(AuthorizeError::Redirect(r)) => Err(error_redirect(ctx, &r, after_post)),
    }
}

/// The live session behind the request's cookie, if any.
pub(crate) async fn current_session(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
) -> Result<Option<(Session, User)>, Response> {
    let Some(cookie) = cookies::get(headers, &cookies::name(cookies::SESSION, ctx.secure)) else {
        return Ok(None);
    };
    s.app
        .session(&ctx.pool.id, &cookie)
        .await
        .map_err(page_error)
}
