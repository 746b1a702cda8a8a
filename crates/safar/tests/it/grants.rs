//! Grants: a call from opening to completed awards — eligibility checked at submission and
//! overridden with a reason, the committee's conflicts and blind scores, the ranking with
//! its tie rule and the budget cut-off, tranches released only after a visit found the
//! business running, outcomes — and who may see and do what.

use axum::body::Body;
use http::{Method, StatusCode};
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use serde_json::{Value, json};
use sqlx::Row;

use crate::support::{Client, TestApp};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn today(app: &TestApp) -> time::Date {
    safar::recruiters::service::today(&app.clock)
}

async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
}

/// A client holding an API token of the user `email` (tokens outlive the days a call
/// runs; sessions do not).
pub(crate) async fn with_token(app: &TestApp, email: &str) -> Client {
    let console = safar::platform::access::Actor::console();
    let token =
        safar::accounts::service::create_token(&app.db, &app.clock, &console, email, "test")
            .await
            .unwrap();
    let mut client = app.client();
    client.bearer = Some(token);
    client
}

/// A committee member: (client, user id).
async fn reviewer(app: &TestApp) -> (Client, String) {
    let (email, _) = app.user(Role::GrantReviewer, "").await;
    (with_token(app, &email).await, user_id(app, &email).await)
}

/// A returnee with a citizen account linked to their person record, back from Russia on
/// `returned` (if any): (client, person id).
pub(crate) async fn returnee(
    app: &TestApp,
    tail: u32,
    birth: &str,
    gender: Gender,
    region: &str,
    returned: Option<time::Date>,
) -> (Client, String) {
    let (email, password) = app.user(Role::Citizen, "").await;
    let mut c = app.client();
    let res = c
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let pin = Pinfl::generate(parse_date(birth).unwrap(), gender, tail);
    let phone = format!("97 123 {:02} {:02}", tail / 100, tail % 100);
    let gender_text = if gender == Gender::Male {
        "male"
    } else {
        "female"
    };
    let form = [
        ("family_name", "Karimova"),
        ("given_name", "Dilnoza"),
        ("birth_date", birth),
        ("gender", gender_text),
        ("pinfl", pin.as_str()),
        ("region", region),
        ("phone", phone.as_str()),
    ];
    let res = c.post_form("/account/profile", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/account/profile").await;
    let id = page.body.split("/api/v1/persons/").nth(1).unwrap();
    let id = id.split('/').next().unwrap().to_string();
    let c = with_token(app, &email).await;
    if let Some(day) = returned {
        let mut officer = app.token_client(Role::ReintegrationOfficer).await;
        let departed = day - time::Duration::days(400);
        for (kind, date) in [("departure", departed), ("return", day)] {
            let body = json!({ "kind": kind, "date": date.to_string(), "country": "RU", "channel": "official" });
            let res = officer
                .post_json(&format!("/api/v1/persons/{id}/journeys"), &body)
                .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        }
    }
    (c, id)
}

fn call_body(deadline: time::Date, reviewers: &[String]) -> Value {
    json!({
        "title": "Returnee small business grants 2026",
        "description": "Up to 30 million so'm for a business at home.",
        "budget": 70_000_000, "max_award": 40_000_000,
        "returned_within_months": 24, "min_age": 18, "max_age": 55, "no_prior_award": true,
        "pass_mark": 2.5, "reviewers_per_application": 3, "first_tranche_percent": 60,
        "deadline": deadline.to_string(),
        "criteria": [
            {"name": "Viability of the business", "weight": 40},
            {"name": "Jobs for others", "weight": 30},
            {"name": "Skills gained abroad", "weight": 30}
        ],
        "reviewers": reviewers,
    })
}

fn plan(requested: i64, own: i64, jobs: i64) -> Value {
    json!({
        "activity": "Sewing workshop", "sector_isco": "7533", "location": "Bozor ko‘chasi 5",
        "plan": "Two machines, orders from the local market and schools; repaid from monthly sales within a year.",
        "costs": requested + own, "own_contribution": own, "requested": requested, "jobs_expected": jobs,
    })
}

async fn score(client: &mut Client, application: &str, scores: [i64; 3]) -> StatusCode {
    let body = json!({ "scores": scores, "comment": "A sound plan." });
    client
        .post_json(&format!("/api/v1/reviews/{application}"), &body)
        .await
        .status
}

#[tokio::test]
async fn a_call_goes_from_applications_to_awards_tranches_and_outcomes() {
    let app = TestApp::new().await;
    let day = today(&app);
    let mut officer = app.token_client(Role::ReintegrationOfficer).await;
    let (mut r1, id1) = reviewer(&app).await;
    let (mut r2, id2) = reviewer(&app).await;
    let (mut r3, id3) = reviewer(&app).await;
    let (mut spare, spare_id) = reviewer(&app).await;
    let deadline = day + time::Duration::days(10);
    let committee = [id1.clone(), id2.clone(), id3.clone()];
    let res = officer
        .post_json("/api/v1/grant-calls", &call_body(deadline, &committee))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let call = res.json()["id"].as_str().unwrap().to_string();
    let add = json!({ "reviewer": spare_id });
    let res = officer
        .post_json(&format!("/api/v1/grant-calls/{call}/reviewers"), &add)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let recent = Some(day - time::Duration::days(90));
    let (mut aziza, _) = returnee(&app, 101, "1990-04-02", Gender::Female, "UZ-SA", recent).await;
    let (mut bekzod, _) = returnee(&app, 102, "1988-07-15", Gender::Male, "UZ-AN", recent).await;
    let (mut chori, _) = returnee(&app, 103, "1985-01-20", Gender::Male, "UZ-SA", recent).await;
    // Back three years ago: the rule fails; the officer overrides with a reason.
    let long_ago = Some(day - time::Duration::days(3 * 365));
    let (mut dilya, _) = returnee(&app, 104, "1992-09-09", Gender::Female, "UZ-XO", long_ago).await;
    // Never recorded as back: ineligible, and stays so.
    let (mut erkin, _) = returnee(&app, 105, "1995-03-03", Gender::Male, "UZ-SA", None).await;

    let apply = format!("/api/v1/grant-calls/{call}/applications");
    let mut ids = vec![];
    for (client, body) in [
        (&mut aziza, plan(30_000_000, 10_000_000, 3)),
        (&mut bekzod, plan(30_000_000, 5_000_000, 2)),
        (&mut chori, plan(20_000_000, 5_000_000, 4)),
        (&mut dilya, plan(20_000_000, 2_000_000, 1)),
        (&mut erkin, plan(10_000_000, 1_000_000, 1)),
    ] {
        let res = client.post_json(&apply, &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        ids.push(res.json()["id"].as_str().unwrap().to_string());
    }
    // Applying twice to the same call is refused.
    assert_eq!(
        aziza.post_json(&apply, &plan(1_000_000, 0, 1)).await.status,
        StatusCode::CONFLICT
    );
    let mine = dilya.get("/api/v1/my/grant-applications").await.json();
    let dilya_app = &mine["items"][0];
    assert_eq!(dilya_app["status"], "ineligible");
    let failed: Vec<_> = dilya_app["eligibility"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == json!(false))
        .map(|c| c["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed, ["returned_within"]);
    // The applicant does not see other people's applications.
    assert_eq!(
        dilya
            .get(&format!("/api/v1/grant-applications/{}", ids[0]))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let override_path = format!("/api/v1/grant-applications/{}/eligibility", ids[3]);
    let short = json!({ "eligible": true, "reason": "ok" });
    assert_eq!(
        officer.post_json(&override_path, &short).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let reason = json!({ "eligible": true, "reason": "Return delayed by a hospital stay abroad; documents seen." });
    let res = officer.post_json(&override_path, &reason).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status"], "eligible");
    assert_eq!(app.audit_count("grant.eligibility.override").await, 1);

    // Not before the deadline; then the eligible four go to review, three reviewers each.
    let close = format!("/api/v1/grant-calls/{call}/actions/close");
    assert_eq!(
        officer.post_json(&close, &json!({})).await.status,
        StatusCode::CONFLICT
    );
    app.clock.advance(11 * DAY_MS);
    let late = bekzod.post_json(&apply, &plan(1_000_000, 0, 1)).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let res = officer.post_json(&close, &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM grant_reviews").await,
        12
    );
    // Once closed, an ineligible application can no longer be set eligible: it would never
    // be reviewed.
    let late_override = format!("/api/v1/grant-applications/{}/eligibility", ids[4]);
    assert_eq!(
        officer.post_json(&late_override, &reason).await.status,
        StatusCode::CONFLICT
    );

    // Reviewers see the plan, not who applied, and nobody else's scores before their own.
    let seen = r1.get(&format!("/api/v1/reviews/{}", ids[0])).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(!seen.body.contains("Dilnoza") && !seen.body.contains("Karimova"));
    assert!(!seen.body.contains("person"));
    assert!(seen.json()["others"].as_array().unwrap().is_empty());
    // The committee shares the four in turn, three each; the first application went to the
    // three original members. One declares a conflict and cannot score it; the spare
    // takes it.
    let conflicted = &ids[0];
    let res = r1
        .post_json(
            &format!("/api/v1/reviews/{conflicted}"),
            &json!({ "conflict": true, "conflict_note": "She is my cousin." }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        score(&mut r1, conflicted, [5, 5, 5]).await,
        StatusCode::CONFLICT
    );
    let assign = json!({ "reviewer": spare_id });
    let res = officer
        .post_json(
            &format!("/api/v1/grant-applications/{conflicted}/reviewers"),
            &assign,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Deciding before everything is scored is refused.
    let decide = format!("/api/v1/grant-calls/{call}/actions/decide");
    assert_eq!(
        officer.post_json(&decide, &json!({})).await.status,
        StatusCode::CONFLICT
    );
    // Scores: aziza 4.0, bekzod 4.0 (tie: aziza's own share 25 % beats bekzod's 14 %),
    // chori 3.0, dilya 2.0 (below the 2.5 pass mark).
    let wanted: [(usize, [i64; 3]); 4] = [
        (0, [4, 4, 4]),
        (1, [4, 4, 4]),
        (2, [3, 3, 3]),
        (3, [2, 2, 2]),
    ];
    let mut clients = [
        (&id1, &mut r1),
        (&id2, &mut r2),
        (&id3, &mut r3),
        (&spare_id, &mut spare),
    ];
    for (app_index, scores) in wanted {
        let application = &ids[app_index];
        for (_, client) in clients.iter_mut() {
            let path = format!("/api/v1/reviews/{application}");
            let mine = client.get(&path).await;
            if mine.status != StatusCode::OK || mine.json()["mine"]["status"] != "assigned" {
                continue;
            }
            assert_eq!(score(client, application, scores).await, StatusCode::OK);
            // Once in, the reviewer sees the others' submitted scores; and cannot change.
            let after = client.get(&path).await.json();
            assert_eq!(after["mine"]["status"], "submitted");
            assert_eq!(
                score(client, application, [0, 0, 0]).await,
                StatusCode::CONFLICT
            );
        }
    }
    let res = officer.post_json(&decide, &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let ranking = officer
        .get(&format!("/api/v1/grant-calls/{call}/ranking"))
        .await
        .json();
    let items = ranking["items"].as_array().unwrap();
    let line = |id: &str| {
        items
            .iter()
            .find(|i| i["application_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(line(&ids[0])["rank"], 1);
    assert_eq!(line(&ids[0])["mean_weighted_score"], json!(4.0));
    assert_eq!(line(&ids[0])["reviews"], 3);
    assert_eq!(line(&ids[0])["decision"], "awarded");
    assert_eq!(line(&ids[1])["rank"], 2);
    // 30 + 30 of 70 million awarded; chori's 20 million no longer fits.
    assert_eq!(line(&ids[1])["decision"], "awarded");
    assert_eq!(line(&ids[2])["decision"], "declined");
    assert_eq!(line(&ids[2])["reason"], "budget_exhausted");
    assert_eq!(line(&ids[3])["reason"], "below_pass_mark");
    assert_eq!(line(&ids[4])["decision"], "ineligible");
    assert_eq!(ranking["awarded_total"], 60_000_000);
    assert_eq!(ranking["tie_rule"][1], "own_share");
    assert!(
        !serde_json::to_string(&ranking)
            .unwrap()
            .contains("Karimova")
    );
    // The applicant sees the decision and why.
    let mine = chori.get("/api/v1/my/grant-applications").await.json();
    assert_eq!(mine["items"][0]["status"], "declined");
    assert_eq!(mine["items"][0]["decision_reason"], "budget_exhausted");

    // Tranches: 60 % now; the rest only after a visit finds the business running.
    let award = &ids[0];
    let tranche = |n: i64| format!("/api/v1/grant-applications/{award}/tranches/{n}/release");
    assert_eq!(
        officer.post_json(&tranche(2), &json!({})).await.status,
        StatusCode::CONFLICT
    );
    let res = officer.post_json(&tranche(1), &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["application"]["status"], "disbursing");
    assert_eq!(res.json()["tranches"][0]["amount"], 18_000_000);
    assert_eq!(
        officer.post_json(&tranche(2), &json!({})).await.status,
        StatusCode::CONFLICT
    );
    let visits = format!("/api/v1/grant-applications/{award}/visits");
    // No visit before the money was paid.
    let before = (today(&app) - time::Duration::days(1)).to_string();
    let early = json!({ "month": 6, "visited_on": before, "operating": true, "jobs_created": 2,
        "revenue_band": "5m_20m" });
    let res = officer.post_json(&visits, &early).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("visited_on"), "{}", res.body);
    let visit_day = today(&app).to_string();
    let six = json!({ "month": 6, "visited_on": visit_day, "operating": true, "jobs_created": 2,
        "revenue_band": "5m_20m", "notes": "Two machines working; orders from a school." });
    let res = officer.post_json(&visits, &six).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Photos of the visit: images only, and only of a recorded visit.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR workshop".to_vec();
    for (month, bytes, want) in [
        (12, png.clone(), StatusCode::CONFLICT),
        (
            6,
            b"%PDF-1.7 not a photo".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (6, png.clone(), StatusCode::CREATED),
    ] {
        let path = format!("/api/v1/grant-applications/{award}/visits/{month}/photos");
        let res = officer
            .request(Method::POST, &path, Some("image/png"), Body::from(bytes))
            .await;
        assert_eq!(res.status, want, "{month}: {}", res.body);
    }
    let res = officer.post_json(&tranche(2), &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["application"]["status"], "monitoring");
    assert_eq!(res.json()["tranches"][1]["amount"], 12_000_000);
    let twelve = json!({ "month": 12, "visited_on": visit_day, "operating": true, "jobs_created": 3,
        "revenue_band": "20m_50m" });
    let res = officer.post_json(&visits, &twelve).await;
    assert_eq!(res.json()["application"]["status"], "completed");

    // The second award is cancelled before any money: with a reason the applicant reads;
    // no tranche goes out after that, and a completed award cannot be cancelled.
    let second = &ids[1];
    let cancel = |id: &str| format!("/api/v1/grant-applications/{id}/cancel");
    let res = officer
        .post_json(&cancel(second), &json!({ "reason": "" }))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = "The workshop premises fell through; the applicant withdrew.";
    let res = chori
        .post_json(&cancel(second), &json!({ "reason": reason }))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = officer
        .post_json(&cancel(second), &json!({ "reason": reason }))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["application"]["status"], "cancelled");
    assert_eq!(res.json()["application"]["cancel_reason"], reason);
    let second_tranche = format!("/api/v1/grant-applications/{second}/tranches/1/release");
    let res = officer.post_json(&second_tranche, &json!({})).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = officer
        .post_json(&cancel(award), &json!({ "reason": reason }))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(app.audit_count("grant.award.cancel").await, 1);

    let outcomes = officer
        .get(&format!("/api/v1/grant-calls/{call}/outcomes"))
        .await
        .json();
    // The cancelled award is counted apart, not in the money awarded.
    assert_eq!(outcomes["total"]["awards"], 1);
    assert_eq!(outcomes["total"]["cancelled"], 1);
    assert_eq!(outcomes["total"]["awarded_amount"], 30_000_000);
    assert_eq!(outcomes["total"]["operating_at_12_months"], 1);
    assert_eq!(outcomes["total"]["jobs_created"], 3);
    let female = outcomes["by_gender"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["group"] == "female")
        .unwrap()
        .clone();
    assert_eq!(female["awarded_amount"], 30_000_000);
    for action in [
        "grant.call.open",
        "grant.call.close",
        "grant.review.conflict",
        "grant.tranche.release",
    ] {
        assert!(app.audit_count(action).await >= 1, "{action}");
    }
    assert_eq!(app.audit_count("grant.decide").await, 4);
}

#[tokio::test]
async fn only_the_right_roles_act_and_bad_calls_are_refused() {
    let app = TestApp::new().await;
    let day = today(&app);
    let (_, reviewer_id) = reviewer(&app).await;
    let body = call_body(
        day + time::Duration::days(5),
        std::slice::from_ref(&reviewer_id),
    );
    for role in [
        Role::Citizen,
        Role::Analyst,
        Role::GrantReviewer,
        Role::Operator,
    ] {
        let mut client = app.token_client(role).await;
        let res = client.post_json("/api/v1/grant-calls", &body).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
    }
    let mut officer = app.token_client(Role::ReintegrationOfficer).await;
    let call = officer.post_json("/api/v1/grant-calls", &body).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for role in [Role::Citizen, Role::Analyst, Role::GrantReviewer] {
        let mut client = app.token_client(role).await;
        let res = client
            .get(&format!("/api/v1/grant-calls/{call}/ranking"))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
    }
    // Citizens see the open call.
    let mut citizen = app.token_client(Role::Citizen).await;
    let listed = citizen.get("/api/v1/grant-calls").await.json();
    assert_eq!(listed["items"][0]["id"], json!(call));
    // A citizen without a profile is told to complete it.
    let res = citizen
        .post_json(
            &format!("/api/v1/grant-calls/{call}/applications"),
            &plan(1_000_000, 0, 1),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    for (field, change) in [
        ("budget", json!({"budget": 0})),
        ("max_award", json!({"max_award": 999_999_999_999i64})),
        (
            "criteria",
            json!({"criteria": [{"name": "Only", "weight": 90}]}),
        ),
        (
            "criteria",
            json!({"criteria": [{"name": "Huge", "weight": i64::MAX}, {"name": "Huger", "weight": i64::MAX}]}),
        ),
        ("deadline", json!({"deadline": "2001-01-01"})),
        ("pass_mark", json!({"pass_mark": 7.5})),
        ("regions", json!({"regions": ["UZ-ZZ"]})),
        ("max_age", json!({"min_age": 40, "max_age": 30})),
    ] {
        let mut bad = body.clone();
        for (k, v) in change.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let res = officer.post_json("/api/v1/grant-calls", &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let fields: Vec<_> = res.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert!(fields.iter().any(|f| f == field), "{field}: {fields:?}");
    }
    // A committee member must hold the reviewer role.
    let (email, _) = app.user(Role::Operator, "").await;
    let operator_id = user_id(&app, &email).await;
    let mut with_operator = body.clone();
    with_operator["reviewers"] = json!([operator_id]);
    let res = officer
        .post_json("/api/v1/grant-calls", &with_operator)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM grant_calls").await, 1);
    // A reviewer sees nothing not assigned to them.
    let (mut r, _) = reviewer(&app).await;
    assert_eq!(
        r.get("/api/v1/reviews/no-such-application").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        r.get("/api/v1/reviews").await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_pages_take_an_application_from_the_form_to_the_award() {
    let app = TestApp::new().await;
    let day = today(&app);
    let (email, password) = app.user(Role::ReintegrationOfficer, "").await;
    let officer_session = |app: &TestApp| {
        let mut c = app.client();
        let (email, password) = (email.clone(), password.clone());
        async move {
            let res = c
                .post_form("/login", &[("email", &email), ("password", &password)])
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER);
            c
        }
    };
    let mut officer = officer_session(&app).await;
    let mut reviewers = vec![];
    let mut ids = vec![];
    for _ in 0..3 {
        let (client, id) = reviewer(&app).await;
        reviewers.push(client);
        ids.push(id);
    }
    let deadline = (day + time::Duration::days(3)).to_string();
    let mut form = vec![
        ("title", "Grants for returnees in Samarkand"),
        ("description", ""),
        ("budget", "50 000 000"),
        ("max_award", "25 000 000"),
        ("deadline", deadline.as_str()),
        ("returned_within_months", "24"),
        ("min_age", "18"),
        ("max_age", "60"),
        ("no_prior_award", "yes"),
        ("criterion_0", "Viability"),
        ("weight_0", "60"),
        ("criterion_1", "Jobs"),
        ("weight_1", "40"),
        ("pass_mark", "2,5"),
        ("reviewers_per_application", "3"),
        ("first_tranche_percent", "60"),
    ];
    for id in &ids {
        form.push(("reviewers", id.as_str()));
    }
    let res = officer.post_form("/grants/calls", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let call_path = res.location().to_string();
    let call = call_path.rsplit('/').next().unwrap().to_string();

    // The returnee applies through the form and sees the check's result.
    let recent = Some(day - time::Duration::days(60));
    let (mut returnee, _) =
        returnee(&app, 201, "1991-02-02", Gender::Female, "UZ-SA", recent).await;
    let index = returnee.get("/grants").await;
    assert!(index.body.contains("Grants for returnees in Samarkand"));
    let plan_text =
        "A small bakery near the bazaar: an oven, flour for three months, sales to two shops.";
    let res = returnee
        .post_form(
            &format!("{call_path}/applications"),
            &[
                ("activity", "Bakery"),
                ("sector_isco", "7533"),
                ("location", "Registon ko‘chasi 3"),
                ("plan", plan_text),
                ("costs", "30 000 000"),
                ("own_contribution", "10 000 000"),
                ("requested", "20 000 000"),
                ("jobs_expected", "2"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let application_path = res.location().to_string();
    let application = application_path.rsplit('/').next().unwrap().to_string();
    let page = returnee.get(&application_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Bakery"));
    // Bad sums come back on the form.
    let res = returnee
        .post_form(&format!("{call_path}/applications"), &[("costs", "a lot")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    app.clock.advance(4 * DAY_MS);
    let mut officer = officer_session(&app).await;
    let res = officer
        .post_form(&format!("{call_path}/actions/close"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for (i, reviewer) in reviewers.iter_mut().enumerate() {
        let path = format!("/reviews/{application}");
        let page = reviewer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(!page.body.contains("Karimova"));
        let score = if i == 0 { "5" } else { "4" };
        let res = reviewer
            .post_form(
                &path,
                &[("score_0", score), ("score_1", "3"), ("comment", "")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let res = officer
        .post_form(&format!("{call_path}/actions/decide"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = officer.get(&call_path).await;
    assert!(
        page.body.contains("3.800"),
        "mean of 4.2, 3.6 and 3.6 (weights 60/40): {}",
        page.body
    );
    let res = officer
        .post_form(&format!("{application_path}/actions/release-1"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let json = officer
        .get(&format!("/api/v1/grant-calls/{call}/ranking"))
        .await
        .json();
    assert_eq!(json["items"][0]["decision"], "awarded");
    assert_eq!(json["items"][0]["status"], "disbursing");
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_shown_only_to_who_may_see_them() {
    let app = TestApp::new().await;
    let day = today(&app);
    let mut officer = app.token_client(Role::ReintegrationOfficer).await;
    let mut committee = vec![];
    let mut reviewers = vec![];
    for _ in 0..3 {
        let (client, id) = reviewer(&app).await;
        reviewers.push(client);
        committee.push(id);
    }
    let (mut outsider, _) = reviewer(&app).await;
    let deadline = day + time::Duration::days(10);
    let res = officer
        .post_json("/api/v1/grant-calls", &call_body(deadline, &committee))
        .await;
    let call = res.json()["id"].as_str().unwrap().to_string();
    let recent = Some(day - time::Duration::days(60));
    let (mut aziza, _) = returnee(&app, 131, "1990-04-02", Gender::Female, "UZ-SA", recent).await;
    let (mut bekzod, _) = returnee(&app, 132, "1988-07-15", Gender::Male, "UZ-SA", recent).await;
    let res = aziza
        .post_json(
            &format!("/api/v1/grant-calls/{call}/applications"),
            &plan(20_000_000, 5_000_000, 2),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let application = res.json()["id"].as_str().unwrap().to_string();
    let attach = format!("/api/v1/grant-applications/{application}/attachments");
    let upload = |bytes: &[u8]| Body::from(bytes.to_vec());
    let pdf = b"%PDF-1.7 quote for two sewing machines";
    for bad in [
        &b"<svg onload=alert(1)>"[..],
        b"",
        b"MZ\x90\0 not a document",
    ] {
        let res = aziza
            .request(Method::POST, &attach, Some("application/pdf"), upload(bad))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    }
    let res = bekzod
        .request(Method::POST, &attach, Some("application/pdf"), upload(pdf))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "not their application");
    let mut files = vec![];
    for _ in 0..5 {
        let res = aziza
            .request(Method::POST, &attach, Some("application/pdf"), upload(pdf))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        files.push(res.json()["id"].as_str().unwrap().to_string());
    }
    let res = aziza
        .request(Method::POST, &attach, Some("application/pdf"), upload(pdf))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "five at most");
    assert_eq!(app.count("SELECT COUNT(*) FROM grant_files").await, 5);

    let file = format!(
        "/api/v1/grant-applications/{application}/files/{}",
        files[0]
    );
    let got = aziza.get(&file).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.raw, pdf.to_vec());
    assert!(got.header("content-disposition").starts_with("attachment"));
    assert_eq!(bekzod.get(&file).await.status, StatusCode::FORBIDDEN);
    assert_eq!(outsider.get(&file).await.status, StatusCode::FORBIDDEN);
    assert_eq!(officer.get(&file).await.status, StatusCode::OK);
    assert_eq!(app.audit_count("grant.file.read").await, 1);
    assert_eq!(app.audit_count("grant.file.add").await, 5);

    // Closed: the committee's members read the attachments; nothing more is attached.
    app.clock.advance(11 * DAY_MS);
    let res = officer
        .post_json(
            &format!("/api/v1/grant-calls/{call}/actions/close"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    for r in &mut reviewers {
        assert_eq!(r.get(&file).await.status, StatusCode::OK);
        let review = r
            .get(&format!("/api/v1/reviews/{application}"))
            .await
            .json();
        assert_eq!(review["attachments"].as_array().unwrap().len(), 5);
    }
    assert_eq!(outsider.get(&file).await.status, StatusCode::FORBIDDEN);
    let res = aziza
        .request(Method::POST, &attach, Some("application/pdf"), upload(pdf))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_committee_member_who_applied_never_reviews_their_own_application() {
    let app = TestApp::new().await;
    let day = today(&app);
    let mut officer = app.token_client(Role::ReintegrationOfficer).await;
    let (_, id1) = reviewer(&app).await;
    let (_, id2) = reviewer(&app).await;
    let (_, id3) = reviewer(&app).await;
    let recent = Some(day - time::Duration::days(60));
    let (mut aziza, person) =
        returnee(&app, 141, "1990-04-02", Gender::Female, "UZ-SA", recent).await;
    // Aziza also sits on the committee (a second role on her account).
    let aziza_user: String = sqlx::query("SELECT user_id FROM persons WHERE id = $1")
        .bind(&person)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("user_id")
        .unwrap();
    sqlx::query(
        "INSERT INTO role_grants (id, user_id, role, scope_kind, scope_value, created_at) \
         VALUES ('rg-aziza', $1, 'grant_reviewer', '', '', 0)",
    )
    .bind(&aziza_user)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let deadline = day + time::Duration::days(5);
    let committee = [id1.clone(), id2.clone(), aziza_user.clone()];
    let res = officer
        .post_json("/api/v1/grant-calls", &call_body(deadline, &committee))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let call = res.json()["id"].as_str().unwrap().to_string();
    let res = aziza
        .post_json(
            &format!("/api/v1/grant-calls/{call}/applications"),
            &plan(20_000_000, 5_000_000, 2),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let application = res.json()["id"].as_str().unwrap().to_string();

    // Without her, two members are left for three reviews: the call stays open.
    app.clock.advance(6 * DAY_MS);
    let close = format!("/api/v1/grant-calls/{call}/actions/close");
    let res = officer.post_json(&close, &json!({})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM grant_reviews").await, 0);
    let res = officer
        .post_json(
            &format!("/api/v1/grant-calls/{call}/reviewers"),
            &json!({ "reviewer": id3 }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = officer.post_json(&close, &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let reviewers: Vec<String> =
        sqlx::query("SELECT reviewer_id FROM grant_reviews WHERE application_id = $1")
            .bind(&application)
            .fetch_all(&app.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("reviewer_id").unwrap())
            .collect();
    assert_eq!(reviewers.len(), 3);
    assert!(!reviewers.contains(&aziza_user));
    // Nor can the officer add her by hand.
    let res = officer
        .post_json(
            &format!("/api/v1/grant-applications/{application}/reviewers"),
            &json!({ "reviewer": aziza_user }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
}
