//! Test helpers for this crate and the protocol adapters' tests (feature `testing`): an
//! `App` on a fresh SQLite file with a cheap password hasher, and, for tests only, the store
//! itself (to put a user in a state no operation leads to).

use crate::App;
use portcullis_crypto::master_key::MasterKey;
use portcullis_crypto::password::{Argon2Params, PasswordHasherConfig};
use std::sync::Arc;

pub struct TestApp {
    pub app: Arc<App>,
    pub dir: tempfile::TempDir,
}

/// An app at the system's time.
pub async fn test_app() -> TestApp {
    test_app_with_clock(None).await
}

/// With a fixed clock, expiry is tested by moving the clock, never by sleeping.
///
/// # Panics
/// When the temporary database cannot be made: a test helper.
#[allow(clippy::unwrap_used)]
pub async fn test_app_with_clock(
    clock: Option<Arc<portcullis_core::clock::FixedClock>>,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = portcullis_store::open(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    let (master, _) = MasterKey::generate().unwrap();
    let hasher = PasswordHasherConfig::new(Argon2Params {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    })
    .unwrap();
    let app = match clock {
        Some(c) => App::new(store, master, hasher).with_clock(c),
        None => App::new(store, master, hasher),
    }
    // Upstream calls in tests go to local fakes (so loopback is allowed), and a short
    // deadline keeps the slow cases short.
    .with_upstream(
        std::time::Duration::from_secs(2),
        crate::federation::addresses::AddressPolicy::AllowPrivate,
    );
    TestApp {
        app: Arc::new(app),
        dir,
    }
}

impl App {
    /// The store, for tests that must set up what no operation does.
    pub fn store_for_tests(&self) -> Arc<dyn portcullis_store::Store> {
        self.store.clone()
    }
}
