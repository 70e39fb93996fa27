//! The account triggers: PreSignUp (sign-up, administrator creation, first federated
//! sign-in), PostConfirmation (sign-up confirmed, forgotten password reset) and
//! CustomMessage (every message that carries a code or a temporary password). Each runs
//! before anything is written, so a refusal leaves no trace.

use super::call::HookCall;
use crate::App;
use portcullis_core::Result;
use portcullis_core::hooks::Trigger;
use portcullis_core::hooks::answers::{CODE_PARAMETER, CustomMessage, PreSignUp};
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use serde_json::{Value, json};

/// The attributes a hook sees: the user's, with `sub` and Cognito's status pseudo-attribute.
pub(crate) fn event_attributes(user: &User) -> Value {
    let mut a = serde_json::Map::new();
    for (k, v) in &user.attributes {
        a.insert(k.clone(), json!(v));
    }
    a.insert("sub".into(), json!(user.sub.to_string()));
    a.insert("cognito:user_status".into(), json!(user.status.as_str()));
    Value::Object(a)
}

/// Where a PreSignUp fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpSource {
    SignUp,
    AdminCreateUser,
    ExternalProvider,
}

impl SignUpSource {
    fn name(self) -> &'static str {
        match self {
            SignUpSource::SignUp => "PreSignUp_SignUp",
            SignUpSource::AdminCreateUser => "PreSignUp_AdminCreateUser",
            SignUpSource::ExternalProvider => "PreSignUp_ExternalProvider",
        }
    }
}

/// Which message a CustomMessage hook may rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageSource {
    SignUp,
    ResendCode,
    ForgotPassword,
    UpdateUserAttribute,
    VerifyUserAttribute,
    AdminCreateUser,
}

impl MessageSource {
    fn name(self) -> &'static str {
        match self {
            MessageSource::SignUp => "CustomMessage_SignUp",
            MessageSource::ResendCode => "CustomMessage_ResendCode",
            MessageSource::ForgotPassword => "CustomMessage_ForgotPassword",
            MessageSource::UpdateUserAttribute => "CustomMessage_UpdateUserAttribute",
            MessageSource::VerifyUserAttribute => "CustomMessage_VerifyUserAttribute",
            MessageSource::AdminCreateUser => "CustomMessage_AdminCreateUser",
        }
    }
}

/// A message about to go out: its subject and body as the pool's templates made them, and
/// the secret it carries (a code or a temporary password).
pub struct Draft<'a> {
    pub subject: String,
    pub body: String,
    pub secret: &'a str,
}

impl App {
    /// PreSignUp: the hook's decision on `user` (not yet written). Without a hook, the
    /// default answer (nothing auto-confirmed).
    pub async fn pre_sign_up(
        &self,
        pool: &UserPool,
        source: SignUpSource,
        client_id: Option<&str>,
        user: &User,
        validation_data: Option<&Value>,
    ) -> Result<PreSignUp> {
        let answer = self
            .hook(
                pool,
                HookCall {
                    trigger: Trigger::PreSignUp,
                    source: source.name(),
                    version: "1",
                    user_name: Some(&user.username),
                    client_id,
                    request: json!({
                        "userAttributes": event_attributes(user),
                        "validationData": validation_data.cloned().unwrap_or(json!({})),
                        "clientMetadata": {},
                    }),
                    response: json!({
                        "autoConfirmUser": false,
                        "autoVerifyEmail": false,
                        "autoVerifyPhone": false,
                    }),
                },
            )
            .await?;
        answer.map_or(Ok(PreSignUp::default()), |r| PreSignUp::read(&r))
    }

    /// PostConfirmation for `user`, about to be saved confirmed (or with a new password).
    pub async fn post_confirmation(
        &self,
        pool: &UserPool,
        forgot_password: bool,
        client_id: Option<&str>,
        user: &User,
    ) -> Result<()> {
        let source = if forgot_password {
            "PostConfirmation_ConfirmForgotPassword"
        } else {
            "PostConfirmation_ConfirmSignUp"
        };
        self.hook(
            pool,
            HookCall {
                trigger: Trigger::PostConfirmation,
                source,
                version: "1",
                user_name: Some(&user.username),
                client_id,
                request: json!({
                    "userAttributes": event_attributes(user),
                    "clientMetadata": {},
                }),
                response: json!({}),
            },
        )
        .await
        .map(|_| ())
    }

    /// CustomMessage: the hook may replace the subject and body; a replaced body keeps the
    /// `{####}` placeholder, which is filled with the secret here. Without a hook, or when
    /// it changes nothing, the draft goes out as the templates made it.
    pub async fn custom_message(
        &self,
        pool: &UserPool,
        source: MessageSource,
        client_id: Option<&str>,
        user: &User,
        draft: Draft<'_>,
    ) -> Result<(String, String)> {
        let answer = self
            .hook(
                pool,
                HookCall {
                    trigger: Trigger::CustomMessage,
                    source: source.name(),
                    version: "1",
                    user_name: Some(&user.username),
                    client_id,
                    request: json!({
                        "userAttributes": event_attributes(user),
                        "codeParameter": CODE_PARAMETER,
                        "usernameParameter": user.username,
                        "linkParameter": "{##Click Here##}",
                        "clientMetadata": {},
                    }),
                    response: json!({
                        "smsMessage": null,
                        "emailMessage": null,
                        "emailSubject": null,
                    }),
                },
            )
            .await?;
        let Some(r) = answer else {
            return Ok((draft.subject, draft.body));
        };
        let m = CustomMessage::read(&r, true)?;
        Ok((
            m.email_subject.unwrap_or(draft.subject),
            m.email_message
                .map_or(draft.body, |b| b.replace(CODE_PARAMETER, draft.secret)),
        ))
    }
}
