use super::SqlStore;
use crate::codec::{db_err, get, get_json, get_pool_id, internal, to_json};
use crate::traits::{Consumed, OneTimeStore};
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::clock::UnixTime;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use sqlx::any::AnyRow;

fn decode(row: &AnyRow) -> Result<OneTimeRecord> {
    Ok(OneTimeRecord {
        pool_id: get_pool_id(row, "pool_id")?,
        kind: get(row, "kind")?,
        key_hash: get(row, "key_hash")?,
        payload: get_json(row, "payload")?,
        expires_at: get(row, "expires_at")?,
    })
}

#[async_trait]
impl OneTimeStore for SqlStore {
    async fn put_one_time(&self, r: &OneTimeRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO one_time_records (pool_id, key_hash, kind, payload, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.pool_id.as_str())
        .bind(&r.key_hash)
        .bind(&r.kind)
        .bind(to_json(&r.payload)?)
        .bind(r.expires_at)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Code, Entity::Pool))?;
        Ok(())
    }

    /// One conditional UPDATE decides the winner: only a row still unconsumed matches.
    async fn consume_one_time(
        &self,
        pool: &PoolId,
        key_hash: &str,
        now: UnixTime,
    ) -> Result<Consumed> {
        let won = sqlx::query(
            "UPDATE one_time_records SET consumed_at = $3 \
             WHERE pool_id = $1 AND key_hash = $2 AND consumed_at IS NULL AND expires_at > $3 \
             RETURNING pool_id, key_hash, kind, payload, expires_at",
        )
        .bind(pool.as_str())
        .bind(key_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        if let Some(row) = won {
            return Ok(Consumed::First(decode(&row)?));
        }
        let spent = sqlx::query(
            "SELECT pool_id, key_hash, kind, payload, expires_at FROM one_time_records \
             WHERE pool_id = $1 AND key_hash = $2 AND consumed_at IS NOT NULL",
        )
        .bind(pool.as_str())
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        match spent {
            Some(row) => Ok(Consumed::AlreadyUsed(decode(&row)?)),
            None => Ok(Consumed::Missing),
        }
    }

    async fn purge_expired(&self, now: UnixTime) -> Result<u64> {
        let r = sqlx::query("DELETE FROM one_time_records WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        Ok(r.rows_affected())
    }
}
