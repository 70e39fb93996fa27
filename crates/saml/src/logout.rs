//! Single logout: our signed LogoutRequest and the IdP's LogoutResponse to it, and the IdP's
//! own LogoutRequest and our signed LogoutResponse. Either side's messages may go by
//! HTTP-Redirect (the signature covers the query) or HTTP-POST (the signature is inside the
//! XML); ours take the IdP's Redirect endpoint when it has one.

use super::{
    IdpMetadata, MAX_RESPONSE, Outbound, SamlError, SpConfig, base64_decode, no_doctype, provider,
    root_is_signed, verified_xml, xml_datetime, xml_escape,
};
use std::collections::BTreeMap;
use std::panic::catch_unwind;

/// Who to sign out at the IdP: the NameID (and its format) and session of the sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutSubject {
    pub name_id: String,
    pub name_id_format: Option<String>,
    pub session_index: Option<String>,
}

/// Our LogoutRequest naming `subject`, signed with the SP key, for the IdP's single logout
/// endpoint: a signed URL (HTTP-Redirect) or a form with an XML signature (HTTP-POST).
pub fn logout_request(
    idp: &IdpMetadata,
    sp: &SpConfig,
    request_id: &str,
    subject: &LogoutSubject,
    relay_state: &str,
) -> Result<Outbound, SamlError> {
    let fail = |m: &str| SamlError::Request(m.to_owned());
    let slo = idp
        .slo
        .as_ref()
        .ok_or_else(|| fail("the IdP has no single logout endpoint"))?;
    let format = subject
        .name_id_format
        .as_ref()
        .map(|f| format!(" Format=\"{}\"", xml_escape(f)))
        .unwrap_or_default();
    let session = subject
        .session_index
        .as_ref()
        .map(|s| format!("<samlp:SessionIndex>{}</samlp:SessionIndex>", xml_escape(s)))
        .unwrap_or_default();
    let xml = format!(
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" Destination=\"{dest}\"><saml:Issuer>{issuer}</saml:Issuer><saml:NameID{format}>{name}</saml:NameID>{session}</samlp:LogoutRequest>",
        id = xml_escape(request_id),
        now = xml_datetime(super::unix_now()),
        dest = xml_escape(&slo.location),
        issuer = xml_escape(&sp.entity_id),
        name = xml_escape(&subject.name_id),
    );
    outbound(
        idp,
        sp,
        &slo.location,
        slo.post,
        "SAMLRequest",
        &xml,
        request_id,
        Some(relay_state),
    )
}

/// Sends `xml` to `dest` under `field`: deflated in a signed URL, or signed inside (the
/// signature right after its Issuer, as the schema orders it) and posted.
#[allow(clippy::too_many_arguments)]
fn outbound(
    idp: &IdpMetadata,
    sp: &SpConfig,
    dest: &str,
    post: bool,
    field: &str,
    xml: &str,
    id: &str,
    relay_state: Option<&str>,
) -> Result<Outbound, SamlError> {
    use base64::Engine;
    let fail = |m: &str| SamlError::Request(m.to_owned());
    let key = sp
        .key
        .as_ref()
        .ok_or_else(|| fail("signing needs the SP key"))?;
    if post {
        use samael::crypto::{Crypto, CryptoProvider};
        let cert = base64::engine::general_purpose::STANDARD.encode(&key.cert_der);
        let template = format!(
            concat!(
                "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>",
                "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>",
                "<ds:Reference URI=\"#{id}\"><ds:Transforms>",
                "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
                "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>",
                "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue></ds:DigestValue>",
                "</ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data>",
                "<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"
            ),
            id = xml_escape(id),
            cert = cert,
        );
        let signed = Crypto::sign_xml(
            xml.replacen("</saml:Issuer>", &format!("</saml:Issuer>{template}"), 1),
            &key.key_der,
        )
        .map_err(|e| fail(&e.to_string()))?;
        let mut fields = vec![(
            field.to_owned(),
            base64::engine::general_purpose::STANDARD.encode(signed),
        )];
        if let Some(r) = relay_state {
            fields.push(("RelayState".to_owned(), r.to_owned()));
        }
        return Ok(Outbound::Post {
            action: dest.to_owned(),
            fields,
        });
    }
    let mut url =
        url::Url::parse(dest).map_err(|_| fail("the IdP's logout endpoint is not a URL"))?;
    url.query_pairs_mut().append_pair(
        field,
        &base64::engine::general_purpose::STANDARD.encode(deflate(xml)?),
    );
    if let Some(r) = relay_state {
        url.query_pairs_mut().append_pair("RelayState", r);
    }
    let p = provider(idp, sp, false, super::unix_now())?;
    let key = p
        .key
        .as_ref()
        .ok_or_else(|| fail("signing needs the SP key"))?;
    samael::crypto::sign_url(url, key)
        .map(|u| Outbound::Redirect(u.into()))
        .map_err(|e| fail(&e.to_string()))
}

/// A logout message as it reached our single logout endpoint.
#[derive(Debug, Clone, Copy)]
pub enum Inbound<'a> {
    /// HTTP-Redirect: the query (`SAMLRequest`/`SAMLResponse`, `RelayState`, `SigAlg`,
    /// `Signature`), whose signature covers the parameters.
    Redirect(&'a url::Url),
    /// HTTP-POST: the base64 `SAMLRequest` or `SAMLResponse` form field, signed inside.
    Post(&'a str),
}

/// The message's XML, and whether a certificate of the IdP's metadata signed it (`None`:
/// it carries no signature). Only what the signature covers is returned for a POSTed one.
fn open_inbound(
    msg: Inbound<'_>,
    idp: &IdpMetadata,
    field: &str,
) -> Result<(String, Option<bool>), SamlError> {
    let refuse = |m: String| SamlError::Response(m);
    match msg {
        Inbound::Redirect(url) => {
            let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
            let encoded = q.get(field).ok_or_else(|| refuse(format!("no {field}")))?;
            let signed = q
                .contains_key("Signature")
                .then(|| verified_by_idp(url, idp, field == "SAMLRequest"));
            Ok((inflate(encoded)?, signed))
        }
        Inbound::Post(encoded) => {
            if encoded.len() > MAX_RESPONSE {
                return Err(refuse("larger than 256 KiB".into()));
            }
            let xml = base64_decode(encoded)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| refuse("not base64 UTF-8".into()))?;
            if !no_doctype(&xml) {
                return Err(refuse("DOCTYPE is not allowed".into()));
            }
            if !root_is_signed(&xml)? {
                return Ok((xml, None));
            }
            match verified_xml(&xml, &idp.signing_certs) {
                Ok(reduced) => Ok((reduced, Some(true))),
                Err(_) => Ok((xml, Some(false))),
            }
        }
    }
}

/// Checks the IdP's LogoutResponse to our request: it answers `request_id`, comes from the
/// IdP, succeeded, and (when signed, as it should be) its signature verifies with a
/// certificate of the metadata.
pub fn check_logout_response(
    msg: Inbound<'_>,
    idp: &IdpMetadata,
    request_id: &str,
) -> Result<(), SamlError> {
    let refuse = |m: &str| SamlError::Response(m.to_owned());
    let (xml, signed) = open_inbound(msg, idp, "SAMLResponse")?;
    if signed == Some(false) {
        return Err(SamlError::Signature);
    }
    let r: samael::schema::LogoutResponse = catch_unwind(|| xml.parse())
        .map_err(|_| refuse("the XML could not be read"))?
        .map_err(|_| refuse("not a LogoutResponse"))?;
    if r.in_response_to.as_deref() != Some(request_id) {
        return Err(refuse("the LogoutResponse answers another request"));
    }
    if r.issuer.as_ref().and_then(|i| i.value.as_deref()) != Some(idp.entity_id.as_str()) {
        return Err(refuse("the LogoutResponse comes from another issuer"));
    }
    let ok = r
        .status
        .as_ref()
        .and_then(|s| s.status_code.value.as_deref())
        == Some("urn:oasis:names:tc:SAML:2.0:status:Success");
    if !ok {
        return Err(refuse("the IdP did not sign the person out"));
    }
    Ok(())
}

/// A LogoutRequest the IdP sent, verified: its ID (to answer) and whom it signs out (all of
/// that person's sessions: samael 0.0.22 reads `SessionIndex` as an attribute, so the
/// element is never seen, and we do not narrow by it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpLogout {
    pub request_id: String,
    pub name_id: String,
    /// Unix seconds after which the request is refused as stale: until then the caller
    /// remembers its ID, so a replay fails.
    pub valid_until: i64,
}

/// How long after its IssueInstant an IdP's LogoutRequest is accepted (plus clock skew).
const LOGOUT_MAX_AGE: i64 = 300;

/// Verifies a LogoutRequest from the IdP: signed by a certificate of its metadata, issued
/// by it, addressed to us if it says so, naming a subject, and issued within the last five
/// minutes (clock skew allowed) as of `now`.
pub fn check_logout_request(
    msg: Inbound<'_>,
    idp: &IdpMetadata,
    sp: &SpConfig,
    now: i64,
) -> Result<IdpLogout, SamlError> {
    let refuse = |m: &str| SamlError::Response(m.to_owned());
    let (xml, signed) = open_inbound(msg, idp, "SAMLRequest")?;
    match signed {
        None => return Err(refuse("an IdP's LogoutRequest must be signed")),
        Some(false) => return Err(SamlError::Signature),
        Some(true) => {}
    }
    let r: samael::schema::LogoutRequest = catch_unwind(|| xml.parse())
        .map_err(|_| refuse("the XML could not be read"))?
        .map_err(|_| refuse("not a LogoutRequest"))?;
    if r.issuer.as_ref().and_then(|i| i.value.as_deref()) != Some(idp.entity_id.as_str()) {
        return Err(refuse("the LogoutRequest comes from another issuer"));
    }
    if r.destination
        .as_ref()
        .is_some_and(|d| Some(d) != sp.slo_url.as_ref())
    {
        return Err(refuse("the LogoutRequest is addressed to another service"));
    }
    let name_id = r
        .name_id
        .map(|n| n.value)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| refuse("the LogoutRequest names nobody"))?;
    let issued = r
        .issue_instant
        .map(|t| t.timestamp())
        .ok_or_else(|| refuse("the LogoutRequest has no IssueInstant"))?;
    if issued > now + super::MAX_CLOCK_SKEW || now > issued + LOGOUT_MAX_AGE + super::MAX_CLOCK_SKEW
    {
        return Err(refuse("the LogoutRequest is not current"));
    }
    Ok(IdpLogout {
        valid_until: issued + LOGOUT_MAX_AGE + super::MAX_CLOCK_SKEW,
        request_id: r.id.ok_or_else(|| refuse("the LogoutRequest has no ID"))?,
        name_id: name_id.trim().to_owned(),
    })
}

/// Our signed LogoutResponse to an IdP's LogoutRequest, by the binding its single logout
/// endpoint takes.
pub fn logout_response(
    idp: &IdpMetadata,
    sp: &SpConfig,
    in_response_to: &str,
    relay_state: Option<&str>,
) -> Result<Outbound, SamlError> {
    let slo = idp
        .slo
        .as_ref()
        .ok_or_else(|| SamlError::Request("the IdP has no single logout endpoint".into()))?;
    let dest = slo.response_location.as_ref().unwrap_or(&slo.location);
    let id = format!("_{:032x}", rand_u128());
    let xml = format!(
        "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" Destination=\"{dest}\" InResponseTo=\"{irt}\"><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status></samlp:LogoutResponse>",
        now = xml_datetime(super::unix_now()),
        dest = xml_escape(dest),
        irt = xml_escape(in_response_to),
        issuer = xml_escape(&sp.entity_id),
    );
    outbound(
        idp,
        sp,
        dest,
        slo.post,
        "SAMLResponse",
        &xml,
        &id,
        relay_state,
    )
}

fn rand_u128() -> u128 {
    let mut b = [0u8; 16];
    openssl::rand::rand_bytes(&mut b).ok();
    u128::from_le_bytes(b)
}

fn deflate(xml: &str) -> Result<Vec<u8>, SamlError> {
    use std::io::Write;
    let mut out = vec![];
    {
        let mut enc = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::default());
        enc.write_all(xml.as_bytes())
            .map_err(|e| SamlError::Request(e.to_string()))?;
    }
    Ok(out)
}

fn inflate(encoded: &str) -> Result<String, SamlError> {
    use base64::Engine;
    use std::io::Read;
    let refuse = |m: &str| SamlError::Response(m.to_owned());
    if encoded.len() > MAX_RESPONSE {
        return Err(refuse("larger than 256 KiB"));
    }
    let deflated = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| refuse("not base64"))?;
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(&deflated[..])
        .take(MAX_RESPONSE as u64)
        .read_to_string(&mut xml)
        .map_err(|_| refuse("not a deflated document"))?;
    if !no_doctype(&xml) {
        return Err(refuse("DOCTYPE is not allowed"));
    }
    Ok(xml)
}

/// Whether a certificate of the IdP's metadata verifies a redirect-binding signature.
fn verified_by_idp(url: &url::Url, idp: &IdpMetadata, request: bool) -> bool {
    idp.signing_certs.iter().any(|c| {
        samael::crypto::UrlVerifier::from_x509(c)
            .ok()
            .and_then(|v| {
                if request {
                    v.verify_signed_request_url(url).ok()
                } else {
                    v.verify_signed_response_url(url).ok()
                }
            })
            .unwrap_or(false)
    })
}
