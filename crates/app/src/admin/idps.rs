use super::crypto_err;
use crate::App;
use portcullis_core::error::Entity;
use portcullis_core::idp::{IdentityProvider, ProviderDetails, ProviderType};
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
    /// Checks the provider (its details are already typed) and seals its secret detail.
    fn seal_idp(
        &self,
        mut idp: IdentityProvider,
        secret: Option<String>,
    ) -> Result<IdentityProvider> {
        idp.validate(secret.as_deref())?;
        idp.secret_sealed = match secret.filter(|s| !s.is_empty()) {
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
        let (details, secret) = typed_details(provider_type, input.details)?;
        let now = self.now();
        let idp = IdentityProvider {
            pool_id: pool.id,
            name: name.to_owned(),
            details,
            secret_sealed: None,
            attribute_mapping: input.attribute_mapping,
            identifiers: input.identifiers,
            created_at: now,
            updated_at: now,
        };
        let idp = self.seal_idp(idp, secret)?;
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

    /// The provider's secret detail in clear, if it has one.
    pub fn idp_secret(&self, idp: &IdentityProvider) -> Result<Option<String>> {
        let Some(sealed) = &idp.secret_sealed else {
            return Ok(None);
        };
        let clear = self
            .master
            .open(&seal_context(&idp.pool_id, &idp.name), sealed)
            .map_err(crypto_err)?;
        Ok(Some(String::from_utf8_lossy(&clear).into_owned()))
    }

    /// The provider details with the secret detail in clear (for admins, as Cognito shows it).
    pub fn idp_details(&self, idp: &IdentityProvider) -> Result<BTreeMap<String, String>> {
        let mut d = idp.details.to_map();
        if let (Some(key), Some(secret)) = (idp.provider_type().secret_key(), self.idp_secret(idp)?)
        {
            d.insert(key.to_owned(), secret);
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
        let secret;
        if let Some(m) = mapping {
            next.attribute_mapping = m;
        }
        if let Some(i) = identifiers {
            next.identifiers = i;
        }
        next.updated_at = self.now();
        (next.details, secret) = typed_details(current.provider_type(), all)?;
        let next = self.seal_idp(next, secret)?;
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

/// The one place a detail map becomes typed: the secret detail taken out, the rest parsed.
fn typed_details(
    kind: ProviderType,
    mut details: BTreeMap<String, String>,
) -> Result<(ProviderDetails, Option<String>)> {
    let secret = kind.secret_key().and_then(|k| details.remove(k));
    let typed = ProviderDetails::parse(kind, &details)?;
    // A SAML IdP must be able to sign: metadata without a signing certificate is refused
    // here (metadata behind a URL is checked at first use).
    #[cfg(feature = "saml")]
    if let portcullis_core::idp::ProviderConfig::Saml(portcullis_core::idp::SamlConfig {
        metadata: portcullis_core::idp::SamlMetadataSource::File(file),
        ..
    }) = &typed.config
    {
        portcullis_saml::IdpMetadata::parse(file).map_err(|e| Error::invalid(e.to_string()))?;
    }
    Ok((typed, secret))
}
