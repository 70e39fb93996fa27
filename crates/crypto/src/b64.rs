//! The base64 flavours we use: URL-safe without padding (JOSE, tokens) and standard.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

pub fn url_encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn url_decode(s: &str) -> crate::Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| crate::CryptoError::Malformed("bad base64url".into()))
}

pub fn std_encode(bytes: impl AsRef<[u8]>) -> String {
    STANDARD.encode(bytes)
}

pub fn std_decode(s: &str) -> crate::Result<Vec<u8>> {
    STANDARD
        .decode(s)
        .map_err(|_| crate::CryptoError::Malformed("bad base64".into()))
}
