//! Analytics: indicators against a hand-counted fixture, public suppression, staff scope,
//! the cubes kept by every write path equal a rebuild, exports, and that no analytics
//! answer carries a person.

use http::StatusCode;
use safar::analytics::rollup;
use safar::people::model::{Gender, Pinfl, parse_date};
use safar::people::service::{self, NewJourney, NewPerson};
use safar::platform::access::{Actor, Role};
use serde_json::Value;

use crate::grants::with_token;
use crate::support::{Client, TestApp};

/// A person of `region` (and `district`), with the given departures and returns:
/// (kind, date, country, channel). Returns the person's id and PINFL.
async fn person_with_journeys(
    app: &TestApp,
    tail: u32,
    gender: Gender,
    region: &str,
    district: Option<&str>,
    journeys: &[(&str, &str, &str, &str)],
) -> (String, String) {
    let birth = "1990-05-05";
    let pinfl = Pinfl::generate(parse_date(birth).unwrap(), gender, tail)
        .as_str()
        .to_string();
    let input = NewPerson {
        given_name: "Dilnoza".into(),
        family_name: "Qurbonova".into(),
        birth_date: birth.into(),
        gender: match gender {
            Gender::Male => "male",
            Gender::Female => "female",
        }
        .into(),
        pinfl: pinfl.clone(),
        region: region.into(),
        district: district.map(String::from),
        ..NewPerson::default()
    };
    let console = Actor::console();
    let id = service::create(app.people(), &console, &input)
        .await
        .unwrap();
    for (kind, date, country, channel) in journeys {
        let j = NewJourney {
            kind: kind.to_string(),
            date: date.to_string(),
            country: country.to_string(),
            channel: Some(channel.to_string()),
            ..NewJourney::default()
        };
        service::add_journey(app.people(), &console, &id, &j)
            .await
            .unwrap();
    }
    (id, pinfl)
}

/// The fixture, counted by hand:
/// - UZ-AN: 6 women left for RU officially in 2025-03; 2 men for KZ independently in 2025-03.
/// - UZ-SA: 7 men left for RU independently in 2025-04 (3 came back in 2025-06); 1 woman
///   left for RU officially in 2025-04.
async fn fixture(app: &TestApp) -> Vec<(String, String)> {
    let mut people = vec![];
    let mut tail = 100;
    let mut add = |n: u32| {
        tail += n;
        tail
    };
    for _ in 0..6 {
        let t = add(1);
        people.push(
            person_with_journeys(
                app,
                t,
                Gender::Female,
                "UZ-AN",
                Some("1703202"),
                &[("departure", "2025-03-10", "RU", "official")],
            )
            .await,
        );
    }
    for _ in 0..2 {
        let t = add(1);
        people.push(
            person_with_journeys(
                app,
                t,
                Gender::Male,
                "UZ-AN",
                None,
                &[("departure", "2025-03-12", "KZ", "independent")],
            )
            .await,
        );
    }
    for i in 0..7 {
        let t = add(1);
        let mut journeys = vec![("departure", "2025-04-02", "RU", "independent")];
        if i < 3 {
            journeys.push(("return", "2025-06-20", "RU", "independent"));
        }
        people.push(person_with_journeys(app, t, Gender::Male, "UZ-SA", None, &journeys).await);
    }
    let t = add(1);
    people.push(
        person_with_journeys(
            app,
            t,
            Gender::Female,
            "UZ-SA",
            None,
            &[("departure", "2025-04-03", "RU", "official")],
        )
        .await,
    );
    people
}

/// The rows of a table as (keys joined by `|`, value) in the order given.
fn rows(body: &Value, dims: &[&str]) -> Vec<(String, Value)> {
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let key: Vec<&str> = dims.iter().map(|d| r[*d].as_str().unwrap()).collect();
            (key.join("|"), r["value"].clone())
        })
        .collect()
}

async fn analyst(app: &TestApp) -> Client {
    let (email, _) = app.user(Role::Analyst, "").await;
    with_token(app, &email).await
}

#[tokio::test]
async fn indicators_match_the_hand_counted_fixture() {
    let app = TestApp::new().await;
    fixture(&app).await;
    let mut staff = analyst(&app).await;

    let res = staff
        .get("/api/v1/indicators/departures?by=region,gender")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        rows(&res.json(), &["region", "gender"]),
        vec![
            ("UZ-AN|female".into(), Value::from(6)),
            ("UZ-AN|male".into(), Value::from(2)),
            ("UZ-SA|female".into(), Value::from(1)),
            ("UZ-SA|male".into(), Value::from(7)),
        ]
    );
    let by_month = staff
        .get("/api/v1/indicators/departures?by=month")
        .await
        .json();
    assert_eq!(
        rows(&by_month, &["month"]),
        vec![
            ("2025-03".into(), Value::from(8)),
            ("2025-04".into(), Value::from(8))
        ]
    );
    let returns = staff
        .get("/api/v1/indicators/returns?by=month,region")
        .await
        .json();
    assert_eq!(
        rows(&returns, &["month", "region"]),
        vec![("2025-06|UZ-SA".into(), Value::from(3))]
    );
    let share = staff
        .get("/api/v1/indicators/official_share?by=region")
        .await
        .json();
    assert_eq!(
        rows(&share, &["region"]),
        vec![
            ("UZ-AN".into(), Value::from(75.0)),
            ("UZ-SA".into(), Value::from(12.5))
        ]
    );
    let april = staff
        .get("/api/v1/indicators/departures?by=region&from=2025-04&to=2025-12")
        .await
        .json();
    assert_eq!(
        rows(&april, &["region"]),
        vec![("UZ-SA".into(), Value::from(8))]
    );
    let women_to_russia = staff
        .get("/api/v1/indicators/departures?by=region&gender=female&destination=RU")
        .await
        .json();
    assert_eq!(
        rows(&women_to_russia, &["region", "gender", "destination"]),
        vec![
            ("UZ-AN|female|RU".into(), Value::from(6)),
            ("UZ-SA|female|RU".into(), Value::from(1))
        ]
    );
    let districts = staff
        .get("/api/v1/indicators/departures?by=district")
        .await
        .json();
    assert_eq!(
        rows(&districts, &["district"]),
        vec![
            ("".into(), Value::from(10)),
            ("1703202".into(), Value::from(6))
        ]
    );
}

#[tokio::test]
async fn the_public_never_sees_a_count_under_five_nor_one_it_could_subtract() {
    let app = TestApp::new().await;
    fixture(&app).await;
    let mut public = app.client();

    let res = public
        .get("/api/v1/public/indicators/departures?by=region,gender")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // 2 and 1 are hidden; each shares a row and a column with one visible cell, which
    // would give it away, so all four are hidden.
    let body = res.json();
    for row in body["rows"].as_array().unwrap() {
        assert_eq!(row["suppressed"], true, "{row}");
        assert!(row["value"].is_null());
    }
    assert_eq!(body["rows"].as_array().unwrap().len(), 4);
    // Totals by region are 8 and 8: shown.
    let regions = public
        .get("/api/v1/public/indicators/departures?by=region")
        .await
        .json();
    assert_eq!(
        rows(&regions, &["region"]),
        vec![
            ("UZ-AN".into(), Value::from(8)),
            ("UZ-SA".into(), Value::from(8))
        ]
    );
    // By destination: KZ has 2, so RU (14) would give it away from the total of 16.
    let countries = public
        .get("/api/v1/public/indicators/departures?by=destination")
        .await
        .json();
    assert_eq!(
        rows(&countries, &["destination"]),
        vec![("KZ".into(), Value::Null), ("RU".into(), Value::Null)]
    );
    // A filter cuts the same cells from the full table.
    let women = public
        .get("/api/v1/public/indicators/departures?by=region&gender=female")
        .await
        .json();
    assert!(
        women["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["suppressed"] == true)
    );
    // Every value anywhere is at least 5 or null.
    for query in [
        "by=month",
        "by=region,channel",
        "by=destination,gender",
        "by=sector",
        "by=",
    ] {
        let body = public
            .get(&format!("/api/v1/public/indicators/departures?{query}"))
            .await
            .json();
        for row in body["rows"].as_array().unwrap() {
            let shown = row["value"].as_i64();
            assert!(shown.is_none_or(|v| v >= 5), "{query}: {row}");
            assert_eq!(
                row["suppressed"].as_bool(),
                Some(shown.is_none()),
                "{query}: {row}"
            );
        }
    }
    // Public tables cover one calendar year, whatever months are asked for: two overlapping
    // periods would otherwise give a hidden count as their difference.
    let march = public
        .get("/api/v1/public/indicators/departures?by=region&from=2025-03&to=2025-03")
        .await
        .json();
    assert_eq!(
        (march["from"].as_str(), march["to"].as_str()),
        (Some("2025-01"), Some("2025-12"))
    );
    assert_eq!(march["rows"], regions["rows"]);
    let money = public
        .get("/api/v1/public/indicators/money_recovered?by=month,region")
        .await;
    assert_eq!(
        money.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "month × region × currency is three"
    );
    // The CSV: the same table, hidden cells empty.
    let csv = public
        .get("/api/v1/public/open-data/departures.csv?by=destination")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert_eq!(
        csv.body,
        "destination,value,suppressed\nKZ,,true\nRU,,true\n"
    );
    let shown = public
        .get("/api/v1/public/open-data/departures.csv?by=region")
        .await;
    assert_eq!(
        shown.body,
        "region,value,suppressed\nUZ-AN,8,false\nUZ-SA,8,false\n"
    );
}

#[tokio::test]
async fn bad_requests_are_refused_clearly() {
    let app = TestApp::new().await;
    let mut public = app.client();
    for (query, field) in [
        ("by=planet", "by"),
        ("by=region&from=2025-13", "from"),
        ("by=region&from=2025-05&to=2025-01", "to"),
        ("by=region,gender,month", "by"),
        ("by=district,destination", "by"),
        ("by=region&gender=%3Cscript%3E", "gender"),
        ("by=region&from=2025-+1", "from"),
    ] {
        let res = public
            .get(&format!("/api/v1/public/indicators/departures?{query}"))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            res.body
        );
        assert!(
            res.body.contains(&format!("\"{field}\"")),
            "{query}: {}",
            res.body
        );
    }
    let official_by_channel = public
        .get("/api/v1/public/indicators/official_share?by=channel")
        .await;
    assert_eq!(official_by_channel.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        public.get("/api/v1/public/indicators/persons").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        public
            .get("/api/v1/public/open-data/departures.json")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The page keeps the form and says what is wrong, in the reader's language.
    let page = public
        .get("/open-data?indicator=departures&by=region&from=2025-13&lang=ru")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Укажите месяц в виде ГГГГ-ММ."),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn staff_tables_are_exact_within_the_readers_regions_and_refused_to_others() {
    let app = TestApp::new().await;
    fixture(&app).await;
    let (email, _) = app.user(Role::RegionalOfficer, "region:UZ-AN").await;
    let mut officer = with_token(&app, &email).await;
    let mine = officer
        .get("/api/v1/indicators/departures?by=region,gender")
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(
        rows(&mine.json(), &["region", "gender"]),
        vec![
            ("UZ-AN|female".into(), Value::from(6)),
            ("UZ-AN|male".into(), Value::from(2))
        ]
    );
    let total = officer.get("/api/v1/indicators/departures").await.json();
    assert_eq!(total["rows"][0]["value"], 8, "only their region counts");
    // A national breakdown (destination) is still cut to their region.
    let countries = officer
        .get("/api/v1/indicators/departures?by=destination")
        .await
        .json();
    assert_eq!(
        rows(&countries, &["destination"]),
        vec![("KZ".into(), Value::from(2)), ("RU".into(), Value::from(6))]
    );
    assert_eq!(
        officer
            .get("/api/v1/indicators/departures?region=UZ-SA")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Roles without analytics, and anonymous callers, are refused the staff tables.
    for role in [Role::Citizen, Role::Operator, Role::Trainer, Role::Partner] {
        let mut c = app.token_client(role).await;
        assert_eq!(
            c.get("/api/v1/indicators/departures").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            c.get("/analytics").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    assert_eq!(
        app.client()
            .get("/api/v1/indicators/departures")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn no_analytics_answer_carries_a_person() {
    let app = TestApp::new().await;
    let people = fixture(&app).await;
    let mut staff = analyst(&app).await;
    let mut public = app.client();
    let mut answers = vec![];
    for indicator in ["departures", "returns", "official_share"] {
        for by in [
            "",
            "region,gender",
            "month",
            "destination",
            "sector,gender",
            "region,channel",
        ] {
            let q = format!("{indicator}?by={by}");
            answers.push(staff.get(&format!("/api/v1/indicators/{q}")).await.body);
            answers.push(
                public
                    .get(&format!("/api/v1/public/indicators/{q}"))
                    .await
                    .body,
            );
            answers.push(staff.get(&format!("/analytics?indicator={q}")).await.body);
            answers.push(
                staff
                    .get(&format!("/analytics/export.csv?indicator={q}"))
                    .await
                    .body,
            );
            answers.push(public.get(&format!("/open-data?indicator={q}")).await.body);
            answers.push(
                public
                    .get(&format!("/api/v1/public/open-data/{q}").replace("?", ".csv?"))
                    .await
                    .body,
            );
        }
    }
    for (id, pinfl) in &people {
        for answer in &answers {
            assert!(
                !answer.contains(id.as_str()),
                "a person id in an analytics answer"
            );
            assert!(
                !answer.contains(pinfl.as_str()),
                "a PINFL in an analytics answer"
            );
            assert!(
                !answer.contains("Qurbonova"),
                "a name in an analytics answer"
            );
        }
    }
}

#[tokio::test]
async fn every_write_path_keeps_the_cubes_equal_to_a_rebuild() {
    let app = TestApp::new().await;
    // Single journeys through the service.
    let people = fixture(&app).await;
    // Synthetic persons written in bulk.
    let plan = safar::people::synthetic::Plan {
        seed: 11,
        first: 5_000,
        count: 150,
        batch: 40,
    };
    safar::people::synthetic::populate(app.people(), plan, |_| {})
        .await
        .unwrap();
    // An import adding journeys to known and to new persons, read twice.
    let known = &people[0].1;
    let newcomer = Pinfl::generate(parse_date("1999-09-09").unwrap(), Gender::Female, 7)
        .as_str()
        .to_string();
    let csv = format!(
        "pinfl,kind,date,country,channel,family_name,given_name,birth_date,gender,region\n\
         {known},return,2025-08-01,RU,official,,,,,\n\
         {newcomer},departure,2025-06-01,KR,official,Rahimova,Shahnoza,1999-09-09,female,UZ-TK\n"
    );
    for _ in 0..2 {
        let mut rejected = vec![];
        safar::people::import::import_journeys(
            app.people(),
            &Actor::console(),
            csv.as_bytes(),
            &mut rejected,
            |_, _| {},
        )
        .await
        .unwrap();
        assert!(rejected.is_empty());
    }
    // Anonymisation forgets a district: the person's journeys move cells.
    let mut tx = app.db.begin().await.unwrap();
    safar::people::store::anonymise(&mut tx, &people[0].0, app.clock.now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let kept = rollup::snapshot(&app.db).await.unwrap();
    assert!(kept.len() > 100, "the cubes hold the synthetic journeys");
    let journeys = app.count("SELECT COUNT(*) FROM journeys").await;
    for cube in rollup::CUBES {
        use sqlx::Row;
        let counted: i64 =
            sqlx::query("SELECT CAST(SUM(n) AS BIGINT) FROM journey_facts WHERE cube = $1")
                .bind(cube.name)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(
            journeys, counted,
            "every journey counted once in cube {}",
            cube.name
        );
    }
    let district_cells = app
        .count("SELECT CAST(SUM(n) AS BIGINT) FROM journey_facts WHERE cube = 'geo' AND district = '1703202'")
        .await;
    assert_eq!(district_cells, journeys_in(&app, "1703202").await);

    rollup::rebuild(&app.db, &Actor::console(), &app.clock)
        .await
        .unwrap();
    assert_eq!(rollup::snapshot(&app.db).await.unwrap(), kept);
    assert_eq!(app.audit_count("analytics.rebuild").await, 1);
}

/// Journeys of persons now living in `district`, counted on the raw tables.
async fn journeys_in(app: &TestApp, district: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM journeys j JOIN persons p ON p.id = j.person_id WHERE p.district_soato = $1")
        .bind(district)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

#[tokio::test]
async fn dashboards_draw_charts_and_export_files() {
    let app = TestApp::new().await;
    fixture(&app).await;
    let mut staff = analyst(&app).await;
    let page = staff
        .get("/analytics?indicator=departures&by=region,gender")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg"), "a chart");
    assert!(
        page.body.contains("id=\"result-table\""),
        "the table beside it"
    );
    assert!(page.body.contains("Andijon viloyati"), "regions named");
    let map = staff
        .get("/analytics?indicator=departures&by=region&lang=en")
        .await;
    assert!(map.body.contains("Andijan Region: 8"), "{}", map.body);
    let xlsx = staff
        .get("/analytics/export.xlsx?indicator=departures&by=region,gender")
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.header("content-type").contains("spreadsheetml"));
    assert!(xlsx.body.starts_with("PK"));
    let csv = staff
        .get("/analytics/export.csv?indicator=departures&by=region,gender&lang=en")
        .await;
    assert_eq!(
        csv.body,
        "Region,Gender,Departures\nAndijan Region,Women,6\nAndijan Region,Men,2\nSamarkand Region,Women,1\nSamarkand Region,Men,7\n"
    );
    let public = app
        .client()
        .get("/open-data?indicator=departures&by=destination&lang=en")
        .await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public.body.contains("class=\"suppressed\""),
        "hidden cells marked"
    );
    assert!(public.body.contains("How small numbers are protected"));
    let definition = app
        .client()
        .get("/indicators/official_share?lang=uz-Cyrl")
        .await;
    assert_eq!(definition.status, StatusCode::OK);
    assert_eq!(
        app.client().get("/indicators/nothing").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A person registered by `operator` in `region`; returns their id.
async fn registered(operator: &mut Client, region: &str, tail: u32) -> String {
    let pin = Pinfl::generate(parse_date("1991-04-04").unwrap(), Gender::Male, tail);
    let res = operator
        .post_json(
            "/api/v1/persons",
            &serde_json::json!({"given_name": "Jasur", "family_name": "Tursunov", "birth_date": "1991-04-04",
                    "gender": "male", "pinfl": pin.as_str(), "region": region}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn cases_and_events_are_counted_as_they_change_and_equal_a_rebuild() {
    use serde_json::json;
    let app = TestApp::new().await;
    let mut operator = app.token_client(Role::Operator).await;
    let mut cases = vec![];
    for tail in 0..6 {
        let person = registered(&mut operator, "UZ-SA", 300 + tail).await;
        let body = json!({"person_id": person, "category": "EMP", "channel": "phone", "country": "RU",
                          "summary": "Wages unpaid."});
        let res = operator.post_json("/api/v1/cases", &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        cases.push(res.json()["id"].as_str().unwrap().to_string());
    }
    let person = registered(&mut operator, "UZ-AN", 320).await;
    let doc = json!({"person_id": person, "category": "DOC", "channel": "phone", "country": "KZ",
                     "summary": "Passport kept by the employer."});
    assert_eq!(
        operator.post_json("/api/v1/cases", &doc).await.status,
        StatusCode::CREATED
    );
    // Two cases resolved and closed, one with money recovered; the other reopened.
    for (i, closure) in [
        json!({"outcome": "resolved_money", "amount_recovered": 90000, "currency": "RUB"}),
        json!({"outcome": "resolved_other"}),
    ]
    .iter()
    .enumerate()
    {
        let step = |a: &str| format!("/api/v1/cases/{}/actions/{a}", cases[i]);
        for action in ["assign", "start", "resolve"] {
            let res = operator.post_json(&step(action), &json!({})).await;
            assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
        }
        let res = operator.post_json(&step("close"), closure).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let reopen = format!("/api/v1/cases/{}/actions/reopen", cases[1]);
    assert_eq!(
        operator.post_json(&reopen, &json!({})).await.status,
        StatusCode::OK
    );

    // An awareness event in Andijan, held and reported: 40 women and 35 men.
    let (email, _) = app.user(Role::RegionalOfficer, "region:UZ-AN").await;
    let mut officer = with_token(&app, &email).await;
    let today = safar::recruiters::service::today(&app.clock).to_string();
    let event = officer
        .post_json(
            "/api/v1/outreach/events",
            &json!({"title": "Xavfsiz migratsiya", "kind": "mahalla_meeting", "topics": ["fraud"],
                    "region": "UZ-AN", "district": "1703202", "place": "Navbahor", "planned_on": today}),
        )
        .await;
    assert_eq!(event.status, StatusCode::CREATED, "{}", event.body);
    let id = event.json()["id"].as_str().unwrap().to_string();
    let act = |a: &str| format!("/api/v1/outreach/events/{id}/actions/{a}");
    assert_eq!(
        officer
            .post_json(&act("hold"), &json!({"held_on": today}))
            .await
            .status,
        StatusCode::OK
    );
    let report = json!({"attendance": {"female_18_29": 40, "male_30_44": 35}, "materials": "leaflets",
                        "materials_count": 10, "partners": "", "summary": ""});
    assert_eq!(
        officer.post_json(&act("report"), &report).await.status,
        StatusCode::OK
    );

    let mut staff = analyst(&app).await;
    let opened = staff
        .get("/api/v1/indicators/cases_opened?by=category")
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert_eq!(
        rows(&opened.json(), &["category"]),
        vec![
            ("DOC".into(), Value::from(1)),
            ("EMP".into(), Value::from(6))
        ]
    );
    let resolved = staff
        .get("/api/v1/indicators/cases_resolved?by=outcome,sla")
        .await
        .json();
    assert_eq!(
        rows(&resolved, &["outcome", "sla"]),
        vec![("resolved_money|met".into(), Value::from(1))]
    );
    let on_time = staff
        .get("/api/v1/indicators/sla_compliance?by=region")
        .await
        .json();
    assert_eq!(
        rows(&on_time, &["region"]),
        vec![("UZ-SA".into(), Value::from(100.0))]
    );
    let money = staff.get("/api/v1/indicators/money_recovered").await.json();
    assert_eq!(
        rows(&money, &["currency"]),
        vec![("RUB".into(), Value::from(90000))]
    );
    let events = staff
        .get("/api/v1/indicators/outreach_events?by=region,event_kind")
        .await
        .json();
    assert_eq!(
        rows(&events, &["region", "event_kind"]),
        vec![("UZ-AN|mahalla_meeting".into(), Value::from(1))]
    );
    // 75 people over Andijan's 3,253,501 inhabitants: 0.23 per 10,000.
    let reach = staff
        .get("/api/v1/indicators/outreach_reach?by=gender")
        .await
        .json();
    assert_eq!(
        rows(&reach, &["gender", "region"]),
        vec![
            ("female|UZ-AN".into(), Value::from(0.12)),
            ("male|UZ-AN".into(), Value::from(0.11))
        ]
    );
    // The public sees no count under 5: DOC (1) is hidden, and so is EMP (6), which the
    // total would otherwise give away.
    let public = app
        .client()
        .get("/api/v1/public/indicators/cases_opened?by=category")
        .await
        .json();
    assert!(
        public["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["value"].is_null())
    );
    // Filters a fact indicator does not offer are refused.
    let wrong = staff
        .get("/api/v1/indicators/outreach_events?by=destination")
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = staff
        .get("/analytics?indicator=cases_opened&by=category&lang=en")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Employment dispute"), "categories named");

    let kept = safar::analytics::facts::snapshot(&app.db).await.unwrap();
    assert!(kept.len() >= 5, "{kept:?}");
    rollup::rebuild(&app.db, &Actor::console(), &app.clock)
        .await
        .unwrap();
    assert_eq!(
        safar::analytics::facts::snapshot(&app.db).await.unwrap(),
        kept
    );
}

/// The demo writes every module through its own code (grants decided and visited, returnee
/// plans, course outcomes, cases worked, events reported): what it kept must be what
/// `safar analytics rebuild` computes from the records.
#[tokio::test]
async fn the_demo_keeps_every_figure_a_rebuild_would_compute() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_safar"))
            .args(args)
            .env("SAFAR_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    run(&["demo", "--no-serve", "--data-dir", data_dir]);
    let url = format!("sqlite://{}", dir.path().join("safar.db").display());
    let db = safar::platform::db::Db::connect(&url).await.unwrap();
    let cubes = rollup::snapshot(&db).await.unwrap();
    let facts = safar::analytics::facts::snapshot(&db).await.unwrap();
    for subject in [
        "cases.opened|",
        "cases.resolved|",
        "outreach.events|",
        "outreach.attendance|",
        "returnees.intakes|",
        "courses.enrolments|",
        "grants.outcome_12m|",
        "recruiters.complaints|",
        "recruiters.placements|",
        "pdo.covered|",
        "watch.reports|",
    ] {
        assert!(
            facts.iter().any(|f| f.starts_with(subject)),
            "no {subject} in the demo's facts"
        );
    }
    assert!(
        facts
            .iter()
            .any(|f| f.starts_with("watch.reports|") && f.contains("|UZ-SA|")),
        "reports counted in the region their reporter named"
    );
    // PDO coverage by region and destination, against the PDO module's own count.
    let indicator = safar::analytics::indicators::find("pdo_coverage").unwrap();
    let query = safar::analytics::indicators::TableQuery {
        by: "region,destination".into(),
        ..Default::default()
    };
    let audience = safar::analytics::indicators::Audience::Staff;
    let spec = safar::analytics::indicators::validate(indicator, &query, audience).unwrap();
    let table = safar::analytics::indicators::table(&db, indicator, &spec, audience, None)
        .await
        .unwrap();
    let raw = safar::pdo::store::coverage(&db, "0000-01-01")
        .await
        .unwrap();
    let shown: Vec<(String, String, i64, Option<i64>)> = table
        .lines
        .iter()
        .map(|l| (l.keys[0].clone(), l.keys[1].clone(), l.count, l.base))
        .collect();
    let expected: Vec<(String, String, i64, Option<i64>)> = raw
        .iter()
        .map(|c| {
            (
                c.region.clone(),
                c.destination.clone(),
                c.with_certificate,
                Some(c.departures),
            )
        })
        .collect();
    assert_eq!(shown, expected);
    assert!(
        shown.iter().any(|s| s.2 > 0),
        "some departures were prepared"
    );

    // Complaints per 100 placements, recruiter by recruiter, against the raw records.
    let indicator = safar::analytics::indicators::find("complaints_per_100_placements").unwrap();
    let query = safar::analytics::indicators::TableQuery {
        by: "recruiter".into(),
        ..Default::default()
    };
    let audience = safar::analytics::indicators::Audience::Staff;
    let spec = safar::analytics::indicators::validate(indicator, &query, audience).unwrap();
    let table = safar::analytics::indicators::table(&db, indicator, &spec, audience, None)
        .await
        .unwrap();
    assert!(!table.lines.is_empty());
    for line in &table.lines {
        let recruiter = line.keys[0].clone();
        let complaints = count_for(
            &db,
            "SELECT COUNT(*) FROM complaints WHERE recruiter_id = $1",
            &recruiter,
        )
        .await;
        let placed = count_for(
            &db,
            "SELECT COUNT(*) FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE v.recruiter_id = $1 AND a.state = 'departed'",
            &recruiter,
        )
        .await;
        let expected = (complaints as f64 * 1000.0 / placed as f64).round() / 10.0;
        assert_eq!(line.value(), Some(expected), "recruiter {recruiter}");
    }
    // A recruiter with complaints moves to another region: its figures move with it.
    let recruiter_id: String = {
        use sqlx::Row;
        sqlx::query("SELECT recruiter_id FROM complaints ORDER BY recruiter_id LIMIT 1")
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    };
    let mut recruiter = safar::recruiters::store::find(&db, &recruiter_id)
        .await
        .unwrap()
        .unwrap();
    let moved_to = if recruiter.region.as_deref() == Some("UZ-XO") {
        "UZ-NW"
    } else {
        "UZ-XO"
    };
    recruiter.region = Some(moved_to.into());
    let mut tx = db.begin().await.unwrap();
    safar::recruiters::store::update_recruiter(&mut tx, &recruiter, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let facts = safar::analytics::facts::snapshot(&db).await.unwrap();
    let moved = format!("|{moved_to}|{recruiter_id}|");
    assert!(
        facts
            .iter()
            .any(|f| f.starts_with("recruiters.complaints|") && f.contains(&moved)),
        "the complaints follow the recruiter to {moved_to}"
    );
    db.close().await;
    let said = run(&["analytics", "rebuild", "--data-dir", data_dir]);
    assert!(said.contains("analytics rebuilt"), "{said}");
    let db = safar::platform::db::Db::connect(&url).await.unwrap();
    assert_eq!(rollup::snapshot(&db).await.unwrap(), cubes);
    assert_eq!(safar::analytics::facts::snapshot(&db).await.unwrap(), facts);
}

async fn count_for(db: &safar::platform::db::Db, sql: &'static str, value: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .bind(value)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

#[tokio::test]
async fn reports_on_intermediaries_are_counted_in_the_region_their_reporter_names() {
    use serde_json::json;
    let app = TestApp::new().await;
    let mut public = app.client();
    let report = |region: &str| {
        json!({"intermediary_name": "Oltin Yo‘l", "phones": ["+998901112233"], "region": region,
               "description": "Asked 900 USD for a job in Korea."})
    };
    let bad = public
        .post_json("/api/v1/public/reports", &report("UZ-XX"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("\"region\""), "{}", bad.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM intermediary_reports").await,
        0
    );
    for region in ["UZ-AN", "UZ-AN", ""] {
        let res = public
            .post_json("/api/v1/public/reports", &report(region))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let mut staff = analyst(&app).await;
    let table = staff
        .get("/api/v1/indicators/watchlist_reports?by=region")
        .await
        .json();
    assert_eq!(
        rows(&table, &["region"]),
        vec![
            ("".into(), Value::from(1)),
            ("UZ-AN".into(), Value::from(2))
        ]
    );
    // The form offers the regions, in the reader's language.
    let form = app.client().get("/report?lang=en").await;
    assert!(
        form.body
            .contains("<option value=\"UZ-AN\">Andijan Region</option>"),
        "{}",
        form.body
    );
}
