//! The application context every operation runs against: the store, the master key, the
//! password hasher and the clock (injected, so expiry is testable).

use portcullis_core::clock::{Clock, SystemClock};
use portcullis_crypto::master_key::MasterKey;
use portcullis_crypto::password::PasswordHasherConfig;
use portcullis_crypto::signing::Signer;
use portcullis_store::Store;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;

pub struct App {
    pub(crate) store: Arc<dyn Store>,
    pub master: MasterKey,
    pub hasher: PasswordHasherConfig,
    pub clock: Arc<dyn Clock>,
    /// Opened signing keys by (pool, kid): unsealing and parsing happen once per key.
    pub signers: Mutex<HashMap<(String, String), Arc<Signer>>>,
    /// Password hashes run at most one per core: each takes ~20 ms and 19 MiB, so more at
    /// once would only queue inside the OS, grow memory, and starve token issuance.
    pub hash_slots: tokio::sync::Semaphore,
    /// Where messages to users go (SMTP, or `.eml` files for development).
    pub mailer: Option<crate::account::mailer::Mailer>,
    /// Pools' own SMTP mailers, by pool, with the sealed URL they were built from.
    pub pool_mailers: crate::account::pool_mail::PoolMailers,
    /// Outbound HTTP to upstream identity providers.
    pub fetcher: crate::federation::fetch::Fetcher,
    /// Upstream providers' metadata and keys.
    pub upstream: crate::federation::upstream::UpstreamCache,
    /// SAML providers' parsed metadata.
    #[cfg(feature = "saml")]
    pub saml_metadata_cache: crate::federation::saml_metadata::MetadataCache,
    /// The public URL, for links in messages (confirmation links); set by `serve`.
    pub public_url: Option<String>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, master: MasterKey, hasher: PasswordHasherConfig) -> Self {
        App {
            store,
            master,
            hasher,
            clock: Arc::new(SystemClock),
            signers: Mutex::new(HashMap::new()),
            mailer: None,
            pool_mailers: Default::default(),
            fetcher: crate::federation::fetch::Fetcher::new(
                std::time::Duration::from_secs(10),
                crate::federation::addresses::AddressPolicy::PublicOnly,
            ),
            upstream: Default::default(),
            #[cfg(feature = "saml")]
            saml_metadata_cache: Default::default(),
            public_url: None,
            hash_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
        }
    }

    /// The app on the database at `url` (`sqlite://…` or `postgres://…`), migrated.
    pub async fn open(
        url: &str,
        master: MasterKey,
        hasher: PasswordHasherConfig,
    ) -> portcullis_core::Result<Self> {
        Ok(App::new(portcullis_store::open(url).await?, master, hasher))
    }

    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Some(url.trim_end_matches('/').to_owned());
        self
    }

    pub fn with_mailer(mut self, mailer: crate::account::mailer::Mailer) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// How long a call to an upstream identity provider may take (10 s by default), and
    /// which addresses it may reach (public ones by default).
    pub fn with_upstream(
        mut self,
        timeout: std::time::Duration,
        policy: crate::federation::addresses::AddressPolicy,
    ) -> Self {
        self.fetcher = crate::federation::fetch::Fetcher::new(timeout, policy);
        self
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
