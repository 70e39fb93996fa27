use super::views;
use crate::cli::PoolCmd;
use crate::output::Out;
use anyhow::Result;
use portcullis_core::password_policy::PasswordPolicy;
use portcullis_core::pool::{PoolSettings, UsernameAttribute};
use portcullis_server::App;

pub async fn run(app: &App, cmd: PoolCmd, out: &Out) -> Result<()> {
    match cmd {
        PoolCmd::Create {
            name,
            region,
            email_as_username,
            case_sensitive_usernames,
            password_min_length,
        } => {
            let settings = PoolSettings {
                password_policy: PasswordPolicy {
                    minimum_length: password_min_length,
                    ..Default::default()
                },
                username_attributes: if email_as_username {
                    vec![UsernameAttribute::Email]
                } else {
                    vec![]
                },
                case_sensitive_usernames,
                ..Default::default()
            };
            let pool = app.create_pool(&region, &name, settings).await?;
            out.object(&views::pool(&pool));
        }
        PoolCmd::List => {
            let pools: Vec<_> = app.list_pools().await?.iter().map(views::pool).collect();
            out.list(&pools, &["id", "name"]);
        }
        PoolCmd::Get(r) => out.object(&views::pool(&app.pool(&r.pool).await?)),
        PoolCmd::SetDomain {
            pool,
            domain,
            clear,
        } => {
            if domain.is_none() && !clear {
                anyhow::bail!("give --domain NAME, or --clear to remove the domain");
            }
            out.object(&views::pool(
                &app.set_pool_domain(&pool, domain.as_deref()).await?,
            ));
        }
        PoolCmd::Delete(r) => {
            app.delete_pool(&r.pool).await?;
            out.done(&format!("deleted pool {}", r.pool));
        }
    }
    Ok(())
}
