//! Turning global options into an `App`: the database URL, the master key and the password
//! hasher. All problems are reported together where they can be.

use crate::cli::{Global, HashArgs, MailArgs, UpstreamArgs};
use anyhow::{Context, Result, anyhow, bail};
use portcullis_app::App;
use portcullis_app::account::mailer::Mailer;
use portcullis_app::federation::addresses::AddressPolicy;
use portcullis_crypto::master_key::MasterKey;
use portcullis_crypto::password::{Argon2Params, PasswordHasherConfig};
use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

pub const MASTER_KEY_ENV: &str = "PORTCULLIS_MASTER_KEY";
const MASTER_KEY_FILE: &str = "master.key";

pub fn database_url(g: &Global) -> String {
    match &g.database {
        Some(url) => url.clone(),
        None => format!("sqlite://{}/portcullis.db", g.data_dir.display()),
    }
}

/// `PORTCULLIS_MASTER_KEY` if set; else `{data_dir}/master.key`, generated (mode 0600) on
/// first use. Nodes that share a PostgreSQL database must share the key (use the env var).
pub fn master_key(data_dir: &Path) -> Result<MasterKey> {
    if let Ok(value) = std::env::var(MASTER_KEY_ENV) {
        return MasterKey::from_base64(&value).map_err(|e| anyhow!("{MASTER_KEY_ENV}: {e}"));
    }
    create_data_dir(data_dir)?;
    let path = data_dir.join(MASTER_KEY_FILE);
    let created = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path);
    match created {
        Ok(mut file) => {
            let (key, encoded) = MasterKey::generate()?;
            file.write_all(encoded.expose().as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(key)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            let mut file = std::fs::File::open(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let mode = file.metadata()?.permissions().mode();
            if mode & 0o077 != 0 {
                bail!(
                    "{} is readable by other users (mode {:o}); run: chmod 600 {}",
                    path.display(),
                    mode & 0o777,
                    path.display()
                );
            }
            let mut text = String::new();
            file.read_to_string(&mut text)?;
            MasterKey::from_base64(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// The data directory holds the database and the master key: only its owner may enter it.
fn create_data_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))
}

/// The app for a command: the store, the master key, and the password hasher (OWASP's
/// argon2id cost unless the command takes `hash`). No mailer and no upstream calls: only
/// `serve` sends messages or calls providers ([`serving`]).
pub async fn app(g: &Global, hash: Option<&HashArgs>) -> Result<App> {
    let (memory_kib, iterations, parallelism) = match hash {
        Some(h) => (
            h.argon2_memory_kib,
            h.argon2_iterations,
            h.argon2_parallelism,
        ),
        None => (19456, 2, 1),
    };
    let hasher = PasswordHasherConfig::new(Argon2Params {
        memory_kib,
        iterations,
        parallelism,
    })
    .map_err(|e| anyhow!("argon2 settings: {e}"))?;
    let master = master_key(&g.data_dir)?;
    Ok(App::open(&database_url(g), master, hasher).await?)
}

/// What only the server needs on top: its mailer and its upstream calls.
pub fn serving(app: App, g: &Global, mail: &MailArgs, upstream: &UpstreamArgs) -> Result<App> {
    let mailer = match &mail.smtp_url {
        Some(url) => Mailer::smtp(url, &mail.mail_from).map_err(|e| anyhow!("--smtp-url: {e}"))?,
        None => Mailer::outbox(g.data_dir.join("outbox"), &mail.mail_from)
            .map_err(|e| anyhow!("--mail-from: {e}"))?,
    };
    Ok(app.with_mailer(mailer).with_upstream(
        std::time::Duration::from_secs(upstream.upstream_timeout_secs),
        if upstream.upstream_allow_private {
            AddressPolicy::AllowPrivate
        } else {
            AddressPolicy::PublicOnly
        },
    ))
}
