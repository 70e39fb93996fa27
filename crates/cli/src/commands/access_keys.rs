use crate::cli::AccessKeyCmd;
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;
use portcullis_core::access_key::AccessKey;
use serde_json::{Value, json};

fn view(k: &AccessKey) -> Value {
    json!({
        "access_key_id": k.key_id,
        "pools": if k.pools.is_empty() { json!("*") } else { json!(k.pools) },
        "created_at": k.created_at,
    })
}

pub async fn run(app: &App, cmd: AccessKeyCmd, out: &Out) -> Result<()> {
    match cmd {
        AccessKeyCmd::Create { pools } => {
            let (key, secret) = app.create_access_key(&pools).await?;
            let mut v = view(&key);
            crate::output::set(&mut v, "secret_access_key", json!(secret));
            out.object(&v);
        }
        AccessKeyCmd::List => {
            let items: Vec<Value> = app.list_access_keys().await?.iter().map(view).collect();
            out.list(&items, &["access_key_id", "pools"]);
        }
        AccessKeyCmd::Delete { access_key_id } => {
            app.delete_access_key(&access_key_id).await?;
            out.done(&format!("deleted access key {access_key_id}"));
        }
    }
    Ok(())
}
