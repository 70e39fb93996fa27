//! Minting tokens (RS256, Cognito-shaped claims), the refresh grant, and revocation
//! (RFC 7009); client_credentials is `machine.rs`. Every user token belongs to a family
//! whose id is the `origin_jti` claim: revoking the family kills the refresh token and every
//! access token issued from the same authentication.

use super::server_error;
use crate::App;
use crate::admin::crypto_err;
use crate::hooks::tokens::TokenDraft;
use portcullis_core::client::AppClient;
use portcullis_core::clock::UnixTime;
pub use portcullis_core::hooks::pre_token::TokenSource;
use portcullis_core::oauth::claims::{self, Grant};
use portcullis_core::oauth::refresh::{RefreshDecision, decide};
use portcullis_core::oauth::{OAuthError, scope};
use portcullis_core::pool::{TokenValidity, UserPool};
use portcullis_core::session::{RefreshState, RefreshToken, TokenFamily};
use portcullis_core::user::User;
use portcullis_core::{Error, Result};
use portcullis_crypto::tokens::{at_hash, random_token, token_hash};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub token_type: &'static str,
    pub expires_in: u32,
}

/// Who the tokens are for and what they allow.
pub struct Subject<'a> {
    pub user: &'a User,
    pub scopes: &'a [String],
    pub auth_time: UnixTime,
    pub origin_jti: &'a str,
    pub nonce: Option<&'a str>,
    /// `at_hash` in the ID token: the browser flows have it, Cognito's API flows do not.
    pub at_hash: bool,
    /// Where the tokens are issued, for the PreTokenGeneration hook.
    pub source: TokenSource,
}

pub(super) fn validity(pool: &UserPool, client: &AppClient) -> TokenValidity {
    client
        .token_validity
        .unwrap_or(pool.settings.token_validity)
}

fn seal_context(pool: &UserPool, family: &str) -> String {
    format!("refresh-successor:{}:{family}", pool.id)
}

impl App {
    /// Signs an access token and, with the `openid` scope, an ID token: the standard
    /// claims, then the claim rules, then the PreTokenGeneration hook's changes.
    pub async fn mint(
        &self,
        pool: &UserPool,
        client: &AppClient,
        issuer: &str,
        s: &Subject<'_>,
    ) -> Result<TokenResponse> {
        let signer = self.active_signer(&pool.id).await?;
        let groups: Vec<String> = self
            .store
            .groups_of_user(&pool.id, s.user.sub)
            .await?
            .into_iter()
            .map(|g| g.name)
            .collect();
        // Tokens carry only the attributes the client may read (its ReadAttributes), never
        // developer-only ones.
        let mut visible = s.user.clone();
        visible.attributes = pool
            .settings
            .user_visible(&client.readable(&s.user.attributes));
        let grant = Grant {
            issuer,
            client_id: &client.client_id,
            user: &visible,
            groups: &groups,
            scopes: s.scopes,
            auth_time: s.auth_time,
            origin_jti: s.origin_jti,
        };
        let v = validity(pool, client);
        let now = self.now();
        let new_jti = || uuid::Uuid::new_v4().to_string();
        // Claim rules see every attribute: an administrator wrote them, and may expose what
        // the client cannot read (a developer-only entitlement, say) on purpose.
        let (extra_id, extra_access) = rules_for(pool, client)
            .map(|r| r.evaluate(&groups, &s.user.attributes))
            .unwrap_or_default();
        let mut access_claims = object(claims::access_token(
            &grant,
            now,
            v.access_token_secs,
            &new_jti(),
        ))?;
        access_claims.extend(extra_access);
        let mut id_claims = if scope::has(s.scopes, "openid") {
            let mut c = object(claims::id_token(
                &grant,
                now,
                v.id_token_secs,
                &new_jti(),
                s.nonce,
                None,
            ))?;
            c.extend(extra_id);
            Some(c)
        } else {
            None
        };
        let draft = TokenDraft {
            client_id: &client.client_id,
            user: Some(&visible),
            groups: &groups,
            scopes: s.scopes,
            id: id_claims.as_mut(),
            access: &mut access_claims,
        };
        self.pre_token_generation(pool, s.source, draft).await?;
        let access = signer.sign_jwt(&access_claims).map_err(crypto_err)?;
        let id_token = match id_claims {
            Some(mut c) => {
                if s.at_hash {
                    c.insert("at_hash".into(), serde_json::json!(at_hash(&access)));
                }
                Some(signer.sign_jwt(&c).map_err(crypto_err)?)
            }
            None => None,
        };
        Ok(TokenResponse {
            access_token: access,
            id_token,
            refresh_token: None,
            token_type: "Bearer",
            expires_in: v.access_token_secs,
        })
    }

    /// Starts a token family for a fresh authentication; with `with_refresh`, its first
    /// refresh token. Fails with `Conflict` if the family was revoked before it existed
    /// (a replayed authorization code).
    pub async fn start_family(
        &self,
        pool: &UserPool,
        client: &AppClient,
        s: &Subject<'_>,
        with_refresh: bool,
    ) -> Result<Option<String>> {
        let now = self.now();
        let expires_at = now + i64::from(validity(pool, client).refresh_token_secs);
        let family = TokenFamily {
            pool_id: pool.id.clone(),
            family_id: s.origin_jti.to_owned(),
            client_id: client.client_id.clone(),
            sub: s.user.sub,
            created_at: now,
            expires_at,
        };
        let refresh = if with_refresh {
            Some(random_token().map_err(crypto_err)?)
        } else {
            None
        };
        let record = refresh.as_ref().map(|rt| RefreshToken {
            pool_id: pool.id.clone(),
            token_hash: token_hash(rt),
            family_id: family.family_id.clone(),
            client_id: client.client_id.clone(),
            sub: s.user.sub,
            scopes: s.scopes.to_vec(),
            auth_time: s.auth_time,
            created_at: now,
            expires_at,
        });
        self.store.create_family(&family, record.as_ref()).await?;
        Ok(refresh)
    }

    /// RFC 6749 §6 with rotation and reuse detection (see `core::oauth::refresh`).
    pub async fn refresh_grant(
        &self,
        pool: &UserPool,
        client: &AppClient,
        issuer: &str,
        presented: &str,
        requested_scope: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let now = self.now();
        let hash = token_hash(presented);
        let state = self
            .store
            .get_refresh(&pool.id, &hash)
            .await
            .map_err(server_error)?;
        let decision = decide(state.as_ref(), client, now);
        if let RefreshDecision::Reject(why) = decision {
            return Err(OAuthError::invalid_grant(why));
        }
        let Some(state) = state else {
            return Err(OAuthError::invalid_grant("unknown refresh token"));
        };
        let token = &state.token;
        if decision == RefreshDecision::ReuseDetected {
            self.revoke_family_of(pool, token)
                .await
                .map_err(server_error)?;
            tracing::warn!(pool = %pool.id, family = %token.family_id, "refresh token reuse: family revoked");
            return Err(OAuthError::invalid_grant(
                "refresh token has already been used",
            ));
        }
        let scopes = scope::narrow(&token.scopes, requested_scope)?;
        let user = self.live_user(pool, token.sub).await?;
        let subject = Subject {
            user: &user,
            scopes: &scopes,
            auth_time: token.auth_time,
            origin_jti: &token.family_id,
            nonce: None,
            at_hash: false,
            source: TokenSource::RefreshTokens,
        };
        let new_refresh = match decision {
            RefreshDecision::Reissue => None,
            RefreshDecision::ReturnSuccessor => Some(self.successor(pool, &state)?),
            _ => match self.rotate(pool, &hash, token, now).await? {
                Some(next) => Some(next),
                // A concurrent request rotated it a moment ago: treat this as its retry.
                None => {
                    return Box::pin(self.refresh_grant(
                        pool,
                        client,
                        issuer,
                        presented,
                        requested_scope,
                    ))
                    .await;
                }
            },
        };
        let mut response = self
            .mint(pool, client, issuer, &subject)
            .await
            .map_err(server_error)?;
        response.refresh_token = new_refresh;
        Ok(response)
    }

    /// The token that already replaced `state`'s (kept sealed for a retry within the grace
    /// period).
    fn successor(&self, pool: &UserPool, state: &RefreshState) -> Result<String, OAuthError> {
        let sealed = state.successor_sealed.as_deref().unwrap_or_default();
        let clear = self
            .master
            .open(&seal_context(pool, &state.token.family_id), sealed)
            .map_err(|e| server_error(Error::internal(e)))?;
        String::from_utf8(clear.to_vec()).map_err(|e| server_error(Error::internal(e)))
    }

    /// Replaces the refresh token `hash` of `token`'s family with a new one, returned;
    /// `None` when a concurrent request replaced it first.
    async fn rotate(
        &self,
        pool: &UserPool,
        hash: &str,
        token: &RefreshToken,
        now: i64,
    ) -> Result<Option<String>, OAuthError> {
        let next = random_token().map_err(|e| server_error(crypto_err(e)))?;
        let record = RefreshToken {
            token_hash: token_hash(&next),
            created_at: now,
            ..token.clone()
        };
        let sealed = self
            .master
            .seal(&seal_context(pool, &token.family_id), next.as_bytes())
            .map_err(|e| server_error(crypto_err(e)))?;
        let won = self
            .store
            .rotate_refresh(hash, &record, &sealed, now)
            .await
            .map_err(server_error)?;
        Ok(won.then_some(next))
    }

    /// RFC 7009: a refresh token or access token of this client revokes its whole family.
    /// Unknown tokens and other clients' tokens are answered the same way and change nothing.
    pub async fn revoke_token(
        &self,
        pool: &UserPool,
        client: &AppClient,
        issuer: &str,
        token: &str,
    ) -> Result<()> {
        if let Some(state) = self.store.get_refresh(&pool.id, &token_hash(token)).await? {
            if state.token.client_id == client.client_id {
                self.revoke_family_of(pool, &state.token).await?;
            }
            return Ok(());
        }
        if let Some(at) = self.verify_access_token(pool, issuer, token).await?
            && at.client_id == client.client_id
            && let Ok(sub) = uuid::Uuid::parse_str(&at.sub)
        {
            let family = TokenFamily {
                pool_id: pool.id.clone(),
                family_id: at.origin_jti,
                client_id: client.client_id.clone(),
                sub,
                created_at: self.now(),
                expires_at: self.now(),
            };
            // Machine tokens have no user row; their family cannot be stored.
            if self.store.get_user_by_sub(&pool.id, sub).await?.is_some() {
                self.store.revoke_family(&family, self.now()).await?;
            }
        }
        Ok(())
    }

    /// The enabled user a grant is for; `invalid_grant` if deleted or disabled since.
    pub async fn live_user(&self, pool: &UserPool, sub: uuid::Uuid) -> Result<User, OAuthError> {
        self.store
            .get_user_by_sub(&pool.id, sub)
            .await
            .map_err(server_error)?
            .filter(|u| u.enabled)
            .ok_or_else(|| OAuthError::invalid_grant("the user no longer exists or is disabled"))
    }

    async fn revoke_family_of(&self, pool: &UserPool, t: &RefreshToken) -> Result<()> {
        let family = TokenFamily {
            pool_id: pool.id.clone(),
            family_id: t.family_id.clone(),
            client_id: t.client_id.clone(),
            sub: t.sub,
            created_at: t.created_at,
            expires_at: t.expires_at,
        };
        self.store.revoke_family(&family, self.now()).await
    }
}

/// The claim rules for `client`'s tokens: its own, else the pool's.
pub(super) fn rules_for<'a>(
    pool: &'a UserPool,
    client: &'a AppClient,
) -> Option<&'a portcullis_core::claim_rules::ClaimRules> {
    client
        .claim_rules
        .as_ref()
        .or(pool.settings.claim_rules.as_ref())
}

/// A token's claims as a map, for the rules and the hook to change.
pub(super) fn object(
    claims: serde_json::Value,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    match claims {
        serde_json::Value::Object(o) => Ok(o),
        _ => Err(Error::internal("token claims are not an object")),
    }
}
