//! The bulk traits: users imported and exported by the million, and Cognito's user import
//! jobs. Beside the per-aggregate traits in `traits.rs`, under the same [`Store`](crate::Store).

use crate::traits::Page;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::ids::PoolId;
use portcullis_core::import_job::{ImportJob, JobStatus};
use portcullis_core::user::User;
use uuid::Uuid;

/// One user of an import batch, with its sign-in key and the groups it belongs to (which
/// must exist).
#[derive(Debug, Clone)]
pub struct ImportedUser {
    pub user: User,
    pub username_key: String,
    pub groups: Vec<String>,
}

/// What an import did with one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    /// The sign-in key was taken (by an earlier run, or earlier in the same batch).
    Skipped,
    /// The sign-in key was taken and the row replaced the user's status, flag, attributes
    /// and credentials (its sub, username and creation time stay).
    Replaced,
}

/// Bulk moves of users in and out, for imports and exports of millions.
#[async_trait]
pub trait ImportStore {
    /// Writes `batch` in one transaction, a few multi-row statements for the whole batch;
    /// the outcome of each row, in order. Idempotent by sign-in key: a second run skips (or
    /// with `replace`, replaces) what the first created, and never duplicates.
    async fn import_users(
        &self,
        pool: &PoolId,
        batch: &[ImportedUser],
        replace: bool,
    ) -> Result<Vec<ImportOutcome>>;
    /// The group memberships of `subs`, as (user, group) pairs.
    async fn memberships(&self, pool: &PoolId, subs: &[Uuid]) -> Result<Vec<(Uuid, String)>>;
    /// Users whose stored hash is exactly `hash` (a marker: their password is checked
    /// elsewhere at first sign-in), by username key, at most `limit` after `after`.
    async fn users_with_hash(
        &self,
        pool: &PoolId,
        hash: &str,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page<User>>;
    async fn count_users_with_hash(&self, pool: &PoolId, hash: &str) -> Result<u64>;
}

/// Cognito user import jobs.
#[async_trait]
pub trait ImportJobStore {
    /// A new job, waiting for the file PUT to the URL whose token hashes to `upload_hash`.
    async fn create_import_job(&self, job: &ImportJob, upload_hash: &str) -> Result<()>;
    async fn get_import_job(&self, pool: &PoolId, job_id: &str) -> Result<Option<ImportJob>>;
    /// Jobs by creation, newest first, at most `limit`, after the job `after`.
    async fn list_import_jobs(
        &self,
        pool: &PoolId,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page<ImportJob>>;
    /// Stores the file of the Created job whose upload token hashes to `upload_hash` and
    /// spends the token (one upload per URL); `None` when there is no such job.
    async fn upload_import_file(&self, upload_hash: &str, csv: &str) -> Result<Option<ImportJob>>;
    /// Whether the job has a file.
    async fn import_file(&self, pool: &PoolId, job_id: &str) -> Result<Option<String>>;
    /// Moves the job to `to` if it is in one of `from` (with `started_at` or `completed_at`
    /// set when `to` starts or ends it); whether it moved. Of concurrent moves one wins.
    async fn move_import_job(
        &self,
        pool: &PoolId,
        job_id: &str,
        from: &[JobStatus],
        to: JobStatus,
        now: i64,
    ) -> Result<bool>;
    /// The counts so far, and the current status (a Stop may have arrived).
    async fn record_import_progress(
        &self,
        pool: &PoolId,
        job_id: &str,
        counts: [i64; 3],
    ) -> Result<JobStatus>;
    /// The job's completion message and its failure report (readable by `report_hash`).
    async fn set_import_report(
        &self,
        pool: &PoolId,
        job_id: &str,
        message: &str,
        report: Option<(&str, &str)>,
    ) -> Result<()>;
    async fn import_report(&self, report_hash: &str) -> Result<Option<String>>;
}
