//! The SAML connector: the IdP's metadata (from `MetadataFile`, or `MetadataURL` fetched and
//! cached), the AuthnRequest by HTTP-Redirect with a 128-bit ID remembered for InResponseTo,
//! and the Response at `{issuer}/saml2/idpresponse`, verified by `portcullis-saml` off the
//! async runtime, each assertion ID remembered until it expires so a replay fails on any
//! node. The verified NameID and attributes go on to the same provisioning as OIDC.

use super::logout::Departure;
use super::pending::{Pending, Upstream};
use super::upstream::cache_key;
use super::{FedError, internal};
use crate::App;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::federation::provision;
use portcullis_core::idp::IdentityProvider;
use portcullis_core::oauth::authorize::AuthorizeRequest;
use portcullis_core::pool::UserPool;
use portcullis_crypto::tokens::{random_token, token_hash};
use portcullis_saml::{IdpMetadata, SpConfig, VerifiedLogin};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const METADATA_TTL: Duration = Duration::from_secs(3600);
/// How soon metadata may be fetched again after a signature did not verify.
const METADATA_REFRESH_GAP: Duration = Duration::from_secs(30);
const ASSERTION_KIND: &str = "saml_assertion";
const LOGOUT_REQUEST_KIND: &str = "saml_logout_request";
/// The least time a refused response takes to verify: well above the slowest refusal
/// (RSA decryption plus signature checks, ~1 ms here; a metadata refetch from a nearby IdP a
/// few more), so that none stands out.
const REFUSAL_FLOOR: Duration = Duration::from_millis(25);

/// A provider's parsed metadata: when it was fetched, and when it was last fetched again
/// because a signature did not verify.
type Cached = (Instant, IdpMetadata, Option<Instant>);

/// Parsed IdP metadata per provider version.
#[derive(Default)]
pub struct MetadataCache(Mutex<HashMap<String, Cached>>);

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

    /// The provider's metadata, parsed (a provider without a signing certificate fails here).
    pub async fn saml_metadata(&self, idp: &IdentityProvider) -> Result<IdpMetadata, FedError> {
        if let Some(file) = idp.details.get("MetadataFile").filter(|f| !f.is_empty()) {
            return IdpMetadata::parse(file).map_err(|e| FedError::Internal(e.to_string()));
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
    async fn refetch_saml_metadata(
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
        let url = idp
            .details
            .get("MetadataURL")
            .ok_or_else(|| internal("the provider has no metadata"))?;
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

    /// Starts a SAML sign-in; returns (IdP URL, RelayState).
    pub async fn saml_start(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
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
        let sign = idp
            .details
            .get("RequestSigningAlgorithm")
            .map(String::as_str)
            == Some("rsa-sha256");
        let url = portcullis_saml::authn_request_url(&md, &sp, &request_id, &state, sign)
            .map_err(internal)?;
        Ok((url, state))
    }

    /// Records that the IdP's message `id` (of `kind`) was used, until `expires_at`; a second
    /// use, on any node, is refused.
    async fn use_once(
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
        let sp = self.saml_sp(pool, base).await?;
        let request_id = pending.request_id().to_owned();
        if request_id.is_empty() && !idp.detail_is_true("IDPInit") {
            return Err(FedError::Invalid(
                "IdP-initiated sign-in is not enabled for this provider".into(),
            ));
        }
        let encrypted = idp.detail_is_true("EncryptedResponses");
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
                    if idp.details.contains_key("MetadataURL") =>
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

impl App {
    /// Single logout at a SAML IdP: a signed LogoutRequest naming the session's subject, with
    /// a RelayState under which the destination and the request ID wait for the answer.
    pub async fn saml_logout(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        up: &portcullis_core::session::UpstreamSignIn,
        then: Option<&str>,
        base: &str,
    ) -> Result<Option<Departure>, FedError> {
        let (Some(who), md) = (up.saml.as_ref(), self.saml_metadata(idp).await?) else {
            return Ok(None);
        };
        if md.slo.is_none() {
            return Ok(None);
        }
        let request_id = format!("_{}", random_token().map_err(internal)?);
        let state = self
            .remember_logout(
                pool,
                serde_json::json!({"then": then, "request_id": request_id, "provider": idp.name}),
            )
            .await?;
        let subject = portcullis_saml::LogoutSubject {
            name_id: who.name_id.clone(),
            name_id_format: who.name_id_format.clone(),
            session_index: who.session_index.clone(),
        };
        let sp = self.saml_sp(pool, base).await?;
        portcullis_saml::logout_request(&md, &sp, &request_id, &subject, &state)
            .map(|o| Some(departure(o)))
            .map_err(internal)
    }

    /// The IdP's LogoutResponse at `{issuer}/saml2/logout`: where to go on (`Some(None)` for
    /// our signed-out page), or `None` for a RelayState we do not know. A response that
    /// fails its checks is logged; the person is signed out of the pool either way.
    pub async fn finish_saml_logout(
        &self,
        pool: &UserPool,
        msg: portcullis_saml::Inbound<'_>,
        relay_state: &str,
    ) -> Result<Option<Option<String>>, FedError> {
        let Some(payload) = self.upstream_logout_record(pool, relay_state).await? else {
            return Ok(None);
        };
        let provider = payload
            .get("provider")
            .and_then(Value::as_str)
            .unwrap_or("");
        let request_id = payload
            .get("request_id")
            .and_then(Value::as_str)
            .unwrap_or("");
        if let Some(idp) = self.store.get_idp(&pool.id, provider).await? {
            let md = self.saml_metadata(&idp).await?;
            if let Err(e) = portcullis_saml::check_logout_response(msg, &md, request_id) {
                tracing::warn!(pool = %pool.id, provider, error = %e, "SAML logout response refused");
            }
        }
        Ok(Some(super::logout::then_of(&payload)))
    }
}

impl App {
    /// A LogoutRequest an IdP sent to `{issuer}/saml2/logout`: the provider whose
    /// certificates verify it (among the pool's SAML providers with `IDPSignout`), the user it
    /// names signed out everywhere (sessions and tokens), and our signed LogoutResponse for
    /// the browser to take back.
    pub async fn saml_idp_logout(
        &self,
        pool: &UserPool,
        msg: portcullis_saml::Inbound<'_>,
        relay: Option<&str>,
        base: &str,
    ) -> Result<Departure, FedError> {
        let sp = self.saml_sp(pool, base).await?;
        for idp in self.store.list_idps(&pool.id).await? {
            if idp.provider_type != portcullis_core::idp::ProviderType::Saml
                || !idp.detail_is_true("IDPSignout")
            {
                continue;
            }
            let md = self.saml_metadata(&idp).await?;
            let Ok(req) = portcullis_saml::check_logout_request(msg, &md, &sp, self.now()) else {
                continue;
            };
            // A LogoutRequest works once: replayed later, it must not end a newer session.
            let expires = req.valid_until.max(self.now() + 60);
            self.use_once(
                pool,
                LOGOUT_REQUEST_KIND,
                &md,
                &req.request_id,
                expires,
                "LogoutRequest",
            )
            .await?;
            let sub = match self
                .store
                .linked_user(&pool.id, &idp.name, &req.name_id)
                .await?
            {
                Some(sub) => Some(sub),
                None => {
                    let key = pool.username_key(&provision::username(&idp.name, &req.name_id));
                    self.store
                        .get_user_by_key(&pool.id, &key)
                        .await?
                        .map(|u| u.sub)
                }
            };
            if let Some(sub) = sub {
                self.store
                    .revoke_user_tokens(&pool.id, sub, self.now(), None)
                    .await?;
                tracing::info!(pool = %pool.id, provider = %idp.name, user = %sub, "signed out by the IdP");
            }
            return portcullis_saml::logout_response(&md, &sp, &req.request_id, relay)
                .map(departure)
                .map_err(internal);
        }
        Err(FedError::Invalid(
            "no provider of the pool sent this LogoutRequest".into(),
        ))
    }
}

fn departure(o: portcullis_saml::Outbound) -> Departure {
    match o {
        portcullis_saml::Outbound::Redirect(url) => Departure::Redirect(url),
        portcullis_saml::Outbound::Post { action, fields } => Departure::Post { action, fields },
    }
}
