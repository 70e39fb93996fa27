//! `portcullis user …`, `group …` and `migrate …`: users, moving them in and out, groups.

use super::*;

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
