//! How the server is reached and what it believes about its callers.

use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Without a trailing slash, e.g. `http://127.0.0.1:9400`.
    pub public_url: String,
    /// The regions SigV4 credential scopes may name; any region when empty.
    pub regions: Vec<String>,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers are believed.
    pub trusted_proxies: Vec<crate::http::Cidr>,
}

impl ServeConfig {
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.public_url)
    }
}
