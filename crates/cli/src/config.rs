//! Turning global options into an `App`: the database URL, the master key and the password
//! hasher. All problems are reported together where they can be.

use crate::cli::Global;
use anyhow::{Context, Result, anyhow, bail};
use portcullis_crypto::master_key::MasterKey;
use portcullis_crypto::password::{Argon2Params, PasswordHasherConfig};
use portcullis_server::App;
use portcullis_server::account::mailer::Mailer;
use portcullis_server::federation::addresses::AddressPolicy;
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

pub async fn app(g: &Global) -> Result<App> {
    let hasher = PasswordHasherConfig::new(Argon2Params {
        memory_kib: g.argon2_memory_kib,
        iterations: g.argon2_iterations,
        parallelism: g.argon2_parallelism,
    })
    .map_err(|e| anyhow!("argon2 settings: {e}"))?;
    let master = master_key(&g.data_dir)?;
    let store = portcullis_store::open(&database_url(g)).await?;
    let mailer = match &g.smtp_url {
        Some(url) => Mailer::smtp(url, &g.mail_from).map_err(|e| anyhow!("--smtp-url: {e}"))?,
        None => Mailer::outbox(g.data_dir.join("outbox"), &g.mail_from)
            .map_err(|e| anyhow!("--mail-from: {e}"))?,
    };
    Ok(App::new(store, master, hasher)
        .with_mailer(mailer)
        .with_upstream(
            std::time::Duration::from_secs(g.upstream_timeout_secs),
            if g.upstream_allow_private {
                AddressPolicy::AllowPrivate
            } else {
                AddressPolicy::PublicOnly
            },
        ))
}
