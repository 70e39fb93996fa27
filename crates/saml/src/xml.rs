//! Checks and helpers on raw XML, before or beside samael: no DOCTYPE, shape bounds, one
//! assertion and a Success status, what libxmlsec1 verified, dates, base64.

use crate::*;

pub(crate) fn no_doctype(xml: &str) -> bool {
    !xml.contains("<!DOCTYPE") && !xml.contains("<!doctype") && !xml.contains("<!ENTITY")
}

/// An `xs:dateTime` in UTC for Unix seconds (days to civil date, proleptic Gregorian).
pub fn xml_datetime(unix_secs: i64) -> String {
    let (days, secs) = (unix_secs.div_euclid(86400), unix_secs.rem_euclid(86400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Bounds on a response's shape, far above what IdPs send (a few hundred elements, nesting
/// under 15, a handful of attributes and namespace declarations per element), checked before
/// libxml2 and samael see the document.
pub(crate) const MAX_DEPTH: usize = 48;
pub(crate) const MAX_ELEMENTS: usize = 20_000;
pub(crate) const MAX_ATTRIBUTES: usize = 64;

/// Whether element `e`, the `elements`-th of its document at `depth`, keeps to those bounds.
pub(crate) fn within_bounds(
    e: &quick_xml::events::BytesStart<'_>,
    depth: usize,
    elements: usize,
) -> bool {
    depth < MAX_DEPTH
        && elements <= MAX_ELEMENTS
        && e.attributes().with_checks(false).count() <= MAX_ATTRIBUTES
}

/// Checks on the raw document that only ever refuse (nothing read here is trusted): exactly
/// one assertion, plain or encrypted, in the whole document (wrapping attacks add more), a
/// Destination, if any, that is our ACS, and a Success status, even where the Response
/// itself is unsigned.
/// Returns whether the assertion is encrypted.
pub(crate) fn check_envelope(xml: &str, sp: &SpConfig) -> Result<bool, SamlError> {
    use quick_xml::events::Event;
    let refuse = |m: &str| SamlError::Response(m.to_owned());
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut assertions, mut encrypted, mut depth, mut elements) = (0, 0, 0, 0);
    // The top-level Status, signed or not, must say Success with one StatusCode.
    let (mut in_status, mut top_codes) = (false, 0);
    let success = b"urn:oasis:names:tc:SAML:2.0:status:Success".as_slice();
    loop {
        let (e, opens) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(_)) => {
                depth -= 1;
                in_status &= depth > 1;
                continue;
            }
            Ok(Event::Eof) => break,
            Ok(Event::DocType(_)) => return Err(refuse("DOCTYPE is not allowed")),
            Ok(_) => continue,
            Err(_) => return Err(refuse("not well-formed XML")),
        };
        elements += 1;
        if !within_bounds(&e, depth, elements) {
            return Err(refuse("the response is larger than any IdP sends"));
        }
        match e.local_name().as_ref() {
            b"Assertion" => assertions += 1,
            b"EncryptedAssertion" => encrypted += 1,
            b"Status" if depth == 1 => in_status = opens,
            b"StatusCode" if in_status && (2..=3).contains(&depth) => {
                top_codes += usize::from(depth == 2);
                let value = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"Value");
                if value.is_none_or(|v| v.value.as_ref() != success) {
                    return Err(refuse("the IdP did not report success"));
                }
            }
            _ => {}
        }
        if depth == 0 {
            for a in e.attributes().flatten() {
                if a.key.local_name().as_ref() == b"Destination"
                    && a.value.as_ref() != sp.acs_url.as_bytes()
                {
                    return Err(refuse("the response is addressed to another service"));
                }
            }
        }
        if opens {
            depth += 1;
        }
    }
    if assertions + encrypted != 1 {
        return Err(refuse("a response must carry exactly one assertion"));
    }
    if top_codes > 1 {
        return Err(refuse("a response must carry one status"));
    }
    Ok(encrypted == 1)
}

/// libxmlsec1 keeps only what a metadata certificate signed (samael's ReduceMode), with the
/// algorithm allow-list.
pub(crate) fn verified_xml(
    xml: &str,
    certs: &[samael::crypto::CertificateDer],
) -> Result<String, SamlError> {
    use samael::crypto::{Crypto, CryptoProvider, ReduceMode};
    Crypto::reduce_xml_to_signed_with_allowed_algorithms(
        xml,
        certs,
        ReduceMode::default(),
        Some(&allowed_algorithms()),
    )
    .map_err(|_| SamlError::Signature)
}

/// Whether the root element has a `Signature` child.
pub(crate) fn root_is_signed(xml: &str) -> Result<bool, SamlError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    loop {
        let (e, opens) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(false);
                }
                continue;
            }
            Ok(Event::Eof) => return Ok(false),
            Ok(_) => continue,
            Err(_) => return Err(SamlError::Response("not well-formed XML".into())),
        };
        if depth == 1 && e.local_name().as_ref() == b"Signature" {
            return Ok(true);
        }
        if opens {
            depth += 1;
        }
    }
}

/// The document without its XML declaration (libxml2 writes one on what it serialises).
pub(crate) fn strip_declaration(xml: &str) -> &str {
    let xml = xml.trim_start();
    match xml.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(xml, |i| rest[i + 2..].trim_start()),
        None => xml,
    }
}

pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    // HTTP-POST carries the response base64, line breaks allowed.
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}
