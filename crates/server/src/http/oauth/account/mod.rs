//! Hosted account pages, beside the sign-in page and carrying the same pending authorization
//! request in their query string: sign-up and confirmation (`signup.rs`: `/signup`,
//! `/confirm`), forgotten password and reset (`password.rs`: `/forgotPassword`,
//! `/confirmForgotPassword`), and the link of a "confirm with link" message (`link.rs`:
//! `/confirmUser`). Same conventions as the sign-in form: CSRF token, generic words,
//! labelled inputs, 303 after a post.

mod link;
mod password;
mod signup;

pub(crate) use link::confirm_user;
pub(crate) use password::{forgot_show, forgot_submit, reset_required_page, reset_submit};
pub(crate) use signup::{confirm_submit, signup_show, signup_submit};

use super::PoolCtx;
use super::forms::posted_form;
use super::request::validated;
use crate::http::{Shared, params};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use portcullis_app::account::codes::CodeError;
use portcullis_app::account::flows::AccountError;
use portcullis_core::oauth::params::Params;

/// What a person is told when an account operation fails.
fn message(e: &AccountError) -> String {
    match e {
        AccountError::Core(portcullis_core::Error::PolicyViolation(m)) => m.clone(),
        AccountError::Core(portcullis_core::Error::InvalidRequest(m)) => m.clone(),
        // A hook's refusal is shown as Cognito's hosted pages show it.
        AccountError::Core(portcullis_core::Error::Hook(h)) => h.message(),
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
        AccountError::AdminOnlyRecovery => {
            "Passwords here are reset by an administrator. Contact your administrator.".into()
        }
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
