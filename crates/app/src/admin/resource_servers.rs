use crate::App;
use portcullis_core::Result;
use portcullis_core::resource_server::{ResourceServer, ResourceServerScope};

impl App {
    pub async fn create_resource_server(
        &self,
        pool_id: &str,
        identifier: &str,
        name: &str,
        scopes: Vec<ResourceServerScope>,
    ) -> Result<ResourceServer> {
        let pool = self.pool(pool_id).await?;
        let rs = ResourceServer {
            pool_id: pool.id,
            identifier: identifier.to_owned(),
            name: name.to_owned(),
            scopes,
        };
        rs.validate()?;
        self.store.create_resource_server(&rs).await?;
        Ok(rs)
    }

    pub async fn resource_server(&self, pool_id: &str, identifier: &str) -> Result<ResourceServer> {
        let pool = self.pool(pool_id).await?;
        self.store
            .get_resource_server(&pool.id, identifier)
            .await?
            .ok_or(portcullis_core::Error::NotFound(
                portcullis_core::error::Entity::ResourceServer,
            ))
    }

    pub async fn update_resource_server(&self, rs: &ResourceServer) -> Result<()> {
        rs.validate()?;
        self.store.update_resource_server(rs).await
    }

    pub async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        self.store
            .delete_resource_server(&pool.id, identifier)
            .await
    }

    pub async fn list_resource_servers(&self, pool_id: &str) -> Result<Vec<ResourceServer>> {
        let pool = self.pool(pool_id).await?;
        self.store.list_resource_servers(&pool.id).await
    }
}
