//! Self-service account actions: SignUp, ConfirmSignUp, ResendConfirmationCode,
//! ForgotPassword, ConfirmForgotPassword. Unsigned, addressed by ClientId, with SecretHash for
//! clients that have a secret.

use super::Call;
use super::error::CognitoError;
use portcullis_app::account::codes::CodeError;
use portcullis_app::account::flows::{AccountError, Delivery};
use portcullis_core::client::AppClient;
use portcullis_core::pool::UserPool;
use serde_json::{Value, json};

fn delivery_json(d: &Option<Delivery>) -> Value {
    match d {
        Some(d) => {
            json!({"Destination": d.destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"})
        }
        None => Value::Null,
    }
}

pub(crate) fn account_err(c: &Call<'_>) -> impl Fn(AccountError) -> CognitoError {
    let core = c.core(None);
    move |e| match e {
        AccountError::Core(e) => core(e),
        AccountError::Code(CodeError::Mismatch) => CognitoError::named(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
        ),
        AccountError::Code(CodeError::Expired) => CognitoError::named(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.",
        ),
        AccountError::Code(CodeError::TooManyAttempts) | AccountError::LimitExceeded => {
            CognitoError::named(
                "LimitExceededException",
                "Attempt limit exceeded, please try after some time.",
            )
        }
        AccountError::WrongState(s) => CognitoError::not_authorized(&format!(
            "User cannot be confirmed. Current status is {}",
            s.as_str()
        )),
        // Not documented by Cognito; the words chosen say what to do.
        AccountError::AdminOnlyRecovery => CognitoError::not_authorized(
            "Password reset is not allowed in this user pool; ask an administrator.",
        ),
    }
}

async fn client_and_pool(c: &Call<'_>) -> Result<(UserPool, AppClient), CognitoError> {
    super::caller::client_by_id(c).await
}

fn check_hash(c: &Call<'_>, client: &AppClient, username: &str) -> Result<(), CognitoError> {
    let given = c.opt_string("SecretHash")?.map(str::to_owned);
    super::caller::check_secret_hash(c, client, username, given.as_ref())
}

pub(crate) async fn sign_up(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_and_pool(c).await?;
    let username = c.string("Username")?;
    check_hash(c, &client, username)?;
    let password = c.string("Password")?;
    let attrs = c.attributes("UserAttributes")?;
    check_writable(&pool, &client, &attrs)?;
    // ValidationData reaches the PreSignUp hook as a map, as Cognito passes it.
    let validation = serde_json::to_value(c.attributes("ValidationData")?)
        .map_err(|e| CognitoError::from_core(portcullis_core::Error::internal(e), None))?;
    let (user, delivery) =
        c.s.app
            .sign_up(
                &pool,
                &client.client_id,
                username,
                password,
                attrs,
                Some(&validation),
            )
            .await
            .map_err(account_err(c))?;
    let confirmed = user.status == portcullis_core::user::UserStatus::Confirmed;
    let mut out = json!({"UserConfirmed": confirmed, "UserSub": user.sub.to_string()});
    if delivery.is_some() {
        super::set(&mut out, "CodeDeliveryDetails", delivery_json(&delivery));
    }
    Ok(out)
}

pub(crate) async fn confirm_sign_up(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_and_pool(c).await?;
    let username = c.string("Username")?;
    check_hash(c, &client, username)?;
    let code = c.string("ConfirmationCode")?;
    c.s.app
        .confirm_sign_up(&pool, Some(&client.client_id), username, code)
        .await
        .map_err(account_err(c))?;
    Ok(json!({}))
}

pub(crate) async fn resend(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_and_pool(c).await?;
    let username = c.string("Username")?;
    check_hash(c, &client, username)?;
    match c
        .s
        .app
        .resend_sign_up_code(&pool, &client.client_id, username)
        .await
    {
        Ok(d) => Ok(json!({"CodeDeliveryDetails": delivery_json(&d)})),
        Err(AccountError::Core(portcullis_core::Error::NotFound(_)))
            if client.prevent_user_existence_errors =>
        {
            Ok(simulated(c, &pool, username))
        }
        // Cognito's answer for a confirmed user, whatever the client's setting.
        Err(AccountError::WrongState(_)) => Err(CognitoError::invalid_parameter(
            "User is already confirmed.",
        )),
        Err(e) => Err(account_err(c)(e)),
    }
}

/// The answer for a user who does not exist, when existence errors are prevented: a masked
/// destination as a real one looks, the same on every call for a name (its domain letter
/// comes from a keyed hash of the name, so it is neither constant nor random).
fn simulated(c: &Call<'_>, pool: &UserPool, username: &str) -> Value {
    let mac = c.s.app.master.mac(
        "simulated-destination",
        &format!("{}\0{}", pool.id, pool.username_key(username)),
    );
    let letter = mac
        .bytes()
        .find(u8::is_ascii_lowercase)
        .map_or('m', char::from);
    let fake = Delivery {
        destination: portcullis_core::message::mask_email(&format!("{username}@{letter}")),
    };
    json!({"CodeDeliveryDetails": delivery_json(&Some(fake))})
}

/// With PreventUserExistenceErrors on, an unknown user gets the same answer (a masked
/// destination derived from the username) and nothing is sent.
pub(crate) async fn forgot_password(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_and_pool(c).await?;
    let username = c.string("Username")?;
    check_hash(c, &client, username)?;
    match c
        .s
        .app
        .forgot_password(&pool, username)
        .await
        .map_err(account_err(c))?
    {
        Some(d) => Ok(json!({"CodeDeliveryDetails": delivery_json(&Some(d))})),
        None if client.prevent_user_existence_errors => Ok(simulated(c, &pool, username)),
        None => Err(CognitoError::from_core(
            portcullis_core::Error::NotFound(portcullis_core::error::Entity::User),
            None,
        )),
    }
}

pub(crate) async fn confirm_forgot_password(c: &Call<'_>) -> Result<Value, CognitoError> {
    let (pool, client) = client_and_pool(c).await?;
    let username = c.string("Username")?;
    check_hash(c, &client, username)?;
    let (code, password) = (c.string("ConfirmationCode")?, c.string("Password")?);
    match c
        .s
        .app
        .confirm_forgot_password(&pool, Some(&client.client_id), username, code, password)
        .await
    {
        Ok(_) => Ok(json!({})),
        // An unknown user reads like a wrong code when existence errors are prevented.
        Err(AccountError::Core(portcullis_core::Error::NotFound(_)))
            if client.prevent_user_existence_errors =>
        {
            Err(account_err(c)(AccountError::Code(CodeError::Mismatch)))
        }
        Err(e) => Err(account_err(c)(e)),
    }
}

/// Users write through an app client only what its WriteAttributes allow, and never a
/// developer-only attribute.
pub(crate) fn check_writable(
    pool: &portcullis_core::pool::UserPool,
    client: &portcullis_core::client::AppClient,
    attrs: &std::collections::BTreeMap<String, String>,
) -> Result<(), CognitoError> {
    let developer_only = attrs
        .keys()
        .find(|k| pool.settings.is_developer_only(k))
        .map(String::as_str);
    match developer_only.or_else(|| client.unwritable(attrs)) {
        None => Ok(()),
        Some(name) => {
            tracing::info!(client = %client.client_id, attribute = name, "write of an attribute the client may not write");
            Err(CognitoError::not_authorized(
                "A client attempted to write unauthorized attribute",
            ))
        }
    }
}
