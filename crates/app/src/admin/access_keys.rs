use super::crypto_err;
use crate::App;
use portcullis_core::Result;
use portcullis_core::access_key::{AccessKey, new_key_id};
use portcullis_core::ids::PoolId;
use portcullis_crypto::tokens::random_token;

fn seal_context(key_id: &str) -> String {
    format!("access-key:{key_id}")
}

impl App {
    /// A new access key for the Cognito-compatible API, scoped to `pools` (empty: all).
    /// Returns the key and its secret, shown once.
    pub async fn create_access_key(&self, pools: &[String]) -> Result<(AccessKey, String)> {
        let mut scoped: Vec<PoolId> = Vec::new();
        for p in pools {
            scoped.push(self.pool(p).await?.id);
        }
        let key_id = new_key_id();
        let secret = random_token().map_err(crypto_err)?;
        let key = AccessKey {
            secret_sealed: self
                .master
                .seal(&seal_context(&key_id), secret.as_bytes())
                .map_err(crypto_err)?,
            key_id,
            pools: scoped,
            created_at: self.now(),
        };
        self.store.create_access_key(&key).await?;
        Ok((key, secret))
    }

    /// The secret of an access key, for checking a signature.
    pub fn access_key_secret(&self, key: &AccessKey) -> Result<String> {
        let clear = self
            .master
            .open(&seal_context(&key.key_id), &key.secret_sealed)
            .map_err(crypto_err)?;
        String::from_utf8(clear.to_vec()).map_err(portcullis_core::Error::internal)
    }

    pub async fn list_access_keys(&self) -> Result<Vec<AccessKey>> {
        self.store.list_access_keys().await
    }

    pub async fn delete_access_key(&self, key_id: &str) -> Result<()> {
        self.store.delete_access_key(key_id).await
    }
}
