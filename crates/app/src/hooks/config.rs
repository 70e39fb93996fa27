//! Setting a pool's hooks (Cognito's LambdaConfig) one trigger at a time, as the CLI does.
//! Targets are checked before anything is written, and a plain `http://` target is allowed
//! only where upstream calls may reach private addresses (the federation guard).

use crate::App;
use crate::federation::addresses::AddressPolicy;
use portcullis_core::hooks::{Hooks, PreTokenVersion, Trigger, check_target};
use portcullis_core::pool::UserPool;
use portcullis_core::{Error, Result};

/// Plain `http://` targets need private addresses allowed; only targets new in `hooks`
/// (not in `before`) are judged, so a process that does not call hooks (the CLI) can still
/// change other settings of a pool whose hooks the server may call.
fn check_plain_http(before: &Hooks, hooks: &Hooks, allowed: bool) -> Result<()> {
    let added_plain = hooks
        .urls()
        .any(|u| u.starts_with("http://") && !before.urls().any(|b| b == u));
    if added_plain && !allowed {
        return Err(Error::invalid(
            "an http:// hook URL needs --upstream-allow-private (on the server too); \
             use https://",
        ));
    }
    hooks.validate()
}

impl App {
    fn private_allowed(&self) -> bool {
        self.fetcher.policy() == AddressPolicy::AllowPrivate
    }

    /// Whether this server may call `hooks`, replacing `before` (plain HTTP only with
    /// private addresses allowed).
    pub fn check_hook_targets(&self, before: &Hooks, hooks: &Hooks) -> Result<()> {
        check_plain_http(before, hooks, self.private_allowed())
    }

    /// Sets (with `None`, removes) the hook of `trigger`; `version` applies to
    /// PreTokenGeneration only. The pool's hook secret is made with its first hook. With
    /// `allow_private`, an `http://` URL is accepted though this process does not call
    /// hooks itself (the administration CLI, configuring a server that allows them).
    pub async fn set_hook(
        &self,
        pool_id: &str,
        trigger: Trigger,
        url: Option<&str>,
        version: Option<PreTokenVersion>,
        allow_private: bool,
    ) -> Result<UserPool> {
        let mut settings = self.pool(pool_id).await?.settings;
        let before = settings.hooks.clone();
        if version.is_some() && trigger != Trigger::PreTokenGeneration {
            return Err(Error::invalid(
                "a version applies to the PreTokenGeneration trigger only",
            ));
        }
        match url {
            Some(u) => {
                check_target(trigger, u)?;
                settings.hooks.targets.insert(trigger, u.to_owned());
            }
            None => {
                settings.hooks.targets.remove(&trigger);
            }
        }
        if let Some(v) = version {
            settings.hooks.pre_token_version = v;
        }
        check_plain_http(
            &before,
            &settings.hooks,
            allow_private || self.private_allowed(),
        )?;
        self.save_pool_settings(pool_id, settings).await
    }

    /// Sets (with `None`, removes) the pool's Okta-style password import hook.
    pub async fn set_password_import_hook(
        &self,
        pool_id: &str,
        url: Option<&str>,
        allow_private: bool,
    ) -> Result<UserPool> {
        let mut settings = self.pool(pool_id).await?.settings;
        let before = settings.hooks.clone();
        settings.hooks.password_import = url.map(str::to_owned);
        check_plain_http(
            &before,
            &settings.hooks,
            allow_private || self.private_allowed(),
        )?;
        self.save_pool_settings(pool_id, settings).await
    }

    /// A pool with hooks has a secret to sign their calls from the start, so the operator
    /// can read it before the first call.
    pub(crate) async fn ensure_hook_secret(&self, pool: &UserPool) -> Result<()> {
        if !pool.settings.hooks.is_empty() || pool.settings.hooks.password_import.is_some() {
            self.hook_secret(pool.id.as_str()).await?;
        }
        Ok(())
    }
}
