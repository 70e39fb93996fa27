//! One action being answered (`Call`): the members of its JSON input, read with Cognito's
//! own errors (`SerializationException` for a wrong type, `InvalidParameterException` for a
//! missing member), and the pool it names, as the caller's access key allows.

use super::Shared;
use super::error::CognitoError;
use serde_json::Value;

/// Everything an action handler gets: the app, the caller's access key, the parsed body.
pub(crate) struct Call<'a> {
    pub s: &'a Shared,
    pub key: Option<portcullis_core::access_key::AccessKey>,
    pub input: Value,
    /// For sign-in throttling: the TCP peer.
    pub client_ip: String,
}

impl Call<'_> {
    /// A required string member.
    pub fn string(&self, name: &str) -> Result<&str, CognitoError> {
        match self.input.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(CognitoError::serialization(&format!(
                "{name} must be a string"
            ))),
            None => Err(CognitoError::invalid_parameter(&format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(name)
            ))),
        }
    }

    pub fn opt_string(&self, name: &str) -> Result<Option<&str>, CognitoError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(CognitoError::serialization(&format!(
                "{name} must be a string"
            ))),
        }
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, CognitoError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(CognitoError::serialization(&format!(
                "{name} must be a boolean"
            ))),
        }
    }

    /// An optional non-negative integer member.
    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, CognitoError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                CognitoError::serialization(&format!("{name} must be a non-negative integer"))
            }),
        }
    }

    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>, CognitoError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| {
                    CognitoError::serialization(&format!("{name} must be a list of strings"))
                }),
            Some(_) => Err(CognitoError::serialization(&format!(
                "{name} must be a list"
            ))),
        }
    }

    /// A `[{Name, Value}]` list as a map. Cognito reads the yes/no values of
    /// `email_verified` and `phone_number_verified` without regard to case (`True`); they are
    /// stored as `true` / `false`.
    pub fn attributes(
        &self,
        name: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, CognitoError> {
        let mut out = std::collections::BTreeMap::new();
        let Some(list) = self.input.get(name) else {
            return Ok(out);
        };
        let bad =
            || CognitoError::serialization(&format!("{name} must be a list of {{Name, Value}}"));
        for item in list.as_array().ok_or_else(bad)? {
            let n = item.get("Name").and_then(Value::as_str).ok_or_else(bad)?;
            let v = item.get("Value").and_then(Value::as_str).unwrap_or("");
            let v = match n {
                "email_verified" | "phone_number_verified"
                    if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") =>
                {
                    v.to_ascii_lowercase()
                }
                _ => v.to_owned(),
            };
            out.insert(n.to_owned(), v);
        }
        Ok(out)
    }

    /// A string map member (`AuthParameters`, `ChallengeResponses`).
    pub fn map(
        &self,
        name: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, CognitoError> {
        let Some(v) = self.input.get(name) else {
            return Ok(Default::default());
        };
        let obj = v
            .as_object()
            .ok_or_else(|| CognitoError::serialization(&format!("{name} must be a map")))?;
        obj.iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(CognitoError::serialization(&format!(
                    "{name} values must be strings"
                ))),
            })
            .collect()
    }

    pub fn core(&self, resource: Option<&str>) -> impl Fn(portcullis_core::Error) -> CognitoError {
        let r = resource.map(str::to_owned);
        move |e| CognitoError::from_core(e, r.as_deref())
    }

    /// The pool named by `UserPoolId`, if this caller may administer it. A key scoped to
    /// other pools is refused before the lookup, so it cannot tell which pools exist.
    pub async fn pool(&self) -> Result<portcullis_core::pool::UserPool, CognitoError> {
        let id = self.string("UserPoolId")?;
        if let Some(k) = &self.key
            && !k.is_global()
            && !portcullis_core::ids::PoolId::parse(id).is_ok_and(|p| k.allows(&p))
        {
            return Err(CognitoError::access_denied(id));
        }
        self.s
            .app
            .pool(id)
            .await
            .map_err(|e| CognitoError::from_core(e, Some(id)))
    }
}

pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
