//! One SQL layer over two databases. Every query is runtime SQL through sqlx's `Any`
//! driver with `$1` placeholders and portable types (TEXT, BIGINT, BLOB); where the
//! dialects differ, the small functions at the bottom of this file answer.

use std::str::FromStr;
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
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot connect to the {backend:?} database"))?;
        Ok(Self { pool, backend })
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so a transaction that reads before it writes cannot fail half-way with a busy snapshot.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
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
        self.pool.close().await;
    }
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
