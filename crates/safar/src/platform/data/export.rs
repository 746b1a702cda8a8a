//! `safar export all DEST`: every table in open formats, so the agency's data is never
//! locked in Safar (or in whoever operates it): `<table>.csv`, `<table>.schema.json` (a JSON
//! Schema of one row), `README.md` (the data model) and `manifest.json` (row counts and
//! checksums), all from one consistent snapshot while the server goes on serving.
//!
//! CSV convention (RFC 4180, UTF-8, CRLF): integers bare, text always in double quotes,
//! bytes as quoted base64, NULL as an empty unquoted field — so NULL and '' differ. Values
//! are exactly as stored: sealed columns (`…_sealed`) stay sealed under the data key, and
//! nothing is rewritten for spreadsheets (open the files as text).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use serde_json::{Value as Json, json};

use super::backup::{FileSum, Manifest};
use super::{
    Kind, Summer, Table, TableSum, Value, applied_migrations, catalogue, file_sha256, for_each_row,
    fresh_directory, snapshot,
};
use crate::platform::clock::{format_ms, system_now_ms};
use crate::platform::db::{Backend, Db};
use crate::platform::migrations::MIGRATIONS;

const FORMAT: &str = "safar-export/1";

/// Writes the export; returns its manifest.
pub async fn export_all(db: &Db, dest: &Path) -> anyhow::Result<Manifest> {
    fresh_directory(dest)?;
    let mut tx = snapshot(db).await?;
    let tables = catalogue(&mut tx, db.backend).await?;
    let mut sums = BTreeMap::new();
    let mut files = vec![];
    for table in &tables {
        let csv = dest.join(format!("{}.csv", table.name));
        sums.insert(table.name.clone(), write_csv(&mut tx, table, &csv).await?);
        let schema = dest.join(format!("{}.schema.json", table.name));
        std::fs::write(&schema, serde_json::to_string_pretty(&row_schema(table))?)?;
        files.push(file_sum(&csv)?);
        files.push(file_sum(&schema)?);
    }
    let migrations = applied_migrations(&mut tx).await?;
    tx.rollback().await?;
    let readme = dest.join("README.md");
    std::fs::write(&readme, data_model(&tables, &sums, db.backend))?;
    files.push(file_sum(&readme)?);
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: format_ms(system_now_ms()),
        backend: format!("{:?}", db.backend).to_lowercase(),
        safar_version: env!("CARGO_PKG_VERSION").into(),
        migrations,
        files,
        tables: sums,
    };
    std::fs::write(
        dest.join(super::backup::MANIFEST),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    Ok(manifest)
}

fn file_sum(path: &Path) -> anyhow::Result<FileSum> {
    let (bytes, sha256) = file_sha256(path)?;
    Ok(FileSum {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes,
        sha256,
    })
}

async fn write_csv(
    conn: &mut sqlx::AnyConnection,
    table: &Table,
    path: &Path,
) -> anyhow::Result<TableSum> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let header: Vec<Value> = table
        .columns
        .iter()
        .map(|c| Value::Text(c.name.clone()))
        .collect();
    out.write_all(csv_line(&header).as_bytes())?;
    let mut summer = Summer::default();
    for_each_row(conn, table, |row| {
        summer.add(&row);
        out.write_all(csv_line(&row).as_bytes())?;
        Ok(())
    })
    .await?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(summer.finish())
}

/// One CSV record in the convention above.
fn csv_line(values: &[Value]) -> String {
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let fields: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::Null => String::new(),
            Value::Int(n) => n.to_string(),
            Value::Text(s) => quoted(s),
            Value::Blob(b) => quoted(&base64::engine::general_purpose::STANDARD.encode(b)),
        })
        .collect();
    format!("{}\r\n", fields.join(","))
}

/// A JSON Schema (2020-12) of one row as the CSV holds it.
fn row_schema(table: &Table) -> Json {
    let properties: serde_json::Map<String, Json> = table
        .columns
        .iter()
        .map(|c| {
            let mut property = match c.kind {
                Kind::Int => json!({ "type": "integer" }),
                Kind::Text => json!({ "type": "string" }),
                Kind::Blob => json!({ "type": "string", "contentEncoding": "base64" }),
            };
            if c.nullable {
                let single = property["type"].clone();
                property["type"] = json!([single, "null"]);
            }
            (c.name.clone(), property)
        })
        .collect();
    let required: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| !c.nullable)
        .map(|c| c.name.as_str())
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": table.name,
        "description": description(&table.name).unwrap_or_default(),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
        "x-primary-key": table.primary_key,
        "x-references": table.references,
        "x-created-by-migration": created_by(&table.name).unwrap_or_default(),
    })
}

/// The migration whose SQL creates `table`.
fn created_by(table: &str) -> Option<&'static str> {
    MIGRATIONS
        .iter()
        .find(|m| creation(m.postgres, table).is_some())
        .map(|m| m.name)
}

/// The comment lines written just above a table's CREATE TABLE in its migration.
fn description(table: &str) -> Option<String> {
    MIGRATIONS.iter().find_map(|m| {
        let at = creation(m.postgres, table)?;
        let before: Vec<&str> = m.postgres[..at].lines().collect();
        let comment: Vec<&str> = before
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with("--"))
            .map(|l| l.trim_start().trim_start_matches('-').trim())
            .collect();
        Some(comment.into_iter().rev().collect::<Vec<_>>().join(" "))
    })
}

fn creation(sql: &str, table: &str) -> Option<usize> {
    let needle = format!("CREATE TABLE {table} (");
    sql.find(&needle)
        .or_else(|| sql.find(&format!("CREATE TABLE IF NOT EXISTS {table} (")))
}

/// The export's README: how to read the files, then every table.
fn data_model(tables: &[Table], sums: &BTreeMap<String, TableSum>, backend: Backend) -> String {
    let mut text = format!(
        "# Safar data export\n\n\
         Every table of the Safar database ({backend:?}) at one moment, written by `safar export all`.\n\n\
         - `<table>.csv`: RFC 4180, UTF-8, CRLF line ends, a header row of column names. Integers are \
         bare, text is always in double quotes (\"\" inside), bytes are quoted base64, and an empty \
         unquoted field is NULL (so NULL and the empty text differ).\n\
         - `<table>.schema.json`: a JSON Schema (2020-12) of one row, with `x-primary-key`, \
         `x-references` (the tables its foreign keys point to) and `x-created-by-migration`.\n\
         - `manifest.json`: the schema version (applied migrations), each file's SHA-256, each \
         table's row count and an order-independent checksum (the sum of SHA-256 row hashes, as \
         `safar backup` and `safar migrate-data` compute it).\n\n\
         Values are as stored. Times are milliseconds since 1970-01-01 UTC (`…_ms`, `…_at`) or \
         ISO dates (`YYYY-MM-DD`). Columns ending in `_sealed` are encrypted \
         (XChaCha20-Poly1305) under the agency's data key, which is never in the database; \
         `…_index` columns are keyed blind indexes. Names of persons appear in both scripts. \
         Treat this export as the personal data it holds (ZRU-547): store it encrypted and \
         delete it when done.\n\n\
         Tables are listed parents first: loading them in this order never breaks a foreign key.\n\n"
    );
    for table in tables {
        let rows = sums.get(&table.name).map_or(0, |s| s.rows);
        text.push_str(&format!("## {} ({rows} rows)\n\n", table.name));
        if let Some(about) = description(&table.name).filter(|d| !d.is_empty()) {
            text.push_str(&format!("{about}\n\n"));
        }
        text.push_str(&format!(
            "Primary key: {}. References: {}. Created by migration {}.\n\n\
             | column | type | may be empty |\n|---|---|---|\n",
            list_or_none(&table.primary_key),
            list_or_none(&table.references),
            created_by(&table.name).unwrap_or("?"),
        ));
        for c in &table.columns {
            let nullable = if c.nullable { "yes" } else { "no" };
            text.push_str(&format!(
                "| {} | {} | {nullable} |\n",
                c.name,
                c.kind.name()
            ));
        }
        text.push('\n');
    }
    text
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_tells_null_from_empty_text_and_quotes_quotes() {
        let line = csv_line(&[
            Value::Int(-3),
            Value::Null,
            Value::Text(String::new()),
            Value::Text("say \"hi\", =1".into()),
            Value::Blob(vec![0, 255]),
        ]);
        assert_eq!(line, "-3,,\"\",\"say \"\"hi\"\", =1\",\"AP8=\"\r\n");
    }

    #[test]
    fn tables_are_described_from_their_migration() {
        assert_eq!(created_by("audit_head"), Some("0001_platform"));
        assert!(
            description("audit_head")
                .expect("described")
                .contains("chain's head")
        );
        assert_eq!(created_by("no_such_table"), None);
    }
}
