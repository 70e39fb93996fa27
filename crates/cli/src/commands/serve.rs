use crate::cli::{Global, ServeArgs};
use crate::config;
use crate::output::Out;
use anyhow::{Context, Result, bail};
use portcullis_server::{ServeConfig, http};
use serde_json::json;
use std::sync::Arc;

pub async fn run(global: &Global, args: ServeArgs, out: &Out) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTCULLIS_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let public_url = args
        .public_url
        .unwrap_or_else(|| format!("http://{}", args.listen))
        .trim_end_matches('/')
        .to_owned();
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        bail!("--public-url must start with http:// or https://");
    }
    for r in &args.region {
        if r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            bail!("--region {r:?}: a region is letters, digits and dashes, e.g. eu-west-1");
        }
    }
    if args.account_id.len() != 12 || !args.account_id.chars().all(|c| c.is_ascii_digit()) {
        bail!("--account-id must be 12 digits");
    }
    let config = ServeConfig {
        listen: args.listen,
        public_url,
        regions: args.region,
        account_id: args.account_id,
        trusted_proxies: args.trusted_proxy,
    };
    let app = Arc::new(
        config::serving(
            config::app(global, Some(&args.hash)).await?,
            global,
            &args.mail,
            &args.upstream,
        )?
        .with_public_url(&config.public_url),
    );
    if args.demo {
        let demo = app.ensure_demo().await?;
        let login_url = demo.login_url(&config.issuer(&demo.pool_id));
        if out.json {
            let mut v = json!(demo);
            crate::output::set(&mut v, "login_url", json!(login_url));
            crate::output::set(&mut v, "issuer", json!(config.issuer(&demo.pool_id)));
            println!("{v}");
        } else {
            println!("Demo pool:     {}", demo.pool_id);
            println!("Issuer:        {}", config.issuer(&demo.pool_id));
            println!("App client:    {}", demo.client_id);
            if let Some(s) = &demo.client_secret {
                println!("Client secret: {s}");
            }
            println!("Redirect URI:  {}", demo.redirect_uri);
            println!("User:          {} / {}", demo.username, demo.password);
            println!("Sign in at:    {login_url}");
        }
    }
    if out.json {
        println!(
            "{}",
            json!({"listening": config.listen.to_string(), "public_url": config.public_url})
        );
    }
    http::serve(app, config.clone())
        .await
        .with_context(|| format!("cannot serve on {}", config.listen))
}
