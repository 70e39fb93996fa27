//! Test helpers: an `App` on a fresh SQLite file with a cheap password hasher.

use crate::{App, ServeConfig};
use portcullis_crypto::master_key::MasterKey;
use portcullis_crypto::password::{Argon2Params, PasswordHasherConfig};
use std::sync::Arc;

pub(crate) struct TestApp {
    pub app: Arc<App>,
    pub config: ServeConfig,
    _dir: tempfile::TempDir,
}

pub(crate) async fn test_app() -> TestApp {
    test_app_with_clock(None).await
}

/// With a fixed clock, expiry is tested by moving the clock, never by sleeping.
pub(crate) async fn test_app_with_clock(
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
    TestApp {
        // Upstream calls in tests go to local fakes (so loopback is allowed), and a short
        // deadline keeps the slow cases short.
        app: Arc::new(
            match clock {
                Some(c) => App::new(store, master, hasher).with_clock(c),
                None => App::new(store, master, hasher),
            }
            .with_upstream(
                std::time::Duration::from_secs(2),
                crate::federation::addresses::AddressPolicy::AllowPrivate,
            ),
        ),
        config: ServeConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            public_url: "http://127.0.0.1:9400".into(),
            regions: vec![],
            trusted_proxies: vec![],
        },
        _dir: dir,
    }
}
