//! The audit log: written with every change in the same transaction, hash-chained,
//! tamper-evident, readable by administrators only.

use http::StatusCode;
use safar::accounts::service::{self, NewStaff};
use safar::platform::access::{Actor, Role};
use safar::platform::audit::{self, Event, Verdict};
use safar::platform::db::Backend;

use crate::support::TestApp;

async fn tamper(app: &TestApp, sql: &'static str) {
    // An attacker with database access first removes the append-only guard.
    let drop_guard: &[&str] = match app.backend() {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["DROP TRIGGER audit_log_no_update ON audit_log"],
    };
    for stmt in drop_guard {
        sqlx::raw_sql(*stmt).execute(&app.db.pool).await.unwrap();
    }
    sqlx::raw_sql(sql).execute(&app.db.pool).await.unwrap();
}

async fn some_entries(app: &TestApp) {
    for _ in 0..4 {
        app.user(Role::Trainer, "").await;
    }
}

#[tokio::test]
async fn the_chain_verifies_when_untouched() {
    let app = TestApp::new().await;
    some_entries(&app).await;
    match audit::verify(&app.db).await.unwrap() {
        Verdict::Intact { entries } => assert!(entries >= 5, "seed + 4 users, got {entries}"),
        broken => panic!("{broken:?}"),
    }
}

#[tokio::test]
async fn the_log_refuses_updates_and_deletes() {
    let app = TestApp::new().await;
    some_entries(&app).await;
    assert!(
        sqlx::raw_sql("UPDATE audit_log SET action = 'x' WHERE seq = 2")
            .execute(&app.db.pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::raw_sql("DELETE FROM audit_log WHERE seq = 2")
            .execute(&app.db.pool)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn an_edited_entry_breaks_the_chain_at_that_entry() {
    let app = TestApp::new().await;
    some_entries(&app).await;
    tamper(
        &app,
        "UPDATE audit_log SET actor_label = 'someone else' WHERE seq = 3",
    )
    .await;
    assert_eq!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Broken {
            seq: 3,
            reason: "entry altered"
        }
    );
}

#[tokio::test]
async fn a_removed_entry_breaks_the_chain() {
    let app = TestApp::new().await;
    some_entries(&app).await;
    tamper(&app, "DELETE FROM audit_log WHERE seq = 2").await;
    assert_eq!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Broken {
            seq: 2,
            reason: "entry missing"
        }
    );
}

#[tokio::test]
async fn a_truncated_tail_is_detected() {
    let app = TestApp::new().await;
    some_entries(&app).await;
    tamper(
        &app,
        "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    )
    .await;
    assert!(matches!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Broken {
            reason: "entries missing at the end",
            ..
        }
    ));
}

#[tokio::test]
async fn a_failed_change_leaves_no_entry_and_a_failed_append_fails_the_change() {
    let app = TestApp::new().await;
    let (email, _) = app.user(Role::Operator, "").await;
    let before = app.count("SELECT COUNT(*) FROM audit_log").await;
    let dup = NewStaff {
        email,
        display_name: "Dup".into(),
        role: "operator".into(),
        scope: String::new(),
        password: "long enough pass".into(),
    };
    assert!(
        service::create_user(&app.db, &app.clock, &Actor::console(), &dup)
            .await
            .is_err()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, before);
    // Break the audit head: every write must now fail and leave nothing behind.
    sqlx::raw_sql("DELETE FROM audit_head")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let fresh = NewStaff {
        email: "new@agency.uz".into(),
        ..dup
    };
    assert!(
        service::create_user(&app.db, &app.clock, &Actor::console(), &fresh)
            .await
            .is_err()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        users,
        "the change was rolled back"
    );
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = TestApp::new().await;
    let mut tasks = vec![];
    for i in 0..16 {
        let db = app.db.clone();
        let clock = app.clock.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            audit::append(
                &mut tx,
                &Actor::console(),
                None,
                clock.now_ms(),
                Event::new("test.concurrent", "test", &i.to_string()),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(app.audit_count("test.concurrent").await, 16);
    assert!(matches!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Intact { .. }
    ));
}

#[tokio::test]
async fn admins_read_and_filter_the_log_others_cannot() {
    let app = TestApp::new().await;
    let (email, password) = app.user(Role::Operator, "").await;
    app.client()
        .post_form("/login", &[("email", &email), ("password", "wrong one!")])
        .await;
    app.client()
        .post_form("/login", &[("email", &email), ("password", &password)])
        .await;
    let mut admin = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/audit?action=login.failed").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("login.failed"));
    assert!(!page.body.contains("login.succeeded"), "filtered");
    let api = admin
        .get("/api/v1/audit?action=login.&limit=1")
        .await
        .json();
    assert_eq!(api["items"].as_array().unwrap().len(), 1);
    assert!(api["next_cursor"].is_string());
    let next = admin
        .get(&format!(
            "/api/v1/audit?action=login.&limit=1&cursor={}",
            api["next_cursor"].as_str().unwrap()
        ))
        .await
        .json();
    assert!(next["items"][0]["seq"].as_i64() < api["items"][0]["seq"].as_i64());
    let mut operator = app.signed_in(Role::Operator).await;
    assert_eq!(
        operator.get("/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );
    // Wildcards in the filter are literal.
    let none = admin.get("/api/v1/audit?action=%25").await.json();
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
}
