//! `safar import journeys`: validation, the errors file, idempotence, registration of new persons.

use std::process::Command;

use safar::people::model::{Gender, Pinfl, parse_date};
use safar::people::service::{self, NewPerson};
use safar::platform::access::Actor;

use crate::support::TestApp;

fn pinfl(birth: &str, gender: Gender, tail: u32) -> String {
    Pinfl::generate(parse_date(birth).unwrap(), gender, tail)
        .as_str()
        .to_string()
}

fn import(app: &TestApp, file: &std::path::Path, key_file: &std::path::Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_safar"))
        .args([
            "import",
            "journeys",
            file.to_str().unwrap(),
            "--data-key-file",
            key_file.to_str().unwrap(),
        ])
        .env("SAFAR_DATABASE_URL", &app.url)
        .env("SAFAR_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn journeys_import_reports_rejected_rows_and_adds_nothing_the_second_time() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("data.key");
    app.keys.save(&key_file).unwrap();
    let known = pinfl("1985-02-02", Gender::Male, 1);
    let input = NewPerson {
        given_name: "Rustam".into(),
        family_name: "Yo‘ldoshev".into(),
        birth_date: "1985-02-02".into(),
        gender: "male".into(),
        pinfl: known.clone(),
        region: "UZ-QA".into(),
        ..NewPerson::default()
    };
    let person = service::create(app.people(), &Actor::console(), &input)
        .await
        .unwrap();
    let newcomer = pinfl("1999-09-09", Gender::Female, 2);
    let stranger = pinfl("1970-01-01", Gender::Male, 3);
    let csv = format!(
        "pinfl,kind,date,country,channel,family_name,given_name,birth_date,gender,region\n\
         {known},departure,2024-04-01,RU,official,,,,,\n\
         {known},return,2024-12-20,RU,,,,,,\n\
         {newcomer},departure,2025-06-01,KR,official,Rahimova,Shahnoza,1999-09-09,female,UZ-TK\n\
         {stranger},departure,2025-01-01,KZ,,,,,,\n\
         12345,departure,2031-01-01,XX,smuggled,,,,,\n"
    );
    let file = dir.path().join("border-2025.csv");
    std::fs::write(&file, csv).unwrap();

    let (code, out) = import(&app, &file, &key_file);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "5 rows: 3 journeys added, 0 already present, 1 persons registered, 2 rejected"
        ),
        "{out}"
    );
    let errors = std::fs::read_to_string(dir.path().join("border-2025.errors.csv")).unwrap();
    assert!(errors.starts_with("row,column,reason"));
    assert!(
        errors.contains("5,pinfl,\"No person with this PINFL is registered"),
        "{errors}"
    );
    for column in ["6,pinfl,", "6,date,", "6,country,", "6,channel,"] {
        assert!(errors.contains(column), "{column} missing from {errors}");
    }
    let record = service::read(app.people(), &Actor::console(), &person, "correction")
        .await
        .unwrap();
    assert_eq!(record.status, "returned");
    assert_eq!(record.journeys.len(), 2);

    let (code, out) = import(&app, &file, &key_file);
    assert_eq!(code, 2);
    assert!(
        out.contains("0 journeys added, 3 already present, 0 persons registered"),
        "{out}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM journeys").await, 3);
    assert_eq!(app.audit_count("journey.import").await, 2);

    let clean = dir.path().join("clean.csv");
    std::fs::write(
        &clean,
        format!("country,date,kind,pinfl,ignored\nTR,2025-08-08,departure,{known},x\n"),
    )
    .unwrap();
    let (code, out) = import(&app, &clean, &key_file);
    assert_eq!(code, 0, "{out}");
    assert!(!dir.path().join("clean.errors.csv").exists());

    let bad_header = dir.path().join("bad.csv");
    std::fs::write(&bad_header, "name,when\nx,y\n").unwrap();
    let (code, out) = import(&app, &bad_header, &key_file);
    assert_eq!(code, 1);
    assert!(out.contains("lacks the column"), "{out}");
}
