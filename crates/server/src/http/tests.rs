use crate::testing::test_app;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use portcullis_core::pool::PoolSettings;
use serde_json::Value;
use tower::ServiceExt;

async fn get(router: &axum::Router, uri: &str) -> (StatusCode, Value, axum::http::HeaderMap) {
    let res = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        headers,
    )
}

#[tokio::test]
async fn health_and_readiness() {
    let t = test_app().await;
    let r = super::router(t.app.clone(), t.config.clone());
    assert_eq!(get(&r, "/healthz").await.0, StatusCode::OK);
    let (status, body, headers) = get(&r, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["store"], "sqlite");
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn discovery_names_the_pool_issuer_and_its_endpoints() {
    let t = test_app().await;
    let pool = t
        .app
        .create_pool("local", "acme", PoolSettings::default())
        .await
        .unwrap();
    let r = super::router(t.app.clone(), t.config.clone());
    let issuer = format!("http://127.0.0.1:9400/{}", pool.id);
    let (status, doc, _) = get(
        &r,
        &format!("/{}/.well-known/openid-configuration", pool.id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["issuer"], issuer.as_str());
    assert_eq!(doc["jwks_uri"], format!("{issuer}/.well-known/jwks.json"));
    assert_eq!(doc["token_endpoint"], format!("{issuer}/oauth2/token"));
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{issuer}/oauth2/authorize")
    );
    assert_eq!(doc["id_token_signing_alg_values_supported"][0], "RS256");
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    // Only what can be used: no client enables the implicit flow yet.
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        doc["response_modes_supported"],
        serde_json::json!(["query"])
    );
    t.app
        .create_client(
            pool.id.as_str(),
            portcullis_core::client::NewClient {
                name: "legacy-spa".into(),
                callback_urls: vec!["https://app.example/cb".into()],
                allowed_oauth_flows: vec![portcullis_core::client::OAuthFlow::Implicit],
                allowed_oauth_scopes: vec!["openid".into()],
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
    let (_, doc, _) = get(
        &r,
        &format!("/{}/.well-known/openid-configuration", pool.id),
    )
    .await;
    assert_eq!(
        doc["response_types_supported"],
        serde_json::json!(["code", "token"])
    );
}

#[tokio::test]
async fn unknown_or_malformed_pools_are_404() {
    let t = test_app().await;
    let r = super::router(t.app.clone(), t.config.clone());
    for uri in [
        "/local_nosuchpol/.well-known/openid-configuration",
        "/local_nosuchpol/.well-known/jwks.json",
        "/not-a-pool/.well-known/jwks.json",
        "/nothing/here",
    ] {
        let (status, body, _) = get(&r, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body["error"], "not_found", "{uri}");
    }
}

#[tokio::test]
async fn jwks_publishes_active_and_retiring_keys_without_private_parts() {
    let t = test_app().await;
    let pool = t
        .app
        .create_pool("local", "acme", PoolSettings::default())
        .await
        .unwrap();
    let r = super::router(t.app.clone(), t.config.clone());
    let uri = format!("/{}/.well-known/jwks.json", pool.id);
    let (status, doc, _) = get(&r, &uri).await;
    assert_eq!(status, StatusCode::OK);
    let keys = doc["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let first = keys[0]["kid"].as_str().unwrap().to_owned();
    for k in keys {
        assert_eq!(k["kty"], "RSA");
        assert_eq!(k["alg"], "RS256");
        assert_eq!(k["use"], "sig");
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(k.get(private).is_none());
        }
    }

    let second = t.app.rotate_key(pool.id.as_str()).await.unwrap();
    let (_, doc, _) = get(&r, &uri).await;
    let kids: Vec<&str> = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, [second.kid.as_str(), first.as_str()]);

    // A token signed with the active key verifies against the published JWK.
    let active = t
        .app
        .store_for_tests()
        .active_key(&pool.id)
        .await
        .unwrap()
        .unwrap();
    let signer = t.app.open_signer(&active).unwrap();
    let token = signer.sign_jwt(&serde_json::json!({"sub": "x"})).unwrap();
    let jwk = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == signer.kid())
        .unwrap();
    assert!(portcullis_crypto::signing::verify_rs256(&token, jwk).is_ok());

    // A third rotation retires the first key: it leaves the JWKS.
    t.app.rotate_key(pool.id.as_str()).await.unwrap();
    let (_, doc, _) = get(&r, &uri).await;
    let kids: Vec<&str> = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 2);
    assert!(!kids.contains(&first.as_str()));
}
