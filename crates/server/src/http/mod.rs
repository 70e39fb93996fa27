//! The HTTP surface. Routes so far:
//!
//! | route | what |
//! |---|---|
//! | `GET /healthz` | liveness: the process answers |
//! | `GET /readyz` | readiness: the store answers a query |
//! | `GET /{pool}/.well-known/openid-configuration` | OIDC discovery for a pool |
//! | `GET /{pool}/.well-known/jwks.json` | the pool's published signing keys |
//! | `POST /` | the Cognito-compatible JSON API (see `cognito`) |
//! | `/{pool}/oauth2/…`, `/{pool}/login`, `/{pool}/logout` | OAuth 2.0 / OIDC (see `oauth`) |

mod client_ip;
mod cognito;
mod cookies;
mod discovery;
mod domains;
mod error;
mod health;
mod import_files;
mod oauth;
mod pages;
mod params;

pub use client_ip::Cidr;

use crate::{App, ServeConfig};
use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use axum::routing::get;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub(crate) struct HttpState {
    pub app: Arc<App>,
    pub config: ServeConfig,
}

pub(crate) type Shared = Arc<HttpState>;

pub fn router(app: Arc<App>, config: ServeConfig) -> Router {
    let state: Arc<HttpState> = Arc::new(HttpState { app, config });
    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(
            Router::new()
                .route(
                    "/{pool}/.well-known/openid-configuration",
                    get(discovery::openid_configuration),
                )
                .route("/{pool}/.well-known/jwks.json", get(discovery::jwks))
                .layer(cors()),
        )
        .merge(oauth::routes())
        .route(
            "/",
            axum::routing::post(cognito::handle).layer(cognito::cors()),
        )
        .fallback(error::not_found)
        .with_state(state.clone())
        .layer(RequestBodyLimitLayer::new(64 * 1024))
        .merge(import_files::routes(state.clone()))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CatchPanicLayer::new());
    // Host-based pool domains rewrite the path, so they must run before routing: wrap the
    // whole router and hand every request to it.
    let by_host = axum::middleware::from_fn_with_state(state, domains::route_by_host);
    Router::new().fallback_service(tower::Layer::layer(&by_host, routes))
}

/// `Access-Control-Allow-Origin: *` without credentials, for the endpoints browser apps call
/// directly (discovery, JWKS, token, userInfo, revoke), as Cognito does.
fn cors() -> tower_http::cors::CorsLayer {
    use axum::http::{Method, header};
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(app: Arc<App>, config: ServeConfig) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    // Deliver queued messages (codes, invitations) once a second.
    let mailer = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(e) = mailer.deliver_due().await {
                tracing::error!(error = %e, "delivering messages");
            }
        }
    });
    tracing::info!(listen = %config.listen, public_url = %config.public_url, "portcullis listening");
    let service = router(app, config).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests;
