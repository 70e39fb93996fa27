use crate::cli::OutboxCmd;
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;
use portcullis_core::ids::PoolId;
use serde_json::{Value, json};

pub async fn run(app: &App, cmd: OutboxCmd, out: &Out) -> Result<()> {
    match cmd {
        OutboxCmd::List { pool, limit } => {
            let pool = pool.map(|p| PoolId::parse(&p)).transpose()?;
            let items: Vec<Value> = app
                .recent_messages(pool.as_ref(), limit.clamp(1, 500))
                .await?
                .iter()
                .map(|m| {
                    json!({
                        "id": m.id.to_string(), "pool_id": m.pool_id.as_str(), "to": m.recipient,
                        "subject": m.subject, "purpose": m.purpose, "status": m.status.as_str(),
                        "attempts": m.attempts, "created_at": m.created_at, "sent_at": m.sent_at,
                        "last_error": m.last_error,
                    })
                })
                .collect();
            out.list(&items, &["created_at", "status", "to", "subject"]);
        }
    }
    Ok(())
}
