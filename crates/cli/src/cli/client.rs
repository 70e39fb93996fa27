//! `portcullis client …` and `resource-server …`: app clients, their flows and lifetimes.

use super::*;

// A command line is parsed once per process; boxing its larger variants would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum ClientCmd {
    /// Create an app client; prints client_id (and client_secret with --secret).
    Create {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        name: String,
        /// Allowed redirect URI (exact match); repeat for several.
        #[arg(long = "callback-url")]
        callback_urls: Vec<String>,
        /// Allowed sign-out redirect URI; repeat for several.
        #[arg(long = "logout-url")]
        logout_urls: Vec<String>,
        /// Give the client a secret (a confidential client).
        #[arg(long)]
        secret: bool,
        /// An OAuth scope; repeat for several (default for the code flow: openid, email,
        /// profile). `--scopes a,b` is the older spelling, accepted for now.
        #[arg(long = "scope", alias = "scopes", value_delimiter = ',')]
        scopes: Option<Vec<String>>,
        /// An OAuth flow: code, implicit or client_credentials; repeat for several (default:
        /// code when a callback URL is given). `--flows a,b` is accepted for now.
        #[arg(long = "flow", alias = "flows", value_delimiter = ',')]
        flows: Option<Vec<String>>,
        /// A Cognito ExplicitAuthFlows value; repeat for several (default:
        /// ALLOW_REFRESH_TOKEN_AUTH and ALLOW_USER_SRP_AUTH). `--auth-flows a,b` is accepted
        /// for now.
        #[arg(long = "auth-flow", alias = "auth-flows", value_delimiter = ',')]
        auth_flows: Option<Vec<String>>,
        /// Rotate refresh tokens on every use.
        #[arg(long)]
        refresh_rotation: bool,
        /// Seconds the previous refresh token stays valid after rotation (0-60).
        #[arg(long, default_value_t = 0)]
        refresh_grace_secs: u32,
        /// Where users of this client may sign in: COGNITO (the pool's own directory) and/or
        /// identity providers of the pool; repeat for several. Default: COGNITO.
        #[arg(long = "identity-provider")]
        identity_providers: Vec<String>,
        /// A user attribute this client's tokens show (Cognito's ReadAttributes), e.g.
        /// custom:tenant; repeat for several. Default: all.
        #[arg(
            long = "read-attribute",
            alias = "read-attributes",
            value_delimiter = ','
        )]
        read_attributes: Vec<String>,
        /// An attribute users may set through this client (Cognito's WriteAttributes); repeat
        /// for several. Default: all.
        #[arg(
            long = "write-attribute",
            alias = "write-attributes",
            value_delimiter = ','
        )]
        write_attributes: Vec<String>,
        #[command(flatten)]
        lifetimes: LifetimeFlags,
    },
    /// Change a client: only the options given change (unlike the API's
    /// UpdateUserPoolClient, which resets what it omits). A list option replaces the list.
    Update(Box<ClientUpdate>),
    List(PoolRef),
    Get {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        client_id: String,
        /// Include the client secret in the output.
        #[arg(long)]
        show_secret: bool,
    },
    Delete {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        client_id: String,
    },
}

/// The options of `client update`.
#[derive(Debug, Args)]
pub struct ClientUpdate {
    #[arg(long)]
    pub pool: String,
    #[arg(long)]
    pub client_id: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long = "callback-url")]
    pub callback_urls: Option<Vec<String>>,
    #[arg(long = "logout-url")]
    pub logout_urls: Option<Vec<String>>,
    #[arg(long = "scope", value_delimiter = ',')]
    pub scopes: Option<Vec<String>>,
    #[arg(long = "flow", value_delimiter = ',')]
    pub flows: Option<Vec<String>>,
    #[arg(long = "auth-flow", value_delimiter = ',')]
    pub auth_flows: Option<Vec<String>>,
    #[arg(long = "identity-provider")]
    pub identity_providers: Option<Vec<String>>,
    #[arg(long = "read-attribute", value_delimiter = ',')]
    pub read_attributes: Option<Vec<String>>,
    #[arg(long = "write-attribute", value_delimiter = ',')]
    pub write_attributes: Option<Vec<String>>,
    #[command(flatten)]
    pub lifetimes: LifetimeFlags,
}

/// A client's token lifetimes (Cognito's AccessTokenValidity, IdTokenValidity and
/// RefreshTokenValidity), e.g. `60m`, `12h`, `30d`, `900s`.
#[derive(Debug, Args, Default)]
pub struct LifetimeFlags {
    /// Access tokens: 5m to 1d; a bare number is hours. Default: the pool's (1 hour).
    #[arg(long)]
    pub access_token_validity: Option<String>,
    /// ID tokens: 5m to 1d; a bare number is hours. Default: the pool's (1 hour).
    #[arg(long)]
    pub id_token_validity: Option<String>,
    /// Refresh tokens: 1h to 3650d; a bare number is days. Default: the pool's (30 days).
    #[arg(long)]
    pub refresh_token_validity: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ResourceServerCmd {
    Create {
        #[arg(long)]
        pool: String,
        /// Identifier, usually the API's URL; scopes are named `{identifier}/{scope}`.
        #[arg(long)]
        identifier: String,
        #[arg(long)]
        name: String,
        /// A scope as `name` or `name:description`; repeat for several.
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
    List(PoolRef),
}
