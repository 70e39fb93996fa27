//! Users moving in and out: the JSON Lines record (one user per line, with groups and,
//! optionally, the password hash) and Cognito's CSV import format. Reading a record checks
//! its shape; turning it into a user (hash formats, pool rules) happens in the app.

pub mod csv;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One user of an import or export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserRecord {
    pub username: String,
    /// Kept across systems so tokens' `sub` stays the same (Portcullis exports it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<Uuid>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// CONFIRMED, UNCONFIRMED, RESET_REQUIRED or FORCE_CHANGE_PASSWORD. Default: CONFIRMED
    /// with a password hash, RESET_REQUIRED without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<PasswordHashField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// No hash: the first sign-in asks the pool's password import hook (Okta's protocol)
    /// whether the typed password is right, and keeps it if so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_import_hook: bool,
}

fn enabled() -> bool {
    true
}

/// What stands in the password hash of a user whose password the import hook checks.
pub const PASSWORD_IMPORT_HOOK: &str = "$password-import-hook$";

/// What stands in the password hash of a user copied from a Cognito pool: their first
/// sign-in is checked against that pool.
pub const COGNITO_SOURCE: &str = "$cognito-source$";

/// A password hash as a string (PHC, bcrypt, Django's PBKDF2), or Okta's salted-digest shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PasswordHashField {
    Text(String),
    Salted {
        algorithm: String,
        salt: String,
        salt_order: String,
        value: String,
    },
}

impl UserRecord {
    /// One line of a JSON Lines file; the error says what is wrong with it.
    pub fn parse_line(line: &str) -> Result<Self, String> {
        serde_json::from_str(line).map_err(|e| {
            let text = e.to_string();
            // serde's messages end with " at line 1 column N": the caller knows the line.
            text.split(" at line ").next().unwrap_or(&text).to_owned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_record_reads() {
        let r = UserRecord::parse_line(
            r#"{"username": "alice", "enabled": true, "status": "CONFIRMED",
                "attributes": {"email": "alice@example.com", "email_verified": "true", "custom:org": "acme"},
                "groups": ["Administrators"], "password_hash": "$2b$10$abc"}"#,
        )
        .unwrap();
        assert_eq!(r.groups, vec!["Administrators"]);
        assert_eq!(
            r.password_hash,
            Some(PasswordHashField::Text("$2b$10$abc".into()))
        );
        let okta = UserRecord::parse_line(
            r#"{"username": "bo", "password_hash": {"algorithm": "SHA-256", "salt": "c2FsdA==",
                "salt_order": "PREFIX", "value": "E2Ab2k6njlWge5iGbSvmvgdE44ZvE8AMgRyrYIoo8yI="}}"#,
        )
        .unwrap();
        assert!(matches!(
            okta.password_hash,
            Some(PasswordHashField::Salted { .. })
        ));
        assert!(okta.enabled);
        let typo = UserRecord::parse_line(r#"{"username": "x", "grups": []}"#).unwrap_err();
        assert!(typo.contains("grups"), "{typo}");
    }
}
