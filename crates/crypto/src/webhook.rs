//! Standard Webhooks signatures: a secret `whsec_<base64 key>`, and for each message the
//! header value `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`. Several
//! signatures go in one header, separated by spaces, while a rotated secret is retired.

use crate::{CryptoError, Result, b64};
use aws_lc_rs::hmac;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};

const PREFIX: &str = "whsec_";

/// A new secret: 32 random bytes.
pub fn new_secret() -> Result<String> {
    let mut key = [0u8; 32];
    SystemRandom::new()
        .fill(&mut key)
        .map_err(|_| CryptoError::KeyGeneration)?;
    Ok(format!("{PREFIX}{}", b64::std_encode(key)))
}

/// The key bytes of a `whsec_…` secret.
pub fn key_of(secret: &str) -> Result<Vec<u8>> {
    let key = b64::std_decode(secret.strip_prefix(PREFIX).unwrap_or(secret))?;
    if key.len() < 24 || key.len() > 64 {
        return Err(CryptoError::Malformed(
            "a webhook secret holds 24 to 64 bytes".into(),
        ));
    }
    Ok(key)
}

fn tag(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> hmac::Tag {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(format!("{id}.{timestamp}.").as_bytes());
    ctx.update(body);
    ctx.sign()
}

/// The `webhook-signature` entry for one key.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    format!("v1,{}", b64::std_encode(tag(key, id, timestamp, body)))
}

/// Whether any `v1,` entry of `header` is `key`'s signature of the message.
pub fn verify(key: &[u8], id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    let hkey = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut msg = format!("{id}.{timestamp}.").into_bytes();
    msg.extend_from_slice(body);
    header.split_whitespace().any(|entry| {
        entry
            .strip_prefix("v1,")
            .and_then(|s| b64::std_decode(s).ok())
            .is_some_and(|sig| hmac::verify(&hkey, &msg, &sig).is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specifications_example_signs_as_published() {
        // The example in the Standard Webhooks specification.
        let key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let secret = new_secret().unwrap();
        assert!(secret.starts_with("whsec_"));
        let key = key_of(&secret).unwrap();
        let other = key_of(&new_secret().unwrap()).unwrap();
        let sig = sign(&key, "m1", 100, b"{}");
        assert!(verify(&key, "m1", 100, b"{}", &sig));
        assert!(verify(
            &key,
            "m1",
            100,
            b"{}",
            &format!("{} {sig}", sign(&other, "m1", 100, b"{}"))
        ));
        assert!(!verify(&key, "m1", 101, b"{}", &sig));
        assert!(!verify(&key, "m2", 100, b"{}", &sig));
        assert!(!verify(&other, "m1", 100, b"{}", &sig));
        assert!(key_of("whsec_c2hvcnQ=").is_err());
    }
}
