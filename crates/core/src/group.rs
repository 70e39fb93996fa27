//! Groups: named sets of users with a precedence (lower wins when roles conflict) and an
//! optional role, surfaced as `cognito:groups` (and roles) in tokens.

use crate::ids::PoolId;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub pool_id: PoolId,
    pub name: String,
    pub description: Option<String>,
    pub precedence: Option<i64>,
    pub role_arn: Option<String>,
}

impl Group {
    /// Cognito: name 1–128 of `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, description ≤2048, precedence ≥0.
    pub fn validate(&self) -> Result<()> {
        let n = &self.name;
        if n.is_empty()
            || n.chars().count() > 128
            || n.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid(
                "group name must be 1-128 characters without whitespace",
            ));
        }
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 2048)
        {
            return Err(Error::invalid(
                "group description is longer than 2048 characters",
            ));
        }
        if self.precedence.is_some_and(|p| p < 0) {
            return Err(Error::invalid("group precedence must not be negative"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_validation() {
        let mut g = Group {
            pool_id: PoolId::parse("local_abcdefghi").unwrap(),
            name: "admins".into(),
            description: None,
            precedence: Some(1),
            role_arn: None,
        };
        assert!(g.validate().is_ok());
        g.precedence = Some(-1);
        assert!(g.validate().is_err());
        g.precedence = None;
        g.name = "two words".into();
        assert!(g.validate().is_err());
    }
}
