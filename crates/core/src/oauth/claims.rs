//! Token claims shaped like Cognito's (ID token, access token) and the userinfo document.
//! Standard attributes are released by scope (OIDC Core §5.4): `email` gives `email` and
//! `email_verified`, `phone` the phone claims, `profile` the profile claims (and `address`,
//! which the `address` scope also gives); `custom:*`
//! attributes and federated users' `identities` come with `openid`.

use crate::clock::UnixTime;
use crate::oauth::scope;
use crate::user::User;
use serde_json::{Map, Value, json};

const PROFILE: &[&str] = &[
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
];

/// Everything a token describes that does not depend on which token it is.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub user: &'a User,
    /// Names of the user's groups, by precedence.
    pub groups: &'a [String],
    pub scopes: &'a [String],
    pub auth_time: UnixTime,
    /// The id of the original authentication: the revocation key of every token of it.
    pub origin_jti: &'a str,
}

/// Attribute claims the scopes release, typed as OIDC says (`*_verified` as booleans).
pub fn attribute_claims(user: &User, scopes: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let allowed = |name: &str| -> bool {
        match name {
            "email" | "email_verified" => scope::has(scopes, "email"),
            "phone_number" | "phone_number_verified" => scope::has(scopes, "phone"),
            // OIDC Core §5.4 gives `address` its own scope; Cognito gives it with `profile`.
            "address" => scope::has(scopes, "address") || scope::has(scopes, "profile"),
            n if n.starts_with("custom:") || n == "identities" => scope::has(scopes, "openid"),
            n => PROFILE.contains(&n) && scope::has(scopes, "profile"),
        }
    };
    for (name, value) in &user.attributes {
        if !allowed(name) {
            continue;
        }
        let v = match name.as_str() {
            "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
            // Federated users: the array Cognito puts in ID tokens.
            "identities" => crate::federation::provision::identities_claim(value),
            // OIDC Core §5.1.1: an object; the attribute is its `formatted` member, as Cognito
            // emits it.
            "address" => json!({"formatted": value}),
            "updated_at" => value
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| json!(value)),
            _ => json!(value),
        };
        out.insert(name.clone(), v);
    }
    if scope::has(scopes, "email")
        && out.contains_key("email")
        && !out.contains_key("email_verified")
    {
        out.insert("email_verified".into(), Value::Bool(false));
    }
    out
}

pub fn id_token(
    g: &Grant<'_>,
    now: UnixTime,
    ttl: u32,
    jti: &str,
    nonce: Option<&str>,
    at_hash: Option<&str>,
) -> Value {
    let mut c = attribute_claims(g.user, g.scopes);
    c.insert("sub".into(), json!(g.user.sub.to_string()));
    c.insert("iss".into(), json!(g.issuer));
    c.insert("aud".into(), json!(g.client_id));
    c.insert("token_use".into(), json!("id"));
    c.insert("auth_time".into(), json!(g.auth_time));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + i64::from(ttl)));
    c.insert("jti".into(), json!(jti));
    c.insert("origin_jti".into(), json!(g.origin_jti));
    c.insert("cognito:username".into(), json!(g.user.username));
    if !g.groups.is_empty() {
        c.insert("cognito:groups".into(), json!(g.groups));
    }
    if let Some(n) = nonce {
        c.insert("nonce".into(), json!(n));
    }
    if let Some(h) = at_hash {
        c.insert("at_hash".into(), json!(h));
    }
    Value::Object(c)
}

pub fn access_token(g: &Grant<'_>, now: UnixTime, ttl: u32, jti: &str) -> Value {
    let mut c = json!({
        "sub": g.user.sub.to_string(),
        "iss": g.issuer,
        "client_id": g.client_id,
        "token_use": "access",
        "scope": g.scopes.join(" "),
        "auth_time": g.auth_time,
        "iat": now,
        "exp": now + i64::from(ttl),
        "jti": jti,
        "origin_jti": g.origin_jti,
        "username": g.user.username,
        "version": 2,
    });
    if !g.groups.is_empty()
        && let Some(o) = c.as_object_mut()
    {
        o.insert("cognito:groups".into(), json!(g.groups));
    }
    c
}

/// An access token for a machine client (client_credentials): `sub` is the client id.
pub fn machine_access_token(
    issuer: &str,
    client_id: &str,
    scopes: &[String],
    now: UnixTime,
    ttl: u32,
    jti: &str,
) -> Value {
    json!({
        "sub": client_id,
        "iss": issuer,
        "client_id": client_id,
        "token_use": "access",
        "scope": scopes.join(" "),
        "auth_time": now,
        "iat": now,
        "exp": now + i64::from(ttl),
        "jti": jti,
        "origin_jti": jti,
        "version": 2,
    })
}

/// The userinfo response (OIDC Core §5.3.2): `sub`, `username` and the released attributes.
pub fn userinfo(user: &User, scopes: &[String]) -> Value {
    let mut c = attribute_claims(user, scopes);
    c.insert("sub".into(), json!(user.sub.to_string()));
    c.insert("username".into(), json!(user.username));
    Value::Object(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::{PoolSettings, UserPool};
    use crate::user::UserStatus;
    use std::collections::BTreeMap;

    fn user() -> User {
        let settings = PoolSettings {
            custom_attributes: vec![crate::schema::CustomAttribute::string("tier")],
            ..Default::default()
        };
        let pool = UserPool::new("local", "acme", settings, 0).unwrap();
        let attrs = BTreeMap::from([
            ("email".to_string(), "a@example.com".to_string()),
            ("email_verified".to_string(), "true".to_string()),
            ("name".to_string(), "Alice".to_string()),
            ("phone_number".to_string(), "+15555550101".to_string()),
            ("custom:tier".to_string(), "gold".to_string()),
        ]);
        User::new(&pool, "alice", attrs, UserStatus::Confirmed, 0).unwrap()
    }

    fn scopes(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn claims_follow_scopes() {
        let u = user();
        let only_openid = attribute_claims(&u, &scopes("openid"));
        assert_eq!(only_openid.keys().collect::<Vec<_>>(), vec!["custom:tier"]);
        let email = attribute_claims(&u, &scopes("openid email"));
        assert_eq!(email["email"], "a@example.com");
        assert_eq!(email["email_verified"], true);
        assert!(!email.contains_key("name"));
        assert!(!email.contains_key("phone_number"));
        let all = attribute_claims(&u, &scopes("openid email profile phone"));
        assert_eq!(all["name"], "Alice");
        assert_eq!(all["phone_number"], "+15555550101");
    }

    #[test]
    fn the_address_is_an_object_for_the_address_or_profile_scope() {
        let mut u = user();
        u.attributes
            .insert("address".into(), "1 Main St, Springfield".into());
        assert!(!attribute_claims(&u, &scopes("openid email")).contains_key("address"));
        for s in ["openid address", "openid profile"] {
            let c = attribute_claims(&u, &scopes(s));
            assert_eq!(
                c["address"],
                json!({"formatted": "1 Main St, Springfield"}),
                "{s}"
            );
        }
        assert!(!attribute_claims(&u, &scopes("openid address")).contains_key("name"));
    }

    #[test]
    fn unverified_email_is_said_so() {
        let mut u = user();
        u.attributes.remove("email_verified");
        let c = attribute_claims(&u, &scopes("openid email"));
        assert_eq!(c["email_verified"], false);
    }

    #[test]
    fn token_shapes_match_cognito() {
        let u = user();
        let groups = vec!["admins".to_string()];
        let s = scopes("openid email");
        let g = Grant {
            issuer: "http://x/local_a",
            client_id: "client1",
            user: &u,
            groups: &groups,
            scopes: &s,
            auth_time: 100,
            origin_jti: "o1",
        };
        let id = id_token(&g, 200, 3600, "j1", Some("n1"), Some("h"));
        assert_eq!(id["aud"], "client1");
        assert_eq!(id["token_use"], "id");
        assert_eq!(id["cognito:username"], "alice");
        assert_eq!(id["cognito:groups"], json!(["admins"]));
        assert_eq!(id["exp"], 3800);
        assert_eq!(id["nonce"], "n1");
        assert_eq!(id["at_hash"], "h");
        assert_eq!(id["origin_jti"], "o1");
        let at = access_token(&g, 200, 600, "j2");
        assert_eq!(at["token_use"], "access");
        assert_eq!(at["client_id"], "client1");
        assert_eq!(at["scope"], "openid email");
        assert_eq!(at["username"], "alice");
        assert!(at.get("aud").is_none());
        assert!(at.get("email").is_none());
        let none: Vec<String> = vec![];
        let g2 = Grant { groups: &none, ..g };
        assert!(
            id_token(&g2, 200, 60, "j", None, None)
                .get("cognito:groups")
                .is_none()
        );
        let m = machine_access_token("http://x/local_a", "m2m", &scopes("api/read"), 5, 60, "j3");
        assert_eq!(m["sub"], "m2m");
        assert_eq!(m["scope"], "api/read");
    }
}
