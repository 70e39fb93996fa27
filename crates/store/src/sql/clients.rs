use super::SqlStore;
use crate::codec::{db_err, expect_one, get_json, internal, to_json};
use crate::traits::ClientStore;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::client::AppClient;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;

// The whole client is one JSON document; only the keys are columns.

#[async_trait]
impl ClientStore for SqlStore {
    async fn create_client(&self, c: &AppClient) -> Result<()> {
        sqlx::query(
            "INSERT INTO clients (pool_id, client_id, name, data, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(c.pool_id.as_str())
        .bind(&c.client_id)
        .bind(&c.name)
        .bind(to_json(c)?)
        .bind(c.created_at)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Client, Entity::Pool))?;
        Ok(())
    }

    async fn get_client(&self, pool: &PoolId, client_id: &str) -> Result<Option<AppClient>> {
        let row = sqlx::query("SELECT data FROM clients WHERE pool_id = $1 AND client_id = $2")
            .bind(pool.as_str())
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        row.as_ref().map(|r| get_json(r, "data")).transpose()
    }

    async fn find_client(&self, client_id: &str) -> Result<Option<AppClient>> {
        let row = sqlx::query("SELECT data FROM clients WHERE client_id = $1")
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        row.as_ref().map(|r| get_json(r, "data")).transpose()
    }

    async fn list_clients(&self, pool: &PoolId) -> Result<Vec<AppClient>> {
        let rows = sqlx::query(
            "SELECT data FROM clients WHERE pool_id = $1 ORDER BY created_at, client_id",
        )
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(|r| get_json(r, "data")).collect()
    }

    async fn update_client(&self, c: &AppClient) -> Result<()> {
        let r = sqlx::query(
            "UPDATE clients SET name = $3, data = $4 WHERE pool_id = $1 AND client_id = $2",
        )
        .bind(c.pool_id.as_str())
        .bind(&c.client_id)
        .bind(&c.name)
        .bind(to_json(c)?)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        expect_one(Entity::Client, r.rows_affected())
    }

    async fn delete_client(&self, pool: &PoolId, client_id: &str) -> Result<()> {
        let r = sqlx::query("DELETE FROM clients WHERE pool_id = $1 AND client_id = $2")
            .bind(pool.as_str())
            .bind(client_id)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::Client, r.rows_affected())
    }
}
