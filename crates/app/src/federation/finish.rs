//! The protocol-neutral end of an upstream sign-in: the provider the pending sign-in was
//! started at, and, once its answer is verified (OIDC or SAML), the pool user it signs in
//! as and what the session keeps of it for logout.

use super::FedError;
use super::pending::{Pending, Upstream};
use crate::App;
use portcullis_core::idp::IdentityProvider;
use portcullis_core::pool::UserPool;
use portcullis_core::session::UpstreamSignIn;
use portcullis_core::user::User;

/// Who a verified upstream answer signs in, and what their session remembers.
#[derive(Debug)]
pub struct FederatedSignIn {
    pub user: User,
    pub kept: UpstreamSignIn,
}

impl App {
    /// The provider `pending` was started at; a provider deleted meanwhile fails the sign-in.
    pub async fn pending_provider(
        &self,
        pool: &UserPool,
        pending: &Pending,
    ) -> Result<IdentityProvider, FedError> {
        self.store
            .get_idp(&pool.id, &pending.provider)
            .await?
            .ok_or_else(|| FedError::Internal("the provider was deleted".into()))
    }

    /// After the answer is verified: the user (found, provisioned or linked) and what the
    /// session keeps. Nothing is half-written: a failure here creates no session.
    pub async fn federation_sign_in(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        upstream: &Upstream,
    ) -> Result<FederatedSignIn, FedError> {
        let user = self.federated_user(pool, idp, upstream).await?;
        let kept = self.upstream_sign_in(pool, idp, upstream)?;
        Ok(FederatedSignIn { user, kept })
    }
}
