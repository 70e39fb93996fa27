//! How a pool reaches its users about their accounts: which attributes it verifies by itself
//! (Cognito's AutoVerifiedAttributes) and how ForgotPassword may reach them
//! (AccountRecoverySetting).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The attributes a pool verifies by itself; by default `email`, as the CLI and the hosted
/// pages have always done (Cognito's API default, none, is what CreateUserPool gives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AutoVerified(pub Vec<String>);

impl Default for AutoVerified {
    fn default() -> Self {
        AutoVerified(vec!["email".into()])
    }
}

/// A way ForgotPassword may reach a user (Cognito's RecoveryOptionType names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryMechanism {
    VerifiedEmail,
    VerifiedPhoneNumber,
    AdminOnly,
}

impl RecoveryMechanism {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "verified_email" => RecoveryMechanism::VerifiedEmail,
            "verified_phone_number" => RecoveryMechanism::VerifiedPhoneNumber,
            "admin_only" => RecoveryMechanism::AdminOnly,
            other => {
                return Err(Error::invalid(format!(
                    "{other:?} is not a recovery mechanism: verified_email, verified_phone_number or admin_only"
                )));
            }
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryMechanism::VerifiedEmail => "verified_email",
            RecoveryMechanism::VerifiedPhoneNumber => "verified_phone_number",
            RecoveryMechanism::AdminOnly => "admin_only",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryOption {
    pub priority: u8,
    pub name: RecoveryMechanism,
}

/// Where ForgotPassword may send a user's code, as the pool's recovery setting decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// No setting: the user's email, verified or not (Cognito's legacy behaviour).
    AnyEmail,
    /// Only a verified email (phone numbers cannot be reached here: no SMS yet).
    VerifiedEmail,
    /// Nowhere this server can reach: no verified channel is allowed that it can use.
    Unreachable,
    /// `admin_only`: users cannot reset their own password.
    AdminOnly,
}

/// Cognito's rules for AccountRecoverySetting: one or two mechanisms, priorities 1 and 2
/// each at most once, no mechanism twice, and `admin_only` alone.
pub(crate) fn check_recovery(options: &[RecoveryOption]) -> Result<()> {
    if options.len() > 2 {
        return Err(Error::invalid(
            "AccountRecoverySetting takes at most 2 RecoveryMechanisms",
        ));
    }
    for (i, o) in options.iter().enumerate() {
        if !(1..=2).contains(&o.priority) {
            return Err(Error::invalid(
                "RecoveryMechanisms priorities must be 1 or 2",
            ));
        }
        if options
            .iter()
            .take(i)
            .any(|p| p.priority == o.priority || p.name == o.name)
        {
            return Err(Error::invalid(
                "RecoveryMechanisms must not repeat a priority or a mechanism",
            ));
        }
    }
    if options.len() > 1
        && options
            .iter()
            .any(|o| o.name == RecoveryMechanism::AdminOnly)
    {
        return Err(Error::invalid(
            "admin_only cannot be combined with another recovery mechanism",
        ));
    }
    Ok(())
}
