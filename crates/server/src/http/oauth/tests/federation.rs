//! Federation against a fake upstream OIDC provider served on a real local port: a provider
//! whose answers each test bends (nonce, audience, issuer, signing key, lifetime, userinfo,
//! delay), to check that every bent answer is refused, creates no user and yields no code,
//! and that the straight one signs the person in with Cognito's federated user shape.

use super::*;
use axum::extract::{Form, State as AxState};
use axum::routing::{get, post};
use portcullis_core::idp::ProviderType;
use portcullis_crypto::signing::{Signer, generate_rs256};
use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;

const NOW: i64 = 1_800_000_000;

#[derive(Default, Clone)]
struct Bend {
    /// Merged over the ID token's claims.
    claims: serde_json::Map<String, Value>,
    foreign_key: bool,
    /// The provider rotated to its second key: it signs with it and publishes both.
    rotated: bool,
    /// Signed with a key nobody publishes.
    stranger_key: bool,
    /// `alg: none`, or HS256 keyed with the provider's public key (algorithm confusion).
    unsigned: bool,
    hs256_with_public_key: bool,
    userinfo_sub: Option<String>,
    token_delay: Option<Duration>,
    given_name: Option<String>,
    email: Option<String>,
    email_verified: Option<bool>,
}

struct Upstream {
    base: String,
    signer: Signer,
    foreign: Signer,
    stranger: Signer,
    bend: Mutex<Bend>,
    /// nonce and PKCE challenge of the last authorization request, as a provider remembers.
    last: Mutex<(String, String)>,
    jwks_fetches: std::sync::atomic::AtomicUsize,
}

async fn discovery(AxState(u): AxState<Arc<Upstream>>) -> axum::Json<Value> {
    let b = &u.base;
    axum::Json(json!({
        "issuer": b, "authorization_endpoint": format!("{b}/authorize"),
        "token_endpoint": format!("{b}/token"), "userinfo_endpoint": format!("{b}/me"),
        "jwks_uri": format!("{b}/jwks"), "end_session_endpoint": format!("{b}/logout"),
    }))
}

async fn jwks(AxState(u): AxState<Arc<Upstream>>) -> axum::Json<Value> {
    u.jwks_fetches
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut keys = vec![u.signer.public_jwk()];
    if u.bend.lock().unwrap().rotated {
        keys.push(u.foreign.public_jwk());
    }
    axum::Json(json!({ "keys": keys }))
}

async fn token(
    AxState(u): AxState<Arc<Upstream>>,
    headers: HeaderMap,
    Form(f): Form<BTreeMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let bend = u.bend.lock().unwrap().clone();
    if let Some(d) = bend.token_delay {
        tokio::time::sleep(d).await;
    }
    let (nonce, challenge) = u.last.lock().unwrap().clone();
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("us:up-secret")
    );
    let verifier_ok = f
        .get("code_verifier")
        .is_some_and(|v| portcullis_crypto::tokens::pkce_s256_matches(v, &challenge));
    if basic != expected || f.get("code").map(String::as_str) != Some("up-code") || !verifier_ok {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let mut claims = json!({"iss": u.base, "aud": "us", "sub": "ann-1", "nonce": nonce,
                            "iat": NOW - 1, "exp": NOW + 300});
    for (k, v) in bend.claims {
        claims[k] = v;
    }
    let signer = if bend.stranger_key {
        &u.stranger
    } else if bend.foreign_key || bend.rotated {
        &u.foreign
    } else {
        &u.signer
    };
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let id_token = if bend.unsigned {
        format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims))
    } else if bend.hs256_with_public_key {
        let header = json!({"alg": "HS256", "kid": u.signer.kid()});
        let input = format!("{}.{}", b64(&header), b64(&claims));
        let key = aws_lc_rs::hmac::Key::new(
            aws_lc_rs::hmac::HMAC_SHA256,
            u.signer.public_jwk().to_string().as_bytes(),
        );
        let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
        format!(
            "{input}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref())
        )
    } else {
        signer.sign_jwt(&claims).unwrap()
    };
    axum::Json(json!({"access_token": "up-at", "token_type": "Bearer", "id_token": id_token}))
        .into_response()
}

async fn me(AxState(u): AxState<Arc<Upstream>>) -> axum::Json<Value> {
    let b = u.bend.lock().unwrap().clone();
    axum::Json(json!({
        "sub": b.userinfo_sub.unwrap_or_else(|| "ann-1".into()),
        "email": b.email.unwrap_or_else(|| "ann@up.example".into()),
        "email_verified": b.email_verified.unwrap_or(true),
        "given_name": b.given_name.unwrap_or_else(|| "Ann".into()),
    }))
}

async fn upstream() -> Arc<Upstream> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let key = |_| Signer::from_pkcs8(&generate_rs256().unwrap().pkcs8).unwrap();
    let u = Arc::new(Upstream {
        base,
        signer: key(0),
        foreign: key(1),
        stranger: key(2),
        bend: Mutex::default(),
        last: Mutex::default(),
        jwks_fetches: Default::default(),
    });
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/token", post(token))
        .route("/me", get(me))
        .with_state(u.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    u
}

struct Fed {
    w: World,
    up: Arc<Upstream>,
}

async fn fed_world(link_by_email: bool) -> Fed {
    fed_world_with(link_by_email, Some("t1.example")).await
}

/// `link_domains`: the email domains the provider may link for, besides its identifier.
async fn fed_world_with(link_by_email: bool, link_domains: Option<&str>) -> Fed {
    let w = world().await;
    let up = upstream().await;
    let id = w.pool.id.to_string();
    let details = BTreeMap::from([
        ("client_id".to_string(), "us".to_string()),
        ("client_secret".to_string(), "up-secret".to_string()),
        (
            "authorize_scopes".to_string(),
            "openid email profile".to_string(),
        ),
        ("oidc_issuer".to_string(), up.base.clone()),
        ("attributes_request_method".to_string(), "GET".to_string()),
        ("link_verified_email".to_string(), link_by_email.to_string()),
    ]);
    let mut details = details;
    if let Some(d) = link_domains {
        details.insert("link_email_domains".into(), d.into());
    }
    let mapping = BTreeMap::from([
        ("email".to_string(), "email".to_string()),
        ("email_verified".to_string(), "email_verified".to_string()),
        ("given_name".to_string(), "given_name".to_string()),
    ]);
    w.t.app
        .create_idp(
            &id,
            "Up",
            ProviderType::Oidc,
            portcullis_app::admin::IdpInput {
                details: details.clone(),
                attribute_mapping: mapping.clone(),
                identifiers: vec!["up.example".into()],
            },
        )
        .await
        .unwrap();
    // A provider nobody answers for.
    let mut down = details;
    down.insert("oidc_issuer".into(), "http://127.0.0.1:9".into());
    w.t.app
        .create_idp(
            &id,
            "Down",
            ProviderType::Oidc,
            portcullis_app::admin::IdpInput {
                details: down,
                attribute_mapping: mapping,
                identifiers: vec!["down.example".into()],
            },
        )
        .await
        .unwrap();
    let mut spa = w.t.app.client(&id, &w.spa).await.unwrap();
    spa.supported_identity_providers = vec!["COGNITO".into(), "Up".into(), "Down".into()];
    w.t.app.update_client(spa).await.unwrap();
    Fed { w, up }
}

fn query_of(url: &str) -> BTreeMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

impl Fed {
    /// The provider's side of an authorization request we sent it: remember nonce and
    /// challenge, and "sign the user in" by answering our callback with a code.
    fn upstream_signs_in(&self, upstream_url: &str) -> String {
        assert!(
            upstream_url.starts_with(&format!("{}/authorize?", self.up.base)),
            "{upstream_url}"
        );
        let q = query_of(upstream_url);
        assert_eq!(q["client_id"], "us");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            q["redirect_uri"],
            format!("{}/oauth2/idpresponse", self.w.issuer)
        );
        *self.up.last.lock().unwrap() = (q["nonce"].clone(), q["code_challenge"].clone());
        format!(
            "{}/oauth2/idpresponse?code=up-code&state={}",
            self.w.issuer, q["state"]
        )
    }

    /// Authorize with `extra`, follow to the provider and back; the final response.
    async fn round_trip(&self, b: &mut Browser<'_>, extra: &[(&str, &str)], tweak: &str) -> Res {
        let r = b.get(&self.w.authorize_url(&self.w.spa, extra)).await;
        assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
        let back = self.upstream_signs_in(&r.location().unwrap());
        b.get(&format!("{back}{tweak}")).await
    }

    fn bend(&self, f: impl FnOnce(&mut Bend)) {
        let mut b = Bend::default();
        f(&mut b);
        *self.up.bend.lock().unwrap() = b;
    }

    async fn federated_user(&self) -> Option<portcullis_core::user::User> {
        self.w
            .t
            .app
            .store_for_tests()
            .get_user_by_key(&self.w.pool.id, &self.w.pool.username_key("Up_ann-1"))
            .await
            .unwrap()
    }
}

async fn redeem(w: &World, code: &str) -> Value {
    let mut b = Browser::new(&w.router);
    let r = b
        .post(
            &format!("{}/oauth2/token", w.issuer),
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &w.spa),
                ("code", code),
                ("redirect_uri", CB),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

fn claims_of(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn identity_provider_routing_creates_a_cognito_shaped_federated_user() {
    let f = fed_world(false).await;
    let mut b = Browser::new(&f.w.router);
    let r = f
        .round_trip(&mut b, &[("identity_provider", "Up")], "")
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let p = r.redirect_params();
    assert_eq!(p["state"], "s1");
    let tokens = redeem(&f.w, &p["code"]).await;
    let id = claims_of(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Up_ann-1");
    assert_eq!(id["email"], "ann@up.example");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["given_name"], "Ann");
    assert_eq!(id["identities"][0]["providerName"], "Up");
    assert_eq!(id["identities"][0]["providerType"], "OIDC");
    assert_eq!(id["identities"][0]["userId"], "ann-1");
    assert_eq!(id["identities"][0]["primary"], "true");
    let user = f.federated_user().await.unwrap();
    assert_eq!(user.status.as_str(), "EXTERNAL_PROVIDER");
    assert_eq!(user.sub.to_string(), id["sub"]);
    assert!(user.password_hash.is_none());

    // The next sign-in refreshes the mapped attributes (a fresh browser: no session).
    f.bend(|b| b.given_name = Some("Annie".into()));
    let mut b2 = Browser::new(&f.w.router);
    let r = f
        .round_trip(&mut b2, &[("identity_provider", "Up")], "")
        .await;
    assert!(r.redirect_params().contains_key("code"));
    let user2 = f.federated_user().await.unwrap();
    assert_eq!(user2.sub, user.sub, "the same user");
    assert_eq!(user2.attributes["given_name"], "Annie");
}

#[tokio::test]
async fn identifiers_login_hints_and_typed_emails_route_to_the_provider() {
    let f = fed_world(false).await;
    for extra in [
        &[("idp_identifier", "up.example")][..],
        &[("login_hint", "ann@UP.example")],
    ] {
        let mut b = Browser::new(&f.w.router);
        let r = b.get(&f.w.authorize_url(&f.w.spa, extra)).await;
        let to = r.location().unwrap();
        assert!(
            to.starts_with(&format!("{}/authorize?", f.up.base)),
            "{extra:?}: {to}"
        );
        if extra[0].0 == "login_hint" {
            assert_eq!(query_of(&to)["login_hint"], "ann@UP.example");
        }
    }
    // Email first: the sign-in form posted with an address alone.
    let mut b = Browser::new(&f.w.router);
    let r = b.get(&f.w.authorize_url(&f.w.spa, &[])).await;
    let login = b.get(&r.location().unwrap()).await;
    assert!(
        login.body.contains("Sign in with Up"),
        "buttons for the providers"
    );
    let csrf = login.input("_csrf").unwrap();
    let r = b
        .post(
            &login.form_action(),
            &[("_csrf", &csrf), ("username", "ann@up.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let back = f.upstream_signs_in(&r.location().unwrap());
    let r = b.get(&back).await;
    assert!(
        r.redirect_params().contains_key("code"),
        "{:?}",
        r.location()
    );
    // Other domains get the password step; unknown identifiers and providers are errors.
    let r = b
        .get(&f.w.authorize_url(&f.w.spa, &[("prompt", "login")]))
        .await;
    let login = b.get(&r.location().unwrap()).await;
    let csrf = login.input("_csrf").unwrap();
    let r = b
        .post(
            &login.form_action(),
            &[("_csrf", &csrf), ("username", "ann@elsewhere.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for extra in [
        &[("idp_identifier", "nobody.example")][..],
        &[("identity_provider", "Nope")],
    ] {
        let r = b.get(&f.w.authorize_url(&f.w.spa, extra)).await;
        assert_eq!(r.redirect_params()["error"], "invalid_request", "{extra:?}");
    }
    // A client that does not list the provider cannot use it.
    let r = b
        .get(&f.w.authorize_url(&f.w.web, &[("identity_provider", "Up")]))
        .await;
    assert_eq!(r.redirect_params()["error"], "invalid_request");
}

#[tokio::test]
async fn every_bent_answer_is_refused_and_creates_nothing() {
    let f = fed_world(false).await;
    type Case = (
        &'static str,
        Box<dyn Fn(&mut Bend)>,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "wrong nonce",
            Box::new(|b| {
                b.claims.insert("nonce".into(), json!("other"));
            }),
            "",
            "invalid_request",
        ),
        (
            "wrong audience",
            Box::new(|b| {
                b.claims.insert("aud".into(), json!("them"));
            }),
            "",
            "invalid_request",
        ),
        (
            "extra audience",
            Box::new(|b| {
                b.claims.insert("aud".into(), json!(["us", "them"]));
            }),
            "",
            "invalid_request",
        ),
        (
            "wrong issuer claim",
            Box::new(|b| {
                b.claims.insert("iss".into(), json!("https://evil.example"));
            }),
            "",
            "invalid_request",
        ),
        (
            "expired",
            Box::new(|b| {
                b.claims.insert("exp".into(), json!(NOW - 3600));
            }),
            "",
            "invalid_request",
        ),
        (
            "foreign signing key",
            Box::new(|b| b.foreign_key = true),
            "",
            "invalid_request",
        ),
        (
            "alg none",
            Box::new(|b| b.unsigned = true),
            "",
            "invalid_request",
        ),
        (
            "HS256 keyed with the public key",
            Box::new(|b| b.hs256_with_public_key = true),
            "",
            "invalid_request",
        ),
        (
            "exp in milliseconds",
            Box::new(|b| {
                b.claims.insert("exp".into(), json!((NOW + 300) * 1000));
            }),
            "",
            "invalid_request",
        ),
        (
            "no iat",
            Box::new(|b| {
                b.claims.insert("iat".into(), Value::Null);
            }),
            "",
            "invalid_request",
        ),
        (
            "userinfo for someone else",
            Box::new(|b| b.userinfo_sub = Some("mallory".into())),
            "",
            "invalid_request",
        ),
        (
            "RFC 9207 iss of another issuer",
            Box::new(|_| {}),
            "&iss=https%3A%2F%2Fevil.example",
            "invalid_request",
        ),
        (
            "upstream error",
            Box::new(|_| {}),
            "&error=access_denied",
            "access_denied",
        ),
        (
            "slow token endpoint",
            Box::new(|b| b.token_delay = Some(Duration::from_secs(4))),
            "",
            "temporarily_unavailable",
        ),
    ];
    for (what, bend, tweak, code) in cases {
        f.bend(bend);
        let mut b = Browser::new(&f.w.router);
        let r = f
            .round_trip(&mut b, &[("identity_provider", "Up")], tweak)
            .await;
        assert_eq!(r.status, StatusCode::FOUND, "{what}: {}", r.body);
        let p = r.redirect_params();
        assert!(
            r.location().unwrap().starts_with(CB),
            "{what}: back to the app"
        );
        assert_eq!(p.get("error").map(String::as_str), Some(code), "{what}");
        assert_eq!(p["state"], "s1", "{what}");
        assert!(!p.contains_key("code"), "{what}: no code");
        assert!(f.federated_user().await.is_none(), "{what}: no user");
        assert!(
            !b.cookies.keys().any(|k| k.contains("session")),
            "{what}: no session"
        );
    }
    // A provider that is down: the app hears so at once.
    let mut b = Browser::new(&f.w.router);
    let r = b
        .get(&f.w.authorize_url(&f.w.spa, &[("identity_provider", "Down")]))
        .await;
    assert_eq!(r.redirect_params()["error"], "temporarily_unavailable");
}

#[tokio::test]
async fn the_state_is_single_use_and_bound_to_the_browser() {
    let f = fed_world(false).await;
    f.bend(|_| {});
    let mut b = Browser::new(&f.w.router);
    let r = b
        .get(&f.w.authorize_url(&f.w.spa, &[("identity_provider", "Up")]))
        .await;
    let back = f.upstream_signs_in(&r.location().unwrap());
    // Another browser (no state cookie) cannot use the answer.
    let mut other = Browser::new(&f.w.router);
    let r2 = other.get(&back).await;
    assert_eq!(r2.status, StatusCode::BAD_REQUEST);
    assert!(r2.body.contains("did not start in this browser"));
    // Unknown state, missing state.
    let mut c = b.cookies.clone();
    let r3 = b
        .get(&format!(
            "{}/oauth2/idpresponse?code=x&state=forged",
            f.w.issuer
        ))
        .await;
    assert_eq!(r3.status, StatusCode::BAD_REQUEST);
    let r4 = b
        .get(&format!("{}/oauth2/idpresponse?code=x", f.w.issuer))
        .await;
    assert_eq!(r4.status, StatusCode::BAD_REQUEST);
    // The right browser succeeds once; a replay is refused.
    b.cookies = std::mem::take(&mut c);
    let ok = b.get(&back).await;
    assert!(
        ok.redirect_params().contains_key("code"),
        "{:?} {:?} {}",
        ok.status,
        ok.location(),
        ok.body
    );
    b.cookies.extend(c);
    let mut replay = Browser::new(&f.w.router);
    replay.cookies = b.cookies.clone();
    let state = query_of(&back)["state"].clone();
    replay.cookies.insert("portcullis_fed".into(), state);
    let r5 = replay.get(&back).await;
    assert_eq!(r5.status, StatusCode::BAD_REQUEST);
    assert!(
        r5.body.contains("expired or was already used"),
        "{}",
        r5.body
    );
}

/// How the local user alice stands when the upstream sign-in arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Local {
    /// Confirmed, with her own email verified.
    Proven,
    /// Confirmed, but she never verified the address (anyone could have typed it).
    EmailUnverified,
    /// Signed up and never confirmed: an attacker's pre-registration of the address.
    Unconfirmed,
}

#[tokio::test]
async fn linking_by_email_needs_the_policy_a_trusted_domain_a_verified_address_and_a_proven_local_user()
 {
    // alice@t1.example is a local user of the pool.
    let trusted = Some("t1.example");
    for (policy, verified, domains, local, linked) in [
        (false, true, trusted, Local::Proven, false),
        (true, false, trusted, Local::Proven, false),
        (true, true, trusted, Local::Proven, true),
        // The provider is trusted for up.example only: it cannot speak for t1.example.
        (true, true, None, Local::Proven, false),
        (true, true, Some("evil.example"), Local::Proven, false),
        // Account pre-hijacking: the local account's owner never proved the address.
        (true, true, trusted, Local::EmailUnverified, false),
        (true, true, trusted, Local::Unconfirmed, false),
    ] {
        let f = fed_world_with(policy, domains).await;
        let id = f.w.pool.id.to_string();
        let mut alice = f.w.t.app.user(&id, "alice").await.unwrap();
        match local {
            Local::Proven => {}
            Local::EmailUnverified => {
                alice
                    .attributes
                    .insert("email_verified".into(), "false".into());
            }
            Local::Unconfirmed => alice.status = portcullis_core::user::UserStatus::Unconfirmed,
        }
        f.w.t
            .app
            .store_for_tests()
            .update_user(&alice, None)
            .await
            .unwrap();
        f.bend(|b| {
            b.email = Some("alice@t1.example".into());
            b.email_verified = Some(verified);
        });
        let mut b = Browser::new(&f.w.router);
        let r = f
            .round_trip(&mut b, &[("identity_provider", "Up")], "")
            .await;
        let tokens = redeem(&f.w, &r.redirect_params()["code"]).await;
        let id = claims_of(tokens["id_token"].as_str().unwrap());
        let case = format!("policy {policy}, verified {verified}, domains {domains:?}, {local:?}");
        if linked {
            assert_eq!(
                id["sub"], f.w.alice_sub,
                "{case}: signed in as the local user"
            );
            assert_eq!(id["cognito:username"], "alice");
            assert_eq!(
                id["cognito:groups"],
                json!(["admins"]),
                "{case}: with her groups"
            );
            assert_eq!(id["identities"][0]["providerName"], "Up");
            assert!(f.federated_user().await.is_none());
        } else {
            assert_ne!(
                id["sub"], f.w.alice_sub,
                "{case}: a separate federated user"
            );
            assert_eq!(id["cognito:username"], "Up_ann-1", "{case}");
            let after =
                f.w.t
                    .app
                    .user(&f.w.pool.id.to_string(), "alice")
                    .await
                    .unwrap();
            assert!(
                !after.attributes.contains_key("identities"),
                "{case}: the local user was not linked"
            );
        }
    }
}

#[tokio::test]
async fn administrators_link_and_unlink_upstream_identities() {
    let f = fed_world(false).await;
    f.bend(|_| {});
    let id = f.w.pool.id.to_string();
    let app = &f.w.t.app;
    let linked = app
        .link_provider(&id, "alice", "Up", "ann-1")
        .await
        .unwrap();
    assert!(linked.attributes["identities"].contains("\"providerName\":\"Up\""));
    assert!(
        app.link_provider(&id, "alice", "Up", "ann-1")
            .await
            .is_err(),
        "linked already"
    );
    let sign_in = || async {
        let mut b = Browser::new(&f.w.router);
        f.round_trip(&mut b, &[("identity_provider", "Up")], "")
            .await
    };
    let r = sign_in().await;
    let id_token = redeem(&f.w, &r.redirect_params()["code"]).await;
    assert_eq!(
        claims_of(id_token["id_token"].as_str().unwrap())["sub"],
        f.w.alice_sub
    );
    // Unlinked: the next sign-in is a federated user of its own.
    app.unlink_provider(&id, "Up", "ann-1").await.unwrap();
    let alice = app.user(&id, "alice").await.unwrap();
    assert!(!alice.attributes.contains_key("identities"));
    let r = sign_in().await;
    assert!(r.redirect_params().contains_key("code"));
    assert!(f.federated_user().await.is_some());
    // Disabling the federated user's provider sign-in: refused from then on.
    app.unlink_provider(&id, "Up", "ann-1").await.unwrap();
    let r = sign_in().await;
    assert_eq!(r.redirect_params()["error"], "access_denied");
    // A federated user cannot be a link's destination; an existing federated user blocks a link.
    assert!(app.link_provider(&id, "Up_ann-1", "Up", "x").await.is_err());
    assert!(
        app.link_provider(&id, "alice", "Up", "ann-1")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn signing_out_can_sign_out_of_the_provider_too() {
    let f = fed_world(false).await;
    f.bend(|_| {});
    let mut b = Browser::new(&f.w.router);
    let r = f
        .round_trip(&mut b, &[("identity_provider", "Up")], "")
        .await;
    let tokens = redeem(&f.w, &r.redirect_params()["code"]).await;
    let r = b
        .get(&format!(
            "{}/logout?client_id={}&logout_uri=https%3A%2F%2Fapp.t1%2Fbye&upstream_logout=true",
            f.w.issuer, f.w.spa
        ))
        .await;
    let to = r.location().unwrap();
    assert!(to.starts_with(&format!("{}/logout?", f.up.base)), "{to}");
    let q = query_of(&to);
    assert_eq!(q["client_id"], "us");
    assert_eq!(
        q["post_logout_redirect_uri"],
        format!("{}/oauth2/idplogout", f.w.issuer)
    );
    assert_eq!(
        claims_of(&q["id_token_hint"])["iss"],
        f.up.base,
        "the provider's own ID token"
    );
    assert_ne!(q["id_token_hint"], tokens["id_token"].as_str().unwrap());
    // Our session is over already.
    let again = b.get(&f.w.authorize_url(&f.w.spa, &[])).await;
    assert!(again.location().unwrap().contains("/login?"));
    // The provider sends the browser back; on to the app's logout URL, once.
    let back = format!("{}/oauth2/idplogout?state={}", f.w.issuer, q["state"]);
    let r = b.get(&back).await;
    assert_eq!(r.location().as_deref(), Some("https://app.t1/bye"));
    let r = b.get(&back).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a spent state ends at the signed-out page"
    );
    // Without the flag, only our session ends.
    let mut b2 = Browser::new(&f.w.router);
    f.round_trip(&mut b2, &[("identity_provider", "Up")], "")
        .await;
    let r = b2
        .get(&format!(
            "{}/logout?client_id={}&logout_uri=https%3A%2F%2Fapp.t1%2Fbye",
            f.w.issuer, f.w.spa
        ))
        .await;
    assert_eq!(r.location().as_deref(), Some("https://app.t1/bye"));
}

#[tokio::test]
async fn a_key_rotation_is_followed_and_unknown_keys_are_not_refetched_at_once() {
    let f = fed_world(false).await;
    let fetches = || f.up.jwks_fetches.load(std::sync::atomic::Ordering::SeqCst);
    let sign_in = || async {
        let mut b = Browser::new(&f.w.router);
        f.round_trip(&mut b, &[("identity_provider", "Up")], "")
            .await
            .redirect_params()
    };
    f.bend(|_| {});
    assert!(sign_in().await.contains_key("code"));
    assert_eq!(fetches(), 1);
    assert!(sign_in().await.contains_key("code"));
    assert_eq!(fetches(), 1, "keys are cached");
    // The provider rotates: a token with the new kid makes us fetch the keys again.
    f.bend(|b| b.rotated = true);
    assert!(sign_in().await.contains_key("code"));
    assert_eq!(fetches(), 2);
    // A kid the provider does not publish: refused, without hammering the provider.
    f.bend(|b| b.stranger_key = true);
    assert_eq!(sign_in().await["error"], "invalid_request");
    assert_eq!(sign_in().await["error"], "invalid_request");
    assert_eq!(
        fetches(),
        2,
        "at most one key fetch per 30 s for unknown kids"
    );
}

#[tokio::test]
async fn by_default_providers_on_private_addresses_are_not_called() {
    let f = fed_world(false).await;
    // The same pool data, served by an app with the default address policy.
    let strict = crate::App::new(
        f.w.t.app.store_for_tests(),
        portcullis_crypto::master_key::MasterKey::generate()
            .unwrap()
            .0,
        f.w.t.app.hasher.clone(),
    )
    .with_clock(f.w.clock.clone());
    let idp = f.w.t.app.idp(f.w.pool.id.as_str(), "Up").await.unwrap();
    let err = strict.upstream_endpoints(&idp).await.unwrap_err();
    assert!(
        matches!(&err, portcullis_app::federation::FedError::Unavailable(m) if m.contains("may not be reached")),
        "{err}"
    );
    let mut by_name = idp.clone();
    let portcullis_core::idp::ProviderConfig::Oidc(cfg) = &mut by_name.details.config else {
        panic!("an OIDC provider")
    };
    cfg.issuer = f.up.base.replace("127.0.0.1", "localhost");
    let err = strict.upstream_endpoints(&by_name).await.unwrap_err();
    assert!(
        matches!(&err, portcullis_app::federation::FedError::Unavailable(m) if m.contains("may not be reached")),
        "a name that resolves to loopback: {err}"
    );
    assert_eq!(
        f.up.jwks_fetches.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[tokio::test]
async fn a_provider_with_its_own_callback_cannot_be_mixed_up_with_another() {
    // Up plays the attacker's provider; Hon is honest but sends no RFC 9207 iss, and has its
    // own callback.
    let f = fed_world(false).await;
    f.bend(|_| {});
    let hon = upstream().await;
    let id = f.w.pool.id.to_string();
    let details = BTreeMap::from([
        ("client_id".to_string(), "us".to_string()),
        ("client_secret".to_string(), "up-secret".to_string()),
        ("authorize_scopes".to_string(), "openid email".to_string()),
        ("oidc_issuer".to_string(), hon.base.clone()),
        ("attributes_request_method".to_string(), "GET".to_string()),
        ("own_callback".to_string(), "true".to_string()),
    ]);
    f.w.t
        .app
        .create_idp(
            &id,
            "Hon",
            ProviderType::Oidc,
            portcullis_app::admin::IdpInput {
                details,
                attribute_mapping: BTreeMap::new(),
                identifiers: vec!["hon.example".into()],
            },
        )
        .await
        .unwrap();
    let mut spa = f.w.t.app.client(&id, &f.w.spa).await.unwrap();
    spa.supported_identity_providers.push("Hon".into());
    f.w.t.app.update_client(spa).await.unwrap();
    let own = format!("{}/oauth2/idpresponse/Hon", f.w.issuer);
    let start = |provider: &'static str| {
        let router = &f.w.router;
        let url =
            f.w.authorize_url(&f.w.spa, &[("identity_provider", provider)]);
        async move {
            let mut b = Browser::new(router);
            let r = b.get(&url).await;
            (b, query_of(&r.location().unwrap()))
        }
    };

    // Hon's own sign-in comes back to Hon's own callback.
    let (mut b, q) = start("Hon").await;
    assert_eq!(q["redirect_uri"], own);
    *hon.last.lock().unwrap() = (q["nonce"].clone(), q["code_challenge"].clone());
    let ok = b
        .get(&format!("{own}?code=up-code&state={}", q["state"]))
        .await;
    assert!(
        ok.redirect_params().contains_key("code"),
        "{:?} {:?} {}",
        ok.status,
        ok.location(),
        ok.body
    );

    // The mix-up: a sign-in started at Up, answered with Hon's code (and Up's state) at the
    // only place Hon sends codes to. Refused before any code goes anywhere.
    let (mut b, q) = start("Up").await;
    assert_eq!(
        q["redirect_uri"],
        format!("{}/oauth2/idpresponse", f.w.issuer)
    );
    let mixed = b
        .get(&format!("{own}?code=up-code&state={}", q["state"]))
        .await;
    assert_eq!(mixed.redirect_params()["error"], "invalid_request");
    assert!(!mixed.redirect_params().contains_key("code"));

    // Hon's answers are never taken at the shared callback either.
    let (mut b, q) = start("Hon").await;
    let shared = b
        .get(&format!(
            "{}/oauth2/idpresponse?code=up-code&state={}",
            f.w.issuer, q["state"]
        ))
        .await;
    assert_eq!(shared.redirect_params()["error"], "invalid_request");
}
