//! The command line, as clap parses it. Global options work before or after the command.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

mod admin;
mod client;
mod pool;
mod user;

pub use admin::*;
pub use client::*;
pub use pool::*;
pub use user::*;

#[derive(Debug, Parser)]
#[command(
    name = "portcullis",
    version,
    about = "Multi-tenant single sign-on: OIDC provider, hosted login and Cognito-compatible API"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Where the SQLite database and the master key live.
    #[arg(
        long,
        global = true,
        env = "PORTCULLIS_DATA_DIR",
        default_value = "./portcullis-data"
    )]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB (default: SQLite in the data dir).
    #[arg(long, global = true, env = "PORTCULLIS_DATABASE_URL")]
    pub database: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The password-hashing cost, for the commands that hash passwords (serve, user create,
/// user set-password). Other commands never hash and do not take these.
#[derive(Debug, Args, Clone)]
pub struct HashArgs {
    /// argon2id memory cost for new password hashes, in KiB (OWASP: 19456).
    #[arg(long, env = "PORTCULLIS_ARGON2_MEMORY_KIB", default_value_t = 19456)]
    pub argon2_memory_kib: u32,
    /// argon2id iterations for new password hashes (OWASP: 2).
    #[arg(long, env = "PORTCULLIS_ARGON2_ITERATIONS", default_value_t = 2)]
    pub argon2_iterations: u32,
    /// argon2id parallelism for new password hashes (OWASP: 1).
    #[arg(long, env = "PORTCULLIS_ARGON2_PARALLELISM", default_value_t = 1)]
    pub argon2_parallelism: u32,
}

/// How the server delivers messages to users: only `serve` sends them.
#[derive(Debug, Args, Clone)]
pub struct MailArgs {
    /// SMTP server for messages to users: smtp://host:port (`?tls=required` for STARTTLS),
    /// smtps://host:port, with user:password@ for AUTH. Default: .eml files in <data-dir>/outbox.
    #[arg(long, env = "PORTCULLIS_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of messages to users.
    #[arg(
        long,
        env = "PORTCULLIS_MAIL_FROM",
        default_value = "Portcullis <no-reply@portcullis.local>"
    )]
    pub mail_from: String,
}

/// Calls to upstream identity providers: only `serve` makes them.
#[derive(Debug, Args, Clone)]
pub struct UpstreamArgs {
    /// How long a call to an upstream identity provider may take, in seconds (1-60).
    #[arg(
        long,
        env = "PORTCULLIS_UPSTREAM_TIMEOUT_SECS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=60)
    )]
    pub upstream_timeout_secs: u64,
    /// Let calls to upstream identity providers reach loopback and private addresses (an
    /// internal IdP, tests). Link-local addresses stay refused.
    #[arg(long, env = "PORTCULLIS_UPSTREAM_ALLOW_PRIVATE")]
    pub upstream_allow_private: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// User pools (tenants).
    #[command(subcommand)]
    Pool(PoolCmd),
    /// App clients of a pool.
    #[command(subcommand)]
    Client(ClientCmd),
    /// Resource servers (APIs) and their custom scopes.
    #[command(subcommand, name = "resource-server")]
    ResourceServer(ResourceServerCmd),
    /// Users of a pool.
    #[command(subcommand)]
    User(UserCmd),
    /// Groups of a pool.
    #[command(subcommand)]
    Group(GroupCmd),
    /// Token signing keys of a pool.
    #[command(subcommand)]
    Keys(KeysCmd),
    /// Messages to users (verification codes, password resets) and their delivery.
    #[command(subcommand)]
    Outbox(OutboxCmd),
    /// Access keys for the Cognito-compatible API (AWS Signature V4).
    #[command(subcommand, name = "access-key")]
    AccessKey(AccessKeyCmd),
    /// Upstream identity providers of a pool (federation).
    #[command(subcommand)]
    Idp(IdpCmd),
    /// Moving users from a Cognito user pool (docs/migration.md).
    #[command(subcommand)]
    Migrate(MigrateCmd),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PORTCULLIS_LISTEN", default_value = "127.0.0.1:9400")]
    pub listen: SocketAddr,
    /// The URL clients use to reach this server (issuers are `{public-url}/{pool-id}`).
    /// Default: http://{listen}.
    #[arg(long, env = "PORTCULLIS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Create (once) a demo pool, app client and user, and print how to sign in.
    #[arg(long)]
    pub demo: bool,
    /// A reverse proxy (address or CIDR block) whose X-Forwarded-For / Forwarded headers
    /// are believed; repeat for several. Without one, the TCP peer is the client.
    #[arg(long, env = "PORTCULLIS_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<portcullis_server::http::Cidr>,
    /// The deployment's region (e.g. eu-west-1): pools created through the API are named
    /// `<region>_…` and their ARNs say it, and signed Cognito API calls must name it in their
    /// credential scope; repeat to accept more regions in signatures (the first names
    /// pools). Without one: pools are `local_…` and signatures may name any region.
    #[arg(long, env = "PORTCULLIS_REGIONS", value_delimiter = ',')]
    pub region: Vec<String>,
    /// The account id in ARNs (12 digits).
    #[arg(long, env = "PORTCULLIS_ACCOUNT_ID", default_value = portcullis_server::DEFAULT_ACCOUNT_ID)]
    pub account_id: String,
    #[command(flatten)]
    pub hash: HashArgs,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub upstream: UpstreamArgs,
}

#[derive(Debug, Args)]
pub struct PoolRef {
    /// Pool id, e.g. local_AbC123xyz.
    #[arg(long)]
    pub pool: String,
}
