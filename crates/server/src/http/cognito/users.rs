//! User actions: AdminCreateUser, AdminGetUser, AdminDeleteUser, AdminSetUserPassword, and
//! GetUser with the user's own access token.

use super::Call;
use super::error::CognitoError;
use super::paging;
use portcullis_app::admin::NewUser;
use portcullis_core::user::User;
use serde_json::{Value, json};

fn attribute_list(u: &User) -> Vec<Value> {
    let mut out = vec![json!({"Name": "sub", "Value": u.sub.to_string()})];
    out.extend(
        u.attributes
            .iter()
            .map(|(k, v)| json!({"Name": k, "Value": v})),
    );
    out
}

/// Cognito's `UserType`.
pub(crate) fn user_type(u: &User) -> Value {
    json!({
        "Username": u.username,
        "Attributes": attribute_list(u),
        "UserCreateDate": u.created_at,
        "UserLastModifiedDate": u.updated_at,
        "Enabled": u.enabled,
        "UserStatus": u.status.as_str(),
    })
}

pub(crate) async fn admin_create(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let action = c.opt_string("MessageAction")?;
    if let Some(action) = action
        && !matches!(action, "SUPPRESS" | "RESEND")
    {
        return Err(CognitoError::invalid_parameter(
            "MessageAction must be SUPPRESS or RESEND",
        ));
    }
    let req = NewUser {
        username: c.string("Username")?.to_owned(),
        attributes: c.attributes("UserAttributes")?,
        password: c.opt_string("TemporaryPassword")?.map(str::to_owned),
        temporary: true,
    };
    let created =
        c.s.app
            .invite_user(pool.id.as_str(), req, action == Some("SUPPRESS"))
            .await
            .map_err(c.core(Some(pool.id.as_str())))?;
    Ok(json!({"User": user_type(&created.user)}))
}

async fn user_of(c: &Call<'_>) -> Result<User, CognitoError> {
    let pool = c.pool().await?;
    c.s.app
        .user(pool.id.as_str(), c.string("Username")?)
        .await
        .map_err(c.core(None))
}

pub(crate) async fn admin_get(c: &Call<'_>) -> Result<Value, CognitoError> {
    let u = user_of(c).await?;
    Ok(json!({
        "Username": u.username,
        "UserAttributes": attribute_list(&u),
        "UserCreateDate": u.created_at,
        "UserLastModifiedDate": u.updated_at,
        "Enabled": u.enabled,
        "UserStatus": u.status.as_str(),
    }))
}

pub(crate) async fn admin_delete(c: &Call<'_>) -> Result<Value, CognitoError> {
    let u = user_of(c).await?;
    c.s.app
        .delete_user(u.pool_id.as_str(), &u.username)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

pub(crate) async fn admin_set_password(c: &Call<'_>) -> Result<Value, CognitoError> {
    let u = user_of(c).await?;
    let password = c.string("Password")?;
    let permanent = c.opt_bool("Permanent")?.unwrap_or(false);
    c.s.app
        .set_password(u.pool_id.as_str(), &u.username, password, permanent)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

/// GetUser: the caller's own profile, for an access token with
/// `aws.cognito.signin.user.admin`.
/// GetUser: the attributes the token's app client may read.
pub(crate) async fn get_user(c: &Call<'_>) -> Result<Value, CognitoError> {
    let token = c.string("AccessToken")?;
    let (pool, user, at) = super::access::token_session(c, token).await?;
    let user =
        c.s.app
            .as_seen_by(&pool, &at.client_id, user)
            .await
            .map_err(c.core(None))?
            .ok_or_else(|| CognitoError::not_authorized("Invalid Access Token"))?;
    Ok(json!({"Username": user.username, "UserAttributes": attribute_list(&user)}))
}

/// The app client an access token was issued to.
async fn token_client(
    c: &Call<'_>,
    pool: &portcullis_core::pool::UserPool,
    client_id: &str,
) -> Result<portcullis_core::client::AppClient, CognitoError> {
    c.s.app
        .pool_client(&pool.id, client_id)
        .await
        .map_err(c.core(None))?
        .ok_or_else(|| CognitoError::not_authorized("Invalid Access Token"))
}

pub(crate) async fn admin_enable(c: &Call<'_>, enabled: bool) -> Result<Value, CognitoError> {
    let u = user_of(c).await?;
    let pool = c.pool().await?;
    c.s.app
        .set_user_enabled(pool.id.as_str(), &u.lookup_name(&pool), enabled)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

pub(crate) async fn admin_update_attributes(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let u = user_of(c).await?;
    let attrs = c.attributes("UserAttributes")?;
    c.s.app
        .update_attributes(pool.id.as_str(), &u.lookup_name(&pool), attrs)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

pub(crate) async fn admin_delete_attributes(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let u = user_of(c).await?;
    let names = c.strings("UserAttributeNames")?.unwrap_or_default();
    c.s.app
        .delete_attributes(pool.id.as_str(), &u.lookup_name(&pool), &names)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

pub(crate) async fn admin_confirm(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let u = user_of(c).await?;
    match c
        .s
        .app
        .confirm_user(pool.id.as_str(), &u.lookup_name(&pool))
        .await
    {
        Ok(_) => Ok(json!({})),
        Err(portcullis_core::Error::Unauthorized) => Err(CognitoError::not_authorized(&format!(
            "User cannot be confirmed. Current status is {}",
            u.status.as_str()
        ))),
        Err(e) => Err(c.core(None)(e)),
    }
}

pub(crate) async fn admin_reset_password(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let u = user_of(c).await?;
    c.s.app
        .reset_user_password(pool.id.as_str(), &u.lookup_name(&pool))
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

pub(crate) async fn admin_global_sign_out(c: &Call<'_>) -> Result<Value, CognitoError> {
    let u = user_of(c).await?;
    c.s.app.global_sign_out(&u).await.map_err(c.core(None))?;
    Ok(json!({}))
}

/// ListUsers with `Filter`, `Limit` (0–60), `PaginationToken` (opaque: the store's position,
/// wrapped as every other list's token) and `AttributesToGet`.
pub(crate) async fn list_users(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let filter =
        portcullis_core::user_filter::UserFilter::parse(c.opt_string("Filter")?.unwrap_or(""))
            .map_err(c.core(None))?;
    let limit = match c.input.get("Limit") {
        None | Some(Value::Null) => 60,
        Some(v) => match v.as_u64() {
            Some(0) => 60,
            Some(n @ 1..=60) => n as u32,
            _ => {
                return Err(CognitoError::invalid_parameter(&format!(
                    "1 validation error detected: Value '{v}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
                )));
            }
        },
    };
    let after = match c.opt_string("PaginationToken")? {
        Some(t) => Some(
            paging::decode(t)
                .ok_or_else(|| CognitoError::invalid_parameter("PaginationToken is not valid"))?,
        ),
        None => None,
    };
    let only = c.strings("AttributesToGet")?;
    let (users, next) =
        c.s.app
            .find_users(pool.id.as_str(), filter.as_ref(), limit, after.as_deref())
            .await
            .map_err(c.core(None))?;
    let shown: Vec<Value> = users
        .iter()
        .map(|u| {
            let mut v = user_type(u);
            if let (Some(only), Some(items)) =
                (&only, v.get_mut("Attributes").and_then(Value::as_array_mut))
            {
                items.retain(|a| {
                    a.get("Name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| only.iter().any(|o| o == n))
                });
            }
            v
        })
        .collect();
    let mut out = json!({ "Users": shown });
    if let Some(n) = next {
        super::set(&mut out, "PaginationToken", json!(paging::encode(&n)));
    }
    Ok(out)
}

/// ChangePassword with an access token and the previous password.
pub(crate) async fn change_password(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (_, user, at) = super::access::token_session(c, c.string("AccessToken")?).await?;
    let (old, new) = (c.string("PreviousPassword")?, c.string("ProposedPassword")?);
    match c
        .s
        .app
        .change_password(&user, old, new, Some(&at.origin_jti))
        .await
    {
        Ok(_) => Ok(json!({})),
        Err(portcullis_core::Error::Unauthorized) => Err(CognitoError::not_authorized(
            "Incorrect username or password.",
        )),
        Err(e) => Err(c.core(None)(e)),
    }
}

/// UpdateUserAttributes with an access token: a new email waits for VerifyUserAttribute.
pub(crate) async fn update_attributes(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, user, at) = super::access::token_session(c, c.string("AccessToken")?).await?;
    let attrs = c.attributes("UserAttributes")?;
    super::account::check_writable(&pool, &token_client(c, &pool, &at.client_id).await?, &attrs)?;
    let delivery =
        c.s.app
            .update_own_attributes(&pool, &user, attrs)
            .await
            .map_err(super::account::account_err(c))?;
    let list: Vec<Value> = delivery
        .iter()
        .map(|d| json!({"Destination": d.destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"}))
        .collect();
    Ok(json!({"CodeDeliveryDetailsList": list}))
}

/// DeleteUserAttributes with an access token: only attributes the token's client may write
/// (never developer-only ones); `sub`, the sign-in attribute and immutable ones stay.
pub(crate) async fn delete_own_attributes(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, user, at) = super::access::token_session(c, c.string("AccessToken")?).await?;
    let names = c.strings("UserAttributeNames")?.ok_or_else(|| {
        CognitoError::invalid_parameter("UserAttributeNames must list the attributes to delete")
    })?;
    let as_map: std::collections::BTreeMap<String, String> =
        names.iter().map(|n| (n.clone(), String::new())).collect();
    super::account::check_writable(
        &pool,
        &token_client(c, &pool, &at.client_id).await?,
        &as_map,
    )?;
    c.s.app
        .delete_attributes(pool.id.as_str(), &user.lookup_name(&pool), &names)
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}

fn email_only(c: &Call<'_>) -> Result<(), CognitoError> {
    match c.string("AttributeName")? {
        "email" => Ok(()),
        other => Err(CognitoError::invalid_parameter(&format!(
            "verification of {other} is not supported"
        ))),
    }
}

pub(crate) async fn attribute_verification_code(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, user) = super::access::token_user(c, c.string("AccessToken")?).await?;
    email_only(c)?;
    let d =
        c.s.app
            .email_verification_code(&pool, &user)
            .await
            .map_err(super::account::account_err(c))?;
    Ok(
        json!({"CodeDeliveryDetails": {"Destination": d.destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"}}),
    )
}

pub(crate) async fn verify_attribute(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, user) = super::access::token_user(c, c.string("AccessToken")?).await?;
    email_only(c)?;
    c.s.app
        .verify_email(&pool, &user, c.string("Code")?)
        .await
        .map_err(super::account::account_err(c))?;
    Ok(json!({}))
}

pub(crate) async fn global_sign_out(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (_, user) = super::access::token_user(c, c.string("AccessToken")?).await?;
    c.s.app.global_sign_out(&user).await.map_err(c.core(None))?;
    Ok(json!({}))
}

pub(crate) async fn delete_self(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, user) = super::access::token_user(c, c.string("AccessToken")?).await?;
    c.s.app
        .delete_user(pool.id.as_str(), &user.lookup_name(&pool))
        .await
        .map_err(c.core(None))?;
    Ok(json!({}))
}
