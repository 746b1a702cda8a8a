//! The audit log: append-only and hash-chained. Every write a service makes, and every
//! staff read of a person's data, appends one entry *in the same transaction* as the
//! change, so a failed change leaves no entry and a failed append fails the change.
//!
//! Each entry stores the previous entry's hash and its own hash over (previous hash,
//! content). `verify` walks the chain; editing or removing any entry breaks it. A one-row
//! `audit_head` holds the last sequence number and hash; updating it first serialises
//! appenders on both backends (row lock on PostgreSQL, write lock on SQLite).

pub mod pages;

use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::access::{Actor, Role};
use super::db::{Db, SqlBuf, Tx, escape_like};

/// What an entry records besides who and when.
pub struct Event<'a> {
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: &'a str,
    pub details: Value,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, target_kind: &'a str, target_id: &'a str) -> Self {
        Event {
            action,
            target_kind,
            target_id,
            details: Value::Null,
        }
    }

    pub fn with(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_user_id: Option<String>,
    pub actor_token_id: Option<String>,
    pub actor_role: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub ip: String,
    pub request_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    fn content_hash(&self) -> String {
        let fields = [
            self.seq.to_string(),
            self.at_ms.to_string(),
            self.actor_user_id.clone().unwrap_or_default(),
            self.actor_token_id.clone().unwrap_or_default(),
            self.actor_role.clone().unwrap_or_default(),
            self.actor_label.clone(),
            self.action.clone(),
            self.target_kind.clone(),
            self.target_id.clone(),
            self.ip.clone(),
            self.request_id.clone(),
            self.details.clone(),
        ];
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        for f in fields {
            // Length-prefixed so that moving text between fields changes the hash.
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        hex::encode(h.finalize())
    }

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Entry {
            seq: row.try_get("seq")?,
            at_ms: row.try_get("at_ms")?,
            actor_user_id: row.try_get("actor_user_id")?,
            actor_token_id: row.try_get("actor_token_id")?,
            actor_role: row.try_get("actor_role")?,
            actor_label: row.try_get("actor_label")?,
            action: row.try_get("action")?,
            target_kind: row.try_get("target_kind")?,
            target_id: row.try_get("target_id")?,
            ip: row.try_get("ip")?,
            request_id: row.try_get("request_id")?,
            details: row.try_get("details")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }
}

const COLUMNS: &str = "seq, at_ms, actor_user_id, actor_token_id, actor_role, actor_label, action, \
     target_kind, target_id, ip, request_id, details, prev_hash, hash";

/// Appends one entry inside `tx`. `role` is the role under which the actor acted.
pub async fn append(
    tx: &mut Tx,
    actor: &Actor,
    role: Option<Role>,
    at_ms: i64,
    event: Event<'_>,
) -> Result<i64, sqlx::Error> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let mut entry = Entry {
        seq: head.try_get("seq")?,
        at_ms,
        actor_user_id: actor.user_id().map(str::to_string),
        actor_token_id: actor.token_id.clone(),
        actor_role: role.map(|r| r.as_str().to_string()),
        actor_label: actor.label(),
        action: event.action.to_string(),
        target_kind: event.target_kind.to_string(),
        target_id: event.target_id.to_string(),
        ip: actor.meta.ip.clone(),
        request_id: actor.meta.request_id.clone(),
        details: if event.details.is_null() {
            "{}".into()
        } else {
            event.details.to_string()
        },
        prev_hash: head.try_get("hash")?,
        hash: String::new(),
    };
    entry.hash = entry.content_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, at_ms, actor_user_id, actor_token_id, actor_role, actor_label, \
         action, target_kind, target_id, ip, request_id, details, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(entry.seq)
    .bind(entry.at_ms)
    .bind(entry.actor_user_id.clone())
    .bind(entry.actor_token_id.clone())
    .bind(entry.actor_role.clone())
    .bind(entry.actor_label.clone())
    .bind(entry.action.clone())
    .bind(entry.target_kind.clone())
    .bind(entry.target_id.clone())
    .bind(entry.ip.clone())
    .bind(entry.request_id.clone())
    .bind(entry.details.clone())
    .bind(entry.prev_hash.clone())
    .bind(entry.hash.clone())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&entry.hash)
        .execute(&mut **tx)
        .await?;
    Ok(entry.seq)
}

/// Records a read that changes nothing else (a staff member opening a record): the entry
/// in a transaction of its own, committed before the data is shown.
pub async fn record_read(
    db: &Db,
    actor: &Actor,
    role: Option<Role>,
    at_ms: i64,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    append(&mut tx, actor, role, at_ms, event).await?;
    tx.commit().await
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: i64 },
    Broken { seq: i64, reason: &'static str },
}

/// Walks the whole chain in sequence order, in pages, comparing every link.
pub async fn verify(db: &Db) -> Result<Verdict, sqlx::Error> {
    const PAGE: i64 = 2000;
    let mut prev_hash = "0".repeat(64);
    let mut expected_seq = 1;
    loop {
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(expected_seq)
            .bind(PAGE)
            .fetch_all(&db.pool)
            .await?;
        for row in &rows {
            let entry = Entry::from_row(row)?;
            if entry.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: "entry missing",
                });
            }
            if entry.prev_hash != prev_hash || entry.content_hash() != entry.hash {
                return Ok(Verdict::Broken {
                    seq: entry.seq,
                    reason: "entry altered",
                });
            }
            prev_hash = entry.hash;
            expected_seq += 1;
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    if head_seq != expected_seq - 1 || head_hash != prev_hash {
        return Ok(Verdict::Broken {
            seq: expected_seq,
            reason: "entries missing at the end",
        });
    }
    Ok(Verdict::Intact {
        entries: expected_seq - 1,
    })
}

/// Filters for the admin page and the API; every field optional.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct Filter {
    /// Actor's user id or (part of) their label.
    pub actor: Option<String>,
    /// Action, or a prefix of it such as `user.`.
    pub action: Option<String>,
    pub target_id: Option<String>,
    /// Show entries with a sequence number below this (the page cursor).
    pub before: Option<i64>,
}

pub async fn list(db: &Db, filter: &Filter, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut sql = SqlBuf::new(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq < "));
    sql.bind_int(filter.before.unwrap_or(i64::MAX));
    if let Some(actor) = text(&filter.actor) {
        sql.push(" AND (actor_user_id = ")
            .bind_text(actor.clone())
            .push(" OR ");
        sql.contains(db, "actor_label", &actor).push(")");
    }
    if let Some(action) = text(&filter.action) {
        sql.push(" AND action LIKE ")
            .bind_text(format!("{}%", escape_like(&action)))
            .push(" ESCAPE '\\'");
    }
    if let Some(target) = text(&filter.target_id) {
        sql.push(" AND target_id = ").bind_text(target);
    }
    sql.push(" ORDER BY seq DESC LIMIT ").bind_int(limit);
    let rows = sql.query().fetch_all(&db.pool).await?;
    rows.iter().map(Entry::from_row).collect()
}
