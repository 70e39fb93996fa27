//! Pool-level extras: UpdateUserPool, UpdateUserPoolClient, resource servers, pool domains,
//! GetCSVHeader.

use super::Call;
use super::clients::client_type;
use super::error::CognitoError;
use super::paging::{MAX_RESULTS_60, Paging};
use portcullis_core::client::OAuthFlow;
use portcullis_core::resource_server::{ResourceServer, ResourceServerScope};
use serde_json::{Value, json};

pub(crate) async fn update_pool(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let mut settings = super::pool_settings::settings_from(&c.input)?;
    // UsernameAttributes, case sensitivity and the schema cannot change after creation (as
    // in Cognito).
    settings.username_attributes = pool.settings.username_attributes.clone();
    settings.required_attributes = pool.settings.required_attributes.clone();
    settings.custom_attributes = pool.settings.custom_attributes.clone();
    settings.immutable_attributes = pool.settings.immutable_attributes.clone();
    // Aliases are chosen at creation, as in Cognito.
    settings.alias_attributes = pool.settings.alias_attributes.clone();
    // Not Cognito settings: UpdateUserPool leaves them as they are.
    settings.saml_sp_entity_id = pool.settings.saml_sp_entity_id.clone();
    settings.claim_rules = pool.settings.claim_rules.clone();
    settings.hooks.password_import = pool.settings.hooks.password_import.clone();
    settings.case_sensitive_usernames = pool.settings.case_sensitive_usernames;
    c.s.app
        .update_pool_settings(pool.id.as_str(), settings)
        .await
        .map_err(c.core(Some(pool.id.as_str())))?;
    Ok(json!({}))
}

/// Like Cognito, an update replaces the client's configuration: members left out return to
/// their defaults (except the name, which stays unless given).
pub(crate) async fn update_client(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("ClientId")?;
    let mut client =
        c.s.app
            .client(pool.id.as_str(), id)
            .await
            .map_err(c.core(Some(id)))?;
    if let Some(n) = c.opt_string("ClientName")? {
        client.name = n.to_owned();
    }
    client.callback_urls = c.strings("CallbackURLs")?.unwrap_or_default();
    client.logout_urls = c.strings("LogoutURLs")?.unwrap_or_default();
    client.allowed_oauth_flows = c
        .strings("AllowedOAuthFlows")?
        .unwrap_or_default()
        .iter()
        .map(|f| OAuthFlow::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(c.core(None))?;
    client.allowed_oauth_scopes = c.strings("AllowedOAuthScopes")?.unwrap_or_default();
    if let Some(flows) = c.strings("ExplicitAuthFlows")? {
        client.explicit_auth_flows = flows;
    }
    if let Some(p) = c.opt_string("PreventUserExistenceErrors")? {
        client.prevent_user_existence_errors = match p {
            "ENABLED" => true,
            "LEGACY" => false,
            _ => {
                return Err(CognitoError::invalid_parameter(
                    "PreventUserExistenceErrors must be ENABLED or LEGACY",
                ));
            }
        };
    }
    if let Some(list) = super::clients::providers(c, &pool).await? {
        client.supported_identity_providers = list;
    }
    if let Some(r) = c.opt_bool("EnableTokenRevocation")? {
        client.enable_token_revocation = r;
    }
    // Omitted lifetimes go back to the pool's, as Cognito resets what an update omits.
    let lifetimes = super::clients::lifetimes(c, &pool)?;
    client.token_validity = lifetimes.map(|(tv, _)| tv);
    client.token_units = lifetimes.map(|(_, u)| u).unwrap_or_default();
    client.read_attributes = c.strings("ReadAttributes")?.unwrap_or_default();
    client.write_attributes = c.strings("WriteAttributes")?.unwrap_or_default();
    let client =
        c.s.app
            .update_client(client)
            .await
            .map_err(c.core(Some(id)))?;
    let secret = c.s.app.reveal_secret(&client).map_err(c.core(None))?;
    Ok(json!({"UserPoolClient": client_type(&client, secret.as_deref())}))
}

fn rs_type(rs: &ResourceServer) -> Value {
    json!({
        "UserPoolId": rs.pool_id.as_str(),
        "Identifier": rs.identifier,
        "Name": rs.name,
        "Scopes": rs.scopes.iter().map(|s| json!({"ScopeName": s.name, "ScopeDescription": s.description})).collect::<Vec<_>>(),
    })
}

fn scopes(c: &Call<'_>) -> Result<Vec<ResourceServerScope>, CognitoError> {
    let Some(list) = c.input.get("Scopes") else {
        return Ok(vec![]);
    };
    let bad =
        || CognitoError::serialization("Scopes must be a list of {ScopeName, ScopeDescription}");
    list.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|s| {
            Ok(ResourceServerScope {
                name: s
                    .get("ScopeName")
                    .and_then(Value::as_str)
                    .ok_or_else(bad)?
                    .to_owned(),
                description: s
                    .get("ScopeDescription")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            })
        })
        .collect()
}

pub(crate) async fn create_resource_server(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("Identifier")?;
    let rs =
        c.s.app
            .create_resource_server(pool.id.as_str(), id, c.string("Name")?, scopes(c)?)
            .await
            .map_err(c.core(Some(id)))?;
    Ok(json!({"ResourceServer": rs_type(&rs)}))
}

pub(crate) async fn describe_resource_server(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("Identifier")?;
    let rs =
        c.s.app
            .resource_server(pool.id.as_str(), id)
            .await
            .map_err(c.core(Some(id)))?;
    Ok(json!({"ResourceServer": rs_type(&rs)}))
}

pub(crate) async fn update_resource_server(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("Identifier")?;
    let mut rs =
        c.s.app
            .resource_server(pool.id.as_str(), id)
            .await
            .map_err(c.core(Some(id)))?;
    rs.name = c.string("Name")?.to_owned();
    rs.scopes = scopes(c)?;
    c.s.app
        .update_resource_server(&rs)
        .await
        .map_err(c.core(Some(id)))?;
    Ok(json!({"ResourceServer": rs_type(&rs)}))
}

pub(crate) async fn delete_resource_server(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("Identifier")?;
    c.s.app
        .delete_resource_server(pool.id.as_str(), id)
        .await
        .map_err(c.core(Some(id)))?;
    Ok(json!({}))
}

pub(crate) async fn list_resource_servers(c: &Call<'_>) -> Result<Value, CognitoError> {
    // Cognito: MaxResults is required here, at most 50.
    let paging = Paging {
        max: 50,
        required: true,
        ..MAX_RESULTS_60
    };
    let ask = paging.ask(c)?;
    let pool = c.pool().await?;
    let all =
        c.s.app
            .list_resource_servers(pool.id.as_str())
            .await
            .map_err(c.core(None))?;
    Ok(paging.answer(
        &ask,
        all,
        |r| r.identifier.clone(),
        rs_type,
        "ResourceServers",
    ))
}

/// UpdateUserPoolDomain: the domain stays this pool's (certificates and managed-login
/// versions are the reverse proxy's business here); a domain of another pool, or none, is
/// refused.
pub(crate) async fn update_domain(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let domain = c.string("Domain")?;
    if pool.domain.as_deref() != Some(domain) {
        return Err(CognitoError::invalid_parameter(&format!(
            "The domain {domain} is not the domain of user pool {}",
            pool.id
        )));
    }
    Ok(json!({"CloudFrontDomain": domain, "ManagedLoginVersion": 1}))
}

/// CreateUserPoolDomain: `Domain` is the host name whose requests reach this pool's pages.
pub(crate) async fn create_domain(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let domain = c.string("Domain")?;
    let updated =
        c.s.app
            .set_pool_domain(pool.id.as_str(), Some(domain))
            .await
            .map_err(|e| match e {
                portcullis_core::Error::Conflict(_) => CognitoError::invalid_parameter(
                    "Domain already associated with another user pool.",
                ),
                other => c.core(Some(domain))(other),
            })?;
    Ok(json!({"CloudFrontDomain": updated.domain}))
}

pub(crate) async fn describe_domain(c: &Call<'_>) -> Result<Value, CognitoError> {
    let domain = c.string("Domain")?.to_ascii_lowercase();
    let found =
        c.s.app
            .pool_for_domain(&domain)
            .await
            .map_err(c.core(None))?;
    let visible = found.filter(|p| c.key.as_ref().is_none_or(|k| k.allows(&p.id)));
    Ok(match visible {
        Some(p) => json!({"DomainDescription": {
            "UserPoolId": p.id.as_str(), "Domain": domain, "Status": "ACTIVE", "CloudFrontDistribution": domain,
        }}),
        None => json!({"DomainDescription": {}}),
    })
}

pub(crate) async fn delete_domain(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let domain = c.string("Domain")?.to_ascii_lowercase();
    if pool.domain.as_deref() != Some(domain.as_str()) {
        return Err(CognitoError::invalid_parameter(
            "The domain is not associated with this user pool.",
        ));
    }
    c.s.app
        .set_pool_domain(pool.id.as_str(), None)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}
