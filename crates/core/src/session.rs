//! Server-side records behind what a browser or client holds: sign-in sessions (the hosted
//! UI's cookie), token families (everything issued from one authentication, revoked as one,
//! keyed by `origin_jti`) and refresh tokens. Secrets are stored only as hashes.

use crate::clock::UnixTime;
use crate::ids::PoolId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The hosted UI's sign-in session (Cognito: 1 hour).
pub const SESSION_TTL_SECS: i64 = 3600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub pool_id: PoolId,
    pub id_hash: String,
    pub sub: Uuid,
    pub auth_time: UnixTime,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    /// Set when the session signed in through an upstream provider.
    pub upstream: Option<UpstreamSignIn>,
}

/// The upstream side of a federated session, for signing out there too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamSignIn {
    pub provider: String,
    /// The provider's ID token (its `id_token_hint` at sign-out), sealed by the master key.
    pub id_token_sealed: Option<String>,
    /// For SAML: who to name in a LogoutRequest.
    #[serde(default)]
    pub saml: Option<SamlSignIn>,
}

/// The SAML subject and session of a federated sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlSignIn {
    pub name_id: String,
    pub name_id_format: Option<String>,
    pub session_index: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFamily {
    pub pool_id: PoolId,
    /// Also the `origin_jti` claim of every token in the family.
    pub family_id: String,
    pub client_id: String,
    pub sub: Uuid,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshToken {
    pub pool_id: PoolId,
    pub token_hash: String,
    pub family_id: String,
    pub client_id: String,
    pub sub: Uuid,
    pub scopes: Vec<String>,
    pub auth_time: UnixTime,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

/// A refresh token as found, with what has happened to it and its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshState {
    pub token: RefreshToken,
    /// When it was exchanged for a successor (rotation), if it was.
    pub rotated_at: Option<UnixTime>,
    /// The successor's hash and, during the grace window, the successor sealed for a retry.
    pub successor_hash: Option<String>,
    pub successor_sealed: Option<String>,
    /// Whether the successor has itself been rotated (grace covers one generation only).
    pub successor_rotated: bool,
    pub family_revoked: bool,
}
