//! The work around a case: the partner registry, referrals that only their partner sees
//! (never another partner's, never internal notes), the partner's steps, notes, and
//! break-the-glass with its three-hour expiry, audit and the supervisors' list.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

/// A Samarkand person with an EMP case in progress; returns the case id.
async fn case_in_progress(app: &TestApp, operator: &mut Client, tail: u32) -> String {
    let pin = Pinfl::generate(parse_date("1991-04-05").unwrap(), Gender::Female, tail);
    let person = operator
        .post_json(
            "/api/v1/persons",
            &json!({"given_name": "Dilnoza", "family_name": "Karimova", "birth_date": "1991-04-05",
                    "gender": "female", "pinfl": pin.as_str(), "region": "UZ-SA"}),
        )
        .await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.body);
    let body = json!({"person_id": person.json()["id"], "category": "EMP", "channel": "phone",
                      "country": "RU", "city": "Kazan", "summary": "Employer owes three months of wages; internal detail."});
    let case = operator.post_json("/api/v1/cases", &body).await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.body);
    let id = case.json()["id"].as_str().unwrap().to_string();
    let res = operator
        .post_json(&format!("/api/v1/cases/{id}/actions/start"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let _ = app;
    id
}

async fn add_partner(supervisor: &mut Client, name: &str, country: &str) -> String {
    let res = supervisor
        .post_json(
            "/api/v1/partners",
            &json!({"name": name, "kind": "consulate", "country": country, "contact": "+7 495 000 00 00"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_partner_sees_only_its_own_referrals_and_never_internal_notes() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let mut supervisor = app.token_client(Role::Supervisor).await;
    let moscow = add_partner(&mut supervisor, "Consulate in Moscow", "RU").await;
    let almaty = add_partner(&mut supervisor, "Consulate in Almaty", "KZ").await;
    // The registry refuses a duplicate name, an unknown kind, and operators adding to it.
    let dup = supervisor
        .post_json(
            "/api/v1/partners",
            &json!({"name": "Consulate in Moscow", "kind": "spy", "country": "RU", "contact": ""}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    let by_operator = operator
        .post_json(
            "/api/v1/partners",
            &json!({"name": "X", "kind": "iom", "country": "UZ", "contact": ""}),
        )
        .await;
    assert_eq!(by_operator.status, StatusCode::FORBIDDEN);

    let case = case_in_progress(&app, &mut operator, 51).await;
    let note = operator
        .post_json(
            &format!("/api/v1/cases/{case}/notes"),
            &json!({"body": "Caller fears the employer; do not call after 20:00."}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert_eq!(note.json()["visibility"], "internal");
    let referral = operator
        .post_json(
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({"partner_id": moscow, "request": "Please contact the employer about the wages."}),
        )
        .await;
    assert_eq!(referral.status, StatusCode::CREATED, "{}", referral.body);
    let referral_id = referral.json()["id"].as_str().unwrap().to_string();
    assert_eq!(referral.json()["status"], "sent");
    assert_eq!(referral.json()["identity_shared"], false);
    let read = operator.get(&format!("/api/v1/cases/{case}")).await;
    assert_eq!(read.json()["status"], "referred");
    // A second partner on the same case; the case stays referred.
    let second = operator
        .post_json(
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({"partner_id": almaty, "request": "Check whether the employer has an office in Almaty.", "share_identity": true}),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    assert_eq!(second.json()["identity_shared"], true);
    assert_eq!(app.audit_count("consent.give").await, 1);

    let mut in_moscow = app
        .signed_in_scoped(Role::Partner, &format!("partner:{moscow}"))
        .await;
    let mut in_almaty = app
        .signed_in_scoped(Role::Partner, &format!("partner:{almaty}"))
        .await;
    let inbox = in_moscow.get("/api/v1/referrals").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert_eq!(ids(&inbox.json()), vec![referral_id.clone()]);
    assert_eq!(
        ids(&in_almaty.get("/api/v1/referrals").await.json()).len(),
        1
    );
    // Almaty never opens Moscow's referral, nor acts on it, nor reads the case.
    assert_eq!(
        in_almaty
            .get(&format!("/api/v1/referrals/{referral_id}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        in_almaty
            .post_json(
                &format!("/api/v1/referrals/{referral_id}/actions/accept"),
                &json!({})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        in_almaty.get(&format!("/api/v1/cases/{case}")).await.status,
        StatusCode::FORBIDDEN
    );
    // Moscow sees the request, not the summary, the notes, nor the name (no consent).
    let seen = in_moscow
        .get(&format!("/api/v1/referrals/{referral_id}"))
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("internal detail"), "{}", seen.body);
    assert!(!seen.body.contains("20:00"), "{}", seen.body);
    assert!(!seen.body.contains("Karimova"), "{}", seen.body);
    assert_eq!(seen.json()["person_name"], Value::Null);
    let page = in_moscow.get(&format!("/referrals/{referral_id}")).await;
    assert!(!page.body.contains("20:00") && !page.body.contains("Karimova"));
    // Almaty's person_name is there: consent was recorded with the referral.
    let almaty_id = second.json()["id"].as_str().unwrap().to_string();
    let named = in_almaty
        .get(&format!("/api/v1/referrals/{almaty_id}"))
        .await;
    assert!(
        named.json()["person_name"]
            .as_str()
            .unwrap()
            .contains("Karimova")
    );
    assert_eq!(app.audit_count("referral.read").await, 3);

    // Moscow accepts, reports, finishes; an update needs a note; no step out of order.
    let act = |action: &str| format!("/api/v1/referrals/{referral_id}/actions/{action}");
    assert_eq!(
        in_moscow.post_json(&act("done"), &json!({})).await.status,
        StatusCode::CONFLICT
    );
    let accepted = in_moscow
        .post_json(&act("accept"), &json!({"note": "Officer assigned."}))
        .await;
    assert_eq!(accepted.json()["status"], "accepted");
    assert_eq!(
        in_moscow
            .post_json(&act("update"), &json!({"note": ""}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    in_moscow
        .post_json(
            &act("update"),
            &json!({"note": "Employer agreed to pay 40,000 RUB."}),
        )
        .await;
    let done = in_moscow.post_json(&act("done"), &json!({})).await;
    assert_eq!(done.json()["status"], "done");
    assert_eq!(app.audit_count("referral.accept").await, 1);
    // The operator sees the partner's updates with the case.
    let work = operator.get(&format!("/api/v1/cases/{case}/work")).await;
    assert_eq!(work.status, StatusCode::OK);
    assert!(
        work.body.contains("Employer agreed to pay"),
        "{}",
        work.body
    );
    assert_eq!(work.json()["notes"].as_array().unwrap().len(), 1);
    // Journey 3 ends with the case resolved and closed with the money recovered.
    for (action, body) in [
        ("resolve", json!({"note": "Employer paid."})),
        (
            "close",
            json!({"outcome": "resolved_money", "amount_recovered": 40000, "currency": "RUB", "satisfaction": 5}),
        ),
    ] {
        let res = operator
            .post_json(&format!("/api/v1/cases/{case}/actions/{action}"), &body)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    let closed = operator.get(&format!("/api/v1/cases/{case}")).await.json();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["amount_recovered"], 40000);
    // Partners have no case or partner-registry routes at all.
    assert_eq!(
        in_moscow.get("/api/v1/partners").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        in_moscow.get("/api/v1/cases").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_referral_needs_a_known_partner_and_a_case_in_progress() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let mut supervisor = app.token_client(Role::Supervisor).await;
    let partner = add_partner(&mut supervisor, "Consulate in Istanbul", "TR").await;
    let case = case_in_progress(&app, &mut operator, 52).await;
    let unknown = operator
        .post_json(
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({"partner_id": "nope", "request": "Help."}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    operator
        .post_json(&format!("/api/v1/cases/{case}/actions/resolve"), &json!({}))
        .await;
    let resolved = operator
        .post_json(
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({"partner_id": partner, "request": "Help."}),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::CONFLICT);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM referrals").await, 0);
}

#[tokio::test]
async fn breaking_the_glass_opens_a_case_for_three_hours_with_an_audited_reason() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let case = case_in_progress(&app, &mut operator, 53).await;
    let (email, password) = app.user(Role::RegionalOfficer, "region:UZ-XO").await;
    let login = |mut client: Client| {
        let (email, password) = (email.clone(), password.clone());
        async move {
            let res = client
                .post_form("/login", &[("email", &email), ("password", &password)])
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER);
            client
        }
    };
    let mut khorezm = login(app.client()).await;
    let path = format!("/api/v1/cases/{case}");
    assert_eq!(khorezm.get(&path).await.status, StatusCode::FORBIDDEN);
    // The page offers the glass; a short reason is refused and changes nothing.
    let page = khorezm.get(&format!("/cases/{case}")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("break-glass"), "{}", page.body);
    let glass = format!("/api/v1/cases/{case}/break-glass");
    let short = khorezm
        .post_json(&glass, &json!({"reason": "urgent"}))
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(khorezm.get(&path).await.status, StatusCode::FORBIDDEN);
    let reason = "Caller on the line from Kazan; Samarkand desk unreachable at night.";
    let broke = khorezm.post_json(&glass, &json!({"reason": reason})).await;
    assert_eq!(broke.status, StatusCode::CREATED, "{}", broke.body);
    assert_eq!(khorezm.get(&path).await.status, StatusCode::OK);
    let note = khorezm
        .post_json(
            &format!("/api/v1/cases/{case}/notes"),
            &json!({"body": "Called back from Khorezm."}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED);
    assert_eq!(app.audit_count("case.break_glass").await, 1);
    let audited: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'case.break_glass'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(audited.contains("Samarkand desk unreachable"), "{audited}");
    // An operator in scope gets 409: there is no glass to break.
    assert_eq!(
        operator
            .post_json(&glass, &json!({"reason": reason}))
            .await
            .status,
        StatusCode::CONFLICT
    );

    // Supervisors see the access with its reason; operators do not have the list.
    let mut supervisor = app.token_client(Role::Supervisor).await;
    let list = supervisor.get("/api/v1/supervision").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()["break_glass"][0]["reason"], reason);
    assert_eq!(
        operator.get("/api/v1/supervision").await.status,
        StatusCode::FORBIDDEN
    );
    let page = supervisor.get("/cases/supervision").await;
    assert!(page.body.contains("Samarkand desk unreachable"));

    // Three hours later the access is gone.
    app.clock.advance(3 * 3600 * 1000 + 1000);
    let mut khorezm = login(app.client()).await;
    assert_eq!(khorezm.get(&path).await.status, StatusCode::FORBIDDEN);
}

/// A citizen who completed their profile (so their account is linked to a person in
/// Samarkand); returns (client, person id).
async fn migrant_account(app: &TestApp) -> (Client, String) {
    let mut c = app.signed_in(Role::Citizen).await;
    let pin = Pinfl::generate(parse_date("1993-08-09").unwrap(), Gender::Male, 57);
    let form = [
        ("family_name", "Yusupov"),
        ("given_name", "Sardor"),
        ("birth_date", "1993-08-09"),
        ("gender", "male"),
        ("pinfl", pin.as_str()),
        ("region", "UZ-SA"),
        ("phone", "97 123 00 57"),
    ];
    let res = c.post_form("/account/profile", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/account/profile").await;
    let id = page.body.split("/api/v1/persons/").nth(1).unwrap();
    let id = id.split('/').next().unwrap().to_string();
    (c, id)
}

#[tokio::test]
async fn family_members_follow_a_case_with_the_migrants_consent_and_see_only_public_updates() {
    let app = TestApp::new().await;
    let (mut migrant, person) = migrant_account(&app).await;
    let mut operator = app.token_client(Role::Operator).await;
    let body = json!({"person_id": person, "category": "DOC", "channel": "phone", "country": "TR",
                      "summary": "Passport held by the employer in Istanbul."});
    let case = operator.post_json("/api/v1/cases", &body).await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.body);
    let case = case.json()["id"].as_str().unwrap().to_string();
    for (text, public) in [
        ("Consulate contacted; a new passport can be issued.", true),
        (
            "Employer may be connected to a recruiter under watch.",
            false,
        ),
    ] {
        let res = operator
            .post_json(
                &format!("/api/v1/cases/{case}/notes"),
                &json!({"body": text, "public": public}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED);
    }

    // The migrant lets a parent follow the case from their own account.
    let (parent_login, parent_password) = app.user(Role::Citizen, "").await;
    let followers = format!("/api/v1/cases/{case}/followers");
    let granted = migrant
        .post_json(
            &followers,
            &json!({"login": parent_login, "relation": "parent"}),
        )
        .await;
    assert_eq!(granted.status, StatusCode::CREATED, "{}", granted.body);
    assert_eq!(granted.json()["granted_via"], "migrant");
    assert_eq!(
        migrant
            .post_json(
                &followers,
                &json!({"login": parent_login, "relation": "parent"})
            )
            .await
            .status,
        StatusCode::CONFLICT
    );
    let mut parent = app.client();
    parent
        .post_form(
            "/login",
            &[("email", &parent_login), ("password", &parent_password)],
        )
        .await;
    let list = parent.get("/api/v1/my/cases").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()["items"][0]["relation"], "parent");
    let seen = parent.get(&format!("/api/v1/my/cases/{case}")).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(seen.body.contains("new passport can be issued"));
    assert!(
        !seen.body.contains("recruiter under watch"),
        "internal note leaked"
    );
    assert!(!seen.body.contains("Passport held"), "summary leaked");
    let page = parent.get(&format!("/my/cases/{case}")).await;
    assert!(page.body.contains("new passport can be issued") && !page.body.contains("under watch"));
    // The parent cannot open the case itself, nor add others.
    assert_eq!(
        parent.get(&format!("/api/v1/cases/{case}")).await.status,
        StatusCode::FORBIDDEN
    );
    let (sibling_login, _) = app.user(Role::Citizen, "").await;
    assert_eq!(
        parent
            .post_json(
                &followers,
                &json!({"login": sibling_login, "relation": "sibling"})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A stranger sees nothing.
    let mut stranger = app.signed_in(Role::Citizen).await;
    assert_eq!(
        stranger
            .get(&format!("/api/v1/my/cases/{case}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // An operator adds a sibling only with the migrant's consent recorded.
    let no_consent = operator
        .post_json(
            &followers,
            &json!({"login": sibling_login, "relation": "sibling"}),
        )
        .await;
    assert_eq!(no_consent.status, StatusCode::UNPROCESSABLE_ENTITY);
    let with_consent = operator
        .post_json(
            &followers,
            &json!({"login": sibling_login, "relation": "sibling", "consent": true}),
        )
        .await;
    assert_eq!(with_consent.status, StatusCode::CREATED);
    assert_eq!(with_consent.json()["granted_via"], "operator");
    // Staff accounts cannot be made followers.
    let (staff_login, _) = app.user(Role::Operator, "").await;
    assert_eq!(
        operator
            .post_json(
                &followers,
                &json!({"login": staff_login, "relation": "other", "consent": true})
            )
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.audit_count("case.follower_add").await, 2);

    // The migrant stops the parent's access.
    let id = granted.json()["id"].as_str().unwrap().to_string();
    let revoked = migrant
        .post_json(&format!("{followers}/{id}/revoke"), &json!({}))
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        parent.get(&format!("/api/v1/my/cases/{case}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit_count("case.follower_revoke").await, 1);
}

#[tokio::test]
async fn queues_show_overdue_due_soon_and_own_cases_per_region() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let slow = case_in_progress(&app, &mut operator, 54).await;
    let person = operator.get(&format!("/api/v1/cases/{slow}")).await.json()["person_id"].clone();
    let urgent = operator
        .post_json(
            "/api/v1/cases",
            &json!({"person_id": person, "category": "EMP", "channel": "phone", "country": "RU",
                    "summary": "Locked in a dormitory.", "indicators": ["restriction_of_movement"]}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let queue = |view: &str| format!("/api/v1/cases?view={view}");
    let listed = |res: &crate::support::TestResponse| -> Vec<String> {
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        listed(&operator.get(&queue("soon")).await),
        vec![urgent.clone()]
    );
    assert!(listed(&operator.get(&queue("overdue")).await).is_empty());
    assert_eq!(listed(&operator.get(&queue("all")).await).len(), 2);
    app.clock.advance(2 * 3600 * 1000);
    assert_eq!(
        listed(&operator.get(&queue("overdue")).await),
        vec![urgent.clone()]
    );
    assert!(listed(&operator.get(&queue("mine")).await).is_empty());
    operator
        .post_json(
            &format!("/api/v1/cases/{urgent}/actions/assign"),
            &json!({}),
        )
        .await;
    assert_eq!(
        listed(&operator.get(&queue("mine")).await),
        vec![urgent.clone()]
    );
    assert_eq!(
        operator.get(&queue("bogus")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A regional officer filters within their region only.
    let mut samarkand = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-SA")
        .await;
    let mine = samarkand
        .get("/api/v1/cases?view=overdue&region=UZ-SA")
        .await;
    assert_eq!(listed(&mine), vec![urgent.clone()]);
    assert_eq!(
        samarkand.get("/api/v1/cases?region=UZ-XO").await.status,
        StatusCode::FORBIDDEN
    );
    let page = samarkand.get("/cases?view=overdue").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&urgent));
    // The second open EMP case of the same person warns of the first on its page.
    let case_page = samarkand.get(&format!("/cases/{urgent}")).await;
    assert!(
        case_page
            .body
            .contains(&format!("<a href=\"/cases/{slow}\">")),
        "possible duplicate named"
    );
}

async fn post(client: &mut Client, path: String, bytes: Vec<u8>) -> crate::support::TestResponse {
    client
        .request(
            http::Method::POST,
            &path,
            Some("application/octet-stream"),
            axum::body::Body::from(bytes),
        )
        .await
}

#[tokio::test]
async fn files_on_a_case_are_checked_by_content_and_audited() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let case = case_in_progress(&app, &mut operator, 55).await;
    let upload = |name: &str| format!("/api/v1/cases/{case}/attachments?name={name}");
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let res = post(&mut operator, upload("contract.pdf"), pdf.clone()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["content_type"], "application/pdf");
    let file = res.json()["id"].as_str().unwrap().to_string();
    // A program named .pdf, an empty body and an over-large file are refused.
    let exe = post(
        &mut operator,
        upload("contract.pdf"),
        b"MZ\x90\0 program".to_vec(),
    )
    .await;
    assert_eq!(exe.status, StatusCode::UNPROCESSABLE_ENTITY);
    let empty = post(&mut operator, upload("x.pdf"), vec![]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut big = b"%PDF-".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'a');
    let too_big = post(&mut operator, upload("big.pdf"), big).await;
    assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut huge = b"%PDF-".to_vec();
    huge.resize(7 * 1024 * 1024, b'a');
    let huge = post(&mut operator, upload("huge.pdf"), huge).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM case_attachments")
            .await,
        1
    );

    // The page form works too, and the file comes back as a download under a safe name.
    let mut page_user = app.signed_in(Role::Operator).await;
    let boundary = "----case-file";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pay\\\"slip.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake");
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let form = page_user
        .request(
            http::Method::POST,
            &format!("/cases/{case}/attachments"),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            axum::body::Body::from(body),
        )
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER, "{}", form.body);
    let download = operator
        .get(&format!("/api/v1/cases/{case}/attachments/{file}"))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.raw, pdf);
    assert_eq!(download.header("content-type"), "application/pdf");
    assert_eq!(
        download.header("content-disposition"),
        format!("attachment; filename=\"case-file-{file}.pdf\"")
    );
    // Staff outside the case's scope get neither the file nor the upload.
    let mut khorezm = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-XO")
        .await;
    assert_eq!(
        khorezm
            .get(&format!("/cases/{case}/attachments/{file}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_count("case.attach").await, 2);
    assert_eq!(app.audit_count("case.attachment_read").await, 1);
}

#[tokio::test]
async fn a_case_links_only_to_records_that_exist() {
    let app = TestApp::new().await;
    safar::recruiters::demo::populate(&app.db, &app.clock, 2, false)
        .await
        .unwrap();
    let (recruiter, name): (String, String) =
        sqlx::query_as("SELECT id, name FROM recruiters ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let mut operator = app.token_client(Role::Operator).await;
    let case = case_in_progress(&app, &mut operator, 56).await;
    let links = format!("/api/v1/cases/{case}/links");
    let linked = operator
        .post_json(&links, &json!({"kind": "recruiter", "target": recruiter}))
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
    assert_eq!(linked.json()["label"], name.as_str());
    let again = operator
        .post_json(&links, &json!({"kind": "recruiter", "target": recruiter}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    for bad in [
        json!({"kind": "recruiter", "target": "no-such-agency"}),
        json!({"kind": "vacancy", "target": "UZ-0000"}),
        json!({"kind": "planet", "target": "x"}),
        json!({"kind": "complaint", "target": "x".repeat(100)}),
    ] {
        let res = operator.post_json(&links, &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let work = operator.get(&format!("/api/v1/cases/{case}/work")).await;
    assert_eq!(work.json()["links"][0]["target"], recruiter.as_str());
    let page = operator.get(&format!("/cases/{case}")).await;
    assert!(page.body.contains(&format!("/recruiters/{recruiter}")));
    let mut khorezm = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-XO")
        .await;
    assert_eq!(
        khorezm
            .post_json(&links, &json!({"kind": "recruiter", "target": recruiter}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_count("case.link").await, 1);
}

#[tokio::test]
async fn breaking_the_glass_on_a_person_lets_an_officer_read_them_and_open_a_case() {
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let case = case_in_progress(&app, &mut operator, 58).await;
    let person = operator.get(&format!("/api/v1/cases/{case}")).await.json()["person_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (email, password) = app.user(Role::RegionalOfficer, "region:UZ-XO").await;
    let mut khorezm = app.client();
    khorezm
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    let record = format!("/api/v1/persons/{person}?purpose=case");
    assert_eq!(khorezm.get(&record).await.status, StatusCode::FORBIDDEN);
    let page = khorezm.get(&format!("/people/{person}?purpose=case")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains(&format!("/people/{person}/break-glass")));
    let glass = format!("/api/v1/persons/{person}/break-glass");
    assert_eq!(
        khorezm
            .post_json(&glass, &json!({"reason": "short"}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let reason = "Her brother calls from Urgench; she is stranded in Kazan tonight.";
    let broke = khorezm.post_json(&glass, &json!({"reason": reason})).await;
    assert_eq!(broke.status, StatusCode::CREATED, "{}", broke.body);
    let read = khorezm.get(&record).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(
        read.json()["passport_no"],
        Value::Null,
        "no passport through the glass"
    );
    // The person's cases open too, and a new one can be opened for her.
    assert_eq!(
        khorezm.get(&format!("/api/v1/cases/{case}")).await.status,
        StatusCode::OK
    );
    let opened = khorezm
        .post_json(
            "/api/v1/cases",
            &json!({"person_id": person, "category": "STR", "channel": "phone", "country": "RU",
                    "summary": "Stranded after the employer closed."}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    // Supervisors see it among the accesses, with its reason.
    let mut supervisor = app.token_client(Role::Supervisor).await;
    let list = supervisor.get("/api/v1/supervision").await.json();
    let accesses = list["break_glass"].as_array().unwrap();
    assert!(
        accesses
            .iter()
            .any(|a| a["kind"] == "person" && a["reason"] == reason)
    );
    assert_eq!(app.audit_count("person.break_glass").await, 1);
    // Three hours later it is over.
    app.clock.advance(3 * 3600 * 1000 + 1000);
    let mut khorezm = app.client();
    khorezm
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    assert_eq!(khorezm.get(&record).await.status, StatusCode::FORBIDDEN);
}
