//! Group actions: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups,
//! AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup.

use super::Call;
use super::error::CognitoError;
use super::paging::LIMIT_60;
use super::users::user_type;
use portcullis_core::group::Group;
use serde_json::{Value, json};

fn group_type(g: &Group) -> Value {
    let mut v = json!({"GroupName": g.name, "UserPoolId": g.pool_id.as_str()});
    if let Some(d) = &g.description {
        super::set(&mut v, "Description", json!(d));
    }
    if let Some(p) = g.precedence {
        super::set(&mut v, "Precedence", json!(p));
    }
    if let Some(r) = &g.role_arn {
        super::set(&mut v, "RoleArn", json!(r));
    }
    v
}

fn precedence(c: &Call<'_>) -> Result<Option<i64>, CognitoError> {
    match c.input.get("Precedence") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| CognitoError::serialization("Precedence must be an integer")),
    }
}

pub(crate) async fn create(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("GroupName")?;
    let g =
        c.s.app
            .create_group(
                pool.id.as_str(),
                name,
                c.opt_string("Description")?.map(str::to_owned),
                precedence(c)?,
            )
            .await
            .map_err(c.core(Some(name)))?;
    Ok(json!({"Group": group_type(&g)}))
}

pub(crate) async fn get(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("GroupName")?;
    let g =
        c.s.app
            .group(pool.id.as_str(), name)
            .await
            .map_err(c.core(Some(name)))?;
    Ok(json!({"Group": group_type(&g)}))
}

pub(crate) async fn update(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("GroupName")?;
    let mut g =
        c.s.app
            .group(pool.id.as_str(), name)
            .await
            .map_err(c.core(Some(name)))?;
    if let Some(d) = c.opt_string("Description")? {
        g.description = Some(d.to_owned());
    }
    if let Some(p) = precedence(c)? {
        g.precedence = Some(p);
    }
    c.s.app.update_group(&g).await.map_err(c.core(Some(name)))?;
    Ok(json!({"Group": group_type(&g)}))
}

pub(crate) async fn delete(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("GroupName")?;
    c.s.app
        .delete_group(pool.id.as_str(), name)
        .await
        .map_err(c.core(Some(name)))?;
    Ok(json!({}))
}

pub(crate) async fn list(c: &Call<'_>) -> Result<Value, CognitoError> {
    let ask = LIMIT_60.ask(c)?;
    let pool = c.pool().await?;
    let groups =
        c.s.app
            .list_groups(pool.id.as_str())
            .await
            .map_err(c.core(None))?;
    Ok(LIMIT_60.answer(&ask, groups, |g| g.name.clone(), group_type, "Groups"))
}

pub(crate) async fn add_user(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let (user, group) = (c.string("Username")?, c.string("GroupName")?);
    c.s.app
        .add_user_to_group(pool.id.as_str(), user, group)
        .await
        .map_err(c.core(Some(group)))?;
    Ok(json!({}))
}

pub(crate) async fn remove_user(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let (user, group) = (c.string("Username")?, c.string("GroupName")?);
    c.s.app
        .remove_user_from_group(pool.id.as_str(), user, group)
        .await
        .map_err(c.core(Some(group)))?;
    Ok(json!({}))
}

pub(crate) async fn groups_for_user(c: &Call<'_>) -> Result<Value, CognitoError> {
    let ask = LIMIT_60.ask(c)?;
    let pool = c.pool().await?;
    let groups =
        c.s.app
            .groups_of_user(pool.id.as_str(), c.string("Username")?)
            .await
            .map_err(c.core(None))?;
    Ok(LIMIT_60.answer(&ask, groups, |g| g.name.clone(), group_type, "Groups"))
}

pub(crate) async fn users_in_group(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let name = c.string("GroupName")?;
    let ask = LIMIT_60.ask(c)?;
    let users =
        c.s.app
            .users_in_group(pool.id.as_str(), name)
            .await
            .map_err(c.core(Some(name)))?;
    Ok(LIMIT_60.answer(&ask, users, |u| u.sub.to_string(), user_type, "Users"))
}
