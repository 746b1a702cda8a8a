//! `safar migrate-data --from … --to …`: copies every table of one database into an empty
//! one — the path for a pilot that outgrows its single SQLite machine. The copy is one
//! transaction on the target; it commits only when every table's row count and checksum
//! equal the source's, and the audit chain is verified afterwards.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use futures_util::TryStreamExt;
use sqlx::AnyConnection;

use super::{
    Kind, Table, TableSum, Value, applied_migrations, catalogue, checksums, differences, is_empty,
    read_row, snapshot,
};
use crate::platform::audit::{self, Verdict};
use crate::platform::db::Db;
use crate::platform::migrations::MIGRATIONS;

/// Values bound per INSERT statement, well under both backends' parameter limits.
const VALUES_PER_STATEMENT: usize = 8_000;

/// Copies `from` into `to`; returns each table's row count and checksum. `progress` hears
/// each table as it is done.
pub async fn migrate_data(
    from: &str,
    to: &str,
    mut progress: impl FnMut(&str, u64),
) -> anyhow::Result<BTreeMap<String, TableSum>> {
    let source = Db::connect(from).await.context("the source database")?;
    let target = Db::connect(to).await.context("the target database")?;
    if !is_empty(&target).await? {
        bail!(
            "the target database already holds tables: migrate-data copies only into an empty database"
        );
    }
    let mut reading = snapshot(&source).await?;
    let current: Vec<String> = MIGRATIONS.iter().map(|m| m.name.to_string()).collect();
    if applied_migrations(&mut reading).await? != current {
        bail!(
            "the source database is not at this version's schema: run `safar migrate` on it first"
        );
    }
    target
        .migrate()
        .await
        .context("creating the target's tables")?;
    let tables = catalogue(&mut reading, source.backend).await?;
    let mut writing = target.begin().await?;
    same_schema(&tables, &catalogue(&mut writing, target.backend).await?)?;
    // What the target's migrations inserted (the audit chain's head, say) gives way to
    // the source's rows.
    for table in tables.iter().rev() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM \"{}\"",
            table.name
        )))
        .execute(&mut *writing)
        .await?;
    }
    for table in &tables {
        let rows = copy_table(&mut reading, &mut writing, table).await?;
        progress(&table.name, rows);
    }
    let expected = checksums(&mut reading, &tables).await?;
    let found = checksums(&mut writing, &tables).await?;
    let mismatched = differences(&expected, &found);
    if !mismatched.is_empty() {
        writing.rollback().await?;
        bail!(
            "the copy differs from the source, nothing was kept: {}",
            mismatched.join("; ")
        );
    }
    writing.commit().await?;
    reading.rollback().await?;
    if let Verdict::Broken { seq, reason } = audit::verify(&target).await? {
        bail!("the copied audit chain does not verify at entry {seq}: {reason}");
    }
    source.close().await;
    target.close().await;
    Ok(found)
}

/// Both databases must have the same tables and columns (both at this version's schema).
fn same_schema(source: &[Table], target: &[Table]) -> anyhow::Result<()> {
    let shape = |tables: &[Table]| -> BTreeMap<String, Vec<(String, Kind)>> {
        tables
            .iter()
            .map(|t| {
                let columns = t.columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
                (t.name.clone(), columns)
            })
            .collect()
    };
    let (a, b) = (shape(source), shape(target));
    for (name, columns) in &a {
        if b.get(name) != Some(columns) {
            bail!("table {name} differs between the source and the target schema");
        }
    }
    if let Some(extra) = b.keys().find(|name| !a.contains_key(*name)) {
        bail!("the target has a table the source lacks: {extra}");
    }
    Ok(())
}

async fn copy_table(
    reading: &mut AnyConnection,
    writing: &mut AnyConnection,
    table: &Table,
) -> anyhow::Result<u64> {
    let per_statement = (VALUES_PER_STATEMENT / table.columns.len().max(1)).max(1);
    let sql = table.select_all();
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *reading);
    let mut batch = Vec::with_capacity(per_statement);
    let mut copied = 0u64;
    while let Some(row) = rows.try_next().await? {
        batch.push(read_row(&row, table)?);
        if batch.len() == per_statement {
            copied += insert(writing, table, &batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        copied += insert(writing, table, &batch).await?;
    }
    Ok(copied)
}

/// Inserts rows with one multi-row statement.
pub(super) async fn insert(
    conn: &mut AnyConnection,
    table: &Table,
    rows: &[Vec<Value>],
) -> anyhow::Result<u64> {
    let width = table.columns.len();
    let mut sql = format!(
        "INSERT INTO \"{}\" ({}) VALUES ",
        table.name,
        table.column_list()
    );
    for r in 0..rows.len() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * width + c + 1));
        }
        sql.push(')');
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for (value, column) in row.iter().zip(&table.columns) {
            // A NULL is bound with its column's type: PostgreSQL refuses a typed parameter
            // of another type even when it is NULL.
            query = match (value, column.kind) {
                (Value::Null, Kind::Int) => query.bind(None::<i64>),
                (Value::Null, Kind::Text) => query.bind(None::<String>),
                (Value::Null, Kind::Blob) => query.bind(None::<Vec<u8>>),
                (Value::Int(n), _) => query.bind(*n),
                (Value::Text(s), _) => query.bind(s.clone()),
                (Value::Blob(b), _) => query.bind(b.clone()),
            };
        }
    }
    let done = query
        .execute(&mut *conn)
        .await
        .with_context(|| format!("writing rows of {}", table.name))?;
    Ok(done.rows_affected())
}
