//! Outreach: an event goes planned → held → reported (or is cancelled before), within the
//! regional officer's region only, every step audited; bad input changes nothing; the
//! public per-region table relates attendance to population.

use axum::body::Body;
use http::{Method, StatusCode};
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

fn today(app: &TestApp) -> time::Date {
    safar::recruiters::service::today(&app.clock)
}

fn event(region: &str, district: &str, planned_on: time::Date) -> Value {
    json!({
        "title": "Xavfsiz migratsiya: mahalla yig‘ini", "kind": "mahalla_meeting",
        "topics": ["fraud", "safe_migration"], "region": region, "district": district,
        "place": "Navbahor mahallasi", "planned_on": planned_on.to_string(),
    })
}

async fn plan(client: &mut Client, body: &Value) -> String {
    let res = client.post_json("/api/v1/outreach/events", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

fn step(id: &str, action: &str) -> String {
    format!("/api/v1/outreach/events/{id}/actions/{action}")
}

#[tokio::test]
async fn an_event_is_planned_held_and_reported_with_attendance_by_gender_and_age() {
    let app = TestApp::new().await;
    let mut officer = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-AN")
        .await;
    let day = today(&app);
    let id = plan(&mut officer, &event("UZ-AN", "1703202", day)).await;
    let read = officer.get(&format!("/api/v1/outreach/events/{id}")).await;
    let planned = read.json();
    assert_eq!(planned["event"]["status"], "planned");
    assert_eq!(
        planned["event"]["topics"],
        json!(["safe_migration", "fraud"])
    );

    // A report before the event is held is refused; so is a hold in the future.
    let report = json!({
        "attendance": {"female_18_29": 12, "female_30_44": "7", "male_18_29": 20, "male_45_plus": 3},
        "materials": "leaflets", "materials_count": 150, "partners": "mahalla committee",
        "summary": "Questions on the Korea EPS test.",
    });
    assert_eq!(
        officer
            .post_json(&step(&id, "report"), &report)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let tomorrow = json!({ "held_on": (day + time::Duration::days(1)).to_string() });
    assert_eq!(
        officer
            .post_json(&step(&id, "hold"), &tomorrow)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let held = officer
        .post_json(&step(&id, "hold"), &json!({ "held_on": day.to_string() }))
        .await;
    assert_eq!(held.status, StatusCode::OK, "{}", held.body);
    // Bad counts are refused and change nothing.
    for bad in [
        json!({ "attendance": {"female_18_29": -1} }),
        json!({ "attendance": {"female_18_29": "twelve"} }),
        json!({ "attendance": {"children": 5} }),
        json!({ "attendance": {"male_18_29": 5_000_000} }),
        json!({ "materials_count": 1.5 }),
    ] {
        let res = officer.post_json(&step(&id, "report"), &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let reported = officer.post_json(&step(&id, "report"), &report).await;
    assert_eq!(reported.status, StatusCode::OK, "{}", reported.body);
    assert_eq!(reported.json()["status"], "reported");
    assert_eq!(reported.json()["attendance"], 42);
    let view = officer
        .get(&format!("/api/v1/outreach/events/{id}"))
        .await
        .json();
    assert_eq!(view["attendance"]["female_30_44"], 7);
    assert_eq!(view["attendance"]["male_45_plus"], 3);
    // No step leads out of `reported`.
    for action in ["hold", "report", "cancel"] {
        let res = officer
            .post_json(&step(&id, action), &json!({ "reason": "too late now" }))
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{action}");
    }
    for action in ["outreach.plan", "outreach.hold", "outreach.report"] {
        assert_eq!(app.audit_count(action).await, 1, "{action}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outreach_attendance")
            .await,
        4
    );

    // The page shows the attendance table.
    let page = officer.get(&format!("/outreach/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Navbahor mahallasi"));
}

#[tokio::test]
async fn officers_work_only_in_their_region_and_others_not_at_all() {
    let app = TestApp::new().await;
    let day = today(&app);
    let mut andijan = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-AN")
        .await;
    let mut khorezm = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-XO")
        .await;
    // Planning in another region is refused, and nothing is written.
    let res = khorezm
        .post_json("/api/v1/outreach/events", &event("UZ-AN", "", day))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let id = plan(&mut andijan, &event("UZ-AN", "", day)).await;
    assert_eq!(
        khorezm
            .get(&format!("/api/v1/outreach/events/{id}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        khorezm
            .post_json(&step(&id, "hold"), &json!({ "held_on": day.to_string() }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let listed = khorezm.get("/api/v1/outreach/events").await.json();
    assert!(listed["items"].as_array().unwrap().is_empty());
    let listed = andijan.get("/api/v1/outreach/events").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // A national officer (no scope) sees every region.
    let mut national = app.token_client(Role::RegionalOfficer).await;
    let listed = national.get("/api/v1/outreach/events").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    for role in [Role::Citizen, Role::Operator, Role::Analyst, Role::Editor] {
        let mut client = app.token_client(role).await;
        let res = client
            .post_json("/api/v1/outreach/events", &event("UZ-AN", "", day))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
        let res = client.get(&format!("/api/v1/outreach/events/{id}")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
    }
    let mut anonymous = app.client();
    assert_eq!(
        anonymous.get("/api/v1/outreach/events").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.audit_count("outreach.plan").await, 1);
}

#[tokio::test]
async fn bad_events_are_refused_field_by_field() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::RegionalOfficer).await;
    let day = today(&app);
    let cases = [
        ("title", json!({"title": "<"})),
        ("kind", json!({"kind": "concert"})),
        ("topics", json!({"topics": ["weather"]})),
        ("region", json!({"region": "UZ-ZZ"})),
        // A district of another region.
        ("district", json!({"district": "1733401"})),
        ("place", json!({"place": ""})),
        ("planned_on", json!({"planned_on": "2031-13-01"})),
        (
            "planned_on",
            json!({"planned_on": (day + time::Duration::days(800)).to_string()}),
        ),
    ];
    for (field, change) in cases {
        let mut body = event("UZ-AN", "1703202", day);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = officer.post_json("/api/v1/outreach/events", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let fields: Vec<_> = res.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert!(fields.iter().any(|f| f == field), "{field}: {fields:?}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outreach_events").await,
        0
    );
    // Cancelling needs a reason; a cancelled event cannot be held.
    let id = plan(&mut officer, &event("UZ-AN", "", day)).await;
    assert_eq!(
        officer
            .post_json(&step(&id, "cancel"), &json!({}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let cancelled = officer
        .post_json(
            &step(&id, "cancel"),
            &json!({ "reason": "the hall was flooded" }),
        )
        .await;
    assert_eq!(cancelled.json()["status"], "cancelled");
    assert_eq!(
        officer
            .post_json(&step(&id, "hold"), &json!({ "held_on": day.to_string() }))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        officer
            .post_json(&step(&id, "celebrate"), &json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn photos_are_images_recognised_by_content() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::RegionalOfficer).await;
    let day = today(&app);
    let id = plan(&mut officer, &event("UZ-SA", "", day)).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake image".to_vec();
    let upload = |bytes: Vec<u8>| {
        let path = format!("/api/v1/outreach/events/{id}/photos");
        (path, Body::from(bytes))
    };
    let (path, body) = upload(png.clone());
    // Not before it is held.
    let res = officer
        .request(Method::POST, &path, Some("image/png"), body)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    officer
        .post_json(&step(&id, "hold"), &json!({ "held_on": day.to_string() }))
        .await;
    for bad in [
        b"%PDF-1.7 not a photo".to_vec(),
        b"<svg onload=alert(1)>".to_vec(),
    ] {
        let (path, body) = upload(bad);
        let res = officer
            .request(Method::POST, &path, Some("image/png"), body)
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (path, body) = upload(png.clone());
    let res = officer
        .request(Method::POST, &path, Some("image/png"), body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let photo = res.json()["id"].as_str().unwrap().to_string();
    let got = officer.get(&format!("{path}/{photo}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.raw, png);
    assert_eq!(got.header("content-type"), "image/png");
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    let mut elsewhere = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-AN")
        .await;
    assert_eq!(
        elsewhere.get(&format!("{path}/{photo}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_count("outreach.photo").await, 1);
}

#[tokio::test]
async fn the_regional_table_counts_held_events_and_attendance_per_ten_thousand() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::RegionalOfficer).await;
    let day = today(&app);
    let month = format!("{:04}-{:02}", day.year(), u8::from(day.month()));
    // Two events in Andijan, reported with 1 500 people in all; one only planned.
    for people in [1_000, 500] {
        let id = plan(&mut officer, &event("UZ-AN", "", day)).await;
        officer
            .post_json(&step(&id, "hold"), &json!({ "held_on": day.to_string() }))
            .await;
        let report =
            json!({ "attendance": {"female_18_29": people / 2, "male_18_29": people / 2} });
        let res = officer.post_json(&step(&id, "report"), &report).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    plan(&mut officer, &event("UZ-AN", "", day)).await;

    let mut public = app.client();
    let res = public
        .get(&format!(
            "/api/v1/public/outreach/regions?from={month}&to={month}"
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let table = res.json();
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 14);
    let andijan = rows.iter().find(|r| r["region"] == "UZ-AN").unwrap();
    assert_eq!(andijan["events"], 2);
    assert_eq!(andijan["female"], 750);
    assert_eq!(andijan["attendance"], 1_500);
    // Andijan's population in the reference data: 3 253 501 → 4.61 per 10 000.
    assert_eq!(andijan["population"], 3_253_501);
    assert_eq!(andijan["per_10k"], json!(4.61));
    let other = rows.iter().find(|r| r["region"] == "UZ-SA").unwrap();
    assert_eq!(other["events"], 0);
    assert_eq!(other["per_10k"], json!(0.0));
    // Nothing about a person: only counts.
    assert!(!res.body.contains("Navbahor"));

    // Another period has none; bad months are refused.
    let res = public
        .get("/api/v1/public/outreach/regions?from=2001-01&to=2001-12")
        .await;
    let rows = res.json()["rows"].as_array().unwrap().clone();
    assert!(rows.iter().all(|r| r["events"] == 0));
    for bad in ["from=2026-13", "from=2026-05&to=2026-01", "to=soon"] {
        let res = public
            .get(&format!("/api/v1/public/outreach/regions?{bad}"))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let page = public
        .get(&format!(
            "/outreach/regions?from={month}&to={month}&lang=en"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("4.61"));
}

#[tokio::test]
async fn the_pages_plan_and_report_an_event() {
    let app = TestApp::new().await;
    let mut officer = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-AN")
        .await;
    let day = today(&app).to_string();
    let form = [
        ("title", "Maktabda suhbat"),
        ("kind", "school_session"),
        ("topics", "pdo"),
        ("topics", "legal_channels"),
        ("region", "UZ-AN"),
        ("district", ""),
        ("place", "14-maktab"),
        ("planned_on", &day),
    ];
    let res = officer.post_form("/outreach", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = res.location().to_string();
    let res = officer
        .post_form(&format!("{path}/actions/hold"), &[("held_on", &day)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = officer
        .post_form(
            &format!("{path}/actions/report"),
            &[("attendance_female_under_18", "abc"), ("summary", "ok")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("f-attendance_female_under_18"));
    let res = officer
        .post_form(
            &format!("{path}/actions/report"),
            &[
                ("attendance_female_under_18", "31"),
                ("attendance_male_under_18", "29"),
                ("materials", "booklets"),
                ("materials_count", "60"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = officer.get(&path).await;
    assert!(page.body.contains("booklets"));
    let list = officer.get("/outreach?status=reported").await;
    assert!(list.body.contains("Maktabda suhbat"));
    // Missing fields are shown on the form, nothing is written.
    let res = officer.post_form("/outreach", &[("title", "x")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outreach_events").await,
        1
    );
}
