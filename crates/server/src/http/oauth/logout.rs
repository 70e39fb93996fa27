//! `GET /logout`: ends the hosted-UI session server-side and clears its cookie, then
//! redirects to a registered logout URL (`logout_uri`, Cognito's name, or OIDC's
//! `post_logout_redirect_uri`), or back to sign-in (`redirect_uri` + `response_type`).
//! Anything unregistered gets an error page, no redirect, and the session stays; so does an
//! `id_token_hint` that is not this pool's ID token for that client. With
//! `upstream_logout=true`, a session that signed in through an upstream provider is also
//! signed out there first (`idp_logout` brings the browser back and on). A request naming no
//! client at all (RP-Initiated Logout allows that) gets a "Sign out?" page instead, whose
//! form (`POST /logout`) signs out.

use super::forms::{PageResult, action, posted_form, with_csrf};
use super::respond::{see_other, with_params};
use super::{PoolCtx, page_error};
use crate::http::{Shared, cookies, pages, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use portcullis_core::oauth::authorize;
use portcullis_core::oauth::params::Params;
use serde_json::Value;

pub(crate) async fn logout(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> PageResult {
    let bad = |m: &str| pages::error(StatusCode::BAD_REQUEST, m);
    let p =
        params::from_query(uri.query()).map_err(|_| bad("A parameter appears more than once."))?;
    if names_no_client(&p) {
        return Ok(confirm_page(&s, &ctx, &headers, &p));
    }
    let target = target(&s, &ctx, &p).await?;
    let upstream_too = match p.get("upstream_logout") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(bad("upstream_logout must be true or false.")),
    };
    end_session(&s, &ctx, &headers, target, upstream_too).await
}

/// RP-Initiated Logout 1.0 §2: every parameter is optional. A request that names no client
/// (no `client_id`, no `id_token_hint`, nowhere to go) cannot be told from a link on
/// someone else's page, so the person is asked first.
fn names_no_client(p: &Params) -> bool {
    [
        "client_id",
        "id_token_hint",
        "logout_uri",
        "post_logout_redirect_uri",
        "redirect_uri",
    ]
    .iter()
    .all(|k| !p.contains(k))
}

/// "Sign out?", with a CSRF-protected form that posts back to `/logout`. Without a session
/// there is nothing to ask: the signed-out page.
fn confirm_page(s: &Shared, ctx: &PoolCtx, headers: &HeaderMap, p: &Params) -> Response {
    if cookies::get(headers, &cookies::name(cookies::SESSION, ctx.secure)).is_none() {
        return pages::signed_out();
    }
    let action = action(ctx, "/logout", p);
    with_csrf(s, ctx, headers, |csrf| {
        pages::form(
            StatusCode::OK,
            &pages::FormPage {
                title: "Sign out?",
                intro: &ctx.pool.name,
                action: &action,
                csrf,
                hidden: &[],
                fields: &[],
                button: "Sign out",
                error: None,
                notice: None,
                secondary: Some(("stay", "Stay signed in")),
                links: &[],
            },
        )
    })
}

/// `POST /logout`: the answer to "Sign out?".
pub(crate) async fn confirm(
    State(s): State<Shared>,
    ctx: PoolCtx,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let form = posted_form(&s, &ctx, &headers, &body)?;
    if form.get("action") == Some("stay") {
        return Ok(pages::page(
            StatusCode::OK,
            "Still signed in",
            "<h1>You are still signed in</h1><p>You can close this window.</p>",
        ));
    }
    end_session(&s, &ctx, &headers, None, false).await
}

/// Ends the browser's session (and, with `upstream_too`, the upstream provider's), clears
/// its cookie, and goes on to `target` (or the signed-out page).
async fn end_session(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    target: Option<String>,
    upstream_too: bool,
) -> PageResult {
    let name = cookies::name(cookies::SESSION, ctx.secure);
    let mut upstream = None;
    if let Some(cookie) = cookies::get(headers, &name) {
        if let Ok(Some((session, _))) = s.app.session(&ctx.pool.id, &cookie).await {
            upstream = session.upstream;
        }
        s.app
            .end_session(&ctx.pool.id, &cookie)
            .await
            .map_err(page_error)?;
    }
    let mut via = None;
    if let Some(up) = &upstream {
        match s
            .app
            .upstream_logout(&ctx.pool, up, target.as_deref(), &ctx.base, upstream_too)
            .await
        {
            Ok(url) => via = url,
            // Our session is over either way; the provider's stays.
            Err(e) => {
                tracing::warn!(pool = %ctx.pool.id, error = %e, "cannot sign out of the upstream provider")
            }
        }
    }
    let mut res = match (via, target) {
        (Some(departure), _) => super::respond::depart(&departure),
        (None, Some(url)) => see_other(&url, false),
        (None, None) => pages::signed_out(),
    };
    if let Ok(v) = HeaderValue::from_str(&cookies::clear(&name, ctx.cookie_path(), ctx.secure)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// Where to go after signing out; `Err` is the error page for anything not registered.
async fn target(s: &Shared, ctx: &PoolCtx, p: &Params) -> Result<Option<String>, Response> {
    let bad = |m: &str| pages::error(StatusCode::BAD_REQUEST, m);
    // A hint, when given, must be this pool's ID token, and for the client named beside it.
    let hinted = match p.get("id_token_hint") {
        Some(hint) => Some(
            client_of_id_token(s, ctx, hint)
                .await
                .ok_or_else(|| bad("The id_token_hint is not valid."))?,
        ),
        None => None,
    };
    let client_id = match (p.get("client_id"), hinted) {
        (Some(c), Some(h)) if c != h => {
            return Err(bad("The id_token_hint was issued to another app client."));
        }
        (Some(c), _) => c.to_owned(),
        (None, Some(h)) => h,
        (None, None) => return Err(bad("The request has no client_id.")),
    };
    let client = s
        .app
        .pool_client(&ctx.pool.id, &client_id)
        .await
        .map_err(page_error)?
        .ok_or_else(|| bad("The app client does not exist."))?;
    if let Some(uri) = p.get("logout_uri") {
        return if client.has_logout_url(uri) {
            Ok(Some(uri.to_owned()))
        } else {
            Err(bad("The logout_uri is not registered for this app client."))
        };
    }
    if let Some(uri) = p.get("post_logout_redirect_uri") {
        if !client.has_logout_url(uri) {
            return Err(bad(
                "The post_logout_redirect_uri is not registered for this app client.",
            ));
        }
        let state: Vec<(&str, &str)> = p
            .get("state")
            .map(|s| vec![("state", s)])
            .unwrap_or_default();
        return with_params(uri, &state, false)
            .map(Some)
            .ok_or_else(|| bad("The post_logout_redirect_uri is not usable."));
    }
    if p.contains("redirect_uri") {
        // Sign in again: the same checks as an authorization request.
        let mut sign_in: Vec<(String, String)> = p
            .iter()
            .filter(|(k, _)| !matches!(*k, "logout_uri" | "id_token_hint"))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        if !p.contains("client_id") {
            sign_in.push(("client_id".into(), client_id.clone()));
        }
        let sign_in =
            Params::from_pairs(sign_in).map_err(|_| bad("A parameter appears more than once."))?;
        return match authorize::validate(&sign_in, Some(&client)) {
            Ok(_) => Ok(Some(format!(
                "{}/oauth2/authorize?{}",
                ctx.base,
                params::to_query(&sign_in)
            ))),
            Err(_) => Err(bad(
                "The sign-in request after sign-out is not valid for this app client.",
            )),
        };
    }
    Ok(None)
}

/// The `aud` of an ID token this pool signed (expired or not: apps send the one they have).
async fn client_of_id_token(s: &Shared, ctx: &PoolCtx, token: &str) -> Option<String> {
    let claims = s
        .app
        .verify_id_token_hint(&ctx.pool, &ctx.issuer, token)
        .await
        .ok()
        .flatten()?;
    claims.get("aud").and_then(Value::as_str).map(str::to_owned)
}

/// `GET {issuer}/oauth2/idplogout`: the upstream provider is done; on to where the sign-out
/// was going.
pub(crate) async fn idp_logout(State(s): State<Shared>, ctx: PoolCtx, uri: Uri) -> Response {
    let state = params::from_query(uri.query())
        .ok()
        .and_then(|p| p.get("state").map(str::to_owned))
        .unwrap_or_default();
    match s.app.finish_upstream_logout(&ctx.pool, &state).await {
        Ok(Some(Some(url))) => see_other(&url, false),
        Ok(_) => pages::signed_out(),
        Err(e) => page_error(e),
    }
}
