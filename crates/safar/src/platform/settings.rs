//! Settings administrators change at run time, stored in the database (every server reads
//! the same value). Writes go through a service that audits them.

use sqlx::Row;

use super::db::{Db, Tx};

/// Staff accounts must use a second factor (TOTP) to sign in.
pub const MFA_REQUIRED_FOR_STAFF: &str = "mfa_required_for_staff";

pub async fn get(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("value")).transpose()
}

pub async fn flag(db: &Db, key: &str) -> Result<bool, sqlx::Error> {
    Ok(get(db, key).await?.as_deref() == Some("true"))
}

pub async fn set(tx: &mut Tx, key: &str, value: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
