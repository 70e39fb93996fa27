//! Federation: users of a pool signing in through an upstream OIDC or SAML identity provider.
//! We are the relying party / service provider: `route` picks the provider, `pending` keeps
//! the sign-in in flight, `oidc` (with `upstream`'s cached metadata and keys) and `saml` run
//! the protocols, `users` turns the upstream identity into a pool user (created, updated, or
//! linked), and `logout` signs out upstream too. The claim rules are in `core::federation`.

pub mod addresses;
pub mod fetch;
pub mod finish;
pub mod logout;
pub mod oidc;
pub mod pending;
pub mod route;
#[cfg(feature = "saml")]
pub mod saml;
#[cfg(feature = "saml")]
pub mod saml_keys;
#[cfg(feature = "saml")]
pub mod saml_logout;
#[cfg(feature = "saml")]
pub mod saml_metadata;
pub mod upstream;
pub mod users;

/// Why a federated sign-in failed. The details go to the logs; people and apps get a
/// generic word chosen by the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FedError {
    /// The provider could not be reached or answered nonsense (includes timeouts).
    Unavailable(String),
    /// The provider's answer failed a check (signature, issuer, audience, nonce, ...).
    Invalid(String),
    /// The provider said no (`error=` on the callback, or an error from its token endpoint).
    Denied(String),
    /// Our side: a store failure, or a provider configured in a way that cannot work.
    Internal(String),
    /// A hook (PreSignUp, InboundFederation, PreTokenGeneration) refused or failed; its
    /// message is the one thing users are shown, as Cognito's hosted pages show it.
    Hook(portcullis_core::hooks::HookError),
}

impl std::fmt::Display for FedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FedError::Unavailable(m) => write!(f, "identity provider unavailable: {m}"),
            FedError::Invalid(m) => write!(f, "identity provider answer refused: {m}"),
            FedError::Denied(m) => write!(f, "identity provider refused the sign-in: {m}"),
            FedError::Internal(m) => write!(f, "federation failed on our side: {m}"),
            FedError::Hook(h) => write!(f, "a hook stopped the sign-in: {h}"),
        }
    }
}

/// Our side failed (a store, the master key, a task): the detail is for the logs.
pub fn internal(e: impl std::fmt::Display) -> FedError {
    FedError::Internal(e.to_string())
}

/// What a domain refusal means for a sign-in in flight: the upstream identity could not be
/// taken in (something it named is gone, or collides with what exists, or breaks a rule) is
/// the provider's answer being refused; only store and crypto failures are ours.
impl From<portcullis_core::Error> for FedError {
    fn from(e: portcullis_core::Error) -> Self {
        use portcullis_core::Error as E;
        match e {
            E::InvalidRequest(_) | E::PolicyViolation(_) | E::NotFound(_) | E::Conflict(_) => {
                FedError::Invalid(e.to_string())
            }
            E::Unauthorized => FedError::Denied(e.to_string()),
            E::Internal(_) => FedError::Internal(e.to_string()),
            E::Hook(h) => FedError::Hook(h),
        }
    }
}

impl From<fetch::FetchError> for FedError {
    fn from(e: fetch::FetchError) -> Self {
        FedError::Unavailable(e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::FedError;
    use portcullis_core::Error;
    use portcullis_core::error::Entity;

    #[test]
    fn domain_refusals_are_not_internal_failures() {
        let kind = |e: Error| match FedError::from(e) {
            FedError::Invalid(_) => "invalid",
            FedError::Denied(_) => "denied",
            FedError::Internal(_) => "internal",
            FedError::Unavailable(_) => "unavailable",
            FedError::Hook(_) => "hook",
        };
        assert_eq!(kind(Error::NotFound(Entity::User)), "invalid");
        assert_eq!(kind(Error::Conflict(Entity::User)), "invalid");
        assert_eq!(kind(Error::invalid("too many links")), "invalid");
        assert_eq!(kind(Error::Unauthorized), "denied");
        assert_eq!(kind(Error::internal("disk full")), "internal");
        let refused = portcullis_core::hooks::HookError {
            trigger: portcullis_core::hooks::Trigger::PreSignUp,
            failure: portcullis_core::hooks::HookFailure::Refused("closed".into()),
        };
        assert_eq!(kind(Error::Hook(refused)), "hook");
    }
}
