//! Sign-in through an upstream provider, on the browser's side: the 303 to the provider (its
//! `state` also set in a cookie, so the answer is only accepted in the browser that started
//! the sign-in), and `{issuer}/oauth2/idpresponse`, which spends the state and then either
//! answers the app as a password sign-in would or sends it `error=`. Before the state is
//! known good there is no app to redirect to, so those failures are pages.

use super::PoolCtx;
use super::finish::signed_in;
use super::forms::{PageResult, set_cookie};
use super::respond::{error_redirect, see_other};
use crate::http::{Shared, cookies, pages, params};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use portcullis_app::federation::FedError;
use portcullis_app::federation::pending::{Pending, Upstream};
use portcullis_core::idp::IdentityProvider;
use portcullis_core::oauth::authorize::AuthorizeRequest;
use portcullis_core::oauth::{ErrorCode, OAuthError};
use subtle::ConstantTimeEq;

/// The state of the upstream sign-in this browser started (OIDC state, SAML RelayState).
pub(super) const FED_COOKIE: &str = "portcullis_fed";
const FED_COOKIE_SECS: i64 = 600;

fn app_error(
    ctx: &PoolCtx,
    req: &AuthorizeRequest,
    error: OAuthError,
    after_post: bool,
) -> Response {
    error_redirect(ctx, &req.error_redirect(error), after_post)
}

/// What the app hears when an upstream sign-in fails; the details are logged.
fn oauth_error(e: &FedError) -> OAuthError {
    match e {
        FedError::Unavailable(_) => OAuthError::new(
            ErrorCode::TemporarilyUnavailable,
            "the identity provider is not available",
        ),
        FedError::Invalid(_) => {
            OAuthError::invalid_request("the identity provider's answer could not be accepted")
        }
        FedError::Denied(_) => OAuthError::new(
            ErrorCode::AccessDenied,
            "the identity provider did not sign the user in",
        ),
        FedError::Internal(_) => OAuthError::new(ErrorCode::ServerError, "sign-in failed"),
        // As Cognito's hosted UI passes a trigger's refusal on to the app.
        FedError::Hook(h) => OAuthError::invalid_request(h.message()),
    }
}

/// The federation cookie has done its work once an answer came back (taken or refused).
pub(super) fn forget_upstream_state(res: &mut Response, ctx: &PoolCtx) {
    let name = cookies::name(FED_COOKIE, ctx.secure);
    set_cookie(res, &cookies::clear(&name, ctx.cookie_path(), ctx.secure));
}

/// Sends the browser to `idp` to sign in for the app request `req`.
pub(crate) async fn to_upstream(
    s: &Shared,
    ctx: &PoolCtx,
    idp: &IdentityProvider,
    req: &AuthorizeRequest,
    after_post: bool,
) -> Response {
    match s.app.federation_start(&ctx.pool, idp, req, &ctx.base).await {
        Ok((url, state)) => {
            let mut res = see_other(&url, after_post);
            let name = cookies::name(FED_COOKIE, ctx.secure);
            set_cookie(
                &mut res,
                &cookies::set(
                    &name,
                    &state,
                    ctx.cookie_path(),
                    FED_COOKIE_SECS,
                    ctx.secure,
                ),
            );
            res
        }
        Err(e) => {
            tracing::warn!(pool = %ctx.pool.id, provider = %idp.name, error = %e, "cannot start an upstream sign-in");
            app_error(ctx, req, oauth_error(&e), after_post)
        }
    }
}

/// `GET {issuer}/oauth2/idpresponse`: Cognito's callback, shared by the pool's providers.
pub(crate) async fn idp_response(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    respond_and_forget(&s, &ctx, &uri, &headers, None).await
}

/// `GET {issuer}/oauth2/idpresponse/{provider}`: the callback of one provider.
pub(crate) async fn idp_response_for(
    State(s): State<Shared>,
    ctx: PoolCtx,
    Path((_, provider)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    respond_and_forget(&s, &ctx, &uri, &headers, Some(&provider)).await
}

async fn respond_and_forget(
    s: &Shared,
    ctx: &PoolCtx,
    uri: &Uri,
    headers: &HeaderMap,
    path_provider: Option<&str>,
) -> Response {
    let mut res = answer(s, ctx, uri, headers, path_provider)
        .await
        .unwrap_or_else(|page| page);
    forget_upstream_state(&mut res, ctx);
    res
}

async fn answer(
    s: &Shared,
    ctx: &PoolCtx,
    uri: &Uri,
    headers: &HeaderMap,
    path_provider: Option<&str>,
) -> PageResult {
    let bad = |m: &str| pages::error(StatusCode::BAD_REQUEST, m);
    let p = params::from_query(uri.query())
        .map_err(|_| bad("This sign-in response repeats a parameter. Start again from the app."))?;
    let state = p
        .get("state")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("This sign-in response is incomplete. Start again from the app."))?;
    let cookie = cookies::get(headers, &cookies::name(FED_COOKIE, ctx.secure)).unwrap_or_default();
    if !bool::from(cookie.as_bytes().ct_eq(state.as_bytes())) {
        tracing::warn!(pool = %ctx.pool.id, "upstream answer for a sign-in this browser did not start");
        return Err(bad(
            "This sign-in did not start in this browser. Start again from the app.",
        ));
    }
    let pending = pending_for(s, ctx, state).await?;
    let cb = portcullis_app::federation::oidc::Callback {
        code: p.get("code"),
        iss: p.get("iss"),
        error: p.get("error"),
        provider_in_path: path_provider,
    };
    let waiting = &pending;
    Ok(complete(s, ctx, &pending, false, |idp| async move {
        s.app.federation_finish(&idp, waiting, &cb, &ctx.base).await
    })
    .await)
}

/// The sign-in waiting under `state`, spent; `Err` is the page to show.
pub(super) async fn pending_for(
    s: &Shared,
    ctx: &PoolCtx,
    state: &str,
) -> Result<Pending, Response> {
    match s.app.federation_pending(&ctx.pool, state).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(pages::error(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired or was already used. Start again from the app.",
        )),
        Err(e) => {
            tracing::error!(error = %e, "reading a federation state failed");
            Err(pages::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed. Please try again.",
            ))
        }
    }
}

/// After the state: the provider's answer verified by `verify`, the user provisioned, the
/// app answered; any failure goes to the app as `error=`.
pub(super) async fn complete<F, Fut>(
    s: &Shared,
    ctx: &PoolCtx,
    pending: &Pending,
    after_post: bool,
    verify: F,
) -> Response
where
    F: FnOnce(IdentityProvider) -> Fut,
    Fut: std::future::Future<Output = Result<Upstream, FedError>>,
{
    let req = &pending.request;
    let client = match s.app.pool_client(&ctx.pool.id, &req.client_id).await {
        Ok(Some(c)) if c.has_callback(&req.redirect_uri) => c,
        _ => {
            return pages::error(
                StatusCode::BAD_REQUEST,
                "The app client no longer exists. Start again from the app.",
            );
        }
    };
    let fail = |e: FedError| {
        tracing::warn!(pool = %ctx.pool.id, provider = %pending.provider, error = %e, "upstream sign-in failed");
        app_error(ctx, req, oauth_error(&e), after_post)
    };
    let idp = match s.app.pending_provider(&ctx.pool, pending).await {
        Ok(idp) => idp,
        Err(e) => return fail(e),
    };
    let upstream = match verify(idp.clone()).await {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    match s.app.federation_sign_in(&ctx.pool, &idp, &upstream).await {
        Ok(done) => {
            signed_in(
                s,
                ctx,
                &client,
                req,
                &done.user,
                after_post,
                Some(done.kept),
            )
            .await
        }
        Err(e) => fail(e),
    }
}
