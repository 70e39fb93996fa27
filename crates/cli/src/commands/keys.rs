use super::views;
use crate::cli::KeysCmd;
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;

pub async fn run(app: &App, cmd: KeysCmd, out: &Out) -> Result<()> {
    match cmd {
        KeysCmd::Rotate(r) => out.object(&views::key(&app.rotate_key(&r.pool).await?)),
        KeysCmd::List(r) => {
            let items: Vec<_> = app
                .list_keys(&r.pool)
                .await?
                .iter()
                .map(views::key)
                .collect();
            out.list(&items, &["kid", "status", "algorithm", "created_at"]);
        }
    }
    Ok(())
}
