//! A pool's own SMTP server: set by an administrator, its URL (credentials included) sealed
//! at rest, and a mailer built from it once and reused until the setting changes.

use super::mailer::Mailer;
use crate::App;
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};
use portcullis_store::PoolSecret;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub type PoolMailers = Mutex<HashMap<PoolId, (String, Arc<Mailer>)>>;

/// The sender when neither the pool nor the deployment names one.
pub const DEFAULT_FROM: &str = "no-reply@portcullis.local";

fn context(pool: &PoolId) -> String {
    format!("pool-smtp:{pool}")
}

/// The URL as it may be shown: the password replaced by `***`.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "(invalid URL)".into(),
    }
}

impl App {
    fn default_from(&self) -> String {
        self.mailer
            .as_ref()
            .map_or_else(|| DEFAULT_FROM.to_owned(), Mailer::sender)
    }

    /// Sets (or with `None` removes) the pool's SMTP server; the URL is checked first and
    /// nothing changes when it is refused.
    pub async fn set_pool_smtp(&self, pool_id: &str, url: Option<&str>) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let sealed = match url {
            Some(u) => {
                Mailer::smtp(u, &self.default_from()).map_err(Error::invalid)?;
                Some(
                    self.master
                        .seal(&context(&pool.id), u.as_bytes())
                        .map_err(Error::internal)?,
                )
            }
            None => None,
        };
        self.store
            .set_pool_secret(&pool.id, PoolSecret::Smtp, sealed.as_deref())
            .await
    }

    /// The pool's SMTP URL with its password hidden, if it has one.
    pub async fn pool_smtp_display(&self, pool_id: &str) -> Result<Option<String>> {
        let pool = self.pool(pool_id).await?;
        let Some(sealed) = self.store.pool_secret(&pool.id, PoolSecret::Smtp).await? else {
            return Ok(None);
        };
        let url = self
            .master
            .open(&context(&pool.id), &sealed)
            .map_err(Error::internal)?;
        Ok(Some(redacted(&String::from_utf8_lossy(&url))))
    }

    /// The pool's own mailer, or `None` when it uses the deployment's.
    pub async fn pool_mailer(&self, pool: &PoolId) -> Result<Option<Arc<Mailer>>> {
        let Some(sealed) = self.store.pool_secret(pool, PoolSecret::Smtp).await? else {
            return Ok(None);
        };
        if let Some((s, m)) = self.pool_mailers.lock().map_err(Error::internal)?.get(pool)
            && *s == sealed
        {
            return Ok(Some(m.clone()));
        }
        let url = self
            .master
            .open(&context(pool), &sealed)
            .map_err(Error::internal)?;
        let mailer = Arc::new(
            Mailer::smtp(&String::from_utf8_lossy(&url), &self.default_from())
                .map_err(Error::internal)?,
        );
        self.pool_mailers
            .lock()
            .map_err(Error::internal)?
            .insert(pool.clone(), (sealed, mailer.clone()));
        Ok(Some(mailer))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            super::redacted("smtps://ann:s3cret@mail.acme.example:465"),
            "smtps://ann:***@mail.acme.example:465"
        );
        assert_eq!(
            super::redacted("smtp://127.0.0.1:2525"),
            "smtp://127.0.0.1:2525"
        );
    }
}
