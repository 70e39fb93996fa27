use super::SqlStore;
use super::keys::insert_key;
use crate::codec::{db_err, expect_one, get, get_json, get_pool_id, internal, to_json};
use crate::traits::{PoolSecret, PoolStore};
use async_trait::async_trait;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::key::SigningKey;
use portcullis_core::pool::UserPool;
use portcullis_core::{Error, Result};
use sqlx::any::AnyRow;

macro_rules! columns {
    () => {
        "p.id, p.name, d.domain, p.settings, p.created_at, p.updated_at \
         FROM pools p LEFT JOIN pool_domains d ON d.pool_id = p.id"
    };
}

fn decode(row: &AnyRow) -> Result<UserPool> {
    Ok(UserPool {
        id: get_pool_id(row, "id")?,
        name: get(row, "name")?,
        domain: get(row, "domain")?,
        settings: get_json(row, "settings")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

#[async_trait]
impl PoolStore for SqlStore {
    async fn create_pool(&self, p: &UserPool, first_key: &SigningKey) -> Result<()> {
        if first_key.pool_id != p.id {
            return Err(Error::internal("first key belongs to another pool"));
        }
        let mut tx = self.pool.begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO pools (id, name, settings, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(p.id.as_str())
        .bind(&p.name)
        .bind(to_json(&p.settings)?)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(db_err(Entity::Pool, Entity::Pool))?;
        insert_key(&mut tx, first_key).await?;
        tx.commit().await.map_err(internal)
    }

    async fn get_pool(&self, id: &PoolId) -> Result<Option<UserPool>> {
        let row = sqlx::query(concat!("SELECT ", columns!(), " WHERE p.id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn list_pools(&self) -> Result<Vec<UserPool>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " ORDER BY p.created_at, p.id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(decode).collect()
    }

    async fn update_pool(&self, p: &UserPool) -> Result<()> {
        let r =
            sqlx::query("UPDATE pools SET name = $2, settings = $3, updated_at = $4 WHERE id = $1")
                .bind(p.id.as_str())
                .bind(&p.name)
                .bind(to_json(&p.settings)?)
                .bind(p.updated_at)
                .execute(&self.pool)
                .await
                .map_err(internal)?;
        expect_one(Entity::Pool, r.rows_affected())
    }

    async fn set_pool_secret(
        &self,
        id: &PoolId,
        which: PoolSecret,
        sealed: Option<&str>,
    ) -> Result<()> {
        let done = sqlx::query(which.statements().0)
            .bind(id.as_str())
            .bind(sealed)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::Pool));
        }
        Ok(())
    }

    async fn pool_secret(&self, id: &PoolId, which: PoolSecret) -> Result<Option<String>> {
        let row = sqlx::query(which.statements().1)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        match row {
            Some(r) => get(&r, "sealed"),
            None => Err(Error::NotFound(Entity::Pool)),
        }
    }

    async fn set_pool_domain(&self, id: &PoolId, domain: Option<&str>) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let exists = sqlx::query("SELECT id FROM pools WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        if exists.is_none() {
            return Err(Error::NotFound(Entity::Pool));
        }
        sqlx::query("DELETE FROM pool_domains WHERE pool_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        if let Some(d) = domain {
            sqlx::query("INSERT INTO pool_domains (domain, pool_id) VALUES ($1, $2)")
                .bind(d)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err(Entity::Pool, Entity::Pool))?;
        }
        tx.commit().await.map_err(internal)
    }

    async fn pool_by_domain(&self, domain: &str) -> Result<Option<UserPool>> {
        let row = sqlx::query(concat!("SELECT ", columns!(), " WHERE d.domain = $1"))
            .bind(domain)
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn delete_pool(&self, id: &PoolId) -> Result<()> {
        let r = sqlx::query("DELETE FROM pools WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::Pool, r.rows_affected())
    }
}
