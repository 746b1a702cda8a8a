//! Loads the compiled-in CSV files into empty reference tables, in one transaction.

use std::collections::HashMap;

use anyhow::Context;
use serde_json::json;
use sqlx::Row;

use crate::platform::access::Actor;
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::{Db, Tx};

pub const REGIONS_CSV: &str = include_str!("../../../../data/reference/regions.csv");
pub const DISTRICTS_CSV: &str = include_str!("../../../../data/reference/districts.csv");
pub const DESTINATIONS_CSV: &str = include_str!("../../../../data/reference/destinations.csv");
pub const CHANNELS_CSV: &str = include_str!("../../../../data/reference/channels.csv");
pub const SECTORS_CSV: &str = include_str!("../../../../data/reference/sectors.csv");
pub const LANGUAGES_CSV: &str = include_str!("../../../../data/reference/languages.csv");
pub const CURRENCIES_CSV: &str = include_str!("../../../../data/reference/currencies.csv");
pub const COUNTRIES_CSV: &str = include_str!("../../../../data/reference/countries.csv");

/// Rows of a CSV file as column → value maps.
pub fn rows(csv_text: &str) -> anyhow::Result<Vec<HashMap<String, String>>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let headers = reader.headers()?.clone();
    reader
        .records()
        .map(|r| {
            let r = r?;
            Ok(headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.trim().to_string()))
                .collect())
        })
        .collect()
}

/// One table: its CSV, and for each column of the table the CSV column it comes from.
struct TableLoad {
    table: &'static str,
    csv: &'static str,
    columns: &'static [(&'static str, &'static str)],
}

const LOADS: &[TableLoad] = &[
    TableLoad {
        table: "districts",
        csv: DISTRICTS_CSV,
        columns: &[
            ("soato", "soato_code"),
            ("region_iso", "region_iso"),
            ("kind", "type"),
            ("name_uz_latn", "name_uz_latn"),
            ("name_uz_cyrl", "name_uz_cyrl"),
            ("name_ru", "name_ru"),
            ("notes", "notes"),
            ("source", "source"),
        ],
    },
    TableLoad {
        table: "destinations",
        csv: DESTINATIONS_CSV,
        columns: &[
            ("iso2", "iso2"),
            ("name_en", "name_en"),
            ("name_ru", "name_ru"),
            ("name_uz_latn", "name_uz_latn"),
            ("currency", "currency"),
            ("legal_channels", "legal_channels"),
            ("bilateral_basis", "uz_bilateral_basis"),
            ("visa_or_permit", "visa_or_permit"),
            ("permitted_work", "permitted_work"),
            ("worker_must_never_pay", "worker_must_never_pay"),
            ("host_protection_bodies", "host_protection_bodies"),
            ("where_to_complain", "where_to_complain"),
            ("pdo_key_facts", "pdo_key_facts"),
            ("reliability", "reliability"),
        ],
    },
    TableLoad {
        table: "channels",
        csv: CHANNELS_CSV,
        columns: &[
            ("code", "code"),
            ("country_iso2", "country_iso2"),
            ("kind", "kind"),
            ("name_en", "name_en"),
            ("name_ru", "name_ru"),
            ("name_uz_latn", "name_uz_latn"),
            ("source", "source"),
        ],
    },
    TableLoad {
        table: "sectors",
        csv: SECTORS_CSV,
        columns: &[
            ("isco_code", "isco_code"),
            ("name_en", "name_en"),
            ("name_ru", "name_ru"),
            ("name_uz_latn", "name_uz_latn"),
            ("source", "source"),
        ],
    },
    TableLoad {
        table: "countries",
        csv: COUNTRIES_CSV,
        columns: &[
            ("iso2", "iso2"),
            ("name_en", "name_en"),
            ("name_ru", "name_ru"),
            ("name_uz_latn", "name_uz_latn"),
            ("name_uz_cyrl", "name_uz_cyrl"),
            ("source", "source"),
        ],
    },
    TableLoad {
        table: "languages",
        csv: LANGUAGES_CSV,
        columns: &[
            ("code", "code"),
            ("name_en", "name_en"),
            ("name_ru", "name_ru"),
            ("name_uz_latn", "name_uz_latn"),
        ],
    },
];

/// Seeds each reference table that is empty (a table added by a later migration is filled
/// on the next start); returns how many rows were written.
pub async fn seed_if_empty(db: &Db, clock: &Clock) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let mut written = 0;
    if is_empty(&mut tx, "regions").await? {
        written += load_regions(&mut tx, clock.now_ms()).await?;
    }
    for load in LOADS {
        if is_empty(&mut tx, load.table).await? {
            written += load_table(&mut tx, load)
                .await
                .with_context(|| format!("loading {}", load.table))?;
        }
    }
    if is_empty(&mut tx, "currencies").await? {
        written += load_currencies(&mut tx).await?;
    }
    if written == 0 {
        return Ok(0);
    }
    let details = json!({ "rows": written });
    audit::append(
        &mut tx,
        &Actor::console(),
        None,
        clock.now_ms(),
        Event::new("reference.seed", "reference", "all").with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(written)
}

/// `table` is one of the constant names above, never user input.
async fn is_empty(tx: &mut Tx, table: &str) -> anyhow::Result<bool> {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
    Ok(n == 0)
}

async fn load_regions(tx: &mut Tx, now_ms: i64) -> anyhow::Result<usize> {
    let rows = rows(REGIONS_CSV)?;
    for r in &rows {
        let get = |k: &str| r.get(k).cloned().unwrap_or_default();
        // The latest official figure where the statistics office has published one.
        let (population, date) = match get("population_2025_10_01").parse::<i64>() {
            Ok(p) => (Some(p), "2025-10-01".to_string()),
            Err(_) => (
                get("population").parse::<i64>().ok(),
                get("population_date"),
            ),
        };
        sqlx::query(
            "INSERT INTO regions (iso, soato, kind, name_uz_latn, name_uz_cyrl, name_ru, name_en, admin_centre, \
             population, population_date, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(get("iso_3166_2"))
        .bind(get("soato_code"))
        .bind(get("type"))
        .bind(get("name_uz_latn"))
        .bind(get("name_uz_cyrl"))
        .bind(get("name_ru"))
        .bind(get("name_en"))
        .bind(get("admin_centre_uz_latn"))
        .bind(population)
        .bind(date)
        .bind(format!("{} {}", get("source_codes_names"), get("source_population")))
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    }
    Ok(rows.len())
}

async fn load_table(tx: &mut Tx, load: &TableLoad) -> anyhow::Result<usize> {
    let rows = rows(load.csv)?;
    let names: Vec<&str> = load.columns.iter().map(|(c, _)| *c).collect();
    let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        load.table,
        names.join(", "),
        placeholders.join(", ")
    );
    for r in &rows {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for (_, csv_column) in load.columns {
            q = q.bind(r.get(*csv_column).cloned().unwrap_or_default());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(rows.len())
}

async fn load_currencies(tx: &mut Tx) -> anyhow::Result<usize> {
    let rows = rows(CURRENCIES_CSV)?;
    for r in &rows {
        let get = |k: &str| r.get(k).cloned().unwrap_or_default();
        sqlx::query("INSERT INTO currencies (code, name_en, name_ru, name_uz_latn, minor_units) VALUES ($1, $2, $3, $4, $5)")
            .bind(get("code"))
            .bind(get("name_en"))
            .bind(get("name_ru"))
            .bind(get("name_uz_latn"))
            .bind(get("minor_units").parse::<i64>().unwrap_or(2))
            .execute(&mut **tx)
            .await?;
    }
    Ok(rows.len())
}
