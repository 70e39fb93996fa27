//! Users of a pool: identity (`sub`), status, attributes, and credentials as opaque strings
//! (a PHC password hash, an SRP salt and verifier) that only the crypto crate interprets.

pub use crate::attribute::{
    STANDARD_ATTRIBUTES, check_attribute, check_username, looks_like_email, normalize_username,
};
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
    /// A new local user. In a pool whose users sign in with an attribute (email or phone
    /// number), `username` is that attribute's value (it becomes the attribute when not
    /// given) and the stored username becomes the `sub`, as Cognito does.
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
        let username = if let Some(attr) = pool.username_attribute() {
            let value = attributes
                .entry(attr.to_owned())
                .or_insert_with(|| username.to_owned());
            if pool.username_key(value) != pool.username_key(username) {
                return Err(Error::invalid(format!(
                    "in this pool the username is the {attr}; they must match"
                )));
            }
            sub.to_string()
        } else {
            username.to_owned()
        };
        crate::schema::normalize(&pool.settings.custom_attributes, &mut attributes);
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

    /// The key that must be unique in the pool: the folded username, or the folded sign-in
    /// attribute (email, phone number) in pools whose users sign in with one.
    pub fn sign_in_key(&self, pool: &UserPool) -> String {
        let by_attribute = pool
            .username_attribute()
            .and_then(|a| self.attributes.get(a));
        match by_attribute {
            // Federated users are found by `Provider_subject`, whatever their email says.
            Some(value) if self.status != UserStatus::ExternalProvider => pool.username_key(value),
            _ => pool.username_key(&self.username),
        }
    }

    /// The name that finds this user again in its pool: the sub where email is the username,
    /// else the username.
    pub fn lookup_name(&self, pool: &UserPool) -> String {
        if pool.username_attribute().is_some() {
            self.sub.to_string()
        } else {
            self.username.clone()
        }
    }

    pub fn email(&self) -> Option<&str> {
        self.attributes.get("email").map(String::as_str)
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
    fn a_phone_number_as_username_is_e164_and_keys_the_user() {
        let settings = PoolSettings {
            username_attributes: vec![crate::pool::UsernameAttribute::PhoneNumber],
            ..Default::default()
        };
        let pool = UserPool::new("local", "acme", settings, 0).unwrap();
        let u = User::new(
            &pool,
            "+14325551212",
            BTreeMap::new(),
            UserStatus::Confirmed,
            1,
        )
        .unwrap();
        assert_eq!(u.username, u.sub.to_string());
        assert_eq!(u.attributes["phone_number"], "+14325551212");
        assert_eq!(u.sign_in_key(&pool), "+14325551212");
        assert_eq!(u.lookup_name(&pool), u.sub.to_string());
        for bad in [
            "4325551212",
            "+0123",
            "+1 432 555 1212",
            "+1234567890123456",
        ] {
            assert!(
                User::new(&pool, bad, BTreeMap::new(), UserStatus::Confirmed, 1).is_err(),
                "{bad}"
            );
        }
        let both = PoolSettings {
            username_attributes: vec![
                crate::pool::UsernameAttribute::Email,
                crate::pool::UsernameAttribute::PhoneNumber,
            ],
            ..Default::default()
        };
        assert!(both.validate().is_err(), "one sign-in attribute at a time");
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
