//! What every federated sign-in shares, whatever the protocol: the pending sign-in kept
//! under a hash of its single-use state (so any node can finish what another started), the
//! dispatch to the protocol's start, the verified upstream identity, and what a session keeps
//! of its provider.

use super::{FedError, internal};
use crate::App;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::idp::{IdentityProvider, ProviderConfig};
use portcullis_core::oauth::authorize::AuthorizeRequest;
use portcullis_core::pool::UserPool;
use portcullis_crypto::tokens::token_hash;
use portcullis_store::Consumed;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const STATE_KIND: &str = "federation_state";
const STATE_TTL_SECS: i64 = 600;

/// What waits for the provider's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub provider: String,
    pub nonce: String,
    pub verifier: String,
    /// The app's authorization request, answered once the upstream sign-in succeeds.
    pub request: AuthorizeRequest,
}

#[cfg(feature = "saml")]
impl Pending {
    /// A pending SAML sign-in: its AuthnRequest ID in place of a nonce, no PKCE.
    pub fn new(provider: &str, request_id: &str, request: &AuthorizeRequest) -> Self {
        Pending {
            provider: provider.to_owned(),
            nonce: request_id.to_owned(),
            verifier: String::new(),
            request: request.clone(),
        }
    }

    /// An IdP-initiated SAML sign-in: no request to answer.
    pub fn unsolicited(provider: &str, request: &AuthorizeRequest) -> Self {
        Pending::new(provider, "", request)
    }

    /// The AuthnRequest ID a SAML response must answer (empty: IdP-initiated).
    pub fn request_id(&self) -> &str {
        &self.nonce
    }
}

/// An upstream identity, verified.
#[derive(Debug, Clone)]
pub struct Upstream {
    pub subject: String,
    /// The provider's ID token as received (kept, sealed, for signing out there).
    pub id_token: String,
    /// ID token claims, overlaid with userinfo's.
    pub claims: Value,
    /// SAML sign-ins: the subject and session, for single logout.
    pub saml: Option<portcullis_core::session::SamlSignIn>,
}

fn id_token_context(pool: &UserPool) -> String {
    format!("upstream-id-token:{}", pool.id)
}

/// Where `idp` sends the browser back to. A provider with its own callback (`own_callback`,
/// not a Cognito detail) answers at `{base}/oauth2/idpresponse/{provider}` instead of
/// Cognito's shared one: an answer can then only come back for a sign-in started at that
/// provider, whether or not the provider names itself with RFC 9207's `iss`, the mix-up
/// defence for pools with several providers.
pub fn oidc_callback(base: &str, idp: &IdentityProvider) -> String {
    let shared = format!("{base}/oauth2/idpresponse");
    if !idp.own_callback() {
        return shared;
    }
    match url::Url::parse(&shared) {
        Ok(mut u) => {
            if let Ok(mut segments) = u.path_segments_mut() {
                segments.push(&idp.name);
            }
            u.into()
        }
        Err(_) => shared,
    }
}

impl App {
    /// Starts a sign-in at `idp` for the app request `req`; returns (provider URL, state).
    /// `base` is where the browser sees the pool's pages (the issuer, or the pool's domain).
    pub async fn federation_start(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        req: &AuthorizeRequest,
        base: &str,
    ) -> Result<(String, String), FedError> {
        match &idp.details.config {
            #[cfg(feature = "saml")]
            ProviderConfig::Saml(s) => self.saml_start(pool, idp, s, req, base).await,
            #[cfg(not(feature = "saml"))]
            ProviderConfig::Saml(_) => Err(FedError::Internal(
                "this build has no SAML support (build with --features saml)".into(),
            )),
            ProviderConfig::Oidc(o) => {
                self.oidc_start(pool, idp, o, req, &oidc_callback(base, idp))
                    .await
            }
            _ => Err(FedError::Internal(format!(
                "{} providers do not sign people in",
                idp.provider_type().as_str()
            ))),
        }
    }

    /// What a federated session remembers of its provider. A sealing failure is an error:
    /// a session without the provider's ID token could not sign out upstream later.
    pub fn upstream_sign_in(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        up: &Upstream,
    ) -> Result<portcullis_core::session::UpstreamSignIn, FedError> {
        let id_token_sealed = if up.id_token.is_empty() {
            None
        } else {
            Some(
                self.master
                    .seal(&id_token_context(pool), up.id_token.as_bytes())
                    .map_err(internal)?,
            )
        };
        Ok(portcullis_core::session::UpstreamSignIn {
            provider: idp.name.clone(),
            id_token_sealed,
            saml: up.saml.clone(),
        })
    }

    /// The provider's ID token a session keeps, opened.
    pub fn upstream_id_token(
        &self,
        pool: &UserPool,
        s: &portcullis_core::session::UpstreamSignIn,
    ) -> Option<String> {
        let sealed = s.id_token_sealed.as_ref()?;
        let clear = self.master.open(&id_token_context(pool), sealed).ok()?;
        String::from_utf8(clear.to_vec()).ok()
    }

    /// Keeps `pending` for 10 minutes under a hash of `state`, for one use.
    pub async fn remember_pending(
        &self,
        pool: &UserPool,
        state: &str,
        pending: &Pending,
    ) -> Result<(), FedError> {
        self.store
            .put_one_time(&OneTimeRecord {
                pool_id: pool.id.clone(),
                kind: STATE_KIND.into(),
                key_hash: token_hash(state),
                payload: serde_json::to_value(pending).map_err(internal)?,
                expires_at: self.now() + STATE_TTL_SECS,
            })
            .await?;
        Ok(())
    }

    /// Spends `state`; `Ok(None)` when it is unknown, expired or spent.
    pub async fn federation_pending(
        &self,
        pool: &UserPool,
        state: &str,
    ) -> Result<Option<Pending>, FedError> {
        match self
            .store
            .consume_one_time(&pool.id, &token_hash(state), self.now())
            .await?
        {
            Consumed::First(r) if r.kind == STATE_KIND => {
                Ok(Some(serde_json::from_value(r.payload).map_err(internal)?))
            }
            _ => Ok(None),
        }
    }
}
