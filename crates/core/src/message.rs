//! Messages to users (verification codes, invitations, password resets) as a queue the
//! server delivers and retries, and the verification codes they carry (stored hashed, with
//! attempt and resend counters).

use crate::clock::UnixTime;
use crate::ids::PoolId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Queued,
    Sent,
    Failed,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Queued => "queued",
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> crate::Result<Self> {
        match s {
            "queued" => Ok(MessageStatus::Queued),
            "sent" => Ok(MessageStatus::Sent),
            "failed" => Ok(MessageStatus::Failed),
            other => Err(crate::Error::internal(format!(
                "unknown message status {other:?}"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundMessage {
    pub id: Uuid,
    pub pool_id: PoolId,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    /// `sign_up`, `forgot_password`, ...
    pub purpose: String,
    pub status: MessageStatus,
    pub attempts: u32,
    pub next_attempt_at: UnixTime,
    pub last_error: Option<String>,
    pub created_at: UnixTime,
    pub sent_at: Option<UnixTime>,
}

/// Deliveries are tried this many times, with doubling waits, before a message is failed.
pub const MAX_DELIVERY_ATTEMPTS: u32 = 5;

/// Seconds to wait before attempt `n + 1` after `n` failures: 2, 4, 8, 16, ...
pub fn backoff_secs(failures: u32) -> i64 {
    2_i64.saturating_pow(failures.min(20))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationCode {
    pub pool_id: PoolId,
    pub sub: Uuid,
    pub purpose: String,
    pub code_hash: String,
    pub expires_at: UnixTime,
    pub attempts: u32,
    /// Codes sent in the current window (resend cap).
    pub sent_count: u32,
    pub window_start: UnixTime,
    /// What the code confirms, e.g. a new email address pending verification.
    pub payload: Option<String>,
}

/// The HTML part of a message, made from its text: escaped, paragraphs at blank lines,
/// line breaks kept, and `http(s)://` addresses as links. Templates stay plain text, so the
/// two parts always say the same thing.
pub fn html_from_text(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    };
    let line_html = |line: &str| {
        line.split(' ')
            .map(|word| {
                if word.starts_with("https://") || word.starts_with("http://") {
                    let e = escape(word);
                    format!("<a href=\"{e}\">{e}</a>")
                } else {
                    escape(word)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let paragraphs: String = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let lines: Vec<String> = p.lines().map(line_html).collect();
            format!("<p>{}</p>\n", lines.join("<br>\n"))
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family: sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a;\">\n{paragraphs}</body></html>\n"
    )
}

/// Destination as Cognito masks it: `a***@e***`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((l, d)) => format!(
            "{}***@{}***",
            l.chars().next().unwrap_or('*'),
            d.chars().next().unwrap_or('*')
        ),
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_parts_escape_and_link() {
        let html = html_from_text(
            "Hi <b>ann</b> & co.\nCode: 123456\n\nConfirm: https://x.test/c?a=1&b=2",
        );
        assert!(
            html.contains("<p>Hi &lt;b&gt;ann&lt;/b&gt; &amp; co.<br>\nCode: 123456</p>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://x.test/c?a=1&amp;b=2\">"),
            "{html}"
        );
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn masking_and_backoff() {
        assert_eq!(mask_email("alice@example.com"), "a***@e***");
        assert_eq!(backoff_secs(0), 1);
        assert_eq!(backoff_secs(3), 8);
        assert!(backoff_secs(100) > 0);
    }
}
