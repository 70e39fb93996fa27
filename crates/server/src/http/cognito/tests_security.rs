//! The black-box audit's findings against the Cognito API (issue 12), each as an attacker
//! would try it: over HTTP, with legal but hostile requests.

use crate::testing::{TestApp, test_app_with_clock};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use portcullis_core::clock::FixedClock;
use portcullis_crypto::sigv4::{SignedRequest, expected_signature, parse_authorization};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;

const NOW: i64 = 1_795_305_600;
const AMZ_DATE: &str = "20261122T000000Z";
const TARGET: &str = "AWSCognitoIdentityProviderService.";
const PASSWORD: &str = "Right-Passw0rd!";

struct World {
    t: TestApp,
    clock: Arc<FixedClock>,
    router: axum::Router,
    key_id: String,
    secret: String,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

/// The app at a fixed time behind a router with `config` changes, and a global access key.
async fn world(configure: impl FnOnce(&mut crate::ServeConfig)) -> World {
    let clock = Arc::new(FixedClock::at(NOW));
    let t = test_app_with_clock(Some(clock.clone())).await;
    let mut config = t.config.clone();
    configure(&mut config);
    let router = crate::http::router(t.app.clone(), config);
    let (key, secret) = t.app.create_access_key(&[]).await.unwrap();
    World {
        t,
        clock,
        router,
        key_id: key.key_id,
        secret,
    }
}

/// A SigV4 `Authorization` over exactly `signed` (name, value) headers.
fn authorization(
    key_id: &str,
    secret: &str,
    region: &str,
    signed: &[(&str, &str)],
    body: &str,
) -> String {
    let mut names: Vec<&str> = signed.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    let header = format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{}/{region}/cognito-idp/aws4_request, SignedHeaders={}, Signature={}",
        &AMZ_DATE[..8],
        names.join(";"),
        "0".repeat(64)
    );
    let auth = parse_authorization(&header).unwrap();
    let headers: Vec<(String, String)> = signed
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    let req = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: body.as_bytes(),
        amz_date: AMZ_DATE,
    };
    let sig = expected_signature(&req, &auth, secret).unwrap();
    header.replace(&"0".repeat(64), &sig)
}

impl World {
    async fn send(&self, req: Request<Body>) -> Answer {
        let res = tower::ServiceExt::oneshot(self.router.clone(), req)
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    fn request(&self, action: &str) -> axum::http::request::Builder {
        Request::post("/")
            .header("host", "127.0.0.1:9400")
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("{TARGET}{action}"))
    }

    /// An admin call signed the way botocore signs (the target among the signed headers).
    async fn admin(&self, action: &str, body: Value) -> Answer {
        self.admin_in("us-east-1", action, body).await
    }

    async fn admin_in(&self, region: &str, action: &str, body: Value) -> Answer {
        let body = body.to_string();
        let target = format!("{TARGET}{action}");
        let auth = authorization(
            &self.key_id,
            &self.secret,
            region,
            &[
                ("host", "127.0.0.1:9400"),
                ("x-amz-date", AMZ_DATE),
                ("x-amz-target", &target),
            ],
            &body,
        );
        let req = self
            .request(action)
            .header("x-amz-date", AMZ_DATE)
            .header("authorization", auth)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// An unsigned call, from `peer` (the TCP peer) with these extra headers.
    async fn public_from(
        &self,
        peer: &str,
        extra: &[(&str, &str)],
        action: &str,
        body: Value,
    ) -> Answer {
        let mut req = self.request(action);
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body.to_string())).unwrap();
        let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        self.send(req).await
    }

    async fn public(&self, action: &str, body: Value) -> Answer {
        self.public_from("127.0.0.1", &[], action, body).await
    }

    /// A pool with a public client allowing password, SRP and refresh sign-ins.
    async fn pool_and_client(
        &self,
        settings: portcullis_core::pool::PoolSettings,
    ) -> (String, String) {
        let pool = self
            .t
            .app
            .create_pool("local", "p", settings)
            .await
            .unwrap();
        let client = self
            .t
            .app
            .create_client(
                pool.id.as_str(),
                portcullis_core::client::NewClient {
                    name: "c".into(),
                    explicit_auth_flows: Some(vec![
                        "ALLOW_USER_PASSWORD_AUTH".into(),
                        "ALLOW_USER_SRP_AUTH".into(),
                        "ALLOW_REFRESH_TOKEN_AUTH".into(),
                    ]),
                    ..Default::default()
                },
                false,
            )
            .await
            .unwrap()
            .client;
        (pool.id.to_string(), client.client_id)
    }

    async fn user(&self, pool: &str, name: &str) {
        self.t
            .app
            .create_user(
                pool,
                portcullis_app::admin::NewUser {
                    username: name.into(),
                    password: Some(PASSWORD.into()),
                    attributes: name
                        .contains('@')
                        .then(|| ("email".to_string(), name.to_string()))
                        .into_iter()
                        .collect(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}

fn password_login(client: &str, user: &str, password: &str) -> Value {
    json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
           "AuthParameters": {"USERNAME": user, "PASSWORD": password}})
}

#[tokio::test]
async fn a_captured_signature_cannot_be_replayed_as_another_action() {
    let w = world(|_| {}).await;
    let (pool, _) = w.pool_and_client(Default::default()).await;
    let body = json!({"UserPoolId": pool}).to_string();
    // Legal SigV4 that leaves X-Amz-Target out of the signed headers.
    let auth = authorization(
        &w.key_id,
        &w.secret,
        "us-east-1",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("host", "127.0.0.1:9400"),
            ("x-amz-date", AMZ_DATE),
        ],
        &body,
    );
    for action in ["DescribeUserPool", "DeleteUserPool"] {
        let req = w
            .request(action)
            .header("x-amz-date", AMZ_DATE)
            .header("authorization", &auth)
            .body(Body::from(body.clone()))
            .unwrap();
        let a = w.send(req).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{action}");
        assert_eq!(a.body["__type"], "InvalidSignatureException", "{action}");
        assert!(
            a.body["message"]
                .as_str()
                .unwrap()
                .contains("not signed: x-amz-target"),
            "{}",
            a.body
        );
    }
    assert!(w.t.app.pool(&pool).await.is_ok(), "the pool is still there");

    // Any other x-amz-* header must be signed too.
    let target = format!("{TARGET}DescribeUserPool");
    let auth = authorization(
        &w.key_id,
        &w.secret,
        "us-east-1",
        &[
            ("host", "127.0.0.1:9400"),
            ("x-amz-date", AMZ_DATE),
            ("x-amz-target", &target),
        ],
        &body,
    );
    let req = w
        .request("DescribeUserPool")
        .header("x-amz-date", AMZ_DATE)
        .header("x-amz-security-token", "smuggled")
        .header("authorization", &auth)
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(
        w.send(req).await.body["__type"],
        "InvalidSignatureException"
    );
    // Signed as botocore signs, the same call goes through.
    let a = w
        .admin("DescribeUserPool", json!({"UserPoolId": pool}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn a_scoped_key_cannot_tell_which_pools_exist() {
    let w = world(|_| {}).await;
    let (mine, _) = w.pool_and_client(Default::default()).await;
    let (theirs, _) = w.pool_and_client(Default::default()).await;
    let (key, secret) =
        w.t.app
            .create_access_key(std::slice::from_ref(&mine))
            .await
            .unwrap();
    let scoped = World {
        key_id: key.key_id,
        secret,
        ..w
    };
    let mut answers = vec![];
    for pool in [theirs.as_str(), "local_NoSuchOne", "not a pool id"] {
        let a = scoped
            .admin("DescribeUserPool", json!({"UserPoolId": pool}))
            .await;
        assert_eq!(a.body["__type"], "AccessDeniedException", "{pool}");
        answers.push((
            a.status,
            a.body["message"].as_str().unwrap().replace(pool, "<pool>"),
        ));
    }
    assert!(answers.windows(2).all(|p| p[0] == p[1]), "{answers:?}");
    let a = scoped
        .admin("DescribeUserPool", json!({"UserPoolId": mine}))
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn credential_scopes_must_name_a_region_of_the_deployment() {
    let w = world(|c| c.regions = vec!["eu-west-1".into()]).await;
    let a = w
        .admin_in("us-east-1", "ListUserPools", json!({"MaxResults": 5}))
        .await;
    assert_eq!(a.body["__type"], "InvalidSignatureException");
    assert_eq!(
        a.body["message"],
        "Credential should be scoped to a valid region, not 'us-east-1'. "
    );
    let a = w
        .admin_in("eu-west-1", "ListUserPools", json!({"MaxResults": 5}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // A deployment that names no region takes any, as before.
    let open = world(|_| {}).await;
    let a = open
        .admin_in("ap-south-2", "ListUserPools", json!({"MaxResults": 5}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn answers_are_never_cached_and_browsers_of_any_origin_may_call() {
    let w = world(|_| {}).await;
    let (pool, client) = w.pool_and_client(Default::default()).await;
    w.user(&pool, "alice").await;
    for body in [
        password_login(&client, "alice", PASSWORD),
        password_login(&client, "alice", "wrong"),
    ] {
        let a = w
            .public_from(
                "127.0.0.1",
                &[("origin", "https://app.example")],
                "InitiateAuth",
                body,
            )
            .await;
        assert_eq!(a.headers["cache-control"], "no-store", "{}", a.body);
        assert_eq!(a.headers["pragma"], "no-cache");
        assert_eq!(a.headers["access-control-allow-origin"], "*");
    }
    // The preflight amazon-cognito-identity-js's fetch causes.
    let req = Request::options("/")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-amz-target,x-amz-user-agent",
        )
        .body(Body::empty())
        .unwrap();
    let a = w.send(req).await;
    assert!(a.status.is_success(), "{}", a.status);
    assert_eq!(a.headers["access-control-allow-origin"], "*");
    let allowed = a.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "content-type",
        "x-amz-target",
        "x-amz-user-agent",
        "authorization",
    ] {
        assert!(allowed.contains(h), "{h} in {allowed}");
    }
}

#[tokio::test]
async fn srp_step_one_answers_alike_for_users_who_exist_and_who_do_not() {
    let w = world(|_| {}).await;
    for settings in [
        portcullis_core::pool::PoolSettings::default(),
        portcullis_core::pool::PoolSettings {
            username_attributes: vec![portcullis_core::pool::UsernameAttribute::Email],
            ..Default::default()
        },
    ] {
        let email = !settings.username_attributes.is_empty();
        let (pool, client) = w.pool_and_client(settings).await;
        let (real, ghost) = if email {
            ("alice@t1.example", "ghost@t1.example")
        } else {
            ("alice", "ghost")
        };
        w.user(&pool, real).await;
        let start = |name: &str| {
            json!({"ClientId": client, "AuthFlow": "USER_SRP_AUTH",
                   "AuthParameters": {"USERNAME": name, "SRP_A": "abcdef0123456789"}})
        };
        let mut shapes = vec![];
        for name in [real, ghost] {
            let first = w.public("InitiateAuth", start(name)).await;
            let again = w.public("InitiateAuth", start(name)).await;
            assert_eq!(first.status, StatusCode::OK, "{}", first.body);
            let p = |a: &Answer, k: &str| {
                a.body["ChallengeParameters"][k]
                    .as_str()
                    .unwrap()
                    .to_owned()
            };
            assert_eq!(
                p(&first, "SALT"),
                p(&again, "SALT"),
                "{name}: a stable salt"
            );
            assert_eq!(
                p(&first, "USER_ID_FOR_SRP"),
                p(&again, "USER_ID_FOR_SRP"),
                "{name}: a stable user id"
            );
            assert_ne!(p(&first, "SRP_B"), p(&again, "SRP_B"), "fresh ephemerals");
            let id = p(&first, "USER_ID_FOR_SRP");
            shapes.push((
                p(&first, "SALT").len(),
                first.body["ChallengeName"].clone(),
                if email {
                    uuid::Uuid::parse_str(&id).is_ok().to_string()
                } else {
                    (id == name).to_string()
                },
            ));
        }
        assert_eq!(shapes[0], shapes[1], "email pool {email}");
    }
}

#[tokio::test]
async fn usernames_are_normalized_and_invisible_characters_refused() {
    let w = world(|_| {}).await;
    let (pool, _) = w.pool_and_client(Default::default()).await;
    let create = |name: &str| {
        json!({"UserPoolId": pool, "Username": name, "TemporaryPassword": "Temp-Passw0rd!",
               "MessageAction": "SUPPRESS"})
    };
    for spoof in ["al\u{200b}ice", "alice\u{202e}gnp", "\u{2060}bob"] {
        let a = w.admin("AdminCreateUser", create(spoof)).await;
        assert_eq!(a.body["__type"], "InvalidParameterException", "{spoof:?}");
    }
    let a = w.admin("AdminCreateUser", create("jos\u{e9}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = w.admin("AdminCreateUser", create("jose\u{301}")).await;
    assert_eq!(
        a.body["__type"], "UsernameExistsException",
        "NFD is the same name"
    );
    let a = w
        .admin(
            "AdminGetUser",
            json!({"UserPoolId": pool, "Username": "jose\u{301}"}),
        )
        .await;
    assert_eq!(a.body["Username"], "jos\u{e9}");
    let (users, _) = w.t.app.find_users(&pool, None, 60, None).await.unwrap();
    assert_eq!(users.len(), 1);
}

#[tokio::test]
async fn a_password_change_ends_every_other_session() {
    let w = world(|_| {}).await;
    let (pool, client) = w.pool_and_client(Default::default()).await;
    w.user(&pool, "alice").await;
    let sign_in = |pw: &'static str| {
        let body = password_login(&client, "alice", pw);
        let w = &w;
        async move {
            let a = w.public("InitiateAuth", body).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            let r = &a.body["AuthenticationResult"];
            (
                r["AccessToken"].as_str().unwrap().to_owned(),
                r["RefreshToken"].as_str().unwrap().to_owned(),
            )
        }
    };
    let refresh = |rt: &str| {
        json!({"ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH",
               "AuthParameters": {"REFRESH_TOKEN": rt}})
    };
    let (mine_at, mine_rt) = sign_in(PASSWORD).await;
    let (other_at, other_rt) = sign_in(PASSWORD).await;
    let a = w
        .public(
            "ChangePassword",
            json!({"AccessToken": mine_at, "PreviousPassword": PASSWORD,
                   "ProposedPassword": "Newer-Passw0rd!"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // The other device is signed out: its access token and its refresh token are dead.
    let a = w.public("GetUser", json!({"AccessToken": other_at})).await;
    assert_eq!(a.body["__type"], "NotAuthorizedException");
    let a = w.public("InitiateAuth", refresh(&other_rt)).await;
    assert_eq!(a.body["__type"], "NotAuthorizedException");
    // The device that changed it stays signed in.
    let a = w.public("GetUser", json!({"AccessToken": mine_at})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = w.public("InitiateAuth", refresh(&mine_rt)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // An administrator's new password ends that one too.
    let a = w
        .admin(
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": "alice", "Password": "Admin-Passw0rd!",
                   "Permanent": true}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = w.public("GetUser", json!({"AccessToken": mine_at})).await;
    assert_eq!(a.body["__type"], "NotAuthorizedException");
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_client_cannot_lock_everyone_out() {
    let w = world(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let (pool, client) = w.pool_and_client(Default::default()).await;
    for name in ["alice", "bob"] {
        w.user(&pool, name).await;
    }
    let via_proxy = |client_addr: &'static str, user: &str, pw: &'static str| {
        let body = password_login(&client, user, pw);
        let w = &w;
        async move {
            w.public_from(
                "127.0.0.1",
                &[("x-forwarded-for", client_addr)],
                "InitiateAuth",
                body,
            )
            .await
        }
    };
    const ATTACKER: &str = "203.0.113.66";
    // Through the proxy: bob's wrong passwords (five count, then he is locked and the rest
    // do not), then a spray of one wrong password each over 45 other names: the attacker's
    // address has spent its allowance of 50.
    for _ in 0..10 {
        via_proxy(ATTACKER, "bob", "wrong").await;
    }
    for i in 0..45 {
        via_proxy(ATTACKER, &format!("user{i}"), "wrong").await;
    }
    // Everybody else signs in, from another address or even from the attacker's.
    let a = via_proxy("198.51.100.7", "alice", PASSWORD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = via_proxy(ATTACKER, "alice", PASSWORD).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "a first attempt from a spent address: {}",
        a.body
    );
    // The spent address is refused for a name that already failed.
    via_proxy("198.51.100.7", "alice", "wrong").await;
    let a = via_proxy(ATTACKER, "alice", PASSWORD).await;
    assert_eq!(a.body["message"], "Password attempts exceeded");
    let a = via_proxy("198.51.100.7", "alice", PASSWORD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // Bob is locked for a while, right password or not, and a name nobody has is too.
    let a = via_proxy("198.51.100.8", "bob", PASSWORD).await;
    assert_eq!(a.body["message"], "Password attempts exceeded");
    for _ in 0..5 {
        via_proxy("198.51.100.9", "nobody", "wrong").await;
    }
    let b = via_proxy("198.51.100.9", "nobody", "wrong").await;
    assert_eq!(
        (b.status, &b.body),
        (a.status, &a.body),
        "same answer, user or not"
    );
    // Five failures lock bob for 1 s after the last one; then his password works.
    w.clock.advance(1);
    let a = via_proxy("198.51.100.8", "bob", PASSWORD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // Without a trusted proxy, a client rotating X-Forwarded-For does not escape the lock.
    let untrusted = world(|_| {}).await;
    let (pool, client) = untrusted.pool_and_client(Default::default()).await;
    untrusted.user(&pool, "carol").await;
    for i in 0..6 {
        let spoofed = format!("192.0.2.{i}");
        untrusted
            .public_from(
                "127.0.0.1",
                &[("x-forwarded-for", spoofed.as_str())],
                "InitiateAuth",
                password_login(&client, "carol", "wrong"),
            )
            .await;
    }
    let a = untrusted
        .public("InitiateAuth", password_login(&client, "carol", PASSWORD))
        .await;
    assert_eq!(a.body["message"], "Password attempts exceeded");
}

#[tokio::test]
async fn users_cannot_give_themselves_custom_attributes_and_clients_narrow_what_is_seen() {
    let w = world(|_| {}).await;
    let a = w
        .admin(
            "CreateUserPool",
            json!({"PoolName": "p", "Schema": [
                {"Name": "tenant", "AttributeDataType": "String", "Mutable": true},
                {"Name": "plan", "AttributeDataType": "String", "Mutable": false}]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let pool = a.body["UserPool"]["Id"].as_str().unwrap().to_owned();
    let names: Vec<&str> = a.body["UserPool"]["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["Name"].as_str())
        .collect();
    assert!(names.contains(&"custom:tenant") && names.contains(&"custom:plan"));
    let client = |extra: Value| {
        let mut body = json!({"UserPoolId": pool, "ClientName": "c",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let w = &w;
        async move {
            let a = w.admin("CreateUserPoolClient", body).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            a.body["UserPoolClient"]["ClientId"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let open = client(json!({})).await;
    let narrow = client(json!({"ReadAttributes": ["email"],
                               "WriteAttributes": ["email", "custom:tenant"]}))
    .await;
    let a = w
        .admin(
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "bad", "ReadAttributes": ["custom:role"]}),
        )
        .await;
    assert_eq!(a.body["__type"], "InvalidParameterException");

    let sign_up = |client: &str, attrs: Value| {
        json!({"ClientId": client, "Username": "mallory", "Password": PASSWORD,
               "UserAttributes": attrs})
    };
    // Undeclared, too many, or not the client's to write: refused, nobody created.
    let a = w
        .public(
            "SignUp",
            sign_up(&open, json!([{"Name": "custom:role", "Value": "admin"}])),
        )
        .await;
    assert_eq!(a.body["__type"], "InvalidParameterException");
    assert_eq!(
        a.body["message"],
        "Attributes did not conform to the schema: Type for attribute {custom:role} could not be determined"
    );
    let many: Vec<Value> = (0..1000)
        .map(|i| json!({"Name": format!("custom:a{i}"), "Value": "x"}))
        .collect();
    let a = w.public("SignUp", sign_up(&open, json!(many))).await;
    assert_eq!(a.body["__type"], "InvalidParameterException");
    let a = w
        .public(
            "SignUp",
            sign_up(&narrow, json!([{"Name": "custom:plan", "Value": "gold"}])),
        )
        .await;
    assert_eq!(a.body["__type"], "NotAuthorizedException");
    let (users, _) = w.t.app.find_users(&pool, None, 60, None).await.unwrap();
    assert!(users.is_empty(), "no user was created");

    // A user with declared attributes; the narrow client sees only the email.
    let a = w
        .admin(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "ann", "MessageAction": "SUPPRESS",
                   "TemporaryPassword": PASSWORD, "UserAttributes": [
                    {"Name": "email", "Value": "ann@t1.example"},
                    {"Name": "custom:tenant", "Value": "acme"},
                    {"Name": "custom:plan", "Value": "gold"}]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    w.admin(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "ann", "Password": PASSWORD, "Permanent": true}),
    )
    .await;
    let login = |client: &str| {
        let body = password_login(client, "ann", PASSWORD);
        let w = &w;
        async move {
            let a = w.public("InitiateAuth", body).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            a.body["AuthenticationResult"].clone()
        }
    };
    let claims = |jwt: &str| -> Value {
        use base64::Engine;
        let part = jwt.split('.').nth(1).unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap(),
        )
        .unwrap()
    };
    let wide = login(&open).await;
    assert_eq!(
        claims(wide["IdToken"].as_str().unwrap())["custom:tenant"],
        "acme"
    );
    let slim = login(&narrow).await;
    let id = claims(slim["IdToken"].as_str().unwrap());
    assert_eq!(id["email"], "ann@t1.example");
    assert!(id.get("custom:tenant").is_none() && id.get("custom:plan").is_none());
    let a = w
        .public("GetUser", json!({"AccessToken": slim["AccessToken"]}))
        .await;
    let seen: Vec<&str> = a.body["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["Name"].as_str())
        .collect();
    assert_eq!(seen, ["sub", "email"]);

    // Writes through a token: only what its client may write, never an immutable attribute.
    let update = |token: &Value, name: &str, value: &str| json!({"AccessToken": token, "UserAttributes": [{"Name": name, "Value": value}]});
    let a = w
        .public(
            "UpdateUserAttributes",
            update(&slim["AccessToken"], "given_name", "Ann"),
        )
        .await;
    assert_eq!(a.body["__type"], "NotAuthorizedException");
    let a = w
        .public(
            "UpdateUserAttributes",
            update(&wide["AccessToken"], "custom:plan", "platinum"),
        )
        .await;
    assert_eq!(a.body["__type"], "InvalidParameterException");
    let a = w
        .public(
            "UpdateUserAttributes",
            update(&wide["AccessToken"], "custom:role", "admin"),
        )
        .await;
    assert_eq!(a.body["__type"], "InvalidParameterException");
    let a = w
        .public(
            "UpdateUserAttributes",
            update(&slim["AccessToken"], "custom:tenant", "initech"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let ann = w.t.app.user(&pool, "ann").await.unwrap();
    assert_eq!(ann.attributes["custom:tenant"], "initech");
    assert_eq!(ann.attributes["custom:plan"], "gold");
    assert!(!ann.attributes.contains_key("custom:role"));
}

#[tokio::test]
async fn a_link_template_without_a_link_is_refused_when_it_is_set() {
    let w = world(|_| {}).await;
    let template = |message: &str| {
        json!({"DefaultEmailOption": "CONFIRM_WITH_LINK", "EmailMessageByLink": message,
               "EmailSubjectByLink": "Confirm"})
    };
    let a = w
        .admin(
            "CreateUserPool",
            json!({"PoolName": "p", "VerificationMessageTemplate": template("Click {##}")}),
        )
        .await;
    assert_eq!(a.body["__type"], "InvalidParameterException", "{}", a.body);
    assert!(w.t.app.list_pools().await.unwrap().is_empty());
    let a = w
        .admin(
            "CreateUserPool",
            json!({"PoolName": "p", "VerificationMessageTemplate": template("Click {##here##}")}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let pool = a.body["UserPool"]["Id"].as_str().unwrap().to_owned();
    let a = w
        .admin(
            "UpdateUserPool",
            json!({"UserPoolId": pool, "VerificationMessageTemplate": template("Click {##}")}),
        )
        .await;
    assert_eq!(a.body["__type"], "InvalidParameterException", "{}", a.body);
    let kept = w.t.app.pool(&pool).await.unwrap();
    assert_eq!(kept.settings.messages.link_message, "Click {##here##}");
}
