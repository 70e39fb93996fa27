use super::crypto_err;
use crate::App;
use portcullis_core::error::Entity;
use portcullis_core::idp::{IdentityProvider, ProviderType};
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};
use std::collections::BTreeMap;

fn seal_context(pool: &PoolId, name: &str) -> String {
    format!("idp-secret:{pool}:{name}")
}

/// What an admin gives for a provider; `details` may include the secret detail in clear.
pub struct IdpInput {
    pub details: BTreeMap<String, String>,
    pub attribute_mapping: BTreeMap<String, String>,
    pub identifiers: Vec<String>,
}

impl App {
    fn seal_idp(
        &self,
        mut idp: IdentityProvider,
        mut details: BTreeMap<String, String>,
    ) -> Result<IdentityProvider> {
        let secret = idp
            .provider_type
            .secret_key()
            .and_then(|k| details.remove(k));
        idp.details = details;
        idp.validate(secret.as_deref())?;
        // A SAML IdP must be able to sign: metadata without a signing certificate is refused
        // here (metadata behind a URL is checked at first use).
        #[cfg(feature = "saml")]
        if idp.provider_type == ProviderType::Saml
            && let Some(file) = idp.details.get("MetadataFile")
        {
            portcullis_saml::IdpMetadata::parse(file).map_err(|e| Error::invalid(e.to_string()))?;
        }
        idp.secret_sealed = match secret {
            Some(s) => Some(
                self.master
                    .seal(&seal_context(&idp.pool_id, &idp.name), s.as_bytes())
                    .map_err(crypto_err)?,
            ),
            None => None,
        };
        Ok(idp)
    }

    pub async fn create_idp(
        &self,
        pool_id: &str,
        name: &str,
        provider_type: ProviderType,
        input: IdpInput,
    ) -> Result<IdentityProvider> {
        let pool = self.pool(pool_id).await?;
        let now = self.now();
        let idp = IdentityProvider {
            pool_id: pool.id,
            name: name.to_owned(),
            provider_type,
            details: BTreeMap::new(),
            secret_sealed: None,
            attribute_mapping: input.attribute_mapping,
            identifiers: input.identifiers,
            created_at: now,
            updated_at: now,
        };
        let idp = self.seal_idp(idp, input.details)?;
        self.store.create_idp(&idp).await?;
        Ok(idp)
    }

    pub async fn idp(&self, pool_id: &str, name: &str) -> Result<IdentityProvider> {
        let pool = self.pool(pool_id).await?;
        self.store
            .get_idp(&pool.id, name)
            .await?
            .ok_or(Error::NotFound(Entity::IdentityProvider))
    }

    /// The provider details with the secret detail in clear (for admins, as Cognito shows it).
    pub fn idp_details(&self, idp: &IdentityProvider) -> Result<BTreeMap<String, String>> {
        let mut d = idp.details.clone();
        if let (Some(key), Some(sealed)) = (idp.provider_type.secret_key(), &idp.secret_sealed) {
            let clear = self
                .master
                .open(&seal_context(&idp.pool_id, &idp.name), sealed)
                .map_err(crypto_err)?;
            d.insert(key.to_owned(), String::from_utf8_lossy(&clear).into_owned());
        }
        Ok(d)
    }

    /// Merges given details (secret included), replaces mapping and identifiers when given.
    pub async fn update_idp(
        &self,
        pool_id: &str,
        name: &str,
        details: Option<BTreeMap<String, String>>,
        mapping: Option<BTreeMap<String, String>>,
        identifiers: Option<Vec<String>>,
    ) -> Result<IdentityProvider> {
        let current = self.idp(pool_id, name).await?;
        let mut all = self.idp_details(&current)?;
        if let Some(d) = details {
            all.extend(d);
        }
        let mut next = current.clone();
        if let Some(m) = mapping {
            next.attribute_mapping = m;
        }
        if let Some(i) = identifiers {
            next.identifiers = i;
        }
        next.updated_at = self.now();
        let next = self.seal_idp(next, all)?;
        self.store.update_idp(&next).await?;
        Ok(next)
    }

    pub async fn delete_idp(&self, pool_id: &str, name: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        self.store.delete_idp(&pool.id, name).await
    }

    pub async fn list_idps(&self, pool_id: &str) -> Result<Vec<IdentityProvider>> {
        let pool = self.pool(pool_id).await?;
        self.store.list_idps(&pool.id).await
    }
}
