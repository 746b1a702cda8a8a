//! The admin import page: an upload becomes a background job that any server may run; its
//! progress, summary and error report are kept in the database.

use axum::body::Body;
use http::{Method, StatusCode};
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;

use crate::support::{Client, TestApp, TestResponse};

const BOUNDARY: &str = "----safar-test-boundary";

async fn upload(client: &mut Client, file_name: &str, content: &str) -> TestResponse {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{BOUNDARY}--\r\n"
    );
    client
        .request(
            Method::POST,
            "/admin/imports",
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            Body::from(body),
        )
        .await
}

async fn run_jobs(app: &TestApp) -> usize {
    let mut ran = 0;
    while safar::server::run_next_job(&app.db, &app.clock, &app.keys, "test-worker")
        .await
        .unwrap()
    {
        ran += 1;
    }
    ran
}

fn journeys_csv() -> String {
    let birth = "1993-03-03";
    let p = Pinfl::generate(parse_date(birth).unwrap(), Gender::Female, 41);
    let q = Pinfl::generate(parse_date(birth).unwrap(), Gender::Male, 42);
    format!(
        "pinfl,kind,date,country,channel,family_name,given_name,birth_date,gender,region\n\
         {p},departure,2024-04-01,GB,official,Ergasheva,Munisa,{birth},female,UZ-SU\n\
         {p},return,2024-10-30,GB,official,,,,,\n\
         1234,departure,2024-01-01,XX,,,,,,\n\
         {q},departure,2024-04-01,GB,official,Ergashev,Murod,{birth},male,UZ-SU\n",
        p = p.as_str(),
        q = q.as_str()
    )
}

#[tokio::test]
async fn an_upload_is_imported_in_the_background_with_progress_and_an_error_report() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/imports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let res = upload(&mut admin, "border.csv", &journeys_csv()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let job_page = res.location().to_string();
    let id = job_page.trim_start_matches("/admin/imports/").to_string();
    let queued = admin.get(&format!("/api/v1/imports/{id}")).await.json();
    assert_eq!(queued["state"], "queued");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM journeys").await,
        0,
        "nothing yet"
    );
    let waiting = admin.get(&job_page).await;
    assert!(
        waiting.body.contains("data-poll"),
        "the page follows the job"
    );
    assert!(waiting.body.contains("<progress"));

    assert_eq!(run_jobs(&app).await, 1);
    let done = admin.get(&format!("/api/v1/imports/{id}")).await.json();
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["percent"], 100);
    assert_eq!(app.count("SELECT COUNT(*) FROM journeys").await, 3);
    assert!(
        done["summary"]
            .as_str()
            .unwrap()
            .contains("\"persons_registered\":2"),
        "{done}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM persons WHERE user_id IS NOT NULL")
            .await,
        0,
        "imported persons belong to no account (least of all the uploader's)"
    );
    let finished = admin.get(&job_page).await;
    assert!(!finished.body.contains("data-poll"));
    assert!(finished.body.contains("errors.csv"), "{}", finished.body);
    let errors = admin.get(&format!("{job_page}/errors.csv")).await;
    assert_eq!(errors.status, StatusCode::OK);
    assert!(errors.header("content-type").starts_with("text/csv"));
    assert!(
        errors.body.starts_with("row,column,reason"),
        "{}",
        errors.body
    );
    assert!(errors.body.contains("4,country,"), "{}", errors.body);
    assert_eq!(app.audit_count("import.queue").await, 1);

    // The same file again adds nothing.
    let again = upload(&mut admin, "border.csv", &journeys_csv()).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    run_jobs(&app).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM journeys").await, 3);
    let list = admin.get("/admin/imports").await;
    assert_eq!(
        list.body.matches("/admin/imports/").count(),
        2,
        "{}",
        list.body
    );
}

#[tokio::test]
async fn wrong_files_and_wrong_people_are_refused_before_anything_is_queued() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let bad = upload(&mut admin, "photo.csv", "\u{89}PNG\r\n\u{1a}\nnot a csv").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("pinfl, kind, date"), "{}", bad.body);
    let empty = upload(&mut admin, "empty.csv", "").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_file = admin.post_form("/admin/imports", &[("x", "y")]).await;
    assert!(no_file.status.is_client_error(), "{}", no_file.status);
    for role in [
        Role::Operator,
        Role::RegionalOfficer,
        Role::Analyst,
        Role::Citizen,
    ] {
        let mut other = app.signed_in(role).await;
        assert_eq!(
            upload(&mut other, "border.csv", &journeys_csv())
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            other.get("/admin/imports").await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
    assert_eq!(
        admin
            .get("/api/v1/imports/00000000-0000-0000-0000-000000000000")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_over_once_its_lease_runs_out() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let res = upload(&mut admin, "border.csv", &journeys_csv()).await;
    let id = res
        .location()
        .trim_start_matches("/admin/imports/")
        .to_string();
    let now = app.clock.now_ms();
    let claimed = safar::platform::jobs::claim(&app.db, "dead-worker", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id);
    assert!(
        safar::platform::jobs::claim(&app.db, "other", now)
            .await
            .unwrap()
            .is_none(),
        "a held lease is respected"
    );
    assert_eq!(run_jobs(&app).await, 0);
    app.clock.advance(safar::platform::jobs::LEASE_MS + 1);
    assert_eq!(run_jobs(&app).await, 1, "taken over after the lease");
    let job = admin.get(&format!("/api/v1/imports/{id}")).await.json();
    assert_eq!(job["state"], "done");
    assert_eq!(job["attempts"], 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM journeys").await, 3);
}
