use super::SqlStore;
use crate::codec::{db_err, get, internal};
use crate::traits::SamlKeyStore;
use async_trait::async_trait;
use portcullis_core::clock::UnixTime;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};

#[async_trait]
impl SamlKeyStore for SqlStore {
    async fn saml_sp_key_or_insert(
        &self,
        pool: &PoolId,
        key_sealed: &str,
        cert: &str,
        now: UnixTime,
    ) -> Result<(String, String)> {
        sqlx::query(
            "INSERT INTO saml_sp_keys (pool_id, key_sealed, cert, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (pool_id) DO NOTHING",
        )
        .bind(pool.as_str())
        .bind(key_sealed)
        .bind(cert)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Key, Entity::Pool))?;
        self.saml_sp_key(pool)
            .await?
            .ok_or(Error::NotFound(Entity::Pool))
    }

    async fn saml_sp_key(&self, pool: &PoolId) -> Result<Option<(String, String)>> {
        let row = sqlx::query("SELECT key_sealed, cert FROM saml_sp_keys WHERE pool_id = $1")
            .bind(pool.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        row.map(|r| Ok((get(&r, "key_sealed")?, get(&r, "cert")?)))
            .transpose()
    }
}
