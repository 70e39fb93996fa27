use super::*;

#[tokio::test]
async fn pages_forbid_framing_caching_and_referrers_and_escape_input() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let r = b
        .get(&w.authorize_url(&w.spa, &[("login_hint", "\"><svg onload=alert(1)>")]))
        .await;
    let login = b.get(&r.location().unwrap()).await;
    assert_eq!(login.status, StatusCode::OK);
    let h = &login.headers;
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.get("access-control-allow-origin").is_none());
    let authorize = b
        .send(
            Method::GET,
            &w.authorize_url(&w.spa, &[]),
            None,
            &[("origin", "https://spa.example")],
        )
        .await;
    assert!(
        authorize
            .headers
            .get("access-control-allow-origin")
            .is_none(),
        "no CORS on authorize"
    );
    // The token endpoint answers browser apps of any origin (no credentials), as Cognito does.
    let pre = b
        .send(
            Method::OPTIONS,
            &format!("{}/oauth2/userInfo", w.issuer),
            None,
            &[
                ("origin", "https://spa.example"),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization"),
            ],
        )
        .await;
    assert_eq!(pre.headers["access-control-allow-origin"], "*");
    assert!(
        pre.headers
            .get("access-control-allow-credentials")
            .is_none()
    );
    assert!(!login.body.contains("<svg"));
    assert!(login.body.contains("&quot;&gt;&lt;svg onload=alert(1)&gt;"));
    assert!(login.body.contains("<form method=\"post\""));
    assert!(login.body.contains("name=\"username\""));
    assert!(login.body.contains("name=\"password\""));
    assert!(
        !login.body.contains("http://") && !login.body.contains("https://"),
        "no third-party assets"
    );
    // The CSRF cookie is HttpOnly, SameSite=Lax and scoped to the pool.
    let sc = h["set-cookie"].to_str().unwrap();
    assert!(
        sc.contains("HttpOnly")
            && sc.contains("SameSite=Lax")
            && sc.contains(&format!("Path=/{}", w.pool.id)),
        "{sc}"
    );
    // The session cookie likewise.
    let csrf = login.input("_csrf").unwrap();
    let done = b
        .post(
            &login.form_action(),
            &[
                ("_csrf", &csrf),
                ("username", "alice"),
                ("password", ALICE_PW),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let sc = done.headers["set-cookie"].to_str().unwrap();
    assert!(
        sc.starts_with("portcullis_session=")
            && sc.contains("HttpOnly")
            && sc.contains("SameSite=Lax"),
        "{sc}"
    );
    assert!(!sc.contains("Secure"), "http public URL: no Secure flag");
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let r = b.get(&w.authorize_url(&w.spa, &[])).await;
    let login = b.get(&r.location().unwrap()).await;
    let action = login.form_action();
    let csrf = login.input("_csrf").unwrap();
    let creds = [("username", "alice"), ("password", ALICE_PW)];
    // No token.
    let r = b.post(&action, &creds).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A token from another browser's cookie.
    let mut other = Browser::new(&w.router);
    let r2 = other.get(&w.authorize_url(&w.spa, &[])).await;
    let other_csrf = other
        .get(&r2.location().unwrap())
        .await
        .input("_csrf")
        .unwrap();
    let r = b
        .post(
            &action,
            &[("_csrf", other_csrf.as_str()), creds[0], creds[1]],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The right token but a cross-site request.
    let form = [("_csrf", csrf.as_str()), creds[0], creds[1]];
    let r = b
        .send(
            Method::POST,
            &action,
            Some(&form),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .send(
            Method::POST,
            &action,
            Some(&form),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!b.cookies.contains_key("portcullis_session"));
    // Same-origin with the right token works.
    let r = b
        .send(
            Method::POST,
            &action,
            Some(&form),
            &[
                ("origin", "http://127.0.0.1:9400"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_and_say_nothing_about_who_exists() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    let r = b.get(&w.authorize_url(&w.spa, &[])).await;
    let login = b.get(&r.location().unwrap()).await;
    let action = login.form_action();
    let csrf = login.input("_csrf").unwrap();
    let attempt = |user: &'static str, pw: &'static str| {
        let csrf = csrf.clone();
        let action = action.clone();
        let router = &w.router;
        let cookies = b.cookies.clone();
        async move {
            let mut br = Browser { router, cookies };
            br.post(
                &action,
                &[
                    ("_csrf", csrf.as_str()),
                    ("username", user),
                    ("password", pw),
                ],
            )
            .await
        }
    };
    let unknown = attempt("nobody", "x").await;
    let wrong = attempt("alice", "wrong").await;
    assert_eq!(unknown.status, wrong.status);
    assert!(unknown.body.contains("Incorrect username or password."));
    assert!(wrong.body.contains("Incorrect username or password."));
    for _ in 0..4 {
        attempt("alice", "wrong").await;
    }
    // Five failures: even the right password is refused for a second; a name nobody has
    // is locked after its five the same way, so the words tell nothing.
    let locked = attempt("alice", ALICE_PW).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert!(locked.body.contains("Too many failed attempts."));
    for _ in 0..4 {
        attempt("nobody", "x").await;
    }
    let ghost = attempt("nobody", "x").await;
    assert_eq!(ghost.status, locked.status);
    assert!(ghost.body.contains("Too many failed attempts."));
    // Refused attempts do not lengthen the lockout: a second later the password works.
    w.clock.advance(1);
    assert_eq!(
        attempt("ALICE", ALICE_PW).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_temporary_password_leads_to_the_new_password_page() {
    let w = world().await;
    let id = w.pool.id.to_string();
    w.t.app
        .create_user(
            &id,
            portcullis_app::admin::NewUser {
                username: "bob".into(),
                password: Some("Temp-Passw0rd!".into()),
                temporary: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut b = Browser::new(&w.router);
    let r = b.get(&w.authorize_url(&w.spa, &[])).await;
    let login = b.get(&r.location().unwrap()).await;
    let csrf = login.input("_csrf").unwrap();
    let page = b
        .post(
            &login.form_action(),
            &[
                ("_csrf", &csrf),
                ("username", "bob"),
                ("password", "Temp-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Choose a new password"));
    assert!(
        !b.cookies.contains_key("portcullis_session"),
        "no session before the new password"
    );
    let challenge = page.input("challenge").unwrap();
    let action = page.form_action();
    // Mismatch and policy failures keep the page (and the challenge) alive.
    let r = b
        .post(
            &action,
            &[
                ("_csrf", &csrf),
                ("challenge", &challenge),
                ("new_password", "Abc-12345!"),
                ("confirm_password", "Abc-12345?"),
            ],
        )
        .await;
    assert!(r.body.contains("The two passwords differ."));
    let r = b
        .post(
            &action,
            &[
                ("_csrf", &csrf),
                ("challenge", &challenge),
                ("new_password", "weak"),
                ("confirm_password", "weak"),
            ],
        )
        .await;
    assert!(r.body.contains("Password not long enough"));
    let r = b
        .post(
            &action,
            &[
                ("_csrf", &csrf),
                ("challenge", &challenge),
                ("new_password", "Bobs-New-Passw0rd"),
                ("confirm_password", "Bobs-New-Passw0rd"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.redirect_params().contains_key("code"));
    let bob = w.t.app.user(&id, "bob").await.unwrap();
    assert_eq!(bob.status, portcullis_core::user::UserStatus::Confirmed);
    // The challenge was single-use.
    let r = b
        .post(
            &action,
            &[
                ("_csrf", &csrf),
                ("challenge", &challenge),
                ("new_password", "Other-Passw0rd!"),
                ("confirm_password", "Other-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn logout_ends_the_session_and_redirects_only_to_registered_urls() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    w.code(&mut b, &w.spa, &[]).await;
    let logout = |q: &str| format!("{}/logout?{q}", w.issuer);
    // Unregistered: an error page, no redirect, the session survives.
    for q in [
        format!("client_id={}&logout_uri=https://evil.example/", w.spa),
        format!("client_id={}&logout_uri=https://app.t1/bye?x=1", w.spa),
        format!(
            "client_id={}&redirect_uri=https://evil.example/&response_type=code",
            w.spa
        ),
        "logout_uri=https://app.t1/bye".to_string(),
        "client_id=nosuch&logout_uri=https://app.t1/bye".to_string(),
    ] {
        let r = b.get(&logout(&q)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(r.location().is_none());
    }
    let silent = b.get(&w.authorize_url(&w.spa, &[("prompt", "none")])).await;
    assert!(
        silent.redirect_params().contains_key("code"),
        "session must survive bad logout requests"
    );
    // Registered: redirect, cookie cleared, and the session is gone server-side.
    let cookie = b.cookies["portcullis_session"].clone();
    let r = b
        .get(&logout(&format!(
            "client_id={}&logout_uri=https://app.t1/bye",
            w.spa
        )))
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.location().unwrap(), "https://app.t1/bye");
    assert!(!b.cookies.contains_key("portcullis_session"));
    let mut replay = Browser::new(&w.router);
    replay.cookies.insert("portcullis_session".into(), cookie);
    let r = replay
        .get(&w.authorize_url(&w.spa, &[("prompt", "none")]))
        .await;
    assert_eq!(r.redirect_params()["error"], "login_required");
    // Sign out and in again: back to the authorization endpoint.
    let r = b.get(&logout(&format!("client_id={}&redirect_uri={CB}&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256&state=z", w.spa))).await;
    assert!(
        r.location()
            .unwrap()
            .starts_with(&format!("{}/oauth2/authorize?", w.issuer))
    );
    // OIDC's post_logout_redirect_uri with state.
    let r = b
        .get(&logout(&format!(
            "client_id={}&post_logout_redirect_uri=https://app.t1/bye&state=s9",
            w.spa
        )))
        .await;
    assert_eq!(r.location().unwrap(), "https://app.t1/bye?state=s9");
}

#[tokio::test]
async fn a_logout_naming_no_client_asks_first_and_signs_out_on_yes() {
    let w = world().await;
    let mut b = Browser::new(&w.router);
    w.code(&mut b, &w.spa, &[]).await;
    let still_in = |r: &Res| r.redirect_params().contains_key("code");
    for q in ["", "?state=abc"] {
        let page = b.get(&format!("{}/logout{q}", w.issuer)).await;
        assert_eq!(page.status, StatusCode::OK, "{q}");
        assert!(page.body.contains("Sign out?"), "{}", page.body);
        assert!(page.location().is_none());
        let silent = b.get(&w.authorize_url(&w.spa, &[("prompt", "none")])).await;
        assert!(still_in(&silent), "asking does not sign out");
    }
    let page = b.get(&format!("{}/logout?state=abc", w.issuer)).await;
    let csrf = page.input("_csrf").unwrap();
    let target = format!("{}/logout?state=abc", w.issuer);
    // A forged form (no token) changes nothing; neither does "stay".
    let forged = b.post(&target, &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let stay = b
        .post(&target, &[("_csrf", &csrf), ("action", "stay")])
        .await;
    assert!(stay.body.contains("still signed in"), "{}", stay.body);
    let silent = b.get(&w.authorize_url(&w.spa, &[("prompt", "none")])).await;
    assert!(still_in(&silent));
    let yes = b.post(&target, &[("_csrf", &csrf)]).await;
    assert_eq!(yes.status, StatusCode::OK);
    assert!(yes.body.contains("You are signed out"), "{}", yes.body);
    assert!(!b.cookies.contains_key("portcullis_session"));
    let silent = b.get(&w.authorize_url(&w.spa, &[("prompt", "none")])).await;
    assert_eq!(silent.redirect_params()["error"], "login_required");
    // Without a session there is nothing to ask.
    let none = b.get(&format!("{}/logout", w.issuer)).await;
    assert!(none.body.contains("You are signed out"));
}

#[tokio::test]
async fn without_auto_verification_the_sign_up_page_says_an_administrator_confirms() {
    let w = world().await;
    let mut settings = w.pool.settings.clone();
    settings.auto_verified_attributes = portcullis_core::pool::AutoVerified(vec![]);
    w.t.app
        .update_pool_settings(w.pool.id.as_str(), settings)
        .await
        .unwrap();
    let mut b = Browser::new(&w.router);
    let query = w.authorize_url(&w.spa, &[]);
    let query = query.split_once('?').unwrap().1;
    let page = b.get(&format!("{}/signup?{query}", w.issuer)).await;
    let csrf = page.input("_csrf").unwrap();
    let done = b
        .post(
            &format!("{}/signup?{query}", w.issuer),
            &[
                ("_csrf", &csrf),
                ("username", "newbie"),
                ("email", "newbie@example.com"),
                ("password", "Newbie-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("An administrator will confirm it"),
        "{}",
        done.body
    );
    assert!(!done.body.contains("Verification code"));
}

#[tokio::test]
async fn claim_rules_put_roles_and_entitlements_in_tokens() {
    let w = world().await;
    let id = w.pool.id.to_string();
    let app = &w.t.app;
    for (g, p) in [
        ("Developers", 2),
        ("product:analytics", 3),
        ("product:reports", 4),
    ] {
        app.create_group(&id, g, None, Some(p)).await.unwrap();
        app.add_user_to_group(&id, "alice", g).await.unwrap();
    }
    let rules = portcullis_core::claim_rules::ClaimRules::parse(
        r#"{"claims": [
          {"name": "roles", "tokens": ["id", "access"],
           "from_groups": {"map": {"admins": "admin", "Developers": "developer"},
                           "default": ["viewer"]}},
          {"name": "entitlements", "tokens": ["id"], "from_groups": {"prefix": "product:"}},
          {"name": "display", "tokens": ["id"], "from_attribute": "name"},
          {"name": "tier", "tokens": ["access"], "value": "standard"}
        ]}"#,
    )
    .unwrap();
    app.set_claim_rules(&id, None, Some(rules)).await.unwrap();
    let t = tokens_of(&w, &w.spa).await;
    let idt = w.verify(t["id_token"].as_str().unwrap()).await;
    assert_eq!(idt["roles"], serde_json::json!(["admin", "developer"]));
    assert_eq!(
        idt["entitlements"],
        serde_json::json!(["analytics", "reports"])
    );
    assert_eq!(idt["display"], "Alice");
    assert!(idt.get("tier").is_none(), "tier goes to access tokens only");
    let at = w.verify(t["access_token"].as_str().unwrap()).await;
    assert_eq!(at["roles"], serde_json::json!(["admin", "developer"]));
    assert_eq!(at["tier"], "standard");
    assert!(at.get("entitlements").is_none());
    // A client's own rules replace the pool's for its tokens.
    let own = portcullis_core::claim_rules::ClaimRules::parse(
        r#"{"claims": [{"name": "app", "tokens": ["id"], "value": "spa"}]}"#,
    )
    .unwrap();
    app.set_claim_rules(&id, Some(&w.spa), Some(own))
        .await
        .unwrap();
    let idt = w
        .verify(tokens_of(&w, &w.spa).await["id_token"].as_str().unwrap())
        .await;
    assert_eq!(idt["app"], "spa");
    assert!(idt.get("roles").is_none());
    // Machines get what needs no user: constants, and defaults of group rules.
    let r = w
        .token(
            &[("grant_type", "client_credentials")],
            Some((&w.m2m, &w.m2m_secret)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let mt = w.verify(body["access_token"].as_str().unwrap()).await;
    assert_eq!(mt["tier"], "standard");
    assert_eq!(mt["roles"], serde_json::json!(["viewer"]));
    // A bad document is refused and changes nothing.
    let bad = portcullis_core::claim_rules::ClaimRules {
        claims: vec![portcullis_core::claim_rules::ClaimRule {
            name: "sub".into(),
            tokens: vec![portcullis_core::claim_rules::TokenKind::Id],
            from_groups: None,
            from_attribute: None,
            value: Some(serde_json::json!("x")),
        }],
    };
    assert!(app.set_claim_rules(&id, None, Some(bad)).await.is_err());
    let pool = app.pool(&id).await.unwrap();
    assert_eq!(pool.settings.claim_rules.unwrap().claims.len(), 4);
}

/// alice's tokens for `client` (public), through the hosted page.
async fn tokens_of(w: &World, client: &str) -> serde_json::Value {
    let mut b = Browser::new(&w.router);
    let code = w.code(&mut b, client, &[]).await;
    let r = w
        .token(
            &[
                ("grant_type", "authorization_code"),
                ("client_id", client),
                ("code", &code),
                ("redirect_uri", CB),
                ("code_verifier", VERIFIER),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

#[tokio::test]
async fn a_logout_hint_must_be_this_pools_id_token_for_that_client() {
    let w = world().await;
    let elsewhere = world().await;
    let mut b = Browser::new(&w.router);
    w.code(&mut b, &w.spa, &[]).await;
    let mine = tokens_of(&w, &w.spa).await;
    let foreign = tokens_of(&elsewhere, &elsewhere.spa).await;
    let id_token = mine["id_token"].as_str().unwrap();
    let mut tampered = id_token.to_owned();
    tampered.push('A');
    let logout = |hint: &str| {
        format!(
            "{}/logout?client_id={}&logout_uri=https://app.t1/bye&id_token_hint={hint}",
            w.issuer, w.spa
        )
    };
    for (case, hint) in [
        (
            "another pool's ID token",
            foreign["id_token"].as_str().unwrap(),
        ),
        ("an access token", mine["access_token"].as_str().unwrap()),
        ("a bad signature", tampered.as_str()),
        ("not a token", "garbage"),
    ] {
        let r = b.get(&logout(hint)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{case}");
        assert!(r.location().is_none(), "{case}");
    }
    // The hint names one client, the request another.
    let r = b
        .get(&format!(
            "{}/logout?client_id={}&logout_uri=https://app.t1/bye&id_token_hint={id_token}",
            w.issuer, w.web
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let silent = b.get(&w.authorize_url(&w.spa, &[("prompt", "none")])).await;
    assert!(
        silent.redirect_params().contains_key("code"),
        "the session survived"
    );
    // This pool's ID token for this client, even expired, signs out.
    w.clock.advance(2 * 3600);
    let r = b.get(&logout(id_token)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.location().unwrap(), "https://app.t1/bye");
}

#[tokio::test]
async fn codes_issued_before_a_password_reset_cannot_be_redeemed() {
    let w = world().await;
    let id = w.pool.id.to_string();
    let redeem = |code: String| {
        let w = &w;
        async move {
            w.token(
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", &w.spa),
                    ("code", &code),
                    ("redirect_uri", CB),
                    ("code_verifier", VERIFIER),
                ],
                None,
            )
            .await
        }
    };
    let mut b = Browser::new(&w.router);
    let stolen = w.code(&mut b, &w.spa, &[]).await;
    w.clock.advance(1);
    w.t.app
        .set_password(&id, "alice", "Reset-Passw0rd!", true)
        .await
        .unwrap();
    let r = redeem(stolen).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("invalid_grant"));
    // The session that made it ended too; signing in again gives a code that works.
    let silent = b.get(&w.authorize_url(&w.spa, &[("prompt", "none")])).await;
    assert_eq!(silent.redirect_params()["error"], "login_required");
    let r = w.sign_in(&mut b, &w.spa, &[], "Reset-Passw0rd!").await;
    let fresh = r.redirect_params()["code"].clone();
    assert_eq!(redeem(fresh).await.status, StatusCode::OK);
}
