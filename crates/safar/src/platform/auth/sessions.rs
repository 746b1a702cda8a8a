//! Sessions live in the database (several servers share them; they survive restarts).
//! Ids are stored only as SHA-256 hashes, so a copy of the table cannot hijack a session.
//! The user id is kept in its own column so disabling a user can end all their sessions.

use std::fmt;

use async_trait::async_trait;
use sqlx::Row;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, Session};

use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::ids::sha256_hex;

pub const USER_KEY: &str = "uid";
const AUTH_AT: &str = "auth_at";
const SEEN_AT: &str = "seen_at";
const STAFF: &str = "staff";

/// Staff sessions end after 30 minutes idle and 12 hours in all; citizens' after 7 and 30 days.
pub const STAFF_IDLE_MS: i64 = 30 * 60 * 1000;
pub const STAFF_ABSOLUTE_MS: i64 = 12 * 3600 * 1000;
pub const CITIZEN_IDLE_MS: i64 = 7 * 24 * 3600 * 1000;
pub const CITIZEN_ABSOLUTE_MS: i64 = 30 * 24 * 3600 * 1000;
/// Refresh `seen_at` at most this often, so reading pages does not write on every request.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

#[derive(Clone)]
pub struct SqlSessionStore {
    db: Db,
    clock: Clock,
}

impl fmt::Debug for SqlSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SqlSessionStore")
    }
}

impl SqlSessionStore {
    pub fn new(db: Db, clock: Clock) -> Self {
        SqlSessionStore { db, clock }
    }
}

fn backend(e: impl fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The row for a record. tower-sessions computes expiry on the system clock; shifting it by
/// our clock's offset keeps expiry consistent with `Clock` (which tests move forward).
fn columns(
    record: &Record,
    clock: &Clock,
) -> session_store::Result<(String, Option<String>, String, i64)> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(USER_KEY)
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let expires_at = i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(i64::MAX)
        .saturating_add(clock.offset_ms());
    Ok((
        sha256_hex(record.id.to_string().as_bytes()),
        user_id,
        data,
        expires_at,
    ))
}

#[async_trait]
impl SessionStore for SqlSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (id_hash, user_id, data, expires_at) = columns(record, &self.clock)?;
            let inserted = sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id_hash) DO NOTHING",
            )
            .bind(id_hash)
            .bind(user_id)
            .bind(data)
            .bind(expires_at)
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates only: a session deleted meanwhile (logout, user disabled) stays deleted.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (id_hash, user_id, data, expires_at) = columns(record, &self.clock)?;
        sqlx::query(
            "UPDATE sessions SET user_id = $1, data = $2, expires_at = $3 WHERE id_hash = $4",
        )
        .bind(user_id)
        .bind(data)
        .bind(expires_at)
        .bind(id_hash)
        .execute(&self.db.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query(
            "SELECT data, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(sha256_hex(id.to_string().as_bytes()))
        .bind(self.clock.now_ms())
        .fetch_optional(&self.db.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires_at: i64 = row.try_get("expires_at").map_err(backend)?;
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let system_expiry = expires_at.saturating_sub(self.clock.offset_ms());
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(system_expiry) * 1_000_000)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(sha256_hex(id.to_string().as_bytes()))
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Ends every session of a user (disable, password change). Runs inside the caller's transaction.
pub async fn end_all_for_user(
    tx: &mut crate::platform::db::Tx,
    user_id: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes expired sessions (run periodically by the server).
pub async fn purge_expired(db: &Db, now_ms: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now_ms)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// Starts a signed-in session: a fresh id (no fixation), the user, and the timeouts for their kind.
pub async fn begin(
    session: &Session,
    clock: &Clock,
    user_id: &str,
    staff: bool,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    let now = clock.now_ms();
    session.insert(USER_KEY, user_id).await?;
    session.insert(AUTH_AT, now).await?;
    session.insert(SEEN_AT, now).await?;
    session.insert(STAFF, staff).await?;
    let idle = if staff {
        STAFF_IDLE_MS
    } else {
        CITIZEN_IDLE_MS
    };
    session.set_expiry(Some(Expiry::OnInactivity(time::Duration::milliseconds(
        idle,
    ))));
    Ok(())
}

pub enum SessionCheck {
    Anonymous,
    User(String),
}

/// Who this session belongs to, ending it when it has been idle or open too long.
pub async fn check(session: &Session, clock: &Clock) -> SessionCheck {
    let Ok(Some(user_id)) = session.get::<String>(USER_KEY).await else {
        return SessionCheck::Anonymous;
    };
    let now = clock.now_ms();
    let auth_at = session
        .get::<i64>(AUTH_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    let seen_at = session
        .get::<i64>(SEEN_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    let staff = session
        .get::<bool>(STAFF)
        .await
        .ok()
        .flatten()
        .unwrap_or(true);
    let (idle, absolute) = if staff {
        (STAFF_IDLE_MS, STAFF_ABSOLUTE_MS)
    } else {
        (CITIZEN_IDLE_MS, CITIZEN_ABSOLUTE_MS)
    };
    if now - seen_at > idle || now - auth_at > absolute {
        let _ = session.flush().await;
        return SessionCheck::Anonymous;
    }
    if now - seen_at > TOUCH_EVERY_MS {
        let _ = session.insert(SEEN_AT, now).await;
    }
    SessionCheck::User(user_id)
}

const PENDING_USER: &str = "mfa_uid";
const PENDING_AT: &str = "mfa_at";
const PENDING_STAFF: &str = "mfa_staff";
const TOTP_SECRET: &str = "totp_pending";
/// How long the second sign-in step may take after the password was accepted.
pub const SECOND_FACTOR_MS: i64 = 5 * 60 * 1000;

/// The password was right and a TOTP code must follow: remember who, for a few minutes,
/// without signing them in.
pub async fn begin_second_factor(
    session: &Session,
    clock: &Clock,
    user_id: &str,
    staff: bool,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(PENDING_USER, user_id).await?;
    session.insert(PENDING_AT, clock.now_ms()).await?;
    session.insert(PENDING_STAFF, staff).await?;
    Ok(())
}

/// The user waiting for their second factor, if the wait has not expired.
pub async fn pending_second_factor(session: &Session, clock: &Clock) -> Option<(String, bool)> {
    let user_id = session.get::<String>(PENDING_USER).await.ok().flatten()?;
    let at = session
        .get::<i64>(PENDING_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    if clock.now_ms() - at > SECOND_FACTOR_MS {
        let _ = session.remove_value(PENDING_USER).await;
        return None;
    }
    let staff = session
        .get::<bool>(PENDING_STAFF)
        .await
        .ok()
        .flatten()
        .unwrap_or(true);
    Some((user_id, staff))
}

pub async fn clear_second_factor(session: &Session) {
    let _ = session.remove_value(PENDING_USER).await;
    let _ = session.remove_value(PENDING_AT).await;
    let _ = session.remove_value(PENDING_STAFF).await;
}

/// The TOTP secret being enrolled, kept in the session until a code confirms it.
pub async fn enrolment_secret(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(secret) = session.get::<String>(TOTP_SECRET).await? {
        return Ok(secret);
    }
    let secret = super::totp::new_secret();
    session.insert(TOTP_SECRET, &secret).await?;
    Ok(secret)
}

pub async fn clear_enrolment_secret(session: &Session) {
    let _ = session.remove_value(TOTP_SECRET).await;
}
