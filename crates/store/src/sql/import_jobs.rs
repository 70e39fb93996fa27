//! Cognito user import jobs: the job row carries its file and its failure report; moves
//! between statuses are conditional statements, so a Stop and the job's own end cannot both
//! win.

use super::SqlStore;
use crate::bulk_traits::ImportJobStore;
use crate::codec::{get, get_pool_id, internal};
use crate::traits::Page;
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::ids::PoolId;
use portcullis_core::import_job::{ImportJob, JobStatus};
use sqlx::any::AnyRow;

const COLUMNS: &str = "pool_id, job_id, name, status, role_arn, imported, skipped, failed, \
                       message, created_at, started_at, completed_at";

fn decode(row: &AnyRow) -> Result<ImportJob> {
    Ok(ImportJob {
        pool_id: get_pool_id(row, "pool_id")?,
        job_id: get(row, "job_id")?,
        name: get(row, "name")?,
        status: JobStatus::parse(&get::<String>(row, "status")?)?,
        role_arn: get(row, "role_arn")?,
        imported: get(row, "imported")?,
        skipped: get(row, "skipped")?,
        failed: get(row, "failed")?,
        message: get(row, "message")?,
        created_at: get(row, "created_at")?,
        started_at: get(row, "started_at")?,
        completed_at: get(row, "completed_at")?,
    })
}

#[async_trait]
impl ImportJobStore for SqlStore {
    async fn create_import_job(&self, j: &ImportJob, upload_hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO import_jobs (pool_id, job_id, name, status, role_arn, upload_hash, \
             imported, skipped, failed, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, $7)",
        )
        .bind(j.pool_id.as_str())
        .bind(&j.job_id)
        .bind(&j.name)
        .bind(j.status.as_str())
        .bind(&j.role_arn)
        .bind(upload_hash)
        .bind(j.created_at)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn get_import_job(&self, pool: &PoolId, job_id: &str) -> Result<Option<ImportJob>> {
        let sql = format!("SELECT {COLUMNS} FROM import_jobs WHERE pool_id = $1 AND job_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool.as_str())
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn list_import_jobs(
        &self,
        pool: &PoolId,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page<ImportJob>> {
        // Newest first; job ids break ties. `after` names the last job of the previous page.
        let sql = format!(
            "SELECT {COLUMNS} FROM import_jobs WHERE pool_id = $1 AND ($2 = '' OR \
             (created_at, job_id) < (SELECT created_at, job_id FROM import_jobs \
              WHERE pool_id = $1 AND job_id = $2)) ORDER BY created_at DESC, job_id DESC LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool.as_str())
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(internal)?;
        let mut items = rows.iter().map(decode).collect::<Result<Vec<_>>>()?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|j| j.job_id.clone())
        } else {
            None
        };
        Ok(Page { items, next })
    }

    async fn upload_import_file(&self, upload_hash: &str, csv: &str) -> Result<Option<ImportJob>> {
        let sql = format!(
            "UPDATE import_jobs SET csv = $2, upload_hash = NULL \
             WHERE upload_hash = $1 AND status = 'Created' RETURNING {COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(upload_hash)
            .bind(csv)
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        row.as_ref().map(decode).transpose()
    }

    async fn import_file(&self, pool: &PoolId, job_id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT csv FROM import_jobs WHERE pool_id = $1 AND job_id = $2")
            .bind(pool.as_str())
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        Ok(row
            .map(|r| get::<Option<String>>(&r, "csv"))
            .transpose()?
            .flatten())
    }

    async fn move_import_job(
        &self,
        pool: &PoolId,
        job_id: &str,
        from: &[JobStatus],
        to: JobStatus,
        now: i64,
    ) -> Result<bool> {
        let list: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 5)).collect();
        let sql = format!(
            "UPDATE import_jobs SET status = $3, \
             started_at = CASE WHEN $3 = 'InProgress' THEN $4 ELSE started_at END, \
             completed_at = CASE WHEN $3 IN ('Stopped', 'Succeeded', 'Failed') THEN $4 ELSE completed_at END \
             WHERE pool_id = $1 AND job_id = $2 AND status IN ({})",
            list.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool.as_str())
            .bind(job_id)
            .bind(to.as_str())
            .bind(now);
        for f in from {
            q = q.bind(f.as_str());
        }
        let done = q.execute(&self.pool).await.map_err(internal)?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_import_progress(
        &self,
        pool: &PoolId,
        job_id: &str,
        counts: [i64; 3],
    ) -> Result<JobStatus> {
        let row = sqlx::query(
            "UPDATE import_jobs SET imported = $3, skipped = $4, failed = $5 \
             WHERE pool_id = $1 AND job_id = $2 RETURNING status",
        )
        .bind(pool.as_str())
        .bind(job_id)
        .bind(counts[0])
        .bind(counts[1])
        .bind(counts[2])
        .fetch_one(&self.pool)
        .await
        .map_err(internal)?;
        JobStatus::parse(&get::<String>(&row, "status")?)
    }

    async fn set_import_report(
        &self,
        pool: &PoolId,
        job_id: &str,
        message: &str,
        report: Option<(&str, &str)>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE import_jobs SET message = $3, report_hash = $4, report = $5, csv = NULL \
             WHERE pool_id = $1 AND job_id = $2",
        )
        .bind(pool.as_str())
        .bind(job_id)
        .bind(message)
        .bind(report.map(|r| r.0))
        .bind(report.map(|r| r.1))
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn import_report(&self, report_hash: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT report FROM import_jobs WHERE report_hash = $1")
            .bind(report_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(internal)?;
        Ok(row
            .map(|r| get::<Option<String>>(&r, "report"))
            .transpose()?
            .flatten())
    }
}
