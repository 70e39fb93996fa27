use super::SqlStore;
use crate::codec::{db_err, get, get_json, get_pool_id, get_uuid, internal, to_json};
use crate::traits::TokenStore;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::clock::UnixTime;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::session::{RefreshState, RefreshToken, TokenFamily};
use sqlx::any::AnyRow;
use uuid::Uuid;

async fn insert_refresh(tx: &mut sqlx::Transaction<'_, sqlx::Any>, t: &RefreshToken) -> Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (pool_id, token_hash, family_id, client_id, sub, scopes, auth_time, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(t.pool_id.as_str())
    .bind(&t.token_hash)
    .bind(&t.family_id)
    .bind(&t.client_id)
    .bind(t.sub.to_string())
    .bind(to_json(&t.scopes)?)
    .bind(t.auth_time)
    .bind(t.created_at)
    .bind(t.expires_at)
    .execute(&mut **tx)
    .await
    .map_err(db_err(Entity::Code, Entity::Code))?;
    Ok(())
}

fn decode_state(r: &AnyRow) -> Result<RefreshState> {
    Ok(RefreshState {
        token: RefreshToken {
            pool_id: get_pool_id(r, "pool_id")?,
            token_hash: get(r, "token_hash")?,
            family_id: get(r, "family_id")?,
            client_id: get(r, "client_id")?,
            sub: get_uuid(r, "sub")?,
            scopes: get_json(r, "scopes")?,
            auth_time: get(r, "auth_time")?,
            created_at: get(r, "created_at")?,
            expires_at: get(r, "expires_at")?,
        },
        rotated_at: get(r, "rotated_at")?,
        successor_hash: get(r, "successor_hash")?,
        successor_sealed: get(r, "successor_sealed")?,
        successor_rotated: get::<Option<i64>>(r, "successor_rotated_at")?.is_some(),
        family_revoked: get::<Option<i64>>(r, "family_revoked_at")?.is_some(),
    })
}

#[async_trait]
impl TokenStore for SqlStore {
    async fn create_family(&self, f: &TokenFamily, first: Option<&RefreshToken>) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO token_families (pool_id, family_id, client_id, sub, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(f.pool_id.as_str())
        .bind(&f.family_id)
        .bind(&f.client_id)
        .bind(f.sub.to_string())
        .bind(f.created_at)
        .bind(f.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(db_err(Entity::Code, Entity::User))?;
        if let Some(t) = first {
            insert_refresh(&mut tx, t).await?;
        }
        tx.commit().await.map_err(internal)
    }

    async fn revoke_family(&self, f: &TokenFamily, now: UnixTime) -> Result<()> {
        sqlx::query(
            "INSERT INTO token_families (pool_id, family_id, client_id, sub, created_at, expires_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (pool_id, family_id) DO UPDATE \
             SET revoked_at = COALESCE(token_families.revoked_at, excluded.revoked_at)",
        )
        .bind(f.pool_id.as_str())
        .bind(&f.family_id)
        .bind(&f.client_id)
        .bind(f.sub.to_string())
        .bind(f.created_at)
        .bind(f.expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Code, Entity::User))?;
        Ok(())
    }

    async fn family_revoked(&self, pool: &PoolId, family_id: &str) -> Result<Option<bool>> {
        let row = sqlx::query(
            "SELECT revoked_at FROM token_families WHERE pool_id = $1 AND family_id = $2",
        )
        .bind(pool.as_str())
        .bind(family_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.map(|r| Ok(get::<Option<i64>>(&r, "revoked_at")?.is_some()))
            .transpose()
    }

    async fn get_refresh(&self, pool: &PoolId, token_hash: &str) -> Result<Option<RefreshState>> {
        let row = sqlx::query(
            "SELECT r.pool_id, r.token_hash, r.family_id, r.client_id, r.sub, r.scopes, r.auth_time, \
                    r.created_at, r.expires_at, r.rotated_at, r.successor_hash, r.successor_sealed, \
                    f.revoked_at AS family_revoked_at, s.rotated_at AS successor_rotated_at \
             FROM refresh_tokens r \
             JOIN token_families f ON f.pool_id = r.pool_id AND f.family_id = r.family_id \
             LEFT JOIN refresh_tokens s ON s.pool_id = r.pool_id AND s.token_hash = r.successor_hash \
             WHERE r.pool_id = $1 AND r.token_hash = $2",
        )
        .bind(pool.as_str())
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(decode_state).transpose()
    }

    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new: &RefreshToken,
        successor_sealed: &str,
        now: UnixTime,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let r = sqlx::query(
            "UPDATE refresh_tokens SET rotated_at = $3, successor_hash = $4, successor_sealed = $5 \
             WHERE pool_id = $1 AND token_hash = $2 AND rotated_at IS NULL",
        )
        .bind(new.pool_id.as_str())
        .bind(old_hash)
        .bind(now)
        .bind(&new.token_hash)
        .bind(successor_sealed)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        if r.rows_affected() == 0 {
            tx.rollback().await.map_err(internal)?;
            return Ok(false);
        }
        insert_refresh(&mut tx, new).await?;
        tx.commit().await.map_err(internal)?;
        Ok(true)
    }

    async fn revoke_user_tokens(
        &self,
        pool: &PoolId,
        sub: Uuid,
        now: UnixTime,
        keep: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        // `keep` is never a family id when absent: family ids are not empty.
        sqlx::query(
            "UPDATE token_families SET revoked_at = $3 \
             WHERE pool_id = $1 AND sub = $2 AND revoked_at IS NULL AND family_id <> $4",
        )
        .bind(pool.as_str())
        .bind(sub.to_string())
        .bind(now)
        .bind(keep.unwrap_or(""))
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        for q in [
            "UPDATE sessions SET revoked_at = $3 WHERE pool_id = $1 AND sub = $2 AND revoked_at IS NULL",
            "INSERT INTO user_revocations (pool_id, sub, revoked_at) VALUES ($1, $2, $3) \
             ON CONFLICT (pool_id, sub) DO UPDATE SET revoked_at = $3",
        ] {
            sqlx::query(q)
                .bind(pool.as_str())
                .bind(sub.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)
    }

    async fn user_revoked_at(&self, pool: &PoolId, sub: Uuid) -> Result<Option<UnixTime>> {
        let row =
            sqlx::query("SELECT revoked_at FROM user_revocations WHERE pool_id = $1 AND sub = $2")
                .bind(pool.as_str())
                .bind(sub.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(internal)?;
        row.map(|r| get::<i64>(&r, "revoked_at")).transpose()
    }
}
