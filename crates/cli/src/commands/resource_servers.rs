use crate::cli::ResourceServerCmd;
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;
use portcullis_core::resource_server::ResourceServerScope;
use serde_json::json;

pub async fn run(app: &App, cmd: ResourceServerCmd, out: &Out) -> Result<()> {
    match cmd {
        ResourceServerCmd::Create {
            pool,
            identifier,
            name,
            scopes,
        } => {
            let scopes = scopes
                .iter()
                .map(|s| {
                    let (name, description) = s.split_once(':').unwrap_or((s, ""));
                    ResourceServerScope {
                        name: name.to_owned(),
                        description: description.to_owned(),
                    }
                })
                .collect();
            let rs = app
                .create_resource_server(&pool, &identifier, &name, scopes)
                .await?;
            let mut v = json!(rs);
            crate::output::set(
                &mut v,
                "scope_names",
                json!(rs.full_scope_names().collect::<Vec<_>>()),
            );
            out.object(&v);
        }
        ResourceServerCmd::List(r) => {
            let items: Vec<_> = app
                .list_resource_servers(&r.pool)
                .await?
                .iter()
                .map(|rs| {
                    let mut v = json!(rs);
                    crate::output::set(
                        &mut v,
                        "scope_names",
                        json!(rs.full_scope_names().collect::<Vec<_>>()),
                    );
                    v
                })
                .collect();
            out.list(&items, &["identifier", "name", "scope_names"]);
        }
    }
    Ok(())
}
