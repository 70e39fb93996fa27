use super::*;
use std::io::Read;

const GOOD: &str = include_str!("../tests/fixtures/idp-metadata.xml");
const NO_CERT: &str = include_str!("../tests/fixtures/idp-metadata-no-cert.xml");

fn sp() -> SpConfig {
    SpConfig {
        entity_id: "urn:amazon:cognito:sp:local_abcdefghi".into(),
        acs_url: "https://auth.example.test/local_abcdefghi/saml2/idpresponse".into(),
        key: None,
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
