//! SRP-6a as Cognito's clients compute it (amazon-cognito-identity-js, pycognito): the
//! 3072-bit group of RFC 3526 with g = 2, SHA-256, hex "padding" of big numbers, HKDF with
//! the info string "Caldera Derived Key", and the PASSWORD_CLAIM_SIGNATURE over pool suffix,
//! user id, secret block and timestamp. The server keeps only (salt, v = g^x).

use crate::{CryptoError, Result, b64};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::hmac;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use num_bigint::BigUint;
use std::sync::OnceLock;
use subtle::ConstantTimeEq;

const N_HEX: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static G: OnceLock<Group> = OnceLock::new();
    G.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default();
        let g = BigUint::from(2u32);
        let k = from_hash(&hex_hash(&format!("00{N_HEX}02")));
        Group { n, g, k }
    })
}

fn from_hash(h: &[u8]) -> BigUint {
    BigUint::from_bytes_be(h)
}

/// Hex of a number, made even-length, with "00" before a leading nibble of 8 or more.
pub fn pad_hex_str(hex: &str) -> String {
    if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else if hex.starts_with([
        '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 'A', 'B', 'C', 'D', 'E', 'F',
    ]) {
        format!("00{hex}")
    } else {
        hex.to_owned()
    }
}

pub fn pad_hex(n: &BigUint) -> String {
    pad_hex_str(&n.to_str_radix(16))
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

fn hex_hash(hex: &str) -> Vec<u8> {
    digest(&SHA256, &hex_bytes(hex)).as_ref().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    digest(&SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_hex(s: &str) -> Option<BigUint> {
    if s.is_empty() || s.len() > 1600 {
        return None;
    }
    BigUint::parse_bytes(s.as_bytes(), 16)
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| CryptoError::KeyGeneration)?;
    Ok(b)
}

/// x = H(padHex(salt) ‖ H(poolSuffix ‖ userId ‖ ":" ‖ password)).
fn x_of(pool_suffix: &str, user_id: &str, password: &str, salt_hex: &str) -> BigUint {
    let inner = sha256_hex(format!("{pool_suffix}{user_id}:{password}").as_bytes());
    from_hash(&hex_hash(&format!("{}{inner}", pad_hex_str(salt_hex))))
}

/// A new (salt, verifier) pair, both hex, for storing with the user.
pub fn new_verifier(pool_suffix: &str, user_id: &str, password: &str) -> Result<(String, String)> {
    let salt: String = random_bytes::<16>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let g = group();
    let v =
        g.g.modpow(&x_of(pool_suffix, user_id, password, &salt), &g.n);
    Ok((salt, v.to_str_radix(16)))
}

/// A stand-in (salt, verifier) for a user who does not exist or has no verifier, derived
/// from `seed` (a server-secret MAC of the pool and name): the same every time for the same
/// name, like a real user's, and indistinguishable from one without the secret. It costs no
/// exponentiation, so the answer for an unknown user takes what a real one takes. No
/// password matches it, because nobody knows its discrete logarithm.
pub fn decoy_verifier(seed: &[u8]) -> (String, String) {
    let key = hmac::Key::new(hmac::HMAC_SHA256, seed);
    let salt: String = hmac::sign(&key, b"salt")
        .as_ref()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    // 384 bytes (the size of N) in 12 blocks, reduced mod N.
    let mut wide = Vec::with_capacity(384);
    for block in 0u8..12 {
        wide.extend_from_slice(hmac::sign(&key, &[b'v', block]).as_ref());
    }
    let v = BigUint::from_bytes_be(&wide) % &group().n;
    (salt, v.to_str_radix(16))
}

/// The server's ephemeral pair: (b secret hex, B public hex), B = k·v + g^b mod N.
pub fn server_ephemeral(verifier_hex: &str) -> Result<(String, String)> {
    let g = group();
    let v = parse_hex(verifier_hex).ok_or_else(|| CryptoError::Malformed("verifier".into()))?;
    loop {
        let b = BigUint::from_bytes_be(&random_bytes::<32>()?);
        let big_b = (&g.k * &v + g.g.modpow(&b, &g.n)) % &g.n;
        if big_b != BigUint::default() {
            return Ok((b.to_str_radix(16), big_b.to_str_radix(16)));
        }
    }
}

/// What the server checks in a PASSWORD_VERIFIER response.
pub struct Claim<'a> {
    pub a_hex: &'a str,
    pub b_secret_hex: &'a str,
    pub b_public_hex: &'a str,
    pub verifier_hex: &'a str,
    pub pool_suffix: &'a str,
    pub user_id: &'a str,
    pub secret_block_b64: &'a str,
    pub timestamp: &'a str,
    pub signature_b64: &'a str,
}

fn hkdf16(ikm: &[u8], salt: &[u8]) -> Vec<u8> {
    let prk = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, salt), ikm);
    let okm = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, prk.as_ref()),
        b"Caldera Derived Key\x01",
    );
    okm.as_ref().iter().take(16).copied().collect()
}

/// The signature a client that knows the password would send.
pub fn claim_signature(
    key: &[u8],
    pool_suffix: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> String {
    let mut msg = Vec::new();
    msg.extend_from_slice(pool_suffix.as_bytes());
    msg.extend_from_slice(user_id.as_bytes());
    msg.extend_from_slice(secret_block);
    msg.extend_from_slice(timestamp.as_bytes());
    b64::std_encode(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), &msg))
}

/// The shared key K from S and u, as both sides derive it.
pub fn session_key(s: &BigUint, u: &BigUint) -> Vec<u8> {
    hkdf16(&hex_bytes(&pad_hex(s)), &hex_bytes(&pad_hex(u)))
}

/// u = H(padHex(A) ‖ padHex(B)).
pub fn scrambler(a: &BigUint, b: &BigUint) -> BigUint {
    from_hash(&hex_hash(&format!("{}{}", pad_hex(a), pad_hex(b))))
}

/// Checks the client's proof: S = (A·v^u)^b mod N, then the HMAC under K.
pub fn verify_claim(c: &Claim<'_>) -> bool {
    let g = group();
    let (Some(a), Some(b), Some(big_b), Some(v)) = (
        parse_hex(c.a_hex),
        parse_hex(c.b_secret_hex),
        parse_hex(c.b_public_hex),
        parse_hex(c.verifier_hex),
    ) else {
        return false;
    };
    let zero = BigUint::default();
    if &a % &g.n == zero {
        return false;
    }
    let u = scrambler(&a, &big_b);
    if u == zero {
        return false;
    }
    let s = (a * v.modpow(&u, &g.n)).modpow(&b, &g.n);
    let key = session_key(&s, &u);
    let Ok(block) = b64::std_decode(c.secret_block_b64) else {
        return false;
    };
    let expected = claim_signature(&key, c.pool_suffix, c.user_id, &block, c.timestamp);
    expected.as_bytes().ct_eq(c.signature_b64.as_bytes()).into()
}

/// The client's side, for tests: A from a, then the signature for (salt, B, secret block).
#[cfg(test)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn client_proof(
    a: &BigUint,
    pool_suffix: &str,
    user_id: &str,
    password: &str,
    salt_hex: &str,
    big_b_hex: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> String {
    let g = group();
    let big_a = g.g.modpow(a, &g.n);
    let big_b = parse_hex(big_b_hex).unwrap_or_default();
    let u = scrambler(&big_a, &big_b);
    let x = x_of(pool_suffix, user_id, password, salt_hex);
    let kgx = (&g.k * g.g.modpow(&x, &g.n)) % &g.n;
    let base = (&big_b + &g.n - kgx) % &g.n;
    let s = base.modpow(&(a + &u * &x), &g.n);
    claim_signature(
        &session_key(&s, &u),
        pool_suffix,
        user_id,
        secret_block,
        timestamp,
    )
}

/// A = g^a mod N as hex, for tests.
#[cfg(test)]
pub(crate) fn client_public(a: &BigUint) -> String {
    let g = group();
    g.g.modpow(a, &g.n).to_str_radix(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_that_knows_the_password_is_accepted_and_others_are_not() {
        let (salt, v) = new_verifier("AbC123xyz", "alice", "Alice-Passw0rd!").unwrap();
        let (b, big_b) = server_ephemeral(&v).unwrap();
        let a = BigUint::from_bytes_be(&random_bytes::<128>().unwrap());
        let big_a = client_public(&a);
        let block = b"opaque-secret-block";
        let block_b64 = b64::std_encode(block);
        let ts = "Sun Nov 22 05:00:00 UTC 2026";
        let claim = |sig: &str| {
            verify_claim(&Claim {
                a_hex: &big_a,
                b_secret_hex: &b,
                b_public_hex: &big_b,
                verifier_hex: &v,
                pool_suffix: "AbC123xyz",
                user_id: "alice",
                secret_block_b64: &block_b64,
                timestamp: ts,
                signature_b64: sig,
            })
        };
        let good = client_proof(
            &a,
            "AbC123xyz",
            "alice",
            "Alice-Passw0rd!",
            &salt,
            &big_b,
            block,
            ts,
        );
        assert!(claim(&good));
        let wrong = client_proof(&a, "AbC123xyz", "alice", "wrong", &salt, &big_b, block, ts);
        assert!(!claim(&wrong));
        let other_pool = client_proof(
            &a,
            "Zzz999zzz",
            "alice",
            "Alice-Passw0rd!",
            &salt,
            &big_b,
            block,
            ts,
        );
        assert!(!claim(&other_pool));
    }

    #[test]
    fn padding_follows_the_clients() {
        assert_eq!(pad_hex_str("abc"), "0abc");
        assert_eq!(pad_hex_str("8a"), "008a");
        assert_eq!(pad_hex_str("7a"), "7a");
        assert!(group().n.bits() == 3072);
    }

    #[test]
    fn decoys_are_stable_per_seed_and_shaped_like_real_verifiers() {
        let (salt, v) = decoy_verifier(b"seed-1");
        assert_eq!(decoy_verifier(b"seed-1"), (salt.clone(), v.clone()));
        assert_ne!(decoy_verifier(b"seed-2").0, salt);
        let (real_salt, _) = new_verifier("p", "u", "pw").unwrap();
        assert_eq!(salt.len(), real_salt.len());
        assert!(parse_hex(&v).is_some_and(|n| n < group().n));
        // A decoy takes part in the exchange like any verifier, and no password fits it.
        let (b, big_b) = server_ephemeral(&v).unwrap();
        let a = BigUint::from_bytes_be(&random_bytes::<128>().unwrap());
        let big_a = client_public(&a);
        let block_b64 = b64::std_encode(b"block");
        let ts = "Sun Nov 22 05:00:00 UTC 2026";
        let sig = client_proof(&a, "p", "u", "pw", &salt, &big_b, b"block", ts);
        assert!(!verify_claim(&Claim {
            a_hex: &big_a,
            b_secret_hex: &b,
            b_public_hex: &big_b,
            verifier_hex: &v,
            pool_suffix: "p",
            user_id: "u",
            secret_block_b64: &block_b64,
            timestamp: ts,
            signature_b64: &sig,
        }));
    }

    #[test]
    fn a_zero_a_is_refused() {
        let (_, v) = new_verifier("p", "u", "pw").unwrap();
        let (b, big_b) = server_ephemeral(&v).unwrap();
        let n = group().n.to_str_radix(16);
        let c = Claim {
            a_hex: &n,
            b_secret_hex: &b,
            b_public_hex: &big_b,
            verifier_hex: &v,
            pool_suffix: "p",
            user_id: "u",
            secret_block_b64: "AA==",
            timestamp: "t",
            signature_b64: "x",
        };
        assert!(!verify_claim(&c));
    }
}
