//! The public register in memory: what the public check answers from. Every lookup through
//! the database cost four statements (search with licences, licence sanctions, complaint
//! sanctions, reported intermediaries); the register is small (10,000 agencies are a few MB),
//! so each server keeps a snapshot and answers from it.
//!
//! Freshness: every write that changes what the check shows (a recruiter, a licence or its
//! decision, a complaint sanction, a flagged watch-list entry) calls `touch` in its own
//! transaction, which bumps a version row. A server compares its snapshot's version with the
//! database at most every `POLL_MS`, and at once after a write of its own (`touch` also
//! counts writes in this process), so another server's change shows within `POLL_MS` and a
//! server's own change on its next lookup.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use sqlx::Row;

use super::public::Sanction;
use super::store::{Licence, Recruiter};
use crate::platform::clock::format_ms;
use crate::platform::db::{Db, Tx};

/// How stale another server's change may be here.
pub const POLL_MS: i64 = 1_000;
/// A change counted in this process but not (yet) in the database — still uncommitted, or
/// rolled back — is waited for this long before it is forgotten.
const PENDING_MS: i64 = 2_000;
/// Sanctions kept in a snapshot: the public window, plus a margin for old snapshots.
const SANCTION_WINDOW_MS: i64 = 3 * 366 * 24 * 3600 * 1000 + 24 * 3600 * 1000;

/// Writes in this process that changed the register (see `touch`).
static LOCAL_WRITES: AtomicU64 = AtomicU64::new(0);

/// Records, in the writer's transaction, that the public register changed.
pub async fn touch(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE register_versions SET version = version + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    LOCAL_WRITES.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

async fn version(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT version FROM register_versions WHERE id = 1")
        .fetch_one(&db.pool)
        .await?
        .try_get("version")
}

/// A reported intermediary shown by the check.
#[derive(Clone, Debug)]
pub struct Flagged {
    pub id: String,
    pub display_name: String,
    pub reports: i64,
}

/// One consistent picture of the register.
#[derive(Default)]
pub struct Snapshot {
    version: i64,
    /// Recruiters with a current licence, in the order the check lists them: licensed
    /// first, then by name.
    entries: Vec<(Recruiter, Licence)>,
    words: BTreeMap<String, Vec<u32>>,
    stirs: HashMap<String, u32>,
    licence_numbers: HashMap<String, u32>,
    /// Recruiter id → (time, sanction), newest first.
    sanctions: HashMap<String, Vec<(i64, Sanction)>>,
    flagged: Vec<Flagged>,
    flagged_words: BTreeMap<String, Vec<u32>>,
    flagged_phones: HashMap<String, Vec<u32>>,
}

/// Indexes of entries (or flagged entries) having a word that starts with each of `words`.
fn matching(index: &BTreeMap<String, Vec<u32>>, words: &[String]) -> Vec<u32> {
    let mut found: Option<Vec<u32>> = None;
    for word in words.iter().take(6) {
        let mut hits: Vec<u32> = index
            .range(word.clone()..)
            .take_while(|(w, _)| w.starts_with(word.as_str()))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        hits.sort_unstable();
        hits.dedup();
        found = Some(match found {
            None => hits,
            Some(before) => before
                .into_iter()
                .filter(|i| hits.binary_search(i).is_ok())
                .collect(),
        });
    }
    found.unwrap_or_default()
}

impl Snapshot {
    /// Recruiters whose name has every word (as a prefix), or whose STIR or current licence
    /// number is `identifier`; in list order, at most `limit`.
    pub fn search(
        &self,
        words: &[String],
        identifier: Option<&str>,
        limit: usize,
    ) -> Vec<&(Recruiter, Licence)> {
        let mut hits = if words.is_empty() {
            vec![]
        } else {
            matching(&self.words, words)
        };
        if let Some(id) = identifier {
            hits.extend(self.stirs.get(id));
            hits.extend(self.licence_numbers.get(id));
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
            .take(limit)
            .filter_map(|i| self.entries.get(i as usize))
            .collect()
    }

    /// A recruiter's sanctions since `since_ms`, newest first.
    pub fn sanctions(&self, recruiter_id: &str, since_ms: i64) -> Vec<Sanction> {
        self.sanctions
            .get(recruiter_id)
            .map(|all| {
                all.iter()
                    .filter(|(at, _)| *at >= since_ms)
                    .map(|(_, s)| s.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Flagged intermediaries reported with this phone, or named with every word.
    pub fn flagged(&self, words: &[String], phone: Option<&str>, limit: usize) -> Vec<Flagged> {
        let mut hits = match phone {
            Some(p) => self.flagged_phones.get(p).cloned().unwrap_or_default(),
            None if words.is_empty() => vec![],
            None => matching(&self.flagged_words, words),
        };
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
            .take(limit)
            .filter_map(|i| self.flagged.get(i as usize).cloned())
            .collect()
    }
}

/// A server's snapshot and when it last asked the database whether it is current.
#[derive(Default)]
pub struct Cache {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    polled_at: AtomicI64,
    /// `LOCAL_WRITES` as of the snapshot, and since when a newer count is waited for.
    local_seen: AtomicU64,
    pending_since: AtomicI64,
    reload: tokio::sync::Mutex<()>,
}

impl Cache {
    fn current_if_fresh(&self, now_ms: i64) -> Option<Arc<Snapshot>> {
        let snapshot = self.snapshot.read().ok()?.clone()?;
        let polled = now_ms - self.polled_at.load(Ordering::SeqCst) < POLL_MS;
        let no_local_writes =
            LOCAL_WRITES.load(Ordering::SeqCst) == self.local_seen.load(Ordering::SeqCst);
        (polled && no_local_writes).then_some(snapshot)
    }

    /// The current snapshot: from memory while it is known to be current, else after
    /// asking the database for its version (and reloading when it moved).
    pub async fn current(&self, db: &Db, now_ms: i64) -> Result<Arc<Snapshot>, sqlx::Error> {
        if let Some(snapshot) = self.current_if_fresh(now_ms) {
            return Ok(snapshot);
        }
        let _one_at_a_time = self.reload.lock().await;
        if let Some(snapshot) = self.current_if_fresh(now_ms) {
            return Ok(snapshot);
        }
        let local = LOCAL_WRITES.load(Ordering::SeqCst);
        let held = self.snapshot.read().ok().and_then(|s| s.clone());
        // The version is read before the data: a change committed in between makes the
        // next poll reload again, never the other way round.
        let version = match (version(db).await, &held) {
            (Ok(v), _) => v,
            // The database is unreachable: the last snapshot still answers (a public check
            // that says "licensed until …" from a second-old copy beats no answer); the
            // next lookup asks again.
            (Err(e), Some(snapshot)) => {
                tracing::warn!(error = %e, "public register: database unreachable, answering from the last snapshot");
                return Ok(snapshot.clone());
            }
            (Err(e), None) => return Err(e),
        };
        let snapshot = match held {
            Some(s) if s.version == version => {
                self.settle_local_writes(local, now_ms);
                s
            }
            _ => {
                let fresh = Arc::new(load(db, version, now_ms).await?);
                if let Ok(mut slot) = self.snapshot.write() {
                    *slot = Some(fresh.clone());
                }
                self.local_seen.store(local, Ordering::SeqCst);
                self.pending_since.store(0, Ordering::SeqCst);
                fresh
            }
        };
        self.polled_at.store(now_ms, Ordering::SeqCst);
        Ok(snapshot)
    }

    /// A local write whose version is not in the database yet is waited for (its commit
    /// follows), up to `PENDING_MS` (then it was rolled back).
    fn settle_local_writes(&self, local: u64, now_ms: i64) {
        if local == self.local_seen.load(Ordering::SeqCst) {
            return;
        }
        let since = self.pending_since.load(Ordering::SeqCst);
        if since == 0 {
            self.pending_since.store(now_ms, Ordering::SeqCst);
        } else if now_ms - since > PENDING_MS {
            self.local_seen.store(local, Ordering::SeqCst);
            self.pending_since.store(0, Ordering::SeqCst);
        }
    }
}

async fn load(db: &Db, version: i64, now_ms: i64) -> Result<Snapshot, sqlx::Error> {
    let mut snapshot = Snapshot {
        version,
        entries: super::store::all_with_current_licence(db).await?,
        ..Snapshot::default()
    };
    let position: HashMap<&str, u32> = snapshot
        .entries
        .iter()
        .enumerate()
        .map(|(i, (r, _))| (r.id.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    for (i, (r, l)) in snapshot.entries.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(stir) = &r.stir {
            snapshot.stirs.insert(stir.clone(), i);
        }
        if let Some(no) = &l.licence_no {
            snapshot.licence_numbers.insert(no.clone(), i);
        }
    }
    for (word, recruiter) in super::store::all_words(db).await? {
        if let Some(i) = position.get(recruiter.as_str()) {
            snapshot.words.entry(word).or_default().push(*i);
        }
    }
    let since = now_ms - SANCTION_WINDOW_MS;
    let day = |ms: i64| format_ms(ms).chars().take(10).collect::<String>();
    for (recruiter, e) in super::store::events_since(db, since, &["suspended", "revoked"]).await? {
        let sanction = Sanction {
            state: e.to_state,
            reason: e.reason,
            date: day(e.at_ms),
        };
        snapshot
            .sanctions
            .entry(recruiter)
            .or_default()
            .push((e.at_ms, sanction));
    }
    for s in super::complaints::public_sanctions_since(db, since).await? {
        let sanction = Sanction {
            state: s.sanction,
            reason: s.type_code,
            date: day(s.at_ms),
        };
        snapshot
            .sanctions
            .entry(s.recruiter_id)
            .or_default()
            .push((s.at_ms, sanction));
    }
    for all in snapshot.sanctions.values_mut() {
        all.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    }
    load_flagged(db, &mut snapshot).await?;
    Ok(snapshot)
}

async fn load_flagged(db: &Db, snapshot: &mut Snapshot) -> Result<(), sqlx::Error> {
    let (entries, words, phones) = super::reports::flagged_all(db).await?;
    let position: HashMap<String, u32> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    for (word, id) in words {
        if let Some(i) = position.get(&id) {
            snapshot.flagged_words.entry(word).or_default().push(*i);
        }
    }
    for (phone, id) in phones {
        if let Some(i) = position.get(&id) {
            snapshot.flagged_phones.entry(phone).or_default().push(*i);
        }
    }
    snapshot.flagged = entries;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_start_a_word_of_the_name() {
        let mut index = BTreeMap::new();
        index.insert("baraka".to_string(), vec![0, 2]);
        index.insert("ish".to_string(), vec![0]);
        index.insert("ishonch".to_string(), vec![1]);
        index.insert("yoli".to_string(), vec![1]);
        assert_eq!(matching(&index, &["ish".into()]), vec![0, 1]);
        assert_eq!(matching(&index, &["ish".into(), "bar".into()]), vec![0]);
        assert_eq!(matching(&index, &["ishonch".into(), "yol".into()]), vec![1]);
        assert!(matching(&index, &["xyz".into()]).is_empty());
    }
}
