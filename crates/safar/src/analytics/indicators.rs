//! The indicators: what each counts, how it may be broken down, and the query that answers
//! it from the cubes (never from the raw tables). Each indicator's definition page
//! (`/indicators/{name}`) explains it in the reader's language.

use serde_json::{Map, Value};
use sqlx::Row;

use super::rollup::{Cube, Dim};
use super::suppress;
use crate::platform::access::{Actor, Permission};
use crate::platform::db::{Db, SqlBuf};
use crate::platform::error::{ServiceError, ServiceResult};

/// What an indicator measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Journeys of this kind (`departure` or `return`).
    Count(&'static str),
    /// Percent of departures made through an official placement.
    OfficialShare,
    /// Totals of another module's records (`facts.rs`).
    Fact(Fact),
}

/// An indicator over `module_facts`: its subject, which key column holds each of its
/// characteristics (month and region are columns of their own), and what is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fact {
    pub subject: &'static str,
    pub keys: &'static [(Dim, &'static str)],
    pub value: FactValue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactValue {
    /// How many records.
    Count,
    /// The sum of their amounts, always by currency.
    Amount,
    /// Percent of the records whose characteristic is this value.
    Share(Dim, &'static str),
    /// How many per 10,000 inhabitants of the region, always by region.
    Per10k,
    /// How many per 100 records of the `base` subject with the same keys (complaints per 100
    /// placements), counting only those whose finding is `only` when given. Keys without a
    /// base record are left out: a rate over nothing is not a number.
    PerHundred {
        base: &'static str,
        only: Option<&'static str>,
    },
    /// Percent of the departures (from the journey cubes, with the same keys).
    OfDepartures,
}

pub struct Indicator {
    pub name: &'static str,
    pub measure: Measure,
    /// The characteristics it may be broken down and filtered by.
    pub dims: &'static [Dim],
}

const ALL_DIMS: &[Dim] = &Dim::JOURNEY;

const CASE_OPENED: &[(Dim, &str)] = &[
    (Dim::Category, "a"),
    (Dim::Priority, "b"),
    (Dim::Destination, "c"),
];
const CASE_RESOLVED: &[(Dim, &str)] = &[(Dim::Outcome, "a"), (Dim::Sla, "b"), (Dim::Currency, "c")];
const OUTREACH: &[(Dim, &str)] = &[(Dim::EventKind, "a"), (Dim::Gender, "b")];
const RETURNEES: &[(Dim, &str)] = &[(Dim::Gender, "a"), (Dim::Plan, "b")];
const ENROLMENTS: &[(Dim, &str)] = &[(Dim::Status, "a"), (Dim::Gender, "b"), (Dim::Outcome, "c")];
const GRANTS: &[(Dim, &str)] = &[(Dim::Gender, "a"), (Dim::Outcome, "b")];
const COMPLAINTS: &[(Dim, &str)] = &[(Dim::Recruiter, "a"), (Dim::Code, "b"), (Dim::Finding, "c")];
const PLACEMENTS: &[(Dim, &str)] = &[(Dim::Recruiter, "a")];
const PREPARED: &[(Dim, &str)] = &[(Dim::Destination, "a"), (Dim::Gender, "b")];

pub const INDICATORS: &[Indicator] = &[
    Indicator {
        name: "departures",
        measure: Measure::Count("departure"),
        dims: ALL_DIMS,
    },
    Indicator {
        name: "returns",
        measure: Measure::Count("return"),
        dims: ALL_DIMS,
    },
    Indicator {
        name: "official_share",
        measure: Measure::OfficialShare,
        dims: &[
            Dim::Month,
            Dim::Region,
            Dim::Destination,
            Dim::Sector,
            Dim::Gender,
        ],
    },
    Indicator {
        name: "pdo_coverage",
        measure: Measure::Fact(Fact {
            subject: "pdo.covered",
            keys: PREPARED,
            value: FactValue::OfDepartures,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Destination, Dim::Gender],
    },
    Indicator {
        name: "cases_opened",
        measure: Measure::Fact(Fact {
            subject: "cases.opened",
            keys: CASE_OPENED,
            value: FactValue::Count,
        }),
        dims: &[
            Dim::Month,
            Dim::Region,
            Dim::Category,
            Dim::Priority,
            Dim::Destination,
        ],
    },
    Indicator {
        name: "cases_resolved",
        measure: Measure::Fact(Fact {
            subject: "cases.resolved",
            keys: CASE_RESOLVED,
            value: FactValue::Count,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Outcome, Dim::Sla],
    },
    Indicator {
        name: "sla_compliance",
        measure: Measure::Fact(Fact {
            subject: "cases.resolved",
            keys: CASE_RESOLVED,
            value: FactValue::Share(Dim::Sla, "met"),
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Outcome],
    },
    Indicator {
        name: "money_recovered",
        measure: Measure::Fact(Fact {
            subject: "cases.resolved",
            keys: CASE_RESOLVED,
            value: FactValue::Amount,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Currency],
    },
    Indicator {
        name: "outreach_events",
        measure: Measure::Fact(Fact {
            subject: "outreach.events",
            keys: OUTREACH,
            value: FactValue::Count,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::EventKind],
    },
    Indicator {
        name: "outreach_reach",
        measure: Measure::Fact(Fact {
            subject: "outreach.attendance",
            keys: OUTREACH,
            value: FactValue::Per10k,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::EventKind, Dim::Gender],
    },
    Indicator {
        name: "returnee_intakes",
        measure: Measure::Fact(Fact {
            subject: "returnees.intakes",
            keys: RETURNEES,
            value: FactValue::Count,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Gender, Dim::Plan],
    },
    Indicator {
        name: "returnees_with_plan",
        measure: Measure::Fact(Fact {
            subject: "returnees.intakes",
            keys: RETURNEES,
            value: FactValue::Share(Dim::Plan, "planned"),
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Gender],
    },
    Indicator {
        name: "course_enrolments",
        measure: Measure::Fact(Fact {
            subject: "courses.enrolments",
            keys: ENROLMENTS,
            value: FactValue::Count,
        }),
        dims: &[
            Dim::Month,
            Dim::Region,
            Dim::Status,
            Dim::Gender,
            Dim::Outcome,
        ],
    },
    Indicator {
        name: "grant_outcomes_12m",
        measure: Measure::Fact(Fact {
            subject: "grants.outcome_12m",
            keys: GRANTS,
            value: FactValue::Count,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Gender, Dim::Outcome],
    },
    Indicator {
        name: "grants_operating_12m",
        measure: Measure::Fact(Fact {
            subject: "grants.outcome_12m",
            keys: GRANTS,
            value: FactValue::Share(Dim::Outcome, "operating"),
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Gender],
    },
    Indicator {
        name: "complaints",
        measure: Measure::Fact(Fact {
            subject: "recruiters.complaints",
            keys: COMPLAINTS,
            value: FactValue::Count,
        }),
        dims: &[
            Dim::Month,
            Dim::Region,
            Dim::Recruiter,
            Dim::Code,
            Dim::Finding,
        ],
    },
    Indicator {
        name: "watchlist_reports",
        measure: Measure::Fact(Fact {
            subject: "watch.reports",
            keys: &[],
            value: FactValue::Count,
        }),
        dims: &[Dim::Month, Dim::Region],
    },
    Indicator {
        name: "placements",
        measure: Measure::Fact(Fact {
            subject: "recruiters.placements",
            keys: PLACEMENTS,
            value: FactValue::Count,
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Recruiter],
    },
    Indicator {
        name: "complaints_per_100_placements",
        measure: Measure::Fact(Fact {
            subject: "recruiters.complaints",
            keys: COMPLAINTS,
            value: FactValue::PerHundred {
                base: "recruiters.placements",
                only: None,
            },
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Recruiter],
    },
    Indicator {
        name: "substantiated_per_100_placements",
        measure: Measure::Fact(Fact {
            subject: "recruiters.complaints",
            keys: COMPLAINTS,
            value: FactValue::PerHundred {
                base: "recruiters.placements",
                only: Some("substantiated"),
            },
        }),
        dims: &[Dim::Month, Dim::Region, Dim::Recruiter],
    },
];

pub fn find(name: &str) -> ServiceResult<&'static Indicator> {
    INDICATORS
        .iter()
        .find(|i| i.name == name)
        .ok_or(ServiceError::NotFound)
}

/// Who reads: the public sees suppressed tables; staff see exact counts within their scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Public,
    Staff,
}

/// A request for a table, as given (query string or form).
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
pub struct TableQuery {
    /// Comma-separated characteristics: month, region, district, destination, channel,
    /// sector, gender (at most two for the public, counting filters; three for staff).
    #[serde(default)]
    pub by: String,
    /// First month, `YYYY-MM`.
    #[serde(default)]
    pub from: String,
    /// Last month, `YYYY-MM`.
    #[serde(default)]
    pub to: String,
    /// ISO 3166-2 region.
    #[serde(default)]
    pub region: String,
    /// ISO 3166-1 alpha-2 country.
    #[serde(default)]
    pub destination: String,
    /// `male` or `female`.
    #[serde(default)]
    pub gender: String,
    /// `official`, `independent` or `unknown`.
    #[serde(default)]
    pub channel: String,
}

/// A validated request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub by: Vec<Dim>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub filters: Vec<(Dim, String)>,
}

impl Spec {
    /// The table's characteristics: the breakdown, then the filtered ones.
    pub fn dims(&self) -> Vec<Dim> {
        let mut dims = self.by.clone();
        for (d, _) in &self.filters {
            if !dims.contains(d) {
                dims.push(*d);
            }
        }
        dims
    }
}

const MAX_STAFF_DIMS: usize = 3;
const MAX_PUBLIC_DIMS: usize = 2;

/// Checks a request against what `indicator` and the cubes can answer.
pub fn validate(indicator: &Indicator, q: &TableQuery, audience: Audience) -> ServiceResult<Spec> {
    let mut by = vec![];
    for part in q.by.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let dim = Dim::parse(part)
            .filter(|d| indicator.dims.contains(d))
            .ok_or(ServiceError::invalid("by", "err-analytics-by"))?;
        if !by.contains(&dim) {
            by.push(dim);
        }
    }
    let from = month(&q.from, "from")?;
    let to = month(&q.to, "to")?;
    if let (Some(f), Some(t)) = (&from, &to)
        && t < f
    {
        return Err(ServiceError::invalid("to", "err-analytics-period"));
    }
    let mut filters = vec![];
    for (dim, value) in [
        (Dim::Region, &q.region),
        (Dim::Destination, &q.destination),
        (Dim::Gender, &q.gender),
        (Dim::Channel, &q.channel),
    ] {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let well_formed = value.len() <= 16
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed || !indicator.dims.contains(&dim) {
            return Err(ServiceError::invalid(dim.as_str(), "err-analytics-filter"));
        }
        filters.push((dim, value.to_string()));
    }
    let spec = Spec {
        by,
        from,
        to,
        filters,
    };
    let limit = match audience {
        Audience::Public => MAX_PUBLIC_DIMS,
        Audience::Staff => MAX_STAFF_DIMS,
    };
    // Counted on the table as drawn: an amount adds its currency, a rate its region.
    if table_dims(indicator, &spec).len() > limit {
        return Err(ServiceError::invalid("by", "err-analytics-too-many"));
    }
    let answerable = match indicator.measure {
        Measure::Fact(Fact {
            value: FactValue::OfDepartures,
            ..
        }) => Cube::covering(&spec.dims()).is_some(),
        Measure::Fact(_) => true,
        _ => Cube::covering(&needed(indicator, &spec.dims())).is_some(),
    };
    if !answerable {
        return Err(ServiceError::invalid("by", "err-analytics-combination"));
    }
    Ok(spec)
}

/// `YYYY-MM` with a real month, or nothing.
fn month(text: &str, field: &'static str) -> ServiceResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bytes = text.as_bytes();
    let ok = text.len() == 7
        && bytes[4] == b'-'
        && text[..4].bytes().all(|b| b.is_ascii_digit())
        && text[5..].bytes().all(|b| b.is_ascii_digit())
        && matches!(text[5..].parse::<u8>(), Ok(1..=12));
    if ok {
        Ok(Some(text.to_string()))
    } else {
        Err(ServiceError::invalid(field, "err-analytics-month"))
    }
}

/// The dimensions a table of `dims` is grouped by: a share adds the characteristic it
/// folds (last).
fn needed(indicator: &Indicator, dims: &[Dim]) -> Vec<Dim> {
    let mut needed = dims.to_vec();
    match indicator.measure {
        Measure::OfficialShare => needed.push(Dim::Channel),
        Measure::Fact(Fact {
            value: FactValue::Share(dim, _),
            ..
        }) => needed.push(dim),
        _ => {}
    }
    needed
}

/// The table's characteristics: what was asked, plus what the value needs (an amount is
/// never summed across currencies, a rate per inhabitant is per region).
fn table_dims(indicator: &Indicator, spec: &Spec) -> Vec<Dim> {
    let mut dims = spec.dims();
    let forced = match indicator.measure {
        Measure::Fact(Fact {
            value: FactValue::Amount,
            ..
        }) => Some(Dim::Currency),
        Measure::Fact(Fact {
            value: FactValue::Per10k,
            ..
        }) => Some(Dim::Region),
        _ => None,
    };
    if let Some(dim) = forced.filter(|d| !dims.contains(d)) {
        dims.push(dim);
    }
    dims
}

/// One line of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// One value per dimension of the table, in its order.
    pub keys: Vec<String>,
    /// The count, or the numerator of a share.
    pub count: i64,
    /// The denominator of a share or a rate.
    pub base: Option<i64>,
    /// 100 for a percent, 10,000 for a rate per 10,000 inhabitants.
    pub per: i64,
    /// How many records are behind the value (of a sum: how many cases).
    pub support: i64,
    pub suppressed: bool,
}

impl Line {
    fn count(keys: Vec<String>, count: i64) -> Self {
        Line {
            keys,
            count,
            base: None,
            per: 1,
            support: count,
            suppressed: false,
        }
    }

    /// The value shown: a count or a sum, a percent with one decimal, or a rate with two;
    /// `None` when suppressed.
    pub fn value(&self) -> Option<f64> {
        if self.suppressed {
            return None;
        }
        Some(match self.base {
            None => self.count as f64,
            Some(0) => 0.0,
            Some(base) => {
                let decimals = if self.per == 100 { 10.0 } else { 100.0 };
                (self.count as f64 * self.per as f64 * decimals / base as f64).round() / decimals
            }
        })
    }

    fn json_value(&self) -> Value {
        match (self.value(), self.base) {
            (None, _) => Value::Null,
            (Some(_), None) => Value::from(self.count),
            (Some(v), Some(_)) => Value::from(v),
        }
    }
}

pub struct Table {
    pub indicator: &'static Indicator,
    pub dims: Vec<Dim>,
    pub lines: Vec<Line>,
    /// The months the table covers, as applied (a public table covers one calendar year).
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Table {
    /// `{"rows": [{"region": …, "gender": …, "value": …, "suppressed": …}]}`.
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = self
            .lines
            .iter()
            .map(|line| {
                let mut row = Map::new();
                for (dim, key) in self.dims.iter().zip(&line.keys) {
                    row.insert(dim.as_str().into(), Value::from(key.clone()));
                }
                row.insert("value".into(), line.json_value());
                row.insert("suppressed".into(), Value::from(line.suppressed));
                Value::Object(row)
            })
            .collect();
        serde_json::json!({
            "indicator": self.indicator.name,
            "by": self.dims.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
            "from": self.from,
            "to": self.to,
            "rows": rows,
        })
    }

    /// The sum of the lines and, for a share, of their denominators; `None` where a total
    /// means nothing (rates per inhabitant, amounts in several currencies).
    pub fn total(&self) -> Option<(i64, Option<i64>)> {
        let count = self.lines.iter().map(|l| l.count).sum();
        let bases = || Some(self.lines.iter().filter_map(|l| l.base).sum());
        match self.indicator.measure {
            Measure::Count(_) => Some((count, None)),
            Measure::OfficialShare => Some((count, bases())),
            Measure::Fact(f) => match f.value {
                FactValue::Count => Some((count, None)),
                FactValue::Share(..) => Some((count, bases())),
                FactValue::PerHundred { .. } | FactValue::OfDepartures => Some((count, bases())),
                FactValue::Amount | FactValue::Per10k => None,
            },
        }
    }
}

/// The regions a staff member's tables cover: `None` everywhere.
pub fn staff_regions(actor: &Actor) -> ServiceResult<Option<Vec<String>>> {
    if !actor.holds(Permission::ViewAnalytics) {
        return Err(actor.refusal().into());
    }
    match actor.regions_for(Permission::ViewAnalytics) {
        Some(regions) if regions.is_empty() => Err(actor.refusal().into()),
        other => Ok(other),
    }
}

/// Answers `spec` for `audience`, within `regions` (staff scope).
pub async fn table(
    db: &Db,
    indicator: &'static Indicator,
    spec: &Spec,
    audience: Audience,
    regions: Option<&[String]>,
) -> ServiceResult<Table> {
    let year;
    let spec = match audience {
        Audience::Staff => spec,
        Audience::Public => {
            year = public_year(db, indicator, spec).await?;
            &year
        }
    };
    let dims = table_dims(indicator, spec);
    if let Some(regions) = regions
        && let Some((_, wanted)) = spec.filters.iter().find(|(d, _)| *d == Dim::Region)
        && !regions.contains(wanted)
    {
        return Err(crate::platform::access::AccessError::Forbidden.into());
    }
    // The public table is suppressed as a whole, then filtered, so that a slice shows the
    // same hidden cells as the table it is cut from.
    let filters = match audience {
        Audience::Staff => spec.filters.clone(),
        Audience::Public => vec![],
    };
    // (column of the table, value) of each filter the public table is cut by.
    let keep: Vec<(usize, String)> = match audience {
        Audience::Staff => vec![],
        Audience::Public => spec
            .filters
            .iter()
            .map(|(d, v)| (dims.iter().position(|x| x == d).unwrap_or(0), v.clone()))
            .collect(),
    };
    let grouped = needed(indicator, &dims);
    let counted = match indicator.measure {
        Measure::Fact(
            fact @ Fact {
                value:
                    FactValue::PerHundred {
                        only: Some(finding),
                        ..
                    },
                ..
            },
        ) => {
            let mut only = filters.clone();
            only.push((Dim::Finding, finding.to_string()));
            fact_counts(db, fact, &grouped, spec, &only, regions).await?
        }
        Measure::Fact(fact) => fact_counts(db, fact, &grouped, spec, &filters, regions).await?,
        _ => counts(db, indicator, &grouped, spec, &filters, regions).await?,
    };
    let mut lines = match indicator.measure {
        Measure::Count(_) => counts_only(counted),
        Measure::OfficialShare => shares(counted, "official"),
        Measure::Fact(fact) => match fact.value {
            FactValue::Count => counts_only(counted),
            FactValue::Share(_, value) => shares(counted, value),
            FactValue::Amount => counted
                .into_iter()
                .map(|(keys, n, amount)| Line {
                    count: amount,
                    ..Line::count(keys, n)
                })
                .collect(),
            FactValue::Per10k => {
                let at = dims.iter().position(|d| *d == Dim::Region).unwrap_or(0);
                per_10k(db, counted, at).await?
            }
            FactValue::PerHundred { base, .. } => {
                let fact = Fact {
                    subject: base,
                    keys: PLACEMENTS,
                    value: FactValue::Count,
                };
                let bases = fact_counts(db, fact, &grouped, spec, &filters, regions).await?;
                per_hundred(counted, bases)
            }
            FactValue::OfDepartures => {
                let departures = find("departures")?;
                let bases = counts(db, departures, &grouped, spec, &filters, regions).await?;
                per_hundred(counted, bases)
            }
        },
    };
    if audience == Audience::Public {
        hide_small(&mut lines, indicator.measure);
        lines.retain(|l| keep.iter().all(|(i, v)| l.keys.get(*i) == Some(v)));
    }
    Ok(Table {
        indicator,
        dims,
        lines,
        from: spec.from.clone(),
        to: spec.to.clone(),
    })
}

/// The calendar year a public table covers: the year of `to` (else of `from`), or the
/// latest year with records. Public tables never overlap: if any period could be asked
/// for, a count hidden in one could be found as the difference of two others
/// (January–February minus February), so they are published year by year.
async fn public_year(db: &Db, indicator: &Indicator, spec: &Spec) -> ServiceResult<Spec> {
    let asked = spec
        .to
        .as_ref()
        .or(spec.from.as_ref())
        .map(|m| m[..4].to_string());
    let year = match asked {
        Some(year) => year,
        None => latest_year(db, indicator).await?,
    };
    Ok(Spec {
        from: Some(format!("{year}-01")),
        to: Some(format!("{year}-12")),
        ..spec.clone()
    })
}

async fn latest_year(db: &Db, indicator: &Indicator) -> ServiceResult<String> {
    let mut q = match indicator.measure {
        Measure::Fact(fact) => {
            let mut q = SqlBuf::new("SELECT MAX(month) AS m FROM module_facts WHERE subject = ");
            q.bind_text(fact.subject);
            q
        }
        _ => SqlBuf::new("SELECT MAX(month) AS m FROM journey_facts WHERE cube = 'time'"),
    };
    q.push(" AND n <> 0");
    let month: Option<String> = q.query().fetch_one(&db.pool).await?.try_get("m")?;
    let today = time::OffsetDateTime::now_utc().year().to_string();
    Ok(month
        .and_then(|m| m.get(..4).map(String::from))
        .unwrap_or(today))
}

/// A group's keys, its count and its amount.
type Counted = (Vec<String>, i64, i64);

/// Sums the cube's cells by `grouped`.
async fn counts(
    db: &Db,
    indicator: &Indicator,
    grouped: &[Dim],
    spec: &Spec,
    filters: &[(Dim, String)],
    regions: Option<&[String]>,
) -> ServiceResult<Vec<Counted>> {
    // A reader limited to some regions needs a cube that keeps the region, whatever the
    // table is broken down by (every cube without it has a larger one with it).
    let mut wanted = grouped.to_vec();
    if regions.is_some() && !wanted.contains(&Dim::Region) {
        wanted.push(Dim::Region);
    }
    let cube =
        Cube::covering(&wanted).ok_or(ServiceError::invalid("by", "err-analytics-combination"))?;
    let kind = match indicator.measure {
        Measure::Count(kind) => kind,
        _ => "departure",
    };
    let columns: Vec<String> = grouped.iter().map(|d| d.as_str().to_string()).collect();
    let mut q = SqlBuf::new(&format!(
        "SELECT {}CAST(SUM(n) AS BIGINT) AS n, 0 AS amount FROM journey_facts WHERE cube = ",
        select_list(&columns)
    ));
    q.bind_text(cube.name).push(" AND kind = ").bind_text(kind);
    let filters: Vec<(String, String)> = filters
        .iter()
        .map(|(d, v)| (d.as_str().to_string(), v.clone()))
        .collect();
    narrow(&mut q, spec, &filters, regions);
    group(&mut q, &columns, &columns);
    read_counts(db, &q, columns.len()).await
}

/// Sums the module facts of `fact` by `grouped`.
async fn fact_counts(
    db: &Db,
    fact: Fact,
    grouped: &[Dim],
    spec: &Spec,
    filters: &[(Dim, String)],
    regions: Option<&[String]>,
) -> ServiceResult<Vec<Counted>> {
    let column = |dim: Dim| -> String {
        match dim {
            Dim::Month => "month".into(),
            Dim::Region => "region".into(),
            // `validate` lets through only characteristics the indicator offers, and every
            // one it offers has a key column.
            _ => fact
                .keys
                .iter()
                .find(|(d, _)| *d == dim)
                .map_or("a", |(_, c)| *c)
                .to_string(),
        }
    };
    let columns: Vec<String> = grouped.iter().map(|d| column(*d)).collect();
    let mut q = SqlBuf::new(&format!(
        "SELECT {}CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(amount) AS BIGINT) AS amount \
         FROM module_facts WHERE subject = ",
        select_list(&columns)
    ));
    q.bind_text(fact.subject);
    if fact.value == FactValue::Amount {
        q.push(" AND amount <> 0");
    }
    let filters: Vec<(String, String)> = filters
        .iter()
        .map(|(d, v)| (column(*d), v.clone()))
        .collect();
    narrow(&mut q, spec, &filters, regions);
    group(&mut q, &columns, &columns);
    read_counts(db, &q, columns.len()).await
}

fn select_list(columns: &[String]) -> String {
    columns.iter().map(|c| format!("{c}, ")).collect()
}

/// The period, the filters (column, value) and the reader's regions.
fn narrow(q: &mut SqlBuf, spec: &Spec, filters: &[(String, String)], regions: Option<&[String]>) {
    if let Some(from) = &spec.from {
        q.push(" AND month >= ").bind_text(from.clone());
    }
    if let Some(to) = &spec.to {
        q.push(" AND month <= ").bind_text(to.clone());
    }
    for (column, value) in filters {
        q.push(&format!(" AND {column} = "))
            .bind_text(value.clone());
    }
    if let Some(regions) = regions {
        q.push(" AND ").in_list("region", regions);
    }
}

fn group(q: &mut SqlBuf, columns: &[String], order: &[String]) {
    if !columns.is_empty() {
        q.push(&format!(
            " GROUP BY {} HAVING SUM(n) <> 0 ORDER BY {}",
            columns.join(", "),
            order.join(", ")
        ));
    }
}

async fn read_counts(db: &Db, q: &SqlBuf, keys: usize) -> ServiceResult<Vec<Counted>> {
    let rows = q.query().fetch_all(&db.pool).await?;
    let mut out = vec![];
    for row in rows {
        let mut key = vec![];
        for i in 0..keys {
            key.push(row.try_get::<String, _>(i)?);
        }
        let n: Option<i64> = row.try_get("n")?;
        let amount: Option<i64> = row.try_get("amount")?;
        if let Some(n) = n.filter(|n| *n != 0) {
            out.push((key, n, amount.unwrap_or(0)));
        }
    }
    Ok(out)
}

/// Folds counts keyed by (…, x) into "x is `value`" / all per key.
fn shares(counted: Vec<Counted>, value: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = vec![];
    for (mut keys, n, _) in counted {
        let last = keys.pop().unwrap_or_default();
        let hit = if last == value { n } else { 0 };
        match lines.last_mut() {
            Some(line) if line.keys == keys => {
                line.count += hit;
                line.base = Some(line.base.unwrap_or(0) + n);
                line.support += n;
            }
            _ => lines.push(Line {
                count: hit,
                base: Some(n),
                per: 100,
                ..Line::count(keys, n)
            }),
        }
    }
    lines
}

/// Counts per 10,000 inhabitants of the region in column `at` (regions without a recorded
/// population are left out).
async fn per_10k(db: &Db, counted: Vec<Counted>, at: usize) -> ServiceResult<Vec<Line>> {
    let populations: std::collections::HashMap<String, i64> =
        sqlx::query("SELECT iso, population FROM regions WHERE population IS NOT NULL")
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("iso")?, r.try_get("population")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    Ok(counted
        .into_iter()
        .filter_map(|(keys, n, _)| {
            let population = *populations.get(keys.get(at)?)?;
            Some(Line {
                base: Some(population),
                per: 10_000,
                ..Line::count(keys, n)
            })
        })
        .collect())
}

/// Numerators per 100 of their base, for every key that has a base.
fn per_hundred(counted: Vec<Counted>, bases: Vec<Counted>) -> Vec<Line> {
    let numerators: std::collections::HashMap<Vec<String>, i64> =
        counted.into_iter().map(|(k, n, _)| (k, n)).collect();
    bases
        .into_iter()
        .map(|(keys, base, _)| {
            let count = numerators.get(&keys).copied().unwrap_or(0);
            Line {
                count,
                base: Some(base),
                per: 100,
                support: count,
                ..Line::count(keys, count)
            }
        })
        .collect()
}

fn counts_only(counted: Vec<Counted>) -> Vec<Line> {
    counted
        .into_iter()
        .map(|(keys, n, _)| Line::count(keys, n))
        .collect()
}

fn count_of(line: &Line) -> i64 {
    line.count
}

fn base_of(line: &Line) -> i64 {
    line.base.unwrap_or(0)
}

fn support_of(line: &Line) -> i64 {
    line.support
}

/// The records of a share's line that are not counted in it.
fn rest_of(line: &Line) -> i64 {
    line.base.unwrap_or(0) - line.count
}

/// Hides what the public must not see. A share is hidden when its count or the rest would
/// be hidden in their own tables; a sum when fewer than 5 records make it.
fn hide_small(lines: &mut [Line], measure: Measure) {
    let parts: &[fn(&Line) -> i64] = match measure {
        Measure::OfficialShare
        | Measure::Fact(Fact {
            value: FactValue::Share(..) | FactValue::OfDepartures,
            ..
        }) => &[count_of, rest_of],
        Measure::Fact(Fact {
            value: FactValue::Amount,
            ..
        }) => &[support_of],
        Measure::Fact(Fact {
            value: FactValue::PerHundred { .. },
            ..
        }) => &[count_of, base_of],
        _ => &[count_of],
    };
    for part in parts {
        let present: Vec<usize> = (0..lines.len()).filter(|i| part(&lines[*i]) > 0).collect();
        let cells: Vec<(Vec<String>, i64)> = present
            .iter()
            .map(|i| (lines[*i].keys.clone(), part(&lines[*i])))
            .collect();
        for (i, hide) in present.iter().zip(suppress::suppress(&cells)) {
            lines[*i].suppressed |= hide;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(by: &str) -> TableQuery {
        TableQuery {
            by: by.into(),
            ..TableQuery::default()
        }
    }

    #[test]
    fn requests_are_checked() {
        let departures = find("departures").expect("an indicator");
        assert!(validate(departures, &query("region,gender"), Audience::Public).is_ok());
        assert!(validate(departures, &query("planet"), Audience::Public).is_err());
        // District and destination live in different cubes.
        assert!(validate(departures, &query("district,destination"), Audience::Staff).is_err());
        let three = query("region,gender,month");
        assert!(validate(departures, &three, Audience::Staff).is_ok());
        assert!(validate(departures, &three, Audience::Public).is_err());
        let share = find("official_share").expect("an indicator");
        assert!(validate(share, &query("channel"), Audience::Staff).is_err());
        let bad_month = TableQuery {
            from: "2025-13".into(),
            ..query("region")
        };
        assert!(validate(departures, &bad_month, Audience::Public).is_err());
        let backwards = TableQuery {
            from: "2025-05".into(),
            to: "2025-01".into(),
            ..query("region")
        };
        assert!(validate(departures, &backwards, Audience::Public).is_err());
    }

    #[test]
    fn shares_fold_channels_and_round() {
        let key = |r: &str, c: &str| vec![r.to_string(), c.to_string()];
        let lines = shares(
            vec![
                (key("UZ-AN", "independent"), 20, 0),
                (key("UZ-AN", "official"), 10, 0),
                (key("UZ-SA", "unknown"), 3, 0),
            ],
            "official",
        );
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].count, lines[0].base), (10, Some(30)));
        assert_eq!(lines[0].value(), Some(33.3));
        assert_eq!(lines[1].value(), Some(0.0));
    }
}
