//! The attack suite: a test IdP (a fresh RSA key and certificate) signs a valid response,
//! the baseline must pass, and every variant derived from it (security-tests.md Part 2:
//! tampering after signing, stripped or foreign signatures, SHA-1, wrapping, comment
//! injection, wrong audience/recipient/destination/InResponseTo/issuer, expired, DOCTYPE,
//! several assertions, oversize) must be refused in the same run.

use super::*;
use base64::Engine;
use samael::crypto::{Crypto, CryptoProvider};
use samael::idp::{CertificateParams, IdentityProvider, KeyType, Rsa};

pub(crate) const IDP: &str = "https://idp.attack.test/saml";
pub(crate) const REQ: &str = "_req-7f3a";

pub(crate) struct TestIdp {
    pub(crate) key_der: Vec<u8>,
    pub(crate) cert_b64: String,
}

pub(crate) fn test_idp(name: &str) -> TestIdp {
    let idp = IdentityProvider::generate_new(KeyType::Rsa(Rsa::Rsa2048)).unwrap();
    let cert = idp
        .create_certificate(&CertificateParams {
            common_name: name,
            issuer_name: name,
            days_until_expiration: 2,
        })
        .unwrap();
    TestIdp {
        key_der: idp.export_private_key_der().unwrap(),
        cert_b64: base64::engine::general_purpose::STANDARD.encode(cert.der_data()),
    }
}

pub(crate) fn metadata(idp: &TestIdp) -> IdpMetadata {
    metadata_of(&[idp])
}

/// IdP metadata listing the certificates of `keys` (several during a rollover).
pub(crate) fn metadata_of(keys: &[&TestIdp]) -> IdpMetadata {
    let descriptors: String = keys
        .iter()
        .map(|k| {
            format!(
                r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
                k.cert_b64
            )
        })
        .collect();
    IdpMetadata::parse(&format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{descriptors}<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.attack.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#
    ))
    .unwrap()
}

pub(crate) fn sp() -> SpConfig {
    SpConfig {
        entity_id: "urn:amazon:cognito:sp:local_attackabc".into(),
        acs_url: "https://auth.attack.test/local_attackabc/saml2/idpresponse".into(),
        ..SpConfig::default()
    }
}

pub(crate) fn signature_template(id: &str, cert: &str, method: &str, digest: &str) -> String {
    format!(
        r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="{method}"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="{digest}"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"##
    )
}

pub(crate) const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub(crate) const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
pub(crate) const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub(crate) const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// What goes into a response, so each variant can change one thing before signing.
#[derive(Clone)]
pub(crate) struct Shape {
    pub(crate) name_id: String,
    pub(crate) audience: String,
    pub(crate) recipient: String,
    pub(crate) destination: String,
    pub(crate) in_response_to: String,
    pub(crate) issuer: String,
    pub(crate) not_on_or_after_secs: i64,
    /// IssueInstant and Conditions/NotBefore, in seconds from now.
    pub(crate) issued_secs: i64,
    pub(crate) not_before_secs: i64,
    pub(crate) method: &'static str,
    pub(crate) digest: &'static str,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            name_id: "alice@attack.test".into(),
            audience: sp().entity_id,
            recipient: sp().acs_url,
            destination: sp().acs_url,
            in_response_to: REQ.into(),
            issuer: IDP.into(),
            not_on_or_after_secs: 300,
            issued_secs: 0,
            not_before_secs: -60,
            method: RSA_SHA256,
            digest: SHA256,
        }
    }
}

pub(crate) fn instant(offset_secs: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    xml_datetime(now + offset_secs)
}

pub(crate) fn assertion_xml(s: &Shape, id: &str, signature: &str) -> String {
    format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" IssueInstant="{now}" Version="2.0"><saml:Issuer>{issuer}</saml:Issuer>{signature}<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{name}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="{irt}" NotOnOrAfter="{until}" Recipient="{recipient}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{before}" NotOnOrAfter="{until}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{now}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>{name}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="role"><saml:AttributeValue>user</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#,
        now = instant(s.issued_secs),
        before = instant(s.not_before_secs),
        until = instant(s.not_on_or_after_secs),
        issuer = s.issuer,
        name = s.name_id,
        irt = s.in_response_to,
        recipient = s.recipient,
        audience = s.audience,
    )
}

pub(crate) fn response_xml(s: &Shape, inner: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp-1" InResponseTo="{irt}" Version="2.0" IssueInstant="{now}" Destination="{dest}"><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{inner}</samlp:Response>"#,
        irt = s.in_response_to,
        now = instant(0),
        dest = s.destination,
        issuer = s.issuer,
    )
}

/// A response whose assertion is signed by `idp`.
pub(crate) fn signed(idp: &TestIdp, s: &Shape) -> String {
    signed_edited(idp, s, &|xml| xml)
}

/// Like [`signed`], with `edit` applied to the document before it is signed (what the IdP
/// itself would have said).
pub(crate) fn signed_edited(idp: &TestIdp, s: &Shape, edit: &dyn Fn(String) -> String) -> String {
    let template = signature_template("_assert-1", &idp.cert_b64, s.method, s.digest);
    let xml = edit(response_xml(s, &assertion_xml(s, "_assert-1", &template)));
    Crypto::sign_xml(xml, &idp.key_der).unwrap()
}

/// A Response around `inner`, signed as a whole.
pub(crate) fn signed_response(idp: &TestIdp, s: &Shape, inner: &str) -> String {
    let template = signature_template("_resp-1", &idp.cert_b64, s.method, s.digest);
    let xml =
        response_xml(s, inner).replacen("</saml:Issuer>", &format!("</saml:Issuer>{template}"), 1);
    Crypto::sign_xml(xml, &idp.key_der).unwrap()
}

pub(crate) fn b64(xml: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(xml)
}

pub(crate) fn check(md: &IdpMetadata, xml: &str) -> Result<VerifiedLogin, SamlError> {
    validate_response(&b64(xml), md, &sp(), &[REQ], false)
}

#[test]
fn every_attack_variant_is_refused_and_the_baseline_passes() {
    let idp = test_idp("attack-idp");
    let other = test_idp("attack-idp"); // same subject name, different key
    let md = metadata(&idp);
    let base = signed(&idp, &Shape::default());
    let ok = check(&md, &base).expect("the baseline is accepted");
    assert_eq!(ok.name_id, "alice@attack.test");
    assert_eq!(ok.attributes["role"], ["user"]);
    assert_eq!(ok.assertion_id, "_assert-1");

    let reshaped = |f: &dyn Fn(&mut Shape)| {
        let mut s = Shape::default();
        f(&mut s);
        signed(&idp, &s)
    };
    let evil_assertion = assertion_xml(
        &Shape {
            name_id: "admin@attack.test".into(),
            ..Shape::default()
        },
        "_evil-1",
        "",
    );
    let variants: Vec<(&str, String)> = vec![
        (
            "NameID changed after signing",
            base.replace(
                "alice@attack.test</saml:NameID>",
                "admin@attack.test</saml:NameID>",
            ),
        ),
        (
            "attribute changed after signing",
            base.replace(">user<", ">admin<"),
        ),
        ("signature stripped", {
            let a = base.find("<ds:Signature").unwrap();
            let b = base.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
            format!("{}{}", &base[..a], &base[b..])
        }),
        (
            "signed by a key not in the metadata",
            signed(&other, &Shape::default()),
        ),
        (
            "RSA-SHA1",
            reshaped(&|s| {
                s.method = RSA_SHA1;
                s.digest = SHA1;
            }),
        ),
        (
            "audience of another SP",
            reshaped(&|s| s.audience = "urn:amazon:cognito:sp:local_otherpool".into()),
        ),
        (
            "recipient elsewhere",
            reshaped(&|s| s.recipient = "https://evil.test/acs".into()),
        ),
        (
            "destination elsewhere",
            reshaped(&|s| s.destination = "https://evil.test/acs".into()),
        ),
        (
            "answers another request",
            reshaped(&|s| s.in_response_to = "_req-other".into()),
        ),
        (
            "issued by someone else",
            reshaped(&|s| s.issuer = "https://evil.test/idp".into()),
        ),
        ("expired", reshaped(&|s| s.not_on_or_after_secs = -3600)),
        ("DOCTYPE", format!("<!DOCTYPE r [<!ENTITY e \"x\">]>{base}")),
        (
            "XSW: evil assertion before the signed one",
            base.replacen(
                "<saml:Assertion",
                &format!("{evil_assertion}<saml:Assertion"),
                1,
            ),
        ),
        (
            "XSW: signed assertion wrapped in an evil one",
            base.replace(
                "</samlp:Status>",
                &format!(
                    "</samlp:Status>{}",
                    evil_assertion.replace("</saml:Assertion>", "")
                ),
            )
            .replace("</samlp:Response>", "</saml:Assertion></samlp:Response>"),
        ),
        ("the signed assertion twice", {
            let a = base.find("<saml:Assertion").unwrap();
            let b = base.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
            base.replacen(
                "</samlp:Response>",
                &format!("{}</samlp:Response>", &base[a..b]),
                1,
            )
        }),
        ("oversize", format!("{base}{}", " ".repeat(MAX_RESPONSE))),
        (
            "a correctly signed assertion in a Response another issuer sent",
            signed_edited(&idp, &Shape::default(), &|xml| {
                xml.replacen(
                    &format!("<saml:Issuer>{IDP}</saml:Issuer>"),
                    "<saml:Issuer>https://evil.example/idp</saml:Issuer>",
                    1,
                )
            }),
        ),
        (
            "a signature over the whole document (Reference URI=\"\")",
            signed_edited(&idp, &Shape::default(), &|xml| {
                xml.replace("URI=\"#_assert-1\"", "URI=\"\"")
            }),
        ),
    ];
    assert_eq!(
        check(&md, &signed(&other, &Shape::default())).unwrap_err(),
        SamlError::Signature,
        "a foreign key is told apart, so a rolled-over IdP certificate can be fetched again"
    );
    for (what, xml) in &variants {
        match check(&md, xml) {
            Err(_) => {}
            // Some wrappings make samael drop the unsigned part and return the signed
            // assertion; that is safe as long as the evil identity never comes through.
            Ok(login) if what.starts_with("XSW") => {
                assert_eq!(login.name_id, "alice@attack.test", "{what}")
            }
            Ok(login) => panic!("{what}: accepted as {login:?}"),
        }
    }
    // An unsolicited copy is acceptable only where the caller allows IdP-initiated sign-in
    // (no request IDs); a solicited response never answers another request.
    assert!(validate_response(&b64(&base), &md, &sp(), &[], false).is_ok());
    assert!(validate_response(&b64(&base), &md, &sp(), &["_req-other"], false).is_err());
    // A provider configured to encrypt must not be answered in clear.
    assert!(validate_response(&b64(&base), &md, &sp(), &[REQ], true).is_err());
    // Comment injection (CVE-2017-11427 class): never the truncated identity.
    let injected = reshaped(&|s| s.name_id = "alice@attack.test<!---->.evil.test".into());
    if let Ok(login) = check(&md, &injected) {
        assert_ne!(login.name_id, "alice@attack.test");
    }
}

/// Logout messages by HTTP-POST carry their signature inside: an IdP's LogoutRequest must
/// be signed by its metadata's key and is read only as signed; a LogoutResponse is checked
/// when signed.
#[test]
fn logout_messages_by_post_are_verified_inside() {
    let idp = test_idp("slo-idp");
    let other = test_idp("slo-idp");
    let md = metadata(&idp);
    let sp = SpConfig {
        slo_url: Some("https://auth.attack.test/local_attackabc/saml2/logout".into()),
        ..sp()
    };
    let request = |name: &str, signer: Option<&TestIdp>| {
        let sig = signer.map_or_else(String::new, |k| {
            signature_template("_idp-lo-1", &k.cert_b64, RSA_SHA256, SHA256)
        });
        let xml = format!(
            r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_idp-lo-1" Version="2.0" IssueInstant="{now}" Destination="https://auth.attack.test/local_attackabc/saml2/logout"><saml:Issuer>{IDP}</saml:Issuer>{sig}<saml:NameID>{name}</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex></samlp:LogoutRequest>"#,
            now = instant(0)
        );
        signer.map_or(xml.clone(), |k| Crypto::sign_xml(&xml, &k.key_der).unwrap())
    };
    let post = |xml: &str| check_logout_request(Inbound::Post(&b64(xml)), &md, &sp, unix_now());
    let good = request("alice@attack.test", Some(&idp));
    let ok = post(&good).expect("a signed LogoutRequest by POST");
    assert_eq!(
        (ok.request_id.as_str(), ok.name_id.as_str()),
        ("_idp-lo-1", "alice@attack.test")
    );
    assert!(
        matches!(post(&request("alice@attack.test", None)), Err(SamlError::Response(m)) if m.contains("must be signed"))
    );
    assert_eq!(
        post(&request("alice@attack.test", Some(&other))),
        Err(SamlError::Signature)
    );
    assert_eq!(
        post(&good.replace(">alice@attack.test<", ">bob@attack.test<")),
        Err(SamlError::Signature)
    );
    // The signed request wrapped in an evil one naming someone else: never the evil name.
    let inner = strip_declaration(&good);
    let wrapped = request("bob@attack.test", None).replace(
        "<saml:NameID>",
        &format!("<samlp:Extensions>{inner}</samlp:Extensions><saml:NameID>"),
    );
    if let Ok(r) = post(&wrapped) {
        assert_eq!(r.name_id, "alice@attack.test");
    }
    assert!(post("not base64!").is_err());
    // Five minutes (and the clock skew) after it was issued, it is stale.
    let late = check_logout_request(Inbound::Post(&b64(&good)), &md, &sp, unix_now() + 600);
    assert!(matches!(late, Err(SamlError::Response(m)) if m.contains("not current")));
    assert!(
        ok.valid_until > unix_now() + 300,
        "remembered long enough to stop a replay"
    );

    let response = |irt: &str, signer: Option<&TestIdp>| {
        let sig = signer.map_or_else(String::new, |k| {
            signature_template("_idp-lr-1", &k.cert_b64, RSA_SHA256, SHA256)
        });
        let xml = format!(
            r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_idp-lr-1" Version="2.0" IssueInstant="{now}" InResponseTo="{irt}"><saml:Issuer>{IDP}</saml:Issuer>{sig}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#,
            now = instant(0)
        );
        signer.map_or(xml.clone(), |k| Crypto::sign_xml(&xml, &k.key_der).unwrap())
    };
    let answer = |xml: &str| check_logout_response(Inbound::Post(&b64(xml)), &md, "_lo-9");
    assert_eq!(answer(&response("_lo-9", Some(&idp))), Ok(()));
    assert_eq!(
        answer(&response("_lo-9", None)),
        Ok(()),
        "unsigned, as by redirect"
    );
    assert_eq!(
        answer(&response("_lo-9", Some(&other))),
        Err(SamlError::Signature)
    );
    assert!(answer(&response("_lo-other", Some(&idp))).is_err());
}
