//! RFC 6749 §4.4, client_credentials: a machine's access token, with the claim rules'
//! constants and defaults and the V3_0 PreTokenGeneration hook applied.

use super::server_error;
use super::tokens::{TokenResponse, TokenSource, object, rules_for, validity};
use crate::App;
use crate::admin::crypto_err;
use crate::hooks::tokens::TokenDraft;
use portcullis_core::client::{AppClient, OAuthFlow};
use portcullis_core::oauth::claims;
use portcullis_core::oauth::{ErrorCode, OAuthError, scope};
use portcullis_core::pool::UserPool;

impl App {
    /// RFC 6749 §4.4: confidential clients only, resource-server scopes only, no refresh
    /// token, `sub` = client id.
    pub async fn client_credentials_grant(
        &self,
        pool: &UserPool,
        client: &AppClient,
        issuer: &str,
        requested_scope: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.allows_flow(OAuthFlow::ClientCredentials) || !client.is_confidential() {
            return Err(OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "client_credentials is not enabled for this client",
            ));
        }
        let scopes = scope::resolve_machine(requested_scope, client)?;
        let signer = self.active_signer(&pool.id).await.map_err(server_error)?;
        let ttl = validity(pool, client).access_token_secs;
        let jti = uuid::Uuid::new_v4().to_string();
        let mut claims = object(claims::machine_access_token(
            issuer,
            &client.client_id,
            &scopes,
            self.now(),
            ttl,
            &jti,
        ))
        .map_err(server_error)?;
        // A machine has no groups and no attributes: only constants and defaults apply.
        if let Some(r) = rules_for(pool, client) {
            claims.extend(r.evaluate(&[], &Default::default()).1);
        }
        let draft = TokenDraft {
            client_id: &client.client_id,
            user: None,
            groups: &[],
            scopes: &scopes,
            id: None,
            access: &mut claims,
        };
        self.pre_token_generation(pool, TokenSource::ClientCredentials, draft)
            .await
            .map_err(server_error)?;
        let access_token = signer
            .sign_jwt(&claims)
            .map_err(|e| server_error(crypto_err(e)))?;
        Ok(TokenResponse {
            access_token,
            id_token: None,
            refresh_token: None,
            token_type: "Bearer",
            expires_in: ttl,
        })
    }
}
