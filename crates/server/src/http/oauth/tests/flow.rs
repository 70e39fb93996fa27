use super::*;

#[tokio::test]
async fn code_flow_with_pkce_end_to_end() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    // Wrong password first: generic message, no redirect.
    let bad = w.sign_in(&mut b, &w.spa, &[], "wrong").await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.body.contains("Incorrect username or password."));
    assert!(bad.location().is_none());

    let mut b = Browser::new(&w.router);
    let r = w.sign_in(&mut b, &w.spa, &[], ALICE_PW).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = r.redirect_params();
    assert_eq!(p["state"], "s1");
    assert_eq!(p["iss"], w.issuer);
    assert!(r.location().unwrap().starts_with("https://app.t1/cb?"));
    let code = p["code"].clone();
    assert_eq!(code.len(), 43);

    let tokens = w.exchange(&w.spa, None, &code).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    assert_eq!(tokens.headers["cache-control"], "no-store");
    let t = tokens.json();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 3600);
    let id = w.verify(t["id_token"].as_str().unwrap()).await;
    assert_eq!(id["iss"], w.issuer);
    assert_eq!(id["aud"], w.spa);
    assert_eq!(id["sub"], w.alice_sub);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["nonce"], "n1");
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["cognito:groups"], serde_json::json!(["admins"]));
    assert_eq!(id["email"], "alice@t1.example");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Alice");
    assert_eq!(id["auth_time"], 1_800_000_000);
    assert_eq!(
        id["at_hash"],
        portcullis_crypto::tokens::at_hash(t["access_token"].as_str().unwrap())
    );
    let at = w.verify(t["access_token"].as_str().unwrap()).await;
    assert_eq!(at["token_use"], "access");
    assert_eq!(at["client_id"], w.spa);
    assert_eq!(at["scope"], "openid email profile");
    assert_eq!(at["username"], "alice");
    assert_eq!(at["origin_jti"], id["origin_jti"]);
    assert!(at.get("aud").is_none());

    let info = w.userinfo(t["access_token"].as_str().unwrap()).await;
    assert_eq!(info.status, StatusCode::OK);
    assert_eq!(info.json()["sub"], w.alice_sub);
    assert_eq!(info.json()["email"], "alice@t1.example");

    // Refresh: a new access token, the same sub and auth_time, no nonce.
    w.clock.advance(60);
    let rt = t["refresh_token"].as_str().unwrap();
    let refreshed = w
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt),
                ("client_id", &w.spa),
            ],
            None,
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let r2 = refreshed.json();
    assert!(r2.get("refresh_token").is_none(), "no rotation configured");
    let id2 = w.verify(r2["id_token"].as_str().unwrap()).await;
    assert_eq!(id2["sub"], id["sub"]);
    assert_eq!(id2["auth_time"], id["auth_time"]);
    assert!(id2.get("nonce").is_none());
    assert_eq!(id2["iat"], 1_800_000_060);

    // The session lets a second authorization skip the form.
    let again = b.get(&w.authorize_url(&w.spa, &[("state", "s2")])).await;
    assert_eq!(again.status, StatusCode::FOUND);
    let p = again.redirect_params();
    assert_eq!(p["state"], "s2");
    assert!(p.contains_key("code"));
    // prompt=login shows the form even so.
    let forced = b
        .get(&w.authorize_url(&w.spa, &[("prompt", "login")]))
        .await;
    assert!(forced.location().unwrap().contains("/login?"));
    // prompt=none without a session: login_required, to the client.
    let mut stranger = Browser::new(&w.router);
    let none = stranger
        .get(&w.authorize_url(&w.spa, &[("prompt", "none")]))
        .await;
    assert_eq!(none.status, StatusCode::FOUND);
    assert_eq!(none.redirect_params()["error"], "login_required");
    assert_eq!(none.redirect_params()["state"], "s1");
    // With a session, prompt=none answers silently.
    let silent = b.get(&w.authorize_url(&w.spa, &[("prompt", "none")])).await;
    assert!(silent.redirect_params().contains_key("code"));
    // max_age smaller than the session's age: sign in again.
    w.clock.advance(100);
    let aged = b.get(&w.authorize_url(&w.spa, &[("max_age", "30")])).await;
    assert!(aged.location().unwrap().contains("/login?"));
}

#[tokio::test]
async fn a_reused_code_fails_and_revokes_what_it_issued() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let code = w.code(&mut b, &w.web, &[]).await;
    let first = w.exchange(&w.web, Some(&w.web_secret), &code).await.json();
    let at = first["access_token"].as_str().unwrap();
    assert_eq!(w.userinfo(at).await.status, StatusCode::OK);

    let second = w.exchange(&w.web, Some(&w.web_secret), &code).await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert_eq!(second.json()["error"], "invalid_grant");
    let info = w.userinfo(at).await;
    assert_eq!(info.status, StatusCode::UNAUTHORIZED);
    assert!(
        info.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    let rt = first["refresh_token"].as_str().unwrap();
    let refresh = w
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", rt)],
            Some((&w.web, &w.web_secret)),
        )
        .await;
    assert_eq!(refresh.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn concurrent_redemptions_give_at_most_one_token() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let code = w.code(&mut b, &w.spa, &[]).await;
    let results = futures_join(&w, &code).await;
    let mut issued = Vec::new();
    for r in results {
        if r.status == StatusCode::OK {
            issued.push(r.json()["access_token"].as_str().unwrap().to_owned());
        } else {
            assert_eq!(r.json()["error"], "invalid_grant", "{}", r.body);
        }
    }
    assert!(issued.len() <= 1, "{} redemptions succeeded", issued.len());
    // Every other attempt was a replay, so whatever the winner got is revoked.
    for at in issued {
        assert_eq!(w.userinfo(&at).await.status, StatusCode::UNAUTHORIZED);
    }
}

async fn futures_join(w: &World, code: &str) -> Vec<Res> {
    let mut handles = Vec::new();
    for _ in 0..8 {
        let router = w.router.clone();
        let issuer = w.issuer.clone();
        let spa = w.spa.clone();
        let code = code.to_owned();
        handles.push(tokio::spawn(async move {
            let mut b = Browser::new(&router);
            let form = [
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", CB),
                ("code_verifier", VERIFIER),
                ("client_id", spa.as_str()),
            ];
            b.post(&format!("{issuer}/oauth2/token"), &form).await
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn codes_are_bound_to_client_redirect_uri_pkce_and_time() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let err = |r: Res| r.json()["error"].as_str().unwrap_or("").to_owned();

    // Another client's code, with that client's valid credentials.
    let code = w.code(&mut b, &w.web, &[]).await;
    assert_eq!(
        err(w.exchange(&w.web2, Some(&w.web2_secret), &code).await),
        "invalid_grant"
    );
    // ... and it is spent now, for the right client too.
    assert_eq!(
        err(w.exchange(&w.web, Some(&w.web_secret), &code).await),
        "invalid_grant"
    );

    // Another redirect URI than the one authorized.
    let code = w.code(&mut b, &w.spa, &[]).await;
    let r = w
        .token(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "https://app.t1/cb2?x=1"),
                ("code_verifier", VERIFIER),
                ("client_id", &w.spa),
            ],
            None,
        )
        .await;
    assert_eq!(err(r), "invalid_grant");

    // PKCE: missing, wrong, malformed verifiers.
    for verifier in [
        "",
        "wrong-verifier-wrong-verifier-wrong-verifier-x",
        "short",
        CHALLENGE,
    ] {
        let code = w.code(&mut b, &w.spa, &[]).await;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CB),
            ("client_id", w.spa.as_str()),
        ];
        if !verifier.is_empty() {
            form.push(("code_verifier", verifier));
        }
        assert_eq!(
            err(w.token(&form, None).await),
            "invalid_grant",
            "verifier {verifier:?}"
        );
    }

    // Downgrade: no challenge at authorize (confidential client), a verifier at the token endpoint.
    let code = w
        .code(
            &mut b,
            &w.web,
            &[("code_challenge", ""), ("code_challenge_method", "")],
        )
        .await;
    assert_eq!(
        err(w.exchange(&w.web, Some(&w.web_secret), &code).await),
        "invalid_grant"
    );

    // Five minutes later, a code is worthless.
    let code = w.code(&mut b, &w.spa, &[]).await;
    w.clock.advance(301);
    assert_eq!(err(w.exchange(&w.spa, None, &code).await), "invalid_grant");
}

#[tokio::test]
async fn authorization_errors_redirect_only_to_registered_uris() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    for (extra, code) in [
        (vec![("scope", "openid bogus")], "invalid_scope"),
        (vec![("prompt", "bogus")], "invalid_request"),
        (
            vec![("code_challenge", ""), ("code_challenge_method", "")],
            "invalid_request",
        ),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
    ] {
        let r = b.get(&w.authorize_url(&w.spa, &extra)).await;
        assert_eq!(r.status, StatusCode::FOUND, "{extra:?}");
        let p = r.redirect_params();
        assert_eq!(p["error"], code, "{extra:?}");
        assert_eq!(p["state"], "s1");
        assert_eq!(p["iss"], w.issuer);
        assert!(!p["error_description"].contains('\n'));
    }
    for extra in [
        vec![("redirect_uri", "https://evil.example/cb")],
        vec![("redirect_uri", "https://app.t1/cb/")],
        vec![("redirect_uri", "")],
        vec![("client_id", "nosuchclient")],
        vec![("client_id", "")],
    ] {
        let r = b.get(&w.authorize_url(&w.spa, &extra)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{extra:?}");
        assert!(r.location().is_none());
        assert!(r.body.contains("id=\"error\""));
    }
    // Repeated parameters: an error page, never first- or last-wins.
    let dup = format!("{}&client_id={}", w.authorize_url(&w.spa, &[]), w.web);
    let r = b.get(&dup).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.location().is_none());
    // Unknown pool.
    assert_eq!(
        b.get("/local_nosuchpoo/oauth2/authorize?client_id=x")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A registered URI with a query keeps it.
    let r = w
        .sign_in(
            &mut b,
            &w.spa,
            &[("redirect_uri", "https://app.t1/cb2?x=1")],
            ALICE_PW,
        )
        .await;
    let loc = r.location().unwrap();
    assert!(loc.starts_with("https://app.t1/cb2?x=1&code="), "{loc}");
}

#[tokio::test]
async fn implicit_flow_only_for_clients_that_enable_it() {
    let w = world().await;
    let id = w.pool.id.to_string();
    let created =
        w.t.app
            .create_client(
                &id,
                NewClient {
                    name: "legacy".into(),
                    callback_urls: vec![CB.into()],
                    allowed_oauth_flows: vec![OAuthFlow::Implicit],
                    allowed_oauth_scopes: vec!["openid".into()],
                    ..Default::default()
                },
                false,
            )
            .await
            .unwrap();
    let mut b = Browser::new(&w.router);
    let r = w
        .sign_in(
            &mut b,
            &created.client.client_id,
            &[
                ("response_type", "token"),
                ("scope", "openid"),
                ("code_challenge", ""),
                ("code_challenge_method", ""),
            ],
            ALICE_PW,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let loc = r.location().unwrap();
    assert!(loc.starts_with("https://app.t1/cb#"), "{loc}");
    let p = r.redirect_params();
    let id_token = w.verify(&p["id_token"]).await;
    assert_eq!(id_token["nonce"], "n1");
    assert_eq!(p["token_type"], "Bearer");
    assert!(!p.contains_key("refresh_token"));
}
