//! Pool domains (Cognito's user pool domain): a request whose `Host` is a pool's domain is
//! served the pool's pages at the root, as if its path began with `/{pool-id}`. The issuer
//! in tokens stays `{public-url}/{pool-id}`; only where pages and cookies live changes.

use super::Shared;
use axum::extract::{Request, State};
use axum::http::{Uri, header};
use axum::middleware::Next;
use axum::response::Response;

/// Where a pool's pages are mounted for this request, when not under `{public-url}/{pool}`.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    /// The external base URL, e.g. `https://auth.acme.example`.
    pub base: String,
}

const UNMOUNTED: &[&str] = &["/healthz", "/readyz", "/metrics"];

pub(crate) async fn route_by_host(
    State(s): State<Shared>,
    mut req: Request,
    next: Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let public_host = url::Url::parse(&s.config.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    if let Some(host) = host {
        let name = host
            .rsplit_once(':')
            .map_or(host.as_str(), |(h, _)| h)
            .to_owned();
        let path = req.uri().path().to_owned();
        if Some(name.as_str()) != public_host.as_deref() && !UNMOUNTED.contains(&path.as_str()) {
            match s.app.pool_for_domain(&name).await {
                Ok(Some(pool)) => {
                    let prefix = format!("/{}", pool.id);
                    if !path.starts_with(&format!("{prefix}/")) {
                        let query = req
                            .uri()
                            .query()
                            .map(|q| format!("?{q}"))
                            .unwrap_or_default();
                        if let Ok(uri) = format!("{prefix}{path}{query}").parse::<Uri>() {
                            *req.uri_mut() = uri;
                        }
                    }
                    let scheme = if s.config.public_url.starts_with("https://") {
                        "https"
                    } else {
                        "http"
                    };
                    req.extensions_mut().insert(Mount {
                        base: format!("{scheme}://{host}"),
                    });
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "looking up a pool domain"),
            }
        }
    }
    next.run(req).await
}
