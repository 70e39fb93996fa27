//! Answers that must not tell who exists take at least a fixed time. Naming a user who
//! exists costs a few store writes (a code, a message) that an unknown name does not; padding
//! every answer to a floor above both hides the difference (`bench/cognito/existence.sh`
//! measures it). Password checks need no floor: unknown users already pay for a decoy hash.

use super::flows::{AccountError, Delivery};
use crate::App;
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use std::future::Future;
use std::time::Duration;

/// Above the slowest of these paths on a loaded 2-core machine (~2.5 ms at p90), with room.
const FLOOR: Duration = Duration::from_millis(10);

async fn evenly<T>(work: impl Future<Output = T>) -> T {
    let until = tokio::time::Instant::now() + FLOOR;
    let out = work.await;
    tokio::time::sleep_until(until).await;
    out
}

impl App {
    pub async fn confirm_sign_up(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        username: &str,
        code: &str,
    ) -> Result<User, AccountError> {
        evenly(self.confirm_sign_up_at_once(pool, client_id, username, code)).await
    }

    pub async fn resend_sign_up_code(
        &self,
        pool: &UserPool,
        client_id: &str,
        username: &str,
    ) -> Result<Option<Delivery>, AccountError> {
        evenly(self.resend_sign_up_code_at_once(pool, client_id, username)).await
    }

    /// ForgotPassword: a 1-hour code to the user's email. `Ok(None)` for a user who does not
    /// exist or has no email (the caller decides whether to say so).
    pub async fn forgot_password(
        &self,
        pool: &UserPool,
        username: &str,
    ) -> Result<Option<Delivery>, AccountError> {
        evenly(self.forgot_password_at_once(pool, username)).await
    }

    /// ConfirmForgotPassword: the new password, CONFIRMED, and every session and token of the
    /// user revoked.
    pub async fn confirm_forgot_password(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        username: &str,
        code: &str,
        password: &str,
    ) -> Result<User, AccountError> {
        let work = self.confirm_forgot_password_at_once(pool, client_id, username, code, password);
        evenly(work).await
    }
}
