//! Complaints against licensed recruiters: recording with the taxonomy, the state machine,
//! the 30-day deadline, and sanctions that move the licence (all or nothing) and show on
//! the public check.

use http::StatusCode;
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

fn day(offset: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(offset)).to_string()
}

async fn licensed(officer: &mut Client, name: &str, stir: &str) -> String {
    let res = officer
        .post_json(
            "/api/v1/recruiters",
            &json!({"name": name, "stir": stir, "region": "UZ-TK", "kind": "local_agency"}),
        )
        .await;
    let id = res.json()["id"].as_str().unwrap().to_string();
    for (action, body) in [
        ("apply", json!({})),
        (
            "grant",
            json!({"valid_from": day(-10), "valid_to": day(300)}),
        ),
    ] {
        let res = officer
            .post_json(&format!("/api/v1/recruiters/{id}/licence/{action}"), &body)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    id
}

async fn file(officer: &mut Client, recruiter: &str, code: &str) -> String {
    let res = officer
        .post_json(
            "/api/v1/complaints",
            &json!({"recruiter_id": recruiter, "type": code,
                    "description": "They took 800 dollars for a visa that never came."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

async fn step(officer: &mut Client, id: &str, action: &str, body: Value) -> (StatusCode, Value) {
    let res = officer
        .post_json(&format!("/api/v1/complaints/{id}/{action}"), &body)
        .await;
    let json = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res.status, json)
}

#[tokio::test]
async fn complaints_are_recorded_with_a_type_and_a_deadline_by_licensing_officers_only() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed(
        &mut officer,
        "Kelajak Safar xususiy bandlik agentligi",
        "311111111",
    )
    .await;
    for (body, field) in [
        (
            json!({"recruiter_id": agency, "type": "RC99", "description": "Something happened here."}),
            "type",
        ),
        (
            json!({"recruiter_id": agency, "type": "RC01", "description": "short"}),
            "description",
        ),
        (
            json!({"recruiter_id": "nope", "type": "RC01", "description": "Something happened here."}),
            "recruiter_id",
        ),
        (
            json!({"recruiter_id": agency, "type": "RC01", "description": "Something happened here.", "person_id": "nobody"}),
            "person_id",
        ),
    ] {
        let res = officer.post_json("/api/v1/complaints", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(res.body.contains(field), "{}", res.body);
    }
    for role in [Role::Operator, Role::RecruiterStaff, Role::Citizen] {
        let mut other = app.signed_in(role).await;
        let res = other
            .post_json("/api/v1/complaints", &json!({"recruiter_id": agency, "type": "RC01", "description": "Something happened here."}))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(
            other.get("/api/v1/complaints").await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM complaints").await, 0);

    let id = file(&mut officer, &agency, "rc04").await;
    let c = officer
        .get(&format!("/api/v1/complaints/{id}"))
        .await
        .json();
    assert_eq!(
        (
            c["type"].as_str(),
            c["severity"].as_str(),
            c["state"].as_str()
        ),
        (Some("RC04"), Some("critical"), Some("received"))
    );
    let due = c["due_at_ms"].as_i64().unwrap() - c["received_at_ms"].as_i64().unwrap();
    assert_eq!(due, 30 * 24 * 3600 * 1000, "30 days to reach a finding");
    assert_eq!(c["overdue"], false);
    assert_eq!(app.audit_count("complaint.file").await, 1);

    // Received 31 days ago and still open: overdue on the list and the queue.
    sqlx::query("UPDATE complaints SET received_at = received_at - $1, due_at = due_at - $1")
        .bind(31_i64 * 24 * 3600 * 1000)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let open = officer.get("/api/v1/complaints").await.json();
    assert_eq!(open["items"][0]["overdue"], true);
    let queue = officer.get("/recruiters/queue?lang=en").await;
    assert!(
        queue.body.contains("overdue: 1"),
        "the queue shows the missed deadline"
    );
}

#[tokio::test]
async fn a_substantiated_complaint_sanctions_the_licence_in_the_same_transaction() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed(
        &mut officer,
        "Ziyo Karvon xususiy bandlik agentligi",
        "312222222",
    )
    .await;
    let id = file(&mut officer, &agency, "RC01").await;
    assert_eq!(
        step(
            &mut officer,
            &id,
            "sanction",
            json!({"sanction": "warning"})
        )
        .await
        .0,
        StatusCode::CONFLICT,
        "not before a finding"
    );
    assert_eq!(
        step(&mut officer, &id, "substantiate", json!({})).await.0,
        StatusCode::CONFLICT,
        "investigate first"
    );
    assert_eq!(
        step(&mut officer, &id, "bribe", json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        step(&mut officer, &id, "investigate", json!({})).await.0,
        StatusCode::OK
    );
    let (status, c) = step(
        &mut officer,
        &id,
        "substantiate",
        json!({"note": "receipts confirm it"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        c["resolved_at_ms"].is_i64(),
        "the finding's date is kept for the scorecard"
    );
    let (status, _) = step(&mut officer, &id, "sanction", json!({"sanction": "fine"})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a fine needs its amount"
    );
    let (status, c) = step(
        &mut officer,
        &id,
        "sanction",
        json!({"sanction": "suspension", "note": "fees charged"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["state"].as_str(), c["sanction"].as_str()),
        (Some("sanctioned"), Some("suspension"))
    );
    let record = officer
        .get(&format!("/api/v1/recruiters/{agency}"))
        .await
        .json();
    assert_eq!(
        record["licence"]["state"], "suspended",
        "the sanction moved the licence"
    );
    assert!(
        record["history"]
            .to_string()
            .contains("complaint RC01 substantiated")
    );

    // A revocation through a second complaint; then a third cannot revoke twice.
    let second = file(&mut officer, &agency, "RC04").await;
    for action in ["investigate", "substantiate"] {
        step(&mut officer, &second, action, json!({})).await;
    }
    let (status, _) = step(
        &mut officer,
        &second,
        "sanction",
        json!({"sanction": "revocation"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let third = file(&mut officer, &agency, "RC08").await;
    for action in ["investigate", "substantiate"] {
        step(&mut officer, &third, action, json!({})).await;
    }
    let (status, _) = step(
        &mut officer,
        &third,
        "sanction",
        json!({"sanction": "revocation"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the licence is already revoked"
    );
    let unchanged = officer
        .get(&format!("/api/v1/complaints/{third}"))
        .await
        .json();
    assert_eq!(
        unchanged["state"], "substantiated",
        "all or nothing: the complaint did not move either"
    );
    let (status, _) = step(
        &mut officer,
        &third,
        "sanction",
        json!({"sanction": "fine", "fine_amount": 5_000_000}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let check = app
        .client()
        .get("/api/v1/public/recruiters?q=312222222")
        .await
        .json();
    let sanctions = check["items"][0]["sanctions"].to_string();
    for expected in ["suspended", "revoked", "fine", "RC08"] {
        assert!(sanctions.contains(expected), "{expected} in {sanctions}");
    }
    assert_eq!(app.audit_count("complaint.sanction").await, 3);
}

#[tokio::test]
async fn officers_work_complaints_from_the_pages() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed(
        &mut officer,
        "Tayanch Ish xususiy bandlik agentligi",
        "313333333",
    )
    .await;
    let form = officer
        .get(&format!("/complaints/new?recruiter={agency}&lang=ru"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Удержание паспортов"));
    let res = officer
        .post_form(
            "/complaints?lang=en",
            &[
                ("recruiter_id", &agency),
                ("type", ""),
                ("description", "<b>kept my passport</b> for two months"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("kept my passport") && !res.body.contains("<b>kept"));
    let res = officer
        .post_form(
            "/complaints",
            &[
                ("recruiter_id", &agency),
                ("type", "RC04"),
                ("description", "<b>kept my passport</b> for two months"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let path = res.location().to_string();
    let page = officer.get(&format!("{path}?lang=en")).await;
    assert!(page.body.contains("Start the investigation"));
    let res = officer
        .post_form(
            &format!("{path}/investigate"),
            &[("note", "called the agency")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = officer
        .post_form(&format!("{path}/close?lang=en"), &[])
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not closed before a finding"
    );
    assert!(res.body.contains("not possible"));
    let list = officer.get("/complaints?lang=en").await;
    assert!(list.body.contains("Being investigated") && list.body.contains("Tayanch Ish"));
}
