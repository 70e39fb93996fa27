//! App clients: who may ask the pool for tokens, with which flows, scopes and redirect URIs.

use crate::clock::UnixTime;
use crate::ids::{PoolId, new_client_id};
use crate::lifetime::TokenUnits;
use crate::pool::TokenValidity;
use crate::resource_server::ResourceServer;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Cognito's `AllowedOAuthFlows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlow {
    Code,
    Implicit,
    ClientCredentials,
}

impl OAuthFlow {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "code" => Ok(OAuthFlow::Code),
            "implicit" => Ok(OAuthFlow::Implicit),
            "client_credentials" => Ok(OAuthFlow::ClientCredentials),
            other => Err(Error::invalid(format!(
                "unknown OAuth flow {other:?} (expected code, implicit or client_credentials)"
            ))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthFlow::Code => "code",
            OAuthFlow::Implicit => "implicit",
            OAuthFlow::ClientCredentials => "client_credentials",
        }
    }
}

/// Scopes Cognito reserves, and OIDC's `address` (which Cognito folds into `profile`);
/// anything else must be `resource-server-id/scope`.
pub const RESERVED_SCOPES: &[&str] = &[
    "openid",
    "email",
    "phone",
    "profile",
    "address",
    "aws.cognito.signin.user.admin",
];

/// Refresh-token rotation: each use returns a new refresh token; the old one stays valid
/// for `grace_secs` (one generation only) to absorb a retry, then any reuse revokes the family.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RefreshRotation {
    pub enabled: bool,
    pub grace_secs: u32,
}

/// A client secret as the store keeps it: a SHA-256 digest for constant-time checks on
/// every token request, and the secret sealed with the master key so admins can read it back.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSecret {
    pub digest: String,
    pub sealed: String,
}

impl std::fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredSecret(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppClient {
    pub pool_id: PoolId,
    pub client_id: String,
    pub name: String,
    pub secret: Option<StoredSecret>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub allowed_oauth_flows: Vec<OAuthFlow>,
    pub allowed_oauth_scopes: Vec<String>,
    pub explicit_auth_flows: Vec<String>,
    pub supported_identity_providers: Vec<String>,
    /// `None`: the pool's defaults apply.
    pub token_validity: Option<TokenValidity>,
    /// The units `token_validity` was given in, to read it back the same way.
    #[serde(default)]
    pub token_units: TokenUnits,
    pub refresh_rotation: RefreshRotation,
    pub prevent_user_existence_errors: bool,
    pub enable_token_revocation: bool,
    /// Cognito's ReadAttributes: the user attributes this client's tokens and GetUser show;
    /// empty means all.
    #[serde(default)]
    pub read_attributes: Vec<String>,
    /// Cognito's WriteAttributes: the attributes users may set through this client (SignUp,
    /// UpdateUserAttributes); empty means all.
    #[serde(default)]
    pub write_attributes: Vec<String>,
    /// Claim rules of this client, replacing the pool's for its tokens.
    #[serde(default)]
    pub claim_rules: Option<crate::claim_rules::ClaimRules>,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

/// What an admin asks for; `AppClient::create` fills in ids and defaults and validates.
#[derive(Debug, Clone, Default)]
pub struct NewClient {
    pub name: String,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub allowed_oauth_flows: Vec<OAuthFlow>,
    pub allowed_oauth_scopes: Vec<String>,
    pub explicit_auth_flows: Option<Vec<String>>,
    pub token_validity: Option<TokenValidity>,
    pub token_units: TokenUnits,
    pub refresh_rotation: RefreshRotation,
    pub read_attributes: Vec<String>,
    pub write_attributes: Vec<String>,
}

/// Where a client's users sign in: the pool's own directory (Cognito names it `COGNITO` in
/// `SupportedIdentityProviders` and `identity_provider`), or one of the pool's providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInSource<'a> {
    Directory,
    Provider(&'a str),
}

impl<'a> SignInSource<'a> {
    /// The wire name of the pool's own directory; no provider may take it.
    pub const DIRECTORY: &'static str = "COGNITO";

    pub fn of(name: &'a str) -> Self {
        if name == Self::DIRECTORY {
            SignInSource::Directory
        } else {
            SignInSource::Provider(name)
        }
    }
}

impl AppClient {
    /// Whether the client's users may sign in with the pool's own directory.
    pub fn allows_directory(&self) -> bool {
        self.supported_identity_providers
            .iter()
            .any(|p| SignInSource::of(p) == SignInSource::Directory)
    }

    /// The identity providers (not the directory) the client's users may sign in with.
    pub fn providers(&self) -> impl Iterator<Item = &str> {
        self.supported_identity_providers
            .iter()
            .filter_map(|p| match SignInSource::of(p) {
                SignInSource::Provider(name) => Some(name),
                SignInSource::Directory => None,
            })
    }

    /// The attributes of `attributes` this client may read.
    pub fn readable(
        &self,
        attributes: &std::collections::BTreeMap<String, String>,
    ) -> std::collections::BTreeMap<String, String> {
        attributes
            .iter()
            .filter(|(k, _)| self.read_attributes.is_empty() || self.read_attributes.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The first attribute of `attributes` this client may not write, if any.
    pub fn unwritable<'a>(
        &self,
        attributes: &'a std::collections::BTreeMap<String, String>,
    ) -> Option<&'a str> {
        if self.write_attributes.is_empty() {
            return None;
        }
        attributes
            .keys()
            .find(|k| !self.write_attributes.contains(k))
            .map(String::as_str)
    }

    /// ReadAttributes / WriteAttributes name attributes the pool has (Cognito's check).
    pub fn check_attribute_lists(&self, declared: &[crate::schema::CustomAttribute]) -> Result<()> {
        for (what, list) in [
            ("read", &self.read_attributes),
            ("write", &self.write_attributes),
        ] {
            if let Some(bad) = list
                .iter()
                .find(|a| !crate::schema::known_attribute(declared, a))
            {
                return Err(Error::invalid(format!(
                    "Invalid {what} attributes specified while creating a client: {bad}"
                )));
            }
        }
        Ok(())
    }

    pub fn create(
        pool_id: &PoolId,
        req: NewClient,
        secret: Option<StoredSecret>,
        resource_servers: &[ResourceServer],
        now: UnixTime,
    ) -> Result<Self> {
        let client = AppClient {
            pool_id: pool_id.clone(),
            client_id: new_client_id(),
            name: req.name,
            secret,
            callback_urls: req.callback_urls,
            logout_urls: req.logout_urls,
            allowed_oauth_flows: req.allowed_oauth_flows,
            allowed_oauth_scopes: req.allowed_oauth_scopes,
            explicit_auth_flows: req.explicit_auth_flows.unwrap_or_else(|| {
                vec![
                    "ALLOW_REFRESH_TOKEN_AUTH".into(),
                    "ALLOW_USER_SRP_AUTH".into(),
                ]
            }),
            supported_identity_providers: vec![SignInSource::DIRECTORY.into()],
            token_validity: req.token_validity,
            token_units: req.token_units,
            refresh_rotation: req.refresh_rotation,
            prevent_user_existence_errors: true,
            enable_token_revocation: true,
            read_attributes: req.read_attributes,
            write_attributes: req.write_attributes,
            claim_rules: None,
            created_at: now,
            updated_at: now,
        };
        client.validate(resource_servers)?;
        Ok(client)
    }

    /// Whether `ExplicitAuthFlows` allows the flow named by its `ALLOW_` name, the legacy
    /// names read as they were meant.
    pub fn allows_auth_flow(&self, allow: &str) -> bool {
        crate::auth_flows::allows(&self.explicit_auth_flows, allow)
    }

    /// Every rule Cognito applies to a client configuration, plus exact redirect URIs.
    pub fn validate(&self, resource_servers: &[ResourceServer]) -> Result<()> {
        check_client_name(&self.name)?;
        for url in self.callback_urls.iter().chain(&self.logout_urls) {
            check_redirect_url(url)?;
        }
        crate::auth_flows::check(&self.explicit_auth_flows)?;
        if let Some(r) = &self.claim_rules {
            r.validate()?;
        }
        for scope in &self.allowed_oauth_scopes {
            check_scope_exists(scope, resource_servers)?;
        }
        if let Some(tv) = &self.token_validity {
            tv.validate()?;
        }
        if self.refresh_rotation.grace_secs > 60 {
            return Err(Error::invalid(
                "refresh token grace period must be at most 60 seconds",
            ));
        }
        let flows = &self.allowed_oauth_flows;
        if flows.contains(&OAuthFlow::ClientCredentials) {
            if flows.len() > 1 {
                return Err(Error::invalid(
                    "client_credentials cannot be combined with code or implicit",
                ));
            }
            if self.secret.is_none() {
                return Err(Error::invalid(
                    "client_credentials requires a client secret",
                ));
            }
            if self
                .allowed_oauth_scopes
                .iter()
                .any(|s| RESERVED_SCOPES.contains(&s.as_str()))
            {
                return Err(Error::invalid(
                    "client_credentials clients may only have resource-server scopes",
                ));
            }
        }
        let interactive = flows.contains(&OAuthFlow::Code) || flows.contains(&OAuthFlow::Implicit);
        if interactive && self.callback_urls.is_empty() {
            return Err(Error::invalid(
                "the code and implicit flows need at least one callback URL",
            ));
        }
        Ok(())
    }

    pub fn is_confidential(&self) -> bool {
        self.secret.is_some()
    }

    pub fn allows_flow(&self, flow: OAuthFlow) -> bool {
        self.allowed_oauth_flows.contains(&flow)
    }

    /// Exact string comparison, as RFC 9700 §4.1.3 requires: no prefix, no normalisation.
    pub fn has_callback(&self, uri: &str) -> bool {
        self.callback_urls.iter().any(|u| u == uri)
    }

    pub fn has_logout_url(&self, uri: &str) -> bool {
        self.logout_urls.iter().any(|u| u == uri)
    }
}

pub fn check_client_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 128
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "client name must be 1-128 characters of letters, digits, spaces and _+=,.@-",
        ))
    }
}

fn is_loopback_host(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// Redirect and logout URLs: absolute, no fragment; `https`, or `http` on a loopback host
/// (RFC 8252 §7.3), or a private-use scheme for native apps.
pub fn check_redirect_url(raw: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::invalid(format!("invalid URL {raw:?}: {why}")));
    let url = match url::Url::parse(raw) {
        Ok(u) => u,
        Err(_) => return bad("not an absolute URL"),
    };
    if raw.len() > 1024 {
        return bad("longer than 1024 characters");
    }
    if url.fragment().is_some() {
        return bad("must not contain a fragment");
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if url.host_str().is_some_and(is_loopback_host) => Ok(()),
        "http" => bad("http is only allowed for localhost"),
        "javascript" | "data" | "file" | "vbscript" => bad("scheme not allowed"),
        _ => Ok(()),
    }
}

/// A scope is reserved, or `identifier/name` of a resource server of this pool.
pub fn check_scope_exists(scope: &str, resource_servers: &[ResourceServer]) -> Result<()> {
    if RESERVED_SCOPES.contains(&scope) {
        return Ok(());
    }
    let known = resource_servers
        .iter()
        .any(|rs| rs.full_scope_names().any(|s| s == scope));
    if known {
        Ok(())
    } else {
        Err(Error::invalid(format!("unknown scope {scope:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource_server::ResourceServerScope;

    fn pool() -> PoolId {
        PoolId::parse("local_abcdefghi").unwrap()
    }

    fn secret() -> StoredSecret {
        StoredSecret {
            digest: "d".into(),
            sealed: "s".into(),
        }
    }

    fn rs() -> Vec<ResourceServer> {
        vec![ResourceServer {
            pool_id: pool(),
            identifier: "https://api.example.com".into(),
            name: "api".into(),
            scopes: vec![ResourceServerScope {
                name: "read".into(),
                description: "read".into(),
            }],
        }]
    }

    fn code_client() -> NewClient {
        NewClient {
            name: "web".into(),
            callback_urls: vec!["https://app.example.com/cb".into()],
            allowed_oauth_flows: vec![OAuthFlow::Code],
            allowed_oauth_scopes: vec!["openid".into(), "email".into()],
            ..Default::default()
        }
    }

    #[test]
    fn legacy_explicit_auth_flows_mean_what_cognito_says() {
        let with = |flows: &[&str]| {
            let req = NewClient {
                explicit_auth_flows: Some(flows.iter().map(|f| (*f).to_owned()).collect()),
                ..code_client()
            };
            AppClient::create(&pool(), req, None, &[], 5)
        };
        let c = with(&["ADMIN_NO_SRP_AUTH"]).unwrap();
        assert!(c.allows_auth_flow("ALLOW_ADMIN_USER_PASSWORD_AUTH"));
        assert!(c.allows_auth_flow("ALLOW_USER_SRP_AUTH"));
        assert!(c.allows_auth_flow("ALLOW_REFRESH_TOKEN_AUTH"));
        assert!(!c.allows_auth_flow("ALLOW_USER_PASSWORD_AUTH"));
        let c = with(&["USER_PASSWORD_AUTH"]).unwrap();
        assert!(c.allows_auth_flow("ALLOW_USER_PASSWORD_AUTH"));
        assert!(!c.allows_auth_flow("ALLOW_ADMIN_USER_PASSWORD_AUTH"));
        let c = with(&["CUSTOM_AUTH_FLOW_ONLY"]).unwrap();
        assert!(!c.allows_auth_flow("ALLOW_USER_SRP_AUTH"));
        assert!(c.allows_auth_flow("ALLOW_REFRESH_TOKEN_AUTH"));
        let c = with(&["ALLOW_USER_SRP_AUTH"]).unwrap();
        assert!(!c.allows_auth_flow("ALLOW_REFRESH_TOKEN_AUTH"));
        assert!(with(&["ADMIN_NO_SRP_AUTH", "ALLOW_USER_SRP_AUTH"]).is_err());
        assert!(with(&["USER_SRP_AUTH"]).is_err(), "never a legacy name");
    }

    #[test]
    fn a_code_client_gets_cognito_defaults() {
        let c = AppClient::create(&pool(), code_client(), None, &[], 5).unwrap();
        assert_eq!(c.client_id.len(), 26);
        assert!(!c.is_confidential());
        assert!(c.prevent_user_existence_errors);
        assert_eq!(c.supported_identity_providers, vec!["COGNITO"]);
        assert!(c.has_callback("https://app.example.com/cb"));
        assert!(!c.has_callback("https://app.example.com/cb/"));
        assert!(!c.has_callback("https://APP.example.com/cb"));
    }

    #[test]
    fn redirect_urls_must_be_safe() {
        for ok in [
            "https://a.example/cb",
            "http://localhost:3000/callback",
            "http://127.0.0.1:9999/callback",
            "myapp://callback",
        ] {
            assert!(check_redirect_url(ok).is_ok(), "{ok} refused");
        }
        for bad in [
            "http://evil.example/cb",
            "https://a.example/cb#frag",
            "/relative",
            "javascript:alert(1)",
            "data:text/html,x",
        ] {
            assert!(check_redirect_url(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn client_credentials_rules() {
        let mut req = NewClient {
            name: "m2m".into(),
            allowed_oauth_flows: vec![OAuthFlow::ClientCredentials],
            allowed_oauth_scopes: vec!["https://api.example.com/read".into()],
            ..Default::default()
        };
        assert!(AppClient::create(&pool(), req.clone(), None, &rs(), 0).is_err());
        assert!(AppClient::create(&pool(), req.clone(), Some(secret()), &rs(), 0).is_ok());
        req.allowed_oauth_scopes.push("openid".into());
        assert!(AppClient::create(&pool(), req.clone(), Some(secret()), &rs(), 0).is_err());
        req.allowed_oauth_scopes = vec!["https://api.example.com/write".into()];
        let err = AppClient::create(&pool(), req, Some(secret()), &rs(), 0).unwrap_err();
        assert!(err.to_string().contains("unknown scope"));
    }

    #[test]
    fn interactive_flows_need_a_callback() {
        let mut req = code_client();
        req.callback_urls.clear();
        assert!(AppClient::create(&pool(), req, None, &[], 0).is_err());
    }
}
