use super::SqlStore;
use crate::codec::{db_err, expect_one, get, get_json, get_pool_id, internal, to_json};
use crate::traits::KeyStore;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::key::{KeyStatus, SigningKey};
use sqlx::any::AnyRow;

macro_rules! columns {
    () => {
        "pool_id, kid, algorithm, status, public_jwk, private_sealed, created_at"
    };
}

fn decode(row: &AnyRow) -> Result<SigningKey> {
    Ok(SigningKey {
        pool_id: get_pool_id(row, "pool_id")?,
        kid: get(row, "kid")?,
        algorithm: get(row, "algorithm")?,
        status: KeyStatus::parse(&get::<String>(row, "status")?)?,
        public_jwk: get_json(row, "public_jwk")?,
        private_sealed: get(row, "private_sealed")?,
        created_at: get(row, "created_at")?,
    })
}

/// Inserts `k` as the active key inside the caller's transaction.
pub(super) async fn insert_key(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    k: &SigningKey,
) -> Result<()> {
    sqlx::query(concat!(
        "INSERT INTO signing_keys (",
        columns!(),
        ") VALUES ($1, $2, $3, 'active', $4, $5, $6)"
    ))
    .bind(k.pool_id.as_str())
    .bind(&k.kid)
    .bind(&k.algorithm)
    .bind(to_json(&k.public_jwk)?)
    .bind(&k.private_sealed)
    .bind(k.created_at)
    .execute(&mut **tx)
    .await
    .map_err(db_err(Entity::Key, Entity::Pool))?;
    Ok(())
}

#[async_trait]
impl KeyStore for SqlStore {
    async fn rotate_in(&self, k: &SigningKey) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let pool = k.pool_id.as_str();
        sqlx::query(
            "UPDATE signing_keys SET status = 'retired' WHERE pool_id = $1 AND status = 'retiring'",
        )
        .bind(pool)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        sqlx::query(
            "UPDATE signing_keys SET status = 'retiring' WHERE pool_id = $1 AND status = 'active'",
        )
        .bind(pool)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        insert_key(&mut tx, k).await?;
        tx.commit().await.map_err(internal)
    }

    async fn list_keys(&self, pool: &PoolId) -> Result<Vec<SigningKey>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM signing_keys WHERE pool_id = $1 \
             ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'retiring' THEN 1 ELSE 2 END, created_at DESC, kid"
        ))
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(decode).collect()
    }

    async fn active_key(&self, pool: &PoolId) -> Result<Option<SigningKey>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM signing_keys WHERE pool_id = $1 AND status = 'active'"
        ))
        .bind(pool.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn set_key_status(&self, pool: &PoolId, kid: &str, status: KeyStatus) -> Result<()> {
        let r = sqlx::query("UPDATE signing_keys SET status = $3 WHERE pool_id = $1 AND kid = $2")
            .bind(pool.as_str())
            .bind(kid)
            .bind(status.as_str())
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::Key, r.rows_affected())
    }
}
