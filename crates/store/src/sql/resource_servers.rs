use super::SqlStore;
use crate::codec::{db_err, expect_one, get, get_json, get_pool_id, internal, to_json};
use crate::traits::ResourceServerStore;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::resource_server::ResourceServer;
use sqlx::any::AnyRow;

fn decode(row: &AnyRow) -> Result<ResourceServer> {
    Ok(ResourceServer {
        pool_id: get_pool_id(row, "pool_id")?,
        identifier: get(row, "identifier")?,
        name: get(row, "name")?,
        scopes: get_json(row, "scopes")?,
    })
}

#[async_trait]
impl ResourceServerStore for SqlStore {
    async fn create_resource_server(&self, rs: &ResourceServer) -> Result<()> {
        sqlx::query(
            "INSERT INTO resource_servers (pool_id, identifier, name, scopes) VALUES ($1, $2, $3, $4)",
        )
        .bind(rs.pool_id.as_str())
        .bind(&rs.identifier)
        .bind(&rs.name)
        .bind(to_json(&rs.scopes)?)
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::ResourceServer, Entity::Pool))?;
        Ok(())
    }

    async fn get_resource_server(
        &self,
        pool: &PoolId,
        identifier: &str,
    ) -> Result<Option<ResourceServer>> {
        let row = sqlx::query(
            "SELECT pool_id, identifier, name, scopes FROM resource_servers WHERE pool_id = $1 AND identifier = $2",
        )
        .bind(pool.as_str())
        .bind(identifier)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn list_resource_servers(&self, pool: &PoolId) -> Result<Vec<ResourceServer>> {
        let rows = sqlx::query(
            "SELECT pool_id, identifier, name, scopes FROM resource_servers WHERE pool_id = $1 ORDER BY identifier",
        )
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(decode).collect()
    }

    async fn update_resource_server(&self, rs: &ResourceServer) -> Result<()> {
        let r = sqlx::query(
            "UPDATE resource_servers SET name = $3, scopes = $4 WHERE pool_id = $1 AND identifier = $2",
        )
        .bind(rs.pool_id.as_str())
        .bind(&rs.identifier)
        .bind(&rs.name)
        .bind(to_json(&rs.scopes)?)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        expect_one(Entity::ResourceServer, r.rows_affected())
    }

    async fn delete_resource_server(&self, pool: &PoolId, identifier: &str) -> Result<()> {
        let r = sqlx::query("DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2")
            .bind(pool.as_str())
            .bind(identifier)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::ResourceServer, r.rows_affected())
    }
}
