//! Login throttling, kept in the database so every server sees the same counts.
//! More than `MAX_FAILURES` failures within a minute, for one account or one client
//! address, answers 429; the account is then locked for `LOCK_MS` — counted from the
//! lock, never extended by further attempts, so an attacker cannot keep a person out.

use sqlx::Row;

use crate::platform::db::{Db, Tx};
use crate::platform::ids::new_id;

pub const WINDOW_MS: i64 = 60 * 1000;
pub const MAX_FAILURES: i64 = 6;
pub const LOCK_MS: i64 = 15 * 60 * 1000;

pub fn account_key(user_id: &str) -> String {
    format!("account:{user_id}")
}

pub fn address_key(ip: &str) -> String {
    format!("address:{ip}")
}

pub async fn recent_failures(tx: &mut Tx, key: &str, now_ms: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM login_failures WHERE throttle_key = $1 AND at_ms > $2",
    )
    .bind(key)
    .bind(now_ms - WINDOW_MS)
    .fetch_one(&mut **tx)
    .await?;
    row.try_get("n")
}

pub async fn record_failure(tx: &mut Tx, key: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (id, throttle_key, at_ms) VALUES ($1, $2, $3)")
        .bind(new_id())
        .bind(key)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forgets failures older than the window (run periodically).
pub async fn purge(db: &Db, now_ms: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM login_failures WHERE at_ms <= $1")
        .bind(now_ms - WINDOW_MS)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}
