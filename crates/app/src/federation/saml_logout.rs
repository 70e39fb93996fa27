//! SAML single logout, both ways: our LogoutRequest to the IdP when a person signs out (and
//! the IdP's LogoutResponse), and the IdP's LogoutRequest signing a person out of the pool.

use super::logout::Departure;
use super::{FedError, internal};
use crate::App;
use portcullis_core::federation::provision;
use portcullis_core::idp::IdentityProvider;
use portcullis_core::pool::UserPool;
use portcullis_crypto::tokens::random_token;
use serde_json::Value;

const LOGOUT_REQUEST_KIND: &str = "saml_logout_request";

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
            if !idp.saml().is_some_and(|s| s.signout) {
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
