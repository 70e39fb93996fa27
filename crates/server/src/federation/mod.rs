//! Federation: users of a pool signing in through an upstream OIDC or SAML identity provider.
//! We are the relying party / service provider: `route` picks the provider, `pending` keeps
//! the sign-in in flight, `oidc` (with `upstream`'s cached metadata and keys) and `saml` run
//! the protocols, `users` turns the upstream identity into a pool user (created, updated, or
//! linked), and `logout` signs out upstream too. The claim rules are in `core::federation`.

pub mod addresses;
pub mod fetch;
pub mod logout;
pub mod oidc;
pub mod pending;
pub mod route;
#[cfg(feature = "saml")]
pub mod saml;
#[cfg(feature = "saml")]
pub mod saml_keys;
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
}

impl std::fmt::Display for FedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FedError::Unavailable(m) => write!(f, "identity provider unavailable: {m}"),
            FedError::Invalid(m) => write!(f, "identity provider answer refused: {m}"),
            FedError::Denied(m) => write!(f, "identity provider refused the sign-in: {m}"),
            FedError::Internal(m) => write!(f, "federation failed on our side: {m}"),
        }
    }
}

/// Our side failed (a store, the master key, a task): the detail is for the logs.
pub(crate) fn internal(e: impl std::fmt::Display) -> FedError {
    FedError::Internal(e.to_string())
}

impl From<portcullis_core::Error> for FedError {
    fn from(e: portcullis_core::Error) -> Self {
        FedError::Internal(e.to_string())
    }
}

impl From<fetch::FetchError> for FedError {
    fn from(e: fetch::FetchError) -> Self {
        FedError::Unavailable(e.0)
    }
}
