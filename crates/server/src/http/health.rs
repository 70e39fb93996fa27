use super::Shared;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

pub(crate) async fn readyz(State(s): State<Shared>) -> (StatusCode, Json<Value>) {
    match s.app.store_ready().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"status": "ready", "store": s.app.store_backend()})),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "store": s.app.store_backend()})),
            )
        }
    }
}
