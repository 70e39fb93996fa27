//! `serve --demo`: a pool, an app client and a user to try the login with, created once and
//! found again on later starts (matched by name).

use super::NewUser;
use crate::App;
use portcullis_core::client::{NewClient, OAuthFlow};
use portcullis_core::error::Entity;
use portcullis_core::ids::DEFAULT_REGION;
use portcullis_core::pool::PoolSettings;
use portcullis_core::{Error, Result};
use std::collections::BTreeMap;

pub const DEMO_POOL: &str = "demo";
pub const DEMO_CLIENT: &str = "demo-app";
pub const DEMO_CALLBACK: &str = "http://localhost:3000/callback";
pub const DEMO_USER: &str = "demo";
pub const DEMO_PASSWORD: &str = "Demo-Passw0rd!";

#[derive(Debug, Clone, serde::Serialize)]
pub struct Demo {
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub redirect_uri: String,
    pub username: String,
    pub password: String,
    pub created: bool,
}

impl Demo {
    /// The authorization URL a person can open to sign in.
    pub fn login_url(&self, issuer: &str) -> String {
        format!(
            "{issuer}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid+email+profile&state=demo",
            self.client_id,
            url_encode(&self.redirect_uri)
        )
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl App {
    pub async fn ensure_demo(&self) -> Result<Demo> {
        let mut created = false;
        let pool = match self
            .list_pools()
            .await?
            .into_iter()
            .find(|p| p.name == DEMO_POOL)
        {
            Some(p) => p,
            None => {
                created = true;
                self.create_pool(DEFAULT_REGION, DEMO_POOL, PoolSettings::default())
                    .await?
            }
        };
        let pool_id = pool.id.to_string();
        let existing = self
            .list_clients(&pool_id)
            .await?
            .into_iter()
            .find(|c| c.name == DEMO_CLIENT);
        let (client, secret) = match existing {
            Some(c) => {
                let s = self.reveal_secret(&c)?;
                (c, s)
            }
            None => {
                created = true;
                let req = NewClient {
                    name: DEMO_CLIENT.into(),
                    callback_urls: vec![DEMO_CALLBACK.into()],
                    logout_urls: vec!["http://localhost:3000/".into()],
                    allowed_oauth_flows: vec![OAuthFlow::Code],
                    allowed_oauth_scopes: vec!["openid".into(), "email".into(), "profile".into()],
                    ..Default::default()
                };
                let c = self.create_client(&pool_id, req, true).await?;
                (c.client, c.secret)
            }
        };
        match self.user(&pool_id, DEMO_USER).await {
            Ok(_) => {}
            Err(Error::NotFound(Entity::User)) => {
                created = true;
                let req = NewUser {
                    username: DEMO_USER.into(),
                    attributes: BTreeMap::from([
                        ("email".to_string(), "demo@example.com".to_string()),
                        ("email_verified".to_string(), "true".to_string()),
                        ("name".to_string(), "Demo User".to_string()),
                    ]),
                    password: Some(DEMO_PASSWORD.into()),
                    temporary: false,
                };
                self.create_user(&pool_id, req).await?;
            }
            Err(e) => return Err(e),
        }
        Ok(Demo {
            pool_id,
            client_id: client.client_id,
            client_secret: secret,
            redirect_uri: DEMO_CALLBACK.into(),
            username: DEMO_USER.into(),
            password: DEMO_PASSWORD.into(),
            created,
        })
    }
}
