//! Recruiters: the register, the licence state machine through the fixed API, the public
//! check (any script, identifiers, rate limit), expiry by date and by a change of STIR.

use http::StatusCode;
use safar::platform::access::Role;
use safar::platform::config::WebConfig;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

async fn register(officer: &mut Client, name: &str, stir: &str) -> String {
    let res = officer
        .post_json(
            "/api/v1/recruiters",
            &json!({"name": name, "stir": stir, "region": "UZ-TK", "kind": "local_agency"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

async fn act(officer: &mut Client, id: &str, action: &str, body: Value) -> (StatusCode, Value) {
    let res = officer
        .post_json(&format!("/api/v1/recruiters/{id}/licence/{action}"), &body)
        .await;
    let json = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res.status, json)
}

async fn check(client: &mut Client, q: &str) -> Value {
    let path = format!("/api/v1/public/recruiters?q={}", urlencode(q));
    let res = client.get(&path).await;
    assert_eq!(res.status, StatusCode::OK, "{q}: {}", res.body);
    res.json()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn registering_recruiters_is_validated_and_reserved_to_licensing_officers() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::LicensingOfficer).await;
    register(
        &mut officer,
        "Ishonch Yo‘li xususiy bandlik agentligi",
        "301234567",
    )
    .await;
    let duplicate = officer
        .post_json(
            "/api/v1/recruiters",
            &json!({"name": "Other", "stir": "301 234 567", "region": "UZ-TK", "kind": "local_agency"}),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    for (body, field) in [
        (
            json!({"name": "X Agency", "stir": "401234567", "region": "UZ-TK", "kind": "local_agency"}),
            "stir",
        ),
        (
            json!({"name": "X Agency", "stir": "30123", "region": "UZ-TK", "kind": "local_agency"}),
            "stir",
        ),
        (
            json!({"name": "X Agency", "stir": "301234568", "region": "UZ-XX", "kind": "local_agency"}),
            "region",
        ),
        (json!({"name": "X Agency", "kind": "employer"}), "kind"),
        (
            json!({"name": "", "stir": "301234569", "region": "UZ-TK", "kind": "local_agency"}),
            "name",
        ),
        (
            json!({"name": "Farm Ltd", "kind": "foreign_operator", "country": "UZ"}),
            "country",
        ),
        (
            json!({"name": "Farm Ltd", "kind": "foreign_operator", "country": "GB", "host_licence_state": "great"}),
            "host_licence_state",
        ),
    ] {
        let res = officer.post_json("/api/v1/recruiters", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(res.body.contains(field), "{body} → {}", res.body);
    }
    let foreign = officer
        .post_json(
            "/api/v1/recruiters",
            &json!({"name": "Greenfield Growers Ltd", "kind": "foreign_operator", "country": "GB",
                    "host_licence_no": "GLAA-12345", "host_licence_state": "licensed"}),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::CREATED, "{}", foreign.body);
    for role in [
        Role::Operator,
        Role::Admin,
        Role::Citizen,
        Role::RecruiterStaff,
    ] {
        let mut other = app.token_client(role).await;
        let res = other
            .post_json(
                "/api/v1/recruiters",
                &json!({"name": "Y Agency", "stir": "301234570", "region": "UZ-TK", "kind": "local_agency"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM recruiters").await, 2);
    assert_eq!(app.audit_count("recruiter.create").await, 2);
}

#[tokio::test]
async fn the_licence_state_machine_allows_only_its_transitions_and_audits_each() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::LicensingOfficer).await;
    let id = register(&mut officer, "Safar Plus", "302222222").await;
    let (status, _) = act(&mut officer, &id, "grant", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "no application yet");
    let (status, licence) = act(&mut officer, &id, "apply", json!({})).await;
    assert_eq!(
        (status, licence["state"].as_str()),
        (StatusCode::OK, Some("applied"))
    );
    let (status, _) = act(
        &mut officer,
        &id,
        "grant",
        json!({"valid_from": "2026-01-01"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dates are required"
    );
    let (status, _) = act(
        &mut officer,
        &id,
        "grant",
        json!({"valid_from": "2026-01-01", "valid_to": "2025-01-01"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the end comes after the start"
    );
    let (status, licence) = act(
        &mut officer,
        &id,
        "grant",
        json!({"valid_from": "2026-01-01", "valid_to": "2027-12-31"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(licence["state"], "licensed");
    let number = licence["licence_no"].as_str().unwrap().to_string();
    assert!(number.starts_with("PEA-") && number.len() == 10, "{number}");
    let (status, _) = act(&mut officer, &id, "suspend", json!({})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a suspension needs a reason"
    );
    let (status, licence) = act(
        &mut officer,
        &id,
        "suspend",
        json!({"reason": "fees charged to workers"}),
    )
    .await;
    assert_eq!(
        (status, licence["state"].as_str()),
        (StatusCode::OK, Some("suspended"))
    );
    let (status, licence) = act(&mut officer, &id, "grant", json!({})).await;
    assert_eq!(
        (status, licence["state"].as_str()),
        (StatusCode::OK, Some("licensed")),
        "suspension lifted"
    );
    assert_eq!(licence["licence_no"], number.as_str(), "the number stays");
    assert_eq!(licence["valid_to"], "2027-12-31");
    let (status, _) = act(&mut officer, &id, "refuse", json!({"reason": "x"})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "only an application can be refused"
    );
    let (status, licence) = act(
        &mut officer,
        &id,
        "revoke",
        json!({"reason": "court decision"}),
    )
    .await;
    assert_eq!(
        (status, licence["state"].as_str()),
        (StatusCode::OK, Some("revoked"))
    );
    for action in ["grant", "suspend", "revoke", "surrender"] {
        let (status, _) = act(&mut officer, &id, action, json!({"reason": "r"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{action} after revocation");
    }
    let (status, _) = act(&mut officer, &id, "expire", json!({})).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "expiry is the system's, not an officer action"
    );
    let (status, licence) = act(&mut officer, &id, "apply", json!({})).await;
    assert_eq!(
        (status, licence["state"].as_str()),
        (StatusCode::OK, Some("applied")),
        "a new application"
    );
    assert!(licence["licence_no"].is_null());

    let record = officer
        .get(&format!("/api/v1/recruiters/{id}"))
        .await
        .json();
    let actions: Vec<&str> = record["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["apply", "revoke", "grant", "suspend", "grant", "apply"]
    );
    for action in [
        "licence.apply",
        "licence.grant",
        "licence.suspend",
        "licence.revoke",
    ] {
        assert!(app.audit_count(action).await >= 1, "{action} audited");
    }
    let mut operator = app.token_client(Role::Operator).await;
    assert_eq!(
        operator
            .get(&format!("/api/v1/recruiters/{id}"))
            .await
            .status,
        StatusCode::OK,
        "staff may look"
    );
    let (status, _) = act(&mut operator, &id, "apply", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "but not decide");
}

#[tokio::test]
async fn anyone_checks_a_recruiter_by_name_in_any_script_licence_number_or_stir() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::LicensingOfficer).await;
    let id = register(
        &mut officer,
        "Ishonch Yo‘li xususiy bandlik agentligi",
        "303333333",
    )
    .await;
    let mut visitor = app.client();
    assert_eq!(
        check(&mut visitor, "Ishonch").await["items"],
        json!([]),
        "no licence, not listed"
    );
    act(&mut officer, &id, "apply", json!({})).await;
    assert_eq!(
        check(&mut visitor, "Ishonch").await["items"][0]["status"],
        "applied"
    );
    let (_, licence) = act(
        &mut officer,
        &id,
        "grant",
        json!({"valid_from": "2026-01-01", "valid_to": "2027-06-30"}),
    )
    .await;
    let number = licence["licence_no"].as_str().unwrap().to_string();
    for q in [
        "Ишонч Йўли",
        "ishonch yoli",
        "ISHONCH YO'LI",
        "303 333 333",
        number.as_str(),
        &number.to_lowercase(),
    ] {
        let items = check(&mut visitor, q).await["items"].clone();
        assert_eq!(items.as_array().unwrap().len(), 1, "{q}");
        let item = &items[0];
        assert_eq!(item["status"], "licensed", "{q}");
        assert_eq!(item["valid_until"], "2027-06-30");
        assert_eq!(item["licence_no"], number.as_str());
        assert_eq!(item["stir"], "303333333");
        assert_eq!(item["name"], "Ishonch Yo‘li xususiy bandlik agentligi");
    }
    assert_eq!(check(&mut visitor, "Umid Travel").await["items"], json!([]));
    let vague = visitor.get("/api/v1/public/recruiters?q=ag").await;
    assert_eq!(
        vague.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too short to name one agency"
    );
    let legal_form_only = visitor
        .get("/api/v1/public/recruiters?q=xususiy%20bandlik%20agentligi")
        .await;
    assert_eq!(
        legal_form_only.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "never the whole register"
    );

    act(
        &mut officer,
        &id,
        "revoke",
        json!({"reason": "charged workers for visas"}),
    )
    .await;
    let item = check(&mut visitor, "Ishonch").await["items"][0].clone();
    assert_eq!(item["status"], "revoked");
    assert!(
        item["valid_until"].is_null(),
        "no validity shown for a revoked licence"
    );
    assert_eq!(item["sanctions"][0]["state"], "revoked");
    assert_eq!(item["sanctions"][0]["reason"], "charged workers for visas");

    let page = visitor.get("/check?q=Umid%20Travel&lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Not found in the register"),
        "{}",
        page.body
    );
    assert!(page.body.contains("never pays a recruitment fee"));
    let page = visitor
        .get("/check?q=%D0%98%D1%88%D0%BE%D0%BD%D1%87&lang=ru")
        .await;
    assert!(page.body.contains("Лицензия отозвана"), "{}", page.body);
}

#[tokio::test]
async fn public_checks_are_rate_limited_per_address_and_counted_anonymously() {
    let app = TestApp::with_config(WebConfig {
        trust_forwarded_for: true,
        public_lookups_per_minute: 3,
        ..WebConfig::default()
    })
    .await;
    let mut visitor = app.client();
    for _ in 0..3 {
        assert_eq!(
            visitor
                .get("/api/v1/public/recruiters?q=Umid%20Travel")
                .await
                .status,
            StatusCode::OK
        );
    }
    let limited = visitor
        .get("/api/v1/public/recruiters?q=Umid%20Travel")
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("content-type").contains("problem+json"));
    assert_eq!(
        visitor.get("/check?q=Umid%20Travel").await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the page too"
    );
    let mut neighbour = app.client();
    assert_eq!(
        neighbour
            .get("/api/v1/public/recruiters?q=Umid%20Travel")
            .await
            .status,
        StatusCode::OK,
        "per address"
    );
}

#[tokio::test]
async fn licences_expire_after_their_end_date_and_when_the_stir_changes() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::LicensingOfficer).await;
    let old = register(&mut officer, "Eski Yo‘l", "304444444").await;
    act(&mut officer, &old, "apply", json!({})).await;
    act(
        &mut officer,
        &old,
        "grant",
        json!({"valid_from": "2020-01-01", "valid_to": "2021-01-01"}),
    )
    .await;
    let current = register(&mut officer, "Yangi Yo‘l", "305555555").await;
    act(&mut officer, &current, "apply", json!({})).await;
    act(
        &mut officer,
        &current,
        "grant",
        json!({"valid_from": "2026-01-01", "valid_to": "2030-01-01"}),
    )
    .await;

    let expired = safar::recruiters::service::expire_due(&app.db, &app.clock)
        .await
        .unwrap();
    assert_eq!(expired, 1);
    assert_eq!(
        safar::recruiters::service::expire_due(&app.db, &app.clock)
            .await
            .unwrap(),
        0,
        "once"
    );
    let record = officer
        .get(&format!("/api/v1/recruiters/{old}"))
        .await
        .json();
    assert_eq!(record["licence"]["state"], "expired");
    assert_eq!(record["history"][0]["reason"], "end_date_passed");

    // A new STIR is a new legal entity: the licence does not pass to it.
    let res = officer
        .request(
            http::Method::PUT,
            &format!("/api/v1/recruiters/{current}"),
            Some("application/json"),
            axum::body::Body::from(
                json!({"name": "Yangi Yo‘l", "stir": "306666666", "region": "UZ-TK", "kind": "local_agency"}).to_string(),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["licence"]["state"], "expired");
    assert_eq!(res.json()["history"][0]["reason"], "stir_changed");
    assert_eq!(app.audit_count("licence.expire").await, 2);
}

#[tokio::test]
async fn officers_work_from_pages_and_a_queue() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let created = officer
        .post_form(
            "/recruiters",
            &[
                ("kind", "local_agency"),
                ("name", "Baraka Ish"),
                ("stir", "307777777"),
                ("region", "UZ-SA"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let record_path = created.location().to_string();
    let page = officer.get(&record_path).await;
    assert!(
        page.body.contains("/licence/apply"),
        "only the allowed decision is offered"
    );
    assert!(!page.body.contains("/licence/grant"));
    let applied = officer
        .post_form(&format!("{record_path}/licence/apply"), &[])
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER);
    let queue = officer.get("/recruiters/queue?lang=en").await;
    assert!(queue.body.contains("Baraka Ish"), "{}", queue.body);
    let bad = officer
        .post_form(
            &format!("{record_path}/licence/grant"),
            &[("valid_from", "2026-01-01"), ("valid_to", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = officer
        .post_form(
            &format!("{record_path}/licence/suspend"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not allowed now: shown on the page"
    );
    let bad_form = officer
        .post_form(
            "/recruiters",
            &[
                ("kind", "local_agency"),
                ("name", "<script>alert(1)</script>"),
                ("stir", "1"),
            ],
        )
        .await;
    assert_eq!(bad_form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!bad_form.body.contains("<script>alert(1)"), "escaped");
    let mut citizen = app.signed_in(Role::Citizen).await;
    assert_eq!(
        citizen.get("/recruiters").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(citizen.get("/check").await.status, StatusCode::OK);
}

async fn report(client: &mut Client, body: Value) -> StatusCode {
    client
        .post_json("/api/v1/public/reports", &body)
        .await
        .status
}

#[tokio::test]
async fn reports_about_one_intermediary_gather_and_flag_it_on_the_public_check() {
    let app = TestApp::new().await;
    let mut visitor = app.client();
    let first = json!({"intermediary_name": "Tez Viza Servis", "phones": ["90 555 12 34"],
        "fee_paid": 1500, "currency": "USD", "description": "Took money for a Korean visa and vanished."});
    assert_eq!(report(&mut visitor, first).await, StatusCode::CREATED);
    // Another spelling, another script: the same entry.
    let second = json!({"intermediary_name": "Тез Виза Сервис", "phones": [],
        "description": "Asked 2000 dollars for a job in the UK."});
    assert_eq!(report(&mut app.client(), second).await, StatusCode::CREATED);
    assert_eq!(
        check(&mut visitor, "Tez Viza").await["items"],
        json!([]),
        "two reports: not yet"
    );
    // A different name but the same phone: still the same intermediary.
    let third = json!({"intermediary_name": "Jasur aka", "phones": ["+998905551234"],
        "description": "Kept my passport for two weeks."});
    assert_eq!(report(&mut app.client(), third).await, StatusCode::CREATED);
    assert_eq!(app.count("SELECT COUNT(*) FROM watch_entries").await, 1);
    for q in ["Tez Viza", "тез виза", "90 555 12 34"] {
        let items = check(&mut visitor, q).await["items"].clone();
        assert_eq!(items.as_array().map(Vec::len), Some(1), "{q}: {items}");
        assert_eq!(items[0]["status"], "reported", "{q}");
        assert!(items[0]["licence_no"].is_null());
    }
    assert_eq!(app.audit_count("report.create").await, 3);

    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let watch = officer.get("/recruiters/watch?lang=en").await;
    assert_eq!(watch.status, StatusCode::OK);
    assert!(
        watch.body.contains("Tez Viza Servis") && watch.body.contains("+998905551234"),
        "{}",
        watch.body
    );
    let mut operator = app.signed_in(Role::Operator).await;
    assert_eq!(
        operator.get("/recruiters/watch").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_report_needs_who_and_what_and_refuses_files_that_are_not_what_they_claim() {
    let app = TestApp::new().await;
    let mut visitor = app.client();
    for (body, field) in [
        (
            json!({"description": "Something bad happened"}),
            "intermediary_name",
        ),
        (
            json!({"intermediary_name": "X Agency", "description": "short"}),
            "description",
        ),
        (
            json!({"intermediary_name": "X Agency", "phones": ["12"], "description": "Something bad happened"}),
            "phones",
        ),
        (
            json!({"intermediary_name": "X Agency", "fee_paid": 100, "currency": "XYZ", "description": "Something bad happened"}),
            "currency",
        ),
        (
            json!({"intermediary_name": "X Agency", "fee_paid": -5, "currency": "USD", "description": "Something bad happened"}),
            "fee_paid",
        ),
    ] {
        let res = visitor.post_json("/api/v1/public/reports", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(res.body.contains(field), "{body}: {}", res.body);
    }
    let wrong_type = visitor
        .post_json(
            "/api/v1/public/reports",
            &json!({"intermediary_name": ["a"], "description": 5}),
        )
        .await;
    assert!(wrong_type.status.is_client_error());

    let multipart = |file: &[u8]| {
        let boundary = "----report-boundary";
        let mut body = Vec::new();
        for (name, value) in [
            ("intermediary_name", "<script>alert('x')</script> Agency"),
            ("description", "They asked for 500 dollars up front."),
            ("fee_paid", "5 000 000"),
            ("currency", "UZS"),
        ] {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"receipt.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    };
    let (ct, body) = multipart(b"MZ\x90\x00 this is a program, not a photo");
    let res = visitor
        .request(
            http::Method::POST,
            "/report?lang=en",
            Some(&ct),
            axum::body::Body::from(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Only photos"), "{}", res.body);
    assert!(
        res.body.contains("They asked for 500 dollars"),
        "what was typed is kept"
    );
    assert!(!res.body.contains("<script>alert"), "and escaped");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM intermediary_reports").await,
        0
    );

    let (ct, body) = multipart(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake but png-signed");
    let res = visitor
        .request(
            http::Method::POST,
            "/report",
            Some(&ct),
            axum::body::Body::from(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/report/sent");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM report_files WHERE content_type = 'image/png'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM intermediary_reports WHERE fee_paid = 5000000")
            .await,
        1
    );
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let watch = officer.get("/recruiters/watch").await;
    assert!(
        watch.body.contains("&#60;script&#62;alert") && !watch.body.contains("<script>alert"),
        "hostile names are shown escaped"
    );
}

#[tokio::test]
async fn one_address_cannot_flood_the_report_form() {
    let app = TestApp::new().await;
    let mut visitor = app.client();
    let report =
        json!({"intermediary_name": "Flood Agency", "description": "Something bad happened"});
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            visitor
                .post_json("/api/v1/public/reports", &report)
                .await
                .status,
        );
    }
    assert_eq!(statuses[..10], [StatusCode::CREATED; 10]);
    assert_eq!(statuses[10..], [StatusCode::TOO_MANY_REQUESTS; 2]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM intermediary_reports").await,
        10
    );
}

#[tokio::test]
async fn the_public_check_sees_another_servers_change_within_a_second() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::LicensingOfficer).await;
    let id = register(
        &mut officer,
        "Oltin Vodiy xususiy bandlik agentligi",
        "304444444",
    )
    .await;
    act(&mut officer, &id, "apply", json!({})).await;
    let mut visitor = app.client();
    assert_eq!(
        check(&mut visitor, "Oltin Vodiy").await["items"][0]["status"],
        "applied"
    );

    // Another server refuses the application: the database changes and its version moves,
    // but nothing in this process counted a write.
    sqlx::query("UPDATE licences SET state = 'refused' WHERE recruiter_id = $1")
        .bind(&id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE register_versions SET version = version + 1 WHERE id = 1")
        .execute(&app.db.pool)
        .await
        .unwrap();
    // Within the poll interval the snapshot may still say `applied` (other tests' writes in
    // this process can make it look earlier); after it, the change must show.
    app.clock.advance(safar::recruiters::register::POLL_MS + 1);
    assert_eq!(
        check(&mut visitor, "oltin").await["items"][0]["status"],
        "refused",
        "reloaded once the interval passed"
    );
    // This server's own decisions show on the next lookup.
    let (status, _) = act(&mut officer, &id, "apply", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        check(&mut visitor, "304 444 444").await["items"][0]["status"],
        "applied"
    );
}

#[tokio::test]
async fn the_public_check_keeps_answering_from_its_snapshot_when_the_database_is_down() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::LicensingOfficer).await;
    let id = register(
        &mut officer,
        "Sharq Yulduzi xususiy bandlik agentligi",
        "305555555",
    )
    .await;
    act(&mut officer, &id, "apply", json!({})).await;
    let mut visitor = app.client();
    assert_eq!(
        check(&mut visitor, "Sharq Yulduzi").await["items"][0]["status"],
        "applied"
    );
    app.db.pool.close().await;
    app.clock.advance(safar::recruiters::register::POLL_MS + 1);
    assert_eq!(
        check(&mut visitor, "Sharq Yulduzi").await["items"][0]["status"],
        "applied",
        "answered from memory"
    );
}
