//! Verification codes: six digits, stored as a hash bound to the user, single use, with a cap
//! on wrong attempts and on how many are sent per hour.

use crate::App;
use portcullis_core::Result;
use portcullis_core::message::VerificationCode;
use portcullis_core::user::User;
use portcullis_crypto::tokens::token_hash;
use rand::RngExt;

pub const MAX_ATTEMPTS: u32 = 5;
pub const MAX_SENDS_PER_HOUR: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    Mismatch,
    Expired,
    TooManyAttempts,
}

fn hash_of(user: &User, purpose: &str, code: &str) -> String {
    token_hash(&format!("{}:{}:{purpose}:{code}", user.pool_id, user.sub))
}

impl App {
    /// A new code for `purpose`, valid `ttl` seconds; `None` when the hourly cap is reached.
    pub async fn new_code(
        &self,
        user: &User,
        purpose: &str,
        ttl: i64,
        payload: Option<String>,
    ) -> Result<Option<String>> {
        let previous = self
            .store
            .get_code(&user.pool_id, user.sub, purpose)
            .await?;
        let Some((code, record)) = self.fresh_code(user, purpose, ttl, payload, previous.as_ref())
        else {
            return Ok(None);
        };
        self.store.put_code(&record).await?;
        Ok(Some(code))
    }

    /// A new code and the record that keeps its hash, counted against the hour of
    /// `previous`; `None` when the hourly cap is reached. Nothing is written.
    pub fn fresh_code(
        &self,
        user: &User,
        purpose: &str,
        ttl: i64,
        payload: Option<String>,
        previous: Option<&VerificationCode>,
    ) -> Option<(String, VerificationCode)> {
        let now = self.now();
        let (sent_count, window_start) = match previous {
            Some(p) if now - p.window_start < 3600 => (p.sent_count + 1, p.window_start),
            _ => (1, now),
        };
        if sent_count > MAX_SENDS_PER_HOUR {
            return None;
        }
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
        let record = VerificationCode {
            pool_id: user.pool_id.clone(),
            sub: user.sub,
            purpose: purpose.to_owned(),
            code_hash: hash_of(user, purpose, &code),
            expires_at: now + ttl,
            attempts: 0,
            sent_count,
            window_start,
            payload,
        };
        Some((code, record))
    }

    /// Checks a code; a right one is spent, and its payload returned.
    pub async fn check_code(
        &self,
        user: &User,
        purpose: &str,
        code: &str,
    ) -> Result<Result<Option<String>, CodeError>> {
        let Some(stored) = self
            .store
            .get_code(&user.pool_id, user.sub, purpose)
            .await?
        else {
            return Ok(Err(CodeError::Expired));
        };
        if stored.expires_at <= self.now() {
            return Ok(Err(CodeError::Expired));
        }
        let attempts = self
            .store
            .count_code_attempt(&user.pool_id, user.sub, purpose)
            .await?;
        if attempts > MAX_ATTEMPTS {
            return Ok(Err(CodeError::TooManyAttempts));
        }
        let ok: bool = subtle::ConstantTimeEq::ct_eq(
            hash_of(user, purpose, code.trim()).as_bytes(),
            stored.code_hash.as_bytes(),
        )
        .into();
        if !ok {
            return Ok(Err(CodeError::Mismatch));
        }
        self.store
            .delete_code(&user.pool_id, user.sub, purpose)
            .await?;
        Ok(Ok(stored.payload))
    }
}
