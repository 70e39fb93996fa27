use super::SqlStore;
use crate::codec::{db_err, expect_one, get, get_json, internal, to_json};
use crate::traits::AccessKeyStore;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::access_key::AccessKey;
use portcullis_core::error::Entity;
use sqlx::any::AnyRow;

fn decode(row: &AnyRow) -> Result<AccessKey> {
    Ok(AccessKey {
        key_id: get(row, "key_id")?,
        secret_sealed: get(row, "secret_sealed")?,
        pools: get_json(row, "pools")?,
        created_at: get(row, "created_at")?,
    })
}

#[async_trait]
impl AccessKeyStore for SqlStore {
    async fn create_access_key(&self, k: &AccessKey) -> Result<()> {
        sqlx::query("INSERT INTO access_keys (key_id, secret_sealed, pools, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&k.key_id)
            .bind(&k.secret_sealed)
            .bind(to_json(&k.pools)?)
            .bind(k.created_at)
            .execute(&self.pool)
            .await
            .map_err(db_err(Entity::Key, Entity::Key))?;
        Ok(())
    }

    async fn get_access_key(&self, key_id: &str) -> Result<Option<AccessKey>> {
        let row = sqlx::query(
            "SELECT key_id, secret_sealed, pools, created_at FROM access_keys WHERE key_id = $1",
        )
        .bind(key_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn list_access_keys(&self) -> Result<Vec<AccessKey>> {
        let rows = sqlx::query("SELECT key_id, secret_sealed, pools, created_at FROM access_keys ORDER BY created_at, key_id")
            .fetch_all(&self.pool)
            .await
            .map_err(internal)?;
        rows.iter().map(decode).collect()
    }

    async fn delete_access_key(&self, key_id: &str) -> Result<()> {
        let r = sqlx::query("DELETE FROM access_keys WHERE key_id = $1")
            .bind(key_id)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::Key, r.rows_affected())
    }
}
