//! Bulk import of journeys from CSV (border-crossing data, scheme operators' lists).
//!
//! Columns (header row required, order free, unknown columns ignored):
//! `pinfl`, `kind` (departure|return), `date` (YYYY-MM-DD), `country` (ISO alpha-2) are
//! required; `channel`, `employer`, `recruiter`, `sector`, `source` are optional. A person not
//! yet in the registry is registered from `family_name`, `given_name`, `patronymic`,
//! `birth_date`, `gender`, `region` when those columns are filled; otherwise the row is
//! rejected. Rows are matched on a natural key (person, kind, date, country), so importing the
//! same file twice adds nothing. Rejected rows are written, with the reason in plain words, to
//! an errors CSV (`row`, `column`, `reason`).
//!
//! Rows are written in batches, each batch in one transaction with one audit entry.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde_json::json;
use sqlx::Row;

use super::bulk::{NewRecord, Writer};
use super::model::{Gender, Name, Pinfl, parse_birth_date, parse_date};
use super::service::{Deps, NewJourney, NewPerson};
use super::store::{Journey, PersonRow};
use crate::platform::access::{Actor, Permission};
use crate::platform::audit::{self, Event};
use crate::platform::db::{SqlBuf, Tx};
use crate::platform::i18n::{Locale, Tr};
use crate::platform::ids::new_id;

pub const BATCH: usize = 10_000;
const REQUIRED: [&str; 4] = ["pinfl", "kind", "date", "country"];

/// A rejected row: where, and why (a message id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number in the file, counting the header as line 1.
    pub line: u64,
    pub column: String,
    pub message: &'static str,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub added: u64,
    pub duplicates: u64,
    pub persons_registered: u64,
    pub rejected: u64,
}

/// One valid row, ready to be matched to a person.
#[derive(Clone, Debug)]
pub struct ImportRow {
    pub line: u64,
    pub pinfl: String,
    pub journey: NewJourney,
    pub person: Option<NewPerson>,
}

/// Which column holds which field.
pub struct Columns(HashMap<String, usize>);

impl Columns {
    pub fn from_header(header: &csv::StringRecord) -> Result<Self, String> {
        let map: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
            .collect();
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|c| !map.contains_key(*c))
            .collect();
        if missing.is_empty() {
            Ok(Columns(map))
        } else {
            Err(format!(
                "the header lacks the column(s): {}",
                missing.join(", ")
            ))
        }
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> &'r str {
        self.0
            .get(name)
            .and_then(|i| record.get(*i))
            .unwrap_or("")
            .trim()
    }

    fn opt(&self, record: &csv::StringRecord, name: &str) -> Option<String> {
        Some(self.get(record, name).to_string()).filter(|v| !v.is_empty())
    }
}

/// Checks a row on its own (no database): identifiers, dates, codes, lengths.
pub fn parse_row(
    columns: &Columns,
    record: &csv::StringRecord,
    line: u64,
    known_countries: &HashSet<String>,
    today: time::Date,
) -> Result<ImportRow, Vec<RowError>> {
    let mut errors = vec![];
    let mut fail = |column: &str, message| {
        errors.push(RowError {
            line,
            column: column.into(),
            message,
        })
    };
    let pinfl = Pinfl::parse(columns.get(record, "pinfl"))
        .map_err(|e| fail("pinfl", e.message()))
        .ok();
    let kind = columns.get(record, "kind");
    if !["departure", "return"].contains(&kind) {
        fail("kind", "err-journey-kind");
    }
    match parse_date(columns.get(record, "date")) {
        None => fail("date", "err-date"),
        Some(d) if d > today || d.year() < 1990 => fail("date", "err-journey-date"),
        Some(_) => {}
    }
    let country = columns.get(record, "country").to_uppercase();
    if !known_countries.contains(&country) {
        fail("country", "err-country");
    }
    for (column, allowed) in [
        ("channel", &["official", "independent", "unknown"][..]),
        ("source", &["self_reported", "agency", "border_import"][..]),
    ] {
        let v = columns.get(record, column);
        if !v.is_empty() && !allowed.contains(&v) {
            fail(
                column,
                if column == "channel" {
                    "err-channel"
                } else {
                    "err-source"
                },
            );
        }
    }
    for column in [
        "employer",
        "recruiter",
        "family_name",
        "given_name",
        "patronymic",
    ] {
        let v = columns.get(record, column);
        if v.chars().count() > 200 || v.chars().any(char::is_control) {
            fail(column, "err-invalid-text");
        }
    }
    let sector = columns.get(record, "sector");
    if !sector.is_empty() && (sector.len() > 4 || !sector.chars().all(|c| c.is_ascii_digit())) {
        fail("sector", "err-sector");
    }
    let Some(pinfl) = pinfl.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let journey = NewJourney {
        kind: kind.into(),
        date: columns.get(record, "date").into(),
        country,
        channel: columns.opt(record, "channel"),
        employer: columns.opt(record, "employer"),
        recruiter: columns.opt(record, "recruiter"),
        sector: columns.opt(record, "sector"),
        source: Some(
            columns
                .opt(record, "source")
                .unwrap_or_else(|| "border_import".into()),
        ),
    };
    let person = columns
        .opt(record, "family_name")
        .map(|family_name| NewPerson {
            family_name,
            given_name: columns.get(record, "given_name").into(),
            patronymic: columns.opt(record, "patronymic"),
            birth_date: columns.get(record, "birth_date").into(),
            gender: columns.get(record, "gender").into(),
            pinfl: pinfl.as_str().into(),
            region: columns.get(record, "region").into(),
            ..NewPerson::default()
        });
    Ok(ImportRow {
        line,
        pinfl: pinfl.as_str().into(),
        journey,
        person,
    })
}

/// Imports every row of `input`. Rejected rows go to `rejected` (already localised in plain
/// words); `progress` is called with the bytes read so far after each batch.
pub async fn import_journeys<R: Read>(
    deps: Deps<'_>,
    actor: &Actor,
    input: R,
    rejected: &mut Vec<RowError>,
    mut progress: impl FnMut(u64, &ImportReport),
) -> anyhow::Result<ImportReport> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let columns = Columns::from_header(reader.headers()?).map_err(|e| anyhow::anyhow!(e))?;
    let countries = known_countries(deps).await?;
    let today = time::OffsetDateTime::from_unix_timestamp(deps.clock.now_ms() / 1000)?.date();
    let mut ctx = Context {
        writer: Writer::new(deps),
        regions: known_regions(deps).await?,
        today,
    };
    let mut report = ImportReport::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut record = csv::StringRecord::new();
    loop {
        let more = match reader.read_record(&mut record) {
            Ok(more) => more,
            Err(e) => {
                // An unreadable row (bad quoting, invalid UTF-8) is rejected, not fatal.
                let line = e.position().map_or(0, |p| p.line());
                rejected.push(RowError {
                    line,
                    column: String::new(),
                    message: "err-csv-row",
                });
                report.rows += 1;
                report.rejected += 1;
                continue;
            }
        };
        if more {
            report.rows += 1;
            let line = record.position().map_or(report.rows + 1, |p| p.line());
            match parse_row(&columns, &record, line, &countries, today) {
                Ok(row) => batch.push(row),
                Err(errors) => {
                    report.rejected += 1;
                    rejected.extend(errors);
                }
            }
        }
        if batch.len() >= BATCH || (!more && !batch.is_empty()) {
            write_batch(
                deps,
                actor,
                &mut ctx,
                std::mem::take(&mut batch),
                &mut report,
                rejected,
            )
            .await?;
            progress(reader.position().byte(), &report);
        }
        if !more {
            return Ok(report);
        }
    }
}

async fn known_countries(deps: Deps<'_>) -> anyhow::Result<HashSet<String>> {
    let rows = sqlx::query("SELECT iso2 FROM countries WHERE iso2 <> 'UZ'")
        .fetch_all(&deps.db.pool)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("iso2").ok())
        .collect())
}

/// PINFL → person id for the PINFLs of a batch, in one query per 900.
async fn persons_by_pinfl(tx: &mut Tx, pinfls: &[&str]) -> anyhow::Result<HashMap<String, String>> {
    let mut map = HashMap::new();
    for chunk in pinfls.chunks(900) {
        let mut sql = SqlBuf::new("SELECT id, pinfl FROM persons WHERE pinfl IN (");
        for (i, p) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(*p);
        }
        sql.push(")");
        for row in sql.query().fetch_all(&mut **tx).await? {
            map.insert(row.try_get("pinfl")?, row.try_get("id")?);
        }
    }
    Ok(map)
}

/// What an import holds on to between batches.
struct Context<'a> {
    writer: Writer<'a>,
    regions: HashSet<String>,
    today: time::Date,
}

async fn known_regions(deps: Deps<'_>) -> anyhow::Result<HashSet<String>> {
    let rows = sqlx::query("SELECT iso FROM regions")
        .fetch_all(&deps.db.pool)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("iso").ok())
        .collect())
}

/// One batch in one transaction: persons the registry does not know yet are registered
/// (checked as `service::create` checks them, written by `bulk` in multi-row statements),
/// then every journey not recorded yet is added, the status of the persons who gained one
/// follows their latest event, and one audit entry records the batch.
async fn write_batch(
    deps: Deps<'_>,
    actor: &Actor,
    ctx: &mut Context<'_>,
    rows: Vec<ImportRow>,
    report: &mut ImportReport,
    rejected: &mut Vec<RowError>,
) -> anyhow::Result<()> {
    let mut pinfls: Vec<String> = rows.iter().map(|r| r.pinfl.clone()).collect();
    pinfls.sort_unstable();
    pinfls.dedup();
    let pinfls: Vec<&str> = pinfls.iter().map(String::as_str).collect();
    let now = deps.clock.now_ms();
    let (mut tx, cache) = ctx.writer.begin().await?;
    let mut persons = persons_by_pinfl(&mut tx, &pinfls).await?;
    let mut ready = Vec::with_capacity(rows.len());
    let mut new_persons = vec![];
    // Registering is the import's right (checked once a batch), not each row's.
    let mut may_register = None;
    for row in rows {
        if !persons.contains_key(&row.pinfl) {
            let allowed = may_register
                .get_or_insert_with(|| actor.require(Permission::ImportJourneys).is_ok());
            match new_person(ctx, &row, *allowed, now) {
                Ok(record) => {
                    persons.insert(row.pinfl.clone(), record.row.id.clone());
                    new_persons.push(record);
                }
                Err(errors) => {
                    report.rejected += 1;
                    rejected.extend(errors);
                    continue;
                }
            }
        }
        ready.push(row);
    }
    let registered = new_persons.len() as u64;
    if registered > 0 {
        let written = ctx.writer.write_in(&mut tx, new_persons, now).await?;
        if written.skipped > 0 {
            // Registered meanwhile by someone else: their rows go to that person.
            let fresh = persons_by_pinfl(&mut tx, &pinfls).await?;
            persons.extend(fresh);
        }
        report.persons_registered += written.persons;
    }
    let journeys: Vec<(String, String, Journey)> = ready
        .iter()
        .filter_map(|row| {
            let person_id = persons.get(&row.pinfl)?;
            Some((
                person_id.clone(),
                row.pinfl.clone(),
                journey_of(&row.journey),
            ))
        })
        .collect();
    let (added, touched) = ctx.writer.insert_journeys(&mut tx, &journeys, now).await?;
    let duplicates = journeys.len() as u64 - added;
    let details = json!({ "added": added, "duplicates": duplicates, "persons": touched.len(), "registered": registered });
    audit::append(
        &mut tx,
        actor,
        None,
        now,
        Event::new("journey.import", "journeys", "batch").with(details),
    )
    .await?;
    ctx.writer.finish(tx, cache).await?;
    report.added += added;
    report.duplicates += duplicates;
    Ok(())
}

fn journey_of(input: &NewJourney) -> Journey {
    Journey {
        id: new_id(),
        kind: input.kind.clone(),
        event_date: input.date.clone(),
        country_iso2: input.country.clone(),
        channel: input.channel.clone().unwrap_or_else(|| "unknown".into()),
        employer: input.employer.clone().unwrap_or_default(),
        recruiter: input.recruiter.clone().unwrap_or_default(),
        sector_isco: input.sector.clone().unwrap_or_default(),
        source: input
            .source
            .clone()
            .unwrap_or_else(|| "border_import".into()),
    }
}

/// The person of a row whose PINFL the registry does not know yet, checked field by field
/// as `service::create` checks a new person (the import has no district, phones, e-mail,
/// passport or details to check).
fn new_person(
    ctx: &Context<'_>,
    row: &ImportRow,
    allowed: bool,
    now: i64,
) -> Result<NewRecord, Vec<RowError>> {
    let fail = |column: &str, message: &'static str| RowError {
        line: row.line,
        column: column.into(),
        message,
    };
    let Some(input) = &row.person else {
        return Err(vec![fail("pinfl", "err-import-unknown-person")]);
    };
    if !allowed {
        return Err(vec![fail("", "error-403-body")]);
    }
    let mut errors = vec![];
    let mut name = |field: &'static str, text: &str, required: bool| {
        Name::parse(field, text, required)
            .map_err(|e| errors.push(fail(e.field, e.message)))
            .ok()
            .flatten()
    };
    let given = name("given_name", &input.given_name, true);
    let family = name("family_name", &input.family_name, true);
    let patronymic = name(
        "patronymic",
        input.patronymic.as_deref().unwrap_or(""),
        false,
    );
    let birth = parse_birth_date(&input.birth_date, ctx.today)
        .map_err(|m| errors.push(fail("birth_date", m)))
        .ok();
    let gender = Gender::parse(&input.gender);
    if gender.is_none() {
        errors.push(fail("gender", "err-gender"));
    }
    let pinfl = Pinfl::parse(&input.pinfl)
        .map_err(|e| errors.push(fail("pinfl", e.message())))
        .ok();
    if let (Some(p), Some(b), Some(g)) = (&pinfl, birth, gender)
        && let Err(e) = p.check_against(b, g)
    {
        errors.push(fail("pinfl", e.message()));
    }
    let region = input.region.trim().to_uppercase();
    if !ctx.regions.contains(&region) {
        errors.push(fail("region", "err-region"));
    }
    let (Some(given), Some(family), Some(birth), Some(gender), Some(pinfl), true) =
        (given, family, birth, gender, pinfl, errors.is_empty())
    else {
        return Err(errors);
    };
    let patronymic = patronymic.unwrap_or(Name {
        entered: String::new(),
        other_script: String::new(),
    });
    let (gl, gc) = given.latin_cyrillic();
    let (fl, fc) = family.latin_cyrillic();
    let (pl, pc) = patronymic.latin_cyrillic();
    let person = PersonRow {
        id: new_id(),
        pinfl: pinfl.as_str().to_string(),
        given_name_latn: gl.into(),
        family_name_latn: fl.into(),
        patronymic_latn: pl.into(),
        given_name_cyrl: gc.into(),
        family_name_cyrl: fc.into(),
        patronymic_cyrl: pc.into(),
        given_name: given.entered.clone(),
        family_name: family.entered.clone(),
        patronymic: patronymic.entered.clone(),
        birth_date: input.birth_date.trim().to_string(),
        birth_year: i64::from(birth.year()),
        gender: gender.as_str().into(),
        region_iso: region,
        district_soato: None,
        mahalla: String::new(),
        email: None,
        passport_sealed: None,
        status: "at_home".into(),
        user_id: None,
        created_at: now,
    };
    Ok(NewRecord {
        row: person,
        phones: vec![],
        passport: None,
        journeys: vec![],
    })
}

/// Writes the rejected rows as CSV (`row,column,reason`) with reasons in plain English.
pub fn write_errors(path: &std::path::Path, errors: &[RowError]) -> anyhow::Result<()> {
    std::fs::write(path, errors_csv(errors)?)?;
    Ok(())
}

/// The error report: row number, column and the reason in plain (English) words, in file
/// order (rows rejected on their own and rows rejected when matched are merged).
pub fn errors_csv(errors: &[RowError]) -> anyhow::Result<Vec<u8>> {
    let tr = Tr::new(Locale::En);
    let mut writer = csv::Writer::from_writer(vec![]);
    writer.write_record(["row", "column", "reason"])?;
    let mut sorted: Vec<&RowError> = errors.iter().collect();
    sorted.sort_by_key(|e| e.line);
    for e in sorted {
        writer.write_record([e.line.to_string(), e.column.clone(), tr.t(e.message)])?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// `journeys.csv` → `journeys.errors.csv`, beside the input.
pub fn errors_path(input: &std::path::Path) -> std::path::PathBuf {
    let stem = input
        .file_stem()
        .map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}.errors.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(header: &str) -> Columns {
        Columns::from_header(&csv::StringRecord::from(
            header.split(',').collect::<Vec<_>>(),
        ))
        .unwrap_or(Columns(HashMap::new()))
    }

    #[test]
    fn headers_must_name_the_required_columns() {
        let missing = Columns::from_header(&csv::StringRecord::from(vec!["pinfl", "kind"]));
        assert!(missing.is_err());
        assert!(
            Columns::from_header(&csv::StringRecord::from(vec![
                "\u{feff}PINFL",
                "Kind",
                "date",
                "country"
            ]))
            .is_ok()
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let cols = columns("pinfl,kind,date,country,channel,sector");
        let countries: HashSet<String> = ["RU".to_string()].into();
        let today = parse_date("2026-11-28").unwrap_or(time::Date::MIN);
        let record = csv::StringRecord::from(vec![
            "123",
            "flight",
            "2030-01-01",
            "XX",
            "smuggled",
            "12345",
        ]);
        let errors = parse_row(&cols, &record, 2, &countries, today)
            .err()
            .unwrap_or_default();
        let named: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            named,
            ["pinfl", "kind", "date", "country", "channel", "sector"]
        );
        let good_pinfl = Pinfl::generate(
            parse_date("1990-01-01").unwrap_or(time::Date::MIN),
            super::super::model::Gender::Male,
            5,
        );
        let record = csv::StringRecord::from(vec![
            good_pinfl.as_str(),
            "departure",
            "2025-01-01",
            "ru",
            "",
            "",
        ]);
        let row = parse_row(&cols, &record, 3, &countries, today);
        assert!(row.is_ok_and(|r| r.journey.country == "RU" && r.person.is_none()));
    }

    #[test]
    fn errors_file_sits_beside_the_input() {
        assert_eq!(
            errors_path(std::path::Path::new("/data/journeys.csv")),
            std::path::PathBuf::from("/data/journeys.errors.csv")
        );
    }
}
