//! Guidance: the review workflow (an editor other than the author publishes), versions and
//! their diff, the public portal's cross-script search (a Latin query finds Cyrillic text
//! and the reverse) on both backends, and what is refused.

use http::StatusCode;
use safar::platform::access::Role;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

fn article(slug: &str, ru_body: &str, uz_body: &str) -> Value {
    json!({
        "slug": slug, "topic": "faq", "destination": "",
        "title": {"uz-Latn": "Ish haqi toʻlanmasa", "ru": "Если не платят зарплату", "en": "If your wages are not paid"},
        "body": {"uz-Latn": uz_body, "ru": ru_body,
                 "en": "Write down the hours you worked and call the consulate in Yekaterinburg."}
    })
}

fn slugs(res: &Value) -> Vec<(String, String)> {
    res["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["slug"].as_str().unwrap().to_string(),
                i["lang"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn search(client: &mut Client, q: &str, lang: &str) -> Vec<(String, String)> {
    let res = client
        .get(&format!(
            "/api/v1/public/guidance?q={}&lang={lang}",
            urlencoding(q)
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{q}: {}", res.body);
    slugs(&res.json())
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn an_article_is_reviewed_versioned_and_found_across_scripts() {
    let app = TestApp::new().await;
    let mut writer = app.token_client(Role::Operator).await;
    let mut editor = app.token_client(Role::Editor).await;
    let mut public = app.client();
    let body = article(
        "unpaid-wages",
        "Запишите отработанные часы и позвоните в консульство в Екатеринбурге.",
        "Ishlagan soatlaringizni yozib qoʻying va Toshkentdagi agentlikka qoʻngʻiroq qiling.",
    );
    let created = writer.post_json("/api/v1/guidance", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["status"], "draft");
    // A draft is not public.
    assert!(search(&mut public, "Yekaterinburg", "ru").await.is_empty());
    assert_eq!(
        public.get("/guide/unpaid-wages").await.status,
        StatusCode::NOT_FOUND
    );
    let step = |action: &str| format!("/api/v1/guidance/unpaid-wages/actions/{action}");
    // Writers cannot publish; editors cannot publish a draft that was not submitted.
    assert_eq!(
        editor.post_json(&step("publish"), &json!({})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        writer.post_json(&step("submit"), &json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        writer.post_json(&step("publish"), &json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    // Sending back needs a note.
    assert_eq!(
        editor
            .post_json(&step("reject"), &json!({"note": ""}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let published = editor.post_json(&step("publish"), &json!({})).await;
    assert_eq!(published.json()["published_version"], 1);

    // Latin finds Cyrillic (Russian text) and Cyrillic finds Latin (Uzbek text); the
    // generated Uzbek Cyrillic is searchable too.
    assert_eq!(
        search(&mut public, "Yekaterinburg", "ru").await,
        vec![("unpaid-wages".to_string(), "ru".to_string())]
    );
    assert_eq!(
        search(&mut public, "Тошкентдаги", "uz-Latn").await[0],
        ("unpaid-wages".to_string(), "uz-Latn".to_string())
    );
    assert!(
        search(&mut public, "toshkent", "uz-Cyrl")
            .await
            .contains(&("unpaid-wages".to_string(), "uz-Cyrl".to_string()))
    );
    assert!(
        search(&mut public, "qo'ng'iroq", "uz-Latn")
            .await
            .contains(&("unpaid-wages".to_string(), "uz-Latn".to_string())),
        "any apostrophe"
    );
    let all_langs = public
        .get("/api/v1/public/guidance?q=%D0%95%D0%BA%D0%B0%D1%82%D0%B5%D1%80%D0%B8%D0%BD%D0%B1%D1%83%D1%80%D0%B3")
        .await;
    let found = slugs(&all_langs.json());
    assert!(
        found.contains(&("unpaid-wages".into(), "en".into())),
        "{found:?}"
    );
    let cyrl = public
        .get("/api/v1/public/guidance/unpaid-wages?lang=uz-Cyrl")
        .await;
    assert!(cyrl.json()["title"].as_str().unwrap().contains("Иш ҳақи"));

    // A second version: a draft until published, the public keeps seeing the first.
    let mut revision = body.clone();
    revision["version"] = json!(1);
    revision["body"]["ru"] = json!("Запишите часы. Позвоните в консульство в Казани.");
    let revised = writer
        .put_json("/api/v1/guidance/unpaid-wages", &revision)
        .await;
    assert_eq!(revised.status, StatusCode::OK, "{}", revised.body);
    assert_eq!(revised.json()["version"], 2);
    // Revising from a stale version is refused.
    assert_eq!(
        writer
            .put_json("/api/v1/guidance/unpaid-wages", &revision)
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert!(search(&mut public, "Kazan", "ru").await.is_empty());
    let diff = writer
        .get("/api/v1/guidance/unpaid-wages/diff?from=1&to=2&lang=ru")
        .await;
    let lines = diff.json()["lines"].as_array().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "added" && l["text"].as_str().unwrap().contains("Казани"))
    );
    assert!(
        lines.iter().any(
            |l| l["kind"] == "removed" && l["text"].as_str().unwrap().contains("Екатеринбурге")
        )
    );
    assert_eq!(
        writer
            .get("/guidance/unpaid-wages/diff?from=1&to=2&lang=ru")
            .await
            .status,
        StatusCode::OK
    );
    writer.post_json(&step("submit"), &json!({})).await;
    editor.post_json(&step("publish"), &json!({})).await;
    assert_eq!(search(&mut public, "Kazan", "ru").await.len(), 1);
    assert!(search(&mut public, "Yekaterinburg", "ru").await.is_empty());

    // Archived: gone from the portal.
    editor.post_json(&step("archive"), &json!({})).await;
    assert!(search(&mut public, "Kazan", "ru").await.is_empty());
    assert_eq!(
        public.get("/guide/unpaid-wages").await.status,
        StatusCode::NOT_FOUND
    );
    // An archived article is not revised back into view.
    revision["version"] = json!(2);
    assert_eq!(
        writer
            .put_json("/api/v1/guidance/unpaid-wages", &revision)
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(app.audit_count("guidance.publish").await, 2);
}

#[tokio::test]
async fn an_editor_never_publishes_their_own_version() {
    let app = TestApp::new().await;
    let mut editor = app.token_client(Role::Editor).await;
    let body = article(
        "own-words",
        "Текст статьи для проверки правила двух глаз.",
        "Infografika: https://example.org/infographic. Emas: javascript:alert(1) <b>x</b>",
    );
    assert_eq!(
        editor.post_json("/api/v1/guidance", &body).await.status,
        StatusCode::CREATED
    );
    editor
        .post_json("/api/v1/guidance/own-words/actions/submit", &json!({}))
        .await;
    let own = editor
        .post_json("/api/v1/guidance/own-words/actions/publish", &json!({}))
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.body);
    let mut other = app.token_client(Role::Editor).await;
    assert_eq!(
        other
            .post_json("/api/v1/guidance/own-words/actions/publish", &json!({}))
            .await
            .status,
        StatusCode::OK
    );
    // Web addresses become links, https only; the rest is escaped text.
    let page = app.client().get("/guide/own-words?lang=uz-Latn").await;
    assert!(
        page.body
            .contains(r#"<a href="https://example.org/infographic" rel="noopener nofollow">"#),
        "{}",
        page.body
    );
    assert!(!page.body.contains("href=\"javascript"));
    assert!(!page.body.contains("<b>x</b>") && page.body.contains("Emas: javascript"));
}

#[tokio::test]
async fn bad_guidance_input_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let before = app
        .count("SELECT COUNT(*) AS n FROM guidance_articles")
        .await;
    let mut writer = app.token_client(Role::Operator).await;
    let good = article(
        "good-one",
        "Достаточно длинный текст статьи.",
        "Yetarlicha uzun maqola matni.",
    );
    for (field, value) in [
        ("slug", json!("Bad Slug!")),
        ("topic", json!("gossip")),
        ("destination", json!("RU")),
        ("title", json!({"uz-Latn": "x"})),
        (
            "body",
            json!({"uz-Latn": "short", "ru": "\u{0007}", "en": ""}),
        ),
    ] {
        let mut body = good.clone();
        body[field] = value;
        let res = writer
            .with_header("accept-language", "en")
            .post_json("/api/v1/guidance", &body)
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        writer = app.token_client(Role::Operator).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM guidance_articles")
            .await,
        before
    );
    // Citizens and partners do not write guidance.
    let mut citizen = app.token_client(Role::Citizen).await;
    assert_eq!(
        citizen.post_json("/api/v1/guidance", &good).await.status,
        StatusCode::FORBIDDEN
    );
    // Unknown languages and over-long queries are refused; search syntax is harmless.
    let mut public = app.client();
    assert_eq!(
        public
            .get("/api/v1/public/guidance?q=a&lang=xx")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let long = "a".repeat(300);
    assert_eq!(
        public
            .get(&format!("/api/v1/public/guidance?q={long}"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for hostile in [
        "%22%2A",
        "NEAR%28a%29",
        "%27%3B--",
        "a%3A%2A%20%7C%20b",
        "%21%26%7C",
    ] {
        let res = public
            .get(&format!("/api/v1/public/guidance?q={hostile}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{hostile}: {}", res.body);
    }
    let page = public
        .get("/guide?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>alert(1)"));
}

#[tokio::test]
async fn the_reference_guides_cover_every_destination_in_four_languages() {
    let app = TestApp::new().await;
    let guides = app
        .count("SELECT COUNT(*) AS n FROM guidance_articles WHERE topic = 'country_guide' AND published_version = 1")
        .await;
    let destinations = app
        .count("SELECT COUNT(DISTINCT iso2) AS n FROM destinations")
        .await;
    assert!(
        guides > 0 && guides == destinations,
        "{guides} guides, {destinations} destinations"
    );
    let texts = app
        .count("SELECT COUNT(DISTINCT lang) AS n FROM guidance_versions")
        .await;
    assert_eq!(texts, 4);
    let portal = app
        .client()
        .with_header("accept-language", "ru")
        .get("/guide?topic=country_guide")
        .await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(portal.body.contains("/guide/country-ru"), "{}", portal.body);
    let ru = app.client().get("/guide/country-ru").await;
    assert_eq!(ru.status, StatusCode::OK);
    assert!(ru.body.contains("<h2>"));
}
