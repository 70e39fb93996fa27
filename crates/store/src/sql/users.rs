use super::SqlStore;
use crate::codec::{
    db_err, expect_one, get, get_json, get_opt_json, get_pool_id, get_uuid, internal, to_json,
};
use crate::traits::{Page, UserStore};
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::message::{OutboundMessage, VerificationCode};
use portcullis_core::user::{User, UserStatus};
use sqlx::any::AnyRow;
use uuid::Uuid;

macro_rules! columns {
    () => {
        "pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp, created_at, updated_at"
    };
}
pub(super) use columns as user_columns;

pub(super) fn decode(row: &AnyRow) -> Result<User> {
    Ok(User {
        pool_id: get_pool_id(row, "pool_id")?,
        sub: get_uuid(row, "sub")?,
        username: get(row, "username")?,
        status: UserStatus::parse(&get::<String>(row, "status")?)?,
        enabled: get::<i64>(row, "enabled")? != 0,
        attributes: get_json(row, "attributes")?,
        password_hash: get(row, "password_hash")?,
        srp: get_opt_json(row, "srp")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

/// The `email` column: the attribute, kept beside the JSON so ListUsers can filter on it
/// through an index.
/// A page of users fetched `limit + 1` at a time in username-key order: the extra row only
/// says that more follow, and `next` is the last key of the page.
pub(super) fn page_by_key(rows: &[AnyRow], limit: u32) -> Result<Page<User>> {
    let mut items = Vec::with_capacity(rows.len());
    let mut keys = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(decode(row)?);
        keys.push(get::<String>(row, "username_key")?);
    }
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        keys.get(limit as usize - 1).cloned()
    } else {
        None
    };
    Ok(Page { items, next })
}

pub(super) fn email_of(u: &User) -> Option<String> {
    u.attributes.get("email").cloned()
}

pub(super) fn srp_json(u: &User) -> Result<Option<String>> {
    u.srp.as_ref().map(to_json).transpose()
}

/// One user row, on the pool or inside a transaction.
async fn insert_user<'c, E>(e: E, u: &User, username_key: &str) -> Result<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(concat!(
        "INSERT INTO users (",
        columns!(),
        ", email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(u.pool_id.as_str())
    .bind(u.sub.to_string())
    .bind(&u.username)
    .bind(username_key)
    .bind(u.status.as_str())
    .bind(i64::from(u.enabled))
    .bind(to_json(&u.attributes)?)
    .bind(u.password_hash.clone())
    .bind(srp_json(u)?)
    .bind(u.created_at)
    .bind(u.updated_at)
    .bind(email_of(u))
    .execute(e)
    .await
    .map_err(db_err(Entity::User, Entity::Pool))?;
    Ok(())
}

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(&self, u: &User, username_key: &str) -> Result<()> {
        insert_user(&self.pool, u, username_key).await
    }

    async fn create_user_with_delivery(
        &self,
        u: &User,
        username_key: &str,
        code: Option<&VerificationCode>,
        message: Option<&OutboundMessage>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        insert_user(&mut *tx, u, username_key).await?;
        if let Some(c) = code {
            super::messages::upsert_code(&mut *tx, c).await?;
        }
        if let Some(m) = message {
            super::messages::insert_message(&mut *tx, m).await?;
        }
        tx.commit().await.map_err(internal)
    }

    async fn get_user_by_key(&self, pool: &PoolId, key: &str) -> Result<Option<User>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM users WHERE pool_id = $1 AND username_key = $2"
        ))
        .bind(pool.as_str())
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn get_user_by_sub(&self, pool: &PoolId, sub: Uuid) -> Result<Option<User>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM users WHERE pool_id = $1 AND sub = $2"
        ))
        .bind(pool.as_str())
        .bind(sub.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn count_users(&self, pool: &PoolId) -> Result<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE pool_id = $1")
            .bind(pool.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(internal)?;
        let n: i64 = get(&row, "n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn list_users(
        &self,
        pool: &PoolId,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page<User>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM users WHERE pool_id = $1 AND username_key > $2 ORDER BY username_key LIMIT $3"
        ))
        .bind(pool.as_str())
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        page_by_key(&rows, limit)
    }

    async fn update_user(&self, u: &User, new_key: Option<&str>) -> Result<()> {
        let r = sqlx::query(
            "UPDATE users SET status = $3, enabled = $4, attributes = $5, password_hash = $6, srp = $7, updated_at = $8, username_key = COALESCE($9, username_key), email = $10 WHERE pool_id = $1 AND sub = $2",
        )
        .bind(u.pool_id.as_str())
        .bind(u.sub.to_string())
        .bind(u.status.as_str())
        .bind(i64::from(u.enabled))
        .bind(to_json(&u.attributes)?)
        .bind(u.password_hash.clone())
        .bind(srp_json(u)?)
        .bind(u.updated_at)
        .bind(new_key.map(str::to_owned))
        .bind(email_of(u))
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::User, Entity::Pool))?;
        expect_one(Entity::User, r.rows_affected())
    }

    async fn list_users_by_email(
        &self,
        pool: &PoolId,
        range: (&str, &str),
        limit: u32,
        after: Option<(&str, &str)>,
    ) -> Result<Page<User>> {
        // Two statements, so each bound is a plain index seek (an OR in the condition made
        // SQLite walk the index from the pool's first email).
        let fetch = i64::from(limit) + 1;
        let query = match after {
            None => sqlx::query(concat!(
                "SELECT ",
                columns!(),
                ", email FROM users WHERE pool_id = $1 AND email >= $2 AND email <= $3 \
                 ORDER BY email, username_key LIMIT $4"
            ))
            .bind(pool.as_str())
            .bind(range.0)
            .bind(range.1)
            .bind(fetch),
            Some((email, key)) => sqlx::query(concat!(
                "SELECT ",
                columns!(),
                ", email FROM users WHERE pool_id = $1 AND (email, username_key) > ($2, $3) \
                 AND email >= $4 AND email <= $5 ORDER BY email, username_key LIMIT $6"
            ))
            .bind(pool.as_str())
            .bind(email)
            .bind(key)
            .bind(range.0)
            .bind(range.1)
            .bind(fetch),
        };
        let rows = query.fetch_all(&self.pool).await.map_err(internal)?;
        let mut items = Vec::with_capacity(rows.len());
        let mut marks = Vec::with_capacity(rows.len());
        for row in &rows {
            items.push(decode(row)?);
            marks.push(format!(
                "{}\u{1}{}",
                get::<String>(row, "email")?,
                get::<String>(row, "username_key")?
            ));
        }
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            marks.get(limit as usize - 1).cloned()
        } else {
            None
        };
        Ok(Page { items, next })
    }

    async fn delete_user(&self, pool: &PoolId, sub: Uuid) -> Result<()> {
        let r = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND sub = $2")
            .bind(pool.as_str())
            .bind(sub.to_string())
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::User, r.rows_affected())
    }
}
