//! Setting claim rules: a pool's, or one app client's (which replace the pool's for it).
//! Rules are checked before anything is written.

use crate::App;
use portcullis_core::Result;
use portcullis_core::claim_rules::ClaimRules;

impl App {
    /// Sets (or with `None`, clears) the claim rules of the pool, or of its client
    /// `client_id`; returns what is now in force for that pool or client.
    pub async fn set_claim_rules(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
        rules: Option<ClaimRules>,
    ) -> Result<Option<ClaimRules>> {
        if let Some(r) = &rules {
            r.validate()?;
        }
        match client_id {
            Some(id) => {
                let mut client = self.client(pool_id, id).await?;
                client.claim_rules = rules;
                Ok(self.update_client(client).await?.claim_rules)
            }
            None => {
                let mut settings = self.pool(pool_id).await?.settings;
                settings.claim_rules = rules;
                Ok(self
                    .update_pool_settings(pool_id, settings)
                    .await?
                    .settings
                    .claim_rules)
            }
        }
    }
}
