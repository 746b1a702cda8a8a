//! Crash safety: a real `safar serve` process takes writes from concurrent clients and is
//! killed with SIGKILL mid-run, then started again. Every write it acknowledged with 2xx
//! must still be there, the SQLite file must pass `PRAGMA integrity_check`, and the audit
//! chain must verify.
//!
//! The suite runs a short version (one kill). The long one is a documented command:
//! `SAFAR_CRASH_WRITES=1000 SAFAR_CRASH_KILLS=3 cargo test -p safar --test it crash -- --nocapture`
//! (add `SAFAR_TEST_DATABASE_URL=postgres://…` for PostgreSQL); it prints its figures.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use safar::people::model::{Gender, Pinfl, parse_date};
use safar::platform::access::{Actor, Role};
use safar::platform::audit::{self, Verdict};
use safar::platform::db::Backend;
use sqlx::Row;

use crate::support::TestApp;

/// One family name per concurrent client.
const WRITERS: [&str; 4] = ["Karimov", "Aliyev", "Tursunov", "Rahimov"];

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A server process and the address it listens on.
struct Server {
    child: Child,
    address: String,
}

fn start(url: &str, data_dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_safar"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("SAFAR_DATABASE_URL", url)
        .env("SAFAR_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start safar serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads the server's standard error to its end, so a full pipe never blocks it.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(address) = line.strip_prefix("Safar is listening on http://") {
                let _ = tx.send(address.to_string());
            }
        }
    });
    let address = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server said where it listens");
    Server { child, address }
}

/// One HTTP/1.1 request on its own connection; the status and body, or an I/O error (the
/// server was killed).
fn request(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    Ok((status, body))
}

fn id_in(body: &str) -> Option<String> {
    let rest = body.split_once("\"id\":\"")?.1;
    Some(rest.split('"').next()?.to_string())
}

/// What the clients were told was saved.
#[derive(Default)]
struct Acknowledged {
    persons: Vec<String>,
    consents: Vec<String>,
}

/// Each writer registers persons and records a consent for each, until told to stop or
/// the server goes away.
fn writer(
    family: &str,
    address: String,
    token: String,
    next: Arc<Mutex<u32>>,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let birth = parse_date("1988-07-21").expect("date");
    while !stop.load(Ordering::Relaxed) {
        let tail = {
            let mut next = next.lock().expect("lock");
            *next += 1;
            *next
        };
        let pinfl = Pinfl::generate(birth, Gender::Male, tail);
        let person = format!(
            r#"{{"given_name":"Sardor","family_name":"{family}","birth_date":"1988-07-21","gender":"male","pinfl":"{}","region":"UZ-TO","phones":[]}}"#,
            pinfl.as_str()
        );
        let Ok((status, body)) = request(&address, "POST", "/api/v1/persons", &token, &person)
        else {
            return;
        };
        assert!(status == 201 || status == 503, "{status}: {body}");
        let Some(id) = id_in(&body).filter(|_| status == 201) else {
            continue;
        };
        acked.lock().expect("lock").persons.push(id.clone());
        let consent = r#"{"purpose":"registry","channel":"phone"}"#;
        let path = format!("/api/v1/persons/{id}/consents");
        let Ok((status, body)) = request(&address, "POST", &path, &token, consent) else {
            return;
        };
        assert_eq!(status, 201, "{body}");
        acked.lock().expect("lock").consents.push(id);
    }
}

#[tokio::test]
async fn no_acknowledged_write_is_lost_when_the_server_is_killed() {
    let writes = setting("SAFAR_CRASH_WRITES", 80);
    let kills = setting("SAFAR_CRASH_KILLS", 1).max(1);
    let app = TestApp::new().await;
    let (email, _) = app.user(Role::Operator, "").await;
    let token = safar::accounts::service::create_token(
        &app.db,
        &app.clock,
        &Actor::console(),
        &email,
        "crash test",
    )
    .await
    .expect("token");
    let keys = tempfile::tempdir().expect("dir");
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let next = Arc::new(Mutex::new(0));
    let started = Instant::now();
    for round in 0..kills {
        let mut server = start(&app.url, keys.path());
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = WRITERS
            .iter()
            .map(|&family| {
                let (address, token) = (server.address.clone(), token.clone());
                let (next, stop, acked) = (next.clone(), stop.clone(), acked.clone());
                std::thread::spawn(move || writer(family, address, token, next, stop, acked))
            })
            .collect();
        let goal = writes * (round + 1) / kills;
        while acked.lock().expect("lock").persons.len() < goal {
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "the writers stalled"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // Mid-run: the writers are still sending.
        server.child.kill().expect("SIGKILL");
        server.child.wait().expect("reaped");
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().expect("a writer failed");
        }
    }
    let acked = std::mem::take(&mut *acked.lock().expect("lock"));

    // Started again, the server serves every acknowledged person.
    let mut server = start(&app.url, keys.path());
    for id in acked.persons.iter().step_by(7) {
        let path = format!("/api/v1/persons/{id}?purpose=case");
        let (status, body) = request(&server.address, "GET", &path, &token, "").expect("read");
        assert_eq!(status, 200, "{id}: {body}");
    }
    server.child.kill().expect("stop");
    server.child.wait().expect("reaped");

    for id in &acked.persons {
        let found: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .expect("count")
            .get("n");
        assert_eq!(found, 1, "acknowledged person {id} was lost");
    }
    for id in &acked.consents {
        let found: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM consents WHERE person_id = $1 AND purpose = 'registry'",
        )
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .get("n");
        assert_eq!(found, 1, "the acknowledged consent of {id} was lost");
    }
    if app.backend() == Backend::Sqlite {
        let check: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&app.db.pool)
            .await
            .expect("integrity check")
            .get(0);
        assert_eq!(check, "ok");
    }
    let verdict = audit::verify(&app.db).await.expect("verify");
    assert!(matches!(verdict, Verdict::Intact { .. }), "{verdict:?}");
    println!(
        "crash test ({:?}): {} kills, {} persons and {} consents acknowledged, all present; \
         audit chain intact; {:.1} s",
        app.backend(),
        kills,
        acked.persons.len(),
        acked.consents.len(),
        started.elapsed().as_secs_f64()
    );
}
