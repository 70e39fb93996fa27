//! Provider details, typed. Cognito carries them as a string map (`ProviderDetails`); they
//! are parsed once (`parse.rs`) into one value per provider kind, and written back to the
//! map here, only for the wire and for storage. Nothing downstream looks a detail up by name.

use super::ProviderType;
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

impl ProviderDetails {
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
