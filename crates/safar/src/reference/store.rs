//! The reference module's SQL.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::Names;
use crate::platform::db::{Db, Tx};

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Region {
    /// ISO 3166-2 code, e.g. `UZ-SA`.
    pub iso: String,
    pub soato: String,
    pub kind: String,
    pub names: Names,
    pub admin_centre: String,
    pub population: Option<i64>,
    pub population_date: String,
    pub districts: i64,
}

fn region_from_row(r: &AnyRow) -> Result<Region, sqlx::Error> {
    Ok(Region {
        iso: r.try_get("iso")?,
        soato: r.try_get("soato")?,
        kind: r.try_get("kind")?,
        names: Names::new(
            r.try_get("name_uz_latn")?,
            r.try_get("name_uz_cyrl")?,
            r.try_get("name_ru")?,
            r.try_get("name_en")?,
        ),
        admin_centre: r.try_get("admin_centre")?,
        population: r.try_get("population")?,
        population_date: r.try_get("population_date")?,
        districts: r.try_get("districts")?,
    })
}

const REGION_SELECT: &str = "SELECT r.iso, r.soato, r.kind, r.name_uz_latn, r.name_uz_cyrl, r.name_ru, r.name_en, \
     r.admin_centre, r.population, r.population_date, \
     (SELECT COUNT(*) FROM districts d WHERE d.region_iso = r.iso) AS districts FROM regions r";

pub async fn regions(db: &Db) -> Result<Vec<Region>, sqlx::Error> {
    let sql = format!("{REGION_SELECT} ORDER BY r.soato");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(region_from_row)
        .collect()
}

pub async fn region(db: &Db, iso: &str) -> Result<Option<Region>, sqlx::Error> {
    let sql = format!("{REGION_SELECT} WHERE r.iso = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(iso)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(region_from_row)
        .transpose()
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct District {
    pub soato: String,
    pub region_iso: String,
    pub kind: String,
    pub names: Names,
    pub notes: String,
}

pub async fn districts(db: &Db, region_iso: &str) -> Result<Vec<District>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT soato, region_iso, kind, name_uz_latn, name_uz_cyrl, name_ru, notes FROM districts \
         WHERE region_iso = $1 ORDER BY soato",
    )
    .bind(region_iso)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(District {
                soato: r.try_get("soato")?,
                region_iso: r.try_get("region_iso")?,
                kind: r.try_get("kind")?,
                names: Names::new(
                    r.try_get("name_uz_latn")?,
                    r.try_get("name_uz_cyrl")?,
                    r.try_get("name_ru")?,
                    String::new(),
                ),
                notes: r.try_get("notes")?,
            })
        })
        .collect()
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Destination {
    pub iso2: String,
    pub names: Names,
    pub currency: String,
    pub legal_channels: String,
    pub worker_must_never_pay: String,
    pub where_to_complain: String,
    pub reliability: String,
    pub channels: Vec<Channel>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Channel {
    pub code: String,
    pub kind: String,
    pub names: Names,
}

/// Every legal channel with the country it leads to (seeded once: read once per database).
pub async fn channels(db: &Db) -> Result<Vec<(String, Channel)>, sqlx::Error> {
    let kept = db.memo("reference.channels", || read_channels(db)).await?;
    Ok(kept.as_ref().clone())
}

async fn read_channels(db: &Db) -> Result<Vec<(String, Channel)>, sqlx::Error> {
    let channel_rows =
        sqlx::query("SELECT code, country_iso2, kind, name_en, name_ru, name_uz_latn FROM channels ORDER BY code").fetch_all(&db.pool).await?;
    let mut channels: Vec<(String, Channel)> = Vec::new();
    for r in &channel_rows {
        let country: String = r.try_get("country_iso2")?;
        let names = Names::new(
            r.try_get("name_uz_latn")?,
            String::new(),
            r.try_get("name_ru")?,
            r.try_get("name_en")?,
        );
        channels.push((
            country,
            Channel {
                code: r.try_get("code")?,
                kind: r.try_get("kind")?,
                names,
            },
        ));
    }
    Ok(channels)
}

pub async fn destinations(db: &Db) -> Result<Vec<Destination>, sqlx::Error> {
    let channels = channels(db).await?;
    let rows = sqlx::query(
        "SELECT iso2, name_en, name_ru, name_uz_latn, currency, legal_channels, worker_must_never_pay, \
         where_to_complain, reliability FROM destinations ORDER BY name_en",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let iso2: String = r.try_get("iso2")?;
            let own = channels
                .iter()
                .filter(|(c, _)| *c == iso2)
                .map(|(_, ch)| ch.clone())
                .collect();
            Ok(Destination {
                names: Names::new(
                    r.try_get("name_uz_latn")?,
                    String::new(),
                    r.try_get("name_ru")?,
                    r.try_get("name_en")?,
                ),
                currency: r.try_get("currency")?,
                legal_channels: r.try_get("legal_channels")?,
                worker_must_never_pay: r.try_get("worker_must_never_pay")?,
                where_to_complain: r.try_get("where_to_complain")?,
                reliability: r.try_get("reliability")?,
                channels: own,
                iso2,
            })
        })
        .collect()
}

/// A simple code + names list (sectors, languages, currencies).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Coded {
    pub code: String,
    pub names: Names,
}

/// A coded table in code order (seeded once: read once per database).
pub async fn coded_list(db: &Db, table: CodedTable) -> Result<Vec<Coded>, sqlx::Error> {
    let key = format!("reference.{table:?}");
    let kept = db.memo(&key, || read_coded_list(db, table)).await?;
    Ok(kept.as_ref().clone())
}

async fn read_coded_list(db: &Db, table: CodedTable) -> Result<Vec<Coded>, sqlx::Error> {
    let (table, code) = match table {
        CodedTable::Sectors => ("sectors", "isco_code"),
        CodedTable::Languages => ("languages", "code"),
        CodedTable::Currencies => ("currencies", "code"),
        CodedTable::Countries => ("countries", "iso2"),
    };
    // Only countries carry their own Cyrillic names (from CLDR); the others are generated.
    let cyrl = match table {
        "countries" => "name_uz_cyrl",
        _ => "''",
    };
    let sql = format!(
        "SELECT {code} AS code, name_en, name_ru, name_uz_latn, {cyrl} AS name_uz_cyrl FROM {table} ORDER BY {code}"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Coded {
                code: r.try_get("code")?,
                names: Names::new(
                    r.try_get("name_uz_latn")?,
                    r.try_get("name_uz_cyrl")?,
                    r.try_get("name_ru")?,
                    r.try_get("name_en")?,
                ),
            })
        })
        .collect()
}

#[derive(Clone, Copy, Debug)]
pub enum CodedTable {
    Sectors,
    Languages,
    Currencies,
    /// ISO 3166-1, all 249 countries.
    Countries,
}

pub struct RegionEdit {
    pub name_uz_latn: String,
    pub name_uz_cyrl: String,
    pub name_ru: String,
    pub name_en: String,
    pub population: Option<i64>,
    pub population_date: String,
}

pub async fn update_region(
    tx: &mut Tx,
    iso: &str,
    edit: &RegionEdit,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE regions SET name_uz_latn = $1, name_uz_cyrl = $2, name_ru = $3, name_en = $4, population = $5, \
         population_date = $6, updated_at = $7 WHERE iso = $8",
    )
    .bind(&edit.name_uz_latn)
    .bind(&edit.name_uz_cyrl)
    .bind(&edit.name_ru)
    .bind(&edit.name_en)
    .bind(edit.population)
    .bind(&edit.population_date)
    .bind(now_ms)
    .bind(iso)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether an ISCO-08 code is among the reference sectors.
pub async fn sector_exists(db: &Db, isco: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM sectors WHERE isco_code = $1")
            .bind(isco)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}
