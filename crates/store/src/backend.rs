//! Opening a store from a URL: `sqlite://path/to/file.db` (created if missing, WAL) or
//! `postgres://…`. Migrations are embedded in the binary and applied on open.

use crate::sql::SqlStore;
use crate::traits::Store;
use portcullis_core::{Error, Result};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, SqlSafeStr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn of_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(Error::invalid(format!(
                "unsupported database URL {:?}: use sqlite://FILE or postgres://…",
                redact(url)
            )))
        }
    }
}

/// The URL without a password, for messages.
pub fn redact(url: &str) -> String {
    let parts = url.split_once("://").and_then(|(scheme, rest)| {
        let (creds, host) = rest.rsplit_once('@')?;
        let (user, _) = creds.split_once(':')?;
        Some(format!("{scheme}://{user}:***@{host}"))
    });
    parts.unwrap_or_else(|| url.to_owned())
}

/// Every migration, in order: (version, description, SQL). Portable SQL, run on both backends.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (
        2,
        "sessions and tokens",
        include_str!("../migrations/0002_sessions_tokens.sql"),
    ),
    (
        3,
        "pool domains",
        include_str!("../migrations/0003_pool_domains.sql"),
    ),
    (
        4,
        "access keys",
        include_str!("../migrations/0004_access_keys.sql"),
    ),
    (
        5,
        "unique client ids",
        include_str!("../migrations/0005_client_id_unique.sql"),
    ),
    (
        6,
        "identity providers",
        include_str!("../migrations/0006_identity_providers.sql"),
    ),
    (
        7,
        "messages and codes",
        include_str!("../migrations/0007_messages_and_codes.sql"),
    ),
    (
        8,
        "code payload",
        include_str!("../migrations/0008_code_payload.sql"),
    ),
    (
        9,
        "pool smtp",
        include_str!("../migrations/0009_pool_smtp.sql"),
    ),
    (
        10,
        "federated links",
        include_str!("../migrations/0010_federated_links.sql"),
    ),
    (
        11,
        "session upstream",
        include_str!("../migrations/0011_session_upstream.sql"),
    ),
    (
        12,
        "saml sp keys",
        include_str!("../migrations/0012_saml_sp_keys.sql"),
    ),
    (
        13,
        "saml sp key slots",
        include_str!("../migrations/0013_saml_sp_key_slots.sql"),
    ),
    (
        14,
        "revocations and lockout",
        include_str!("../migrations/0014_revocations_and_lockout.sql"),
    ),
    (
        15,
        "pool hook keys",
        include_str!("../migrations/0015_pool_hook_keys.sql"),
    ),
    (
        16,
        "import jobs",
        include_str!("../migrations/0016_import_jobs.sql"),
    ),
    (
        17,
        "migration source",
        include_str!("../migrations/0017_migration_source.sql"),
    ),
];

/// Migrations whose SQL differs by backend: (version, name, SQLite, PostgreSQL).
const DIALECT_MIGRATIONS: &[(i64, &str, &str, &str)] = &[(
    18,
    "user email index",
    include_str!("../migrations/0018_user_email_sqlite.sql"),
    include_str!("../migrations/0018_user_email_postgres.sql"),
)];

fn migrator(backend: Backend) -> Migrator {
    let dialect = DIALECT_MIGRATIONS.iter().map(|(v, name, lite, pg)| {
        let sql = match backend {
            Backend::Sqlite => *lite,
            Backend::Postgres => *pg,
        };
        (*v, *name, sql)
    });
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .copied()
            .chain(dialect)
            .map(|(version, name, sql)| {
                Migration::new(
                    version,
                    name.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Opens (and migrates) the store at `url`.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    let backend = Backend::of_url(url)?;
    install_default_drivers();
    let fail = |what: &str, e: sqlx::Error| Error::internal(format!("{what} {}: {e}", redact(url)));
    let any_url = match backend {
        Backend::Sqlite => prepare_sqlite(url).await?,
        Backend::Postgres => url.to_owned(),
    };
    let max = match backend {
        Backend::Sqlite => 8,
        Backend::Postgres => 16,
    };
    let sqlite = backend == Backend::Sqlite;
    let pool = AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    // WAL makes NORMAL safe against crashes (a power cut may lose the last
                    // commits); a 32 MiB page cache keeps the user indexes of a large pool
                    // in memory instead of rewriting their pages on every batch.
                    sqlx::raw_sql("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768")
                        .execute(conn)
                        .await?;
                }
                Ok(())
            })
        })
        .connect(&any_url)
        .await
        .map_err(|e| fail("cannot connect to", e))?;
    migrator(backend)
        .run(&pool)
        .await
        .map_err(|e| Error::internal(format!("migrating {}: {e}", redact(url))))?;
    Ok(Arc::new(SqlStore::new(pool, backend.name())))
}

/// Creates the file and its directory if needed and switches it to WAL (a persistent
/// property of the file, so the pooled connections opened afterwards inherit it).
async fn prepare_sqlite(url: &str) -> Result<String> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| Error::invalid(format!("bad SQLite URL {url:?}: {e}")))?;
    let path = opts.get_filename().to_owned();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::internal(format!("creating {}: {e}", dir.display())))?;
    }
    let conn = opts
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .connect()
        .await
        .map_err(|e| Error::internal(format!("opening {}: {e}", path.display())))?;
    drop(conn);
    Ok(format!("sqlite://{}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_and_passwords_never_show() {
        assert_eq!(Backend::of_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::of_url("postgres://u:p@h/db").unwrap(),
            Backend::Postgres
        );
        let err = Backend::of_url("mysql://u:hunter2@h/db").unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        assert_eq!(redact("postgres://u:pw@h:5/db"), "postgres://u:***@h:5/db");
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
        assert_eq!(
            redact("postgres://u:p@ss@h/db"),
            "postgres://u:***@h/db",
            "an @ in the password"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
