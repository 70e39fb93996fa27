//! The smaller command groups: identity providers, the outbox, access keys, signing keys.

use super::*;

#[derive(Debug, Subcommand)]
pub enum IdpCmd {
    /// Add an OIDC provider (Cognito's ProviderDetails as --detail key=value).
    Create {
        #[arg(long)]
        pool: String,
        /// The provider's name in this pool (also the prefix of its users' usernames).
        #[arg(long)]
        name: String,
        /// OIDC (SAML and the social types are stored but do not sign anyone in yet).
        #[arg(long = "type", default_value = "OIDC")]
        provider_type: String,
        /// client_id, client_secret, authorize_scopes, oidc_issuer, attributes_request_method,
        /// link_verified_email, token_endpoint_auth_method, ...; repeat for several.
        #[arg(long = "detail")]
        details: Vec<String>,
        /// pool_attribute=upstream_claim, e.g. email=email; repeat for several.
        #[arg(long = "map")]
        mapping: Vec<String>,
        /// An identifier (usually an email domain) that routes users here; repeat for several.
        #[arg(long = "identifier")]
        identifiers: Vec<String>,
    },
    List(PoolRef),
    Get {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        name: String,
    },
    Delete {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCmd {
    /// The newest messages, with their delivery status.
    List {
        #[arg(long)]
        pool: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccessKeyCmd {
    /// A new key; prints access_key_id and secret_access_key (shown only now).
    Create {
        /// A pool the key may administer; repeat for several. None: every pool.
        #[arg(long = "pool")]
        pools: Vec<String>,
    },
    List,
    Delete {
        #[arg(long)]
        access_key_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Make a new active signing key; the previous one stays published until the next rotation.
    Rotate(PoolRef),
    List(PoolRef),
}
