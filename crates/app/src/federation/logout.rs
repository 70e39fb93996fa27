//! Signing out of the upstream provider too (RP-initiated logout, OIDC RP-Initiated Logout
//! 1.0), when the app asks for it with `upstream_logout=true` on `/logout` and the provider
//! publishes an `end_session_endpoint`. Our session is already over by then; where the
//! browser goes afterwards waits in the one-time store under a random `state` until the
//! provider sends it back to `{issuer}/oauth2/idplogout`.

use super::FedError;
use crate::App;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::idp::ProviderConfig;
use portcullis_core::pool::UserPool;
use portcullis_core::session::UpstreamSignIn;
use portcullis_crypto::tokens::{random_token, token_hash};
use portcullis_store::Consumed;
use serde_json::{Value, json};

const KIND: &str = "upstream_logout";

/// How the browser leaves for a provider's logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Departure {
    Redirect(String),
    /// A form the browser submits by itself (SAML's HTTP-POST binding).
    Post {
        action: String,
        fields: Vec<(String, String)>,
    },
}
const TTL_SECS: i64 = 600;

impl App {
    /// Where to send the browser to sign out at the provider too, or `None` when the
    /// provider has no logout endpoint. `then` is where to go after the provider is done.
    /// OIDC providers only when the app asked (`asked`); SAML providers whenever they are
    /// configured with `IDPSignout=true` (Cognito's rule). `base` is where the browser sees
    /// the pool's pages.
    pub async fn upstream_logout(
        &self,
        pool: &UserPool,
        up: &UpstreamSignIn,
        then: Option<&str>,
        base: &str,
        asked: bool,
    ) -> Result<Option<Departure>, FedError> {
        let Some(idp) = self.store.get_idp(&pool.id, &up.provider).await? else {
            return Ok(None);
        };
        match &idp.details.config {
            ProviderConfig::Oidc(_) if asked => {}
            #[cfg(feature = "saml")]
            ProviderConfig::Saml(s) if s.signout => {
                return self.saml_logout(pool, &idp, up, then, base).await;
            }
            _ => return Ok(None),
        }
        let callback = format!("{base}/oauth2/idplogout");
        let callback = callback.as_str();
        let ep = self.upstream_endpoints(&idp).await?;
        let Some(end) = ep.end_session else {
            return Ok(None);
        };
        let state = self.remember_logout(pool, json!({"then": then})).await?;
        let mut url = url::Url::parse(&end)
            .map_err(|_| FedError::Unavailable("bad end_session_endpoint".into()))?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(c) = idp.client_id() {
                q.append_pair("client_id", c);
            }
            if let Some(hint) = self.upstream_id_token(pool, up) {
                q.append_pair("id_token_hint", &hint);
            }
            q.append_pair("post_logout_redirect_uri", callback)
                .append_pair("state", &state);
        }
        Ok(Some(Departure::Redirect(url.into())))
    }

    /// Where to go once the provider has signed the person out: `Some(None)` for our
    /// signed-out page, `None` for a state we do not know.
    pub async fn finish_upstream_logout(
        &self,
        pool: &UserPool,
        state: &str,
    ) -> portcullis_core::Result<Option<Option<String>>> {
        Ok(self
            .upstream_logout_record(pool, state)
            .await?
            .map(|payload| then_of(&payload)))
    }

    /// The record a sign-out at the provider left under `state`, spent.
    pub async fn upstream_logout_record(
        &self,
        pool: &UserPool,
        state: &str,
    ) -> portcullis_core::Result<Option<Value>> {
        match self
            .store
            .consume_one_time(&pool.id, &token_hash(state), self.now())
            .await?
        {
            Consumed::First(r) if r.kind == KIND => Ok(Some(r.payload)),
            _ => Ok(None),
        }
    }

    /// Remembers where to go after the provider's sign-out; returns the state.
    pub async fn remember_logout(
        &self,
        pool: &UserPool,
        payload: Value,
    ) -> Result<String, FedError> {
        let state = random_token().map_err(|e| FedError::Internal(e.to_string()))?;
        self.store
            .put_one_time(&OneTimeRecord {
                pool_id: pool.id.clone(),
                kind: KIND.into(),
                key_hash: token_hash(&state),
                payload,
                expires_at: self.now() + TTL_SECS,
            })
            .await?;
        Ok(state)
    }
}

/// The destination a sign-out record holds.
pub fn then_of(payload: &Value) -> Option<String> {
    payload
        .get("then")
        .and_then(Value::as_str)
        .map(str::to_owned)
}
