//! Continuity: backups that restore exactly, the copy to another database, the export of
//! every table in open formats, and the read-only mode — on both backends.

use std::collections::BTreeMap;

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use safar::platform::audit::{self, Verdict};
use safar::platform::config::WebConfig;
use safar::platform::data::{self, TableSum, backup, copy, export};
use safar::platform::db::Db;
use serde_json::{Value, json};

use crate::support::{TestApp, fresh_database};

const PASSPORT: &str = "AA7654321";

/// A registry with a little of everything: a person with a sealed passport and a journey,
/// users, tokens, audit entries, and a job file of raw bytes (a BLOB column).
async fn seed(app: &TestApp) -> String {
    let mut op = app.token_client(Role::Operator).await;
    let pinfl = Pinfl::generate(parse_date("1991-03-02").unwrap(), Gender::Female, 7);
    let res = op
        .post_json(
            "/api/v1/persons",
            &json!({
                "given_name": "Oʻgʻiloy", "family_name": "Xoʻjayeva", "birth_date": "1991-03-02",
                "gender": "female", "pinfl": pinfl.as_str(), "region": "UZ-SA",
                "phones": ["+998901234567"], "passport_no": PASSPORT,
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_string();
    sqlx::query(
        "INSERT INTO jobs (id, kind, state, created_at) VALUES ('job-1', 'import', 'done', 1)",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO job_files (job_id, name, content) VALUES ('job-1', 'raw', $1)")
        .bind(vec![0u8, 255, 10, 13, 34, 0])
        .execute(&app.db.pool)
        .await
        .unwrap();
    id
}

async fn sums_of(db: &Db) -> BTreeMap<String, TableSum> {
    let mut tx = data::snapshot(db).await.unwrap();
    let tables = data::catalogue(&mut tx, db.backend).await.unwrap();
    data::checksums(&mut tx, &tables).await.unwrap()
}

#[tokio::test]
async fn a_backup_restores_exactly_and_damaged_backups_or_occupied_targets_are_refused() {
    let app = TestApp::new().await;
    seed(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("nightly");
    let manifest = backup::create(&app.db, &app.url, &dest).await.unwrap();
    assert_eq!(
        manifest.tables,
        sums_of(&app.db).await,
        "the manifest describes the database"
    );
    assert!(manifest.tables["persons"].rows == 1 && manifest.tables["job_files"].rows == 1);
    assert!(
        backup::create(&app.db, &app.url, &dest).await.is_err(),
        "an earlier backup is never overwritten"
    );

    let (target, _keep) = fresh_database().await;
    let restored = backup::restore(&dest, &target).await.unwrap();
    assert!(restored.audit_entries > 0);
    let copy = Db::connect(&target).await.unwrap();
    assert_eq!(sums_of(&copy).await, sums_of(&app.db).await);
    assert!(matches!(
        audit::verify(&copy).await.unwrap(),
        Verdict::Intact { .. }
    ));
    copy.close().await;

    let again = backup::restore(&dest, &target)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        again.contains("empty") || again.contains("new database"),
        "{again}"
    );

    let file = dest.join(&manifest.files[0].name);
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&file, bytes).unwrap();
    let (other, _keep_other) = fresh_database().await;
    let damaged = backup::restore(&dest, &other)
        .await
        .unwrap_err()
        .to_string();
    assert!(damaged.contains("checksum"), "{damaged}");
    let untouched = Db::connect(&other).await.unwrap();
    assert!(
        data::is_empty(&untouched).await.unwrap(),
        "nothing was restored"
    );
}

/// On the PostgreSQL run this is the pilot's path: a SQLite database copied into PostgreSQL.
#[tokio::test]
async fn migrate_data_copies_every_table_verified_and_only_into_an_empty_database() {
    let source = TestApp::on_sqlite().await;
    seed(&source).await;
    let (target, _keep) = fresh_database().await;
    let mut heard = vec![];
    let copied = copy::migrate_data(&source.url, &target, |table, _| {
        heard.push(table.to_string())
    })
    .await
    .unwrap();
    assert_eq!(copied, sums_of(&source.db).await);
    assert!(heard.iter().position(|t| t == "persons") < heard.iter().position(|t| t == "journeys"));
    let copy_db = Db::connect(&target).await.unwrap();
    assert_eq!(sums_of(&copy_db).await, copied);
    assert!(matches!(
        audit::verify(&copy_db).await.unwrap(),
        Verdict::Intact { .. }
    ));

    let refused = copy::migrate_data(&source.url, &target, |_, _| {})
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("empty"), "{refused}");
    assert_eq!(
        sums_of(&copy_db).await,
        copied,
        "a refused copy changes nothing"
    );
}

#[tokio::test]
async fn export_all_writes_every_table_as_csv_with_its_schema_and_the_data_model() {
    let app = TestApp::new().await;
    seed(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let manifest = export::export_all(&app.db, dir.path()).await.unwrap();
    assert_eq!(manifest.tables, sums_of(&app.db).await);
    let readme = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    for (table, sum) in &manifest.tables {
        let csv = dir.path().join(format!("{table}.csv"));
        let records = csv::Reader::from_path(&csv).unwrap().records().count();
        assert_eq!(records as u64, sum.rows, "{table}.csv");
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(format!("{table}.schema.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(schema["title"], table.as_str());
        assert!(
            schema["properties"]
                .as_object()
                .is_some_and(|p| !p.is_empty())
        );
        assert!(
            readme.contains(&format!("## {table} (")),
            "{table} in the README"
        );
    }
    let persons = std::fs::read_to_string(dir.path().join("persons.csv")).unwrap();
    assert!(persons.contains("Xoʻjayeva"));
    assert!(!persons.contains(PASSPORT), "the passport stays sealed");
    let files = std::fs::read_to_string(dir.path().join("job_files.csv")).unwrap();
    assert!(files.contains("\"AP8KDSIA\""), "bytes as base64: {files}");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("job_files.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema["properties"]["content"]["contentEncoding"], "base64");
    assert_eq!(schema["x-references"], json!(["jobs"]));
    assert!(
        export::export_all(&app.db, dir.path()).await.is_err(),
        "never over an export"
    );
}

#[tokio::test]
async fn read_only_mode_serves_reads_and_refuses_every_change_in_the_visitors_language() {
    let mut app = TestApp::new().await;
    let id = seed(&app).await;
    app.reconfigure(WebConfig {
        read_only: true,
        trust_forwarded_for: true,
        ..WebConfig::default()
    });
    let persons = app.count("SELECT COUNT(*) FROM persons").await;
    let reads = app.audit_count("person.read").await;

    let home = app.client().get("/?lang=en").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("read-only mode"),
        "a banner on every page"
    );

    // Staff still sign in, read, and their reads are still audited.
    let mut officer = app.signed_in(Role::Operator).await;
    let page = officer.get(&format!("/people/{id}?purpose=case")).await;
    assert!(
        page.status == StatusCode::OK || page.status == StatusCode::SEE_OTHER,
        "{}",
        page.status
    );
    let mut api = app.token_client(Role::Operator).await;
    let read = api.get(&format!("/api/v1/persons/{id}?purpose=case")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert!(app.audit_count("person.read").await > reads);

    let refused = api
        .post_json(
            "/api/v1/persons",
            &json!({"given_name": "Aziz", "family_name": "Karimov", "birth_date": "1990-01-01",
                    "gender": "male", "pinfl": "x", "region": "UZ-SA", "phones": []}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.json()["type"], "urn:safar:problem:read-only");
    let report = app
        .client()
        .post_json("/api/v1/public/reports", &json!({"name": "x"}))
        .await;
    assert_eq!(report.status, StatusCode::SERVICE_UNAVAILABLE);
    let form = officer
        .post_form("/people?lang=ru", &[("given_name", "Aziz")])
        .await;
    assert_eq!(form.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(form.body.contains("только для чтения"), "{}", form.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, persons);

    let out = officer.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "signing out still works");
}
