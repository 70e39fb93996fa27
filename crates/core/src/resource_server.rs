//! Resource servers (APIs) and their custom scopes, named `identifier/scope` in tokens.

use crate::ids::PoolId;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServerScope {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServer {
    pub pool_id: PoolId,
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<ResourceServerScope>,
}

impl ResourceServer {
    pub fn full_scope_names(&self) -> impl Iterator<Item = String> + '_ {
        self.scopes
            .iter()
            .map(|s| format!("{}/{}", self.identifier, s.name))
    }

    /// Cognito: identifier 1–256 of `[\x21\x23-\x5B\x5D-\x7E]`, scope names 1–256 of
    /// `[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]` (no space, `"`, `\`, and no `/` in scope names), ≤100 scopes.
    pub fn validate(&self) -> Result<()> {
        let printable = |c: char| ('\x21'..='\x7e').contains(&c) && c != '"' && c != '\\';
        if self.identifier.is_empty()
            || self.identifier.len() > 256
            || !self.identifier.chars().all(printable)
        {
            return Err(Error::invalid("invalid resource server identifier"));
        }
        if self.name.is_empty() || self.name.chars().count() > 256 {
            return Err(Error::invalid(
                "resource server name must be 1-256 characters",
            ));
        }
        if self.scopes.len() > 100 {
            return Err(Error::invalid("a resource server has at most 100 scopes"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &self.scopes {
            if s.name.is_empty()
                || s.name.len() > 256
                || !s.name.chars().all(|c| printable(c) && c != '/')
            {
                return Err(Error::invalid(format!("invalid scope name {:?}", s.name)));
            }
            if !seen.insert(&s.name) {
                return Err(Error::invalid(format!("duplicate scope {:?}", s.name)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(identifier: &str, scopes: &[&str]) -> ResourceServer {
        ResourceServer {
            pool_id: PoolId::parse("local_abcdefghi").unwrap(),
            identifier: identifier.into(),
            name: "API".into(),
            scopes: scopes
                .iter()
                .map(|n| ResourceServerScope {
                    name: (*n).into(),
                    description: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn scopes_are_prefixed_with_the_identifier() {
        let r = rs("orders", &["read", "write"]);
        assert!(r.validate().is_ok());
        assert_eq!(
            r.full_scope_names().collect::<Vec<_>>(),
            vec!["orders/read", "orders/write"]
        );
    }

    #[test]
    fn malformed_resource_servers_are_refused() {
        assert!(rs("", &["read"]).validate().is_err());
        assert!(rs("has space", &["read"]).validate().is_err());
        assert!(rs("orders", &["a/b"]).validate().is_err());
        assert!(rs("orders", &["read", "read"]).validate().is_err());
    }
}
