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

    async fn saml_sp_key_slots(&self, pool: &PoolId) -> Result<Vec<(String, String, String)>> {
        let rows = sqlx::query(
            "SELECT slot, key_sealed, cert FROM saml_sp_key_slots WHERE pool_id = $1 ORDER BY slot",
        )
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| Ok((get(r, "slot")?, get(r, "key_sealed")?, get(r, "cert")?)))
            .collect()
    }

    async fn stage_saml_sp_key(
        &self,
        pool: &PoolId,
        key_sealed: &str,
        cert: &str,
        now: UnixTime,
    ) -> Result<()> {
        if self.saml_sp_key(pool).await?.is_none() {
            return Err(Error::NotFound(Entity::Key));
        }
        let done = sqlx::query(
            "INSERT INTO saml_sp_key_slots (pool_id, slot, key_sealed, cert, created_at) \
             VALUES ($1, 'next', $2, $3, $4) ON CONFLICT (pool_id, slot) DO NOTHING",
        )
        .bind(pool.as_str())
        .bind(key_sealed)
        .bind(cert)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Key, Entity::Pool))?;
        if done.rows_affected() == 0 {
            return Err(Error::Conflict(Entity::Key));
        }
        Ok(())
    }

    async fn promote_saml_sp_key(&self, pool: &PoolId, now: UnixTime) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let next = sqlx::query(
            "SELECT key_sealed, cert FROM saml_sp_key_slots WHERE pool_id = $1 AND slot = 'next'",
        )
        .bind(pool.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or(Error::NotFound(Entity::Key))?;
        let (next_key, next_cert): (String, String) =
            (get(&next, "key_sealed")?, get(&next, "cert")?);
        sqlx::query(
            "DELETE FROM saml_sp_key_slots WHERE pool_id = $1 AND slot IN ('next', 'previous')",
        )
        .bind(pool.as_str())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        sqlx::query(
            "INSERT INTO saml_sp_key_slots (pool_id, slot, key_sealed, cert, created_at) \
             SELECT pool_id, 'previous', key_sealed, cert, $2 FROM saml_sp_keys WHERE pool_id = $1",
        )
        .bind(pool.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        sqlx::query(
            "UPDATE saml_sp_keys SET key_sealed = $2, cert = $3, created_at = $4 WHERE pool_id = $1",
        )
        .bind(pool.as_str())
        .bind(&next_key)
        .bind(&next_cert)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)
    }

    async fn retire_saml_sp_key(&self, pool: &PoolId) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM saml_sp_key_slots WHERE pool_id = $1 AND slot = 'previous'")
                .bind(pool.as_str())
                .execute(&self.pool)
                .await
                .map_err(internal)?;
        Ok(done.rows_affected() > 0)
    }
}
