//! Provider details, typed. Cognito carries them as a string map (`ProviderDetails`); they
//! are parsed here once, into one value per provider kind, and written back to the map
//! only for the wire and for storage. Nothing downstream looks a detail up by name.

use super::ProviderType;
use crate::{Error, Result};
use std::collections::BTreeMap;

/// How the OIDC provider's userinfo endpoint is called (`attributes_request_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserinfoMethod {
    Get,
    Post,
}

/// How we authenticate at the OIDC provider's token endpoint
/// (`token_endpoint_auth_method`, not a Cognito detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAuth {
    ClientSecretBasic,
    ClientSecretPost,
    None,
}

impl TokenAuth {
    fn parse(v: &str) -> Result<Self> {
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
    fn as_str(self) -> &'static str {
        match self {
            TokenAuth::ClientSecretBasic => "client_secret_basic",
            TokenAuth::ClientSecretPost => "client_secret_post",
            TokenAuth::None => "none",
        }
    }
}

/// OIDC endpoints given by hand instead of discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcEndpoints {
    pub authorize: String,
    pub token: String,
    pub userinfo: String,
    pub jwks_uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    pub client_id: String,
    pub authorize_scopes: String,
    pub issuer: String,
    pub userinfo_method: UserinfoMethod,
    /// `None`: basic when there is a client secret, else none.
    pub token_auth: Option<TokenAuth>,
    /// `None`: discovered from the issuer.
    pub endpoints: Option<OidcEndpoints>,
    /// The provider answers at `/oauth2/idpresponse/{name}` (`own_callback`).
    pub own_callback: bool,
}

/// Where a SAML provider's metadata comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamlMetadataSource {
    Url(String),
    File(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlConfig {
    pub metadata: SamlMetadataSource,
    /// `IDPSignout`: sign the user out at the IdP too.
    pub signout: bool,
    /// `IDPInit`: accept responses the IdP sends unasked.
    pub idp_initiated: bool,
    /// `EncryptedResponses`: require encrypted assertions.
    pub encrypted_responses: bool,
    /// `RequestSigningAlgorithm=rsa-sha256`: sign our AuthnRequests.
    pub sign_requests: bool,
}

/// Google, Facebook, Login with Amazon: stored, not yet used for sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialConfig {
    pub client_id: String,
    pub authorize_scopes: String,
    /// Facebook's `api_version`.
    pub api_version: Option<String>,
}

/// Sign in with Apple: its key is the secret detail `private_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppleConfig {
    pub client_id: String,
    pub authorize_scopes: String,
    pub team_id: String,
    pub key_id: String,
}

/// One typed value per provider kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderConfig {
    Oidc(OidcConfig),
    Saml(SamlConfig),
    Google(SocialConfig),
    Facebook(SocialConfig),
    LoginWithAmazon(SocialConfig),
    SignInWithApple(AppleConfig),
}

/// Our extension, for every kind: linking a first federated sign-in to a local user with the
/// same verified email (see `federation/users.rs` in the app crate).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmailLinking {
    /// `link_verified_email`.
    pub enabled: bool,
    /// `link_email_domains`, beside the provider's identifiers.
    pub domains: Vec<String>,
}

/// The details of a provider without its secret: what it is and how it links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDetails {
    pub config: ProviderConfig,
    pub linking: EmailLinking,
}

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

    pub fn kind(&self) -> ProviderType {
        match &self.config {
            ProviderConfig::Oidc(_) => ProviderType::Oidc,
            ProviderConfig::Saml(_) => ProviderType::Saml,
            ProviderConfig::Google(_) => ProviderType::Google,
            ProviderConfig::Facebook(_) => ProviderType::Facebook,
            ProviderConfig::LoginWithAmazon(_) => ProviderType::LoginWithAmazon,
            ProviderConfig::SignInWithApple(_) => ProviderType::SignInWithApple,
        }
    }

    /// The details as Cognito's string map (without the secret), the inverse of `parse`.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        let mut m = Writer::default();
        m.flag("link_verified_email", self.linking.enabled);
        if !self.linking.domains.is_empty() {
            m.put("link_email_domains", &self.linking.domains.join(","));
        }
        match &self.config {
            ProviderConfig::Oidc(o) => {
                m.put("client_id", &o.client_id);
                m.put("authorize_scopes", &o.authorize_scopes);
                m.put("oidc_issuer", &o.issuer);
                m.put(
                    "attributes_request_method",
                    match o.userinfo_method {
                        UserinfoMethod::Get => "GET",
                        UserinfoMethod::Post => "POST",
                    },
                );
                if let Some(t) = o.token_auth {
                    m.put("token_endpoint_auth_method", t.as_str());
                }
                if let Some(e) = &o.endpoints {
                    m.put("authorize_url", &e.authorize);
                    m.put("token_url", &e.token);
                    m.put("attributes_url", &e.userinfo);
                    m.put("jwks_uri", &e.jwks_uri);
                }
                m.flag("own_callback", o.own_callback);
            }
            ProviderConfig::Saml(s) => {
                match &s.metadata {
                    SamlMetadataSource::Url(u) => m.put("MetadataURL", u),
                    SamlMetadataSource::File(f) => m.put("MetadataFile", f),
                }
                m.flag("IDPSignout", s.signout);
                m.flag("IDPInit", s.idp_initiated);
                m.flag("EncryptedResponses", s.encrypted_responses);
                if s.sign_requests {
                    m.put("RequestSigningAlgorithm", "rsa-sha256");
                }
            }
            ProviderConfig::Google(s)
            | ProviderConfig::Facebook(s)
            | ProviderConfig::LoginWithAmazon(s) => {
                m.put("client_id", &s.client_id);
                m.put("authorize_scopes", &s.authorize_scopes);
                if let Some(v) = &s.api_version {
                    m.put("api_version", v);
                }
            }
            ProviderConfig::SignInWithApple(a) => {
                m.put("client_id", &a.client_id);
                m.put("authorize_scopes", &a.authorize_scopes);
                m.put("team_id", &a.team_id);
                m.put("key_id", &a.key_id);
            }
        }
        m.0
    }
}

#[derive(Default)]
struct Writer(BTreeMap<String, String>);

impl Writer {
    fn put(&mut self, k: &str, v: &str) {
        self.0.insert(k.to_owned(), v.to_owned());
    }
    /// Yes/no details are written only when set, as they are usually given.
    fn flag(&mut self, k: &str, on: bool) {
        if on {
            self.put(k, "true");
        }
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
