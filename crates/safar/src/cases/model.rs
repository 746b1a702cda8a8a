//! The rules of a call-centre case that need no database: categories and their default
//! priorities (taxonomy (a)), the ILO forced-labour indicators, how a priority is
//! suggested, when a case is due on the agency's working calendar, and the lifecycle.

use time::{Date, Duration, Month, OffsetDateTime, Weekday};

/// Case categories and the priority each starts at.
pub const CATEGORIES: [(&str, Priority); 17] = [
    ("INF", Priority::P4),
    ("EMP", Priority::P3),
    ("DOC", Priority::P2),
    ("REC", Priority::P3),
    ("TIP", Priority::P1),
    ("GBV", Priority::P2),
    ("DET", Priority::P1),
    ("HLT", Priority::P2),
    ("DTH", Priority::P1),
    ("MIS", Priority::P2),
    ("FAM", Priority::P3),
    ("PSY", Priority::P2),
    ("STR", Priority::P2),
    ("IRR", Priority::P3),
    ("FIN", Priority::P3),
    ("RET", Priority::P3),
    ("FBK", Priority::P4),
];

/// The ILO forced-labour indicators of the trafficking checklist.
pub const INDICATORS: [&str; 11] = [
    "abuse_of_vulnerability",
    "deception",
    "restriction_of_movement",
    "isolation",
    "physical_sexual_violence",
    "intimidation_threats",
    "retention_of_identity_documents",
    "withholding_of_wages",
    "debt_bondage",
    "abusive_conditions",
    "excessive_overtime",
];

/// Circumstances that raise the suggested priority one level.
pub const MODIFIERS: [&str; 7] = [
    "minor",
    "alone_in_domestic_work",
    "disability_or_illness",
    "no_food_or_shelter",
    "several_victims",
    "conflict_or_disaster",
    "cannot_speak_freely",
];

pub const CHANNELS: [&str; 6] = [
    "phone", "telegram", "whatsapp", "web", "walk_in", "referral",
];
pub const CALLER_ROLES: [&str; 5] = ["migrant", "family", "employer", "ngo", "embassy"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Priority::P1, Priority::P2, Priority::P3, Priority::P4]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    fn raised(self) -> Self {
        match self {
            Priority::P1 | Priority::P2 => Priority::P1,
            Priority::P3 => Priority::P2,
            Priority::P4 => Priority::P3,
        }
    }
}

pub fn default_priority(category: &str) -> Option<Priority> {
    CATEGORIES
        .iter()
        .find(|(code, _)| *code == category)
        .map(|(_, p)| *p)
}

/// The suggested priority: any trafficking indicator or a suicide risk makes it P1 (and
/// the supervisor is alerted); otherwise the category's, one level higher when a modifier
/// applies. An operator may raise it further, never lower it below this.
pub fn suggest(
    category: Priority,
    indicators: usize,
    modifiers: usize,
    suicide_risk: bool,
) -> Priority {
    if indicators > 0 || suicide_risk {
        return Priority::P1;
    }
    if modifiers > 0 {
        category.raised()
    } else {
        category
    }
}

/// The agency's days off besides weekends: fixed-date public holidays of Uzbekistan (New
/// Year, Women's Day, Navruz, Remembrance Day, Independence Day, Teachers' Day,
/// Constitution Day). The moveable Ramazon and Qurbon hayit are not in it yet.
fn is_holiday(d: Date) -> bool {
    matches!(
        (d.month(), d.day()),
        (Month::January, 1)
            | (Month::March, 8)
            | (Month::March, 21)
            | (Month::May, 9)
            | (Month::September, 1)
            | (Month::October, 1)
            | (Month::December, 8)
    )
}

pub fn is_working_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(d)
}

/// When a case opened at `opened_ms` (UTC milliseconds) is due: P1 within the hour, P2 within
/// 24 hours, P3 and P4 at the same time of day 3 and 5 working days later.
pub fn due_at(priority: Priority, opened_ms: i64) -> i64 {
    const HOUR_MS: i64 = 3600 * 1000;
    match priority {
        Priority::P1 => opened_ms + HOUR_MS,
        Priority::P2 => opened_ms + 24 * HOUR_MS,
        Priority::P3 => add_working_days(opened_ms, 3),
        Priority::P4 => add_working_days(opened_ms, 5),
    }
}

fn add_working_days(from_ms: i64, days: u32) -> i64 {
    let Ok(start) = OffsetDateTime::from_unix_timestamp(from_ms.div_euclid(1000)) else {
        return from_ms;
    };
    let mut date = start.date();
    let mut left = days;
    while left > 0 {
        date += Duration::days(1);
        if is_working_day(date) {
            left -= 1;
        }
    }
    let shift = (date - start.date()).whole_milliseconds();
    from_ms + i64::try_from(shift).unwrap_or(0)
}

/// The lifecycle: `new → assigned → in_progress → referred | escalated → resolved → closed`,
/// with `reopen` from resolved or closed (within 30 days; the service checks the date).
pub fn transition(from: &str, action: &str) -> Option<&'static str> {
    Some(match (from, action) {
        ("new", "assign") => "assigned",
        ("assigned" | "new", "start") => "in_progress",
        ("in_progress" | "escalated", "refer") => "referred",
        ("in_progress" | "referred", "escalate") => "escalated",
        ("in_progress" | "referred" | "escalated", "resolve") => "resolved",
        ("resolved", "close") => "closed",
        ("resolved" | "closed", "reopen") => "in_progress",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ms(t: OffsetDateTime) -> i64 {
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
    }

    #[test]
    fn indicators_and_suicide_risk_make_p1_and_modifiers_raise_one_level() {
        assert_eq!(suggest(Priority::P3, 1, 0, false), Priority::P1);
        assert_eq!(suggest(Priority::P4, 0, 0, true), Priority::P1);
        assert_eq!(suggest(Priority::P3, 0, 2, false), Priority::P2);
        assert_eq!(suggest(Priority::P4, 0, 0, false), Priority::P4);
        assert_eq!(default_priority("EMP"), Some(Priority::P3));
        assert_eq!(default_priority("TIP"), Some(Priority::P1));
        assert_eq!(default_priority("XYZ"), None);
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // Thursday 2026-12-03 10:00 UTC: 3 working days later skips the weekend and
        // Constitution Day (Tuesday 8 December) and lands on Wednesday 9 December.
        let opened = ms(datetime!(2026-12-03 10:00 UTC));
        assert_eq!(
            due_at(Priority::P3, opened),
            ms(datetime!(2026-12-09 10:00 UTC))
        );
        assert_eq!(
            due_at(Priority::P1, opened),
            ms(datetime!(2026-12-03 11:00 UTC))
        );
        assert_eq!(
            due_at(Priority::P2, opened),
            ms(datetime!(2026-12-04 10:00 UTC))
        );
        // Friday 25 December: 28–31 December, then New Year's Day off, then Monday 4 January.
        let friday = ms(datetime!(2026-12-25 09:30 UTC));
        assert_eq!(
            due_at(Priority::P4, friday),
            ms(datetime!(2027-01-04 09:30 UTC))
        );
    }

    #[test]
    fn cases_move_only_along_their_lifecycle() {
        assert_eq!(transition("new", "assign"), Some("assigned"));
        assert_eq!(transition("in_progress", "refer"), Some("referred"));
        assert_eq!(transition("resolved", "close"), Some("closed"));
        assert_eq!(transition("closed", "reopen"), Some("in_progress"));
        assert_eq!(transition("new", "close"), None);
        assert_eq!(transition("closed", "resolve"), None);
    }
}
