//! Self-service attribute changes (UpdateUserAttributes) and email verification
//! (GetUserAttributeVerificationCode, VerifyUserAttribute): a new email address counts only
//! once its code comes back.

use super::flows::{AccountError, Delivery, SIGN_UP_CODE_TTL, VERIFY_EMAIL};
use crate::App;
use portcullis_core::Error;
use portcullis_core::error::Entity;
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use std::collections::BTreeMap;

impl App {
    /// UpdateUserAttributes (self-service): a new email is not applied until verified; the
    /// old one stays and a code goes to the new address. Other attributes apply at once.
    pub async fn update_own_attributes(
        &self,
        pool: &UserPool,
        user: &User,
        mut attrs: BTreeMap<String, String>,
    ) -> Result<Option<Delivery>, AccountError> {
        attrs.remove("email_verified");
        let new_email = attrs
            .remove("email")
            .filter(|e| Some(e.as_str()) != user.email());
        if let Some(e) = &new_email {
            portcullis_core::user::check_attribute("email", e)?;
            pool.settings
                .check_update(&BTreeMap::from([("email".to_owned(), e.clone())]))?;
        }
        let name = user.lookup_name(pool);
        let user = if attrs.is_empty() {
            user.clone()
        } else {
            self.update_attributes(pool.id.as_str(), &name, attrs)
                .await?
        };
        match new_email {
            Some(e) => Ok(Some(
                self.send_code_to(
                    pool,
                    &user,
                    &e,
                    VERIFY_EMAIL,
                    SIGN_UP_CODE_TTL,
                    Some(e.clone()),
                )
                .await?,
            )),
            None => Ok(None),
        }
    }

    /// GetUserAttributeVerificationCode for `email`: a code to the pending new address if
    /// there is one, else to the current address.
    pub async fn email_verification_code(
        &self,
        pool: &UserPool,
        user: &User,
    ) -> Result<Delivery, AccountError> {
        let pending = self
            .store
            .get_code(&pool.id, user.sub, VERIFY_EMAIL)
            .await?
            .and_then(|c| c.payload);
        let target = pending
            .or_else(|| user.email().map(str::to_owned))
            .ok_or(Error::invalid("the user has no email address"))?;
        self.send_code_to(
            pool,
            user,
            &target,
            VERIFY_EMAIL,
            SIGN_UP_CODE_TTL,
            Some(target.clone()),
        )
        .await
    }

    /// VerifyUserAttribute for `email`: the verified address becomes the user's email.
    pub async fn verify_email(
        &self,
        pool: &UserPool,
        user: &User,
        code: &str,
    ) -> Result<User, AccountError> {
        let payload = self
            .check_code(user, VERIFY_EMAIL, code)
            .await?
            .map_err(AccountError::Code)?;
        let mut user = self
            .store
            .get_user_by_sub(&pool.id, user.sub)
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        // Where the email is the username, the verified new address becomes the sign-in key.
        let previous_key = user.sign_in_key(pool);
        if let Some(email) = payload {
            user.attributes.insert("email".into(), email);
        }
        user.attributes
            .insert("email_verified".into(), "true".into());
        Ok(self.save_from(pool, user, &previous_key).await?)
    }
}
