//! `migrate cognito` and `migrate status`: copying a Cognito pool's users, with progress,
//! and counting those still waiting for their first sign-in.

use crate::cli::MigrateCmd;
use crate::output::Out;
use crate::progress::Progress;
use anyhow::Result;
use portcullis_app::App;
use portcullis_app::federation::addresses::AddressPolicy;
use portcullis_app::federation::fetch::Fetcher;
use portcullis_app::transfer::cognito_source::CognitoSource;
use serde_json::json;

pub async fn run(app: &App, cmd: MigrateCmd, out: &Out) -> Result<()> {
    match cmd {
        MigrateCmd::Cognito {
            pool,
            source_endpoint,
            source_region,
            source_pool,
            source_client,
            source_client_secret,
            source_access_key_id,
            source_secret_access_key,
            upstream_allow_private,
        } => {
            let src = CognitoSource {
                endpoint: source_endpoint,
                region: source_region,
                pool_id: source_pool,
                client_id: source_client,
                client_secret: source_client_secret,
                access_key_id: source_access_key_id,
                secret_access_key: source_secret_access_key,
            };
            let policy = if upstream_allow_private {
                AddressPolicy::AllowPrivate
            } else {
                AddressPolicy::PublicOnly
            };
            let fetcher = Fetcher::new(std::time::Duration::from_secs(10), policy);
            let mut progress = Progress::new("copying", None);
            let report = app
                .copy_from_cognito(&pool, &src, &fetcher, |_, rows| progress.tick(rows, rows))
                .await?;
            progress.clear();
            let waiting = app.migration_waiting(&pool).await?;
            out.object(&json!({
                "pool": pool,
                "copied": report.created,
                "skipped": report.skipped,
                "failed": report.failures.len(),
                "failures": report.failures,
                "waiting_for_first_sign_in": waiting,
                "seconds": (progress.elapsed().as_secs_f64() * 100.0).round() / 100.0,
            }));
        }
        MigrateCmd::Status { pool } => {
            let waiting = app.migration_waiting(&pool).await?;
            out.object(&json!({"pool": pool, "waiting_for_first_sign_in": waiting}));
        }
    }
    Ok(())
}
