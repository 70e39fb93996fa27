//! The Cognito-compatible JSON API (`cognito-idp`'s wire protocol): `POST /` with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>` and an
//! `application/x-amz-json-1.1` body. Actions Cognito signs with IAM credentials need a valid
//! AWS Signature V4 from a Portcullis access key scoped to the pool ([`auth`]); errors are
//! `{"__type": "...Exception", "message": ...}` from one mapping ([`error`]).
//!
//! | action | signed |
//! |---|---|
//! | CreateUserPool, DescribeUserPool, ListUserPools, DeleteUserPool | yes |
//! | CreateUserPoolClient, DescribeUserPoolClient, ListUserPoolClients, DeleteUserPoolClient | yes |
//! | AdminCreateUser, AdminGetUser, AdminDeleteUser, AdminSetUserPassword | yes |
//! | AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH) | yes |
//! | InitiateAuth (USER_PASSWORD_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH), RespondToAuthChallenge (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED), GetUser | no |

mod access;
mod account;
mod auth;
mod call;
mod caller;
mod clients;
mod custom_auth;
mod error;
mod flows;
mod groups;
mod idps;
mod import_jobs;
mod lambda_config;
mod misc;
mod paging;
mod pool_settings;
mod pools;
mod users;

use super::Shared;
use super::client_ip::ClientIp;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
pub(crate) use call::Call;
use error::CognitoError;
use serde_json::Value;

/// Every action answered; anything else is `UnknownOperationException` before any auth.
const IMPLEMENTED: &[&str] = &[
    "VerifyUserAttribute",
    "GetUserAttributeVerificationCode",
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "CreateUserPool",
    "DescribeUserPool",
    "ListUserPools",
    "DeleteUserPool",
    "CreateUserPoolClient",
    "DescribeUserPoolClient",
    "ListUserPoolClients",
    "DeleteUserPoolClient",
    "AdminCreateUser",
    "AdminGetUser",
    "AdminDeleteUser",
    "AdminSetUserPassword",
    "AdminInitiateAuth",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "AdminRespondToAuthChallenge",
    "GetUser",
    "ChangePassword",
    "UpdateUserAttributes",
    "DeleteUserAttributes",
    "GlobalSignOut",
    "DeleteUser",
    "RevokeToken",
    "GetTokensFromRefreshToken",
    "AdminEnableUser",
    "AdminDisableUser",
    "AdminLinkProviderForUser",
    "AdminDisableProviderForUser",
    "AdminUpdateUserAttributes",
    "AdminDeleteUserAttributes",
    "AdminConfirmSignUp",
    "AdminResetUserPassword",
    "AdminUserGlobalSignOut",
    "ListUsers",
    "CreateGroup",
    "GetGroup",
    "UpdateGroup",
    "DeleteGroup",
    "ListGroups",
    "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup",
    "AdminListGroupsForUser",
    "ListUsersInGroup",
    "UpdateUserPool",
    "AddCustomAttributes",
    "UpdateUserPoolClient",
    "CreateResourceServer",
    "DescribeResourceServer",
    "UpdateResourceServer",
    "DeleteResourceServer",
    "ListResourceServers",
    "CreateUserPoolDomain",
    "DescribeUserPoolDomain",
    "UpdateUserPoolDomain",
    "DeleteUserPoolDomain",
    "GetCSVHeader",
    "CreateUserImportJob",
    "StartUserImportJob",
    "StopUserImportJob",
    "DescribeUserImportJob",
    "ListUserImportJobs",
    "CreateIdentityProvider",
    "DescribeIdentityProvider",
    "UpdateIdentityProvider",
    "DeleteIdentityProvider",
    "ListIdentityProviders",
    "GetIdentityProviderByIdentifier",
    // Answered by builds with SAML (the `saml` feature); others say it is not supported.
    "GetSigningCertificate",
];

/// Actions Cognito's model marks `auth: none`.
const UNSIGNED: &[&str] = &[
    "VerifyUserAttribute",
    "GetUserAttributeVerificationCode",
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetUser",
    "ChangePassword",
    "UpdateUserAttributes",
    "DeleteUserAttributes",
    "GlobalSignOut",
    "DeleteUser",
    "RevokeToken",
    "GetTokensFromRefreshToken",
];

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

pub(crate) async fn handle(
    State(s): State<Shared>,
    ClientIp(client_ip): ClientIp,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = dispatch(&s, client_ip, &method, &uri, &headers, &body).await;
    let mut res = match result {
        Ok(v) => (axum::http::StatusCode::OK, v.to_string()).into_response(),
        Err(e) => e.into_response(),
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    // Answers carry tokens, sessions and codes: no cache may keep them (RFC 6749 §5.1).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}

/// Browser apps (amazon-cognito-identity-js, Amplify) call the API from their own origin, as
/// they do Cognito's: any origin, no credentials (the API takes none from cookies), the
/// headers the SDKs send, and the error headers they read.
pub(crate) fn cors() -> tower_http::cors::CorsLayer {
    use axum::http::HeaderName;
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::CACHE_CONTROL,
            HeaderName::from_static("x-amz-target"),
            HeaderName::from_static("x-amz-user-agent"),
            HeaderName::from_static("x-amz-date"),
            HeaderName::from_static("x-amz-content-sha256"),
            HeaderName::from_static("x-amz-security-token"),
            HeaderName::from_static("amz-sdk-invocation-id"),
            HeaderName::from_static("amz-sdk-request"),
        ])
        .expose_headers([
            HeaderName::from_static("x-amzn-requestid"),
            HeaderName::from_static("x-amzn-errortype"),
            HeaderName::from_static("x-amzn-errormessage"),
            header::DATE,
        ])
        .max_age(std::time::Duration::from_secs(86400))
}

/// The action table: one arm per Cognito action, each a call to its handler (long by the
/// number of actions only).
async fn dispatch(
    s: &Shared,
    client_ip: String,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, CognitoError> {
    let action = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
        .ok_or_else(|| CognitoError::unknown_operation("missing or foreign X-Amz-Target"))?
        .to_owned();
    let input: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|_| CognitoError::serialization("the body is not valid JSON"))?
    };
    if !input.is_object() {
        return Err(CognitoError::serialization(
            "the body must be a JSON object",
        ));
    }
    if !IMPLEMENTED.contains(&action.as_str()) {
        return Err(CognitoError::unknown_operation(&format!(
            "{action} is not supported by Portcullis yet"
        )));
    }
    // Cognito leaves these unsigned: the caller proves itself with a client id, a session or
    // an access token. Everything else needs a signature.
    let key = if UNSIGNED.contains(&action.as_str()) {
        None
    } else {
        Some(auth::verify(s, method, uri, headers, body).await?)
    };
    let call = Call {
        s,
        key,
        input,
        client_ip,
    };
    match action.as_str() {
        "CreateUserPool" => pools::create(&call).await,
        "DescribeUserPool" => pools::describe(&call).await,
        "ListUserPools" => pools::list(&call).await,
        "DeleteUserPool" => pools::delete(&call).await,
        "CreateUserPoolClient" => clients::create(&call).await,
        "DescribeUserPoolClient" => clients::describe(&call).await,
        "ListUserPoolClients" => clients::list(&call).await,
        "DeleteUserPoolClient" => clients::delete(&call).await,
        "AdminCreateUser" => users::admin_create(&call).await,
        "AdminGetUser" => users::admin_get(&call).await,
        "AdminDeleteUser" => users::admin_delete(&call).await,
        "AdminSetUserPassword" => users::admin_set_password(&call).await,
        "AdminInitiateAuth" => flows::admin_initiate(&call).await,
        "InitiateAuth" => flows::initiate(&call).await,
        "RespondToAuthChallenge" => flows::respond(&call).await,
        "AdminRespondToAuthChallenge" => flows::admin_respond(&call).await,
        "GetUser" => users::get_user(&call).await,
        "SignUp" => account::sign_up(&call).await,
        "GetUserAttributeVerificationCode" => users::attribute_verification_code(&call).await,
        "VerifyUserAttribute" => users::verify_attribute(&call).await,
        "ConfirmSignUp" => account::confirm_sign_up(&call).await,
        "ResendConfirmationCode" => account::resend(&call).await,
        "ForgotPassword" => account::forgot_password(&call).await,
        "ConfirmForgotPassword" => account::confirm_forgot_password(&call).await,
        "ChangePassword" => users::change_password(&call).await,
        "UpdateUserAttributes" => users::update_attributes(&call).await,
        "DeleteUserAttributes" => users::delete_own_attributes(&call).await,
        "GlobalSignOut" => users::global_sign_out(&call).await,
        "DeleteUser" => users::delete_self(&call).await,
        "RevokeToken" => access::revoke(&call).await,
        "GetTokensFromRefreshToken" => flows::tokens_from_refresh_token(&call).await,
        "AdminEnableUser" => users::admin_enable(&call, true).await,
        "AdminDisableUser" => users::admin_enable(&call, false).await,
        "AdminUpdateUserAttributes" => users::admin_update_attributes(&call).await,
        "AdminDeleteUserAttributes" => users::admin_delete_attributes(&call).await,
        "AdminConfirmSignUp" => users::admin_confirm(&call).await,
        "AdminResetUserPassword" => users::admin_reset_password(&call).await,
        "AdminUserGlobalSignOut" => users::admin_global_sign_out(&call).await,
        "ListUsers" => users::list_users(&call).await,
        "CreateGroup" => groups::create(&call).await,
        "GetGroup" => groups::get(&call).await,
        "UpdateGroup" => groups::update(&call).await,
        "DeleteGroup" => groups::delete(&call).await,
        "ListGroups" => groups::list(&call).await,
        "AdminAddUserToGroup" => groups::add_user(&call).await,
        "AdminRemoveUserFromGroup" => groups::remove_user(&call).await,
        "AdminListGroupsForUser" => groups::groups_for_user(&call).await,
        "ListUsersInGroup" => groups::users_in_group(&call).await,
        "UpdateUserPool" => misc::update_pool(&call).await,
        "AddCustomAttributes" => pools::add_custom_attributes(&call).await,
        "UpdateUserPoolClient" => misc::update_client(&call).await,
        "CreateResourceServer" => misc::create_resource_server(&call).await,
        "DescribeResourceServer" => misc::describe_resource_server(&call).await,
        "UpdateResourceServer" => misc::update_resource_server(&call).await,
        "DeleteResourceServer" => misc::delete_resource_server(&call).await,
        "ListResourceServers" => misc::list_resource_servers(&call).await,
        "CreateUserPoolDomain" => misc::create_domain(&call).await,
        "DescribeUserPoolDomain" => misc::describe_domain(&call).await,
        "UpdateUserPoolDomain" => misc::update_domain(&call).await,
        "DeleteUserPoolDomain" => misc::delete_domain(&call).await,
        "GetCSVHeader" => import_jobs::csv_header(&call).await,
        "CreateUserImportJob" => import_jobs::create(&call).await,
        "StartUserImportJob" => import_jobs::start(&call).await,
        "StopUserImportJob" => import_jobs::stop(&call).await,
        "DescribeUserImportJob" => import_jobs::describe(&call).await,
        "ListUserImportJobs" => import_jobs::list(&call).await,
        "CreateIdentityProvider" => idps::create(&call).await,
        "DescribeIdentityProvider" => idps::describe(&call).await,
        "UpdateIdentityProvider" => idps::update(&call).await,
        "DeleteIdentityProvider" => idps::delete(&call).await,
        "ListIdentityProviders" => idps::list(&call).await,
        "GetIdentityProviderByIdentifier" => idps::by_identifier(&call).await,
        "AdminLinkProviderForUser" => idps::link_user(&call).await,
        "AdminDisableProviderForUser" => idps::unlink_user(&call).await,
        #[cfg(feature = "saml")]
        "GetSigningCertificate" => idps::signing_certificate(&call).await,
        other => Err(CognitoError::unknown_operation(&format!(
            "{other} is not supported"
        ))),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_security;

/// Sets `key` of a JSON object built by `json!` (anything else is left alone).
pub(crate) fn set(v: &mut Value, key: &str, value: Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}
