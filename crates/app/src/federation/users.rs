//! From a verified upstream identity to the pool user it signs in as: a user linked to that
//! identity; else the federated user `Provider_subject`, created on first sign-in with status
//! EXTERNAL_PROVIDER and refreshed from the mapping at every sign-in; else, only under the
//! provider's opt-in policy and with an upstream-verified email, the one local user with that
//! email, linked from then on. Administrators link and unlink with
//! AdminLinkProviderForUser / AdminDisableProviderForUser.

use super::FedError;
use super::pending::Upstream;
use crate::App;
use portcullis_core::error::Entity;
use portcullis_core::federation::provision::{self, Identity};
use portcullis_core::idp::IdentityProvider;
use portcullis_core::pool::UserPool;
use portcullis_core::user::{User, UserStatus, check_username};
use portcullis_core::{Error, Result};
use std::collections::BTreeMap;

/// The email domains a provider is trusted for when linking: its identifiers and its
/// `link_email_domains` (not a Cognito detail).
fn link_domains(idp: &IdentityProvider) -> Vec<String> {
    idp.identifiers
        .iter()
        .chain(&idp.details.linking.domains)
        .cloned()
        .collect()
}

/// The upstream claims as pool attributes, by the provider's mapping. Custom attributes the
/// pool does not declare (or whose values do not fit) stay out, and are logged.
fn fitting_attributes(
    pool: &UserPool,
    idp: &IdentityProvider,
    up: &Upstream,
) -> BTreeMap<String, String> {
    let (mut mapped, mut refused) = provision::map_attributes(&idp.attribute_mapping, &up.claims);
    mapped.retain(|name, value| {
        let fits = portcullis_core::schema::check_one(
            &pool.settings.custom_attributes,
            name,
            value,
            portcullis_core::schema::Write::Create,
        )
        .is_ok();
        if !fits {
            refused.push(name.clone());
        }
        fits
    });
    if !refused.is_empty() {
        tracing::warn!(provider = %idp.name, attributes = ?refused, "upstream claims left out: not valid attribute values");
    }
    mapped
}

/// A user who may sign in (a disabled one may not, linked or not).
fn usable(u: User) -> std::result::Result<User, FedError> {
    if u.enabled {
        Ok(u)
    } else {
        Err(FedError::Denied("the user is disabled".into()))
    }
}

/// Cognito's limit of linked identities per user.
const MAX_LINKS: usize = 5;

impl App {
    /// The pool user an upstream identity signs in as: the one it is linked to, the one made
    /// at its first sign-in (attributes refreshed), a local user it may link to by verified
    /// email, or a new one.
    pub async fn federated_user(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        up: &Upstream,
    ) -> std::result::Result<User, FedError> {
        let username = provision::username(&idp.name, &up.subject);
        let rewritten = self
            .inbound_federation(pool, idp, &username, &up.claims)
            .await?
            .map(|claims| Upstream {
                claims,
                ..up.clone()
            });
        let up = rewritten.as_ref().unwrap_or(up);
        let mapped = fitting_attributes(pool, idp, up);
        if let Some(sub) = self
            .store
            .linked_user(&pool.id, &idp.name, &up.subject)
            .await?
            && let Some(u) = self.store.get_user_by_sub(&pool.id, sub).await?
        {
            return usable(u);
        }
        check_username(&username)
            .map_err(|_| FedError::Invalid("the upstream subject cannot form a username".into()))?;
        let key = pool.username_key(&username);
        if let Some(mut u) = self.store.get_user_by_key(&pool.id, &key).await? {
            if u.status == UserStatus::ExternalProvider && !mapped.is_empty() {
                u.attributes.extend(mapped);
                u.updated_at = self.now();
                self.store.update_user(&u, None).await?;
            }
            return usable(u);
        }
        if let Some(u) = self.link_by_email(pool, idp, up, &mapped).await? {
            return usable(u);
        }
        pool.check_required(&mapped)
            .map_err(|e| FedError::Invalid(format!("mapped attributes: {e}")))?;
        let now = self.now();
        let mut attributes = mapped;
        attributes.insert(
            "identities".into(),
            provision::identities_attribute(&[identity(idp, &up.subject, now)]),
        );
        let mut user = User {
            pool_id: pool.id.clone(),
            sub: uuid::Uuid::new_v4(),
            username,
            status: UserStatus::ExternalProvider,
            enabled: true,
            attributes,
            password_hash: None,
            srp: None,
            created_at: now,
            updated_at: now,
        };
        // A federated user's status stays EXTERNAL_PROVIDER; the hook may verify attributes.
        let source = crate::hooks::account::SignUpSource::ExternalProvider;
        let decision = self.pre_sign_up(pool, source, None, &user, None).await?;
        decision.without_confirmation().apply(&mut user)?;
        match self.store.create_user(&user, &key).await {
            Ok(()) => Ok(user),
            // A concurrent first sign-in of the same person created it a moment ago.
            Err(Error::Conflict(_)) => match self.store.get_user_by_key(&pool.id, &key).await? {
                Some(u) => usable(u),
                None => Err(FedError::Internal("user vanished".into())),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// The local user a first sign-in links to, when the provider opted in
    /// (`link_verified_email`, not a Cognito detail), the address is in a domain it is
    /// trusted for, exactly one local user has it, and that user proved it.
    async fn link_by_email(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        up: &Upstream,
        mapped: &BTreeMap<String, String>,
    ) -> std::result::Result<Option<User>, FedError> {
        let trusted = idp.details.linking.enabled;
        if !provision::may_link_by_email(trusted, &link_domains(idp), mapped) {
            return Ok(None);
        }
        let Some(email) = mapped.get("email") else {
            return Ok(None);
        };
        let local: Vec<User> = self
            .store
            .users_with_email(&pool.id, email)
            .await?
            .into_iter()
            .filter(|u| u.status != UserStatus::ExternalProvider)
            .collect();
        let [u] = local.as_slice() else {
            return Ok(None);
        };
        if !provision::may_receive_link(u) {
            return Ok(None);
        }
        self.link(pool, idp, &up.subject, u).await?;
        tracing::info!(provider = %idp.name, user = %u.sub, "upstream identity linked by verified email");
        Ok(Some(u.clone()))
    }

    /// Links the upstream identity to `user` and records it in the user's `identities`.
    async fn link(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        subject: &str,
        user: &User,
    ) -> Result<User> {
        let now = self.now();
        let linked = user
            .attributes
            .get("identities")
            .map(|a| provision::parse_identities(a).len())
            .unwrap_or(0);
        if linked >= MAX_LINKS {
            return Err(Error::invalid(format!(
                "a user can have at most {MAX_LINKS} linked identities"
            )));
        }
        self.store
            .link_identity(&pool.id, &idp.name, subject, user.sub, now)
            .await?;
        let mut u = user.clone();
        let mut list = u
            .attributes
            .get("identities")
            .map(|a| provision::parse_identities(a))
            .unwrap_or_default();
        list.push(identity(idp, subject, now));
        u.attributes
            .insert("identities".into(), provision::identities_attribute(&list));
        u.updated_at = now;
        self.store.update_user(&u, None).await?;
        Ok(u)
    }

    /// AdminLinkProviderForUser: from now on, signing in at `provider` as `subject` signs in
    /// as `username` (a local user).
    pub async fn link_provider(
        &self,
        pool_id: &str,
        username: &str,
        provider: &str,
        subject: &str,
    ) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        let idp = self
            .store
            .get_idp(&pool.id, provider)
            .await?
            .ok_or_else(|| Error::invalid(format!("no identity provider named {provider:?}")))?;
        let user = self.user(pool_id, username).await?;
        if user.status == UserStatus::ExternalProvider {
            return Err(Error::invalid(
                "the destination must be a local user, not a federated one",
            ));
        }
        let federated = provision::username(provider, subject);
        if self
            .store
            .get_user_by_key(&pool.id, &pool.username_key(&federated))
            .await?
            .is_some()
        {
            return Err(Error::invalid(format!(
                "{federated} already exists as a user; delete it before linking its identity"
            )));
        }
        self.link(&pool, &idp, subject, &user).await
    }

    /// AdminDisableProviderForUser: removes the link (and the identity from the user's
    /// `identities`), or disables the federated user `Provider_subject`.
    pub async fn unlink_provider(
        &self,
        pool_id: &str,
        provider: &str,
        subject: &str,
    ) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        if let Some(sub) = self.store.linked_user(&pool.id, provider, subject).await? {
            self.store
                .unlink_identity(&pool.id, provider, subject)
                .await?;
            if let Some(mut u) = self.store.get_user_by_sub(&pool.id, sub).await? {
                let rest: Vec<Identity> = u
                    .attributes
                    .get("identities")
                    .map(|a| provision::parse_identities(a))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|i| !(i.provider_name == provider && i.user_id == subject))
                    .collect();
                if rest.is_empty() {
                    u.attributes.remove("identities");
                } else {
                    u.attributes
                        .insert("identities".into(), provision::identities_attribute(&rest));
                }
                u.updated_at = self.now();
                self.store.update_user(&u, None).await?;
            }
            return Ok(());
        }
        let key = pool.username_key(&provision::username(provider, subject));
        match self.store.get_user_by_key(&pool.id, &key).await? {
            Some(mut u) if u.status == UserStatus::ExternalProvider => {
                u.enabled = false;
                u.updated_at = self.now();
                self.store.update_user(&u, None).await?;
                self.store
                    .revoke_user_tokens(&pool.id, u.sub, self.now(), None)
                    .await?;
                Ok(())
            }
            _ => Err(Error::NotFound(Entity::User)),
        }
    }
}

fn identity(idp: &IdentityProvider, subject: &str, now: i64) -> Identity {
    Identity {
        provider_name: idp.name.clone(),
        provider_type: idp.provider_type().as_str().to_owned(),
        user_id: subject.to_owned(),
        date_created_ms: now * 1000,
    }
}
