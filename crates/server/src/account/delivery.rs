//! Delivering queued messages. The development mailer writes each message as an `.eml` file
//! into the outbox directory (`<data-dir>/outbox`) and logs where; failures are retried with
//! doubling waits and marked failed after the last try. SMTP delivery is still to come.

use crate::App;
use portcullis_core::message::{
    MAX_DELIVERY_ATTEMPTS, MessageStatus, OutboundMessage, backoff_secs,
};
use portcullis_core::{Error, Result};

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
        let now = self.now();
        self.store
            .enqueue_message(&OutboundMessage {
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
            })
            .await
    }

    fn write_eml(&self, m: &OutboundMessage) -> Result<std::path::PathBuf> {
        let dir = self
            .outbox_dir
            .as_ref()
            .ok_or_else(|| Error::internal("no outbox directory configured"))?;
        std::fs::create_dir_all(dir).map_err(Error::internal)?;
        let path = dir.join(format!("{}-{}.eml", m.created_at, m.id));
        let eml = format!(
            "From: no-reply@portcullis.local\r\nTo: {}\r\nSubject: {}\r\nX-Portcullis-Pool: {}\r\nX-Portcullis-Purpose: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            m.recipient, m.subject, m.pool_id, m.purpose, m.body_text
        );
        std::fs::write(&path, eml).map_err(Error::internal)?;
        Ok(path)
    }

    /// Delivers what is due; returns how many were sent.
    pub async fn deliver_due(&self) -> Result<usize> {
        let now = self.now();
        let mut sent = 0;
        for mut m in self.store.due_messages(now, 50).await? {
            m.attempts += 1;
            match self.write_eml(&m) {
                Ok(path) => {
                    m.status = MessageStatus::Sent;
                    m.sent_at = Some(now);
                    m.last_error = None;
                    sent += 1;
                    tracing::info!(to = %m.recipient, purpose = %m.purpose, path = %path.display(), "message delivered to the outbox directory");
                }
                Err(e) => {
                    m.last_error = Some(e.to_string());
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
