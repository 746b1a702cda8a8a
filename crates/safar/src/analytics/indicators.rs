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
}

pub struct Indicator {
    pub name: &'static str,
    pub measure: Measure,
    /// The characteristics it may be broken down and filtered by.
    pub dims: &'static [Dim],
}

const ALL_DIMS: &[Dim] = &Dim::ALL;

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
    if spec.dims().len() > limit {
        return Err(ServiceError::invalid("by", "err-analytics-too-many"));
    }
    if Cube::covering(&needed(indicator, &spec.dims())).is_none() {
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
        && matches!(text[5..].parse::<u8>(), Ok(1..=12));
    if ok {
        Ok(Some(text.to_string()))
    } else {
        Err(ServiceError::invalid(field, "err-analytics-month"))
    }
}

/// The cube dimensions a table of `dims` reads.
fn needed(indicator: &Indicator, dims: &[Dim]) -> Vec<Dim> {
    let mut needed = dims.to_vec();
    if indicator.measure == Measure::OfficialShare {
        needed.push(Dim::Channel);
    }
    needed
}

/// One line of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// One value per dimension of the table, in its order.
    pub keys: Vec<String>,
    /// The count, or the numerator of a share.
    pub count: i64,
    /// The denominator of a share.
    pub base: Option<i64>,
    pub suppressed: bool,
}

impl Line {
    /// The value shown: a count, or a percent with one decimal; `None` when suppressed.
    pub fn value(&self) -> Option<f64> {
        if self.suppressed {
            return None;
        }
        Some(match self.base {
            None => self.count as f64,
            Some(0) => 0.0,
            Some(base) => (self.count as f64 * 1000.0 / base as f64).round() / 10.0,
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
            "rows": rows,
        })
    }

    pub fn total(&self) -> (i64, Option<i64>) {
        let count = self.lines.iter().map(|l| l.count).sum();
        let base = self
            .indicator
            .measure
            .eq(&Measure::OfficialShare)
            .then(|| self.lines.iter().filter_map(|l| l.base).sum());
        (count, base)
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
    let dims = spec.dims();
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
    let counted = counts(db, indicator, &dims, spec, &filters, regions).await?;
    let mut lines = match indicator.measure {
        Measure::Count(_) => counted
            .into_iter()
            .map(|(keys, n)| Line {
                keys,
                count: n,
                base: None,
                suppressed: false,
            })
            .collect(),
        Measure::OfficialShare => shares(counted),
    };
    if audience == Audience::Public {
        hide_small(&mut lines, indicator.measure);
        lines.retain(|l| keep.iter().all(|(i, v)| l.keys.get(*i) == Some(v)));
    }
    Ok(Table {
        indicator,
        dims,
        lines,
    })
}

/// Sums the cube's cells by `dims` (and by channel last, for a share).
async fn counts(
    db: &Db,
    indicator: &Indicator,
    dims: &[Dim],
    spec: &Spec,
    filters: &[(Dim, String)],
    regions: Option<&[String]>,
) -> ServiceResult<Vec<(Vec<String>, i64)>> {
    let grouped = needed(indicator, dims);
    let cube =
        Cube::covering(&grouped).ok_or(ServiceError::invalid("by", "err-analytics-combination"))?;
    let kind = match indicator.measure {
        Measure::Count(kind) => kind,
        Measure::OfficialShare => "departure",
    };
    let columns: Vec<&str> = grouped.iter().map(|d| d.as_str()).collect();
    let select = if columns.is_empty() {
        String::new()
    } else {
        format!("{}, ", columns.join(", "))
    };
    let mut q = SqlBuf::new(&format!(
        "SELECT {select}CAST(SUM(n) AS BIGINT) AS n FROM journey_facts WHERE cube = "
    ));
    q.bind_text(cube.name).push(" AND kind = ").bind_text(kind);
    if let Some(from) = &spec.from {
        q.push(" AND month >= ").bind_text(from.clone());
    }
    if let Some(to) = &spec.to {
        q.push(" AND month <= ").bind_text(to.clone());
    }
    for (dim, value) in filters {
        q.push(&format!(" AND {} = ", dim.as_str()))
            .bind_text(value.clone());
    }
    if let Some(regions) = regions {
        q.push(" AND ").in_list("region", regions);
    }
    if !columns.is_empty() {
        let list = columns.join(", ");
        q.push(&format!(
            " GROUP BY {list} HAVING SUM(n) <> 0 ORDER BY {list}"
        ));
    }
    let rows = q.query().fetch_all(&db.pool).await?;
    let mut out = vec![];
    for row in rows {
        let mut keys = vec![];
        for i in 0..columns.len() {
            keys.push(row.try_get::<String, _>(i)?);
        }
        let n: Option<i64> = row.try_get("n")?;
        if let Some(n) = n.filter(|n| *n != 0) {
            out.push((keys, n));
        }
    }
    Ok(out)
}

/// Folds counts keyed by (…, channel) into official / all departures per key.
fn shares(counted: Vec<(Vec<String>, i64)>) -> Vec<Line> {
    let mut lines: Vec<Line> = vec![];
    for (mut keys, n) in counted {
        let channel = keys.pop().unwrap_or_default();
        let official = if channel == "official" { n } else { 0 };
        match lines.last_mut() {
            Some(last) if last.keys == keys => {
                last.count += official;
                last.base = Some(last.base.unwrap_or(0) + n);
            }
            _ => lines.push(Line {
                keys,
                count: official,
                base: Some(n),
                suppressed: false,
            }),
        }
    }
    lines
}

fn count_of(line: &Line) -> i64 {
    line.count
}

/// The departures of a share's line not made through an official channel.
fn rest_of(line: &Line) -> i64 {
    line.base.unwrap_or(0) - line.count
}

/// Hides what the public must not see. A share is hidden when its official count or the
/// rest would be hidden in their own tables.
fn hide_small(lines: &mut [Line], measure: Measure) {
    let parts: &[fn(&Line) -> i64] = match measure {
        Measure::Count(_) => &[count_of],
        Measure::OfficialShare => &[count_of, rest_of],
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
        let lines = shares(vec![
            (key("UZ-AN", "independent"), 20),
            (key("UZ-AN", "official"), 10),
            (key("UZ-SA", "unknown"), 3),
        ]);
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].count, lines[0].base), (10, Some(30)));
        assert_eq!(lines[0].value(), Some(33.3));
        assert_eq!(lines[1].value(), Some(0.0));
    }
}
