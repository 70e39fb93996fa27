//! The pre-signed URLs of user import jobs: `PUT /import-jobs/upload/{token}` takes the CSV
//! (once; at most Cognito's 100 MB), `GET /import-jobs/reports/{token}` gives the lines
//! and reasons of the rows that failed. The random token is the only credential, as an S3
//! pre-signed URL's signature is; only its hash is stored.

use super::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use portcullis_app::transfer::jobs::MAX_FILE_BYTES;

fn text(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.to_owned(),
    )
        .into_response()
}

pub(crate) async fn upload(
    State(s): State<Shared>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(csv) = std::str::from_utf8(&body) else {
        return text(StatusCode::BAD_REQUEST, "the file must be UTF-8 text\n");
    };
    match s.app.upload_import_file(&token, csv).await {
        Ok(Some(_)) => StatusCode::OK.into_response(),
        Ok(None) => text(
            StatusCode::FORBIDDEN,
            "this upload URL is unknown, expired or already used\n",
        ),
        Err(e) => {
            tracing::error!(error = %e, "storing an import file");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the file could not be stored\n",
            )
        }
    }
}

pub(crate) async fn report(State(s): State<Shared>, Path(token): Path<String>) -> Response {
    match s.app.import_report(&token).await {
        Ok(Some(r)) => text(StatusCode::OK, &r),
        Ok(None) => text(StatusCode::NOT_FOUND, "no such report\n"),
        Err(e) => {
            tracing::error!(error = %e, "reading an import report");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the report could not be read\n",
            )
        }
    }
}

/// The routes, with their own body limit (the rest of the server takes 64 KiB).
pub(crate) fn routes(state: Shared) -> axum::Router {
    axum::Router::new()
        .route("/import-jobs/upload/{token}", axum::routing::put(upload))
        .route("/import-jobs/reports/{token}", axum::routing::get(report))
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FILE_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_FILE_BYTES,
        ))
}
