//! Password hashes brought from other systems, turned into the forms `password::verify`
//! reads: PHC strings (argon2, PBKDF2, scrypt) and bcrypt as they are; Django's
//! `pbkdf2_sha256$<iterations>$<salt>$<hash>` as the equivalent PHC string; and salted plain
//! digests (Okta's import shape: SHA-1, SHA-256, SHA-512 or MD5 over salt and password) as
//! `$salted-<alg>$<prefix|postfix>$<salt>$<digest>`. Every form is checked, cost included,
//! when it is imported, so a bad hash is a bad row, not a sign-in that fails later.

use crate::{CryptoError, Result, b64};
use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use subtle::ConstantTimeEq;

fn bad(why: impl Into<String>) -> CryptoError {
    CryptoError::Malformed(why.into())
}

/// The digests a salted import may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Sha1,
    Sha256,
    Sha512,
    Md5,
}

impl Digest {
    /// Okta's names (`SHA-256`) or ours (`sha256`).
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().replace('-', "").as_str() {
            "sha1" => Ok(Digest::Sha1),
            "sha256" => Ok(Digest::Sha256),
            "sha512" => Ok(Digest::Sha512),
            "md5" => Ok(Digest::Md5),
            _ => Err(bad(format!(
                "algorithm {name:?} must be SHA-1, SHA-256, SHA-512 or MD5"
            ))),
        }
    }

    fn id(self) -> &'static str {
        match self {
            Digest::Sha1 => "sha1",
            Digest::Sha256 => "sha256",
            Digest::Sha512 => "sha512",
            Digest::Md5 => "md5",
        }
    }

    fn len(self) -> usize {
        match self {
            Digest::Sha1 => 20,
            Digest::Sha256 => 32,
            Digest::Sha512 => 64,
            Digest::Md5 => 16,
        }
    }

    fn of(self, parts: [&[u8]; 2]) -> Vec<u8> {
        let alg = match self {
            Digest::Md5 => {
                use md5::Digest as _;
                let mut h = md5::Md5::new();
                h.update(parts[0]);
                h.update(parts[1]);
                return h.finalize().to_vec();
            }
            Digest::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &digest::SHA256,
            Digest::Sha512 => &digest::SHA512,
        };
        let mut ctx = digest::Context::new(alg);
        ctx.update(parts[0]);
        ctx.update(parts[1]);
        ctx.finish().as_ref().to_vec()
    }
}

/// Where the salt goes: before the password (`PREFIX`) or after it (`POSTFIX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltOrder {
    Prefix,
    Postfix,
}

impl SaltOrder {
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_uppercase().as_str() {
            "PREFIX" => Ok(SaltOrder::Prefix),
            "POSTFIX" => Ok(SaltOrder::Postfix),
            _ => Err(bad(format!("salt_order {s:?} must be PREFIX or POSTFIX"))),
        }
    }
}

/// Okta's import shape: base64 salt and digest.
pub fn salted(algorithm: &str, salt_b64: &str, order: &str, value_b64: &str) -> Result<String> {
    let d = Digest::parse(algorithm)?;
    let order = SaltOrder::parse(order)?;
    let salt = b64::std_decode(salt_b64).map_err(|_| bad("salt is not base64"))?;
    let value = b64::std_decode(value_b64).map_err(|_| bad("value is not base64"))?;
    if value.len() != d.len() {
        return Err(bad(format!(
            "a {} digest has {} bytes, not {}",
            d.id(),
            d.len(),
            value.len()
        )));
    }
    let order = match order {
        SaltOrder::Prefix => "prefix",
        SaltOrder::Postfix => "postfix",
    };
    Ok(format!(
        "$salted-{}${order}${}${}",
        d.id(),
        STANDARD_NO_PAD.encode(&salt),
        STANDARD_NO_PAD.encode(&value)
    ))
}

/// Verifies a `$salted-…` string; `None` when `stored` is not one.
pub(crate) fn verify_salted(password: &str, stored: &str) -> Option<Result<bool>> {
    let rest = stored.strip_prefix("$salted-")?;
    let parts: Vec<&str> = rest.split('$').collect();
    let [alg, order, salt, value] = parts.as_slice() else {
        return Some(Err(bad("salted hash: four parts expected")));
    };
    Some((|| {
        let d = Digest::parse(alg)?;
        let decode = |s: &str| {
            STANDARD_NO_PAD
                .decode(s)
                .map_err(|_| bad("salted hash: base64"))
        };
        let (salt, value) = (decode(salt)?, decode(value)?);
        let pw = password.as_bytes();
        let computed = match *order {
            "prefix" => d.of([&salt, pw]),
            "postfix" => d.of([pw, &salt]),
            _ => return Err(bad("salted hash: prefix or postfix")),
        };
        Ok(computed.ct_eq(&value).into())
    })())
}

/// A hash given as text: PHC or bcrypt as they are (once checked), Django's PBKDF2 as PHC,
/// our own salted form as it is.
pub fn text(hash: &str) -> Result<String> {
    let hash = hash.trim();
    if let Some(rest) = hash.strip_prefix("pbkdf2_sha256$") {
        return django(rest);
    }
    if hash.starts_with("$salted-") {
        verify_salted("", hash).unwrap_or(Err(bad("salted hash")))?;
        return Ok(hash.to_owned());
    }
    crate::password::check_importable(hash)?;
    Ok(hash.to_owned())
}

/// `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`: the salt is used as its bytes.
fn django(rest: &str) -> Result<String> {
    let parts: Vec<&str> = rest.split('$').collect();
    let [iterations, salt, hash] = parts.as_slice() else {
        return Err(bad("Django hash: pbkdf2_sha256$<iterations>$<salt>$<hash>"));
    };
    let iterations: u32 = iterations
        .parse()
        .map_err(|_| bad("Django hash: iterations"))?;
    let hash = b64::std_decode(hash).map_err(|_| bad("Django hash: base64"))?;
    if salt.is_empty() || hash.len() != 32 {
        return Err(bad("Django hash: a salt and a 32-byte SHA-256 hash"));
    }
    let phc = format!(
        "$pbkdf2-sha256$i={iterations},l=32${}${}",
        STANDARD_NO_PAD.encode(salt.as_bytes()),
        STANDARD_NO_PAD.encode(&hash)
    );
    crate::password::check_importable(&phc)?;
    Ok(phc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::{Argon2Params, PasswordHasherConfig};

    fn hasher() -> PasswordHasherConfig {
        PasswordHasherConfig::new(Argon2Params {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        })
        .unwrap()
    }

    #[test]
    fn okta_salted_digests_verify_in_both_orders() {
        let salt = b"NaCl-1234";
        for (alg, d) in [
            ("SHA-1", Digest::Sha1),
            ("SHA-256", Digest::Sha256),
            ("SHA-512", Digest::Sha512),
            ("MD5", Digest::Md5),
        ] {
            for (order, parts) in [
                ("PREFIX", [&salt[..], b"old-pass".as_slice()]),
                ("POSTFIX", [b"old-pass".as_slice(), &salt[..]]),
            ] {
                let value = b64::std_encode(d.of(parts));
                let stored = salted(alg, &b64::std_encode(salt), order, &value).unwrap();
                assert!(
                    hasher().verify("old-pass", &stored).unwrap(),
                    "{alg} {order}"
                );
                assert!(!hasher().verify("other", &stored).unwrap(), "{alg} {order}");
                assert!(hasher().needs_rehash(&stored));
            }
        }
        // A known SHA-256 value: sha256("saltpassword").
        let known = salted(
            "SHA-256",
            &b64::std_encode(b"salt"),
            "PREFIX",
            "E2Ab2k6njlWge5iGbSvmvgdE44ZvE8AMgRyrYIoo8yI=",
        )
        .unwrap();
        assert!(hasher().verify("password", &known).unwrap());
        assert!(salted("SHA-256", "c2FsdA==", "PREFIX", "c2hvcnQ=").is_err());
        assert!(salted("SHA-3", "c2FsdA==", "PREFIX", "c2hvcnQ=").is_err());
    }

    #[test]
    fn django_pbkdf2_becomes_phc_and_verifies() {
        // Django's own test vector (django/contrib/auth/hashers tests, "lètmein").
        let django = "pbkdf2_sha256$30000$seasalt2$a75qzbogeVhNFeMqhdgyyoqGKpIzYUo651sq57RERew=";
        let phc = text(django).unwrap();
        assert!(phc.starts_with("$pbkdf2-sha256$i=30000,l=32$"), "{phc}");
        assert!(hasher().verify("lètmein", &phc).unwrap());
        assert!(!hasher().verify("letmein", &phc).unwrap());
        assert!(text("pbkdf2_sha256$x$salt$abc").is_err());
    }

    #[test]
    fn costs_beyond_the_caps_are_refused_at_import() {
        let bcrypt31 = "$2b$31$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
        assert!(text(bcrypt31).is_err());
        assert!(
            text("$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA").is_err()
        );
        assert!(text("nonsense").is_err());
        let ok = bcrypt::hash("x", 4).unwrap();
        assert_eq!(text(&ok).unwrap(), ok);
    }
}
