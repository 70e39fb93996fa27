//! How the server is reached and what it believes about its callers.

use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Without a trailing slash, e.g. `http://127.0.0.1:9400`.
    pub public_url: String,
    /// The deployment's regions: the first names new pools (`<region>_…`) and their ARNs;
    /// SigV4 credential scopes must name one of them. Empty: region `local`, and any region
    /// is accepted in signatures.
    pub regions: Vec<String>,
    /// The account id in ARNs (Cognito's is the AWS account's).
    pub account_id: String,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers are believed.
    pub trusted_proxies: Vec<crate::http::Cidr>,
}

/// The account id in ARNs when none is configured.
pub const DEFAULT_ACCOUNT_ID: &str = "000000000000";

impl ServeConfig {
    /// The region of pools created through the API.
    pub fn region(&self) -> &str {
        self.regions
            .first()
            .map_or(portcullis_core::ids::DEFAULT_REGION, String::as_str)
    }

    /// `arn:aws:cognito-idp:{region}:{account}:userpool/{pool}`.
    pub fn pool_arn(&self, pool: &portcullis_core::ids::PoolId) -> String {
        format!(
            "arn:aws:cognito-idp:{}:{}:userpool/{pool}",
            pool.region(),
            self.account_id
        )
    }

    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.public_url)
    }
}
