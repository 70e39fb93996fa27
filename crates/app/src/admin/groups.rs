use crate::App;
use portcullis_core::Result;
use portcullis_core::group::Group;

impl App {
    pub async fn create_group(
        &self,
        pool_id: &str,
        name: &str,
        description: Option<String>,
        precedence: Option<i64>,
    ) -> Result<Group> {
        let pool = self.pool(pool_id).await?;
        let group = Group {
            pool_id: pool.id,
            name: name.to_owned(),
            description,
            precedence,
            role_arn: None,
        };
        group.validate()?;
        self.store.create_group(&group).await?;
        Ok(group)
    }

    pub async fn list_groups(&self, pool_id: &str) -> Result<Vec<Group>> {
        let pool = self.pool(pool_id).await?;
        self.store.list_groups(&pool.id).await
    }

    pub async fn add_user_to_group(
        &self,
        pool_id: &str,
        username: &str,
        group: &str,
    ) -> Result<()> {
        let user = self.user(pool_id, username).await?;
        self.store
            .add_user_to_group(&user.pool_id, group, user.sub)
            .await
    }

    pub async fn group(&self, pool_id: &str, name: &str) -> Result<Group> {
        let pool = self.pool(pool_id).await?;
        self.store
            .get_group(&pool.id, name)
            .await?
            .ok_or(portcullis_core::Error::NotFound(
                portcullis_core::error::Entity::Group,
            ))
    }

    pub async fn update_group(&self, group: &Group) -> Result<()> {
        group.validate()?;
        self.store.update_group(group).await
    }

    pub async fn delete_group(&self, pool_id: &str, name: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        self.store.delete_group(&pool.id, name).await
    }

    pub async fn remove_user_from_group(
        &self,
        pool_id: &str,
        username: &str,
        group: &str,
    ) -> Result<()> {
        let user = self.user(pool_id, username).await?;
        self.group(pool_id, group).await?;
        self.store
            .remove_user_from_group(&user.pool_id, group, user.sub)
            .await
    }

    pub async fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
    ) -> Result<Vec<portcullis_core::user::User>> {
        let pool = self.pool(pool_id).await?;
        self.group(pool_id, group).await?;
        self.store.users_in_group(&pool.id, group).await
    }

    pub async fn groups_of_user(&self, pool_id: &str, username: &str) -> Result<Vec<Group>> {
        let user = self.user(pool_id, username).await?;
        self.store.groups_of_user(&user.pool_id, user.sub).await
    }
}
