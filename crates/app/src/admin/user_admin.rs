//! Admin changes to existing users: enable/disable, attributes, confirmation, reset, global
//! sign-out, filtered listing. Security-relevant changes (disable, reset, sign-out) revoke
//! every session and token family of the user.

use crate::App;
use portcullis_core::error::Entity;
use portcullis_core::pool::UserPool;
use portcullis_core::user::{User, UserStatus, check_attribute};
use portcullis_core::user_filter::{FilterOp, UserFilter};
use portcullis_core::{Error, Result};
use std::collections::BTreeMap;

impl App {
    /// Writes a change that adds no attribute (status, enabled, a deletion): no sign-in key
    /// or alias can change.
    async fn save(&self, mut user: User) -> Result<User> {
        user.updated_at = self.now();
        self.store.update_user(&user, None).await?;
        Ok(user)
    }

    /// Writes `user`, whose sign-in key was `previous_key`: moved to its new key when its
    /// sign-in attribute changed (`AliasExistsException` when another user has it).
    pub(crate) async fn save_from(
        &self,
        pool: &UserPool,
        mut user: User,
        previous_key: &str,
    ) -> Result<User> {
        self.check_alias_free(pool, &user).await?;
        user.updated_at = self.now();
        let key = user.sign_in_key(pool);
        let moved = (key != previous_key).then_some(key.as_str());
        self.store
            .update_user(&user, moved)
            .await
            .map_err(|e| match e {
                Error::Conflict(Entity::User) => Error::Conflict(Entity::Alias),
                other => other,
            })?;
        Ok(user)
    }

    async fn revoke_everything(&self, user: &User) -> Result<()> {
        self.store
            .revoke_user_tokens(&user.pool_id, user.sub, self.now(), None)
            .await
    }

    pub async fn set_user_enabled(
        &self,
        pool_id: &str,
        username: &str,
        enabled: bool,
    ) -> Result<User> {
        let mut user = self.user(pool_id, username).await?;
        user.enabled = enabled;
        let user = self.save(user).await?;
        if !enabled {
            self.revoke_everything(&user).await?;
        }
        Ok(user)
    }

    /// Sets attributes (validated; `sub` is fixed). In a pool whose users sign in with their
    /// email or phone number, a new one moves the user to it (unverified unless said), unless
    /// another user signs in with it.
    pub async fn update_attributes(
        &self,
        pool_id: &str,
        username: &str,
        mut attrs: BTreeMap<String, String>,
    ) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.user(pool_id, username).await?;
        let previous_key = user.sign_in_key(&pool);
        portcullis_core::schema::normalize(&pool.settings.custom_attributes, &mut attrs);
        for (name, value) in &attrs {
            if name == "sub" {
                return Err(Error::invalid("sub cannot be changed"));
            }
            check_attribute(name, value)?;
        }
        pool.settings.check_update(&attrs)?;
        // A new address or number is not verified until someone says so.
        for (attr, flag) in [
            ("email", "email_verified"),
            ("phone_number", "phone_number_verified"),
        ] {
            if attrs
                .get(attr)
                .is_some_and(|v| user.attributes.get(attr) != Some(v))
                && !attrs.contains_key(flag)
            {
                user.attributes.insert(flag.into(), "false".into());
            }
        }
        user.attributes.extend(attrs);
        self.save_from(&pool, user, &previous_key).await
    }

    pub async fn delete_attributes(
        &self,
        pool_id: &str,
        username: &str,
        names: &[String],
    ) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.user(pool_id, username).await?;
        for name in names {
            if name == "sub"
                || pool.username_attribute() == Some(name.as_str())
                || pool.settings.immutable_attributes.contains(name)
            {
                return Err(Error::invalid(format!("{name} cannot be deleted")));
            }
            user.attributes.remove(name);
        }
        self.save(user).await
    }

    /// AdminConfirmSignUp: UNCONFIRMED becomes CONFIRMED; anything else is refused.
    pub async fn confirm_user(&self, pool_id: &str, username: &str) -> Result<User> {
        let mut user = self.user(pool_id, username).await?;
        if user.status != UserStatus::Unconfirmed {
            return Err(Error::Unauthorized);
        }
        user.status = UserStatus::Confirmed;
        let pool = self.pool(pool_id).await?;
        self.post_confirmation(&pool, false, None, &user).await?;
        self.save(user).await
    }

    /// AdminResetUserPassword: the password stops working, every session and token is
    /// revoked, and the user is sent a reset code (as by ForgotPassword).
    pub async fn reset_user_password(&self, pool_id: &str, username: &str) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.user(pool_id, username).await?;
        if user.status == UserStatus::ExternalProvider {
            return Err(Error::invalid("federated users have no password here"));
        }
        user.status = UserStatus::ResetRequired;
        let user = self.save(user).await?;
        self.revoke_everything(&user).await?;
        let name = user.lookup_name(&pool);
        match self.forgot_password(&pool, &name).await {
            Ok(_) | Err(crate::account::flows::AccountError::LimitExceeded) => {}
            Err(crate::account::flows::AccountError::Core(e)) => return Err(e),
            Err(_) => {}
        }
        Ok(user)
    }

    /// Ends every session and revokes every refresh token (and the access tokens of them).
    pub async fn global_sign_out(&self, user: &User) -> Result<()> {
        self.revoke_everything(user).await
    }

    /// ChangePassword with the old password as proof. The caller's own token family
    /// (`keep`, from the access token that asked) survives; every other one, every hosted
    /// session and every outstanding authorization code of the user ends.
    pub async fn change_password(
        &self,
        user: &User,
        old: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<User> {
        let pool = self.pool(user.pool_id.as_str()).await?;
        let ok = match &user.password_hash {
            Some(h) => self.verify_password(old, h).await?,
            None => false,
        };
        if !ok {
            return Err(Error::Unauthorized);
        }
        let name = user.lookup_name(&pool);
        self.replace_password(pool.id.as_str(), &name, new, true, keep)
            .await
    }

    /// The filters an index answers: `username = "…"` (the sign-in key) and `email = "…"` /
    /// `email ^= "…"` (the email column, in email order; the page token names an email and a
    /// key). `None` for the others, which scan.
    async fn find_indexed(
        &self,
        pool: &UserPool,
        f: &UserFilter,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Option<(Vec<User>, Option<String>)>> {
        match (f.attribute.as_str(), &f.op) {
            ("username", FilterOp::Equals) => {
                if after.is_some() {
                    return Ok(Some((Vec::new(), None)));
                }
                let found = self.find_user(pool, &f.value).await?;
                let hit = found.filter(|u| f.matches(u));
                Ok(Some((hit.into_iter().collect(), None)))
            }
            ("email", op) => {
                // U+10FFFF is the last code point: every string with the prefix sorts
                // before the prefix followed by it.
                let hi = match op {
                    FilterOp::Equals => f.value.clone(),
                    FilterOp::StartsWith => format!("{}\u{10FFFF}", f.value),
                };
                let mark = after.and_then(|a| a.split_once('\u{1}'));
                if after.is_some() && mark.is_none() {
                    return Ok(Some((Vec::new(), None)));
                }
                let page = self
                    .store
                    .list_users_by_email(&pool.id, (&f.value, &hi), limit, mark)
                    .await?;
                let users = page.items.into_iter().filter(|u| f.matches(u)).collect();
                Ok(Some((users, page.next)))
            }
            _ => Ok(None),
        }
    }

    /// ListUsers with Cognito's filter: scans pages in key order until `limit` matches;
    /// the token continues the scan.
    pub async fn find_users(
        &self,
        pool_id: &str,
        filter: Option<&UserFilter>,
        limit: u32,
        after: Option<&str>,
    ) -> Result<(Vec<User>, Option<String>)> {
        let pool = self.pool(pool_id).await?;
        if let Some(f) = filter
            && let Some(found) = self.find_indexed(&pool, f, limit, after).await?
        {
            return Ok(found);
        }
        let mut out = Vec::new();
        let mut cursor = after.map(str::to_owned);
        loop {
            let page = self
                .store
                .list_users(&pool.id, 60, cursor.as_deref())
                .await?;
            for u in page.items {
                let key = u.sign_in_key(&pool);
                if filter.is_none_or(|f| f.matches(&u)) {
                    out.push(u);
                    if out.len() == limit as usize {
                        return Ok((out, Some(key)));
                    }
                }
                cursor = Some(key);
            }
            if page.next.is_none() {
                return Ok((out, None));
            }
        }
    }
}
