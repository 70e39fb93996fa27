//! The claim checks of OIDC Core §3.1.3.7 on an upstream ID token whose signature was
//! already verified: issuer, audience, authorized party, lifetime, nonce, subject.

use serde_json::Value;
use std::fmt;

/// Clock difference tolerated between us and the upstream, in seconds.
pub const SKEW_SECS: i64 = 120;

/// No provider issues ID tokens for longer; a larger `exp` is a unit mistake (milliseconds)
/// or a forgery, not a token to keep for a year.
pub const MAX_LIFETIME_SECS: i64 = 366 * 86400;

/// What the token must match.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The upstream's issuer, compared exactly.
    pub issuer: &'a str,
    /// Our client id at the upstream.
    pub client_id: &'a str,
    /// The nonce we sent with the authorization request.
    pub nonce: &'a str,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdTokenError {
    Issuer,
    Audience,
    /// An audience besides ours: the token was also meant for someone we do not trust.
    UntrustedAudience,
    AuthorizedParty,
    Expired,
    IssuedInFuture,
    /// `nbf` beyond the tolerated skew (RFC 7519 §4.1.5), or not a number.
    NotYetValid,
    Nonce,
    Subject,
}

impl fmt::Display for IdTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdTokenError::Issuer => "the ID token's iss is not the provider's issuer",
            IdTokenError::Audience => "the ID token's aud does not contain our client id",
            IdTokenError::UntrustedAudience => "the ID token has an audience we do not trust",
            IdTokenError::AuthorizedParty => "the ID token's azp is not our client id",
            IdTokenError::Expired => "the ID token has expired, or its exp is missing or absurd",
            IdTokenError::IssuedInFuture => "the ID token's iat is missing or in the future",
            IdTokenError::NotYetValid => "the ID token's nbf is in the future",
            IdTokenError::Nonce => "the ID token's nonce does not match the request",
            IdTokenError::Subject => "the ID token has no usable sub",
        })
    }
}

/// Checks the claims; returns the subject.
pub fn check(claims: &Value, e: &Expected<'_>) -> Result<String, IdTokenError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let int = |name: &str| claims.get(name).and_then(Value::as_i64);
    if text("iss") != Some(e.issuer) {
        return Err(IdTokenError::Issuer);
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !audiences.contains(&e.client_id) {
        return Err(IdTokenError::Audience);
    }
    if audiences.iter().any(|a| *a != e.client_id) {
        return Err(IdTokenError::UntrustedAudience);
    }
    if let Some(azp) = claims.get("azp")
        && azp.as_str() != Some(e.client_id)
    {
        return Err(IdTokenError::AuthorizedParty);
    }
    if int("exp").is_none_or(|exp| exp + SKEW_SECS <= e.now || exp > e.now + MAX_LIFETIME_SECS) {
        return Err(IdTokenError::Expired);
    }
    if int("iat").is_none_or(|iat| iat > e.now + SKEW_SECS) {
        return Err(IdTokenError::IssuedInFuture);
    }
    if let Some(nbf) = claims.get("nbf")
        && nbf.as_i64().is_none_or(|nbf| nbf > e.now + SKEW_SECS)
    {
        return Err(IdTokenError::NotYetValid);
    }
    if text("nonce") != Some(e.nonce) {
        return Err(IdTokenError::Nonce);
    }
    match text("sub") {
        Some(s) if !s.is_empty() && s.len() <= 255 && !s.chars().any(char::is_control) => {
            Ok(s.to_owned())
        }
        _ => Err(IdTokenError::Subject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn good() -> Value {
        json!({"iss": "https://idp.test", "aud": "us", "exp": NOW + 300, "iat": NOW - 5,
               "nonce": "n-1", "sub": "alice-1"})
    }

    fn run(claims: &Value) -> Result<String, IdTokenError> {
        check(
            claims,
            &Expected {
                issuer: "https://idp.test",
                client_id: "us",
                nonce: "n-1",
                now: NOW,
            },
        )
    }

    fn with(key: &str, value: Value) -> Value {
        let mut c = good();
        c[key] = value;
        c
    }

    fn without(key: &str) -> Value {
        let mut c = good();
        c.as_object_mut().unwrap().remove(key);
        c
    }

    #[test]
    fn a_good_token_gives_its_subject() {
        assert_eq!(run(&good()).unwrap(), "alice-1");
        assert_eq!(run(&with("aud", json!(["us"]))).unwrap(), "alice-1");
        assert_eq!(run(&with("azp", json!("us"))).unwrap(), "alice-1");
        // Within the tolerated skew.
        assert!(run(&with("exp", json!(NOW - SKEW_SECS + 1))).is_ok());
        assert!(run(&with("iat", json!(NOW + SKEW_SECS))).is_ok());
        assert!(run(&with("nbf", json!(NOW + SKEW_SECS))).is_ok());
        assert!(run(&with("nbf", json!(NOW - 3600))).is_ok());
    }

    #[test]
    fn every_claim_is_checked() {
        use IdTokenError::*;
        let cases = [
            (with("iss", json!("https://idp.test/")), Issuer),
            (with("iss", json!("https://evil.test")), Issuer),
            (without("iss"), Issuer),
            (with("aud", json!("them")), Audience),
            (with("aud", json!(["them"])), Audience),
            (without("aud"), Audience),
            (with("aud", json!(["us", "them"])), UntrustedAudience),
            (with("azp", json!("them")), AuthorizedParty),
            (with("exp", json!(NOW - SKEW_SECS)), Expired),
            (without("exp"), Expired),
            (with("exp", json!("soon")), Expired),
            (with("exp", json!((NOW + 300) * 1000)), Expired),
            (with("iat", json!(NOW + SKEW_SECS + 1)), IssuedInFuture),
            (without("iat"), IssuedInFuture),
            (with("nbf", json!(NOW + 3600)), NotYetValid),
            (with("nbf", json!(NOW + SKEW_SECS + 1)), NotYetValid),
            (with("nbf", json!("later")), NotYetValid),
            (with("nonce", json!("n-2")), Nonce),
            (without("nonce"), Nonce),
            (with("sub", json!("")), Subject),
            (with("sub", json!(42)), Subject),
            (without("sub"), Subject),
        ];
        for (claims, expected) in cases {
            assert_eq!(run(&claims), Err(expected.clone()), "{claims}");
        }
    }
}
