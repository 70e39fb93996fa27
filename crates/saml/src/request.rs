//! samael's service provider set up our way (algorithm allow-list, our clock), and the
//! AuthnRequest it sends by HTTP-Redirect.

use crate::*;
use samael::crypto::AllowedSignatureAlgorithm;
use samael::service_provider::{ServiceProvider, ServiceProviderBuilder};

/// Signature algorithms accepted from an IdP (no SHA-1).
pub(crate) fn allowed_algorithms() -> Vec<AllowedSignatureAlgorithm> {
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
pub(crate) fn provider(
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

/// The allowances samael applies to IssueInstant and to clock differences, in seconds.
pub(crate) const MAX_ISSUE_DELAY: i64 = 90;
pub(crate) const MAX_CLOCK_SKEW: i64 = 180;

pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
