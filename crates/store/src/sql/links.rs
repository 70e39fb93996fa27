use super::SqlStore;
use super::users::{decode, user_columns};
use crate::codec::{db_err, get, internal};
use crate::traits::LinkStore;
use async_trait::async_trait;
use portcullis_core::clock::UnixTime;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::user::User;
use portcullis_core::{Error, Result};
use uuid::Uuid;

/// `s` as a LIKE pattern matching itself only (with `ESCAPE '\'`).
fn like_literal(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[async_trait]
impl LinkStore for SqlStore {
    async fn link_identity(
        &self,
        pool: &PoolId,
        provider: &str,
        subject: &str,
        user_sub: Uuid,
        now: UnixTime,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO federated_links (pool_id, provider, subject, user_sub, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(pool.as_str())
        .bind(provider)
        .bind(subject)
        .bind(user_sub.to_string())
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::User, Entity::User))?;
        Ok(())
    }

    async fn linked_user(
        &self,
        pool: &PoolId,
        provider: &str,
        subject: &str,
    ) -> Result<Option<Uuid>> {
        let row = sqlx::query(
            "SELECT user_sub FROM federated_links WHERE pool_id = $1 AND provider = $2 AND subject = $3",
        )
        .bind(pool.as_str())
        .bind(provider)
        .bind(subject)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.map(|r| Uuid::parse_str(&get::<String>(&r, "user_sub")?).map_err(Error::internal))
            .transpose()
    }

    async fn unlink_identity(&self, pool: &PoolId, provider: &str, subject: &str) -> Result<()> {
        let done = sqlx::query(
            "DELETE FROM federated_links WHERE pool_id = $1 AND provider = $2 AND subject = $3",
        )
        .bind(pool.as_str())
        .bind(provider)
        .bind(subject)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::User));
        }
        Ok(())
    }

    async fn users_with_email(&self, pool: &PoolId, email: &str) -> Result<Vec<User>> {
        // Attributes are a JSON object; the LIKE narrows, the comparison below decides.
        let needle = serde_json::to_string(&email.to_lowercase()).map_err(Error::internal)?;
        let pattern = format!("%\"email\":{}%", like_literal(&needle));
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE pool_id = $1 AND LOWER(attributes) LIKE $2 ESCAPE '\\' ORDER BY created_at LIMIT 50"
        ))
        .bind(pool.as_str())
        .bind(pattern)
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        let mut users = vec![];
        for r in &rows {
            let u = decode(r)?;
            if u.email().is_some_and(|e| e.eq_ignore_ascii_case(email)) {
                users.push(u);
            }
        }
        users.truncate(10);
        Ok(users)
    }
}
