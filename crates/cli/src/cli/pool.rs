//! `portcullis pool …`: pools and their settings, hooks, claim rules and keys.

use super::*;

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
