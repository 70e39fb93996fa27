//! Arbitrary bytes as a SAML Response (and as IdP metadata): whatever comes in, the parser
//! returns an answer, never panics, never hangs, and never accepts an unsigned document.
#![no_main]

use base64::Engine;
use libfuzzer_sys::fuzz_target;
use portcullis_saml::{IdpMetadata, SpConfig, SpKey, generate_sp_key, validate_response};
use std::sync::OnceLock;

static IDP: OnceLock<IdpMetadata> = OnceLock::new();
static SP_KEY: OnceLock<SpKey> = OnceLock::new();

fn idp() -> &'static IdpMetadata {
    IDP.get_or_init(|| {
        IdpMetadata::parse(include_str!("../../crates/saml/tests/fixtures/idp-metadata.xml"))
            .expect("the fixture metadata parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let sp = SpConfig {
        entity_id: "urn:amazon:cognito:sp:local_fuzzfuzz1".into(),
        acs_url: "https://auth.fuzz.test/local_fuzzfuzz1/saml2/idpresponse".into(),
        // With a key, EncryptedAssertions are opened too (and must still never pass).
        key: Some(SP_KEY.get_or_init(|| generate_sp_key("fuzz").expect("an SP key")).clone()),
        ..SpConfig::default()
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    // Nothing here is signed by the fixture's key, so nothing may be accepted.
    assert!(validate_response(&encoded, idp(), &sp, &["_fuzz"], false).is_err());
    assert!(validate_response(&encoded, idp(), &sp, &[], false).is_err());
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = IdpMetadata::parse(text);
    }
});
