//! AWS Signature V4 on admin actions: the key must exist, the signature must match what
//! arrived, the service must be `cognito-idp` (and the region one of the deployment's, when
//! it names them), and `X-Amz-Date` must be within 15 minutes of our clock (replays of old
//! captures fail). The action travels in `X-Amz-Target`, so it must be among the signed
//! headers, as must every other `x-amz-*` header present: a captured signature then cannot
//! be replayed as another action. Error names are the ones AWS SDKs expect.

use super::error::CognitoError;
use crate::http::Shared;
use axum::http::{HeaderMap, Method, Uri, header};
use portcullis_core::access_key::AccessKey;
use portcullis_crypto::sigv4::{
    SignedRequest, parse_amz_date, parse_authorization, verify as verify_sig,
};

const MAX_SKEW_SECS: i64 = 15 * 60;

pub(crate) async fn verify(
    s: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<AccessKey, CognitoError> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(CognitoError::missing_auth)?;
    let auth = parse_authorization(raw).ok_or_else(|| {
        CognitoError::invalid_signature(
            "Authorization header requires Credential, SignedHeaders and Signature.",
        )
    })?;
    if auth.service != "cognito-idp" {
        return Err(CognitoError::invalid_signature(
            "Credential should be scoped to correct service: 'cognito-idp'.",
        ));
    }
    let regions = &s.config.regions;
    if !regions.is_empty() && !regions.contains(&auth.region) {
        return Err(CognitoError::invalid_signature(&format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            auth.region
        )));
    }
    check_signed_headers(headers, &auth.signed_headers)?;
    let amz_date = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| CognitoError::invalid_signature("X-Amz-Date is required."))?;
    let signed_at = parse_amz_date(amz_date)
        .ok_or_else(|| CognitoError::invalid_signature("X-Amz-Date is malformed."))?;
    let now = s.app.now();
    if (now - signed_at).abs() > MAX_SKEW_SECS {
        return Err(CognitoError::invalid_signature(&format!(
            "Signature expired: {amz_date} is not within 15 minutes of the server time."
        )));
    }
    let key = s
        .app
        .access_key(&auth.access_key_id)
        .await
        .map_err(|e| CognitoError::from_core(e, None))?
        .ok_or_else(CognitoError::unrecognized_client)?;
    let secret = s
        .app
        .access_key_secret(&key)
        .map_err(|e| CognitoError::from_core(e, None))?;
    let all: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_owned(), v.to_owned()))
        })
        .collect();
    let req = SignedRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers: &all,
        body,
        amz_date,
    };
    if verify_sig(&req, &auth, &secret) {
        Ok(key)
    } else {
        Err(CognitoError::invalid_signature(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ))
    }
}

/// `X-Amz-Target` names the action, so it must be signed; so must every other `x-amz-*`
/// header that arrived (AWS refuses unsigned ones the same way).
fn check_signed_headers(headers: &HeaderMap, signed: &[String]) -> Result<(), CognitoError> {
    let is_signed = |name: &str| signed.iter().any(|h| h.eq_ignore_ascii_case(name));
    let mut unsigned: Vec<&str> = headers
        .keys()
        .map(|k| k.as_str())
        .filter(|k| k.starts_with("x-amz-") && !is_signed(k))
        .collect();
    if !is_signed("x-amz-target") && !unsigned.contains(&"x-amz-target") {
        unsigned.push("x-amz-target");
    }
    if unsigned.is_empty() {
        return Ok(());
    }
    unsigned.sort_unstable();
    unsigned.dedup();
    Err(CognitoError::invalid_signature(&format!(
        "There were headers present in the request which were not signed: {}",
        unsigned.join(", ")
    )))
}
