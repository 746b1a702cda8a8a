//! Per-address rate limits and anonymous usage tallies for public, unauthenticated lookups.
//!
//! Both live in the server's memory on purpose: a public check must answer without a database
//! write (the write and its fsync would cost more than the lookup). With several servers the
//! limit applies per server; set it to the wanted total divided by the number of servers.
//! Tallies are flushed to the database every few seconds by the maintenance loop; a crash
//! loses at most those seconds of statistics, never anything a person did.

use std::collections::HashMap;
use std::sync::Mutex;

/// A fixed one-minute window per key.
#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

/// Keys kept before old windows are swept (bounds memory under a flood of addresses).
const SWEEP_AT: usize = 100_000;

impl Limiter {
    /// Counts one request for `key`; `false` when it is over `per_minute`.
    pub fn allow(&self, key: &str, per_minute: u32, now_ms: i64) -> bool {
        let minute = now_ms.div_euclid(60_000);
        let Ok(mut windows) = self.windows.lock() else {
            return true;
        };
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(key.to_string()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= per_minute
    }
}

/// Counts by label (`kind`, `outcome`), taken out in one go to be written to the database.
#[derive(Debug, Default)]
pub struct Tally {
    counts: Mutex<HashMap<(&'static str, &'static str), i64>>,
}

impl Tally {
    pub fn add(&self, kind: &'static str, outcome: &'static str) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry((kind, outcome)).or_insert(0) += 1;
        }
    }

    pub fn take(&self) -> Vec<(&'static str, &'static str, i64)> {
        match self.counts.lock() {
            Ok(mut counts) => counts.drain().map(|((k, o), n)| (k, o, n)).collect(),
            Err(_) => vec![],
        }
    }
}

/// What the public endpoints share within one server.
#[derive(Debug, Default)]
pub struct Usage {
    pub limiter: Limiter,
    pub tally: Tally,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_within_a_minute_and_resets_after() {
        let l = Limiter::default();
        for _ in 0..3 {
            assert!(l.allow("a", 3, 1_000));
        }
        assert!(!l.allow("a", 3, 59_000));
        assert!(l.allow("b", 3, 59_000), "per key");
        assert!(l.allow("a", 3, 60_000), "a new minute");
    }

    #[test]
    fn tallies_are_taken_once() {
        let t = Tally::default();
        t.add("name", "found");
        t.add("name", "found");
        t.add("stir", "not_found");
        let mut taken = t.take();
        taken.sort();
        assert_eq!(taken, vec![("name", "found", 2), ("stir", "not_found", 1)]);
        assert!(t.take().is_empty());
    }
}
