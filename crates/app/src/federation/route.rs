//! Which provider an authorization request goes to: the one it names
//! (`identity_provider`), the one owning its `idp_identifier`, or the one whose identifiers
//! contain the email domain of its `login_hint` (or of the address typed on the sign-in
//! page). Only providers the app client supports are eligible; `None` means the pool's own
//! sign-in page.

use crate::App;
use portcullis_core::Result;
use portcullis_core::client::{AppClient, SignInSource};
use portcullis_core::idp::{IdentityProvider, ProviderType};
use portcullis_core::oauth::OAuthError;
use portcullis_core::oauth::authorize::AuthorizeRequest;
use portcullis_core::pool::UserPool;

fn eligible(client: &AppClient, idp: &IdentityProvider) -> bool {
    matches!(idp.provider_type(), ProviderType::Oidc | ProviderType::Saml)
        && client.supported_identity_providers.contains(&idp.name)
}

/// The lowercased domain of an email address.
pub fn email_domain(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    (!local.is_empty() && !domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

impl App {
    /// The provider for `email`'s domain among those the client supports.
    pub async fn provider_for_email(
        &self,
        pool: &UserPool,
        client: &AppClient,
        email: &str,
    ) -> Result<Option<IdentityProvider>> {
        let Some(domain) = email_domain(email) else {
            return Ok(None);
        };
        Ok(self
            .store
            .idp_by_identifier(&pool.id, &domain)
            .await?
            .filter(|idp| eligible(client, idp)))
    }

    /// The upstream provider for this request, `Ok(None)` for the local sign-in page, or the
    /// error to send the app when the request names a provider that cannot be used.
    pub async fn route_request(
        &self,
        pool: &UserPool,
        client: &AppClient,
        req: &AuthorizeRequest,
    ) -> std::result::Result<Option<IdentityProvider>, RouteError> {
        if let Some(name) = req.identity_provider.as_deref() {
            if SignInSource::of(name) == SignInSource::Directory {
                return Ok(None);
            }
            return match self.store.get_idp(&pool.id, name).await? {
                Some(idp) if eligible(client, &idp) => Ok(Some(idp)),
                _ => Err(RouteError::OAuth(OAuthError::invalid_request(
                    "unknown identity provider",
                ))),
            };
        }
        if let Some(id) = req.idp_identifier.as_deref() {
            return match self.store.idp_by_identifier(&pool.id, id).await? {
                Some(idp) if eligible(client, &idp) => Ok(Some(idp)),
                _ => Err(RouteError::OAuth(OAuthError::invalid_request(
                    "no identity provider has that identifier",
                ))),
            };
        }
        if let Some(hint) = req.login_hint.as_deref() {
            return Ok(self.provider_for_email(pool, client, hint).await?);
        }
        Ok(None)
    }
}

#[derive(Debug)]
pub enum RouteError {
    OAuth(OAuthError),
    Store(portcullis_core::Error),
}

impl From<portcullis_core::Error> for RouteError {
    fn from(e: portcullis_core::Error) -> Self {
        RouteError::Store(e)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn domains_of_addresses() {
        assert_eq!(
            super::email_domain(" Ann@ACME.example ").as_deref(),
            Some("acme.example")
        );
        assert_eq!(super::email_domain("ann"), None);
        assert_eq!(super::email_domain("@acme.example"), None);
        assert_eq!(super::email_domain("ann@"), None);
    }
}
