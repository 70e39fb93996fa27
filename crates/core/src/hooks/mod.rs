//! Hooks: Cognito's Lambda triggers, called as signed webhooks. A pool names an HTTPS URL
//! per trigger (where Cognito takes a Lambda ARN); the server posts Cognito's event JSON
//! there and reads the answer as a Lambda's return value. This module holds the
//! configuration and its checks, the event envelope, and the reading of each trigger's
//! answer; the calling itself (signing, deadline, retries) lives in the app.

pub mod answers;
pub mod event;
pub mod pre_token;

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Cognito's trigger names, as the keys of `LambdaConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Trigger {
    PreSignUp,
    CustomMessage,
    PostConfirmation,
    PreAuthentication,
    PostAuthentication,
    DefineAuthChallenge,
    CreateAuthChallenge,
    VerifyAuthChallengeResponse,
    PreTokenGeneration,
    UserMigration,
    InboundFederation,
}

impl Trigger {
    pub const ALL: [Trigger; 11] = [
        Trigger::PreSignUp,
        Trigger::CustomMessage,
        Trigger::PostConfirmation,
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::DefineAuthChallenge,
        Trigger::CreateAuthChallenge,
        Trigger::VerifyAuthChallengeResponse,
        Trigger::PreTokenGeneration,
        Trigger::UserMigration,
        Trigger::InboundFederation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::CustomMessage => "CustomMessage",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreAuthentication => "PreAuthentication",
            Trigger::PostAuthentication => "PostAuthentication",
            Trigger::DefineAuthChallenge => "DefineAuthChallenge",
            Trigger::CreateAuthChallenge => "CreateAuthChallenge",
            Trigger::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::UserMigration => "UserMigration",
            Trigger::InboundFederation => "InboundFederation",
        }
    }

    pub fn parse(name: &str) -> Result<Trigger> {
        Trigger::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Trigger::ALL.iter().map(|t| t.name()).collect();
                Error::invalid(format!(
                    "{name:?} is not a trigger; the triggers are {}",
                    names.join(", ")
                ))
            })
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which event the PreTokenGeneration hook gets: V1_0 changes the ID token only, V2_0 both
/// tokens of users, V3_0 also machine (client_credentials) access tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreTokenVersion {
    #[default]
    V1_0,
    V2_0,
    V3_0,
}

impl PreTokenVersion {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "V1_0" => Ok(PreTokenVersion::V1_0),
            "V2_0" => Ok(PreTokenVersion::V2_0),
            "V3_0" => Ok(PreTokenVersion::V3_0),
            _ => Err(Error::invalid(format!(
                "LambdaVersion {s:?} must be V1_0, V2_0 or V3_0"
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PreTokenVersion::V1_0 => "V1_0",
            PreTokenVersion::V2_0 => "V2_0",
            PreTokenVersion::V3_0 => "V3_0",
        }
    }

    /// The event's `version` member.
    pub fn event_version(self) -> &'static str {
        match self {
            PreTokenVersion::V1_0 => "1",
            PreTokenVersion::V2_0 => "2",
            PreTokenVersion::V3_0 => "3",
        }
    }
}

/// A pool's hooks (Cognito's `LambdaConfig`): a URL per trigger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Hooks {
    pub targets: BTreeMap<Trigger, String>,
    pub pre_token_version: PreTokenVersion,
    /// Okta's password import inline hook (not a Cognito trigger): asked at the first
    /// sign-in of users imported with `password_import_hook`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_import: Option<String>,
}

/// The longest hook URL (Cognito's limit on an ARN).
const MAX_URL: usize = 2048;

impl Hooks {
    pub fn target(&self, trigger: Trigger) -> Option<&str> {
        self.targets.get(&trigger).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    pub fn validate(&self) -> Result<()> {
        for (t, url) in &self.targets {
            check_target(*t, url)?;
        }
        if let Some(url) = &self.password_import {
            check_url("the password import hook", url)?;
        }
        Ok(())
    }

    /// Every URL, with what it is for.
    pub fn urls(&self) -> impl Iterator<Item = &String> {
        self.targets.values().chain(&self.password_import)
    }
}

/// A hook target is an absolute `https://` (or `http://`) URL without credentials or
/// fragment. A Lambda ARN is refused by name: Portcullis calls URLs, not functions.
pub fn check_target(trigger: Trigger, url: &str) -> Result<()> {
    check_url(&format!("LambdaConfig.{trigger}"), url)
}

/// A webhook URL, named `what` in the errors.
pub fn check_url(what: &str, url: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::invalid(format!("{what}: {why}")));
    if url.starts_with("arn:") {
        return bad(
            "Portcullis calls hooks as webhooks: give the https:// URL of your receiver where \
             Cognito takes a Lambda ARN",
        );
    }
    if url.len() > MAX_URL {
        return bad("the URL is longer than 2048 characters");
    }
    let Ok(u) = url::Url::parse(url) else {
        return bad("not an absolute URL");
    };
    if u.scheme() != "https" && u.scheme() != "http" {
        return bad("the URL must start with https://");
    }
    if u.host_str().is_none_or(str::is_empty) {
        return bad("the URL has no host");
    }
    if !u.username().is_empty() || u.password().is_some() {
        return bad("the URL may not carry credentials; hooks are authenticated by signature");
    }
    if u.fragment().is_some() {
        return bad("the URL may not have a fragment");
    }
    Ok(())
}

/// How a hook call failed. Each maps to Cognito's exception for a Lambda that did the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookFailure {
    /// The hook said no (4xx, with a message): UserLambdaValidationException.
    Refused(String),
    /// No answer: down, too slow, or 5xx three times: UnexpectedLambdaException. The text
    /// is the error's name users see (`TimeoutException`, `ServiceException`); details go
    /// to the log where the call failed.
    Unreachable(String),
    /// An answer that is not the trigger's event shape: InvalidLambdaResponseException.
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookError {
    pub trigger: Trigger,
    pub failure: HookFailure,
}

impl HookError {
    pub fn invalid(trigger: Trigger, why: impl Into<String>) -> Error {
        Error::Hook(HookError {
            trigger,
            failure: HookFailure::Invalid(why.into()),
        })
    }

    /// The words users and API callers see, in Cognito's phrasing.
    pub fn message(&self) -> String {
        let t = self.trigger;
        match &self.failure {
            HookFailure::Refused(m) => format!("{t} failed with error {m}."),
            HookFailure::Unreachable(code) => {
                format!("{t} invocation failed due to error {code}.")
            }
            HookFailure::Invalid(_) => "Unrecognizable lambda output".to_owned(),
        }
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            HookFailure::Refused(m) => write!(f, "{} refused: {m}", self.trigger),
            HookFailure::Unreachable(m) => write!(f, "{} unreachable: {m}", self.trigger),
            HookFailure::Invalid(m) => write!(f, "{} answered badly: {m}", self.trigger),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_urls_not_arns() {
        let ok = |u: &str| check_target(Trigger::PreSignUp, u);
        assert!(ok("https://hooks.acme.example/pre-signup").is_ok());
        assert!(ok("http://127.0.0.1:9000/x").is_ok());
        let arn = ok("arn:aws:lambda:us-east-1:123456789012:function:pre").unwrap_err();
        assert!(arn.to_string().contains("https:// URL"), "{arn}");
        for bad in [
            "ftp://x.example/",
            "/relative",
            "https://u:p@x.example/",
            "https://x.example/#f",
        ] {
            assert!(ok(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn trigger_names_round_trip() {
        for t in Trigger::ALL {
            assert_eq!(Trigger::parse(t.name()).unwrap(), t);
        }
        assert!(Trigger::parse("PreSignup").is_err());
    }

    #[test]
    fn hooks_serialize_with_trigger_keys() {
        let mut h = Hooks::default();
        h.targets
            .insert(Trigger::PreSignUp, "https://h.example/a".into());
        let j = serde_json::to_string(&h).unwrap();
        assert!(j.contains("\"PreSignUp\""), "{j}");
        assert_eq!(serde_json::from_str::<Hooks>(&j).unwrap(), h);
    }
}
