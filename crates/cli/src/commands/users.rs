use super::views;
use crate::cli::UserCmd;
use crate::output::Out;
use anyhow::{Result, bail};
use portcullis_app::App;
use portcullis_app::admin::NewUser;
use serde_json::json;
use std::collections::BTreeMap;

/// The `user` subcommands: one arm each, a dispatch table (long by its number of
/// subcommands, not by any one of them).
pub async fn run(app: &App, cmd: UserCmd, out: &Out) -> Result<()> {
    match cmd {
        UserCmd::Create {
            pool,
            username,
            email,
            password,
            temporary,
            invite,
            attributes,
            hash: _,
        } => {
            let mut attrs = BTreeMap::new();
            if let Some(email) = email {
                attrs.insert("email".to_string(), email);
                attrs.insert("email_verified".to_string(), "true".to_string());
            }
            for a in attributes {
                let Some((k, v)) = a.split_once('=') else {
                    bail!("--attribute {a:?}: expected name=value");
                };
                attrs.insert(k.to_owned(), v.to_owned());
            }
            let req = NewUser {
                username,
                attributes: attrs,
                password,
                temporary: temporary || invite,
            };
            let created = if invite {
                app.invite_user(&pool, req, false).await?
            } else {
                app.create_user(&pool, req).await?
            };
            let mut v = views::user(&created.user);
            if invite {
                // The invitation carries the password; it is not printed as well.
                crate::output::set(&mut v, "invitation", json!("queued"));
            } else if let Some(p) = created.generated_password {
                crate::output::set(&mut v, "temporary_password", json!(p));
            }
            out.object(&v);
        }
        UserCmd::List { pool, limit, after } => {
            if !(1..=60).contains(&limit) {
                bail!("--limit must be between 1 and 60");
            }
            let page = app.list_users(&pool, limit, after.as_deref()).await?;
            let items: Vec<_> = page.items.iter().map(views::user).collect();
            if out.json {
                out.object(&json!({"users": items, "next": page.next}));
            } else {
                out.list(&items, &["username", "sub", "status", "enabled"]);
                if let Some(next) = page.next {
                    println!("(more: --after {next})");
                }
            }
        }
        UserCmd::Get { pool, username } => {
            let user = app.user(&pool, &username).await?;
            let groups: Vec<String> = app
                .groups_of_user(&pool, &username)
                .await?
                .into_iter()
                .map(|g| g.name)
                .collect();
            let mut v = views::user(&user);
            crate::output::set(&mut v, "groups", json!(groups));
            out.object(&v);
        }
        UserCmd::Delete { pool, username } => {
            app.delete_user(&pool, &username).await?;
            out.done(&format!("deleted user {username}"));
        }
        UserCmd::SetPassword {
            pool,
            username,
            password,
            temporary,
            hash: _,
        } => {
            let user = app
                .set_password(&pool, &username, &password, !temporary)
                .await?;
            out.object(&views::user(&user));
        }
        UserCmd::AddToGroup {
            pool,
            username,
            group,
        } => {
            app.add_user_to_group(&pool, &username, &group).await?;
            out.done(&format!("added {username} to {group}"));
        }
        UserCmd::ResetPassword { pool, not_migrated } => {
            if !not_migrated {
                bail!(
                    "say which users: --not-migrated (every copied user who has not signed in yet)"
                );
            }
            let waiting = app.migration_waiting(&pool).await?;
            let mut progress = crate::progress::Progress::new("resetting", Some(waiting));
            let (reset, mailed) = app
                .reset_not_migrated(&pool, |n| progress.tick(n, n))
                .await?;
            progress.clear();
            out.object(&json!({"pool": pool, "reset": reset, "codes_sent": mailed}));
        }
        UserCmd::Import {
            pool,
            file,
            format,
            dry_run,
            replace,
        } => {
            let opts = portcullis_app::transfer::import::ImportOptions { dry_run, replace };
            super::transfer::import(app, &pool, &file, format, opts, out).await?;
        }
        UserCmd::Export {
            pool,
            format,
            with_hashes,
            output,
        } => super::transfer::export(app, &pool, format, with_hashes, output.as_ref(), out).await?,
    }
    Ok(())
}
