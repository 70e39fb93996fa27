//! Identity provider actions: CreateIdentityProvider, DescribeIdentityProvider,
//! UpdateIdentityProvider, DeleteIdentityProvider, ListIdentityProviders,
//! GetIdentityProviderByIdentifier, and linking upstream identities to users
//! (AdminLinkProviderForUser, AdminDisableProviderForUser), and GetSigningCertificate (the
//! pool's SAML certificate). Signing in through upstream providers is `portcullis_app::federation`.

use super::Call;
use super::error::CognitoError;
use super::paging::MAX_RESULTS_60;
use portcullis_app::admin::IdpInput;
use portcullis_core::Error;
use portcullis_core::error::Entity;
use portcullis_core::idp::{IdentityProvider, ProviderType};
use serde_json::{Value, json};

fn not_found(name: &str) -> CognitoError {
    CognitoError::from_core(Error::NotFound(Entity::IdentityProvider), None)
        .with_message(format!("Identity provider {name} does not exist."))
}

fn map_err(c: &Call<'_>, name: &str) -> impl Fn(Error) -> CognitoError {
    let name = name.to_owned();
    let core = c.core(None);
    move |e| match e {
        Error::NotFound(Entity::IdentityProvider) => not_found(&name),
        Error::Conflict(Entity::IdentityProvider) => CognitoError::duplicate_provider(&name),
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
        "ProviderType": idp.provider_type().as_str(),
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
    let ask = MAX_RESULTS_60.ask(c)?;
    let pool = c.pool().await?;
    let all =
        c.s.app
            .list_idps(pool.id.as_str())
            .await
            .map_err(c.core(None))?;
    Ok(MAX_RESULTS_60.answer(
        &ask,
        all,
        |p| p.name.clone(),
        |p| {
            json!({"ProviderName": p.name, "ProviderType": p.provider_type().as_str(),
            "CreationDate": p.created_at, "LastModifiedDate": p.updated_at})
        },
        "Providers",
    ))
}

pub(crate) async fn by_identifier(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("IdpIdentifier")?;
    let idp =
        c.s.app
            .idp_for_identifier(&pool.id, id)
            .await
            .map_err(c.core(None))?
            .ok_or_else(|| not_found(id))?;
    Ok(json!({"IdentityProvider": idp_type(c, &idp)?}))
}

/// GetSigningCertificate: the certificate (base64 DER) of the pool's SAML SP key, made at
/// first use, which IdPs take to check our signed requests and to encrypt to us; the same
/// one `{issuer}/saml2/metadata` lists.
#[cfg(feature = "saml")]
pub(crate) async fn signing_certificate(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let cert =
        c.s.app
            .saml_sp_certificate(&pool)
            .await
            .map_err(|e| CognitoError::from_core(Error::Internal(e.to_string()), None))?;
    Ok(json!({"Certificate": cert}))
}

/// `{ProviderName, ProviderAttributeName, ProviderAttributeValue}` from `field`.
fn provider_user<'a>(c: &'a Call<'_>, field: &str) -> Result<(&'a str, &'a str), CognitoError> {
    let v = c
        .input
        .get(field)
        .ok_or_else(|| CognitoError::invalid_parameter(&format!("{field} is required")))?;
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| CognitoError::invalid_parameter(&format!("{field}.{k} is required")))
    };
    if let Some(attr) = v.get("ProviderAttributeName").and_then(Value::as_str)
        && field != "DestinationUser"
        && attr != "Cognito_Subject"
    {
        return Err(CognitoError::invalid_parameter(
            "only ProviderAttributeName Cognito_Subject is supported: the provider's subject",
        ));
    }
    Ok((text("ProviderName")?, text("ProviderAttributeValue")?))
}

/// AdminLinkProviderForUser: sign-ins at SourceUser's provider as its subject become
/// sign-ins as DestinationUser (a local user).
pub(crate) async fn link_user(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let (dest_provider, username) = provider_user(c, "DestinationUser")?;
    if !dest_provider.eq_ignore_ascii_case("Cognito") {
        return Err(CognitoError::invalid_parameter(
            "DestinationUser.ProviderName must be Cognito",
        ));
    }
    let (provider, subject) = provider_user(c, "SourceUser")?;
    c.s.app
        .link_provider(pool.id.as_str(), username, provider, subject)
        .await
        .map_err(|e| match e {
            Error::Conflict(Entity::User) => CognitoError::invalid_parameter(
                "Merging is not currently supported, provide a SourceUser that has not been linked",
            ),
            other => c.core(None)(other),
        })?;
    Ok(json!({}))
}

/// AdminDisableProviderForUser: undoes a link, or disables a federated user.
pub(crate) async fn unlink_user(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let (provider, subject) = provider_user(c, "User")?;
    c.s.app
        .unlink_provider(pool.id.as_str(), provider, subject)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}
