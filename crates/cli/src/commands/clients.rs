use super::views;
use crate::cli::ClientCmd;
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;
use portcullis_core::client::{NewClient, OAuthFlow, RefreshRotation, SignInSource};

/// The `client` subcommands: one arm each, a dispatch table (long by its number of
/// subcommands, not by any one of them).
pub async fn run(app: &App, cmd: ClientCmd, out: &Out) -> Result<()> {
    match cmd {
        ClientCmd::Create {
            pool,
            name,
            callback_urls,
            logout_urls,
            secret,
            scopes,
            flows,
            auth_flows,
            refresh_rotation,
            refresh_grace_secs,
            identity_providers,
            read_attributes,
            write_attributes,
        } => {
            // Checked before anything is written.
            for p in identity_providers
                .iter()
                .filter(|p| SignInSource::of(p) != SignInSource::Directory)
            {
                app.idp(&pool, p).await.map_err(|_| {
                    anyhow::anyhow!("--identity-provider {p}: no such provider in the pool")
                })?;
            }
            let flows = match flows {
                Some(f) => f
                    .iter()
                    .map(|s| OAuthFlow::parse(s.trim()))
                    .collect::<Result<Vec<_>, _>>()?,
                None if !callback_urls.is_empty() => vec![OAuthFlow::Code],
                None => vec![],
            };
            let interactive =
                flows.contains(&OAuthFlow::Code) || flows.contains(&OAuthFlow::Implicit);
            let scopes = match scopes {
                Some(s) => s.into_iter().map(|s| s.trim().to_owned()).collect(),
                None if interactive => vec!["openid".into(), "email".into(), "profile".into()],
                None => vec![],
            };
            let req = NewClient {
                name,
                callback_urls,
                logout_urls,
                allowed_oauth_flows: flows,
                allowed_oauth_scopes: scopes,
                explicit_auth_flows: auth_flows,
                token_validity: None,
                refresh_rotation: RefreshRotation {
                    enabled: refresh_rotation,
                    grace_secs: refresh_grace_secs,
                },
                read_attributes,
                write_attributes,
            };
            let mut created = app.create_client(&pool, req, secret).await?;
            if !identity_providers.is_empty() {
                let mut c = created.client.clone();
                c.supported_identity_providers = identity_providers;
                created.client = app.update_client(c).await?;
            }
            out.object(&views::client(&created.client, created.secret.as_deref()));
        }
        ClientCmd::List(r) => {
            let items: Vec<_> = app
                .list_clients(&r.pool)
                .await?
                .iter()
                .map(|c| views::client(c, None))
                .collect();
            out.list(&items, &["client_id", "name", "has_secret"]);
        }
        ClientCmd::Get {
            pool,
            client_id,
            show_secret,
        } => {
            let client = app.client(&pool, &client_id).await?;
            let secret = if show_secret {
                app.reveal_secret(&client)?
            } else {
                None
            };
            out.object(&views::client(&client, secret.as_deref()));
        }
        ClientCmd::Delete { pool, client_id } => {
            app.delete_client(&pool, &client_id).await?;
            out.done(&format!("deleted client {client_id}"));
        }
    }
    Ok(())
}
