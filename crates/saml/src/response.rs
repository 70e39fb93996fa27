//! Verifying a Response: the raw-document checks, the signatures (or the encrypted
//! assertion opened), samael's protocol checks at our clock, and our own requirements
//! (audience, NameID, AuthnStatement, attributes named once).

use crate::*;
use samael::schema::Assertion;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

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
    let xml = decode_document(encoded)?;
    let encrypted = check_envelope(&xml, sp)?;
    references::check_response_issuer(&xml, &idp.entity_id)?;
    references::check_references(&xml)?;
    if require_encrypted && !encrypted {
        return Err(refuse("the provider must encrypt its assertions"));
    }
    let assertion = verified_assertion(&xml, encrypted, idp, sp, request_ids, now)?;
    check_not_before(&assertion, now)?;
    login_of(&assertion, sp)
}

fn refuse(m: impl Into<String>) -> SamlError {
    SamlError::Response(m.into())
}

/// The Response's XML from its base64 form: bounded in size, UTF-8, without a DOCTYPE.
fn decode_document(encoded: &str) -> Result<String, SamlError> {
    if encoded.len() > MAX_RESPONSE {
        return Err(refuse("larger than 256 KiB"));
    }
    let bytes = base64_decode(encoded).ok_or_else(|| refuse("not base64"))?;
    let xml = String::from_utf8(bytes).map_err(|_| refuse("not UTF-8"))?;
    if !no_doctype(&xml) {
        return Err(refuse("DOCTYPE and entity declarations are not allowed"));
    }
    Ok(xml)
}

/// The assertion, once its signature (or the Response's) verifies and samael's protocol
/// checks pass (InResponseTo, destination, recipient, times). With no request to answer,
/// the response is IdP-initiated (the caller allows those per IdP).
fn verified_assertion(
    xml: &str,
    encrypted: bool,
    idp: &IdpMetadata,
    sp: &SpConfig,
    request_ids: &[&str],
    now: i64,
) -> Result<Assertion, SamlError> {
    let idp_initiated = request_ids.is_empty();
    catch_unwind(AssertUnwindSafe(|| {
        if encrypted {
            // Signatures are checked while opening; samael then checks the protocol on
            // the verified plain document and must not look for certificates again.
            let plain = encrypted::open(xml, &idp.signing_certs, sp)?;
            let mut unsigned = idp.clone();
            for d in unsigned.descriptor.idp_sso_descriptors.iter_mut().flatten() {
                d.key_descriptors.clear();
            }
            let p = provider(&unsigned, sp, idp_initiated, now)?;
            p.parse_xml_response(&plain, Some(request_ids))
                .map_err(samael_error)
        } else {
            let p = provider(idp, sp, idp_initiated, now)?;
            p.parse_xml_response(xml, Some(request_ids))
                .map_err(samael_error)
        }
    }))
    .map_err(|_| refuse("the XML could not be read"))?
}

/// Who signed in, from a verified assertion: it must be for our entity ID, name a subject
/// and state an authentication; each attribute may appear once.
fn login_of(assertion: &Assertion, sp: &SpConfig) -> Result<VerifiedLogin, SamlError> {
    let audience_ok = assertion
        .conditions
        .as_ref()
        .and_then(|c| c.audience_restrictions.as_ref())
        .is_some_and(|rs| !rs.is_empty() && rs.iter().all(|r| r.audience.contains(&sp.entity_id)));
    if !audience_ok {
        return Err(refuse("the assertion is not restricted to our entity ID"));
    }
    let name_id = assertion
        .subject
        .as_ref()
        .and_then(|s| s.name_id.as_ref())
        .filter(|n| !n.value.trim().is_empty())
        .ok_or_else(|| refuse("the assertion has no NameID"))?;
    if assertion
        .authn_statements
        .as_ref()
        .is_none_or(Vec::is_empty)
    {
        return Err(refuse("the assertion says nothing of an authentication"));
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

pub(crate) fn samael_error(e: samael::service_provider::Error) -> SamlError {
    match e {
        samael::service_provider::Error::FailedToValidateSignature => SamlError::Signature,
        other => SamlError::Response(other.to_string()),
    }
}

/// NotBefore of the Conditions and of every SubjectConfirmationData, against `now`.
pub(crate) fn check_not_before(a: &samael::schema::Assertion, now: i64) -> Result<(), SamlError> {
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
