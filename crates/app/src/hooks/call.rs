//! Calling a hook: the event is posted as JSON, signed per Standard Webhooks
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`), with a 5-second deadline.
//! Connection failures and 5xx answers are tried again (three attempts in all, as Cognito
//! tries a Lambda); a timeout is not, so a slow hook costs one deadline, not three. A 4xx
//! answer is the hook saying no: its `errorMessage` (or plain text) is the refusal.

use crate::App;
use portcullis_core::hooks::event::{Envelope, event, response_of};
use portcullis_core::hooks::{HookError, HookFailure, Trigger};
use portcullis_core::ids::PoolId;
use portcullis_core::pool::UserPool;
use portcullis_core::{Error, Result};
use portcullis_crypto::webhook;
use serde_json::{Map, Value};
use std::time::{Duration, Instant};

/// Cognito's deadline for a synchronous Lambda trigger.
pub const DEADLINE: Duration = Duration::from_secs(5);
const ATTEMPTS: u32 = 3;
/// The longest refusal message passed on to users.
const MAX_MESSAGE: usize = 2048;

/// One trigger firing: which, for whom, and the trigger's own `request` and (default)
/// `response`.
pub struct HookCall<'a> {
    pub trigger: Trigger,
    /// Cognito's `triggerSource`, for example `PreSignUp_SignUp`.
    pub source: &'a str,
    /// The event's `version` ("1" but for PreTokenGeneration V2_0/V3_0).
    pub version: &'a str,
    pub user_name: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub request: Value,
    pub response: Value,
}

fn failure(trigger: Trigger, failure: HookFailure) -> Error {
    Error::Hook(HookError { trigger, failure })
}

/// The message of a refusal: a Lambda error's `errorMessage`, or the plain-text body.
fn refusal_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|j| {
            j.get("errorMessage")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| text.trim().to_owned());
    let clean: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MESSAGE)
        .collect();
    if clean.is_empty() {
        "the hook refused".to_owned()
    } else {
        clean
    }
}

impl App {
    /// Fires `call.trigger` if the pool has a hook for it: `None` when it has none, else
    /// the `response` of the hook's answer. Refusals, failures and malformed answers are
    /// `Error::Hook`, and the caller must change nothing.
    pub async fn hook(
        &self,
        pool: &UserPool,
        call: HookCall<'_>,
    ) -> Result<Option<Map<String, Value>>> {
        let Some(url) = pool.settings.hooks.target(call.trigger) else {
            return Ok(None);
        };
        let env = Envelope {
            region: pool.id.region(),
            pool_id: pool.id.as_str(),
            user_name: call.user_name,
            client_id: call.client_id,
        };
        let body = event(env, call.version, call.source, call.request, call.response);
        let body = serde_json::to_vec(&body).map_err(Error::internal)?;
        let trigger = call.trigger;
        let started = Instant::now();
        let answer = self.post_signed(&pool.id, url, &body).await;
        let ms = started.elapsed().as_millis();
        match &answer {
            Ok(_) => tracing::info!(pool = %pool.id, trigger = call.source, ms, "hook answered"),
            Err(f) => {
                tracing::warn!(pool = %pool.id, trigger = call.source, ms, failure = ?f, "hook failed")
            }
        }
        let body = answer.map_err(|f| failure(trigger, f))?;
        let answer: Value = serde_json::from_slice(&body)
            .map_err(|_| HookError::invalid(trigger, "the answer is not JSON"))?;
        response_of(trigger, &answer).map(Some)
    }

    /// POSTs `body`, signed with the pool's keys, to `url`: the body of a 2xx answer (an
    /// empty one for 204). 4xx is a refusal; no answer in time, connection failures and 5xx
    /// (three times) are `Unreachable`.
    pub(crate) async fn post_signed(
        &self,
        pool: &PoolId,
        url: &str,
        body: &[u8],
    ) -> std::result::Result<Vec<u8>, HookFailure> {
        let keys = self.signing_keys(pool).await.map_err(|e| {
            tracing::error!(error = %e, "hook signing keys");
            HookFailure::Unreachable("InternalError".into())
        })?;
        let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            let ts = self.now();
            let signature = keys
                .iter()
                .map(|k| webhook::sign(k, &id, ts, body))
                .collect::<Vec<_>>()
                .join(" ");
            let headers = [
                ("webhook-id", id.clone()),
                ("webhook-timestamp", ts.to_string()),
                ("webhook-signature", signature),
            ];
            let sent = self
                .fetcher
                .post_json_body(url, body.to_vec(), &headers, DEADLINE)
                .await;
            match sent {
                Err(n) if n.timed_out => {
                    tracing::warn!(why = %n.why, "hook timed out");
                    return Err(HookFailure::Unreachable("TimeoutException".into()));
                }
                Err(n) => last = n.why.to_string(),
                Ok((status, _)) if status >= 500 => last = format!("HTTP {status}"),
                Ok((status, answer)) if status >= 400 => {
                    return Err(HookFailure::Refused(refusal_message(&answer)));
                }
                Ok((status, answer)) if (200..300).contains(&status) => return Ok(answer),
                Ok((status, _)) => {
                    return Err(HookFailure::Invalid(format!("unexpected HTTP {status}")));
                }
            }
        }
        tracing::warn!(why = %last, "hook unreachable after {ATTEMPTS} attempts");
        Err(HookFailure::Unreachable("ServiceException".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::refusal_message;

    #[test]
    fn refusals_read_lambda_errors_and_plain_text() {
        assert_eq!(
            refusal_message(br#"{"errorMessage": "Sign-ups are closed", "errorType": "Error"}"#),
            "Sign-ups are closed"
        );
        assert_eq!(refusal_message(b"  not today\n"), "not today");
        assert_eq!(refusal_message(b""), "the hook refused");
    }
}
