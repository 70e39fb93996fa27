//! Cognito's ListUsers filter: `name = "value"` (exact) or `name ^= "value"` (prefix), on the
//! standard searchable attributes and, unlike Cognito, on `custom:*` attributes too.

use crate::user::User;
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterOp {
    Equals,
    StartsWith,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    pub attribute: String,
    pub op: FilterOp,
    pub value: String,
}

const SEARCHABLE: &[&str] = &[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

impl UserFilter {
    /// An empty filter means "everyone" (`None`).
    pub fn parse(raw: &str) -> Result<Option<Self>> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        // Cognito's words for any filter it cannot read; the form is name = "value" or
        // name ^= "value".
        let bad = || Error::invalid("Error while parsing filter.");
        let (name, op, rest) = if let Some((n, r)) = raw.split_once("^=") {
            (n, FilterOp::StartsWith, r)
        } else if let Some((n, r)) = raw.split_once('=') {
            (n, FilterOp::Equals, r)
        } else {
            return Err(bad());
        };
        let name = name.trim();
        let value = rest
            .trim()
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(bad)?;
        if !(SEARCHABLE.contains(&name) || name.starts_with("custom:")) {
            return Err(Error::invalid(format!(
                "cannot filter on attribute {name:?}"
            )));
        }
        Ok(Some(UserFilter {
            attribute: name.to_owned(),
            op,
            value: value.to_owned(),
        }))
    }

    pub fn matches(&self, u: &User) -> bool {
        let sub = u.sub.to_string();
        let actual: Option<&str> = match self.attribute.as_str() {
            "username" => Some(&u.username),
            "sub" => Some(&sub),
            "cognito:user_status" => Some(u.status.as_str()),
            "status" => Some(if u.enabled { "Enabled" } else { "Disabled" }),
            other => u.attributes.get(other).map(String::as_str),
        };
        match (actual, &self.op) {
            (Some(a), FilterOp::Equals) => a == self.value,
            (Some(a), FilterOp::StartsWith) => a.starts_with(&self.value),
            (None, _) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::{PoolSettings, UserPool};
    use crate::user::UserStatus;
    use std::collections::BTreeMap;

    #[test]
    fn parse_and_match() {
        let settings = PoolSettings {
            custom_attributes: vec![crate::schema::CustomAttribute::string("tenant")],
            ..Default::default()
        };
        let pool = UserPool::new("local", "p", settings, 0).unwrap();
        let attrs = BTreeMap::from([
            ("email".to_string(), "alice@acme.com".to_string()),
            ("custom:tenant".to_string(), "acme".to_string()),
        ]);
        let u = User::new(&pool, "alice", attrs, UserStatus::Confirmed, 0).unwrap();
        let m = |f: &str| UserFilter::parse(f).unwrap().unwrap().matches(&u);
        assert!(m(r#"email = "alice@acme.com""#));
        assert!(m(r#"email ^= "alice@""#));
        assert!(!m(r#"email = "alice@""#));
        assert!(m(r#"custom:tenant = "acme""#));
        assert!(m(r#"cognito:user_status = "CONFIRMED""#));
        assert!(m(r#"status = "Enabled""#));
        assert!(m(r#"username ^= "ali""#));
        assert!(!m(r#"given_name = "x""#));
        assert_eq!(UserFilter::parse("  ").unwrap(), None);
        for bad in [
            "email",
            "email = alice",
            r#"address = "x""#,
            r#"email ~ "x""#,
        ] {
            assert!(UserFilter::parse(bad).is_err(), "{bad}");
        }
    }
}
