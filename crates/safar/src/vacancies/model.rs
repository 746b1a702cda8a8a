//! The two state machines of a placement (a vacancy, an application) and the match score,
//! as plain functions: no database, so every transition and every point can be tested.

use serde::Serialize;

/// `draft → verified (licensing officer) → published → filled | withdrawn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VacancyState {
    Draft,
    Verified,
    Published,
    Filled,
    Withdrawn,
}

impl VacancyState {
    pub const ALL: [VacancyState; 5] = [
        VacancyState::Draft,
        VacancyState::Verified,
        VacancyState::Published,
        VacancyState::Filled,
        VacancyState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VacancyState::Draft => "draft",
            VacancyState::Verified => "verified",
            VacancyState::Published => "published",
            VacancyState::Filled => "filled",
            VacancyState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What can be done to a vacancy, and by whom (`by_officer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VacancyAction {
    /// A licensing officer checked it against the channel and the employer-pays rule.
    Verify,
    /// The recruiter makes a verified vacancy public.
    Publish,
    /// Every position is taken.
    Fill,
    /// Taken down, by the recruiter or an officer.
    Withdraw,
}

impl VacancyAction {
    pub const ALL: [VacancyAction; 4] = [
        VacancyAction::Verify,
        VacancyAction::Publish,
        VacancyAction::Fill,
        VacancyAction::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VacancyAction::Verify => "verify",
            VacancyAction::Publish => "publish",
            VacancyAction::Fill => "fill",
            VacancyAction::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Verification is the licensing officer's; the rest is the recruiter's (an officer may
    /// also withdraw).
    pub fn by_officer(self) -> bool {
        matches!(self, VacancyAction::Verify | VacancyAction::Withdraw)
    }

    pub fn by_recruiter(self) -> bool {
        self != VacancyAction::Verify
    }
}

pub fn vacancy_transition(from: VacancyState, action: VacancyAction) -> Option<VacancyState> {
    use VacancyAction as A;
    use VacancyState as S;
    match (from, action) {
        (S::Draft, A::Verify) => Some(S::Verified),
        (S::Verified, A::Publish) => Some(S::Published),
        (S::Published, A::Fill) => Some(S::Filled),
        (S::Draft | S::Verified | S::Published, A::Withdraw) => Some(S::Withdrawn),
        _ => None,
    }
}

/// `applied → shortlisted → offered → contracted → departed | rejected | withdrawn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppState {
    Applied,
    Shortlisted,
    Offered,
    Contracted,
    Departed,
    Rejected,
    Withdrawn,
}

impl AppState {
    pub const ALL: [AppState; 7] = [
        AppState::Applied,
        AppState::Shortlisted,
        AppState::Offered,
        AppState::Contracted,
        AppState::Departed,
        AppState::Rejected,
        AppState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppState::Applied => "applied",
            AppState::Shortlisted => "shortlisted",
            AppState::Offered => "offered",
            AppState::Contracted => "contracted",
            AppState::Departed => "departed",
            AppState::Rejected => "rejected",
            AppState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Still in progress: the licence cascade looks for these.
    pub fn is_open(self) -> bool {
        !matches!(self, AppState::Rejected | AppState::Withdrawn)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppAction {
    Shortlist,
    Offer,
    Contract,
    /// Creates the person's departure journey.
    Depart,
    Reject,
    /// The applicant's own: they may step back at any point before leaving.
    Withdraw,
}

impl AppAction {
    pub const ALL: [AppAction; 6] = [
        AppAction::Shortlist,
        AppAction::Offer,
        AppAction::Contract,
        AppAction::Depart,
        AppAction::Reject,
        AppAction::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppAction::Shortlist => "shortlist",
            AppAction::Offer => "offer",
            AppAction::Contract => "contract",
            AppAction::Depart => "depart",
            AppAction::Reject => "reject",
            AppAction::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Withdrawing is the applicant's; every other step is the recruiter's.
    pub fn by_applicant(self) -> bool {
        self == AppAction::Withdraw
    }
}

pub fn app_transition(from: AppState, action: AppAction) -> Option<AppState> {
    use AppAction as A;
    use AppState as S;
    match (from, action) {
        (S::Applied, A::Shortlist) => Some(S::Shortlisted),
        (S::Shortlisted, A::Offer) => Some(S::Offered),
        (S::Offered, A::Contract) => Some(S::Contracted),
        (S::Contracted, A::Depart) => Some(S::Departed),
        (S::Applied | S::Shortlisted | S::Offered, A::Reject) => Some(S::Rejected),
        (S::Applied | S::Shortlisted | S::Offered | S::Contracted, A::Withdraw) => {
            Some(S::Withdrawn)
        }
        _ => None,
    }
}

/// CEFR levels in order; `native` is above C2.
const LEVELS: &[&str] = &["A1", "A2", "B1", "B2", "C1", "C2", "native"];

fn level_rank(level: &str) -> Option<usize> {
    LEVELS.iter().position(|l| *l == level)
}

/// One part of the match score, shown to recruiter staff beside the total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ScorePart {
    /// `skills`, `language` or `region`.
    pub part: String,
    pub points: i64,
    pub max: i64,
    /// Why, as a message key suffix: `exact`, `related`, `none`, `meets`, `one_below`,
    /// `below`, `not_required`, `in_region`, `nationwide`, `elsewhere`.
    pub reason: String,
}

/// What the score looks at in a vacancy.
pub struct Wanted<'a> {
    pub sector_isco: &'a str,
    pub language: &'a str,
    pub language_level: &'a str,
    /// Regions recruited from; empty is the whole country.
    pub regions: &'a [String],
}

/// What the score looks at in an applicant.
pub struct Offered<'a> {
    pub skills: &'a [String],
    pub languages: &'a [(String, String)],
    pub region: &'a str,
    /// Holds a valid pre-departure certificate for the vacancy's destination.
    pub pdo_certified: bool,
}

fn part(name: &str, points: i64, max: i64, reason: &str) -> ScorePart {
    ScorePart {
        part: name.into(),
        points,
        max,
        reason: reason.into(),
    }
}

/// A transparent score out of 100: skills 40 (the vacancy's ISCO unit group 40, the same
/// sub-major group 20), language 25 (required level met 25, one level short 12), region 15
/// (recruited from the applicant's region, or nationwide), pre-departure orientation 20 (a
/// valid certificate for the destination).
pub fn match_score(v: &Wanted<'_>, a: &Offered<'_>) -> (i64, Vec<ScorePart>) {
    let skills = if a.skills.iter().any(|s| s == v.sector_isco) {
        part("skills", 40, 40, "exact")
    } else if a
        .skills
        .iter()
        .any(|s| s.len() >= 2 && v.sector_isco.len() >= 2 && s[..2] == v.sector_isco[..2])
    {
        part("skills", 20, 40, "related")
    } else {
        part("skills", 0, 40, "none")
    };
    let language = if v.language.is_empty() {
        part("language", 25, 25, "not_required")
    } else {
        let needed = level_rank(v.language_level).unwrap_or(0);
        let has = a
            .languages
            .iter()
            .find(|(code, _)| code == v.language)
            .and_then(|(_, level)| level_rank(level));
        match has {
            Some(h) if h >= needed => part("language", 25, 25, "meets"),
            Some(h) if h + 1 == needed => part("language", 12, 25, "one_below"),
            _ => part("language", 0, 25, "below"),
        }
    };
    let region = if v.regions.is_empty() {
        part("region", 15, 15, "nationwide")
    } else if v.regions.iter().any(|r| r == a.region) {
        part("region", 15, 15, "in_region")
    } else {
        part("region", 0, 15, "elsewhere")
    };
    let pdo = if a.pdo_certified {
        part("pdo", 20, 20, "certified")
    } else {
        part("pdo", 0, 20, "no_certificate")
    };
    let parts = vec![skills, language, region, pdo];
    (parts.iter().map(|p| p.points).sum(), parts)
}

/// Short public references: `V-` and six letters and digits without look-alikes.
pub fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ACDEFGHJKLMNPQRTUVWXY346789";
    let mut bytes = [0u8; 6];
    crate::platform::ids::fill_random(&mut bytes);
    let code: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("V-{code}")
}

/// A reference as a person might type it (`v 7kq3mx`, `V-7KQ3MX`) in its stored form.
pub fn normalise_reference(input: &str) -> Option<String> {
    let upper = input.trim().to_uppercase();
    let rest = upper.strip_prefix('V').unwrap_or(&upper);
    let code = rest.strip_prefix(['-', ' ']).unwrap_or(rest);
    (code.len() == 6 && code.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("V-{code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vacancy_moves_only_forward_and_is_verified_before_it_is_published() {
        use VacancyAction as A;
        use VacancyState as S;
        let allowed = [
            (S::Draft, A::Verify, S::Verified),
            (S::Verified, A::Publish, S::Published),
            (S::Published, A::Fill, S::Filled),
            (S::Draft, A::Withdraw, S::Withdrawn),
            (S::Verified, A::Withdraw, S::Withdrawn),
            (S::Published, A::Withdraw, S::Withdrawn),
        ];
        for from in S::ALL {
            for action in A::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    vacancy_transition(from, action),
                    expected,
                    "{from:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn an_application_ends_departed_rejected_or_withdrawn() {
        use AppAction as A;
        use AppState as S;
        assert_eq!(app_transition(S::Applied, A::Offer), None, "no skipping");
        assert_eq!(app_transition(S::Contracted, A::Reject), None);
        assert_eq!(app_transition(S::Contracted, A::Depart), Some(S::Departed));
        for end in [S::Departed, S::Rejected, S::Withdrawn] {
            for action in A::ALL {
                assert_eq!(app_transition(end, action), None, "{end:?} is final");
            }
        }
        let mut state = S::Applied;
        for action in [A::Shortlist, A::Offer, A::Contract, A::Depart] {
            state = app_transition(state, action).expect("the happy path");
        }
        assert_eq!(state, S::Departed);
    }

    #[test]
    fn the_score_explains_itself() {
        let regions = ["UZ-SA".to_string()];
        let v = Wanted {
            sector_isco: "6111",
            language: "ko",
            language_level: "A2",
            regions: &regions,
        };
        let skills = ["6112".to_string()];
        let languages = [("ko".to_string(), "A1".to_string())];
        let (score, parts) = match_score(
            &v,
            &Offered {
                skills: &skills,
                languages: &languages,
                region: "UZ-SA",
                pdo_certified: true,
            },
        );
        assert_eq!(score, 20 + 12 + 15 + 20);
        let reasons: Vec<&str> = parts.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(reasons, ["related", "one_below", "in_region", "certified"]);
        assert_eq!(parts.iter().map(|p| p.max).sum::<i64>(), 100);
        let (none, _) = match_score(
            &v,
            &Offered {
                skills: &[],
                languages: &[],
                region: "UZ-TK",
                pdo_certified: false,
            },
        );
        assert_eq!(none, 0);
    }

    #[test]
    fn references_are_read_however_they_are_typed() {
        assert_eq!(normalise_reference(" v-7kq3mx "), Some("V-7KQ3MX".into()));
        assert_eq!(normalise_reference("V 7KQ3MX"), Some("V-7KQ3MX".into()));
        assert_eq!(normalise_reference("V-7KQ3M"), None);
        assert_eq!(normalise_reference("V-7KQ3M<"), None);
        let r = new_reference();
        assert_eq!(normalise_reference(&r), Some(r));
    }
}
