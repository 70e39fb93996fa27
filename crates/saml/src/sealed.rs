//! Reading an EncryptedAssertion (XML Encryption) out of a Response: where it sits, its
//! content algorithm and ciphertext, its EncryptedKeys with their key-transport parameters,
//! and the namespaces in scope. Nothing is decrypted here (`encrypted.rs` does that).

use crate::SamlError;
use crate::xml_attr::attr;
use quick_xml::events::Event;
use std::ops::Range;

/// The error for every way an encrypted assertion can fail to open.
pub(crate) fn unreadable() -> SamlError {
    SamlError::Response("the encrypted assertion could not be read".into())
}

/// At most this many EncryptedKeys are tried (one per SP certificate the IdP knows).
const MAX_KEYS: usize = 4;

#[derive(Debug, Default, Clone)]
pub(crate) struct EncryptedKey {
    pub(crate) algorithm: String,
    pub(crate) digest: Option<String>,
    pub(crate) mgf: Option<String>,
    pub(crate) cipher: String,
}

/// What an EncryptedAssertion element holds, and where it sits in its document.
#[derive(Debug, Default)]
pub(crate) struct Sealed {
    pub(crate) range: Range<usize>,
    pub(crate) algorithm: String,
    pub(crate) cipher: String,
    pub(crate) keys: Vec<EncryptedKey>,
    /// `xmlns` declarations in scope at the EncryptedAssertion (name → value), which the
    /// plaintext may rely on.
    pub(crate) namespaces: Vec<(String, String)>,
}

/// Finds the one EncryptedAssertion and reads its parts by local name (prefixes vary:
/// `xenc:`, `ns1:`, none).
pub(crate) fn find_sealed(xml: &str) -> Result<Sealed, SamlError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut scopes: Vec<Vec<(String, String)>> = Vec::new();
    let mut sealed: Option<Sealed> = None;
    let mut start = 0usize;
    loop {
        let before = usize::try_from(reader.buffer_position()).map_err(|_| unreadable())?;
        let event = reader.read_event().map_err(|_| unreadable())?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_vec();
                let declared = declared_namespaces(e);
                if name == b"EncryptedAssertion" {
                    if sealed.is_some() || empty {
                        return Err(unreadable());
                    }
                    start = before;
                    let mut namespaces: Vec<(String, String)> = Vec::new();
                    for (k, v) in scopes.iter().flatten().chain(&declared) {
                        namespaces.retain(|(seen, _)| seen != k);
                        namespaces.push((k.clone(), v.clone()));
                    }
                    sealed = Some(Sealed {
                        namespaces,
                        ..Sealed::default()
                    });
                }
                if let Some(s) = sealed.as_mut().filter(|s| s.range.is_empty()) {
                    read_part(s, &path, &name, e);
                }
                if !empty {
                    path.push(name);
                    scopes.push(declared);
                }
            }
            Event::Text(t) => {
                if let Some(s) = sealed.as_mut().filter(|s| s.range.is_empty()) {
                    read_cipher_text(s, &path, &t.decode().map_err(|_| unreadable())?);
                }
            }
            Event::End(_) => {
                let closed = path.pop();
                scopes.pop();
                if closed.as_deref() == Some(b"EncryptedAssertion".as_slice())
                    && let Some(s) = sealed.as_mut()
                {
                    let end =
                        usize::try_from(reader.buffer_position()).map_err(|_| unreadable())?;
                    s.range = start..end;
                }
            }
            Event::Eof => break,
            Event::DocType(_) => return Err(unreadable()),
            _ => {}
        }
    }
    let sealed = sealed.ok_or_else(unreadable)?;
    if sealed.range.is_empty()
        || sealed.algorithm.is_empty()
        || sealed.cipher.is_empty()
        || sealed.keys.is_empty()
        || sealed.keys.len() > MAX_KEYS
    {
        return Err(unreadable());
    }
    Ok(sealed)
}

/// Records the algorithm, digest, MGF or new EncryptedKey that element `name` (under
/// `path`) stands for.
fn read_part(s: &mut Sealed, path: &[Vec<u8>], name: &[u8], e: &quick_xml::events::BytesStart<'_>) {
    let parent = path.last().map(Vec::as_slice);
    let grandparent = path
        .len()
        .checked_sub(2)
        .and_then(|i| path.get(i))
        .map(Vec::as_slice);
    match (name, parent, grandparent) {
        (b"EncryptedKey", _, _) => s.keys.push(EncryptedKey::default()),
        (b"EncryptionMethod", Some(b"EncryptedData"), _) => {
            s.algorithm = attr(e, b"Algorithm").unwrap_or_default();
        }
        (b"EncryptionMethod", Some(b"EncryptedKey"), _) => {
            if let Some(k) = s.keys.last_mut() {
                k.algorithm = attr(e, b"Algorithm").unwrap_or_default();
            }
        }
        (b"DigestMethod", Some(b"EncryptionMethod"), Some(b"EncryptedKey")) => {
            if let Some(k) = s.keys.last_mut() {
                k.digest = attr(e, b"Algorithm");
            }
        }
        (b"MGF", Some(b"EncryptionMethod"), Some(b"EncryptedKey")) => {
            if let Some(k) = s.keys.last_mut() {
                k.mgf = attr(e, b"Algorithm");
            }
        }
        _ => {}
    }
}

/// The `xmlns` declarations of an element (name → value).
fn declared_namespaces(e: &quick_xml::events::BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .filter_map(|a| {
            let key = String::from_utf8(a.key.as_ref().to_vec()).ok()?;
            (key == "xmlns" || key.starts_with("xmlns:")).then(|| {
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()?
                    .into_owned();
                Some((key, value))
            })?
        })
        .collect()
}

/// Text inside `path`: a CipherValue of the EncryptedData or of the last EncryptedKey.
fn read_cipher_text(s: &mut Sealed, path: &[Vec<u8>], text: &str) {
    if path.last().map(Vec::as_slice) != Some(b"CipherValue".as_slice()) {
        return;
    }
    let parent = path
        .len()
        .checked_sub(3)
        .and_then(|i| path.get(i))
        .map(Vec::as_slice);
    match parent {
        Some(b"EncryptedData") => s.cipher.push_str(text),
        Some(b"EncryptedKey") => {
            if let Some(k) = s.keys.last_mut() {
                k.cipher.push_str(text);
            }
        }
        _ => {}
    }
}
