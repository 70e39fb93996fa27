//! The hosted sign-in handlers: show the page, take the password (and the new password a
//! temporary one leads to), or send the person to their provider. The pending authorization
//! request travels in the page's query string and is checked again on every POST, so no
//! server state exists before sign-in. Forms are CSRF-checked by `forms`; the page itself
//! is `login_page`, and a successful sign-in ends in `finish`.

use super::finish::signed_in;
use super::forms::{PageCtx, PageResult, Say, posted_form};
use super::login_page::login_page;
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

const BAD_CREDENTIALS: &str = "Incorrect username or password.";

/// What a person is told when a password sign-in fails (never which part was wrong).
fn failure_message(f: &LoginFailure) -> &'static str {
    match f {
        LoginFailure::BadCredentials | LoginFailure::ResetRequired => BAD_CREDENTIALS,
        LoginFailure::TooManyAttempts => {
            "Too many failed attempts. Please wait a moment and try again."
        }
        LoginFailure::NotConfirmed => "Your account is not confirmed yet.",
        LoginFailure::TemporaryPasswordExpired => {
            "Your temporary password has expired. Ask an administrator to reset it."
        }
    }
}

pub(crate) async fn show(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> PageResult {
    let (query, req, client) = validated(&s, &ctx, params::from_query(uri.query()), false).await?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    let hint = req.login_hint.clone().unwrap_or_default();
    let providers: Vec<String> = client.providers().map(str::to_owned).collect();
    Ok(login_page(p, &hint, Say::Nothing, &providers))
}

pub(crate) async fn submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let (query, req, client) = validated(&s, &ctx, params::from_query(uri.query()), true).await?;
    let form = posted_form(&s, &ctx, &headers, &body)?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    let username = form.get("username").unwrap_or("").trim();
    let password = form.get("password").unwrap_or("");
    // Email first: an address whose domain belongs to a provider goes there.
    if let Some(idp) = s
        .app
        .provider_for_email(&ctx.pool, &client, username)
        .await
        .map_err(page_error)?
    {
        let mut req = req.clone();
        req.login_hint = Some(username.to_owned());
        return Ok(super::federation::to_upstream(&s, &ctx, &idp, &req, true).await);
    }
    let refuse = |m| login_page(p, username, Say::Error(StatusCode::BAD_REQUEST, m), &[]);
    if !client.allows_directory() {
        return Ok(refuse("Sign in with your organization's account."));
    }
    if username.is_empty() || password.is_empty() {
        return Ok(refuse("Enter your username and password."));
    }
    let outcome = match s
        .app
        .password_login(&ctx.pool, Some(&client.client_id), username, password, &ip)
        .await
    {
        Ok(o) => o,
        // A hook's refusal is shown on the form, as Cognito's hosted pages show it.
        Err(Error::Hook(h)) => return Ok(refuse(&h.message())),
        Err(e) => return Err(page_error(e)),
    };
    Ok(match outcome {
        LoginOutcome::Success(user) => signed_in(&s, &ctx, &client, &req, &user, true, None).await,
        LoginOutcome::NewPasswordRequired { challenge, .. } => {
            new_password_page(p, &challenge, Say::Nothing)
        }
        LoginOutcome::Failed(LoginFailure::ResetRequired) => {
            super::account::reset_required_page(p, username)
        }
        LoginOutcome::Failed(f) => {
            let say = Say::Error(StatusCode::UNAUTHORIZED, failure_message(&f));
            login_page(p, username, say, &[])
        }
    })
}

fn new_password_page(p: PageCtx<'_>, challenge: &str, say: Say<'_>) -> Response {
    let action = p.action("/login/new-password");
    p.with_csrf(|csrf| {
        let form = pages::NewPasswordForm {
            action: &action,
            csrf,
            challenge,
            error: say.error(),
        };
        pages::new_password(say.status(), &form)
    })
}

pub(crate) async fn new_password(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let (query, req, client) = validated(&s, &ctx, params::from_query(uri.query()), true).await?;
    let form = posted_form(&s, &ctx, &headers, &body)?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    let challenge = form.get("challenge").unwrap_or("");
    let password = form.get("new_password").unwrap_or("");
    let bad = |m| Say::Error(StatusCode::BAD_REQUEST, m);
    if password != form.get("confirm_password").unwrap_or("") {
        return Ok(new_password_page(
            p,
            challenge,
            bad("The two passwords differ."),
        ));
    }
    Ok(
        match s
            .app
            .complete_new_password(&ctx.pool, Some(&client.client_id), challenge, password)
            .await
        {
            Ok(user) => signed_in(&s, &ctx, &client, &req, &user, true, None).await,
            Err(Error::PolicyViolation(m)) => new_password_page(p, challenge, bad(&m)),
            Err(Error::InvalidRequest(m)) => login_page(p, "", bad(&m), &[]),
            Err(Error::Hook(h)) => login_page(p, "", bad(&h.message()), &[]),
            Err(e) => page_error(e),
        },
    )
}
