//! Cognito's user import jobs on the wire: GetCSVHeader, CreateUserImportJob (with the
//! pre-signed URL the CSV is PUT to), Start/Stop/Describe/ListUserImportJobs. A started job
//! runs on this node, in the background ([`portcullis_app::transfer::jobs`]).

use super::Call;
use super::error::CognitoError;
use super::paging::{Paging, decode, encode};
use portcullis_core::import_job::ImportJob;
use portcullis_core::transfer::csv::STANDARD_COLUMNS;
use serde_json::{Value, json};

const LIST: Paging = Paging {
    size: "MaxResults",
    token: "PaginationToken",
    max: 60,
    required: true,
};

fn job_type(j: &ImportJob, url: Option<String>) -> Value {
    let mut v = json!({
        "JobName": j.name,
        "JobId": j.job_id,
        "UserPoolId": j.pool_id.as_str(),
        "CreationDate": j.created_at,
        "Status": j.status.as_str(),
        "CloudWatchLogsRoleArn": j.role_arn,
        "ImportedUsers": j.imported,
        "SkippedUsers": j.skipped,
        "FailedUsers": j.failed,
    });
    let mut set = |k: &str, val: Value| super::set(&mut v, k, val);
    if let Some(u) = url {
        set("PreSignedUrl", json!(u));
    }
    if let Some(t) = j.started_at {
        set("StartDate", json!(t));
    }
    if let Some(t) = j.completed_at {
        set("CompletionDate", json!(t));
    }
    if let Some(m) = &j.message {
        set("CompletionMessage", json!(m));
    }
    v
}

/// Where import files and reports are served, under the public URL.
pub(crate) fn upload_url(c: &Call<'_>, token: &str) -> String {
    format!(
        "{}/import-jobs/upload/{token}",
        c.s.config.public_url.trim_end_matches('/')
    )
}

pub(crate) async fn csv_header(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let header: Vec<String> = STANDARD_COLUMNS
        .iter()
        .map(|s| (*s).to_owned())
        .chain(
            pool.settings
                .custom_attributes
                .iter()
                .map(|a| format!("custom:{}", a.name)),
        )
        .collect();
    Ok(json!({"UserPoolId": pool.id.as_str(), "CSVHeader": header}))
}

pub(crate) async fn create(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let (name, role) = (c.string("JobName")?, c.string("CloudWatchLogsRoleArn")?);
    let created =
        c.s.app
            .create_import_job(pool.id.as_str(), name, role)
            .await
            .map_err(c.core(None))?;
    let url = upload_url(c, &created.upload_token);
    Ok(json!({"UserImportJob": job_type(&created.job, Some(url))}))
}

pub(crate) async fn describe(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let job =
        c.s.app
            .import_job(pool.id.as_str(), c.string("JobId")?)
            .await
            .map_err(c.core(Some(c.string("JobId")?)))?;
    Ok(json!({"UserImportJob": job_type(&job, None)}))
}

pub(crate) async fn start(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let job_id = c.string("JobId")?;
    let job =
        c.s.app
            .start_import_job(pool.id.as_str(), job_id)
            .await
            .map_err(c.core(Some(job_id)))?;
    let (app, pool_id, id) = (c.s.app.clone(), pool.id.to_string(), job_id.to_owned());
    let base = c.s.config.public_url.trim_end_matches('/').to_owned();
    tokio::spawn(async move {
        let report = |t: &str| format!("{base}/import-jobs/reports/{t}");
        if let Err(e) = app.run_import_job(&pool_id, &id, report).await {
            tracing::error!(pool = %pool_id, job = %id, error = %e, "import job failed");
        }
    });
    Ok(json!({"UserImportJob": job_type(&job, None)}))
}

pub(crate) async fn stop(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let job_id = c.string("JobId")?;
    let job =
        c.s.app
            .stop_import_job(pool.id.as_str(), job_id)
            .await
            .map_err(c.core(Some(job_id)))?;
    Ok(json!({"UserImportJob": job_type(&job, None)}))
}

pub(crate) async fn list(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let size = match c.input.get("MaxResults").and_then(Value::as_u64) {
        Some(n) if (1..=LIST.max).contains(&n) => n as u32,
        _ => {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60",
            ));
        }
    };
    let after = match c.opt_string(LIST.token)? {
        None => None,
        Some(t) => Some(
            decode(t)
                .ok_or_else(|| CognitoError::invalid_parameter("PaginationToken is not valid"))?,
        ),
    };
    let page =
        c.s.app
            .list_import_jobs(pool.id.as_str(), size, after.as_deref())
            .await
            .map_err(c.core(None))?;
    let mut out =
        json!({"UserImportJobs": page.items.iter().map(|j| job_type(j, None)).collect::<Vec<_>>()});
    if let Some(next) = page.next {
        super::set(&mut out, LIST.token, json!(encode(&next)));
    }
    Ok(out)
}
