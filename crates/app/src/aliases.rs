//! Sign-in aliases (Cognito's AliasAttributes, `email` for now): a user whose email is
//! verified may sign in with it besides their username. An alias belongs to one user at a
//! time: a write that would give a second user the same verified email is refused
//! (AliasExistsException), so a sign-in by alias always finds exactly one user.

use crate::App;
use portcullis_core::error::Entity;
use portcullis_core::pool::UserPool;
use portcullis_core::user::User;
use portcullis_core::{Error, Result};

/// Whether `u`'s email is an alias it signs in with (it is verified).
fn alias_email(u: &User) -> Option<&str> {
    u.email()
        .filter(|_| u.attributes.get("email_verified").map(String::as_str) == Some("true"))
}

impl App {
    /// The user whose verified email is `name`, in a pool with email aliases.
    pub(crate) async fn find_by_alias(&self, pool: &UserPool, name: &str) -> Result<Option<User>> {
        if !pool.email_is_alias() || !name.contains('@') {
            return Ok(None);
        }
        let mut found: Vec<User> = self
            .store
            .users_with_email(&pool.id, name)
            .await?
            .into_iter()
            .filter(|u| alias_email(u).is_some())
            .collect();
        // More than one cannot be written; if it ever is, nobody signs in by it.
        Ok(if found.len() == 1 { found.pop() } else { None })
    }

    /// Refuses `user` as about to be written when its verified email is another user's alias.
    pub(crate) async fn check_alias_free(&self, pool: &UserPool, user: &User) -> Result<()> {
        let Some(email) = alias_email(user).filter(|_| pool.email_is_alias()) else {
            return Ok(());
        };
        let taken = self
            .store
            .users_with_email(&pool.id, email)
            .await?
            .iter()
            .any(|other| other.sub != user.sub && alias_email(other).is_some());
        if taken {
            return Err(Error::Conflict(Entity::Alias));
        }
        Ok(())
    }
}
