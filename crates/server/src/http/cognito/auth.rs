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
use portcullis_crypto::sigv4::{SignedRequest, parse_authorization, verify as verify_sig};

const MAX_SKEW_SECS: i64 = 15 * 60;

/// `YYYYMMDDTHHMMSSZ` as Unix seconds.
pub(crate) fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from the civil calendar (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86400 + hh * 3600 + mm * 60 + ss)
}

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

#[cfg(test)]
mod tests {
    use super::parse_amz_date;

    #[test]
    fn amz_dates() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(1_440_938_160));
        assert_eq!(parse_amz_date("20261122T000000Z"), Some(1_795_305_600));
        assert_eq!(parse_amz_date("2015-08-30T12:36:00Z"), None);
        assert_eq!(parse_amz_date("20151330T123600Z"), None);
    }
}
