//! The SAML 2.0 service provider side of Portcullis, as a wrapper that makes samael
//! (libxmlsec1) safe to use (research/crates.md §5):
//!
//! - an IdP is usable only with at least one signing certificate in its metadata, so samael
//!   never takes its "no certificate, no verification" path;
//! - signatures are checked with the metadata's certificates only, against an algorithm
//!   allow-list without SHA-1;
//! - only the assertion samael returns after verification is read, never the raw XML;
//! - AuthnRequest IDs are 128-bit random values chosen by the caller (samael's own are 32-bit);
//! - input sizes are capped, DOCTYPEs refused, and parsing runs behind `catch_unwind`;
//! - an AudienceRestriction naming our entity ID and a NameID are required, which samael
//!   leaves optional.

use samael::crypto::AllowedSignatureAlgorithm;
use samael::metadata::{EntityDescriptor, HTTP_REDIRECT_BINDING};
use samael::service_provider::{ServiceProvider, ServiceProviderBuilder};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Largest metadata document accepted.
pub const MAX_METADATA: usize = 512 * 1024;
/// Largest base64 `SAMLResponse` accepted.
pub const MAX_RESPONSE: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamlError {
    #[error("the IdP metadata is not usable: {0}")]
    Metadata(String),
    #[error("the SAML response was refused: {0}")]
    Response(String),
    /// No certificate of the metadata verifies the signature (the IdP may have rolled over
    /// to a new one).
    #[error("the SAML response's signature does not verify with the IdP's certificates")]
    Signature,
    #[error("could not build the SAML request: {0}")]
    Request(String),
}

fn no_doctype(xml: &str) -> bool {
    !xml.contains("<!DOCTYPE") && !xml.contains("<!doctype") && !xml.contains("<!ENTITY")
}

/// An identity provider, from its metadata.
#[derive(Clone)]
pub struct IdpMetadata {
    pub entity_id: String,
    /// Where AuthnRequests go (HTTP-Redirect binding).
    pub sso_redirect_url: String,
    /// The IdP's single logout endpoint, if it has one: HTTP-Redirect when offered, else
    /// HTTP-POST.
    pub slo: Option<SloEndpoint>,
    /// The signing certificates (never empty), kept from parsing.
    signing_certs: Vec<samael::crypto::CertificateDer>,
    descriptor: EntityDescriptor,
}

/// Where the IdP takes logout messages, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloEndpoint {
    /// HTTP-POST (an auto-submitted form) rather than HTTP-Redirect.
    pub post: bool,
    pub location: String,
    /// Where LogoutResponses go, when the IdP names a different place.
    pub response_location: Option<String>,
}

/// A message for the IdP, as the browser must carry it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// HTTP-Redirect: the signed URL.
    Redirect(String),
    /// HTTP-POST: a form for the browser to submit to `action` (the message is signed
    /// inside its XML).
    Post {
        action: String,
        fields: Vec<(String, String)>,
    },
}

impl std::fmt::Debug for IdpMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdpMetadata")
            .field("entity_id", &self.entity_id)
            .field("sso_redirect_url", &self.sso_redirect_url)
            .finish()
    }
}

impl IdpMetadata {
    /// Parses an `EntityDescriptor` with an IDPSSODescriptor that has an HTTP-Redirect
    /// SingleSignOnService and at least one signing certificate.
    pub fn parse(xml: &str) -> Result<Self, SamlError> {
        let bad = |m: &str| SamlError::Metadata(m.to_owned());
        if xml.len() > MAX_METADATA {
            return Err(bad("larger than 512 KiB"));
        }
        if !no_doctype(xml) {
            return Err(bad("DOCTYPE and entity declarations are not allowed"));
        }
        let descriptor: EntityDescriptor = catch_unwind(|| xml.parse::<EntityDescriptor>())
            .map_err(|_| bad("the XML could not be read"))?
            .map_err(|_| bad("not a SAML EntityDescriptor"))?;
        let entity_id = descriptor
            .entity_id
            .clone()
            .filter(|e| !e.is_empty())
            .ok_or_else(|| bad("no entityID"))?;
        let idp = descriptor
            .idp_sso_descriptors
            .as_ref()
            .and_then(|d| d.first())
            .ok_or_else(|| bad("no IDPSSODescriptor"))?;
        let sso_redirect_url = idp
            .single_sign_on_services
            .iter()
            .find(|s| s.binding == HTTP_REDIRECT_BINDING)
            .map(|s| s.location.clone())
            .ok_or_else(|| bad("no SingleSignOnService with the HTTP-Redirect binding"))?;
        let slo_with = |binding: &str, post: bool| {
            idp.single_logout_services
                .iter()
                .find(|s| s.binding == binding)
                .map(|s| SloEndpoint {
                    post,
                    location: s.location.clone(),
                    response_location: s.response_location.clone(),
                })
        };
        let slo = slo_with(HTTP_REDIRECT_BINDING, false)
            .or_else(|| slo_with(samael::metadata::HTTP_POST_BINDING, true));
        let sp = ServiceProviderBuilder::default()
            .idp_metadata(descriptor.clone())
            .build()
            .map_err(|_| bad("unusable"))?;
        let signing_certs = match sp.idp_signing_certs() {
            Ok(Some(certs)) if !certs.is_empty() => certs,
            _ => {
                return Err(bad(
                    "no signing certificate (an IdP without one is refused)",
                ));
            }
        };
        Ok(IdpMetadata {
            entity_id,
            sso_redirect_url,
            slo,
            signing_certs,
            descriptor,
        })
    }
}

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

/// Signature algorithms accepted from an IdP (no SHA-1).
fn allowed_algorithms() -> Vec<AllowedSignatureAlgorithm> {
    vec![
        AllowedSignatureAlgorithm::RsaSha256,
        AllowedSignatureAlgorithm::RsaSha384,
        AllowedSignatureAlgorithm::RsaSha512,
        AllowedSignatureAlgorithm::EcdsaSha256,
        AllowedSignatureAlgorithm::EcdsaSha384,
    ]
}

/// samael's service provider for `idp`, judging times as if it were `now` (Unix seconds):
/// samael reads the wall clock, so its allowances are shifted by the difference. That is
/// exact for IssueInstant and NotOnOrAfter; samael's NotBefore check comes out looser for a
/// past `now` (stricter for a future one), and [`check_not_before`] repeats it exactly.
fn provider(
    idp: &IdpMetadata,
    sp: &SpConfig,
    idp_initiated: bool,
    now: i64,
) -> Result<ServiceProvider, SamlError> {
    let (key, certificate) = match &sp.key {
        Some(k) => {
            let rsa = openssl::rsa::Rsa::private_key_from_der(&k.key_der)
                .map_err(|e| SamlError::Request(e.to_string()))?;
            let pkey = openssl::pkey::PKey::from_rsa(rsa)
                .map_err(|e| SamlError::Request(e.to_string()))?;
            (Some(pkey), Some(k.cert_der.clone().into()))
        }
        None => (None, None),
    };
    let behind = unix_now() - now;
    ServiceProviderBuilder::default()
        .max_issue_delay(chrono::Duration::seconds(MAX_ISSUE_DELAY + behind))
        .max_clock_skew(chrono::Duration::seconds(MAX_CLOCK_SKEW + behind))
        .key(key)
        .certificate(certificate)
        .allow_idp_initiated(idp_initiated)
        .entity_id(Some(sp.entity_id.clone()))
        .acs_url(Some(sp.acs_url.clone()))
        .metadata_url(None::<String>)
        .slo_url(None::<String>)
        .idp_metadata(idp.descriptor.clone())
        .allowed_signature_algorithms(Some(allowed_algorithms()))
        .build()
        .map_err(|e| SamlError::Request(e.to_string()))
}

/// The IdP URL that carries an AuthnRequest with `request_id` (HTTP-Redirect binding),
/// signed with the SP key (RSA-SHA256, `SigAlg` and `Signature` query parameters) when
/// `sign` is set.
pub fn authn_request_url(
    idp: &IdpMetadata,
    sp: &SpConfig,
    request_id: &str,
    relay_state: &str,
    sign: bool,
) -> Result<String, SamlError> {
    let fail = |e: Box<dyn std::error::Error>| SamlError::Request(e.to_string());
    let p = provider(idp, sp, false, unix_now())?;
    let mut req = p
        .make_authentication_request(&idp.sso_redirect_url)
        .map_err(fail)?;
    req.id = request_id.to_owned();
    req.force_authn = None;
    let url = if sign {
        let key = p
            .key
            .as_ref()
            .ok_or_else(|| SamlError::Request("signing needs the SP key".into()))?;
        req.signed_redirect(relay_state, key).map_err(fail)?
    } else {
        req.redirect(relay_state).map_err(fail)?
    };
    let url = url.ok_or_else(|| SamlError::Request("no destination".into()))?;
    Ok(url.into())
}

fn xml_escape(s: &str) -> String {
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

/// What a verified response says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLogin {
    pub name_id: String,
    pub name_id_format: Option<String>,
    /// Attribute name (its `Name`, e.g. a URI) → values.
    pub attributes: BTreeMap<String, Vec<String>>,
    pub assertion_id: String,
    /// The IdP's session, for single logout.
    pub session_index: Option<String>,
    /// Unix seconds after which the assertion is no longer valid (for replay memory).
    pub expires_at: i64,
}

/// Verifies a base64 `SAMLResponse` against the IdP's metadata, our SP configuration and
/// the AuthnRequest IDs we may be answered for (none: an IdP-initiated response, which only
/// the assertion-ID memory of the caller protects against replay).
pub fn validate_response(
    encoded: &str,
    idp: &IdpMetadata,
    sp: &SpConfig,
    request_ids: &[&str],
    require_encrypted: bool,
) -> Result<VerifiedLogin, SamlError> {
    validate_response_at(encoded, idp, sp, request_ids, require_encrypted, unix_now())
}

/// [`validate_response`] with the time to judge validity periods by (Unix seconds), so
/// recorded responses stay checkable.
pub fn validate_response_at(
    encoded: &str,
    idp: &IdpMetadata,
    sp: &SpConfig,
    request_ids: &[&str],
    require_encrypted: bool,
    now: i64,
) -> Result<VerifiedLogin, SamlError> {
    let refuse = |m: String| SamlError::Response(m);
    if encoded.len() > MAX_RESPONSE {
        return Err(refuse("larger than 256 KiB".into()));
    }
    let bytes = base64_decode(encoded).ok_or_else(|| refuse("not base64".into()))?;
    let xml = String::from_utf8(bytes).map_err(|_| refuse("not UTF-8".into()))?;
    if !no_doctype(&xml) {
        return Err(refuse(
            "DOCTYPE and entity declarations are not allowed".into(),
        ));
    }
    let encrypted = check_envelope(&xml, sp)?;
    references::check_response_issuer(&xml, &idp.entity_id)?;
    references::check_references(&xml)?;
    if require_encrypted && !encrypted {
        return Err(refuse("the provider must encrypt its assertions".into()));
    }
    // No request to answer: an IdP-initiated response (the caller allows those per IdP).
    let idp_initiated = request_ids.is_empty();
    let assertion = catch_unwind(AssertUnwindSafe(|| {
        if encrypted {
            // Signatures are checked while opening; samael then checks the protocol on
            // the verified plain document and must not look for certificates again.
            let plain = encrypted::open(&xml, &idp.signing_certs, sp)?;
            let mut unsigned = idp.clone();
            for d in unsigned.descriptor.idp_sso_descriptors.iter_mut().flatten() {
                d.key_descriptors.clear();
            }
            let p = provider(&unsigned, sp, idp_initiated, now)?;
            p.parse_xml_response(&plain, Some(request_ids))
                .map_err(samael_error)
        } else {
            let p = provider(idp, sp, idp_initiated, now)?;
            p.parse_xml_response(&xml, Some(request_ids))
                .map_err(samael_error)
        }
    }))
    .map_err(|_| refuse("the XML could not be read".into()))??;
    check_not_before(&assertion, now)?;
    let audience_ok = assertion
        .conditions
        .as_ref()
        .and_then(|c| c.audience_restrictions.as_ref())
        .is_some_and(|rs| !rs.is_empty() && rs.iter().all(|r| r.audience.contains(&sp.entity_id)));
    if !audience_ok {
        return Err(refuse(
            "the assertion is not restricted to our entity ID".into(),
        ));
    }
    let name_id = assertion
        .subject
        .as_ref()
        .and_then(|s| s.name_id.as_ref())
        .filter(|n| !n.value.trim().is_empty())
        .ok_or_else(|| refuse("the assertion has no NameID".into()))?;
    if assertion
        .authn_statements
        .as_ref()
        .is_none_or(Vec::is_empty)
    {
        return Err(refuse(
            "the assertion says nothing of an authentication".into(),
        ));
    }
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for statement in assertion.attribute_statements.iter().flatten() {
        for a in &statement.attributes {
            let Some(name) = a.name.clone().or_else(|| a.friendly_name.clone()) else {
                continue;
            };
            // One attribute, one element: a second one of the same name would leave which
            // value counts to whoever reads it.
            if attributes.contains_key(&name) {
                return Err(refuse(format!("the attribute {name:?} is given twice")));
            }
            attributes.insert(
                name,
                a.values.iter().filter_map(|v| v.value.clone()).collect(),
            );
        }
    }
    let expires_at = assertion
        .conditions
        .as_ref()
        .and_then(|c| c.not_on_or_after)
        .map_or_else(
            || assertion.issue_instant.timestamp() + 300,
            |t| t.timestamp(),
        );
    Ok(VerifiedLogin {
        name_id: name_id.value.trim().to_owned(),
        name_id_format: name_id.format.clone(),
        attributes,
        assertion_id: assertion.id.clone(),
        session_index: assertion
            .authn_statements
            .iter()
            .flatten()
            .find_map(|a| a.session_index.clone()),
        expires_at,
    })
}

const MAX_ISSUE_DELAY: i64 = 90;
const MAX_CLOCK_SKEW: i64 = 180;

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn samael_error(e: samael::service_provider::Error) -> SamlError {
    match e {
        samael::service_provider::Error::FailedToValidateSignature => SamlError::Signature,
        other => SamlError::Response(other.to_string()),
    }
}

/// NotBefore of the Conditions and of every SubjectConfirmationData, against `now`.
fn check_not_before(a: &samael::schema::Assertion, now: i64) -> Result<(), SamlError> {
    let confirmations = a
        .subject
        .iter()
        .flat_map(|s| s.subject_confirmations.iter().flatten())
        .filter_map(|c| c.subject_confirmation_data.as_ref()?.not_before);
    let conditions = a.conditions.as_ref().and_then(|c| c.not_before);
    for t in confirmations.chain(conditions) {
        if now < t.timestamp() - MAX_CLOCK_SKEW {
            return Err(SamlError::Response("the assertion is not valid yet".into()));
        }
    }
    Ok(())
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
const MAX_DEPTH: usize = 48;
const MAX_ELEMENTS: usize = 20_000;
const MAX_ATTRIBUTES: usize = 64;

/// Whether element `e`, the `elements`-th of its document at `depth`, keeps to those bounds.
fn within_bounds(e: &quick_xml::events::BytesStart<'_>, depth: usize, elements: usize) -> bool {
    depth < MAX_DEPTH
        && elements <= MAX_ELEMENTS
        && e.attributes().with_checks(false).count() <= MAX_ATTRIBUTES
}

/// Checks on the raw document that only ever refuse (nothing read here is trusted): exactly
/// one assertion, plain or encrypted, in the whole document (wrapping attacks add more), a
/// Destination, if any, that is our ACS, and a Success status, even where the Response
/// itself is unsigned.
/// Returns whether the assertion is encrypted.
fn check_envelope(xml: &str, sp: &SpConfig) -> Result<bool, SamlError> {
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
fn verified_xml(xml: &str, certs: &[samael::crypto::CertificateDer]) -> Result<String, SamlError> {
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
fn root_is_signed(xml: &str) -> Result<bool, SamlError> {
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

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    // HTTP-POST carries the response base64, line breaks allowed.
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

mod encrypted;
mod logout;
mod references;
mod xml_attr;
pub use logout::{
    IdpLogout, Inbound, LogoutSubject, check_logout_request, check_logout_response, logout_request,
    logout_response,
};

#[cfg(test)]
mod attacks;
#[cfg(test)]
mod attacks_encrypted;
#[cfg(test)]
mod attacks_structure;
#[cfg(test)]
mod golden;
#[cfg(test)]
mod golden_recordings;
// `golden_recordings.rs` names this crate as its users outside it do.
#[cfg(test)]
extern crate self as portcullis_saml;
#[cfg(test)]
mod tests;
