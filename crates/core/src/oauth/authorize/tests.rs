use super::*;
use crate::client::{NewClient, StoredSecret};
use crate::ids::PoolId;

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn public_client() -> AppClient {
    let req = NewClient {
        name: "spa".into(),
        callback_urls: vec!["https://app.t1/cb".into(), "https://app.t1/cb2?x=1".into()],
        allowed_oauth_flows: vec![OAuthFlow::Code],
        allowed_oauth_scopes: vec!["openid".into(), "email".into(), "profile".into()],
        ..Default::default()
    };
    AppClient::create(
        &PoolId::parse("local_abcdefghi").unwrap(),
        req,
        None,
        &[],
        0,
    )
    .unwrap()
}

fn confidential_client() -> AppClient {
    let mut c = public_client();
    c.secret = Some(StoredSecret {
        digest: "d".into(),
        sealed: "s".into(),
    });
    c
}

fn params(pairs: &[(&str, &str)]) -> Params {
    Params::from_pairs(pairs.iter().map(|(k, v)| (*k, *v))).unwrap()
}

fn good() -> Vec<(&'static str, &'static str)> {
    vec![
        ("client_id", "x"),
        ("redirect_uri", "https://app.t1/cb"),
        ("response_type", "code"),
        ("scope", "openid email"),
        ("state", "s1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
}

fn with(overrides: &[(&str, &str)]) -> Params {
    let mut p: Vec<(&str, &str)> = good();
    for (k, v) in overrides {
        p.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            p.push((k, v));
        }
    }
    params(&p)
}

fn redirect_error(r: Result<AuthorizeRequest, AuthorizeError>) -> (ErrorCode, Option<String>) {
    match r {
        Err(AuthorizeError::Redirect(r)) => (r.error.code, r.state),
        other => panic!("expected a redirect error, got {other:?}"),
    }
}

#[test]
fn a_good_request_passes() {
    let req = validate(&params(&good()), Some(&public_client())).unwrap();
    assert_eq!(req.scopes, vec!["openid", "email"]);
    assert_eq!(req.code_challenge.as_deref(), Some(CHALLENGE));
    assert_eq!(req.state.as_deref(), Some("s1"));
    assert_eq!(req.response_type, ResponseType::Code);
}

#[test]
fn unknown_clients_and_redirect_uris_never_redirect() {
    assert!(matches!(
        validate(&params(&good()), None),
        Err(AuthorizeError::Page(_))
    ));
    for bad in [
        "https://evil.example/cb",
        "https://app.t1/cb/",
        "https://APP.t1/cb",
        "https://app.t1/CB",
        "https://app.t1/cb?foo=bar",
        "https://app.t1/cb2?x=2",
        "https://app.t1/cb2?x=1&y=2",
        "https://app.t1/cb/../evil",
        "https://app.t1/cb%2F..%2Fevil",
        "https://app.t1@evil.example/cb",
        "https://app.t1.evil.example/cb",
        "https://app.t1:8443/cb",
        "http://app.t1/cb",
        "https://app.t1/cb#x",
        "https://app.t1/cb;x",
        "",
    ] {
        let r = validate(&with(&[("redirect_uri", bad)]), Some(&public_client()));
        assert!(
            matches!(r, Err(AuthorizeError::Page(_))),
            "{bad:?} gave {r:?}"
        );
    }
    let ok = validate(
        &with(&[("redirect_uri", "https://app.t1/cb2?x=1")]),
        Some(&public_client()),
    );
    assert_eq!(ok.unwrap().redirect_uri, "https://app.t1/cb2?x=1");
}

#[test]
fn later_errors_redirect_with_state() {
    let c = public_client();
    let cases: &[(&[(&str, &str)], ErrorCode)] = &[
        (&[("response_type", "")], ErrorCode::InvalidRequest),
        (
            &[("response_type", "id_token token")],
            ErrorCode::UnsupportedResponseType,
        ),
        (
            &[("response_type", "code id_token")],
            ErrorCode::UnsupportedResponseType,
        ),
        (
            &[("response_type", "token")],
            ErrorCode::UnsupportedResponseType,
        ),
        (&[("scope", "openid bogus")], ErrorCode::InvalidScope),
        (&[("scope", "openid phone")], ErrorCode::InvalidScope),
        (&[("prompt", "bogus")], ErrorCode::InvalidRequest),
        (&[("prompt", "none login")], ErrorCode::InvalidRequest),
        (&[("max_age", "-1")], ErrorCode::InvalidRequest),
        (&[("max_age", "ten")], ErrorCode::InvalidRequest),
        (&[("request", "eyJ...")], ErrorCode::RequestNotSupported),
        (
            &[("request_uri", "https://x")],
            ErrorCode::RequestUriNotSupported,
        ),
        (&[("response_mode", "form_post")], ErrorCode::InvalidRequest),
        (&[("identity_provider", "Okta")], ErrorCode::InvalidRequest),
    ];
    for (overrides, code) in cases {
        let (got, state) = redirect_error(validate(&with(overrides), Some(&c)));
        assert_eq!(got, *code, "{overrides:?}");
        assert_eq!(state.as_deref(), Some("s1"));
    }
}

#[test]
fn pkce_rules() {
    let c = public_client();
    for overrides in [
        &[("code_challenge", ""), ("code_challenge_method", "")][..],
        &[("code_challenge_method", "plain")],
        &[("code_challenge_method", "S512")],
        &[("code_challenge_method", "")],
        &[("code_challenge", &CHALLENGE[..42])],
        &[(
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM",
        )],
        &[("code_challenge", "")],
    ] {
        let (code, _) = redirect_error(validate(&with(overrides), Some(&c)));
        assert_eq!(code, ErrorCode::InvalidRequest, "{overrides:?}");
    }
    // Confidential clients may leave PKCE out.
    let req = validate(
        &with(&[("code_challenge", ""), ("code_challenge_method", "")]),
        Some(&confidential_client()),
    )
    .unwrap();
    assert_eq!(req.code_challenge, None);
}

#[test]
fn no_scope_means_every_client_scope() {
    let req = validate(&with(&[("scope", "")]), Some(&public_client())).unwrap();
    assert_eq!(req.scopes, vec!["openid", "email", "profile"]);
    let req = validate(
        &with(&[("scope", "email openid email")]),
        Some(&public_client()),
    )
    .unwrap();
    assert_eq!(req.scopes, vec!["email", "openid"]);
}

#[test]
fn implicit_only_when_enabled() {
    let mut c = confidential_client();
    c.allowed_oauth_flows.push(OAuthFlow::Implicit);
    let (code, _) = redirect_error(validate(&with(&[("response_type", "token")]), Some(&c)));
    assert_eq!(code, ErrorCode::InvalidRequest, "nonce is required");
    let req = validate(
        &with(&[("response_type", "token"), ("nonce", "n")]),
        Some(&c),
    )
    .unwrap();
    assert_eq!(req.response_type, ResponseType::Token);
}

#[test]
fn sessions_prompt_and_max_age() {
    let mut req = validate(&params(&good()), Some(&public_client())).unwrap();
    let s = Some(SessionInfo { auth_time: 1000 });
    assert_eq!(next_step(&req, None, 1000), Next::Login);
    assert_eq!(next_step(&req, s, 5000), Next::Issue);
    req.prompt.login = true;
    assert_eq!(next_step(&req, s, 5000), Next::Login);
    req.prompt = Prompt {
        none: true,
        login: false,
    };
    assert_eq!(next_step(&req, None, 5000), Next::LoginRequired);
    assert_eq!(next_step(&req, s, 5000), Next::Issue);
    req.max_age = Some(10);
    assert_eq!(next_step(&req, s, 1010), Next::Issue);
    assert_eq!(next_step(&req, s, 1011), Next::LoginRequired);
    req.prompt = Prompt::default();
    assert_eq!(next_step(&req, s, 1011), Next::Login);
}

#[test]
fn oversized_state_and_nonce_are_refused_not_truncated() {
    let long = "s".repeat(5000);
    let (code, _) = redirect_error(validate(
        &with(&[("nonce", long.as_str())]),
        Some(&public_client()),
    ));
    assert_eq!(code, ErrorCode::InvalidRequest);
    let ok_state = "a&b#c%d✓".repeat(100);
    let req = validate(
        &with(&[("state", ok_state.as_str())]),
        Some(&public_client()),
    )
    .unwrap();
    assert_eq!(req.state.as_deref(), Some(ok_state.as_str()));
}
