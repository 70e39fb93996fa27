//! Sign-up (`/signup`) and its confirmation with the emailed code (`/confirm`, which also
//! sends a new code). The form asks for the pool's required attributes besides the email.

use super::{message, prepare};
use crate::http::oauth::PoolCtx;
use crate::http::oauth::forms::{PageCtx, PageResult, Say};
use crate::http::oauth::respond::see_other;
use crate::http::pages::{self, Field, FormPage};
use crate::http::{Shared, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use portcullis_app::account::flows::AccountError;
use portcullis_core::oauth::params::Params;
use std::collections::BTreeMap;

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

/// The sign-up form, filled in again with what was posted (`f`) but the password.
fn signup_page(p: PageCtx<'_>, f: &Params, say: Say<'_>) -> Response {
    let act = p.action("/signup");
    let login = p.action("/login");
    let extra: Vec<(&str, String)> = extra_attributes(p.ctx)
        .map(|n| (n, attribute_label(n)))
        .collect();
    p.with_csrf(|csrf| {
        let mut fields = vec![
            Field {
                name: "username",
                label: "Username",
                kind: "text",
                autocomplete: "username",
                value: f.get("username").unwrap_or(""),
            },
            Field {
                name: "email",
                label: "Email",
                kind: "email",
                autocomplete: "email",
                value: f.get("email").unwrap_or(""),
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
            say.status(),
            &FormPage {
                title: "Create an account",
                intro: &p.ctx.pool.name,
                action: &act,
                csrf,
                hidden: &[],
                fields: &fields,
                button: "Sign up",
                error: say.error(),
                notice: say.notice(),
                secondary: None,
                links: &[(login.as_str(), "Already have an account? Sign in")],
            },
        )
    })
}

fn confirm_page(p: PageCtx<'_>, username: &str, say: Say<'_>) -> Response {
    let act = p.action("/confirm");
    p.with_csrf(|csrf| {
        let fields = [Field {
            name: "code",
            label: "Verification code",
            kind: "text",
            autocomplete: "one-time-code",
            value: "",
        }];
        pages::form(
            say.status(),
            &FormPage {
                title: "Confirm your account",
                intro: "We sent a verification code to your email address. Enter it to finish.",
                action: &act,
                csrf,
                hidden: &[("username", username)],
                fields: &fields,
                button: "Confirm",
                error: say.error(),
                notice: say.notice(),
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
) -> PageResult {
    let (query, _) = prepare(&s, &ctx, &uri, &headers, None).await?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    Ok(signup_page(p, &Params::default(), Say::Nothing))
}

pub(crate) async fn signup_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let (query, form) = prepare(&s, &ctx, &uri, &headers, Some(&body)).await?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    let client_id = query.get("client_id").unwrap_or("");
    let username = form.get("username").unwrap_or("").trim();
    let mut attrs = BTreeMap::new();
    attrs.insert(
        "email".to_string(),
        form.get("email").unwrap_or("").trim().to_owned(),
    );
    for name in extra_attributes(&ctx) {
        let value = form.get(name).unwrap_or("").trim();
        if !value.is_empty() {
            attrs.insert(name.to_owned(), value.to_owned());
        }
    }
    let password = form.get("password").unwrap_or("");
    Ok(
        match s
            .app
            .sign_up(&ctx.pool, client_id, username, password, attrs, None)
            .await
        {
            Ok((user, Some(_))) => confirm_page(p, &user.username, Say::Nothing),
            // The PreSignUp hook confirmed the account: straight on to signing in.
            Ok((user, None)) if user.status == portcullis_core::user::UserStatus::Confirmed => {
                crate::http::oauth::login_page::login_page(
                    p,
                    &user.username,
                    Say::Notice("Your account is ready. Sign in."),
                    &[],
                )
            }
            // No code went out (the pool does not verify email): an administrator confirms.
            Ok((_, None)) => pages::page(
                StatusCode::OK,
                "Account created",
                "<h1>Your account is created</h1><p id=\"notice\" role=\"status\">An administrator will confirm it; then you can sign in.</p>",
            ),
            Err(e) => signup_page(p, &form, Say::Error(StatusCode::BAD_REQUEST, &message(&e))),
        },
    )
}

pub(crate) async fn confirm_submit(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let (query, form) = prepare(&s, &ctx, &uri, &headers, Some(&body)).await?;
    let p = PageCtx::new(&s, &ctx, &headers, &query);
    let username = form.get("username").unwrap_or("");
    if form.get("action") == Some("resend") {
        return Ok(resend(p, username).await);
    }
    if let Err(e) = s
        .app
        .confirm_sign_up(
            &ctx.pool,
            query.get("client_id"),
            username,
            form.get("code").unwrap_or(""),
        )
        .await
    {
        let say = Say::Error(StatusCode::BAD_REQUEST, &message(&e));
        return Ok(confirm_page(p, username, say));
    }
    // On to the sign-in page, the username filled in.
    let next: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| *k != "login_hint")
        .map(|(k, v)| (k.into(), v.into()))
        .chain([("login_hint".into(), username.into())])
        .collect();
    let next = Params::from_pairs(next).unwrap_or_default();
    Ok(see_other(
        &format!("{}/login?{}", ctx.base, params::to_query(&next)),
        true,
    ))
}

/// A new confirmation code. An unknown or already confirmed user hears the same as everyone
/// else: nothing here tells which usernames exist.
async fn resend(p: PageCtx<'_>, username: &str) -> Response {
    let client_id = p.query.get("client_id").unwrap_or("");
    let outcome =
        p.s.app
            .resend_sign_up_code(&p.ctx.pool, client_id, username)
            .await;
    match outcome {
        Err(AccountError::LimitExceeded) => {
            let m = message(&AccountError::LimitExceeded);
            confirm_page(p, username, Say::Error(StatusCode::TOO_MANY_REQUESTS, &m))
        }
        Err(AccountError::Core(e)) if !matches!(e, portcullis_core::Error::NotFound(_)) => {
            tracing::error!(error = %e, "resending a sign-up code failed");
            let m = message(&AccountError::Core(e));
            confirm_page(
                p,
                username,
                Say::Error(StatusCode::INTERNAL_SERVER_ERROR, &m),
            )
        }
        _ => confirm_page(
            p,
            username,
            Say::Notice("If the account is waiting for confirmation, we sent a new code."),
        ),
    }
}
