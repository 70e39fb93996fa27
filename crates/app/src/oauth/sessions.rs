//! Hosted-UI sign-in sessions: a random id in an HttpOnly cookie, its hash in the store.

use crate::App;
use portcullis_core::Result;
use portcullis_core::ids::PoolId;
use portcullis_core::session::{SESSION_TTL_SECS, Session, UpstreamSignIn};
use portcullis_core::user::User;
use portcullis_crypto::tokens::{random_token, token_hash};

impl App {
    /// A new session (a new id at every sign-in, so a planted id is never promoted).
    /// Returns the cookie value.
    pub async fn create_session(
        &self,
        user: &User,
        upstream: Option<UpstreamSignIn>,
    ) -> Result<(String, Session)> {
        let id = random_token().map_err(crate::admin::crypto_err)?;
        let now = self.now();
        let session = Session {
            pool_id: user.pool_id.clone(),
            id_hash: token_hash(&id),
            sub: user.sub,
            auth_time: now,
            created_at: now,
            expires_at: now + SESSION_TTL_SECS,
            upstream,
        };
        self.store.create_session(&session).await?;
        Ok((id, session))
    }

    /// The live session behind a cookie value, with its (enabled) user.
    pub async fn session(&self, pool: &PoolId, cookie: &str) -> Result<Option<(Session, User)>> {
        let Some(session) = self
            .store
            .get_session(pool, &token_hash(cookie), self.now())
            .await?
        else {
            return Ok(None);
        };
        match self.store.get_user_by_sub(pool, session.sub).await? {
            Some(user) if user.enabled => Ok(Some((session, user))),
            _ => Ok(None),
        }
    }

    pub async fn end_session(&self, pool: &PoolId, cookie: &str) -> Result<()> {
        self.store
            .revoke_session(pool, &token_hash(cookie), self.now())
            .await
    }
}
