//! What a pool's messages say and who they come from: the templates (with Cognito's
//! placeholders, checked when they are set) and the sender addresses.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Texts of the messages a pool sends, with Cognito's placeholders: `{####}` is the code
/// (or the temporary password in invitations), `{username}` the user's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessageTemplates {
    pub verification_subject: String,
    pub verification_message: String,
    pub invitation_subject: String,
    pub invitation_message: String,
    /// Sign-up confirmation by link instead of code (Cognito's `CONFIRM_WITH_LINK`).
    pub confirm_with_link: bool,
    /// `{##text##}` becomes the confirmation link.
    pub link_subject: String,
    pub link_message: String,
}

impl Default for MessageTemplates {
    fn default() -> Self {
        MessageTemplates {
            verification_subject: "Your verification code".into(),
            verification_message: "Your verification code is {####}.".into(),
            invitation_subject: "Your temporary password".into(),
            invitation_message: "Your username is {username} and your temporary password is {####}"
                .into(),
            confirm_with_link: false,
            link_subject: "Confirm your account".into(),
            link_message: "Please confirm your account: {##Confirm##}".into(),
        }
    }
}

impl MessageTemplates {
    /// Cognito's rules: the code placeholder must be there; invitations need the username.
    pub fn validate(&self) -> Result<()> {
        let ok_len = |s: &str, max: usize| !s.trim().is_empty() && s.chars().count() <= max;
        if !ok_len(&self.verification_subject, 140) || !ok_len(&self.invitation_subject, 140) {
            return Err(Error::invalid("message subjects must be 1-140 characters"));
        }
        if !ok_len(&self.verification_message, 20_000)
            || !self.verification_message.contains("{####}")
        {
            return Err(Error::invalid(
                "the verification message must contain {####}",
            ));
        }
        if !ok_len(&self.invitation_message, 20_000)
            || !self.invitation_message.contains("{####}")
            || !self.invitation_message.contains("{username}")
        {
            return Err(Error::invalid(
                "the invitation message must contain {username} and {####}",
            ));
        }
        if self.confirm_with_link && link_parts(&self.link_message).is_none() {
            return Err(Error::invalid(
                "the link message must contain {##link text##}",
            ));
        }
        // Checked even while links are off: switching them on must not find a bad template.
        if self.link_message.contains("{##") && link_parts(&self.link_message).is_none() {
            return Err(Error::invalid(
                "the link message must contain {##link text##} with the link's text",
            ));
        }
        Ok(())
    }

    /// Puts `url` where `{##text##}` is, as `text: url`; `None` when the template has no
    /// such placeholder (templates are validated when set, so that means a bug).
    pub fn render_link(template: &str, url: &str) -> Option<String> {
        let (before, text, after) = link_parts(template)?;
        Some(format!("{before}{text}: {url}{after}"))
    }

    /// Fills the placeholders.
    pub fn render(template: &str, code: &str, username: &str) -> String {
        template
            .replace("{####}", code)
            .replace("{username}", username)
    }
}

/// A link template split at its `{##text##}`: what comes before, the link's text (not
/// empty), and what comes after.
fn link_parts(template: &str) -> Option<(&str, &str, &str)> {
    let (before, rest) = template.split_once("{##")?;
    let (text, after) = rest.split_once("##}")?;
    (!text.trim().is_empty()).then_some((before, text, after))
}

/// Who a pool's messages come from (Cognito's `EmailConfiguration.From` and
/// `ReplyToEmailAddress`); unset, the deployment's sender is used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    /// `no-reply@acme.example` or `Acme <no-reply@acme.example>`.
    pub from: Option<String>,
    pub reply_to: Option<String>,
}

impl EmailSettings {
    pub fn validate(&self) -> Result<()> {
        for (what, v) in [
            ("From", &self.from),
            ("ReplyToEmailAddress", &self.reply_to),
        ] {
            if let Some(v) = v {
                let addr = v
                    .rsplit_once('<')
                    .map_or(v.as_str(), |(_, a)| a.trim_end_matches('>'));
                if v.len() > 320
                    || v.chars().any(char::is_control)
                    || !crate::attribute::looks_like_email(addr)
                {
                    return Err(Error::invalid(format!(
                        "{what} {v:?} is not an email address"
                    )));
                }
            }
        }
        Ok(())
    }
}
