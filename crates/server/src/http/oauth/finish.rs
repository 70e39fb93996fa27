//! The end of every sign-in (password, new password, upstream provider): a fresh session,
//! then the answer the validated authorization request asked for (a code, or tokens for the
//! implicit flow). Only a request `core` validated reaches here, so the redirect is safe.

use super::forms::set_cookie;
use super::respond::success;
use super::{PoolCtx, page_error};
use crate::http::{Shared, cookies};
use axum::response::Response;
use portcullis_core::oauth::authorize::{self, AuthorizeRequest};
use portcullis_core::user::User;

/// A fresh session (a new id: nothing planted before sign-in survives), then the answer to
/// the client with 303 so the browser follows with GET.
pub(crate) async fn signed_in(
    s: &Shared,
    ctx: &PoolCtx,
    client: &portcullis_core::client::AppClient,
    req: &portcullis_core::oauth::authorize::AuthorizeRequest,
    user: &User,
    after_post: bool,
    upstream: Option<portcullis_core::session::UpstreamSignIn>,
) -> Response {
    let (cookie, session) = match s.app.create_session(user, upstream).await {
        Ok(v) => v,
        Err(e) => return page_error(e),
    };
    let mut res = respond(s, ctx, client, req, user, session.auth_time, after_post).await;
    let name = cookies::name(cookies::SESSION, ctx.secure);
    let max_age = session.expires_at - session.created_at;
    set_cookie(
        &mut res,
        &cookies::set(&name, &cookie, ctx.cookie_path(), max_age, ctx.secure),
    );
    res
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
