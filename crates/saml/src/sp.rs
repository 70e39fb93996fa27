//! Our side: the SP configuration and key pair, and the SP metadata IdPs take in.

use crate::*;

/// Our side: the entity ID the IdP knows us by, where it posts responses, and our keys.
#[derive(Debug, Clone, Default)]
pub struct SpConfig {
    pub entity_id: String,
    pub acs_url: String,
    /// Where logout messages reach us, published in our metadata.
    pub slo_url: Option<String>,
    /// The key that signs and decrypts; its certificate is in our metadata.
    pub key: Option<SpKey>,
    /// During a rotation, the key that comes next: in our metadata too (so IdPs can take it
    /// in before it signs) and decrypting already.
    pub next_key: Option<SpKey>,
    /// After a rotation, the key that was replaced: it still decrypts what an IdP sealed to
    /// it before fetching our new metadata, and is no longer published.
    pub previous_key: Option<SpKey>,
}

impl SpConfig {
    /// Every key that may decrypt, the signing one first.
    pub fn decryption_keys(&self) -> impl Iterator<Item = &SpKey> {
        self.key
            .iter()
            .chain(self.next_key.iter())
            .chain(self.previous_key.iter())
    }
}

/// An SP key pair: the RSA private key (PKCS#1 DER) and its self-signed certificate (DER).
#[derive(Clone)]
pub struct SpKey {
    pub key_der: Vec<u8>,
    pub cert_der: Vec<u8>,
}

impl std::fmt::Debug for SpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SpKey(..)")
    }
}

/// A new RSA-2048 SP key with a certificate for `common_name`, valid ten years (SAML peers
/// use certificates as key containers; nobody checks their chain or dates).
pub fn generate_sp_key(common_name: &str) -> Result<SpKey, SamlError> {
    use samael::idp::{CertificateParams, IdentityProvider, KeyType, Rsa};
    let fail = |e: &dyn std::fmt::Display| SamlError::Request(format!("SP key: {e}"));
    let idp = IdentityProvider::generate_new(KeyType::Rsa(Rsa::Rsa2048)).map_err(|e| fail(&e))?;
    let cert = idp
        .create_certificate(&CertificateParams {
            common_name,
            issuer_name: common_name,
            days_until_expiration: 3650,
        })
        .map_err(|e| fail(&e))?;
    Ok(SpKey {
        key_der: idp.export_private_key_der().map_err(|e| fail(&e))?,
        cert_der: cert.der_data().to_vec(),
    })
}

pub(crate) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Our SP metadata: entity ID, signed assertions wanted, and the HTTP-POST
/// AssertionConsumerService.
pub fn sp_metadata(sp: &SpConfig) -> String {
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"{entity}\">\n",
            "  <md:SPSSODescriptor AuthnRequestsSigned=\"false\" WantAssertionsSigned=\"true\" ",
            "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n",
            "{keys}",
            "{slo}",
            "    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>\n",
            "    <md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" ",
            "Location=\"{acs}\" index=\"1\"/>\n",
            "  </md:SPSSODescriptor>\n",
            "</md:EntityDescriptor>\n"
        ),
        entity = xml_escape(&sp.entity_id),
        acs = xml_escape(&sp.acs_url),
        slo = sp.slo_url.as_ref().map_or_else(String::new, |u| ["HTTP-Redirect", "HTTP-POST"]
            .iter()
            .map(|binding| format!(
                "    <md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:{binding}\" Location=\"{}\"/>\n",
                xml_escape(u)
            ))
            .collect()),
        keys = sp.key.iter().chain(sp.next_key.iter()).flat_map(|k| {
            use base64::Engine;
            let cert = base64::engine::general_purpose::STANDARD.encode(&k.cert_der);
            ["signing", "encryption"].map(|usage| {
                format!(
                    "    <md:KeyDescriptor use=\"{usage}\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n"
                )
            })
        }).collect::<String>()
    )
}
