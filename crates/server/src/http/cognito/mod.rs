//! The Cognito-compatible JSON API (`cognito-idp`'s wire protocol): `POST /` with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>` and an
//! `application/x-amz-json-1.1` body. Actions Cognito signs with IAM credentials need a valid
//! AWS Signature V4 from a Portcullis access key scoped to the pool ([`auth`]); errors are
//! `{"__type": "...Exception", "message": ...}` from one mapping ([`error`]).
//!
//! | action | signed |
//! |---|---|
//! | CreateUserPool, DescribeUserPool, ListUserPools, DeleteUserPool | yes |

mod auth;
mod error;
mod pools;

use super::Shared;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use error::CognitoError;
use serde_json::Value;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Everything an action handler gets: the app, the caller's access key, the parsed body.
pub(crate) struct Call<'a> {
    pub s: &'a Shared,
    pub key: Option<portcullis_core::access_key::AccessKey>,
    pub input: Value,
}

pub(crate) async fn handle(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = dispatch(&s, &method, &uri, &headers, &body).await;
    let (status, value) = match result {
        Ok(v) => (axum::http::StatusCode::OK, v),
        Err(e) => {
            let mut res = e.into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
            return res;
        }
    };
    let mut res = (status, value.to_string()).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    res
}

async fn dispatch(
    s: &Shared,
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
    let signed = matches!(
        action.as_str(),
        "CreateUserPool" | "DescribeUserPool" | "ListUserPools" | "DeleteUserPool"
    );
    let key = if signed {
        Some(auth::verify(s, method, uri, headers, body).await?)
    } else {
        None
    };
    let call = Call { s, key, input };
    match action.as_str() {
        "CreateUserPool" => pools::create(&call).await,
        "DescribeUserPool" => pools::describe(&call).await,
        "ListUserPools" => pools::list(&call).await,
        "DeleteUserPool" => pools::delete(&call).await,
        other => Err(CognitoError::unknown_operation(&format!(
            "{other} is not supported"
        ))),
    }
}

impl Call<'_> {
    /// A required string member.
    pub fn string(&self, name: &str) -> Result<&str, CognitoError> {
        match self.input.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(CognitoError::serialization(&format!(
                "{name} must be a string"
            ))),
            None => Err(CognitoError::invalid_parameter(&format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(name)
            ))),
        }
    }

    /// The pool named by `UserPoolId`, if this caller may administer it.
    pub async fn pool(&self) -> Result<portcullis_core::pool::UserPool, CognitoError> {
        let id = self.string("UserPoolId")?;
        let pool = self
            .s
            .app
            .pool(id)
            .await
            .map_err(|e| CognitoError::from_core(e, Some(id)))?;
        if let Some(k) = &self.key
            && !k.allows(&pool.id)
        {
            return Err(CognitoError::access_denied(&pool.id.to_string()));
        }
        Ok(pool)
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
