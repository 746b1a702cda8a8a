//! Vacancies and applications: the vacancy state machine and who may move it, the
//! employer-pays rule, the public reference check and search, applying with consent, the
//! ranked applicants of one agency only, and a departure that becomes a journey.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

fn day(offset: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(offset)).to_string()
}

/// A local agency with a licence valid from last month for a year; returns its id.
async fn licensed_agency(officer: &mut Client, name: &str, stir: &str) -> String {
    let res = officer
        .post_json(
            "/api/v1/recruiters",
            &json!({"name": name, "stir": stir, "region": "UZ-SA", "kind": "local_agency"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_string();
    for (action, body) in [
        ("apply", json!({})),
        (
            "grant",
            json!({"valid_from": day(-30), "valid_to": day(335)}),
        ),
    ] {
        let res = officer
            .post_json(&format!("/api/v1/recruiters/{id}/licence/{action}"), &body)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    id
}

fn job_order(fee: i64) -> Value {
    json!({
        "channel": "KR-EPS", "employer": "Hanbit Manufacturing Co.", "title": "Assembly line worker",
        "sector": "8211", "positions": 12, "wage": 2100000, "currency": "KRW", "hours_per_week": 40,
        "housing": "Dormitory", "employer_pays": "Air ticket, visa", "worker_fee": fee,
        "language": "ko", "language_level": "A2", "regions": ["UZ-SA"], "deadline": day(30)
    })
}

async fn post(staff: &mut Client, body: &Value) -> String {
    let res = staff.post_json("/api/v1/vacancies", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["reference"].as_str().unwrap().to_string()
}

async fn act(client: &mut Client, reference: &str, action: &str) -> (StatusCode, Value) {
    let res = client
        .post_json(
            &format!("/api/v1/vacancies/{reference}/actions/{action}"),
            &json!({}),
        )
        .await;
    let body = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res.status, body)
}

/// A citizen who completed their profile (region UZ-SA) and recorded skills and Korean.
async fn citizen(app: &TestApp, tail: u32, skill: &str) -> (Client, String) {
    let mut c = app.signed_in(Role::Citizen).await;
    let pin = Pinfl::generate(parse_date("1995-03-04").unwrap(), Gender::Male, tail);
    let form = [
        ("family_name", "Karimov"),
        ("given_name", "Jasur"),
        ("birth_date", "1995-03-04"),
        ("gender", "male"),
        ("pinfl", pin.as_str()),
        ("region", "UZ-SA"),
        ("phone", "90 123 45 67"),
    ];
    let res = c.post_form("/account/profile", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/account/profile").await;
    let id = page.body.split("/api/v1/persons/").nth(1).unwrap();
    let id = id.split('/').next().unwrap().to_string();
    let details = json!({"skills": [skill], "languages": [{"language": "ko", "level": "A2"}]});
    let res = c
        .put_json(&format!("/api/v1/persons/{id}/details"), &details)
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    (c, id)
}

#[tokio::test]
async fn a_vacancy_goes_from_draft_to_departure_with_each_step_taken_by_the_right_person() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Omad Safar xususiy bandlik agentligi",
        "301111111",
    )
    .await;
    let other = licensed_agency(
        &mut officer,
        "Baraka Ish xususiy bandlik agentligi",
        "302222222",
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    let mut rival = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{other}"))
        .await;
    let mut visitor = app.client();

    let reference = post(&mut staff, &job_order(0)).await;
    assert!(reference.starts_with("V-") && reference.len() == 8);
    let public = format!("/api/v1/public/vacancies/{reference}");
    assert_eq!(
        visitor.get(&public).await.status,
        StatusCode::NOT_FOUND,
        "drafts are not public"
    );
    let unknown = visitor.get("/api/v1/public/vacancies/V-ZZZZZZ").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown
            .header("content-type")
            .starts_with("application/problem+json")
    );

    assert_eq!(
        act(&mut staff, &reference, "verify").await.0,
        StatusCode::FORBIDDEN,
        "an agency does not verify itself"
    );
    assert_eq!(
        act(&mut rival, &reference, "publish").await.0,
        StatusCode::FORBIDDEN,
        "nor another agency's vacancy"
    );
    assert_eq!(
        act(&mut staff, &reference, "publish").await.0,
        StatusCode::CONFLICT,
        "not before it is verified"
    );
    let (status, verified) = act(&mut officer, &reference, "verify").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verified["state"], "verified");
    assert_eq!(
        act(&mut officer, &reference, "verify").await.0,
        StatusCode::CONFLICT,
        "once"
    );
    let seen = visitor.get(&public).await.json();
    assert_eq!(
        (seen["status"].as_str(), seen["open"].as_bool()),
        (Some("verified"), Some(false))
    );
    assert_eq!(
        act(&mut staff, &reference, "publish").await.0,
        StatusCode::OK
    );

    let seen = visitor.get(&public).await.json();
    assert_eq!(seen["reference"], reference.as_str());
    assert_eq!(seen["status"], "published");
    assert_eq!(seen["open"], true);
    assert_eq!(seen["recruiter"], "Omad Safar xususiy bandlik agentligi");
    assert_eq!(seen["recruiter_licence_status"], "licensed");
    assert_eq!(
        (seen["country"].as_str(), seen["channel"].as_str()),
        (Some("KR"), Some("KR-EPS"))
    );
    let typed = visitor
        .get(&format!(
            "/api/v1/public/vacancies/{}",
            reference.to_lowercase().replace('-', "%20")
        ))
        .await;
    assert_eq!(
        typed.status,
        StatusCode::OK,
        "a reference typed loosely is still found"
    );

    let (mut applicant, person) = citizen(&app, 101, "8211").await;
    let apply = format!("/api/v1/vacancies/{reference}/applications");
    let refused = applicant.post_json(&apply, &json!({})).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent to job matching comes first"
    );
    assert!(refused.body.contains("consent"));
    let res = applicant.post_json(&apply, &json!({"consent": true})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let application = res.json();
    assert_eq!(
        application["score"], 80,
        "same occupation, Korean A2, recruited from UZ-SA; no PDO certificate yet"
    );
    assert_eq!(application["score_parts"].as_array().unwrap().len(), 4);
    let id = application["id"].as_str().unwrap().to_string();
    assert_eq!(
        applicant
            .post_json(&apply, &json!({"consent": true}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM consents WHERE purpose = 'job_matching' AND withdrawn_at IS NULL"
        )
        .await,
        1
    );

    let (mut weaker, _) = citizen(&app, 102, "7112").await;
    let res = weaker.post_json(&apply, &json!({"consent": true})).await;
    assert_eq!(
        res.json()["score"],
        40,
        "another occupation: language and region only"
    );
    let list = staff.get(&apply).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()["items"][0]["id"], id.as_str());
    assert_eq!(list.json()["items"][0]["name"], "Karimov Jasur");
    assert_eq!(list.json()["items"][1]["score"], 40, "best match first");
    assert_eq!(
        rival.get(&apply).await.status,
        StatusCode::FORBIDDEN,
        "another agency never sees the applicants"
    );
    assert_eq!(applicant.get(&apply).await.status, StatusCode::FORBIDDEN);
    assert!(
        app.audit_count("vacancy.applicants.read").await >= 1,
        "reading applicants is audited"
    );

    let step = |action: &str| format!("/api/v1/applications/{id}/{action}");
    assert_eq!(
        applicant
            .post_json(&step("shortlist"), &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff.post_json(&step("offer"), &json!({})).await.status,
        StatusCode::CONFLICT,
        "no skipping"
    );
    assert_eq!(
        staff.post_json(&step("withdraw"), &json!({})).await.status,
        StatusCode::FORBIDDEN,
        "only the applicant withdraws"
    );
    for action in ["shortlist", "offer", "contract"] {
        let res = staff.post_json(&step(action), &json!({})).await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    assert_eq!(
        rival.post_json(&step("depart"), &json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let res = staff
        .post_json(&step("depart"), &json!({"date": day(0)}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["state"], "departed");
    assert!(
        res.json()["journey_id"].is_string(),
        "the departure is a journey"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM journeys WHERE kind = 'departure' AND country_iso2 = 'KR' AND channel = 'official'").await,
        1
    );
    let status: String = sqlx::query_scalar("SELECT status FROM persons WHERE id = $1")
        .bind(&person)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "abroad");
    assert_eq!(
        staff.post_json(&step("reject"), &json!({})).await.status,
        StatusCode::CONFLICT,
        "departed is final"
    );

    let mine = applicant.get("/api/v1/applications").await.json();
    assert_eq!(mine["items"][0]["state"], "departed");
    assert_eq!(mine["items"][0]["reference"], reference.as_str());
    assert_eq!(app.audit_count("application.depart").await, 1);
    assert_eq!(app.audit_count("vacancy.verify").await, 1);
}

#[tokio::test]
async fn a_vacancy_that_charges_the_worker_cannot_be_verified() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Zafar Karvon xususiy bandlik agentligi",
        "303333333",
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    let reference = post(&mut staff, &job_order(500)).await;
    let mut officer = officer.with_header("accept-language", "en");
    let (status, problem) = act(&mut officer, &reference, "verify").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        problem.to_string().contains("employer"),
        "the reason is said: {problem}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM vacancies WHERE state = 'draft'")
            .await,
        1
    );

    let fixed = staff
        .put_json(&format!("/api/v1/vacancies/{reference}"), &job_order(0))
        .await;
    assert_eq!(fixed.status, StatusCode::NO_CONTENT, "{}", fixed.body);
    assert_eq!(
        act(&mut officer, &reference, "verify").await.0,
        StatusCode::OK
    );
    let again = staff
        .put_json(&format!("/api/v1/vacancies/{reference}"), &job_order(900))
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "what was verified no longer changes"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM vacancies WHERE worker_fee > 0")
            .await,
        0
    );
}

#[tokio::test]
async fn only_a_licensed_agency_posts_and_bad_job_orders_change_nothing() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Nurli Manzil xususiy bandlik agentligi",
        "304444444",
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    for (change, field) in [
        (json!({"channel": "XX-NOPE"}), "channel"),
        (json!({"sector": "0000"}), "sector"),
        (json!({"positions": 0}), "positions"),
        (json!({"currency": "ABC"}), "currency"),
        (json!({"deadline": day(-1)}), "deadline"),
        (json!({"deadline": "31.12.2026"}), "deadline"),
        (json!({"language_level": "Z9"}), "language_level"),
        (json!({"regions": ["UZ-XX"]}), "regions"),
        (json!({"employer": "x".repeat(5000)}), "employer"),
        (json!({"title": "bad\u{0007}title"}), "title"),
    ] {
        let mut body = job_order(0);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = staff.post_json("/api/v1/vacancies", &body).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {}",
            res.body
        );
        assert!(res.body.contains(field), "{change}: {}", res.body);
    }
    let wrong_type = staff
        .post_json(
            "/api/v1/vacancies",
            &json!({"positions": "many", "regions": "UZ-SA"}),
        )
        .await;
    assert!(wrong_type.status.is_client_error());
    assert_eq!(app.count("SELECT COUNT(*) FROM vacancies").await, 0);

    let mut stranger = app
        .signed_in_scoped(Role::RecruiterStaff, "recruiter:not-an-agency")
        .await;
    assert_eq!(
        stranger
            .post_json("/api/v1/vacancies", &job_order(0))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut citizen = app.signed_in(Role::Citizen).await;
    assert_eq!(
        citizen
            .post_json("/api/v1/vacancies", &job_order(0))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let reference = post(&mut staff, &job_order(0)).await;
    assert_eq!(
        act(&mut officer, &reference, "verify").await.0,
        StatusCode::OK
    );
    let res = officer
        .post_json(
            &format!("/api/v1/recruiters/{agency}/licence/suspend"),
            &json!({"reason": "inspection found kept passports"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let mut staff = staff.with_header("accept-language", "en");
    let (status, problem) = act(&mut staff, &reference, "publish").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a suspended agency publishes nothing"
    );
    assert!(problem.to_string().contains("licence"), "{problem}");
    assert_eq!(
        staff
            .post_json("/api/v1/vacancies", &job_order(0))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&mut officer, &reference, "withdraw").await.0,
        StatusCode::OK,
        "officers take it down"
    );
}

#[tokio::test]
async fn the_public_search_lists_open_vacancies_by_country_sector_and_region() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Umid Imkon xususiy bandlik agentligi",
        "305555555",
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    let korea = post(&mut staff, &job_order(0)).await;
    let mut uk_body = job_order(0);
    uk_body["channel"] = json!("GB-SWV");
    uk_body["sector"] = json!("9211");
    uk_body["currency"] = json!("GBP");
    uk_body["wage"] = json!(2300);
    uk_body["language"] = json!("en");
    uk_body["regions"] = json!([]);
    let uk = post(&mut staff, &uk_body).await;
    let draft = post(&mut staff, &job_order(0)).await;
    for r in [&korea, &uk] {
        assert_eq!(act(&mut officer, r, "verify").await.0, StatusCode::OK);
        assert_eq!(act(&mut staff, r, "publish").await.0, StatusCode::OK);
    }
    let mut visitor = app.client();
    let refs = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["reference"].as_str().unwrap().to_string())
            .collect()
    };
    let all = refs(visitor.get("/api/v1/public/vacancies").await.json());
    assert_eq!(all.len(), 2);
    assert!(!all.contains(&draft));
    assert_eq!(
        refs(
            visitor
                .get("/api/v1/public/vacancies?country=gb")
                .await
                .json()
        ),
        vec![uk.clone()]
    );
    assert_eq!(
        refs(
            visitor
                .get("/api/v1/public/vacancies?sector=82")
                .await
                .json()
        ),
        vec![korea.clone()]
    );
    let tashkent = refs(
        visitor
            .get("/api/v1/public/vacancies?region=UZ-TK")
            .await
            .json(),
    );
    assert_eq!(
        tashkent,
        vec![uk.clone()],
        "nationwide vacancies match every region"
    );
    let hostile = visitor
        .get("/api/v1/public/vacancies?sector=%25%27%3B--")
        .await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert!(refs(hostile.json()).is_empty());

    let page = visitor.get("/vacancies?lang=en&country=KR").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&korea) && !page.body.contains(&uk));
    let typed = visitor
        .get(&format!("/vacancies?reference={}", korea.to_lowercase()))
        .await;
    assert_eq!(typed.location(), format!("/vacancies/{korea}"));
    let wrong = visitor.get("/vacancies?reference=nonsense&lang=en").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Do not pay"));
    let view = visitor.get(&format!("/vacancies/{korea}?lang=ru")).await;
    assert_eq!(view.status, StatusCode::OK);
    assert!(view.body.contains("Войдите, чтобы подать заявку"));
}

#[tokio::test]
async fn staff_and_citizens_work_through_the_pages() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Ezgu Qanot xususiy bandlik agentligi",
        "306666666",
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    assert_eq!(
        staff.get("/vacancies/new?lang=en").await.status,
        StatusCode::OK
    );
    let mut form: Vec<(&str, String)> = vec![
        ("channel", "GB-SWV".into()),
        ("employer", "Greenfield Growers Ltd".into()),
        ("title", "Fruit picker".into()),
        ("sector", "9211".into()),
        ("positions", "40".into()),
        ("wage", "2 300".into()),
        ("currency", "GBP".into()),
        ("hours_per_week", "39".into()),
        ("worker_fee", "".into()),
        ("region", "UZ-SA".into()),
        ("region", "UZ-QA".into()),
        ("pdo_required", "yes".into()),
        ("deadline", day(20)),
    ];
    let fields = |f: &Vec<(&'static str, String)>| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let mut bad = fields(&form);
    bad[4].1 = "forty".into();
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = staff.post_form("/vacancies?lang=en", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Fruit picker"), "what was typed is kept");
    form[2].1 = "Fruit picker <b>".into();
    let good = fields(&form);
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = staff.post_form("/vacancies", &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reference = res.location().trim_start_matches("/vacancies/").to_string();
    let regions: String = sqlx::query_scalar("SELECT regions FROM vacancies WHERE reference = $1")
        .bind(&reference)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(regions, "UZ-QA UZ-SA");
    let own = staff.get(&format!("/vacancies/{reference}?lang=en")).await;
    assert!(
        own.body.contains("Fruit picker &#60;b&#62;")
            || own.body.contains("Fruit picker &lt;b&gt;")
    );
    assert!(
        app.client()
            .get(&format!("/vacancies/{reference}"))
            .await
            .status
            == StatusCode::NOT_FOUND
    );

    let res = officer
        .post_form(&format!("/vacancies/{reference}/decide/verify"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = staff
        .post_form(&format!("/vacancies/{reference}/decide/publish"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let list = staff.get("/vacancies/manage").await;
    assert!(list.body.contains(&reference));

    let (mut applicant, _) = citizen(&app, 103, "9211").await;
    let res = applicant
        .post_form(&format!("/vacancies/{reference}/apply?lang=en"), &[])
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent is asked"
    );
    let res = applicant
        .post_form(
            &format!("/vacancies/{reference}/apply"),
            &[("consent", "yes")],
        )
        .await;
    assert_eq!(res.location(), "/applications");
    let mine = applicant.get("/applications?lang=en").await;
    assert!(mine.body.contains(&reference) && mine.body.contains("Applied"));
    let applicants = staff
        .get(&format!("/vacancies/{reference}/applicants?lang=en"))
        .await;
    assert_eq!(applicants.status, StatusCode::OK);
    assert!(
        applicants.body.contains("Karimov Jasur")
            && applicants.body.contains("the same occupation")
    );
    let id = applicants
        .body
        .split("/applications/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let res = applicant
        .post_form(&format!("/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(res.location(), "/applications");
    let res = staff
        .post_form(&format!("/applications/{id}/shortlist?lang=en"), &[])
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a withdrawn application moves no further"
    );
    assert!(res.body.contains("not possible"), "{}", res.body);
}

async fn publish(staff: &mut Client, officer: &mut Client, body: &Value) -> String {
    let reference = post(staff, body).await;
    assert_eq!(act(officer, &reference, "verify").await.0, StatusCode::OK);
    assert_eq!(act(staff, &reference, "publish").await.0, StatusCode::OK);
    reference
}

async fn apply_to(c: &mut Client, reference: &str) -> String {
    let res = c
        .post_json(
            &format!("/api/v1/vacancies/{reference}/applications"),
            &json!({"consent": true}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_fallen_licence_flags_exactly_the_people_applying_or_placed_through_it() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let a = licensed_agency(
        &mut officer,
        "Sarbon Safar xususiy bandlik agentligi",
        "307777777",
    )
    .await;
    let b = licensed_agency(
        &mut officer,
        "Yulduz Servis xususiy bandlik agentligi",
        "308888888",
    )
    .await;
    let operator = officer
        .post_json(
            "/api/v1/recruiters",
            &json!({"name": "Orchard Harvest Ltd", "kind": "foreign_operator", "country": "GB",
                    "host_licence_no": "GLAA-0042", "host_licence_state": "licensed"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut staff_a = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{a}"))
        .await;
    let mut staff_b = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{b}"))
        .await;
    let mut uk = job_order(0);
    uk["channel"] = json!("GB-SWV");
    uk["currency"] = json!("GBP");
    uk["operator_id"] = json!(operator);
    let through_a = publish(&mut staff_a, &mut officer, &job_order(0)).await;
    let through_b = publish(&mut staff_b, &mut officer, &job_order(0)).await;
    let through_operator = publish(&mut staff_b, &mut officer, &uk).await;
    let mut wrong_operator = job_order(0);
    wrong_operator["operator_id"] = json!(operator);
    let res = staff_b
        .post_json("/api/v1/vacancies", &wrong_operator)
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a British operator on a Korean vacancy"
    );

    let (mut applying, _) = citizen(&app, 201, "8211").await;
    let (mut placed, _) = citizen(&app, 202, "8211").await;
    let (mut withdrawn, _) = citizen(&app, 203, "8211").await;
    let (mut elsewhere, _) = citizen(&app, 204, "8211").await;
    apply_to(&mut applying, &through_a).await;
    let placement = apply_to(&mut placed, &through_a).await;
    for step in ["shortlist", "offer", "contract", "depart"] {
        let res = staff_a
            .post_json(
                &format!("/api/v1/applications/{placement}/{step}"),
                &json!({}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{step}");
    }
    let gone = apply_to(&mut withdrawn, &through_a).await;
    let res = withdrawn
        .post_json(&format!("/api/v1/applications/{gone}/withdraw"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    apply_to(&mut elsewhere, &through_b).await;

    let res = officer
        .post_json(
            &format!("/api/v1/recruiters/{a}/licence/revoke"),
            &json!({"reason": "fees charged"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE flag_reason = 'licence_revoked'")
            .await,
        2,
        "the applicant and the placed worker; not the one who withdrew, not another agency's"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM alerts").await, 2);
    // Each becomes a P2 case on the call centre's queue, due within a day.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE priority = 'P2' AND subtype = 'REC-CASCADE' AND country_iso2 = 'KR'")
            .await,
        2
    );
    let details: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'licence.revoke'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(details.contains("\"people_affected\":2"), "{details}");
    for (client, alerted) in [
        (&mut applying, true),
        (&mut placed, true),
        (&mut withdrawn, false),
        (&mut elsewhere, false),
    ] {
        let mine = client.get("/api/v1/applications").await.json();
        assert_eq!(
            !mine["alerts"].as_array().unwrap().is_empty(),
            alerted,
            "{mine}"
        );
    }
    let page = applying.get("/applications?lang=en").await;
    assert!(page.body.contains("has been revoked") && page.body.contains("Do not pay"));
    let seen = app
        .client()
        .get(&format!("/api/v1/public/vacancies/{through_a}"))
        .await
        .json();
    assert_eq!(
        (
            seen["open"].as_bool(),
            seen["recruiter_licence_status"].as_str()
        ),
        (Some(false), Some("revoked"))
    );

    let queue = officer.get("/recruiters/queue?lang=en").await;
    assert!(
        queue.body.contains(&format!("/recruiters/{a}/affected")),
        "the queue lists the cascade"
    );
    let affected = officer
        .get(&format!("/recruiters/{a}/affected?lang=en"))
        .await;
    assert_eq!(affected.status, StatusCode::OK);
    assert_eq!(affected.body.matches("Karimov Jasur").count(), 2);
    assert_eq!(
        app.audit_count("recruiter.affected.read").await,
        1,
        "reading them is audited"
    );
    assert_eq!(
        staff_a
            .get(&format!("/recruiters/{a}/affected"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The foreign operator's own licence falls: its vacancy's applicants are told too.
    apply_to(&mut elsewhere, &through_operator).await;
    let res = officer
        .put_json(
            &format!("/api/v1/recruiters/{operator}"),
            &json!({"name": "Orchard Harvest Ltd", "kind": "foreign_operator", "country": "GB",
                    "host_licence_no": "GLAA-0042", "host_licence_state": "revoked"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE flag_reason = 'host_licence_revoked'")
            .await,
        1
    );
    let seen = app
        .client()
        .get(&format!("/api/v1/public/vacancies/{through_operator}"))
        .await
        .json();
    assert_eq!(
        seen["open"], false,
        "nobody applies through a fallen operator"
    );
    let still = app
        .client()
        .get(&format!("/api/v1/public/vacancies/{through_b}"))
        .await
        .json();
    assert_eq!(still["open"], true);
}

#[tokio::test]
async fn a_worker_paid_recruitment_fee_raises_a_red_flag_on_the_recruiter_and_the_vacancy() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Hamkor Manzil xususiy bandlik agentligi",
        "309999999",
    )
    .await;
    let licence_no = officer
        .get(&format!("/api/v1/recruiters/{agency}"))
        .await
        .json()["licence"]["licence_no"]
        .as_str()
        .unwrap()
        .to_string();
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    let reference = publish(&mut staff, &mut officer, &job_order(0)).await;

    let mut no_profile = app.signed_in(Role::Citizen).await;
    let body = json!({"paid_to": "Hamkor", "vacancy": reference, "purpose": "recruitment_fee",
                      "amount": 1500, "currency": "USD", "paid_on": day(-3)});
    assert_eq!(
        no_profile.post_json("/api/v1/payments", &body).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        staff.post_json("/api/v1/payments", &body).await.status,
        StatusCode::FORBIDDEN
    );

    let (mut worker, _) = citizen(&app, 301, "8211").await;
    for (change, field) in [
        (json!({"purpose": "bribe"}), "purpose"),
        (json!({"amount": -5}), "amount"),
        (json!({"currency": "XXX"}), "currency"),
        (json!({"paid_on": day(2)}), "paid_on"),
        (json!({"vacancy": "V-ZZZZZZ"}), "vacancy"),
        (json!({"paid_to": ""}), "paid_to"),
    ] {
        let mut bad = body.clone();
        for (k, v) in change.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let res = worker.post_json("/api/v1/payments", &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{change}");
        assert!(res.body.contains(field), "{}", res.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 0);

    let res = worker.post_json("/api/v1/payments", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["red_flag"], true);
    let public = app
        .client()
        .get(&format!("/api/v1/public/vacancies/{reference}"))
        .await
        .json();
    assert_eq!(
        public["red_flag"], "worker_paid_fee",
        "the vacancy carries the flag"
    );
    let other = json!({"paid_to": "Photo studio", "purpose": "other", "amount": 50000, "currency": "UZS", "paid_on": day(0)});
    assert_eq!(
        worker.post_json("/api/v1/payments", &other).await.json()["red_flag"],
        false
    );
    let by_licence = json!({"paid_to": licence_no.to_lowercase(), "purpose": "visa", "amount": 300, "currency": "USD", "paid_on": day(-1)});
    let res = worker.post_json("/api/v1/payments", &by_licence).await;
    assert_eq!(
        res.json()["recruiter_id"],
        agency.as_str(),
        "found by its licence number"
    );
    assert_eq!(
        res.json()["red_flag"],
        true,
        "a visa is a related cost the employer pays"
    );
    let ledger = worker.get("/api/v1/payments").await.json();
    assert_eq!(ledger["items"].as_array().unwrap().len(), 3);
    let queue = officer.get("/recruiters/queue?lang=en").await;
    assert!(
        queue.body.contains("payments reported: <strong>2</strong>"),
        "the queue names the recruiter"
    );
    assert_eq!(app.audit_count("payment.record").await, 3);

    // The page takes a receipt, recognised by its content.
    let upload = |file: &[u8]| {
        let boundary = "----pay";
        let mut b = Vec::new();
        for (name, value) in [
            ("paid_to", "Hamkor"),
            ("purpose", "medical"),
            ("amount", "1 200 000"),
            ("currency", "UZS"),
            ("paid_on", "2026-01-05"),
        ] {
            b.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        b.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"r.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
        b.extend_from_slice(file);
        b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), b)
    };
    let (ct, b) = upload(b"MZ not a picture");
    let res = worker
        .request(
            http::Method::POST,
            "/payments?lang=en",
            Some(&ct),
            axum::body::Body::from(b),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("1 200 000"), "what was typed is kept");
    let (ct, b) = upload(b"\xFF\xD8\xFF\xE0 a jpeg");
    let res = worker
        .request(
            http::Method::POST,
            "/payments",
            Some(&ct),
            axum::body::Body::from(b),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payment_receipts WHERE content_type = 'image/jpeg'")
            .await,
        1
    );
    let page = worker.get("/payments?lang=en").await;
    assert!(
        page.body.contains("receipt kept") && page.body.contains("must not pay for recruitment")
    );
}

#[tokio::test]
async fn the_public_scorecard_shows_counts_of_five_or_more_and_hides_smaller_ones() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Ravnaq Qanot xususiy bandlik agentligi",
        "310101010",
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    let reference = publish(&mut staff, &mut officer, &job_order(0)).await;
    let path = format!("/api/v1/public/recruiters/{agency}/scorecard");
    let mut visitor = app.client();
    for n in 0..5 {
        let (mut worker, _) = citizen(&app, 401 + n, "8211").await;
        let id = apply_to(&mut worker, &reference).await;
        for step in ["shortlist", "offer", "contract", "depart"] {
            staff
                .post_json(&format!("/api/v1/applications/{id}/{step}"), &json!({}))
                .await;
        }
        if n == 3 {
            let res = visitor.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            let card = res.json();
            assert_eq!(
                card["placements"],
                json!({"value": null, "suppressed": true}),
                "4 placements are not shown"
            );
        }
    }
    for _ in 0..3 {
        let res = officer
            .post_json("/api/v1/complaints", &json!({"recruiter_id": agency, "type": "RC02", "description": "The wage was half of what was promised."}))
            .await;
        assert_eq!(res.status, StatusCode::CREATED);
    }
    let card = visitor.get(&path).await.json();
    assert_eq!(card["placements"]["value"], 5);
    assert_eq!(
        card["complaints"]["suppressed"], true,
        "3 complaints: fewer than 5"
    );
    assert_eq!(
        card["complaints_per_100_placements"]["value"],
        Value::Null,
        "a rate on a small count is hidden too"
    );
    assert!(
        !card.to_string().contains("\"value\":3"),
        "the small number appears nowhere"
    );
    let page = visitor.get(&format!("/scorecard/{agency}?lang=en")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("fewer than 5") && page.body.contains("Workers placed abroad"));
    let check = visitor
        .get("/api/v1/public/recruiters?q=310101010")
        .await
        .json();
    assert_eq!(
        check["items"][0]["id"],
        agency.as_str(),
        "the check links to the scorecard"
    );
    assert_eq!(
        visitor
            .get("/api/v1/public/recruiters/nope/scorecard")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn recruiter_staff_cannot_be_created_without_their_agency() {
    let app = TestApp::new().await;
    let mut admin = app.token_client(Role::Admin).await;
    for scope in ["", "region:UZ-SA"] {
        let res = admin
            .post_json(
                "/api/v1/users",
                &json!({"email": format!("staff{}@agency.uz", scope.len()), "display_name": "Agency Staff",
                        "role": "recruiter_staff", "scope": scope, "password": "a long enough password"}),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "scope {scope:?}: {}",
            res.body
        );
        assert!(res.body.contains("scope"));
    }
}

#[tokio::test]
async fn an_applicant_complains_about_the_agency_of_their_own_application_only() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = licensed_agency(
        &mut officer,
        "Istiqbol Safar xususiy bandlik agentligi",
        "320202020",
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    let reference = publish(&mut staff, &mut officer, &job_order(0)).await;
    let (mut worker, person) = citizen(&app, 501, "8211").await;
    let (mut other, _) = citizen(&app, 502, "8211").await;
    let id = apply_to(&mut worker, &reference).await;
    let body = json!({"type": "RC02", "description": "The contract shows half the promised wage."});
    let path = format!("/api/v1/applications/{id}/complaint");
    assert_eq!(
        other.post_json(&path, &body).await.status,
        StatusCode::NOT_FOUND,
        "not someone else's"
    );
    assert_eq!(
        staff.post_json(&path, &body).await.status,
        StatusCode::FORBIDDEN
    );
    let bad = worker
        .post_json(&path, &json!({"type": "RC02", "description": "bad"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        worker.post_json(&path, &body).await.status,
        StatusCode::CREATED
    );
    let form = worker
        .get(&format!("/applications/{id}/complaint?lang=en"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let res = worker
        .post_form(
            &format!("/applications/{id}/complaint"),
            &[
                ("type", "RC04"),
                ("description", "They asked for my passport to keep."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let open = officer
        .get(&format!("/api/v1/complaints?recruiter={agency}"))
        .await
        .json();
    let items = open["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "both reach the officers");
    assert!(
        items
            .iter()
            .all(|c| c["person_id"] == person.as_str() && c["state"] == "received")
    );
    let actor_role: String = sqlx::query_scalar(
        "SELECT actor_role FROM audit_log WHERE action = 'complaint.file' LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(actor_role, "citizen", "audited as the applicant");
}
