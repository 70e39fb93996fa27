//! `GET|POST /oauth2/authorize`: parse once, run the checks of
//! `core::oauth::authorize`, then answer from the session, send the person to sign in, or
//! send the client an error. Nothing here redirects to a URI the checks did not approve.

use super::respond::{error_redirect, see_other, success};
use super::{PoolCtx, page_error};
use crate::http::{Shared, cookies, pages, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use portcullis_app::federation::route::RouteError;
use portcullis_core::oauth::authorize::{
    self, AuthorizeError, AuthorizeRequest, Next, SessionInfo,
};
use portcullis_core::oauth::params::Params;
use portcullis_core::oauth::{ErrorCode, OAuthError};
use portcullis_core::session::Session;
use portcullis_core::user::User;

pub(crate) async fn get(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    handle(&s, ctx, params::from_query(uri.query()), &headers).await
}

/// OIDC Core §3.1.2.1: the request may also come as a form POST.
pub(crate) async fn post(
    State(s): State<Shared>,
    ctx: PoolCtx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&s, ctx, params::from_urlencoded(&body), &headers).await
}

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

async fn handle(
    s: &Shared,
    ctx: PoolCtx,
    parsed: Result<Params, String>,
    headers: &HeaderMap,
) -> Response {
    let (params, req, client) = match validated(s, &ctx, parsed, false).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    // A provider the request names must exist and suit the client, session or not.
    let route = match s.app.route_request(&ctx.pool, &client, &req).await {
        Ok(r) => r,
        Err(RouteError::OAuth(error)) => {
            let r = authorize::Redirect {
                redirect_uri: req.redirect_uri.clone(),
                state: req.state.clone(),
                fragment: req.response_type == authorize::ResponseType::Token,
                error,
            };
            return error_redirect(&ctx, &r, false);
        }
        Err(RouteError::Store(e)) => return page_error(e),
    };
    let session = match current_session(s, &ctx, headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let info = session.as_ref().map(|(sess, _)| SessionInfo {
        auth_time: sess.auth_time,
    });
    match authorize::next_step(&req, info, s.app.now()) {
        Next::Issue => match session {
            Some((sess, user)) => {
                respond(s, &ctx, &client, &req, &user, sess.auth_time, false).await
            }
            None => page_error(portcullis_core::Error::internal("session vanished")),
        },
        Next::LoginRequired => {
            let r = authorize::Redirect {
                redirect_uri: req.redirect_uri.clone(),
                state: req.state.clone(),
                fragment: req.response_type == authorize::ResponseType::Token,
                error: OAuthError::new(ErrorCode::LoginRequired, "the user must sign in"),
            };
            error_redirect(&ctx, &r, false)
        }
        Next::Login => match route {
            Some(idp) => super::federation::to_upstream(s, &ctx, &idp, &req, false).await,
            None => see_other(
                &format!("{}/login?{}", ctx.base, params::to_query(&params)),
                false,
            ),
        },
    }
}

/// The success response for a signed-in user: a code, or tokens for the implicit flow.
pub(crate) async fn respond(
    s: &Shared,
    ctx: &PoolCtx,
    client: &portcullis_core::client::AppClient,
    req: &AuthorizeRequest,
    user: &User,
    auth_time: i64,
    after_post: bool,
) -> Response {
    let result = match req.response_type {
        authorize::ResponseType::Code => s
            .app
            .issue_code(&ctx.pool, req, user, auth_time)
            .await
            .map(|code| success(ctx, req, Some(&code), None, after_post)),
        authorize::ResponseType::Token => s
            .app
            .implicit_tokens(&ctx.pool, client, &ctx.issuer, req, user, auth_time)
            .await
            .map(|t| success(ctx, req, None, Some(&t), after_post)),
    };
    result.unwrap_or_else(page_error)
}
