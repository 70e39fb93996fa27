//! Portcullis storage. One small trait per aggregate ([`PoolStore`], [`ClientStore`],
//! [`UserStore`], …) under the [`Store`] facade; every method takes the pool id, and every
//! table is keyed on it, so one tenant's objects are invisible from another's.
//!
//! Both backends (SQLite, the default, and PostgreSQL) share one SQL implementation
//! ([`sql::SqlStore`]) written in portable SQL over sqlx's `Any` driver: they differ only in
//! how a connection is opened ([`backend`]). The conformance suite runs against both.

pub mod backend;
mod bulk_traits;
mod codec;
mod sql;
mod traits;

#[cfg(test)]
mod conformance;

pub use backend::open;
pub use bulk_traits::*;
pub use sql::SqlStore;
pub use traits::*;
