//! The platform seen from outside: operations endpoints, headers, languages, errors, CSRF,
//! bad input, migrations.

use axum::body::Body;
use http::{Method, StatusCode};
use safar::platform::access::Role;
use safar::platform::config::WebConfig;
use safar::platform::db::{Backend, Db};

use crate::support::TestApp;

#[test]
fn migration_folders_hold_the_same_files_as_the_list() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |backend: &str| {
        let mut v: Vec<String> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .trim_end_matches(".sql")
                    .to_string()
            })
            .collect();
        v.sort();
        v
    };
    let listed: Vec<String> = safar::platform::migrations::MIGRATIONS
        .iter()
        .map(|m| m.name.to_string())
        .collect();
    assert_eq!(
        names("sqlite"),
        names("postgres"),
        "both backends need the same migration files"
    );
    assert_eq!(
        names("sqlite"),
        listed,
        "every migration file must be listed in platform/migrations.rs, in order"
    );
}

#[tokio::test]
async fn unknown_database_schemes_are_refused() {
    for url in ["mysql://localhost/x", "sqlit://x.db", "x.db", ""] {
        let err = Db::connect(url).await.expect_err(url);
        assert!(
            format!("{err:#}").contains("unsupported database URL scheme"),
            "{url}: {err:#}"
        );
    }
}

#[tokio::test]
async fn migrating_twice_is_a_no_op() {
    let app = TestApp::new().await;
    assert_eq!(app.db.migrate().await.unwrap(), 0);
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::new().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    c.get("/").await;
    let metrics = c.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.body.contains("http_requests_total"),
        "{}",
        metrics.body
    );
    assert!(
        metrics
            .body
            .contains("http_request_duration_seconds_bucket"),
        "histogram missing"
    );
    assert!(metrics.body.contains("db_pool_connections"));
    app.db.close().await;
    assert_eq!(
        c.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_security_headers_and_a_request_id() {
    let app = TestApp::new().await;
    let mut c = app.client();
    for path in [
        "/",
        "/login",
        "/no-such-page",
        "/api/v1/openapi.json",
        "/static/app.css",
    ] {
        let res = c.get(path).await;
        assert!(
            res.header("content-security-policy")
                .contains("default-src 'self'"),
            "{path}"
        );
        assert!(
            res.header("content-security-policy")
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(res.header("x-content-type-options"), "nosniff", "{path}");
        assert!(!res.header("referrer-policy").is_empty(), "{path}");
        assert_eq!(res.header("x-request-id").len(), 36, "{path}");
    }
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = TestApp::new().await;
    let mut c = app.client().with_header("accept-encoding", "gzip");
    let res = c.get("/static/app.css").await;
    assert_eq!(res.header("content-encoding"), "gzip");
}

#[tokio::test]
async fn pages_are_light() {
    let app = TestApp::new().await;
    let mut c = app.client();
    for path in [
        "/",
        "/login",
        "/register",
        "/static/app.css",
        "/static/app.js",
    ] {
        let res = c.get(path).await;
        assert!(
            res.body.len() < 50 * 1024,
            "{path} weighs {} bytes",
            res.body.len()
        );
        assert!(
            !res.body.contains("http://") || path.ends_with(".css"),
            "{path} must not load third-party resources"
        );
    }
}

#[tokio::test]
async fn language_comes_from_query_then_cookie_then_accept_language() {
    let app = TestApp::new().await;
    let mut c = app.client();
    assert!(
        c.get("/").await.body.contains(r#"<html lang="uz-Latn">"#),
        "uz-Latn is the default"
    );
    let cyrl = c.get("/?lang=uz-Cyrl").await;
    assert!(cyrl.body.contains(r#"<html lang="uz-Cyrl">"#));
    assert!(cyrl.body.contains("Чет элда"), "generated Cyrillic text");
    assert!(
        c.get("/login")
            .await
            .body
            .contains(r#"<html lang="uz-Cyrl">"#),
        "remembered in a cookie"
    );
    let mut ru = app
        .client()
        .with_header("accept-language", "ru-RU,ru;q=0.9,en;q=0.5");
    assert!(ru.get("/").await.body.contains(r#"<html lang="ru">"#));
    let mut en = app.client();
    let res = en.get("/?lang=en").await;
    assert!(res.body.contains("Work abroad safely"));
    // An unknown language is ignored, never an error.
    let res = app.client().get("/?lang=xx-Klingon").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(r#"<html lang="uz-Latn">"#));
}

#[tokio::test]
async fn error_pages_are_localised_html_and_api_errors_are_problem_json() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let page = c.get("/no-such-page?lang=ru").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains("Страница не найдена"), "{}", page.body);
    let api = c.get("/api/v1/no/such/thing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.header("content-type"), "application/problem+json");
    let json = api.json();
    assert_eq!(json["type"], "urn:safar:problem:not-found");
    assert_eq!(json["status"], 404);
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::new().await;
    let res = app.client().get("/api/v1/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/reference/regions",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let form = [
        ("email", "+998901112233"),
        ("display_name", "X"),
        ("password", "a fine passphrase"),
        ("password_confirm", "a fine passphrase"),
    ];
    let mut evil = app
        .client()
        .with_header("origin", "https://evil.example")
        .with_header("host", "safar.example");
    let res = evil.post_form("/register", &form).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let mut fetch = app.client().with_header("sec-fetch-site", "cross-site");
    assert_eq!(
        fetch.post_form("/register", &form).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fetch
            .post_form("/login", &[("email", "a@b.org"), ("password", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
    // The same form from our own pages goes through.
    let mut own = app
        .client()
        .with_header("origin", "http://safar.example")
        .with_header("host", "safar.example");
    assert_eq!(
        own.post_form("/register", &form).await.status,
        StatusCode::SEE_OTHER
    );
    let mut same = app.client().with_header("sec-fetch-site", "same-origin");
    assert_eq!(same.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_input_gets_a_localised_error_and_writes_nothing() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let cases: Vec<(&str, Option<&str>, Body)> = vec![
        (
            "/admin/users",
            Some("application/x-www-form-urlencoded"),
            Body::from("email=%ZZ&&&role"),
        ),
        ("/admin/users", Some("text/plain"), Body::from("hello")),
        ("/admin/users", None, Body::from("email=a")),
        (
            "/api/v1/users",
            Some("application/json"),
            Body::from("{not json"),
        ),
        (
            "/api/v1/users",
            Some("application/json"),
            Body::from(r#"{"email": 5}"#),
        ),
        (
            "/api/v1/users",
            Some("application/json"),
            Body::from(r#"[]"#),
        ),
        (
            "/api/v1/users",
            Some("application/json"),
            Body::from(vec![0xff, 0xfe, 0x00]),
        ),
    ];
    for (path, ct, body) in cases {
        let res = admin.request(Method::POST, path, ct, body).await;
        assert!(
            res.status.is_client_error(),
            "{path} {ct:?}: {}",
            res.status
        );
        if path.starts_with("/api/") {
            assert_eq!(
                res.header("content-type"),
                "application/problem+json",
                "{path}"
            );
            assert!(
                res.json()["type"]
                    .as_str()
                    .unwrap()
                    .starts_with("urn:safar:problem:")
            );
        } else {
            assert!(
                res.body.contains("<html lang="),
                "{path}: a page, not plain text: {}",
                res.body
            );
        }
    }
    let bad_query = admin.get("/admin/audit?before=notanumber").await;
    assert_eq!(bad_query.status, StatusCode::BAD_REQUEST);
    assert!(bad_query.body.contains("<html lang="));
    let bad_path = admin
        .request(
            Method::GET,
            "/admin/reference/regions/%FF%FE",
            None,
            Body::empty(),
        )
        .await;
    assert!(bad_path.status.is_client_error(), "{}", bad_path.status);
    let bad_cursor = admin.get("/api/v1/users?cursor=!!!").await;
    assert_eq!(bad_cursor.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::with_config(WebConfig {
        body_limit_bytes: 4096,
        ..WebConfig::default()
    })
    .await;
    let mut c = app.client();
    let big = "x".repeat(10_000);
    let res = c
        .post_form("/register", &[("email", &big), ("password", "p")])
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("<html lang="));
    let api = c
        .post_json("/api/v1/users", &serde_json::json!({ "email": big }))
        .await;
    assert!(
        matches!(
            api.status,
            StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNAUTHORIZED
        ),
        "{}",
        api.status
    );
    assert_eq!(api.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn wrong_methods_answer_405_localised() {
    let app = TestApp::new().await;
    let res = app
        .client()
        .request(Method::DELETE, "/login?lang=en", None, Body::empty())
        .await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.body.contains("Not allowed here"), "{}", res.body);
}

#[tokio::test]
async fn sqlite_runs_with_the_designed_pragmas() {
    let app = TestApp::new().await;
    if app.backend() != Backend::Sqlite {
        return;
    }
    use sqlx::Row;
    let mut conn = app.db.pool.acquire().await.unwrap();
    for (pragma, expected) in [
        ("journal_mode", "wal"),
        ("foreign_keys", "1"),
        ("synchronous", "2"),
        ("busy_timeout", "5000"),
    ] {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {pragma}")))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let value = row
            .try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|v| v.to_string()))
            .unwrap();
        assert_eq!(value.to_lowercase(), expected, "PRAGMA {pragma}");
    }
}
