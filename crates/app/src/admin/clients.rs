use super::crypto_err;
use crate::App;
use portcullis_core::client::{AppClient, NewClient, StoredSecret};
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};
use portcullis_crypto::client_secret;

fn seal_context(pool: &PoolId, client_id: &str) -> String {
    format!("client-secret:{pool}:{client_id}")
}

/// A new client, with its secret in clear exactly once (at creation).
#[derive(Debug)]
pub struct CreatedClient {
    pub client: AppClient,
    pub secret: Option<String>,
}

impl App {
    pub async fn create_client(
        &self,
        pool_id: &str,
        req: NewClient,
        with_secret: bool,
    ) -> Result<CreatedClient> {
        let pool = self.pool(pool_id).await?;
        let resource_servers = self.store.list_resource_servers(&pool.id).await?;
        // Validate first with a placeholder secret; the real one needs the client id.
        let placeholder = with_secret.then(|| StoredSecret {
            digest: String::new(),
            sealed: String::new(),
        });
        let mut client =
            AppClient::create(&pool.id, req, placeholder, &resource_servers, self.now())?;
        client.check_attribute_lists(&pool.settings.custom_attributes)?;
        let secret = if with_secret {
            let secret = client_secret::generate().map_err(crypto_err)?;
            client.secret = Some(StoredSecret {
                digest: client_secret::digest_of(&secret),
                sealed: self
                    .master
                    .seal(
                        &seal_context(&pool.id, &client.client_id),
                        secret.as_bytes(),
                    )
                    .map_err(crypto_err)?,
            });
            Some(secret)
        } else {
            None
        };
        self.store.create_client(&client).await?;
        Ok(CreatedClient { client, secret })
    }

    pub async fn client(&self, pool_id: &str, client_id: &str) -> Result<AppClient> {
        let pool = PoolId::parse(pool_id)?;
        self.store
            .get_client(&pool, client_id)
            .await?
            .ok_or(Error::NotFound(Entity::Client))
    }

    pub async fn list_clients(&self, pool_id: &str) -> Result<Vec<AppClient>> {
        let pool = self.pool(pool_id).await?;
        self.store.list_clients(&pool.id).await
    }

    /// Saves a changed client after checking it as at creation.
    pub async fn update_client(&self, mut client: AppClient) -> Result<AppClient> {
        let resource_servers = self.store.list_resource_servers(&client.pool_id).await?;
        client.validate(&resource_servers)?;
        let pool = self.pool(client.pool_id.as_str()).await?;
        client.check_attribute_lists(&pool.settings.custom_attributes)?;
        client.updated_at = self.now();
        self.store.update_client(&client).await?;
        Ok(client)
    }

    pub async fn delete_client(&self, pool_id: &str, client_id: &str) -> Result<()> {
        self.store
            .delete_client(&PoolId::parse(pool_id)?, client_id)
            .await
    }

    /// The client's secret in clear, for admins (Cognito's DescribeUserPoolClient shows it).
    pub fn reveal_secret(&self, client: &AppClient) -> Result<Option<String>> {
        let Some(stored) = &client.secret else {
            return Ok(None);
        };
        let clear = self
            .master
            .open(
                &seal_context(&client.pool_id, &client.client_id),
                &stored.sealed,
            )
            .map_err(crypto_err)?;
        String::from_utf8(clear.to_vec())
            .map(Some)
            .map_err(|_| Error::internal("client secret is not UTF-8"))
    }
}
