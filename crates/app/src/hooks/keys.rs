//! The secrets hook calls are signed with (Standard Webhooks `whsec_…`), one set per pool,
//! sealed at rest. A rotation keeps the old secret signing beside the new one for a day,
//! so receivers can switch without dropping a call.

use crate::App;
use crate::admin::crypto_err;
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};
use portcullis_crypto::webhook;
use portcullis_store::PoolSecret;
use serde::{Deserialize, Serialize};

/// How long a replaced secret keeps signing.
pub const ROLLOVER_SECS: i64 = 24 * 3600;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct HookKeys {
    current: String,
    #[serde(default)]
    previous: Option<String>,
    #[serde(default)]
    previous_until: Option<i64>,
}

impl App {
    async fn hook_keys(&self, pool: &PoolId) -> Result<Option<HookKeys>> {
        self.sealed_json(pool, PoolSecret::HookKeys).await
    }

    async fn save_hook_keys(&self, pool: &PoolId, keys: &HookKeys) -> Result<()> {
        self.save_sealed_json(pool, PoolSecret::HookKeys, keys)
            .await
    }

    /// The pool's hook secret, made on first use.
    pub async fn hook_secret(&self, pool_id: &str) -> Result<String> {
        let pool = self.pool(pool_id).await?;
        if let Some(k) = self.hook_keys(&pool.id).await? {
            return Ok(k.current);
        }
        let keys = HookKeys {
            current: webhook::new_secret().map_err(crypto_err)?,
            previous: None,
            previous_until: None,
        };
        self.save_hook_keys(&pool.id, &keys).await?;
        Ok(keys.current)
    }

    /// A new secret; the one it replaces keeps signing for `ROLLOVER_SECS`.
    pub async fn rotate_hook_secret(&self, pool_id: &str) -> Result<String> {
        let pool = self.pool(pool_id).await?;
        let old = self.hook_keys(&pool.id).await?;
        let keys = HookKeys {
            current: webhook::new_secret().map_err(crypto_err)?,
            previous: old.map(|k| k.current),
            previous_until: Some(self.now() + ROLLOVER_SECS),
        };
        self.save_hook_keys(&pool.id, &keys).await?;
        Ok(keys.current)
    }

    /// The keys a call is signed with now: the current one, and a retiring one within its
    /// day. A pool without secrets gets one here.
    pub(crate) async fn signing_keys(&self, pool: &PoolId) -> Result<Vec<Vec<u8>>> {
        let keys = match self.hook_keys(pool).await? {
            Some(k) => k,
            None => {
                self.hook_secret(pool.as_str()).await?;
                self.hook_keys(pool)
                    .await?
                    .ok_or_else(|| Error::internal("hook keys vanished"))?
            }
        };
        let mut out = vec![webhook::key_of(&keys.current).map_err(crypto_err)?];
        if let (Some(p), Some(until)) = (&keys.previous, keys.previous_until)
            && self.now() < until
        {
            out.push(webhook::key_of(p).map_err(crypto_err)?);
        }
        Ok(out)
    }
}
