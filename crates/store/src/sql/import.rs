//! Bulk import and export: multi-row statements so a million users take minutes, not hours.
//! The statements are built from placeholders only (`$1, $2, …` for N rows); every value is
//! bound. Rows per statement stay under SQLite's and PostgreSQL's parameter limits.

use super::SqlStore;
use super::users::{srp_json, user_columns};
use crate::codec::{get, get_uuid, internal, to_json};
use crate::traits::{ImportOutcome, ImportStore, ImportedUser};
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::ids::PoolId;
use sqlx::AssertSqlSafe;
use std::collections::HashSet;
use uuid::Uuid;

/// Users per INSERT (11 columns each). SQLite's driver looks each `$n` up among all the
/// statement's parameter names, so the cost of a statement grows with the square of its
/// parameters: 64 rows (704 parameters) measured fastest on SQLite and is as fast on
/// PostgreSQL as bigger statements.
const ROWS_PER_STATEMENT: usize = 64;
/// Memberships per INSERT (3 columns) and subs per membership query.
const PAIRS_PER_STATEMENT: usize = 200;

/// `($1, …, $cols), (…), …` for `rows` rows.
fn placeholders(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * cols + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

async fn insert_members(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pool: &PoolId,
    pairs: &[(String, &str)],
) -> Result<()> {
    for chunk in pairs.chunks(PAIRS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO group_members (pool_id, group_name, user_sub) VALUES {} ON CONFLICT DO NOTHING",
            placeholders(chunk.len(), 3)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (sub, group) in chunk {
            q = q.bind(pool.as_str()).bind(*group).bind(sub.clone());
        }
        q.execute(&mut **tx).await.map_err(internal)?;
    }
    Ok(())
}

#[async_trait]
impl ImportStore for SqlStore {
    async fn import_users(
        &self,
        pool: &PoolId,
        batch: &[ImportedUser],
        replace: bool,
    ) -> Result<Vec<ImportOutcome>> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let mut created: HashSet<String> = HashSet::new();
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO users ({}) VALUES {} ON CONFLICT DO NOTHING RETURNING username_key",
                user_columns!(),
                placeholders(chunk.len(), 11)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for i in chunk {
                let u = &i.user;
                q = q
                    .bind(pool.as_str())
                    .bind(u.sub.to_string())
                    .bind(u.username.clone())
                    .bind(i.username_key.clone())
                    .bind(u.status.as_str())
                    .bind(i64::from(u.enabled))
                    .bind(to_json(&u.attributes)?)
                    .bind(u.password_hash.clone())
                    .bind(srp_json(u)?)
                    .bind(u.created_at)
                    .bind(u.updated_at);
            }
            for row in q.fetch_all(&mut *tx).await.map_err(internal)? {
                created.insert(get::<String>(&row, "username_key")?);
            }
        }
        // A key can be created once: a second row with it in the same batch is skipped.
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut members: Vec<(String, &str)> = Vec::new();
        for i in batch {
            let first = created.remove(&i.username_key);
            let (outcome, sub) = if first {
                (ImportOutcome::Created, Some(i.user.sub.to_string()))
            } else if replace {
                let row = sqlx::query(
                    "UPDATE users SET status = $3, enabled = $4, attributes = $5, password_hash = $6, \
                     srp = $7, updated_at = $8 WHERE pool_id = $1 AND username_key = $2 RETURNING sub",
                )
                .bind(pool.as_str())
                .bind(i.username_key.clone())
                .bind(i.user.status.as_str())
                .bind(i64::from(i.user.enabled))
                .bind(to_json(&i.user.attributes)?)
                .bind(i.user.password_hash.clone())
                .bind(srp_json(&i.user)?)
                .bind(i.user.updated_at)
                .fetch_optional(&mut *tx)
                .await
                .map_err(internal)?;
                let sub = row.map(|r| get::<String>(&r, "sub")).transpose()?;
                (ImportOutcome::Replaced, sub)
            } else {
                (ImportOutcome::Skipped, None)
            };
            if let Some(sub) = sub {
                members.extend(i.groups.iter().map(|g| (sub.clone(), g.as_str())));
            }
            outcomes.push(outcome);
        }
        insert_members(&mut tx, pool, &members).await?;
        tx.commit().await.map_err(internal)?;
        Ok(outcomes)
    }

    async fn memberships(&self, pool: &PoolId, subs: &[Uuid]) -> Result<Vec<(Uuid, String)>> {
        let mut out = Vec::new();
        for chunk in subs.chunks(PAIRS_PER_STATEMENT) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT user_sub, group_name FROM group_members WHERE pool_id = $1 AND user_sub IN ({}) \
                 ORDER BY user_sub, group_name",
                list.join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(pool.as_str());
            for s in chunk {
                q = q.bind(s.to_string());
            }
            for row in q.fetch_all(&self.pool).await.map_err(internal)? {
                out.push((get_uuid(&row, "user_sub")?, get(&row, "group_name")?));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_every_value() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
