//! Cognito's SECRET_HASH: `Base64(HMAC-SHA256(client secret, username ‖ client id))`, which
//! clients with a secret send with every unsigned call that names a user.

use aws_lc_rs::hmac;
use base64::Engine;

/// The SECRET_HASH a client holding `secret` computes for `username`.
pub fn compute(secret: &str, username: &str, client_id: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, format!("{username}{client_id}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// Whether `given` (base64) is the SECRET_HASH for `username`, compared in constant time.
pub fn verify(secret: &str, username: &str, client_id: &str, given: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(given) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    hmac::verify(&key, format!("{username}{client_id}").as_bytes(), &given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_for_its_user_client_and_secret() {
        let h = compute("s3cret", "alice", "client1");
        assert!(verify("s3cret", "alice", "client1", &h));
        assert!(!verify("s3cret", "bob", "client1", &h));
        assert!(!verify("s3cret", "alice", "client2", &h));
        assert!(!verify("other", "alice", "client1", &h));
        assert!(!verify("s3cret", "alice", "client1", "not base64!"));
    }
}
