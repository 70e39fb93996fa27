//! Signing keys of a pool. One is `Active` (signs new tokens); `Retiring` keys are still
//! published in the JWKS so tokens they signed keep verifying; `Retired` keys are not.

use crate::clock::UnixTime;
use crate::ids::PoolId;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Active,
    Retiring,
    Retired,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Retiring => "retiring",
            KeyStatus::Retired => "retired",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "active" => Ok(KeyStatus::Active),
            "retiring" => Ok(KeyStatus::Retiring),
            "retired" => Ok(KeyStatus::Retired),
            other => Err(Error::internal(format!("unknown key status {other:?}"))),
        }
    }
    pub fn is_published(self) -> bool {
        self != KeyStatus::Retired
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub pool_id: PoolId,
    pub kid: String,
    pub algorithm: String,
    pub status: KeyStatus,
    /// The public half as a JWK object (`kty`, `n`, `e`, `kid`, `alg`, `use`).
    pub public_jwk: serde_json::Value,
    /// The private key, PKCS#8 DER sealed with the master key; opaque here.
    pub private_sealed: String,
    pub created_at: UnixTime,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("pool_id", &self.pool_id)
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("status", &self.status)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}
