//! Opaque secrets handed to clients (authorization codes, refresh tokens, session ids): 256
//! random bits, base64url. The store keeps only their SHA-256, so a database leak does not
//! leak usable tokens. Also the two hashes OAuth defines over tokens: PKCE S256 (RFC 7636
//! §4.2) and the ID token's `at_hash` (OIDC Core §3.1.3.6).

use crate::{CryptoError, Result, b64};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;

/// 32 random bytes, base64url: 43 characters.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CryptoError::KeyGeneration)?;
    Ok(b64::url_encode(bytes))
}

/// The key under which a token is stored.
pub fn token_hash(token: &str) -> String {
    b64::url_encode(digest(&SHA256, token.as_bytes()))
}

/// RFC 7636 §4.1: 43–128 characters of `[A-Za-z0-9-._~]`.
pub fn is_valid_code_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// An S256 challenge is the base64url SHA-256 of a verifier: exactly 43 characters.
pub fn is_valid_s256_challenge(c: &str) -> bool {
    c.len() == 43
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// RFC 7636 §4.2: the S256 challenge for a verifier (what a client sends upstream).
pub fn pkce_s256_challenge(verifier: &str) -> String {
    b64::url_encode(digest(&SHA256, verifier.as_bytes()))
}

/// RFC 7636 §4.6, compared in constant time.
pub fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    if !is_valid_code_verifier(verifier) {
        return false;
    }
    let computed = pkce_s256_challenge(verifier);
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

/// OIDC Core §3.1.3.6: base64url of the left half of SHA-256(access_token).
pub fn at_hash(access_token: &str) -> String {
    let d = digest(&SHA256, access_token.as_bytes());
    b64::url_encode(d.as_ref().get(..16).unwrap_or(d.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_valid_code_verifier(verifier));
        assert!(is_valid_s256_challenge(challenge));
        assert!(pkce_s256_matches(verifier, challenge));
        assert!(!pkce_s256_matches(challenge, challenge));
        assert!(!pkce_s256_matches(&verifier[..42], challenge));
    }

    #[test]
    fn verifier_shape() {
        assert!(!is_valid_code_verifier(&"a".repeat(42)));
        assert!(is_valid_code_verifier(&"a".repeat(128)));
        assert!(!is_valid_code_verifier(&"a".repeat(129)));
        assert!(!is_valid_code_verifier(&format!("{}!", "a".repeat(43))));
        assert!(!is_valid_s256_challenge(&"a".repeat(42)));
        assert!(!is_valid_s256_challenge(&format!("{}=", "a".repeat(42))));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token().unwrap());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn at_hash_is_half_a_sha256() {
        // 16 bytes -> 22 base64url characters.
        assert_eq!(at_hash("token").len(), 22);
        assert_ne!(at_hash("token"), at_hash("token2"));
    }
}
