//! The sign-in triggers: PreAuthentication (may deny), PostAuthentication (may fail the
//! sign-in before tokens), and UserMigration (an unknown name is looked up in the legacy
//! store; the typed password becomes the user's password).

use super::account::event_attributes;
use super::call::HookCall;
use crate::App;
use portcullis_core::hooks::answers::UserMigration;
use portcullis_core::hooks::{HookFailure, Trigger};
use portcullis_core::pool::UserPool;
use portcullis_core::user::{User, UserStatus};
use portcullis_core::{Error, Result};
use serde_json::json;

impl App {
    /// PreAuthentication: the hook may refuse the sign-in of `user` before any credential
    /// is checked.
    pub async fn pre_authentication(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        user: &User,
    ) -> Result<()> {
        let request = json!({
            "userAttributes": event_attributes(user),
            "validationData": {},
            "userNotFound": false,
        });
        self.auth_hook(pool, Trigger::PreAuthentication, client_id, user, request)
            .await
    }

    /// PostAuthentication: after the credential checked out, before tokens; a failure
    /// fails the sign-in.
    pub async fn post_authentication(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        user: &User,
    ) -> Result<()> {
        let request = json!({
            "userAttributes": event_attributes(user),
            "newDeviceUsed": false,
            "clientMetadata": {},
        });
        self.auth_hook(pool, Trigger::PostAuthentication, client_id, user, request)
            .await
    }

    async fn auth_hook(
        &self,
        pool: &UserPool,
        trigger: Trigger,
        client_id: Option<&str>,
        user: &User,
        request: serde_json::Value,
    ) -> Result<()> {
        let source = format!("{trigger}_Authentication");
        let call = HookCall {
            trigger,
            source: &source,
            version: "1",
            user_name: Some(&user.username),
            client_id,
            request,
            response: json!({}),
        };
        self.hook(pool, call).await.map(|_| ())
    }

    /// UserMigration for a name this pool does not know: with `password`, a sign-in
    /// (`UserMigration_Authentication`, the password is kept as the user's); without, a
    /// forgotten password (`UserMigration_ForgotPassword`, the user must reset). `None`
    /// when the pool has no such hook or the hook does not know the name either (it
    /// refused): the flow goes on as for any unknown user.
    pub async fn migrate_user(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        username: &str,
        password: Option<&str>,
    ) -> Result<Option<User>> {
        if pool.settings.hooks.target(Trigger::UserMigration).is_none() {
            return Ok(None);
        }
        let (source, request) = match password {
            Some(p) => (
                "UserMigration_Authentication",
                json!({"password": p, "validationData": {}, "clientMetadata": {}}),
            ),
            None => (
                "UserMigration_ForgotPassword",
                json!({"validationData": {}, "clientMetadata": {}}),
            ),
        };
        let call = HookCall {
            trigger: Trigger::UserMigration,
            source,
            version: "1",
            user_name: Some(username),
            client_id,
            request,
            response: json!({"userAttributes": {}, "finalUserStatus": null,
                             "messageAction": null, "desiredDeliveryMediums": null,
                             "forceAliasCreation": null}),
        };
        let answer = match self.hook(pool, call).await {
            Ok(a) => a,
            // "No such user" or "wrong password" in the legacy store: an unknown user here.
            Err(Error::Hook(h)) if matches!(h.failure, HookFailure::Refused(_)) => {
                tracing::info!(pool = %pool.id, "UserMigration did not take the user");
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let Some(answer) = answer else {
            return Ok(None);
        };
        let m = UserMigration::read(&answer)?;
        self.create_migrated(pool, username, password, m)
            .await
            .map(Some)
    }

    /// The user a migration answer describes, created with the typed password (the pool's
    /// password policy does not apply: the password was good enough for the old store).
    async fn create_migrated(
        &self,
        pool: &UserPool,
        username: &str,
        password: Option<&str>,
        m: UserMigration,
    ) -> Result<User> {
        let status = match (password, m.reset_required) {
            (Some(_), false) => UserStatus::Confirmed,
            _ => UserStatus::ResetRequired,
        };
        let mut attributes = m.user_attributes;
        attributes.remove("sub");
        attributes.remove("cognito:user_status");
        let mut user = User::new(pool, username, attributes, status, self.now())?;
        if let Some(p) = password {
            user.password_hash = Some(self.hash_password(p).await?);
            user.srp = Some(self.srp_verifier(pool, &user.username, p).await?);
        }
        if !m.force_alias_creation {
            self.check_alias_free(pool, &user).await?;
        }
        match self.store.create_user(&user, &user.sign_in_key(pool)).await {
            Ok(()) => {
                tracing::info!(pool = %pool.id, "user migrated in by the UserMigration hook");
                Ok(user)
            }
            // A concurrent sign-in migrated the same user a moment ago.
            Err(Error::Conflict(_)) => self
                .find_user(pool, username)
                .await?
                .ok_or_else(|| Error::internal("migrated user vanished")),
            Err(e) => Err(e),
        }
    }
}
