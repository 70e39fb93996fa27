//! Single-use records: authorization codes and anything else that must be redeemed at most
//! once. The store keeps them under a hash of the secret value and hands each out once.

use crate::clock::UnixTime;
use crate::ids::PoolId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeRecord {
    pub pool_id: PoolId,
    /// What the record is for, e.g. `authorization_code`.
    pub kind: String,
    /// A hash of the secret the holder presents; never the secret itself.
    pub key_hash: String,
    pub payload: serde_json::Value,
    pub expires_at: UnixTime,
}
