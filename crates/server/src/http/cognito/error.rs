//! The one mapping from Portcullis errors to Cognito's wire errors: HTTP 400 (500 for
//! internal), `x-amzn-ErrorType`, and `{"__type": "<Name>Exception", "message": ...}` with the
//! names and messages clients match on.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use portcullis_core::Error;
use portcullis_core::error::Entity;
use portcullis_core::hooks::HookFailure;
use serde_json::json;

#[derive(Debug)]
pub(crate) struct CognitoError {
    pub status: StatusCode,
    pub type_name: &'static str,
    pub message: String,
}

impl CognitoError {
    fn new(status: StatusCode, type_name: &'static str, message: impl Into<String>) -> Self {
        CognitoError {
            status,
            type_name,
            message: message.into(),
        }
    }
    pub fn unknown_operation(m: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "UnknownOperationException", m)
    }
    pub fn serialization(m: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "SerializationException", m)
    }
    pub fn invalid_parameter(m: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidParameterException", m)
    }
    pub fn missing_auth() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )
    }
    pub fn unrecognized_client() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    }
    pub fn invalid_signature(m: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidSignatureException", m)
    }
    pub fn named(type_name: &'static str, m: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, type_name, m)
    }
    pub fn not_authorized(m: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "NotAuthorizedException", m)
    }
    pub fn user_not_confirmed() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "UserNotConfirmedException",
            "User is not confirmed.",
        )
    }
    pub fn client_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "ResourceNotFoundException",
            format!("User pool client {id} does not exist."),
        )
    }
    pub fn duplicate_provider(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "DuplicateProviderException",
            format!("A provider with the name {name} already exists in this user pool."),
        )
    }
    pub fn with_message(mut self, m: String) -> Self {
        self.message = m;
        self
    }
    pub fn access_denied(resource: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "AccessDeniedException",
            format!("This access key is not authorized to perform this action on {resource}."),
        )
    }

    /// `resource` names what was asked for, for Cognito's not-found messages.
    pub fn from_core(e: Error, resource: Option<&str>) -> Self {
        let r = resource.unwrap_or("the resource");
        match e {
            Error::NotFound(Entity::Pool) => Self::new(
                StatusCode::BAD_REQUEST,
                "ResourceNotFoundException",
                format!("User pool {r} does not exist."),
            ),
            Error::NotFound(Entity::User) => Self::new(
                StatusCode::BAD_REQUEST,
                "UserNotFoundException",
                "User does not exist.",
            ),
            Error::NotFound(what) => Self::new(
                StatusCode::BAD_REQUEST,
                "ResourceNotFoundException",
                format!("{what} {r} does not exist."),
            ),
            Error::Conflict(Entity::User) => Self::new(
                StatusCode::BAD_REQUEST,
                "UsernameExistsException",
                "User account already exists",
            ),
            Error::Conflict(Entity::Alias) => Self::new(
                StatusCode::BAD_REQUEST,
                "AliasExistsException",
                "An account with the given email already exists.",
            ),
            Error::Conflict(Entity::Group) => Self::new(
                StatusCode::BAD_REQUEST,
                "GroupExistsException",
                "A group with the name already exists.",
            ),
            Error::Conflict(Entity::ImportJob) => Self::new(
                StatusCode::BAD_REQUEST,
                "PreconditionNotMetException",
                "The import job is not in a state that allows this.",
            ),
            Error::Conflict(what) => Self::new(
                StatusCode::BAD_REQUEST,
                "InvalidParameterException",
                format!("{what} already exists."),
            ),
            Error::InvalidRequest(m) => {
                Self::new(StatusCode::BAD_REQUEST, "InvalidParameterException", m)
            }
            Error::PolicyViolation(m) => {
                Self::new(StatusCode::BAD_REQUEST, "InvalidPasswordException", m)
            }
            Error::Unauthorized => Self::new(
                StatusCode::BAD_REQUEST,
                "NotAuthorizedException",
                "Incorrect username or password.",
            ),
            Error::Hook(h) => {
                let type_name = match h.failure {
                    HookFailure::Refused(_) => "UserLambdaValidationException",
                    HookFailure::Unreachable(_) => "UnexpectedLambdaException",
                    HookFailure::Invalid(_) => "InvalidLambdaResponseException",
                };
                Self::new(StatusCode::BAD_REQUEST, type_name, h.message())
            }
            Error::Internal(detail) => {
                let id = uuid::Uuid::new_v4();
                tracing::error!(error_id = %id, %detail, "internal error in the Cognito API");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalErrorException",
                    format!("Internal error (reference {id})."),
                )
            }
        }
    }
}

impl IntoResponse for CognitoError {
    fn into_response(self) -> Response {
        let body = json!({"__type": self.type_name, "message": self.message}).to_string();
        let mut res = (self.status, body).into_response();
        res.headers_mut()
            .insert("x-amzn-errortype", HeaderValue::from_static(self.type_name));
        res
    }
}
