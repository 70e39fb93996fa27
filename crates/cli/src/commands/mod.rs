//! One function per command. Each opens the store, calls one admin operation and prints.

mod access_keys;
mod clients;
mod groups;
mod idps;
mod keys;
mod migrate;
mod outbox;
mod pools;
mod resource_servers;
mod serve;
mod transfer;
mod users;
mod views;

use crate::cli::{Cli, Command, UserCmd};
use crate::config;
use crate::output::Out;
use anyhow::Result;

pub async fn run(cli: Cli) -> Result<()> {
    let out = Out {
        json: cli.global.json,
    };
    if let Command::Serve(args) = cli.command {
        return serve::run(&cli.global, args, &out).await;
    }
    let hash = match &cli.command {
        Command::User(UserCmd::Create { hash, .. } | UserCmd::SetPassword { hash, .. }) => {
            Some(hash)
        }
        _ => None,
    };
    let app = config::app(&cli.global, hash).await?;
    match cli.command {
        Command::Serve(_) => Ok(()),
        Command::Pool(c) => pools::run(&app, c, &out).await,
        Command::Client(c) => clients::run(&app, c, &out).await,
        Command::ResourceServer(c) => resource_servers::run(&app, c, &out).await,
        Command::User(c) => users::run(&app, c, &out).await,
        Command::Group(c) => groups::run(&app, c, &out).await,
        Command::Keys(c) => keys::run(&app, c, &out).await,
        Command::AccessKey(c) => access_keys::run(&app, c, &out).await,
        Command::Outbox(c) => outbox::run(&app, c, &out).await,
        Command::Idp(c) => idps::run(&app, c, &out).await,
        Command::Migrate(c) => migrate::run(&app, c, &out).await,
    }
}
