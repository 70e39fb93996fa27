//! Users of a pool: identity (`sub`), status, attributes, and credentials as opaque strings
//! (a PHC password hash, an SRP salt and verifier) that only the crypto crate interprets.

use crate::clock::UnixTime;
use crate::ids::PoolId;
use crate::pool::UserPool;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Unconfirmed,
    Confirmed,
    ForceChangePassword,
    ResetRequired,
    ExternalProvider,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Unconfirmed => "UNCONFIRMED",
            UserStatus::Confirmed => "CONFIRMED",
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::ResetRequired => "RESET_REQUIRED",
            UserStatus::ExternalProvider => "EXTERNAL_PROVIDER",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "UNCONFIRMED" => UserStatus::Unconfirmed,
            "CONFIRMED" => UserStatus::Confirmed,
            "FORCE_CHANGE_PASSWORD" => UserStatus::ForceChangePassword,
            "RESET_REQUIRED" => UserStatus::ResetRequired,
            "EXTERNAL_PROVIDER" => UserStatus::ExternalProvider,
            other => return Err(Error::invalid(format!("unknown user status {other:?}"))),
        })
    }
}

/// Standard OIDC attributes a pool stores (OIDC Core §5.1), as Cognito names them.
pub const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

/// SRP credentials for USER_SRP_AUTH, hex strings as the clients compute them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrpVerifier {
    pub salt: String,
    pub verifier: String,
}

impl std::fmt::Debug for SrpVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SrpVerifier(***)")
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub pool_id: PoolId,
    pub sub: Uuid,
    pub username: String,
    pub status: UserStatus,
    pub enabled: bool,
    pub attributes: BTreeMap<String, String>,
    /// A PHC string (`$argon2id$…`, `$2b$…`, `$pbkdf2-sha256$…`, `$scrypt$…`).
    pub password_hash: Option<String>,
    pub srp: Option<SrpVerifier>,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("pool_id", &self.pool_id)
            .field("sub", &self.sub)
            .field("username", &self.username)
            .field("status", &self.status)
            .field("enabled", &self.enabled)
            .field("attributes", &self.attributes)
            .field("password_hash", &self.password_hash.as_ref().map(|_| "***"))
            .finish()
    }
}

impl User {
    /// A new local user. In a pool where email is the username, `username` must be the
    /// email address; the stored username becomes the `sub`, as Cognito does.
    pub fn new(
        pool: &UserPool,
        username: &str,
        mut attributes: BTreeMap<String, String>,
        status: UserStatus,
        now: UnixTime,
    ) -> Result<Self> {
        check_username(username)?;
        let username = &normalize_username(username);
        let sub = Uuid::new_v4();
        let username = if pool.email_is_username() {
            let email = attributes
                .entry("email".to_owned())
                .or_insert_with(|| username.to_owned());
            if pool.username_key(email) != pool.username_key(username) {
                return Err(Error::invalid(
                    "in this pool the username is the email address; they must match",
                ));
            }
            sub.to_string()
        } else {
            username.to_owned()
        };
        for (name, value) in &attributes {
            check_attribute(name, value)?;
        }
        crate::schema::check_write(
            &pool.settings.custom_attributes,
            &attributes,
            crate::schema::Write::Create,
        )?;
        Ok(User {
            pool_id: pool.id.clone(),
            sub,
            username,
            status,
            enabled: true,
            attributes,
            password_hash: None,
            srp: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// The key that must be unique in the pool: the folded username, or the folded email in
    /// pools where email is the username.
    pub fn sign_in_key(&self, pool: &UserPool) -> String {
        match self.email() {
            // Federated users are found by `Provider_subject`, whatever their email says.
            Some(email)
                if pool.email_is_username() && self.status != UserStatus::ExternalProvider =>
            {
                pool.username_key(email)
            }
            _ => pool.username_key(&self.username),
        }
    }

    /// The name that finds this user again in its pool: the sub where email is the username,
    /// else the username.
    pub fn lookup_name(&self, pool: &UserPool) -> String {
        if pool.email_is_username() {
            self.sub.to_string()
        } else {
            self.username.clone()
        }
    }

    pub fn email(&self) -> Option<&str> {
        self.attributes.get("email").map(String::as_str)
    }
}

/// Cognito: 1–128 characters, printable, no whitespace (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`).
/// Format and invisible characters (zero-width spaces, bidirectional overrides, fillers) are
/// refused too: they make names that look like someone else's.
pub fn check_username(username: &str) -> Result<()> {
    if username.is_empty() || username.chars().count() > 128 {
        return Err(Error::invalid("username must be 1-128 characters"));
    }
    if username
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::invalid(
            "username must not contain whitespace or control characters",
        ));
    }
    if username.chars().any(is_invisible) {
        return Err(Error::invalid(
            "username must not contain invisible or formatting characters",
        ));
    }
    Ok(())
}

/// A username in Unicode normalization form C, so `josé` typed either way is one name.
pub fn normalize_username(username: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    username.nfc().collect()
}

/// Unicode's format characters (general category Cf) and the characters that render as
/// nothing: Hangul fillers, the combining grapheme joiner, variation selectors, the Braille
/// blank, tag characters.
fn is_invisible(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x06DD | 0x070F | 0x08E2 | 0x115F | 0x1160 | 0x17B4
        | 0x17B5 | 0x180E | 0x2800 | 0x3164 | 0xFEFF | 0xFFA0 | 0x110BD | 0x110CD | 0xE0001
        | 0x0600..=0x0605
        | 0x0890..=0x0891
        | 0x180B..=0x180F
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0xFE00..=0xFE0F
        | 0xFFF0..=0xFFFB
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

/// Standard attributes by name, `custom:` attributes of up to 20 name characters;
/// values at most 2048 characters, no control characters.
pub fn check_attribute(name: &str, value: &str) -> Result<()> {
    let known = STANDARD_ATTRIBUTES.contains(&name)
        || name.strip_prefix("custom:").is_some_and(|n| {
            !n.is_empty()
                && n.len() <= 20
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if !known {
        return Err(Error::invalid(format!("unknown attribute {name:?}")));
    }
    if value.chars().count() > 2048 || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(format!(
            "invalid value for attribute {name:?}"
        )));
    }
    if (name == "email_verified" || name == "phone_number_verified")
        && value != "true"
        && value != "false"
    {
        return Err(Error::invalid(format!("{name} must be true or false")));
    }
    if name == "email" && !looks_like_email(value) {
        return Err(Error::invalid("invalid email address format"));
    }
    Ok(())
}

pub fn looks_like_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::PoolSettings;

    #[test]
    fn users_get_a_fresh_sub_and_validated_attributes() {
        let settings = PoolSettings {
            custom_attributes: vec![crate::schema::CustomAttribute::string("tenant")],
            ..Default::default()
        };
        let pool = UserPool::new("local", "acme", settings, 0).unwrap();
        let attrs = BTreeMap::from([
            ("email".to_string(), "alice@example.com".to_string()),
            ("custom:tenant".to_string(), "acme".to_string()),
        ]);
        let u = User::new(&pool, "alice", attrs.clone(), UserStatus::Confirmed, 1).unwrap();
        let v = User::new(&pool, "bob", attrs, UserStatus::Confirmed, 1).unwrap();
        assert_ne!(u.sub, v.sub);
        assert_eq!(u.email(), Some("alice@example.com"));
        assert!(!format!("{u:?}").contains("argon"));
    }

    #[test]
    fn email_as_username_stores_the_sub_and_keys_on_the_email() {
        let settings = PoolSettings {
            username_attributes: vec![crate::pool::UsernameAttribute::Email],
            ..Default::default()
        };
        let pool = UserPool::new("local", "acme", settings, 0).unwrap();
        let u = User::new(
            &pool,
            "Ann@Example.com",
            BTreeMap::new(),
            UserStatus::Confirmed,
            0,
        )
        .unwrap();
        assert_eq!(u.username, u.sub.to_string());
        assert_eq!(u.email(), Some("Ann@Example.com"));
        assert_eq!(u.sign_in_key(&pool), "ann@example.com");
        assert!(
            User::new(
                &pool,
                "not-an-email",
                BTreeMap::new(),
                UserStatus::Confirmed,
                0
            )
            .is_err()
        );
        let other = BTreeMap::from([("email".to_string(), "b@example.com".to_string())]);
        assert!(User::new(&pool, "a@example.com", other, UserStatus::Confirmed, 0).is_err());
    }

    #[test]
    fn bad_usernames_and_attributes_are_refused() {
        assert!(check_username("").is_err());
        assert!(check_username("a b").is_err());
        assert!(check_username(&"x".repeat(129)).is_err());
        for spoof in [
            "al\u{200b}ice",
            "alice\u{202e}gnp",
            "\u{feff}alice",
            "a\u{3164}",
        ] {
            assert!(check_username(spoof).is_err(), "{spoof:?}");
        }
        assert!(check_username("jos\u{e9}").is_ok() && check_username("jose\u{301}").is_ok());
        assert_eq!(normalize_username("jose\u{301}"), "jos\u{e9}");
        assert!(check_attribute("favourite_color", "x").is_err());
        assert!(check_attribute("custom:", "x").is_err());
        assert!(check_attribute("custom:this_name_is_far_too_long", "x").is_err());
        assert!(check_attribute("email", "not-an-email").is_err());
        assert!(check_attribute("email_verified", "yes").is_err());
        assert!(check_attribute("given_name", "Zoë").is_ok());
    }

    #[test]
    fn status_round_trips_through_its_wire_name() {
        for s in [
            UserStatus::Unconfirmed,
            UserStatus::Confirmed,
            UserStatus::ForceChangePassword,
            UserStatus::ResetRequired,
            UserStatus::ExternalProvider,
        ] {
            assert_eq!(UserStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(UserStatus::parse("confirmed").is_err());
    }
}
