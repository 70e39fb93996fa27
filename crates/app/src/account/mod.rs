//! Account lifecycle: messages to users (a queue delivered by the server), verification
//! codes, and the self-service flows built on them (sign-up, confirmation, forgotten
//! passwords). Operations on `App`, free of HTTP.

pub mod attributes;
pub mod codes;
pub mod delivery;
pub mod even;
pub mod flows;
pub mod mailer;
pub mod pool_mail;
