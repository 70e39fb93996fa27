//! Cognito's `ExplicitAuthFlows`: which sign-in flows an app client allows, under their
//! `ALLOW_` names or the older names Cognito still accepts.

use crate::{Error, Result};

/// Cognito's `ExplicitAuthFlows` values.
pub const EXPLICIT_AUTH_FLOWS: &[&str] = &[
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];

/// The names Cognito used before the `ALLOW_` ones, still accepted. A client lists either
/// kind, never both. With the old names SRP and refresh-token sign-in are always allowed
/// (as they were then), except under `CUSTOM_AUTH_FLOW_ONLY`.
pub const LEGACY_AUTH_FLOWS: &[(&str, &str)] = &[
    ("ADMIN_NO_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"),
    ("USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"),
    ("CUSTOM_AUTH_FLOW_ONLY", "ALLOW_CUSTOM_AUTH"),
];

/// Each value an `ALLOW_` name or a legacy one, not both kinds in one list.
pub fn check(flows: &[String]) -> Result<()> {
    let mut legacy = false;
    let mut current = false;
    for flow in flows {
        if EXPLICIT_AUTH_FLOWS.contains(&flow.as_str()) {
            current = true;
        } else if LEGACY_AUTH_FLOWS.iter().any(|(old, _)| old == flow) {
            legacy = true;
        } else {
            return Err(Error::invalid(format!(
                "unknown explicit auth flow {flow:?}"
            )));
        }
    }
    if legacy && current {
        return Err(Error::invalid(
            "ExplicitAuthFlows values with the ALLOW_ prefix cannot be used with values without it",
        ));
    }
    Ok(())
}

/// Whether `flows` allow the flow named by its `ALLOW_` name, the legacy names read as they
/// were meant.
pub fn allows(flows: &[String], allow: &str) -> bool {
    if flows.iter().any(|f| f == allow) {
        return true;
    }
    let legacy = flows
        .iter()
        .any(|f| LEGACY_AUTH_FLOWS.iter().any(|(old, _)| old == f));
    if !legacy {
        return false;
    }
    let custom_only = flows.iter().any(|f| f == "CUSTOM_AUTH_FLOW_ONLY");
    match allow {
        "ALLOW_USER_SRP_AUTH" | "ALLOW_REFRESH_TOKEN_AUTH" => {
            !custom_only || allow == "ALLOW_REFRESH_TOKEN_AUTH"
        }
        _ => LEGACY_AUTH_FLOWS
            .iter()
            .any(|(old, new)| *new == allow && flows.iter().any(|f| f == old)),
    }
}
