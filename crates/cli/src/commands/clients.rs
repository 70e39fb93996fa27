use super::views;
use crate::cli::{ClientCmd, ClientUpdate, LifetimeFlags};
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;
use portcullis_core::client::{NewClient, OAuthFlow, RefreshRotation, SignInSource};
use portcullis_core::lifetime::{Lifetime, LifetimeRequest, TimeUnit, TokenUnits, in_unit};
use portcullis_core::pool::TokenValidity;

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
            lifetimes,
        } => {
            // Checked before anything is written.
            check_providers(app, &pool, &identity_providers).await?;
            let defaults = app.pool(&pool).await?.settings.token_validity;
            let lifetimes = resolve_lifetimes(&lifetimes, None, defaults)?;
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
                token_validity: lifetimes.map(|(tv, _)| tv),
                token_units: lifetimes.map(|(_, u)| u).unwrap_or_default(),
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
        ClientCmd::Update(u) => update(app, *u, out).await?,
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

/// Every provider named must exist in the pool (`COGNITO` is the pool's own directory).
async fn check_providers(app: &App, pool: &str, providers: &[String]) -> Result<()> {
    for p in providers
        .iter()
        .filter(|p| SignInSource::of(p) != SignInSource::Directory)
    {
        app.idp(pool, p).await.map_err(|_| {
            anyhow::anyhow!("--identity-provider {p}: no such provider in the pool")
        })?;
    }
    Ok(())
}

/// The lifetimes given on the command line over `current` (the client's own, each in the
/// unit it was given in), or over the pool's `defaults` when the client has none; `None`
/// when no lifetime is given.
fn resolve_lifetimes(
    flags: &LifetimeFlags,
    current: Option<(TokenValidity, TokenUnits)>,
    defaults: TokenValidity,
) -> Result<Option<(TokenValidity, TokenUnits)>> {
    let units = TokenUnits::default();
    let given = |flag: &Option<String>, name: &str, unit: TimeUnit| {
        flag.as_deref()
            .map(|s| Lifetime::parse(s, unit).map_err(|e| anyhow::anyhow!("--{name}: {e}")))
            .transpose()
    };
    let access = given(
        &flags.access_token_validity,
        "access-token-validity",
        units.access,
    )?;
    let id = given(&flags.id_token_validity, "id-token-validity", units.id)?;
    let refresh = given(
        &flags.refresh_token_validity,
        "refresh-token-validity",
        units.refresh,
    )?;
    if access.is_none() && id.is_none() && refresh.is_none() {
        return Ok(None);
    }
    let kept = |secs: fn(&TokenValidity) -> u32, unit: fn(&TokenUnits) -> TimeUnit| {
        current.map(|(tv, u)| Lifetime {
            value: in_unit(secs(&tv), unit(&u)),
            unit: unit(&u),
        })
    };
    let req = LifetimeRequest {
        access: access.or_else(|| kept(|t| t.access_token_secs, |u| u.access)),
        id: id.or_else(|| kept(|t| t.id_token_secs, |u| u.id)),
        refresh: refresh.or_else(|| kept(|t| t.refresh_token_secs, |u| u.refresh)),
    };
    Ok(req.resolve(defaults)?)
}

/// `client update`: only what is given changes; a list option replaces the list.
async fn update(app: &App, u: ClientUpdate, out: &Out) -> Result<()> {
    let ClientUpdate {
        pool,
        client_id,
        name,
        callback_urls,
        logout_urls,
        scopes,
        flows,
        auth_flows,
        identity_providers,
        read_attributes,
        write_attributes,
        lifetimes,
    } = u;
    let mut c = app.client(&pool, &client_id).await?;
    if let Some(list) = &identity_providers {
        check_providers(app, &pool, list).await?;
    }
    let defaults = app.pool(&pool).await?.settings.token_validity;
    let current = c.token_validity.map(|tv| (tv, c.token_units));
    if let Some((tv, units)) = resolve_lifetimes(&lifetimes, current, defaults)? {
        c.token_validity = Some(tv);
        c.token_units = units;
    }
    let flows = flows
        .map(|f| f.iter().map(|s| OAuthFlow::parse(s.trim())).collect())
        .transpose()?;
    let set = |slot: &mut Vec<String>, given: Option<Vec<String>>| {
        if let Some(v) = given {
            *slot = v;
        }
    };
    if let Some(n) = name {
        c.name = n;
    }
    set(&mut c.callback_urls, callback_urls);
    set(&mut c.logout_urls, logout_urls);
    set(&mut c.allowed_oauth_scopes, scopes);
    set(&mut c.explicit_auth_flows, auth_flows);
    set(&mut c.supported_identity_providers, identity_providers);
    set(&mut c.read_attributes, read_attributes);
    set(&mut c.write_attributes, write_attributes);
    if let Some(f) = flows {
        c.allowed_oauth_flows = f;
    }
    out.object(&views::client(&app.update_client(c).await?, None));
    Ok(())
}
