//! Identifiers shaped like Cognito's, because clients parse them: pool ids are
//! `<region>_<9 alphanumerics>` (amazon-cognito-identity-js splits on `_`), app client ids
//! are 26 lowercase alphanumerics.

use crate::{Error, Result};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::fmt;

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

pub const DEFAULT_REGION: &str = "local";

pub(crate) fn random_string(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .filter_map(|_| alphabet.get(rng.random_range(0..alphabet.len())))
        .map(|b| char::from(*b))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PoolId(String);

impl PoolId {
    pub fn generate(region: &str) -> Result<Self> {
        Self::parse(&format!("{region}_{}", random_string(ALNUM, 9)))
    }

    /// Accepts `[\w-]+_[0-9a-zA-Z]+`, at most 55 characters (Cognito's API pattern).
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::invalid(format!("invalid user pool id {s:?}"));
        if s.is_empty() || s.len() > 55 {
            return Err(bad());
        }
        let (region, rest) = s.split_once('_').ok_or_else(bad)?;
        let region_ok = !region.is_empty()
            && region
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let rest_ok = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric());
        if region_ok && rest_ok {
            Ok(PoolId(s.to_owned()))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> &str {
        self.0.split('_').next().unwrap_or_default()
    }

    /// The part after the region (`AbC123xyz` of `local_AbC123xyz`): what Cognito's SRP
    /// clients mix into the password hash.
    pub fn suffix(&self) -> &str {
        self.0.split_once('_').map_or("", |(_, s)| s)
    }
}

impl TryFrom<String> for PoolId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        PoolId::parse(&s)
    }
}

impl From<PoolId> for String {
    fn from(p: PoolId) -> String {
        p.0
    }
}

impl fmt::Display for PoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new app client id: 26 lowercase alphanumerics.
pub fn new_client_id() -> String {
    random_string(LOWER_ALNUM, 26)
}

/// Client ids are opaque; this only rejects what cannot be one (Cognito: `[\w+]+`, ≤128).
pub fn check_client_id(s: &str) -> Result<()> {
    if !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
    {
        Ok(())
    } else {
        Err(Error::invalid("invalid client id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pool_ids_have_cognito_shape() {
        let id = PoolId::generate(DEFAULT_REGION).unwrap();
        let (region, rest) = id.as_str().split_once('_').unwrap();
        assert_eq!(region, "local");
        assert_eq!(rest.len(), 9);
        assert!(rest.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(id.region(), "local");
        assert_eq!(id.suffix(), rest);
    }

    #[test]
    fn pool_id_parsing_rejects_malformed_ids() {
        assert!(PoolId::parse("us-east-1_AbC123xyz").is_ok());
        for bad in [
            "",
            "nounderscore",
            "_abc",
            "local_",
            "local_ab-c",
            "local_a b",
            "a/b_c",
        ] {
            assert!(PoolId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(PoolId::parse(&format!("local_{}", "a".repeat(60))).is_err());
    }

    #[test]
    fn client_ids_are_26_lowercase_alphanumerics() {
        let id = new_client_id();
        assert_eq!(id.len(), 26);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        assert!(check_client_id(&id).is_ok());
        assert!(check_client_id("a b").is_err());
    }
}
