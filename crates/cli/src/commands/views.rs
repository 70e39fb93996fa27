//! What the CLI shows of each object: never password hashes, sealed keys or secret digests.

use portcullis_core::client::AppClient;
use portcullis_core::key::SigningKey;
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use serde_json::{Value, json};

pub fn pool(p: &UserPool) -> Value {
    json!({
        "id": p.id.as_str(),
        "name": p.name,
        "domain": p.domain,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "settings": p.settings,
    })
}

pub fn client(c: &AppClient, secret: Option<&str>) -> Value {
    let mut v = json!({
        "pool_id": c.pool_id.as_str(),
        "client_id": c.client_id,
        "name": c.name,
        "has_secret": c.secret.is_some(),
        "callback_urls": c.callback_urls,
        "logout_urls": c.logout_urls,
        "allowed_oauth_flows": c.allowed_oauth_flows,
        "allowed_oauth_scopes": c.allowed_oauth_scopes,
        "explicit_auth_flows": c.explicit_auth_flows,
        "supported_identity_providers": c.supported_identity_providers,
        "token_validity": c.token_validity,
        "token_units": c.token_units,
        "claim_rules": c.claim_rules,
        "refresh_rotation": c.refresh_rotation,
        "prevent_user_existence_errors": c.prevent_user_existence_errors,
        "enable_token_revocation": c.enable_token_revocation,
        "read_attributes": c.read_attributes,
        "write_attributes": c.write_attributes,
        "created_at": c.created_at,
    });
    if let Some(s) = secret {
        crate::output::set(&mut v, "client_secret", json!(s));
    }
    v
}

pub fn user(u: &User) -> Value {
    json!({
        "username": u.username,
        "sub": u.sub.to_string(),
        "status": u.status.as_str(),
        "enabled": u.enabled,
        "attributes": u.attributes,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
    })
}

pub fn key(k: &SigningKey) -> Value {
    json!({
        "kid": k.kid,
        "algorithm": k.algorithm,
        "status": k.status.as_str(),
        "created_at": k.created_at,
    })
}
