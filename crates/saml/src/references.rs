//! Two checks on a response document that only ever refuse, read off the raw XML before
//! anything in it is trusted:
//!
//! - every XML signature must point at the element that holds it: its one `Reference` has
//!   `URI="#<ID of the signature's parent>"`. An empty URI signs the whole document, which
//!   libxmlsec1 accepts and which lets a signature over one part vouch for another (XML
//!   Signature §4.4.3.2; SAML Core §5.4.2 requires the ID form).
//! - the Response's own `Issuer`, when it has one, must be the IdP's entity ID (SAML Core
//!   §3.2.2): a correctly signed assertion must not arrive in another issuer's envelope.

use crate::SamlError;
use crate::xml_attr::attr;
use quick_xml::events::Event;

/// One open element: its local name and its `ID` attribute.
struct Open {
    name: Vec<u8>,
    id: Option<String>,
}

fn refuse(m: &str) -> SamlError {
    SamlError::Response(m.to_owned())
}

/// Refuses a document with a signature `Reference` that is not `#<ID of the signed element>`,
/// or a signature with more or fewer than one Reference.
pub(crate) fn check_references(xml: &str) -> Result<(), SamlError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Open> = Vec::new();
    // References counted per open SignedInfo (by its depth).
    let mut references: Vec<(usize, usize)> = Vec::new();
    loop {
        let (e, opens) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(_)) => {
                let depth = stack.len();
                if let Some(&(d, n)) = references.last()
                    && d + 1 == depth
                {
                    references.pop();
                    if n != 1 {
                        return Err(refuse("a signature must have exactly one reference"));
                    }
                }
                stack.pop();
                continue;
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => continue,
            Err(_) => return Err(refuse("not well-formed XML")),
        };
        let name = e.local_name().as_ref().to_vec();
        let depth = stack.len();
        if name == b"Reference" {
            let parent = |back: usize| depth.checked_sub(back).and_then(|i| stack.get(i));
            let in_signed_info = parent(1).is_some_and(|p| p.name == b"SignedInfo")
                && parent(2).is_some_and(|p| p.name == b"Signature");
            if in_signed_info {
                let signed_id = parent(3).and_then(|p| p.id.as_deref());
                let uri = attr(&e, b"URI");
                match (signed_id, uri) {
                    (Some(id), Some(uri)) if uri.strip_prefix('#') == Some(id) => {}
                    _ => {
                        return Err(refuse(
                            "a signature must reference the element that carries it by its ID",
                        ));
                    }
                }
                if let Some(last) = references.last_mut() {
                    last.1 += 1;
                }
            }
        }
        if name == b"SignedInfo" && opens {
            references.push((depth, 0));
        } else if name == b"SignedInfo" {
            return Err(refuse("a signature must have exactly one reference"));
        }
        if opens {
            stack.push(Open {
                name,
                id: attr(&e, b"ID"),
            });
        }
    }
}

/// Refuses a Response whose top-level `Issuer` is not `entity_id`. A Response without one
/// is fine (the Issuer is optional there; the assertion's own is checked by samael).
pub(crate) fn check_response_issuer(xml: &str, entity_id: &str) -> Result<(), SamlError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut in_issuer = false;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                in_issuer = depth == 1 && e.local_name().as_ref() == b"Issuer";
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                if depth == 1 && e.local_name().as_ref() == b"Issuer" {
                    return Err(refuse("the response's Issuer is empty"));
                }
            }
            Ok(Event::Text(t)) if in_issuer => {
                let piece = t.decode().map_err(|_| refuse("not well-formed XML"))?;
                text.push_str(&piece);
            }
            Ok(Event::GeneralRef(_)) if in_issuer => {
                // An entity reference in an issuer is no IdP's entity ID we know of.
                return Err(refuse("the response comes from another issuer"));
            }
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                if in_issuer {
                    return if text.trim() == entity_id {
                        Ok(())
                    } else {
                        Err(refuse("the response comes from another issuer"))
                    };
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(_) => return Err(refuse("not well-formed XML")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI="URI_HERE"/></ds:SignedInfo></ds:Signature>"##;

    fn doc(uri: &str) -> String {
        format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="r1"><saml:Issuer>https://idp.test</saml:Issuer><saml:Assertion ID="a1">{}</saml:Assertion></samlp:Response>"#,
            SIG.replace("URI_HERE", uri)
        )
    }

    #[test]
    fn a_signature_must_reference_its_own_element() {
        assert!(check_references(&doc("#a1")).is_ok());
        for bad in ["", "#r1", "#other", "a1"] {
            assert!(check_references(&doc(bad)).is_err(), "{bad:?}");
        }
        let two = doc("#a1").replace(
            "<ds:Reference URI=\"#a1\"/>",
            "<ds:Reference URI=\"#a1\"/><ds:Reference URI=\"#a1\"/>",
        );
        assert!(check_references(&two).is_err(), "two references");
        let none = doc("#a1").replace("<ds:Reference URI=\"#a1\"/>", "");
        assert!(check_references(&none).is_err(), "no reference");
    }

    #[test]
    fn the_response_issuer_must_be_the_idp() {
        assert!(check_response_issuer(&doc("#a1"), "https://idp.test").is_ok());
        assert!(check_response_issuer(&doc("#a1"), "https://other.test").is_err());
        let evil = doc("#a1").replace(
            "<saml:Issuer>https://idp.test</saml:Issuer><saml:Assertion",
            "<saml:Issuer>https://evil.example/idp</saml:Issuer><saml:Assertion",
        );
        assert!(check_response_issuer(&evil, "https://idp.test").is_err());
        // The assertion's own Issuer (deeper) is samael's to check, not this one's.
        let without = doc("#a1").replace("<saml:Issuer>https://idp.test</saml:Issuer>", "");
        assert!(check_response_issuer(&without, "https://evil.test").is_ok());
    }
}
