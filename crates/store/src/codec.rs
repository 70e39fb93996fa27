//! Row decoding and error mapping shared by every query.

use portcullis_core::error::Entity;
use portcullis_core::ids::PoolId;
use portcullis_core::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

/// Maps a backend error: unique-key clashes become `Conflict(entity)`, foreign-key
/// failures `NotFound(parent)`, anything else `Internal`.
pub(crate) fn db_err(entity: Entity, parent: Entity) -> impl Fn(sqlx::Error) -> Error {
    move |e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => Error::Conflict(entity),
        Some(d) if d.is_foreign_key_violation() => Error::NotFound(parent),
        _ => Error::internal(e),
    }
}

pub(crate) fn internal(e: sqlx::Error) -> Error {
    Error::internal(e)
}

pub(crate) fn get<T>(row: &AnyRow, col: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get::<T, _>(col)
        .map_err(|e| Error::internal(format!("column {col}: {e}")))
}

pub(crate) fn get_json<T: DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    let text: String = get(row, col)?;
    serde_json::from_str(&text).map_err(|e| Error::internal(format!("column {col}: {e}")))
}

pub(crate) fn get_opt_json<T: DeserializeOwned>(row: &AnyRow, col: &str) -> Result<Option<T>> {
    let text: Option<String> = get(row, col)?;
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| Error::internal(format!("column {col}: {e}")))
}

pub(crate) fn get_pool_id(row: &AnyRow, col: &str) -> Result<PoolId> {
    PoolId::parse(&get::<String>(row, col)?)
}

pub(crate) fn get_uuid(row: &AnyRow, col: &str) -> Result<Uuid> {
    Uuid::parse_str(&get::<String>(row, col)?)
        .map_err(|e| Error::internal(format!("column {col}: {e}")))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(Error::internal)
}

/// `NotFound(entity)` when a write touched no row.
pub(crate) fn expect_one(entity: Entity, affected: u64) -> Result<()> {
    if affected == 0 {
        Err(Error::NotFound(entity))
    } else {
        Ok(())
    }
}
