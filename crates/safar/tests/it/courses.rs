//! Retraining courses: the officer's catalogue in their region, enrolment by a citizen and
//! from a returnee's plan (the plan's service follows the course), seats never over-filled
//! and freed when a trainee drops out, completion, outcomes at 3 and 6 months recorded once
//! and not before they fall due, who may see the trainee list, and every step audited.

use http::StatusCode;
use safar::people::model::Gender;
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::grants::{returnee, with_token};
use crate::support::{Client, TestApp};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn today(app: &TestApp) -> time::Date {
    safar::recruiters::service::today(&app.clock)
}

/// An officer of `scope` with an API token (tokens outlive the months a course runs).
async fn officer(app: &TestApp, scope: &str) -> Client {
    let (email, _) = app.user(Role::ReintegrationOfficer, scope).await;
    with_token(app, &email).await
}

fn course_body(app: &TestApp, region: &str, places: i64) -> Value {
    let starts = today(app) + time::Duration::days(10);
    json!({
        "title": "Greenhouse technician", "field": "agriculture",
        "provider": "Samarqand agrarian college", "region": region,
        "starts_on": starts.to_string(),
        "ends_on": (starts + time::Duration::days(30)).to_string(),
        "places": places,
    })
}

/// An intake for a returnee of UZ-SA with a retraining service planned: (intake, service).
async fn planned_retraining(app: &TestApp, officer: &mut Client) -> (String, String) {
    let back = today(app) - time::Duration::days(30);
    let (_, person) = returnee(app, 611, "1990-02-03", Gender::Male, "UZ-SA", Some(back)).await;
    let assessment = json!({
        "income": "none", "debts": "manageable", "health": "good", "housing": "secure",
        "documents": "complete", "screen": [0, 1, 0, 1, 0],
    });
    let res = officer
        .post_json(
            "/api/v1/returnees",
            &json!({ "person_id": person, "assessment": assessment }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let intake = res.json()["id"].as_str().unwrap().to_string();
    let service = json!({ "service": "RS-TRN", "provider": "Agrarian college", "due_on": today(app).to_string() });
    let res = officer
        .post_json(&format!("/api/v1/returnees/{intake}/services"), &service)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    (intake, res.json()["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_course_fills_from_plans_and_citizens_and_its_outcomes_fall_due() {
    let app = TestApp::new().await;
    let mut officer = officer(&app, "region:UZ-SA").await;
    let mut elsewhere = officer_of_tashkent(&app).await;

    // Checked on every field, and only in the officer's region.
    for (field, value) in [
        ("title", json!("")),
        ("field", json!("astrology")),
        ("region", json!("UZ-XX")),
        ("places", json!(0)),
        ("places", json!(501)),
        ("starts_on", json!("2001-01-01")),
        ("ends_on", json!("2000-01-01")),
    ] {
        let mut body = course_body(&app, "UZ-SA", 2);
        body[field] = value;
        let res = officer.post_json("/api/v1/courses", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(res.body.contains(field), "{field}: {}", res.body);
    }
    let res = officer
        .post_json("/api/v1/courses", &json!({"places": "two"}))
        .await;
    assert!(res.status.is_client_error(), "{}", res.body);
    let res = elsewhere
        .post_json("/api/v1/courses", &course_body(&app, "UZ-SA", 2))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM courses").await, 0);
    let res = officer
        .post_json("/api/v1/courses", &course_body(&app, "UZ-SA", 2))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let course = res.json()["id"].as_str().unwrap().to_string();

    // The public catalogue, filtered.
    let mut anonymous = app.client();
    let list = anonymous
        .get("/api/v1/public/courses?region=UZ-SA")
        .await
        .json();
    assert_eq!(list["items"][0]["places"], 2);
    let list = anonymous
        .get("/api/v1/public/courses?region=UZ-TK")
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let page = anonymous.get(&format!("/courses/{course}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Greenhouse technician"));

    // A citizen enrols once; one without a person record cannot.
    let (mut citizen, _) = returnee(&app, 612, "1993-04-05", Gender::Female, "UZ-SA", None).await;
    let enrol = format!("/api/v1/courses/{course}/enrolments");
    let res = citizen.post_json(&enrol, &json!({})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let own = res.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        citizen.post_json(&enrol, &json!({})).await.status,
        StatusCode::CONFLICT
    );
    let mut unlinked = app.token_client(Role::Citizen).await;
    assert_eq!(
        unlinked.post_json(&enrol, &json!({})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        officer.post_json(&enrol, &json!({})).await.status,
        StatusCode::FORBIDDEN
    );

    // The officer enrols a returnee from the retraining service of their plan.
    let (intake, service) = planned_retraining(&app, &mut officer).await;
    let from_plan = format!("/api/v1/returnees/{intake}/services/{service}/enrolment");
    let res = elsewhere
        .post_json(&from_plan, &json!({ "course_id": course }))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = officer
        .post_json(&from_plan, &json!({ "course_id": "none" }))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = officer
        .post_json(&from_plan, &json!({ "course_id": course }))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let planned = res.json()["id"].as_str().unwrap().to_string();
    let view = officer
        .get(&format!("/api/v1/returnees/{intake}"))
        .await
        .json();
    assert_eq!(view["services"][0]["status"], "in_progress");
    let res = officer
        .post_json(&from_plan, &json!({ "course_id": course }))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "the service has moved on");
    // While the trainee is on the course, the course moves the service, not the officer.
    let res = officer
        .post_json(
            &format!("/api/v1/returnees/{intake}/services/{service}/actions/decline"),
            &json!({ "outcome": "Changed their mind" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);

    // Full: a third trainee is refused; dropping out frees the seat.
    let (mut third, _) = returnee(&app, 613, "1991-01-01", Gender::Male, "UZ-SA", None).await;
    assert_eq!(
        third.post_json(&enrol, &json!({})).await.status,
        StatusCode::CONFLICT
    );
    let step = |id: &str, action: &str| format!("/api/v1/course-enrolments/{id}/actions/{action}");
    let res = elsewhere.post_json(&step(&own, "drop"), &json!({})).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = officer.post_json(&step(&own, "drop"), &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        officer
            .post_json(&step(&own, "drop"), &json!({}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        third.post_json(&enrol, &json!({})).await.status,
        StatusCode::CREATED
    );

    // Completion (once the course has started) closes the plan's service; outcomes wait
    // until they fall due.
    let res = officer
        .post_json(&step(&planned, "complete"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "not started yet");
    app.clock.advance(10 * DAY_MS);
    let res = officer
        .post_json(&step(&planned, "complete"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let view = officer
        .get(&format!("/api/v1/returnees/{intake}"))
        .await
        .json();
    assert_eq!(view["services"][0]["status"], "done");
    let outcome = |months: u8, code: &str| json!({ "months": months, "outcome": code });
    let res = officer
        .post_json(&step(&planned, "outcome"), &outcome(3, "employed_home"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "not due yet");
    app.clock.advance(100 * DAY_MS);
    for (body, want) in [
        (
            outcome(4, "employed_home"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (outcome(3, "rich"), StatusCode::UNPROCESSABLE_ENTITY),
        (outcome(6, "employed_home"), StatusCode::CONFLICT),
        (outcome(3, "self_employed"), StatusCode::OK),
        (outcome(3, "not_working"), StatusCode::CONFLICT),
    ] {
        let res = officer.post_json(&step(&planned, "outcome"), &body).await;
        assert_eq!(res.status, want, "{body}: {}", res.body);
    }
    app.clock.advance(90 * DAY_MS);
    let res = officer
        .post_json(&step(&planned, "outcome"), &outcome(6, "employed_home"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = officer
        .post_json(&step(&own, "outcome"), &outcome(3, "employed_home"))
        .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "a dropped trainee has no outcome"
    );

    // The trainee list: the course's region only, audited.
    let path = format!("/api/v1/courses/{course}/trainees");
    assert_eq!(elsewhere.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(citizen.get(&path).await.status, StatusCode::FORBIDDEN);
    let list = officer.get(&path).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert_eq!(list["outcomes"]["completed"], 1);
    assert_eq!(list["outcomes"]["dropped"], 1);
    assert_eq!(
        list["outcomes"]["at_3_months"][2]["outcome"],
        "self_employed"
    );
    assert_eq!(list["outcomes"]["at_3_months"][2]["trainees"], 1);
    assert_eq!(list["outcomes"]["at_6_months"][0]["trainees"], 1);
    let mine = citizen.get("/api/v1/my/course-enrolments").await.json();
    assert_eq!(mine["items"][0]["enrolment"]["status"], "dropped");
    for (action, n) in [
        ("course.create", 1),
        ("course.enrol", 3),
        ("course.drop", 1),
        ("course.complete", 1),
        ("course.outcome", 2),
        ("course.trainees.read", 1),
    ] {
        assert_eq!(app.audit_count(action).await, n, "{action}");
    }
}

async fn officer_of_tashkent(app: &TestApp) -> Client {
    officer(app, "region:UZ-TK").await
}

#[tokio::test]
async fn enrolment_closes_when_the_course_starts_and_the_pages_work() {
    let app = TestApp::new().await;
    let mut officer = app
        .signed_in_scoped(Role::ReintegrationOfficer, "region:UZ-SA")
        .await;
    let body = course_body(&app, "UZ-SA", 5);
    let field = |name: &str| body[name].as_str().map(str::to_string).unwrap_or_default();
    let mut form = [
        ("title", field("title")),
        ("field", field("field")),
        ("provider", field("provider")),
        ("region", field("region")),
        ("starts_on", field("starts_on")),
        ("ends_on", field("ends_on")),
        ("places", "many".to_string()),
    ];
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = officer.post_form("/courses", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("1 dan 500 gacha"), "{}", res.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM courses").await, 0);
    form[6].1 = "5".into();
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = officer.post_form("/courses", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page_path = res.location().to_string();
    let course = page_path.trim_start_matches("/courses/").to_string();

    let (mut citizen, _) = returnee(&app, 621, "1994-03-03", Gender::Female, "UZ-SA", None).await;
    let res = citizen
        .post_form(&format!("/courses/{course}/enrol"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = officer.get(&page_path).await;
    assert!(
        page.body.contains("Karimova Dilnoza"),
        "the officer sees the trainee"
    );
    assert!(page.body.contains("/actions/complete"));
    let page = app.client().get(&page_path).await;
    assert!(!page.body.contains("Karimova"), "the public does not");
    for lang in ["uz-Latn", "uz-Cyrl", "ru", "en"] {
        let res = app.client().get(&format!("/courses?lang={lang}")).await;
        assert_eq!(res.status, StatusCode::OK, "{lang}");
    }

    app.clock.advance(11 * DAY_MS);
    let (mut late, _) = returnee(&app, 622, "1995-03-03", Gender::Male, "UZ-SA", None).await;
    let res = late
        .post_json(&format!("/api/v1/courses/{course}/enrolments"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM course_enrolments").await, 1);
}
