//! RS256 signing keys: generation (RSA-2048), the public JWK with an RFC 7638 thumbprint as
//! `kid`, compact JWS signing, and verification against a JWK.
//!
//! A [`Signer`] holds the parsed private key, so issuing a token costs one RSA signature
//! plus a little JSON and base64 (no key parsing per token).

use crate::{CryptoError, Result, b64};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    KeyPair, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents,
};
use serde_json::{Value, json};
use zeroize::Zeroizing;

pub const RS256: &str = "RS256";

pub struct GeneratedKey {
    pub kid: String,
    pub pkcs8: Zeroizing<Vec<u8>>,
    pub public_jwk: Value,
}

/// A fresh RSA-2048 key for RS256. Takes 80–200 ms: call it at pool creation or rotation.
pub fn generate_rs256() -> Result<GeneratedKey> {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| CryptoError::KeyGeneration)?;
    let pkcs8 = pair.as_der().map_err(|_| CryptoError::KeyGeneration)?;
    let pkcs8 = Zeroizing::new(pkcs8.as_ref().to_vec());
    let (kid, public_jwk) = public_jwk_of(&pair);
    Ok(GeneratedKey {
        kid,
        pkcs8,
        public_jwk,
    })
}

fn public_jwk_of(pair: &RsaKeyPair) -> (String, Value) {
    let public = pair.public_key();
    let n = b64::url_encode(public.modulus().big_endian_without_leading_zero());
    let e = b64::url_encode(public.exponent().big_endian_without_leading_zero());
    // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    let kid = b64::url_encode(digest(&SHA256, canonical.as_bytes()));
    let jwk = json!({"kty": "RSA", "alg": RS256, "use": "sig", "kid": kid, "n": n, "e": e});
    (kid, jwk)
}

pub struct Signer {
    kid: String,
    pair: RsaKeyPair,
    encoded_header: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer(kid={})", self.kid)
    }
}

impl Signer {
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self> {
        let pair =
            RsaKeyPair::from_pkcs8(pkcs8).map_err(|e| CryptoError::KeyRejected(e.to_string()))?;
        let (kid, _) = public_jwk_of(&pair);
        let header = json!({"kid": kid, "alg": RS256});
        Ok(Signer {
            encoded_header: b64::url_encode(header.to_string()),
            kid,
            pair,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_jwk(&self) -> Value {
        public_jwk_of(&self.pair).1
    }

    /// A compact JWS: `base64url(header).base64url(claims).base64url(signature)`.
    pub fn sign_jwt<C: serde::Serialize + ?Sized>(&self, claims: &C) -> Result<String> {
        let json = serde_json::to_vec(claims)
            .map_err(|e| crate::CryptoError::Malformed(format!("claims: {e}")))?;
        let mut token = self.encoded_header.clone();
        token.push('.');
        token.push_str(&b64::url_encode(json));
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                token.as_bytes(),
                &mut sig,
            )
            .map_err(|_| CryptoError::Signing)?;
        token.push('.');
        token.push_str(&b64::url_encode(sig));
        Ok(token)
    }
}

/// The JWKS document for a set of public JWKs.
pub fn jwks<'a>(keys: impl IntoIterator<Item = &'a Value>) -> Value {
    json!({"keys": keys.into_iter().collect::<Vec<_>>()})
}

/// The decoded header of a compact JWS, without verifying anything.
pub fn peek_header(token: &str) -> Result<Value> {
    let header = token.split('.').next().ok_or(CryptoError::InvalidToken)?;
    serde_json::from_slice(&b64::url_decode(header)?).map_err(|_| CryptoError::InvalidToken)
}

/// Verifies an RS256 compact JWS with `jwk` and returns its claims. Checks the signature,
/// `alg` and `kid` only; the caller checks `iss`, `exp` and the rest.
pub fn verify_rs256(token: &str, jwk: &Value) -> Result<Value> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CryptoError::InvalidToken);
    };
    let header: Value =
        serde_json::from_slice(&b64::url_decode(h)?).map_err(|_| CryptoError::InvalidToken)?;
    if header.get("alg").and_then(Value::as_str) != Some(RS256)
        || header.get("kid") != jwk.get("kid")
    {
        return Err(CryptoError::InvalidToken);
    }
    let field = |name: &str| -> Result<Vec<u8>> {
        b64::url_decode(
            jwk.get(name)
                .and_then(Value::as_str)
                .ok_or(CryptoError::InvalidToken)?,
        )
    };
    let public = RsaPublicKeyComponents {
        n: field("n")?,
        e: field("e")?,
    };
    let signed_len = h.len() + 1 + p.len();
    public
        .verify(
            &RSA_PKCS1_2048_8192_SHA256,
            token
                .as_bytes()
                .get(..signed_len)
                .ok_or_else(|| CryptoError::Malformed("token".into()))?,
            &b64::url_decode(s)?,
        )
        .map_err(|_| CryptoError::InvalidToken)?;
    serde_json::from_slice(&b64::url_decode(p)?).map_err(|_| CryptoError::InvalidToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_tokens_verify_with_the_published_jwk_only() {
        let key = generate_rs256().unwrap();
        let signer = Signer::from_pkcs8(&key.pkcs8).unwrap();
        assert_eq!(signer.kid(), key.kid);
        assert_eq!(signer.public_jwk(), key.public_jwk);
        assert_eq!(key.public_jwk["alg"], "RS256");
        assert_eq!(key.public_jwk["use"], "sig");

        let claims = json!({"sub": "abc", "iss": "http://x/local_a", "exp": 9});
        let token = signer.sign_jwt(&claims).unwrap();
        assert_eq!(
            peek_header(&token).unwrap(),
            json!({"kid": key.kid, "alg": "RS256"})
        );
        assert_eq!(verify_rs256(&token, &key.public_jwk).unwrap(), claims);

        let other = generate_rs256().unwrap();
        assert!(verify_rs256(&token, &other.public_jwk).is_err());

        // Swap the payload: the signature no longer matches.
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64::url_encode(json!({"sub": "admin"}).to_string()),
            parts[2]
        );
        assert!(verify_rs256(&forged, &key.public_jwk).is_err());
        assert!(verify_rs256("a.b", &key.public_jwk).is_err());
    }

    #[test]
    fn alg_none_is_refused() {
        let key = generate_rs256().unwrap();
        let header = b64::url_encode(json!({"alg": "none", "kid": key.kid}).to_string());
        let body = b64::url_encode(json!({"sub": "x"}).to_string());
        assert!(verify_rs256(&format!("{header}.{body}."), &key.public_jwk).is_err());
    }

    #[test]
    fn jwks_lists_keys() {
        let a = generate_rs256().unwrap();
        let doc = jwks([&a.public_jwk]);
        assert_eq!(doc["keys"][0]["kid"], a.kid.as_str());
        assert!(doc["keys"][0].get("d").is_none());
    }
}
