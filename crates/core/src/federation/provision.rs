//! From an upstream identity to a pool user: the username Cognito gives federated users
//! (`ProviderName_subject`), the `identities` attribute and claim in Cognito's shape, the
//! attribute mapping, and when an upstream login may be linked to an existing local user.

use crate::user::check_attribute;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The pool username of a federated user, as Cognito forms it.
pub fn username(provider: &str, subject: &str) -> String {
    format!("{provider}_{subject}")
}

/// One upstream identity of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub provider_name: String,
    /// `OIDC`, `SAML`, `Google`, ...
    pub provider_type: String,
    pub user_id: String,
    /// Milliseconds since the epoch.
    pub date_created_ms: i64,
}

/// The `identities` user attribute: a JSON array in a string, as AdminGetUser shows it.
pub fn identities_attribute(list: &[Identity]) -> String {
    let items: Vec<Value> = list
        .iter()
        .map(|i| {
            json!({"userId": i.user_id, "providerName": i.provider_name,
                   "providerType": i.provider_type, "issuer": null, "primary": true,
                   "dateCreated": i.date_created_ms})
        })
        .collect();
    Value::Array(items).to_string()
}

/// The identities in a stored attribute (unknown shapes are skipped).
pub fn parse_identities(attribute: &str) -> Vec<Identity> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(attribute) else {
        return vec![];
    };
    items
        .iter()
        .filter_map(|i| {
            Some(Identity {
                user_id: i.get("userId")?.as_str()?.to_owned(),
                provider_name: i.get("providerName")?.as_str()?.to_owned(),
                provider_type: i.get("providerType")?.as_str()?.to_owned(),
                date_created_ms: i.get("dateCreated").and_then(Value::as_i64).unwrap_or(0),
            })
        })
        .collect()
}

/// The `identities` claim of ID tokens: an array whose `dateCreated` and `primary` are
/// strings, as Cognito issues it.
pub fn identities_claim(attribute: &str) -> Value {
    let items: Vec<Value> = parse_identities(attribute)
        .iter()
        .map(|i| {
            json!({"userId": i.user_id, "providerName": i.provider_name,
                   "providerType": i.provider_type, "issuer": null, "primary": "true",
                   "dateCreated": i.date_created_ms.to_string()})
        })
        .collect();
    Value::Array(items)
}

/// A claim as an attribute value: strings as they are, booleans and numbers as text, other
/// JSON as its text.
fn claim_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// The pool attributes the mapping (pool attribute → upstream claim) gives for these claims.
/// Values that are not valid attributes are left out (and named in the second list), so one
/// odd claim does not block a sign-in. `email_verified` comes only from the mapping: the
/// upstream's word, never assumed.
pub fn map_attributes(
    mapping: &BTreeMap<String, String>,
    claims: &Value,
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut out = BTreeMap::new();
    let mut refused = vec![];
    for (attribute, claim) in mapping {
        if attribute == "username" {
            continue;
        }
        let Some(value) = claims.get(claim).and_then(claim_text) else {
            continue;
        };
        let value = if attribute.ends_with("_verified") {
            match value.as_str() {
                "true" | "false" => value,
                _ => {
                    refused.push(attribute.clone());
                    continue;
                }
            }
        } else {
            value
        };
        match check_attribute(attribute, &value) {
            Ok(()) => {
                out.insert(attribute.clone(), value);
            }
            Err(_) => refused.push(attribute.clone()),
        }
    }
    (out, refused)
}

/// Whether an upstream sign-in may be linked to the local user with the same email address:
/// only when the provider is trusted for email (an administrator's opt-in), the address is in
/// a domain the provider is trusted for (`trusted_domains`: its identifiers, or an explicit
/// allow-list), and the upstream says, in this sign-in, that it verified the address.
/// Anything else would let whoever controls an upstream account with a victim's address take
/// over the victim's local account (nOAuth), or let any provider speak for any domain.
pub fn may_link_by_email(
    provider_trusted_for_email: bool,
    trusted_domains: &[String],
    mapped: &BTreeMap<String, String>,
) -> bool {
    let Some(email) = mapped.get("email").filter(|e| !e.is_empty()) else {
        return false;
    };
    let in_trusted_domain = email.rsplit_once('@').is_some_and(|(_, domain)| {
        trusted_domains
            .iter()
            .any(|d| d.trim().eq_ignore_ascii_case(domain))
    });
    provider_trusted_for_email
        && in_trusted_domain
        && mapped.get("email_verified").map(String::as_str) == Some("true")
}

/// Whether a local user may receive an automatic link: only a CONFIRMED user whose own email
/// is verified. An unconfirmed sign-up, or one that never proved the address, may have been
/// made by someone else with the victim's address and a password of their own (account
/// pre-hijacking): linking would hand the victim's upstream sign-in to that account.
pub fn may_receive_link(user: &crate::user::User) -> bool {
    user.status == crate::user::UserStatus::Confirmed
        && user.attributes.get("email_verified").map(String::as_str) == Some("true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_identities_have_cognitos_shape() {
        assert_eq!(username("Okta", "00u1"), "Okta_00u1");
        let ids = [Identity {
            provider_name: "Okta".into(),
            provider_type: "OIDC".into(),
            user_id: "00u1".into(),
            date_created_ms: 1_700_000_000_000,
        }];
        let attr = identities_attribute(&ids);
        let v: Value = serde_json::from_str(&attr).unwrap();
        assert_eq!(v[0]["primary"], true);
        assert_eq!(v[0]["issuer"], Value::Null);
        assert_eq!(parse_identities(&attr), ids);
        let claim = identities_claim(&attr);
        assert_eq!(claim[0]["dateCreated"], "1700000000000");
        assert_eq!(claim[0]["primary"], "true");
        assert_eq!(claim[0]["providerType"], "OIDC");
        assert_eq!(parse_identities("not json"), vec![]);
    }

    #[test]
    fn mapping_takes_what_is_mapped_and_valid() {
        let mapping = BTreeMap::from([
            ("email".to_string(), "email".to_string()),
            ("email_verified".to_string(), "email_verified".to_string()),
            ("given_name".to_string(), "first".to_string()),
            ("custom:groups".to_string(), "groups".to_string()),
            ("phone_number".to_string(), "phone".to_string()),
            ("username".to_string(), "sub".to_string()),
        ]);
        let claims = serde_json::json!({"email": "a@acme.test", "email_verified": true,
            "first": "Ann", "groups": ["x", "y"], "phone": null, "unmapped": "z"});
        let (attrs, refused) = map_attributes(&mapping, &claims);
        assert_eq!(attrs["email"], "a@acme.test");
        assert_eq!(attrs["email_verified"], "true");
        assert_eq!(attrs["given_name"], "Ann");
        assert_eq!(attrs["custom:groups"], r#"["x","y"]"#);
        assert!(!attrs.contains_key("phone_number") && !attrs.contains_key("username"));
        assert!(refused.is_empty());
        let (attrs, refused) = map_attributes(
            &mapping,
            &serde_json::json!({"email": "not an email", "email_verified": "yes"}),
        );
        assert!(attrs.is_empty());
        assert_eq!(refused, ["email", "email_verified"]);
    }

    #[test]
    fn linking_needs_trust_a_trusted_domain_and_a_verified_email() {
        let domains = vec!["acme.test".to_string()];
        let verified = BTreeMap::from([
            ("email".to_string(), "a@ACME.test".to_string()),
            ("email_verified".to_string(), "true".to_string()),
        ]);
        assert!(may_link_by_email(true, &domains, &verified));
        assert!(
            !may_link_by_email(false, &domains, &verified),
            "provider not trusted"
        );
        assert!(
            !may_link_by_email(true, &["evil.test".to_string()], &verified),
            "a provider trusted for another domain"
        );
        assert!(
            !may_link_by_email(true, &[], &verified),
            "no domains at all"
        );
        let mut unverified = verified.clone();
        unverified.insert("email_verified".into(), "false".into());
        assert!(!may_link_by_email(true, &domains, &unverified));
        unverified.remove("email_verified");
        assert!(
            !may_link_by_email(true, &domains, &unverified),
            "unmapped means unknown"
        );
    }
}
