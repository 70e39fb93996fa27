//! PreTokenGeneration: the request a hook sees (the user's attributes, groups and scopes)
//! and the application of its answer to the claims about to be signed. V1_0 answers change
//! the ID token (and groups); V2_0/V3_0 answers change both tokens and the access token's
//! scopes. Claims the server owns cannot be added, changed or suppressed: an answer that
//! tries is refused whole, and no token is issued.

use super::{HookError, PreTokenVersion, Trigger};
use crate::Result;
use crate::claim_rules::RESERVED_CLAIMS;
use serde_json::{Map, Value, json};

/// Where tokens are being issued (the `TokenGeneration_*` trigger sources).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// The hosted pages and the authorization-code flow (federated sign-in included).
    HostedAuth,
    /// InitiateAuth / AdminInitiateAuth with a password or SRP.
    Authentication,
    /// RespondToAuthChallenge NEW_PASSWORD_REQUIRED.
    NewPasswordChallenge,
    RefreshTokens,
    /// client_credentials: only V3_0 hooks see these.
    ClientCredentials,
}

impl TokenSource {
    pub fn trigger_source(self) -> &'static str {
        match self {
            TokenSource::HostedAuth => "TokenGeneration_HostedAuth",
            TokenSource::Authentication => "TokenGeneration_Authentication",
            TokenSource::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            TokenSource::RefreshTokens => "TokenGeneration_RefreshTokens",
            TokenSource::ClientCredentials => "TokenGeneration_ClientCredentials",
        }
    }
}

/// Whether a hook of `version` is called for tokens from `source`.
pub fn fires(version: PreTokenVersion, source: TokenSource) -> bool {
    source != TokenSource::ClientCredentials || version == PreTokenVersion::V3_0
}

/// The event's `request`.
pub fn request(
    version: PreTokenVersion,
    attributes: &Map<String, Value>,
    groups: &[String],
    scopes: &[String],
) -> Value {
    let mut r = json!({
        "userAttributes": attributes,
        "groupConfiguration": {
            "groupsToOverride": groups,
            "iamRolesToOverride": [],
            "preferredRole": null,
        },
        "clientMetadata": {},
    });
    if version != PreTokenVersion::V1_0
        && let Some(o) = r.as_object_mut()
    {
        o.insert("scopes".into(), json!(scopes));
    }
    r
}

const T: Trigger = Trigger::PreTokenGeneration;

fn bad(why: impl Into<String>) -> crate::Error {
    HookError::invalid(T, why)
}

fn object<'a>(v: Option<&'a Value>, name: &str) -> Result<Option<&'a Map<String, Value>>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(bad(format!("{name} must be an object"))),
    }
}

fn names(v: Option<&Value>, name: &str) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad(format!("{name} must list strings")))
            })
            .collect(),
        Some(_) => Err(bad(format!("{name} must be a list"))),
    }
}

/// A claim the hook may not touch.
fn owned_by_server(name: &str) -> bool {
    RESERVED_CLAIMS.contains(&name) || name.starts_with("cognito:")
}

/// Applies one token's `claimsToAddOrOverride` and `claimsToSuppress`.
fn change(
    claims: &mut Map<String, Value>,
    spec: &Map<String, Value>,
    strings_only: bool,
    what: &str,
) -> Result<()> {
    if let Some(add) = object(spec.get("claimsToAddOrOverride"), "claimsToAddOrOverride")? {
        for (k, v) in add {
            if owned_by_server(k) {
                return Err(bad(format!("{what}: the claim {k} cannot be changed")));
            }
            if strings_only && !v.is_string() {
                return Err(bad(format!(
                    "{what}: V1_0 claim values are strings ({k} is not)"
                )));
            }
            claims.insert(k.clone(), v.clone());
        }
    }
    for k in names(spec.get("claimsToSuppress"), "claimsToSuppress")? {
        if owned_by_server(&k) {
            return Err(bad(format!("{what}: the claim {k} cannot be suppressed")));
        }
        claims.remove(&k);
    }
    Ok(())
}

/// `groupOverrideDetails.groupsToOverride` replaces `cognito:groups` in both tokens.
fn groups(
    details: &Map<String, Value>,
    id: &mut Option<&mut Map<String, Value>>,
    access: &mut Map<String, Value>,
) -> Result<()> {
    let Some(g) = object(details.get("groupOverrideDetails"), "groupOverrideDetails")? else {
        return Ok(());
    };
    if g.get("groupsToOverride").is_none_or(Value::is_null) {
        return Ok(());
    }
    let list = names(g.get("groupsToOverride"), "groupsToOverride")?;
    for claims in id.iter_mut().map(|c| &mut **c).chain([&mut *access]) {
        if list.is_empty() {
            claims.remove("cognito:groups");
        } else {
            claims.insert("cognito:groups".into(), json!(list));
        }
    }
    Ok(())
}

/// `scopesToAdd` and `scopesToSuppress` on the access token's `scope`.
fn scopes(spec: &Map<String, Value>, access: &mut Map<String, Value>) -> Result<()> {
    let add = names(spec.get("scopesToAdd"), "scopesToAdd")?;
    let suppress = names(spec.get("scopesToSuppress"), "scopesToSuppress")?;
    if add.is_empty() && suppress.is_empty() {
        return Ok(());
    }
    if let Some(s) = add.iter().find(|s| {
        s.is_empty() || s.contains(char::is_whitespace) || *s == "aws.cognito.signin.user.admin"
    }) {
        return Err(bad(format!("scopesToAdd: {s:?} cannot be added")));
    }
    let mut now: Vec<String> = access
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    for s in add {
        if !now.contains(&s) {
            now.push(s);
        }
    }
    now.retain(|s| !suppress.contains(s));
    access.insert("scope".into(), json!(now.join(" ")));
    Ok(())
}

/// Applies the hook's `response` to the claims: `id` is absent when no ID token is issued.
pub fn apply(
    version: PreTokenVersion,
    response: &Map<String, Value>,
    mut id: Option<&mut Map<String, Value>>,
    access: &mut Map<String, Value>,
) -> Result<()> {
    if version == PreTokenVersion::V1_0 {
        let Some(d) = object(
            response.get("claimsOverrideDetails"),
            "claimsOverrideDetails",
        )?
        else {
            return Ok(());
        };
        if let Some(c) = id.as_deref_mut() {
            change(c, d, true, "ID token")?;
        }
        return groups(d, &mut id, access);
    }
    let Some(d) = object(
        response.get("claimsAndScopeOverrideDetails"),
        "claimsAndScopeOverrideDetails",
    )?
    else {
        return Ok(());
    };
    if let Some(spec) = object(d.get("idTokenGeneration"), "idTokenGeneration")?
        && let Some(c) = id.as_deref_mut()
    {
        change(c, spec, false, "ID token")?;
    }
    if let Some(spec) = object(d.get("accessTokenGeneration"), "accessTokenGeneration")? {
        change(access, spec, false, "access token")?;
        scopes(spec, access)?;
    }
    groups(d, &mut id, access)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn v2_changes_both_tokens_and_scopes() {
        let mut id = obj(json!({"sub": "s", "email": "a@x.example"}));
        let mut access = obj(json!({"sub": "s", "scope": "openid profile"}));
        let answer = obj(json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": {"id": 7}},
                                  "claimsToSuppress": ["email"]},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold"},
                                      "scopesToAdd": ["api/read"],
                                      "scopesToSuppress": ["profile"]},
            "groupOverrideDetails": {"groupsToOverride": ["ops"]}}}));
        apply(PreTokenVersion::V2_0, &answer, Some(&mut id), &mut access).unwrap();
        assert_eq!(id["tenant"]["id"], 7);
        assert!(!id.contains_key("email"));
        assert_eq!(access["plan"], "gold");
        assert_eq!(access["scope"], "openid api/read");
        assert_eq!(id["cognito:groups"], json!(["ops"]));
        assert_eq!(access["cognito:groups"], json!(["ops"]));
    }

    #[test]
    fn v1_changes_the_id_token_only_with_strings() {
        let mut id = obj(json!({"sub": "s"}));
        let mut access = obj(json!({"sub": "s"}));
        let answer = obj(json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tier": "gold"}}}));
        apply(PreTokenVersion::V1_0, &answer, Some(&mut id), &mut access).unwrap();
        assert_eq!(id["tier"], "gold");
        assert!(!access.contains_key("tier"));
        let number = obj(json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"n": 1}}}));
        assert!(apply(PreTokenVersion::V1_0, &number, Some(&mut id), &mut access).is_err());
    }

    #[test]
    fn server_claims_cannot_be_touched() {
        for answer in [
            json!({"claimsAndScopeOverrideDetails": {"idTokenGeneration": {
                "claimsToAddOrOverride": {"sub": "someone-else"}}}}),
            json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {
                "claimsToSuppress": ["exp"]}}}),
            json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {
                "scopesToAdd": ["aws.cognito.signin.user.admin"]}}}),
        ] {
            let mut id = obj(json!({"sub": "s"}));
            let mut access = obj(json!({"sub": "s", "scope": "openid"}));
            let r = apply(
                PreTokenVersion::V2_0,
                &obj(answer),
                Some(&mut id),
                &mut access,
            );
            assert!(r.is_err());
            assert_eq!(id["sub"], "s");
        }
    }

    #[test]
    fn machine_tokens_reach_v3_hooks_only() {
        assert!(!fires(
            PreTokenVersion::V2_0,
            TokenSource::ClientCredentials
        ));
        assert!(fires(PreTokenVersion::V3_0, TokenSource::ClientCredentials));
        assert!(fires(PreTokenVersion::V1_0, TokenSource::RefreshTokens));
    }
}
