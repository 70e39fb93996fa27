//! JSON errors for the machine endpoints (discovery, JWKS, health). Internal details are
//! logged with an id and never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_core::Error;
use serde_json::json;

pub(crate) struct JsonError(pub Error);

impl From<Error> for JsonError {
    fn from(e: Error) -> Self {
        JsonError(e)
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self.0 {
            Error::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found"),
            ),
            // A malformed pool id in a path is just a page that does not exist.
            Error::InvalidRequest(_) => (StatusCode::NOT_FOUND, "not_found", "not found".into()),
            Error::Internal(detail) => {
                let id = uuid::Uuid::new_v4();
                tracing::error!(error_id = %id, %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    format!("internal error (id {id})"),
                )
            }
            other => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                other.to_string(),
            ),
        };
        (status, Json(json!({"error": code, "message": message}))).into_response()
    }
}

pub(crate) async fn not_found() -> JsonError {
    JsonError(Error::invalid("no such route"))
}
