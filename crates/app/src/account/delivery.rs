//! Delivering queued messages through the configured [`Mailer`](super::mailer::Mailer):
//! failures are retried with doubling waits and marked failed after the last try.

use super::mailer::Envelope;
use crate::App;
use portcullis_core::Result;
use portcullis_core::message::{
    MAX_DELIVERY_ATTEMPTS, MessageStatus, OutboundMessage, backoff_secs,
};

impl App {
    /// Queues a message; the server's delivery loop sends it.
    pub async fn queue_message(
        &self,
        pool: &portcullis_core::ids::PoolId,
        to: &str,
        subject: &str,
        body: &str,
        purpose: &str,
    ) -> Result<()> {
        self.store
            .enqueue_message(&self.outbound(pool, to, subject, body, purpose))
            .await
    }

    /// A message queued for delivery now; nothing is written.
    pub fn outbound(
        &self,
        pool: &portcullis_core::ids::PoolId,
        to: &str,
        subject: &str,
        body: &str,
        purpose: &str,
    ) -> OutboundMessage {
        let now = self.now();
        OutboundMessage {
            id: uuid::Uuid::new_v4(),
            pool_id: pool.clone(),
            recipient: to.to_owned(),
            subject: subject.to_owned(),
            body_text: body.to_owned(),
            purpose: purpose.to_owned(),
            status: MessageStatus::Queued,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            sent_at: None,
        }
    }

    /// One attempt: through the pool's own SMTP server if it has one, else the deployment's
    /// mailer; from the pool's sender if it names one.
    async fn deliver_one(&self, m: &OutboundMessage) -> std::result::Result<String, String> {
        let pool = self
            .store
            .get_pool(&m.pool_id)
            .await
            .map_err(|e| e.to_string())?;
        let email = pool.map(|p| p.settings.email).unwrap_or_default();
        let env = Envelope {
            from: email.from.as_deref(),
            reply_to: email.reply_to.as_deref(),
        };
        match self
            .pool_mailer(&m.pool_id)
            .await
            .map_err(|e| e.to_string())?
        {
            Some(mailer) => mailer.deliver(m, env).await,
            None => match &self.mailer {
                Some(mailer) => mailer.deliver(m, env).await,
                None => Err("no mailer configured".to_owned()),
            },
        }
    }

    /// The newest messages (of one pool, or all), newest first, for the outbox listing.
    pub async fn recent_messages(
        &self,
        pool: Option<&portcullis_core::ids::PoolId>,
        limit: u32,
    ) -> Result<Vec<OutboundMessage>> {
        self.store.recent_messages(pool, limit).await
    }

    /// Delivers what is due; returns how many were sent.
    pub async fn deliver_due(&self) -> Result<usize> {
        let now = self.now();
        let mut sent = 0;
        for mut m in self.store.due_messages(now, 50).await? {
            m.attempts += 1;
            let outcome = self.deliver_one(&m).await;
            match outcome {
                Ok(path) => {
                    m.status = MessageStatus::Sent;
                    m.sent_at = Some(now);
                    m.last_error = None;
                    sent += 1;
                    tracing::info!(to = %m.recipient, purpose = %m.purpose, to_where = %path, "message delivered");
                }
                Err(e) => {
                    m.last_error = Some(e.clone());
                    if m.attempts >= MAX_DELIVERY_ATTEMPTS {
                        m.status = MessageStatus::Failed;
                        tracing::error!(to = %m.recipient, error = %e, "message failed after the last try");
                    } else {
                        m.next_attempt_at = now + backoff_secs(m.attempts);
                    }
                }
            }
            self.store.record_delivery(&m).await?;
        }
        Ok(sent)
    }
}
