//! A pool's sealed JSON secrets (hook keys, the Cognito source of a migration): read, opened
//! with the master key under a context naming the slot and pool, and parsed; or serialized,
//! sealed and stored. One place, so every slot is sealed the same way.

use crate::App;
use crate::admin::crypto_err;
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};
use portcullis_store::PoolSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a slot's sealed value is bound to, so one slot's value cannot be opened as another's.
fn context(slot: PoolSecret, pool: &PoolId) -> String {
    let name = match slot {
        PoolSecret::Smtp => "pool-smtp",
        PoolSecret::HookKeys => "pool-hook-keys",
        PoolSecret::MigrationSource => "pool-migration-source",
    };
    format!("{name}:{pool}")
}

impl App {
    pub(crate) async fn sealed_json<T: DeserializeOwned>(
        &self,
        pool: &PoolId,
        slot: PoolSecret,
    ) -> Result<Option<T>> {
        let Some(sealed) = self.store.pool_secret(pool, slot).await? else {
            return Ok(None);
        };
        let clear = self
            .master
            .open(&context(slot, pool), &sealed)
            .map_err(crypto_err)?;
        serde_json::from_slice(&clear)
            .map(Some)
            .map_err(Error::internal)
    }

    pub(crate) async fn save_sealed_json<T: Serialize>(
        &self,
        pool: &PoolId,
        slot: PoolSecret,
        value: &T,
    ) -> Result<()> {
        let json = serde_json::to_vec(value).map_err(Error::internal)?;
        let sealed = self
            .master
            .seal(&context(slot, pool), &json)
            .map_err(crypto_err)?;
        self.store.set_pool_secret(pool, slot, Some(&sealed)).await
    }
}
