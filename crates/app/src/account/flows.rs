//! Self-service sign-up and forgotten passwords, shared by the Cognito API and the hosted
//! pages: the same rules, the same codes, the same messages. Attribute changes and email
//! verification are `attributes.rs`.

use super::codes::CodeError;
use crate::App;
use crate::hooks::account::{Draft, MessageSource, SignUpSource};
use portcullis_core::error::Entity;
use portcullis_core::message::{OutboundMessage, mask_email};
use portcullis_core::pool::{MessageTemplates, Recovery, UserPool};
use portcullis_core::user::{User, UserStatus};
use portcullis_core::{Error, Result};
use std::collections::BTreeMap;

pub const SIGN_UP: &str = "sign_up";
pub const FORGOT_PASSWORD: &str = "forgot_password";
pub const VERIFY_EMAIL: &str = "verify_email";
pub(super) const SIGN_UP_CODE_TTL: i64 = 24 * 3600;
const FORGOT_CODE_TTL: i64 = 3600;

/// Where a code went, as Cognito reports it (`CodeDeliveryDetails`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub destination: String,
}

#[derive(Debug)]
pub enum AccountError {
    Core(Error),
    Code(CodeError),
    /// Too many codes sent within the hour.
    LimitExceeded,
    /// The user is in a state that does not allow this (e.g. already confirmed).
    WrongState(UserStatus),
    /// The pool's account recovery is `admin_only`: users cannot reset their own password.
    AdminOnlyRecovery,
}

impl From<Error> for AccountError {
    fn from(e: Error) -> Self {
        AccountError::Core(e)
    }
}

impl App {
    async fn send_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: &str,
        ttl: i64,
    ) -> Result<Option<Delivery>, AccountError> {
        let Some(email) = user.email() else {
            return Ok(None);
        };
        self.send_code_to(pool, user, email, purpose, ttl, None)
            .await
            .map(Some)
    }

    /// The sign-up code, or, when the pool confirms by link, a link that carries it.
    async fn send_sign_up_code(
        &self,
        pool: &UserPool,
        user: &User,
        client_id: &str,
    ) -> Result<Option<Delivery>, AccountError> {
        if user.email().is_none() {
            return Ok(None);
        }
        let code = self
            .new_code(user, SIGN_UP, SIGN_UP_CODE_TTL, None)
            .await?
            .ok_or(AccountError::LimitExceeded)?;
        let source = MessageSource::ResendCode;
        match self
            .sign_up_message(pool, user, client_id, &code, source)
            .await?
        {
            Some((message, delivery)) => {
                self.store.enqueue_message(&message).await?;
                Ok(Some(delivery))
            }
            None => Ok(None),
        }
    }

    /// The message that brings `code` to a new user: the verification template, or, when the
    /// pool confirms by link (and the server knows its public URL), the link template with a
    /// link that carries it (a code message passes through the CustomMessage hook). `None`
    /// for a user without an email address. Nothing is written.
    async fn sign_up_message(
        &self,
        pool: &UserPool,
        user: &User,
        client_id: &str,
        code: &str,
        source: MessageSource,
    ) -> Result<Option<(OutboundMessage, Delivery)>, AccountError> {
        let Some(email) = user.email() else {
            return Ok(None);
        };
        let t = &pool.settings.messages;
        let (subject, body) = match (&self.public_url, t.confirm_with_link) {
            (Some(base), true) => {
                let link = url::Url::parse_with_params(
                    &format!("{base}/{}/confirmUser", pool.id),
                    &[
                        ("client_id", client_id),
                        ("user_name", user.username.as_str()),
                        ("confirmation_code", code),
                    ],
                )
                .map_err(Error::internal)?;
                let body = MessageTemplates::render_link(&t.link_message, link.as_str())
                    .ok_or_else(|| Error::internal("the pool's link template has no link"))?;
                (t.link_subject.clone(), body)
            }
            _ => {
                let draft = Draft {
                    subject: t.verification_subject.clone(),
                    body: MessageTemplates::render(&t.verification_message, code, &user.username),
                    secret: code,
                };
                self.custom_message(pool, source, Some(client_id), user, draft)
                    .await?
            }
        };
        let message = self.outbound(&pool.id, email, &subject, &body, SIGN_UP);
        Ok(Some((
            message,
            Delivery {
                destination: mask_email(email),
            },
        )))
    }

    /// A code for `purpose` mailed to `email`, remembering `payload` with it.
    pub(super) async fn send_code_to(
        &self,
        pool: &UserPool,
        user: &User,
        email: &str,
        purpose: &str,
        ttl: i64,
        payload: Option<String>,
    ) -> Result<Delivery, AccountError> {
        let source = match purpose {
            FORGOT_PASSWORD => MessageSource::ForgotPassword,
            _ if payload.is_some() => MessageSource::UpdateUserAttribute,
            _ => MessageSource::VerifyUserAttribute,
        };
        let code = self
            .new_code(user, purpose, ttl, payload)
            .await?
            .ok_or(AccountError::LimitExceeded)?;
        // One template for every code, as in Cognito (VerificationMessageTemplate).
        let t = &pool.settings.messages;
        let draft = Draft {
            subject: t.verification_subject.clone(),
            body: MessageTemplates::render(&t.verification_message, &code, &user.username),
            secret: &code,
        };
        let (subject, body) = self.custom_message(pool, source, None, user, draft).await?;
        self.queue_message(&pool.id, email, &subject, &body, purpose)
            .await?;
        Ok(Delivery {
            destination: mask_email(email),
        })
    }

    /// AdminCreateUser's invitation: the username and the temporary password, which expires
    /// after the pool's `temporary_password_validity_days` and leads to the new-password step.
    async fn send_invitation(
        &self,
        pool: &UserPool,
        user: &User,
        email: &str,
        password: &str,
    ) -> Result<()> {
        let t = &pool.settings.messages;
        let name = pool
            .username_attribute()
            .and_then(|a| user.attributes.get(a))
            .unwrap_or(&user.username);
        let draft = Draft {
            subject: t.invitation_subject.clone(),
            body: MessageTemplates::render(&t.invitation_message, password, name),
            secret: password,
        };
        let source = MessageSource::AdminCreateUser;
        let (subject, body) = self.custom_message(pool, source, None, user, draft).await?;
        self.queue_message(&pool.id, email, &subject, &body, "invitation")
            .await
    }

    /// AdminCreateUser: the user, and unless `suppress`, the invitation to their email
    /// address. A user whose invitation cannot be queued is removed again.
    pub async fn invite_user(
        &self,
        pool_id: &str,
        req: crate::admin::NewUser,
        suppress: bool,
    ) -> Result<crate::admin::CreatedUser> {
        let pool = self.pool(pool_id).await?;
        let given = req.password.clone();
        let created = self.create_user(pool_id, req).await?;
        let password = given.or(created.generated_password.clone());
        if let (false, Some(email), Some(password)) = (suppress, created.user.email(), password)
            && let Err(e) = self
                .send_invitation(&pool, &created.user, email, &password)
                .await
        {
            let _ = self.delete_user(pool_id, &created.user.username).await;
            return Err(e);
        }
        Ok(created)
    }

    /// SignUp: an UNCONFIRMED user with a hashed password, and a code to the email address
    /// (unless the PreSignUp hook, which sees `validation_data`, confirms the user).
    pub async fn sign_up(
        &self,
        pool: &UserPool,
        client_id: &str,
        username: &str,
        password: &str,
        attributes: BTreeMap<String, String>,
        validation_data: Option<&serde_json::Value>,
    ) -> Result<(User, Option<Delivery>), AccountError> {
        pool.settings.password_policy.check(password)?;
        let mut attributes = attributes;
        attributes.remove("email_verified");
        let mut user = User::new(
            pool,
            username,
            attributes,
            UserStatus::Unconfirmed,
            self.now(),
        )?;
        pool.check_required(&user.attributes)?;
        let decision = self
            .pre_sign_up(
                pool,
                SignUpSource::SignUp,
                Some(client_id),
                &user,
                validation_data,
            )
            .await?;
        decision.apply(&mut user)?;
        user.password_hash = Some(self.hash_password(password).await?);
        user.srp = Some(self.srp_verifier(pool, &user.username, password).await?);
        // The user, their code and the message that carries it are written together or not
        // at all: a sign-up never leaves a user who cannot confirm.
        let (code, record) = self
            .fresh_code(&user, SIGN_UP, SIGN_UP_CODE_TTL, None, None)
            .ok_or(AccountError::LimitExceeded)?;
        // Without auto-verification no code goes out: an administrator confirms the user. A
        // user the PreSignUp hook confirmed needs no code either.
        let unconfirmed = user.status == UserStatus::Unconfirmed;
        let outgoing = if pool.settings.verifies_email() && unconfirmed {
            self.sign_up_message(pool, &user, client_id, &code, MessageSource::SignUp)
                .await?
        } else {
            None
        };
        let (message, delivery) = match outgoing {
            Some((m, d)) => (Some(m), Some(d)),
            None => (None, None),
        };
        self.store
            .create_user_with_delivery(
                &user,
                &user.sign_in_key(pool),
                message.as_ref().map(|_| &record),
                message.as_ref(),
            )
            .await?;
        Ok((user, delivery))
    }

    pub(super) async fn confirm_sign_up_at_once(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        username: &str,
        code: &str,
    ) -> Result<User, AccountError> {
        let mut user = self
            .find_user(pool, username)
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        if user.status != UserStatus::Unconfirmed {
            return Err(AccountError::WrongState(user.status));
        }
        self.check_code(&user, SIGN_UP, code)
            .await?
            .map_err(AccountError::Code)?;
        user.status = UserStatus::Confirmed;
        if user.email().is_some() {
            user.attributes
                .insert("email_verified".into(), "true".into());
        }
        user.updated_at = self.now();
        self.check_alias_free(pool, &user).await?;
        // The hook runs before the write: its refusal leaves the user unconfirmed.
        self.post_confirmation(pool, false, client_id, &user)
            .await?;
        self.store.update_user(&user, None).await?;
        Ok(user)
    }

    pub(super) async fn resend_sign_up_code_at_once(
        &self,
        pool: &UserPool,
        client_id: &str,
        username: &str,
    ) -> Result<Option<Delivery>, AccountError> {
        if !pool.settings.verifies_email() {
            return Err(Error::invalid("Auto verification not turned on.").into());
        }
        let user = self
            .find_user(pool, username)
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        if user.status != UserStatus::Unconfirmed {
            return Err(AccountError::WrongState(user.status));
        }
        self.send_sign_up_code(pool, &user, client_id).await
    }

    pub(crate) async fn forgot_password_at_once(
        &self,
        pool: &UserPool,
        username: &str,
    ) -> Result<Option<Delivery>, AccountError> {
        let recovery = pool.settings.recovery();
        if recovery == Recovery::AdminOnly {
            return Err(AccountError::AdminOnlyRecovery);
        }
        let user = match self.find_user(pool, username).await? {
            Some(u) => Some(u),
            None => self.migrate_user(pool, None, username, None).await?,
        };
        let Some(user) = user.filter(|u| u.enabled) else {
            return Ok(None);
        };
        if user.status == UserStatus::ExternalProvider {
            return Ok(None);
        }
        let reachable = match recovery {
            Recovery::AnyEmail => true,
            Recovery::VerifiedEmail => {
                user.attributes.get("email_verified").map(String::as_str) == Some("true")
            }
            Recovery::Unreachable | Recovery::AdminOnly => false,
        };
        if !reachable {
            return Err(Error::invalid(
                "Cannot reset password for the user as there is no registered/verified email or phone_number",
            )
            .into());
        }
        self.send_code(pool, &user, FORGOT_PASSWORD, FORGOT_CODE_TTL)
            .await
    }

    pub(super) async fn confirm_forgot_password_at_once(
        &self,
        pool: &UserPool,
        client_id: Option<&str>,
        username: &str,
        code: &str,
        password: &str,
    ) -> Result<User, AccountError> {
        pool.settings.password_policy.check(password)?;
        let user = self
            .find_user(pool, username)
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        self.check_code(&user, FORGOT_PASSWORD, code)
            .await?
            .map_err(AccountError::Code)?;
        let status = match user.status {
            UserStatus::ResetRequired | UserStatus::ForceChangePassword => UserStatus::Confirmed,
            other => other,
        };
        self.post_confirmation(pool, true, client_id, &user).await?;
        Ok(self
            .install_password(pool, user, password, status, None)
            .await?)
    }
}
