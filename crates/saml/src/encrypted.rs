//! Encrypted assertions (XML Encryption 1.0/1.1), opened here rather than by samael, which
//! reads only aes128, needs a literal `xmlns:ds` on KeyInfo, and never checks a signature
//! that was inside the ciphertext (sign-then-encrypt with an unsigned Response, the usual
//! ADFS and Entra setting).
//!
//! The order is: the Response's own signature if it has one (then the ciphertext itself is
//! authenticated), decryption with the SP key, the decrypted assertion's own signature if
//! it has one (always, when the Response is unsigned), and finally a plain document in
//! which the verified assertion takes the place of the EncryptedAssertion, for samael's
//! protocol checks. Every decryption failure is the same error, and a key-transport failure
//! carries on with a random content key (implicit rejection), so neither the RSA step nor
//! the padding or XML that follows tells an attacker anything.
//!
//! Key transport: RSA-OAEP (`rsa-oaep-mgf1p`, and `xmlenc11#rsa-oaep` with its DigestMethod
//! and MGF). `rsa-1_5` is refused (Bleichenbacher). Content: AES-128/192/256 in GCM and
//! CBC (CBC stays for SimpleSAMLphp, ADFS and Entra, which send it by default).

use super::{
    SamlError, SpConfig, base64_decode, no_doctype, root_is_signed, strip_declaration, verified_xml,
};
use crate::sealed::{EncryptedKey, Sealed, find_sealed, unreadable};
use openssl::hash::MessageDigest;
use quick_xml::events::Event;
use samael::crypto::CertificateDer;

/// The plain document to hand to samael without certificates: the Response (verified, or
/// untrusted where only the assertion is signed) with the verified assertion in place of
/// its EncryptedAssertion.
pub(crate) fn open(
    xml: &str,
    certs: &[CertificateDer],
    sp: &SpConfig,
) -> Result<String, SamlError> {
    let keys: Vec<&[u8]> = sp.decryption_keys().map(|k| k.key_der.as_slice()).collect();
    if keys.is_empty() {
        return Err(SamlError::Response("no SP key to decrypt with".into()));
    }
    let outer_signed = root_is_signed(xml)?;
    let outer = if outer_signed {
        verified_xml(xml, certs)?
    } else {
        xml.to_owned()
    };
    let sealed = find_sealed(&outer)?;
    let plain = decrypt(&sealed, &keys)?;
    let plain = with_namespaces(&plain, &sealed.namespaces)?;
    check_plain_assertion(&plain)?;
    crate::references::check_references(&plain)?;
    let assertion = if root_is_signed(&plain)? {
        strip_declaration(&verified_xml(&plain, certs)?).to_owned()
    } else if outer_signed {
        plain
    } else {
        return Err(SamlError::Response(
            "neither the response nor its assertion is signed".into(),
        ));
    };
    let (before, after) = (
        outer.get(..sealed.range.start).ok_or_else(unreadable)?,
        outer.get(sealed.range.end..).ok_or_else(unreadable)?,
    );
    Ok(format!("{before}{assertion}{after}"))
}

fn digest_named(uri: Option<&str>) -> Option<MessageDigest> {
    Some(match uri {
        None | Some("http://www.w3.org/2000/09/xmldsig#sha1") => MessageDigest::sha1(),
        Some("http://www.w3.org/2001/04/xmlenc#sha256") => MessageDigest::sha256(),
        Some("http://www.w3.org/2001/04/xmldsig-more#sha384") => MessageDigest::sha384(),
        Some("http://www.w3.org/2001/04/xmlenc#sha512") => MessageDigest::sha512(),
        _ => return None,
    })
}

fn mgf_named(uri: Option<&str>) -> Option<MessageDigest> {
    Some(match uri {
        None | Some("http://www.w3.org/2009/xmlenc11#mgf1sha1") => MessageDigest::sha1(),
        Some("http://www.w3.org/2009/xmlenc11#mgf1sha256") => MessageDigest::sha256(),
        Some("http://www.w3.org/2009/xmlenc11#mgf1sha384") => MessageDigest::sha384(),
        Some("http://www.w3.org/2009/xmlenc11#mgf1sha512") => MessageDigest::sha512(),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Mode {
    Cbc,
    Gcm,
}

/// The content algorithm: key length and mode.
fn content_named(uri: &str) -> Option<(usize, Mode)> {
    Some(match uri {
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => (16, Mode::Cbc),
        "http://www.w3.org/2001/04/xmlenc#aes192-cbc" => (24, Mode::Cbc),
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => (32, Mode::Cbc),
        "http://www.w3.org/2009/xmlenc11#aes128-gcm" => (16, Mode::Gcm),
        "http://www.w3.org/2009/xmlenc11#aes192-gcm" => (24, Mode::Gcm),
        "http://www.w3.org/2009/xmlenc11#aes256-gcm" => (32, Mode::Gcm),
        _ => return None,
    })
}

/// The content key, or a random one of the right length when the RSA step fails in any
/// way, so that the failure shows only later, where every failure looks the same.
fn unwrap_key(k: &EncryptedKey, sp_key_der: &[u8], len: usize) -> Result<Vec<u8>, SamlError> {
    let (digest, mgf) = match k.algorithm.as_str() {
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" => (
            digest_named(k.digest.as_deref()),
            Some(MessageDigest::sha1()),
        ),
        "http://www.w3.org/2009/xmlenc11#rsa-oaep" => (
            digest_named(k.digest.as_deref()),
            mgf_named(k.mgf.as_deref()),
        ),
        other => {
            return Err(SamlError::Response(format!(
                "key transport {other:?} is not accepted (RSA-OAEP only)"
            )));
        }
    };
    let (Some(digest), Some(mgf)) = (digest, mgf) else {
        return Err(SamlError::Response("unsupported RSA-OAEP digest".into()));
    };
    let rsa_oaep = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
        let pkey =
            openssl::pkey::PKey::from_rsa(openssl::rsa::Rsa::private_key_from_der(sp_key_der)?)?;
        let mut ctx = openssl::pkey_ctx::PkeyCtx::new(&pkey)?;
        ctx.decrypt_init()?;
        ctx.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP)?;
        ctx.set_rsa_oaep_md(md_ref(digest))?;
        ctx.set_rsa_mgf1_md(md_ref(mgf))?;
        let mut out = Vec::new();
        ctx.decrypt_to_vec(&base64_decode(&k.cipher).unwrap_or_default(), &mut out)?;
        Ok(out)
    };
    match rsa_oaep() {
        Ok(key) if key.len() == len => Ok(key),
        _ => {
            let mut random = vec![0u8; len];
            openssl::rand::rand_bytes(&mut random).map_err(|_| unreadable())?;
            Ok(random)
        }
    }
}

fn md_ref(d: MessageDigest) -> &'static openssl::md::MdRef {
    use openssl::md::Md;
    match d.type_() {
        t if t == MessageDigest::sha256().type_() => Md::sha256(),
        t if t == MessageDigest::sha384().type_() => Md::sha384(),
        t if t == MessageDigest::sha512().type_() => Md::sha512(),
        _ => Md::sha1(),
    }
}

fn aes(len: usize, mode: Mode) -> openssl::symm::Cipher {
    use openssl::symm::Cipher;
    match (len, mode) {
        (16, Mode::Cbc) => Cipher::aes_128_cbc(),
        (24, Mode::Cbc) => Cipher::aes_192_cbc(),
        (32, Mode::Cbc) => Cipher::aes_256_cbc(),
        (16, Mode::Gcm) => Cipher::aes_128_gcm(),
        (24, Mode::Gcm) => Cipher::aes_192_gcm(),
        _ => Cipher::aes_256_gcm(),
    }
}

fn decrypt_content(key: &[u8], mode: Mode, data: &[u8]) -> Option<Vec<u8>> {
    let cipher = aes(key.len(), mode);
    match mode {
        Mode::Gcm => {
            const IV: usize = 12;
            const TAG: usize = 16;
            if data.len() < IV + TAG {
                return None;
            }
            let (iv, rest) = data.split_at(IV);
            let (body, tag) = rest.split_at(rest.len() - TAG);
            openssl::symm::decrypt_aead(cipher, key, Some(iv), &[], body, tag).ok()
        }
        Mode::Cbc => {
            const BLOCK: usize = 16;
            if data.len() < 2 * BLOCK || !data.len().is_multiple_of(BLOCK) {
                return None;
            }
            let (iv, body) = data.split_at(BLOCK);
            let mut c =
                openssl::symm::Crypter::new(cipher, openssl::symm::Mode::Decrypt, key, Some(iv))
                    .ok()?;
            c.pad(false);
            let mut out = vec![0u8; body.len() + BLOCK];
            let n = c.update(body, &mut out).ok()?;
            let m = c.finalize(out.get_mut(n..)?).ok()?;
            out.truncate(n + m);
            // XML Encryption padding: the last byte counts the padding bytes (1..=16), whose
            // other values are arbitrary.
            let pad = usize::from(*out.last()?);
            if pad == 0 || pad > BLOCK || pad > out.len() {
                return None;
            }
            out.truncate(out.len() - pad);
            Some(out)
        }
    }
}

/// Tries every EncryptedKey with every SP key (the current one first; during a rotation the
/// IdP may have sealed to the next or the previous one).
fn decrypt(s: &Sealed, sp_keys: &[&[u8]]) -> Result<String, SamlError> {
    let (len, mode) = content_named(&s.algorithm).ok_or_else(|| {
        SamlError::Response(format!(
            "content encryption {:?} is not accepted (AES-GCM or AES-CBC)",
            s.algorithm
        ))
    })?;
    let data = base64_decode(&s.cipher).ok_or_else(unreadable)?;
    for k in &s.keys {
        for sp_key_der in sp_keys {
            let key = unwrap_key(k, sp_key_der, len)?;
            if let Some(plain) = decrypt_content(&key, mode, &data)
                && let Ok(text) = String::from_utf8(plain)
            {
                return Ok(text);
            }
        }
    }
    Err(unreadable())
}

/// The plaintext's root start tag gains the namespace declarations that were in scope at
/// the EncryptedAssertion and that it does not make itself, so it parses on its own.
/// (Exclusive canonicalization ignores declarations a signed node does not use, so a
/// signature over the assertion is unaffected.)
fn with_namespaces(plain: &str, scope: &[(String, String)]) -> Result<String, SamlError> {
    let body = strip_declaration(plain);
    let mut reader = quick_xml::Reader::from_str(body);
    let root = loop {
        match reader.read_event().map_err(|_| unreadable())? {
            Event::Start(e) | Event::Empty(e) => break e.into_owned(),
            Event::Comment(_) | Event::Text(_) => {}
            _ => return Err(unreadable()),
        }
    };
    let own: Vec<String> = root
        .attributes()
        .flatten()
        .filter_map(|a| String::from_utf8(a.key.as_ref().to_vec()).ok())
        .collect();
    let extra: String = scope
        .iter()
        .filter(|(k, _)| !own.contains(k))
        .map(|(k, v)| format!(" {k}=\"{}\"", super::xml_escape(v)))
        .collect();
    let name_end = body
        .find('<')
        .map(|lt| lt + 1 + root.name().as_ref().len())
        .ok_or_else(unreadable)?;
    let (head, tail) = body.split_at_checked(name_end).ok_or_else(unreadable)?;
    Ok(format!("{head}{extra}{tail}"))
}

/// The plaintext must be one Assertion and nothing else that could be mistaken for one.
fn check_plain_assertion(plain: &str) -> Result<(), SamlError> {
    if !no_doctype(plain) {
        return Err(unreadable());
    }
    let mut reader = quick_xml::Reader::from_str(plain);
    let (mut assertions, mut depth, mut roots, mut elements) = (0, 0usize, 0, 0);
    loop {
        let (e, opens) = match reader.read_event().map_err(|_| unreadable())? {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Eof => break,
            Event::DocType(_) => return Err(unreadable()),
            _ => continue,
        };
        elements += 1;
        if !super::within_bounds(&e, depth, elements) {
            return Err(unreadable());
        }
        if depth == 0 {
            roots += 1;
            if e.local_name().as_ref() != b"Assertion" {
                return Err(unreadable());
            }
        }
        if matches!(
            e.local_name().as_ref(),
            b"Assertion" | b"EncryptedAssertion"
        ) {
            assertions += 1;
        }
        if opens {
            depth += 1;
        }
    }
    if roots != 1 || assertions != 1 {
        return Err(SamlError::Response(
            "the encrypted part must be exactly one assertion".into(),
        ));
    }
    Ok(())
}
