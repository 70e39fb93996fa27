//! The hosted sign-in handlers: show the page, take the password (and the new password a
//! temporary one leads to), or send the person to their provider. The pending authorization
//! request travels in the page's query string and is checked again on every POST, so no
//! server state exists before sign-in. Forms are CSRF-checked by `forms`; the page itself
//! is `login_page`, and a successful sign-in ends in `finish`.

use super::finish::signed_in;
use super::forms::{action, posted_form, with_csrf};
use super::login_page::{login_page, login_page_with};
use super::request::validated;
use super::{PoolCtx, page_error};
use crate::http::client_ip::ClientIp;
use crate::http::{Shared, pages, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use portcullis_app::oauth::login::{LoginFailure, LoginOutcome};
use portcullis_core::Error;
use portcullis_core::oauth::params::Params;

const BAD_CREDENTIALS: &str = "Incorrect username or password.";

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
    let providers: Vec<String> = client.providers().map(str::to_owned).collect();
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
    if !client.allows_directory() {
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
