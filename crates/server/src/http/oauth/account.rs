//! Hosted account pages, beside the sign-in page and carrying the same pending authorization
//! request in their query string: sign-up (`/signup`), confirmation (`/confirm`), forgotten
//! password (`/forgotPassword`) and reset (`/confirmForgotPassword`). Same conventions as the
//! sign-in form: CSRF token, generic words, labelled inputs, 303 after a post.

use super::PoolCtx;
use super::forms::{action, posted_form, with_csrf};
use super::login_page::login_page;
use super::request::validated;
use super::respond::see_other;
use crate::http::pages::{self, Field, FormPage};
use crate::http::{Shared, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use portcullis_app::account::codes::CodeError;
use portcullis_app::account::flows::AccountError;
use portcullis_core::oauth::params::Params;
use std::collections::BTreeMap;

fn message(e: &AccountError) -> String {
    match e {
        AccountError::Core(portcullis_core::Error::PolicyViolation(m)) => m.clone(),
        AccountError::Core(portcullis_core::Error::InvalidRequest(m)) => m.clone(),
        AccountError::Core(portcullis_core::Error::Conflict(_)) => {
            "An account with this username already exists.".into()
        }
        AccountError::Code(CodeError::Mismatch)
        | AccountError::Core(portcullis_core::Error::NotFound(_)) => {
            "That code is not right. Check the latest message and try again.".into()
        }
        AccountError::Code(CodeError::Expired) => {
            "That code has expired. Ask for a new one.".into()
        }
        AccountError::Code(CodeError::TooManyAttempts) | AccountError::LimitExceeded => {
            "Too many attempts. Please wait a while and try again.".into()
        }
        AccountError::WrongState(_) => "This account is already confirmed. Sign in instead.".into(),
        AccountError::Core(_) => "Something went wrong on our side. Please try again.".into(),
    }
}

/// Parses the page's query (the authorization request) and the posted form.
async fn prepare(
    s: &Shared,
    ctx: &PoolCtx,
    uri: &Uri,
    headers: &HeaderMap,
    body: Option<&[u8]>,
) -> Result<(Params, Params), Response> {
    let (query, _, _) = validated(s, ctx, params::from_query(uri.query()), body.is_some()).await?;
    let form = match body {
        Some(b) => posted_form(s, ctx, headers, b)?,
        None => Params::default(),
    };
    Ok((query, form))
}

/// The pool's required attributes the sign-up form asks for besides the email address.
fn extra_attributes(ctx: &PoolCtx) -> impl Iterator<Item = &str> {
    ctx.pool
        .settings
        .required_attributes
        .iter()
        .map(String::as_str)
        .filter(|n| *n != "email")
}

/// `family_name` → `Family name`.
fn attribute_label(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The HTML `autocomplete` token for a standard attribute, so browsers can fill it in.
fn attribute_autocomplete(name: &str) -> &'static str {
    match name {
        "name" => "name",
        "given_name" => "given-name",
        "family_name" => "family-name",
        "middle_name" => "additional-name",
        "nickname" => "nickname",
        "phone_number" => "tel",
        "birthdate" => "bday",
        "address" => "street-address",
        "gender" => "sex",
        "website" | "profile" | "picture" => "url",
        "locale" => "language",
        _ => "on",
    }
}

fn signup_page(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    f: &Params,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let act = action(ctx, "/signup", query);
    let login = action(ctx, "/login", query);
    let (username, email) = (
        f.get("username").unwrap_or(""),
        f.get("email").unwrap_or(""),
    );
    let extra: Vec<(&str, String)> = extra_attributes(ctx)
        .map(|n| (n, attribute_label(n)))
        .collect();
    with_csrf(s, ctx, headers, |csrf| {
        let mut fields = vec![
            Field {
                name: "username",
                label: "Username",
                kind: "text",
                autocomplete: "username",
                value: username,
            },
            Field {
                name: "email",
                label: "Email",
                kind: "email",
                autocomplete: "email",
                value: email,
            },
        ];
        fields.extend(extra.iter().map(|(name, label)| Field {
            name,
            label,
            kind: "text",
            autocomplete: attribute_autocomplete(name),
            value: f.get(name).unwrap_or(""),
        }));
        fields.push(Field {
            name: "password",
            label: "Password",
            kind: "password",
            autocomplete: "new-password",
            value: "",
        });
        pages::form(
            status,
            &FormPage {
                title: "Create an account",
                intro: &ctx.pool.name,
                action: &act,
                csrf,
                hidden: &[],
                fields: &fields,
                button: "Sign up",
                error,
                notice: None,
                secondary: None,
                links: &[(login.as_str(), "Already have an account? Sign in")],
            },
        )
    })
}

fn confirm_page(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    username: &str,
    outcome: Result<Option<&str>, &str>,
    status: StatusCode,
) -> Response {
    let act = action(ctx, "/confirm", query);
    let (notice, error) = match outcome {
        Ok(n) => (n, None),
        Err(e) => (None, Some(e)),
    };
    with_csrf(s, ctx, headers, |csrf| {
        let fields = [Field {
            name: "code",
            label: "Verification code",
            kind: "text",
            autocomplete: "one-time-code",
            value: "",
        }];
        pages::form(
            status,
            &FormPage {
                title: "Confirm your account",
                intro: "We sent a verification code to your email address. Enter it to finish.",
                action: &act,
                csrf,
                hidden: &[("username", username)],
                fields: &fields,
                button: "Confirm",
                error,
                notice,
                secondary: Some(("resend", "Send a new code")),
                links: &[],
            },
        )
    })
}

pub(crate) async fn signup_show(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match prepare(&s, &ctx, &uri, &headers, None).await {
        Ok((query, _)) => signup_page(
            &s,
            &ctx,
            &headers,
            &query,
            &Params::default(),
            None,
            StatusCode::OK,
        ),
        Err(r) => r,
    }
}

pub(crate) async fn signup_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (query, form) = match prepare(&s, &ctx, &uri, &headers, Some(&body)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let client_id = query.get("client_id").unwrap_or("").to_owned();
    let username = form.get("username").unwrap_or("").trim().to_owned();
    let email = form.get("email").unwrap_or("").trim();
    let mut attrs = BTreeMap::new();
    attrs.insert("email".to_string(), email.to_string());
    for name in extra_attributes(&ctx) {
        let value = form.get(name).unwrap_or("").trim();
        if !value.is_empty() {
            attrs.insert(name.to_owned(), value.to_owned());
        }
    }
    match s
        .app
        .sign_up(
            &ctx.pool,
            &client_id,
            &username,
            form.get("password").unwrap_or(""),
            attrs,
        )
        .await
    {
        Ok((user, _)) => confirm_page(
            &s,
            &ctx,
            &headers,
            &query,
            &user.username,
            Ok(None),
            StatusCode::OK,
        ),
        Err(e) => signup_page(
            &s,
            &ctx,
            &headers,
            &query,
            &form,
            Some(&message(&e)),
            StatusCode::BAD_REQUEST,
        ),
    }
}

pub(crate) async fn confirm_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (query, form) = match prepare(&s, &ctx, &uri, &headers, Some(&body)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let username = form.get("username").unwrap_or("");
    if form.get("action") == Some("resend") {
        let client_id = query.get("client_id").unwrap_or("");
        let outcome = s
            .app
            .resend_sign_up_code(&ctx.pool, client_id, username)
            .await;
        // An unknown or already confirmed user hears the same as everyone else: nothing here
        // tells which usernames exist.
        let (text, status) = match outcome {
            Err(AccountError::LimitExceeded) => (
                Err(message(&AccountError::LimitExceeded)),
                StatusCode::TOO_MANY_REQUESTS,
            ),
            Err(AccountError::Core(e)) if !matches!(e, portcullis_core::Error::NotFound(_)) => {
                tracing::error!(error = %e, "resending a sign-up code failed");
                (
                    Err(message(&AccountError::Core(e))),
                    StatusCode::INTERNAL_SERVER_ERROR,
                )
            }
            _ => (
                Ok("If the account is waiting for confirmation, we sent a new code."),
                StatusCode::OK,
            ),
        };
        let text = text.as_ref().map(|n| Some(*n)).map_err(String::as_str);
        return confirm_page(&s, &ctx, &headers, &query, username, text, status);
    }
    match s
        .app
        .confirm_sign_up(&ctx.pool, username, form.get("code").unwrap_or(""))
        .await
    {
        Ok(_) => {
            let mut next: Vec<(String, String)> = query
                .iter()
                .filter(|(k, _)| *k != "login_hint")
                .map(|(k, v)| (k.into(), v.into()))
                .collect();
            next.push(("login_hint".into(), username.into()));
            let next = Params::from_pairs(next).unwrap_or_default();
            see_other(
                &format!("{}/login?{}", ctx.base, params::to_query(&next)),
                true,
            )
        }
        Err(e) => confirm_page(
            &s,
            &ctx,
            &headers,
            &query,
            username,
            Err(&message(&e)),
            StatusCode::BAD_REQUEST,
        ),
    }
}

fn forgot_page(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let act = action(ctx, "/forgotPassword", query);
    with_csrf(s, ctx, headers, |csrf| {
        let fields = [Field {
            name: "username",
            label: "Username or email",
            kind: "text",
            autocomplete: "username",
            value: "",
        }];
        pages::form(
            status,
            &FormPage {
                title: "Reset your password",
                intro: "We will send a code to the email address of your account.",
                action: &act,
                csrf,
                hidden: &[],
                fields: &fields,
                button: "Send code",
                error,
                notice: None,
                secondary: None,
                links: &[],
            },
        )
    })
}

/// After the right old password of a user an admin reset: the code went out with the reset.
pub(crate) fn reset_required_page(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    username: &str,
) -> Response {
    reset_page_with(
        s,
        ctx,
        headers,
        query,
        username,
        None,
        Some("Your password must be reset. We sent a code to your email address."),
        StatusCode::OK,
    )
}

fn reset_page(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    reset_page_with(s, ctx, headers, query, username, error, None, status)
}

#[allow(clippy::too_many_arguments)]
fn reset_page_with(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    query: &Params,
    username: &str,
    error: Option<&str>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let act = action(ctx, "/confirmForgotPassword", query);
    with_csrf(s, ctx, headers, |csrf| {
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
            status,
            &FormPage {
                title: "Choose a new password",
                intro: "If an account matches, we sent it a code. Enter the code and your new password.",
                action: &act,
                csrf,
                hidden: &[("username", username)],
                fields: &fields,
                button: "Reset password",
                error,
                notice,
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
) -> Response {
    match prepare(&s, &ctx, &uri, &headers, None).await {
        Ok((query, _)) => forgot_page(&s, &ctx, &headers, &query, None, StatusCode::OK),
        Err(r) => r,
    }
}

/// The answer is the same whether or not the account exists.
pub(crate) async fn forgot_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (query, form) = match prepare(&s, &ctx, &uri, &headers, Some(&body)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let username = form.get("username").unwrap_or("").trim().to_owned();
    match s.app.forgot_password(&ctx.pool, &username).await {
        Ok(_) => reset_page(&s, &ctx, &headers, &query, &username, None, StatusCode::OK),
        Err(AccountError::LimitExceeded) => forgot_page(
            &s,
            &ctx,
            &headers,
            &query,
            Some(&message(&AccountError::LimitExceeded)),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => forgot_page(
            &s,
            &ctx,
            &headers,
            &query,
            Some(&message(&e)),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
    }
}

pub(crate) async fn reset_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (query, form) = match prepare(&s, &ctx, &uri, &headers, Some(&body)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let username = form.get("username").unwrap_or("");
    let result = s
        .app
        .confirm_forgot_password(
            &ctx.pool,
            username,
            form.get("code").unwrap_or(""),
            form.get("password").unwrap_or(""),
        )
        .await;
    match result {
        Ok(_) => login_page(&s, &ctx, &headers, &query, username, None, StatusCode::OK),
        Err(e) => reset_page(
            &s,
            &ctx,
            &headers,
            &query,
            username,
            Some(&message(&e)),
            StatusCode::BAD_REQUEST,
        ),
    }
}

/// The link from a "confirm with link" message: confirms the account, then a page that says
/// so. The code in the link is the proof (single use, 24 hours).
pub(crate) async fn confirm_user(State(s): State<Shared>, ctx: PoolCtx, uri: Uri) -> Response {
    let Ok(p) = params::from_query(uri.query()) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "A parameter appears more than once.",
        );
    };
    let (Some(client_id), Some(user), Some(code)) = (
        p.get("client_id"),
        p.get("user_name"),
        p.get("confirmation_code"),
    ) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This confirmation link is incomplete.",
        );
    };
    match s.app.pool_client(&ctx.pool.id, client_id).await {
        Ok(Some(_)) => {}
        _ => {
            return pages::error(
                StatusCode::BAD_REQUEST,
                "This confirmation link is not valid.",
            );
        }
    }
    match s.app.confirm_sign_up(&ctx.pool, user, code).await {
        Ok(_) => pages::page(
            StatusCode::OK,
            "Account confirmed",
            "<h1>Your account is confirmed</h1><p id=\"notice\" role=\"status\">You can now sign in.</p>",
        ),
        Err(e) => pages::error(StatusCode::BAD_REQUEST, &message(&e)),
    }
}
