use super::*;
use std::collections::BTreeMap;
use std::io::Read;

const GOOD: &str = include_str!("../tests/fixtures/idp-metadata.xml");
const NO_CERT: &str = include_str!("../tests/fixtures/idp-metadata-no-cert.xml");

fn sp() -> SpConfig {
    SpConfig {
        entity_id: "urn:amazon:cognito:sp:local_abcdefghi".into(),
        acs_url: "https://auth.example.test/local_abcdefghi/saml2/idpresponse".into(),
        ..SpConfig::default()
    }
}

#[test]
fn metadata_needs_a_signing_certificate_and_a_redirect_endpoint() {
    let idp = IdpMetadata::parse(GOOD).unwrap();
    assert_eq!(idp.entity_id, "https://idp.example.test/saml");
    assert_eq!(idp.sso_redirect_url, "https://idp.example.test/sso");
    let err = IdpMetadata::parse(NO_CERT).unwrap_err();
    assert!(err.to_string().contains("no signing certificate"), "{err}");
    let post_only = GOOD.replace("HTTP-Redirect", "HTTP-POST");
    assert!(IdpMetadata::parse(&post_only).is_err());
    let doctype = GOOD.replacen(
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>",
        1,
    );
    assert!(
        IdpMetadata::parse(&doctype)
            .unwrap_err()
            .to_string()
            .contains("DOCTYPE")
    );
    assert!(IdpMetadata::parse("<nonsense").is_err());
    assert!(IdpMetadata::parse(&"x".repeat(MAX_METADATA + 1)).is_err());
}

#[test]
fn authn_requests_carry_our_id_issuer_and_acs() {
    let idp = IdpMetadata::parse(GOOD).unwrap();
    let id = "_0123456789abcdef0123456789abcdef";
    let url =
        url::Url::parse(&authn_request_url(&idp, &sp(), id, "relay-1", false).unwrap()).unwrap();
    assert_eq!(url.host_str(), Some("idp.example.test"));
    let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["RelayState"], "relay-1");
    use base64::Engine;
    let deflated = base64::engine::general_purpose::STANDARD
        .decode(&q["SAMLRequest"])
        .unwrap();
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(&deflated[..])
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains(&format!("ID=\"{id}\"")), "{xml}");
    assert!(
        xml.contains("urn:amazon:cognito:sp:local_abcdefghi"),
        "{xml}"
    );
    assert!(xml.contains("AssertionConsumerServiceURL=\"https://auth.example.test/local_abcdefghi/saml2/idpresponse\""), "{xml}");
}

#[test]
fn sp_metadata_names_our_entity_and_acs() {
    let md = sp_metadata(&sp());
    assert!(
        md.parse::<samael::metadata::EntityDescriptor>().is_ok(),
        "well-formed metadata"
    );
    assert!(
        md.contains("entityID=\"urn:amazon:cognito:sp:local_abcdefghi\""),
        "{md}"
    );
    assert!(
        md.contains("https://auth.example.test/local_abcdefghi/saml2/idpresponse"),
        "{md}"
    );
}

#[test]
fn garbage_responses_are_refused_without_panicking() {
    let idp = IdpMetadata::parse(GOOD).unwrap();
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    for bad in [
        "not base64 at all!".to_owned(),
        b64("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>"),
        b64("<!DOCTYPE r [<!ENTITY x \"y\">]><r/>"),
        b64("\u{0}\u{1}binary"),
        b64(&"<a>".repeat(10_000)),
    ] {
        assert!(
            validate_response(&bad, &idp, &sp(), &["_id"], false).is_err(),
            "{bad:.40}"
        );
    }
    assert!(
        validate_response(&"A".repeat(MAX_RESPONSE + 4), &idp, &sp(), &["_id"], false).is_err()
    );
}

#[test]
fn an_sp_key_puts_its_certificate_in_our_metadata() {
    let key = generate_sp_key("local_abcdefghi").unwrap();
    let with_key = SpConfig {
        key: Some(key.clone()),
        ..sp()
    };
    let md = sp_metadata(&with_key);
    use base64::Engine;
    let cert = base64::engine::general_purpose::STANDARD.encode(&key.cert_der);
    assert_eq!(md.matches(&cert).count(), 2, "signing and encryption");
    assert!(md.contains("use=\"encryption\""));
    assert!(md.parse::<samael::metadata::EntityDescriptor>().is_ok());
    // The key is usable where it is needed (building the SP that decrypts).
    let idp = IdpMetadata::parse(GOOD).unwrap();
    let signed =
        url::Url::parse(&authn_request_url(&idp, &with_key, "_x", "r", true).unwrap()).unwrap();
    let q: BTreeMap<String, String> = signed.query_pairs().into_owned().collect();
    assert_eq!(
        q["SigAlg"],
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    );
    assert!(!q["Signature"].is_empty());
    assert!(
        authn_request_url(&idp, &sp(), "_x", "r", true).is_err(),
        "no key, no signature"
    );
}

#[test]
fn xml_datetimes() {
    assert_eq!(xml_datetime(0), "1970-01-01T00:00:00Z");
    assert_eq!(xml_datetime(1_795_305_600), "2026-11-22T00:00:00Z");
    assert_eq!(xml_datetime(951_782_400), "2000-02-29T00:00:00Z");
}

fn deflated_b64(xml: &str) -> String {
    use base64::Engine;
    use std::io::Write;
    let mut out = vec![];
    {
        let mut enc = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::default());
        enc.write_all(xml.as_bytes()).unwrap();
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

#[test]
fn single_logout_requests_and_responses() {
    let with_slo = GOOD.replace(
        "<md:SingleSignOnService",
        "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example.test/slo\"/><md:SingleSignOnService",
    );
    let idp = IdpMetadata::parse(&with_slo).unwrap();
    assert_eq!(
        idp.slo.as_ref().map(|e| (e.post, e.location.as_str())),
        Some((false, "https://idp.example.test/slo"))
    );
    let sp = SpConfig {
        key: Some(generate_sp_key("local_abcdefghi").unwrap()),
        ..sp()
    };
    let who = LogoutSubject {
        name_id: "ann@corp.example".into(),
        name_id_format: None,
        session_index: Some("_sess<1>".into()),
    };
    let Outbound::Redirect(url) = logout_request(&idp, &sp, "_lo1", &who, "relay").unwrap() else {
        panic!("the IdP takes redirects")
    };
    let url = url::Url::parse(&url).unwrap();
    let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert!(q.contains_key("Signature") && q.contains_key("SigAlg"));
    use base64::Engine;
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(
        &base64::engine::general_purpose::STANDARD
            .decode(&q["SAMLRequest"])
            .unwrap()[..],
    )
    .read_to_string(&mut xml)
    .unwrap();
    assert!(
        xml.contains("ID=\"_lo1\"") && xml.contains(">ann@corp.example</saml:NameID>"),
        "{xml}"
    );
    assert!(xml.contains("_sess&lt;1&gt;"), "escaped: {xml}");
    assert!(
        logout_request(&IdpMetadata::parse(GOOD).unwrap(), &sp, "_x", &who, "r").is_err(),
        "no SLO endpoint"
    );

    let response = |irt: &str, status: &str| {
        let xml = format!(
            "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r\" Version=\"2.0\" IssueInstant=\"2026-11-22T00:00:00Z\" InResponseTo=\"{irt}\"><saml:Issuer>https://idp.example.test/saml</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:{status}\"/></samlp:Status></samlp:LogoutResponse>"
        );
        let mut u = url::Url::parse("http://sp.test/saml2/logout").unwrap();
        u.query_pairs_mut()
            .append_pair("SAMLResponse", &deflated_b64(&xml))
            .append_pair("RelayState", "relay");
        u
    };
    assert!(
        check_logout_response(
            Inbound::Redirect(&response("_lo1", "Success")),
            &idp,
            "_lo1"
        )
        .is_ok()
    );
    assert!(
        check_logout_response(
            Inbound::Redirect(&response("_other", "Success")),
            &idp,
            "_lo1"
        )
        .is_err()
    );
    assert!(
        check_logout_response(
            Inbound::Redirect(&response("_lo1", "Requester")),
            &idp,
            "_lo1"
        )
        .is_err()
    );
    let mut forged = response("_lo1", "Success");
    forged
        .query_pairs_mut()
        .append_pair(
            "SigAlg",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        )
        .append_pair("Signature", "AAAA");
    assert_eq!(
        check_logout_response(Inbound::Redirect(&forged), &idp, "_lo1"),
        Err(SamlError::Signature)
    );
}

#[test]
fn logout_messages_go_by_post_to_an_idp_without_redirect() {
    use base64::Engine;
    let post_only = GOOD.replace(
        "<md:SingleSignOnService",
        "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp.example.test/slo-post\" ResponseLocation=\"https://idp.example.test/slo-back\"/><md:SingleSignOnService",
    );
    let idp = IdpMetadata::parse(&post_only).unwrap();
    assert!(idp.slo.as_ref().is_some_and(|e| e.post));
    let key = generate_sp_key("local_abcdefghi").unwrap();
    let sp = SpConfig {
        key: Some(key.clone()),
        ..sp()
    };
    let ours = [samael::crypto::CertificateDer::from(key.cert_der.clone())];
    let who = LogoutSubject {
        name_id: "ann@corp.example".into(),
        name_id_format: None,
        session_index: None,
    };
    let Outbound::Post { action, fields } =
        logout_request(&idp, &sp, "_lo2", &who, "relay-2").unwrap()
    else {
        panic!("POST expected")
    };
    assert_eq!(action, "https://idp.example.test/slo-post");
    assert_eq!(fields[0].0, "SAMLRequest");
    assert_eq!(fields[1], ("RelayState".into(), "relay-2".into()));
    let xml = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&fields[0].1)
            .unwrap(),
    )
    .unwrap();
    let verified = verified_xml(&xml, &ours).expect("signed by the SP key");
    assert!(
        verified.contains("ID=\"_lo2\"") && verified.contains(">ann@corp.example</saml:NameID>")
    );
    assert!(xml.contains("Destination=\"https://idp.example.test/slo-post\""));

    let Outbound::Post { action, fields } = logout_response(&idp, &sp, "_idp-req", None).unwrap()
    else {
        panic!("POST expected")
    };
    assert_eq!(
        action, "https://idp.example.test/slo-back",
        "ResponseLocation wins"
    );
    assert_eq!(fields.len(), 1, "no RelayState to carry");
    let xml = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&fields[0].1)
            .unwrap(),
    )
    .unwrap();
    assert!(
        verified_xml(&xml, &ours)
            .unwrap()
            .contains("InResponseTo=\"_idp-req\"")
    );
}
