//! User actions: AdminCreateUser, AdminGetUser, AdminDeleteUser, AdminSetUserPassword, and
//! GetUser with the user's own access token.

use super::Call;
use super::error::CognitoError;
use crate::admin::NewUser;
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
fn user_type(u: &User) -> Value {
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
    if let Some(action) = c.opt_string("MessageAction")?
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
            .create_user(pool.id.as_str(), req)
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
pub(crate) async fn get_user(c: &Call<'_>) -> Result<Value, CognitoError> {
    let token = c.string("AccessToken")?;
    let (_, user) = super::flows::token_user(c, token).await?;
    Ok(json!({"Username": user.username, "UserAttributes": attribute_list(&user)}))
}
