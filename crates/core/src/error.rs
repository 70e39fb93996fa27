//! The one error enum of the domain. Each protocol (OAuth JSON, Cognito `__type`, HTML
//! pages, CLI) maps it to the wire in exactly one place; `Internal` details are for logs.

use std::fmt;

/// What kind of object a `NotFound` or `Conflict` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Pool,
    Client,
    ResourceServer,
    User,
    Group,
    Key,
    Code,
    IdentityProvider,
    /// A sign-in alias (a verified email another user signs in with).
    Alias,
    /// A user import job; `Conflict` means it is not in a state that allows the action.
    ImportJob,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entity::Pool => "user pool",
            Entity::Client => "app client",
            Entity::ResourceServer => "resource server",
            Entity::User => "user",
            Entity::Group => "group",
            Entity::Key => "signing key",
            Entity::Code => "code",
            Entity::IdentityProvider => "identity provider",
            Entity::Alias => "alias",
            Entity::ImportJob => "import job",
        })
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The caller sent something malformed or out of range; the message says what.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("{0} not found")]
    NotFound(Entity),
    #[error("{0} already exists")]
    Conflict(Entity),
    /// A password or other value broke a pool policy; the message is safe to show.
    #[error("policy violation: {0}")]
    PolicyViolation(String),
    /// Bad or missing credentials. Never says which part was wrong.
    #[error("not authorized")]
    Unauthorized,
    /// A hook (a Lambda trigger) refused, failed or answered badly; nothing was changed.
    #[error("{0}")]
    Hook(crate::hooks::HookError),
    /// A storage or crypto failure. The text goes to the log, never to a client.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidRequest(msg.into())
    }
    pub fn internal(msg: impl fmt::Display) -> Self {
        Error::Internal(msg.to_string())
    }
}
