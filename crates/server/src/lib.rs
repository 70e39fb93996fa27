//! Portcullis server: the HTTP surface ([`http`]) over the application ([`portcullis_app`]):
//! the OAuth/OIDC endpoints and hosted pages, the Cognito JSON API and the SAML bindings.
//! Handlers parse, call an application operation and map its answer; the store is out of
//! their reach (this crate does not depend on it).

mod config;
pub mod http;
#[cfg(test)]
mod testing;

pub use config::{DEFAULT_ACCOUNT_ID, ServeConfig};
pub use portcullis_app::App;
