//! Returnees: an intake linked to the return (recorded on the way if the registry lacks
//! it), the needs assessment and its distress screen's safe referral path, a service plan
//! whose services move forward with outcomes, follow-ups on the officer's queue, the
//! officer's region as the limit, and every read and write audited.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

async fn person(officer: &mut Client, region: &str, tail: u32) -> String {
    let pin = Pinfl::generate(parse_date("1987-06-05").unwrap(), Gender::Female, tail);
    let res = officer
        .post_json(
            "/api/v1/persons",
            &json!({"given_name": "Malika", "family_name": "Tosheva", "birth_date": "1987-06-05",
                    "gender": "female", "pinfl": pin.as_str(), "region": region}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

fn assessment(screen: [i64; 5], self_harm: bool) -> Value {
    json!({
        "work_abroad": "Greenhouse worker in Korea for four years",
        "skills_gained": "Greenhouse climate control; basic Korean",
        "income": "none", "debts": "manageable", "health": "good", "housing": "secure",
        "family": "Two children at school", "documents": "complete",
        "screen": screen, "self_harm": self_harm,
    })
}

fn today(app: &TestApp) -> time::Date {
    safar::recruiters::service::today(&app.clock)
}

#[tokio::test]
async fn an_intake_records_the_return_assesses_needs_and_plans_services() {
    let app = TestApp::new().await;
    let mut officer = app
        .signed_in_scoped(Role::ReintegrationOfficer, "region:UZ-SA")
        .await;
    let id = person(&mut officer, "UZ-SA", 311).await;
    // Without a recorded return there is nothing to link: refused, nothing written.
    let body = json!({ "person_id": id, "assessment": assessment([1, 1, 0, 1, 0], false) });
    let res = officer.post_json("/api/v1/returnees", &body).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let back = (today(&app) - time::Duration::days(20)).to_string();
    let body = json!({
        "person_id": id,
        "returned": { "kind": "return", "date": back, "country": "KR", "channel": "official" },
        "assessment": assessment([1, 1, 0, 1, 0], false),
    });
    let res = officer.post_json("/api/v1/returnees", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let intake = res.json();
    let intake_id = intake["id"].as_str().unwrap().to_string();
    assert_eq!(intake["distress_score"], 3);
    assert_eq!(intake["high_risk"], false);
    assert!(intake["return_journey_id"].is_string());
    let person_page = officer.get(&format!("/api/v1/persons/{id}")).await.json();
    assert_eq!(person_page["status"], "returned");

    // The plan: retraining, then job placement; services move forward only.
    let base = format!("/api/v1/returnees/{intake_id}");
    let plan_day = today(&app).to_string();
    let res = officer
        .post_json(
            &format!("{base}/services"),
            &json!({ "service": "RS-TRN", "provider": "Samarqand mono-centre", "due_on": plan_day }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let service = res.json()["id"].as_str().unwrap().to_string();
    for (step, outcome, want) in [
        ("done", "", StatusCode::CONFLICT),
        ("refer", "", StatusCode::OK),
        ("start", "", StatusCode::OK),
        ("done", "", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "done",
            "Completed the greenhouse technician course",
            StatusCode::OK,
        ),
        ("decline", "too late", StatusCode::CONFLICT),
        ("reopen", "", StatusCode::NOT_FOUND),
    ] {
        let res = officer
            .post_json(
                &format!("{base}/services/{service}/actions/{step}"),
                &json!({ "outcome": outcome }),
            )
            .await;
        assert_eq!(res.status, want, "{step}: {}", res.body);
    }
    for bad in [
        json!({ "service": "RS-XYZ", "provider": "Somebody", "due_on": plan_day }),
        json!({ "service": "RS-JOB", "provider": "", "due_on": plan_day }),
        json!({ "service": "RS-JOB", "provider": "Employment centre", "due_on": "soon" }),
    ] {
        let res = officer.post_json(&format!("{base}/services"), &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    // Follow-ups make the queue; done ones leave it.
    let in_three = (today(&app) + time::Duration::days(3)).to_string();
    let res = officer
        .post_json(
            &format!("{base}/followups"),
            &json!({ "due_on": in_three, "note": "Call about the course certificate" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let followup = res.json()["id"].as_str().unwrap().to_string();
    let queue = officer.get("/api/v1/reintegration/queue").await.json();
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    let res = officer
        .post_json(
            &format!("{base}/followups/{followup}/done"),
            &json!({ "note": "Certificate received" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let queue = officer.get("/api/v1/reintegration/queue").await.json();
    assert!(queue["items"].as_array().unwrap().is_empty());

    let view = officer.get(&base).await.json();
    assert_eq!(view["services"][0]["status"], "done");
    assert_eq!(view["followups"][0]["done_note"], "Certificate received");
    for action in [
        "returnee.intake",
        "returnee.service.add",
        "returnee.followup.add",
        "returnee.followup.done",
        "returnee.read",
    ] {
        assert!(app.audit_count(action).await >= 1, "{action}");
    }
    assert_eq!(app.audit_count("returnee.service.step").await, 3);
}

#[tokio::test]
async fn a_high_distress_screen_starts_the_safe_referral_path() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::ReintegrationOfficer).await;
    let id = person(&mut officer, "UZ-AN", 312).await;
    let back = (today(&app) - time::Duration::days(5)).to_string();
    let body = json!({
        "person_id": id,
        "returned": { "kind": "return", "date": back, "country": "RU" },
        "assessment": assessment([0, 0, 0, 0, 0], true),
    });
    let res = officer.post_json("/api/v1/returnees", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["high_risk"], true);
    let intake = res.json()["id"].as_str().unwrap().to_string();
    let view = officer
        .get(&format!("/api/v1/returnees/{intake}"))
        .await
        .json();
    assert_eq!(view["services"][0]["service"], "RS-PSS");
    assert_eq!(view["services"][0]["status"], "referred");
    let in_two = (today(&app) + time::Duration::days(2)).to_string();
    assert_eq!(view["followups"][0]["due_on"], json!(in_two));
    let queue = officer.get("/api/v1/reintegration/queue").await.json();
    assert_eq!(queue["items"][0]["intake_id"], json!(intake));

    // A score of 10 or more does the same; bad answers are refused.
    let other = person(&mut officer, "UZ-AN", 313).await;
    let body = json!({
        "person_id": other,
        "returned": { "kind": "return", "date": back, "country": "RU" },
        "assessment": assessment([2, 2, 2, 2, 2], false),
    });
    assert_eq!(
        officer.post_json("/api/v1/returnees", &body).await.json()["high_risk"],
        true
    );
    for bad in [
        assessment([4, 0, 0, 0, 0], false),
        json!({ "income": "rich", "screen": [0, 0, 0, 0, 0] }),
    ] {
        let body = json!({ "person_id": other, "assessment": bad });
        let res = officer.post_json("/api/v1/returnees", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn officers_work_only_on_returnees_of_their_region() {
    let app = TestApp::new().await;
    let mut national = app.token_client(Role::ReintegrationOfficer).await;
    let id = person(&mut national, "UZ-SA", 314).await;
    let back = (today(&app) - time::Duration::days(5)).to_string();
    let body = json!({
        "person_id": id,
        "returned": { "kind": "return", "date": back, "country": "TR" },
        "assessment": assessment([0, 1, 0, 0, 0], false),
    });
    let mut khorezm = app
        .signed_in_scoped(Role::ReintegrationOfficer, "region:UZ-XO")
        .await;
    assert_eq!(
        khorezm.post_json("/api/v1/returnees", &body).await.status,
        StatusCode::FORBIDDEN
    );
    let intake = national.post_json("/api/v1/returnees", &body).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        khorezm
            .get(&format!("/api/v1/returnees/{intake}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert!(
        khorezm.get("/api/v1/reintegration/queue").await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A district officer's queue holds the follow-ups of their district's returnees only.
    let pin = Pinfl::generate(parse_date("1980-01-02").unwrap(), Gender::Male, 316);
    let local = json!({"given_name": "Jasur", "family_name": "Qodirov", "birth_date": "1980-01-02",
        "gender": "male", "pinfl": pin.as_str(), "region": "UZ-SA", "district": "1718209"});
    let res = national.post_json("/api/v1/persons", &local).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let local = res.json()["id"].as_str().unwrap().to_string();
    let body = json!({ "person_id": local, "returned": { "kind": "return", "date": back, "country": "RU" },
        "assessment": assessment([0, 0, 0, 0, 0], false) });
    let local_intake = national.post_json("/api/v1/returnees", &body).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let soon = today(&app).to_string();
    for intake in [&intake, &local_intake] {
        let res = national
            .post_json(
                &format!("/api/v1/returnees/{intake}/followups"),
                &json!({ "due_on": soon, "note": "First call after the intake" }),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let mut jomboy = app
        .signed_in_scoped(Role::ReintegrationOfficer, "district:1718209")
        .await;
    let queue = jomboy.get("/api/v1/reintegration/queue").await.json();
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["intake_id"], json!(local_intake));
    for role in [
        Role::Citizen,
        Role::Analyst,
        Role::GrantReviewer,
        Role::Operator,
    ] {
        let mut client = app.token_client(role).await;
        let res = client.get(&format!("/api/v1/returnees/{intake}")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(app.audit_count("returnee.intake").await, 2);
}

#[tokio::test]
async fn the_pages_record_an_intake_and_work_its_plan() {
    let app = TestApp::new().await;
    let mut officer = app
        .signed_in_scoped(Role::ReintegrationOfficer, "region:UZ-SA")
        .await;
    let id = person(&mut officer, "UZ-SA", 315).await;
    let record = officer
        .get(&format!("/people/{id}?purpose=reintegration"))
        .await;
    assert!(
        record.body.contains(&format!("/returnees/new?person={id}")),
        "{}",
        record.status
    );
    let form = officer.get(&format!("/returnees/new?person={id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    let back = (today(&app) - time::Duration::days(10)).to_string();
    let mut fields = vec![
        ("person_id", id.as_str()),
        ("return_date", back.as_str()),
        ("return_country", "RU"),
        ("work_abroad", "Builder in Moscow"),
        ("skills_gained", "Tiling"),
        ("income", "irregular"),
        ("debts", "heavy"),
        ("health", "good"),
        ("housing", "secure"),
        ("documents", "missing"),
        ("family", ""),
        ("screen_sleep", "1"),
        ("screen_worry", "2"),
        ("screen_hopeless", "1"),
        ("screen_alone", "0"),
        ("screen_coping", "0"),
    ];
    let res = officer.post_form("/returnees", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = res.location().to_string();
    let page = officer.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Builder in Moscow"));
    let res = officer
        .post_form(
            &format!("{path}/actions/service"),
            &[
                ("service", "RS-DOC"),
                ("provider", "Civil registry office"),
                ("due_on", &back),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let service = officer.get(&format!("/api/v1{path}")).await.json()["services"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = officer
        .post_form(&format!("{path}/actions/step-{service}-refer"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let due = (today(&app) + time::Duration::days(1)).to_string();
    let res = officer
        .post_form(
            &format!("{path}/actions/followup"),
            &[
                ("followup_due", due.as_str()),
                ("note", "Passport appointment"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let queue = officer.get("/returnees").await;
    assert!(queue.body.contains("Passport appointment"));
    // An unanswered screen comes back with the message.
    fields.retain(|(k, _)| *k != "screen_sleep");
    let res = officer.post_form("/returnees", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}
