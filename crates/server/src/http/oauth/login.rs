//! The hosted sign-in page. The pending authorization request travels in the page's query
//! string and is checked again on every POST, so no server state exists before sign-in.
//! Forms carry a CSRF token: a MAC (under the master key) of a random value in a cookie,
//! which a cross-site form cannot read or obtain; cross-site `Origin` and `Sec-Fetch-Site`
//! are refused outright.

use super::authorize::{respond, validated};
use super::{PoolCtx, page_error};
use crate::http::client_ip::ClientIp;
use crate::http::{Shared, cookies, pages, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use portcullis_app::oauth::login::{LoginFailure, LoginOutcome};
use portcullis_core::Error;
use portcullis_core::oauth::params::Params;
use portcullis_core::user::User;
use portcullis_crypto::tokens::random_token;

const CSRF_PURPOSE: &str = "login-csrf";
const CSRF_COOKIE_SECS: i64 = 3600;
const BAD_CREDENTIALS: &str = "Incorrect username or password.";

/// The CSRF cookie value (existing or new) and whether it must be set. A failing random
/// generator is an error, never an empty (guessable) token.
fn csrf_cookie(ctx: &PoolCtx, headers: &HeaderMap) -> Result<(String, bool), Error> {
    match cookies::get(headers, &cookies::name(cookies::CSRF, ctx.secure)) {
        Some(v) if !v.is_empty() => Ok((v, false)),
        _ => random_token()
            .map(|t| (t, true))
            .map_err(|e| Error::internal(format!("random generator: {e}"))),
    }
}

fn set_cookie(res: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Same-origin only: the token must match the cookie, and browsers' own origin signals must
/// not say cross-site.
/// A form posted to one of the pool's pages: parsed once (no repeated fields) and
/// CSRF-checked; `Err` is the error page to send (as in the async handlers' helpers).
#[allow(clippy::result_large_err)]
pub(crate) fn posted_form(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Params, Response> {
    let form = params::from_urlencoded(body).map_err(|_| {
        pages::error(
            StatusCode::BAD_REQUEST,
            "A form field appears more than once.",
        )
    })?;
    if !csrf_ok(s, ctx, headers, &form) {
        return Err(pages::error(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site. Go back and try again.",
        ));
    }
    Ok(form)
}

pub(crate) fn csrf_ok(s: &Shared, ctx: &PoolCtx, headers: &HeaderMap, form: &Params) -> bool {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    // Pages send `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` on
    // form posts; that says nothing either way, and the token below still has to match.
    if let Some(origin) = header("origin")
        && origin != "null"
        && origin != ctx.origin()
    {
        return false;
    }
    let Some(cookie) =
        cookies::get(headers, &cookies::name(cookies::CSRF, ctx.secure)).filter(|c| !c.is_empty())
    else {
        return false;
    };
    form.get("_csrf")
        .is_some_and(|t| s.app.master.verify_mac(CSRF_PURPOSE, &cookie, t))
}

pub(crate) fn action(ctx: &PoolCtx, path: &str, query: &Params) -> String {
    format!("{}{path}?{}", ctx.path, params::to_query(query))
}

/// Renders a form page with a CSRF token, setting the CSRF cookie if the browser had none.
pub(crate) fn with_csrf(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    render: impl FnOnce(&str) -> Response,
) -> Response {
    let (cookie, new) = match csrf_cookie(ctx, headers) {
        Ok(c) => c,
        Err(e) => return super::page_error(e),
    };
    let mut res = render(&s.app.master.mac(CSRF_PURPOSE, &cookie));
    if new {
        let name = cookies::name(cookies::CSRF, ctx.secure);
        let value = cookies::set(
            &name,
            &cookie,
            ctx.cookie_path(),
            CSRF_COOKIE_SECS,
            ctx.secure,
        );
        set_cookie(&mut res, &value);
    }
    res
}

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
fn login_page_with(
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

pub(crate) async fn show(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let (query, req, client) =
        match validated(&s, &ctx, params::from_query(uri.query()), false).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let hint = req.login_hint.clone().unwrap_or_default();
    let providers: Vec<String> = client
        .supported_identity_providers
        .iter()
        .filter(|p| *p != "COGNITO")
        .cloned()
        .collect();
    login_page_with(
        &s,
        &ctx,
        &headers,
        &query,
        &hint,
        None,
        StatusCode::OK,
        &providers,
    )
}

pub(crate) async fn submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (query, req, client) =
        match validated(&s, &ctx, params::from_query(uri.query()), true).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let form = match posted_form(&s, &ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let username = form.get("username").unwrap_or("").trim();
    let password = form.get("password").unwrap_or("");
    // Email first: an address whose domain belongs to a provider goes there.
    match s.app.provider_for_email(&ctx.pool, &client, username).await {
        Ok(Some(idp)) => {
            let mut req = req.clone();
            req.login_hint = Some(username.to_owned());
            return super::federation::to_upstream(&s, &ctx, &idp, &req, true).await;
        }
        Ok(None) => {}
        Err(e) => return page_error(e),
    }
    if !client
        .supported_identity_providers
        .iter()
        .any(|p| p == "COGNITO")
    {
        return login_page(
            &s,
            &ctx,
            &headers,
            &query,
            username,
            Some("Sign in with your organization's account."),
            StatusCode::BAD_REQUEST,
        );
    }
    if username.is_empty() || password.is_empty() {
        return login_page(
            &s,
            &ctx,
            &headers,
            &query,
            username,
            Some("Enter your username and password."),
            StatusCode::BAD_REQUEST,
        );
    }
    let outcome = match s
        .app
        .password_login(&ctx.pool, username, password, &ip)
        .await
    {
        Ok(o) => o,
        Err(e) => return page_error(e),
    };
    match outcome {
        LoginOutcome::Success(user) => signed_in(&s, &ctx, &client, &req, &user, true, None).await,
        LoginOutcome::NewPasswordRequired { challenge, .. } => {
            new_password_page(&s, &ctx, &headers, &query, &challenge, None, StatusCode::OK)
        }
        LoginOutcome::Failed(LoginFailure::ResetRequired) => {
            super::account::reset_required_page(&s, &ctx, &headers, &query, username)
        }
        LoginOutcome::Failed(f) => {
            let message = match f {
                LoginFailure::BadCredentials => BAD_CREDENTIALS,
                LoginFailure::TooManyAttempts => {
                    "Too many failed attempts. Please wait a moment and try again."
                }
                LoginFailure::NotConfirmed => "Your account is not confirmed yet.",
                LoginFailure::ResetRequired => BAD_CREDENTIALS,
                LoginFailure::TemporaryPasswordExpired => {
                    "Your temporary password has expired. Ask an administrator to reset it."
                }
            };
            login_page(
                &s,
                &ctx,
                &headers,
                &query,
                username,
                Some(message),
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}

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

fn new_password_page(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    challenge: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let action = action(ctx, "/login/new-password", query);
    with_csrf(s, ctx, headers, |csrf| {
        let form = pages::NewPasswordForm {
            action: &action,
            csrf,
            challenge,
            error,
        };
        pages::new_password(status, &form)
    })
}

pub(crate) async fn new_password(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (query, req, client) =
        match validated(&s, &ctx, params::from_query(uri.query()), true).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let form = match posted_form(&s, &ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let challenge = form.get("challenge").unwrap_or("");
    let password = form.get("new_password").unwrap_or("");
    if password != form.get("confirm_password").unwrap_or("") {
        return new_password_page(
            &s,
            &ctx,
            &headers,
            &query,
            challenge,
            Some("The two passwords differ."),
            StatusCode::BAD_REQUEST,
        );
    }
    match s
        .app
        .complete_new_password(&ctx.pool, challenge, password)
        .await
    {
        Ok(user) => signed_in(&s, &ctx, &client, &req, &user, true, None).await,
        Err(Error::PolicyViolation(m)) => new_password_page(
            &s,
            &ctx,
            &headers,
            &query,
            challenge,
            Some(&m),
            StatusCode::BAD_REQUEST,
        ),
        Err(Error::InvalidRequest(m)) => login_page(
            &s,
            &ctx,
            &headers,
            &query,
            "",
            Some(&m),
            StatusCode::BAD_REQUEST,
        ),
        Err(e) => page_error(e),
    }
}
