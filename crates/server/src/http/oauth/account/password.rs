//! Forgotten password (`/forgotPassword`) and reset with the code (`/confirmForgotPassword`).
//! The answer to a request for a code is the same whether or not the account exists.

use super::{message, prepare};
use crate::http::Shared;
use crate::http::oauth::PoolCtx;
use crate::http::oauth::forms::{PageCtx, PageResult, Say};
use crate::http::oauth::login_page::login_page;
use crate::http::pages::{self, Field, FormPage};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use portcullis_app::account::flows::AccountError;

fn forgot_page(p: PageCtx<'_>, say: Say<'_>) -> Response {
    let act = p.action("/forgotPassword");
    p.with_csrf(|csrf| {
        let fields = [Field {
            name: "username",
            label: "Username or email",
            kind: "text",
            autocomplete: "username",
            value: "",
        }];
        pages::form(
            say.status(),
            &FormPage {
                title: "Reset your password",
                intro: "We will send a code to the email address of your account.",
                action: &act,
                csrf,
                hidden: &[],
                fields: &fields,
                button: "Send code",
                error: say.error(),
                notice: say.notice(),
                secondary: None,
                links: &[],
            },
        )
    })
}

/// After the right old password of a user an admin reset: the code went out with the reset.
pub(crate) fn reset_required_page(p: PageCtx<'_>, username: &str) -> Response {
    reset_page(
        p,
        username,
        Say::Notice("Your password must be reset. We sent a code to your email address."),
    )
}

fn reset_page(p: PageCtx<'_>, username: &str, say: Say<'_>) -> Response {
    let act = p.action("/confirmForgotPassword");
    p.with_csrf(|csrf| {
        let fields = [
            Field {
                name: "code",
                label: "Code",
                kind: "text",
                autocomplete: "one-time-code",
                value: "",
            },
            Field {
                name: "password",
                label: "New password",
                kind: "password",
                autocomplete: "new-password",
                value: "",
            },
        ];
        pages::form(
            say.status(),
            &FormPage {
                title: "Choose a new password",
                intro: "If an account matches, we sent it a code. Enter the code and your new password.",
                action: &act,
                csrf,
                hidden: &[("username", username)],
                fields: &fields,
                button: "Reset password",
                error: say.error(),
                notice: say.notice(),
                secondary: None,
                links: &[],
            },
        )
    })
}

pub(crate) async fn forgot_show(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> PageResult {
    let (query, _) = prepare(&s, &ctx, &uri, &headers, None).await?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    Ok(forgot_page(p, Say::Nothing))
}

pub(crate) async fn forgot_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let (query, form) = prepare(&s, &ctx, &uri, &headers, Some(&body)).await?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    let username = form.get("username").unwrap_or("").trim().to_owned();
    Ok(match s.app.forgot_password(&ctx.pool, &username).await {
        Ok(_) => reset_page(p, &username, Say::Nothing),
        // No verified address to send to: the page says what it says to everyone, so it does
        // not tell which accounts exist.
        Err(AccountError::Core(portcullis_core::Error::InvalidRequest(why))) => {
            tracing::info!(pool = %ctx.pool.id, why, "no code sent for a forgotten password");
            reset_page(p, &username, Say::Nothing)
        }
        Err(e) => {
            let status = match e {
                AccountError::LimitExceeded => StatusCode::TOO_MANY_REQUESTS,
                AccountError::AdminOnlyRecovery => StatusCode::FORBIDDEN,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            forgot_page(p, Say::Error(status, &message(&e)))
        }
    })
}

pub(crate) async fn reset_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let (query, form) = prepare(&s, &ctx, &uri, &headers, Some(&body)).await?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    let username = form.get("username").unwrap_or("");
    let result = s
        .app
        .confirm_forgot_password(
            &ctx.pool,
            query.get("client_id"),
            username,
            form.get("code").unwrap_or(""),
            form.get("password").unwrap_or(""),
        )
        .await;
    Ok(match result {
        Ok(_) => login_page(p, username, Say::Nothing, &[]),
        Err(e) => reset_page(
            p,
            username,
            Say::Error(StatusCode::BAD_REQUEST, &message(&e)),
        ),
    })
}
