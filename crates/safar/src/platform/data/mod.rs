//! Every table as data: the catalogue both backends describe (columns, primary keys,
//! foreign keys), rows read and written without knowing their module, and order-independent
//! checksums. Backups, `safar export all` and `safar migrate-data` are built on it, so a
//! table a new migration adds is covered by all three without touching them.

pub mod backup;
pub mod copy;
pub mod export;

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use anyhow::{Context, bail};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::any::{AnyConnectOptions, AnyRow};
use sqlx::{AnyConnection, ConnectOptions, Row};

use super::db::{Backend, Db, Tx};

/// The three column types the portable schema uses (DESIGN §6: TEXT, BIGINT, BLOB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Blob,
}

impl Kind {
    fn of_declared(declared: &str) -> Option<Self> {
        let declared = declared.to_ascii_uppercase();
        if declared.contains("INT") {
            Some(Kind::Int)
        } else if declared.is_empty() || declared.contains("TEXT") || declared.contains("CHAR") {
            // No declared type: a full-text table's columns, which hold text.
            Some(Kind::Text)
        } else if declared.contains("BLOB") || declared.contains("BYTEA") {
            Some(Kind::Blob)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Int => "integer",
            Kind::Text => "text",
            Kind::Blob => "bytes",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// The tables this one's foreign keys point to.
    pub references: Vec<String>,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| format!("\"{}\"", c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every row, in no particular order (checksums do not depend on it).
    fn select_all(&self) -> String {
        format!("SELECT {} FROM \"{}\"", self.column_list(), self.name)
    }
}

/// Each database records its own migrations (their checksums differ by dialect); the
/// names are compared instead of the rows.
const OWN_TABLES: &[&str] = &["schema_migrations"];

/// Safar's tables, parents before children: rows copied in this order never break a
/// foreign key.
pub async fn catalogue(conn: &mut AnyConnection, backend: Backend) -> anyhow::Result<Vec<Table>> {
    let tables = match backend {
        Backend::Sqlite => sqlite_tables(conn).await?,
        Backend::Postgres => postgres_tables(conn).await?,
    };
    parents_first(tables)
}

async fn sqlite_tables(conn: &mut AnyConnection) -> anyhow::Result<Vec<Table>> {
    // Full-text tables count as tables; their shadow tables are SQLite's own business
    // (an INSERT into the full-text table fills them again).
    let names: Vec<String> = sqlx::query(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' \
         AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("name"))
    .collect::<Result<_, _>>()?;
    let mut tables = vec![];
    for name in names
        .into_iter()
        .filter(|n| !OWN_TABLES.contains(&n.as_str()))
    {
        let rows = sqlx::query(
            "SELECT name, type, \"notnull\" AS required, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&mut *conn)
        .await?;
        let mut columns = vec![];
        let mut keyed = vec![];
        for row in &rows {
            let column: String = row.try_get("name")?;
            let declared: String = row.try_get("type")?;
            let pk: i64 = row.try_get("pk")?;
            if pk > 0 {
                keyed.push((pk, column.clone()));
            }
            columns.push(Column {
                kind: kind_of(&name, &column, &declared)?,
                nullable: row.try_get::<i64, _>("required")? == 0 && pk == 0,
                name: column,
            });
        }
        keyed.sort();
        let references =
            sqlx::query("SELECT DISTINCT \"table\" AS parent FROM pragma_foreign_key_list($1)")
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.try_get("parent"))
                .collect::<Result<_, _>>()?;
        tables.push(Table {
            name,
            columns,
            primary_key: keyed.into_iter().map(|(_, c)| c).collect(),
            references,
        });
    }
    Ok(tables)
}

async fn postgres_tables(conn: &mut AnyConnection) -> anyhow::Result<Vec<Table>> {
    // information_schema's own types (sql_identifier, yes_or_no) are read as text. Generated
    // columns (a full-text document) are computed again by the database, never copied.
    let columns = sqlx::query(
        "SELECT CAST(c.table_name AS TEXT) AS t, CAST(c.column_name AS TEXT) AS c, \
                CAST(c.data_type AS TEXT) AS ty, CAST(c.is_nullable AS TEXT) AS n \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
           AND CAST(c.is_generated AS TEXT) = 'NEVER' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let keys = sqlx::query(
        "SELECT CAST(k.table_name AS TEXT) AS t, CAST(k.column_name AS TEXT) AS c \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage k \
           ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name \
         WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() \
         ORDER BY k.table_name, k.ordinal_position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let links = sqlx::query(
        "SELECT DISTINCT CAST(tc.table_name AS TEXT) AS child, CAST(u.table_name AS TEXT) AS parent \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.constraint_column_usage u \
           ON u.constraint_schema = tc.constraint_schema AND u.constraint_name = tc.constraint_name \
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for row in &columns {
        let (table, column): (String, String) = (row.try_get("t")?, row.try_get("c")?);
        if OWN_TABLES.contains(&table.as_str()) {
            continue;
        }
        let declared: String = row.try_get("ty")?;
        let nullable = row.try_get::<String, _>("n")? == "YES";
        let kind = kind_of(&table, &column, &declared)?;
        tables
            .entry(table.clone())
            .or_insert_with(|| empty_table(&table))
            .columns
            .push(Column {
                name: column,
                kind,
                nullable,
            });
    }
    for row in &keys {
        let table: String = row.try_get("t")?;
        if let Some(t) = tables.get_mut(&table) {
            t.primary_key.push(row.try_get("c")?);
        }
    }
    for row in &links {
        let child: String = row.try_get("child")?;
        if let Some(t) = tables.get_mut(&child) {
            t.references.push(row.try_get("parent")?);
        }
    }
    Ok(tables.into_values().collect())
}

fn empty_table(name: &str) -> Table {
    Table {
        name: name.to_string(),
        columns: vec![],
        primary_key: vec![],
        references: vec![],
    }
}

fn kind_of(table: &str, column: &str, declared: &str) -> anyhow::Result<Kind> {
    Kind::of_declared(declared)
        .with_context(|| format!("{table}.{column} has the unsupported type {declared:?}"))
}

/// Orders tables so that every table comes after the tables it references (by name among
/// equals, so two databases with the same schema give the same order).
fn parents_first(tables: Vec<Table>) -> anyhow::Result<Vec<Table>> {
    let mut waiting: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut ordered = vec![];
    while !waiting.is_empty() {
        let ready: Vec<String> = waiting
            .values()
            .filter(|t| {
                t.references
                    .iter()
                    .all(|p| p == &t.name || placed.contains(p) || !waiting.contains_key(p))
            })
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            bail!(
                "the foreign keys of these tables form a cycle: {}",
                waiting.keys().cloned().collect::<Vec<_>>().join(", ")
            );
        }
        for name in ready {
            if let Some(table) = waiting.remove(&name) {
                placed.insert(name);
                ordered.push(table);
            }
        }
    }
    Ok(ordered)
}

/// One stored value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

fn read_row(row: &AnyRow, table: &Table) -> anyhow::Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let value = match column.kind {
                Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
                Kind::Blob => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Blob),
            };
            Ok(value.unwrap_or(Value::Null))
        })
        .collect::<Result<_, sqlx::Error>>()
        .with_context(|| format!("reading a row of {}", table.name))
}

/// Calls `each` with every row of `table`, streamed (a table never has to fit in memory).
pub async fn for_each_row(
    conn: &mut AnyConnection,
    table: &Table,
    mut each: impl FnMut(Vec<Value>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let sql = table.select_all();
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        each(read_row(&row, table)?)?;
    }
    Ok(())
}

/// A table's row count and a checksum that does not depend on the order rows come in
/// (the sum of every row's hash), so two databases, even of different backends, can be
/// compared without sorting text the way both would agree on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSum {
    pub rows: u64,
    pub checksum: String,
}

#[derive(Default)]
pub struct Summer {
    rows: u64,
    sum: u128,
}

impl Summer {
    pub fn add(&mut self, values: &[Value]) {
        let mut hash = Sha256::new();
        for value in values {
            let (tag, bytes): (u8, &[u8]) = match value {
                Value::Null => (0, &[]),
                Value::Int(n) => (1, &n.to_le_bytes()),
                Value::Text(s) => (2, s.as_bytes()),
                Value::Blob(b) => (3, b),
            };
            hash.update([tag]);
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        }
        let digest = hash.finalize();
        let mut low = [0u8; 16];
        low.copy_from_slice(&digest[..16]);
        self.sum = self.sum.wrapping_add(u128::from_le_bytes(low));
        self.rows += 1;
    }

    pub fn finish(&self) -> TableSum {
        TableSum {
            rows: self.rows,
            checksum: format!("{:032x}", self.sum),
        }
    }
}

/// Every table's row count and checksum.
pub async fn checksums(
    conn: &mut AnyConnection,
    tables: &[Table],
) -> anyhow::Result<BTreeMap<String, TableSum>> {
    let mut sums = BTreeMap::new();
    for table in tables {
        let mut summer = Summer::default();
        for_each_row(conn, table, |row| {
            summer.add(&row);
            Ok(())
        })
        .await?;
        sums.insert(table.name.clone(), summer.finish());
    }
    Ok(sums)
}

/// The tables whose rows differ between `expected` and `found` (missing ones included).
pub fn differences(
    expected: &BTreeMap<String, TableSum>,
    found: &BTreeMap<String, TableSum>,
) -> Vec<String> {
    let names: BTreeSet<&String> = expected.keys().chain(found.keys()).collect();
    names
        .into_iter()
        .filter(|name| expected.get(*name) != found.get(*name))
        .map(|name| {
            let rows = |m: &BTreeMap<String, TableSum>| {
                m.get(name)
                    .map_or("no table".to_string(), |s| format!("{} rows", s.rows))
            };
            format!(
                "{name} (expected {}, found {})",
                rows(expected),
                rows(found)
            )
        })
        .collect()
}

/// A read transaction that sees one consistent state of the whole database while the
/// server goes on writing: SQLite's snapshot starts at the first read of a deferred
/// transaction; PostgreSQL's at the first statement of a repeatable-read one.
pub async fn snapshot(db: &Db) -> anyhow::Result<Tx> {
    let mut tx = db.pool.begin().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// The migrations a database has applied, by name.
pub async fn applied_migrations(conn: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    Ok(
        sqlx::query("SELECT name FROM schema_migrations ORDER BY name")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get("name"))
            .collect::<Result<_, _>>()?,
    )
}

/// True when the database holds no table at all (a restore or a copy only goes there).
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    let sql = match db.backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.tables \
             WHERE table_schema = current_schema()"
        }
    };
    let n: i64 = sqlx::query(sql).fetch_one(&db.pool).await?.try_get("n")?;
    Ok(n == 0)
}

/// One plain connection, without the server's settings (a backup file is opened read-only).
pub async fn connect_once(url: &str) -> anyhow::Result<AnyConnection> {
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url).context("invalid database URL")?;
    Ok(options.connect().await?)
}

/// The SHA-256 of a file, read in pieces.
pub fn file_sha256(path: &std::path::Path) -> anyhow::Result<(u64, String)> {
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hash.update(&buffer[..n]);
    }
    Ok((bytes, hex::encode(hash.finalize())))
}

/// A directory for new files: created when missing, refused when it holds anything (an
/// older backup or export is never overwritten).
pub fn fresh_directory(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    if std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} is not empty; choose a new directory", dir.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, references: &[&str]) -> Table {
        Table {
            references: references.iter().map(|s| s.to_string()).collect(),
            ..empty_table(name)
        }
    }

    #[test]
    fn parents_come_before_children_and_cycles_are_refused() {
        let ordered = parents_first(vec![
            table("cases", &["persons", "users"]),
            table("persons", &[]),
            table("users", &[]),
            table("case_notes", &["cases", "case_notes"]),
        ])
        .expect("no cycle");
        let names: Vec<_> = ordered.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["persons", "users", "cases", "case_notes"]);
        assert!(parents_first(vec![table("a", &["b"]), table("b", &["a"])]).is_err());
    }

    #[test]
    fn checksums_ignore_row_order_but_not_values() {
        let rows = [
            vec![Value::Int(1), Value::Text("a".into()), Value::Null],
            vec![
                Value::Int(2),
                Value::Text(String::new()),
                Value::Blob(vec![0]),
            ],
        ];
        let sum = |order: &[usize]| {
            let mut s = Summer::default();
            order.iter().for_each(|&i| s.add(&rows[i]));
            s.finish()
        };
        assert_eq!(sum(&[0, 1]), sum(&[1, 0]));
        let mut changed = Summer::default();
        changed.add(&rows[0]);
        changed.add(&[Value::Int(2), Value::Null, Value::Blob(vec![0])]);
        assert_ne!(changed.finish(), sum(&[0, 1]), "NULL differs from ''");
    }
}
