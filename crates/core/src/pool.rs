//! User pools: the tenant. Everything else is keyed on a pool id.

use crate::ids::PoolId;
use crate::password_policy::PasswordPolicy;
use crate::recovery::check_recovery;
pub use crate::recovery::{AutoVerified, Recovery, RecoveryMechanism, RecoveryOption};
pub use crate::templates::{EmailSettings, MessageTemplates};
use crate::{Error, Result, clock::UnixTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    pub messages: MessageTemplates,
    /// Standard attributes every user must have (Cognito's schema attributes with
    /// `Required: true`), checked at sign-up and when an administrator creates a user.
    pub required_attributes: Vec<String>,
    pub email: EmailSettings,
    /// The entity ID SAML IdPs know this pool by; `urn:amazon:cognito:sp:{pool-id}` when unset.
    pub saml_sp_entity_id: Option<String>,
    /// The `custom:` attributes users of this pool may have (Cognito's schema).
    pub custom_attributes: Vec<crate::schema::CustomAttribute>,
    /// Standard attributes the schema made immutable (`Mutable: false`): set when a user is
    /// created, never changed after.
    pub immutable_attributes: Vec<String>,
    /// Cognito's AutoVerifiedAttributes: with `email`, SignUp sends a confirmation code to
    /// the address; without, users wait for an administrator to confirm them.
    pub auto_verified_attributes: AutoVerified,
    /// Cognito's AccountRecoverySetting: how ForgotPassword reaches a user, by priority.
    /// Empty: Cognito's legacy behaviour (the user's email, verified or not).
    pub account_recovery: Vec<RecoveryOption>,
    /// Cognito's SmsVerificationMessage, kept and echoed (Portcullis sends no SMS yet).
    pub sms_verification_message: Option<String>,
    /// Cognito's AliasAttributes: besides their username, users sign in with these once
    /// verified. `email` only, for now.
    pub alias_attributes: Vec<String>,
    /// Claims added to every token of the pool (unless the client has its own rules).
    pub claim_rules: Option<crate::claim_rules::ClaimRules>,
    /// Cognito's LambdaConfig: the webhook each trigger calls.
    pub hooks: crate::hooks::Hooks,
}

impl PoolSettings {
    /// Whether SignUp sends a confirmation code to the email address.
    pub fn verifies_email(&self) -> bool {
        self.auto_verified_attributes.0.iter().any(|a| a == "email")
    }

    /// How ForgotPassword may reach users of this pool.
    pub fn recovery(&self) -> Recovery {
        if self.account_recovery.is_empty() {
            return Recovery::AnyEmail;
        }
        let has = |m| self.account_recovery.iter().any(|o| o.name == m);
        if has(RecoveryMechanism::AdminOnly) {
            Recovery::AdminOnly
        } else if has(RecoveryMechanism::VerifiedEmail) {
            Recovery::VerifiedEmail
        } else {
            Recovery::Unreachable
        }
    }

    /// Whether `name` is a developer-only custom attribute.
    pub fn is_developer_only(&self, name: &str) -> bool {
        self.custom_attributes
            .iter()
            .any(|d| d.developer_only && name.strip_prefix("custom:") == Some(d.name.as_str()))
    }

    /// The attributes a user's own calls and tokens may show: all but developer-only ones.
    pub fn user_visible(&self, attributes: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        attributes
            .iter()
            .filter(|(k, _)| !self.is_developer_only(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// An administrator's change of existing users' attributes: declared custom attributes
    /// that fit and are mutable, and no standard attribute the schema made immutable.
    pub fn check_update(&self, attributes: &BTreeMap<String, String>) -> Result<()> {
        if let Some(name) = attributes
            .keys()
            .find(|k| self.immutable_attributes.contains(k))
        {
            return Err(Error::invalid(format!(
                "Attribute cannot be updated. (changing an immutable attribute): {name}"
            )));
        }
        crate::schema::check_write(
            &self.custom_attributes,
            attributes,
            crate::schema::Write::Update,
        )
    }

    pub fn validate(&self) -> Result<()> {
        if self.username_attributes.len() > 1 {
            return Err(Error::invalid(
                "UsernameAttributes with both email and phone_number is not supported yet; give one",
            ));
        }
        self.password_policy.validate()?;
        self.messages.validate()?;
        self.email.validate()?;
        if let Some(e) = &self.saml_sp_entity_id
            && (e.is_empty()
                || e.len() > 1024
                || !e.contains(':')
                || e.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(Error::invalid(
                "the SAML entity ID must be a URI of at most 1024 characters",
            ));
        }
        for a in &self.required_attributes {
            let derived = [
                "sub",
                "email_verified",
                "phone_number_verified",
                "updated_at",
            ];
            if !crate::attribute::STANDARD_ATTRIBUTES.contains(&a.as_str())
                || derived.contains(&a.as_str())
            {
                return Err(Error::invalid(format!(
                    "{a:?} cannot be required: only standard attributes a user provides can"
                )));
            }
        }
        crate::schema::validate_declarations(&self.custom_attributes)?;
        for a in &self.auto_verified_attributes.0 {
            if a != "email" && a != "phone_number" {
                return Err(Error::invalid(format!(
                    "AutoVerifiedAttributes: {a:?} must be email or phone_number"
                )));
            }
        }
        check_recovery(&self.account_recovery)?;
        if let Some(r) = &self.claim_rules {
            r.validate()?;
        }
        self.hooks.validate()?;
        if !self.alias_attributes.is_empty() && !self.username_attributes.is_empty() {
            return Err(Error::invalid(
                "UsernameAttributes and AliasAttributes cannot be used together",
            ));
        }
        if let Some(a) = self.alias_attributes.iter().find(|a| *a != "email") {
            return Err(Error::invalid(format!(
                "AliasAttributes: {a:?} is not supported yet; email is"
            )));
        }
        for a in &self.immutable_attributes {
            if !crate::attribute::STANDARD_ATTRIBUTES.contains(&a.as_str()) {
                return Err(Error::invalid(format!(
                    "{a:?} is not a standard attribute that can be made immutable"
                )));
            }
        }
        self.token_validity.validate()
    }
}

/// A reference to a user, resolved against a pool's username rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Key(String),
    Sub(uuid::Uuid),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPool {
    pub id: PoolId,
    pub name: String,
    /// The host name that serves this pool's pages at its root (Cognito's user pool domain),
    /// e.g. `auth.acme.example`. Unique across pools.
    pub domain: Option<String>,
    pub settings: PoolSettings,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

impl UserPool {
    /// A new pool with a fresh id in `region`; validates the name and settings.
    pub fn new(region: &str, name: &str, settings: PoolSettings, now: UnixTime) -> Result<Self> {
        check_pool_name(name)?;
        settings.validate()?;
        Ok(UserPool {
            id: PoolId::generate(region)?,
            name: name.to_owned(),
            domain: None,
            settings,
            created_at: now,
            updated_at: now,
        })
    }

    /// Whether users sign in with their email address (Cognito's `UsernameAttributes: [email]`):
    /// their username is then their `sub`, and the email is the unique sign-in key.
    pub fn email_is_username(&self) -> bool {
        self.username_attribute() == Some("email")
    }

    /// Whether users may also sign in with their verified email (AliasAttributes `email`).
    pub fn email_is_alias(&self) -> bool {
        self.settings.alias_attributes.iter().any(|a| a == "email")
    }

    /// The attribute users sign in with instead of a username (Cognito's
    /// `UsernameAttributes`: `email` or `phone_number`), if the pool has one. Their username is
    /// then their `sub`, and the attribute is the unique sign-in key.
    pub fn username_attribute(&self) -> Option<&'static str> {
        self.settings.username_attributes.first().map(|a| match a {
            UsernameAttribute::Email => "email",
            UsernameAttribute::PhoneNumber => "phone_number",
        })
    }

    /// How to find the user someone names: by `sub` when the pool's usernames are subs and
    /// the input is one, else by the sign-in key.
    pub fn user_ref(&self, input: &str) -> UserRef {
        if self.username_attribute().is_some()
            && let Ok(sub) = uuid::Uuid::parse_str(input)
        {
            return UserRef::Sub(sub);
        }
        UserRef::Key(self.username_key(input))
    }

    /// Refuses a new user's attributes when a required one is missing or blank (email too,
    /// when it is the username), with Cognito's wording.
    pub fn check_required(
        &self,
        attributes: &std::collections::BTreeMap<String, String>,
    ) -> Result<()> {
        let required = self.settings.required_attributes.iter().map(String::as_str);
        for name in self.username_attribute().into_iter().chain(required) {
            if attributes.get(name).is_none_or(|v| v.trim().is_empty()) {
                return Err(Error::invalid(format!(
                    "Attributes did not conform to the schema: {name}: The attribute is required"
                )));
            }
        }
        Ok(())
    }

    /// The key under which a username is unique in this pool.
    pub fn username_key(&self, username: &str) -> String {
        let nfc = crate::attribute::normalize_username(username);
        if self.settings.case_sensitive_usernames {
            nfc
        } else {
            nfc.to_lowercase()
        }
    }
}

/// A host name: 1–253 characters, dot-separated labels of 1–63 lowercase letters, digits and
/// hyphens, not starting or ending with a hyphen. Returned lowercased.
pub fn check_domain(domain: &str) -> Result<String> {
    let d = domain.trim().to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if d.is_empty() || d.len() > 253 || !d.split('.').all(label_ok) {
        return Err(Error::invalid(format!(
            "{domain:?} is not a valid host name"
        )));
    }
    Ok(d)
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
    fn account_recovery_follows_cognito_rules() {
        let opt = |priority, name| RecoveryOption { priority, name };
        let with = |options: Vec<RecoveryOption>| PoolSettings {
            account_recovery: options,
            ..Default::default()
        };
        use RecoveryMechanism::*;
        assert_eq!(with(vec![]).recovery(), Recovery::AnyEmail);
        let both = with(vec![opt(1, VerifiedPhoneNumber), opt(2, VerifiedEmail)]);
        assert!(both.validate().is_ok());
        assert_eq!(both.recovery(), Recovery::VerifiedEmail);
        assert_eq!(
            with(vec![opt(1, VerifiedPhoneNumber)]).recovery(),
            Recovery::Unreachable
        );
        assert_eq!(
            with(vec![opt(1, AdminOnly)]).recovery(),
            Recovery::AdminOnly
        );
        for bad in [
            vec![opt(1, AdminOnly), opt(2, VerifiedEmail)],
            vec![opt(1, VerifiedEmail), opt(1, VerifiedPhoneNumber)],
            vec![opt(1, VerifiedEmail), opt(2, VerifiedEmail)],
            vec![opt(3, VerifiedEmail)],
        ] {
            assert!(with(bad.clone()).validate().is_err(), "{bad:?}");
        }
        assert!(PoolSettings::default().verifies_email());
        let none = PoolSettings {
            auto_verified_attributes: AutoVerified(vec![]),
            ..Default::default()
        };
        assert!(!none.verifies_email());
        let odd = PoolSettings {
            auto_verified_attributes: AutoVerified(vec!["name".into()]),
            ..Default::default()
        };
        assert!(odd.validate().is_err());
    }

    #[test]
    fn usernames_fold_case_unless_the_pool_says_otherwise() {
        let mut pool = UserPool::new("local", "acme", PoolSettings::default(), 0).unwrap();
        assert_eq!(pool.username_key("Alice"), "alice");
        pool.settings.case_sensitive_usernames = true;
        assert_eq!(pool.username_key("Alice"), "Alice");
    }

    #[test]
    fn email_pools_find_users_by_email_or_sub() {
        let settings = PoolSettings {
            username_attributes: vec![UsernameAttribute::Email],
            ..Default::default()
        };
        let pool = UserPool::new("local", "acme", settings, 0).unwrap();
        assert!(pool.email_is_username());
        assert_eq!(
            pool.user_ref("Alice@Example.com"),
            UserRef::Key("alice@example.com".into())
        );
        let sub = uuid::Uuid::new_v4();
        assert_eq!(pool.user_ref(&sub.to_string()), UserRef::Sub(sub));
        let plain = UserPool::new("local", "acme", PoolSettings::default(), 0).unwrap();
        assert_eq!(
            plain.user_ref(&sub.to_string()),
            UserRef::Key(sub.to_string())
        );
    }

    #[test]
    fn message_templates_need_their_placeholders() {
        let mut m = MessageTemplates::default();
        assert!(m.validate().is_ok());
        assert_eq!(
            MessageTemplates::render(&m.invitation_message, "Pw1!", "ann"),
            "Your username is ann and your temporary password is Pw1!"
        );
        m.verification_message = "no code here".into();
        assert!(m.validate().is_err());
        let m = MessageTemplates {
            invitation_message: "code {####} only".into(),
            ..Default::default()
        };
        assert!(m.validate().is_err());
    }

    #[test]
    fn required_attributes_are_checked_for_new_users() {
        let settings = PoolSettings {
            required_attributes: vec!["name".into()],
            ..Default::default()
        };
        let pool = UserPool::new("local", "acme", settings, 0).unwrap();
        let mut attrs = std::collections::BTreeMap::new();
        let err = pool.check_required(&attrs).unwrap_err().to_string();
        assert!(err.contains("name: The attribute is required"), "{err}");
        attrs.insert("name".to_string(), "  ".to_string());
        assert!(pool.check_required(&attrs).is_err());
        attrs.insert("name".to_string(), "Ann".to_string());
        assert!(pool.check_required(&attrs).is_ok());
        for bad in ["sub", "email_verified", "custom:x", "shoe_size"] {
            let s = PoolSettings {
                required_attributes: vec![bad.into()],
                ..Default::default()
            };
            assert!(s.validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn saml_entity_ids_are_uris() {
        let with = |e: &str| PoolSettings {
            saml_sp_entity_id: Some(e.into()),
            ..Default::default()
        };
        assert!(with("https://auth.acme.example/saml").validate().is_ok());
        assert!(with("urn:acme:sp").validate().is_ok());
        for bad in [
            "",
            "no-scheme",
            "urn:a b",
            &format!("urn:{}", "x".repeat(1024)),
        ] {
            assert!(with(bad).validate().is_err(), "{bad:.20}");
        }
    }

    #[test]
    fn link_templates() {
        assert_eq!(
            MessageTemplates::render_link("Hi. {##Confirm##} Thanks", "https://x/c").unwrap(),
            "Hi. Confirm: https://x/c Thanks"
        );
        for bad in ["no link", "Click {##}", "{####}", "{## ##}", "##} {##"] {
            assert_eq!(
                MessageTemplates::render_link(bad, "https://x/c"),
                None,
                "{bad}"
            );
            let m = MessageTemplates {
                confirm_with_link: true,
                link_message: bad.into(),
                ..Default::default()
            };
            assert!(m.validate().is_err(), "{bad}");
        }
        let off_but_broken = MessageTemplates {
            link_message: "Click {##}".into(),
            ..Default::default()
        };
        assert!(off_but_broken.validate().is_err());
    }

    #[test]
    fn domains_are_host_names() {
        assert_eq!(
            check_domain("Auth.Acme.Example").unwrap(),
            "auth.acme.example"
        );
        assert_eq!(check_domain("localhost").unwrap(), "localhost");
        for bad in [
            "",
            "a..b",
            "-a.b",
            "a-.b",
            "a b.c",
            "a/b",
            "a:80",
            &"a".repeat(64),
        ] {
            assert!(check_domain(bad).is_err(), "{bad:?}");
        }
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
