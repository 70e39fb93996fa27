//! Signing a person in with username and password, for the hosted login page and the Cognito
//! API's password and SRP flows. Failures are throttled per account name and per client
//! address in the store, so the limits hold across nodes (the rule is
//! [`portcullis_core::throttle`]); what the person is told stays generic.

use crate::App;
use crate::admin::crypto_err;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::pool::{UserPool, UserRef};
use portcullis_core::throttle::{self, ADDRESS_WINDOW_SECS, NAME_MEMORY_SECS, Refusal};
use portcullis_core::transfer::{COGNITO_SOURCE, PASSWORD_IMPORT_HOOK};
use portcullis_core::user::{User, UserStatus};
use portcullis_core::{Error, Result};
use portcullis_crypto::tokens::{random_token, token_hash};
use portcullis_store::Consumed;
use serde_json::{Value, json};

const NEW_PASSWORD_KIND: &str = "new_password";
const NEW_PASSWORD_TTL_SECS: i64 = 600;

/// The throttle keys of one sign-in attempt, and whether it may be checked at all.
pub struct Attempt {
    user_key: String,
    ip_key: String,
    refused: Option<Refusal>,
    /// The app client signing in, for the hooks' events.
    client_id: Option<String>,
}

impl Attempt {
    /// Whether the throttle refuses this attempt before any credential is looked at.
    pub fn throttled(&self) -> bool {
        self.refused.is_some()
    }
}

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
    /// Unknown user, wrong password, disabled user: one answer for all.
    BadCredentials,
    /// The name is locked out for a while after repeated failures (whether or not such a
    /// user exists), or its failures come from an address that spent its allowance.
    TooManyAttempts,
    /// Right password, but the account is not confirmed yet.
    NotConfirmed,
    /// Right temporary password, but it expired.
    TemporaryPasswordExpired,
    /// Right (old) password, but an admin required a reset: the user was sent a code.
    ResetRequired,
}

impl App {
    /// Starts a sign-in attempt: its throttle keys, and whether the throttle lets it through
    /// ([`portcullis_core::throttle`]). The same reads happen whether or not the user exists.
    pub async fn login_attempt(
        &self,
        pool: &UserPool,
        username: &str,
        client_ip: &str,
        client_id: Option<&str>,
    ) -> Result<Attempt> {
        let now = self.now();
        let user_key = format!("user:{}", pool.username_key(username));
        let ip_key = format!("ip:{client_ip}");
        let name = self
            .store
            .failures(&pool.id, &user_key, now, NAME_MEMORY_SECS)
            .await?;
        let address = self
            .store
            .failures(&pool.id, &ip_key, now, ADDRESS_WINDOW_SECS)
            .await?;
        Ok(Attempt {
            user_key,
            ip_key,
            refused: throttle::decide(name, address, now).err(),
            client_id: client_id.map(str::to_owned),
        })
    }

    /// Counts a failed attempt, unless the throttle refused it (attempts during a lockout do
    /// not lengthen it). The answer says nothing of whether the user exists.
    pub async fn login_failed(&self, pool: &UserPool, attempt: &Attempt) -> Result<LoginOutcome> {
        if attempt.refused.is_some() {
            tracing::info!(pool = %pool.id, "sign-in refused by the throttle");
            return Ok(LoginOutcome::Failed(LoginFailure::TooManyAttempts));
        }
        let now = self.now();
        self.store
            .record_failure(&pool.id, &attempt.user_key, now, NAME_MEMORY_SECS)
            .await?;
        self.store
            .record_failure(&pool.id, &attempt.ip_key, now, ADDRESS_WINDOW_SECS)
            .await?;
        tracing::info!(pool = %pool.id, "failed sign-in");
        Ok(LoginOutcome::Failed(LoginFailure::BadCredentials))
    }

    /// After the credential checked out: clear the account's failures, then decide by status.
    /// With the password in hand, legacy hashes are upgraded and SRP verifiers created.
    pub async fn login_verified(
        &self,
        pool: &UserPool,
        attempt: &Attempt,
        user: User,
        password: Option<&str>,
    ) -> Result<LoginOutcome> {
        let now = self.now();
        self.store
            .clear_failures(&pool.id, &attempt.user_key)
            .await?;
        match user.status {
            UserStatus::Confirmed => {
                self.post_authentication(pool, attempt.client_id.as_deref(), &user)
                    .await?;
                let user = match password {
                    Some(p) => self.upgrade_credentials(pool, user, p).await?,
                    None => user,
                };
                Ok(LoginOutcome::Success(user))
            }
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
                self.store
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
            UserStatus::ResetRequired => Ok(LoginOutcome::Failed(LoginFailure::ResetRequired)),
            UserStatus::ExternalProvider => Ok(LoginOutcome::Failed(LoginFailure::BadCredentials)),
        }
    }

    /// The user someone names: by username (or sub), else, in a pool with email aliases,
    /// by verified email.
    pub async fn find_user(&self, pool: &UserPool, username: &str) -> Result<Option<User>> {
        let found = match pool.user_ref(username) {
            UserRef::Key(k) => self.store.get_user_by_key(&pool.id, &k).await?,
            UserRef::Sub(s) => self.store.get_user_by_sub(&pool.id, s).await?,
        };
        match found {
            Some(u) => Ok(Some(u)),
            None => self.find_by_alias(pool, username).await,
        }
    }

    /// A sign-in with a password: an unknown name goes to the UserMigration hook (if any),
    /// a known one past the PreAuthentication hook, then the password is checked.
    pub async fn password_login(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        username: &str,
        password: &str,
        client_ip: &str,
    ) -> Result<LoginOutcome> {
        let attempt = self
            .login_attempt(pool, username, client_ip, client_id)
            .await?;
        let user = self.find_user(pool, username).await?;
        if user.is_none()
            && !attempt.throttled()
            && let Some(migrated) = self
                .migrate_user(pool, client_id, username, Some(password))
                .await?
        {
            // The legacy store checked the password.
            return self.login_verified(pool, &attempt, migrated, None).await;
        }
        if let (Some(u), false) = (&user, attempt.throttled()) {
            self.pre_authentication(pool, client_id, u).await?;
            // Imported without a password: no password can be right, so the answer is
            // the reset (as Cognito answers imported users), and a code goes out for it.
            if u.enabled && u.status == UserStatus::ResetRequired && u.password_hash.is_none() {
                if let Err(e) = self.forgot_password_at_once(pool, &u.username).await {
                    tracing::warn!(pool = %pool.id, error = ?e, "no reset code for an imported user");
                }
                return Ok(LoginOutcome::Failed(LoginFailure::ResetRequired));
            }
        }
        let verified = match (&user, attempt.throttled()) {
            (Some(u), false) => match &u.password_hash {
                // Imported for the password import hook: it says whether the password is
                // right; if so, the password is hashed here from then on.
                Some(h) if h == PASSWORD_IMPORT_HOOK => {
                    self.password_import_check(pool, u, password, client_ip)
                        .await
                }
                // Copied from a Cognito pool: that pool says whether the password is right.
                Some(h) if h == COGNITO_SOURCE => {
                    self.cognito_source_check(pool, u, password).await
                }
                Some(h) => self.verify_password(password, h).await?,
                None => false,
            },
            // Spend the same time as a real check, so timing does not tell who exists.
            _ => {
                self.hash_password(password).await?;
                false
            }
        };
        match user {
            Some(u) if verified && u.enabled => {
                self.login_verified(pool, &attempt, u, Some(password)).await
            }
            _ => self.login_failed(pool, &attempt).await,
        }
    }

    /// Completes a FORCE_CHANGE_PASSWORD sign-in (the PostAuthentication hook runs before
    /// the new password is saved). The policy is checked before the challenge is spent, so
    /// a rejected password can be retried.
    pub async fn complete_new_password(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
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
        let sub = record
            .payload
            .get("sub")
            .and_then(Value::as_str)
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .ok_or_else(|| Error::internal("new-password record without sub"))?;
        let user = self
            .store
            .get_user_by_sub(&pool.id, sub)
            .await?
            .filter(|u| u.enabled && u.status == UserStatus::ForceChangePassword)
            .ok_or_else(|| Error::invalid("This sign-in has expired. Please sign in again."))?;
        self.post_authentication(pool, client_id, &user).await?;
        self.install_password(pool, user, new_password, UserStatus::Confirmed, None)
            .await
    }

    pub async fn verify_password(&self, password: &str, stored: &str) -> Result<bool> {
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
    /// first successful sign-in, and users without an SRP verifier (imported, or created
    /// before SRP) get one, so USER_SRP_AUTH works from then on.
    async fn upgrade_credentials(
        &self,
        pool: &UserPool,
        mut user: User,
        password: &str,
    ) -> Result<User> {
        let rehash = user
            .password_hash
            .as_deref()
            .is_some_and(|h| self.hasher.needs_rehash(h));
        if !rehash && user.srp.is_some() {
            return Ok(user);
        }
        if rehash {
            user.password_hash = Some(self.hash_password(password).await?);
        }
        if user.srp.is_none() {
            user.srp = Some(self.srp_verifier(pool, &user.username, password).await?);
        }
        user.updated_at = self.now();
        self.store.update_user(&user, None).await?;
        Ok(user)
    }
}
