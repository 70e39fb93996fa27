//! Hooks: the pool's webhooks, one per Cognito trigger. `keys` keeps the signing secrets
//! (sealed, rotatable), `call` posts a signed event and reads the answer under a deadline
//! with retries, and `config` checks and stores the targets. The trigger points call
//! `App::hook` where Cognito would invoke the Lambda; what each answer means is read in
//! `core::hooks`.

pub mod account;
pub mod auth;
pub mod call;
pub mod challenge;
pub mod config;
pub mod federation;
pub mod keys;
pub mod password_import;
pub mod tokens;
