//! PreTokenGeneration: after claim rules, before signing. The hook sees the claims'
//! sources (attributes, groups, scopes) and its answer changes the claims about to be
//! signed (`core::hooks::pre_token`); a refusal or failure issues no token.

use super::call::HookCall;
use crate::App;
use portcullis_core::Result;
use portcullis_core::hooks::Trigger;
use portcullis_core::hooks::pre_token::{self, TokenSource};
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use serde_json::{Map, Value, json};

/// The claims about to be signed, and what they were made from.
pub struct TokenDraft<'a> {
    pub client_id: &'a str,
    /// Absent for machine tokens.
    pub user: Option<&'a User>,
    pub groups: &'a [String],
    pub scopes: &'a [String],
    pub id: Option<&'a mut Map<String, Value>>,
    pub access: &'a mut Map<String, Value>,
}

impl App {
    /// Fires the pool's PreTokenGeneration hook (if its version covers `source`) and
    /// applies the answer to the draft's claims.
    pub async fn pre_token_generation(
        &self,
        pool: &UserPool,
        source: TokenSource,
        draft: TokenDraft<'_>,
    ) -> Result<()> {
        let hooks = &pool.settings.hooks;
        let version = hooks.pre_token_version;
        if hooks.target(Trigger::PreTokenGeneration).is_none() || !pre_token::fires(version, source)
        {
            return Ok(());
        }
        let attributes = match draft.user {
            Some(u) => {
                let mut a: Map<String, Value> = u
                    .attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect();
                a.insert("sub".into(), json!(u.sub.to_string()));
                a.insert("cognito:user_status".into(), json!(u.status.as_str()));
                a
            }
            None => Map::new(),
        };
        let request = pre_token::request(version, &attributes, draft.groups, draft.scopes);
        let response = if version == portcullis_core::hooks::PreTokenVersion::V1_0 {
            json!({"claimsOverrideDetails": null})
        } else {
            json!({"claimsAndScopeOverrideDetails": null})
        };
        let call = HookCall {
            trigger: Trigger::PreTokenGeneration,
            source: source.trigger_source(),
            version: version.event_version(),
            user_name: draft.user.map(|u| u.username.as_str()),
            client_id: Some(draft.client_id),
            request,
            response,
        };
        let Some(answer) = self.hook(pool, call).await? else {
            return Ok(());
        };
        pre_token::apply(version, &answer, draft.id, draft.access)
    }
}
