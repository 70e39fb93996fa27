use crate::App;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::pool::{PoolSettings, UserPool, check_domain};
use portcullis_core::{Error, Result};

impl App {
    /// A new pool with its first RS256 signing key.
    pub async fn create_pool(
        &self,
        region: &str,
        name: &str,
        settings: PoolSettings,
    ) -> Result<UserPool> {
        self.check_hook_targets(&Default::default(), &settings.hooks)?;
        let pool = UserPool::new(region, name, settings, self.now())?;
        let key = self.new_signing_key(&pool.id)?;
        self.store.create_pool(&pool, &key).await?;
        self.ensure_hook_secret(&pool).await?;
        Ok(pool)
    }

    pub async fn pool(&self, id: &str) -> Result<UserPool> {
        let id = PoolId::parse(id)?;
        self.store
            .get_pool(&id)
            .await?
            .ok_or(Error::NotFound(Entity::Pool))
    }

    pub async fn list_pools(&self) -> Result<Vec<UserPool>> {
        self.store.list_pools().await
    }

    /// Serves the pool's pages at the root of `domain` (matched on the `Host` header);
    /// `None` removes it.
    pub async fn set_pool_domain(&self, id: &str, domain: Option<&str>) -> Result<UserPool> {
        let pool = self.pool(id).await?;
        let domain = domain.map(check_domain).transpose()?;
        self.store
            .set_pool_domain(&pool.id, domain.as_deref())
            .await?;
        self.pool(id).await
    }

    /// Replaces the pool's settings (validated as at creation).
    pub async fn update_pool_settings(&self, id: &str, settings: PoolSettings) -> Result<UserPool> {
        let before = self.pool(id).await?.settings.hooks;
        self.check_hook_targets(&before, &settings.hooks)?;
        self.save_pool_settings(id, settings).await
    }

    /// Replaces the pool's settings, validated, its hooks' addresses already checked.
    pub(crate) async fn save_pool_settings(
        &self,
        id: &str,
        settings: PoolSettings,
    ) -> Result<UserPool> {
        let mut pool = self.pool(id).await?;
        settings.validate()?;
        pool.settings = settings;
        pool.updated_at = self.now();
        self.store.update_pool(&pool).await?;
        self.ensure_hook_secret(&pool).await?;
        Ok(pool)
    }

    /// AddCustomAttributes: new declarations beside the pool's (never replacing one), within
    /// the pool's limit of custom attributes.
    pub async fn add_custom_attributes(
        &self,
        id: &str,
        added: Vec<portcullis_core::schema::CustomAttribute>,
    ) -> Result<UserPool> {
        let mut settings = self.pool(id).await?.settings;
        if let Some(a) = added
            .iter()
            .find(|a| settings.custom_attributes.iter().any(|d| d.name == a.name))
        {
            return Err(Error::invalid(format!(
                "Existing attribute already has name custom:{}.",
                a.name
            )));
        }
        settings.custom_attributes.extend(added);
        self.update_pool_settings(id, settings).await
    }

    pub async fn delete_pool(&self, id: &str) -> Result<()> {
        self.store.delete_pool(&PoolId::parse(id)?).await
    }
}
