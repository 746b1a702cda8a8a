//! The `safar` command line, run as a real process.

use std::io::Write;
use std::process::{Command, Stdio};

use safar::platform::db::Backend;

use crate::support::TestApp;

fn safar(args: &[&str], url: &str, stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_safar"))
        .args(args)
        .env("SAFAR_DATABASE_URL", url)
        .env("SAFAR_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn users_tokens_and_audit_verification_from_the_console() {
    let app = TestApp::new().await;
    let (code, out, err) = safar(
        &[
            "user",
            "create",
            "--email",
            "ops@agency.uz",
            "--role",
            "regional_officer",
            "--scope",
            "region:UZ-SA",
            "--password-stdin",
        ],
        &app.url,
        Some("a long secret phrase\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = safar(
        &[
            "user",
            "create",
            "--email",
            "x@agency.uz",
            "--role",
            "wizard",
            "--password-stdin",
        ],
        &app.url,
        Some("a long secret phrase\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("role"), "{err}");
    let (code, _, err) = safar(
        &[
            "user",
            "create",
            "--email",
            "y@agency.uz",
            "--role",
            "operator",
            "--password-stdin",
        ],
        &app.url,
        Some("12345678\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("too common"), "{err}");
    let (code, token, _) = safar(
        &[
            "token",
            "create",
            "--email",
            "ops@agency.uz",
            "--name",
            "import",
        ],
        &app.url,
        None,
    );
    assert_eq!(code, 0);
    let mut api = app.client();
    api.bearer = Some(token.trim().to_string());
    assert_eq!(
        api.get("/api/v1/me").await.json()["roles"][0],
        "regional_officer@region:UZ-SA"
    );
    let (code, out, _) = safar(&["audit", "verify"], &app.url, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact"));
    let (code, _, _) = safar(
        &["user", "disable", "--email", "ops@agency.uz"],
        &app.url,
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(
        api.get("/api/v1/me").await.status,
        http::StatusCode::UNAUTHORIZED
    );
    // Tamper, and verification names the entry.
    let drop_guard = match app.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    sqlx::raw_sql(drop_guard)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::raw_sql("UPDATE audit_log SET details = '{}' WHERE seq = 2")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (code, out, _) = safar(&["audit", "verify"], &app.url, None);
    assert_eq!(code, 1);
    assert!(out.contains("broken at entry 2"), "{out}");
}

#[test]
fn unknown_database_schemes_fail_loudly() {
    let (code, _, err) = safar(&["migrate"], "mysql://localhost/safar", None);
    assert_ne!(code, 0);
    assert!(err.contains("unsupported database URL scheme"), "{err}");
}

#[test]
fn demo_refuses_a_data_dir_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("safar.db").display());
    let (code, _, err) = safar(&["migrate"], &url, None);
    assert_eq!(code, 0, "{err}");
    let data_dir = dir.path().to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_safar"))
        .args(["demo", "--no-serve", "--data-dir", data_dir])
        .env("SAFAR_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not create"));

    let demo_dir = tempfile::tempdir().unwrap();
    let demo = demo_dir.path().to_str().unwrap();
    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_safar"))
            .args(["demo", "--no-serve", "--data-dir", demo])
            .env("SAFAR_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let accounts = std::fs::read_to_string(demo_dir.path().join("demo-accounts.txt")).unwrap();
    for role in safar::platform::access::Role::ALL {
        assert!(
            accounts.contains(&format!("{role}@demo.example.org")),
            "{role}"
        );
    }
}

#[tokio::test]
async fn key_rotation_re_encrypts_passports_under_a_new_key() {
    use safar::people::model::{Gender, Pinfl, parse_date};
    use safar::people::service::{self, Deps, NewPerson, SearchQuery};
    use safar::platform::access::Actor;
    use safar::platform::crypto::DataKeys;

    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("data.key");
    let key_arg = key_file.to_str().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let (code, _, err) = safar(
        &[
            "keys",
            "init",
            "--data-key-file",
            key_arg,
            "--data-dir",
            dir_arg,
        ],
        &app.url,
        None,
    );
    assert_eq!(code, 0, "{err}");
    // The certificate signing key comes with it, and rotates keeping the old one published.
    let signing = dir.path().join("signing.key");
    let before = safar::platform::signing::SigningKeys::load(&signing).unwrap();
    let (code, _, err) = safar(
        &["keys", "rotate-signing", "--data-dir", dir_arg],
        &app.url,
        None,
    );
    assert_eq!(code, 0, "{err}");
    let after = safar::platform::signing::SigningKeys::load(&signing).unwrap();
    assert_eq!(after.key_set().keys.len(), 2);
    assert_eq!(after.key_set().keys[1], before.key_set().keys[0]);
    let (code, _, err) = safar(
        &[
            "keys",
            "init",
            "--data-key-file",
            key_arg,
            "--data-dir",
            dir_arg,
        ],
        &app.url,
        None,
    );
    assert_ne!(code, 0, "never overwrites a key");
    assert!(err.contains("refusing"), "{err}");
    app.keys.save(&key_file).unwrap();

    let input = NewPerson {
        given_name: "Kamola".into(),
        family_name: "Nazarova".into(),
        birth_date: "1994-04-04".into(),
        gender: "female".into(),
        pinfl: Pinfl::generate(parse_date("1994-04-04").unwrap(), Gender::Female, 77)
            .as_str()
            .into(),
        region: "UZ-XO".into(),
        passport_no: Some("AD5550001".into()),
        ..NewPerson::default()
    };
    let id = service::create(app.people(), &Actor::console(), &input)
        .await
        .unwrap();
    let (code, out, err) = safar(
        &[
            "keys",
            "rotate",
            "--data-key-file",
            key_arg,
            "--data-dir",
            dir_arg,
        ],
        &app.url,
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("re-encrypted 1 values"), "{out}");

    let rotated = DataKeys::load(&key_file).unwrap();
    assert_ne!(rotated.active_id(), app.keys.active_id());
    let deps = Deps {
        db: &app.db,
        clock: &app.clock,
        keys: &rotated,
    };
    let record = service::read(deps, &Actor::console(), &id, "correction")
        .await
        .unwrap();
    assert_eq!(record.passport_no.as_deref(), Some("AD5550001"));
    let query = SearchQuery {
        q: Some("AD5550001".into()),
        ..SearchQuery::default()
    };
    let found = service::search(deps, &Actor::console(), &query, 10).await;
    assert!(
        found.unwrap().iter().any(|h| h.id == id),
        "found through the new blind index"
    );
    let stale = service::search(app.people(), &Actor::console(), &query, 10).await;
    assert!(
        stale.map(|h| h.is_empty()).unwrap_or(true),
        "the old index key no longer matches"
    );
}

/// The continuity commands as an operator runs them: back up, restore, export, copy.
#[tokio::test]
async fn backup_restore_export_and_copy_from_the_console() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup");
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let (code, out, err) = safar(&["backup", "create", &path(&backup)], &app.url, None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("backup written") && err.contains("keys are not in the backup"));
    assert!(backup.join("manifest.json").exists());

    let (target, _keep) = crate::support::fresh_database().await;
    let (code, out, err) = safar(&["backup", "restore", &path(&backup)], &target, None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("audit chain intact"), "{out}");
    let (code, _, err) = safar(&["backup", "restore", &path(&backup)], &target, None);
    assert_ne!(
        code, 0,
        "a database that holds tables is never restored over"
    );
    assert!(
        err.contains("empty") || err.contains("new database"),
        "{err}"
    );

    let export = dir.path().join("export");
    let (code, out, err) = safar(&["export", "all", &path(&export)], &app.url, None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(export.join("README.md").exists() && export.join("persons.csv").exists());

    let (copy_to, _keep_copy) = crate::support::fresh_database().await;
    let (code, out, err) = safar(
        &["migrate-data", "--from", &app.url, "--to", &copy_to],
        &app.url,
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("checksums match"), "{out}");
}

#[tokio::test]
async fn read_only_serving_refuses_a_database_older_than_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("safar.db").display());
    let db = safar::platform::db::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let last = safar::platform::migrations::MIGRATIONS.last().unwrap().name;
    sqlx::query("DELETE FROM schema_migrations WHERE name = $1")
        .bind(last)
        .execute(&db.pool)
        .await
        .unwrap();
    db.close().await;
    let data_dir = dir.path().to_str().unwrap();
    let args = [
        "serve",
        "--read-only",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        data_dir,
    ];
    let (code, _, err) = safar(&args, &url, None);
    assert_ne!(code, 0);
    assert!(
        err.contains("does not migrate") && err.contains(last),
        "{err}"
    );
}
