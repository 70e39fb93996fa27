//! Signing in through an upstream identity provider: what the upstream's ID token must say
//! (`id_token`), and how its user becomes, or finds, a user of the pool (`provision`).
//! HTTP, discovery and key fetching live in the server; the rules live here.

pub mod id_token;
pub mod provision;
