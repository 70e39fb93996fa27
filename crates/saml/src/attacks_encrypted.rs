//! Encrypted assertions (security-tests.md test 76): every content and key-transport
//! algorithm we accept, both signing orders (signed Response around the ciphertext; the
//! assertion signed, then encrypted, in an unsigned Response), prefix shapes of other
//! toolkits, and the variants that must fail — with one error for every decryption failure.

use super::attacks::{self, *};
use super::*;
use base64::Engine;
use samael::crypto::{Crypto, CryptoProvider};

const CBC128: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
const CBC256: &str = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
const GCM128: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
const GCM192: &str = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
const GCM256: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
const CBC192: &str = "http://www.w3.org/2001/04/xmlenc#aes192-cbc";
const TRIPLEDES: &str = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc";
const OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const OAEP11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
const RSA15: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

/// How to encrypt: content and key-transport algorithms, the OAEP digest and MGF (for
/// `xmlenc11#rsa-oaep`), and the namespace prefixes the toolkit would write.
#[derive(Clone, Copy)]
struct Seal {
    content: &'static str,
    transport: &'static str,
    sha256: bool,
    /// pysaml2 declares its prefixes on EncryptedData as `ns1`/`ns2`.
    odd_prefixes: bool,
}

const SSP: Seal = Seal {
    content: CBC128,
    transport: OAEP_MGF1P,
    sha256: false,
    odd_prefixes: false,
};

fn random(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    openssl::rand::rand_bytes(&mut v).unwrap();
    v
}

fn seal(plain: &str, cert_der: &[u8], how: Seal) -> String {
    use openssl::symm::Cipher;
    let (cipher, gcm) = match how.content {
        CBC128 => (Cipher::aes_128_cbc(), false),
        CBC192 => (Cipher::aes_192_cbc(), false),
        CBC256 => (Cipher::aes_256_cbc(), false),
        GCM128 => (Cipher::aes_128_gcm(), true),
        GCM192 => (Cipher::aes_192_gcm(), true),
        GCM256 => (Cipher::aes_256_gcm(), true),
        _ => (Cipher::des_ede3_cbc(), false),
    };
    let key = random(cipher.key_len());
    let data = if gcm {
        let iv = random(12);
        let mut tag = [0u8; 16];
        let body =
            openssl::symm::encrypt_aead(cipher, &key, Some(&iv), &[], plain.as_bytes(), &mut tag)
                .unwrap();
        [iv, body, tag.to_vec()].concat()
    } else {
        let iv = random(cipher.iv_len().unwrap());
        let body = openssl::symm::encrypt(cipher, &key, Some(&iv), plain.as_bytes()).unwrap();
        [iv, body].concat()
    };
    let public = openssl::x509::X509::from_der(cert_der)
        .unwrap()
        .public_key()
        .unwrap();
    let mut ctx = openssl::pkey_ctx::PkeyCtx::new(&public).unwrap();
    ctx.encrypt_init().unwrap();
    if how.transport == RSA15 {
        ctx.set_rsa_padding(openssl::rsa::Padding::PKCS1).unwrap();
    } else {
        ctx.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP)
            .unwrap();
        if how.sha256 {
            ctx.set_rsa_oaep_md(openssl::md::Md::sha256()).unwrap();
            // mgf1p fixes MGF1 to SHA-1 whatever the digest (OpenSSL would follow it).
            let mgf = if how.transport == OAEP11 {
                openssl::md::Md::sha256()
            } else {
                openssl::md::Md::sha1()
            };
            ctx.set_rsa_mgf1_md(mgf).unwrap();
        }
    }
    let mut wrapped = Vec::new();
    ctx.encrypt_to_vec(&key, &mut wrapped).unwrap();
    let enc = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let digest = if how.sha256 {
        format!(
            r#"<ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="{SHA256}"/>"#
        )
    } else {
        String::new()
    };
    let mgf = if how.sha256 && how.transport == OAEP11 {
        r#"<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/>"#
    } else {
        ""
    };
    let (x, d, decl, ds_decl) = if how.odd_prefixes {
        (
            "ns1",
            "ns2",
            r#" xmlns:ns1="http://www.w3.org/2001/04/xmlenc#" xmlns:ns2="http://www.w3.org/2000/09/xmldsig#""#,
            "",
        )
    } else {
        (
            "xenc",
            "ds",
            r#" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#""#,
            r#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#,
        )
    };
    format!(
        concat!(
            r#"<saml:EncryptedAssertion><{x}:EncryptedData{decl} Type="http://www.w3.org/2001/04/xmlenc#Element">"#,
            r#"<{x}:EncryptionMethod Algorithm="{content}"/><{d}:KeyInfo{ds_decl}><{x}:EncryptedKey>"#,
            r#"<{x}:EncryptionMethod Algorithm="{transport}">{digest}{mgf}</{x}:EncryptionMethod>"#,
            r#"<{x}:CipherData><{x}:CipherValue>{key}</{x}:CipherValue></{x}:CipherData></{x}:EncryptedKey></{d}:KeyInfo>"#,
            r#"<{x}:CipherData><{x}:CipherValue>{data}</{x}:CipherValue></{x}:CipherData></{x}:EncryptedData></saml:EncryptedAssertion>"#
        ),
        x = x,
        d = d,
        decl = decl,
        ds_decl = ds_decl,
        content = how.content,
        transport = how.transport,
        digest = digest,
        mgf = mgf,
        key = enc(&wrapped),
        data = enc(&data),
    )
}

/// An assertion signed on its own (for sign-then-encrypt).
fn signed_assertion(idp: &TestIdp, s: &Shape) -> String {
    let template = signature_template("_assert-1", &idp.cert_b64, s.method, s.digest);
    strip_declaration(
        &Crypto::sign_xml(assertion_xml(s, "_assert-1", &template), &idp.key_der).unwrap(),
    )
    .to_owned()
}

struct Sp {
    config: SpConfig,
    cert: Vec<u8>,
}

fn sp_with_key() -> Sp {
    let key = generate_sp_key("attack-sp").unwrap();
    let cert = key.cert_der.clone();
    Sp {
        config: SpConfig {
            key: Some(key),
            ..sp()
        },
        cert,
    }
}

fn open(md: &IdpMetadata, sp: &Sp, xml: &str) -> Result<VerifiedLogin, SamlError> {
    validate_response(&b64(xml), md, &sp.config, &[REQ], true)
}

#[test]
fn every_accepted_algorithm_and_signing_order_opens() {
    let idp = test_idp("enc-idp");
    let md = metadata(&idp);
    let sp = sp_with_key();
    let shape = Shape::default();
    let signed_inner = signed_assertion(&idp, &shape);
    for content in [CBC128, CBC192, CBC256, GCM128, GCM192, GCM256] {
        for (transport, sha256) in [(OAEP_MGF1P, false), (OAEP_MGF1P, true), (OAEP11, true)] {
            let how = Seal {
                content,
                transport,
                sha256,
                odd_prefixes: false,
            };
            // Sign, then encrypt, in an unsigned Response (ADFS, Entra).
            let xml = response_xml(&shape, &seal(&signed_inner, &sp.cert, how));
            let login =
                open(&md, &sp, &xml).unwrap_or_else(|e| panic!("{content} {transport}: {e}"));
            assert_eq!(login.name_id, "alice@attack.test");
            assert_eq!(login.attributes["role"], ["user"]);
        }
    }
    // A signed Response around an unsigned encrypted assertion that uses the Response's
    // `saml:` prefix without declaring it (SimpleSAMLphp's other setting).
    let bare = assertion_xml(&shape, "_assert-1", "").replacen(
        r#" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#,
        "",
        1,
    );
    let xml = signed_response(&idp, &shape, &seal(&bare, &sp.cert, SSP));
    assert_eq!(open(&md, &sp, &xml).unwrap().name_id, "alice@attack.test");
    // Both signed; pysaml2's prefixes, with no `xmlns:ds` on KeyInfo itself.
    let odd = Seal {
        odd_prefixes: true,
        ..SSP
    };
    let xml = signed_response(&idp, &shape, &seal(&signed_inner, &sp.cert, odd));
    assert_eq!(open(&md, &sp, &xml).unwrap().name_id, "alice@attack.test");
}

#[test]
fn encrypted_variants_are_refused_alike() {
    let idp = test_idp("enc-idp");
    let other = test_idp("enc-idp");
    let md = metadata(&idp);
    let sp = sp_with_key();
    let stranger = sp_with_key();
    let shape = Shape::default();
    let inner = signed_assertion(&idp, &shape);
    let gcm = Seal {
        content: GCM256,
        ..SSP
    };
    let unsigned_outer = |plain: &str, how: Seal| response_xml(&shape, &seal(plain, &sp.cert, how));
    let flip_data = |xml: &str| {
        // The last CipherValue is the content; change one character of its middle.
        let end = xml.rfind("</xenc:CipherValue>").unwrap();
        let start = xml[..end].rfind('>').unwrap() + 1;
        let mid = start + (end - start) / 2;
        let c = if &xml[mid..=mid] == "A" { "B" } else { "A" };
        format!("{}{c}{}", &xml[..mid], &xml[mid + 1..])
    };
    let flip_key = |xml: &str| {
        let start = xml.find("<xenc:CipherValue>").unwrap() + "<xenc:CipherValue>".len();
        let mid = start + 20;
        let c = if &xml[mid..=mid] == "A" { "B" } else { "A" };
        format!("{}{c}{}", &xml[..mid], &xml[mid + 1..])
    };
    let unreadable = SamlError::Response("the encrypted assertion could not be read".into());

    // Decryption failures: one error, whatever failed.
    let same_error: Vec<(&str, String)> = vec![
        (
            "CBC ciphertext flipped",
            flip_data(&unsigned_outer(&inner, SSP)),
        ),
        (
            "GCM ciphertext flipped",
            flip_data(&unsigned_outer(&inner, gcm)),
        ),
        (
            "encrypted key flipped",
            flip_key(&unsigned_outer(&inner, SSP)),
        ),
        (
            "encrypted to another SP's certificate",
            response_xml(&shape, &seal(&inner, &stranger.cert, SSP)),
        ),
    ];
    for (what, xml) in &same_error {
        assert_eq!(open(&md, &sp, xml).unwrap_err(), unreadable, "{what}");
    }

    let tampered_inner = inner.replace(
        "alice@attack.test</saml:NameID>",
        "admin@attack.test</saml:NameID>",
    );
    let evil = assertion_xml(
        &Shape {
            name_id: "admin@attack.test".into(),
            ..Shape::default()
        },
        "_evil-1",
        "",
    );
    let reshaped = |f: &dyn Fn(&mut Shape)| {
        let mut s = Shape::default();
        f(&mut s);
        response_xml(&s, &seal(&signed_assertion(&idp, &s), &sp.cert, gcm))
    };
    let refused: Vec<(&str, String)> = vec![
        (
            "rsa-1_5 key transport",
            unsigned_outer(
                &inner,
                Seal {
                    transport: RSA15,
                    ..SSP
                },
            ),
        ),
        (
            "3DES content",
            unsigned_outer(
                &inner,
                Seal {
                    content: TRIPLEDES,
                    ..SSP
                },
            ),
        ),
        (
            "nothing signed",
            unsigned_outer(&assertion_xml(&shape, "_assert-1", ""), gcm),
        ),
        (
            "signed by a key not in the metadata",
            unsigned_outer(&signed_assertion(&other, &shape), gcm),
        ),
        (
            "NameID changed after signing, then encrypted",
            unsigned_outer(&tampered_inner, gcm),
        ),
        (
            "an evil assertion beside the signed one inside the ciphertext",
            unsigned_outer(&format!("{evil}{inner}"), gcm),
        ),
        (
            "the signed assertion wrapped in an evil one inside the ciphertext",
            unsigned_outer(
                &evil.replace("</saml:Assertion>", &format!("{inner}</saml:Assertion>")),
                gcm,
            ),
        ),
        (
            "an evil clear assertion beside the encrypted one",
            unsigned_outer(&inner, gcm)
                .replace("</samlp:Response>", &format!("{evil}</samlp:Response>")),
        ),
        (
            "signed Response, ciphertext changed afterwards",
            flip_data(&signed_response(&idp, &shape, &seal(&inner, &sp.cert, SSP))),
        ),
        ("expired", reshaped(&|s| s.not_on_or_after_secs = -3600)),
        (
            "audience of another SP",
            reshaped(&|s| s.audience = "urn:amazon:cognito:sp:local_otherpool".into()),
        ),
        (
            "answers another request",
            reshaped(&|s| s.in_response_to = "_req-other".into()),
        ),
        (
            "recipient elsewhere",
            reshaped(&|s| s.recipient = "https://evil.test/acs".into()),
        ),
        (
            "issued by someone else",
            reshaped(&|s| s.issuer = "https://evil.test/idp".into()),
        ),
        (
            "DOCTYPE inside the ciphertext",
            unsigned_outer(&format!("<!DOCTYPE a [<!ENTITY e \"x\">]>{inner}"), gcm),
        ),
    ];
    for (what, xml) in &refused {
        match open(&md, &sp, xml) {
            Err(_) => {}
            Ok(login) if what.contains("evil") => {
                assert_eq!(login.name_id, "alice@attack.test", "{what}")
            }
            Ok(login) => panic!("{what}: accepted as {login:?}"),
        }
    }
    // Encrypted to us, but we have no key (a provider configured before ours existed).
    let no_key = SpConfig {
        key: None,
        ..attacks::sp()
    };
    assert!(
        validate_response(
            &b64(&unsigned_outer(&inner, gcm)),
            &md,
            &no_key,
            &[REQ],
            false
        )
        .is_err()
    );
    // The baseline of this run opens.
    assert!(open(&md, &sp, &unsigned_outer(&inner, gcm)).is_ok());
}

#[test]
fn during_a_rotation_every_kept_key_decrypts_and_the_next_one_is_published() {
    use base64::Engine;
    let idp = test_idp("enc-idp");
    let md = metadata(&idp);
    let (current, next, previous, stranger) =
        (sp_with_key(), sp_with_key(), sp_with_key(), sp_with_key());
    let key = |s: &Sp| s.config.key.clone();
    let sp = SpConfig {
        key: key(&current),
        next_key: key(&next),
        previous_key: key(&previous),
        ..attacks::sp()
    };
    let inner = signed_assertion(&idp, &Shape::default());
    let sealed_to = |cert: &[u8]| response_xml(&Shape::default(), &seal(&inner, cert, SSP));
    let open_with = |xml: &str| validate_response(&b64(xml), &md, &sp, &[REQ], true);
    for (who, s) in [
        ("current", &current),
        ("next", &next),
        ("previous", &previous),
    ] {
        assert!(
            open_with(&sealed_to(&s.cert)).is_ok(),
            "sealed to the {who} key"
        );
    }
    assert!(open_with(&sealed_to(&stranger.cert)).is_err());
    let published = sp_metadata(&sp);
    let b64 = |c: &[u8]| base64::engine::general_purpose::STANDARD.encode(c);
    assert_eq!(
        published.matches(&b64(&current.cert)).count(),
        2,
        "signing and encryption"
    );
    assert_eq!(
        published.matches(&b64(&next.cert)).count(),
        2,
        "taken in ahead of time"
    );
    assert!(
        !published.contains(&b64(&previous.cert)),
        "no longer offered"
    );
}
