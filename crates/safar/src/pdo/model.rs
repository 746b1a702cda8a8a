//! The rules of pre-departure orientation that need no database: what an inspection does
//! to a centre, how long a session may run, when its trainee list is fixed, who passed,
//! and what a certificate's id looks like.

use time::Date;

use crate::platform::ids::fill_random;

/// The four things an inspector checks at a centre.
pub const CRITERIA: [&str; 4] = ["attendance", "quality", "trainers", "records"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CentreStatus {
    Active,
    Warning,
    Suspended,
}

impl CentreStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CentreStatus::Active => "active",
            CentreStatus::Warning => "warning",
            CentreStatus::Suspended => "suspended",
        }
    }

    /// A suspended centre cannot open sessions.
    pub fn may_open_sessions(status: &str) -> bool {
        status == "active" || status == "warning"
    }
}

/// An inspection's verdict: none failed passes, 1–2 failures warn, 3–4 suspend.
pub fn inspection_outcome(failures: usize) -> (&'static str, CentreStatus) {
    match failures {
        0 => ("passed", CentreStatus::Active),
        1 | 2 => ("warning", CentreStatus::Warning),
        _ => ("suspension", CentreStatus::Suspended),
    }
}

/// Days from the first to the last day of a session, both included.
pub fn session_days(starts: Date, ends: Date) -> i64 {
    (ends - starts).whole_days() + 1
}

/// A session lasts what its curriculum says, or a day more (a 2-day EPS course may run over
/// 3 days), never more than 3 days.
pub fn length_fits(curriculum_days: i64, days: i64) -> bool {
    days >= curriculum_days && days <= (curriculum_days + 1).min(3).max(curriculum_days)
}

/// The trainee list is fixed from the first day on: no more enrolments or withdrawals.
pub fn list_is_fixed(today: Date, starts: Date) -> bool {
    today >= starts
}

/// Attendance and results are recorded from the first day on (results also later).
pub fn session_has_begun(today: Date, starts: Date) -> bool {
    today >= starts
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnrolmentStatus {
    Enrolled,
    Waiting,
    Withdrawn,
}

impl EnrolmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EnrolmentStatus::Enrolled => "enrolled",
            EnrolmentStatus::Waiting => "waiting",
            EnrolmentStatus::Withdrawn => "withdrawn",
        }
    }
}

/// Passed when the post-test reaches the curriculum's pass mark.
pub fn result_of(post_score: i64, pass_mark: i64) -> &'static str {
    if post_score >= pass_mark {
        "passed"
    } else {
        "failed"
    }
}

/// A certificate id: `PDO-` and 16 characters without look-alikes (80 random bits), in
/// groups of four so it can be read over the phone.
pub fn new_certificate_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    format!("PDO-{}", groups.join("-"))
}

/// Whether text could be a certificate id (checked before any lookup).
pub fn looks_like_certificate_id(id: &str) -> bool {
    id.len() == 23
        && id.starts_with("PDO-")
        && id[4..]
            .split('-')
            .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The PINFL as printed: all but the last four digits hidden.
pub fn mask_pinfl(pinfl: &str) -> String {
    let n = pinfl.chars().count();
    let last: String = pinfl.chars().skip(n.saturating_sub(4)).collect();
    format!("{}{last}", "•".repeat(n.saturating_sub(4)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn inspections_warn_then_suspend() {
        assert_eq!(inspection_outcome(0).1, CentreStatus::Active);
        assert_eq!(inspection_outcome(1).1, CentreStatus::Warning);
        assert_eq!(inspection_outcome(2).1, CentreStatus::Warning);
        assert_eq!(inspection_outcome(3).1, CentreStatus::Suspended);
        assert_eq!(inspection_outcome(4).1, CentreStatus::Suspended);
        assert!(!CentreStatus::may_open_sessions("suspended"));
        assert!(CentreStatus::may_open_sessions("warning"));
    }

    #[test]
    fn session_lengths_follow_the_curriculum() {
        assert_eq!(
            session_days(date!(2026 - 12 - 01), date!(2026 - 12 - 01)),
            1
        );
        assert!(length_fits(1, 1));
        assert!(length_fits(1, 2));
        assert!(!length_fits(1, 3));
        assert!(length_fits(2, 3));
        assert!(!length_fits(2, 1));
        assert!(!length_fits(3, 4));
    }

    #[test]
    fn ids_are_unguessable_and_recognisable() {
        let a = new_certificate_id();
        assert!(looks_like_certificate_id(&a), "{a}");
        assert_ne!(a, new_certificate_id());
        assert!(!looks_like_certificate_id("PDO-1"));
        assert!(!looks_like_certificate_id("PDO-AAAA-AAAA-AAAA-AAA!"));
        assert_eq!(mask_pinfl("31507976020031"), "••••••••••0031");
        assert_eq!(result_of(70, 70), "passed");
        assert_eq!(result_of(69, 70), "failed");
    }
}
