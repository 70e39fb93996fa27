//! In-process tests of every OAuth endpoint and its error paths, driven like a browser and
//! an RP would: a cookie jar, real forms, real token requests.

mod client;
mod domain;
mod federation;
mod flow;
mod pages;

use crate::testing::{TestApp, test_app_with_clock};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine;
use portcullis_core::client::{NewClient, OAuthFlow, RefreshRotation};
use portcullis_core::clock::FixedClock;
use portcullis_core::pool::{PoolSettings, UserPool};
use portcullis_core::resource_server::ResourceServerScope;
use portcullis_server_test_support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Shared fixtures: one pool with a public SPA client, a confidential web client, a second
/// confidential client, a machine client, and users alice (with a group) and bob.
mod portcullis_server_test_support {
    pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    pub const CB: &str = "https://app.t1/cb";
    pub const ALICE_PW: &str = "Alice-Passw0rd!";
}

pub(crate) struct World {
    pub t: TestApp,
    pub clock: Arc<FixedClock>,
    pub router: Router,
    pub pool: UserPool,
    pub issuer: String,
    pub spa: String,
    pub web: String,
    pub web_secret: String,
    pub web2: String,
    pub web2_secret: String,
    pub m2m: String,
    pub m2m_secret: String,
    pub alice_sub: String,
}

pub(crate) async fn world() -> World {
    world_with(RefreshRotation::default()).await
}

pub(crate) async fn world_with(rotation: RefreshRotation) -> World {
    let clock = Arc::new(FixedClock::at(1_800_000_000));
    let t = test_app_with_clock(Some(clock.clone())).await;
    let app = &t.app;
    let pool = app
        .create_pool("local", "acme", PoolSettings::default())
        .await
        .unwrap();
    let id = pool.id.to_string();
    app.create_resource_server(
        &id,
        "api",
        "API",
        vec![
            ResourceServerScope {
                name: "read".into(),
                description: String::new(),
            },
            ResourceServerScope {
                name: "admin".into(),
                description: String::new(),
            },
        ],
    )
    .await
    .unwrap();
    let interactive = |name: &str| NewClient {
        name: name.into(),
        callback_urls: vec![CB.into(), "https://app.t1/cb2?x=1".into()],
        logout_urls: vec!["https://app.t1/bye".into()],
        allowed_oauth_flows: vec![OAuthFlow::Code],
        allowed_oauth_scopes: vec!["openid".into(), "email".into(), "profile".into()],
        refresh_rotation: rotation,
        ..Default::default()
    };
    let spa = app
        .create_client(&id, interactive("spa"), false)
        .await
        .unwrap();
    let web = app
        .create_client(&id, interactive("web"), true)
        .await
        .unwrap();
    let web2 = app
        .create_client(&id, interactive("web2"), true)
        .await
        .unwrap();
    let m2m = app
        .create_client(
            &id,
            NewClient {
                name: "m2m".into(),
                allowed_oauth_flows: vec![OAuthFlow::ClientCredentials],
                allowed_oauth_scopes: vec!["api/read".into()],
                ..Default::default()
            },
            true,
        )
        .await
        .unwrap();
    let alice = app
        .create_user(
            &id,
            portcullis_app::admin::NewUser {
                username: "alice".into(),
                attributes: BTreeMap::from([
                    ("email".to_string(), "alice@t1.example".to_string()),
                    ("email_verified".to_string(), "true".to_string()),
                    ("name".to_string(), "Alice".to_string()),
                ]),
                password: Some(ALICE_PW.into()),
                temporary: false,
            },
        )
        .await
        .unwrap();
    app.create_group(&id, "admins", None, Some(1))
        .await
        .unwrap();
    app.add_user_to_group(&id, "alice", "admins").await.unwrap();
    let router = crate::http::router(t.app.clone(), t.config.clone());
    World {
        issuer: format!("http://127.0.0.1:9400/{id}"),
        clock,
        router,
        pool,
        spa: spa.client.client_id,
        web: web.client.client_id,
        web_secret: web.secret.unwrap(),
        web2: web2.client.client_id,
        web2_secret: web2.secret.unwrap(),
        m2m: m2m.client.client_id,
        m2m_secret: m2m.secret.unwrap(),
        alice_sub: alice.user.sub.to_string(),
        t,
    }
}

pub(crate) struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
    }
    /// The query (or fragment) parameters of the redirect.
    pub fn redirect_params(&self) -> BTreeMap<String, String> {
        let loc = self.location().expect("no Location");
        let url = url::Url::parse(&loc).unwrap();
        let raw = url
            .fragment()
            .map(str::to_owned)
            .or_else(|| url.query().map(str::to_owned))
            .unwrap_or_default();
        url::form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect()
    }
    /// The value of a hidden or text input in the page.
    pub fn input(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&needle)? + needle.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].replace("&amp;", "&"))
    }
    pub fn form_action(&self) -> String {
        let start = self.body.find("action=\"").unwrap() + 8;
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].replace("&amp;", "&")
    }
}

/// A client with a cookie jar, like a browser without JavaScript.
pub(crate) struct Browser<'a> {
    pub router: &'a Router,
    pub cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    pub fn new(router: &'a Router) -> Self {
        Browser {
            router,
            cookies: BTreeMap::new(),
        }
    }

    pub async fn send(
        &mut self,
        method: Method,
        uri: &str,
        form: Option<&[(&str, &str)]>,
        extra: &[(&str, &str)],
    ) -> Res {
        let path = uri.strip_prefix("http://127.0.0.1:9400").unwrap_or(uri);
        let mut req = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(header::COOKIE, c.join("; "));
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let body = match form {
            Some(f) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(f)
                        .finish(),
                )
            }
            None => Body::empty(),
        };
        let res = tower::ServiceExt::oneshot(self.router.clone(), req.body(body).unwrap())
            .await
            .unwrap();
        for sc in res.headers().get_all(header::SET_COOKIE) {
            let sc = sc.to_str().unwrap();
            let (pair, attrs) = sc.split_once(';').unwrap_or((sc, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Res {
        self.send(Method::GET, uri, None, &[]).await
    }

    pub async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> Res {
        self.send(Method::POST, uri, Some(form), &[]).await
    }
}

impl World {
    pub fn authorize_url(&self, client: &str, extra: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("client_id", client),
            ("redirect_uri", CB),
            ("response_type", "code"),
            ("scope", "openid email profile"),
            ("state", "s1"),
            ("nonce", "n1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ];
        for (k, v) in extra {
            pairs.retain(|(pk, _)| pk != k);
            if !v.is_empty() {
                pairs.push((k, v));
            }
        }
        let q = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}/oauth2/authorize?{q}", self.issuer)
    }

    /// Authorize, sign in on the form, and return the callback parameters.
    pub async fn sign_in(
        &self,
        b: &mut Browser<'_>,
        client: &str,
        extra: &[(&str, &str)],
        password: &str,
    ) -> Res {
        let r = b.get(&self.authorize_url(client, extra)).await;
        assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
        if !r
            .location()
            .unwrap()
            .starts_with(&format!("{}/login?", self.issuer))
        {
            return r; // an existing session answered at once
        }
        let login = b.get(&r.location().unwrap()).await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.body);
        let csrf = login.input("_csrf").unwrap();
        b.post(
            &login.form_action(),
            &[
                ("_csrf", &csrf),
                ("username", "alice"),
                ("password", password),
            ],
        )
        .await
    }

    /// A code for alice through the hosted page.
    pub async fn code(&self, b: &mut Browser<'_>, client: &str, extra: &[(&str, &str)]) -> String {
        let r = self.sign_in(b, client, extra, ALICE_PW).await;
        assert!(
            matches!(r.status, StatusCode::SEE_OTHER | StatusCode::FOUND),
            "{}",
            r.body
        );
        r.redirect_params()["code"].clone()
    }

    pub fn basic(id: &str, secret: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
        )
    }

    pub async fn token(&self, form: &[(&str, &str)], auth: Option<(&str, &str)>) -> Res {
        let mut b = Browser::new(&self.router);
        let header = auth.map(|(id, s)| Self::basic(id, s));
        let extra: Vec<(&str, &str)> = header
            .iter()
            .map(|h| ("authorization", h.as_str()))
            .collect();
        b.send(
            Method::POST,
            &format!("{}/oauth2/token", self.issuer),
            Some(form),
            &extra,
        )
        .await
    }

    pub async fn exchange(&self, client: &str, secret: Option<&str>, code: &str) -> Res {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CB),
            ("code_verifier", VERIFIER),
        ];
        if secret.is_none() {
            form.push(("client_id", client));
        }
        self.token(&form, secret.map(|s| (client, s))).await
    }

    pub async fn userinfo(&self, access_token: &str) -> Res {
        let mut b = Browser::new(&self.router);
        let h = format!("Bearer {access_token}");
        b.send(
            Method::GET,
            &format!("{}/oauth2/userInfo", self.issuer),
            None,
            &[("authorization", &h)],
        )
        .await
    }

    /// Verifies a token against the pool's published JWKS and returns its claims.
    pub async fn verify(&self, token: &str) -> Value {
        let mut b = Browser::new(&self.router);
        let jwks = b
            .get(&format!("{}/.well-known/jwks.json", self.issuer))
            .await
            .json();
        let kid = portcullis_crypto::signing::peek_header(token).unwrap()["kid"].clone();
        let jwk = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == kid)
            .unwrap()
            .clone();
        portcullis_crypto::signing::verify_rs256(token, &jwk).unwrap()
    }
}
