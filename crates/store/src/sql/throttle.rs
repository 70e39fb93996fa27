use super::SqlStore;
use crate::codec::{get, internal};
use crate::traits::ThrottleStore;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::clock::UnixTime;
use portcullis_core::ids::PoolId;
use portcullis_core::throttle::Failures;

fn as_count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[async_trait]
impl ThrottleStore for SqlStore {
    /// One upsert: a key whose latest failure is older than `memory` seconds restarts at 1.
    async fn record_failure(
        &self,
        pool: &PoolId,
        key: &str,
        now: UnixTime,
        memory: i64,
    ) -> Result<u32> {
        let row = sqlx::query(
            "INSERT INTO login_failures (pool_id, throttle_key, failures, window_start, last_failure) \
             VALUES ($1, $2, 1, $3, $3) \
             ON CONFLICT (pool_id, throttle_key) DO UPDATE SET \
               failures = CASE WHEN login_failures.last_failure <= $4 THEN 1 ELSE login_failures.failures + 1 END, \
               window_start = CASE WHEN login_failures.last_failure <= $4 THEN $3 ELSE login_failures.window_start END, \
               last_failure = $3 \
             RETURNING failures",
        )
        .bind(pool.as_str())
        .bind(key)
        .bind(now)
        .bind(now - memory)
        .fetch_one(&self.pool)
        .await
        .map_err(internal)?;
        Ok(as_count(get(&row, "failures")?))
    }

    async fn failures(
        &self,
        pool: &PoolId,
        key: &str,
        now: UnixTime,
        memory: i64,
    ) -> Result<Failures> {
        let row = sqlx::query(
            "SELECT failures, last_failure FROM login_failures \
             WHERE pool_id = $1 AND throttle_key = $2 AND last_failure > $3",
        )
        .bind(pool.as_str())
        .bind(key)
        .bind(now - memory)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        match row {
            None => Ok(Failures::default()),
            Some(r) => Ok(Failures {
                count: as_count(get(&r, "failures")?),
                last: get(&r, "last_failure")?,
            }),
        }
    }

    async fn clear_failures(&self, pool: &PoolId, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE pool_id = $1 AND throttle_key = $2")
            .bind(pool.as_str())
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        Ok(())
    }
}
