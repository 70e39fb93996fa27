//! The Portcullis domain: user pools and everything that lives inside one (app clients,
//! resource servers, users, groups, signing keys), their validation rules, and the error
//! kinds every protocol maps to the wire. Nothing here knows about HTTP, SQL or XML.

pub mod access_key;
pub mod attribute;
pub mod auth_flows;
pub mod claim_rules;
pub mod client;
pub mod clock;
pub mod code;
pub mod error;
pub mod federation;
pub mod group;
pub mod hooks;
pub mod idp;
pub mod ids;
pub mod import_job;
pub mod key;
pub mod lifetime;
pub mod message;
pub mod oauth;
pub mod password_policy;
pub mod pool;
pub mod recovery;
pub mod resource_server;
pub mod schema;
pub mod session;
pub mod standard_schema;
pub mod templates;
pub mod throttle;
pub mod transfer;
pub mod user;
pub mod user_filter;

pub use error::{Error, Result};
