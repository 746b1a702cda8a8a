//! One SQL layer over two databases. Every query is runtime SQL through sqlx's `Any`
//! driver with `$1` placeholders and portable types (TEXT, BIGINT, BLOB); where the
//! dialects differ, the small functions at the bottom of this file answer.

use std::any::Any as AnyValue;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Row};

pub type Tx = sqlx::Transaction<'static, Any>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL names. An unknown scheme is an error, never a silent fallback.
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => bail!(
                "unsupported database URL scheme {scheme:?}: use sqlite://PATH or postgres://…"
            ),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Where write transactions run. On SQLite a pool of one connection: SQLite lets one
    /// writer in at a time, and a writer waiting inside SQLite (the busy handler sleeps
    /// and retries) holds a pooled connection the readers need. Queued here, writers wait
    /// in order, hold nothing, and the one writing keeps its page cache warm. On
    /// PostgreSQL the same pool as `pool`.
    writer: AnyPool,
    memo: Memo,
}

/// Values read once per database from tables nothing writes while it serves (reference
/// data, seeded before the first request): see [`Db::memo`].
#[derive(Clone, Default)]
struct Memo(Arc<Mutex<HashMap<String, Arc<dyn AnyValue + Send + Sync>>>>);

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl Memo {
    fn get<T: AnyValue + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        let map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.get(key).cloned()?.downcast::<T>().ok()
    }

    fn put<T: AnyValue + Send + Sync>(&self, key: &str, value: Arc<T>) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.insert(key.to_string(), value);
    }
}

/// SQLite settings applied to every connection (DESIGN §6): WAL for concurrent readers,
/// FULL sync so no acknowledged write is lost on power failure.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;";

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating_file(url),
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("invalid database URL for {backend:?}"))?;
        let pool = pool_options(
            backend,
            match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            },
        )
        .connect_with(options.clone())
        .await
        .with_context(|| format!("cannot connect to the {backend:?} database"))?;
        let writer = match backend {
            Backend::Sqlite => pool_options(backend, 1)
                .connect_with(options)
                .await
                .with_context(|| format!("cannot connect to the {backend:?} database"))?,
            Backend::Postgres => pool.clone(),
        };
        Ok(Self {
            pool,
            backend,
            writer,
            memo: Memo::default(),
        })
    }

    /// What `load` reads, read once per database and `key`; later calls share it. Only for
    /// tables nothing writes once the server runs (every server then holds the same rows);
    /// an empty result is not kept, so a read before the seed is not remembered.
    pub async fn memo<T, F, Fut>(&self, key: &str, load: F) -> Result<Arc<T>, sqlx::Error>
    where
        T: AnyValue + Send + Sync + IsEmpty,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        if let Some(kept) = self.memo.get::<T>(key) {
            return Ok(kept);
        }
        let value = Arc::new(load().await?);
        if !value.is_empty() {
            self.memo.put(key, value.clone());
        }
        Ok(value)
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so a transaction that reads before it writes cannot fail half-way with a busy snapshot.
    /// One write transaction must not open another: on SQLite the second waits for the first.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn migrate(&self) -> anyhow::Result<usize> {
        super::migrations::run(self).await
    }

    /// Case-insensitive LIKE (SQLite's LIKE already ignores ASCII case).
    pub fn ilike(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        }
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// Whether a value read for [`Db::memo`] holds nothing.
pub trait IsEmpty {
    fn is_empty(&self) -> bool;
}

impl<T> IsEmpty for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<K, V> IsEmpty for HashMap<K, V> {
    fn is_empty(&self) -> bool {
        HashMap::is_empty(self)
    }
}

/// A pool of `size` connections; SQLite connections get `SQLITE_PRAGMAS`.
fn pool_options(backend: Backend, size: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(SQLITE_PRAGMAS).await?;
                }
                Ok(())
            })
        })
}

fn sqlite_url_creating_file(url: &str) -> String {
    if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Reads a nullable integer column that SQLite and PostgreSQL may return with different widths.
pub fn opt_i64(row: &sqlx::any::AnyRow, col: &str) -> Result<Option<i64>, sqlx::Error> {
    row.try_get::<Option<i64>, _>(col)
}

/// A value bound to a dynamically built statement.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// Builds SQL whose WHERE clause depends on which filters were given, numbering the
/// placeholders as they are appended so PostgreSQL never sees an unused parameter.
#[derive(Clone, Debug, Default)]
pub struct SqlBuf {
    text: String,
    args: Vec<Arg>,
}

impl SqlBuf {
    pub fn new(text: &str) -> Self {
        SqlBuf {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    pub fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    pub fn bind_text(&mut self, v: impl Into<String>) -> &mut Self {
        self.bind(Arg::Text(v.into()))
    }

    pub fn bind_int(&mut self, v: i64) -> &mut Self {
        self.bind(Arg::Int(v))
    }

    /// `column IN ($n, …)` over `values` (which must not be empty: `IN ()` is not SQL).
    pub fn in_list(&mut self, column: &str, values: &[String]) -> &mut Self {
        self.push(&format!("{column} IN ("));
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind_text(v.clone());
        }
        self.push(")")
    }

    /// `column LIKE '%needle%'`, case-insensitive, with the needle's wildcards escaped.
    pub fn contains(&mut self, db: &Db, column: &str, needle: &str) -> &mut Self {
        self.push(&format!("{column} {} ", db.ilike()));
        self.bind_text(format!("%{}%", escape_like(needle)));
        self.push(" ESCAPE '\\'")
    }

    pub fn query(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.text.clone()));
        for arg in &self.args {
            q = match arg {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn temp_db(dir: &tempfile::TempDir) -> Db {
        let url = format!("sqlite://{}", dir.path().join("memo.db").display());
        Db::connect(&url).await.expect("a SQLite file opens")
    }

    #[tokio::test]
    async fn memo_reads_once_but_never_keeps_an_empty_read() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = temp_db(&dir).await;
        let reads = AtomicUsize::new(0);
        let read = |rows: Vec<i64>| {
            reads.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, sqlx::Error>(rows) }
        };
        // Before the seed: empty, read again next time.
        assert!(
            db.memo("k", || read(vec![]))
                .await
                .expect("read")
                .is_empty()
        );
        assert_eq!(
            *db.memo("k", || read(vec![1, 2])).await.expect("read"),
            [1, 2]
        );
        assert_eq!(*db.memo("k", || read(vec![3])).await.expect("read"), [1, 2]);
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        // Another database keeps its own values.
        let other_dir = tempfile::tempdir().expect("a temporary directory");
        let other = temp_db(&other_dir).await;
        assert_eq!(*other.memo("k", || read(vec![7])).await.expect("read"), [7]);
    }

    #[tokio::test]
    async fn waiting_writers_leave_the_readers_their_connections() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = temp_db(&dir).await;
        sqlx::query("CREATE TABLE n (v BIGINT)")
            .execute(&db.pool)
            .await
            .expect("create");
        let mut holder = db.begin().await.expect("the write lock");
        // More writers wait than the readers' pool has connections.
        let writers: Vec<_> = (0..12)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut tx = db.begin().await?;
                    sqlx::query("INSERT INTO n (v) VALUES ($1)")
                        .bind(i as i64)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let read = tokio::time::timeout(
            Duration::from_secs(2),
            sqlx::query("SELECT COUNT(*) AS n FROM n").fetch_one(&db.pool),
        )
        .await
        .expect("a reader is served while writers wait")
        .expect("count");
        assert_eq!(read.try_get::<i64, _>("n").expect("n"), 0);
        sqlx::query("INSERT INTO n (v) VALUES (-1)")
            .execute(&mut *holder)
            .await
            .expect("insert");
        holder.commit().await.expect("commit");
        for w in writers {
            w.await.expect("joined").expect("written in turn");
        }
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM n")
            .fetch_one(&db.pool)
            .await
            .expect("count")
            .try_get("n")
            .expect("n");
        assert_eq!(n, 13);
    }
}
