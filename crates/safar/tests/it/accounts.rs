//! Registration, sign-in, sessions, lockout, staff accounts and API tokens.

use http::StatusCode;
use safar::platform::access::Role;
use safar::platform::auth::sessions::{STAFF_ABSOLUTE_MS, STAFF_IDLE_MS};
use safar::platform::auth::throttle::LOCK_MS;

use crate::support::{Client, TestApp};

const GOOD: &str = "tog‘ va daryo 2026";

async fn register(c: &mut Client, login: &str) -> crate::support::TestResponse {
    c.post_form(
        "/register",
        &[
            ("email", login),
            ("display_name", "Aziza Karimova"),
            ("password", GOOD),
            ("password_confirm", GOOD),
        ],
    )
    .await
}

#[tokio::test]
async fn a_citizen_registers_with_a_phone_and_is_signed_in() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let res = register(&mut c, "90 123 45 67").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = c.get("/").await;
    assert!(
        home.body.contains("Aziza Karimova"),
        "signed in after registering"
    );
    let me = c.get("/api/v1/me").await.json();
    assert_eq!(me["roles"][0], "citizen");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE phone = '+998901234567'")
            .await,
        1,
        "stored in E.164"
    );
    assert_eq!(app.audit_count("user.register").await, 1);
    // The same number written another way is the same account.
    let mut again = app.client();
    let dup = register(&mut again, "+998 90 123-45-67").await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut other = app.client();
    let res = other
        .post_form("/login", &[("email", "8 90 123 45 67"), ("password", GOOD)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn registration_errors_are_shown_next_to_each_field_with_the_input_kept() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let res = c
        .post_form(
            "/register?lang=en",
            &[
                ("email", "not-a-phone"),
                ("display_name", ""),
                ("password", "password1"),
                ("password_confirm", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(r#"value="not-a-phone""#), "input kept");
    assert!(res.body.contains(r#"id="e-email""#) && res.body.contains(r#"aria-invalid="true""#));
    assert!(res.body.contains("Fill in this field."));
    assert!(res.body.contains("This password is too common."));
    let short = c
        .post_form(
            "/register?lang=en",
            &[
                ("email", "a@b.org"),
                ("display_name", "A"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert!(short.body.contains("at least 8 characters"));
    let long = "й".repeat(129);
    let res = c
        .post_form(
            "/register?lang=en",
            &[
                ("email", "a@b.org"),
                ("display_name", "A"),
                ("password", &long),
                ("password_confirm", &long),
            ],
        )
        .await;
    assert!(res.body.contains("at most 128"));
    let mismatch = c
        .post_form(
            "/register?lang=en",
            &[
                ("email", "a@b.org"),
                ("display_name", "A"),
                ("password", GOOD),
                ("password_confirm", "other one 123"),
            ],
        )
        .await;
    assert!(mismatch.body.contains("The two passwords differ."));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn hostile_text_is_escaped_on_every_page_that_shows_it() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let xss = r#"<script>alert(1)</script>"><img src=x onerror=alert(2)>"#;
    let res = c
        .post_form(
            "/register",
            &[
                ("email", "+998901234999"),
                ("display_name", xss),
                ("password", GOOD),
                ("password_confirm", GOOD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let home = c.get("/").await;
    assert!(!home.body.contains("<script>alert"), "name must be escaped");
    assert!(
        home.body.contains("&lt;script&gt;") || home.body.contains("&#60;script&#62;"),
        "shown escaped"
    );
    let mut admin = app.signed_in(Role::Admin).await;
    for page in ["/admin/users", "/admin/audit"] {
        let body = admin.get(page).await.body;
        assert!(
            !body.contains("<script>alert") && !body.contains("<img src=x"),
            "{page} must escape"
        );
    }
    let echoed = c.get("/login?next=%22%3E%3Cscript%3E").await;
    assert!(!echoed.body.contains("\"><script>"));
}

#[tokio::test]
async fn sign_in_starts_a_new_session_and_sign_out_ends_it_on_the_server() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Operator, "").await;
    let mut c = app.client();
    c.get("/?lang=ru").await;
    // A session planted before sign-in must not survive it (fixation).
    c.cookies
        .insert("safar_session".into(), "planted-by-attacker".into());
    let res = c
        .post_form(
            "/login",
            &[
                ("email", &email),
                ("password", &password),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/account");
    let cookie = c.session_cookie().expect("session cookie");
    assert_ne!(cookie, "planted-by-attacker");
    let set_cookie = res.header("set-cookie").to_lowercase();
    assert!(
        set_cookie.contains("httponly") && set_cookie.contains("samesite=lax"),
        "{set_cookie}"
    );
    assert_eq!(c.get("/account").await.status, StatusCode::OK);
    assert_eq!(
        c.post_form("/logout", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    // Replaying the old cookie after logout gets nothing.
    let mut replay = app.client();
    replay.cookies.insert("safar_session".into(), cookie);
    assert_eq!(replay.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("logout").await, 1);
}

#[tokio::test]
async fn open_redirects_after_sign_in_are_refused() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Citizen, "").await;
    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let mut c = app.client();
        let res = c
            .post_form(
                "/login",
                &[("email", &email), ("password", &password), ("next", evil)],
            )
            .await;
        assert_eq!(res.location(), "/", "{evil}");
    }
}

#[tokio::test]
async fn cookies_are_secure_and_host_prefixed_behind_tls() {
    let config = safar::platform::config::WebConfig {
        public_url: Some("https://safar.example".into()),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let (email, password) = app.user(Role::Citizen, "").await;
    let res = app
        .client()
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    let cookie = res.header("set-cookie");
    assert!(cookie.starts_with("__Host-safar_session="), "{cookie}");
    assert!(cookie.to_lowercase().contains("secure"), "{cookie}");
}

#[tokio::test]
async fn seven_failures_lock_the_account_for_fifteen_minutes_only() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Citizen, "").await;
    for i in 1..=6 {
        // Different addresses, so only the account counter is in play.
        let mut c = app
            .client()
            .with_header("x-forwarded-for", &format!("10.0.0.{i}"));
        let res = c
            .post_form(
                "/login?lang=en",
                &[("email", &email), ("password", "wrong password")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "failure {i}");
        assert!(res.body.contains("password is wrong"));
    }
    let mut c = app.client().with_header("x-forwarded-for", "10.0.1.1");
    let res = c
        .post_form(
            "/login?lang=ru",
            &[("email", &email), ("password", "wrong password")],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.body.contains("Слишком много попыток"),
        "localised: {}",
        res.body
    );
    assert_eq!(res.header("retry-after"), "60");
    // Locked: even the right password is refused, and trying does not extend the lock.
    app.clock.advance(LOCK_MS - 60_000);
    let mut c = app.client().with_header("x-forwarded-for", "10.0.2.1");
    assert_eq!(
        c.post_form("/login", &[("email", &email), ("password", &password)])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.clock.advance(61_000);
    let res = c
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "unlocked by itself after 15 minutes"
    );
    assert_eq!(app.audit_count("user.locked").await, 1);
    assert_eq!(app.audit_count("login.failed").await, 7);
    assert_eq!(app.audit_count("login.refused_locked").await, 1);
    assert_eq!(app.audit_count("login.succeeded").await, 1);
}

#[tokio::test]
async fn one_address_guessing_many_accounts_is_throttled() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Citizen, "").await;
    let mut c = app.client().with_header("x-forwarded-for", "203.0.113.9");
    for i in 0..6 {
        let res = c
            .post_form(
                "/login",
                &[
                    ("email", &format!("nobody{i}@x.org")),
                    ("password", "guess guess"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        c.post_form(
            "/login",
            &[("email", "nobody7@x.org"), ("password", "guess")]
        )
        .await
        .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        c.post_form("/login", &[("email", &email), ("password", &password)])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address is not affected, and the window passes.
    let mut other = app.client().with_header("x-forwarded-for", "203.0.113.10");
    assert_eq!(
        other
            .post_form("/login", &[("email", &email), ("password", &password)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    app.clock.advance(61_000);
    assert_eq!(
        c.post_form("/login", &[("email", &email), ("password", &password)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn staff_sessions_end_after_thirty_idle_minutes_and_twelve_hours() {
    let app = TestApp::new().await;
    let mut c = app.signed_in(Role::Operator).await;
    app.clock.advance(STAFF_IDLE_MS - 60_000);
    assert_eq!(
        c.get("/account").await.status,
        StatusCode::OK,
        "still active"
    );
    app.clock.advance(STAFF_IDLE_MS + 1_000);
    assert_eq!(
        c.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "idle too long"
    );

    let mut busy = app.signed_in(Role::Operator).await;
    let step = STAFF_IDLE_MS / 2;
    let mut elapsed = 0;
    while elapsed + step < STAFF_ABSOLUTE_MS {
        app.clock.advance(step);
        elapsed += step;
        assert_eq!(
            busy.get("/account").await.status,
            StatusCode::OK,
            "active use at {elapsed} ms"
        );
    }
    app.clock.advance(step * 2);
    assert_eq!(
        busy.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "absolute limit reached"
    );
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_tokens() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Operator, "").await;
    let mut session = app.client();
    session
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    let token = safar::accounts::service::create_token(
        &app.db,
        &app.clock,
        &safar::platform::access::Actor::console(),
        &email,
        "t",
    )
    .await
    .unwrap();
    let mut api = app.client();
    api.bearer = Some(token);
    assert_eq!(api.get("/api/v1/me").await.status, StatusCode::OK);
    let mut admin = app.signed_in(Role::Admin).await;
    let res = admin
        .post_form("/admin/users/disable", &[("login", &email)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        session.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    assert_eq!(
        api.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED,
        "token dead"
    );
    let mut again = app.client();
    assert_eq!(
        again
            .post_form("/login", &[("email", &email), ("password", &password)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.audit_count("user.disable").await, 1);
}

#[tokio::test]
async fn admins_create_staff_with_scoped_roles_through_the_form() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in(Role::Admin).await;
    assert_eq!(admin.get("/admin/users/new").await.status, StatusCode::OK);
    let bad = admin
        .post_form(
            "/admin/users?lang=en",
            &[
                ("email", "op@agency.uz"),
                ("display_name", "Op"),
                ("role", "regional_officer"),
                ("scope", "nowhere"),
                ("password", GOOD),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("region:UZ-SA"), "scope explained");
    assert!(bad.body.contains(r#"value="op@agency.uz""#), "input kept");
    let bad_role = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "op@agency.uz"),
                ("display_name", "Op"),
                ("role", "superuser"),
                ("password", GOOD),
            ],
        )
        .await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "op@agency.uz"),
                ("display_name", "Op Erator"),
                ("role", "regional_officer"),
                ("scope", "region:UZ-SA"),
                ("password", GOOD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let list = admin.get(ok.location()).await;
    assert!(
        list.body.contains("op@agency.uz") && list.body.contains("regional_officer@region:UZ-SA")
    );
    let mut op = app.client();
    assert_eq!(
        op.post_form("/login", &[("email", "OP@agency.uz"), ("password", GOOD)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let me = op.get("/api/v1/me").await.json();
    assert_eq!(me["roles"][0], "regional_officer@region:UZ-SA");
}

#[tokio::test]
async fn api_tokens_act_as_their_user_and_can_be_revoked() {
    let app = TestApp::new().await;
    let mut admin_api = app.token_client(Role::Admin).await;
    let created = admin_api
        .post_json("/api/v1/users", &serde_json::json!({ "email": "a@agency.uz", "display_name": "A", "role": "analyst", "password": GOOD }))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let invalid = admin_api.post_json("/api/v1/users", &serde_json::json!({ "email": "bad", "display_name": "", "role": "x", "password": "1" })).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = invalid.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["email", "display_name", "role", "password"]);
    let mut analyst_api = app.token_client(Role::Analyst).await;
    let denied = analyst_api.get("/api/v1/users").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(denied.json()["type"], "urn:safar:problem:forbidden");
    let mut bogus = app.client();
    bogus.bearer = Some("safar_not-a-real-token".into());
    assert_eq!(
        bogus.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Revoke from the admin page.
    let mut admin = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/tokens").await;
    let id = page
        .body
        .split("/admin/tokens/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        admin
            .post_form(&format!("/admin/tokens/{id}/revoke"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let statuses = [
        admin_api.get("/api/v1/me").await.status,
        analyst_api.get("/api/v1/me").await.status,
    ];
    assert!(
        statuses.contains(&StatusCode::UNAUTHORIZED),
        "one of the two tokens is revoked: {statuses:?}"
    );
    assert_eq!(app.audit_count("token.revoke").await, 1);
}

#[tokio::test]
async fn admins_issue_tokens_shown_once() {
    let app = TestApp::new().await;
    let (email, _) = app.user(Role::Operator, "").await;
    let mut admin = app.signed_in(Role::Admin).await;
    let res = admin
        .post_form(
            "/admin/tokens",
            &[("email", &email), ("name", "border import")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let token = res
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(token.starts_with("safar_"));
    assert!(
        !admin.get("/admin/tokens").await.body.contains(&token),
        "shown only once"
    );
    let mut api = app.client();
    api.bearer = Some(token.clone());
    assert_eq!(api.get("/api/v1/me").await.json()["roles"][0], "operator");
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 1);
    let stored: i64 = app
        .count("SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE 'safar_%'")
        .await;
    assert_eq!(stored, 0, "stored hashed, never in clear");
    let missing = admin
        .post_form("/admin/tokens", &[("email", "nobody@x.org"), ("name", "n")])
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn user_list_paginates_with_an_opaque_cursor() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        app.user(Role::Trainer, "").await;
    }
    let mut api = app.token_client(Role::Admin).await;
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=2&cursor={c}"),
            None => "/api/v1/users?limit=2".to_string(),
        };
        let page = api.get(&path).await.json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 6, "no user twice");
}
