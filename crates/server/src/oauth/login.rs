//! Signing a person in with username and password, for the hosted login page (and later the
//! Cognito API's password flows). Failures are throttled per account and per client IP in
//! the store, so the limits hold across nodes; what the person is told stays generic.

use crate::App;
use crate::admin::crypto_err;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::pool::{UserPool, UserRef};
use portcullis_core::user::{User, UserStatus};
use portcullis_core::{Error, Result};
use portcullis_crypto::tokens::{random_token, token_hash};
use portcullis_store::Consumed;
use serde_json::json;

/// Failures counted per account within this window before sign-in is refused.
pub const ACCOUNT_FAILURE_LIMIT: u32 = 5;
/// Failures counted per client IP within the window.
pub const IP_FAILURE_LIMIT: u32 = 50;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
const NEW_PASSWORD_KIND: &str = "new_password";
const NEW_PASSWORD_TTL_SECS: i64 = 600;

#[derive(Debug)]
pub enum LoginOutcome {
    Success(User),
    /// Right temporary password: the person must choose a new one first.
    NewPasswordRequired {
        user: User,
        challenge: String,
    },
    Failed(LoginFailure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// Unknown user, wrong password, disabled user, too many attempts: one answer for all.
    BadCredentials,
    /// Right password, but the account is not confirmed yet.
    NotConfirmed,
    /// Right temporary password, but it expired.
    TemporaryPasswordExpired,
}

impl App {
    pub async fn password_login(
        &self,
        pool: &UserPool,
        username: &str,
        password: &str,
        client_ip: &str,
    ) -> Result<LoginOutcome> {
        let now = self.now();
        let user_key = format!("user:{}", pool.username_key(username));
        let ip_key = format!("ip:{client_ip}");
        let store = &self.store;
        let throttled = store
            .failure_count(&pool.id, &user_key, now, FAILURE_WINDOW_SECS)
            .await?
            >= ACCOUNT_FAILURE_LIMIT
            || store
                .failure_count(&pool.id, &ip_key, now, FAILURE_WINDOW_SECS)
                .await?
                >= IP_FAILURE_LIMIT;
        let user = match pool.user_ref(username) {
            UserRef::Key(k) => store.get_user_by_key(&pool.id, &k).await?,
            UserRef::Sub(s) => store.get_user_by_sub(&pool.id, s).await?,
        };
        let verified = match (&user, throttled) {
            (Some(u), false) => match &u.password_hash {
                Some(h) => self.verify_password(password, h).await?,
                None => false,
            },
            // Spend the same time as a real check, so timing does not tell who exists.
            _ => {
                self.hash_password(password).await?;
                false
            }
        };
        let user = match user {
            Some(u) if verified && u.enabled => u,
            _ => {
                store
                    .record_failure(&pool.id, &user_key, now, FAILURE_WINDOW_SECS)
                    .await?;
                store
                    .record_failure(&pool.id, &ip_key, now, FAILURE_WINDOW_SECS)
                    .await?;
                tracing::info!(pool = %pool.id, throttled, "failed sign-in");
                return Ok(LoginOutcome::Failed(LoginFailure::BadCredentials));
            }
        };
        store.clear_failures(&pool.id, &user_key).await?;
        match user.status {
            UserStatus::Confirmed => Ok(LoginOutcome::Success(
                self.upgrade_hash(user, password).await?,
            )),
            UserStatus::ForceChangePassword => {
                let validity = i64::from(
                    pool.settings
                        .password_policy
                        .temporary_password_validity_days,
                ) * 86400;
                if now > user.updated_at + validity {
                    return Ok(LoginOutcome::Failed(LoginFailure::TemporaryPasswordExpired));
                }
                let challenge = random_token().map_err(crypto_err)?;
                store
                    .put_one_time(&OneTimeRecord {
                        pool_id: pool.id.clone(),
                        kind: NEW_PASSWORD_KIND.into(),
                        key_hash: token_hash(&challenge),
                        payload: json!({"sub": user.sub}),
                        expires_at: now + NEW_PASSWORD_TTL_SECS,
                    })
                    .await?;
                Ok(LoginOutcome::NewPasswordRequired { user, challenge })
            }
            UserStatus::Unconfirmed => Ok(LoginOutcome::Failed(LoginFailure::NotConfirmed)),
            UserStatus::ResetRequired | UserStatus::ExternalProvider => {
                Ok(LoginOutcome::Failed(LoginFailure::BadCredentials))
            }
        }
    }

    /// Completes a FORCE_CHANGE_PASSWORD sign-in. The policy is checked before the
    /// challenge is spent, so a rejected password can be retried.
    pub async fn complete_new_password(
        &self,
        pool: &UserPool,
        challenge: &str,
        new_password: &str,
    ) -> Result<User> {
        pool.settings.password_policy.check(new_password)?;
        let record = match self
            .store
            .consume_one_time(&pool.id, &token_hash(challenge), self.now())
            .await?
        {
            Consumed::First(r) if r.kind == NEW_PASSWORD_KIND => r,
            _ => {
                return Err(Error::invalid(
                    "This sign-in has expired. Please sign in again.",
                ));
            }
        };
        let sub = record.payload["sub"]
            .as_str()
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .ok_or_else(|| Error::internal("new-password record without sub"))?;
        let mut user = self
            .store
            .get_user_by_sub(&pool.id, sub)
            .await?
            .filter(|u| u.enabled && u.status == UserStatus::ForceChangePassword)
            .ok_or_else(|| Error::invalid("This sign-in has expired. Please sign in again."))?;
        user.password_hash = Some(self.hash_password(new_password).await?);
        user.srp = None;
        user.status = UserStatus::Confirmed;
        user.updated_at = self.now();
        self.store.update_user(&user).await?;
        Ok(user)
    }

    pub(crate) async fn verify_password(&self, password: &str, stored: &str) -> Result<bool> {
        let _slot = self.hash_slots.acquire().await.map_err(Error::internal)?;
        let hasher = self.hasher.clone();
        let (password, stored) = (password.to_owned(), stored.to_owned());
        let outcome = tokio::task::spawn_blocking(move || hasher.verify(&password, &stored))
            .await
            .map_err(Error::internal)?;
        match outcome {
            Ok(ok) => Ok(ok),
            Err(e) => {
                tracing::warn!(error = %e, "stored password hash cannot be used");
                Ok(false)
            }
        }
    }

    /// Imported (bcrypt, PBKDF2, scrypt) or weaker argon2 hashes become argon2id at the
    /// first successful sign-in.
    async fn upgrade_hash(&self, mut user: User, password: &str) -> Result<User> {
        if user
            .password_hash
            .as_deref()
            .is_some_and(|h| self.hasher.needs_rehash(h))
        {
            user.password_hash = Some(self.hash_password(password).await?);
            user.updated_at = self.now();
            self.store.update_user(&user).await?;
        }
        Ok(user)
    }
}
