use super::views;
use crate::cli::{PolicyFlags, PoolCmd};
use crate::output::Out;
use anyhow::Result;
use portcullis_app::App;
use portcullis_core::password_policy::PasswordPolicy;
use portcullis_core::pool::{PoolSettings, UsernameAttribute};
use portcullis_core::schema::{CustomAttribute, DataType};

/// The `pool` subcommands: one arm each, a dispatch table (long by its number of
/// subcommands, not by any one of them).
pub async fn run(app: &App, cmd: PoolCmd, out: &Out) -> Result<()> {
    match cmd {
        PoolCmd::Create {
            name,
            region,
            email_as_username,
            case_sensitive_usernames,
            password_min_length,
            required_attributes,
            custom_attributes,
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
                required_attributes,
                custom_attributes: custom_attributes_from(&custom_attributes)?,
                ..Default::default()
            };
            let region = region
                .or_else(|| {
                    std::env::var("PORTCULLIS_REGIONS")
                        .ok()
                        .and_then(|r| r.split(',').next().map(str::to_owned))
                        .filter(|r| !r.is_empty())
                })
                .unwrap_or_else(|| portcullis_core::ids::DEFAULT_REGION.to_owned());
            let pool = app.create_pool(&region, &name, settings).await?;
            out.object(&views::pool(&pool));
        }
        PoolCmd::List => {
            let pools: Vec<_> = app.list_pools().await?.iter().map(views::pool).collect();
            out.list(&pools, &["id", "name"]);
        }
        PoolCmd::Get(r) => {
            let mut v = views::pool(&app.pool(&r.pool).await?);
            crate::output::set(
                &mut v,
                "smtp",
                serde_json::json!(app.pool_smtp_display(&r.pool).await?),
            );
            out.object(&v);
        }
        PoolCmd::Update { pool, policy } => update_policy(app, &pool, policy, out).await?,
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
        PoolCmd::SetEmail {
            pool,
            from,
            reply_to,
            smtp_url,
            clear_smtp,
        } => set_email(app, &pool, from, reply_to, smtp_url, clear_smtp, out).await?,
        PoolCmd::SetSamlEntityId {
            pool,
            entity_id,
            clear,
        } => {
            if entity_id.is_none() && !clear {
                anyhow::bail!("give --entity-id URI, or --clear for the default");
            }
            let mut settings = app.pool(&pool).await?.settings;
            settings.saml_sp_entity_id = entity_id;
            out.object(&views::pool(
                &app.update_pool_settings(&pool, settings).await?,
            ));
        }
        PoolCmd::SetClaimRules {
            pool,
            client,
            file,
            clear,
        } => {
            let rules = match (&file, clear) {
                (Some(path), false) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| anyhow::anyhow!("--file {}: {e}", path.display()))?;
                    Some(portcullis_core::claim_rules::ClaimRules::parse(&text)?)
                }
                _ => None,
            };
            let now = app.set_claim_rules(&pool, client.as_deref(), rules).await?;
            out.object(&serde_json::json!({"pool": pool, "client": client, "rules": now}));
        }
        PoolCmd::SetHook {
            pool,
            trigger,
            url,
            version,
            clear: _,
            upstream_allow_private,
        } => {
            let trigger = portcullis_core::hooks::Trigger::parse(&trigger)?;
            let version = version
                .as_deref()
                .map(portcullis_core::hooks::PreTokenVersion::parse)
                .transpose()?;
            let p = app
                .set_hook(
                    &pool,
                    trigger,
                    url.as_deref(),
                    version,
                    upstream_allow_private,
                )
                .await?;
            let hooks = &p.settings.hooks;
            out.object(&serde_json::json!({
                "pool": pool,
                "hooks": hooks.targets,
                "pre_token_version": hooks.pre_token_version.name(),
            }));
        }
        PoolCmd::SetPasswordImportHook {
            pool,
            url,
            clear: _,
            upstream_allow_private,
        } => {
            let p = app
                .set_password_import_hook(&pool, url.as_deref(), upstream_allow_private)
                .await?;
            out.object(&serde_json::json!({
                "pool": pool,
                "password_import_hook": p.settings.hooks.password_import,
            }));
        }
        PoolCmd::HookSecret { pool, rotate } => {
            let secret = if rotate {
                app.rotate_hook_secret(&pool).await?
            } else {
                app.hook_secret(&pool).await?
            };
            out.object(&serde_json::json!({"pool": pool, "secret": secret}));
        }
        PoolCmd::SamlKey {
            pool,
            stage,
            promote,
            retire,
        } => saml_key(app, &pool, [stage, promote, retire], out).await?,
        PoolCmd::Delete(r) => {
            app.delete_pool(&r.pool).await?;
            out.done(&format!("deleted pool {}", r.pool));
        }
    }
    Ok(())
}

/// `--custom-attribute NAME[:TYPE]` values (the type String unless given).
fn custom_attributes_from(specs: &[String]) -> Result<Vec<CustomAttribute>> {
    specs
        .iter()
        .map(|spec| {
            let (name, kind) = spec.split_once(':').unwrap_or((spec, "String"));
            Ok(CustomAttribute {
                data_type: DataType::parse(kind)?,
                ..CustomAttribute::string(name)
            })
        })
        .collect::<portcullis_core::Result<Vec<_>>>()
        .map_err(|e| anyhow::anyhow!("--custom-attribute: {e}"))
}

/// `pool set-email`: the sender addresses and the pool's own SMTP server, all checked
/// before anything is written, so a refused address or URL changes nothing.
async fn set_email(
    app: &App,
    pool: &str,
    from: Option<String>,
    reply_to: Option<String>,
    smtp_url: Option<String>,
    clear_smtp: bool,
    out: &Out,
) -> Result<()> {
    let mut settings = app.pool(pool).await?.settings;
    let blank_is_none = |v: String| (!v.trim().is_empty()).then_some(v);
    if let Some(f) = from {
        settings.email.from = blank_is_none(f);
    }
    if let Some(r) = reply_to {
        settings.email.reply_to = blank_is_none(r);
    }
    settings.validate()?;
    if let Some(url) = &smtp_url {
        portcullis_app::account::mailer::Mailer::smtp(url, "check@portcullis.local")
            .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?;
    }
    let updated = app.update_pool_settings(pool, settings).await?;
    if smtp_url.is_some() || clear_smtp {
        app.set_pool_smtp(pool, smtp_url.as_deref()).await?;
    }
    let mut v = views::pool(&updated);
    crate::output::set(
        &mut v,
        "smtp",
        serde_json::json!(app.pool_smtp_display(pool).await?),
    );
    out.object(&v);
    Ok(())
}

#[cfg(feature = "saml")]
async fn saml_key(app: &App, pool: &str, steps: [bool; 3], out: &Out) -> Result<()> {
    use portcullis_app::federation::saml_keys::SamlKeyStep;
    let step = match steps {
        [true, _, _] => Some(SamlKeyStep::Stage),
        [_, true, _] => Some(SamlKeyStep::Promote),
        [_, _, true] => Some(SamlKeyStep::Retire),
        _ => None,
    };
    let pool = app.pool(pool).await?;
    let state = app.saml_key_rotation(&pool, step).await?;
    out.object(&serde_json::json!({
        "pool": pool.id.to_string(),
        "current": state.current,
        "next": state.next,
        "previous": state.previous,
    }));
    Ok(())
}

#[cfg(not(feature = "saml"))]
async fn saml_key(_: &App, _: &str, _: [bool; 3], _: &Out) -> Result<()> {
    anyhow::bail!("this portcullis was built without SAML (cargo feature `saml`)")
}

/// `pool update`: only the options given change.
async fn update_policy(app: &App, pool: &str, f: PolicyFlags, out: &Out) -> Result<()> {
    let PolicyFlags {
        password_min_length,
        require_uppercase,
        require_lowercase,
        require_numbers,
        require_symbols,
        temporary_password_days,
    } = f;
    let mut settings = app.pool(pool).await?.settings;
    let pp = &mut settings.password_policy;
    let given = [
        (require_uppercase, &mut pp.require_uppercase),
        (require_lowercase, &mut pp.require_lowercase),
        (require_numbers, &mut pp.require_numbers),
        (require_symbols, &mut pp.require_symbols),
    ];
    for (value, slot) in given {
        if let Some(v) = value {
            *slot = v;
        }
    }
    if let Some(n) = password_min_length {
        pp.minimum_length = n;
    }
    if let Some(d) = temporary_password_days {
        pp.temporary_password_validity_days = d;
    }
    out.object(&views::pool(
        &app.update_pool_settings(pool, settings).await?,
    ));
    Ok(())
}
