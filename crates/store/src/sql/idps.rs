use super::SqlStore;
use crate::codec::{db_err, expect_one, get_json, internal, to_json};
use crate::traits::IdpStore;
use async_trait::async_trait;
use portcullis_core::error::Entity;
use portcullis_core::idp::IdentityProvider;
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};

async fn claim_identifiers(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    idp: &IdentityProvider,
) -> Result<()> {
    sqlx::query("DELETE FROM identity_provider_identifiers WHERE pool_id = $1 AND name = $2")
        .bind(idp.pool_id.as_str())
        .bind(&idp.name)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    for id in &idp.identifiers {
        sqlx::query("INSERT INTO identity_provider_identifiers (pool_id, identifier, name) VALUES ($1, $2, $3)")
            .bind(idp.pool_id.as_str())
            .bind(id.to_lowercase())
            .bind(&idp.name)
            .execute(&mut **tx)
            .await
            .map_err(db_err(Entity::Code, Entity::Pool))?;
    }
    Ok(())
}

#[async_trait]
impl IdpStore for SqlStore {
    async fn create_idp(&self, idp: &IdentityProvider) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        sqlx::query("INSERT INTO identity_providers (pool_id, name, data, created_at) VALUES ($1, $2, $3, $4)")
            .bind(idp.pool_id.as_str())
            .bind(&idp.name)
            .bind(to_json(idp)?)
            .bind(idp.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err(Entity::IdentityProvider, Entity::Pool))?;
        claim_identifiers(&mut tx, idp).await?;
        tx.commit().await.map_err(internal)
    }

    async fn get_idp(&self, pool: &PoolId, name: &str) -> Result<Option<IdentityProvider>> {
        let row =
            sqlx::query("SELECT data FROM identity_providers WHERE pool_id = $1 AND name = $2")
                .bind(pool.as_str())
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(internal)?;
        row.as_ref().map(|r| get_json(r, "data")).transpose()
    }

    async fn list_idps(&self, pool: &PoolId) -> Result<Vec<IdentityProvider>> {
        let rows =
            sqlx::query("SELECT data FROM identity_providers WHERE pool_id = $1 ORDER BY name")
                .bind(pool.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(internal)?;
        rows.iter().map(|r| get_json(r, "data")).collect()
    }

    async fn update_idp(&self, idp: &IdentityProvider) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let r =
            sqlx::query("UPDATE identity_providers SET data = $3 WHERE pool_id = $1 AND name = $2")
                .bind(idp.pool_id.as_str())
                .bind(&idp.name)
                .bind(to_json(idp)?)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        if r.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::IdentityProvider));
        }
        claim_identifiers(&mut tx, idp).await?;
        tx.commit().await.map_err(internal)
    }

    async fn delete_idp(&self, pool: &PoolId, name: &str) -> Result<()> {
        let r = sqlx::query("DELETE FROM identity_providers WHERE pool_id = $1 AND name = $2")
            .bind(pool.as_str())
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::IdentityProvider, r.rows_affected())
    }

    async fn idp_by_identifier(
        &self,
        pool: &PoolId,
        identifier: &str,
    ) -> Result<Option<IdentityProvider>> {
        let row = sqlx::query(
            "SELECT p.data FROM identity_providers p JOIN identity_provider_identifiers i \
             ON i.pool_id = p.pool_id AND i.name = p.name WHERE i.pool_id = $1 AND i.identifier = $2",
        )
        .bind(pool.as_str())
        .bind(identifier.to_lowercase())
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(|r| get_json(r, "data")).transpose()
    }
}
