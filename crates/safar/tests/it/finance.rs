//! Finance: the public remittance comparison (ordering by total cost, the latest quote per
//! provider, amount bands, staleness), staff quote keeping (form, JSON, CSV import all or
//! nothing, withdrawal) with its audit and refusals, and the budget planner.

use axum::body::Body;
use http::{Method, StatusCode};
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn today(app: &TestApp) -> time::Date {
    safar::recruiters::service::today(&app.clock)
}

fn quote(provider: &str, fee_fixed: &str, fee_percent: &str, fx: &str, on: time::Date) -> Value {
    json!({
        "corridor": "RU-UZ", "provider": provider, "currency": "USD",
        "fee_fixed": fee_fixed, "fee_percent": fee_percent, "fx_margin": fx,
        "speed": "minutes", "pickup": "card", "quoted_on": on.to_string(),
        "source": "tariff page, checked by phone",
    })
}

async fn compare(public: &mut Client, query: &str) -> Value {
    let res = public
        .get(&format!("/api/v1/public/remittance-quotes?{query}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.body);
    res.json()
}

fn providers(comparison: &Value) -> Vec<String> {
    comparison["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["provider"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_comparison_ranks_providers_by_total_cost_and_flags_old_quotes() {
    let app = TestApp::new().await;
    let mut editor = app.token_client(Role::Editor).await;
    let mut public = app.client();
    let today = today(&app);
    let recent = today - time::Duration::days(3);
    // USD 200: A costs 2 + 1.5 % margin = 5; B costs 1 % fee + 1 % = 4; C 0 + 3 % = 6.
    for body in [
        quote("Alpha Remit", "2", "0", "1.5", recent),
        quote("Beta Pay", "0", "1", "1", recent),
        quote(
            "Gamma Money",
            "0",
            "0",
            "3",
            today - time::Duration::days(91),
        ),
    ] {
        let res = editor.post_json("/api/v1/remittance-quotes", &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    // An older quote of Beta's, dearer, is superseded by the newer one.
    let old = quote(
        "beta  PAY",
        "10",
        "0",
        "1",
        today - time::Duration::days(30),
    );
    let res = editor.post_json("/api/v1/remittance-quotes", &old).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    let c = compare(&mut public, "corridor=RU-UZ&amount=200&currency=USD").await;
    assert_eq!(providers(&c), ["Beta Pay", "Alpha Remit", "Gamma Money"]);
    let items = c["items"].as_array().unwrap();
    let beta = &items[0];
    assert_eq!(beta["fee"], json!(2.0));
    assert_eq!(beta["fx_margin"], json!(1.0));
    assert_eq!(beta["total_cost"], json!(4.0));
    assert_eq!(beta["amount_received"], json!(198.0));
    assert_eq!(beta["quoted_at"], json!(recent.to_string()));
    assert_eq!(beta["source"], "tariff page, checked by phone");
    assert_eq!(beta["stale"], json!(false));
    assert_eq!(items[1]["total_cost"], json!(5.0));
    assert_eq!(items[2]["stale"], json!(true));
    let costs: Vec<f64> = items
        .iter()
        .map(|i| i["total_cost"].as_f64().unwrap())
        .collect();
    assert!(costs.windows(2).all(|w| w[0] <= w[1]));

    // A large amount changes the order: Alpha's fixed fee matters less (2 + 15 = 17 for
    // 1 000 against Beta's 10 + 10 = 20).
    let c = compare(&mut public, "corridor=ru-uz&amount=1%20000&currency=usd").await;
    assert_eq!(providers(&c), ["Alpha Remit", "Beta Pay", "Gamma Money"]);
    // Time passes: a quote over 90 days old is marked.
    app.clock.advance(90 * DAY_MS);
    let c = compare(&mut public, "corridor=RU-UZ&amount=200&currency=USD").await;
    assert!(
        c["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["stale"] == json!(true))
    );
    // Another corridor or currency has none of these.
    let c = compare(&mut public, "corridor=KZ-UZ&amount=200&currency=USD").await;
    assert!(providers(&c).is_empty());
    let c = compare(&mut public, "corridor=RU-UZ&amount=200").await;
    assert_eq!(c["currency"], "RUB");
    assert!(providers(&c).is_empty());

    // The public page shows the same order, the date, the source and the warning.
    let page = public
        .get("/money?corridor=RU-UZ&amount=200&currency=USD")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let beta_at = page.body.find("Beta Pay").unwrap();
    assert!(beta_at < page.body.find("Alpha Remit").unwrap());
    assert!(page.body.contains("tariff page, checked by phone"));
    assert!(page.body.contains(&recent.to_string()));
}

#[tokio::test]
async fn a_quote_applies_only_within_its_band_of_amounts() {
    let app = TestApp::new().await;
    let mut editor = app.token_client(Role::Editor).await;
    let on = today(&app);
    let mut small = quote("Delta", "1", "0", "1", on);
    small["max_amount"] = json!("500");
    let mut large = quote("Delta", "5", "0", "0.5", on);
    large["min_amount"] = json!(500.01);
    for body in [small, large] {
        let res = editor.post_json("/api/v1/remittance-quotes", &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let mut public = app.client();
    let c = compare(&mut public, "corridor=RU-UZ&amount=500&currency=USD").await;
    assert_eq!(c["items"][0]["fee"], json!(1.0));
    let c = compare(&mut public, "corridor=RU-UZ&amount=2000&currency=USD").await;
    assert_eq!(c["items"][0]["fee"], json!(5.0));
    assert_eq!(c["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_questions_and_bad_quotes_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let mut public = app.client();
    for query in [
        "corridor=XX-UZ&amount=200",
        "corridor=RU-UZ&amount=-5",
        "corridor=RU-UZ&amount=0",
        "corridor=RU-UZ&amount=12.345",
        "corridor=RU-UZ&amount=200&currency=EUR",
        "corridor=RU-UZ&amount=99999999999999999999",
        "corridor=RU-UZ",
    ] {
        let res = public
            .get(&format!("/api/v1/public/remittance-quotes?{query}"))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(res.header("content-type"), "application/problem+json");
    }
    let page = public.get("/money?corridor=RU-UZ&amount=abc").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("aria-invalid"));

    let mut editor = app.token_client(Role::Editor).await;
    let on = today(&app);
    let future = quote("Epsilon", "1", "0", "1", on + time::Duration::days(2));
    let mut wrong_currency = quote("Epsilon", "1", "0", "1", on);
    wrong_currency["currency"] = json!("KRW");
    let mut too_high = quote("Epsilon", "1", "25", "1", on);
    too_high["speed"] = json!("instant");
    let mut hostile = quote("<script>alert(1)</script>", "1", "0", "1", on);
    hostile["source"] = json!("");
    let mut band = quote("Epsilon", "1", "0", "1", on);
    band["min_amount"] = json!("900");
    band["max_amount"] = json!("100");
    for (body, field) in [
        (future, "quoted_on"),
        (wrong_currency, "currency"),
        (too_high, "fee_percent"),
        (hostile, "source"),
        (band, "max_amount"),
    ] {
        let res = editor.post_json("/api/v1/remittance-quotes", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let fields: Vec<_> = res.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert!(fields.iter().any(|f| f == field), "{field}: {fields:?}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM remittance_quotes")
            .await,
        0
    );
    // The same quote twice is a conflict, not a second row.
    let once = quote("Zeta", "1", "0", "1", on);
    assert_eq!(
        editor
            .post_json("/api/v1/remittance-quotes", &once)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        editor
            .post_json("/api/v1/remittance-quotes", &once)
            .await
            .status,
        StatusCode::CONFLICT
    );
    // A provider's name with markup is shown as text.
    let mut marked = quote("<b>Eta</b>", "1", "0", "1", on);
    marked["source"] = json!("\"><img src=x onerror=alert(1)>");
    assert_eq!(
        editor
            .post_json("/api/v1/remittance-quotes", &marked)
            .await
            .status,
        StatusCode::CREATED
    );
    let page = public
        .get("/money?corridor=RU-UZ&amount=100&currency=USD")
        .await;
    assert!(page.body.contains("&#60;b&#62;Eta&#60;/b&#62;"));
    assert!(!page.body.contains("<img src=x"));
}

#[tokio::test]
async fn only_quote_keepers_write_and_every_write_is_audited() {
    let app = TestApp::new().await;
    let on = today(&app);
    let body = quote("Theta", "1", "0", "1", on);
    let mut anonymous = app.client();
    assert_eq!(
        anonymous
            .post_json("/api/v1/remittance-quotes", &body)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    for role in [
        Role::Citizen,
        Role::Operator,
        Role::Analyst,
        Role::ReintegrationOfficer,
    ] {
        let mut client = app.token_client(role).await;
        let res = client.post_json("/api/v1/remittance-quotes", &body).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
        let res = client.get("/api/v1/remittance-quotes").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(app.audit_count("finance.quote.add").await, 0);

    let mut editor = app.token_client(Role::Editor).await;
    let created = editor.post_json("/api/v1/remittance-quotes", &body).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_str().unwrap().to_string();
    assert_eq!(app.audit_count("finance.quote.add").await, 1);
    let listed = editor.get("/api/v1/remittance-quotes?corridor=RU-UZ").await;
    assert_eq!(listed.json()["items"].as_array().unwrap().len(), 1);

    let mut citizen = app.token_client(Role::Citizen).await;
    let withdraw = format!("/api/v1/remittance-quotes/{id}/withdraw");
    assert_eq!(
        citizen.post_json(&withdraw, &json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        editor.post_json(&withdraw, &json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        editor.post_json(&withdraw, &json!({})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(app.audit_count("finance.quote.withdraw").await, 1);
    let mut public = app.client();
    let c = compare(&mut public, "corridor=RU-UZ&amount=200&currency=USD").await;
    assert!(providers(&c).is_empty());
    // Withdrawn, the same price may be entered again (corrected).
    assert_eq!(
        editor
            .post_json("/api/v1/remittance-quotes", &body)
            .await
            .status,
        StatusCode::CREATED
    );
}

fn csv_file(rows: &[&str]) -> String {
    let mut text = String::from(
        "corridor,provider,currency,fee_fixed,fee_percent,fx_margin,min_amount,max_amount,speed,pickup,quoted_on,source\n",
    );
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

async fn import(client: &mut Client, csv: String) -> crate::support::TestResponse {
    client
        .request(
            Method::POST,
            "/api/v1/remittance-quotes/import",
            Some("text/csv"),
            Body::from(csv),
        )
        .await
}

#[tokio::test]
async fn a_csv_import_is_all_or_nothing_and_can_be_sent_twice() {
    let app = TestApp::new().await;
    let mut editor = app.token_client(Role::Editor).await;
    let on = today(&app).to_string();
    let good = [
        format!("KR-UZ,Iota Bank,KRW,5000,0,1.2,,,same_day,bank_account,{on},bank tariff PDF"),
        format!("KR-UZ,Kappa,USD,3,\"0,5\",1,100,\"1,000\",minutes,card,{on},mystery shopping"),
    ];
    let bad = [
        good[0].clone(),
        format!("KR-UZ,Lambda,KRW,abc,0,1,,,minutes,card,{on},x"),
        "QQ-UZ,Mu,USD,1,0,1,,,soon,card,2999-01-01,website".to_string(),
    ];
    let res = import(
        &mut editor,
        csv_file(&bad.iter().map(String::as_str).collect::<Vec<_>>()),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let fields: Vec<String> = res.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    for expected in [
        "rows[3].fee_fixed",
        "rows[3].source",
        "rows[4].corridor",
        "rows[4].speed",
        "rows[4].quoted_on",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected}: {fields:?}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM remittance_quotes")
            .await,
        0
    );
    assert_eq!(app.audit_count("finance.quote.import").await, 0);

    let file = csv_file(&good.iter().map(String::as_str).collect::<Vec<_>>());
    let res = import(&mut editor, file.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["added"], 2);
    let again = import(&mut editor, file).await;
    assert_eq!(again.json()["added"], 0);
    assert_eq!(again.json()["skipped"], 2);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM remittance_quotes")
            .await,
        2
    );
    assert_eq!(app.audit_count("finance.quote.import").await, 2);

    let mut public = app.client();
    let c = compare(&mut public, "corridor=KR-UZ&amount=500&currency=USD").await;
    assert_eq!(c["items"][0]["provider"], "Kappa");
    // 3 + 0.5 % of 500 = 5.5 fee, 1 % margin = 5: 10.5 in total.
    assert_eq!(c["items"][0]["total_cost"], json!(10.5));

    // Not a CSV, or missing columns: refused with a clear message.
    let res = import(&mut editor, "\u{0}\u{1}PNG".into()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = import(&mut editor, "provider,fee\nX,1\n".into()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["errors"][0]["field"], "rows[1].file");
    let mut citizen = app.token_client(Role::Citizen).await;
    let res = import(&mut citizen, csv_file(&[])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The staff page's upload reports the same way.
    let mut page_editor = app.signed_in(Role::Editor).await;
    let boundary = "----quotes";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.csv\"\r\nContent-Type: text/csv\r\n\r\n{}\r\n--{boundary}--\r\n",
        csv_file(&[&format!(
            "TR-UZ,Nu,TRY,10,0,2,,,days,cash,{on},branch visit"
        )])
    );
    let res = page_editor
        .request(
            Method::POST,
            "/money/quotes/import",
            Some(&format!("multipart/form-data; boundary={boundary}")),
            Body::from(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Nu"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM remittance_quotes")
            .await,
        3
    );
}

#[tokio::test]
async fn the_staff_form_adds_a_quote_or_shows_what_is_wrong() {
    let app = TestApp::new().await;
    let mut editor = app.signed_in(Role::Editor).await;
    let on = today(&app).to_string();
    let mut fields = vec![
        ("corridor", "GB-UZ"),
        ("provider", "Omicron"),
        ("currency", "GBP"),
        ("fee_fixed", "1.99"),
        ("fee_percent", "0"),
        ("fx_margin", "0.8"),
        ("min_amount", ""),
        ("max_amount", ""),
        ("speed", "next_day"),
        ("pickup", "bank_account"),
        ("quoted_on", &on),
        ("source", "provider website"),
    ];
    let res = editor.post_form("/money/quotes", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let listed = editor.get(res.location()).await;
    assert!(listed.body.contains("Omicron"));
    fields[3] = ("fee_fixed", "one pound");
    let res = editor.post_form("/money/quotes", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("aria-invalid"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM remittance_quotes")
            .await,
        1
    );
}

#[tokio::test]
async fn the_planner_says_what_is_left_and_when_the_goal_is_reached() {
    let app = TestApp::new().await;
    let mut public = app.client();
    let res = public
        .get("/api/v1/public/budget-plan?currency=USD&income=1%20000&housing=200&food=150&transport=50&send_home=400&saved_now=100&goal=1000")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let plan = res.json();
    assert_eq!(plan["costs"], json!(400.0));
    assert_eq!(plan["left"], json!(200.0));
    assert_eq!(plan["months_to_goal"], json!(5));
    let expected = safar::finance::model::month_after(today(&app), 5);
    assert_eq!(plan["goal_month"], json!(expected));
    assert!(plan["warnings"].as_array().unwrap().is_empty());

    let mut russian = app.client().with_header("accept-language", "ru");
    let res = russian
        .get("/api/v1/public/budget-plan?income=500&debts=300&send_home=300&goal=1000")
        .await;
    let plan = res.json();
    assert_eq!(plan["months_to_goal"], Value::Null);
    let codes: Vec<_> = plan["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        codes,
        [
            "finance-warn-gap",
            "finance-warn-debts",
            "finance-warn-goal"
        ]
    );

    let res = public.get("/api/v1/public/budget-plan?income=lots").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["errors"][0]["field"], "income");

    let page = public
        .get("/money/plan?currency=USD&income=1000&housing=200&send_home=300&goal=500")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"plan-result\""));
    assert!(page.body.contains("/money?amount=300&#38;currency=USD"));
}
