//! Outbound HTTP to upstream providers: one client, no redirects followed, a deadline on
//! every call, and a cap on what is read, so a slow or hostile upstream costs little.

use super::addresses::{AddressPolicy, GuardedResolver, allowed};
use serde_json::Value;
use std::time::Duration;

/// The most we read from an upstream answer (metadata, keys, tokens, userinfo).
const MAX_BODY: usize = 512 * 1024;

#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    policy: AddressPolicy,
}

/// Why a call to an upstream failed, in words fit for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError(pub String);

/// A POST that got no answer: whether the deadline passed, and why, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoAnswer {
    pub timed_out: bool,
    pub why: FetchError,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the guarded resolver refused every address (somewhere in the error's causes).
fn refused_address(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.to_string()
            .contains("no address upstream calls may reach")
        {
            return true;
        }
        cause = c.source();
    }
    false
}

impl Fetcher {
    pub fn new(timeout: Duration, policy: AddressPolicy) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(GuardedResolver(policy))
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent("portcullis")
            .build()
            .unwrap_or_default();
        Fetcher {
            client,
            timeout,
            policy,
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn policy(&self) -> AddressPolicy {
        self.policy
    }

    /// GET a JSON document.
    pub async fn get_json(&self, url: &str, bearer: Option<&str>) -> Result<Value, FetchError> {
        let mut req = self.client.get(url).header("accept", "application/json");
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        self.json(url, req).await
    }

    /// POST a form, expecting JSON back.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
        bearer: Option<&str>,
    ) -> Result<Value, FetchError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = self
            .client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body);
        if let Some((user, pass)) = basic {
            // RFC 6749 §2.3.1: both parts form-encoded before Basic.
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            req = req.basic_auth(enc(user), Some(enc(pass)));
        }
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        self.json(url, req).await
    }

    /// POST a JSON body (`application/json` unless `headers` name another content type)
    /// with extra headers and its own deadline; the status and body of whatever answer
    /// came (hooks read error bodies too).
    pub async fn post_json_body(
        &self,
        url: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
        deadline: Duration,
    ) -> Result<(u16, Vec<u8>), NoAnswer> {
        let mut req = self.client.post(url).timeout(deadline).body(body);
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            req = req.header("content-type", "application/json");
        }
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        self.exchange(url, req)
            .await
            .map(|(status, body)| (status.as_u16(), body))
    }

    /// GET a text document (SAML metadata).
    pub async fn get_text(&self, url: &str) -> Result<String, FetchError> {
        let (status, body) = self.send(url, self.client.get(url)).await?;
        let host = host_of(url);
        if !status.is_success() {
            return Err(FetchError(format!("{host}: HTTP {}", status.as_u16())));
        }
        String::from_utf8(body).map_err(|_| FetchError(format!("{host}: the answer is not UTF-8")))
    }

    async fn json(&self, url: &str, req: reqwest::RequestBuilder) -> Result<Value, FetchError> {
        let (status, body) = self.send(url, req).await?;
        let fail = |what: &str| FetchError(format!("{}: {what}", host_of(url)));
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if !status.is_success() {
            let code = json
                .as_ref()
                .and_then(|j| j.get("error"))
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(fail(&format!("HTTP {} {code}", status.as_u16())));
        }
        json.filter(Value::is_object)
            .ok_or_else(|| fail("the answer is not a JSON object"))
    }

    /// Sends the request; its status and body (at most `MAX_BODY`).
    async fn send(
        &self,
        url: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), FetchError> {
        self.exchange(url, req).await.map_err(|n| n.why)
    }

    async fn exchange(
        &self,
        url: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), NoAnswer> {
        let host = host_of(url);
        let fail = |what: &str| NoAnswer {
            timed_out: false,
            why: FetchError(format!("{host}: {what}")),
        };
        // Addresses written into the URL skip the resolver; check them here.
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>();
        if let Ok(ip) = literal
            && !allowed(ip, self.policy)
        {
            return Err(fail("this address may not be reached"));
        }
        let mut res = req.send().await.map_err(|e| {
            if e.is_timeout() {
                NoAnswer {
                    timed_out: true,
                    ..fail("no answer within the timeout")
                }
            } else if refused_address(&e) {
                fail("this address may not be reached")
            } else {
                fail("cannot connect")
            }
        })?;
        let status = res.status();
        let mut body = Vec::new();
        while let Some(chunk) = res.chunk().await.map_err(|e| NoAnswer {
            timed_out: e.is_timeout(),
            ..fail("the answer broke off")
        })? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(fail("the answer is too large"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}
