//! The authorization endpoint as a pipeline of small checks (RFC 6749 §4.1.1, OIDC Core
//! §3.1.2). Until the client and redirect URI are known good, every error is shown on a page
//! and nothing redirects ([`AuthorizeError::Page`]); after that, errors go back to the client
//! with `error=` and the original `state` ([`AuthorizeError::Redirect`]).

use crate::client::{AppClient, OAuthFlow};
use crate::clock::UnixTime;
use crate::oauth::params::Params;
use crate::oauth::{ErrorCode, OAuthError, scope};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseType {
    Code,
    /// The implicit flow: only for clients that explicitly allow it.
    Token,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
}

/// A request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: ResponseType,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    /// `identity_provider`: a provider the client supports (the server checks it exists).
    #[serde(default)]
    pub identity_provider: Option<String>,
    /// `idp_identifier`: the server finds the provider that owns it.
    #[serde(default)]
    pub idp_identifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// Shown to the person; never a redirect (bad client or redirect URI).
    Page(String),
    /// Sent back to the validated redirect URI.
    Redirect(Redirect),
}

/// An error for the client, at its validated redirect URI. Only this module builds one: from
/// a request being validated once its client and redirect URI are known, or from an
/// `AuthorizeRequest`, so an adapter cannot send an error to a URI nobody checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    redirect_uri: String,
    state: Option<String>,
    /// Implicit-flow errors go in the fragment.
    fragment: bool,
    error: OAuthError,
}

impl Redirect {
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }
    pub fn in_fragment(&self) -> bool {
        self.fragment
    }
    pub fn error(&self) -> &OAuthError {
        &self.error
    }
}

impl AuthorizeRequest {
    /// `error` for the client that made this (validated) request, with its `state`.
    pub fn error_redirect(&self, error: OAuthError) -> Redirect {
        Redirect {
            redirect_uri: self.redirect_uri.clone(),
            state: self.state.clone(),
            fragment: self.response_type == ResponseType::Token,
            error,
        }
    }
}

const MAX_STATE: usize = 4096;
const MAX_NONCE: usize = 1024;
const MAX_HINT: usize = 256;

/// Step 1: which client, from the raw parameters (the caller looks it up).
pub fn client_id(params: &Params) -> Result<&str, AuthorizeError> {
    params
        .get("client_id")
        .ok_or_else(|| AuthorizeError::Page("The request has no client_id.".into()))
}

/// Steps 2 onwards, with the client looked up (`None`: no such client in this pool).
pub fn validate(
    params: &Params,
    client: Option<&AppClient>,
) -> Result<AuthorizeRequest, AuthorizeError> {
    let client =
        client.ok_or_else(|| AuthorizeError::Page("The app client does not exist.".into()))?;
    let redirect_uri = check_redirect_uri(params, client)?;
    let fragment = params.get("response_type") == Some("token");
    let state = params.get("state").map(str::to_owned);
    let fail = |error: OAuthError| {
        AuthorizeError::Redirect(Redirect {
            redirect_uri: redirect_uri.clone(),
            state: state.clone(),
            fragment,
            error,
        })
    };
    if state.as_ref().is_some_and(|s| s.len() > MAX_STATE) {
        return Err(fail(OAuthError::invalid_request("state is too long")));
    }
    check_unsupported(params).map_err(&fail)?;
    let response_type = check_response_type(params, client).map_err(&fail)?;
    let scopes = scope::resolve(params.get("scope"), client).map_err(&fail)?;
    let code_challenge = check_pkce(params, client, response_type).map_err(&fail)?;
    let prompt = check_prompt(params).map_err(&fail)?;
    let max_age = check_max_age(params).map_err(&fail)?;
    let nonce = params.get("nonce").map(str::to_owned);
    if nonce.as_ref().is_some_and(|n| n.len() > MAX_NONCE) {
        return Err(fail(OAuthError::invalid_request("nonce is too long")));
    }
    if response_type == ResponseType::Token && nonce.is_none() && scope::has(&scopes, "openid") {
        return Err(fail(OAuthError::invalid_request(
            "the implicit flow requires a nonce",
        )));
    }
    let (identity_provider, idp_identifier) =
        check_identity_provider(params, client).map_err(&fail)?;
    let login_hint = params
        .get("login_hint")
        .filter(|h| h.len() <= MAX_HINT)
        .map(str::to_owned);
    Ok(AuthorizeRequest {
        client_id: client.client_id.clone(),
        redirect_uri,
        response_type,
        scopes,
        state,
        nonce,
        code_challenge,
        prompt,
        max_age,
        login_hint,
        identity_provider,
        idp_identifier,
    })
}

/// RFC 9700 §4.1.3: exact string match against a registered URI. Required even when the
/// client has a single one (OAuth 2.1's rule; Cognito requires it too).
fn check_redirect_uri(params: &Params, client: &AppClient) -> Result<String, AuthorizeError> {
    let uri = params
        .get("redirect_uri")
        .ok_or_else(|| AuthorizeError::Page("The request has no redirect_uri.".into()))?;
    if client.has_callback(uri) {
        Ok(uri.to_owned())
    } else {
        Err(AuthorizeError::Page(
            "The redirect_uri is not registered for this app client.".into(),
        ))
    }
}

/// OIDC Core §6: request objects are not supported, and saying so beats ignoring them.
fn check_unsupported(params: &Params) -> Result<(), OAuthError> {
    if params.contains("request") {
        return Err(OAuthError::new(
            ErrorCode::RequestNotSupported,
            "request objects are not supported",
        ));
    }
    if params.contains("request_uri") {
        return Err(OAuthError::new(
            ErrorCode::RequestUriNotSupported,
            "request_uri is not supported",
        ));
    }
    match params.get("response_mode") {
        None | Some("query") | Some("fragment") => Ok(()),
        Some(_) => Err(OAuthError::invalid_request("unsupported response_mode")),
    }
}

/// RFC 6749 §3.1.1; the implicit flow only when the client enables it (RFC 9700 §2.1.2).
fn check_response_type(params: &Params, client: &AppClient) -> Result<ResponseType, OAuthError> {
    let rt = match params.get("response_type") {
        None => return Err(OAuthError::invalid_request("response_type is required")),
        Some("code") => ResponseType::Code,
        Some("token") => ResponseType::Token,
        Some(_) => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                "only code (and token, where enabled) are supported",
            ));
        }
    };
    let flow = match rt {
        ResponseType::Code => OAuthFlow::Code,
        ResponseType::Token => OAuthFlow::Implicit,
    };
    if client.allows_flow(flow) {
        Ok(rt)
    } else if rt == ResponseType::Token {
        Err(OAuthError::new(
            ErrorCode::UnsupportedResponseType,
            "the implicit flow is not enabled for this client",
        ))
    } else {
        Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "the code flow is not enabled for this client",
        ))
    }
}

/// RFC 7636 §4.3 with RFC 9700 §2.1.1: S256 only; required for public clients.
fn check_pkce(
    params: &Params,
    client: &AppClient,
    rt: ResponseType,
) -> Result<Option<String>, OAuthError> {
    let challenge = params.get("code_challenge");
    let method = params.get("code_challenge_method");
    match (challenge, method) {
        (None, Some(_)) => Err(OAuthError::invalid_request(
            "code_challenge_method without code_challenge",
        )),
        (Some(_), Some(m)) if m != "S256" => Err(OAuthError::invalid_request(
            "code_challenge_method must be S256",
        )),
        // RFC 7636 §4.3: the default method is plain, which we refuse.
        (Some(_), None) => Err(OAuthError::invalid_request(
            "code_challenge_method must be S256",
        )),
        (Some(c), Some(_)) => {
            if is_s256_shape(c) {
                Ok(Some(c.to_owned()))
            } else {
                Err(OAuthError::invalid_request(
                    "code_challenge is not a valid S256 challenge",
                ))
            }
        }
        (None, None) if !client.is_confidential() && rt == ResponseType::Code => {
            Err(OAuthError::invalid_request(
                "PKCE (code_challenge with S256) is required for this client",
            ))
        }
        (None, None) => Ok(None),
    }
}

fn is_s256_shape(c: &str) -> bool {
    c.len() == 43
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// OIDC Core §3.1.2.1: `none` must stand alone.
fn check_prompt(params: &Params) -> Result<Prompt, OAuthError> {
    let mut p = Prompt::default();
    let Some(raw) = params.get("prompt") else {
        return Ok(p);
    };
    let values: Vec<&str> = raw.split(' ').filter(|v| !v.is_empty()).collect();
    for v in &values {
        match *v {
            "none" => p.none = true,
            "login" => p.login = true,
            "consent" | "select_account" => {}
            _ => return Err(OAuthError::invalid_request("unsupported prompt value")),
        }
    }
    if p.none && values.len() > 1 {
        return Err(OAuthError::invalid_request(
            "prompt=none cannot be combined",
        ));
    }
    Ok(p)
}

fn check_max_age(params: &Params) -> Result<Option<i64>, OAuthError> {
    match params.get("max_age") {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| OAuthError::invalid_request("max_age must be a non-negative integer")),
    }
}

/// `identity_provider` must be one the client supports (`COGNITO` is the pool's own
/// directory); `idp_identifier` only needs to look like one.
#[allow(clippy::type_complexity)]
fn check_identity_provider(
    params: &Params,
    client: &AppClient,
) -> Result<(Option<String>, Option<String>), OAuthError> {
    let provider = params.get("identity_provider");
    if let Some(p) = provider
        && !client.supported_identity_providers.iter().any(|s| s == p)
    {
        return Err(OAuthError::invalid_request("unknown identity provider"));
    }
    let identifier = params.get("idp_identifier");
    if identifier.is_some_and(|i| i.is_empty() || i.len() > 40) {
        return Err(OAuthError::invalid_request(
            "no identity provider has that identifier",
        ));
    }
    Ok((provider.map(str::to_owned), identifier.map(str::to_owned)))
}

/// What an existing sign-in session says about this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionInfo {
    pub auth_time: UnixTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Issue the response now, from the session.
    Issue,
    /// Show the sign-in page.
    Login,
    /// `prompt=none` without a usable session.
    LoginRequired,
}

/// OIDC Core §3.1.2.1 (prompt) and §3.1.2.1 (max_age) against the current session.
pub fn next_step(req: &AuthorizeRequest, session: Option<SessionInfo>, now: UnixTime) -> Next {
    let fresh = session.filter(|s| match req.max_age {
        Some(max) => now - s.auth_time <= max,
        None => true,
    });
    match (fresh, req.prompt) {
        (Some(_), p) if !p.login => Next::Issue,
        (_, p) if p.none => Next::LoginRequired,
        _ => Next::Login,
    }
}

#[cfg(test)]
mod tests;
