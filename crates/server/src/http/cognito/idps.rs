//! Identity provider actions: CreateIdentityProvider, DescribeIdentityProvider,
//! UpdateIdentityProvider, DeleteIdentityProvider, ListIdentityProviders,
//! GetIdentityProviderByIdentifier. Providers are stored and validated; signing in through
//! them comes with the federation connectors.

use super::Call;
use super::error::CognitoError;
use crate::admin::IdpInput;
use portcullis_core::Error;
use portcullis_core::error::Entity;
use portcullis_core::idp::{IdentityProvider, ProviderType};
use serde_json::{Value, json};

fn not_found(name: &str) -> CognitoError {
    CognitoError::from_core(Error::NotFound(Entity::Pool), None)
        .with_message(format!("Identity provider {name} does not exist."))
}

fn map_err(c: &Call<'_>, name: &str) -> impl Fn(Error) -> CognitoError {
    let name = name.to_owned();
    let core = c.core(None);
    move |e| match e {
        Error::NotFound(Entity::Pool) => not_found(&name),
        Error::Conflict(Entity::Pool) => CognitoError::duplicate_provider(&name),
        Error::Conflict(Entity::Code) => CognitoError::invalid_parameter(
            "An IdpIdentifier is already used by another provider in this user pool.",
        ),
        other => core(other),
    }
}

fn idp_type(c: &Call<'_>, idp: &IdentityProvider) -> Result<Value, CognitoError> {
    let details = c.s.app.idp_details(idp).map_err(c.core(None))?;
    Ok(json!({
        "UserPoolId": idp.pool_id.as_str(),
        "ProviderName": idp.name,
        "ProviderType": idp.provider_type.as_str(),
        "ProviderDetails": details,
        "AttributeMapping": idp.attribute_mapping,
        "IdpIdentifiers": idp.identifiers,
        "CreationDate": idp.created_at,
        "LastModifiedDate": idp.updated_at,
    }))
}

pub(crate) async fn create(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("ProviderName")?;
    let provider_type = ProviderType::parse(c.string("ProviderType")?).map_err(c.core(None))?;
    let input = IdpInput {
        details: c.map("ProviderDetails")?,
        attribute_mapping: c.map("AttributeMapping")?,
        identifiers: c.strings("IdpIdentifiers")?.unwrap_or_default(),
    };
    let idp =
        c.s.app
            .create_idp(pool.id.as_str(), name, provider_type, input)
            .await
            .map_err(map_err(c, name))?;
    Ok(json!({"IdentityProvider": idp_type(c, &idp)?}))
}

pub(crate) async fn describe(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("ProviderName")?;
    let idp =
        c.s.app
            .idp(pool.id.as_str(), name)
            .await
            .map_err(map_err(c, name))?;
    Ok(json!({"IdentityProvider": idp_type(c, &idp)?}))
}

pub(crate) async fn update(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("ProviderName")?;
    let details = c
        .input
        .get("ProviderDetails")
        .map(|_| c.map("ProviderDetails"))
        .transpose()?;
    let mapping = c
        .input
        .get("AttributeMapping")
        .map(|_| c.map("AttributeMapping"))
        .transpose()?;
    let identifiers = c.strings("IdpIdentifiers")?;
    let idp =
        c.s.app
            .update_idp(pool.id.as_str(), name, details, mapping, identifiers)
            .await
            .map_err(map_err(c, name))?;
    Ok(json!({"IdentityProvider": idp_type(c, &idp)?}))
}

pub(crate) async fn delete(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("ProviderName")?;
    c.s.app
        .delete_idp(pool.id.as_str(), name)
        .await
        .map_err(map_err(c, name))?;
    Ok(json!({}))
}

pub(crate) async fn list(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let all =
        c.s.app
            .list_idps(pool.id.as_str())
            .await
            .map_err(c.core(None))?;
    let items: Vec<Value> = all
        .iter()
        .map(|p| {
            json!({"ProviderName": p.name, "ProviderType": p.provider_type.as_str(),
            "CreationDate": p.created_at, "LastModifiedDate": p.updated_at})
        })
        .collect();
    Ok(json!({"Providers": items}))
}

pub(crate) async fn by_identifier(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("IdpIdentifier")?;
    let idp =
        c.s.app
            .store
            .idp_by_identifier(&pool.id, id)
            .await
            .map_err(c.core(None))?
            .ok_or_else(|| not_found(id))?;
    Ok(json!({"IdentityProvider": idp_type(c, &idp)?}))
}
