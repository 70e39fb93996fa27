//! A SAML IdP's metadata: from `MetadataFile`, or from `MetadataURL`, fetched and cached for
//! an hour, and fetched again (at most every 30 s) when a signature does not verify, so an
//! IdP can roll its certificate over.

use super::upstream::cache_key;
use super::{FedError, internal};
use crate::App;
use portcullis_core::idp::{IdentityProvider, SamlMetadataSource};
use portcullis_saml::IdpMetadata;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const METADATA_TTL: Duration = Duration::from_secs(3600);
/// How soon metadata may be fetched again after a signature did not verify.
const METADATA_REFRESH_GAP: Duration = Duration::from_secs(30);

/// A provider's parsed metadata: when it was fetched, and when it was last fetched again
/// because a signature did not verify.
type Cached = (Instant, IdpMetadata, Option<Instant>);

/// Parsed IdP metadata per provider version.
#[derive(Default)]
pub struct MetadataCache(Mutex<HashMap<String, Cached>>);

impl App {
    /// The provider's metadata, parsed (a provider without a signing certificate fails here).
    pub async fn saml_metadata(&self, idp: &IdentityProvider) -> Result<IdpMetadata, FedError> {
        match idp.saml().map(|s| &s.metadata) {
            Some(SamlMetadataSource::Url(_)) => {}
            Some(SamlMetadataSource::File(file)) => {
                return IdpMetadata::parse(file).map_err(|e| FedError::Internal(e.to_string()));
            }
            None => return Err(internal("not a SAML provider")),
        }
        if let Some((at, md, _)) = self
            .saml_metadata_cache
            .0
            .lock()
            .map_err(internal)?
            .get(&cache_key(idp))
            && at.elapsed() < METADATA_TTL
        {
            return Ok(md.clone());
        }
        self.fetch_saml_metadata(idp, false).await
    }

    /// The metadata fetched again after a signature failed, unless that happened less than
    /// `METADATA_REFRESH_GAP` ago (`None` then: keep what we have).
    pub(super) async fn refetch_saml_metadata(
        &self,
        idp: &IdentityProvider,
    ) -> Result<Option<IdpMetadata>, FedError> {
        let recent = self
            .saml_metadata_cache
            .0
            .lock()
            .map_err(internal)?
            .get(&cache_key(idp))
            .and_then(|(_, _, forced)| *forced)
            .is_some_and(|at| at.elapsed() < METADATA_REFRESH_GAP);
        if recent {
            return Ok(None);
        }
        self.fetch_saml_metadata(idp, true).await.map(Some)
    }

    async fn fetch_saml_metadata(
        &self,
        idp: &IdentityProvider,
        forced: bool,
    ) -> Result<IdpMetadata, FedError> {
        let Some(SamlMetadataSource::Url(url)) = idp.saml().map(|s| &s.metadata) else {
            return Err(internal("the provider has no metadata URL"));
        };
        let xml = self.fetcher.get_text(url).await?;
        let md = IdpMetadata::parse(&xml).map_err(|e| FedError::Unavailable(e.to_string()))?;
        let now = Instant::now();
        self.saml_metadata_cache
            .0
            .lock()
            .map_err(internal)?
            .insert(cache_key(idp), (now, md.clone(), forced.then_some(now)));
        Ok(md)
    }
}
