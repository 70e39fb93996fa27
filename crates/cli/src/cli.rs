//! The command line, as clap parses it. Global options work before or after the command.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

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

#[derive(Debug, Subcommand)]
pub enum MigrateCmd {
    /// Copy a Cognito pool's users here (attributes, groups, enabled, status, sub; never
    /// passwords): each user's first password sign-in is then checked against that pool and
    /// the password kept here. Idempotent; progress on a terminal.
    Cognito {
        #[arg(long)]
        pool: String,
        /// e.g. https://cognito-idp.eu-west-1.amazonaws.com
        #[arg(long)]
        source_endpoint: String,
        #[arg(long)]
        source_region: String,
        #[arg(long)]
        source_pool: String,
        /// An app client of the source pool allowing USER_PASSWORD_AUTH (or
        /// ADMIN_USER_PASSWORD_AUTH when access keys are given).
        #[arg(long)]
        source_client: String,
        #[arg(long, env = "PORTCULLIS_SOURCE_CLIENT_SECRET")]
        source_client_secret: Option<String>,
        /// Access keys for the source's admin actions (ListUsers, AdminListGroupsForUser,
        /// AdminInitiateAuth).
        #[arg(long, env = "AWS_ACCESS_KEY_ID")]
        source_access_key_id: Option<String>,
        #[arg(long, env = "AWS_SECRET_ACCESS_KEY")]
        source_secret_access_key: Option<String>,
        /// Let this command reach a source on a loopback or private address.
        #[arg(long, env = "PORTCULLIS_UPSTREAM_ALLOW_PRIVATE")]
        upstream_allow_private: bool,
    },
    /// How many copied users still wait for their first sign-in.
    Status {
        #[arg(long)]
        pool: String,
    },
}

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

#[derive(Debug, Subcommand)]
pub enum PoolCmd {
    /// Create a pool (with its first signing key); prints its id.
    Create {
        #[arg(long)]
        name: String,
        /// The region part of the pool id. Default: the first of PORTCULLIS_REGIONS (the
        /// server's --region), else local.
        #[arg(long)]
        region: Option<String>,
        /// Users sign in with their email address; their username is their sub.
        #[arg(long)]
        email_as_username: bool,
        /// Treat `Alice` and `alice` as different users (off by default, as in Cognito).
        #[arg(long)]
        case_sensitive_usernames: bool,
        /// Minimum password length (6-99).
        #[arg(long, default_value_t = 8)]
        password_min_length: u32,
        /// A standard attribute every user must have (e.g. given_name); repeat for several.
        #[arg(long = "required-attribute")]
        required_attributes: Vec<String>,
        /// A custom attribute users may have, NAME or NAME:TYPE (TYPE: String, Number,
        /// DateTime, Boolean; default String), without its custom: prefix; repeat for several.
        /// Undeclared custom attributes are refused.
        #[arg(long = "custom-attribute")]
        custom_attributes: Vec<String>,
    },
    List,
    Get(PoolRef),
    /// Change a pool's password policy: only the options given change.
    Update {
        #[arg(long)]
        pool: String,
        #[command(flatten)]
        policy: PolicyFlags,
    },
    /// Serve the pool's pages at the root of a host name (Cognito's user pool domain).
    SetDomain {
        #[arg(long)]
        pool: String,
        /// e.g. auth.acme.example; requests whose Host is this name reach this pool.
        #[arg(long, conflicts_with = "clear")]
        domain: Option<String>,
        /// Remove the pool's domain.
        #[arg(long)]
        clear: bool,
    },
    /// Who the pool's messages come from, and optionally its own SMTP server (the deployment's
    /// --smtp-url otherwise). Options left out stay as they are.
    SetEmail {
        #[arg(long)]
        pool: String,
        /// Sender, e.g. "Acme <no-reply@acme.example>"; empty to use the deployment's.
        #[arg(long)]
        from: Option<String>,
        /// Reply-To address; empty to remove it.
        #[arg(long)]
        reply_to: Option<String>,
        /// The pool's SMTP server, same form as --smtp-url; stored encrypted.
        #[arg(long, conflicts_with = "clear_smtp")]
        smtp_url: Option<String>,
        /// Go back to the deployment's SMTP server.
        #[arg(long)]
        clear_smtp: bool,
    },
    /// The entity ID SAML identity providers know the pool by (default
    /// urn:amazon:cognito:sp:<pool-id>).
    SetSamlEntityId {
        #[arg(long)]
        pool: String,
        #[arg(long, conflicts_with = "clear")]
        entity_id: Option<String>,
        /// Back to the default.
        #[arg(long)]
        clear: bool,
    },
    /// Claims added to the pool's tokens (or, with --client, to one client's tokens instead
    /// of the pool's), from a rules file (see docs/claim-rules.md); checked before anything is
    /// stored.
    SetClaimRules {
        #[arg(long)]
        pool: String,
        /// An app client whose tokens get these rules instead of the pool's.
        #[arg(long)]
        client: Option<String>,
        /// The rules document (JSON).
        #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
        file: Option<std::path::PathBuf>,
        /// Remove the rules.
        #[arg(long)]
        clear: bool,
    },
    /// The webhook a trigger calls (Cognito's LambdaConfig; see docs/hooks.md): an https://
    /// URL (http:// only where --upstream-allow-private is set), or --clear.
    SetHook {
        #[arg(long)]
        pool: String,
        /// A Cognito trigger name: PreSignUp, CustomMessage, PostConfirmation,
        /// PreAuthentication, PostAuthentication, DefineAuthChallenge, CreateAuthChallenge,
        /// VerifyAuthChallengeResponse, PreTokenGeneration, UserMigration, InboundFederation.
        #[arg(long)]
        trigger: String,
        #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
        url: Option<String>,
        /// The PreTokenGeneration event version: V1_0, V2_0 or V3_0.
        #[arg(long)]
        version: Option<String>,
        #[arg(long)]
        clear: bool,
        /// Accept an http:// URL on a private address (the server must run with the same
        /// option to call it).
        #[arg(long, env = "PORTCULLIS_UPSTREAM_ALLOW_PRIVATE")]
        upstream_allow_private: bool,
    },
    /// Okta's password import inline hook (docs/migration.md): users imported with
    /// `"password_import_hook": true` have their first password checked there.
    SetPasswordImportHook {
        #[arg(long)]
        pool: String,
        #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
        url: Option<String>,
        #[arg(long)]
        clear: bool,
        #[arg(long, env = "PORTCULLIS_UPSTREAM_ALLOW_PRIVATE")]
        upstream_allow_private: bool,
    },
    /// The secret hook calls are signed with (`whsec_…`, made on first use); --rotate makes
    /// a new one, and the old one keeps signing beside it for 24 hours.
    HookSecret {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        rotate: bool,
    },
    /// The pool's SAML SP keys, and their rotation: --stage a next key (published in the
    /// SP metadata, decrypting already), --promote it (it signs from then on; the old one
    /// keeps decrypting), --retire the old one. Without a step, shows the fingerprints.
    SamlKey {
        #[arg(long)]
        pool: String,
        #[arg(long, conflicts_with_all = ["promote", "retire"])]
        stage: bool,
        #[arg(long, conflicts_with = "retire")]
        promote: bool,
        #[arg(long)]
        retire: bool,
    },
    /// Delete a pool and everything in it.
    Delete(PoolRef),
}

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

/// The password-policy options of `pool update`, each `None` when not given.
#[derive(Debug, Args)]
pub struct PolicyFlags {
    /// Minimum password length (6-99).
    #[arg(long)]
    pub password_min_length: Option<u32>,
    #[arg(long)]
    pub require_uppercase: Option<bool>,
    #[arg(long)]
    pub require_lowercase: Option<bool>,
    #[arg(long)]
    pub require_numbers: Option<bool>,
    #[arg(long)]
    pub require_symbols: Option<bool>,
    /// Days a temporary password from an administrator stays usable (0-365).
    #[arg(long)]
    pub temporary_password_days: Option<u32>,
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

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create a user. Without --password a temporary password is generated and printed.
    Create {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        username: String,
        /// Email address (marked verified: an admin vouches for it).
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        password: Option<String>,
        /// The password must be changed at first sign-in.
        #[arg(long)]
        temporary: bool,
        /// Email an invitation with the username and a temporary password (generated unless
        /// --password is given); needs --email. The running server delivers it.
        #[arg(long, requires = "email", conflicts_with = "temporary")]
        invite: bool,
        /// Another attribute as name=value (standard OIDC or custom:*); repeat for several.
        #[arg(long = "attribute")]
        attributes: Vec<String>,
        #[command(flatten)]
        hash: HashArgs,
    },
    List {
        #[arg(long)]
        pool: String,
        /// At most this many users (1-60, as Cognito's ListUsers).
        #[arg(long, default_value_t = 60)]
        limit: u32,
        /// Continue after this pagination token (printed as `next` by the previous page).
        #[arg(long)]
        after: Option<String>,
    },
    Get {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        username: String,
    },
    Delete {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        username: String,
    },
    /// Set a user's password (permanent unless --temporary).
    SetPassword {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        temporary: bool,
        #[command(flatten)]
        hash: HashArgs,
    },
    /// With --not-migrated: end a migration window. Every copied user who has not signed in
    /// yet must reset their password (RESET_REQUIRED), and is mailed a reset code.
    ResetPassword {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        not_migrated: bool,
    },
    /// Add a user to a group.
    AddToGroup {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        group: String,
    },
    /// Import users from a file, streaming (see docs/migration.md). Idempotent by username:
    /// users that exist are skipped (or with --replace, replaced); a bad row is reported with
    /// its line and never stops the rest. Progress on a terminal; a summary at the end.
    Import {
        #[arg(long)]
        pool: String,
        /// The file: JSON Lines (one user per line) or Cognito's import CSV; `-` for stdin.
        file: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = TransferFormat::Jsonl)]
        format: TransferFormat,
        /// Check every row; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace users that exist (status, enabled, attributes, password hash).
        #[arg(long)]
        replace: bool,
    },
    /// Export users, streaming: JSON Lines (with groups; --with-hashes adds each stored
    /// password hash, so the export imports elsewhere with passwords intact) or Cognito's CSV.
    Export {
        #[arg(long)]
        pool: String,
        #[arg(long, value_enum, default_value_t = TransferFormat::Jsonl)]
        format: TransferFormat,
        #[arg(long)]
        with_hashes: bool,
        /// Where to write (default: standard output).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

/// The formats users move in and out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TransferFormat {
    /// One JSON record per line.
    Jsonl,
    /// Cognito's user import CSV (GetCSVHeader's columns).
    CognitoCsv,
}

#[derive(Debug, Subcommand)]
pub enum GroupCmd {
    Create {
        #[arg(long)]
        pool: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// Lower wins when a user's groups disagree.
        #[arg(long)]
        precedence: Option<i64>,
    },
    List(PoolRef),
}

#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Make a new active signing key; the previous one stays published until the next rotation.
    Rotate(PoolRef),
    List(PoolRef),
}
