//! Exporting users, a page at a time in a stable order: the records `import` reads, with
//! groups, and with `with_hashes` the stored password hash (argon2id for users who signed
//! in here, or the hash they were imported with).

use crate::App;
use portcullis_core::Result;
use portcullis_core::pool::UserPool;
use portcullis_core::transfer::{PasswordHashField, UserRecord};
use std::collections::HashMap;

impl App {
    /// Up to `limit` users after `after` (a key from the previous page), and the key to go on.
    pub async fn export_page(
        &self,
        pool: &UserPool,
        after: Option<&str>,
        limit: u32,
        with_hashes: bool,
    ) -> Result<(Vec<UserRecord>, Option<String>)> {
        let page = self.store.list_users(&pool.id, limit, after).await?;
        let subs: Vec<uuid::Uuid> = page.items.iter().map(|u| u.sub).collect();
        let mut groups: HashMap<uuid::Uuid, Vec<String>> = HashMap::new();
        for (sub, g) in self.store.memberships(&pool.id, &subs).await? {
            groups.entry(sub).or_default().push(g);
        }
        let records = page
            .items
            .into_iter()
            .map(|u| UserRecord {
                groups: groups.remove(&u.sub).unwrap_or_default(),
                username: u.username,
                sub: Some(u.sub),
                enabled: u.enabled,
                status: Some(u.status.as_str().to_owned()),
                attributes: u.attributes,
                password_hash: u
                    .password_hash
                    .filter(|_| with_hashes)
                    .map(PasswordHashField::Text),
                created_at: Some(u.created_at),
                password_import_hook: false,
            })
            .collect();
        Ok((records, page.next))
    }
}
