//! Two-step sign-in with TOTP: enrolment, the second step, replay and brute-force refusal,
//! and the administrator setting that makes it mandatory for staff.

use http::StatusCode;
use safar::platform::access::Role;
use safar::platform::auth::totp::current_code;

use crate::support::{Client, TestApp};

/// Enrols TOTP for a signed-in client and returns the secret.
async fn enrol(app: &TestApp, c: &mut Client) -> String {
    let page = c.get("/account/totp").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "QR code shown");
    let secret = page
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let wrong = c.post_form("/account/totp", &[("code", "000000")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = current_code(&secret, app.clock.now_ms()).unwrap();
    let ok = c.post_form("/account/totp", &[("code", &code)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(
        c.get("/account/totp?lang=en")
            .await
            .body
            .contains("Two-step sign-in is on")
    );
    secret
}

#[tokio::test]
async fn staff_enrol_and_then_sign_in_in_two_steps() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Operator, "").await;
    let mut c = app.client();
    c.post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    let secret = enrol(&app, &mut c).await;
    assert_eq!(app.audit_count("user.totp_enable").await, 1);
    c.post_form("/logout", &[]).await;

    app.clock.advance(30_000);
    let mut fresh = app.client();
    let first = fresh
        .post_form(
            "/login",
            &[
                ("email", &email),
                ("password", &password),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), "/login/totp?next=%2Faccount");
    assert_eq!(
        fresh.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "not signed in before the code"
    );
    assert_eq!(fresh.get("/login/totp").await.status, StatusCode::OK);
    let wrong = fresh
        .post_form("/login/totp", &[("code", "123456"), ("next", "/account")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let code = current_code(&secret, app.clock.now_ms()).unwrap();
    let ok = fresh
        .post_form("/login/totp", &[("code", &code), ("next", "/account")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/account");
    assert_eq!(fresh.get("/account").await.status, StatusCode::OK);

    // The same code cannot be used twice.
    let mut replay = app.client();
    replay
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    assert_eq!(
        replay
            .post_form("/login/totp", &[("code", &code)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.audit_count("login.password_ok").await, 2);
}

#[tokio::test]
async fn the_second_step_expires_and_cannot_be_skipped() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Analyst, "").await;
    let mut c = app.client();
    c.post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    let secret = enrol(&app, &mut c).await;
    c.post_form("/logout", &[]).await;
    let mut late = app.client();
    late.post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    app.clock.advance(6 * 60 * 1000);
    let code = current_code(&secret, app.clock.now_ms()).unwrap();
    let res = late.post_form("/login/totp", &[("code", &code)]).await;
    assert_eq!(res.location(), "/login", "the pending step expired");
    assert_eq!(
        app.client().get("/login/totp").await.location(),
        "/login",
        "nothing pending"
    );
}

#[tokio::test]
async fn guessing_codes_locks_the_account() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Supervisor, "").await;
    let mut c = app.client();
    c.post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    enrol(&app, &mut c).await;
    c.post_form("/logout", &[]).await;
    let mut attacker = app.client();
    attacker
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    let mut statuses = vec![];
    for guess in 0..7 {
        let res = attacker
            .post_form("/login/totp", &[("code", &format!("{guess:06}"))])
            .await;
        statuses.push(res.status);
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(app.audit_count("user.locked").await, 1);
}

#[tokio::test]
async fn administrators_can_require_two_step_sign_in_for_staff() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let mut operator = app.signed_in(Role::Operator).await;
    let mut citizen = app.signed_in(Role::Citizen).await;
    let mut api = app.token_client(Role::Operator).await;
    assert_eq!(operator.get("/").await.status, StatusCode::OK);
    assert_eq!(
        citizen
            .post_form("/admin/settings", &[("mfa_required", "on")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let saved = admin
        .post_form("/admin/settings", &[("mfa_required", "on")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM settings WHERE value = 'true'")
            .await,
        1
    );
    assert_eq!(app.audit_count("settings.change").await, 1);

    let blocked = operator.get("/").await;
    assert_eq!(blocked.status, StatusCode::SEE_OTHER);
    assert_eq!(blocked.location(), "/account/totp");
    assert_eq!(operator.get("/account/totp").await.status, StatusCode::OK);
    assert_eq!(
        citizen.get("/account").await.status,
        StatusCode::OK,
        "citizens are not affected"
    );
    assert_eq!(
        api.get("/api/v1/me").await.status,
        StatusCode::OK,
        "integrations' tokens are not affected"
    );
    enrol(&app, &mut operator).await;
    assert_eq!(
        operator.get("/").await.status,
        StatusCode::OK,
        "enrolled staff carry on"
    );

    // The administrator is staff too: they enrol before changing anything else.
    assert_eq!(
        admin.get("/admin/settings").await.location(),
        "/account/totp"
    );
    enrol(&app, &mut admin).await;
    assert!(admin.get("/admin/settings").await.body.contains(" checked"));
    admin.post_form("/admin/settings", &[]).await;
    assert!(!admin.get("/admin/settings").await.body.contains(" checked"));
}
