//! Scopes: space-separated (RFC 6749 §3.3), checked against what the client may ask for.

use crate::client::{AppClient, RESERVED_SCOPES};
use crate::oauth::{ErrorCode, OAuthError};

/// The granted scopes for an interactive request. No `scope`: every scope of the client
/// (Cognito's behaviour). Any scope the client may not have: `invalid_scope` (stricter than
/// Cognito, which drops them silently, as RFC 6749 §3.3 allows either and silent drops hide
/// mistakes).
pub fn resolve(requested: Option<&str>, client: &AppClient) -> Result<Vec<String>, OAuthError> {
    let Some(requested) = requested else {
        return Ok(client.allowed_oauth_scopes.clone());
    };
    let mut out: Vec<String> = Vec::new();
    for s in requested.split(' ').filter(|s| !s.is_empty()) {
        if !client.allowed_oauth_scopes.iter().any(|a| a == s) {
            return Err(OAuthError::new(
                ErrorCode::InvalidScope,
                format!("scope {s} is not allowed for this client"),
            ));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    if out.is_empty() {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            "no scope requested",
        ));
    }
    Ok(out)
}

/// client_credentials: only resource-server scopes; none requested means all the client has.
pub fn resolve_machine(
    requested: Option<&str>,
    client: &AppClient,
) -> Result<Vec<String>, OAuthError> {
    let scopes = resolve(requested, client)?;
    if scopes.iter().any(|s| RESERVED_SCOPES.contains(&s.as_str())) {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            "client_credentials grants only resource-server scopes",
        ));
    }
    if scopes.is_empty() {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            "the client has no scopes",
        ));
    }
    Ok(scopes)
}

pub fn has(scopes: &[String], s: &str) -> bool {
    scopes.iter().any(|x| x == s)
}
