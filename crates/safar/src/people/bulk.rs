//! Writes many persons at once, with the same rows `service::create` and `add_journey`
//! would have written one by one: names in both scripts, the name dictionary and posting
//! lists, sealed passports with their blind index, journeys with their natural keys, and the
//! status that follows the last event. One transaction and one audit entry per batch:
//! SQLite with `synchronous=FULL` manages a few hundred commits a second, so a million
//! persons one by one would take an hour; in batches of thousands, a few minutes.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::json;
use sqlx::Row;

use super::model::{name_keys, skeleton};
use super::service::{Deps, journey_key};
use super::store::{Journey, PersonRow, bucket, names_of};
use crate::analytics::rollup::{JourneyCell, Tally};
use crate::platform::access::Actor;
use crate::platform::audit::{self, Event};
use crate::platform::crypto::Place;
use crate::platform::db::{Backend, Tx};

/// A person ready to be written: validated, with names in both scripts.
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub row: PersonRow,
    /// E.164 numbers.
    pub phones: Vec<String>,
    /// A normalised passport number, sealed on the way in.
    pub passport: Option<String>,
    /// Validated journeys; no two with the same kind, date and country (their natural
    /// key is unique, and a repeat fails the whole batch).
    pub journeys: Vec<Journey>,
}

/// What one write added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub persons: u64,
    pub journeys: u64,
    /// Persons left out because their PINFL is already registered.
    pub skipped: u64,
}

/// A value bound into a multi-row statement.
enum Cell {
    Text(String),
    Int(i64),
    Null,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        s.map_or(Cell::Null, Cell::Text)
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Self {
        Cell::Int(i)
    }
}

/// A table written by multi-row INSERTs: the statement up to VALUES, the number of columns,
/// and what follows the rows.
struct Table {
    head: &'static str,
    columns: usize,
    tail: &'static str,
}

const PERSONS: Table = Table {
    head: "INSERT INTO persons (id, pinfl, given_name, family_name, patronymic, given_name_latn, \
           family_name_latn, patronymic_latn, given_name_cyrl, family_name_cyrl, patronymic_cyrl, birth_date, \
           birth_year, gender, region_iso, district_soato, mahalla, email, passport_sealed, passport_index, \
           status, user_id, created_at, updated_at) VALUES ",
    columns: 24,
    tail: "",
};

const PHONES: Table = Table {
    head: "INSERT INTO person_phones (person_id, phone) VALUES ",
    columns: 2,
    tail: " ON CONFLICT (person_id, phone) DO NOTHING",
};

const POSTINGS: Table = Table {
    head: "INSERT INTO person_name_keys (name_key, person_id, names, region_iso, birth_year) VALUES ",
    columns: 5,
    tail: "",
};

const DICTIONARY: Table = Table {
    head: "INSERT INTO name_keys (name_key, skeleton, bucket, persons) VALUES ",
    columns: 4,
    tail: " ON CONFLICT (name_key) DO UPDATE SET persons = name_keys.persons + excluded.persons",
};

const JOURNEYS: Table = Table {
    head: "INSERT INTO journeys (id, person_id, kind, event_date, country_iso2, channel, employer, \
           recruiter, sector_isco, source, natural_key, created_at) VALUES ",
    columns: 12,
    tail: "",
};

/// Journeys that may be recorded already (an import read twice): a repeat is left out, and
/// the persons of the rows really added come back.
const NEW_JOURNEYS: Table = Table {
    head: "INSERT INTO journeys (id, person_id, kind, event_date, country_iso2, channel, employer, \
           recruiter, sector_isco, source, natural_key, created_at) VALUES ",
    columns: 12,
    tail: " ON CONFLICT (natural_key) DO NOTHING RETURNING id, person_id",
};

/// The rows of one batch, column by column.
#[derive(Default)]
struct Batch {
    persons: Vec<Cell>,
    phones: Vec<Cell>,
    /// (word, person id, all the person's words, region, birth year).
    postings: Vec<(String, String, String, String, i64)>,
    dictionary: HashMap<String, i64>,
    journeys: Vec<Cell>,
    journey_count: u64,
    /// The journeys' counts for the analytics cubes.
    tally: Tally,
}

/// Writes batches; remembers the search keys of names it has seen (a large run repeats
/// a few thousand names many times) and the text of its statements.
pub struct Writer<'a> {
    deps: Deps<'a>,
    style: Placeholders,
    max_params: usize,
    keys_of: HashMap<String, Vec<String>>,
    statements: HashMap<(&'static str, &'static str, usize), String>,
}

/// How a statement numbers its parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Placeholders {
    /// `$1, $2, …`: the house style, and what PostgreSQL needs.
    Numbered,
    /// `?, ?, …` for SQLite. SQLite reads `$1` as a parameter *name*, and both parsing a
    /// statement and binding each value look names up in a list, so a statement with n
    /// `$` parameters costs n² steps: 32,766 of them took about a second, and at a few
    /// hundred the lookups were still a sixth of the load time. `?` has no name to look up.
    Anonymous,
}

impl<'a> Writer<'a> {
    pub fn new(deps: Deps<'a>) -> Self {
        // Statements stay well under both limits (SQLite 32,766 parameters, PostgreSQL
        // 65,535). On SQLite, 1,000 per statement loaded fastest (250 to 4,000 were tried).
        let (style, max_params) = match deps.db.backend {
            Backend::Sqlite => (Placeholders::Anonymous, 1_000),
            Backend::Postgres => (Placeholders::Numbered, 16_000),
        };
        Writer {
            deps,
            style,
            max_params,
            keys_of: HashMap::new(),
            statements: HashMap::new(),
        }
    }

    /// Writes `records` in one transaction with one audit entry. A PINFL that is already
    /// registered (or repeated within the batch) is skipped, not an error: synthetic
    /// numbers can collide with real ones.
    pub async fn write(&mut self, records: Vec<NewRecord>) -> Result<Written, sqlx::Error> {
        let now = self.deps.clock.now_ms();
        let mut tx = self.deps.db.begin().await?;
        let cache = self.widen_cache(&mut tx).await?;
        let written = self.write_in(&mut tx, records, now).await?;
        let details = json!({ "count": written.persons, "journeys": written.journeys, "skipped": written.skipped });
        audit::append(
            &mut tx,
            &Actor::console(),
            None,
            now,
            Event::new("person.bulk_create", "person", "").with(details),
        )
        .await?;
        self.finish(tx, cache).await.map(|()| written)
    }

    /// A write transaction for `write_in` and `insert_journeys`, with the larger SQLite page
    /// cache; end it with `finish`.
    pub async fn begin(&self) -> Result<(Tx, Option<i64>), sqlx::Error> {
        let mut tx = self.deps.db.begin().await?;
        let cache = self.widen_cache(&mut tx).await?;
        Ok((tx, cache))
    }

    /// Restores the page cache and commits.
    pub async fn finish(&self, mut tx: Tx, cache: Option<i64>) -> Result<(), sqlx::Error> {
        if let Some(pages) = cache {
            set_cache(&mut tx, pages).await?;
        }
        tx.commit().await
    }

    /// Writes `records` inside the caller's transaction, without an audit entry (the caller
    /// writes one for the whole transaction). Known PINFLs are skipped as in `write`.
    pub async fn write_in(
        &mut self,
        tx: &mut Tx,
        records: Vec<NewRecord>,
        now: i64,
    ) -> Result<Written, sqlx::Error> {
        let offered = records.len() as u64;
        let records = self.without_known_pinfls(tx, records).await?;
        let mut batch = Batch::default();
        for record in records {
            self.add(&mut batch, record, now);
        }
        let written = Written {
            persons: (batch.persons.len() / PERSONS.columns) as u64,
            journeys: batch.journey_count,
            skipped: offered - (batch.persons.len() / PERSONS.columns) as u64,
        };
        self.insert_batch(tx, batch).await?;
        Ok(written)
    }

    /// Inserts journeys of registered persons (`person id`, `PINFL`, journey), leaving out
    /// any whose natural key is recorded already, and sets the status of every person who
    /// gained one, as `store::refresh_status` would. Returns how many were added and the
    /// persons who gained one.
    pub async fn insert_journeys(
        &mut self,
        tx: &mut Tx,
        journeys: &[(String, String, Journey)],
        now: i64,
    ) -> Result<(u64, Vec<String>), sqlx::Error> {
        let rows_per_statement = (self.max_params / NEW_JOURNEYS.columns).max(1);
        let mut touched = vec![];
        let mut added_journeys: HashSet<String> = HashSet::new();
        for chunk in journeys.chunks(rows_per_statement) {
            let sql = self.statement(&NEW_JOURNEYS, chunk.len());
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (person_id, pinfl, j) in chunk {
                query = query
                    .bind(j.id.clone())
                    .bind(person_id.clone())
                    .bind(j.kind.clone())
                    .bind(j.event_date.clone())
                    .bind(j.country_iso2.clone())
                    .bind(j.channel.clone())
                    .bind(j.employer.clone())
                    .bind(j.recruiter.clone())
                    .bind(j.sector_isco.clone())
                    .bind(j.source.clone())
                    .bind(journey_key(pinfl, j))
                    .bind(now);
            }
            for row in query.fetch_all(&mut **tx).await? {
                touched.push(row.try_get::<String, _>("person_id")?);
                added_journeys.insert(row.try_get::<String, _>("id")?);
            }
        }
        let added = touched.len() as u64;
        touched.sort_unstable();
        touched.dedup();
        self.count_journeys(tx, journeys, &added_journeys, &touched)
            .await?;
        self.count_prepared(tx, &touched).await?;
        for chunk in touched.chunks(self.max_params.saturating_sub(1).max(1)) {
            // The latest event decides; of equal dates the later-created row (ids grow).
            let head = "UPDATE persons SET updated_at = ?, status = COALESCE((SELECT CASE j.kind \
                 WHEN 'departure' THEN 'abroad' WHEN 'return' THEN 'returned' ELSE 'at_home' END \
                 FROM journeys j WHERE j.person_id = persons.id \
                 ORDER BY j.event_date DESC, j.created_at DESC, j.id DESC LIMIT 1), 'at_home') WHERE id IN ";
            let mut sql = String::new();
            match self.style {
                Placeholders::Numbered => {
                    sql.push_str(&head.replacen('?', "$1", 1));
                    push_placeholders(&mut sql, self.style, 2, chunk.len());
                }
                Placeholders::Anonymous => {
                    sql.push_str(head);
                    push_placeholders(&mut sql, self.style, 1, chunk.len());
                }
            }
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
            for id in chunk {
                query = query.bind(id.clone());
            }
            query.execute(&mut **tx).await?;
        }
        Ok((added, touched))
    }

    /// Adds the journeys just inserted (`added`, by id) to the analytics cubes, under their
    /// persons' region, district and gender.
    async fn count_journeys(
        &self,
        tx: &mut Tx,
        journeys: &[(String, String, Journey)],
        added: &HashSet<String>,
        persons: &[String],
    ) -> Result<(), sqlx::Error> {
        let mut places: HashMap<String, (String, Option<String>, String)> = HashMap::new();
        for chunk in persons.chunks(self.max_params.max(1)) {
            let mut sql = String::from(
                "SELECT id, region_iso, district_soato, gender FROM persons WHERE id IN ",
            );
            push_placeholders(&mut sql, self.style, 1, chunk.len());
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(id.clone());
            }
            for row in query.fetch_all(&mut **tx).await? {
                places.insert(
                    row.try_get("id")?,
                    (
                        row.try_get("region_iso")?,
                        row.try_get("district_soato")?,
                        row.try_get("gender")?,
                    ),
                );
            }
        }
        let mut tally = Tally::default();
        for (person_id, _, j) in journeys.iter().filter(|(_, _, j)| added.contains(&j.id)) {
            if let Some((region, district, gender)) = places.get(person_id) {
                tally.add(&counted_as(region, district, gender, j));
            }
        }
        tally.flush(tx, self.deps.db.backend, self.max_params).await
    }

    /// Refreshes the PDO coverage of the departures of those `persons` who hold a
    /// certificate (few do: the rest cannot be covered).
    async fn count_prepared(&self, tx: &mut Tx, persons: &[String]) -> Result<(), sqlx::Error> {
        for chunk in persons.chunks(self.max_params.max(1)) {
            let mut sql =
                String::from("SELECT DISTINCT person_id FROM pdo_certificates WHERE person_id IN ");
            push_placeholders(&mut sql, self.style, 1, chunk.len());
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(id.clone());
            }
            let holders: Vec<String> = query
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.try_get("person_id"))
                .collect::<Result<_, _>>()?;
            for person in holders {
                crate::analytics::facts::refresh_departures_of(tx, &person).await?;
            }
        }
        Ok(())
    }

    /// SQLite's default page cache (2 MB) is far smaller than the indexes a large load
    /// writes to at random (PINFLs, journey keys): pages would be written out and read
    /// back within one transaction. A larger cache for the batch saved about an eighth of
    /// the load time; the old size is returned so it can be restored before commit, and the
    /// pooled connection is left as it was.
    async fn widen_cache(&self, tx: &mut Tx) -> Result<Option<i64>, sqlx::Error> {
        if self.deps.db.backend != Backend::Sqlite {
            return Ok(None);
        }
        let row = sqlx::query("PRAGMA cache_size")
            .fetch_one(&mut **tx)
            .await?;
        let before: i64 = row.try_get(0)?;
        set_cache(tx, -256 * 1024).await?;
        Ok(Some(before))
    }

    async fn insert_batch(&mut self, tx: &mut Tx, batch: Batch) -> Result<(), sqlx::Error> {
        self.insert(tx, &PERSONS, batch.persons).await?;
        self.insert(tx, &PHONES, batch.phones).await?;
        let mut postings = batch.postings;
        // Key order fills each posting list's pages one after another.
        postings.sort_unstable();
        let postings = postings
            .into_iter()
            .flat_map(|(key, person, names, region, year)| {
                [
                    Cell::Text(key),
                    Cell::Text(person),
                    Cell::Text(names),
                    Cell::Text(region),
                    Cell::Int(year),
                ]
            })
            .collect();
        self.insert(tx, &POSTINGS, postings).await?;
        let mut dictionary: Vec<(String, i64)> = batch.dictionary.into_iter().collect();
        dictionary.sort_unstable();
        let dictionary = dictionary
            .into_iter()
            .flat_map(|(key, persons)| {
                let (skel, bucket) = (skeleton(&key), bucket(&key));
                [key.into(), skel.into(), bucket.into(), persons.into()]
            })
            .collect();
        self.insert(tx, &DICTIONARY, dictionary).await?;
        self.insert(tx, &JOURNEYS, batch.journeys).await?;
        let mut tally = batch.tally;
        tally.flush(tx, self.deps.db.backend, self.max_params).await
    }

    /// Drops records whose PINFL is registered already or earlier in the same batch.
    async fn without_known_pinfls(
        &self,
        tx: &mut Tx,
        records: Vec<NewRecord>,
    ) -> Result<Vec<NewRecord>, sqlx::Error> {
        let mut known = HashSet::new();
        for chunk in records.chunks(self.max_params) {
            let sql = values_sql(
                self.style,
                "SELECT pinfl FROM persons WHERE pinfl IN ",
                chunk.len(),
                1,
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                query = query.bind(r.row.pinfl.clone());
            }
            for row in query.fetch_all(&mut **tx).await? {
                known.insert(row.try_get::<String, _>("pinfl")?);
            }
        }
        Ok(records
            .into_iter()
            .filter(|r| known.insert(r.row.pinfl.clone()))
            .collect())
    }

    /// Adds one person's rows, as `service::create` and `add_journey` would write them.
    fn add(&mut self, batch: &mut Batch, record: NewRecord, now: i64) {
        let NewRecord {
            row: p,
            phones,
            passport,
            journeys,
        } = record;
        let place = Place {
            table: "persons",
            column: "passport",
            row_id: &p.id,
        };
        let sealed = passport.as_ref().map(|n| self.deps.keys.seal(&place, n));
        let index = passport
            .as_ref()
            .map(|n| self.deps.keys.blind_index("passport", n));
        let status = status_after(&journeys);
        for phone in phones {
            batch.phones.extend([p.id.clone().into(), phone.into()]);
        }
        let keys = self.person_keys(&p);
        let names = names_of(&keys);
        for key in keys {
            *batch.dictionary.entry(key.clone()).or_insert(0) += 1;
            batch.postings.push((
                key,
                p.id.clone(),
                names.clone(),
                p.region_iso.clone(),
                p.birth_year,
            ));
        }
        for j in &journeys {
            batch.journeys.extend(journey_cells(&p, j, now));
            batch
                .tally
                .add(&counted_as(&p.region_iso, &p.district_soato, &p.gender, j));
            batch.journey_count += 1;
        }
        batch
            .persons
            .extend(person_cells(p, sealed, index, status, now));
    }

    /// The person's distinct search keys over the three Latin names, like `store::index_names`.
    fn person_keys(&mut self, p: &PersonRow) -> Vec<String> {
        let mut keys = vec![];
        for name in [&p.given_name_latn, &p.family_name_latn, &p.patronymic_latn] {
            let of_name = self
                .keys_of
                .entry(name.clone())
                .or_insert_with(|| name_keys(name));
            keys.extend(of_name.iter().cloned());
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Multi-row INSERTs of `cells`, as many rows per statement as `max_params` allows.
    async fn insert(
        &mut self,
        tx: &mut Tx,
        table: &Table,
        cells: Vec<Cell>,
    ) -> Result<(), sqlx::Error> {
        let rows_per_statement = (self.max_params / table.columns).max(1);
        let mut cells = cells.into_iter().peekable();
        while cells.peek().is_some() {
            let chunk: Vec<Cell> = cells
                .by_ref()
                .take(rows_per_statement * table.columns)
                .collect();
            let rows = chunk.len() / table.columns;
            let sql = self.statement(table, rows);
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for cell in chunk {
                query = match cell {
                    Cell::Text(s) => query.bind(s),
                    Cell::Int(i) => query.bind(i),
                    Cell::Null => query.bind(Option::<String>::None),
                };
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

impl Writer<'_> {
    /// The multi-row INSERT of `rows` rows into `table`, made once per size.
    fn statement(&mut self, table: &Table, rows: usize) -> String {
        let style = self.style;
        self.statements
            .entry((table.head, table.tail, rows))
            .or_insert_with(|| {
                let mut sql = values_sql(style, table.head, table.columns, rows);
                sql.push_str(table.tail);
                sql
            })
            .clone()
    }
}

/// `PRAGMA cache_size`: pages if positive, KiB if negative.
async fn set_cache(tx: &mut Tx, size: i64) -> Result<(), sqlx::Error> {
    let sql = format!("PRAGMA cache_size = {size}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What `store::refresh_status` would say after these events: the latest one decides.
pub fn status_after(journeys: &[Journey]) -> &'static str {
    // The last of equal dates wins, as the later-created row would.
    let latest = journeys
        .iter()
        .enumerate()
        .max_by(|(i, a), (k, b)| a.event_date.cmp(&b.event_date).then(i.cmp(k)))
        .map(|(_, j)| j.kind.as_str());
    match latest {
        Some("departure") => "abroad",
        Some("return") => "returned",
        _ => "at_home",
    }
}

fn person_cells(
    p: PersonRow,
    sealed: Option<String>,
    index: Option<String>,
    status: &str,
    now: i64,
) -> [Cell; 24] {
    [
        p.id.into(),
        p.pinfl.into(),
        p.given_name.into(),
        p.family_name.into(),
        p.patronymic.into(),
        p.given_name_latn.into(),
        p.family_name_latn.into(),
        p.patronymic_latn.into(),
        p.given_name_cyrl.into(),
        p.family_name_cyrl.into(),
        p.patronymic_cyrl.into(),
        p.birth_date.into(),
        p.birth_year.into(),
        p.gender.into(),
        p.region_iso.into(),
        p.district_soato.into(),
        p.mahalla.into(),
        p.email.into(),
        sealed.into(),
        index.into(),
        status.to_string().into(),
        p.user_id.into(),
        now.into(),
        now.into(),
    ]
}

/// The analytics cell of journey `j` of a person living in `region`/`district`.
fn counted_as(region: &str, district: &Option<String>, gender: &str, j: &Journey) -> JourneyCell {
    JourneyCell {
        month: j.event_date.get(..7).unwrap_or_default().to_string(),
        kind: j.kind.clone(),
        region: region.to_string(),
        district: district.clone().unwrap_or_default(),
        destination: j.country_iso2.clone(),
        channel: j.channel.clone(),
        sector: j.sector_isco.clone(),
        gender: gender.to_string(),
    }
}

fn journey_cells(p: &PersonRow, j: &Journey, now: i64) -> [Cell; 12] {
    [
        j.id.clone().into(),
        p.id.clone().into(),
        j.kind.clone().into(),
        j.event_date.clone().into(),
        j.country_iso2.clone().into(),
        j.channel.clone().into(),
        j.employer.clone().into(),
        j.recruiter.clone().into(),
        j.sector_isco.clone().into(),
        j.source.clone().into(),
        journey_key(&p.pinfl, j).into(),
        now.into(),
    ]
}

/// `head` followed by `rows` parenthesised groups of `columns` placeholders.
fn values_sql(style: Placeholders, head: &str, columns: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * columns * 8);
    sql.push_str(head);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        push_placeholders(&mut sql, style, r * columns + 1, columns);
    }
    sql
}

/// Appends `(p1, …, pn)`, numbered from `first`.
fn push_placeholders(sql: &mut String, style: Placeholders, first: usize, n: usize) {
    sql.push('(');
    for i in first..first + n {
        if i > first {
            sql.push_str(", ");
        }
        match style {
            Placeholders::Numbered => {
                let _ = write!(sql, "${i}");
            }
            Placeholders::Anonymous => sql.push('?'),
        }
    }
    sql.push(')');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journey(kind: &str, date: &str) -> Journey {
        Journey {
            id: String::new(),
            kind: kind.into(),
            event_date: date.into(),
            country_iso2: "RU".into(),
            channel: "unknown".into(),
            employer: String::new(),
            recruiter: String::new(),
            sector_isco: String::new(),
            source: "agency".into(),
        }
    }

    #[test]
    fn status_follows_the_latest_event() {
        assert_eq!(status_after(&[]), "at_home");
        let out = journey("departure", "2020-01-01");
        let back = journey("return", "2021-06-01");
        assert_eq!(status_after(std::slice::from_ref(&out)), "abroad");
        assert_eq!(status_after(&[out.clone(), back.clone()]), "returned");
        assert_eq!(status_after(&[back, out]), "returned", "by date, not order");
    }

    #[test]
    fn statements_number_every_placeholder() {
        let numbered = values_sql(Placeholders::Numbered, "V ", 2, 2);
        assert_eq!(numbered, "V ($1, $2), ($3, $4)");
        let anonymous = values_sql(Placeholders::Anonymous, "IN ", 3, 1);
        assert_eq!(anonymous, "IN (?, ?, ?)");
    }
}
