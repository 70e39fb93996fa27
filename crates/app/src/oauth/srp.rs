//! USER_SRP_AUTH as operations: step one answers with a salt, the server's ephemeral value and
//! the challenge state sealed into SECRET_BLOCK (no server state until the proof returns, on
//! any node); step two checks the block (ours, fresh, this pool and client, spent once), the
//! timestamp, the throttle and the client's proof. Names without a verifier get a stable
//! decoy, so step one does not tell who exists and no proof ever matches.

use super::login::{LoginFailure, LoginOutcome};
use crate::App;
use crate::admin::crypto_err;
use crate::lookups::Marked;
use base64::Engine;
use portcullis_core::pool::UserPool;
use portcullis_core::user::SrpVerifier;
use portcullis_core::{Error, Result};
use serde_json::{Value, json};

const SRP_KIND: &str = "srp_challenge_spent";
/// How long a challenge may wait for its proof.
const SRP_TTL_SECS: i64 = 300;
/// How far the client's TIMESTAMP may be from our clock.
const SRP_TIMESTAMP_SKEW_SECS: i64 = 300;

/// What step one shows the client (Cognito's PASSWORD_VERIFIER challenge parameters).
#[derive(Debug, Clone)]
pub struct SrpChallenge {
    pub salt: String,
    pub srp_b: String,
    pub secret_block: String,
    pub user_id: String,
}

/// The client's answer to the challenge.
pub struct SrpProof<'a> {
    pub secret_block: &'a str,
    pub signature: &'a str,
    pub timestamp: &'a str,
}

fn srp_context(pool: &UserPool) -> String {
    format!("srp-secret-block:{}", pool.id)
}

/// `EEE MMM d HH:mm:ss UTC yyyy` (e.g. `Sun Oct 6 13:37:50 UTC 2024`) as Unix seconds.
pub fn parse_srp_timestamp(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_weekday, month, day, time, "UTC", year] = parts.as_slice() else {
        return None;
    };
    let m = MONTHS.iter().position(|x| x == month)? + 1;
    let d: u32 = day.parse().ok()?;
    let y: u32 = year.parse().ok()?;
    let hms = time.replace(':', "");
    portcullis_crypto::sigv4::parse_amz_date(&format!("{y:04}{m:02}{d:02}T{hms}Z"))
}

impl App {
    /// What step one shows for a name without a verifier (no such user, or one imported
    /// without one): a salt, a verifier and, where email is the username, a user id, all
    /// derived from the master key and the pool and name. Asked twice, it answers alike, as
    /// for a real user, and it costs what a real user's answer costs.
    fn srp_decoy(&self, pool: &UserPool, username: &str) -> (String, SrpVerifier) {
        let seed = self.master.mac(
            "srp-decoy",
            &format!("{}\0{}", pool.id, pool.username_key(username)),
        );
        let (salt, verifier) = portcullis_crypto::srp::decoy_verifier(seed.as_bytes());
        let user_id = if pool.username_attribute().is_some() {
            // Real users of such pools are known by their sub.
            let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, seed.as_bytes());
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(d.as_ref().get(..16).unwrap_or(&[0; 16]));
            uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .to_string()
        } else {
            username.to_owned()
        };
        (user_id, SrpVerifier { salt, verifier })
    }

    /// USER_SRP_AUTH, step one, for `client_id`. A user whose password was imported has no
    /// SRP verifier until their first password sign-in: with `reveal`, they are told so
    /// (`None`); otherwise they get a challenge no proof can meet, as unknown users do.
    pub async fn srp_challenge(
        &self,
        pool: &UserPool,
        client_id: &str,
        username: &str,
        srp_a: &str,
        reveal: bool,
    ) -> Result<Option<SrpChallenge>> {
        let user = self.find_user(pool, username).await?;
        if let Some(u) = &user {
            if reveal && u.srp.is_none() && u.password_hash.is_some() {
                return Ok(None);
            }
            self.pre_authentication(pool, Some(client_id), u).await?;
        }
        let (sub, user_id, srp) = match user.as_ref().and_then(|u| u.srp.clone().map(|s| (u, s))) {
            Some((u, srp)) => (Some(u.sub), u.username.clone(), srp),
            None => {
                let (user_id, v) = self.srp_decoy(pool, username);
                (None, user_id, v)
            }
        };
        let verifier = srp.verifier.clone();
        let (b, big_b) = tokio::task::spawn_blocking(move || {
            portcullis_crypto::srp::server_ephemeral(&verifier)
        })
        .await
        .map_err(Error::internal)?
        .map_err(crypto_err)?;
        let state = json!({
            "pool": pool.id.as_str(), "sub": sub, "user_id": user_id, "username": username,
            "client_id": client_id, "a": srp_a, "b": b, "big_b": big_b,
            "verifier": srp.verifier, "exp": self.now() + SRP_TTL_SECS,
        });
        let sealed = self
            .master
            .seal(&srp_context(pool), state.to_string().as_bytes())
            .map_err(crypto_err)?;
        Ok(Some(SrpChallenge {
            salt: srp.salt,
            srp_b: big_b,
            secret_block: base64::engine::general_purpose::STANDARD.encode(sealed.as_bytes()),
            user_id,
        }))
    }

    /// USER_SRP_AUTH, step two: the proof over a challenge this pool issued to `client_id`.
    /// A block that is not ours, stale, spent or another client's is a plain failure (not
    /// counted: nobody's password was tried); a wrong proof counts against the throttle.
    pub async fn srp_verify(
        &self,
        pool: &UserPool,
        client_id: &str,
        proof: &SrpProof<'_>,
        client_ip: &str,
    ) -> Result<LoginOutcome> {
        let refused = Ok(LoginOutcome::Failed(LoginFailure::BadCredentials));
        let now = self.now();
        let Some(state) = base64::engine::general_purpose::STANDARD
            .decode(proof.secret_block)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|sealed| self.master.open(&srp_context(pool), &sealed).ok())
            .and_then(|clear| serde_json::from_slice::<Value>(&clear).ok())
        else {
            return refused;
        };
        let field = |n: &str| {
            state
                .get(n)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let exp = state.get("exp").and_then(Value::as_i64).unwrap_or(0);
        if exp <= now || field("pool") != pool.id.as_str() || field("client_id") != client_id {
            return refused;
        }
        // Cognito's clients send "EEE MMM d HH:mm:ss UTC yyyy"; a proof must be fresh.
        if parse_srp_timestamp(proof.timestamp)
            .is_none_or(|t| (now - t).abs() > SRP_TIMESTAMP_SKEW_SECS)
        {
            return refused;
        }
        // Each challenge answers once: remember it until it expires (on every node).
        if self
            .mark_spent(&pool.id, SRP_KIND, proof.secret_block, exp)
            .await?
            == Marked::AlreadySpent
        {
            return refused;
        }
        let attempt = self
            .login_attempt(pool, &field("username"), client_ip, Some(client_id))
            .await?;
        let suffix = pool.id.suffix().to_owned();
        let (a, b, big_b, v, user_id) = (
            field("a"),
            field("b"),
            field("big_b"),
            field("verifier"),
            field("user_id"),
        );
        let (block, signature, timestamp) = (
            proof.secret_block.to_owned(),
            proof.signature.to_owned(),
            proof.timestamp.to_owned(),
        );
        let ok = tokio::task::spawn_blocking(move || {
            portcullis_crypto::srp::verify_claim(&portcullis_crypto::srp::Claim {
                a_hex: &a,
                b_secret_hex: &b,
                b_public_hex: &big_b,
                verifier_hex: &v,
                pool_suffix: &suffix,
                user_id: &user_id,
                secret_block_b64: &block,
                timestamp: &timestamp,
                signature_b64: &signature,
            })
        })
        .await
        .map_err(Error::internal)?;
        let user = match uuid::Uuid::parse_str(&field("sub")) {
            Ok(sub) => self.store.get_user_by_sub(&pool.id, sub).await?,
            Err(_) => None,
        };
        match user {
            Some(u) if ok && !attempt.throttled() && u.enabled => {
                self.login_verified(pool, &attempt, u, None).await
            }
            _ => self.login_failed(pool, &attempt).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_srp_timestamp;

    #[test]
    fn cognito_timestamps() {
        assert_eq!(parse_srp_timestamp("Thu Jan 1 00:00:00 UTC 1970"), Some(0));
        assert_eq!(
            parse_srp_timestamp("Sun Nov 22 00:00:00 UTC 2026"),
            Some(1_795_305_600)
        );
        assert_eq!(parse_srp_timestamp("Sun Nov 22 00:00:00 GMT 2026"), None);
        assert_eq!(parse_srp_timestamp("2026-11-22T00:00:00Z"), None);
    }
}
