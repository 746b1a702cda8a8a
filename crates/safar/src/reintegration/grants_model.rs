//! The rules of a grant call, free of storage, so that every decision can be explained and
//! tested: eligibility, weighted scores, the ranking with its stated tie rule, the awards
//! down the ranking until the budget runs out, and when a tranche may be released.

use std::cmp::Ordering;

/// A call's automatic eligibility rules (0 / empty: no such rule).
#[derive(Clone, Debug, Default)]
pub struct Rules {
    pub returned_within_months: i64,
    pub regions: Vec<String>,
    pub min_age: i64,
    pub max_age: i64,
    pub no_prior_award: bool,
}

/// What the rules are checked against, read from the registry at submission.
#[derive(Clone, Debug, Default)]
pub struct Applicant {
    pub region: String,
    pub birth_date: Option<time::Date>,
    /// The latest recorded return.
    pub last_return: Option<time::Date>,
    /// Another grant awarded and not completed or cancelled.
    pub has_open_award: bool,
}

/// One rule's result, kept with the application and shown to the applicant and officer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Check {
    /// `returned_within`, `region`, `age` or `no_prior_award`.
    pub rule: String,
    pub passed: bool,
    /// What was found: the return date, the region, the age, or the open award.
    pub detail: String,
}

fn check(rule: &str, passed: bool, detail: String) -> Check {
    Check {
        rule: rule.into(),
        passed,
        detail,
    }
}

fn age_on(birth: time::Date, day: time::Date) -> i64 {
    let mut age = i64::from(day.year() - birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The months from `earlier` to `later`, counting a month only when its day is reached.
fn months_between(earlier: time::Date, later: time::Date) -> i64 {
    let mut months = i64::from(later.year() - earlier.year()) * 12
        + i64::from(u8::from(later.month()))
        - i64::from(u8::from(earlier.month()));
    if later.day() < earlier.day() {
        months -= 1;
    }
    months
}

/// Checks every rule of a call on `day`; eligible when all pass.
pub fn eligibility(rules: &Rules, a: &Applicant, day: time::Date) -> Vec<Check> {
    let mut checks = vec![];
    if rules.returned_within_months > 0 {
        let passed = a
            .last_return
            .is_some_and(|r| r <= day && months_between(r, day) < rules.returned_within_months);
        let detail = a.last_return.map(|d| d.to_string()).unwrap_or_default();
        checks.push(check("returned_within", passed, detail));
    }
    if !rules.regions.is_empty() {
        let passed = rules.regions.contains(&a.region);
        checks.push(check("region", passed, a.region.clone()));
    }
    if rules.min_age > 0 || rules.max_age > 0 {
        let age = a.birth_date.map(|b| age_on(b, day));
        let passed = age.is_some_and(|age| {
            age >= rules.min_age && (rules.max_age == 0 || age <= rules.max_age)
        });
        let detail = age.map(|a| a.to_string()).unwrap_or_default();
        checks.push(check("age", passed, detail));
    }
    if rules.no_prior_award {
        checks.push(check("no_prior_award", !a.has_open_award, String::new()));
    }
    checks
}

pub fn all_passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.passed)
}

/// A review's weighted score in thousandths of a point: Σ score × weight (weights in
/// percent adding up to 100, scores 0–5) × 10, so 5 on every criterion is 5 000.
pub fn weighted(scores: &[i64], weights: &[i64]) -> i64 {
    scores.iter().zip(weights).map(|(s, w)| s * w).sum::<i64>() * 10
}

/// The mean of the reviews' weighted scores, in thousandths, rounded half up.
pub fn mean(weighted_scores: &[i64]) -> Option<i64> {
    let n = i64::try_from(weighted_scores.len())
        .ok()
        .filter(|n| *n > 0)?;
    let total: i64 = weighted_scores.iter().sum();
    Some((total * 2 + n) / (2 * n))
}

/// What the ranking needs of an application.
#[derive(Clone, Debug)]
pub struct Ranked {
    pub id: String,
    pub mean: i64,
    pub costs: i64,
    pub own_contribution: i64,
    pub jobs_expected: i64,
    pub requested: i64,
    pub submitted_at: i64,
}

/// The stated tie rule, in order: a higher mean weighted score; then a larger share of
/// the costs met by the applicant; then more jobs expected; then the earlier submission.
pub const TIE_RULE: [&str; 4] = ["mean_score", "own_share", "jobs_expected", "submitted_at"];

fn by_rank(a: &Ranked, b: &Ranked) -> Ordering {
    // Shares compared exactly: own_a / costs_a against own_b / costs_b.
    let share =
        |x: &Ranked, y: &Ranked| i128::from(x.own_contribution) * i128::from(y.costs.max(1));
    b.mean
        .cmp(&a.mean)
        .then_with(|| share(b, a).cmp(&share(a, b)))
        .then_with(|| b.jobs_expected.cmp(&a.jobs_expected))
        .then_with(|| a.submitted_at.cmp(&b.submitted_at))
        .then_with(|| a.id.cmp(&b.id))
}

/// The decision on one application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub id: String,
    pub rank: i64,
    pub awarded: i64,
    /// `awarded`, `below_pass_mark` or `budget_exhausted`.
    pub reason: &'static str,
}

/// Ranks the scored applications and awards down the ranking: each one at or above the
/// pass mark gets what it asked for while the budget lasts; the first that does not fit
/// stops the awards, so nobody lower in the ranking is preferred to it.
pub fn decide(mut apps: Vec<Ranked>, budget: i64, pass_mark: i64) -> Vec<Decision> {
    apps.sort_by(by_rank);
    let mut left = budget;
    let mut exhausted = false;
    apps.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let rank = i as i64 + 1;
            let (awarded, reason) = if a.mean < pass_mark {
                (0, "below_pass_mark")
            } else if !exhausted && a.requested <= left {
                left -= a.requested;
                (a.requested, "awarded")
            } else {
                exhausted = true;
                (0, "budget_exhausted")
            };
            Decision {
                id: a.id,
                rank,
                awarded,
                reason,
            }
        })
        .collect()
}

/// The two tranches of an award: the first `first_percent` (rounded down to a whole so'm),
/// the second the rest.
pub fn tranches(award: i64, first_percent: i64) -> [i64; 2] {
    let first = award * first_percent / 100;
    [first, award - first]
}

/// Whether tranche `number` may be released: the first once awarded; the second only after
/// a monitoring visit found the business operating, and never before the first.
pub fn may_release(
    number: i64,
    first_released: bool,
    operating_visit: bool,
) -> Result<(), &'static str> {
    match number {
        1 if !first_released => Ok(()),
        1 => Err("err-grant-tranche-done"),
        2 if !first_released => Err("err-grant-tranche-order"),
        2 if !operating_visit => Err("err-grant-tranche-visit"),
        2 => Ok(()),
        _ => Err("err-grant-tranche"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn app(id: &str, mean: i64, own: i64, jobs: i64, at: i64, requested: i64) -> Ranked {
        Ranked {
            id: id.into(),
            mean,
            costs: 100,
            own_contribution: own,
            jobs_expected: jobs,
            requested,
            submitted_at: at,
        }
    }

    #[test]
    fn every_rule_is_checked_and_explained() {
        let rules = Rules {
            returned_within_months: 24,
            regions: vec!["UZ-SA".into()],
            min_age: 18,
            max_age: 45,
            no_prior_award: true,
        };
        let day = date!(2026 - 11 - 28);
        let ok = Applicant {
            region: "UZ-SA".into(),
            birth_date: Some(date!(1990 - 05 - 01)),
            last_return: Some(date!(2025 - 03 - 10)),
            has_open_award: false,
        };
        assert!(all_passed(&eligibility(&rules, &ok, day)));
        // 24 months after the return is too late; the day before is not.
        let late = Applicant {
            last_return: Some(date!(2024 - 11 - 28)),
            ..ok.clone()
        };
        let checks = eligibility(&rules, &late, day);
        assert!(!checks[0].passed);
        assert_eq!(checks[0].detail, "2024-11-28");
        let just = Applicant {
            last_return: Some(date!(2024 - 11 - 29)),
            ..ok.clone()
        };
        assert!(all_passed(&eligibility(&rules, &just, day)));
        let never = Applicant {
            last_return: None,
            ..ok.clone()
        };
        assert!(!all_passed(&eligibility(&rules, &never, day)));
        let elsewhere = Applicant {
            region: "UZ-AN".into(),
            ..ok.clone()
        };
        assert!(!eligibility(&rules, &elsewhere, day)[1].passed);
        // 46 on the day: too old; 18 tomorrow: too young.
        let old = Applicant {
            birth_date: Some(date!(1980 - 11 - 28)),
            ..ok.clone()
        };
        assert_eq!(eligibility(&rules, &old, day)[2].detail, "46");
        assert!(!eligibility(&rules, &old, day)[2].passed);
        let young = Applicant {
            birth_date: Some(date!(2008 - 11 - 29)),
            ..ok.clone()
        };
        assert!(!eligibility(&rules, &young, day)[2].passed);
        let awarded = Applicant {
            has_open_award: true,
            ..ok
        };
        assert!(!eligibility(&rules, &awarded, day)[3].passed);
        assert!(eligibility(&Rules::default(), &awarded, day).is_empty());
    }

    #[test]
    fn scores_are_weighted_and_averaged_in_thousandths() {
        // Weights 40/30/30; scores 5, 3, 4 → 2.0 + 0.9 + 1.2 = 4.1.
        assert_eq!(weighted(&[5, 3, 4], &[40, 30, 30]), 4_100);
        assert_eq!(mean(&[4_100, 3_000, 3_500]), Some(3_533));
        assert_eq!(mean(&[1, 2]), Some(2));
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn ties_are_broken_by_the_stated_rule_and_awards_stop_at_the_budget() {
        let apps = vec![
            app("low", 2_000, 50, 9, 1, 10),
            app("b-more-jobs", 4_000, 20, 5, 3, 40),
            app("a-fewer-jobs", 4_000, 20, 2, 1, 40),
            app("top", 4_500, 10, 1, 9, 30),
            app("c-bigger-share", 4_000, 30, 1, 5, 40),
            app("same-but-later", 4_000, 20, 2, 2, 10),
        ];
        let decisions = decide(apps, 100, 2_500);
        let order: Vec<_> = decisions.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            order,
            [
                "top",
                "c-bigger-share",
                "b-more-jobs",
                "a-fewer-jobs",
                "same-but-later",
                "low"
            ]
        );
        let outcome: Vec<_> = decisions.iter().map(|d| (d.awarded, d.reason)).collect();
        // 30 + 40 = 70 of 100; 40 more does not fit: the awards stop there, even though a
        // later request of 10 would have fitted.
        assert_eq!(
            outcome,
            [
                (30, "awarded"),
                (40, "awarded"),
                (0, "budget_exhausted"),
                (0, "budget_exhausted"),
                (0, "budget_exhausted"),
                (0, "below_pass_mark"),
            ]
        );
        assert_eq!(decisions[0].rank, 1);
    }

    #[test]
    fn the_second_tranche_waits_for_a_visit_that_finds_the_business_running() {
        assert_eq!(tranches(10_000_001, 60), [6_000_000, 4_000_001]);
        assert!(may_release(1, false, false).is_ok());
        assert!(may_release(1, true, false).is_err());
        assert_eq!(may_release(2, false, true), Err("err-grant-tranche-order"));
        assert_eq!(may_release(2, true, false), Err("err-grant-tranche-visit"));
        assert!(may_release(2, true, true).is_ok());
        assert!(may_release(3, true, true).is_err());
    }
}
