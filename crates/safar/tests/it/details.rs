//! Person details: education, skills, languages and sealed household contacts, through the
//! API and the form; who may change them; what anonymisation and key rotation do to them.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

fn new_person(tail: u32, region: &str) -> Value {
    let birth = "1991-07-21";
    json!({
        "given_name": "Sherzod", "family_name": "Qodirov", "birth_date": birth, "gender": "male",
        "pinfl": Pinfl::generate(parse_date(birth).unwrap(), Gender::Male, tail).as_str(),
        "region": region, "phones": [],
    })
}

async fn create(c: &mut Client, body: &Value) -> String {
    let res = c.post_json("/api/v1/persons", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

fn details() -> Value {
    json!({
        "education": "vocational",
        "skills": ["7112", " 7112 ", ""],
        "languages": [{"language": "ru", "level": "B1"}, {"language": "uz", "level": "native"},
                      {"language": "", "level": ""}],
        "household": [{"name": "Gulnora Qodirova", "relation": "spouse", "phone": "90 765 43 21"},
                      {"name": "", "relation": "", "phone": ""}],
    })
}

#[tokio::test]
async fn details_are_given_at_registration_and_replaced_later() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let mut body = new_person(1, "UZ-SA");
    for (k, v) in details().as_object().unwrap() {
        body[k] = v.clone();
    }
    let id = create(&mut op, &body).await;
    let record = op.get(&format!("/api/v1/persons/{id}")).await.json();
    assert_eq!(record["education"], "vocational");
    assert_eq!(
        record["skills"],
        json!(["7112"]),
        "trimmed, once, blanks dropped"
    );
    assert_eq!(
        record["languages"],
        json!([{"language": "ru", "level": "B1"}, {"language": "uz", "level": "native"}])
    );
    assert_eq!(record["household"][0]["phone"], "+998907654321");
    assert_eq!(record["household"].as_array().unwrap().len(), 1);

    let replaced = op
        .put_json(
            &format!("/api/v1/persons/{id}/details"),
            &json!({"education": "bachelor", "skills": ["2512"], "languages": [], "household": []}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    let record = op.get(&format!("/api/v1/persons/{id}")).await.json();
    assert_eq!(record["education"], "bachelor");
    assert_eq!(record["skills"], json!(["2512"]));
    assert_eq!(record["household"], json!([]));
    assert_eq!(app.audit_count("person.details").await, 1);
    let audit: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'person.details'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(
        !audit.contains("2512"),
        "the audit log keeps counts, not values: {audit}"
    );
}

#[tokio::test]
async fn bad_details_are_refused_field_by_field_and_change_nothing() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let id = create(&mut op, &new_person(2, "UZ-SA")).await;
    let cases = [
        (json!({"education": "phd"}), "education"),
        (json!({"skills": ["9999"]}), "skills"),
        (json!({"skills": ["<script>"]}), "skills"),
        (
            json!({"languages": [{"language": "xx", "level": "B1"}]}),
            "languages",
        ),
        (
            json!({"languages": [{"language": "ru", "level": "B9"}]}),
            "languages",
        ),
        (
            json!({"languages": [{"language": "ru", "level": "B1"}, {"language": "ru", "level": "C1"}]}),
            "languages",
        ),
        (
            json!({"household": [{"name": "A", "relation": "boss", "phone": "90 123 45 67"}]}),
            "household",
        ),
        (
            json!({"household": [{"name": "A", "relation": "parent", "phone": "12"}]}),
            "household",
        ),
        (
            json!({"household": [{"name": "", "relation": "parent", "phone": "90 123 45 67"}]}),
            "household",
        ),
        (
            json!({"skills": ["7112","7115","7122","7126","7411","8322","9313","5120","5311","6111","2512"]}),
            "skills",
        ),
    ];
    for (body, field) in cases {
        let res = op
            .put_json(&format!("/api/v1/persons/{id}/details"), &body)
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.body
        );
        assert!(
            res.body.contains(field),
            "{body} names {field}: {}",
            res.body
        );
    }
    let wrong_type = op
        .put_json(
            &format!("/api/v1/persons/{id}/details"),
            &json!({"skills": "7112"}),
        )
        .await;
    assert!(wrong_type.status.is_client_error(), "{}", wrong_type.status);
    assert_eq!(app.audit_count("person.details").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM person_skills").await, 0);
}

#[tokio::test]
async fn only_staff_in_scope_and_the_person_themself_change_details() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let id = create(&mut op, &new_person(3, "UZ-AN")).await;
    let path = format!("/api/v1/persons/{id}/details");
    let body = json!({"education": "master"});
    let mut samarkand = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-SA")
        .await;
    assert_eq!(
        samarkand.put_json(&path, &body).await.status,
        StatusCode::FORBIDDEN
    );
    for role in [Role::Analyst, Role::Trainer, Role::Citizen] {
        let mut other = app.signed_in(role).await;
        assert_eq!(
            other.put_json(&path, &body).await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    assert_eq!(
        app.client().put_json(&path, &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut other_page = app.signed_in(Role::Trainer).await;
    assert_eq!(
        other_page
            .get(&format!("/people/{id}/details"))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "a trainer may view persons but not edit them"
    );
    assert_eq!(app.audit_count("person.details").await, 0);

    // The citizen edits their own, through the form.
    let mut citizen = app.signed_in(Role::Citizen).await;
    let own = create(&mut citizen, &new_person(4, "UZ-AN")).await;
    let form = citizen.get(&format!("/people/{own}/details")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("name=\"contact_phone_1\""),
        "blank rows to add"
    );
    let saved = citizen
        .post_form(
            &format!("/people/{own}/details"),
            &[
                ("education", "general_secondary"),
                ("skill", "7112"),
                ("skill", ""),
                ("language_0", "ko"),
                ("level_0", "A2"),
                ("contact_name_0", "Ona"),
                ("relation_0", "parent"),
                ("contact_phone_0", "8 91 234 56 78"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/account/profile");
    let profile = citizen.get("/account/profile").await;
    assert!(profile.body.contains("+998912345678"), "{}", profile.body);
    let bad = citizen
        .post_form(
            &format!("/people/{own}/details"),
            &[("language_0", "ko"), ("level_0", "Z9")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"ko\" selected"), "input kept");
}

#[tokio::test]
async fn contacts_are_sealed_forgotten_on_anonymisation_and_resealed_on_rotation() {
    let app = TestApp::new().await;
    let mut citizen = app.signed_in(Role::Citizen).await;
    let mut body = new_person(5, "UZ-NW");
    body["household"] =
        json!([{"name": "Zarina Qodirova", "relation": "sibling", "phone": "+998 95 111 22 33"}]);
    let id = create(&mut citizen, &body).await;
    let sealed: Vec<String> = sqlx::query_scalar("SELECT sealed FROM household_contacts")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(sealed.len(), 1);
    assert!(!sealed[0].contains("Zarina") && !sealed[0].contains("951112233"));

    // Rotation re-seals under the new key; the contact still opens.
    let rotated = app.keys.rotated();
    let changed = safar::people::details::reseal_contacts(&app.db, &rotated)
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let opened = safar::people::details::load(&app.db, &rotated, &id)
        .await
        .unwrap();
    assert_eq!(opened.household[0].name, "Zarina Qodirova");
    let again = safar::people::details::reseal_contacts(&app.db, &rotated)
        .await
        .unwrap();
    assert_eq!(again, 0, "nothing left under the old key");

    let res = citizen
        .post_json(&format!("/api/v1/persons/{id}/anonymise"), &json!({}))
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM household_contacts").await,
        0
    );
}

#[tokio::test]
async fn journeys_go_to_any_country_but_home() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let id = create(&mut op, &new_person(6, "UZ-SA")).await;
    let path = format!("/api/v1/persons/{id}/journeys");
    let ok = op
        .post_json(
            &path,
            &json!({"kind": "departure", "date": "2024-04-01", "country": "fr"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    for country in ["UZ", "XX", "EU", ""] {
        let res = op
            .post_json(
                &path,
                &json!({"kind": "departure", "date": "2024-05-01", "country": country}),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{country}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM countries").await, 249);
    let page = app
        .signed_in(Role::Operator)
        .await
        .get(&format!("/people/{id}?purpose=case"))
        .await;
    assert!(
        page.body.contains("Fransiya"),
        "country named in the page language"
    );
}

#[tokio::test]
async fn staff_without_edit_rights_cannot_register_anyone_not_even_as_themselves() {
    let app = TestApp::new().await;
    for role in [
        Role::Admin,
        Role::Analyst,
        Role::Trainer,
        Role::LicensingOfficer,
    ] {
        let mut staff = app.signed_in(role).await;
        let res = staff
            .post_json("/api/v1/persons", &new_person(7, "UZ-SA"))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}: {}", res.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, 0);
}
