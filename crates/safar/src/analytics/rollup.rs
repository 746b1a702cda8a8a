//! Departures and returns counted into small cubes (`journey_facts`), so a dashboard sums a
//! few thousand rows instead of scanning twenty million journeys.
//!
//! The cubes are kept current **in the transaction that records the journey**, not by a job
//! with a watermark: a journey and its count commit or roll back together, so a dashboard
//! never disagrees with the registry, there is no second process to watch, and several
//! servers need nothing in common but the database. The cost is one upsert per cube for a
//! single journey; bulk loads (imports, synthetic data) first add their rows up in memory
//! (`Tally`) and upsert each distinct cell once per batch.
//!
//! A journey counts under its person's region, district and gender as they are now: when a
//! record moves (anonymisation forgets the district), `move_person` takes its journeys out of
//! the old cells and into the new ones in the same transaction.

use std::collections::HashMap;

use serde_json::json;
use sqlx::Row;

use crate::platform::access::Actor;
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::{Backend, Db, Tx};

/// A characteristic a count can be broken down or filtered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    Month,
    Region,
    District,
    Destination,
    Channel,
    Sector,
    Gender,
    // Of cases and events (analytics/facts.rs), not journeys:
    Category,
    Priority,
    Outcome,
    /// Whether a case was resolved within its SLA: `met` or `missed`.
    Sla,
    Currency,
    EventKind,
    /// Whether a returnee has a service plan: `planned` or `none`.
    Plan,
    /// A course enrolment's status.
    Status,
    /// A recruiter (its id), for complaints and placements.
    Recruiter,
    /// A complaint's type code (RC01…).
    Code,
    /// A complaint's finding: `substantiated`, `unsubstantiated` or `open`.
    Finding,
}

impl Dim {
    /// The characteristics of a journey, which the cubes hold.
    pub const JOURNEY: [Dim; 7] = [
        Dim::Month,
        Dim::Region,
        Dim::District,
        Dim::Destination,
        Dim::Channel,
        Dim::Sector,
        Dim::Gender,
    ];

    pub const ALL: [Dim; 18] = [
        Dim::Month,
        Dim::Region,
        Dim::District,
        Dim::Destination,
        Dim::Channel,
        Dim::Sector,
        Dim::Gender,
        Dim::Category,
        Dim::Priority,
        Dim::Outcome,
        Dim::Sla,
        Dim::Currency,
        Dim::EventKind,
        Dim::Plan,
        Dim::Status,
        Dim::Recruiter,
        Dim::Code,
        Dim::Finding,
    ];

    /// The column in `journey_facts`, also the name used in the API (`by=region`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dim::Month => "month",
            Dim::Region => "region",
            Dim::District => "district",
            Dim::Destination => "destination",
            Dim::Channel => "channel",
            Dim::Sector => "sector",
            Dim::Gender => "gender",
            Dim::Category => "category",
            Dim::Priority => "priority",
            Dim::Outcome => "outcome",
            Dim::Sla => "sla",
            Dim::Currency => "currency",
            Dim::EventKind => "event_kind",
            Dim::Plan => "plan",
            Dim::Status => "status",
            Dim::Recruiter => "recruiter",
            Dim::Code => "code",
            Dim::Finding => "finding",
        }
    }

    pub fn parse(s: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The value of this dimension for a journey `j` of person `p`, in SQL (also what a
    /// benchmark's raw GROUP BY over the journeys reads).
    pub fn source(self) -> &'static str {
        match self {
            Dim::Month => "SUBSTR(j.event_date, 1, 7)",
            Dim::Region => "p.region_iso",
            Dim::District => "COALESCE(p.district_soato, '')",
            Dim::Destination => "j.country_iso2",
            Dim::Channel => "j.channel",
            Dim::Sector => "j.sector_isco",
            Dim::Gender => "p.gender",
            // Not a journey's: never in a cube.
            _ => "''",
        }
    }
}

/// A cube keeps month, kind and these dimensions; the others hold `*`. Several small cubes
/// instead of one with every dimension: crossed together, district × destination × sector
/// would have nearly as many cells as there are journeys. A query reads the first cube
/// that has every dimension it needs, so they are listed smallest first: `time` (a few
/// thousand cells) answers the national and regional series, `work` and `world` the national
/// tables by occupation and by destination.
pub struct Cube {
    pub name: &'static str,
    pub dims: &'static [Dim],
}

pub const CUBES: &[Cube] = &[
    Cube {
        name: "time",
        dims: &[Dim::Region, Dim::Gender],
    },
    Cube {
        name: "work",
        dims: &[Dim::Sector, Dim::Channel, Dim::Gender],
    },
    Cube {
        name: "world",
        dims: &[Dim::Destination, Dim::Channel, Dim::Gender],
    },
    Cube {
        name: "geo",
        dims: &[Dim::Region, Dim::District, Dim::Gender],
    },
    Cube {
        name: "flow",
        dims: &[Dim::Region, Dim::Destination, Dim::Channel, Dim::Gender],
    },
    Cube {
        name: "sector",
        dims: &[Dim::Region, Dim::Sector, Dim::Channel, Dim::Gender],
    },
];

impl Cube {
    pub fn has(&self, dim: Dim) -> bool {
        dim == Dim::Month || self.dims.contains(&dim)
    }

    /// The smallest cube holding every one of `dims`, if any does.
    pub fn covering(dims: &[Dim]) -> Option<&'static Cube> {
        CUBES.iter().find(|c| dims.iter().all(|d| c.has(*d)))
    }
}

/// The columns of `journey_facts` after `cube` and before `n`.
const KEY_COLUMNS: &str = "month, kind, region, district, destination, channel, sector, gender";
const NON_MONTH: [Dim; 6] = [
    Dim::Region,
    Dim::District,
    Dim::Destination,
    Dim::Channel,
    Dim::Sector,
    Dim::Gender,
];

/// Adds (`sign` 1) or takes away (-1) the journeys chosen by `condition` (on `j`, the
/// journeys, and `p`, their persons; its one parameter is `$1`) in every cube.
async fn apply(tx: &mut Tx, condition: &str, value: &str, sign: i64) -> Result<(), sqlx::Error> {
    for cube in CUBES {
        let sql = cube_insert(cube, condition, sign);
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// `INSERT … SELECT` of the counts of the chosen journeys into `cube`, added to what is there.
fn cube_insert(cube: &Cube, condition: &str, sign: i64) -> String {
    let mut select = vec![Dim::Month.source().to_string(), "j.kind".to_string()];
    let mut group = select.clone();
    for dim in NON_MONTH {
        if cube.has(dim) {
            select.push(dim.source().to_string());
            group.push(dim.source().to_string());
        } else {
            select.push("'*'".to_string());
        }
    }
    format!(
        "INSERT INTO journey_facts (cube, {KEY_COLUMNS}, n) SELECT '{}', {}, CAST(COUNT(*) AS BIGINT) * {sign} \
         FROM journeys j JOIN persons p ON p.id = j.person_id WHERE {condition} GROUP BY {} \
         ON CONFLICT (cube, {KEY_COLUMNS}) DO UPDATE SET n = journey_facts.n + excluded.n",
        cube.name,
        select.join(", "),
        group.join(", "),
    )
}

/// Counts one journey just recorded.
pub async fn journey_added(tx: &mut Tx, journey_id: &str) -> Result<(), sqlx::Error> {
    apply(tx, "j.id = $1", journey_id, 1).await
}

/// Takes a person's journeys out of the cubes before their record changes (`sign` -1) and
/// puts them back after (`sign` 1).
pub async fn move_person(tx: &mut Tx, person_id: &str, sign: i64) -> Result<(), sqlx::Error> {
    apply(tx, "j.person_id = $1", person_id, sign).await
}

/// Recomputes every cube from the journeys, and the other modules' facts from their
/// records, in one transaction with its audit entry: `safar analytics rebuild`. Returns the
/// number of journey cells written.
pub async fn rebuild(db: &Db, actor: &Actor, clock: &Clock) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM journey_facts")
        .execute(&mut *tx)
        .await?;
    let mut cells = 0;
    for cube in CUBES {
        let sql = cube_insert(cube, "1 = 1", 1);
        cells += sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    let records = super::facts::rebuild_in(&mut tx).await?;
    let event = Event::new("analytics.rebuild", "journey_facts", "")
        .with(json!({ "cells": cells, "records": records }));
    audit::append(&mut tx, actor, None, clock.now_ms(), event).await?;
    tx.commit().await?;
    Ok(cells)
}

/// What a journey is counted under.
#[derive(Clone, Debug, Default)]
pub struct JourneyCell {
    pub month: String,
    pub kind: String,
    pub region: String,
    pub district: String,
    pub destination: String,
    pub channel: String,
    pub sector: String,
    pub gender: String,
}

impl JourneyCell {
    fn value(&self, dim: Dim) -> &str {
        match dim {
            Dim::Month => &self.month,
            Dim::Region => &self.region,
            Dim::District => &self.district,
            Dim::Destination => &self.destination,
            Dim::Channel => &self.channel,
            Dim::Sector => &self.sector,
            Dim::Gender => &self.gender,
            // Not a journey's characteristic: no cube keeps it.
            _ => "",
        }
    }
}

/// Counts added up in memory by a bulk load, written once per distinct cell by `flush`.
#[derive(Default)]
pub struct Tally {
    /// (cube, month, kind, region, district, destination, channel, sector, gender) → n.
    cells: HashMap<[String; 9], i64>,
}

impl Tally {
    pub fn add(&mut self, journey: &JourneyCell) {
        for cube in CUBES {
            let star = |dim: Dim| {
                if cube.has(dim) {
                    journey.value(dim).to_string()
                } else {
                    "*".to_string()
                }
            };
            let key = [
                cube.name.to_string(),
                journey.month.clone(),
                journey.kind.clone(),
                star(Dim::Region),
                star(Dim::District),
                star(Dim::Destination),
                star(Dim::Channel),
                star(Dim::Sector),
                star(Dim::Gender),
            ];
            *self.cells.entry(key).or_insert(0) += 1;
        }
    }

    /// Upserts the cells, as many per statement as `max_params` allows, and empties the tally.
    pub async fn flush(
        &mut self,
        tx: &mut Tx,
        backend: Backend,
        max_params: usize,
    ) -> Result<(), sqlx::Error> {
        let cells: Vec<([String; 9], i64)> = self.cells.drain().collect();
        let rows_per_statement = (max_params / 10).max(1);
        for chunk in cells.chunks(rows_per_statement) {
            let mut sql = format!("INSERT INTO journey_facts (cube, {KEY_COLUMNS}, n) VALUES ");
            let mut param = 0;
            for (i, _) in chunk.iter().enumerate() {
                sql.push_str(if i == 0 { "(" } else { ", (" });
                for column in 0..10 {
                    param += 1;
                    if column > 0 {
                        sql.push_str(", ");
                    }
                    // SQLite reads `$n` as a name and looks each one up (see people/bulk.rs).
                    match backend {
                        Backend::Sqlite => sql.push('?'),
                        Backend::Postgres => sql.push_str(&format!("${param}")),
                    }
                }
                sql.push(')');
            }
            sql.push_str(&format!(
                " ON CONFLICT (cube, {KEY_COLUMNS}) DO UPDATE SET n = journey_facts.n + excluded.n"
            ));
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (key, n) in chunk {
                for part in key {
                    query = query.bind(part.clone());
                }
                query = query.bind(*n);
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Every non-zero cell, in key order: what a test compares between incremental upkeep and
/// `rebuild`.
pub async fn snapshot(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT cube, {KEY_COLUMNS}, n FROM journey_facts WHERE n <> 0 ORDER BY cube, {KEY_COLUMNS}"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let mut key = String::new();
            for i in 0..9 {
                key.push_str(&r.try_get::<String, _>(i)?);
                key.push('|');
            }
            Ok((key, r.try_get::<i64, _>(9)?))
        })
        .collect()
}
