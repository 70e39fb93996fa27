//! AWS Signature Version 4 verification, for the Cognito-compatible API's admin calls: the
//! canonical request, string to sign and signing-key derivation of the SigV4 spec, computed
//! over what arrived and compared in constant time with the presented signature.

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::hmac;
use subtle::ConstantTimeEq;

/// `YYYYMMDDTHHMMSSZ` as Unix seconds.
pub fn parse_amz_date(s: &str) -> Option<i64> {
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

/// Unix seconds as `YYYYMMDDTHHMMSSZ`.
pub fn format_amz_date(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86400), t.rem_euclid(86400));
    // The civil date of a day count (Howard Hinnant's algorithm, the inverse of the above).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The `Authorization` header value for a request Portcullis sends (to a Cognito pool it
/// migrates users from): `headers` must include `host` and `x-amz-date` (`amz_date`).
pub fn authorization(
    req: &SignedRequest<'_>,
    access_key_id: &str,
    secret: &str,
    region: &str,
    service: &str,
) -> Option<String> {
    let mut signed: Vec<String> = req
        .headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    signed.sort();
    signed.dedup();
    let auth = SigV4Auth {
        access_key_id: access_key_id.to_owned(),
        date: req.amz_date.get(..8)?.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: signed,
        signature: String::new(),
    };
    let signature = expected_signature(req, &auth, secret)?;
    Some(format!(
        "AWS4-HMAC-SHA256 Credential={access_key_id}/{}/{region}/{service}/aws4_request, \
         SignedHeaders={}, Signature={signature}",
        auth.date,
        auth.signed_headers.join(";")
    ))
}

/// The parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigV4Auth {
    pub access_key_id: String,
    /// `YYYYMMDD` from the credential scope.
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// `None` when the header is not a well-formed SigV4 authorization.
pub fn parse_authorization(header: &str) -> Option<SigV4Auth> {
    let rest = header.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => return None,
        }
    }
    let mut scope = credential?.split('/');
    let (id, date, region, service, term) = (
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
    );
    if term != "aws4_request" || scope.next().is_some() || id.is_empty() || date.len() != 8 {
        return None;
    }
    let signed_headers: Vec<String> = signed?.split(';').map(str::to_owned).collect();
    let signature = signature?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(SigV4Auth {
        access_key_id: id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature.to_ascii_lowercase(),
    })
}

/// What was received, as the signer saw it.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path, already URI-encoded as sent (`/` for the Cognito API).
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Every header; names in any case.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// The `X-Amz-Date` value, `YYYYMMDDTHHMMSSZ`.
    pub amz_date: &'a str,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn canonical_request(req: &SignedRequest<'_>, signed_headers: &[String]) -> Option<String> {
    let mut lines = String::new();
    for name in signed_headers {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if values.is_empty() {
            return None;
        }
        lines.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    Some(format!(
        "{}\n{}\n{}\n{lines}\n{}\n{}",
        req.method,
        if req.path.is_empty() { "/" } else { req.path },
        canonical_query(req.query),
        signed_headers.join(";"),
        hex(digest(&SHA256, req.body).as_ref())
    ))
}

fn hmac_sha256(key: &[u8], data: &str) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
}

/// The signature the holder of `secret` would have computed for `req`.
pub fn expected_signature(
    req: &SignedRequest<'_>,
    auth: &SigV4Auth,
    secret: &str,
) -> Option<String> {
    let mut signed = auth.signed_headers.clone();
    signed.sort();
    if signed != auth.signed_headers || !signed.iter().any(|h| h == "host") {
        return None;
    }
    let canonical = canonical_request(req, &signed)?;
    let scope = format!(
        "{}/{}/{}/aws4_request",
        auth.date, auth.region, auth.service
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        req.amz_date,
        hex(digest(&SHA256, canonical.as_bytes()).as_ref())
    );
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), &auth.date);
    let k_region = hmac_sha256(k_date.as_ref(), &auth.region);
    let k_service = hmac_sha256(k_region.as_ref(), &auth.service);
    let k_signing = hmac_sha256(k_service.as_ref(), "aws4_request");
    Some(hex(hmac_sha256(k_signing.as_ref(), &to_sign).as_ref()))
}

/// Whether `auth.signature` is right for `req` under `secret`, compared in constant time.
pub fn verify(req: &SignedRequest<'_>, auth: &SigV4Auth, secret: &str) -> bool {
    if !req.amz_date.starts_with(&auth.date) {
        return false;
    }
    match expected_signature(req, auth, secret) {
        Some(sig) => sig.as_bytes().ct_eq(auth.signature.as_bytes()).into(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_we_sign_verify() {
        assert_eq!(format_amz_date(1_796_306_386), "20261203T135946Z");
        assert_eq!(
            parse_amz_date(&format_amz_date(1_796_306_386)),
            Some(1_796_306_386)
        );
        let headers = vec![
            (
                "host".to_string(),
                "cognito-idp.eu-west-1.amazonaws.com".to_string(),
            ),
            ("x-amz-date".to_string(), "20261203T143946Z".to_string()),
            (
                "x-amz-target".to_string(),
                "AWSCognitoIdentityProviderService.ListUsers".to_string(),
            ),
        ];
        let req = SignedRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: b"{}",
            amz_date: "20261203T143946Z",
        };
        let header =
            authorization(&req, "AKIDEXAMPLE", "s3cr3t", "eu-west-1", "cognito-idp").unwrap();
        let auth = parse_authorization(&header).unwrap();
        assert!(verify(&req, &auth, "s3cr3t"));
        assert!(!verify(&req, &auth, "other"));
    }

    /// The `get-vanilla` case of AWS's published SigV4 test suite.
    #[test]
    fn aws_test_suite_get_vanilla() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        let auth = parse_authorization(header).unwrap();
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(
            (auth.region.as_str(), auth.service.as_str()),
            ("us-east-1", "service")
        );
        let headers = vec![
            ("Host".to_string(), "example.amazonaws.com".to_string()),
            ("X-Amz-Date".to_string(), "20150830T123600Z".to_string()),
        ];
        let req = SignedRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
            amz_date: "20150830T123600Z",
        };
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        assert!(verify(&req, &auth, secret));
        assert!(!verify(&req, &auth, "another-secret"));
        let tampered = SignedRequest { body: b"x", ..req };
        assert!(!verify(&tampered, &auth, secret));
    }

    #[test]
    fn amz_dates() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(1_440_938_160));
        assert_eq!(parse_amz_date("20261122T000000Z"), Some(1_795_305_600));
        assert_eq!(parse_amz_date("2015-08-30T12:36:00Z"), None);
        assert_eq!(parse_amz_date("20151330T123600Z"), None);
    }

    #[test]
    fn malformed_authorizations_are_rejected() {
        for bad in [
            "",
            "Bearer x",
            "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, SignedHeaders=host",
            "AWS4-HMAC-SHA256 Credential=a/2015/r/s/aws4_request, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/other, SignedHeaders=host, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad}");
        }
    }
}
