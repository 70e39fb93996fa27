//! The sign-in page: the form (with its CSRF token), a button per upstream provider, and the
//! links to sign-up and password reset, all carrying the app's pending request.

use super::PoolCtx;
use super::forms::{action, with_csrf};
use crate::http::{Shared, pages, params};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use portcullis_core::oauth::params::Params;

pub(crate) fn login_page(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    login_page_with(s, ctx, headers, query, username, error, status, &[])
}

/// The sign-in page with a button for each upstream provider in `providers`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn login_page_with(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
    providers: &[String],
) -> Response {
    let action = action(ctx, "/login", query);
    let signup = self::action(ctx, "/signup", query);
    let forgot = self::action(ctx, "/forgotPassword", query);
    let buttons: Vec<(String, String)> = providers
        .iter()
        .map(|p| {
            let mut q: Vec<(String, String)> = query
                .iter()
                .filter(|(k, _)| *k != "identity_provider")
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            q.push(("identity_provider".into(), p.clone()));
            let q = Params::from_pairs(q).unwrap_or_default();
            (
                format!("{}/oauth2/authorize?{}", ctx.path, params::to_query(&q)),
                format!("Sign in with {p}"),
            )
        })
        .collect();
    let mut links: Vec<(&str, &str)> = buttons
        .iter()
        .map(|(h, t)| (h.as_str(), t.as_str()))
        .collect();
    links.push((signup.as_str(), "Create an account"));
    links.push((forgot.as_str(), "Forgot your password?"));
    with_csrf(s, ctx, headers, |csrf| {
        let form = pages::LoginForm {
            links: &links,
            action: &action,
            csrf,
            username,
            error,
            pool_name: &ctx.pool.name,
        };
        pages::login(status, &form)
    })
}
