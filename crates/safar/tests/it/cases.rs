//! Call-centre cases through the fixed API: intake with the suggested priority and due
//! time, validation, trafficking indicators making P1, the duplicate warning, and scope.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use serde_json::json;

use crate::support::{Client, TestApp};

/// A person registered by an operator in `region`; returns their id.
async fn person(operator: &mut Client, region: &str, tail: u32) -> String {
    let pin = Pinfl::generate(parse_date("1990-02-03").unwrap(), Gender::Male, tail);
    let res = operator
        .post_json(
            "/api/v1/persons",
            &json!({"given_name": "Rustam", "family_name": "Ergashev", "birth_date": "1990-02-03",
                    "gender": "male", "pinfl": pin.as_str(), "region": region}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_operator_opens_a_case_with_a_suggested_priority_and_due_time() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let id = person(&mut operator, "UZ-SA", 41).await;
    let wages = json!({"person_id": id, "category": "EMP", "subtype": "EMP-WAGE", "channel": "phone",
                       "country": "RU", "city": "Yekaterinburg", "summary": "Not paid for two months."});
    let res = operator.post_json("/api/v1/cases", &wages).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let case = res.json();
    assert_eq!(case["priority"], "P3");
    assert_eq!(case["status"], "new");
    assert!(case["due_at"].as_str().unwrap().ends_with('Z'), "{case}");
    assert_eq!(case["possible_duplicates"], json!([]));
    let read = operator
        .get(&format!("/api/v1/cases/{}", case["id"].as_str().unwrap()))
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json()["summary"], "Not paid for two months.");
    assert_eq!(app.audit_count("case.read").await, 1);

    // The same person and category again: a possible duplicate is named.
    let again = operator.post_json("/api/v1/cases", &wages).await;
    assert_eq!(again.json()["possible_duplicates"][0], case["id"]);

    // Any trafficking indicator makes it P1 and alerts the supervisor; a modifier raises
    // one level; the operator may raise, never lower.
    let mut tip = wages.clone();
    tip["indicators"] = json!(["retention_of_identity_documents"]);
    let res = operator.post_json("/api/v1/cases", &tip).await;
    assert_eq!(res.json()["priority"], "P1");
    let mut alone = wages.clone();
    alone["modifiers"] = json!(["no_food_or_shelter"]);
    assert_eq!(
        operator.post_json("/api/v1/cases", &alone).await.json()["priority"],
        "P2"
    );
    let mut lower = wages.clone();
    lower["priority"] = json!("P4");
    assert_eq!(
        operator.post_json("/api/v1/cases", &lower).await.json()["priority"],
        "P3"
    );
    let mut higher = wages.clone();
    higher["priority"] = json!("P2");
    assert_eq!(
        operator.post_json("/api/v1/cases", &higher).await.json()["priority"],
        "P2"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM cases WHERE supervisor_alerted_at IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn bad_cases_are_refused_and_scope_is_enforced() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let id = person(&mut operator, "UZ-SA", 42).await;
    let count = || app.count("SELECT COUNT(*) AS n FROM cases");
    for (field, value) in [
        ("category", json!("XYZ")),
        ("channel", json!("pigeon")),
        ("country", json!("UZ")),
        ("indicators", json!(["bad_weather"])),
        ("summary", json!("")),
        ("priority", json!("P9")),
    ] {
        let mut body = json!({"person_id": id, "category": "EMP", "channel": "phone", "country": "RU",
                              "summary": "Unpaid wages."});
        body[field] = value;
        let res = operator
            .with_header("accept-language", "en")
            .post_json("/api/v1/cases", &body)
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        operator = app.token_client(Role::Operator).await;
    }
    assert_eq!(count().await, 0);
    let body = json!({"person_id": id, "category": "EMP", "channel": "phone", "country": "RU", "summary": "Unpaid."});
    let res = operator.post_json("/api/v1/cases", &body).await;
    let case_id = res.json()["id"].as_str().unwrap().to_string();

    // A regional officer of another region neither opens nor reads it; a citizen and an
    // analyst have no cases at all.
    let mut khorezm = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-XO")
        .await;
    assert_eq!(
        khorezm.post_json("/api/v1/cases", &body).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        khorezm
            .get(&format!("/api/v1/cases/{case_id}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut samarkand = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-SA")
        .await;
    assert_eq!(
        samarkand
            .get(&format!("/api/v1/cases/{case_id}"))
            .await
            .status,
        StatusCode::OK
    );
    for role in [Role::Citizen, Role::Analyst] {
        let mut c = app.signed_in(role).await;
        assert_eq!(
            c.post_json("/api/v1/cases", &body).await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(count().await, 1);
    assert_eq!(
        operator.get("/api/v1/cases/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_case_is_worked_to_closure_with_an_outcome_and_reopened_within_30_days() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let id = person(&mut operator, "UZ-TK", 43).await;
    let body = json!({"person_id": id, "category": "EMP", "channel": "telegram", "country": "RU",
                      "summary": "Wages unpaid since September."});
    let case = operator.post_json("/api/v1/cases", &body).await.json();
    let case_id = case["id"].as_str().unwrap();
    let step = |action: &str| format!("/api/v1/cases/{case_id}/actions/{action}");
    let res = operator.post_json(&step("close"), &json!({})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "a new case is not closed");
    for action in ["assign", "start", "refer", "resolve"] {
        let res = operator
            .post_json(&step(action), &json!({"note": format!("{action} done")}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    // Closure needs an outcome, and money recovered needs its amount.
    let res = operator.post_json(&step("close"), &json!({})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = operator
        .post_json(&step("close"), &json!({"outcome": "resolved_money"}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = operator
        .post_json(
            &step("close"),
            &json!({"outcome": "resolved_money", "amount_recovered": 90000, "currency": "rub", "satisfaction": 5}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let closed = res.json();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["amount_recovered"], 90000);
    assert_eq!(closed["currency"], "RUB");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM case_events").await, 5);
    assert_eq!(app.audit_count("case.close").await, 1);
    let queue = operator.get("/api/v1/cases").await.json();
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != case_id)
    );

    // Reopened within 30 days; after that a new case is needed.
    let res = operator
        .post_json(
            &step("reopen"),
            &json!({"note": "employer stopped paying again"}),
        )
        .await;
    assert_eq!(res.json()["status"], "in_progress");
    operator.post_json(&step("resolve"), &json!({})).await;
    app.clock.advance(31 * 24 * 3600 * 1000);
    let res = operator.post_json(&step("reopen"), &json!({})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
}

#[tokio::test]
async fn an_operator_opens_and_works_a_case_from_the_pages() {
    let app = TestApp::new().await;
    let mut api = app.token_client(Role::Operator).await;
    let id = person(&mut api, "UZ-SA", 44).await;
    let mut operator = app
        .signed_in(Role::Operator)
        .await
        .with_header("accept-language", "en");
    let record = operator.get(&format!("/people/{id}?purpose=case")).await;
    assert!(
        record.body.contains(&format!("/cases/new?person={id}")),
        "{}",
        record.status
    );
    let form = operator.get(&format!("/cases/new?person={id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Retention") || form.body.contains("Identity documents kept"));
    let empty = operator
        .post_form("/cases", &[("person_id", id.as_str())])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Choose a case category."));
    let res = operator
        .post_form(
            "/cases",
            &[
                ("person_id", id.as_str()),
                ("category", "DOC"),
                ("channel", "whatsapp"),
                ("caller_role", "family"),
                ("country", "TR"),
                ("city", "Istanbul"),
                ("summary", "<b>Employer keeps his passport</b>"),
                ("indicator", "retention_of_identity_documents"),
                ("indicator", "isolation"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = res.location().to_string();
    let page = operator.get(&path).await;
    assert!(page.body.contains("P1") && page.body.contains("Supervisors were alerted"));
    assert!(page.body.contains("Employer keeps his passport"));
    assert!(!page.body.contains("<b>Employer"), "the summary is escaped");
    let queue = operator.get("/cases").await;
    assert!(queue.body.contains(&path));
    let res = operator
        .post_form(
            &format!("{path}/actions/start"),
            &[("note", "Called back.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = operator
        .post_form(&format!("{path}/actions/close"), &[("note", "")])
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not from in progress"
    );
}

#[tokio::test]
async fn overdue_cases_are_escalated_once_even_by_two_servers_at_once() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let id = person(&mut operator, "UZ-SA", 45).await;
    let mut ids = vec![];
    for (category, indicators) in [
        ("INF", json!([])),
        ("EMP", json!([])),
        ("EMP", json!(["deception"])),
    ] {
        let body = json!({"person_id": id, "category": category, "channel": "phone", "country": "KZ",
                          "summary": "A call.", "indicators": indicators});
        ids.push(operator.post_json("/api/v1/cases", &body).await.json()["id"].clone());
    }
    // Two hours later only the P1 case is overdue; two workers run the job at once.
    app.clock.advance(2 * 3600 * 1000);
    let (a, b) = tokio::join!(
        safar::cases::service::escalate_overdue(&app.db, &app.clock),
        safar::cases::service::escalate_overdue(&app.db, &app.clock)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "escalated exactly once");
    assert_eq!(app.audit_count("case.sla_breach").await, 1);
    let p1 = operator
        .get(&format!("/api/v1/cases/{}", ids[2].as_str().unwrap()))
        .await
        .json();
    assert_eq!(p1["breached"], true);
    // A week later the P3 and P4 cases are overdue too; running again adds only them.
    app.clock.advance(8 * 24 * 3600 * 1000);
    let n = safar::cases::service::escalate_overdue(&app.db, &app.clock)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        safar::cases::service::escalate_overdue(&app.db, &app.clock)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM case_events WHERE action = 'sla_breach'")
            .await,
        3
    );
}
