//! Synthetic people written in bulk: the rows must be exactly what the people service
//! would have written one by one, and a second run must not collide with the first.

use std::collections::{BTreeMap, HashMap};

use safar::people::model::{Gender, Pinfl, name_keys, parse_date, skeleton};
use safar::people::service::{self, SearchQuery};
use safar::people::store::bucket;
use safar::people::synthetic::{self, Plan, Summary};
use safar::platform::access::Actor;
use safar::platform::audit::{self, Verdict};
use safar::platform::crypto::Place;
use sqlx::Row;

use crate::support::TestApp;

async fn populate(app: &TestApp, seed: u64, first: u64, count: u64) -> Summary {
    populate_in(app, seed, first, count, 128).await
}

async fn populate_in(app: &TestApp, seed: u64, first: u64, count: u64, batch: usize) -> Summary {
    let plan = Plan {
        seed,
        first,
        count,
        batch,
    };
    synthetic::populate(app.people(), plan, |_| {})
        .await
        .unwrap()
}

async fn texts(app: &TestApp, sql: &'static str) -> Vec<Vec<String>> {
    let rows = sqlx::query(sql).fetch_all(&app.db.pool).await.unwrap();
    rows.iter()
        .map(|r| (0..r.len()).map(|i| r.try_get(i).unwrap()).collect())
        .collect()
}

#[tokio::test]
async fn generated_persons_are_valid_and_complete() {
    let app = TestApp::new().await;
    let summary = populate(&app, 7, 0, 300).await;
    assert_eq!(summary.persons, 300);
    assert_eq!(summary.skipped, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, 300);
    let journeys = app.count("SELECT COUNT(*) FROM journeys").await;
    assert_eq!(journeys as u64, summary.journeys);
    assert!((450..=800).contains(&journeys), "about 2 each: {journeys}");
    assert!(app.count("SELECT COUNT(*) FROM person_phones").await >= 300);
    assert_eq!(
        app.audit_count("person.bulk_create").await,
        3,
        "one per batch"
    );

    for p in texts(&app, "SELECT pinfl, birth_date, gender FROM persons").await {
        let pinfl = Pinfl::parse(&p[0]).unwrap();
        let gender = Gender::parse(&p[2]).unwrap();
        let birth = parse_date(&p[1]).unwrap();
        assert_eq!(pinfl.check_against(birth, gender), Ok(()), "{p:?}");
        assert!((1960..=2006).contains(&birth.year()), "{p:?}");
    }
    let males = app
        .count("SELECT COUNT(*) FROM persons WHERE gender = 'male'")
        .await;
    assert!((190..=260).contains(&males), "about 75 % men: {males}");
    assert!(matches!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Intact { .. }
    ));
}

#[tokio::test]
async fn status_follows_the_last_journey_and_journeys_alternate() {
    let app = TestApp::new().await;
    populate(&app, 8, 0, 300).await;
    let mut events: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let sql = "SELECT person_id, kind, event_date FROM journeys ORDER BY person_id, event_date";
    for j in texts(&app, sql).await {
        events
            .entry(j[0].clone())
            .or_default()
            .push((j[1].clone(), j[2].clone()));
    }
    for p in texts(&app, "SELECT id, status FROM persons").await {
        let list = events.get(&p[0]).cloned().unwrap_or_default();
        let expected = match list.last().map(|(kind, _)| kind.as_str()) {
            Some("departure") => "abroad",
            Some("return") => "returned",
            _ => "at_home",
        };
        assert_eq!(p[1], expected, "{list:?}");
        for pair in list.windows(2) {
            assert_ne!(pair[0].0, pair[1].0, "events alternate: {list:?}");
            assert!(pair[0].1 < pair[1].1, "distinct days in order: {list:?}");
        }
        assert!(list.iter().all(|(_, date)| date.as_str() >= "2015-01-01"));
    }
}

#[tokio::test]
async fn the_name_dictionary_is_what_one_by_one_registration_would_build() {
    let app = TestApp::new().await;
    populate(&app, 9, 0, 300).await;
    // Recomputed from the persons, as store::index_names does for each.
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    let sql = "SELECT given_name_latn, family_name_latn, patronymic_latn FROM persons";
    for names in texts(&app, sql).await {
        let mut keys: Vec<String> = names.iter().flat_map(|n| name_keys(n)).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            *expected.entry(key).or_default() += 1;
        }
    }
    let rows = sqlx::query("SELECT name_key, skeleton, bucket, persons FROM name_keys")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let mut actual = BTreeMap::new();
    for r in &rows {
        let key: String = r.try_get("name_key").unwrap();
        assert_eq!(r.try_get::<String, _>("skeleton").unwrap(), skeleton(&key));
        assert_eq!(r.try_get::<String, _>("bucket").unwrap(), bucket(&key));
        actual.insert(key, r.try_get::<i64, _>("persons").unwrap());
    }
    assert_eq!(actual, expected);
    let disagreeing = app
        .count(
            "SELECT COUNT(*) FROM name_keys n WHERE n.persons <> \
             (SELECT COUNT(*) FROM person_name_keys k WHERE k.name_key = n.name_key)",
        )
        .await;
    assert_eq!(disagreeing, 0, "postings and counts agree");
    let misfiled = app
        .count(
            "SELECT COUNT(*) FROM person_name_keys k JOIN persons p ON p.id = k.person_id \
             WHERE k.region_iso <> p.region_iso OR k.birth_year <> p.birth_year",
        )
        .await;
    assert_eq!(
        misfiled, 0,
        "postings carry their person's region and birth year"
    );
    let scripts = texts(&app, "SELECT family_name, family_name_cyrl FROM persons").await;
    let cyrillic = scripts
        .iter()
        .filter(|p| uz_text::is_cyrillic(&p[0]))
        .count();
    assert!(
        (50..=120).contains(&cyrillic),
        "about 28 % typed in Cyrillic: {cyrillic}"
    );
    assert!(scripts.iter().all(|p| uz_text::is_cyrillic(&p[1])));
}

#[tokio::test]
async fn search_finds_generated_persons_typed_in_the_other_script() {
    let app = TestApp::new().await;
    populate(&app, 10, 0, 300).await;
    let sql = "SELECT id, given_name, family_name, given_name_latn, family_name_latn, \
               given_name_cyrl, family_name_cyrl FROM persons ORDER BY pinfl";
    let persons = texts(&app, sql).await;
    for p in persons.iter().step_by(5) {
        let other = if uz_text::is_cyrillic(&p[2]) {
            format!("{} {}", p[4], p[3])
        } else {
            format!("{} {}", p[6], p[5])
        };
        let query = SearchQuery {
            q: Some(other.clone()),
            ..Default::default()
        };
        let hits = service::search(app.people(), &Actor::console(), &query, 100)
            .await
            .unwrap();
        assert!(
            hits.iter().any(|h| h.id == p[0]),
            "{other:?} did not find {} {}",
            p[1],
            p[2]
        );
    }
}

#[tokio::test]
async fn sealed_passports_open_and_are_found_by_number() {
    let app = TestApp::new().await;
    populate(&app, 11, 0, 300).await;
    let sealed = texts(
        &app,
        "SELECT id, passport_sealed FROM persons WHERE passport_sealed IS NOT NULL",
    )
    .await;
    assert!(
        (10..=60).contains(&sealed.len()),
        "about 10 %: {}",
        sealed.len()
    );
    for p in sealed.iter().take(5) {
        let place = Place {
            table: "persons",
            column: "passport",
            row_id: &p[0],
        };
        let number = app.keys.open(&place, &p[1]).unwrap();
        let query = SearchQuery {
            q: Some(number.clone()),
            ..Default::default()
        };
        let hits = service::search(app.people(), &Actor::console(), &query, 10)
            .await
            .unwrap();
        assert_eq!(hits.len(), 1, "{number}");
        assert_eq!(hits[0].id, p[0]);
    }
}

#[tokio::test]
async fn a_second_run_adds_more_and_a_repeated_run_adds_nothing() {
    let app = TestApp::new().await;
    populate(&app, 1, 0, 200).await;
    let dictionary = texts(&app, "SELECT name_key FROM name_keys ORDER BY name_key").await;
    let first = synthetic::next_seq(&app.db).await.unwrap();
    assert_eq!(first, 200);
    let second = populate(&app, 2, first, 200).await;
    assert_eq!((second.persons, second.skipped), (200, 0));
    assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, 400);
    let repeated_phones = app
        .count(
            "SELECT COUNT(*) FROM (SELECT phone FROM person_phones GROUP BY phone \
             HAVING COUNT(*) > 1) AS d",
        )
        .await;
    assert_eq!(repeated_phones, 0);

    // The same persons again: every PINFL is taken, nothing is written, nothing breaks.
    let before = texts(
        &app,
        "SELECT name_key, CAST(persons AS TEXT) FROM name_keys",
    )
    .await;
    let again = populate(&app, 1, 0, 200).await;
    assert_eq!((again.persons, again.journeys, again.skipped), (0, 0, 200));
    assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, 400);
    let after = texts(
        &app,
        "SELECT name_key, CAST(persons AS TEXT) FROM name_keys",
    )
    .await;
    assert_eq!(sorted(before), sorted(after));
    assert!(dictionary.len() > 50);
    assert!(matches!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Intact { .. }
    ));
}

#[tokio::test]
async fn a_large_batch_is_split_under_both_parameter_limits() {
    let app = TestApp::new().await;
    // 1,500 persons in one transaction: 36,000 person values alone, over SQLite's limit
    // of 32,766 bound parameters per statement and half PostgreSQL's 65,535.
    let summary = populate_in(&app, 12, 0, 1500, 1500).await;
    assert_eq!(summary.persons, 1500);
    assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, 1500);
    let journeys = app.count("SELECT COUNT(*) FROM journeys").await;
    assert_eq!(journeys as u64, summary.journeys);
    let postings = app.count("SELECT COUNT(*) FROM person_name_keys").await;
    let counted = app
        .count("SELECT CAST(COALESCE(SUM(persons), 0) AS BIGINT) FROM name_keys")
        .await;
    assert_eq!(postings, counted);
    assert_eq!(app.audit_count("person.bulk_create").await, 1);
}

fn sorted(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.sort();
    rows
}
