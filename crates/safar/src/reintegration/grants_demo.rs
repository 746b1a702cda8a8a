//! Demo grant programme: a committee of three reviewers, eight returnees with accounts
//! linked to their registry records, a first round already decided (awards paid out,
//! visited, one completed, one waiting for its visit), a pilot round closed two days ago
//! whose applications wait for the committee, and a second round open now.
//! Everything goes through the grant services, as an officer at the console, the
//! returnees from their own accounts and the reviewers from theirs, so the audit log
//! holds the demo as it would hold real work.

use sqlx::Row;
use time::Duration;

use super::grants::{self, ApplicationInput, CallInput, REVENUE_BANDS, ReviewInput, VisitInput};
use super::grants_store::Criterion;
use crate::accounts::service::{self as accounts, NewStaff};
use crate::people::service::{self as people, Deps, NewJourney};
use crate::people::store::PersonRow;
use crate::platform::access::{Actor, RequestMeta, Role};
use crate::platform::clock::Clock;
use crate::platform::crypto::DataKeys;
use crate::platform::db::Db;
use crate::platform::error::ServiceError;
use crate::platform::ids::readable_password;

const M: i64 = 1_000_000;
const DAY_MS: i64 = 86_400_000;
/// Committee members every call gets (and reviewers per application).
const COMMITTEE: usize = 3;
/// Returnees who apply to the first (decided) round; the rest apply to the open one.
const FIRST_ROUND: usize = 6;

// The first round's steps, in days before today.
const OPENED: i64 = 400;
const DEADLINE: i64 = 390;
const CLOSED: i64 = 388;
const REVIEWED: i64 = 380;
const DECIDED: i64 = 375;
const FIRST_PAID: i64 = 373;
const SIX_MONTHS: i64 = DECIDED - 183;
const TWELVE_MONTHS: i64 = DECIDED - 365;
/// Journeys of the chosen persons' own records must all be older than ours.
const QUIET_SINCE: i64 = 1_200;

/// The rubric's weights (viability, jobs, skills from abroad).
const WEIGHTS: [i64; 3] = [40, 30, 30];

/// One returnee's business plan, and where they worked abroad.
struct Business {
    activity: &'static str,
    isco: &'static str,
    location: &'static str,
    plan: &'static str,
    costs: i64,
    own: i64,
    requested: i64,
    jobs: i64,
    country: &'static str,
}

/// The first six apply to the first round (in the order of `SCORES`), the last two to
/// the open round. Requests fit the maximum award and the costs less the own share.
static BUSINESSES: [Business; 8] = [
    Business {
        activity: "Sewing workshop for school uniforms",
        isco: "7533",
        location: "Next to the district clothing market",
        plan: "Four industrial sewing machines and an overlocker; contracts with two schools \
               for uniforms, sold also at the market. Five years of sewing in Moscow.",
        costs: 52 * M,
        own: 17 * M,
        requested: 35 * M,
        jobs: 3,
        country: "RU",
    },
    Business {
        activity: "Car repair and servicing garage",
        isco: "7231",
        location: "On the ring road, by the fuel station",
        plan: "Lift, diagnostic scanner and tools for a two-bay garage; oil changes and repairs \
               for the taxis of the district. Trained as a mechanic in Korea under EPS.",
        costs: 65 * M,
        own: 25 * M,
        requested: 40 * M,
        jobs: 2,
        country: "KR",
    },
    Business {
        activity: "Family canteen serving national dishes",
        isco: "5120",
        location: "Mahalla centre, main street",
        plan: "Kitchen equipment and twenty seats; lunches for the workers of the nearby \
               construction sites and bazaar, with delivery. Cooked in Almaty for three years.",
        costs: 34 * M,
        own: 9 * M,
        requested: 25 * M,
        jobs: 2,
        country: "KZ",
    },
    Business {
        activity: "Electrical installation for new houses",
        isco: "7411",
        location: "Works at customers' homes; storeroom in the mahalla",
        plan: "Tools, testers and a used van to wire new private houses, which the district \
               builds many of; orders through the builders' brigades already known.",
        costs: 38 * M,
        own: 8 * M,
        requested: 30 * M,
        jobs: 1,
        country: "RU",
    },
    Business {
        activity: "Small dairy farm with six cows",
        isco: "6121",
        location: "Family plot at the edge of the village",
        plan: "Six cows, a milking machine and a cooler; milk and qatiq sold to two shops and \
               at the bazaar. Worked on a dairy farm in Kazakhstan for two seasons.",
        costs: 50 * M,
        own: 12 * M,
        requested: 38 * M,
        jobs: 1,
        country: "KZ",
    },
    Business {
        activity: "Cargo taxi with a small van",
        isco: "8322",
        location: "Stand at the district bazaar",
        plan: "A used small van to carry goods for the traders of the bazaar and for house \
               moves; the rest of the price comes from savings made abroad.",
        costs: 60 * M,
        own: 40 * M,
        requested: 20 * M,
        jobs: 0,
        country: "RU",
    },
    Business {
        activity: "Carpentry workshop for doors and windows",
        isco: "7115",
        location: "Workshop behind the family house",
        plan: "A planer, a circular saw and hand tools to make wooden doors, windows and \
               furniture to order; learnt the trade on building sites in Korea.",
        costs: 40 * M,
        own: 12 * M,
        requested: 28 * M,
        jobs: 2,
        country: "KR",
    },
    Business {
        activity: "Plumbing and heating repairs",
        isco: "7126",
        location: "Works at customers' homes across the district",
        plan: "Pipe tools, a welding set for plastic pipes and stock of fittings; repairs \
               and installation of heating for houses before winter. Worked in Istanbul.",
        costs: 22 * M,
        own: 6 * M,
        requested: 16 * M,
        jobs: 1,
        country: "TR",
    },
];

/// Each reviewer's scores of the first round's applications (0–5 per criterion), chosen
/// so that the ranking shows every outcome: four awards, one left out when the budget runs
/// out, one below the pass mark.
const SCORES: [[[i64; 3]; COMMITTEE]; FIRST_ROUND] = [
    [[5, 4, 4], [4, 4, 5], [5, 4, 3]],
    [[4, 4, 4], [4, 3, 4], [4, 4, 3]],
    [[4, 3, 3], [3, 4, 3], [4, 3, 4]],
    [[3, 3, 3], [3, 4, 2], [4, 2, 3]],
    [[3, 2, 3], [3, 3, 2], [2, 3, 3]],
    [[2, 2, 1], [2, 1, 2], [1, 2, 2]],
];

/// A returnee of the demo: their registry record, their account and their plan.
struct Returnee {
    /// The accounts-file line: label, e-mail, password.
    login: String,
    person: PersonRow,
    actor: Actor,
    business: &'static Business,
}

/// Creates the grant demo; returns how many applications were made and the returnees'
/// sign-ins as lines of the demo accounts file.
pub async fn populate(db: &Db, clock: &Clock) -> anyhow::Result<(usize, String)> {
    let committee = committee(db, clock).await?;
    let returnees = returnees(db, clock).await?;
    let (first, second) = returnees.split_at(returnees.len().min(FIRST_ROUND));
    let decided = first_round(db, clock, &committee, first).await?;
    let in_review = review_round(db, clock, &committee, second).await?;
    // The first of them is left free to apply to the open round from their own account
    // (the browser walk of journey 4 does).
    let open = open_round(db, clock, &committee, second.get(1..).unwrap_or_default()).await?;
    let logins = returnees.iter().map(|r| r.login.as_str()).collect();
    Ok((decided + in_review + open, logins))
}

/// Service errors say "invalid input"; the fields say which, which a demo run needs.
fn failed(what: &str, e: ServiceError) -> anyhow::Error {
    anyhow::anyhow!("grant demo: {what}: {e} {:?}", e.fields())
}

fn today(clock: &Clock) -> time::Date {
    crate::recruiters::service::today(clock)
}

/// Sets `past` to `days` before the real today of `clock`: the first round's steps must
/// each happen on their own day (closing refuses before the deadline has passed).
fn set_days_ago(past: &Clock, clock: &Clock, days: i64) {
    past.advance(clock.offset_ms() - days * DAY_MS - past.offset_ms());
}

/// An account with one role, created as the console creates demo users: (user id,
/// password).
async fn create_account(
    db: &Db,
    clock: &Clock,
    email: &str,
    name: &str,
    role: Role,
) -> anyhow::Result<(String, String)> {
    let form = NewStaff {
        email: email.to_string(),
        display_name: name.to_string(),
        role: role.to_string(),
        scope: String::new(),
        password: readable_password(),
    };
    let user = accounts::create_user(db, clock, &Actor::console(), &form)
        .await
        .map_err(|e| failed(&format!("creating {email}"), e))?;
    Ok((user, form.password))
}

/// The actor a signed-in user would be, with the roles the database gives them.
async fn actor(db: &Db, user_id: &str) -> anyhow::Result<Actor> {
    crate::accounts::actor_for_user(db, user_id, RequestMeta::default())
        .await?
        .ok_or_else(|| anyhow::anyhow!("grant demo: account {user_id} is not active"))
}

async fn reviewer_ids(db: &Db) -> anyhow::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT u.id FROM users u JOIN role_grants g ON g.user_id = u.id \
         WHERE g.role = 'grant_reviewer' ORDER BY u.email",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<Result<Vec<String>, sqlx::Error>>()?)
}

/// Three committee members: the demo's `grant_reviewer` and as many more as are missing.
async fn committee(db: &Db, clock: &Clock) -> anyhow::Result<Vec<Actor>> {
    let existing = reviewer_ids(db).await?.len();
    for n in existing + 1..=COMMITTEE {
        let email = format!("grant_reviewer{n}@demo.example.org");
        let name = format!("Demo grant_reviewer {n}");
        create_account(db, clock, &email, &name, Role::GrantReviewer).await?;
    }
    let mut actors = vec![];
    for id in reviewer_ids(db).await?.iter().take(COMMITTEE) {
        actors.push(actor(db, id).await?);
    }
    Ok(actors)
}

/// Persons without an account, of an age every call admits, and whose own journeys are
/// all older than the ones the demo adds (so the demo's return is their latest); those
/// last seen coming home first.
async fn candidates(db: &Db, day: time::Date) -> anyhow::Result<Vec<String>> {
    let born_after = day - Duration::days(21_500);
    let born_by = day - Duration::days(OPENED + 7_000);
    let quiet_since = day - Duration::days(QUIET_SINCE);
    let rows = sqlx::query(
        "SELECT p.id FROM persons p WHERE p.user_id IS NULL AND p.anonymised_at IS NULL \
         AND p.birth_date > $1 AND p.birth_date <= $2 \
         AND NOT EXISTS (SELECT 1 FROM journeys j WHERE j.person_id = p.id AND j.event_date >= $3) \
         ORDER BY CASE WHEN (SELECT l.kind FROM journeys l WHERE l.person_id = p.id \
         ORDER BY l.event_date DESC LIMIT 1) = 'departure' THEN 1 ELSE 0 END, p.id LIMIT 8",
    )
    .bind(born_after.to_string())
    .bind(born_by.to_string())
    .bind(quiet_since.to_string())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<Result<Vec<String>, sqlx::Error>>()?)
}

/// Days before today of returnee `n`'s departure and return: the first round's applicants
/// came back before it opened, the open round's within the past year.
fn stay(n: usize) -> (i64, i64) {
    let n = n as i64;
    let first_round = FIRST_ROUND as i64;
    if n < first_round {
        let back = OPENED + 30 + 25 * n;
        (back + 365 + 30 * n, back)
    } else {
        let back = 60 + 120 * (n - first_round);
        (back + 330, back)
    }
}

fn display_name(person: &PersonRow, n: usize) -> String {
    let (given, family) = if person.given_name_latn.is_empty() {
        (&person.given_name, &person.family_name)
    } else {
        (&person.given_name_latn, &person.family_name_latn)
    };
    let name = format!("{given} {family}").trim().to_string();
    if name.is_empty() {
        format!("Demo returnee {}", n + 1)
    } else {
        name
    }
}

/// The registry has no service that links an existing record to an account (citizens
/// link theirs when they register it), so the demo sets the link itself.
async fn link(db: &Db, clock: &Clock, user_id: &str, person_id: &str) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE persons SET user_id = $1, updated_at = $2 WHERE id = $3 AND user_id IS NULL",
    )
    .bind(user_id)
    .bind(clock.now_ms())
    .bind(person_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records a departure and a return, as border data, through the people service.
/// Journeys need no data key, so a throwaway one stands in for the server's.
async fn record_stay(
    db: &Db,
    clock: &Clock,
    person_id: &str,
    business: &Business,
    (left, back): (i64, i64),
) -> anyhow::Result<()> {
    let keys = DataKeys::generate();
    let deps = Deps {
        db,
        clock,
        keys: &keys,
    };
    let day = today(clock);
    for (kind, days) in [("departure", left), ("return", back)] {
        let journey = NewJourney {
            kind: kind.into(),
            date: (day - Duration::days(days)).to_string(),
            country: business.country.into(),
            channel: Some("official".into()),
            sector: Some(business.isco.into()),
            source: Some("border_import".into()),
            ..NewJourney::default()
        };
        people::add_journey(deps, &Actor::console(), person_id, &journey)
            .await
            .map_err(|e| failed("recording a journey", e))?;
    }
    Ok(())
}

/// Up to eight persons become returnees: a stay abroad on record, a citizen account
/// linked to their record, and a business plan.
async fn returnees(db: &Db, clock: &Clock) -> anyhow::Result<Vec<Returnee>> {
    let ids = candidates(db, today(clock)).await?;
    let mut out = vec![];
    for (n, (id, business)) in ids.iter().zip(BUSINESSES.iter()).enumerate() {
        let person = crate::people::store::find(db, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("grant demo: person {id} is gone"))?;
        record_stay(db, clock, &person.id, business, stay(n)).await?;
        let email = format!("returnee{}@demo.example.org", n + 1);
        let name = display_name(&person, n);
        let (user, password) = create_account(db, clock, &email, &name, Role::Citizen).await?;
        link(db, clock, &user, &person.id).await?;
        out.push(Returnee {
            login: format!("returnee{}\t{email}\t{password}\n", n + 1),
            actor: actor(db, &user).await?,
            person,
            business,
        });
    }
    Ok(out)
}

/// A call with the programme's usual rules and rubric, the demo committee deciding.
fn call_input(
    title: &str,
    budget: i64,
    max_award: i64,
    deadline: time::Date,
    committee: &[Actor],
) -> CallInput {
    let criterion = |name: &str, weight| Criterion {
        name: name.into(),
        weight,
    };
    CallInput {
        title: title.into(),
        description: "Grants for returned migrants who start or grow a small business in \
                      their home district. Paid in two tranches; the second after a visit."
            .into(),
        budget,
        max_award,
        returned_within_months: 24,
        min_age: 18,
        max_age: 60,
        no_prior_award: true,
        pass_mark: 2.5,
        reviewers_per_application: COMMITTEE as i64,
        first_tranche_percent: 60,
        deadline: deadline.to_string(),
        criteria: vec![
            criterion("Viability of the business plan", WEIGHTS[0]),
            criterion("Jobs for others", WEIGHTS[1]),
            criterion("Use of skills gained abroad", WEIGHTS[2]),
        ],
        reviewers: committee
            .iter()
            .filter_map(|a| a.user_id().map(str::to_string))
            .collect(),
        ..CallInput::default()
    }
}

fn application(r: &Returnee) -> ApplicationInput {
    let b = r.business;
    ApplicationInput {
        activity: b.activity.into(),
        sector_isco: b.isco.into(),
        district: r.person.district_soato.clone().unwrap_or_default(),
        location: b.location.into(),
        plan: b.plan.into(),
        costs: b.costs,
        own_contribution: b.own,
        requested: b.requested,
        jobs_expected: b.jobs,
    }
}

/// The first round, dated in the past on a clock of its own: opened, applied to one
/// returnee a day, closed after its deadline, scored, decided, paid and monitored.
async fn first_round(
    db: &Db,
    clock: &Clock,
    committee: &[Actor],
    returnees: &[Returnee],
) -> anyhow::Result<usize> {
    let console = Actor::console();
    // A fresh clock, not a clone: `advance` moves every clone, and `clock` must stay.
    let past = Clock::default();
    set_days_ago(&past, clock, OPENED);
    let deadline = today(clock) - Duration::days(DEADLINE);
    let input = call_input(
        "Returnee small-business grants: first round",
        150 * M,
        40 * M,
        deadline,
        committee,
    );
    let call = grants::open_call(db, &past, &console, &input)
        .await
        .map_err(|e| failed("opening the first round", e))?;
    let mut apps = vec![];
    for (n, r) in returnees.iter().enumerate() {
        set_days_ago(&past, clock, OPENED - n as i64);
        let app = grants::apply(db, &past, &r.actor, &call.id, &application(r))
            .await
            .map_err(|e| failed("applying to the first round", e))?;
        apps.push(app.id);
    }
    set_days_ago(&past, clock, CLOSED);
    grants::close_call(db, &past, &console, &call.id)
        .await
        .map_err(|e| failed("closing the first round", e))?;
    set_days_ago(&past, clock, REVIEWED);
    score(db, &past, committee, &apps).await?;
    set_days_ago(&past, clock, DECIDED);
    let ranking = grants::decide(db, &past, &console, &call.id)
        .await
        .map_err(|e| failed("deciding the first round", e))?;
    let awards: Vec<String> = ranking
        .items
        .iter()
        .filter(|line| line.decision == "awarded")
        .map(|line| line.application_id.clone())
        .collect();
    pay_and_monitor(db, clock, &past, &awards).await?;
    Ok(apps.len())
}

/// What a reviewer writes, by how well they scored the plan.
fn comment(weighted: i64) -> &'static str {
    match weighted {
        4_000.. => "Strong plan with realistic costs and customers already lined up.",
        3_000.. => "Sound plan; the market is crowded, but the experience shows.",
        2_500.. => "Plausible, though the budget and sales need more detail.",
        _ => "Too little on customers and costs; few jobs for others.",
    }
}

/// Each committee member scores every first-round application assigned to them.
async fn score(db: &Db, clock: &Clock, committee: &[Actor], apps: &[String]) -> anyhow::Result<()> {
    for (j, reviewer) in committee.iter().enumerate() {
        let assigned = grants::my_reviews(db, reviewer)
            .await
            .map_err(|e| failed("listing reviews", e))?;
        for review in assigned.iter().filter(|r| r.status == "assigned") {
            let Some(i) = apps.iter().position(|a| *a == review.application_id) else {
                continue;
            };
            let scores = SCORES
                .get(i)
                .and_then(|s| s.get(j))
                .copied()
                .unwrap_or([3, 3, 3]);
            let weighted = super::grants_model::weighted(&scores, &WEIGHTS);
            let input = ReviewInput {
                scores: scores.to_vec(),
                comment: comment(weighted).into(),
                ..ReviewInput::default()
            };
            grants::review(db, clock, reviewer, &review.application_id, &input)
                .await
                .map_err(|e| failed("reviewing", e))?;
        }
    }
    Ok(())
}

/// A monitoring visit that finds the business running.
fn visit(month: i64, day: time::Date, k: usize) -> VisitInput {
    let jobs = if month == 12 { 4 } else { 1 + (k % 3) as i64 };
    VisitInput {
        month,
        visited_on: day.to_string(),
        operating: true,
        jobs_created: jobs,
        revenue_band: REVENUE_BANDS[1 + k % 3].into(),
        notes: "Business open and equipped as planned; sales records kept.".into(),
    }
}

/// Every award gets its first tranche; all but the last are visited at six months and
/// get the second; the best is visited at twelve months too (completed). The last still
/// waits for its six-month visit.
async fn pay_and_monitor(
    db: &Db,
    clock: &Clock,
    past: &Clock,
    awards: &[String],
) -> anyhow::Result<()> {
    let console = Actor::console();
    set_days_ago(past, clock, FIRST_PAID);
    for id in awards {
        grants::release_tranche(db, past, &console, id, 1)
            .await
            .map_err(|e| failed("releasing a first tranche", e))?;
    }
    let visited = awards.len().saturating_sub(1);
    set_days_ago(past, clock, SIX_MONTHS);
    for (k, id) in awards.iter().enumerate().take(visited) {
        grants::record_visit(db, past, &console, id, &visit(6, today(past), k))
            .await
            .map_err(|e| failed("recording a six-month visit", e))?;
        grants::release_tranche(db, past, &console, id, 2)
            .await
            .map_err(|e| failed("releasing a second tranche", e))?;
    }
    set_days_ago(past, clock, TWELVE_MONTHS);
    if let Some(id) = awards.first().filter(|_| visited > 0) {
        grants::record_visit(db, past, &console, id, &visit(12, today(past), 2))
            .await
            .map_err(|e| failed("recording a twelve-month visit", e))?;
    }
    Ok(())
}

/// A pilot round whose deadline has just passed: the remaining returnees applied, the
/// officer closed it, and their applications wait for the committee's scores — so the
/// reviewers, the decision, the tranches and the visits can be walked through today.
async fn review_round(
    db: &Db,
    clock: &Clock,
    committee: &[Actor],
    returnees: &[Returnee],
) -> anyhow::Result<usize> {
    let console = Actor::console();
    let past = Clock::default();
    set_days_ago(&past, clock, 30);
    let deadline = today(clock) - Duration::days(3);
    let input = call_input(
        "Returnee small-business grants: district pilot",
        60 * M,
        30 * M,
        deadline,
        committee,
    );
    let call = grants::open_call(db, &past, &console, &input)
        .await
        .map_err(|e| failed("opening the pilot round", e))?;
    set_days_ago(&past, clock, 20);
    for r in returnees {
        grants::apply(db, &past, &r.actor, &call.id, &application(r))
            .await
            .map_err(|e| failed("applying to the pilot round", e))?;
    }
    set_days_ago(&past, clock, 2);
    grants::close_call(db, &past, &console, &call.id)
        .await
        .map_err(|e| failed("closing the pilot round", e))?;
    Ok(returnees.len())
}

/// The second round, open today with its deadline a month away, with the remaining
/// returnees' applications.
async fn open_round(
    db: &Db,
    clock: &Clock,
    committee: &[Actor],
    returnees: &[Returnee],
) -> anyhow::Result<usize> {
    let console = Actor::console();
    let deadline = today(clock) + Duration::days(30);
    let input = call_input(
        "Returnee small-business grants: second round",
        120 * M,
        30 * M,
        deadline,
        committee,
    );
    let call = grants::open_call(db, clock, &console, &input)
        .await
        .map_err(|e| failed("opening the second round", e))?;
    for r in returnees {
        grants::apply(db, clock, &r.actor, &call.id, &application(r))
            .await
            .map_err(|e| failed("applying to the second round", e))?;
    }
    Ok(returnees.len())
}
