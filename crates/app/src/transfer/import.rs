//! Importing users: each record is checked on its own (a bad row is reported with its line
//! and reason and never stops the rest), the good ones of a batch go to the store together.
//! Password hashes are taken as they are (PHC, bcrypt, Django, Okta's salted digests),
//! checked and cost-capped, never re-hashed here: the first sign-in upgrades them.

use crate::App;
use portcullis_core::group::Group;
use portcullis_core::pool::UserPool;
use portcullis_core::transfer::{
    COGNITO_SOURCE, PASSWORD_IMPORT_HOOK, PasswordHashField, UserRecord,
};
use portcullis_core::user::{User, UserStatus};
use portcullis_core::{Error, Result};
use portcullis_crypto::imported;
use portcullis_store::{ImportOutcome, ImportedUser};
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check every row, write nothing.
    pub dry_run: bool,
    /// A user that exists already is replaced (status, flag, attributes, password), not
    /// skipped.
    pub replace: bool,
}

/// A row that could not be imported, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowFailure {
    pub line: u64,
    pub reason: String,
}

/// What one batch did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct BatchReport {
    pub created: u64,
    pub skipped: u64,
    pub replaced: u64,
    /// Rows that were fine (a dry run writes nothing, so it counts these).
    pub valid: u64,
    pub failures: Vec<RowFailure>,
}

fn status_of(rec: &UserRecord, has_password: bool) -> std::result::Result<UserStatus, String> {
    let given = match rec.status.as_deref() {
        None if has_password => UserStatus::Confirmed,
        None => UserStatus::ResetRequired,
        Some(s) => UserStatus::parse(s).map_err(|e| e.to_string())?,
    };
    Ok(match given {
        UserStatus::ExternalProvider => {
            return Err(
                "EXTERNAL_PROVIDER users come with their provider; import them by \
                        signing in, not from a file"
                    .into(),
            );
        }
        // Without a password, a user who could sign in must reset it first.
        UserStatus::Confirmed | UserStatus::ForceChangePassword if !has_password => {
            UserStatus::ResetRequired
        }
        s => s,
    })
}

fn hash_of(rec: &UserRecord) -> std::result::Result<Option<String>, String> {
    let stored = match &rec.password_hash {
        None if rec.password_import_hook => return Ok(Some(PASSWORD_IMPORT_HOOK.to_owned())),
        None => return Ok(None),
        Some(_) if rec.password_import_hook => {
            return Err("password_hash and password_import_hook exclude each other".into());
        }
        // An export of a user still waiting for the hook or the source pool.
        Some(PasswordHashField::Text(t)) if t == PASSWORD_IMPORT_HOOK || t == COGNITO_SOURCE => {
            return Ok(Some(t.clone()));
        }
        Some(PasswordHashField::Text(t)) => imported::text(t),
        Some(PasswordHashField::Salted {
            algorithm,
            salt,
            salt_order,
            value,
        }) => imported::salted(algorithm, salt, salt_order, value),
    };
    stored.map(Some).map_err(|e| format!("password_hash: {e}"))
}

/// One record as the user it describes, in `pool`, or why it cannot be one.
pub fn prepare(
    pool: &UserPool,
    rec: UserRecord,
    now: i64,
) -> std::result::Result<ImportedUser, String> {
    let password_hash = hash_of(&rec)?;
    let status = status_of(&rec, password_hash.is_some())?;
    // Where users sign in with an attribute, that value names them (the exported username
    // is their sub).
    let name = pool
        .username_attribute()
        .and_then(|a| rec.attributes.get(a))
        .cloned()
        .unwrap_or_else(|| rec.username.clone());
    let mut user =
        User::new(pool, &name, rec.attributes, status, now).map_err(|e| e.to_string())?;
    pool.check_required(&user.attributes)
        .map_err(|e| e.to_string())?;
    if let Some(sub) = rec.sub {
        if pool.username_attribute().is_some() {
            user.username = sub.to_string();
        }
        user.sub = sub;
    }
    user.enabled = rec.enabled;
    user.password_hash = password_hash;
    user.created_at = rec.created_at.unwrap_or(now);
    for g in &rec.groups {
        Group {
            pool_id: pool.id.clone(),
            name: g.clone(),
            description: None,
            precedence: None,
            role_arn: None,
        }
        .validate()
        .map_err(|e| format!("group {g:?}: {e}"))?;
    }
    Ok(ImportedUser {
        username_key: user.sign_in_key(pool),
        user,
        groups: rec.groups,
    })
}

impl App {
    /// Imports one batch of numbered records into `pool`. Groups named by the records are
    /// created when missing (`known` remembers those seen, across batches).
    pub async fn import_batch(
        &self,
        pool: &UserPool,
        rows: Vec<(u64, UserRecord)>,
        opts: ImportOptions,
        known: &mut HashSet<String>,
    ) -> Result<BatchReport> {
        let now = self.now();
        let mut report = BatchReport::default();
        let mut good = Vec::with_capacity(rows.len());
        for (line, rec) in rows {
            match prepare(pool, rec, now) {
                Ok(u) => good.push(u),
                Err(reason) => report.failures.push(RowFailure { line, reason }),
            }
        }
        report.valid = good.len() as u64;
        if opts.dry_run || good.is_empty() {
            return Ok(report);
        }
        for name in good.iter().flat_map(|u| &u.groups) {
            if known.insert(name.clone()) && self.store.get_group(&pool.id, name).await?.is_none() {
                let group = Group {
                    pool_id: pool.id.clone(),
                    name: name.clone(),
                    description: None,
                    precedence: None,
                    role_arn: None,
                };
                match self.store.create_group(&group).await {
                    Ok(()) | Err(Error::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        for outcome in self
            .store
            .import_users(&pool.id, &good, opts.replace)
            .await?
        {
            match outcome {
                ImportOutcome::Created => report.created += 1,
                ImportOutcome::Skipped => report.skipped += 1,
                ImportOutcome::Replaced => report.replaced += 1,
            }
        }
        Ok(report)
    }
}
