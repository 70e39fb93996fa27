//! More of security-tests.md Part 2, on the same test IdP as `attacks.rs`: the remaining
//! wrapping permutations (XSW1/2/5/7/8), other IdP-signed documents as the signature
//! carrier (63), processing-instruction and CDATA injection (65), DOCTYPE spellings (66),
//! a foreign-namespace Assertion (67), key rollover (68), a SHA-1 digest (69), time (72),
//! audience (73), recipient (74), status and structure (75), and resource bounds (77). The
//! baseline passes in each run.

use super::attacks::*;
use super::*;
use samael::crypto::{Crypto, CryptoProvider};

/// Removes the first `attr="…"` from the first `<tag` element.
fn drop_attr(xml: &str, tag: &str, attr: &str) -> String {
    let at = xml.find(tag).expect("tag");
    let end = at + xml[at..].find('>').expect("end of tag");
    let head = &xml[at..end];
    let Some(a) = head.find(&format!(" {attr}=\"")) else {
        return xml.to_owned();
    };
    let b = a + 1 + head[a + 1..].find('"').unwrap() + 1;
    let b = b + head[b..].find('"').unwrap() + 1;
    format!("{}{}{}", &xml[..at + a], &head[b..], &xml[end..])
}

fn evil() -> String {
    assertion_xml(
        &Shape {
            name_id: "admin@attack.test".into(),
            ..Shape::default()
        },
        "_evil-1",
        "",
    )
}

#[test]
fn wrapping_carriers_injection_and_bounds() {
    let idp = test_idp("struct-idp");
    let md = metadata(&idp);
    let base = signed(&idp, &Shape::default());
    assert!(check(&md, &base).is_ok(), "the baseline is accepted");
    let signed_assertion = {
        let a = base.find("<saml:Assertion").unwrap();
        let b = base.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
        base[a..b].to_owned()
    };
    let whole = signed_response(
        &idp,
        &Shape::default(),
        &assertion_xml(&Shape::default(), "_assert-1", ""),
    );
    assert!(
        check(&md, &whole).is_ok(),
        "a signed Response is accepted too"
    );

    // The IdP's own signed metadata and a signed LogoutResponse, to reuse as carriers.
    let signed_md = Crypto::sign_xml(
        format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_md-1" entityID="{IDP}">{}<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>"#,
            signature_template("_md-1", &idp.cert_b64, RSA_SHA256, SHA256)
        ),
        &idp.key_der,
    )
    .unwrap();
    let signed_lr = Crypto::sign_xml(
        format!(
            r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr-1" Version="2.0" IssueInstant="{}"><saml:Issuer>{IDP}</saml:Issuer>{}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#,
            instant(0),
            signature_template("_lr-1", &idp.cert_b64, RSA_SHA256, SHA256)
        ),
        &idp.key_der,
    )
    .unwrap();
    let shell = |inner: &str| response_xml(&Shape::default(), inner);
    let reshaped = |f: &dyn Fn(&mut Shape)| {
        let mut s = Shape::default();
        f(&mut s);
        signed(&idp, &s)
    };
    let edited = |edit: &dyn Fn(String) -> String| signed_edited(&idp, &Shape::default(), edit);
    let injected = |marker: &str| {
        // The IdP signed `alice@attack.test.evil.test` (someone's own account); the marker
        // goes in afterwards.
        reshaped(&|s| s.name_id = "alice@attack.test.evil.test".into()).replace(
            ">alice@attack.test.evil.test</saml:NameID>",
            &format!(">alice@attack.test{marker}.evil.test</saml:NameID>"),
        )
    };
    let deep = format!(
        "{}{}{}",
        "<x>".repeat(MAX_DEPTH + 2),
        "y",
        "</x>".repeat(MAX_DEPTH + 2)
    );
    let many_attrs: String = (0..200).map(|i| format!(" a{i}=\"v\"")).collect();

    let variants: Vec<(&str, String)> = vec![
        (
            "XSW1: the signed Response inside an evil one",
            format!(
                r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil-resp" Version="2.0" IssueInstant="{}" InResponseTo="{REQ}"><saml:Issuer>{IDP}</saml:Issuer><samlp:Extensions>{}</samlp:Extensions>{}</samlp:Response>"#,
                instant(0),
                strip_declaration(&whole),
                evil()
            ),
        ),
        (
            "XSW2: the signed Response's signature moved beside an evil Response",
            shell(&evil()).replace(
                "</saml:Issuer>",
                &format!(
                    "</saml:Issuer>{}",
                    &whole[whole.find("<ds:Signature").unwrap()
                        ..whole.find("</ds:Signature>").unwrap() + "</ds:Signature>".len()]
                ),
            ),
        ),
        (
            "XSW5: the signed assertion moved beside an evil one",
            shell(&format!("{}{signed_assertion}", evil())),
        ),
        (
            "XSW7: an evil assertion in Extensions",
            base.replacen(
                "<samlp:Status>",
                &format!("<samlp:Extensions>{}</samlp:Extensions><samlp:Status>", evil()),
                1,
            ),
        ),
        (
            "XSW8: the signed assertion inside ds:Object of an evil one",
            shell(&evil().replace(
                "</saml:Issuer>",
                &format!(
                    "</saml:Issuer><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:Object>{signed_assertion}</ds:Object></ds:Signature>"
                ),
            )),
        ),
        (
            "signed metadata as the carrier beside an evil assertion",
            shell(&format!("{}{}", evil(), strip_declaration(&signed_md))),
        ),
        (
            "a signed LogoutResponse in StatusDetail beside an evil assertion",
            shell(&evil()).replace(
                "</samlp:Status>",
                &format!("<samlp:StatusDetail>{}</samlp:StatusDetail></samlp:Status>", strip_declaration(&signed_lr)),
            ),
        ),
        ("processing instruction in the NameID", injected("<?pi x?>")),
        (
            "DOCTYPE with an external subset",
            format!(
                "<!DOCTYPE r SYSTEM \"http://169.254.169.254/latest/meta-data/\">{}",
                strip_declaration(&base)
            ),
        ),
        (
            "DOCTYPE in odd case",
            format!("<!DocType r>{}", strip_declaration(&base)),
        ),
        (
            "an Assertion of a foreign namespace beside the signed one",
            base.replacen(
                "<saml:Assertion",
                "<x:Assertion xmlns:x=\"urn:evil\" ID=\"_x\"><x:NameID>admin@attack.test</x:NameID></x:Assertion><saml:Assertion",
                1,
            ),
        ),
        (
            "RSA-SHA256 signature over a SHA-1 digest",
            reshaped(&|s| s.digest = SHA1),
        ),
        ("not valid for ten minutes yet", reshaped(&|s| s.not_before_secs = 600)),
        ("issued an hour ago", reshaped(&|s| s.issued_secs = -3600)),
        (
            "a bearer confirmation that never expires",
            edited(&|x| drop_attr(&x, "<saml:SubjectConfirmationData", "NotOnOrAfter")),
        ),
        (
            "an audience that only looks like ours",
            reshaped(&|s| s.audience = format!("{}/", sp().entity_id)),
        ),
        (
            "no AudienceRestriction",
            edited(&|x| {
                let a = x.find("<saml:AudienceRestriction>").unwrap();
                let b = x.find("</saml:AudienceRestriction>").unwrap() + "</saml:AudienceRestriction>".len();
                format!("{}{}", &x[..a], &x[b..])
            }),
        ),
        (
            "a second AudienceRestriction without us",
            edited(&|x| {
                x.replace(
                    "</saml:AudienceRestriction>",
                    "</saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>urn:other</saml:Audience></saml:AudienceRestriction>",
                )
            }),
        ),
        (
            "no Recipient",
            edited(&|x| drop_attr(&x, "<saml:SubjectConfirmationData", "Recipient")),
        ),
        (
            "an empty Destination",
            reshaped(&|s| s.destination = String::new()),
        ),
        (
            "status Requester",
            base.replace(
                "urn:oasis:names:tc:SAML:2.0:status:Success",
                "urn:oasis:names:tc:SAML:2.0:status:Requester",
            ),
        ),
        (
            "status Success with a second, failing StatusCode",
            base.replace(
                "</samlp:Status>",
                "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\"/></samlp:Status>",
            ),
        ),
        (
            "no AuthnStatement",
            edited(&|x| {
                let a = x.find("<saml:AuthnStatement").unwrap();
                let b = x.find("</saml:AuthnStatement>").unwrap() + "</saml:AuthnStatement>".len();
                format!("{}{}", &x[..a], &x[b..])
            }),
        ),
        (
            "holder-of-key instead of bearer",
            edited(&|x| x.replace("cm:bearer", "cm:holder-of-key")),
        ),
        (
            "an attribute given twice",
            edited(&|x| {
                x.replace(
                    "</saml:AttributeStatement>",
                    "<saml:Attribute Name=\"role\"><saml:AttributeValue>admin</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>",
                )
            }),
        ),
        (
            "nesting deeper than any IdP",
            base.replace("</samlp:Status>", &format!("</samlp:Status>{deep}")),
        ),
        (
            "an element with 200 attributes",
            base.replacen("<samlp:Status>", &format!("<samlp:Status{many_attrs}>"), 1),
        ),
        (
            "more elements than any IdP sends",
            base.replace(
                "</samlp:Status>",
                &format!("</samlp:Status>{}", "<x/>".repeat(MAX_ELEMENTS)),
            ),
        ),
    ];
    for (what, xml) in &variants {
        match check(&md, xml) {
            Err(_) => {}
            Ok(login)
                if what.starts_with("XSW")
                    || what.contains("carrier")
                    || what.contains("beside") =>
            {
                assert_eq!(login.name_id, "alice@attack.test", "{what}")
            }
            Ok(login) => panic!("{what}: accepted as {login:?}"),
        }
    }
    // CDATA: canonicalization keeps the text, so the signature holds; the value read must
    // be the whole string or nothing, never the part before the CDATA.
    if let Ok(login) = check(&md, &injected("<![CDATA[]]>")) {
        assert_ne!(login.name_id, "alice@attack.test");
    }
}

#[test]
fn key_rollover_follows_the_metadata() {
    let (old, new) = (test_idp("roll-idp"), test_idp("roll-idp"));
    let by_new = signed(&new, &Shape::default());
    let by_old = signed(&old, &Shape::default());
    let during = metadata_of(&[&old, &new]);
    assert!(
        check(&during, &by_new).is_ok(),
        "both certificates verify during a rollover"
    );
    assert!(check(&during, &by_old).is_ok());
    let after = metadata_of(&[&new]);
    assert_eq!(
        check(&after, &by_old).unwrap_err(),
        SamlError::Signature,
        "the old key is gone"
    );
    assert!(check(&after, &by_new).is_ok());
}
