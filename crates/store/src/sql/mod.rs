//! The SQL implementation of every store trait, in portable SQL (`$n` placeholders, TEXT,
//! BIGINT, `RETURNING`) that SQLite and PostgreSQL both run unchanged. One file per aggregate.

mod access_keys;
mod clients;
mod groups;
mod idps;
mod import;
mod import_jobs;
mod keys;
mod links;
mod messages;
mod one_time;
mod pools;
mod resource_servers;
mod saml_keys;
mod sessions;
mod throttle;
mod tokens;
mod users;

use crate::traits::Store;
use async_trait::async_trait;
use portcullis_core::Result;
use sqlx::AnyPool;

pub struct SqlStore {
    pool: AnyPool,
    /// `sqlite` or `postgres`, for readiness reports.
    backend: &'static str,
}

impl SqlStore {
    pub(crate) fn new(pool: AnyPool, backend: &'static str) -> Self {
        SqlStore { pool, backend }
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(crate::codec::internal)?;
        Ok(())
    }

    fn backend_name(&self) -> &'static str {
        self.backend
    }
}
