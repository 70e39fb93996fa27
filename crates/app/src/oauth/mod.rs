//! The OAuth 2.0 / OIDC flows as operations on `App`, free of HTTP: signing people in
//! ([`login`]), sign-in sessions ([`sessions`]), authorization codes ([`codes`]), minting,
//! refreshing and revoking tokens ([`tokens`]), and checking bearer tokens ([`verify`]).
//! The HTTP handlers in `http::oauth` parse requests, call these, and write responses.

pub mod codes;
pub mod custom_auth;
pub mod login;
pub mod machine;
pub mod sessions;
pub mod srp;
pub mod tokens;
pub mod verify;

use portcullis_core::Error;
use portcullis_core::oauth::{ErrorCode, OAuthError};

/// Internal failures become `server_error` for the client (the detail goes to the log);
/// a hook's refusal or failure becomes `invalid_request` with its message.
pub fn server_error(e: Error) -> OAuthError {
    // A hook's refusal is the one failure here the app may hear about in words.
    if let Error::Hook(h) = &e {
        return OAuthError::invalid_request(h.message());
    }
    let id = uuid::Uuid::new_v4();
    tracing::error!(error_id = %id, error = %e, "internal error in an OAuth flow");
    OAuthError::new(ErrorCode::ServerError, format!("internal error (id {id})"))
}
