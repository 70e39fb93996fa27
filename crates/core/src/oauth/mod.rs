//! OAuth 2.0 / OpenID Connect rules, free of HTTP: parameter parsing with duplicate
//! detection ([`params`]), the authorization request pipeline ([`authorize`]), scopes
//! ([`scope`]), token claims shaped like Cognito's ([`claims`]), and the error codes of
//! RFC 6749 ([`error`]).

pub mod authorize;
pub mod claims;
pub mod error;
pub mod params;
pub mod refresh;
pub mod scope;

pub use error::{ErrorCode, OAuthError};
