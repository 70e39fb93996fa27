use super::SqlStore;
use crate::codec::{db_err, get, get_opt_json, get_pool_id, get_uuid, internal, to_json};
use crate::traits::SessionStore;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::clock::UnixTime;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::session::Session;

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (pool_id, id_hash, sub, auth_time, created_at, expires_at, upstream) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(s.pool_id.as_str())
        .bind(&s.id_hash)
        .bind(s.sub.to_string())
        .bind(s.auth_time)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.upstream.as_ref().map(to_json).transpose()?)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Code, Entity::User))?;
        Ok(())
    }

    async fn get_session(
        &self,
        pool: &PoolId,
        id_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT pool_id, id_hash, sub, auth_time, created_at, expires_at, upstream FROM sessions \
             WHERE pool_id = $1 AND id_hash = $2 AND revoked_at IS NULL AND expires_at > $3",
        )
        .bind(pool.as_str())
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.map(|r| {
            Ok(Session {
                pool_id: get_pool_id(&r, "pool_id")?,
                id_hash: get(&r, "id_hash")?,
                sub: get_uuid(&r, "sub")?,
                auth_time: get(&r, "auth_time")?,
                created_at: get(&r, "created_at")?,
                expires_at: get(&r, "expires_at")?,
                upstream: get_opt_json(&r, "upstream")?,
            })
        })
        .transpose()
    }

    async fn revoke_session(&self, pool: &PoolId, id_hash: &str, now: UnixTime) -> Result<()> {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $3 WHERE pool_id = $1 AND id_hash = $2 AND revoked_at IS NULL",
        )
        .bind(pool.as_str())
        .bind(id_hash)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }
}
