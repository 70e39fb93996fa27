use super::SqlStore;
use crate::codec::{db_err, get, get_pool_id, get_uuid, internal};
use crate::traits::{MessageStore, VerificationCodeStore};
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::clock::UnixTime;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::message::{MessageStatus, OutboundMessage, VerificationCode};
use sqlx::any::AnyRow;
use uuid::Uuid;

macro_rules! columns {
    () => {
        "id, pool_id, recipient, subject, body_text, purpose, status, attempts, next_attempt_at, last_error, created_at, sent_at"
    };
}

fn decode(r: &AnyRow) -> Result<OutboundMessage> {
    Ok(OutboundMessage {
        id: get_uuid(r, "id")?,
        pool_id: get_pool_id(r, "pool_id")?,
        recipient: get(r, "recipient")?,
        subject: get(r, "subject")?,
        body_text: get(r, "body_text")?,
        purpose: get(r, "purpose")?,
        status: MessageStatus::parse(&get::<String>(r, "status")?)?,
        attempts: u32::try_from(get::<i64>(r, "attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: get(r, "next_attempt_at")?,
        last_error: get(r, "last_error")?,
        created_at: get(r, "created_at")?,
        sent_at: get(r, "sent_at")?,
    })
}

/// One queued message, on the pool or inside a transaction.
pub(super) async fn insert_message<'c, E>(e: E, m: &OutboundMessage) -> Result<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(concat!(
        "INSERT INTO outbox (",
        columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(m.id.to_string())
    .bind(m.pool_id.as_str())
    .bind(&m.recipient)
    .bind(&m.subject)
    .bind(&m.body_text)
    .bind(&m.purpose)
    .bind(m.status.as_str())
    .bind(i64::from(m.attempts))
    .bind(m.next_attempt_at)
    .bind(m.last_error.clone())
    .bind(m.created_at)
    .bind(m.sent_at)
    .execute(e)
    .await
    .map_err(db_err(Entity::Code, Entity::Pool))?;
    Ok(())
}

/// A user's code for a purpose, replacing the one before; on the pool or in a transaction.
pub(super) async fn upsert_code<'c, E>(e: E, c: &VerificationCode) -> Result<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO verification_codes (pool_id, sub, purpose, code_hash, expires_at, attempts, sent_count, window_start, payload) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (pool_id, sub, purpose) DO UPDATE SET code_hash = excluded.code_hash, \
         expires_at = excluded.expires_at, attempts = excluded.attempts, \
         sent_count = excluded.sent_count, window_start = excluded.window_start, payload = excluded.payload",
    )
    .bind(c.pool_id.as_str())
    .bind(c.sub.to_string())
    .bind(&c.purpose)
    .bind(&c.code_hash)
    .bind(c.expires_at)
    .bind(i64::from(c.attempts))
    .bind(i64::from(c.sent_count))
    .bind(c.window_start)
    .bind(c.payload.clone())
    .execute(e)
    .await
    .map_err(db_err(Entity::Code, Entity::User))?;
    Ok(())
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn enqueue_message(&self, m: &OutboundMessage) -> Result<()> {
        insert_message(&self.pool, m).await
    }

    async fn due_messages(&self, now: UnixTime, limit: u32) -> Result<Vec<OutboundMessage>> {
        let rows = sqlx::query(concat!(
            "SELECT ", columns!(), " FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 ORDER BY created_at LIMIT $2"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(decode).collect()
    }

    async fn record_delivery(&self, m: &OutboundMessage) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, sent_at = $6 WHERE id = $1",
        )
        .bind(m.id.to_string())
        .bind(m.status.as_str())
        .bind(i64::from(m.attempts))
        .bind(m.next_attempt_at)
        .bind(m.last_error.clone())
        .bind(m.sent_at)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn recent_messages(
        &self,
        pool: Option<&PoolId>,
        limit: u32,
    ) -> Result<Vec<OutboundMessage>> {
        let rows = match pool {
            Some(p) => {
                sqlx::query(concat!(
                    "SELECT ",
                    columns!(),
                    " FROM outbox WHERE pool_id = $1 ORDER BY created_at DESC, id LIMIT $2"
                ))
                .bind(p.as_str())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query(concat!(
                    "SELECT ",
                    columns!(),
                    " FROM outbox ORDER BY created_at DESC, id LIMIT $1"
                ))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(internal)?;
        rows.iter().map(decode).collect()
    }
}

#[async_trait]
impl VerificationCodeStore for SqlStore {
    async fn put_code(&self, c: &VerificationCode) -> Result<()> {
        upsert_code(&self.pool, c).await
    }

    async fn get_code(
        &self,
        pool: &PoolId,
        sub: Uuid,
        purpose: &str,
    ) -> Result<Option<VerificationCode>> {
        let row = sqlx::query(
            "SELECT pool_id, sub, purpose, code_hash, expires_at, attempts, sent_count, window_start, payload \
             FROM verification_codes WHERE pool_id = $1 AND sub = $2 AND purpose = $3",
        )
        .bind(pool.as_str())
        .bind(sub.to_string())
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.map(|r| {
            Ok(VerificationCode {
                pool_id: get_pool_id(&r, "pool_id")?,
                sub: get_uuid(&r, "sub")?,
                purpose: get(&r, "purpose")?,
                code_hash: get(&r, "code_hash")?,
                expires_at: get(&r, "expires_at")?,
                attempts: u32::try_from(get::<i64>(&r, "attempts")?).unwrap_or(u32::MAX),
                sent_count: u32::try_from(get::<i64>(&r, "sent_count")?).unwrap_or(u32::MAX),
                window_start: get(&r, "window_start")?,
                payload: get(&r, "payload")?,
            })
        })
        .transpose()
    }

    async fn count_code_attempt(&self, pool: &PoolId, sub: Uuid, purpose: &str) -> Result<u32> {
        let row = sqlx::query(
            "UPDATE verification_codes SET attempts = attempts + 1 \
             WHERE pool_id = $1 AND sub = $2 AND purpose = $3 RETURNING attempts",
        )
        .bind(pool.as_str())
        .bind(sub.to_string())
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        match row {
            Some(r) => Ok(u32::try_from(get::<i64>(&r, "attempts")?).unwrap_or(u32::MAX)),
            None => Ok(u32::MAX),
        }
    }

    async fn delete_code(&self, pool: &PoolId, sub: Uuid, purpose: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM verification_codes WHERE pool_id = $1 AND sub = $2 AND purpose = $3",
        )
        .bind(pool.as_str())
        .bind(sub.to_string())
        .bind(purpose)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }
}
