use crate::App;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::pool::UserRef;
use portcullis_core::user::{User, UserStatus};
use portcullis_core::{Error, Result};
use portcullis_store::Page;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
    /// `None`: a temporary password is generated.
    pub password: Option<String>,
    /// The password must be changed at first sign-in (FORCE_CHANGE_PASSWORD).
    pub temporary: bool,
}

#[derive(Debug)]
pub struct CreatedUser {
    pub user: User,
    /// Set when Portcullis generated the (temporary) password.
    pub generated_password: Option<String>,
}

impl App {
    /// Creates a user with a hashed password: CONFIRMED with a permanent password,
    /// FORCE_CHANGE_PASSWORD with a temporary (given or generated) one.
    pub async fn create_user(&self, pool_id: &str, req: NewUser) -> Result<CreatedUser> {
        let pool = self.pool(pool_id).await?;
        let (password, generated, temporary) = match req.password {
            Some(p) => (p, None, req.temporary),
            None => {
                let p = pool.settings.password_policy.generate_temporary();
                (p.clone(), Some(p), true)
            }
        };
        pool.settings.password_policy.check(&password)?;
        let status = if temporary {
            UserStatus::ForceChangePassword
        } else {
            UserStatus::Confirmed
        };
        // The username becomes the sign-in attribute where there is one, then required
        // attributes are checked.
        let mut user = User::new(&pool, &req.username, req.attributes, status, self.now())?;
        pool.check_required(&user.attributes)?;
        self.check_alias_free(&pool, &user).await?;
        // An administrator's user is FORCE_CHANGE_PASSWORD or CONFIRMED by the call itself;
        // the hook may still verify attributes, as in Cognito.
        let source = crate::hooks::account::SignUpSource::AdminCreateUser;
        let decision = self.pre_sign_up(&pool, source, None, &user, None).await?;
        decision.without_confirmation().apply(&mut user)?;
        user.password_hash = Some(self.hash_password(&password).await?);
        user.srp = Some(self.srp_verifier(&pool, &user.username, &password).await?);
        self.store
            .create_user(&user, &user.sign_in_key(&pool))
            .await?;
        Ok(CreatedUser {
            user,
            generated_password: generated,
        })
    }

    /// Finds a user by username (or email / sub, as the pool's username rules allow).
    pub async fn user(&self, pool_id: &str, username: &str) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        let found = match pool.user_ref(username) {
            UserRef::Key(key) => self.store.get_user_by_key(&pool.id, &key).await?,
            UserRef::Sub(sub) => self.store.get_user_by_sub(&pool.id, sub).await?,
        };
        found.ok_or(Error::NotFound(Entity::User))
    }

    pub async fn list_users(
        &self,
        pool_id: &str,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page<User>> {
        let pool = self.pool(pool_id).await?;
        self.store.list_users(&pool.id, limit, after).await
    }

    /// How many users the pool has.
    pub async fn count_users(&self, pool: &PoolId) -> Result<u64> {
        self.store.count_users(pool).await
    }

    pub async fn delete_user(&self, pool_id: &str, username: &str) -> Result<()> {
        let user = self.user(pool_id, username).await?;
        self.store.delete_user(&user.pool_id, user.sub).await
    }

    /// Sets a password (policy-checked). Permanent: the user becomes CONFIRMED; temporary:
    /// FORCE_CHANGE_PASSWORD. Cognito's AdminSetUserPassword. Every session, refresh token
    /// and outstanding authorization code of the user ends with the old password.
    pub async fn set_password(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        permanent: bool,
    ) -> Result<User> {
        self.replace_password(pool_id, username, password, permanent, None)
            .await
    }

    /// [`App::set_password`], keeping the token family `keep` (the caller's own, when users
    /// change their password themselves) alive.
    pub async fn replace_password(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        permanent: bool,
        keep: Option<&str>,
    ) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        let user = self.user(pool_id, username).await?;
        if user.status == UserStatus::ExternalProvider {
            return Err(Error::invalid("federated users have no password here"));
        }
        pool.settings.password_policy.check(password)?;
        let status = if permanent {
            UserStatus::Confirmed
        } else {
            UserStatus::ForceChangePassword
        };
        self.install_password(&pool, user, password, status, keep)
            .await
    }

    /// Every way a user gets a new password (admin, self-service change, forgotten-password
    /// reset, the new-password challenge) ends here: the argon2id hash and SRP verifier,
    /// the new `status`, saved; then everything the old password started ends: the user's
    /// sessions, refresh families (all but `keep`) and outstanding authorization codes.
    /// The caller has checked the pool's password policy.
    pub(crate) async fn install_password(
        &self,
        pool: &portcullis_core::pool::UserPool,
        mut user: User,
        password: &str,
        status: UserStatus,
        keep: Option<&str>,
    ) -> Result<User> {
        user.password_hash = Some(self.hash_password(password).await?);
        user.srp = Some(self.srp_verifier(pool, &user.username, password).await?);
        user.status = status;
        user.updated_at = self.now();
        self.store.update_user(&user, None).await?;
        self.store
            .revoke_user_tokens(&pool.id, user.sub, self.now(), keep)
            .await?;
        Ok(user)
    }

    /// The SRP salt and verifier for USER_SRP_AUTH (a 3072-bit modular exponentiation).
    pub async fn srp_verifier(
        &self,
        pool: &portcullis_core::pool::UserPool,
        username: &str,
        password: &str,
    ) -> Result<portcullis_core::user::SrpVerifier> {
        let suffix = pool.id.suffix().to_owned();
        let (username, password) = (username.to_owned(), password.to_owned());
        let (salt, verifier) = tokio::task::spawn_blocking(move || {
            portcullis_crypto::srp::new_verifier(&suffix, &username, &password)
        })
        .await
        .map_err(Error::internal)?
        .map_err(super::crypto_err)?;
        Ok(portcullis_core::user::SrpVerifier { salt, verifier })
    }

    /// Hashing costs ~20 ms of CPU: keep it off the async workers.
    pub async fn hash_password(&self, password: &str) -> Result<String> {
        let _slot = self.hash_slots.acquire().await.map_err(Error::internal)?;
        let hasher = self.hasher.clone();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(Error::internal)?
            .map_err(super::crypto_err)
    }
}
