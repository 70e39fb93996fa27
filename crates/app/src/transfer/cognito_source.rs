//! Migrating from a Cognito user pool with nothing to write: `copy_from_cognito` copies the
//! users (ListUsers and AdminListGroupsForUser; attributes, groups, enabled, status, `sub`;
//! never passwords, which Cognito cannot give), each marked to have their first password
//! checked against the source pool (InitiateAuth USER_PASSWORD_AUTH, or AdminInitiateAuth
//! when access keys are given); a right password is kept here from then on. The source and
//! its credentials are sealed with the pool.

use super::import::{BatchReport, ImportOptions};
use crate::App;
use crate::federation::fetch::Fetcher;
use portcullis_core::ids::PoolId;
use portcullis_core::pool::UserPool;
use portcullis_core::transfer::{COGNITO_SOURCE, PasswordHashField, UserRecord};
use portcullis_core::user::User;
use portcullis_core::{Error, Result};
use portcullis_crypto::sigv4;
use portcullis_store::PoolSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

/// A Cognito user pool users come from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CognitoSource {
    /// `https://cognito-idp.<region>.amazonaws.com`, or any Cognito-compatible endpoint.
    pub endpoint: String,
    pub region: String,
    pub pool_id: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub secret_access_key: Option<String>,
}

const TIMEOUT: Duration = Duration::from_secs(10);

/// The host (and port) of a URL, for the signed `host` header.
fn host_of(endpoint: &str) -> Result<String> {
    let u = url::Url::parse(endpoint)
        .map_err(|_| Error::invalid("the source endpoint is not a URL"))?;
    let host = u
        .host_str()
        .ok_or_else(|| Error::invalid("the source endpoint has no host"))?;
    Ok(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    })
}

impl CognitoSource {
    /// Calls `action` at the source; signed when `signed` (admin actions).
    async fn call(
        &self,
        fetcher: &Fetcher,
        action: &str,
        body: &Value,
        signed: bool,
        now: i64,
    ) -> Result<(u16, Value)> {
        let body = serde_json::to_vec(body).map_err(Error::internal)?;
        let target = format!("AWSCognitoIdentityProviderService.{action}");
        let amz_date = sigv4::format_amz_date(now);
        let mut headers = vec![
            (
                "content-type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            ),
            ("host".to_owned(), host_of(&self.endpoint)?),
            ("x-amz-date".to_owned(), amz_date.clone()),
            ("x-amz-target".to_owned(), target),
        ];
        if signed {
            let (Some(key), Some(secret)) = (&self.access_key_id, &self.secret_access_key) else {
                return Err(Error::invalid(
                    "copying users needs the source's access keys (--source-access-key-id and --source-secret-access-key)",
                ));
            };
            let req = sigv4::SignedRequest {
                method: "POST",
                path: "/",
                query: "",
                headers: &headers,
                body: &body,
                amz_date: &amz_date,
            };
            let auth = sigv4::authorization(&req, key, secret, &self.region, "cognito-idp")
                .ok_or_else(|| Error::internal("signing a source call"))?;
            headers.push(("authorization".to_owned(), auth));
        }
        // The host header comes from the URL.
        let extra: Vec<(&str, String)> = headers
            .iter()
            .filter(|(k, _)| k != "host")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let (status, answer) = fetcher
            .post_json_body(&self.endpoint, body, &extra, TIMEOUT)
            .await
            .map_err(|n| Error::internal(format!("the source pool: {}", n.why)))?;
        let json = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        Ok((status, json))
    }
}

/// Sets `key` of a JSON object.
fn put(v: &mut Value, key: &str, value: Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}

/// A source user as a record to import.
fn record(u: &Value, groups: Vec<String>) -> Option<UserRecord> {
    let username = u.get("Username")?.as_str()?.to_owned();
    let mut attributes = BTreeMap::new();
    let mut sub = None;
    for a in u.get("Attributes")?.as_array()? {
        let (Some(n), Some(v)) = (a.get("Name")?.as_str(), a.get("Value")?.as_str()) else {
            continue;
        };
        match n {
            "sub" => sub = uuid::Uuid::parse_str(v).ok(),
            "identities" => {}
            _ => {
                attributes.insert(n.to_owned(), v.to_owned());
            }
        }
    }
    let status = u.get("UserStatus")?.as_str()?.to_owned();
    // Only a confirmed user's password can be checked at the source.
    let confirmed = status == "CONFIRMED";
    Some(UserRecord {
        username,
        sub,
        enabled: u.get("Enabled").and_then(Value::as_bool).unwrap_or(true),
        status: Some(status),
        attributes,
        groups,
        password_hash: confirmed.then(|| PasswordHashField::Text(COGNITO_SOURCE.to_owned())),
        created_at: u
            .get("UserCreateDate")
            .and_then(Value::as_f64)
            .map(|t| t as i64),
        password_import_hook: false,
    })
}

impl App {
    async fn save_cognito_source(&self, pool: &PoolId, src: &CognitoSource) -> Result<()> {
        self.save_sealed_json(pool, PoolSecret::MigrationSource, src)
            .await
    }

    async fn cognito_source(&self, pool: &PoolId) -> Result<Option<CognitoSource>> {
        self.sealed_json(pool, PoolSecret::MigrationSource).await
    }

    /// Copies every user of `src` into `pool_id` (idempotent: users already here are
    /// skipped), remembering `src` for their first sign-ins. `fetcher` reaches the source
    /// (the caller picks its address policy); `progress` hears the total so far.
    pub async fn copy_from_cognito(
        &self,
        pool_id: &str,
        src: &CognitoSource,
        fetcher: &Fetcher,
        mut progress: impl FnMut(&BatchReport, u64),
    ) -> Result<BatchReport> {
        let pool = self.pool(pool_id).await?;
        host_of(&src.endpoint)?;
        self.save_cognito_source(&pool.id, src).await?;
        let mut total = BatchReport::default();
        let mut token: Option<String> = None;
        let mut known = HashSet::new();
        let mut rows = 0u64;
        loop {
            let mut ask = json!({"UserPoolId": src.pool_id, "Limit": 60});
            if let Some(t) = &token {
                put(&mut ask, "PaginationToken", json!(t));
            }
            let (status, page) = src
                .call(fetcher, "ListUsers", &ask, true, self.now())
                .await?;
            if status != 200 {
                return Err(Error::invalid(format!(
                    "the source pool refused ListUsers: {}",
                    page.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("(no message)")
                )));
            }
            let mut batch = Vec::new();
            for u in page
                .get("Users")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                rows += 1;
                let name = u.get("Username").and_then(Value::as_str).unwrap_or("");
                let groups = self.source_groups(src, fetcher, name).await?;
                match record(u, groups) {
                    Some(r) => batch.push((rows, r)),
                    None => total.failures.push(super::import::RowFailure {
                        line: rows,
                        reason: "the source answered a user without a name or status".into(),
                    }),
                }
            }
            let r = self
                .import_batch(&pool, batch, ImportOptions::default(), &mut known)
                .await?;
            total.created += r.created;
            total.skipped += r.skipped;
            total.valid += r.valid;
            total.failures.extend(r.failures);
            progress(&total, rows);
            token = page
                .get("PaginationToken")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if token.is_none() {
                return Ok(total);
            }
        }
    }

    async fn source_groups(
        &self,
        src: &CognitoSource,
        fetcher: &Fetcher,
        username: &str,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut ask = json!({"UserPoolId": src.pool_id, "Username": username, "Limit": 60});
            if let Some(t) = &token {
                put(&mut ask, "NextToken", json!(t));
            }
            let (status, page) = src
                .call(fetcher, "AdminListGroupsForUser", &ask, true, self.now())
                .await?;
            if status != 200 {
                return Err(Error::invalid(
                    "the source pool refused AdminListGroupsForUser",
                ));
            }
            out.extend(
                page.get("Groups")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|g| {
                        g.get("GroupName")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    }),
            );
            token = page
                .get("NextToken")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// Whether `password` is `user`'s at the source pool (false when it cannot be asked).
    pub(crate) async fn cognito_source_check(
        &self,
        pool: &UserPool,
        user: &User,
        password: &str,
    ) -> bool {
        let src = match self.cognito_source(&pool.id).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                tracing::warn!(pool = %pool.id, "a user waits for a Cognito source the pool does not have");
                return false;
            }
            Err(e) => {
                tracing::error!(pool = %pool.id, error = %e, "reading the Cognito source");
                return false;
            }
        };
        let mut params = json!({"USERNAME": user.username, "PASSWORD": password});
        if let Some(secret) = &src.client_secret {
            let hash = json!(portcullis_crypto::secret_hash::compute(
                secret,
                &user.username,
                &src.client_id
            ));
            put(&mut params, "SECRET_HASH", hash);
        }
        let admin = src.access_key_id.is_some() && src.secret_access_key.is_some();
        let (action, body) = if admin {
            (
                "AdminInitiateAuth",
                json!({"UserPoolId": src.pool_id, "ClientId": src.client_id,
                       "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": params}),
            )
        } else {
            (
                "InitiateAuth",
                json!({"ClientId": src.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                       "AuthParameters": params}),
            )
        };
        match src
            .call(&self.fetcher, action, &body, admin, self.now())
            .await
        {
            // Tokens, or a challenge that only a right password reaches.
            Ok((200, answer)) => {
                answer.get("AuthenticationResult").is_some()
                    || answer.get("ChallengeName").is_some()
            }
            Ok((status, answer)) => {
                tracing::info!(pool = %pool.id, status, error = ?answer.get("__type"), "the source pool refused a migrating sign-in");
                false
            }
            Err(e) => {
                tracing::warn!(pool = %pool.id, error = %e, "the source pool could not be asked");
                false
            }
        }
    }

    /// How many users still wait for their first sign-in to be checked at the source.
    pub async fn migration_waiting(&self, pool_id: &str) -> Result<u64> {
        let pool = self.pool(pool_id).await?;
        self.store
            .count_users_with_hash(&pool.id, COGNITO_SOURCE)
            .await
    }

    /// Ends the window: every user still waiting must reset their password (status
    /// RESET_REQUIRED, a reset code mailed); how many, and how many codes went out.
    /// `progress` hears the count after each page.
    pub async fn reset_not_migrated(
        &self,
        pool_id: &str,
        mut progress: impl FnMut(u64),
    ) -> Result<(u64, u64)> {
        let pool = self.pool(pool_id).await?;
        let (mut reset, mut mailed) = (0u64, 0u64);
        loop {
            // Each page's users stop waiting, so the next page starts from the beginning.
            let page = self
                .store
                .users_with_hash(&pool.id, COGNITO_SOURCE, 200, None)
                .await?;
            if page.items.is_empty() {
                return Ok((reset, mailed));
            }
            for mut u in page.items {
                u.password_hash = None;
                u.status = portcullis_core::user::UserStatus::ResetRequired;
                u.updated_at = self.now();
                self.store.update_user(&u, None).await?;
                reset += 1;
                match self.forgot_password_at_once(&pool, &u.username).await {
                    Ok(Some(_)) => mailed += 1,
                    Ok(None) => {}
                    Err(e) => tracing::warn!(pool = %pool.id, error = ?e, "no reset code"),
                }
            }
            progress(reset);
        }
    }
}
