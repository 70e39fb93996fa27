//! Authorization codes (RFC 6749 §4.1.2–4.1.3): single use, 5 minutes, bound to the client,
//! the redirect URI and the PKCE challenge. A second redemption fails and revokes what the
//! first one issued (the code's family is revoked, even if the first is still in flight).

use super::server_error;
use super::tokens::{Subject, TokenResponse, TokenSource};
use crate::App;
use crate::admin::crypto_err;
use portcullis_core::client::AppClient;
use portcullis_core::clock::UnixTime;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::oauth::OAuthError;
use portcullis_core::oauth::authorize::AuthorizeRequest;
use portcullis_core::pool::UserPool;
use portcullis_core::session::TokenFamily;
use portcullis_core::user::User;
use portcullis_core::{Error, Result};
use portcullis_crypto::tokens::{
    is_valid_code_verifier, pkce_s256_matches, random_token, token_hash,
};
use portcullis_store::Consumed;
use serde::{Deserialize, Serialize};

pub const CODE_TTL_SECS: i64 = 300;
const CODE_KIND: &str = "authorization_code";

/// What a code stands for; stored (as JSON) under the code's hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    sub: uuid::Uuid,
    auth_time: UnixTime,
    origin_jti: String,
}

impl App {
    pub async fn issue_code(
        &self,
        pool: &UserPool,
        req: &AuthorizeRequest,
        user: &User,
        auth_time: UnixTime,
    ) -> Result<String> {
        let code = random_token().map_err(crypto_err)?;
        let grant = CodeGrant {
            client_id: req.client_id.clone(),
            redirect_uri: req.redirect_uri.clone(),
            scopes: req.scopes.clone(),
            nonce: req.nonce.clone(),
            code_challenge: req.code_challenge.clone(),
            sub: user.sub,
            auth_time,
            origin_jti: uuid::Uuid::new_v4().to_string(),
        };
        self.store
            .put_one_time(&OneTimeRecord {
                pool_id: pool.id.clone(),
                kind: CODE_KIND.into(),
                key_hash: token_hash(&code),
                payload: serde_json::to_value(&grant).map_err(Error::internal)?,
                expires_at: self.now() + CODE_TTL_SECS,
            })
            .await?;
        Ok(code)
    }

    /// The implicit flow: tokens straight from the authorization endpoint, no refresh token.
    pub async fn implicit_tokens(
        &self,
        pool: &UserPool,
        client: &AppClient,
        issuer: &str,
        req: &AuthorizeRequest,
        user: &User,
        auth_time: UnixTime,
    ) -> Result<TokenResponse> {
        let origin_jti = uuid::Uuid::new_v4().to_string();
        let subject = Subject {
            user,
            scopes: &req.scopes,
            auth_time,
            origin_jti: &origin_jti,
            nonce: req.nonce.as_deref(),
            at_hash: true,
            source: TokenSource::HostedAuth,
        };
        // Minted first: a refusal by the PreTokenGeneration hook leaves no family behind.
        let tokens = self.mint(pool, client, issuer, &subject).await?;
        self.start_family(pool, client, &subject, false).await?;
        Ok(tokens)
    }

    pub async fn redeem_code(
        &self,
        pool: &UserPool,
        client: &AppClient,
        issuer: &str,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let consumed = self
            .store
            .consume_one_time(&pool.id, &token_hash(code), self.now())
            .await
            .map_err(server_error)?;
        let record = match consumed {
            Consumed::First(r) if r.kind == CODE_KIND => r,
            Consumed::AlreadyUsed(r) if r.kind == CODE_KIND => {
                self.revoke_code_family(pool, &r)
                    .await
                    .map_err(server_error)?;
                tracing::warn!(pool = %pool.id, "authorization code replayed: its tokens are revoked");
                return Err(OAuthError::invalid_grant(
                    "authorization code has already been used",
                ));
            }
            _ => {
                return Err(OAuthError::invalid_grant(
                    "invalid or expired authorization code",
                ));
            }
        };
        let grant: CodeGrant =
            serde_json::from_value(record.payload).map_err(|e| server_error(Error::internal(e)))?;
        if grant.client_id != client.client_id {
            return Err(OAuthError::invalid_grant(
                "authorization code was issued to another client",
            ));
        }
        if redirect_uri != Some(grant.redirect_uri.as_str()) {
            return Err(OAuthError::invalid_grant(
                "redirect_uri does not match the authorization request",
            ));
        }
        check_pkce(grant.code_challenge.as_deref(), verifier)?;
        // A password change, reset, disable or global sign-out after the code was issued
        // voids it, as it ends the sessions and refresh tokens of that moment.
        let issued_at = record.expires_at - CODE_TTL_SECS;
        let revoked_at = self
            .store
            .user_revoked_at(&pool.id, grant.sub)
            .await
            .map_err(server_error)?;
        if revoked_at.is_some_and(|r| r > issued_at) {
            return Err(OAuthError::invalid_grant(
                "authorization code was revoked with the user's sessions",
            ));
        }
        let user = self.live_user(pool, grant.sub).await?;
        let subject = Subject {
            user: &user,
            scopes: &grant.scopes,
            auth_time: grant.auth_time,
            origin_jti: &grant.origin_jti,
            nonce: grant.nonce.as_deref(),
            at_hash: true,
            source: TokenSource::HostedAuth,
        };
        // Minted first: a refusal by the PreTokenGeneration hook leaves no family behind.
        let mut response = self
            .mint(pool, client, issuer, &subject)
            .await
            .map_err(server_error)?;
        let refresh = match self.start_family(pool, client, &subject, true).await {
            Ok(r) => r,
            Err(Error::Conflict(_)) => {
                return Err(OAuthError::invalid_grant(
                    "authorization code has already been used",
                ));
            }
            Err(e) => return Err(server_error(e)),
        };
        response.refresh_token = refresh;
        Ok(response)
    }

    async fn revoke_code_family(&self, pool: &UserPool, record: &OneTimeRecord) -> Result<()> {
        let grant: CodeGrant =
            serde_json::from_value(record.payload.clone()).map_err(Error::internal)?;
        let family = TokenFamily {
            pool_id: pool.id.clone(),
            family_id: grant.origin_jti,
            client_id: grant.client_id,
            sub: grant.sub,
            created_at: self.now(),
            expires_at: self.now(),
        };
        self.store.revoke_family(&family, self.now()).await
    }
}

/// RFC 7636 §4.6, and RFC 9700 §4.8.2's downgrade check: a verifier for a code that had no
/// challenge is refused too.
fn check_pkce(challenge: Option<&str>, verifier: Option<&str>) -> Result<(), OAuthError> {
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier given but no code_challenge was",
        )),
        (Some(_), None) => Err(OAuthError::invalid_grant("code_verifier is required")),
        (Some(_), Some(v)) if !is_valid_code_verifier(v) => {
            Err(OAuthError::invalid_grant("code_verifier is malformed"))
        }
        (Some(c), Some(v)) => {
            if pkce_s256_matches(v, c) {
                Ok(())
            } else {
                Err(OAuthError::invalid_grant(
                    "code_verifier does not match the code_challenge",
                ))
            }
        }
    }
}
