//! Reads the protocol adapters need on their way to an operation: a client, a user, a
//! provider, an access key, a pool by its domain, and the store's health. Each is one store
//! read, named for what it finds, so the adapters never hold the store themselves.

use crate::App;
use portcullis_core::Result;
use portcullis_core::access_key::AccessKey;
use portcullis_core::client::AppClient;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::idp::IdentityProvider;
use portcullis_core::ids::PoolId;
use portcullis_core::pool::UserPool;
use portcullis_core::session::RefreshState;
use portcullis_core::user::User;
use portcullis_crypto::tokens::token_hash;

/// Whether a single-use mark was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    First,
    AlreadySpent,
}

impl App {
    pub async fn pool_client(&self, pool: &PoolId, client_id: &str) -> Result<Option<AppClient>> {
        self.store.get_client(pool, client_id).await
    }

    /// A client by its id alone (Cognito's unsigned calls name only the client).
    pub async fn client_anywhere(&self, client_id: &str) -> Result<Option<AppClient>> {
        self.store.find_client(client_id).await
    }

    /// `user` as the app client `client_id` may see them: only the attributes of its
    /// ReadAttributes, never developer-only ones. `None` when the client no longer exists.
    pub async fn as_seen_by(
        &self,
        pool: &UserPool,
        client_id: &str,
        mut user: User,
    ) -> Result<Option<User>> {
        let Some(client) = self.store.get_client(&pool.id, client_id).await? else {
            return Ok(None);
        };
        user.attributes = pool
            .settings
            .user_visible(&client.readable(&user.attributes));
        Ok(Some(user))
    }

    pub async fn user_by_sub(&self, pool: &PoolId, sub: uuid::Uuid) -> Result<Option<User>> {
        self.store.get_user_by_sub(pool, sub).await
    }

    pub async fn pool_idp(&self, pool: &PoolId, name: &str) -> Result<Option<IdentityProvider>> {
        self.store.get_idp(pool, name).await
    }

    pub async fn idp_for_identifier(
        &self,
        pool: &PoolId,
        identifier: &str,
    ) -> Result<Option<IdentityProvider>> {
        self.store.idp_by_identifier(pool, identifier).await
    }

    pub async fn access_key(&self, key_id: &str) -> Result<Option<AccessKey>> {
        self.store.get_access_key(key_id).await
    }

    /// A refresh token's state, by the token itself.
    pub async fn refresh_state(&self, pool: &PoolId, token: &str) -> Result<Option<RefreshState>> {
        self.store.get_refresh(pool, &token_hash(token)).await
    }

    pub async fn pool_for_domain(&self, domain: &str) -> Result<Option<UserPool>> {
        self.store.pool_by_domain(domain).await
    }

    /// Marks `key` spent for `kind` until `expires_at`, on every node at once.
    pub async fn mark_spent(
        &self,
        pool: &PoolId,
        kind: &str,
        key: &str,
        expires_at: i64,
    ) -> Result<Marked> {
        let record = OneTimeRecord {
            pool_id: pool.clone(),
            kind: kind.to_owned(),
            key_hash: token_hash(key),
            payload: serde_json::json!({}),
            expires_at,
        };
        match self.store.put_one_time(&record).await {
            Ok(()) => Ok(Marked::First),
            Err(portcullis_core::Error::Conflict(_)) => Ok(Marked::AlreadySpent),
            Err(e) => Err(e),
        }
    }

    /// Whether the store answers a query (readiness).
    pub async fn store_ready(&self) -> Result<()> {
        self.store.ping().await
    }

    pub fn store_backend(&self) -> &'static str {
        self.store.backend_name()
    }
}
