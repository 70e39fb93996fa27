//! User pools: the tenant. Everything else is keyed on a pool id.

use crate::ids::PoolId;
use crate::password_policy::PasswordPolicy;
use crate::{Error, Result, clock::UnixTime};
use serde::{Deserialize, Serialize};

/// Token lifetimes in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenValidity {
    pub access_token_secs: u32,
    pub id_token_secs: u32,
    pub refresh_token_secs: u32,
}

impl Default for TokenValidity {
    /// Cognito's defaults: 1 hour for ID and access tokens, 30 days for refresh tokens.
    fn default() -> Self {
        TokenValidity {
            access_token_secs: 3600,
            id_token_secs: 3600,
            refresh_token_secs: 30 * 86400,
        }
    }
}

impl TokenValidity {
    /// Cognito's bounds: ID/access 5 minutes to 1 day, refresh 1 hour to 10 years.
    pub fn validate(&self) -> Result<()> {
        let in_range = |v: u32, lo: u32, hi: u32| (lo..=hi).contains(&v);
        if !in_range(self.access_token_secs, 300, 86400) {
            return Err(Error::invalid(
                "access token validity must be between 5 minutes and 1 day",
            ));
        }
        if !in_range(self.id_token_secs, 300, 86400) {
            return Err(Error::invalid(
                "ID token validity must be between 5 minutes and 1 day",
            ));
        }
        if !in_range(self.refresh_token_secs, 3600, 3650 * 86400) {
            return Err(Error::invalid(
                "refresh token validity must be between 1 hour and 3650 days",
            ));
        }
        Ok(())
    }
}

/// Attributes a user may sign in with instead of the username (Cognito's `UsernameAttributes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsernameAttribute {
    Email,
    PhoneNumber,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolSettings {
    pub password_policy: PasswordPolicy,
    pub username_attributes: Vec<UsernameAttribute>,
    /// Off by default, as in Cognito's console: `Alice` and `alice` are the same user.
    pub case_sensitive_usernames: bool,
    pub token_validity: TokenValidity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPool {
    pub id: PoolId,
    pub name: String,
    pub settings: PoolSettings,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

impl UserPool {
    /// A new pool with a fresh id in `region`; validates the name and settings.
    pub fn new(region: &str, name: &str, settings: PoolSettings, now: UnixTime) -> Result<Self> {
        check_pool_name(name)?;
        settings.password_policy.validate()?;
        settings.token_validity.validate()?;
        Ok(UserPool {
            id: PoolId::generate(region)?,
            name: name.to_owned(),
            settings,
            created_at: now,
            updated_at: now,
        })
    }

    /// The key under which a username is unique in this pool.
    pub fn username_key(&self, username: &str) -> String {
        if self.settings.case_sensitive_usernames {
            username.to_owned()
        } else {
            username.to_lowercase()
        }
    }
}

/// Cognito: 1–128 characters of `[\w\s+=,.@-]`.
pub fn check_pool_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 128
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "pool name must be 1-128 characters of letters, digits, spaces and _+=,.@-",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_fold_case_unless_the_pool_says_otherwise() {
        let mut pool = UserPool::new("local", "acme", PoolSettings::default(), 0).unwrap();
        assert_eq!(pool.username_key("Alice"), "alice");
        pool.settings.case_sensitive_usernames = true;
        assert_eq!(pool.username_key("Alice"), "Alice");
    }

    #[test]
    fn bad_names_and_settings_are_refused() {
        assert!(UserPool::new("local", "", PoolSettings::default(), 0).is_err());
        assert!(UserPool::new("local", "a/b", PoolSettings::default(), 0).is_err());
        let mut s = PoolSettings::default();
        s.token_validity.access_token_secs = 10;
        assert!(UserPool::new("local", "acme", s, 0).is_err());
    }

    #[test]
    fn settings_json_rejects_unknown_fields() {
        let r: std::result::Result<PoolSettings, _> =
            serde_json::from_str(r#"{"case_sensitive_usernames": true, "bogus": 1}"#);
        assert!(r.is_err());
        let s: PoolSettings =
            serde_json::from_str(r#"{"case_sensitive_usernames": true}"#).unwrap();
        assert!(s.case_sensitive_usernames);
        assert_eq!(s.password_policy, PasswordPolicy::default());
    }
}
