use super::*;

fn err(r: &Res) -> String {
    r.json()["error"].as_str().unwrap_or("").to_owned()
}

#[tokio::test]
async fn client_authentication_methods_and_failures() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    // client_secret_basic and client_secret_post both work.
    let code = w.code(&mut b, &w.web, &[]).await;
    assert_eq!(
        w.exchange(&w.web, Some(&w.web_secret), &code).await.status,
        StatusCode::OK
    );
    let code = w.code(&mut b, &w.web, &[]).await;
    let post = w
        .token(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CB),
                ("code_verifier", VERIFIER),
                ("client_id", &w.web),
                ("client_secret", &w.web_secret),
            ],
            None,
        )
        .await;
    assert_eq!(post.status, StatusCode::OK, "{}", post.body);

    let cc = [("grant_type", "client_credentials")];
    // Wrong secret, no secret, unknown client: 401 invalid_client with a Basic challenge.
    for auth in [
        Some((w.m2m.as_str(), "wrong")),
        None,
        Some(("nosuchclient", "x")),
    ] {
        let r = w.token(&cc, auth).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(err(&r), "invalid_client");
        assert!(
            r.headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic")
        );
    }
    // Both methods at once.
    let r = w
        .token(
            &[
                ("grant_type", "client_credentials"),
                ("client_secret", &w.m2m_secret),
            ],
            Some((&w.m2m, &w.m2m_secret)),
        )
        .await;
    assert_eq!(err(&r), "invalid_request");
    // A public client presenting a secret it does not have.
    let r = w
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", &w.spa),
                ("client_secret", "made-up"),
            ],
            None,
        )
        .await;
    assert_eq!(err(&r), "invalid_client");
    // Parameters in the query string; a GET; a repeated parameter; not a form.
    let mut b = Browser::new(&w.router);
    let h = World::basic(&w.m2m, &w.m2m_secret);
    let r = b
        .send(
            Method::POST,
            &format!("{}/oauth2/token?client_secret=x", w.issuer),
            Some(&cc),
            &[("authorization", &h)],
        )
        .await;
    assert_eq!(err(&r), "invalid_request");
    let r = b.get(&format!("{}/oauth2/token", w.issuer)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    let r = w
        .token(
            &[
                ("grant_type", "client_credentials"),
                ("grant_type", "client_credentials"),
            ],
            Some((&w.m2m, &w.m2m_secret)),
        )
        .await;
    assert_eq!(err(&r), "invalid_request");
    let r = b
        .send(
            Method::POST,
            &format!("{}/oauth2/token", w.issuer),
            None,
            &[("authorization", &h)],
        )
        .await;
    assert_eq!(err(&r), "invalid_request");
}

#[tokio::test]
async fn grant_type_restrictions() {
    let w = world().await;
    for (form, auth, expected) in [
        (
            vec![
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", ALICE_PW),
            ],
            Some((w.web.as_str(), w.web_secret.as_str())),
            "unsupported_grant_type",
        ),
        (
            vec![("grant_type", "urn:nope")],
            Some((w.web.as_str(), w.web_secret.as_str())),
            "unsupported_grant_type",
        ),
        (
            vec![("grant_type", "client_credentials")],
            Some((w.web.as_str(), w.web_secret.as_str())),
            "unauthorized_client",
        ),
        (
            vec![("grant_type", "authorization_code"), ("code", "x")],
            Some((w.m2m.as_str(), w.m2m_secret.as_str())),
            "unauthorized_client",
        ),
        (
            vec![],
            Some((w.web.as_str(), w.web_secret.as_str())),
            "invalid_request",
        ),
    ] {
        let r = w.token(&form, auth).await;
        assert_eq!(err(&r), expected, "{form:?}");
        assert!(r.json().get("access_token").is_none());
    }
}

#[tokio::test]
async fn client_credentials_tokens() {
    let w = world().await;
    let r = w
        .token(
            &[("grant_type", "client_credentials"), ("scope", "api/read")],
            Some((&w.m2m, &w.m2m_secret)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let t = r.json();
    assert!(t.get("refresh_token").is_none());
    assert!(t.get("id_token").is_none());
    let at = w.verify(t["access_token"].as_str().unwrap()).await;
    assert_eq!(at["sub"], w.m2m);
    assert_eq!(at["client_id"], w.m2m);
    assert_eq!(at["scope"], "api/read");
    assert_eq!(at["token_use"], "access");
    // No scope: all of the client's scopes.
    let r = w
        .token(
            &[("grant_type", "client_credentials")],
            Some((&w.m2m, &w.m2m_secret)),
        )
        .await;
    assert_eq!(
        w.verify(r.json()["access_token"].as_str().unwrap()).await["scope"],
        "api/read"
    );
    // More than allowed: invalid_scope.
    for scope in ["api/read api/admin", "openid", "api/nope"] {
        let r = w
            .token(
                &[("grant_type", "client_credentials"), ("scope", scope)],
                Some((&w.m2m, &w.m2m_secret)),
            )
            .await;
        assert_eq!(err(&r), "invalid_scope", "{scope}");
    }
}

#[tokio::test]
async fn refresh_tokens_are_bound_to_their_client_and_scope() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let code = w.code(&mut b, &w.web, &[("scope", "openid email")]).await;
    let rt = w.exchange(&w.web, Some(&w.web_secret), &code).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = w
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
            Some((&w.web2, &w.web2_secret)),
        )
        .await;
    assert_eq!(err(&other), "invalid_grant");
    let unauth = w
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &rt),
                ("client_id", &w.web),
            ],
            None,
        )
        .await;
    assert_eq!(err(&unauth), "invalid_client");
    let wider = w
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &rt),
                ("scope", "openid email profile"),
            ],
            Some((&w.web, &w.web_secret)),
        )
        .await;
    assert_eq!(err(&wider), "invalid_scope");
    let narrow = w
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &rt),
                ("scope", "openid"),
            ],
            Some((&w.web, &w.web_secret)),
        )
        .await;
    assert_eq!(narrow.status, StatusCode::OK);
    assert_eq!(
        w.verify(narrow.json()["access_token"].as_str().unwrap())
            .await["scope"],
        "openid"
    );
    // Still valid for its own client, with its original scope.
    let same = w
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
            Some((&w.web, &w.web_secret)),
        )
        .await;
    assert_eq!(
        w.verify(same.json()["access_token"].as_str().unwrap())
            .await["scope"],
        "openid email"
    );
}

#[tokio::test]
async fn rotation_with_one_generation_of_grace_and_reuse_detection() {
    let w = world_with(RefreshRotation {
        enabled: true,
        grace_secs: 10,
    })
    .await;
    let mut b = Browser::new(&w.router);
    let code = w.code(&mut b, &w.web, &[]).await;
    let t = w.exchange(&w.web, Some(&w.web_secret), &code).await.json();
    let rt1 = t["refresh_token"].as_str().unwrap().to_owned();
    let auth = Some((w.web.as_str(), w.web_secret.as_str()));
    let refresh = |rt: String| {
        let w = &w;
        async move {
            w.token(
                &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
                auth,
            )
            .await
        }
    };

    let r = refresh(rt1.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rt2 = r.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rt2, rt1);
    // A retry inside the grace window gets the same successor, not a second chain.
    w.clock.advance(5);
    let retry = refresh(rt1.clone()).await;
    assert_eq!(retry.json()["refresh_token"].as_str().unwrap(), rt2);
    // Once the successor has been used, the grace no longer covers the old token.
    let r3 = refresh(rt2.clone()).await.json();
    let rt3 = r3["refresh_token"].as_str().unwrap().to_owned();
    let at3 = r3["access_token"].as_str().unwrap().to_owned();
    assert_eq!(w.userinfo(&at3).await.status, StatusCode::OK);
    let reuse = refresh(rt1.clone()).await;
    assert_eq!(err(&reuse), "invalid_grant");
    // ... and the whole family is revoked.
    assert_eq!(err(&refresh(rt3).await), "invalid_grant");
    assert_eq!(w.userinfo(&at3).await.status, StatusCode::UNAUTHORIZED);

    // Outside the window, a reused token revokes the family too.
    let code = w.code(&mut b, &w.web, &[]).await;
    let a1 = w.exchange(&w.web, Some(&w.web_secret), &code).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let a2 = refresh(a1.clone()).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    w.clock.advance(11);
    assert_eq!(err(&refresh(a1).await), "invalid_grant");
    assert_eq!(err(&refresh(a2).await), "invalid_grant");
}

#[tokio::test]
async fn revocation_kills_the_refresh_token_and_its_access_tokens() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let code = w.code(&mut b, &w.web, &[]).await;
    let t = w.exchange(&w.web, Some(&w.web_secret), &code).await.json();
    let (at, rt) = (
        t["access_token"].as_str().unwrap(),
        t["refresh_token"].as_str().unwrap(),
    );
    let revoke = |token: &str, auth: Option<(&str, &str)>| {
        let w = &w;
        let token = token.to_owned();
        let auth = auth.map(|(a, b)| (a.to_owned(), b.to_owned()));
        async move {
            let mut br = Browser::new(&w.router);
            let h = auth.map(|(a, s)| World::basic(&a, &s));
            let extra: Vec<(&str, &str)> =
                h.iter().map(|h| ("authorization", h.as_str())).collect();
            br.send(
                Method::POST,
                &format!("{}/oauth2/revoke", w.issuer),
                Some(&[("token", token.as_str())]),
                &extra,
            )
            .await
        }
    };
    // Another client cannot revoke it (200, no effect); no credentials: 401.
    assert_eq!(
        revoke(rt, Some((&w.web2, &w.web2_secret))).await.status,
        StatusCode::OK
    );
    assert_eq!(w.userinfo(at).await.status, StatusCode::OK);
    assert_eq!(revoke(rt, None).await.status, StatusCode::UNAUTHORIZED);
    // Unknown tokens: 200.
    assert_eq!(
        revoke("garbage", Some((&w.web, &w.web_secret)))
            .await
            .status,
        StatusCode::OK
    );
    // The owner revokes: refresh token and access token are dead.
    assert_eq!(
        revoke(rt, Some((&w.web, &w.web_secret))).await.status,
        StatusCode::OK
    );
    assert_eq!(w.userinfo(at).await.status, StatusCode::UNAUTHORIZED);
    let r = w
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", rt)],
            Some((&w.web, &w.web_secret)),
        )
        .await;
    assert_eq!(err(&r), "invalid_grant");

    // Revoking an access token revokes its family as well.
    let code = w.code(&mut b, &w.web, &[]).await;
    let t = w.exchange(&w.web, Some(&w.web_secret), &code).await.json();
    let at = t["access_token"].as_str().unwrap();
    assert_eq!(
        revoke(at, Some((&w.web, &w.web_secret))).await.status,
        StatusCode::OK
    );
    assert_eq!(w.userinfo(at).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn userinfo_rejects_everything_but_a_live_access_token_in_the_header() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let code = w.code(&mut b, &w.web, &[]).await;
    let t = w.exchange(&w.web, Some(&w.web_secret), &code).await.json();
    let at = t["access_token"].as_str().unwrap();
    // POST with the header works too.
    let h = format!("Bearer {at}");
    let post = b
        .send(
            Method::POST,
            &format!("{}/oauth2/userInfo", w.issuer),
            None,
            &[("authorization", &h)],
        )
        .await;
    assert_eq!(post.status, StatusCode::OK);
    // The ID token or refresh token as a bearer token: refused.
    assert_eq!(
        w.userinfo(t["id_token"].as_str().unwrap()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.userinfo(t["refresh_token"].as_str().unwrap())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // In the query string: refused.
    let q = b
        .get(&format!("{}/oauth2/userInfo?access_token={at}", w.issuer))
        .await;
    assert_eq!(q.status, StatusCode::BAD_REQUEST);
    // No token: 401 with a bare challenge.
    let none = b.get(&format!("{}/oauth2/userInfo", w.issuer)).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(
        none.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    // Expired.
    w.clock.advance(3601);
    assert_eq!(w.userinfo(at).await.status, StatusCode::UNAUTHORIZED);
    // Another pool's token.
    let other =
        w.t.app
            .create_pool("local", "other", PoolSettings::default())
            .await
            .unwrap();
    let mut ob = Browser::new(&w.router);
    let r = ob
        .send(
            Method::GET,
            &format!("/{}/oauth2/userInfo", other.id),
            None,
            &[("authorization", &h)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
