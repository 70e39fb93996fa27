//! App client actions: CreateUserPoolClient, DescribeUserPoolClient, ListUserPoolClients,
//! DeleteUserPoolClient.

use super::Call;
use super::error::CognitoError;
use super::paging::{MAX_RESULTS_60, by_creation};
use portcullis_core::client::{AppClient, NewClient, OAuthFlow, RefreshRotation, SignInSource};
use portcullis_core::lifetime::{Lifetime, LifetimeRequest, TimeUnit, TokenUnits, in_unit};
use portcullis_core::pool::{TokenValidity, UserPool};
use serde_json::{Value, json};

/// Cognito's `UserPoolClientType`; the secret only where Cognito shows it.
pub(crate) fn client_type(c: &AppClient, secret: Option<&str>) -> Value {
    let mut v = json!({
        "UserPoolId": c.pool_id.as_str(),
        "ClientName": c.name,
        "ClientId": c.client_id,
        "CreationDate": c.created_at,
        "LastModifiedDate": c.updated_at,
        "CallbackURLs": c.callback_urls,
        "LogoutURLs": c.logout_urls,
        "AllowedOAuthFlows": c.allowed_oauth_flows.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        "AllowedOAuthScopes": c.allowed_oauth_scopes,
        "AllowedOAuthFlowsUserPoolClient": !c.allowed_oauth_flows.is_empty(),
        "ExplicitAuthFlows": c.explicit_auth_flows,
        "SupportedIdentityProviders": c.supported_identity_providers,
        "PreventUserExistenceErrors": if c.prevent_user_existence_errors { "ENABLED" } else { "LEGACY" },
        "EnableTokenRevocation": c.enable_token_revocation,
        // Not settable here: Cognito's defaults, as it reports them.
        "AuthSessionValidity": 3,
        "EnablePropagateAdditionalUserContextData": false,
    });
    if !c.read_attributes.is_empty() {
        super::set(&mut v, "ReadAttributes", json!(c.read_attributes));
    }
    if !c.write_attributes.is_empty() {
        super::set(&mut v, "WriteAttributes", json!(c.write_attributes));
    }
    if let Some(tv) = &c.token_validity {
        let u = &c.token_units;
        super::set(
            &mut v,
            "AccessTokenValidity",
            json!(in_unit(tv.access_token_secs, u.access)),
        );
        super::set(
            &mut v,
            "IdTokenValidity",
            json!(in_unit(tv.id_token_secs, u.id)),
        );
        super::set(
            &mut v,
            "RefreshTokenValidity",
            json!(in_unit(tv.refresh_token_secs, u.refresh)),
        );
        super::set(
            &mut v,
            "TokenValidityUnits",
            json!({"AccessToken": u.access.as_str(), "IdToken": u.id.as_str(), "RefreshToken": u.refresh.as_str()}),
        );
    }
    if let Some(s) = secret {
        super::set(&mut v, "ClientSecret", json!(s));
    }
    v
}

/// `AccessTokenValidity`, `IdTokenValidity` and `RefreshTokenValidity` in their
/// `TokenValidityUnits`, the ones not given from the pool; `None` when none is given.
pub(crate) fn lifetimes(
    c: &Call<'_>,
    pool: &UserPool,
) -> Result<Option<(TokenValidity, TokenUnits)>, CognitoError> {
    let units = c.input.get("TokenValidityUnits");
    let unit = |name: &str, default: TimeUnit| -> Result<TimeUnit, CognitoError> {
        match units.and_then(|u| u.get(name)) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::String(s)) => TimeUnit::parse(s).map_err(|e| {
                CognitoError::invalid_parameter(&format!("TokenValidityUnits.{name}: {e}"))
            }),
            Some(_) => Err(CognitoError::serialization(&format!(
                "TokenValidityUnits.{name} must be a string"
            ))),
        }
    };
    let d = TokenUnits::default();
    let one = |value: &str, unit_name: &str, default: TimeUnit| {
        Ok::<_, CognitoError>(match c.opt_u64(value)? {
            Some(v) => Some(Lifetime {
                value: v,
                unit: unit(unit_name, default)?,
            }),
            None => None,
        })
    };
    let req = LifetimeRequest {
        access: one("AccessTokenValidity", "AccessToken", d.access)?,
        id: one("IdTokenValidity", "IdToken", d.id)?,
        refresh: one("RefreshTokenValidity", "RefreshToken", d.refresh)?,
    };
    req.resolve(pool.settings.token_validity)
        .map_err(|e| CognitoError::invalid_parameter(&e.to_string()))
}

/// `SupportedIdentityProviders`, each `COGNITO` or a provider of the pool.
pub(crate) async fn providers(
    c: &Call<'_>,
    pool: &portcullis_core::pool::UserPool,
) -> Result<Option<Vec<String>>, CognitoError> {
    let Some(list) = c.strings("SupportedIdentityProviders")? else {
        return Ok(None);
    };
    for name in &list {
        if SignInSource::of(name) != SignInSource::Directory
            && c.s
                .app
                .pool_idp(&pool.id, name)
                .await
                .map_err(c.core(None))?
                .is_none()
        {
            return Err(CognitoError::invalid_parameter(&format!(
                "The provider {name} does not exist for User Pool {}",
                pool.id
            )));
        }
    }
    Ok(Some(list))
}

pub(crate) async fn create(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let supported = providers(c, &pool).await?;
    // Every input is checked before anything is written.
    let prevent = match c.opt_string("PreventUserExistenceErrors")? {
        None => None,
        Some("ENABLED") => Some(true),
        Some("LEGACY") => Some(false),
        Some(_) => {
            return Err(CognitoError::invalid_parameter(
                "PreventUserExistenceErrors must be ENABLED or LEGACY",
            ));
        }
    };
    let revocation = c.opt_bool("EnableTokenRevocation")?;
    let lifetimes = lifetimes(c, &pool)?;

    let flows = c
        .strings("AllowedOAuthFlows")?
        .unwrap_or_default()
        .iter()
        .map(|f| OAuthFlow::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(c.core(None))?;
    let req = NewClient {
        name: c.string("ClientName")?.to_owned(),
        callback_urls: c.strings("CallbackURLs")?.unwrap_or_default(),
        logout_urls: c.strings("LogoutURLs")?.unwrap_or_default(),
        allowed_oauth_flows: flows,
        allowed_oauth_scopes: c.strings("AllowedOAuthScopes")?.unwrap_or_default(),
        explicit_auth_flows: c.strings("ExplicitAuthFlows")?,
        token_validity: lifetimes.map(|(tv, _)| tv),
        token_units: lifetimes.map(|(_, u)| u).unwrap_or_default(),
        refresh_rotation: RefreshRotation::default(),
        read_attributes: c.strings("ReadAttributes")?.unwrap_or_default(),
        write_attributes: c.strings("WriteAttributes")?.unwrap_or_default(),
    };
    let with_secret = c.opt_bool("GenerateSecret")?.unwrap_or(false);
    let created =
        c.s.app
            .create_client(pool.id.as_str(), req, with_secret)
            .await
            .map_err(c.core(Some(pool.id.as_str())))?;
    let mut client = created.client;
    if supported.is_some() || prevent.is_some() || revocation.is_some() {
        if let Some(list) = supported {
            client.supported_identity_providers = list;
        }
        client.prevent_user_existence_errors =
            prevent.unwrap_or(client.prevent_user_existence_errors);
        client.enable_token_revocation = revocation.unwrap_or(client.enable_token_revocation);
        client = c.s.app.update_client(client).await.map_err(c.core(None))?;
    }
    Ok(json!({"UserPoolClient": client_type(&client, created.secret.as_deref())}))
}

async fn client_of(c: &Call<'_>) -> Result<AppClient, CognitoError> {
    let pool = c.pool().await?;
    let id = c.string("ClientId")?;
    c.s.app
        .client(pool.id.as_str(), id)
        .await
        .map_err(c.core(Some(id)))
}

pub(crate) async fn describe(c: &Call<'_>) -> Result<Value, CognitoError> {
    let client = client_of(c).await?;
    let secret = c.s.app.reveal_secret(&client).map_err(c.core(None))?;
    Ok(json!({"UserPoolClient": client_type(&client, secret.as_deref())}))
}

pub(crate) async fn list(c: &Call<'_>) -> Result<Value, CognitoError> {
    let ask = MAX_RESULTS_60.ask(c)?;
    let pool = c.pool().await?;
    let clients =
        c.s.app
            .list_clients(pool.id.as_str())
            .await
            .map_err(c.core(None))?;
    Ok(MAX_RESULTS_60.answer(
        &ask,
        clients,
        |k| by_creation(k.created_at, &k.client_id),
        |k| json!({"ClientId": k.client_id, "UserPoolId": k.pool_id.as_str(), "ClientName": k.name}),
        "UserPoolClients",
    ))
}

pub(crate) async fn delete(c: &Call<'_>) -> Result<Value, CognitoError> {
    let client = client_of(c).await?;
    c.s.app
        .delete_client(client.pool_id.as_str(), &client.client_id)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}
