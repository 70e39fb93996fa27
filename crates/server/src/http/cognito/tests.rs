use crate::testing::test_app_with_clock;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use portcullis_core::clock::FixedClock;
use portcullis_crypto::sigv4::{SignedRequest, expected_signature, parse_authorization};
use serde_json::{Value, json};
use std::sync::Arc;

const NOW: i64 = 1_795_305_600;
const AMZ_DATE: &str = "20261122T000000Z";

struct Api {
    router: axum::Router,
}

struct Key<'a> {
    id: &'a str,
    secret: &'a str,
    date: &'a str,
}

impl Api {
    async fn call(&self, action: &str, body: &str, key: Option<&Key<'_>>) -> (StatusCode, Value) {
        let mut req = Request::post("/")
            .header("host", "127.0.0.1:9400")
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{action}"),
            );
        if let Some(k) = key {
            let headers = vec![
                ("host".to_string(), "127.0.0.1:9400".to_string()),
                ("x-amz-date".to_string(), k.date.to_string()),
                (
                    "x-amz-target".to_string(),
                    format!("AWSCognitoIdentityProviderService.{action}"),
                ),
            ];
            let scope_date = &k.date[..8];
            let header = format!(
                "AWS4-HMAC-SHA256 Credential={}/{scope_date}/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature={}",
                k.id,
                "0".repeat(64)
            );
            let auth = parse_authorization(&header).unwrap();
            let sr = SignedRequest {
                method: "POST",
                path: "/",
                query: "",
                headers: &headers,
                body: body.as_bytes(),
                amz_date: k.date,
            };
            let sig = expected_signature(&sr, &auth, k.secret).unwrap();
            req = req
                .header("x-amz-date", k.date)
                .header("authorization", header.replace(&"0".repeat(64), &sig));
        }
        let res = tower::ServiceExt::oneshot(
            self.router.clone(),
            req.body(Body::from(body.to_owned())).unwrap(),
        )
        .await
        .unwrap();
        let status = res.status();
        let error_type = res
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if let Some(t) = error_type {
            assert_eq!(v["__type"], t.as_str());
        }
        (status, v)
    }
}

/// The app at a fixed time, its Cognito router, and a global access key (id, secret).
async fn setup() -> (crate::testing::TestApp, Api, String, String) {
    let t = test_app_with_clock(Some(Arc::new(FixedClock::at(NOW)))).await;
    let api = Api {
        router: crate::http::router(t.app.clone(), t.config.clone()),
    };
    let (key, secret) = t.app.create_access_key(&[]).await.unwrap();
    (t, api, key.key_id, secret)
}

#[tokio::test]
async fn signatures_and_scopes_guard_admin_actions() {
    let (t, api, key_id, secret) = setup().await;
    let g = Key {
        id: &key_id,
        secret: &secret,
        date: AMZ_DATE,
    };

    // Unsigned, unknown key, wrong secret, stale date.
    let (s, v) = api
        .call("ListUserPools", r#"{"MaxResults": 10}"#, None)
        .await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (
            StatusCode::FORBIDDEN,
            Some("MissingAuthenticationTokenException")
        )
    );
    let (_, v) = api
        .call(
            "ListUserPools",
            r#"{"MaxResults": 10}"#,
            Some(&Key {
                id: "PCAKNOSUCHKEY0000000",
                ..g
            }),
        )
        .await;
    assert_eq!(v["__type"], "UnrecognizedClientException");
    let (_, v) = api
        .call(
            "ListUserPools",
            r#"{"MaxResults": 10}"#,
            Some(&Key {
                secret: "wrong",
                ..g
            }),
        )
        .await;
    assert_eq!(v["__type"], "InvalidSignatureException");
    let (_, v) = api
        .call(
            "ListUserPools",
            r#"{"MaxResults": 10}"#,
            Some(&Key {
                date: "20261121T234400Z",
                ..g
            }),
        )
        .await;
    assert_eq!(v["__type"], "InvalidSignatureException");
    assert!(v["message"].as_str().unwrap().contains("Signature expired"));

    // A global key manages pools.
    let (s, v) = api
        .call(
            "CreateUserPool",
            r#"{"PoolName": "acme", "UsernameAttributes": ["email"]}"#,
            Some(&g),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let a = v["UserPool"]["Id"].as_str().unwrap().to_owned();
    assert!(a.starts_with("local_"));
    assert_eq!(v["UserPool"]["UsernameAttributes"], json!(["email"]));
    let (_, v) = api
        .call("CreateUserPool", r#"{"PoolName": "beta"}"#, Some(&g))
        .await;
    let b = v["UserPool"]["Id"].as_str().unwrap().to_owned();
    let (_, v) = api
        .call(
            "DescribeUserPool",
            &json!({"UserPoolId": a}).to_string(),
            Some(&g),
        )
        .await;
    assert_eq!(v["UserPool"]["Name"], "acme");
    assert_eq!(
        v["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"],
        8
    );
    let (_, page1) = api
        .call("ListUserPools", r#"{"MaxResults": 1}"#, Some(&g))
        .await;
    assert_eq!(page1["UserPools"].as_array().unwrap().len(), 1);
    let token = page1["NextToken"].as_str().unwrap();
    let (_, page2) = api
        .call(
            "ListUserPools",
            &json!({"MaxResults": 1, "NextToken": token}).to_string(),
            Some(&g),
        )
        .await;
    assert_ne!(page2["UserPools"][0]["Id"], page1["UserPools"][0]["Id"]);
    assert!(page2.get("NextToken").is_none());

    // A key scoped to pool A: A only.
    let (scoped, scoped_secret) = t
        .app
        .create_access_key(std::slice::from_ref(&a))
        .await
        .unwrap();
    let k = Key {
        id: &scoped.key_id,
        secret: &scoped_secret,
        date: AMZ_DATE,
    };
    let (s, _) = api
        .call(
            "DescribeUserPool",
            &json!({"UserPoolId": a}).to_string(),
            Some(&k),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = api
        .call(
            "DescribeUserPool",
            &json!({"UserPoolId": b}).to_string(),
            Some(&k),
        )
        .await;
    assert_eq!(v["__type"], "AccessDeniedException");
    let (_, v) = api
        .call(
            "DeleteUserPool",
            &json!({"UserPoolId": b}).to_string(),
            Some(&k),
        )
        .await;
    assert_eq!(v["__type"], "AccessDeniedException");
    let (_, v) = api
        .call("CreateUserPool", r#"{"PoolName": "mine"}"#, Some(&k))
        .await;
    assert_eq!(v["__type"], "AccessDeniedException");
    let (_, v) = api
        .call("ListUserPools", r#"{"MaxResults": 60}"#, Some(&k))
        .await;
    let ids: Vec<&str> = v["UserPools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str()]);

    // Delete, then it is gone.
    let (s, _) = api
        .call(
            "DeleteUserPool",
            &json!({"UserPoolId": b}).to_string(),
            Some(&g),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = api
        .call(
            "DescribeUserPool",
            &json!({"UserPoolId": b}).to_string(),
            Some(&g),
        )
        .await;
    assert_eq!(v["__type"], "ResourceNotFoundException");
    assert_eq!(v["message"], format!("User pool {b} does not exist."));
}

#[tokio::test]
async fn malformed_calls_get_cognito_errors_and_change_nothing() {
    let (t, api, key_id, secret) = setup().await;
    let g = Key {
        id: &key_id,
        secret: &secret,
        date: AMZ_DATE,
    };
    for (action, body, expected) in [
        ("NoSuchAction", "{}", "UnknownOperationException"),
        ("AssociateSoftwareToken", "{}", "UnknownOperationException"),
        ("CreateUserPool", "{not json", "SerializationException"),
        ("CreateUserPool", "[1]", "SerializationException"),
        ("CreateUserPool", "{}", "InvalidParameterException"),
        (
            "CreateUserPool",
            r#"{"PoolName": 5}"#,
            "SerializationException",
        ),
        (
            "CreateUserPool",
            r#"{"PoolName": "x", "Policies": {"PasswordPolicy": {"MinimumLength": 2}}}"#,
            "InvalidParameterException",
        ),
        (
            "CreateUserPool",
            r#"{"PoolName": "x", "UsernameAttributes": ["nickname"]}"#,
            "InvalidParameterException",
        ),
        ("ListUserPools", "{}", "InvalidParameterException"),
        (
            "ListUserPools",
            r#"{"MaxResults": 61}"#,
            "InvalidParameterException",
        ),
        (
            "DescribeUserPool",
            r#"{"UserPoolId": "bad id"}"#,
            "InvalidParameterException",
        ),
    ] {
        let (s, v) = api.call(action, body, Some(&g)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{action} {body}");
        assert_eq!(v["__type"], expected, "{action} {body}: {v}");
    }
    assert!(t.app.list_pools().await.unwrap().is_empty());
}

#[tokio::test]
async fn unconfirmed_users_are_told_so_after_the_right_password_and_can_be_confirmed() {
    let (t, api, key_id, secret) = setup().await;
    let g = Key {
        id: &key_id,
        secret: &secret,
        date: AMZ_DATE,
    };
    let pool = t
        .app
        .create_pool("local", "p", Default::default())
        .await
        .unwrap();
    let client = t
        .app
        .create_client(
            pool.id.as_str(),
            portcullis_core::client::NewClient {
                name: "c".into(),
                explicit_auth_flows: Some(vec!["ALLOW_USER_PASSWORD_AUTH".into()]),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap()
        .client;
    let created = t
        .app
        .create_user(
            pool.id.as_str(),
            portcullis_app::admin::NewUser {
                username: "uma".into(),
                password: Some("Uma-Passw0rd!".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Until self sign-up exists, the store is the only way to an UNCONFIRMED user.
    let mut user = created.user;
    user.status = portcullis_core::user::UserStatus::Unconfirmed;
    t.app
        .store_for_tests()
        .update_user(&user, None)
        .await
        .unwrap();

    let login = |pw: &str| {
        json!({"ClientId": client.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": "uma", "PASSWORD": pw}})
        .to_string()
    };
    let (_, v) = api.call("InitiateAuth", &login("wrong"), None).await;
    assert_eq!(
        v["__type"], "NotAuthorizedException",
        "a wrong password says nothing about the status"
    );
    let (_, v) = api
        .call("InitiateAuth", &login("Uma-Passw0rd!"), None)
        .await;
    assert_eq!(v["__type"], "UserNotConfirmedException");
    let body = json!({"UserPoolId": pool.id.as_str(), "Username": "uma"}).to_string();
    let (s, _) = api.call("AdminConfirmSignUp", &body, Some(&g)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = api
        .call("InitiateAuth", &login("Uma-Passw0rd!"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["AuthenticationResult"]["IdToken"].is_string());
}

#[tokio::test]
async fn required_schema_attributes_are_enforced_and_a_refusal_creates_nothing() {
    let (_t, api, key_id, secret) = setup().await;
    let g = Key {
        id: &key_id,
        secret: &secret,
        date: AMZ_DATE,
    };
    let body = json!({"PoolName": "schema", "Schema": [
        {"Name": "email", "AttributeDataType": "String", "Required": true},
        {"Name": "given_name", "AttributeDataType": "String", "Required": true},
        {"Name": "tenant", "AttributeDataType": "String", "Required": false},
    ]})
    .to_string();
    let (s, v) = api.call("CreateUserPool", &body, Some(&g)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pool_id = v["UserPool"]["Id"].as_str().unwrap().to_owned();
    let required: Vec<&str> = v["UserPool"]["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["Required"] == true)
        .map(|a| a["Name"].as_str().unwrap())
        .collect();
    // Every standard attribute is listed, in Cognito's order; `sub` is always required.
    assert_eq!(required, ["sub", "given_name", "email"]);
    let bad = json!({"PoolName": "x", "Schema": [{"Name": "tenant", "Required": true}]});
    let (_, v) = api.call("CreateUserPool", &bad.to_string(), Some(&g)).await;
    assert_eq!(v["__type"], "InvalidParameterException");

    let body = json!({"UserPoolId": pool_id, "ClientName": "app"}).to_string();
    let (_, v) = api.call("CreateUserPoolClient", &body, Some(&g)).await;
    let client_id = v["UserPoolClient"]["ClientId"].as_str().unwrap().to_owned();
    let sign_up = |attrs: Value| {
        json!({"ClientId": client_id, "Username": "gina", "Password": "Gina-Passw0rd!",
               "UserAttributes": attrs})
        .to_string()
    };
    let (s, v) = api
        .call(
            "SignUp",
            &sign_up(json!([{"Name": "email", "Value": "gina@example.com"}])),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["__type"], "InvalidParameterException");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("given_name: The attribute is required"),
        "{v}"
    );
    let body = json!({"UserPoolId": pool_id, "Username": "gina",
                      "UserAttributes": [{"Name": "email", "Value": "gina@example.com"}]});
    let (_, v) = api
        .call("AdminCreateUser", &body.to_string(), Some(&g))
        .await;
    assert_eq!(v["__type"], "InvalidParameterException");
    let get = json!({"UserPoolId": pool_id, "Username": "gina"}).to_string();
    let (_, v) = api.call("AdminGetUser", &get, Some(&g)).await;
    assert_eq!(
        v["__type"], "UserNotFoundException",
        "refusals created nothing"
    );
    let (s, v) = api
        .call(
            "SignUp",
            &sign_up(json!([{"Name": "email", "Value": "gina@example.com"},
                            {"Name": "given_name", "Value": "Gina"}])),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["UserConfirmed"], false);
}

#[test]
fn the_action_table_in_the_docs_matches_what_is_answered() {
    let docs = include_str!("../../../../../docs/cognito-api.md");
    let table = docs
        .split("## Every `cognito-idp` action")
        .nth(1)
        .expect("the docs have the action table");
    let mut documented = std::collections::BTreeSet::new();
    for line in table
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (action, status) = (cells[2].trim_matches('`'), cells[3]);
        assert!(
            matches!(status, "yes" | "partly" | "no"),
            "{action}: {status}"
        );
        if status != "no" {
            documented.insert(action.to_owned());
        }
    }
    let answered: std::collections::BTreeSet<String> =
        super::IMPLEMENTED.iter().map(|a| (*a).to_owned()).collect();
    assert_eq!(documented, answered);
}
