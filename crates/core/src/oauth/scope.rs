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

/// The scopes of a refreshed token (RFC 6749 §6): without `scope`, the original grant; with
/// it, a non-empty subset of the original grant, never more (`invalid_scope`).
pub fn narrow(granted: &[String], requested: Option<&str>) -> Result<Vec<String>, OAuthError> {
    let Some(requested) = requested else {
        return Ok(granted.to_vec());
    };
    let asked: Vec<String> = requested
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if asked.is_empty() || asked.iter().any(|s| !has(granted, s)) {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            "scope exceeds the original grant",
        ));
    }
    Ok(asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refresh_may_narrow_the_grant_but_never_widen_it() {
        let granted: Vec<String> = vec!["openid".into(), "email".into(), "profile".into()];
        assert_eq!(narrow(&granted, None).unwrap(), granted);
        assert_eq!(
            narrow(&granted, Some("email openid")).unwrap(),
            ["email", "openid"]
        );
        for bad in ["", "  ", "openid admin", "phone"] {
            let e = narrow(&granted, Some(bad)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidScope, "{bad:?}");
        }
    }
}
