//! Okta's password import inline hook, so a handler written for Okta works unchanged: at the
//! first sign-in of a user imported with `password_import_hook`, the typed password goes to
//! the pool's hook as `com.okta.user.credential.password.import`; the answer
//! `{"commands": [{"type": "com.okta.action.update", "value": {"credential": "VERIFIED"}}]}`
//! keeps it (hashed here from then on), anything else refuses it. Calls are signed as every
//! hook call is.

use crate::App;
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use serde_json::{Value, json};

/// Whether the answer verifies the password.
fn verified(body: &[u8]) -> bool {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    answer
        .get("commands")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| {
            c.get("type").and_then(Value::as_str) == Some("com.okta.action.update")
                && c.pointer("/value/credential").and_then(Value::as_str) == Some("VERIFIED")
        })
}

impl App {
    /// Asks the pool's password import hook about `password`; false without a hook, on a
    /// refusal, and when the hook cannot be reached (logged).
    pub async fn password_import_check(
        &self,
        pool: &UserPool,
        user: &User,
        password: &str,
        client_ip: &str,
    ) -> bool {
        let Some(url) = pool.settings.hooks.password_import.as_deref() else {
            tracing::warn!(pool = %pool.id, "a user waits for a password import hook the pool does not have");
            return false;
        };
        let request_id = uuid::Uuid::new_v4().to_string();
        let event = json!({
            "eventId": uuid::Uuid::new_v4().to_string(),
            "eventTime": rfc3339(self.now()),
            "eventType": "com.okta.user.credential.password.import",
            "eventTypeVersion": "1.0",
            "contentType": "application/json",
            "cloudEventVersion": "0.1",
            "source": format!("{}/{}", self.public_url.as_deref().unwrap_or(""), pool.id),
            "data": {
                "context": {
                    "request": {
                        "id": request_id,
                        "method": "POST",
                        "url": {"value": format!("/{}/login", pool.id)},
                        "ipAddress": client_ip,
                    },
                    "credential": {"username": user.username, "password": password},
                },
                "action": {"credential": "UNVERIFIED"},
            },
        });
        let Ok(body) = serde_json::to_vec(&event) else {
            return false;
        };
        match self.post_signed(&pool.id, url, &body).await {
            Ok(answer) => {
                let ok = verified(&answer);
                tracing::info!(pool = %pool.id, verified = ok, "password import hook answered");
                ok
            }
            Err(f) => {
                tracing::warn!(pool = %pool.id, failure = ?f, "password import hook failed");
                false
            }
        }
    }
}

/// `2026-12-03T14:30:00.000Z`, as Okta writes event times.
fn rfc3339(t: i64) -> String {
    let d = portcullis_crypto::sigv4::format_amz_date(t);
    let part = |r: std::ops::Range<usize>| d.get(r).unwrap_or("00");
    format!(
        "{}-{}-{}T{}:{}:{}.000Z",
        part(0..4),
        part(4..6),
        part(6..8),
        part(9..11),
        part(11..13),
        part(13..15)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_verified_update_keeps_the_password() {
        let yes = br#"{"commands":[{"type":"com.okta.action.update","value":{"credential":"VERIFIED"}}]}"#;
        assert!(verified(yes));
        let no = br#"{"commands":[{"type":"com.okta.action.update","value":{"credential":"UNVERIFIED"}}]}"#;
        assert!(!verified(no));
        assert!(!verified(b""));
        assert!(!verified(
            br#"{"commands":[{"type":"other","value":{"credential":"VERIFIED"}}]}"#
        ));
    }

    #[test]
    fn event_times_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_796_306_386), "2026-12-03T13:59:46.000Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00.000Z");
    }
}
