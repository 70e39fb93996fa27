use super::*;

#[tokio::test]
async fn a_pool_domain_serves_the_pages_at_its_root() {
    let w = world().await;
    w.t.app
        .set_pool_domain(w.pool.id.as_str(), Some("Auth.Acme.Example"))
        .await
        .unwrap();
    let host = [("host", "auth.acme.example")];
    let mut b = Browser::new(&w.router);
    let q = w.authorize_url(&w.spa, &[]);
    let query = q.split_once('?').unwrap().1;
    let r = b
        .send(
            Method::GET,
            &format!("/oauth2/authorize?{query}"),
            None,
            &host,
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let login_url = r.location().unwrap();
    assert!(
        login_url.starts_with("http://auth.acme.example/login?"),
        "{login_url}"
    );
    let login = b
        .send(
            Method::GET,
            login_url.strip_prefix("http://auth.acme.example").unwrap(),
            None,
            &host,
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.form_action().starts_with("/login?"));
    let sc = login.headers["set-cookie"].to_str().unwrap();
    assert!(sc.contains("Path=/;"), "{sc}");
    let csrf = login.input("_csrf").unwrap();
    let form = [
        ("_csrf", csrf.as_str()),
        ("username", "alice"),
        ("password", ALICE_PW),
    ];
    let r = b
        .send(
            Method::POST,
            &login.form_action(),
            Some(&form),
            &[
                ("host", "auth.acme.example"),
                ("origin", "http://auth.acme.example"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let code = r.redirect_params()["code"].clone();
    // The token endpoint answers on the domain too; the issuer stays path-based.
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CB),
        ("code_verifier", VERIFIER),
        ("client_id", w.spa.as_str()),
    ];
    let t = b
        .send(Method::POST, "/oauth2/token", Some(&form), &host)
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(
        w.verify(t.json()["id_token"].as_str().unwrap()).await["iss"],
        w.issuer
    );
    // Discovery on the domain names the same issuer; health stays at the root.
    let d = b
        .send(
            Method::GET,
            "/.well-known/openid-configuration",
            None,
            &host,
        )
        .await;
    assert_eq!(d.json()["issuer"], w.issuer);
    assert_eq!(
        b.send(Method::GET, "/healthz", None, &host).await.status,
        StatusCode::OK
    );
    // An unknown host is not a pool.
    let other = b
        .send(
            Method::GET,
            &format!("/oauth2/authorize?{query}"),
            None,
            &[("host", "nobody.example")],
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // A second pool cannot take the domain.
    let p2 =
        w.t.app
            .create_pool("local", "two", PoolSettings::default())
            .await
            .unwrap();
    assert!(
        w.t.app
            .set_pool_domain(p2.id.as_str(), Some("auth.acme.example"))
            .await
            .is_err()
    );
    assert!(
        w.t.app
            .set_pool_domain(p2.id.as_str(), Some("bad host"))
            .await
            .is_err()
    );
}
