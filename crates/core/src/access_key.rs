//! Access keys for the Cognito-compatible API: an id and a secret (AWS Signature V4), scoped
//! to the pools they may administer (none listed: all pools).

use crate::clock::UnixTime;
use crate::ids::PoolId;
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    pub key_id: String,
    /// The secret access key, sealed with the master key (SigV4 needs it in clear to verify).
    pub secret_sealed: String,
    /// Pools this key may touch; empty means every pool.
    pub pools: Vec<PoolId>,
    pub created_at: UnixTime,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("key_id", &self.key_id)
            .field("pools", &self.pools)
            .finish_non_exhaustive()
    }
}

impl AccessKey {
    pub fn allows(&self, pool: &PoolId) -> bool {
        self.pools.is_empty() || self.pools.contains(pool)
    }

    /// Whether the key may act across pools (create or list pools).
    pub fn is_global(&self) -> bool {
        self.pools.is_empty()
    }
}

/// `PCAK` and 16 uppercase alphanumerics, shaped like AWS key ids.
pub fn new_key_id() -> String {
    format!(
        "PCAK{}",
        crate::ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoping() {
        let a = PoolId::parse("local_aaaaaaaaa").unwrap();
        let b = PoolId::parse("local_bbbbbbbbb").unwrap();
        let mut k = AccessKey {
            key_id: new_key_id(),
            secret_sealed: String::new(),
            pools: vec![],
            created_at: 0,
        };
        assert!(k.key_id.starts_with("PCAK") && k.key_id.len() == 20);
        assert!(k.allows(&a) && k.is_global());
        k.pools = vec![a.clone()];
        assert!(k.allows(&a) && !k.allows(&b) && !k.is_global());
    }
}
