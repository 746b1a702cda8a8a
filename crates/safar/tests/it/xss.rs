//! The XSS sweep: hostile text — a `<script>` element, an attribute break-out into an
//! `<img onerror>`, a `javascript:` address — is stored through the API (or the module's form
//! where it has no API) in every free-text field of every module, then every page that shows
//! it is fetched, as the role that sees it and publicly where there is a public page. Each
//! page must carry no element or attribute made from the text (`assert_escaped`) and must
//! really show the text, escaped (`assert_shown`), so a check never passes only because the
//! field was not on the page. Each value starts with its own tag (`module.field`), so a
//! failure names the field that leaked. Query parameters echoed into pages are swept too.
//!
//! Exports are another channel: the neutralisation of spreadsheet formulas in CSV and XLSX
//! downloads is tested in `analytics.rs`.

use axum::body::Body;
use http::{Method, StatusCode};
use safar::accounts::service::{self as accounts, NewStaff};
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::{Actor, Role};
use serde_json::{Value, json};
use sqlx::Row;

use crate::grants::{returnee, with_token};
use crate::support::{Client, TestApp};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(2)>";
const LINK: &str = "javascript:alert(3)";

/// The three payloads behind a tag naming the field (`module.field`), 77 characters more
/// than the tag: tags are kept short enough for fields limited to 100 or 120 characters.
fn hostile(tag: &str) -> String {
    format!("{tag} {SCRIPT} {IMG} {LINK}")
}

/// What may never appear in a page (compared with the page in ASCII lower case): the
/// payloads as markup, an attribute left open by an unescaped quote, script addresses.
const FORBIDDEN: [&str; 12] = [
    "<script>alert(",
    "<img src=x",
    "\"><img",
    "\"&#62;&#60;img",
    "\"&gt;&lt;img",
    "href=\"javascript:",
    "href='javascript:",
    "src=\"javascript:",
    "src='javascript:",
    "\"onmouseover",
    "<iframe",
    "<object",
];

/// Up to 150 bytes either side of `at`, cut on character boundaries.
fn around(page: &str, at: usize) -> &str {
    let mut start = at.saturating_sub(150).min(page.len());
    while !page.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = at.saturating_add(150).min(page.len());
    while !page.is_char_boundary(end) {
        end += 1;
    }
    &page[start..end]
}

/// The start of the page's main part, for failure messages.
fn main_part(page: &str) -> &str {
    let at = page.find("<main").unwrap_or(0);
    around(page, at.saturating_add(150))
}

/// The page holds no markup made from hostile text: none of `FORBIDDEN`, no `<script>` but
/// the layout's own, no `<img>` but outreach photos, and no tag in another script (hostile
/// Latin text is transliterated to Cyrillic for Uzbek Cyrillic pages: `<скрипт>` would be
/// as unescaped as `<script>`).
fn assert_escaped(page: &str, what: &str) {
    let lower = page.to_ascii_lowercase();
    for bad in FORBIDDEN {
        if let Some(at) = lower.find(bad) {
            panic!(
                "{what}: unescaped `{bad}` in the page: …{}…",
                around(page, at)
            );
        }
    }
    for (at, _) in lower.match_indices("<script") {
        assert!(
            lower[at..].starts_with("<script src=\"/static/"),
            "{what}: a script element that is not the layout's own: …{}…",
            around(page, at)
        );
    }
    for (at, _) in lower.match_indices("<img") {
        assert!(
            lower[at..].starts_with("<img src=\"/outreach/"),
            "{what}: an image that is not an outreach photo: …{}…",
            around(page, at)
        );
    }
    let mut chars = page.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '<'
            && chars
                .peek()
                .is_some_and(|(_, n)| !n.is_ascii() && n.is_alphabetic())
        {
            panic!(
                "{what}: an element named in another script: …{}…",
                around(page, at)
            );
        }
    }
}

/// Askama's references (`&#60;` …), and the named ones (`&lt;` …) to stay robust.
const NUMERIC: [&str; 5] = ["&#38;", "&#60;", "&#62;", "&#34;", "&#39;"];
const NAMED: [&str; 5] = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];

fn escaped(text: &str, refs: [&str; 5]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            '&' => out.push_str(refs[0]),
            '<' => out.push_str(refs[1]),
            '>' => out.push_str(refs[2]),
            '"' => out.push_str(refs[3]),
            '\'' => out.push_str(refs[4]),
            c => out.push(c),
        }
    }
    out
}

/// The page shows `text` escaped, whole (quotes included), so the check above did not pass
/// only because the field was missing.
fn assert_shown(page: &str, text: &str, what: &str) {
    let forms = [escaped(text, NUMERIC), escaped(text, NAMED)];
    if forms.iter().any(|f| page.contains(f.as_str())) {
        return;
    }
    let tag = text.split(' ').next().unwrap_or(text);
    let hint = page.find(tag).map_or_else(
        || "the tag is not on the page at all".to_string(),
        |at| format!("…{}…", around(page, at)),
    );
    panic!("{what}: `{tag}` is not shown escaped: {hint}");
}

const NONE: &[&str] = &[];

/// GETs `path`, expects one of `statuses`, checks the page is escaped and shows each of
/// `texts` escaped; returns the page.
async fn shows_as<S: AsRef<str>>(
    client: &mut Client,
    path: &str,
    statuses: &[StatusCode],
    texts: &[S],
) -> String {
    let res = client.get(path).await;
    assert!(
        statuses.contains(&res.status),
        "GET {path}: {} …{}…",
        res.status,
        main_part(&res.body)
    );
    assert_escaped(&res.body, path);
    for text in texts {
        assert_shown(&res.body, text.as_ref(), path);
    }
    res.body
}

async fn shows<S: AsRef<str>>(client: &mut Client, path: &str, texts: &[S]) -> String {
    shows_as(client, path, &[StatusCode::OK], texts).await
}

const OK_OR_INVALID: &[StatusCode] = &[StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY];

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn today(app: &TestApp) -> time::Date {
    safar::recruiters::service::today(&app.clock)
}

fn day(app: &TestApp, offset: i64) -> String {
    (today(app) + time::Duration::days(offset)).to_string()
}

fn id_of(res: &crate::support::TestResponse) -> String {
    res.json()["id"].as_str().unwrap().to_string()
}

async fn created(client: &mut Client, path: &str, body: &Value) -> String {
    let res = client.post_json(path, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "POST {path}: {}", res.body);
    id_of(&res)
}

/// POSTs `body` and expects 201 (for answers without an `id`).
async fn posted(client: &mut Client, path: &str, body: &Value) {
    let res = client.post_json(path, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "POST {path}: {}", res.body);
}

async fn ok(client: &mut Client, path: &str, body: &Value) {
    let res = client.post_json(path, body).await;
    assert!(res.status.is_success(), "POST {path}: {}", res.body);
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

/// A multipart form of text fields only.
fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----xss-sweep-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A citizen who completed their profile (region UZ-SA, Korean A2, the given skill).
async fn citizen_with_profile(app: &TestApp, tail: u32, skill: &str) -> (Client, String) {
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

/// A local agency licensed from ten days ago for 300 days.
async fn licensed_agency(officer: &mut Client, app: &TestApp, body: &Value) -> String {
    let id = created(officer, "/api/v1/recruiters", body).await;
    for (action, body) in [
        ("apply", json!({})),
        (
            "grant",
            json!({"valid_from": day(app, -10), "valid_to": day(app, 300)}),
        ),
    ] {
        let res = officer
            .post_json(&format!("/api/v1/recruiters/{id}/licence/{action}"), &body)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    id
}

#[tokio::test]
async fn person_records_consents_holds_and_journeys_are_escaped_everywhere_they_are_shown() {
    let app = TestApp::new().await;
    let mahalla = hostile("people.mahalla");
    let contact = hostile("people.contact_name");
    let partner = hostile("people.partner");
    let reason = hostile("people.hold_reason");
    let employer = hostile("people.employer");

    // The citizen registers themself, with a household contact and a mahalla.
    let mut citizen = app.signed_in(Role::Citizen).await;
    let birth = "1991-07-21";
    let body = json!({
        "given_name": "Sherzod", "family_name": "Qodirov", "birth_date": birth, "gender": "male",
        "pinfl": Pinfl::generate(parse_date(birth).unwrap(), Gender::Male, 901).as_str(),
        "region": "UZ-SA", "phones": [], "mahalla": mahalla,
        "household": [{"name": contact, "relation": "spouse", "phone": "90 765 43 21"}],
    });
    let id = created(&mut citizen, "/api/v1/persons", &body).await;
    let res = citizen
        .post_json(
            &format!("/api/v1/persons/{id}/consents"),
            &json!({"purpose": "partner_sharing", "partner": partner}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let mut supervisor = app.token_client(Role::Supervisor).await;
    created(
        &mut supervisor,
        &format!("/api/v1/persons/{id}/holds"),
        &json!({"reason": reason}),
    )
    .await;
    let mut operator = app.token_client(Role::Operator).await;
    let res = operator
        .post_json(
            &format!("/api/v1/persons/{id}/journeys"),
            &json!({"kind": "departure", "date": "2024-04-01", "country": "FR",
                    "employer": employer, "recruiter": hostile("people.recruiter")}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // The citizen's own pages.
    shows(&mut citizen, "/account/profile", &[&contact, &partner]).await;
    shows(&mut citizen, &format!("/people/{id}/details"), &[&contact]).await;
    let refused = citizen.post_form("/account/forget", &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the hold refuses"
    );
    assert_escaped(&refused.body, "POST /account/forget");
    assert_shown(&refused.body, &reason, "POST /account/forget");

    // The staff record and the search.
    let mut staff = app.signed_in(Role::Operator).await;
    shows(
        &mut staff,
        &format!("/people/{id}?purpose=case"),
        &[&mahalla, &contact, &employer],
    )
    .await;
    shows(&mut staff, "/people?q=Qodirov", NONE).await;
    shows(&mut staff, "/people?q=Qodirov&partial=1", NONE).await;
}

#[tokio::test]
async fn intermediary_reports_are_escaped_on_the_watch_list_the_check_and_the_form() {
    let app = TestApp::new().await;
    let name = hostile("report.name");
    let description = hostile("report.description");
    let social = hostile("report.social");
    let place = hostile("report.place");
    let promised = hostile("report.promised");
    let contact = hostile("report.contact");
    // Three reports sharing a phone: the entry is flagged and shows on the public check.
    for _ in 0..3 {
        let mut visitor = app.client();
        let res = visitor
            .post_json(
                "/api/v1/public/reports",
                &json!({
                    "intermediary_name": name, "phones": ["90 555 12 34"], "social_handle": social,
                    "place": place, "region": "UZ-SA", "fee_asked": 2000, "fee_paid": 1500,
                    "currency": "USD", "promised": promised, "description": description,
                    "reporter_contact": contact,
                }),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    shows(&mut officer, "/recruiters/watch?lang=en", &[&name]).await;
    let mut visitor = app.client();
    shows(
        &mut visitor,
        "/check?q=90%20555%2012%2034&lang=en",
        &[&name],
    )
    .await;
    for lang in ["uz-Latn", "uz-Cyrl", "ru"] {
        shows(
            &mut visitor,
            &format!("/check?q=90%20555%2012%2034&lang={lang}"),
            NONE,
        )
        .await;
    }

    // The public form keeps what was typed when it refuses it: every field comes back.
    let phones = hostile("report.phones");
    let fields = [
        ("intermediary_name", name.as_str()),
        ("phones", phones.as_str()),
        ("social_handle", social.as_str()),
        ("place", place.as_str()),
        ("fee_asked", "a lot of money"),
        ("currency", "USD"),
        ("promised", promised.as_str()),
        ("description", description.as_str()),
        ("reporter_contact", contact.as_str()),
    ];
    let (ct, body) = multipart(&fields);
    let mut typist = app.client();
    let res = typist
        .request(Method::POST, "/report?lang=en", Some(&ct), Body::from(body))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_escaped(&res.body, "POST /report");
    for text in [
        &name,
        &phones,
        &social,
        &place,
        &promised,
        &description,
        &contact,
    ] {
        assert_shown(&res.body, text, "POST /report");
    }
    let prefill = hostile("report.prefill");
    shows(
        &mut typist,
        &format!("/report?name={}", urlencode(&prefill)),
        &[&prefill],
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM intermediary_reports").await,
        3,
        "the refused form wrote nothing"
    );
}

#[tokio::test]
async fn recruiters_licences_and_complaints_are_escaped_for_officers_and_the_public() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let name = hostile("recruiter.name");
    let address = hostile("recruiter.address");
    let conditions = hostile("licence.conditions");
    let reason = hostile("licence.reason");
    let description = hostile("complaint.description");
    let note = hostile("complaint.note");
    let id = created(
        &mut officer,
        "/api/v1/recruiters",
        &json!({"name": name, "stir": "308888888", "region": "UZ-TK", "kind": "local_agency",
                "address": address}),
    )
    .await;
    ok(
        &mut officer,
        &format!("/api/v1/recruiters/{id}/licence/apply"),
        &json!({}),
    )
    .await;
    ok(
        &mut officer,
        &format!("/api/v1/recruiters/{id}/licence/grant"),
        &json!({"valid_from": day(&app, -10), "valid_to": day(&app, 300), "conditions": conditions}),
    )
    .await;
    let complaint = created(
        &mut officer,
        "/api/v1/complaints",
        &json!({"recruiter_id": id, "type": "RC01", "description": description}),
    )
    .await;
    ok(
        &mut officer,
        &format!("/api/v1/complaints/{complaint}/investigate"),
        &json!({"note": note}),
    )
    .await;
    ok(
        &mut officer,
        &format!("/api/v1/recruiters/{id}/licence/suspend"),
        &json!({"reason": reason}),
    )
    .await;

    shows(&mut officer, "/recruiters", &[&name]).await;
    shows(
        &mut officer,
        &format!("/recruiters/{id}"),
        &[&name, &address, &conditions, &reason],
    )
    .await;
    shows(&mut officer, "/recruiters/queue", NONE).await;
    shows(&mut officer, "/complaints", &[&name]).await;
    shows(
        &mut officer,
        &format!("/complaints/{complaint}"),
        &[&name, &description, &note],
    )
    .await;
    shows(
        &mut officer,
        &format!("/complaints/new?recruiter={id}"),
        &[&name],
    )
    .await;
    // The public sees the name and the reason of the suspension.
    let mut visitor = app.client();
    shows(
        &mut visitor,
        "/check?q=308888888&lang=en",
        &[&name, &reason],
    )
    .await;
    shows(&mut visitor, "/check?q=308888888&lang=uz-Cyrl", NONE).await;
    shows(&mut visitor, &format!("/scorecard/{id}"), &[&name]).await;
}

#[tokio::test]
async fn vacancies_applications_payments_and_applicant_complaints_are_escaped() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency_name = hostile("vacancy.agency");
    let agency = licensed_agency(
        &mut officer,
        &app,
        &json!({"name": agency_name, "stir": "309999999", "region": "UZ-SA", "kind": "local_agency"}),
    )
    .await;
    let mut staff = app
        .signed_in_scoped(Role::RecruiterStaff, &format!("recruiter:{agency}"))
        .await;
    let employer = hostile("vacancy.employer");
    let title = hostile("vacancy.title");
    let housing = hostile("vacancy.housing");
    let employer_pays = hostile("vacancy.employer_pays");
    let res = staff
        .post_json(
            "/api/v1/vacancies",
            &json!({
                "channel": "KR-EPS", "employer": employer, "title": title,
                "sector": "8211", "positions": 12, "wage": 2100000, "currency": "KRW", "hours_per_week": 40,
                "housing": housing, "employer_pays": employer_pays, "worker_fee": 0,
                "language": "ko", "language_level": "A2", "regions": ["UZ-SA"], "deadline": day(&app, 30),
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let reference = res.json()["reference"].as_str().unwrap().to_string();
    ok(
        &mut officer,
        &format!("/api/v1/vacancies/{reference}/actions/verify"),
        &json!({}),
    )
    .await;
    ok(
        &mut staff,
        &format!("/api/v1/vacancies/{reference}/actions/publish"),
        &json!({}),
    )
    .await;

    // A citizen applies, records a payment, and complains about the agency.
    let (mut worker, _) = citizen_with_profile(&app, 911, "8211").await;
    let application = created(
        &mut worker,
        &format!("/api/v1/vacancies/{reference}/applications"),
        &json!({"consent": true}),
    )
    .await;
    let paid_to = hostile("payment.paid_to");
    let res = worker
        .post_json(
            "/api/v1/payments",
            &json!({"paid_to": paid_to, "purpose": "other", "amount": 50000, "currency": "UZS",
                    "paid_on": day(&app, 0)}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let grievance = hostile("application.complaint");
    let res = worker
        .post_json(
            &format!("/api/v1/applications/{application}/complaint"),
            &json!({"type": "RC02", "description": grievance}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    let mut visitor = app.client();
    shows(
        &mut visitor,
        "/vacancies?country=KR&lang=en",
        &[&title, &agency_name],
    )
    .await;
    let view = format!("/vacancies/{reference}");
    shows(
        &mut visitor,
        &view,
        &[&title, &employer, &housing, &employer_pays, &agency_name],
    )
    .await;
    shows(&mut visitor, &format!("{view}?lang=uz-Cyrl"), NONE).await;
    shows(&mut staff, &view, &[&title, &employer]).await;
    shows(&mut staff, "/vacancies/manage", &[&title]).await;
    shows(
        &mut staff,
        &format!("/vacancies/{reference}/applicants"),
        &[&title],
    )
    .await;
    shows(&mut worker, "/applications", &[&title]).await;
    shows(&mut worker, "/payments", &[&paid_to]).await;
    shows(
        &mut worker,
        &format!("/applications/{application}/complaint"),
        NONE,
    )
    .await;
    let listed = officer
        .get(&format!("/api/v1/complaints?recruiter={agency}"))
        .await
        .json();
    let complaint = listed["items"][0]["id"].as_str().unwrap().to_string();
    shows(
        &mut officer,
        &format!("/complaints/{complaint}"),
        &[&grievance, &agency_name],
    )
    .await;
    shows(
        &mut officer,
        &format!("/recruiters/{agency}"),
        &[&agency_name],
    )
    .await;
    shows(&mut officer, "/recruiters/queue", NONE).await;
}

#[tokio::test]
async fn outreach_events_and_their_reports_are_escaped() {
    let app = TestApp::new().await;
    let mut officer = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-AN")
        .await;
    let title = hostile("outreach.title");
    let place = hostile("outreach.place");
    let materials = hostile("outreach.materials");
    let partners = hostile("outreach.partners");
    let summary = hostile("outreach.summary");
    let event = |title: &str, place: &str| {
        json!({
            "title": title, "kind": "mahalla_meeting", "topics": ["fraud", "safe_migration"],
            "region": "UZ-AN", "district": "", "place": place, "planned_on": day(&app, 0),
        })
    };
    let held = created(
        &mut officer,
        "/api/v1/outreach/events",
        &event(&title, &place),
    )
    .await;
    let step = |id: &str, action: &str| format!("/api/v1/outreach/events/{id}/actions/{action}");
    ok(
        &mut officer,
        &step(&held, "hold"),
        &json!({"held_on": day(&app, 0)}),
    )
    .await;
    ok(
        &mut officer,
        &step(&held, "report"),
        &json!({
            "attendance": {"female_18_29": 12, "male_18_29": 20},
            "materials": materials, "materials_count": 150, "partners": partners, "summary": summary,
        }),
    )
    .await;
    let cancelled_title = hostile("outreach.title2");
    let reason = hostile("outreach.reason");
    let cancelled = created(
        &mut officer,
        "/api/v1/outreach/events",
        &event(&cancelled_title, &place),
    )
    .await;
    ok(
        &mut officer,
        &step(&cancelled, "cancel"),
        &json!({"reason": reason}),
    )
    .await;

    shows(
        &mut officer,
        "/outreach",
        &[&title, &place, &cancelled_title],
    )
    .await;
    shows(
        &mut officer,
        &format!("/outreach/{held}"),
        &[&title, &place, &materials, &partners, &summary],
    )
    .await;
    shows(
        &mut officer,
        &format!("/outreach/{cancelled}"),
        &[&cancelled_title, &reason],
    )
    .await;
    shows(&mut app.client(), "/outreach/regions", NONE).await;
}

#[tokio::test]
async fn returnee_intakes_services_and_follow_ups_are_escaped() {
    let app = TestApp::new().await;
    let mut officer = app
        .signed_in_scoped(Role::ReintegrationOfficer, "region:UZ-SA")
        .await;
    let pin = Pinfl::generate(parse_date("1987-06-05").unwrap(), Gender::Female, 921);
    let person = created(
        &mut officer,
        "/api/v1/persons",
        &json!({"given_name": "Malika", "family_name": "Tosheva", "birth_date": "1987-06-05",
                "gender": "female", "pinfl": pin.as_str(), "region": "UZ-SA"}),
    )
    .await;
    let work_abroad = hostile("returnee.work_abroad");
    let skills = hostile("returnee.skills");
    let family = hostile("returnee.family");
    let notes = hostile("returnee.notes");
    let intake = created(
        &mut officer,
        "/api/v1/returnees",
        &json!({
            "person_id": person,
            "returned": {"kind": "return", "date": day(&app, -20), "country": "KR", "channel": "official"},
            "assessment": {
                "work_abroad": work_abroad, "skills_gained": skills, "income": "none",
                "debts": "manageable", "health": "good", "housing": "secure", "family": family,
                "documents": "complete", "screen": [1, 1, 0, 1, 0], "self_harm": false, "notes": notes,
            },
        }),
    )
    .await;
    let base = format!("/api/v1/returnees/{intake}");
    let provider = hostile("returnee.provider");
    let outcome = hostile("returnee.outcome");
    let service = created(
        &mut officer,
        &format!("{base}/services"),
        &json!({"service": "RS-TRN", "provider": provider, "due_on": day(&app, 0)}),
    )
    .await;
    for (step, outcome) in [("refer", ""), ("start", ""), ("done", outcome.as_str())] {
        ok(
            &mut officer,
            &format!("{base}/services/{service}/actions/{step}"),
            &json!({"outcome": outcome}),
        )
        .await;
    }
    let pending = hostile("returnee.followup");
    created(
        &mut officer,
        &format!("{base}/followups"),
        &json!({"due_on": day(&app, 3), "note": pending}),
    )
    .await;
    let finished = hostile("returnee.followup2");
    let done_note = hostile("returnee.done_note");
    let followup = created(
        &mut officer,
        &format!("{base}/followups"),
        &json!({"due_on": day(&app, 1), "note": finished}),
    )
    .await;
    ok(
        &mut officer,
        &format!("{base}/followups/{followup}/done"),
        &json!({"note": done_note}),
    )
    .await;

    shows(
        &mut officer,
        &format!("/returnees/{intake}"),
        &[
            &work_abroad,
            &skills,
            &family,
            &notes,
            &provider,
            &outcome,
            &pending,
            &done_note,
        ],
    )
    .await;
    shows(&mut officer, "/returnees", &[&pending]).await;
    shows(
        &mut officer,
        &format!("/people/{person}?purpose=reintegration"),
        NONE,
    )
    .await;
}

#[tokio::test]
async fn courses_are_escaped_in_the_public_catalogue() {
    let app = TestApp::new().await;
    let mut officer = app.token_client(Role::ReintegrationOfficer).await;
    let title = hostile("course.title");
    let provider = hostile("course.provider");
    let course = created(
        &mut officer,
        "/api/v1/courses",
        &json!({
            "title": title, "field": "agriculture", "provider": provider, "region": "UZ-SA",
            "starts_on": day(&app, 10), "ends_on": day(&app, 40), "places": 2,
        }),
    )
    .await;
    let mut visitor = app.client();
    shows(&mut visitor, "/courses?region=UZ-SA", &[&title, &provider]).await;
    shows(&mut visitor, "/courses", &[&title, &provider]).await;
    shows(
        &mut visitor,
        &format!("/courses/{course}"),
        &[&title, &provider],
    )
    .await;
    shows(&mut officer, &format!("/courses/{course}"), &[&title]).await;
}

/// A committee member whose display name is hostile: (client with a token, user id).
async fn hostile_reviewer(app: &TestApp, n: u32) -> (Client, String) {
    let email = format!("xss-reviewer-{n}@test.example.org");
    let form = NewStaff {
        email: email.clone(),
        display_name: hostile(&format!("grants.reviewer{n}")),
        role: Role::GrantReviewer.to_string(),
        scope: String::new(),
        password: format!("long enough pass xss {n}"),
    };
    accounts::create_user(&app.db, &app.clock, &Actor::console(), &form)
        .await
        .expect("create reviewer");
    (with_token(app, &email).await, user_id(app, &email).await)
}

fn grant_plan(tag: &str, requested: i64, own: i64, jobs: i64) -> Value {
    json!({
        "activity": hostile(&format!("{tag}.activity")), "sector_isco": "7533",
        "location": hostile(&format!("{tag}.location")), "plan": hostile(&format!("{tag}.plan")),
        "costs": requested + own, "own_contribution": own, "requested": requested, "jobs_expected": jobs,
    })
}

#[tokio::test]
async fn grant_calls_applications_reviews_and_awards_are_escaped() {
    let app = TestApp::new().await;
    let start = today(&app);
    let mut officer = app.token_client(Role::ReintegrationOfficer).await;
    let mut reviewers = vec![];
    let mut committee = vec![];
    let mut names = vec![];
    for n in 1..=3 {
        let (client, id) = hostile_reviewer(&app, n).await;
        reviewers.push(client);
        committee.push(id);
        names.push(hostile(&format!("grants.reviewer{n}")));
    }
    let title = hostile("grants.call_title");
    let description = hostile("grants.call_text");
    let criteria: Vec<String> = (1..=3)
        .map(|n| hostile(&format!("grants.criterion{n}")))
        .collect();
    let call = created(
        &mut officer,
        "/api/v1/grant-calls",
        &json!({
            "title": title, "description": description,
            "budget": 70_000_000, "max_award": 40_000_000,
            "returned_within_months": 24, "min_age": 18, "max_age": 55, "no_prior_award": true,
            "pass_mark": 2.5, "reviewers_per_application": 3, "first_tranche_percent": 60,
            "deadline": (start + time::Duration::days(10)).to_string(),
            "criteria": [
                {"name": criteria[0], "weight": 40},
                {"name": criteria[1], "weight": 30},
                {"name": criteria[2], "weight": 30}
            ],
            "reviewers": committee,
        }),
    )
    .await;

    // Aziza is eligible; Dilya came back too long ago and is made eligible with a reason.
    let recent = Some(start - time::Duration::days(90));
    let (mut aziza, _) = returnee(&app, 951, "1990-04-02", Gender::Female, "UZ-SA", recent).await;
    let long_ago = Some(start - time::Duration::days(3 * 365));
    let (mut dilya, _) = returnee(&app, 952, "1992-09-09", Gender::Female, "UZ-XO", long_ago).await;
    let apply = format!("/api/v1/grant-calls/{call}/applications");
    let aziza_plan = grant_plan("grants.a", 30_000_000, 10_000_000, 3);
    let dilya_plan = grant_plan("grants.d", 20_000_000, 2_000_000, 1);
    let first = created(&mut aziza, &apply, &aziza_plan).await;
    let second = created(&mut dilya, &apply, &dilya_plan).await;
    let text = |plan: &Value, field: &str| plan[field].as_str().unwrap().to_string();
    let (activity, location, plan) = (
        text(&aziza_plan, "activity"),
        text(&aziza_plan, "location"),
        text(&aziza_plan, "plan"),
    );
    let dilya_activity = text(&dilya_plan, "activity");
    let override_reason = hostile("grants.override");
    ok(
        &mut officer,
        &format!("/api/v1/grant-applications/{second}/eligibility"),
        &json!({"eligible": true, "reason": override_reason}),
    )
    .await;

    shows(&mut aziza, "/grants", &[&title, &activity]).await;
    let call_page = format!("/grants/calls/{call}");
    shows(
        &mut aziza,
        &call_page,
        &[
            &title,
            &description,
            &criteria[0],
            &criteria[1],
            &criteria[2],
        ],
    )
    .await;
    shows(
        &mut aziza,
        &format!("/grants/applications/{first}"),
        &[&activity, &location, &plan],
    )
    .await;
    shows(
        &mut dilya,
        &format!("/grants/applications/{second}"),
        &[&dilya_activity, &override_reason],
    )
    .await;
    shows(&mut officer, &call_page, &[&title, &description]).await;

    // Review: each member reads the plan blind, then scores with a comment.
    app.clock.advance(11 * 24 * 3600 * 1000);
    ok(
        &mut officer,
        &format!("/api/v1/grant-calls/{call}/actions/close"),
        &json!({}),
    )
    .await;
    let mut comments = vec![];
    for (n, reviewer) in reviewers.iter_mut().enumerate() {
        shows(
            reviewer,
            &format!("/reviews/{first}"),
            &[&title, &activity, &location, &plan, &criteria[0]],
        )
        .await;
        for application in [&first, &second] {
            let comment = hostile(&format!("grants.comment{n}"));
            ok(
                reviewer,
                &format!("/api/v1/reviews/{application}"),
                &json!({"scores": [4, 4, 4], "comment": comment}),
            )
            .await;
            comments.push(comment);
        }
    }
    let mine = &names[0];
    shows(&mut reviewers[0], "/reviews", &[&title, mine]).await;
    // The others' comments show once one's own review is in.
    let others = [&comments[2], &comments[4]];
    shows(&mut reviewers[0], &format!("/reviews/{first}"), &others).await;

    // Awards: a tranche and a visit for Aziza; Dilya's award is cancelled with a reason.
    ok(
        &mut officer,
        &format!("/api/v1/grant-calls/{call}/actions/decide"),
        &json!({}),
    )
    .await;
    ok(
        &mut officer,
        &format!("/api/v1/grant-applications/{first}/tranches/1/release"),
        &json!({}),
    )
    .await;
    let visit_notes = hostile("grants.visit");
    ok(
        &mut officer,
        &format!("/api/v1/grant-applications/{first}/visits"),
        &json!({"month": 6, "visited_on": day(&app, 0), "operating": true, "jobs_created": 2,
                "revenue_band": "5m_20m", "notes": visit_notes}),
    )
    .await;
    let cancel_reason = hostile("grants.cancel");
    ok(
        &mut officer,
        &format!("/api/v1/grant-applications/{second}/cancel"),
        &json!({"reason": cancel_reason}),
    )
    .await;

    shows(
        &mut officer,
        &call_page,
        &[
            &title,
            &activity,
            &dilya_activity,
            &names[0],
            &names[1],
            &names[2],
        ],
    )
    .await;
    shows(
        &mut officer,
        &format!("/grants/applications/{first}"),
        &[&activity, &location, &plan, &visit_notes, &names[0]],
    )
    .await;
    shows(
        &mut officer,
        &format!("/grants/applications/{second}"),
        &[&dilya_activity, &override_reason, &cancel_reason],
    )
    .await;
    shows(
        &mut dilya,
        &format!("/grants/applications/{second}"),
        &[&cancel_reason],
    )
    .await;
    shows(&mut aziza, "/grants", &[&activity]).await;
}

#[tokio::test]
async fn guidance_articles_are_escaped_in_drafts_the_diff_and_the_public_portal() {
    let app = TestApp::new().await;
    let mut writer = app.token_client(Role::Operator).await;
    let mut editor = app.token_client(Role::Editor).await;
    let slug = "xss-sweep";
    // Per language: a heading, a paragraph with a searchable word and two https addresses
    // built to break out of their `href`, and a list item.
    let body_of = |lang: &str| {
        format!(
            "## {}\n\n{} xsssweep https://example.org/x\"onmouseover=alert(4) https://example.org/{SCRIPT}\n\n- {}",
            hostile(&format!("guide.{lang}.heading")),
            hostile(&format!("guide.{lang}.paragraph")),
            hostile(&format!("guide.{lang}.item")),
        )
    };
    let article = json!({
        "slug": slug, "topic": "faq", "destination": "",
        "title": {"uz-Latn": hostile("guide.uz.title"), "ru": hostile("guide.ru.title"),
                  "en": hostile("guide.en.title")},
        "body": {"uz-Latn": body_of("uz"), "ru": body_of("ru"), "en": body_of("en")},
    });
    let res = writer.post_json("/api/v1/guidance", &article).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let step = |action: &str| format!("/api/v1/guidance/{slug}/actions/{action}");
    let note = hostile("guide.review_note");
    ok(&mut writer, &step("submit"), &json!({})).await;
    ok(&mut editor, &step("reject"), &json!({"note": note})).await;
    let en_texts = [
        hostile("guide.en.title"),
        hostile("guide.en.heading"),
        hostile("guide.en.paragraph"),
        hostile("guide.en.item"),
    ];
    // The draft's page: the review note and the texts in the form.
    let draft = shows(
        &mut writer,
        &format!("/guidance/{slug}?lang=en"),
        &[&note, &en_texts[0]],
    )
    .await;
    assert!(
        draft.contains("xsssweep"),
        "the body is in the form: {}",
        main_part(&draft)
    );
    shows(&mut writer, "/guidance", NONE).await;
    ok(&mut writer, &step("submit"), &json!({})).await;
    ok(&mut editor, &step("publish"), &json!({})).await;

    let mut public = app.client();
    let page = shows(&mut public, &format!("/guide/{slug}?lang=en"), &en_texts).await;
    assert!(
        page.contains("<a href=\"https://example.org/x"),
        "https addresses are still links: {}",
        main_part(&page)
    );
    for (lang, tag) in [("ru", "ru"), ("uz-Latn", "uz")] {
        shows(
            &mut public,
            &format!("/guide/{slug}?lang={lang}"),
            &[
                hostile(&format!("guide.{tag}.title")),
                hostile(&format!("guide.{tag}.paragraph")),
            ],
        )
        .await;
    }
    // The Uzbek Cyrillic text is transliterated from the Latin: escaped, in another script.
    shows(&mut public, &format!("/guide/{slug}?lang=uz-Cyrl"), NONE).await;
    shows(&mut public, "/guide?topic=faq&lang=en", &[&en_texts[0]]).await;
    shows(&mut public, "/guide?q=xsssweep&lang=en", &[&en_texts[0]]).await;

    // A second version: its diff shows the old and the new lines.
    let added = hostile("guide.diff_line");
    let mut revision = article.clone();
    revision["version"] = json!(1);
    revision["body"]["en"] = json!(format!("{}\n\n{added}", body_of("en")));
    let res = writer
        .put_json(&format!("/api/v1/guidance/{slug}"), &revision)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    shows(
        &mut writer,
        &format!("/guidance/{slug}/diff?from=1&to=2&lang=en"),
        &[&added],
    )
    .await;
}

#[tokio::test]
async fn cases_notes_referrals_partners_files_and_glass_reasons_are_escaped() {
    let app = TestApp::new().await;
    let mut supervisor = app.signed_in(Role::Supervisor).await;
    let partner_name = hostile("case.partner");
    let partner_contact = hostile("case.partner_contact");
    let partner = created(
        &mut supervisor,
        "/api/v1/partners",
        &json!({"name": partner_name, "kind": "consulate", "country": "RU", "contact": partner_contact}),
    )
    .await;
    let mut operator = app.signed_in(Role::Operator).await;
    let pin = Pinfl::generate(parse_date("1991-04-05").unwrap(), Gender::Female, 931);
    let person = created(
        &mut operator,
        "/api/v1/persons",
        &json!({"given_name": "Dilnoza", "family_name": "Karimova", "birth_date": "1991-04-05",
                "gender": "female", "pinfl": pin.as_str(), "region": "UZ-SA"}),
    )
    .await;
    let city = hostile("case.city");
    let summary = hostile("case.summary");
    let case = created(
        &mut operator,
        "/api/v1/cases",
        &json!({"person_id": person, "category": "EMP", "channel": "phone", "country": "RU",
                "city": city, "summary": summary}),
    )
    .await;
    ok(
        &mut operator,
        &format!("/api/v1/cases/{case}/actions/start"),
        &json!({}),
    )
    .await;
    let note = hostile("case.note");
    posted(
        &mut operator,
        &format!("/api/v1/cases/{case}/notes"),
        &json!({"body": note}),
    )
    .await;
    let request = hostile("case.request");
    let referral = created(
        &mut operator,
        &format!("/api/v1/cases/{case}/referrals"),
        &json!({"partner_id": partner, "request": request}),
    )
    .await;
    // A file whose name is hostile (the shown name keeps only the part after the last `/`,
    // so the payload without one).
    let file_name = format!("case.file {IMG}.pdf");
    let res = operator
        .request(
            Method::POST,
            &format!(
                "/api/v1/cases/{case}/attachments?name={}",
                urlencode(&file_name)
            ),
            Some("application/octet-stream"),
            Body::from(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec()),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // The partner accepts with a note.
    let mut consulate = app
        .signed_in_scoped(Role::Partner, &format!("partner:{partner}"))
        .await;
    let accepted = hostile("case.partner_note");
    ok(
        &mut consulate,
        &format!("/api/v1/referrals/{referral}/actions/accept"),
        &json!({"note": accepted}),
    )
    .await;
    // An officer elsewhere breaks the glass with a reason the supervisors read.
    let mut khorezm = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-XO")
        .await;
    let glass = hostile("case.glass");
    posted(
        &mut khorezm,
        &format!("/api/v1/cases/{case}/break-glass"),
        &json!({"reason": glass}),
    )
    .await;

    shows(
        &mut operator,
        &format!("/cases/{case}"),
        &[&city, &summary, &note, &partner_name, &accepted, &file_name],
    )
    .await;
    shows(&mut operator, "/cases", NONE).await;
    shows(&mut operator, "/cases?view=all", NONE).await;
    shows(&mut consulate, "/referrals", &[&city]).await;
    shows(
        &mut consulate,
        &format!("/referrals/{referral}"),
        &[&city, &request, &accepted],
    )
    .await;
    shows(
        &mut supervisor,
        "/partners",
        &[&partner_name, &partner_contact],
    )
    .await;
    shows(&mut supervisor, "/cases/supervision", &[&glass]).await;
    shows(&mut khorezm, &format!("/cases/{case}"), &[&summary]).await;
}

#[tokio::test]
async fn remittance_quotes_are_escaped_on_the_public_comparison_and_the_staff_list() {
    let app = TestApp::new().await;
    let mut editor = app.signed_in(Role::Editor).await;
    let provider = hostile("finance.provider");
    let source = hostile("finance.source");
    created(
        &mut editor,
        "/api/v1/remittance-quotes",
        &json!({
            "corridor": "RU-UZ", "provider": provider, "currency": "USD",
            "fee_fixed": "2", "fee_percent": "0", "fx_margin": "1.5",
            "speed": "minutes", "pickup": "card", "quoted_on": day(&app, -3), "source": source,
        }),
    )
    .await;
    let mut public = app.client();
    shows(
        &mut public,
        "/money?corridor=RU-UZ&amount=200&currency=USD",
        &[&provider, &source],
    )
    .await;
    shows(
        &mut public,
        "/money?corridor=RU-UZ&amount=200&currency=USD&lang=uz-Cyrl",
        NONE,
    )
    .await;
    shows(
        &mut editor,
        "/money/quotes?corridor=RU-UZ",
        &[&provider, &source],
    )
    .await;
}

#[tokio::test]
async fn pdo_centres_inspections_and_sessions_are_escaped() {
    let app = TestApp::new().await;
    let mut manager = app.signed_in(Role::PdoManager).await;
    let name = hostile("pdo.centre");
    let address = hostile("pdo.address");
    let contact = hostile("pdo.contact");
    let centre = created(
        &mut manager,
        "/api/v1/pdo/centres",
        &json!({"name": name, "region": "UZ-TK", "address": address, "capacity": 40, "contact": contact}),
    )
    .await;
    let notes = hostile("pdo.inspection");
    ok(
        &mut manager,
        &format!("/api/v1/pdo/centres/{centre}/inspections"),
        &json!({"inspected_on": day(&app, 0), "failed": [], "notes": notes}),
    )
    .await;
    let (email, _) = app.user(Role::Trainer, "").await;
    let trainer = user_id(&app, &email).await;
    let res = manager
        .post_json(
            "/api/v1/pdo/qualifications",
            &json!({"trainer_id": trainer, "destination": "GB", "issued_on": day(&app, -100),
                    "expires_on": day(&app, 300)}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let starts = day(&app, 2);
    let session = created(
        &mut manager,
        "/api/v1/pdo/sessions",
        &json!({"centre_id": centre, "destination": "GB", "starts_on": starts, "ends_on": starts,
                "capacity": 5, "language": "uz-Latn", "trainers": [trainer]}),
    )
    .await;

    shows(&mut manager, "/pdo/centres", &[&name, &address]).await;
    shows(
        &mut manager,
        &format!("/pdo/centres/{centre}"),
        &[&name, &address, &contact, &notes],
    )
    .await;
    shows(&mut manager, "/pdo", &[&name]).await;
    shows(&mut manager, &format!("/pdo/sessions/{session}"), &[&name]).await;
}

#[tokio::test]
async fn query_parameters_echoed_into_pages_are_escaped() {
    let app = TestApp::new().await;
    let mut visitor = app.client();
    let q = hostile("echo.check");
    shows_as(
        &mut visitor,
        &format!("/check?q={}", urlencode(&q)),
        OK_OR_INVALID,
        &[&q],
    )
    .await;
    let name = hostile("echo.report");
    shows(
        &mut visitor,
        &format!("/report?name={}", urlencode(&name)),
        &[&name],
    )
    .await;
    let guide = hostile("echo.guide");
    shows_as(
        &mut visitor,
        &format!("/guide?q={}", urlencode(&guide)),
        OK_OR_INVALID,
        &[&guide],
    )
    .await;
    let amount = hostile("echo.amount");
    shows_as(
        &mut visitor,
        &format!(
            "/money?corridor=RU-UZ&currency=USD&amount={}",
            urlencode(&amount)
        ),
        OK_OR_INVALID,
        &[&amount],
    )
    .await;
    let income = hostile("echo.income");
    let send_home = hostile("echo.send_home");
    shows_as(
        &mut visitor,
        &format!(
            "/money/plan?currency=USD&income={}&send_home={}",
            urlencode(&income),
            urlencode(&send_home)
        ),
        OK_OR_INVALID,
        &[&income, &send_home],
    )
    .await;
    for next in [LINK, IMG, SCRIPT] {
        shows_as(
            &mut visitor,
            &format!("/login?next={}", urlencode(next)),
            OK_OR_INVALID,
            NONE,
        )
        .await;
    }

    let mut operator = app.signed_in(Role::Operator).await;
    let who = hostile("echo.people");
    shows(
        &mut operator,
        &format!("/people?q={}", urlencode(&who)),
        &[&who],
    )
    .await;
    shows(
        &mut operator,
        &format!("/people?q={}&partial=1", urlencode(&who)),
        NONE,
    )
    .await;
    let mut officer = app.signed_in(Role::LicensingOfficer).await;
    let agency = hostile("echo.recruiters");
    shows(
        &mut officer,
        &format!("/recruiters?q={}", urlencode(&agency)),
        &[&agency],
    )
    .await;
}
