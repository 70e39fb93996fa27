use crate::cli::IdpCmd;
use crate::output::Out;
use anyhow::{Result, bail};
use portcullis_app::App;
use portcullis_app::admin::IdpInput;
use portcullis_core::idp::{IdentityProvider, ProviderType};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn pairs(flag: &str, items: Vec<String>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for item in items {
        let Some((k, v)) = item.split_once('=') else {
            bail!("{flag} {item:?}: expected key=value");
        };
        out.insert(k.trim().to_owned(), v.to_owned());
    }
    Ok(out)
}

/// The provider as shown: the secret detail never, only whether there is one.
fn view(p: &IdentityProvider) -> Value {
    json!({
        "pool_id": p.pool_id.as_str(),
        "name": p.name,
        "type": p.provider_type().as_str(),
        "details": p.details.to_map(),
        "has_secret": p.secret_sealed.is_some(),
        "attribute_mapping": p.attribute_mapping,
        "identifiers": p.identifiers,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    })
}

pub async fn run(app: &App, cmd: IdpCmd, out: &Out) -> Result<()> {
    match cmd {
        IdpCmd::Create {
            pool,
            name,
            provider_type,
            details,
            mapping,
            identifiers,
        } => {
            let input = IdpInput {
                details: pairs("--detail", details)?,
                attribute_mapping: pairs("--map", mapping)?,
                identifiers,
            };
            let p = app
                .create_idp(&pool, &name, ProviderType::parse(&provider_type)?, input)
                .await?;
            out.object(&view(&p));
        }
        IdpCmd::List(r) => {
            let items: Vec<Value> = app.list_idps(&r.pool).await?.iter().map(view).collect();
            out.list(&items, &["name", "type", "identifiers"]);
        }
        IdpCmd::Get { pool, name } => out.object(&view(&app.idp(&pool, &name).await?)),
        IdpCmd::Delete { pool, name } => {
            app.delete_idp(&pool, &name).await?;
            out.done(&format!("deleted identity provider {name}"));
        }
    }
    Ok(())
}
