//! The rules of an awareness event, free of storage: its kinds and topics, the steps
//! `planned → held → reported` (or `cancelled` before it is held), attendance cells, and the
//! per-capita figure the regional table shows.

pub const KINDS: [&str; 5] = [
    "mahalla_meeting",
    "school_session",
    "job_fair",
    "media",
    "online",
];

pub const TOPICS: [&str; 5] = [
    "safe_migration",
    "fraud",
    "pdo",
    "legal_channels",
    "financial_literacy",
];

pub const GENDERS: [&str; 2] = ["female", "male"];
pub const AGE_BANDS: [&str; 4] = ["under_18", "18_29", "30_44", "45_plus"];

/// The attendance cells: (gender, age band, the field that carries it in forms and JSON).
pub const CELLS: [(&str, &str, &str); 8] = [
    ("female", "under_18", "attendance_female_under_18"),
    ("female", "18_29", "attendance_female_18_29"),
    ("female", "30_44", "attendance_female_30_44"),
    ("female", "45_plus", "attendance_female_45_plus"),
    ("male", "under_18", "attendance_male_under_18"),
    ("male", "18_29", "attendance_male_18_29"),
    ("male", "30_44", "attendance_male_30_44"),
    ("male", "45_plus", "attendance_male_45_plus"),
];

/// The largest count one cell may hold: a televised programme reaches many, but a typo
/// with three extra zeros should not pass.
pub const MAX_CELL: i64 = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Hold,
    Report,
    Cancel,
}

impl Step {
    pub fn parse(s: &str) -> Option<Step> {
        match s {
            "hold" => Some(Step::Hold),
            "report" => Some(Step::Report),
            "cancel" => Some(Step::Cancel),
            _ => None,
        }
    }

    /// The status an event must be in for this step, and the one it moves to.
    pub fn transition(self) -> (&'static str, &'static str) {
        match self {
            Step::Hold => ("planned", "held"),
            Step::Report => ("held", "reported"),
            Step::Cancel => ("planned", "cancelled"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Hold => "hold",
            Step::Report => "report",
            Step::Cancel => "cancel",
        }
    }
}

/// The steps open from a status, for the event page.
pub fn steps_from(status: &str) -> Vec<Step> {
    [Step::Hold, Step::Report, Step::Cancel]
        .into_iter()
        .filter(|s| s.transition().0 == status)
        .collect()
}

/// Topics as stored (space-separated codes), from what was ticked: known codes only, in
/// the canonical order, each once.
pub fn topics_of(chosen: &[String]) -> String {
    TOPICS
        .iter()
        .filter(|t| chosen.iter().any(|c| c.trim() == **t))
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Attendance per 10,000 inhabitants, in hundredths (so `1234` reads `12.34`); `None`
/// without a population.
pub fn per_10k_hundredths(attendance: i64, population: Option<i64>) -> Option<i64> {
    let population = population.filter(|p| *p > 0)?;
    let scaled = i128::from(attendance) * 10_000 * 100;
    let rounded = (scaled + i128::from(population) / 2) / i128::from(population);
    i64::try_from(rounded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_moves_planned_held_reported_or_is_cancelled_before() {
        assert_eq!(steps_from("planned"), [Step::Hold, Step::Cancel]);
        assert_eq!(steps_from("held"), [Step::Report]);
        assert!(steps_from("reported").is_empty());
        assert!(steps_from("cancelled").is_empty());
    }

    #[test]
    fn topics_are_known_codes_in_order() {
        let chosen = vec![
            "fraud".into(),
            "bogus".into(),
            "safe_migration".into(),
            "fraud".into(),
        ];
        assert_eq!(topics_of(&chosen), "safe_migration fraud");
    }

    #[test]
    fn attendance_is_counted_per_ten_thousand_inhabitants() {
        // 3 253 501 people in Andijan; 1 500 attended: 4.61 per 10 000.
        assert_eq!(per_10k_hundredths(1_500, Some(3_253_501)), Some(461));
        assert_eq!(per_10k_hundredths(0, Some(100)), Some(0));
        assert_eq!(per_10k_hundredths(10, None), None);
        assert_eq!(per_10k_hundredths(10, Some(0)), None);
    }
}
