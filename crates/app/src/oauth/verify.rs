//! Checking tokens this pool issued: the RS256 signature against the pool's published keys
//! (active or retiring), `iss`, `exp`, and for access tokens `token_use` and whether their
//! family (`origin_jti`) was revoked.

use crate::App;
use portcullis_core::Result;
use portcullis_core::pool::UserPool;
use portcullis_crypto::signing::{peek_header, verify_rs256};
use serde_json::Value;

/// Allowed clock skew for `iat` in the future.
const SKEW_SECS: i64 = 60;

#[derive(Debug, Clone)]
pub struct AccessClaims {
    pub sub: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub origin_jti: String,
    pub claims: Value,
}

impl App {
    /// Claims of a JWT signed by one of the pool's published keys, issued by `issuer` and not
    /// expired; `None` for anything else.
    pub async fn verify_pool_jwt(
        &self,
        pool: &UserPool,
        issuer: &str,
        token: &str,
    ) -> Result<Option<Value>> {
        self.verify_pool_jwt_with(pool, issuer, token, true).await
    }

    /// An ID token this pool signed for `issuer`, expired or not (OIDC RP-Initiated Logout
    /// §2: an `id_token_hint` may have expired), `None` for anything else.
    pub async fn verify_id_token_hint(
        &self,
        pool: &UserPool,
        issuer: &str,
        token: &str,
    ) -> Result<Option<Value>> {
        let claims = self
            .verify_pool_jwt_with(pool, issuer, token, false)
            .await?;
        Ok(claims.filter(|c| c.get("token_use").and_then(Value::as_str) == Some("id")))
    }

    async fn verify_pool_jwt_with(
        &self,
        pool: &UserPool,
        issuer: &str,
        token: &str,
        unexpired: bool,
    ) -> Result<Option<Value>> {
        let Ok(header) = peek_header(token) else {
            return Ok(None);
        };
        let Some(kid) = header.get("kid").and_then(Value::as_str) else {
            return Ok(None);
        };
        let keys = self.published_jwks(&pool.id).await?;
        let Some(jwk) = keys.iter().find(|k| k["kid"] == kid) else {
            return Ok(None);
        };
        let Ok(claims) = verify_rs256(token, jwk) else {
            return Ok(None);
        };
        let now = self.now();
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        let iat = claims
            .get("iat")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX);
        if claims.get("iss").and_then(Value::as_str) != Some(issuer)
            || (unexpired && exp <= now)
            || iat > now + SKEW_SECS
        {
            return Ok(None);
        }
        Ok(Some(claims))
    }

    /// A live access token of this pool: signed, unexpired, `token_use=access`, family not
    /// revoked.
    pub async fn verify_access_token(
        &self,
        pool: &UserPool,
        issuer: &str,
        token: &str,
    ) -> Result<Option<AccessClaims>> {
        let Some(claims) = self.verify_pool_jwt(pool, issuer, token).await? else {
            return Ok(None);
        };
        if claims.get("token_use").and_then(Value::as_str) != Some("access") {
            return Ok(None);
        }
        let field = |n: &str| claims.get(n).and_then(Value::as_str).map(str::to_owned);
        let (Some(sub), Some(client_id), Some(origin_jti)) =
            (field("sub"), field("client_id"), field("origin_jti"))
        else {
            return Ok(None);
        };
        if self.store.family_revoked(&pool.id, &origin_jti).await? == Some(true) {
            return Ok(None);
        }
        let scopes = field("scope")
            .map(|s| {
                s.split(' ')
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(AccessClaims {
            sub,
            client_id,
            scopes,
            origin_jti,
            claims,
        }))
    }
}
