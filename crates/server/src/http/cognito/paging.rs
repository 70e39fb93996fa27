//! Cognito's paging for the List* actions that read a whole (small) list: a page size
//! (`MaxResults` or `Limit`, each action with its own bounds) and an opaque token naming the
//! last item of the previous page. Items are ordered by a key that never changes for an
//! item, and a page starts after the token's key, so rows added or removed between calls
//! neither repeat nor push others out. The last page has no token.

use super::Call;
use super::call::lower_first;
use super::error::CognitoError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// A page asked for: at most `size` items after `after` (a key).
pub(crate) struct PageAsk {
    size: usize,
    after: Option<String>,
}

/// How an action names and bounds its paging members.
pub(crate) struct Paging {
    /// `MaxResults` or `Limit`.
    pub size: &'static str,
    /// `NextToken` or `PaginationToken`.
    pub token: &'static str,
    pub max: u64,
    /// ListUserPools and ListResourceServers require the size.
    pub required: bool,
}

pub(crate) const MAX_RESULTS_60: Paging = Paging {
    size: "MaxResults",
    token: "NextToken",
    max: 60,
    required: false,
};

pub(crate) const LIMIT_60: Paging = Paging {
    size: "Limit",
    token: "NextToken",
    max: 60,
    required: false,
};

/// The token's text: a version and the key, so a changed encoding can be told apart.
const PREFIX: &str = "p1:";

impl Paging {
    /// The page asked for, with Cognito's validation messages.
    pub(crate) fn ask(&self, c: &Call<'_>) -> Result<PageAsk, CognitoError> {
        let member = lower_first(self.size);
        let size = match c.input.get(self.size) {
            None | Some(Value::Null) if self.required => {
                return Err(CognitoError::invalid_parameter(&format!(
                    "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
                )));
            }
            None | Some(Value::Null) => self.max,
            Some(v) => {
                let n = v.as_u64().ok_or_else(|| {
                    CognitoError::serialization(&format!("{} must be an integer", self.size))
                })?;
                if n > self.max {
                    return Err(CognitoError::invalid_parameter(&format!(
                        "1 validation error detected: Value '{n}' at '{member}' failed to satisfy constraint: Member must have value less than or equal to {}",
                        self.max
                    )));
                }
                if n == 0 { self.max } else { n }
            }
        };
        let after = match c.opt_string(self.token)? {
            None => None,
            Some(t) => Some(decode(t).ok_or_else(|| {
                CognitoError::invalid_parameter(&format!("{} is not valid", self.token))
            })?),
        };
        Ok(PageAsk {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            after,
        })
    }

    /// Puts the page of `items` into `out[list]`, with the token when more follow.
    pub(crate) fn answer<T>(
        &self,
        ask: &PageAsk,
        mut items: Vec<T>,
        key: impl Fn(&T) -> String,
        show: impl Fn(&T) -> Value,
        list: &str,
    ) -> Value {
        items.sort_by_key(&key);
        let rest: Vec<&T> = items
            .iter()
            .filter(|i| ask.after.as_ref().is_none_or(|a| key(i) > *a))
            .collect();
        let page: Vec<&T> = rest.iter().take(ask.size).copied().collect();
        let mut out = serde_json::json!({ list: page.iter().map(|i| show(i)).collect::<Vec<_>>() });
        if rest.len() > page.len()
            && let Some(last) = page.last()
        {
            super::set(&mut out, self.token, Value::String(encode(&key(last))));
        }
        out
    }
}

pub(crate) fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{key}"))
}

pub(crate) fn decode(token: &str) -> Option<String> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    text.strip_prefix(PREFIX).map(str::to_owned)
}

/// A key that orders by creation time, then by id: what is added later comes later.
pub(crate) fn by_creation(created_at: i64, id: &str) -> String {
    format!("{created_at:020}:{id}")
}
