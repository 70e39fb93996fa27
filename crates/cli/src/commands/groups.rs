use crate::cli::GroupCmd;
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;
use serde_json::json;

pub async fn run(app: &App, cmd: GroupCmd, out: &Out) -> Result<()> {
    match cmd {
        GroupCmd::Create {
            pool,
            name,
            description,
            precedence,
        } => {
            let g = app
                .create_group(&pool, &name, description, precedence)
                .await?;
            out.object(&json!(g));
        }
        GroupCmd::List(r) => {
            let items: Vec<_> = app
                .list_groups(&r.pool)
                .await?
                .iter()
                .map(|g| json!(g))
                .collect();
            out.list(&items, &["name", "precedence", "description"]);
        }
    }
    Ok(())
}
