//! Who is calling an unsigned action: the app client named by `ClientId` (in any pool, or
//! in the pool an admin action names), its SECRET_HASH when it has a secret
//! (Base64(HMAC-SHA256(secret, username ‖ client id))), and, for pools that allow it, the
//! LEGACY answer that a user does not exist.

use super::Call;
use super::error::CognitoError;
use portcullis_core::client::AppClient;
use portcullis_core::pool::UserPool;

pub(crate) fn check_secret_hash(
    c: &Call<'_>,
    client: &AppClient,
    username: &str,
    given: Option<&String>,
) -> Result<(), CognitoError> {
    let Some(secret) = c.s.app.reveal_secret(client).map_err(c.core(None))? else {
        return Ok(());
    };
    let fail = || {
        CognitoError::not_authorized(&format!(
            "Unable to verify secret hash for client {}",
            client.client_id
        ))
    };
    let given = given.ok_or_else(fail)?;
    if portcullis_crypto::secret_hash::verify(&secret, username, &client.client_id, given) {
        Ok(())
    } else {
        Err(fail())
    }
}

pub(super) async fn pool_client(c: &Call<'_>, pool: &UserPool) -> Result<AppClient, CognitoError> {
    let id = c.string("ClientId")?;
    c.s.app
        .pool_client(&pool.id, id)
        .await
        .map_err(c.core(None))?
        .ok_or_else(|| CognitoError::client_not_found(id))
}

/// With PreventUserExistenceErrors off (LEGACY), an unknown user is said so, as in Cognito.
pub(super) async fn reveal_absence(
    c: &Call<'_>,
    pool: &UserPool,
    client: &AppClient,
    username: &str,
) -> Result<(), CognitoError> {
    // A pool that migrates users in looks unknown names up in the legacy store first.
    let migrates = pool
        .settings
        .hooks
        .target(portcullis_core::hooks::Trigger::UserMigration)
        .is_some();
    if client.prevent_user_existence_errors || migrates {
        return Ok(());
    }
    match c
        .s
        .app
        .find_user(pool, username)
        .await
        .map_err(c.core(None))?
    {
        Some(_) => Ok(()),
        None => Err(CognitoError::from_core(
            portcullis_core::Error::NotFound(portcullis_core::error::Entity::User),
            None,
        )),
    }
}

pub(crate) async fn client_by_id(c: &Call<'_>) -> Result<(UserPool, AppClient), CognitoError> {
    let id = c.string("ClientId")?;
    let client =
        c.s.app
            .client_anywhere(id)
            .await
            .map_err(c.core(None))?
            .ok_or_else(|| CognitoError::client_not_found(id))?;
    let pool =
        c.s.app
            .pool(client.pool_id.as_str())
            .await
            .map_err(c.core(None))?;
    Ok((pool, client))
}
