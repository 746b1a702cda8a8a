//! Consent, legal holds and the citizen's rights: profile, download, anonymisation.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::people::privacy;
use safar::platform::access::Role;
use serde_json::json;

use crate::support::{Client, TestApp};

/// A citizen who completed their profile through the page; returns (client, person id).
async fn citizen_with_profile(app: &TestApp, tail: u32) -> (Client, String) {
    let mut c = app.signed_in(Role::Citizen).await;
    let empty = c.get("/account/profile").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains(r#"action="/account/profile""#),
        "asks to complete the profile"
    );
    let pin = Pinfl::generate(parse_date("1996-06-06").unwrap(), Gender::Female, tail);
    let form = [
        ("family_name", "Saidova"),
        ("given_name", "Nilufar"),
        ("birth_date", "1996-06-06"),
        ("gender", "female"),
        ("pinfl", pin.as_str()),
        ("region", "UZ-SA"),
        ("phone", "97 123 00 11"),
    ];
    let res = c.post_form("/account/profile", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/account/profile").await;
    let id = page
        .body
        .split("/api/v1/persons/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    (c, id)
}

#[tokio::test]
async fn citizens_give_and_withdraw_consent_per_purpose() {
    let app = TestApp::new().await;
    let (mut c, id) = citizen_with_profile(&app, 1).await;
    assert!(
        !privacy::allows(&app.db, &id, "job_matching", "")
            .await
            .unwrap()
    );
    assert_eq!(
        c.post_form("/account/consents", &[("purpose", "job_matching")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        privacy::allows(&app.db, &id, "job_matching", "")
            .await
            .unwrap()
    );
    let list = c
        .get(&format!("/api/v1/persons/{id}/consents"))
        .await
        .json();
    assert_eq!(list[0]["purpose"], "job_matching");
    assert_eq!(list[0]["channel"], "web");
    assert_eq!(list[0]["text_version"], privacy::TEXT_VERSION);
    let sharing = c
        .post_json(
            &format!("/api/v1/persons/{id}/consents"),
            &json!({ "purpose": "partner_sharing" }),
        )
        .await;
    assert_eq!(
        sharing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a partner must be named"
    );
    let named = c
        .post_json(
            &format!("/api/v1/persons/{id}/consents"),
            &json!({ "purpose": "partner_sharing", "partner": "Samarqand reintegration centre" }),
        )
        .await;
    assert_eq!(named.status, StatusCode::CREATED);
    assert!(
        privacy::allows(
            &app.db,
            &id,
            "partner_sharing",
            "Samarqand reintegration centre"
        )
        .await
        .unwrap()
    );
    assert!(
        !privacy::allows(&app.db, &id, "partner_sharing", "Another NGO")
            .await
            .unwrap(),
        "only the named partner"
    );
    let consent_id = list[0]["id"].as_str().unwrap();
    assert_eq!(
        c.post_form(&format!("/account/consents/{consent_id}/withdraw"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !privacy::allows(&app.db, &id, "job_matching", "")
            .await
            .unwrap(),
        "withdrawn"
    );
    let list = c
        .get(&format!("/api/v1/persons/{id}/consents"))
        .await
        .json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|c| c["purpose"] == "job_matching" && c["withdrawn_at_ms"].is_i64()),
        "history kept"
    );
    assert_eq!(app.audit_count("consent.give").await, 2);
    assert_eq!(app.audit_count("consent.withdraw").await, 1);
}

#[tokio::test]
async fn staff_record_consent_given_by_phone_within_their_scope_only() {
    let app = TestApp::new().await;
    let (_, id) = citizen_with_profile(&app, 2).await;
    let mut op = app.token_client(Role::Operator).await;
    let res = op
        .post_json(
            &format!("/api/v1/persons/{id}/consents"),
            &json!({ "purpose": "registry", "channel": "phone" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let again = op
        .post_json(
            &format!("/api/v1/persons/{id}/consents"),
            &json!({ "purpose": "registry", "channel": "phone" }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mut andijan = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-AN")
        .await;
    assert_eq!(
        andijan
            .post_json(
                &format!("/api/v1/persons/{id}/consents"),
                &json!({ "purpose": "research" })
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut analyst = app.signed_in(Role::Analyst).await;
    assert_eq!(
        analyst
            .get(&format!("/api/v1/persons/{id}/consents"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = op
        .post_json(
            &format!("/api/v1/persons/{id}/consents"),
            &json!({ "purpose": "marketing", "channel": "pigeon" }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_legal_hold_refuses_anonymisation_with_its_reason_until_released() {
    let app = TestApp::new().await;
    let (mut c, id) = citizen_with_profile(&app, 3).await;
    let mut sup = app.token_client(Role::Supervisor).await;
    let mut op = app.token_client(Role::Operator).await;
    assert_eq!(
        op.post_json(
            &format!("/api/v1/persons/{id}/holds"),
            &json!({ "reason": "x" })
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let hold = sup
        .post_json(
            &format!("/api/v1/persons/{id}/holds"),
            &json!({ "reason": "Open complaint C-2026-0042" }),
        )
        .await;
    assert_eq!(hold.status, StatusCode::CREATED);
    let hold_id = hold.json()["id"].as_str().unwrap().to_string();

    let refused = c.post_form("/account/forget?lang=en", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Open complaint C-2026-0042"),
        "the reason is shown"
    );
    assert!(refused.body.contains("cannot be deleted yet"));
    let api = c
        .post_json(&format!("/api/v1/persons/{id}/anonymise"), &json!({}))
        .await;
    assert_eq!(api.status, StatusCode::CONFLICT);
    assert_eq!(
        api.json()["Refused"]["holds"][0]["reason"],
        "Open complaint C-2026-0042"
    );
    assert_eq!(app.audit_count("person.anonymise_refused").await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM persons WHERE anonymised_at IS NOT NULL")
            .await,
        0
    );

    let mut stranger = app.signed_in(Role::Citizen).await;
    assert_eq!(
        stranger
            .post_json(&format!("/api/v1/persons/{id}/anonymise"), &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        sup.post_json(
            &format!("/api/v1/persons/{id}/holds/{hold_id}/release"),
            &json!({})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let keys_before = app.count("SELECT COUNT(*) FROM name_keys").await;
    let done = c.post_form("/account/forget", &[]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(
        c.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "signed out: the account is gone"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM persons WHERE anonymised_at IS NOT NULL AND family_name = '' AND user_id IS NULL").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM person_phones").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM persons WHERE region_iso = 'UZ-SA' AND birth_year = 1996")
            .await,
        1,
        "aggregates still count them"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM name_keys").await < keys_before,
        "names left the dictionary"
    );
    let found = op.get("/api/v1/persons?q=Saidova").await.json();
    assert!(found["items"].as_array().unwrap().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE status = 'disabled' AND email IS NULL AND phone IS NULL").await, 1);
    assert_eq!(app.audit_count("person.anonymise").await, 1);
    assert!(matches!(
        safar::platform::audit::verify(&app.db).await.unwrap(),
        safar::platform::audit::Verdict::Intact { .. }
    ));
}
