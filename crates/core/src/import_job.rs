//! Cognito's user import jobs: a job is created with an upload URL, its CSV is PUT there,
//! it is started, runs a batch at a time, and ends Succeeded (failed rows counted and
//! reported), Failed (the file itself was unusable), or Stopped. A job never started within
//! a day of its creation is Expired.

use crate::clock::UnixTime;
use crate::ids::PoolId;
use crate::{Error, Result};

/// How long a created job waits for its file and start.
pub const EXPIRES_AFTER_SECS: i64 = 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Created,
    Pending,
    InProgress,
    Stopping,
    Stopped,
    Succeeded,
    Failed,
    Expired,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Created => "Created",
            JobStatus::Pending => "Pending",
            JobStatus::InProgress => "InProgress",
            JobStatus::Stopping => "Stopping",
            JobStatus::Stopped => "Stopped",
            JobStatus::Succeeded => "Succeeded",
            JobStatus::Failed => "Failed",
            JobStatus::Expired => "Expired",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        [
            JobStatus::Created,
            JobStatus::Pending,
            JobStatus::InProgress,
            JobStatus::Stopping,
            JobStatus::Stopped,
            JobStatus::Succeeded,
            JobStatus::Failed,
            JobStatus::Expired,
        ]
        .into_iter()
        .find(|j| j.as_str() == s)
        .ok_or_else(|| Error::internal(format!("unknown job status {s:?}")))
    }

    /// Whether the job has ended.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobStatus::Stopped | JobStatus::Succeeded | JobStatus::Failed | JobStatus::Expired
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    pub pool_id: PoolId,
    /// `import-` and 10 characters, as Cognito's.
    pub job_id: String,
    pub name: String,
    pub status: JobStatus,
    pub role_arn: String,
    pub imported: i64,
    pub skipped: i64,
    pub failed: i64,
    pub message: Option<String>,
    pub created_at: UnixTime,
    pub started_at: Option<UnixTime>,
    pub completed_at: Option<UnixTime>,
}

impl ImportJob {
    /// The status as of `now`: a created job past its day has expired.
    pub fn status_at(&self, now: UnixTime) -> JobStatus {
        if self.status == JobStatus::Created && now > self.created_at + EXPIRES_AFTER_SECS {
            JobStatus::Expired
        } else {
            self.status
        }
    }
}

/// Cognito's limits on a job name: 1-128 characters of `[\w\s+=,.@-]`.
pub fn check_job_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 128
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "JobName must be 1-128 characters of letters, digits, spaces and _+=,.@-",
        ))
    }
}
