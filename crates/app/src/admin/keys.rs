use super::crypto_err;
use crate::App;
use portcullis_core::ids::PoolId;
use portcullis_core::key::{KeyStatus, SigningKey};
use portcullis_core::{Error, Result};
use portcullis_crypto::signing::{RS256, Signer, generate_rs256};

fn seal_context(pool: &PoolId, kid: &str) -> String {
    format!("signing-key:{pool}:{kid}")
}

impl App {
    /// Generates an RSA-2048 key and seals its private half; nothing is stored yet.
    pub fn new_signing_key(&self, pool: &PoolId) -> Result<SigningKey> {
        let generated = generate_rs256().map_err(crypto_err)?;
        let sealed = self
            .master
            .seal(&seal_context(pool, &generated.kid), &generated.pkcs8)
            .map_err(crypto_err)?;
        Ok(SigningKey {
            pool_id: pool.clone(),
            kid: generated.kid,
            algorithm: RS256.into(),
            status: KeyStatus::Active,
            public_jwk: generated.public_jwk,
            private_sealed: sealed,
            created_at: self.now(),
        })
    }

    /// A new active key; the previous one stays published as `retiring`.
    pub async fn rotate_key(&self, pool_id: &str) -> Result<SigningKey> {
        let pool = self.pool(pool_id).await?;
        let key = self.new_signing_key(&pool.id)?;
        self.store.rotate_in(&key).await?;
        Ok(key)
    }

    pub async fn list_keys(&self, pool_id: &str) -> Result<Vec<SigningKey>> {
        let pool = self.pool(pool_id).await?;
        self.store.list_keys(&pool.id).await
    }

    /// The public JWKs of every key that is not retired.
    pub async fn published_jwks(&self, pool: &PoolId) -> Result<Vec<serde_json::Value>> {
        Ok(self
            .store
            .list_keys(pool)
            .await?
            .into_iter()
            .filter(|k| k.status.is_published())
            .map(|k| k.public_jwk)
            .collect())
    }

    /// The signer of the pool's active key, opened once and cached.
    pub async fn active_signer(&self, pool: &PoolId) -> Result<std::sync::Arc<Signer>> {
        let key = self
            .store
            .active_key(pool)
            .await?
            .ok_or_else(|| Error::internal(format!("pool {pool} has no active signing key")))?;
        let cache_key = (pool.to_string(), key.kid.clone());
        if let Some(s) = self
            .signers
            .lock()
            .map_err(Error::internal)?
            .get(&cache_key)
        {
            return Ok(s.clone());
        }
        let signer = std::sync::Arc::new(self.open_signer(&key)?);
        self.signers
            .lock()
            .map_err(Error::internal)?
            .insert(cache_key, signer.clone());
        Ok(signer)
    }

    /// Opens a stored key into a signer (unseals the private key with the master key).
    pub fn open_signer(&self, key: &SigningKey) -> Result<Signer> {
        let der = self
            .master
            .open(&seal_context(&key.pool_id, &key.kid), &key.private_sealed)
            .map_err(|e| Error::internal(format!("signing key {}: {e}", key.kid)))?;
        Signer::from_pkcs8(&der).map_err(crypto_err)
    }
}
