//! Where messages go: SMTP (lettre; `smtp://host:port` plain, `?tls=required` for STARTTLS,
//! `smtps://` for TLS, `user:pass@` for AUTH) or, for development, `.eml` files in an outbox
//! directory. Either way a message is the same MIME document: a text part and an HTML part
//! made from it.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portcullis_core::message::{OutboundMessage, html_from_text};
use std::path::PathBuf;

enum Transport {
    Outbox(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    /// The sender when the pool names none.
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.transport {
            Transport::Outbox(d) => write!(f, "Outbox({}, from {})", d.display(), self.from),
            Transport::Smtp(_) => write!(f, "Smtp(from {})", self.from),
        }
    }
}

/// Sender and reply-to addresses for one message, when the pool sets them.
#[derive(Debug, Default, Clone, Copy)]
pub struct Envelope<'a> {
    pub from: Option<&'a str>,
    pub reply_to: Option<&'a str>,
}

fn mailbox(what: &str, v: &str) -> Result<Mailbox, String> {
    v.parse()
        .map_err(|e| format!("invalid {what} address {v:?}: {e}"))
}

const POOL_HEADER: HeaderName = HeaderName::new_from_ascii_str("X-Portcullis-Pool");
const PURPOSE_HEADER: HeaderName = HeaderName::new_from_ascii_str("X-Portcullis-Purpose");

impl Mailer {
    /// Messages written as `.eml` files into `dir`.
    pub fn outbox(dir: PathBuf, from: &str) -> Result<Self, String> {
        Ok(Mailer {
            transport: Transport::Outbox(dir),
            from: mailbox("sender", from)?,
        })
    }

    /// An SMTP mailer from a URL; the URL's password never appears in errors.
    pub fn smtp(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| "invalid SMTP URL (expected smtp://host:port or smtps://host:port, optionally with user:password@)".to_owned())?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        Ok(Mailer {
            transport: Transport::Smtp(transport),
            from: mailbox("sender", from)?,
        })
    }

    /// The default sender, as text.
    pub fn sender(&self) -> String {
        self.from.to_string()
    }

    /// The MIME message: text and HTML alternatives, addressed per the envelope.
    fn compose(&self, m: &OutboundMessage, env: Envelope<'_>) -> Result<Message, String> {
        let from = match env.from {
            Some(f) => mailbox("sender", f)?,
            None => self.from.clone(),
        };
        let mut b = Message::builder()
            .from(from)
            .to(mailbox("recipient", &m.recipient)?)
            .subject(&m.subject)
            .raw_header(HeaderValue::new(POOL_HEADER, m.pool_id.to_string()))
            .raw_header(HeaderValue::new(PURPOSE_HEADER, m.purpose.clone()));
        if let Some(r) = env.reply_to {
            b = b.reply_to(mailbox("reply-to", r)?);
        }
        b.multipart(MultiPart::alternative_plain_html(
            m.body_text.clone(),
            html_from_text(&m.body_text),
        ))
        .map_err(|e| e.to_string())
    }

    /// Sends one message; `Ok` says where it went.
    pub async fn deliver(&self, m: &OutboundMessage, env: Envelope<'_>) -> Result<String, String> {
        let email = self.compose(m, env)?;
        match &self.transport {
            Transport::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                let path = dir.join(format!("{}-{}.eml", m.created_at, m.id));
                std::fs::write(&path, email.formatted()).map_err(|e| e.to_string())?;
                Ok(path.display().to_string())
            }
            Transport::Smtp(transport) => {
                transport.send(email).await.map_err(|e| e.to_string())?;
                Ok("smtp".into())
            }
        }
    }
}
