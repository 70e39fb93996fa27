//! Claim rules: declarative token customization evaluated in-process when tokens are minted
//! (no network hop). A pool has rules, and an app client may have its own, which replace the
//! pool's for that client. Each rule names one claim, the tokens it goes into, and where its
//! value comes from: the user's groups (mapped to names, or by prefix), an attribute, or a
//! constant.
//!
//! ```json
//! {"claims": [
//!   {"name": "roles", "tokens": ["id", "access"],
//!    "from_groups": {"map": {"Administrators": "admin"}, "default": ["viewer"]}},
//!   {"name": "entitlements", "tokens": ["id"], "from_groups": {"prefix": "product:"}},
//!   {"name": "org", "tokens": ["id", "access"], "from_attribute": "custom:org"},
//!   {"name": "tier", "tokens": ["access"], "value": "standard"}
//! ]}
//! ```

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The most rules one document may hold.
pub const MAX_RULES: usize = 50;

/// Claims the server sets itself, which no rule may name (Cognito forbids changing most of
/// them in its pre-token-generation trigger, and the rest carry our own meaning).
pub const RESERVED_CLAIMS: &[&str] = &[
    "acr",
    "amr",
    "at_hash",
    "aud",
    "auth_time",
    "azp",
    "client_id",
    "cognito:groups",
    "cognito:username",
    "event_id",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "scope",
    "sub",
    "token_use",
    "username",
    "version",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRules {
    pub claims: Vec<ClaimRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Id,
    Access,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRule {
    pub name: String,
    pub tokens: Vec<TokenKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_groups: Option<FromGroups>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_attribute: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// The user's groups, in precedence order, as a list: mapped names (`map`, with `default`
/// when none maps), or the names with `prefix`, the prefix removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FromGroups {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl ClaimRules {
    /// Reads and checks a rules document; anything off is an error naming it.
    pub fn parse(json: &str) -> Result<Self> {
        let rules: ClaimRules =
            serde_json::from_str(json).map_err(|e| Error::invalid(format!("claim rules: {e}")))?;
        rules.validate()?;
        Ok(rules)
    }

    pub fn validate(&self) -> Result<()> {
        if self.claims.len() > MAX_RULES {
            return Err(Error::invalid(format!(
                "claim rules: at most {MAX_RULES} claims"
            )));
        }
        for (i, r) in self.claims.iter().enumerate() {
            r.validate()?;
            let clash = self
                .claims
                .iter()
                .take(i)
                .any(|o| o.name == r.name && o.tokens.iter().any(|t| r.tokens.contains(t)));
            if clash {
                return Err(Error::invalid(format!(
                    "claim rules: {:?} is given twice for the same token",
                    r.name
                )));
            }
        }
        Ok(())
    }

    /// The claims for a user with `groups` (by precedence) and `attributes`, for the ID
    /// token and the access token.
    pub fn evaluate(
        &self,
        groups: &[String],
        attributes: &BTreeMap<String, String>,
    ) -> (Map<String, Value>, Map<String, Value>) {
        let (mut id, mut access) = (Map::new(), Map::new());
        for r in &self.claims {
            let Some(v) = r.value_for(groups, attributes) else {
                continue;
            };
            for t in &r.tokens {
                let into = match t {
                    TokenKind::Id => &mut id,
                    TokenKind::Access => &mut access,
                };
                into.insert(r.name.clone(), v.clone());
            }
        }
        (id, access)
    }
}

impl ClaimRule {
    fn validate(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::invalid(format!("claim rule {:?}: {why}", self.name)));
        let n = &self.name;
        if n.is_empty() || n.len() > 128 || n.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("a name is 1-128 characters without spaces");
        }
        if RESERVED_CLAIMS.contains(&n.as_str()) || n.starts_with("cognito:") {
            return bad("this claim is set by the server and cannot be changed");
        }
        if self.tokens.is_empty() {
            return bad("tokens must name id, access or both");
        }
        let sources = [
            self.from_groups.is_some(),
            self.from_attribute.is_some(),
            self.value.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return bad("give exactly one of from_groups, from_attribute or value");
        }
        if let Some(g) = &self.from_groups {
            match (&g.map, &g.prefix) {
                (Some(_), None) => {}
                (None, Some(p)) if !p.is_empty() && g.default.is_none() => {}
                (None, Some(_)) => return bad("prefix must not be empty, and takes no default"),
                _ => return bad("from_groups takes map (with an optional default) or prefix"),
            }
        }
        if self.from_attribute.as_deref() == Some("") {
            return bad("from_attribute names an attribute");
        }
        if let Some(v) = &self.value
            && (v.is_null() || v.is_object())
        {
            return bad("value is a string, number, boolean or list");
        }
        Ok(())
    }

    fn value_for(&self, groups: &[String], attributes: &BTreeMap<String, String>) -> Option<Value> {
        if let Some(v) = &self.value {
            return Some(v.clone());
        }
        if let Some(a) = &self.from_attribute {
            return attributes.get(a).map(|v| Value::String(v.clone()));
        }
        let g = self.from_groups.as_ref()?;
        let mut out: Vec<String> = Vec::new();
        for name in groups {
            let mapped = match (&g.map, &g.prefix) {
                (Some(map), _) => map.get(name).cloned(),
                (None, Some(p)) => name.strip_prefix(p.as_str()).map(str::to_owned),
                (None, None) => None,
            };
            if let Some(m) = mapped
                && !out.contains(&m)
            {
                out.push(m);
            }
        }
        if out.is_empty()
            && let Some(d) = &g.default
        {
            out = d.clone();
        }
        Some(Value::from(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = r#"{
      "claims": [
        {"name": "roles", "tokens": ["id", "access"],
         "from_groups": {"map": {"Administrators": "admin", "Developers": "developer"},
                         "default": ["viewer"]}},
        {"name": "entitlements", "tokens": ["id"], "from_groups": {"prefix": "product:"}},
        {"name": "org", "tokens": ["id", "access"], "from_attribute": "custom:org"},
        {"name": "tier", "tokens": ["access"], "value": "standard"}
      ]
    }"#;

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_documented_rules_yield_exactly_the_documented_claims() {
        let rules = ClaimRules::parse(DOC).unwrap();
        let attrs = BTreeMap::from([("custom:org".to_string(), "acme".to_string())]);
        let (id, access) = rules.evaluate(
            &groups(&[
                "Developers",
                "product:analytics",
                "Administrators",
                "product:reports",
                "Developers",
            ]),
            &attrs,
        );
        assert_eq!(
            Value::Object(id),
            json!({"roles": ["developer", "admin"], "entitlements": ["analytics", "reports"],
                   "org": "acme"})
        );
        assert_eq!(
            Value::Object(access),
            json!({"roles": ["developer", "admin"], "org": "acme", "tier": "standard"})
        );
        // No group maps: the default; no attribute: no claim.
        let (id, access) = rules.evaluate(&groups(&["Other"]), &BTreeMap::new());
        assert_eq!(
            Value::Object(id),
            json!({"roles": ["viewer"], "entitlements": []})
        );
        assert_eq!(
            Value::Object(access),
            json!({"roles": ["viewer"], "tier": "standard"})
        );
    }

    #[test]
    fn bad_documents_are_refused_by_name() {
        for (doc, says) in [
            (
                r#"{"claims": [{"name": "sub", "tokens": ["id"], "value": "x"}]}"#,
                "set by the server",
            ),
            (
                r#"{"claims": [{"name": "cognito:roles", "tokens": ["id"], "value": "x"}]}"#,
                "set by the server",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": [], "value": "x"}]}"#,
                "tokens",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["refresh"], "value": "x"}]}"#,
                "unknown variant",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["id"]}]}"#,
                "exactly one",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["id"], "value": "x", "from_attribute": "email"}]}"#,
                "exactly one",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["id"], "from_groups": {}}]}"#,
                "map",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["id"], "from_groups": {"prefix": "p", "default": ["x"]}}]}"#,
                "default",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["id"], "value": {"nested": 1}}]}"#,
                "value is",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["id"], "valu": "x"}]}"#,
                "unknown field",
            ),
            (
                r#"{"claims": [{"name": "a", "tokens": ["id"], "value": 1}, {"name": "a", "tokens": ["id"], "value": 2}]}"#,
                "twice",
            ),
            (r#"{"rules": []}"#, "unknown field"),
        ] {
            let err = ClaimRules::parse(doc).unwrap_err().to_string();
            assert!(err.contains(says), "{doc}: {err}");
        }
    }
}
