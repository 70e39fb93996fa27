//! Password hashing. New hashes are argon2id (OWASP's m=19 MiB, t=2, p=1 by default).
//! Verification also accepts PHC / modular-crypt strings from argon2 (i, d, id), bcrypt
//! (`$2a$`, `$2b$`, `$2y$`), PBKDF2 (`$pbkdf2-sha256$`, `$pbkdf2-sha512$`) and scrypt
//! (`$scrypt$`), so imported users can sign in with their old password; `needs_rehash` tells
//! the caller to upgrade such a hash after a successful login.
//!
//! Cost parameters of imported hashes are capped so a hostile import cannot make one login
//! burn gigabytes or minutes.

use crate::{CryptoError, Result};
use argon2::{Algorithm, Argon2, Block, Params, PasswordVerifier, Version};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use password_hash::phc::PasswordHash;
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;

/// Output length of new argon2id hashes (the PHC default).
const HASH_LEN: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Params {
    fn default() -> Self {
        Argon2Params {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

const MAX_ARGON2_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ARGON2_ITERATIONS: u32 = 64;
const MAX_BCRYPT_COST: u32 = 16;
const MAX_PBKDF2_ROUNDS: u32 = 5_000_000;
const MAX_SCRYPT_LOG_N: u32 = 20;

/// Argon2 working memory kept for reuse (one buffer per concurrent hash, up to this many).
const MAX_POOLED_BUFFERS: usize = 8;

#[derive(Clone)]
pub struct PasswordHasherConfig {
    argon2: Argon2<'static>,
    params: Argon2Params,
    /// Reused argon2 memory: allocating 19 MiB per hash on whatever thread runs it leaves the
    /// allocator holding hundreds of MiB after a burst of sign-ins; a small pool holds steady.
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl std::fmt::Debug for PasswordHasherConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasherConfig")
            .field("params", &self.params)
            .finish()
    }
}

impl PasswordHasherConfig {
    pub fn new(params: Argon2Params) -> Result<Self> {
        if params.memory_kib > MAX_ARGON2_MEMORY_KIB || params.iterations > MAX_ARGON2_ITERATIONS {
            return Err(CryptoError::Hashing("argon2 parameters too large".into()));
        }
        let p = Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            None,
        )
        .map_err(|e| CryptoError::Hashing(e.to_string()))?;
        Ok(PasswordHasherConfig {
            argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, p),
            params,
            buffers: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// Runs `f` with a pooled argon2 memory buffer of this config's size.
    fn with_buffer<R>(&self, f: impl FnOnce(&mut [Block]) -> R) -> R {
        let pooled = self.buffers.lock().ok().and_then(|mut v| v.pop());
        let mut buf =
            pooled.unwrap_or_else(|| vec![Block::default(); self.params.memory_kib as usize]);
        let r = f(&mut buf);
        if let Ok(mut v) = self.buffers.lock()
            && v.len() < MAX_POOLED_BUFFERS
        {
            v.push(buf);
        }
        r
    }

    /// argon2id with this config's parameters into `out`, in pooled memory.
    fn argon2_raw(&self, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<()> {
        self.with_buffer(|b| {
            self.argon2
                .hash_password_into_with_memory(password, salt, out, b)
        })
        .map_err(|e| CryptoError::Hashing(e.to_string()))
    }

    /// For an argon2id PHC string with exactly this config's parameters: its salt and hash.
    fn own_argon2_parts(&self, stored: &str) -> Option<(Vec<u8>, Vec<u8>)> {
        let p = self.params;
        let prefix = format!(
            "$argon2id$v=19$m={},t={},p={}$",
            p.memory_kib, p.iterations, p.parallelism
        );
        let (salt, hash) = stored.strip_prefix(&prefix)?.split_once('$')?;
        let salt = STANDARD_NO_PAD.decode(salt).ok()?;
        let hash = STANDARD_NO_PAD.decode(hash).ok()?;
        (salt.len() >= 8 && hash.len() == HASH_LEN).then_some((salt, hash))
    }

    pub fn params(&self) -> Argon2Params {
        self.params
    }

    /// A new argon2id PHC string with a random 16-byte salt.
    pub fn hash(&self, password: &str) -> Result<String> {
        let mut salt = [0u8; 16];
        SystemRandom::new()
            .fill(&mut salt)
            .map_err(|_| CryptoError::KeyGeneration)?;
        let mut out = [0u8; HASH_LEN];
        self.argon2_raw(password.as_bytes(), &salt, &mut out)?;
        let p = self.params;
        Ok(format!(
            "$argon2id$v=19$m={},t={},p={}${}${}",
            p.memory_kib,
            p.iterations,
            p.parallelism,
            STANDARD_NO_PAD.encode(salt),
            STANDARD_NO_PAD.encode(out)
        ))
    }

    /// `Ok(true)` on a match, `Ok(false)` on a wrong password, `Err` for a hash we cannot use.
    pub fn verify(&self, password: &str, stored: &str) -> Result<bool> {
        if let Some(outcome) = crate::imported::verify_salted(password, stored) {
            return outcome;
        }
        if let Some((salt, expected)) = self.own_argon2_parts(stored) {
            let mut out = [0u8; HASH_LEN];
            self.argon2_raw(password.as_bytes(), &salt, &mut out)?;
            return Ok(out.ct_eq(expected.as_slice()).into());
        }
        match Scheme::of(stored)? {
            Scheme::Bcrypt => {
                let cost: u32 = stored
                    .get(4..6)
                    .and_then(|c| c.parse().ok())
                    .ok_or_else(|| CryptoError::Malformed("bcrypt cost".into()))?;
                if cost > MAX_BCRYPT_COST {
                    return Err(CryptoError::Malformed("bcrypt cost too high".into()));
                }
                bcrypt::verify(password, stored).map_err(|e| CryptoError::Malformed(e.to_string()))
            }
            scheme => {
                let parsed =
                    PasswordHash::new(stored).map_err(|e| CryptoError::Malformed(e.to_string()))?;
                check_cost(scheme, &parsed)?;
                let outcome = match scheme {
                    Scheme::Argon2 => self.argon2.verify_password(password.as_bytes(), &parsed),
                    Scheme::Pbkdf2 => {
                        pbkdf2::Pbkdf2::default().verify_password(password.as_bytes(), &parsed)
                    }
                    Scheme::Scrypt => {
                        scrypt::Scrypt::default().verify_password(password.as_bytes(), &parsed)
                    }
                    Scheme::Bcrypt => return Err(CryptoError::UnsupportedHash),
                };
                match outcome {
                    Ok(()) => Ok(true),
                    Err(password_hash::Error::PasswordInvalid) => Ok(false),
                    Err(e) => Err(CryptoError::Malformed(e.to_string())),
                }
            }
        }
    }

    /// True unless `stored` is argon2id with at least this config's cost.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return true;
        };
        if parsed.algorithm.as_str() != "argon2id" {
            return true;
        }
        let get = |k: &str| parsed.params.get_decimal(k).unwrap_or(0);
        get("m") < self.params.memory_kib
            || get("t") < self.params.iterations
            || get("p") < self.params.parallelism
    }
}

/// Whether an imported PHC or bcrypt string is one `verify` can use, within the cost caps.
pub(crate) fn check_importable(stored: &str) -> Result<()> {
    match Scheme::of(stored)? {
        Scheme::Bcrypt => {
            let cost: u32 = stored
                .get(4..6)
                .and_then(|c| c.parse().ok())
                .ok_or_else(|| CryptoError::Malformed("bcrypt cost".into()))?;
            if cost > MAX_BCRYPT_COST || stored.len() != 60 {
                return Err(CryptoError::Malformed(format!(
                    "a bcrypt hash of 60 characters with a cost of at most {MAX_BCRYPT_COST}"
                )));
            }
            Ok(())
        }
        scheme => {
            let parsed =
                PasswordHash::new(stored).map_err(|e| CryptoError::Malformed(e.to_string()))?;
            check_cost(scheme, &parsed)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Argon2,
    Bcrypt,
    Pbkdf2,
    Scrypt,
}

impl Scheme {
    fn of(stored: &str) -> Result<Self> {
        let id = stored
            .strip_prefix('$')
            .and_then(|s| s.split('$').next())
            .ok_or(CryptoError::UnsupportedHash)?;
        match id {
            "argon2id" | "argon2i" | "argon2d" => Ok(Scheme::Argon2),
            "2a" | "2b" | "2y" | "2x" => Ok(Scheme::Bcrypt),
            "pbkdf2-sha256" | "pbkdf2-sha512" => Ok(Scheme::Pbkdf2),
            "scrypt" => Ok(Scheme::Scrypt),
            _ => Err(CryptoError::UnsupportedHash),
        }
    }
}

fn check_cost(scheme: Scheme, h: &PasswordHash) -> Result<()> {
    let get = |k: &str| h.params.get_decimal(k);
    let too_costly = match scheme {
        Scheme::Argon2 => {
            get("m").is_some_and(|m| m > MAX_ARGON2_MEMORY_KIB)
                || get("t").is_some_and(|t| t > MAX_ARGON2_ITERATIONS)
                || get("p").is_some_and(|p| p > 16)
        }
        Scheme::Pbkdf2 => get("i").is_some_and(|i| i > MAX_PBKDF2_ROUNDS),
        Scheme::Scrypt => get("ln").is_some_and(|ln| ln > MAX_SCRYPT_LOG_N),
        Scheme::Bcrypt => false,
    };
    if too_costly {
        Err(CryptoError::Malformed(
            "hash cost parameters too high".into(),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use password_hash::CustomizedPasswordHasher;

    fn fast() -> PasswordHasherConfig {
        PasswordHasherConfig::new(Argon2Params {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        })
        .unwrap()
    }

    #[test]
    fn argon2id_round_trip() {
        let h = fast();
        let phc = h.hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert!(h.verify("correct horse", &phc).unwrap());
        assert!(!h.verify("wrong horse", &phc).unwrap());
        assert!(!h.needs_rehash(&phc));
        assert!(
            PasswordHasherConfig::new(Argon2Params::default())
                .unwrap()
                .needs_rehash(&phc)
        );
    }

    #[test]
    fn owasp_defaults() {
        let p = Argon2Params::default();
        assert_eq!((p.memory_kib, p.iterations, p.parallelism), (19456, 2, 1));
    }

    #[test]
    fn imported_bcrypt_hashes_verify() {
        let stored = bcrypt::hash("legacy-pass", 4).unwrap();
        let h = fast();
        assert!(h.verify("legacy-pass", &stored).unwrap());
        assert!(!h.verify("other", &stored).unwrap());
        assert!(h.needs_rehash(&stored));
        let costly = stored.replacen("$04$", "$31$", 1);
        assert!(h.verify("legacy-pass", &costly).is_err());
    }

    #[test]
    fn imported_pbkdf2_and_scrypt_hashes_verify() {
        let pbk = pbkdf2::Pbkdf2::default()
            .hash_password_with_params(
                b"pw-1",
                b"saltsaltsaltsalt",
                pbkdf2::Params::new(1000).unwrap(),
            )
            .unwrap()
            .to_string();
        assert!(pbk.starts_with("$pbkdf2-sha256$"));
        let sc = scrypt::Scrypt::default()
            .hash_password_with_params(
                b"pw-2",
                b"saltsaltsaltsalt",
                scrypt::Params::new(4, 8, 1).unwrap(),
            )
            .unwrap()
            .to_string();
        assert!(sc.starts_with("$scrypt$"));
        let h = fast();
        assert!(h.verify("pw-1", &pbk).unwrap());
        assert!(!h.verify("pw-2", &pbk).unwrap());
        assert!(h.verify("pw-2", &sc).unwrap());
        assert!(!h.verify("pw-1", &sc).unwrap());
    }

    #[test]
    fn a_known_argon2i_vector_from_another_implementation_verifies() {
        // Produced by the reference argon2 CLI: echo -n password | argon2 somesalt -i -t 2 -m 16 -p 1 -e
        let stored =
            "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA";
        assert!(fast().verify("password", stored).unwrap());
        assert!(!fast().verify("Password", stored).unwrap());
    }

    #[test]
    fn unknown_and_malformed_hashes_are_errors_not_mismatches() {
        let h = fast();
        assert_eq!(
            h.verify("x", "plaintext"),
            Err(CryptoError::UnsupportedHash)
        );
        assert_eq!(h.verify("x", "$md5$abc"), Err(CryptoError::UnsupportedHash));
        assert!(h.verify("x", "$argon2id$garbage").is_err());
        assert!(h.verify("x", "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA").is_err());
    }
}
