//! OIDC discovery (OpenID Connect Discovery 1.0 §3) and the JWKS (RFC 7517 §5), per pool.

use super::Shared;
use super::error::JsonError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use portcullis_core::client::OAuthFlow;
use portcullis_crypto::signing::jwks as jwks_document;
use serde_json::json;

pub(crate) async fn openid_configuration(
    State(s): State<Shared>,
    Path(pool): Path<String>,
) -> Result<impl IntoResponse, JsonError> {
    let pool = s.app.pool(&pool).await?;
    let issuer = s.config.issuer(pool.id.as_str());
    // Advertise what can be used: the implicit flow (and its fragment responses) only while
    // some client of the pool enables it.
    let implicit = s
        .app
        .list_clients(pool.id.as_str())
        .await?
        .iter()
        .any(|c| c.allowed_oauth_flows.contains(&OAuthFlow::Implicit));
    let (response_types, response_modes) = if implicit {
        (json!(["code", "token"]), json!(["query", "fragment"]))
    } else {
        (json!(["code"]), json!(["query"]))
    };
    let doc = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth2/authorize"),
        "token_endpoint": format!("{issuer}/oauth2/token"),
        "userinfo_endpoint": format!("{issuer}/oauth2/userInfo"),
        "revocation_endpoint": format!("{issuer}/oauth2/revoke"),
        "end_session_endpoint": format!("{issuer}/logout"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": response_types,
        "response_modes_supported": response_modes,
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "email", "phone", "profile", "address"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
            "cognito:username", "cognito:groups", "email", "email_verified",
            "name", "given_name", "family_name", "phone_number", "phone_number_verified", "address"
        ],
        "authorization_response_iss_parameter_supported": true,
        "request_parameter_supported": false,
        "claims_parameter_supported": false,
        "request_uri_parameter_supported": false,
    });
    Ok(([(header::CACHE_CONTROL, "public, max-age=300")], Json(doc)))
}

pub(crate) async fn jwks(
    State(s): State<Shared>,
    Path(pool): Path<String>,
) -> Result<impl IntoResponse, JsonError> {
    let pool = s.app.pool(&pool).await?;
    let keys = s.app.published_jwks(&pool.id).await?;
    // Short cache: verifiers refetch on an unknown kid anyway, and a rotation shows quickly.
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(jwks_document(&keys)),
    ))
}
