//! InboundFederation: what an upstream provider said about a user goes to the hook before
//! the provider's attribute mapping; the hook's `userAttributesToMap` is what gets mapped.

use super::call::HookCall;
use crate::App;
use portcullis_core::Result;
use portcullis_core::hooks::Trigger;
use portcullis_core::hooks::answers::attributes_to_map;
use portcullis_core::idp::{IdentityProvider, ProviderType};
use portcullis_core::pool::UserPool;
use serde_json::{Value, json};

impl App {
    /// The upstream `claims` as the hook rewrote them (a map of strings), or `None` when the
    /// pool has no such hook or the hook left them alone.
    pub async fn inbound_federation(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        user_name: &str,
        claims: &Value,
    ) -> Result<Option<Value>> {
        let kind = idp.provider_type();
        // OIDC sign-ins keep the ID token's claims overlaid with userinfo's; SAML ones, the
        // assertion's attributes.
        let attributes = if kind == ProviderType::Saml {
            json!({"samlResponse": claims})
        } else {
            json!({"tokenResponse": {}, "idToken": claims, "userInfo": claims})
        };
        let call = HookCall {
            trigger: Trigger::InboundFederation,
            source: "InboundFederation_ExternalProvider",
            version: "1",
            user_name: Some(user_name),
            client_id: None,
            request: json!({
                "providerName": idp.name,
                "providerType": kind.as_str(),
                "attributes": attributes,
            }),
            response: json!({"userAttributesToMap": null}),
        };
        let Some(r) = self.hook(pool, call).await? else {
            return Ok(None);
        };
        Ok(attributes_to_map(&r)?.map(|m| json!(m)))
    }
}
