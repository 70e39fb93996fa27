//! Cognito's user import jobs: CreateUserImportJob gives an upload URL (a random token,
//! stored hashed, good for one PUT within the job's day), StartUserImportJob runs the file
//! in batches (checking for a Stop between them), and the end leaves counts, a completion
//! message and, when rows failed, a report of their lines and reasons behind another URL.

use super::import::{ImportOptions, RowFailure};
use crate::App;
use crate::admin::crypto_err;
use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::import_job::{ImportJob, JobStatus, check_job_name};
use portcullis_core::transfer::csv;
use portcullis_core::{Error, Result};
use portcullis_crypto::tokens::{random_token, token_hash};
use portcullis_store::Page;
use std::collections::HashSet;

/// Rows per batch of a job (small enough that a Stop lands within a moment).
const JOB_BATCH: usize = 500;
/// Cognito's limits on the file.
pub const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
pub const MAX_ROWS: usize = 500_000;

pub struct CreatedJob {
    pub job: ImportJob,
    /// The token of the upload URL (shown once).
    pub upload_token: String,
}

impl App {
    pub async fn create_import_job(
        &self,
        pool_id: &str,
        name: &str,
        role_arn: &str,
    ) -> Result<CreatedJob> {
        check_job_name(name)?;
        let pool = self.pool(pool_id).await?;
        let suffix: String = random_token()
            .map_err(crypto_err)?
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(10)
            .collect();
        let job = ImportJob {
            pool_id: pool.id,
            job_id: format!("import-{suffix}"),
            name: name.to_owned(),
            status: JobStatus::Created,
            role_arn: role_arn.to_owned(),
            imported: 0,
            skipped: 0,
            failed: 0,
            message: None,
            created_at: self.now(),
            started_at: None,
            completed_at: None,
        };
        let upload_token = random_token().map_err(crypto_err)?;
        self.store
            .create_import_job(&job, &token_hash(&upload_token))
            .await?;
        Ok(CreatedJob { job, upload_token })
    }

    pub async fn import_job(&self, pool_id: &str, job_id: &str) -> Result<ImportJob> {
        let pool = PoolId::parse(pool_id)?;
        let mut job = self
            .store
            .get_import_job(&pool, job_id)
            .await?
            .ok_or(Error::NotFound(Entity::ImportJob))?;
        job.status = job.status_at(self.now());
        Ok(job)
    }

    pub async fn list_import_jobs(
        &self,
        pool_id: &str,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page<ImportJob>> {
        let pool = self.pool(pool_id).await?;
        let mut page = self.store.list_import_jobs(&pool.id, limit, after).await?;
        let now = self.now();
        for j in &mut page.items {
            j.status = j.status_at(now);
        }
        Ok(page)
    }

    /// The PUT to an upload URL: `None` when the token is unknown, spent or expired.
    pub async fn upload_import_file(&self, token: &str, csv: &str) -> Result<Option<ImportJob>> {
        let Some(job) = self
            .store
            .upload_import_file(&token_hash(token), csv)
            .await?
        else {
            return Ok(None);
        };
        if job.status_at(self.now()) == JobStatus::Expired {
            return Ok(None);
        }
        Ok(Some(job))
    }

    /// StartUserImportJob: a created job whose file arrived becomes Pending; the caller then
    /// runs it (`run_import_job`).
    pub async fn start_import_job(&self, pool_id: &str, job_id: &str) -> Result<ImportJob> {
        let job = self.import_job(pool_id, job_id).await?;
        if job.status != JobStatus::Created
            || self
                .store
                .import_file(&job.pool_id, job_id)
                .await?
                .is_none()
        {
            return Err(Error::Conflict(Entity::ImportJob));
        }
        let moved = self
            .store
            .move_import_job(
                &job.pool_id,
                job_id,
                &[JobStatus::Created],
                JobStatus::Pending,
                self.now(),
            )
            .await?;
        if !moved {
            return Err(Error::Conflict(Entity::ImportJob));
        }
        self.import_job(pool_id, job_id).await
    }

    /// StopUserImportJob: a pending or running job stops after its current batch.
    pub async fn stop_import_job(&self, pool_id: &str, job_id: &str) -> Result<ImportJob> {
        let job = self.import_job(pool_id, job_id).await?;
        let moved = self
            .store
            .move_import_job(
                &job.pool_id,
                job_id,
                &[JobStatus::Pending, JobStatus::InProgress],
                JobStatus::Stopping,
                self.now(),
            )
            .await?;
        if !moved {
            return Err(Error::Conflict(Entity::ImportJob));
        }
        self.import_job(pool_id, job_id).await
    }

    /// The failure report behind a report URL's token.
    pub async fn import_report(&self, token: &str) -> Result<Option<String>> {
        self.store.import_report(&token_hash(token)).await
    }

    /// Runs a Pending job to its end. `report_url` makes the report's address from its
    /// token. A failure of the runner itself fails the job (and is returned for the log).
    pub async fn run_import_job(
        &self,
        pool_id: &str,
        job_id: &str,
        report_url: impl Fn(&str) -> String,
    ) -> Result<()> {
        let job = self.import_job(pool_id, job_id).await?;
        let pool_key = job.pool_id.clone();
        let now = self.now();
        let mv = |from: &'static [JobStatus], to: JobStatus| {
            self.store.move_import_job(&pool_key, job_id, from, to, now)
        };
        if !mv(&[JobStatus::Pending], JobStatus::InProgress).await? {
            // Stopped before it began. The message goes first: whoever sees the final status
            // sees the message with it.
            self.store
                .set_import_report(&pool_key, job_id, "Import Job Stopped.", None)
                .await?;
            mv(&[JobStatus::Stopping], JobStatus::Stopped).await?;
            return Ok(());
        }
        match self.import_rows(pool_id, job_id).await {
            Ok((end, failures)) => {
                let report = if failures.is_empty() {
                    None
                } else {
                    let text: String = failures
                        .iter()
                        .map(|f| format!("line {}: {}\n", f.line, f.reason))
                        .collect();
                    Some((random_token().map_err(crypto_err)?, text))
                };
                let mut message = match end {
                    JobStatus::Stopped => "Import Job Stopped.".to_owned(),
                    _ => "Import Job Completed Successfully.".to_owned(),
                };
                if let Some((token, _)) = &report {
                    message.push_str(&format!(
                        " {} rows failed; their lines and reasons: {}",
                        failures.len(),
                        report_url(token)
                    ));
                }
                let hashed = report
                    .as_ref()
                    .map(|(t, text)| (token_hash(t), text.as_str()));
                self.store
                    .set_import_report(
                        &pool_key,
                        job_id,
                        &message,
                        hashed.as_ref().map(|(h, t)| (h.as_str(), *t)),
                    )
                    .await?;
                let from: &'static [JobStatus] = &[JobStatus::InProgress, JobStatus::Stopping];
                mv(from, end).await?;
                Ok(())
            }
            Err(e) => {
                let message = match &e {
                    Error::InvalidRequest(m) => format!("Import Job Failed: {m}"),
                    _ => "Import Job Failed: an internal error; see the server log.".to_owned(),
                };
                self.store
                    .set_import_report(&pool_key, job_id, &message, None)
                    .await?;
                mv(
                    &[JobStatus::InProgress, JobStatus::Stopping],
                    JobStatus::Failed,
                )
                .await?;
                if matches!(e, Error::InvalidRequest(_)) {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }

    /// The job's rows, a batch at a time: how it ended (Succeeded or Stopped) and the rows
    /// that failed. A file that cannot be read at all is `InvalidRequest`.
    async fn import_rows(
        &self,
        pool_id: &str,
        job_id: &str,
    ) -> Result<(JobStatus, Vec<RowFailure>)> {
        let pool = self.pool(pool_id).await?;
        let file = self
            .store
            .import_file(&pool.id, job_id)
            .await?
            .unwrap_or_default();
        let mut lines = file.lines().enumerate();
        let columns = match lines.next() {
            Some((_, h)) => {
                csv::header(h).map_err(|e| Error::invalid(format!("the header: {e}")))?
            }
            None => return Err(Error::invalid("the file is empty")),
        };
        let data: Vec<(usize, &str)> = lines.filter(|(_, l)| !l.trim().is_empty()).collect();
        if data.len() > MAX_ROWS {
            return Err(Error::invalid(format!("more than {MAX_ROWS} users")));
        }
        let (mut counts, mut failures, mut known) = ([0i64; 3], Vec::new(), HashSet::new());
        for chunk in data.chunks(JOB_BATCH) {
            let mut rows = Vec::with_capacity(chunk.len());
            for (i, line) in chunk {
                let line_no = *i as u64 + 1;
                match csv::record(&columns, line) {
                    Ok(rec) => rows.push((line_no, rec)),
                    Err(reason) => failures.push(RowFailure {
                        line: line_no,
                        reason,
                    }),
                }
            }
            let r = self
                .import_batch(&pool, rows, ImportOptions::default(), &mut known)
                .await?;
            // Cognito counts a user that exists already as skipped.
            counts[0] += r.created as i64;
            counts[1] += r.skipped as i64;
            failures.extend(r.failures);
            counts[2] = failures.len() as i64;
            let status = self
                .store
                .record_import_progress(&pool.id, job_id, counts)
                .await?;
            if status == JobStatus::Stopping {
                failures.sort_by_key(|f| f.line);
                return Ok((JobStatus::Stopped, failures));
            }
        }
        failures.sort_by_key(|f| f.line);
        Ok((JobStatus::Succeeded, failures))
    }
}
