//! Upstream identity providers of a pool (Cognito's CreateIdentityProvider): type, provider
//! details, attribute mapping and the identifiers (typically email domains) that route
//! users to them. Stored and validated here; the federation connectors use them.

use crate::clock::UnixTime;
use crate::ids::PoolId;
use crate::user::STANDARD_ATTRIBUTES;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderType {
    #[serde(rename = "SAML")]
    Saml,
    #[serde(rename = "OIDC")]
    Oidc,
    Google,
    Facebook,
    LoginWithAmazon,
    SignInWithApple,
}

impl ProviderType {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "SAML" => ProviderType::Saml,
            "OIDC" => ProviderType::Oidc,
            "Google" => ProviderType::Google,
            "Facebook" => ProviderType::Facebook,
            "LoginWithAmazon" => ProviderType::LoginWithAmazon,
            "SignInWithApple" => ProviderType::SignInWithApple,
            other => return Err(Error::invalid(format!("unknown provider type {other:?}"))),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderType::Saml => "SAML",
            ProviderType::Oidc => "OIDC",
            ProviderType::Google => "Google",
            ProviderType::Facebook => "Facebook",
            ProviderType::LoginWithAmazon => "LoginWithAmazon",
            ProviderType::SignInWithApple => "SignInWithApple",
        }
    }
    /// The detail that is a secret, sealed at rest.
    pub fn secret_key(self) -> Option<&'static str> {
        match self {
            ProviderType::SignInWithApple => Some("private_key"),
            ProviderType::Saml => None,
            _ => Some("client_secret"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    pub pool_id: PoolId,
    pub name: String,
    pub provider_type: ProviderType,
    /// Provider details without the secret.
    pub details: BTreeMap<String, String>,
    /// The secret detail (client secret, Apple private key), sealed with the master key.
    pub secret_sealed: Option<String>,
    /// Pool attribute → provider claim or SAML attribute.
    pub attribute_mapping: BTreeMap<String, String>,
    pub identifiers: Vec<String>,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

fn url_ok(v: &str) -> bool {
    crate::client::check_redirect_url(v).is_ok()
        && (v.starts_with("https://") || v.starts_with("http://"))
}

impl IdentityProvider {
    /// Whether a yes/no provider detail (`IDPInit`, `IDPSignout`, `EncryptedResponses`, ...)
    /// is set to `true`.
    pub fn detail_is_true(&self, key: &str) -> bool {
        self.details.get(key).map(String::as_str) == Some("true")
    }

    /// Cognito's rules. `secret` is the secret detail in clear, if any, checked for presence.
    pub fn validate(&self, secret: Option<&str>) -> Result<()> {
        let n = &self.name;
        if n.is_empty()
            || n.chars().count() > 32
            || n.starts_with('_')
            || n.chars().any(char::is_whitespace)
        {
            return Err(Error::invalid(
                "provider name must be 1-32 characters, no spaces, not starting with _",
            ));
        }
        if crate::client::SignInSource::of(n) == crate::client::SignInSource::Directory {
            return Err(Error::invalid(format!(
                "{n} is reserved for the pool's own directory"
            )));
        }
        let d = &self.details;
        let need = |keys: &[&str]| -> Result<()> {
            for k in keys {
                if d.get(*k).is_none_or(|v| v.is_empty()) {
                    return Err(Error::invalid(format!(
                        "ProviderDetails.{k} is required for {}",
                        self.provider_type.as_str()
                    )));
                }
            }
            Ok(())
        };
        if let Some(list) = d.get("link_email_domains") {
            for domain in list.split([',', ' ']).filter(|x| !x.is_empty()) {
                crate::pool::check_domain(domain).map_err(|_| {
                    Error::invalid(format!(
                        "link_email_domains: {domain:?} is not a domain name"
                    ))
                })?;
            }
        }
        match self.provider_type {
            ProviderType::Oidc => {
                need(&[
                    "client_id",
                    "authorize_scopes",
                    "oidc_issuer",
                    "attributes_request_method",
                ])?;
                if !matches!(
                    d.get("attributes_request_method").map(String::as_str),
                    Some("GET" | "POST")
                ) {
                    return Err(Error::invalid(
                        "attributes_request_method must be GET or POST",
                    ));
                }
                if d.get("token_endpoint_auth_method").is_some_and(|m| {
                    !matches!(
                        m.as_str(),
                        "client_secret_basic" | "client_secret_post" | "none"
                    )
                }) {
                    return Err(Error::invalid(
                        "token_endpoint_auth_method must be client_secret_basic, client_secret_post or none",
                    ));
                }
                for flag in ["link_verified_email", "own_callback"] {
                    if d.get(flag).is_some_and(|v| v != "true" && v != "false") {
                        return Err(Error::invalid(format!("{flag} must be true or false")));
                    }
                }
                let endpoints = ["authorize_url", "token_url", "attributes_url", "jwks_uri"];
                let given = endpoints.iter().filter(|k| d.contains_key(**k)).count();
                if given != 0 && given != endpoints.len() {
                    return Err(Error::invalid(
                        "give all of authorize_url, token_url, attributes_url and jwks_uri, or none",
                    ));
                }
                for k in ["oidc_issuer"].iter().chain(endpoints.iter()) {
                    if let Some(v) = d.get(*k)
                        && !url_ok(v)
                    {
                        return Err(Error::invalid(format!(
                            "ProviderDetails.{k} must be an https URL"
                        )));
                    }
                }
            }
            ProviderType::Saml => {
                let url = d.get("MetadataURL").filter(|v| !v.is_empty());
                let file = d.get("MetadataFile").filter(|v| !v.is_empty());
                match (url, file) {
                    (Some(u), None) if url_ok(u) => {}
                    (None, Some(f)) if f.len() <= 131_072 && f.contains("EntityDescriptor") => {}
                    _ => {
                        return Err(Error::invalid(
                            "give exactly one of MetadataURL (an https URL) or MetadataFile (SAML metadata XML)",
                        ));
                    }
                }
                for k in ["IDPSignout", "IDPInit", "EncryptedResponses"] {
                    if d.get(k).is_some_and(|v| v != "true" && v != "false") {
                        return Err(Error::invalid(format!(
                            "ProviderDetails.{k} must be true or false"
                        )));
                    }
                }
                if d.get("RequestSigningAlgorithm")
                    .is_some_and(|v| v != "rsa-sha256")
                {
                    return Err(Error::invalid("RequestSigningAlgorithm must be rsa-sha256"));
                }
            }
            ProviderType::SignInWithApple => {
                need(&["client_id", "team_id", "key_id", "authorize_scopes"])?
            }
            _ => need(&["client_id", "authorize_scopes"])?,
        }
        if self.provider_type.secret_key().is_some()
            && self.provider_type != ProviderType::Oidc
            && secret.is_none_or(str::is_empty)
        {
            return Err(Error::invalid(format!(
                "ProviderDetails.{} is required",
                self.provider_type.secret_key().unwrap_or_default()
            )));
        }
        for attr in self.attribute_mapping.keys() {
            let ok = attr == "username"
                || STANDARD_ATTRIBUTES.contains(&attr.as_str())
                || attr
                    .strip_prefix("custom:")
                    .is_some_and(|c| !c.is_empty() && c.len() <= 20);
            if !ok {
                return Err(Error::invalid(format!(
                    "AttributeMapping: unknown pool attribute {attr:?}"
                )));
            }
        }
        if self.identifiers.len() > 50 {
            return Err(Error::invalid("at most 50 IdpIdentifiers"));
        }
        for id in &self.identifiers {
            if id.is_empty() || id.chars().count() > 40 || id.chars().any(char::is_whitespace) {
                return Err(Error::invalid(format!("invalid IdpIdentifier {id:?}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idp(t: ProviderType, details: &[(&str, &str)]) -> IdentityProvider {
        IdentityProvider {
            pool_id: PoolId::parse("local_aaaaaaaaa").unwrap(),
            name: "Okta".into(),
            provider_type: t,
            details: details
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            secret_sealed: None,
            attribute_mapping: BTreeMap::from([("email".into(), "email".into())]),
            identifiers: vec!["acme.com".into()],
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn oidc_rules() {
        let ok = [
            ("client_id", "c"),
            ("authorize_scopes", "openid email"),
            ("oidc_issuer", "https://acme.okta.com"),
            ("attributes_request_method", "GET"),
        ];
        assert!(idp(ProviderType::Oidc, &ok).validate(Some("s")).is_ok());
        assert!(idp(ProviderType::Oidc, &ok[..3]).validate(None).is_err());
        let mut bad = ok.to_vec();
        bad.push(("token_url", "https://acme/token"));
        assert!(
            idp(ProviderType::Oidc, &bad).validate(None).is_err(),
            "partial endpoint set"
        );
        let mut bad = ok.to_vec();
        bad[2] = ("oidc_issuer", "http://acme.example");
        assert!(
            idp(ProviderType::Oidc, &bad).validate(None).is_err(),
            "http issuer"
        );
        let mut p = idp(ProviderType::Oidc, &ok);
        p.attribute_mapping.insert("shoe_size".into(), "x".into());
        assert!(p.validate(None).is_err());
        p.name = "COGNITO".into();
        assert!(p.validate(None).is_err());
    }

    #[test]
    fn saml_and_social_rules() {
        assert!(
            idp(
                ProviderType::Saml,
                &[("MetadataURL", "https://idp/metadata")]
            )
            .validate(None)
            .is_ok()
        );
        assert!(
            idp(
                ProviderType::Saml,
                &[("MetadataFile", "<md:EntityDescriptor/>")]
            )
            .validate(None)
            .is_ok()
        );
        assert!(idp(ProviderType::Saml, &[]).validate(None).is_err());
        assert!(
            idp(
                ProviderType::Saml,
                &[
                    ("MetadataURL", "https://x"),
                    ("MetadataFile", "<EntityDescriptor/>")
                ]
            )
            .validate(None)
            .is_err()
        );
        assert!(
            idp(
                ProviderType::Saml,
                &[("MetadataURL", "https://x"), ("IDPSignout", "yes")]
            )
            .validate(None)
            .is_err()
        );
        let g = [("client_id", "c"), ("authorize_scopes", "email")];
        assert!(idp(ProviderType::Google, &g).validate(Some("s")).is_ok());
        assert!(idp(ProviderType::Google, &g).validate(None).is_err());
    }
}
