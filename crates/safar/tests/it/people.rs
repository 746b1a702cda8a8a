//! The people registry: registration, search in any script, scoped and audited reads,
//! encrypted passports, journeys, export of one's own data.

use http::StatusCode;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

fn pinfl(birth: &str, gender: Gender, tail: u32) -> String {
    Pinfl::generate(parse_date(birth).unwrap(), gender, tail)
        .as_str()
        .to_string()
}

fn person(
    given: &str,
    family: &str,
    birth: &str,
    gender: Gender,
    tail: u32,
    region: &str,
) -> Value {
    json!({
        "given_name": given, "family_name": family, "birth_date": birth,
        "gender": if gender == Gender::Male { "male" } else { "female" },
        "pinfl": pinfl(birth, gender, tail), "region": region, "phones": [],
    })
}

async fn create(c: &mut Client, body: &Value) -> String {
    let res = c.post_json("/api/v1/persons", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn registration_validates_every_field_and_refuses_a_second_pinfl() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let mut body = person("Oʻtkir", "Xoʻjayev", "1990-05-14", Gender::Male, 1, "UZ-SA");
    body["phones"] = json!(["90 123 45 67"]);
    body["passport_no"] = json!("aa 1234567");
    let id = create(&mut op, &body).await;
    let again = op.post_json("/api/v1/persons", &body).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["type"], "urn:safar:problem:conflict");

    let mut wrong_gender = person(
        "Aziza",
        "Karimova",
        "1990-05-14",
        Gender::Female,
        2,
        "UZ-SA",
    );
    wrong_gender["pinfl"] = json!(pinfl("1990-05-14", Gender::Male, 2));
    let res = op.post_json("/api/v1/persons?lang=en", &wrong_gender).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["errors"][0]["field"], "pinfl");
    assert!(
        res.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("gender")
    );

    let junk = json!({ "given_name": "<b>", "family_name": "", "birth_date": "2090-01-01", "gender": "x",
        "pinfl": "123", "region": "UZ-XX", "district": "1", "phones": ["call me"], "passport_no": "12" });
    let res = op.post_json("/api/v1/persons", &junk).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = res.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().into())
        .collect();
    for f in [
        "given_name",
        "family_name",
        "birth_date",
        "gender",
        "pinfl",
        "region",
        "phones",
        "passport_no",
    ] {
        assert!(
            fields.contains(&f.to_string()),
            "{f} not named in {fields:?}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, 1);
    let record = op.get(&format!("/api/v1/persons/{id}")).await.json();
    assert_eq!(record["family_name_cyrl"], "Хўжаев");
    assert_eq!(record["phones"][0], "+998901234567");
    assert_eq!(app.audit_count("person.create").await, 1);
}

#[tokio::test]
async fn a_name_is_found_whatever_the_script_and_spelling() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let latin = create(
        &mut op,
        &person("Oʻtkir", "Xoʻjayev", "1990-05-14", Gender::Male, 1, "UZ-SA"),
    )
    .await;
    let russian = create(
        &mut op,
        &person("Уткир", "Ходжаев", "1988-02-03", Gender::Male, 2, "UZ-TK"),
    )
    .await;
    let other = create(
        &mut op,
        &person(
            "Aziza",
            "Karimova",
            "1995-07-21",
            Gender::Female,
            3,
            "UZ-AN",
        ),
    )
    .await;
    for q in [
        "Oʻtkir Xoʻjayev",
        "O'tkir Xojayev",
        "Ўткир Хўжаев",
        "Utkir Khodjaev",
        "Уткир Ходжаев",
        "xojayev",
        "Xo‘ja",
    ] {
        let found = names(
            &op.get(&format!("/api/v1/persons?q={}", urlencode(q)))
                .await
                .json(),
        );
        assert!(
            found.contains(&latin),
            "{q} should find the Latin entry: {found:?}"
        );
        if q != "Xo‘ja" {
            assert!(
                found.contains(&russian),
                "{q} should find the Russian-style entry: {found:?}"
            );
        }
        assert!(!found.contains(&other), "{q} must not find Karimova");
    }
    for q in ["Karimov", "Каримова", "Karimova Aziza", "Kraimova"] {
        let found = names(
            &op.get(&format!("/api/v1/persons?q={}", urlencode(q)))
                .await
                .json(),
        );
        assert_eq!(found.first(), Some(&other), "{q}: {found:?}");
    }
    let by_year = names(
        &op.get("/api/v1/persons?q=Xojayev&birth_year=1988")
            .await
            .json(),
    );
    assert_eq!(by_year, vec![russian.clone()]);
    let by_region = names(
        &op.get("/api/v1/persons?q=Xojayev&region=UZ-SA")
            .await
            .json(),
    );
    assert_eq!(by_region, vec![latin.clone()]);
    let page = op.get("/api/v1/persons?q=Xojayev&limit=1").await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let rest = op
        .get(&format!(
            "/api/v1/persons?q=Xojayev&limit=1&cursor={}",
            page["cursor"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_ne!(rest["items"][0]["id"], page["items"][0]["id"]);
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .unwrap()
        .trim_start_matches('=')
        .to_string()
}

#[tokio::test]
async fn exact_identifiers_find_one_person_and_passports_stay_encrypted() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let mut body = person(
        "Dilnoza",
        "Rahimova",
        "1992-11-30",
        Gender::Female,
        7,
        "UZ-FA",
    );
    body["phones"] = json!(["+998 93 555 11 22"]);
    body["passport_no"] = json!("AB7654321");
    let id = create(&mut op, &body).await;
    let pinfl = body["pinfl"].as_str().unwrap().to_string();
    for q in [
        pinfl.as_str(),
        "93 555 11 22",
        "8 93 555 11 22",
        "ab 7654321",
    ] {
        assert_eq!(
            names(
                &op.get(&format!("/api/v1/persons?q={}", urlencode(q)))
                    .await
                    .json()
            ),
            vec![id.clone()],
            "{q}"
        );
    }
    // Operators do not see passports; supervisors do.
    assert!(op.get(&format!("/api/v1/persons/{id}")).await.json()["passport_no"].is_null());
    let mut sup = app.token_client(Role::Supervisor).await;
    assert_eq!(
        sup.get(&format!("/api/v1/persons/{id}")).await.json()["passport_no"],
        "AB7654321"
    );
    // Nowhere in the database is the plaintext.
    use sqlx::Row;
    let rows = sqlx::query("SELECT * FROM persons")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    for row in &rows {
        for i in 0..sqlx::Row::len(row) {
            let text: Option<String> = row.try_get(i).unwrap_or(None);
            assert!(
                !text.unwrap_or_default().contains("7654321"),
                "plaintext passport in column {i}"
            );
        }
    }
    let audit: Vec<String> = sqlx::query("SELECT details FROM audit_log")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("details").unwrap())
        .collect();
    assert!(
        audit.iter().all(|d| !d.contains("7654321")),
        "nor in the audit log"
    );
    if app.backend() == safar::platform::db::Backend::Sqlite {
        sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let path = app.url.trim_start_matches("sqlite://");
        for file in [path.to_string(), format!("{path}-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                assert!(
                    !bytes.windows(9).any(|w| w == b"AB7654321"),
                    "plaintext in {file}"
                );
            }
        }
    }
}

#[tokio::test]
async fn reads_are_scoped_and_audited_with_their_purpose() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let samarkand = create(
        &mut op,
        &person(
            "Jasur",
            "Toshmatov",
            "1985-03-09",
            Gender::Male,
            11,
            "UZ-SA",
        ),
    )
    .await;
    let andijan = create(
        &mut op,
        &person("Bobur", "Aliyev", "1987-04-10", Gender::Male, 12, "UZ-AN"),
    )
    .await;

    let mut regional = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-SA")
        .await;
    assert_eq!(
        regional
            .get(&format!("/api/v1/persons/{samarkand}?purpose=case"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        regional
            .get(&format!("/api/v1/persons/{andijan}?purpose=case"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let found = names(&regional.get("/api/v1/persons?q=Aliyev").await.json());
    assert!(
        found.is_empty(),
        "out-of-scope persons are not even listed: {found:?}"
    );
    assert_eq!(
        regional
            .get(&format!("/people/{andijan}?purpose=case"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let mut analyst = app.signed_in(Role::Analyst).await;
    assert_eq!(
        analyst
            .get(&format!("/api/v1/persons/{samarkand}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        analyst.get("/api/v1/persons?q=Toshmatov").await.status,
        StatusCode::FORBIDDEN
    );
    let mut citizen = app.signed_in(Role::Citizen).await;
    assert_eq!(
        citizen
            .get(&format!("/api/v1/persons/{samarkand}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        regional
            .get(&format!("/api/v1/persons/{samarkand}?purpose=curiosity"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    use sqlx::Row;
    let reads = sqlx::query(
        "SELECT details, actor_role FROM audit_log WHERE action = 'person.read' AND target_id = $1",
    )
    .bind(&samarkand)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(reads.len(), 1, "one successful read, one entry");
    let details: Value =
        serde_json::from_str(&reads[0].try_get::<String, _>("details").unwrap()).unwrap();
    assert_eq!(details["purpose"], "case");
    assert_eq!(
        reads[0].try_get::<String, _>("actor_role").unwrap(),
        "regional_officer"
    );
}

#[tokio::test]
async fn journeys_set_the_status_and_are_recorded_once() {
    let app = TestApp::new().await;
    let mut op = app.token_client(Role::Operator).await;
    let id = create(
        &mut op,
        &person("Sardor", "Qodirov", "1993-08-08", Gender::Male, 21, "UZ-NG"),
    )
    .await;
    let depart = json!({ "kind": "departure", "date": "2025-03-01", "country": "RU", "channel": "official", "employer": "OOO Stroy" });
    assert_eq!(
        op.post_json(&format!("/api/v1/persons/{id}/journeys"), &depart)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        op.get(&format!("/api/v1/persons/{id}")).await.json()["status"],
        "abroad"
    );
    assert_eq!(
        op.post_json(&format!("/api/v1/persons/{id}/journeys"), &depart)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let back = json!({ "kind": "return", "date": "2025-11-20", "country": "RU" });
    assert_eq!(
        op.post_json(&format!("/api/v1/persons/{id}/journeys"), &back)
            .await
            .status,
        StatusCode::CREATED
    );
    let record = op.get(&format!("/api/v1/persons/{id}")).await.json();
    assert_eq!(record["status"], "returned");
    assert_eq!(record["journeys"].as_array().unwrap().len(), 2);
    let bad =
        json!({ "kind": "flight", "date": "2999-01-01", "country": "XX", "channel": "smuggled" });
    let res = op
        .post_json(&format!("/api/v1/persons/{id}/journeys"), &bad)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["errors"].as_array().unwrap().len(), 4);
    let mut outsider = app
        .signed_in_scoped(Role::RegionalOfficer, "region:UZ-SA")
        .await;
    let res = outsider
        .post_json(
            &format!("/api/v1/persons/{id}/journeys"),
            &json!({ "kind": "return", "date": "2025-12-01", "country": "RU" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("journey.create").await, 2);
}

#[tokio::test]
async fn citizens_register_themselves_once_and_download_their_data() {
    let app = TestApp::new().await;
    let mut citizen = app.signed_in(Role::Citizen).await;
    let mut body = person(
        "Malika",
        "Yusupova",
        "2000-01-15",
        Gender::Female,
        31,
        "UZ-BU",
    );
    body["passport_no"] = json!("AC1112223");
    let id = create(&mut citizen, &body).await;
    let export = citizen.get(&format!("/api/v1/persons/{id}/export")).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export
            .header("content-disposition")
            .starts_with("attachment")
    );
    assert_eq!(export.json()["passport_no"], "AC1112223");
    assert_eq!(
        citizen.get(&format!("/api/v1/persons/{id}")).await.status,
        StatusCode::OK,
        "their own record"
    );
    let second = citizen
        .post_json(
            "/api/v1/persons",
            &person(
                "Malika",
                "Yusupova",
                "2000-01-15",
                Gender::Female,
                32,
                "UZ-BU",
            ),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    let mut stranger = app.signed_in(Role::Citizen).await;
    assert_eq!(
        stranger
            .get(&format!("/api/v1/persons/{id}/export"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut op = app.token_client(Role::Operator).await;
    assert_eq!(
        op.get(&format!("/api/v1/persons/{id}/export")).await.status,
        StatusCode::FORBIDDEN,
        "export is the citizen's own"
    );
    assert_eq!(app.audit_count("person.export").await, 1);
}

#[tokio::test]
async fn staff_pages_search_open_with_a_purpose_and_record_journeys() {
    let app = TestApp::new().await;
    let mut op = app.signed_in(Role::Operator).await;
    let bad = op
        .post_form(
            "/people?lang=en",
            &[
                ("given_name", "Aziz"),
                ("family_name", ""),
                ("pinfl", "1"),
                ("region", "UZ-SA"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("A PINFL has exactly 14 digits.") && bad.body.contains(r#"value="Aziz""#)
    );
    let pin = pinfl("1991-09-01", Gender::Male, 41);
    let form = [
        ("given_name", "Aziz"),
        ("family_name", "Ergashev"),
        ("birth_date", "1991-09-01"),
        ("gender", "male"),
        ("pinfl", pin.as_str()),
        ("region", "UZ-SA"),
        ("phones", "90 111 22 33\n+998 91 444 55 66"),
        ("passport_no", ""),
    ];
    let created = op.post_form("/people", &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let results = op
        .get("/people?q=%D0%AD%D1%80%D0%B3%D0%B0%D1%88%D0%B5%D0%B2&lang=en")
        .await;
    assert!(
        results.body.contains("Ergashev Aziz"),
        "found by the Cyrillic spelling"
    );
    let id = results
        .body
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("href=\"/people/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let ask = op.get(&format!("/people/{id}?lang=en")).await;
    assert!(ask.body.contains("Why are you opening this record?"));
    let record = op
        .get(&format!("/people/{id}?purpose=identity_check&lang=en"))
        .await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.body.contains("+998904112233") || record.body.contains("+998901112233"));
    let journey = op
        .post_form(
            &format!("/people/{id}/journeys"),
            &[
                ("purpose", "case"),
                ("kind", "departure"),
                ("date", "2024-05-05"),
                ("country", "KZ"),
                ("channel", "independent"),
            ],
        )
        .await;
    assert_eq!(journey.status, StatusCode::SEE_OTHER);
    assert!(
        op.get(&format!("/people/{id}?purpose=case&lang=en"))
            .await
            .body
            .contains("2024-05-05")
    );
}
