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

    pub async fn list_resource_servers(&self, pool_id: &str) -> Result<Vec<ResourceServer>> {
        let pool = self.pool(pool_id).await?;
        self.store.list_resource_servers(&pool.id).await
    }
}
