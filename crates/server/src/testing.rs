//! Test helpers: the application's test app, with the server configuration tests use.

use crate::ServeConfig;
use std::sync::Arc;

pub(crate) struct TestApp {
    pub app: Arc<crate::App>,
    pub config: ServeConfig,
    _inner: portcullis_app::testing::TestApp,
}

pub(crate) async fn test_app() -> TestApp {
    test_app_with_clock(None).await
}

pub(crate) async fn test_app_with_clock(
    clock: Option<Arc<portcullis_core::clock::FixedClock>>,
) -> TestApp {
    let inner = portcullis_app::testing::test_app_with_clock(clock).await;
    TestApp {
        app: inner.app.clone(),
        config: ServeConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            public_url: "http://127.0.0.1:9400".into(),
            regions: vec![],
            account_id: crate::config::DEFAULT_ACCOUNT_ID.into(),
            trusted_proxies: vec![],
        },
        _inner: inner,
    }
}
