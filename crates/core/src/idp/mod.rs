//! Upstream identity providers of a pool (Cognito's CreateIdentityProvider): type, provider
//! details, attribute mapping and the identifiers (typically email domains) that route
//! users to them. Stored and validated here; the federation connectors use them. The
//! details are typed (`details.rs`); the string map exists only on the wire and in storage.

use crate::clock::UnixTime;
use crate::ids::PoolId;
use crate::user::STANDARD_ATTRIBUTES;
use crate::{Error, Result};
pub use details::{
    AppleConfig, EmailLinking, OidcConfig, OidcEndpoints, ProviderConfig, ProviderDetails,
    SamlConfig, SamlMetadataSource, SocialConfig, TokenAuth, UserinfoMethod,
};

mod details;
mod parse;
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
#[serde(try_from = "IdpRecord", into = "IdpRecord")]
pub struct IdentityProvider {
    pub pool_id: PoolId,
    pub name: String,
    /// What kind of provider and how to reach it, without the secret.
    pub details: ProviderDetails,
    /// The secret detail (client secret, Apple private key), sealed with the master key.
    pub secret_sealed: Option<String>,
    /// Pool attribute → provider claim or SAML attribute.
    pub attribute_mapping: BTreeMap<String, String>,
    pub identifiers: Vec<String>,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

/// The stored form: Cognito's type and string map, so what is stored reads as what was given.
#[derive(Serialize, Deserialize)]
struct IdpRecord {
    pool_id: PoolId,
    name: String,
    provider_type: ProviderType,
    details: BTreeMap<String, String>,
    secret_sealed: Option<String>,
    attribute_mapping: BTreeMap<String, String>,
    identifiers: Vec<String>,
    created_at: UnixTime,
    updated_at: UnixTime,
}

impl TryFrom<IdpRecord> for IdentityProvider {
    type Error = Error;
    fn try_from(r: IdpRecord) -> Result<Self> {
        Ok(IdentityProvider {
            details: ProviderDetails::parse(r.provider_type, &r.details)?,
            pool_id: r.pool_id,
            name: r.name,
            secret_sealed: r.secret_sealed,
            attribute_mapping: r.attribute_mapping,
            identifiers: r.identifiers,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl From<IdentityProvider> for IdpRecord {
    fn from(p: IdentityProvider) -> Self {
        IdpRecord {
            provider_type: p.provider_type(),
            details: p.details.to_map(),
            pool_id: p.pool_id,
            name: p.name,
            secret_sealed: p.secret_sealed,
            attribute_mapping: p.attribute_mapping,
            identifiers: p.identifiers,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

impl IdentityProvider {
    pub fn provider_type(&self) -> ProviderType {
        self.details.kind()
    }

    pub fn oidc(&self) -> Option<&OidcConfig> {
        match &self.details.config {
            ProviderConfig::Oidc(o) => Some(o),
            _ => None,
        }
    }

    pub fn saml(&self) -> Option<&SamlConfig> {
        match &self.details.config {
            ProviderConfig::Saml(s) => Some(s),
            _ => None,
        }
    }

    /// The OAuth client id we have at the provider (SAML providers have none).
    pub fn client_id(&self) -> Option<&str> {
        match &self.details.config {
            ProviderConfig::Oidc(o) => Some(&o.client_id),
            ProviderConfig::Saml(_) => None,
            ProviderConfig::Google(s)
            | ProviderConfig::Facebook(s)
            | ProviderConfig::LoginWithAmazon(s) => Some(&s.client_id),
            ProviderConfig::SignInWithApple(a) => Some(&a.client_id),
        }
    }

    /// The provider answers at its own callback path (`own_callback`).
    pub fn own_callback(&self) -> bool {
        self.oidc().is_some_and(|o| o.own_callback)
    }

    /// Cognito's rules for what the details do not cover. `secret` is the secret detail in
    /// clear, if any, checked for presence.
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
        let kind = self.provider_type();
        if let Some(key) = kind.secret_key()
            && kind != ProviderType::Oidc
            && secret.is_none_or(str::is_empty)
        {
            return Err(Error::invalid(format!("ProviderDetails.{key} is required")));
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

    fn parse(t: ProviderType, details: &[(&str, &str)]) -> Result<ProviderDetails> {
        let map = details
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        ProviderDetails::parse(t, &map)
    }

    fn idp(t: ProviderType, details: &[(&str, &str)]) -> IdentityProvider {
        IdentityProvider {
            pool_id: PoolId::parse("local_aaaaaaaaa").unwrap(),
            name: "Okta".into(),
            details: parse(t, details).unwrap(),
            secret_sealed: None,
            attribute_mapping: BTreeMap::from([("email".into(), "email".into())]),
            identifiers: vec!["acme.com".into()],
            created_at: 0,
            updated_at: 0,
        }
    }

    const OIDC: [(&str, &str); 4] = [
        ("client_id", "c"),
        ("authorize_scopes", "openid email"),
        ("oidc_issuer", "https://acme.okta.com"),
        ("attributes_request_method", "GET"),
    ];

    #[test]
    fn oidc_rules() {
        let p = parse(ProviderType::Oidc, &OIDC).unwrap();
        let ProviderConfig::Oidc(o) = &p.config else {
            panic!("{p:?}")
        };
        assert_eq!(o.issuer, "https://acme.okta.com");
        assert_eq!(o.userinfo_method, UserinfoMethod::Get);
        assert_eq!(o.endpoints, None);
        assert!(parse(ProviderType::Oidc, &OIDC[..3]).is_err());
        let with = |extra: (&'static str, &'static str)| {
            let mut d = OIDC.to_vec();
            d.retain(|(k, _)| *k != extra.0);
            d.push(extra);
            parse(ProviderType::Oidc, &d)
        };
        assert!(
            with(("token_url", "https://acme/token")).is_err(),
            "partial endpoint set"
        );
        assert!(
            with(("oidc_issuer", "http://acme.example")).is_err(),
            "http issuer"
        );
        assert!(with(("attributes_request_method", "PUT")).is_err());
        assert!(with(("own_callback", "yes")).is_err());
        assert!(with(("token_endpoint_auth_method", "private_key_jwt")).is_err());
        let err = with(("client_secert", "s")).unwrap_err();
        assert!(err.to_string().contains("client_secert"), "{err}");
        let mut p = idp(ProviderType::Oidc, &OIDC);
        assert!(p.validate(None).is_ok(), "OIDC secrets are optional");
        p.attribute_mapping.insert("shoe_size".into(), "x".into());
        assert!(p.validate(None).is_err());
        p.attribute_mapping.remove("shoe_size");
        p.name = "COGNITO".into();
        assert!(p.validate(None).is_err());
    }

    #[test]
    fn saml_and_social_rules() {
        let url = parse(
            ProviderType::Saml,
            &[("MetadataURL", "https://idp/metadata"), ("IDPInit", "true")],
        )
        .unwrap();
        let ProviderConfig::Saml(s) = &url.config else {
            panic!("{url:?}")
        };
        assert!(s.idp_initiated && !s.signout && !s.sign_requests);
        assert!(
            parse(
                ProviderType::Saml,
                &[("MetadataFile", "<md:EntityDescriptor/>")]
            )
            .is_ok()
        );
        assert!(parse(ProviderType::Saml, &[]).is_err());
        assert!(
            parse(
                ProviderType::Saml,
                &[
                    ("MetadataURL", "https://x"),
                    ("MetadataFile", "<EntityDescriptor/>")
                ]
            )
            .is_err()
        );
        assert!(
            parse(
                ProviderType::Saml,
                &[("MetadataURL", "https://x"), ("IDPSignout", "yes")]
            )
            .is_err()
        );
        assert!(
            parse(
                ProviderType::Saml,
                &[("MetadataURL", "https://x"), ("client_id", "c")]
            )
            .is_err(),
            "an OIDC detail on a SAML provider"
        );
        let g = [("client_id", "c"), ("authorize_scopes", "email")];
        assert!(idp(ProviderType::Google, &g).validate(Some("s")).is_ok());
        assert!(idp(ProviderType::Google, &g).validate(None).is_err());
        assert!(
            parse(ProviderType::SignInWithApple, &g).is_err(),
            "no team_id"
        );
    }

    #[test]
    fn the_map_read_back_is_the_map_given() {
        let given: [&[(&str, &str)]; 4] = [
            &[
                ("client_id", "c"),
                ("authorize_scopes", "openid"),
                ("oidc_issuer", "https://up.example"),
                ("attributes_request_method", "POST"),
                ("token_endpoint_auth_method", "client_secret_post"),
                ("authorize_url", "https://up.example/a"),
                ("token_url", "https://up.example/t"),
                ("attributes_url", "https://up.example/u"),
                ("jwks_uri", "https://up.example/j"),
                ("own_callback", "true"),
                ("link_verified_email", "true"),
                ("link_email_domains", "acme.com,acme.org"),
            ],
            &[
                ("MetadataURL", "https://idp/md"),
                ("IDPSignout", "true"),
                ("EncryptedResponses", "true"),
                ("RequestSigningAlgorithm", "rsa-sha256"),
            ],
            &[
                ("client_id", "c"),
                ("authorize_scopes", "email"),
                ("api_version", "v17.0"),
            ],
            &[
                ("client_id", "c"),
                ("authorize_scopes", "email"),
                ("team_id", "T"),
                ("key_id", "K"),
            ],
        ];
        let kinds = [
            ProviderType::Oidc,
            ProviderType::Saml,
            ProviderType::Facebook,
            ProviderType::SignInWithApple,
        ];
        for (kind, d) in kinds.into_iter().zip(given) {
            let map: BTreeMap<String, String> =
                d.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
            let parsed = ProviderDetails::parse(kind, &map).unwrap();
            assert_eq!(parsed.kind(), kind);
            assert_eq!(parsed.to_map(), map, "{kind:?}");
        }
    }

    #[test]
    fn a_stored_provider_reads_back_typed() {
        let p = idp(ProviderType::Oidc, &OIDC);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["provider_type"], "OIDC");
        assert_eq!(json["details"]["oidc_issuer"], "https://acme.okta.com");
        let back: IdentityProvider = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
    }
}
