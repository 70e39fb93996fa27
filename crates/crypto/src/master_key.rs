//! The master key seals secrets before they reach the store (signing keys, client secrets,
//! IdP secrets): AES-256-GCM with a random 96-bit nonce, and associated data naming what the
//! secret belongs to, so a sealed value copied to another row does not open.
//! Sealed format: base64url(nonce ‖ ciphertext ‖ tag).

use crate::{CryptoError, Result, Secret, b64};
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::hmac;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

pub const MASTER_KEY_LEN: usize = 32;

pub struct MasterKey {
    key: LessSafeKey,
    /// HMAC-SHA256 key derived from the master key, for MACs (CSRF tokens).
    mac: hmac::Key,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// A fresh random key, returned with its base64 form for writing to the key file.
    pub fn generate() -> Result<(Self, Secret<String>)> {
        let mut bytes = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        SystemRandom::new()
            .fill(bytes.as_mut())
            .map_err(|_| CryptoError::KeyGeneration)?;
        let encoded = Secret::new(b64::std_encode(bytes.as_ref()));
        Ok((Self::from_bytes(bytes.as_ref())?, encoded))
    }

    /// Parses 32 bytes in standard base64 (what `generate` writes and the env var holds).
    pub fn from_base64(s: &str) -> Result<Self> {
        let bytes = Zeroizing::new(
            b64::std_decode(s.trim())
                .map_err(|_| CryptoError::KeyRejected("master key is not valid base64".into()))?,
        );
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != MASTER_KEY_LEN {
            return Err(CryptoError::KeyRejected(format!(
                "master key must be {MASTER_KEY_LEN} bytes, got {}",
                bytes.len()
            )));
        }
        let unbound = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| CryptoError::KeyRejected("AES-256-GCM key".into()))?;
        let derived = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, bytes),
            b"portcullis mac key v1",
        );
        Ok(MasterKey {
            key: LessSafeKey::new(unbound),
            mac: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
        })
    }

    /// A MAC of `data` for `purpose` (domain-separated), base64url.
    pub fn mac(&self, purpose: &str, data: &str) -> String {
        let mut ctx = hmac::Context::with_key(&self.mac);
        ctx.update(purpose.as_bytes());
        ctx.update(&[0]);
        ctx.update(data.as_bytes());
        b64::url_encode(ctx.sign())
    }

    /// Checks a MAC made by [`MasterKey::mac`], in constant time.
    pub fn verify_mac(&self, purpose: &str, data: &str, mac: &str) -> bool {
        let expected = self.mac(purpose, data);
        subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), mac.as_bytes()).into()
    }

    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| CryptoError::KeyGeneration)?;
        let mut buf = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buf,
            )
            .map_err(|_| CryptoError::Signing)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(b64::url_encode(out))
    }

    pub fn open(&self, context: &str, sealed: &str) -> Result<Zeroizing<Vec<u8>>> {
        let raw = b64::url_decode(sealed).map_err(|_| CryptoError::Unseal)?;
        if raw.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(CryptoError::Unseal);
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Unseal)?;
        let mut buf = Zeroizing::new(ct.to_vec());
        let len = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), buf.as_mut_slice())
            .map_err(|_| CryptoError::Unseal)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_context() {
        let (key, encoded) = MasterKey::generate().unwrap();
        let sealed = key.seal("client:abc", b"s3cret").unwrap();
        assert!(!sealed.contains("s3cret"));
        assert_eq!(
            key.open("client:abc", &sealed).unwrap().as_slice(),
            b"s3cret"
        );
        assert_eq!(key.open("client:xyz", &sealed), Err(CryptoError::Unseal));

        let same = MasterKey::from_base64(encoded.expose()).unwrap();
        assert_eq!(
            same.open("client:abc", &sealed).unwrap().as_slice(),
            b"s3cret"
        );
        let (other, _) = MasterKey::generate().unwrap();
        assert_eq!(other.open("client:abc", &sealed), Err(CryptoError::Unseal));
    }

    #[test]
    fn macs_are_bound_to_key_purpose_and_data() {
        let (key, _) = MasterKey::generate().unwrap();
        let m = key.mac("csrf", "abc");
        assert!(key.verify_mac("csrf", "abc", &m));
        assert!(!key.verify_mac("csrf", "abd", &m));
        assert!(!key.verify_mac("other", "abc", &m));
        let (other, _) = MasterKey::generate().unwrap();
        assert!(!other.verify_mac("csrf", "abc", &m));
    }

    #[test]
    fn tampering_and_bad_keys_are_detected() {
        let (key, _) = MasterKey::generate().unwrap();
        let sealed = key.seal("c", b"data").unwrap();
        let mut raw = b64::url_decode(&sealed).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        assert_eq!(
            key.open("c", &b64::url_encode(raw)),
            Err(CryptoError::Unseal)
        );
        assert_eq!(key.open("c", "short"), Err(CryptoError::Unseal));
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
        assert!(MasterKey::from_base64("not base64!").is_err());
    }
}
