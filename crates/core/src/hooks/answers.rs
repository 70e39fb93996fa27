//! Reading each trigger's `response`: only the members Cognito defines, with their types
//! checked. A wrong type is an invalid answer (InvalidLambdaResponseException), never a
//! guess.

use super::{HookError, Trigger};
use crate::Result;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A boolean member; absent or `null` is false.
fn flag(t: Trigger, r: &Map<String, Value>, name: &str) -> Result<bool> {
    match r.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(HookError::invalid(
            t,
            format!("{name} must be true or false"),
        )),
    }
}

/// A string member; absent or `null` is `None`.
fn text(t: Trigger, r: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match r.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(HookError::invalid(t, format!("{name} must be a string"))),
    }
}

/// A map of strings (user attributes, challenge parameters); absent or `null` is empty.
fn strings(t: Trigger, r: &Map<String, Value>, name: &str) -> Result<BTreeMap<String, String>> {
    match r.get(name) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(HookError::invalid(
                    t,
                    format!("{name}.{k} must be a string"),
                )),
            })
            .collect(),
        Some(_) => Err(HookError::invalid(t, format!("{name} must be an object"))),
    }
}

/// PreSignUp: what to do with the new user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreSignUp {
    pub auto_confirm_user: bool,
    pub auto_verify_email: bool,
    pub auto_verify_phone: bool,
}

impl PreSignUp {
    /// Applies the decision to the user about to be created: confirmed, and the email
    /// address or phone number marked verified. Verifying an attribute the user lacks is
    /// refused, as Cognito refuses it.
    pub fn apply(&self, user: &mut crate::user::User) -> Result<()> {
        for (wanted, attribute) in [
            (self.auto_verify_email, "email"),
            (self.auto_verify_phone, "phone_number"),
        ] {
            if !wanted {
                continue;
            }
            if user.attributes.get(attribute).is_none_or(String::is_empty) {
                return Err(crate::Error::invalid(format!(
                    "PreSignUp asked to verify {attribute}, which the user does not have"
                )));
            }
            user.attributes
                .insert(format!("{attribute}_verified"), "true".into());
        }
        if self.auto_confirm_user {
            user.status = crate::user::UserStatus::Confirmed;
        }
        Ok(())
    }

    /// The decision for users whose status the flow sets itself (created by an
    /// administrator, or federated): only the verification flags count.
    pub fn without_confirmation(self) -> Self {
        PreSignUp {
            auto_confirm_user: false,
            ..self
        }
    }

    pub fn read(r: &Map<String, Value>) -> Result<Self> {
        let t = Trigger::PreSignUp;
        Ok(PreSignUp {
            auto_confirm_user: flag(t, r, "autoConfirmUser")?,
            auto_verify_email: flag(t, r, "autoVerifyEmail")?,
            auto_verify_phone: flag(t, r, "autoVerifyPhone")?,
        })
    }
}

/// CustomMessage: replacements for the message's subject and body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomMessage {
    pub email_subject: Option<String>,
    pub email_message: Option<String>,
    pub sms_message: Option<String>,
}

/// The placeholder the hook must keep where the code goes (Cognito's `codeParameter`).
pub const CODE_PARAMETER: &str = "{####}";

impl CustomMessage {
    /// With `needs_code`, a replaced email body must keep the code placeholder: a message
    /// that lost its code would leave the user unable to finish.
    pub fn read(r: &Map<String, Value>, needs_code: bool) -> Result<Self> {
        let t = Trigger::CustomMessage;
        let m = CustomMessage {
            email_subject: text(t, r, "emailSubject")?,
            email_message: text(t, r, "emailMessage")?,
            sms_message: text(t, r, "smsMessage")?,
        };
        if needs_code
            && let Some(body) = &m.email_message
            && !body.contains(CODE_PARAMETER)
        {
            return Err(HookError::invalid(
                t,
                format!("emailMessage must contain the code parameter {CODE_PARAMETER}"),
            ));
        }
        if m.email_subject.as_ref().is_some_and(|s| s.len() > 140) {
            return Err(HookError::invalid(
                t,
                "emailSubject is longer than 140 characters",
            ));
        }
        if m.email_message.as_ref().is_some_and(|s| s.len() > 20_000) {
            return Err(HookError::invalid(
                t,
                "emailMessage is longer than 20,000 characters",
            ));
        }
        Ok(m)
    }
}

/// UserMigration: the user to create from the legacy store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserMigration {
    pub user_attributes: BTreeMap<String, String>,
    /// `CONFIRMED` (the default) or `RESET_REQUIRED`.
    pub reset_required: bool,
    /// `SUPPRESS`: no welcome message. Portcullis sends none either way (the user is
    /// signing in, not invited); kept for the record.
    pub suppress_message: bool,
    pub force_alias_creation: bool,
}

impl UserMigration {
    pub fn read(r: &Map<String, Value>) -> Result<Self> {
        let t = Trigger::UserMigration;
        let reset_required = match text(t, r, "finalUserStatus")?.as_deref() {
            None | Some("CONFIRMED") => false,
            Some("RESET_REQUIRED") => true,
            Some(o) => {
                return Err(HookError::invalid(
                    t,
                    format!("finalUserStatus {o:?} must be CONFIRMED or RESET_REQUIRED"),
                ));
            }
        };
        let suppress_message = match text(t, r, "messageAction")?.as_deref() {
            None | Some("RESEND") => false,
            Some("SUPPRESS") => true,
            Some(o) => {
                return Err(HookError::invalid(
                    t,
                    format!("messageAction {o:?} must be SUPPRESS or RESEND"),
                ));
            }
        };
        let user_attributes = strings(t, r, "userAttributes")?;
        if user_attributes.is_empty() {
            // Cognito treats an answer without attributes as "no such user".
            return Err(HookError::invalid(t, "userAttributes is empty"));
        }
        Ok(UserMigration {
            user_attributes,
            reset_required,
            suppress_message,
            force_alias_creation: flag(t, r, "forceAliasCreation")?,
        })
    }
}

/// DefineAuthChallenge: the next step of a CUSTOM_AUTH sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefineAuthChallenge {
    pub challenge_name: Option<String>,
    pub issue_tokens: bool,
    pub fail_authentication: bool,
}

impl DefineAuthChallenge {
    pub fn read(r: &Map<String, Value>) -> Result<Self> {
        let t = Trigger::DefineAuthChallenge;
        Ok(DefineAuthChallenge {
            challenge_name: text(t, r, "challengeName")?.filter(|s| !s.is_empty()),
            issue_tokens: flag(t, r, "issueTokens")?,
            fail_authentication: flag(t, r, "failAuthentication")?,
        })
    }
}

/// CreateAuthChallenge: what the client sees, what only the verifier sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateAuthChallenge {
    pub public: BTreeMap<String, String>,
    pub private: BTreeMap<String, String>,
    pub metadata: Option<String>,
}

impl CreateAuthChallenge {
    pub fn read(r: &Map<String, Value>) -> Result<Self> {
        let t = Trigger::CreateAuthChallenge;
        Ok(CreateAuthChallenge {
            public: strings(t, r, "publicChallengeParameters")?,
            private: strings(t, r, "privateChallengeParameters")?,
            metadata: text(t, r, "challengeMetadata")?,
        })
    }
}

/// VerifyAuthChallengeResponse: whether the answer was right.
pub fn answer_correct(r: &Map<String, Value>) -> Result<bool> {
    flag(Trigger::VerifyAuthChallengeResponse, r, "answerCorrect")
}

/// InboundFederation: the attributes to map, replacing what the provider sent. `None`
/// when the hook left them alone.
pub fn attributes_to_map(r: &Map<String, Value>) -> Result<Option<BTreeMap<String, String>>> {
    let t = Trigger::InboundFederation;
    if r.get("userAttributesToMap").is_none_or(Value::is_null) {
        return Ok(None);
    }
    strings(t, r, "userAttributesToMap").map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn pre_sign_up_reads_flags_and_refuses_wrong_types() {
        let r = PreSignUp::read(&obj(json!({"autoConfirmUser": true}))).unwrap();
        assert!(r.auto_confirm_user && !r.auto_verify_email);
        assert!(PreSignUp::read(&obj(json!({"autoConfirmUser": "yes"}))).is_err());
    }

    #[test]
    fn custom_messages_keep_the_code() {
        let lost = obj(json!({"emailMessage": "Welcome!"}));
        assert!(CustomMessage::read(&lost, true).is_err());
        assert!(CustomMessage::read(&lost, false).is_ok());
        let kept = obj(json!({"emailMessage": "Code: {####}", "emailSubject": "Hi"}));
        assert_eq!(
            CustomMessage::read(&kept, true)
                .unwrap()
                .email_subject
                .as_deref(),
            Some("Hi")
        );
    }

    #[test]
    fn migration_answers_need_attributes_and_known_statuses() {
        assert!(UserMigration::read(&obj(json!({}))).is_err());
        let ok = obj(json!({"userAttributes": {"email": "a@x.example"},
                            "finalUserStatus": "RESET_REQUIRED"}));
        assert!(UserMigration::read(&ok).unwrap().reset_required);
        let odd = obj(json!({"userAttributes": {"email": "a@x.example"},
                             "finalUserStatus": "FORCE_CHANGE_PASSWORD"}));
        assert!(UserMigration::read(&odd).is_err());
    }
}
