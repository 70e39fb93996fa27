//! The Portcullis application: every operation (admin, accounts, OAuth flows, sign-in and
//! its throttling, federation, sessions) as methods of [`App`], deciding with
//! `portcullis-core` and persisting through `portcullis-store`. It is the only crate that can
//! reach the store: the protocol adapters in `portcullis-server` call these operations.

pub mod account;
pub mod admin;
mod aliases;
mod app;
pub mod federation;
pub mod hooks;
pub mod lookups;
pub mod oauth;
mod sealed;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod transfer;

pub use app::App;
