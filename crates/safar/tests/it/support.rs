//! `TestApp`: a Safar instance on a fresh database, driven in-process through its router,
//! with clients that keep cookies like a browser (or carry a bearer token like an integration).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use safar::accounts::service::{self, NewStaff};
use safar::platform::access::{Actor, Role};
use safar::platform::clock::Clock;
use safar::platform::config::WebConfig;
use safar::platform::crypto::DataKeys;
use safar::platform::db::{Backend, Db};
use safar::platform::web::{self, AppState};
use tower::ServiceExt;

pub struct TestApp {
    pub db: Db,
    pub clock: Clock,
    pub keys: DataKeys,
    pub router: Router,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database URL: a temporary SQLite file, or a new PostgreSQL database.
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("SAFAR_TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let name = format!(
                "safar_it_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let admin = Db::connect(&base)
                .await
                .expect("connect to SAFAR_TEST_DATABASE_URL");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name}"
            )))
            .execute(&admin.pool)
            .await
            .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin.pool)
                .await
                .unwrap();
            admin.close().await;
            (replace_database(&base, &name), None)
        }
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("safar.db").display());
            (url, Some(dir))
        }
    }
}

fn router(db: &Db, clock: &Clock, keys: &DataKeys, config: WebConfig) -> Router {
    web::router(AppState {
        signing: Arc::new(safar::platform::signing::SigningKeys::generate()),
        register: Arc::default(),
        db: db.clone(),
        clock: clock.clone(),
        config: Arc::new(config),
        keys: Arc::new(keys.clone()),
        usage: Arc::default(),
    })
}

fn replace_database(url: &str, name: &str) -> String {
    let (without_query, query) = url
        .split_once('?')
        .map_or((url, None), |(u, q)| (u, Some(q)));
    let base = match without_query.rfind('/') {
        Some(pos) if pos > "postgres://".len() => &without_query[..pos],
        _ => without_query,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(WebConfig {
            trust_forwarded_for: true,
            ..WebConfig::default()
        })
        .await
    }

    pub async fn with_config(config: WebConfig) -> Self {
        let (url, dir) = fresh_database().await;
        Self::at(url, dir, config).await
    }

    /// An instance on embedded SQLite whatever the run's database (a copy's source).
    pub async fn on_sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("safar.db").display());
        Self::at(url, Some(dir), WebConfig::default()).await
    }

    async fn at(url: String, dir: Option<tempfile::TempDir>, config: WebConfig) -> Self {
        let clock = Clock::default();
        let db = safar::server::prepare(&url, &clock)
            .await
            .expect("prepare database");
        let keys = DataKeys::generate();
        TestApp {
            router: router(&db, &clock, &keys, config),
            db,
            clock,
            url,
            keys,
            _dir: dir,
        }
    }

    /// Serves the same database with other settings (clients made afterwards use them).
    pub fn reconfigure(&mut self, config: WebConfig) {
        self.router = router(&self.db, &self.clock, &self.keys, config);
    }

    /// What the people services need, for tests that call them directly.
    pub fn people(&self) -> safar::people::service::Deps<'_> {
        safar::people::service::Deps {
            db: &self.db,
            clock: &self.clock,
            keys: &self.keys,
        }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend
    }

    /// A new client. Each comes from its own address (as seen through a trusted proxy),
    /// so the per-address login throttle of one test client never hits another.
    pub fn client(&self) -> Client {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let address = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
            bearer: None,
            headers: vec![],
        }
        .with_header("x-forwarded-for", &address)
    }

    /// Creates a user through the service, as the console would; returns (email, password).
    pub async fn user(&self, role: Role, scope: &str) -> (String, String) {
        // Recruiter staff always work for an agency; one that does not exist is enough for
        // tests that only need the role.
        let scope = match (role, scope) {
            (Role::RecruiterStaff, "") => "recruiter:no-such-agency",
            _ => scope,
        };
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let email = format!("{role}{n}@test.example.org");
        let password = format!("long enough pass {n}");
        let form = NewStaff {
            email: email.clone(),
            display_name: format!("Test {role} {n}"),
            role: role.to_string(),
            scope: scope.to_string(),
            password: password.clone(),
        };
        service::create_user(&self.db, &self.clock, &Actor::console(), &form)
            .await
            .expect("create user");
        (email, password)
    }

    /// A client signed in as a new user of `role`.
    pub async fn signed_in(&self, role: Role) -> Client {
        self.signed_in_scoped(role, "").await
    }

    pub async fn signed_in_scoped(&self, role: Role, scope: &str) -> Client {
        let (email, password) = self.user(role, scope).await;
        let mut client = self.client();
        let res = client
            .post_form("/login", &[("email", &email), ("password", &password)])
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login as {role}: {}",
            res.body
        );
        client
    }

    /// A client carrying an API token of a new user of `role`.
    pub async fn token_client(&self, role: Role) -> Client {
        let (email, _) = self.user(role, "").await;
        let token = service::create_token(&self.db, &self.clock, &Actor::console(), &email, "test")
            .await
            .unwrap();
        let mut client = self.client();
        client.bearer = Some(token);
        client
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    }

    pub async fn audit_count(&self, action: &str) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    }
}

#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookies: HashMap<String, String>,
    pub bearer: Option<String>,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
    /// The body as sent (for binary answers such as PDFs).
    pub raw: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.header("location")
    }
}

impl Client {
    /// Sets a request header (replacing an earlier value of the same header).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Body,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, cookie);
        }
        if let Some(token) = &self.bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let response = self
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        self.remember_cookies(response.headers());
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            raw: bytes.to_vec(),
        }
    }

    fn remember_cookies(&mut self, headers: &http::HeaderMap) {
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Some((pair, attrs)) = text.split_once(';').or(Some((text, ""))) else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let expired = attrs.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            if expired {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_string(), value.trim().to_string());
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None, Body::empty()).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.request(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    pub async fn post_json(&mut self, path: &str, json: &serde_json::Value) -> TestResponse {
        self.request(
            Method::POST,
            path,
            Some("application/json"),
            Body::from(json.to_string()),
        )
        .await
    }

    pub async fn put_json(&mut self, path: &str, json: &serde_json::Value) -> TestResponse {
        self.request(
            Method::PUT,
            path,
            Some("application/json"),
            Body::from(json.to_string()),
        )
        .await
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookies.get("safar_session").cloned()
    }
}
