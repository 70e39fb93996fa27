//! `GET|POST /oauth2/authorize`: parse once, run the checks of
//! `core::oauth::authorize`, then answer from the session, send the person to sign in, or
//! send the client an error. Nothing here redirects to a URI the checks did not approve.

use super::finish::respond;
use super::forms::PageResult;
use super::request::{current_session, validated};
use super::respond::{error_redirect, see_other};
use super::{PoolCtx, page_error};
use crate::http::{Shared, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use portcullis_app::federation::route::RouteError;
use portcullis_core::oauth::authorize::{self, Next, SessionInfo};
use portcullis_core::oauth::params::Params;
use portcullis_core::oauth::{ErrorCode, OAuthError};

pub(crate) async fn get(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> PageResult {
    handle(&s, ctx, params::from_query(uri.query()), &headers).await
}

/// OIDC Core §3.1.2.1: the request may also come as a form POST.
pub(crate) async fn post(
    State(s): State<Shared>,
    ctx: PoolCtx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    handle(&s, ctx, params::from_urlencoded(&body), &headers).await
}

async fn handle(
    s: &Shared,
    ctx: PoolCtx,
    parsed: Result<Params, String>,
    headers: &HeaderMap,
) -> PageResult {
    let (params, req, client) = validated(s, &ctx, parsed, false).await?;
    // A provider the request names must exist and suit the client, session or not.
    let route = match s.app.route_request(&ctx.pool, &client, &req).await {
        Ok(r) => r,
        Err(RouteError::OAuth(error)) => {
            return Err(error_redirect(&ctx, &req.error_redirect(error), false));
        }
        Err(RouteError::Store(e)) => return Err(page_error(e)),
    };
    let session = current_session(s, &ctx, headers).await?;
    let info = session.as_ref().map(|(sess, _)| SessionInfo {
        auth_time: sess.auth_time,
    });
    Ok(match authorize::next_step(&req, info, s.app.now()) {
        Next::Issue => match session {
            Some((sess, user)) => {
                respond(s, &ctx, &client, &req, &user, sess.auth_time, false).await
            }
            None => page_error(portcullis_core::Error::internal("session vanished")),
        },
        Next::LoginRequired => {
            let error = OAuthError::new(ErrorCode::LoginRequired, "the user must sign in");
            error_redirect(&ctx, &req.error_redirect(error), false)
        }
        Next::Login => match route {
            Some(idp) => super::federation::to_upstream(s, &ctx, &idp, &req, false).await,
            None => see_other(
                &format!("{}/login?{}", ctx.base, params::to_query(&params)),
                false,
            ),
        },
    })
}
