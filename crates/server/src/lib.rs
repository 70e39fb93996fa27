//! Portcullis server: the application context ([`App`]), the admin operations shared by the
//! CLI, the Cognito API and the console ([`admin`]), and the HTTP surface ([`http`]).

pub mod account;
pub mod admin;
mod app;
pub mod federation;
pub mod http;
pub mod oauth;
#[cfg(test)]
mod testing;

pub use app::{App, ServeConfig};
