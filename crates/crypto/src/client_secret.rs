//! Client secrets: 48 random characters, checked on every token request. They carry ~280 bits
//! of entropy, so a fast SHA-256 digest compared in constant time is enough: a slow password
//! hash here would cap token throughput at a few dozen requests per second.

use crate::b64;
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const LEN: usize = 52;

/// A new secret (Cognito's are 51–52 lowercase alphanumerics).
pub fn generate() -> crate::Result<String> {
    let mut bytes = [0u8; LEN];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| crate::CryptoError::KeyGeneration)?;
    // 252 = 7 * 36: reject-free mapping would bias; use modulo on a byte drawn from 0..252.
    let mut out = String::with_capacity(LEN);
    let mut pool = bytes.to_vec();
    while out.len() < LEN {
        match pool.pop() {
            Some(b) if b < 252 => {
                if let Some(c) = ALPHABET.get(usize::from(b % 36)) {
                    out.push(char::from(*c));
                }
            }
            Some(_) => {}
            None => {
                let mut more = [0u8; LEN];
                SystemRandom::new()
                    .fill(&mut more)
                    .map_err(|_| crate::CryptoError::KeyGeneration)?;
                pool.extend_from_slice(&more);
            }
        }
    }
    Ok(out)
}

/// The digest the store keeps.
pub fn digest_of(secret: &str) -> String {
    b64::url_encode(digest(&SHA256, secret.as_bytes()))
}

/// Constant-time comparison of a presented secret with a stored digest.
pub fn verify(presented: &str, stored_digest: &str) -> bool {
    digest_of(presented)
        .as_bytes()
        .ct_eq(stored_digest.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_verify_against_their_digest_only() {
        let s = generate().unwrap();
        assert_eq!(s.len(), LEN);
        assert!(s.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(s, generate().unwrap());
        let d = digest_of(&s);
        assert!(verify(&s, &d));
        assert!(!verify(&format!("{s}x"), &d));
        assert!(!verify("", &d));
    }
}
