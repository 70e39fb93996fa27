//! Admin operations: each is one function over the store and crypto that validates with the
//! domain rules, seals what must be secret, and writes in one step, so a failure leaves
//! nothing half-created. The CLI, the Cognito API and the admin console all call these.

mod access_keys;
mod claim_rules;
mod clients;
mod demo;
mod groups;
mod idps;
mod keys;
mod pools;
mod resource_servers;
mod user_admin;
mod users;

pub use clients::CreatedClient;
pub use demo::Demo;
pub use idps::IdpInput;
pub use users::{CreatedUser, NewUser};

use portcullis_core::Error;

/// Crypto failures are internal: the detail goes to the log, not to the caller.
pub fn crypto_err(e: portcullis_crypto::CryptoError) -> Error {
    Error::internal(e)
}
