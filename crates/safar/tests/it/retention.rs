//! The retention schedule: what is past its period is deleted or anonymised, audited, and
//! nothing else is touched — a legal hold, a recent journey or an account keeps a person.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use safar::platform::retention;
use serde_json::json;
use sqlx::Row;

use crate::support::{Client, TestApp};

const YEAR_MS: i64 = 365 * 86_400_000;

async fn person(op: &mut Client, family: &str, tail: u32) -> String {
    let pinfl = Pinfl::generate(parse_date("1980-02-03").unwrap(), Gender::Male, tail);
    let res = op
        .post_json(
            "/api/v1/persons",
            &json!({"given_name": "Jasur", "family_name": family, "birth_date": "1980-02-03",
                    "gender": "male", "pinfl": pinfl.as_str(), "region": "UZ-FA", "phones": ["+998901112233"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

async fn given_name(app: &TestApp, id: &str) -> String {
    sqlx::query("SELECT given_name FROM persons WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .get("given_name")
}

async fn last_changed(app: &TestApp, id: &str, at_ms: i64) {
    sqlx::query("UPDATE persons SET updated_at = $1 WHERE id = $2")
        .bind(at_ms)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

async fn report_intermediary(public: &mut Client) {
    let report = json!({"intermediary_name": "Oltin Yo‘l", "phones": ["+998901112233"],
        "description": "Asked 900 USD for a job in Korea.", "reporter_contact": "+998935554433"});
    let res = public.post_json("/api/v1/public/reports", &report).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

#[tokio::test]
async fn the_schedule_anonymises_and_deletes_only_what_is_past_its_period() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let mut sup = app.token_client(Role::Supervisor).await;
    let forgotten = person(&mut op, "Olimov", 1).await;
    let held = person(&mut op, "Qodirov", 2).await;
    let travelled = person(&mut op, "Sobirov", 3).await;
    let recent = person(&mut op, "Nazarov", 4).await;
    let hold = sup
        .post_json(
            &format!("/api/v1/persons/{held}/holds"),
            &json!({"reason": "Open complaint"}),
        )
        .await;
    assert_eq!(hold.status, StatusCode::CREATED);
    let mut public = app.client();
    report_intermediary(&mut public).await;
    // Eleven years pass; one of them travelled two years ago, one was updated last year.
    app.clock.advance(11 * YEAR_MS);
    let two_years_ago =
        time::OffsetDateTime::from_unix_timestamp(app.clock.now_ms() / 1000 - 2 * 31_536_000)
            .unwrap()
            .date()
            .to_string();
    let journey = op
        .post_json(
            &format!("/api/v1/persons/{travelled}/journeys"),
            &json!({"kind": "departure", "date": two_years_ago, "country": "KR"}),
        )
        .await;
    assert_eq!(journey.status, StatusCode::CREATED, "{}", journey.body);
    // The journey touched the traveller's record; only the journey is recent.
    last_changed(&app, &recent, app.clock.now_ms() - YEAR_MS).await;
    last_changed(&app, &travelled, app.clock.now_ms() - 11 * YEAR_MS).await;
    report_intermediary(&mut public).await;
    // An import that ended 40 days ago, one that ended yesterday.
    for (job, ended) in [("old-job", 40), ("new-job", 1)] {
        sqlx::query("INSERT INTO jobs (id, kind, state, created_at, finished_at) VALUES ($1, 'import', 'done', 0, $2)")
            .bind(job)
            .bind(app.clock.now_ms() - ended * 86_400_000)
            .execute(&app.db.pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO job_files (job_id, name, content) VALUES ($1, 'upload.csv', $2)")
            .bind(job)
            .bind(b"pinfl,kind\n".to_vec())
            .execute(&app.db.pool)
            .await
            .unwrap();
    }

    let done = retention::run(&app.db, &app.clock).await.unwrap();
    assert_eq!(
        done,
        [
            ("import_files", 1),
            ("reporter_contacts", 1),
            ("inactive_persons", 1)
        ]
    );
    assert_eq!(given_name(&app, &forgotten).await, "");
    for kept in [&held, &travelled, &recent] {
        assert_eq!(given_name(&app, kept).await, "Jasur", "{kept} is kept");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM person_phones").await,
        3,
        "the forgotten person's phone is gone, the others' stay"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_files WHERE job_id = 'old-job'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_files WHERE job_id = 'new-job'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM intermediary_reports WHERE reporter_contact <> ''")
            .await,
        1,
        "the contact of the report made after the period stays"
    );
    assert_eq!(app.audit_count("retention.apply").await, 3);
    let anonymised = sqlx::query(
        "SELECT details FROM audit_log WHERE action = 'person.anonymise' AND target_id = $1",
    )
    .bind(&forgotten)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
    .get::<String, _>("details");
    assert!(anonymised.contains("retention"), "{anonymised}");

    let again = retention::run(&app.db, &app.clock).await.unwrap();
    assert!(again.iter().all(|(_, n)| *n == 0), "{again:?}");
    assert_eq!(
        app.audit_count("retention.apply").await,
        3,
        "nothing to do is not audited"
    );
}
