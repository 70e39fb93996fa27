use super::SqlStore;
use super::users::{decode as decode_user, user_columns};
use crate::codec::{db_err, expect_one, get, get_pool_id, internal};
use crate::traits::GroupStore;
use async_trait::async_trait;
use portcullis_core::error::Entity;
use portcullis_core::group::Group;
use portcullis_core::ids::PoolId;
use portcullis_core::user::User;
use portcullis_core::{Error, Result};
use sqlx::any::AnyRow;
use uuid::Uuid;

fn decode(row: &AnyRow) -> Result<Group> {
    Ok(Group {
        pool_id: get_pool_id(row, "pool_id")?,
        name: get(row, "name")?,
        description: get(row, "description")?,
        precedence: get(row, "precedence")?,
        role_arn: get(row, "role_arn")?,
    })
}

#[async_trait]
impl GroupStore for SqlStore {
    async fn create_group(&self, g: &Group) -> Result<()> {
        sqlx::query(
            "INSERT INTO groups (pool_id, name, description, precedence, role_arn) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(g.pool_id.as_str())
        .bind(&g.name)
        .bind(g.description.clone())
        .bind(g.precedence)
        .bind(g.role_arn.clone())
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Group, Entity::Pool))?;
        Ok(())
    }

    async fn get_group(&self, pool: &PoolId, name: &str) -> Result<Option<Group>> {
        let row = sqlx::query(
            "SELECT pool_id, name, description, precedence, role_arn FROM groups WHERE pool_id = $1 AND name = $2",
        )
        .bind(pool.as_str())
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn list_groups(&self, pool: &PoolId) -> Result<Vec<Group>> {
        let rows = sqlx::query(
            "SELECT pool_id, name, description, precedence, role_arn FROM groups WHERE pool_id = $1 ORDER BY name",
        )
        .bind(pool.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(decode).collect()
    }

    async fn update_group(&self, g: &Group) -> Result<()> {
        let r = sqlx::query(
            "UPDATE groups SET description = $3, precedence = $4, role_arn = $5 WHERE pool_id = $1 AND name = $2",
        )
        .bind(g.pool_id.as_str())
        .bind(&g.name)
        .bind(g.description.clone())
        .bind(g.precedence)
        .bind(g.role_arn.clone())
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        expect_one(Entity::Group, r.rows_affected())
    }

    async fn delete_group(&self, pool: &PoolId, name: &str) -> Result<()> {
        let r = sqlx::query("DELETE FROM groups WHERE pool_id = $1 AND name = $2")
            .bind(pool.as_str())
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(internal)?;
        expect_one(Entity::Group, r.rows_affected())
    }

    async fn add_user_to_group(&self, pool: &PoolId, group: &str, sub: Uuid) -> Result<()> {
        if self.get_group(pool, group).await?.is_none() {
            return Err(Error::NotFound(Entity::Group));
        }
        sqlx::query(
            "INSERT INTO group_members (pool_id, group_name, user_sub) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(pool.as_str())
        .bind(group)
        .bind(sub.to_string())
        .execute(&self.pool)
        .await
        .map_err(db_err(Entity::Group, Entity::User))?;
        Ok(())
    }

    async fn remove_user_from_group(&self, pool: &PoolId, group: &str, sub: Uuid) -> Result<()> {
        sqlx::query(
            "DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND user_sub = $3",
        )
        .bind(pool.as_str())
        .bind(group)
        .bind(sub.to_string())
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn groups_of_user(&self, pool: &PoolId, sub: Uuid) -> Result<Vec<Group>> {
        let rows = sqlx::query(
            "SELECT g.pool_id, g.name, g.description, g.precedence, g.role_arn FROM groups g \
             JOIN group_members m ON m.pool_id = g.pool_id AND m.group_name = g.name \
             WHERE m.pool_id = $1 AND m.user_sub = $2 \
             ORDER BY (g.precedence IS NULL), g.precedence, g.name",
        )
        .bind(pool.as_str())
        .bind(sub.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(decode).collect()
    }

    async fn users_in_group(&self, pool: &PoolId, group: &str) -> Result<Vec<User>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE pool_id = $1 AND sub IN \
             (SELECT user_sub FROM group_members WHERE pool_id = $1 AND group_name = $2) \
             ORDER BY username_key"
        ))
        .bind(pool.as_str())
        .bind(group)
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.iter().map(decode_user).collect()
    }
}
