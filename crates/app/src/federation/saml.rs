//! The SAML connector: our SP in the pool, the AuthnRequest by HTTP-Redirect with a 256-bit
//! ID remembered for InResponseTo, and the Response at `{issuer}/saml2/idpresponse`,
//! verified by `portcullis-saml` off the async runtime, each assertion ID remembered until
//! it expires so a replay fails on any node. The verified NameID and attributes go on to the
//! same provisioning as OIDC. The IdP's metadata is `saml_metadata.rs`; single logout,
//! `saml_logout.rs`.

use super::pending::{Pending, Upstream};
use super::{FedError, internal};
use crate::App;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::idp::{IdentityProvider, SamlConfig, SamlMetadataSource};
use portcullis_core::oauth::authorize::AuthorizeRequest;
use portcullis_core::pool::UserPool;
use portcullis_crypto::tokens::{random_token, token_hash};
use portcullis_saml::{IdpMetadata, SpConfig, VerifiedLogin};
use serde_json::{Map, Value};
use std::time::Duration;

const ASSERTION_KIND: &str = "saml_assertion";
/// The least time a refused response takes to verify: well above the slowest refusal
/// (RSA decryption plus signature checks, ~1 ms here; a metadata refetch from a nearby IdP a
/// few more), so that none stands out.
const REFUSAL_FLOOR: Duration = Duration::from_millis(25);

/// Attributes as claims: one value as a string, several as an array.
fn claims_of(login: &VerifiedLogin) -> Value {
    let mut m = Map::new();
    for (name, values) in &login.attributes {
        let v = match values.as_slice() {
            [one] => Value::String(one.clone()),
            many => Value::Array(many.iter().cloned().map(Value::String).collect()),
        };
        m.insert(name.clone(), v);
    }
    m.insert("saml_nameid".into(), Value::String(login.name_id.clone()));
    Value::Object(m)
}

impl App {
    /// Our SP in the pool: its entity ID (the pool's setting, else Cognito's form), the ACS
    /// seen from `base`, and the pool's SP keys (the current one made at first use; the next
    /// and previous ones while a rotation is under way).
    pub async fn saml_sp(&self, pool: &UserPool, base: &str) -> Result<SpConfig, FedError> {
        let (key, next_key, previous_key) = self.saml_sp_keys(pool).await?;
        Ok(SpConfig {
            entity_id: pool
                .settings
                .saml_sp_entity_id
                .clone()
                .unwrap_or_else(|| format!("urn:amazon:cognito:sp:{}", pool.id)),
            acs_url: format!("{base}/saml2/idpresponse"),
            slo_url: Some(format!("{base}/saml2/logout")),
            key: Some(key),
            next_key,
            previous_key,
        })
    }

    /// Starts a SAML sign-in; returns (IdP URL, RelayState).
    pub async fn saml_start(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        cfg: &SamlConfig,
        req: &AuthorizeRequest,
        base: &str,
    ) -> Result<(String, String), FedError> {
        let md = self.saml_metadata(idp).await?;
        let state = random_token().map_err(internal)?;
        // An NCName of 256 random bits.
        let request_id = format!("_{}", random_token().map_err(internal)?);
        let pending = Pending::new(&idp.name, &request_id, req);
        self.remember_pending(pool, &state, &pending).await?;
        let sp = self.saml_sp(pool, base).await?;
        let url =
            portcullis_saml::authn_request_url(&md, &sp, &request_id, &state, cfg.sign_requests)
                .map_err(internal)?;
        Ok((url, state))
    }

    /// Records that the IdP's message `id` (of `kind`) was used, until `expires_at`; a second
    /// use, on any node, is refused.
    pub(super) async fn use_once(
        &self,
        pool: &UserPool,
        kind: &str,
        md: &IdpMetadata,
        id: &str,
        expires_at: i64,
        what: &str,
    ) -> Result<(), FedError> {
        let seen = OneTimeRecord {
            pool_id: pool.id.clone(),
            kind: kind.into(),
            key_hash: token_hash(&format!("{}\u{0}{}", md.entity_id, id)),
            payload: Value::Null,
            expires_at,
        };
        match self.store.put_one_time(&seen).await {
            Ok(()) => Ok(()),
            Err(portcullis_core::Error::Conflict(_)) => {
                Err(FedError::Invalid(format!("the {what} was used before")))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Verifies the IdP's response for `pending`.
    pub async fn saml_finish(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        pending: &Pending,
        response: &str,
        base: &str,
    ) -> Result<Upstream, FedError> {
        let cfg = idp
            .saml()
            .ok_or_else(|| FedError::Invalid("a SAML response for a non-SAML provider".into()))?;
        let sp = self.saml_sp(pool, base).await?;
        let request_id = pending.request_id().to_owned();
        if request_id.is_empty() && !cfg.idp_initiated {
            return Err(FedError::Invalid(
                "IdP-initiated sign-in is not enabled for this provider".into(),
            ));
        }
        let encrypted = cfg.encrypted_responses;
        let verify = |md: IdpMetadata| {
            let (response, sp, request_id) = (response.to_owned(), sp.clone(), request_id.clone());
            async move {
                tokio::task::spawn_blocking(move || {
                    let ids = [request_id.as_str()];
                    let ids = ids
                        .get(..usize::from(!request_id.is_empty()))
                        .unwrap_or_default();
                    portcullis_saml::validate_response(&response, &md, &sp, ids, encrypted)
                        .map(|login| (login, md))
                })
                .await
                .map_err(|_| FedError::Invalid("the response could not be processed".into()))
            }
        };
        let started = tokio::time::Instant::now();
        let verified = async {
            match verify(self.saml_metadata(idp).await?).await? {
                Ok(done) => Ok(done),
                // The IdP may have rolled its certificate over: metadata from a URL is
                // fetched again (at most every 30 s) and the response checked once more.
                Err(portcullis_saml::SamlError::Signature)
                    if matches!(cfg.metadata, SamlMetadataSource::Url(_)) =>
                {
                    match self.refetch_saml_metadata(idp).await? {
                        Some(fresh) => verify(fresh)
                            .await?
                            .map_err(|e| FedError::Invalid(e.to_string())),
                        None => Err(FedError::Invalid("the signature does not verify".into())),
                    }
                }
                Err(e) => Err(FedError::Invalid(e.to_string())),
            }
        }
        .await;
        // Every refusal takes the same time, so that how far a forged response got (RSA,
        // padding, XML, signature, a second look with fresh metadata) cannot be timed.
        if verified.is_err() {
            tokio::time::sleep_until(started + REFUSAL_FLOOR).await;
        }
        let (login, md) = verified?;
        // Replays fail on any node: the assertion's ID is remembered until it expires.
        let expires = login.expires_at.max(self.now() + 300);
        self.use_once(
            pool,
            ASSERTION_KIND,
            &md,
            &login.assertion_id,
            expires,
            "assertion",
        )
        .await?;
        Ok(Upstream {
            subject: login.name_id.clone(),
            id_token: String::new(),
            claims: claims_of(&login),
            saml: Some(portcullis_core::session::SamlSignIn {
                name_id: login.name_id.clone(),
                name_id_format: login.name_id_format.clone(),
                session_index: login.session_index.clone(),
            }),
        })
    }
}
