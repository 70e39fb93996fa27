//! Portcullis crypto: pure functions over bytes. RS256 signing keys and JWKS
//! ([`signing`]), sealing secrets at rest with the master key ([`master_key`]), password
//! hashing and legacy-hash verification ([`password`]), client secrets ([`client_secret`]).
//! One backend (aws-lc-rs) for every asymmetric and AEAD operation.

pub mod b64;
pub mod client_secret;
pub mod imported;
pub mod master_key;
pub mod password;
pub mod secret;
pub mod secret_hash;
pub mod signing;
pub mod sigv4;
pub mod srp;
pub mod tokens;
pub mod webhook;

pub use secret::Secret;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("key generation failed")]
    KeyGeneration,
    #[error("key rejected: {0}")]
    KeyRejected(String),
    #[error("signing failed")]
    Signing,
    #[error("sealed data could not be opened (wrong master key or tampered data)")]
    Unseal,
    #[error("malformed input: {0}")]
    Malformed(String),
    #[error("unsupported hash format")]
    UnsupportedHash,
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("invalid token")]
    InvalidToken,
}

pub type Result<T, E = CryptoError> = std::result::Result<T, E>;
