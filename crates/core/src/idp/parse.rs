//! Reading Cognito's `ProviderDetails` map into typed details: each kind's required and
//! optional details, yes/no values, https URLs, and a refusal of any detail no rule took.

use super::ProviderType;
use super::details::*;
use crate::{Error, Result};
use std::collections::BTreeMap;

/// The map being read: every key taken is removed, so what is left is unknown.
struct Reader<'a> {
    kind: ProviderType,
    map: BTreeMap<&'a str, &'a str>,
}

impl<'a> Reader<'a> {
    fn optional(&mut self, key: &str) -> Option<String> {
        self.map
            .remove(key)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
    fn required(&mut self, key: &str) -> Result<String> {
        self.optional(key).ok_or_else(|| {
            Error::invalid(format!(
                "ProviderDetails.{key} is required for {}",
                self.kind.as_str()
            ))
        })
    }
    fn flag(&mut self, key: &str) -> Result<bool> {
        match self.map.remove(key) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(Error::invalid(format!(
                "ProviderDetails.{key} must be true or false"
            ))),
        }
    }
    fn url(&mut self, key: &str) -> Result<Option<String>> {
        match self.optional(key) {
            Some(v) if !url_ok(&v) => Err(Error::invalid(format!(
                "ProviderDetails.{key} must be an https URL"
            ))),
            v => Ok(v),
        }
    }
    fn social(&mut self) -> Result<SocialConfig> {
        Ok(SocialConfig {
            client_id: self.required("client_id")?,
            authorize_scopes: self.required("authorize_scopes")?,
            api_version: None,
        })
    }
    /// Refuses what no rule took: a misspelt detail is an error, not silently ignored.
    fn finish(self) -> Result<()> {
        match self.map.keys().next() {
            Some(k) => Err(Error::invalid(format!(
                "ProviderDetails.{k} is not a detail of {} providers",
                self.kind.as_str()
            ))),
            None => Ok(()),
        }
    }
}

fn url_ok(v: &str) -> bool {
    crate::client::check_redirect_url(v).is_ok()
        && (v.starts_with("https://") || v.starts_with("http://"))
}

/// Details Cognito reports on its own and clients may send back unchanged; not ours to keep.
const READ_ONLY: [&str; 2] = [
    "attributes_url_add_attributes",
    "ActiveEncryptionCertificate",
];

/// The largest `MetadataFile` accepted.
const METADATA_FILE_MAX: usize = 131_072;

impl ProviderDetails {
    /// Parses and checks the details of a provider of `kind`, without its secret detail.
    pub fn parse(kind: ProviderType, details: &BTreeMap<String, String>) -> Result<Self> {
        let mut r = Reader {
            kind,
            map: details
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .filter(|(k, _)| !READ_ONLY.contains(k))
                .collect(),
        };
        let linking = EmailLinking {
            enabled: r.flag("link_verified_email")?,
            domains: match r.optional("link_email_domains") {
                None => Vec::new(),
                Some(list) => list
                    .split([',', ' '])
                    .filter(|d| !d.is_empty())
                    .map(|d| {
                        crate::pool::check_domain(d).map_err(|_| {
                            Error::invalid(format!(
                                "link_email_domains: {d:?} is not a domain name"
                            ))
                        })
                    })
                    .collect::<Result<_>>()?,
            },
        };
        let config = match kind {
            ProviderType::Oidc => ProviderConfig::Oidc(oidc(&mut r)?),
            ProviderType::Saml => ProviderConfig::Saml(saml(&mut r)?),
            ProviderType::Google => ProviderConfig::Google(r.social()?),
            ProviderType::LoginWithAmazon => ProviderConfig::LoginWithAmazon(r.social()?),
            ProviderType::Facebook => {
                let mut s = r.social()?;
                s.api_version = r.optional("api_version");
                ProviderConfig::Facebook(s)
            }
            ProviderType::SignInWithApple => ProviderConfig::SignInWithApple(AppleConfig {
                client_id: r.required("client_id")?,
                authorize_scopes: r.required("authorize_scopes")?,
                team_id: r.required("team_id")?,
                key_id: r.required("key_id")?,
            }),
        };
        r.finish()?;
        Ok(ProviderDetails { config, linking })
    }
}

impl TokenAuth {
    pub(super) fn parse(v: &str) -> Result<Self> {
        Ok(match v {
            "client_secret_basic" => TokenAuth::ClientSecretBasic,
            "client_secret_post" => TokenAuth::ClientSecretPost,
            "none" => TokenAuth::None,
            _ => {
                return Err(Error::invalid(
                    "token_endpoint_auth_method must be client_secret_basic, client_secret_post or none",
                ));
            }
        })
    }
}

fn oidc(r: &mut Reader<'_>) -> Result<OidcConfig> {
    let client_id = r.required("client_id")?;
    let authorize_scopes = r.required("authorize_scopes")?;
    let issuer = r
        .url("oidc_issuer")?
        .ok_or_else(|| Error::invalid("ProviderDetails.oidc_issuer is required for OIDC"))?;
    let userinfo_method = match r.required("attributes_request_method")?.as_str() {
        "GET" => UserinfoMethod::Get,
        "POST" => UserinfoMethod::Post,
        _ => {
            return Err(Error::invalid(
                "attributes_request_method must be GET or POST",
            ));
        }
    };
    let token_auth = r
        .optional("token_endpoint_auth_method")
        .map(|m| TokenAuth::parse(&m))
        .transpose()?;
    let endpoints = match (
        r.url("authorize_url")?,
        r.url("token_url")?,
        r.url("attributes_url")?,
        r.url("jwks_uri")?,
    ) {
        (None, None, None, None) => None,
        (Some(authorize), Some(token), Some(userinfo), Some(jwks_uri)) => Some(OidcEndpoints {
            authorize,
            token,
            userinfo,
            jwks_uri,
        }),
        _ => {
            return Err(Error::invalid(
                "give all of authorize_url, token_url, attributes_url and jwks_uri, or none",
            ));
        }
    };
    Ok(OidcConfig {
        client_id,
        authorize_scopes,
        issuer,
        userinfo_method,
        token_auth,
        endpoints,
        own_callback: r.flag("own_callback")?,
    })
}

fn saml(r: &mut Reader<'_>) -> Result<SamlConfig> {
    let metadata = match (r.url("MetadataURL"), r.optional("MetadataFile")) {
        (Ok(Some(u)), None) => SamlMetadataSource::Url(u),
        (Ok(None), Some(f)) if f.len() <= METADATA_FILE_MAX && f.contains("EntityDescriptor") => {
            SamlMetadataSource::File(f)
        }
        _ => {
            return Err(Error::invalid(
                "give exactly one of MetadataURL (an https URL) or MetadataFile (SAML metadata XML)",
            ));
        }
    };
    let sign_requests = match r.optional("RequestSigningAlgorithm").as_deref() {
        None => false,
        Some("rsa-sha256") => true,
        Some(_) => return Err(Error::invalid("RequestSigningAlgorithm must be rsa-sha256")),
    };
    Ok(SamlConfig {
        metadata,
        signout: r.flag("IDPSignout")?,
        idp_initiated: r.flag("IDPInit")?,
        encrypted_responses: r.flag("EncryptedResponses")?,
        sign_requests,
    })
}
