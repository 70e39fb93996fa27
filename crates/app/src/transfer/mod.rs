//! Users moving in and out in bulk: `import` turns records (JSON Lines or Cognito CSV,
//! read by `core::transfer`) into users, in batches written by one multi-row transaction
//! each; `export` pages through a pool writing the same records, hashes included on request,
//! so an export imports into another Portcullis with every password intact.

pub mod cognito_source;
pub mod export;
pub mod import;
pub mod jobs;
