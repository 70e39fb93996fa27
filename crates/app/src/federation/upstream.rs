//! An upstream provider's endpoints (from OIDC discovery, or given explicitly) and signing
//! keys, cached per provider. Keys are fetched again when a token names a `kid` we do not
//! have (the provider rotated), at most once per `KEY_REFRESH_GAP`.

use super::FedError;
use crate::App;
use portcullis_core::idp::IdentityProvider;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const METADATA_TTL: Duration = Duration::from_secs(3600);
const KEY_REFRESH_GAP: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub issuer: String,
    pub authorize: String,
    pub token: String,
    pub userinfo: Option<String>,
    pub jwks_uri: String,
    pub end_session: Option<String>,
    /// RFC 9207: the provider puts `iss` on its authorization responses.
    pub iss_parameter: bool,
}

struct Entry {
    endpoints: Endpoints,
    fetched: Instant,
    keys: Option<Vec<Value>>,
    /// When the keys were last fetched again because a token named an unknown `kid`.
    refetched_for_miss: Option<Instant>,
}

#[derive(Default)]
pub struct UpstreamCache(Mutex<HashMap<String, Entry>>);

/// Cached upstream data is keyed by provider version: an update starts afresh.
pub fn cache_key(idp: &IdentityProvider) -> String {
    format!("{}/{}/{}", idp.pool_id, idp.name, idp.updated_at)
}

fn url_field(doc: &Value, name: &str) -> Result<Option<String>, FedError> {
    match doc.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(u)) if u.starts_with("https://") || u.starts_with("http://") => {
            Ok(Some(u.clone()))
        }
        Some(_) => Err(FedError::Unavailable(format!(
            "discovery document has an invalid {name}"
        ))),
    }
}

fn lock_err<T>(_: T) -> FedError {
    FedError::Internal("upstream cache lock poisoned".into())
}

impl App {
    /// The provider's endpoints: explicit ones from its details, else OIDC discovery, whose
    /// `issuer` must equal the configured one exactly.
    pub async fn upstream_endpoints(&self, idp: &IdentityProvider) -> Result<Endpoints, FedError> {
        let key = cache_key(idp);
        if let Some(e) = self.upstream.0.lock().map_err(lock_err)?.get(&key)
            && e.fetched.elapsed() < METADATA_TTL
        {
            return Ok(e.endpoints.clone());
        }
        let cfg = idp
            .oidc()
            .ok_or_else(|| FedError::Internal("not an OIDC provider".into()))?;
        let issuer = cfg.issuer.clone();
        let endpoints = if let Some(given) = &cfg.endpoints {
            Endpoints {
                issuer,
                authorize: given.authorize.clone(),
                token: given.token.clone(),
                userinfo: Some(given.userinfo.clone()),
                jwks_uri: given.jwks_uri.clone(),
                end_session: None,
                iss_parameter: false,
            }
        } else {
            let url = format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            );
            let doc = self.fetcher.get_json(&url, None).await?;
            if doc.get("issuer").and_then(Value::as_str) != Some(issuer.as_str()) {
                return Err(FedError::Invalid(
                    "the discovery document names another issuer".into(),
                ));
            }
            let need = |name: &str| {
                url_field(&doc, name)?.ok_or_else(|| {
                    FedError::Unavailable(format!("discovery document has no {name}"))
                })
            };
            Endpoints {
                authorize: need("authorization_endpoint")?,
                token: need("token_endpoint")?,
                jwks_uri: need("jwks_uri")?,
                userinfo: url_field(&doc, "userinfo_endpoint")?,
                end_session: url_field(&doc, "end_session_endpoint")?,
                iss_parameter: doc
                    .get("authorization_response_iss_parameter_supported")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                issuer,
            }
        };
        self.upstream.0.lock().map_err(lock_err)?.insert(
            key,
            Entry {
                endpoints: endpoints.clone(),
                fetched: Instant::now(),
                keys: None,
                refetched_for_miss: None,
            },
        );
        Ok(endpoints)
    }

    /// The provider's RSA signing key for `kid` (or its only one when the token names none).
    pub async fn upstream_key(
        &self,
        idp: &IdentityProvider,
        endpoints: &Endpoints,
        kid: Option<&str>,
    ) -> Result<Value, FedError> {
        let key = cache_key(idp);
        let (cached, last_miss) = {
            let map = self.upstream.0.lock().map_err(lock_err)?;
            map.get(&key)
                .map(|e| (e.keys.clone(), e.refetched_for_miss))
                .unwrap_or_default()
        };
        if let Some(keys) = &cached
            && let Some(k) = pick(keys, kid)
        {
            return Ok(k);
        }
        // Keys we have but no match: the provider may have rotated. Ask again, but not more
        // than once per gap, whatever tokens people bring.
        let is_miss = cached.is_some();
        if is_miss && last_miss.is_some_and(|at| at.elapsed() < KEY_REFRESH_GAP) {
            return Err(FedError::Invalid(
                "the token's signing key is not among the provider's keys".into(),
            ));
        }
        let doc = self.fetcher.get_json(&endpoints.jwks_uri, None).await?;
        let keys: Vec<Value> = doc
            .get("keys")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| FedError::Unavailable("the key set has no keys".into()))?;
        if let Some(e) = self.upstream.0.lock().map_err(lock_err)?.get_mut(&key) {
            e.keys = Some(keys.clone());
            if is_miss {
                e.refetched_for_miss = Some(Instant::now());
            }
        }
        pick(&keys, kid).ok_or_else(|| {
            FedError::Invalid("the token's signing key is not among the provider's keys".into())
        })
    }
}

/// RSA signature keys only; by `kid`, or the single one when there is no `kid`.
fn pick(keys: &[Value], kid: Option<&str>) -> Option<Value> {
    let usable: Vec<&Value> = keys
        .iter()
        .filter(|k| k.get("kty").and_then(Value::as_str) == Some("RSA"))
        .filter(|k| {
            k.get("use")
                .and_then(Value::as_str)
                .is_none_or(|u| u == "sig")
        })
        .collect();
    match kid {
        Some(kid) => usable
            .into_iter()
            .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid))
            .cloned(),
        None if usable.len() == 1 => usable.first().map(|k| (*k).clone()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::pick;
    use serde_json::json;

    #[test]
    fn keys_are_picked_by_kid_and_type() {
        let keys = [
            json!({"kty": "RSA", "kid": "a", "use": "sig", "n": "x", "e": "AQAB"}),
            json!({"kty": "RSA", "kid": "b", "use": "enc", "n": "x", "e": "AQAB"}),
            json!({"kty": "EC", "kid": "c"}),
        ];
        assert_eq!(pick(&keys, Some("a")).unwrap()["kid"], "a");
        assert!(
            pick(&keys, Some("b")).is_none(),
            "encryption keys do not verify"
        );
        assert!(pick(&keys, Some("c")).is_none());
        assert!(pick(&keys, Some("z")).is_none());
        assert_eq!(
            pick(&keys, None).unwrap()["kid"],
            "a",
            "the only signing key"
        );
        assert!(pick(&[keys[0].clone(), keys[0].clone()], None).is_none());
    }
}
