//! The sign-in page: the form (with its CSRF token), a button per upstream provider, and the
//! links to sign-up and password reset, all carrying the app's pending request.

use super::forms::{PageCtx, Say};
use crate::http::{pages, params};
use axum::response::Response;
use portcullis_core::oauth::params::Params;

/// The sign-in page, with a button for each upstream provider in `providers`.
pub(crate) fn login_page(
    p: PageCtx<'_>,
    username: &str,
    say: Say<'_>,
    providers: &[String],
) -> Response {
    let (ctx, query) = (p.ctx, p.query);
    let action = p.action("/login");
    let signup = p.action("/signup");
    let forgot = p.action("/forgotPassword");
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
    p.with_csrf(|csrf| {
        let form = pages::LoginForm {
            links: &links,
            action: &action,
            csrf,
            username,
            error: say.error(),
            notice: say.notice(),
            pool_name: &ctx.pool.name,
        };
        pages::login(say.status(), &form)
    })
}
