//! Where messages go: SMTP (lettre; `smtp://host:port` plain, `?tls=required` for STARTTLS,
//! `smtps://` for TLS, `user:pass@` for AUTH) or, for development, `.eml` files in an outbox
//! directory.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portcullis_core::message::OutboundMessage;
use std::path::PathBuf;

pub enum Mailer {
    Outbox(PathBuf),
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Outbox(d) => write!(f, "Outbox({})", d.display()),
            Mailer::Smtp { from, .. } => write!(f, "Smtp(from {from})"),
        }
    }
}

impl Mailer {
    /// An SMTP mailer from a URL; the URL's password never appears in errors.
    pub fn smtp(url: &str, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("invalid sender address {from:?}: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("invalid SMTP URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    /// Sends one message; `Ok` says where it went.
    pub async fn deliver(&self, m: &OutboundMessage) -> Result<String, String> {
        match self {
            Mailer::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                let path = dir.join(format!("{}-{}.eml", m.created_at, m.id));
                let eml = format!(
                    "From: no-reply@portcullis.local\r\nTo: {}\r\nSubject: {}\r\nX-Portcullis-Pool: {}\r\nX-Portcullis-Purpose: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
                    m.recipient, m.subject, m.pool_id, m.purpose, m.body_text
                );
                std::fs::write(&path, eml).map_err(|e| e.to_string())?;
                Ok(path.display().to_string())
            }
            Mailer::Smtp { transport, from } => {
                let to: Mailbox = m
                    .recipient
                    .parse()
                    .map_err(|e| format!("invalid recipient: {e}"))?;
                let email = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&m.subject)
                    .header(lettre::message::header::ContentType::TEXT_PLAIN)
                    .body(m.body_text.clone())
                    .map_err(|e| e.to_string())?;
                transport.send(email).await.map_err(|e| e.to_string())?;
                Ok("smtp".into())
            }
        }
    }
}
