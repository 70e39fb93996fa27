//! The upstream OIDC authorization-code flow. `start` remembers what the callback will need
//! (provider, nonce, PKCE verifier, the app's own authorization request) as a pending
//! sign-in (`pending.rs`) and returns the provider's authorization URL. `finish` checks the
//! response, redeems the code, verifies the ID token, reads userinfo, and returns the
//! upstream claims.

use super::pending::{Pending, Upstream, oidc_callback};
use super::upstream::Endpoints;
use super::{FedError, internal};
use crate::App;
use portcullis_core::federation::id_token::{self, Expected};
use portcullis_core::idp::{IdentityProvider, OidcConfig, TokenAuth, UserinfoMethod};
use portcullis_core::oauth::authorize::AuthorizeRequest;
use portcullis_core::pool::UserPool;
use portcullis_crypto::signing::{peek_header, verify_rs256};
use portcullis_crypto::tokens::random_token;
use serde_json::Value;

/// The provider's answer on our callback.
#[derive(Debug, Default)]
pub struct Callback<'a> {
    pub code: Option<&'a str>,
    pub iss: Option<&'a str>,
    pub error: Option<&'a str>,
    /// The provider named in the callback's path (`/oauth2/idpresponse/{provider}`), if any.
    pub provider_in_path: Option<&'a str>,
}

impl App {
    pub(super) async fn oidc_start(
        &self,
        pool: &UserPool,
        idp: &IdentityProvider,
        cfg: &OidcConfig,
        req: &AuthorizeRequest,
        callback: &str,
    ) -> Result<(String, String), FedError> {
        let ep = self.upstream_endpoints(idp).await?;
        let (state, nonce, verifier) = (
            random_token().map_err(internal)?,
            random_token().map_err(internal)?,
            format!(
                "{}{}",
                random_token().map_err(internal)?,
                random_token().map_err(internal)?
            ),
        );
        let pending = Pending {
            provider: idp.name.clone(),
            nonce: nonce.clone(),
            verifier: verifier.clone(),
            request: req.clone(),
        };
        self.remember_pending(pool, &state, &pending).await?;
        let challenge = portcullis_crypto::tokens::pkce_s256_challenge(&verifier);
        let mut url = url::Url::parse(&ep.authorize).map_err(internal)?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &cfg.client_id)
                .append_pair("redirect_uri", callback)
                .append_pair("scope", &cfg.authorize_scopes)
                .append_pair("state", &state)
                .append_pair("nonce", &nonce)
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(hint) = &req.login_hint {
                q.append_pair("login_hint", hint);
            }
        }
        Ok((url.into(), state))
    }

    /// Checks the provider's answer and turns its code into a verified identity.
    pub async fn federation_finish(
        &self,
        idp: &IdentityProvider,
        pending: &Pending,
        answer: &Callback<'_>,
        base: &str,
    ) -> Result<Upstream, FedError> {
        let cfg = idp.oidc().ok_or_else(|| internal("not an OIDC provider"))?;
        // The answer must come back where this provider was told to send it: another
        // provider's answer (a mix-up) arrives at another path.
        let callback = &oidc_callback(base, idp);
        if cfg.own_callback != answer.provider_in_path.is_some()
            || answer.provider_in_path.is_some_and(|p| p != idp.name)
        {
            return Err(FedError::Invalid(format!(
                "the answer arrived at another callback than {callback}"
            )));
        }
        let ep = self.upstream_endpoints(idp).await?;
        let code = answered_code(answer, &ep)?;
        let tokens = self
            .redeem_upstream_code(idp, cfg, &ep, code, &pending.verifier, callback)
            .await?;
        let id_token = tokens
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| FedError::Invalid("the token response has no id_token".into()))?;
        let mut claims = self.verified_claims(idp, &ep, id_token).await?;
        let subject = id_token::check(
            &claims,
            &Expected {
                issuer: &ep.issuer,
                client_id: &cfg.client_id,
                nonce: &pending.nonce,
                now: self.now(),
            },
        )
        .map_err(|e| FedError::Invalid(e.to_string()))?;
        if let (Some(url), Some(access)) = (
            &ep.userinfo,
            tokens.get("access_token").and_then(Value::as_str),
        ) {
            let info = match cfg.userinfo_method {
                UserinfoMethod::Post => {
                    self.fetcher.post_form(url, &[], None, Some(access)).await?
                }
                UserinfoMethod::Get => self.fetcher.get_json(url, Some(access)).await?,
            };
            if info.get("sub").and_then(Value::as_str) != Some(subject.as_str()) {
                return Err(FedError::Invalid(
                    "userinfo's sub is not the ID token's".into(),
                ));
            }
            if let (Some(c), Some(i)) = (claims.as_object_mut(), info.as_object()) {
                for (k, v) in i {
                    c.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(Upstream {
            subject,
            id_token: id_token.to_owned(),
            claims,
            saml: None,
        })
    }

    /// The provider's token response for `code`, authenticating as its configuration says
    /// (by default: HTTP Basic when we have a client secret, else the client id alone).
    async fn redeem_upstream_code(
        &self,
        idp: &IdentityProvider,
        cfg: &OidcConfig,
        ep: &Endpoints,
        code: &str,
        verifier: &str,
        callback: &str,
    ) -> Result<Value, FedError> {
        let secret = self.idp_secret(idp).map_err(internal)?;
        let method = cfg.token_auth.unwrap_or(if secret.is_some() {
            TokenAuth::ClientSecretBasic
        } else {
            TokenAuth::None
        });
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", callback),
            ("code_verifier", verifier),
        ];
        let mut basic = None;
        match (method, &secret) {
            (TokenAuth::ClientSecretBasic, Some(s)) => {
                basic = Some((cfg.client_id.as_str(), s.as_str()))
            }
            (TokenAuth::ClientSecretPost, Some(s)) => {
                form.push(("client_id", &cfg.client_id));
                form.push(("client_secret", s));
            }
            _ => form.push(("client_id", &cfg.client_id)),
        }
        self.fetcher
            .post_form(&ep.token, &form, basic, None)
            .await
            .map_err(|e| {
                if e.0.contains("HTTP 4") {
                    FedError::Denied(format!("token endpoint: {e}"))
                } else {
                    FedError::Unavailable(e.0)
                }
            })
    }

    /// The ID token's claims once its RS256 signature checks out with the provider's key.
    async fn verified_claims(
        &self,
        idp: &IdentityProvider,
        ep: &Endpoints,
        token: &str,
    ) -> Result<Value, FedError> {
        let header = peek_header(token)
            .map_err(|_| FedError::Invalid("the ID token is not a JWS".into()))?;
        if header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err(FedError::Invalid(
                "the ID token is not signed with RS256".into(),
            ));
        }
        let kid = header.get("kid").and_then(Value::as_str);
        let mut jwk = self.upstream_key(idp, ep, kid).await?;
        if kid.is_none()
            && let Some(o) = jwk.as_object_mut()
        {
            o.remove("kid");
        }
        verify_rs256(token, &jwk)
            .map_err(|_| FedError::Invalid("the ID token's signature does not verify".into()))
    }
}

/// The code in the provider's answer, once the answer is from the right issuer (RFC 9207, the
/// mix-up defence) and is not an error.
fn answered_code<'a>(answer: &Callback<'a>, ep: &Endpoints) -> Result<&'a str, FedError> {
    match answer.iss {
        Some(iss) if iss != ep.issuer => {
            return Err(FedError::Invalid(
                "the response's iss is another issuer".into(),
            ));
        }
        None if ep.iss_parameter => {
            return Err(FedError::Invalid("the response has no iss".into()));
        }
        _ => {}
    }
    if let Some(e) = answer.error {
        return Err(FedError::Denied(format!("error={e}")));
    }
    answer
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| FedError::Invalid("the response has no code".into()))
}
