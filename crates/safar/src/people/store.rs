//! The people module's SQL: persons, phones, the name dictionary, journeys.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::model::{name_keys, skeleton};
use crate::platform::db::{Backend, Db, SqlBuf, Tx};

/// A person row, with the passport still sealed.
#[derive(Clone, Debug)]
pub struct PersonRow {
    pub id: String,
    pub pinfl: String,
    pub given_name: String,
    pub family_name: String,
    pub patronymic: String,
    pub given_name_latn: String,
    pub family_name_latn: String,
    pub patronymic_latn: String,
    pub given_name_cyrl: String,
    pub family_name_cyrl: String,
    pub patronymic_cyrl: String,
    pub birth_date: String,
    pub birth_year: i64,
    pub gender: String,
    pub region_iso: String,
    pub district_soato: Option<String>,
    pub mahalla: String,
    pub email: Option<String>,
    pub passport_sealed: Option<String>,
    pub status: String,
    pub user_id: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, pinfl, given_name, family_name, patronymic, given_name_latn, family_name_latn, \
     patronymic_latn, given_name_cyrl, family_name_cyrl, patronymic_cyrl, birth_date, birth_year, gender, \
     region_iso, district_soato, mahalla, email, passport_sealed, status, user_id, created_at";

fn person_from_row(r: &AnyRow) -> Result<PersonRow, sqlx::Error> {
    Ok(PersonRow {
        id: r.try_get("id")?,
        pinfl: r.try_get("pinfl")?,
        given_name: r.try_get("given_name")?,
        family_name: r.try_get("family_name")?,
        patronymic: r.try_get("patronymic")?,
        given_name_latn: r.try_get("given_name_latn")?,
        family_name_latn: r.try_get("family_name_latn")?,
        patronymic_latn: r.try_get("patronymic_latn")?,
        given_name_cyrl: r.try_get("given_name_cyrl")?,
        family_name_cyrl: r.try_get("family_name_cyrl")?,
        patronymic_cyrl: r.try_get("patronymic_cyrl")?,
        birth_date: r.try_get("birth_date")?,
        birth_year: r.try_get("birth_year")?,
        gender: r.try_get("gender")?,
        region_iso: r.try_get("region_iso")?,
        district_soato: r.try_get("district_soato")?,
        mahalla: r.try_get("mahalla")?,
        email: r.try_get("email")?,
        passport_sealed: r.try_get("passport_sealed")?,
        status: r.try_get("status")?,
        user_id: r.try_get("user_id")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert_person(
    tx: &mut Tx,
    p: &PersonRow,
    passport_index: Option<&str>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO persons (id, pinfl, given_name, family_name, patronymic, given_name_latn, family_name_latn, \
         patronymic_latn, given_name_cyrl, family_name_cyrl, patronymic_cyrl, birth_date, birth_year, gender, \
         region_iso, district_soato, mahalla, email, passport_sealed, passport_index, status, user_id, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
         $20, $21, $22, $23, $23)",
    )
    .bind(&p.id)
    .bind(&p.pinfl)
    .bind(&p.given_name)
    .bind(&p.family_name)
    .bind(&p.patronymic)
    .bind(&p.given_name_latn)
    .bind(&p.family_name_latn)
    .bind(&p.patronymic_latn)
    .bind(&p.given_name_cyrl)
    .bind(&p.family_name_cyrl)
    .bind(&p.patronymic_cyrl)
    .bind(&p.birth_date)
    .bind(p.birth_year)
    .bind(&p.gender)
    .bind(&p.region_iso)
    .bind(p.district_soato.clone())
    .bind(&p.mahalla)
    .bind(p.email.clone())
    .bind(p.passport_sealed.clone())
    .bind(passport_index.map(str::to_string))
    .bind(&p.status)
    .bind(p.user_id.clone())
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_phone(tx: &mut Tx, person_id: &str, phone: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO person_phones (person_id, phone) VALUES ($1, $2) ON CONFLICT (person_id, phone) DO NOTHING")
        .bind(person_id)
        .bind(phone)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds a person's name words to the dictionary and to the posting lists. Each posting
/// carries all of the person's words (`names_of`), which the search reads instead of
/// looking the person up again, and the person's region and birth year, which the search
/// filters on without reading the person's row.
pub async fn index_names(
    tx: &mut Tx,
    person: &PersonRow,
    names: &[&str],
) -> Result<(), sqlx::Error> {
    let mut keys: Vec<String> = names.iter().flat_map(|n| name_keys(n)).collect();
    keys.sort();
    keys.dedup();
    let all = names_of(&keys);
    for key in keys {
        let skel = skeleton(&key);
        sqlx::query(
            "INSERT INTO name_keys (name_key, skeleton, bucket, persons) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (name_key) DO UPDATE SET persons = name_keys.persons + 1",
        )
        .bind(&key)
        .bind(&skel)
        .bind(bucket(&key))
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO person_name_keys (name_key, person_id, names, region_iso, birth_year) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(&key)
        .bind(&person.id)
        .bind(&all)
        .bind(&person.region_iso)
        .bind(person.birth_year)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A person's name words as stored on each posting: `' aziz karimov '`, so that
/// `' karimov '` is found in it only as a whole word.
pub fn names_of(keys: &[String]) -> String {
    format!(" {} ", keys.join(" "))
}

/// Typo candidates are looked for among words sharing the first two letters.
pub fn bucket(key: &str) -> String {
    key.chars().take(2).collect()
}

pub async fn pinfl_taken(tx: &mut Tx, pinfl: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 AS one FROM persons WHERE pinfl = $1")
        .bind(pinfl)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

pub async fn find(db: &Db, id: &str) -> Result<Option<PersonRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM persons WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(person_from_row)
        .transpose()
}

pub async fn find_many(db: &Db, ids: &[String]) -> Result<Vec<PersonRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = SqlBuf::new(&format!("SELECT {COLUMNS} FROM persons WHERE id IN ("));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind_text(id.clone());
    }
    sql.push(")");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(person_from_row)
        .collect()
}

pub async fn phones(db: &Db, person_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT phone FROM person_phones WHERE person_id = $1 ORDER BY phone")
        .bind(person_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| r.try_get("phone")).collect()
}

/// The phones of several persons in one statement: (person id, phone), by person and phone.
pub async fn phones_of_many(db: &Db, ids: &[String]) -> Result<Vec<(String, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = SqlBuf::new("SELECT person_id, phone FROM person_phones WHERE person_id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind_text(id.clone());
    }
    sql.push(") ORDER BY person_id, phone");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("person_id")?, r.try_get("phone")?)))
        .collect()
}

/// Persons with exactly this identifier: PINFL, phone or passport index.
pub async fn ids_by_identifier(
    db: &Db,
    pinfl: Option<&str>,
    phone: Option<&str>,
    passport_index: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    let mut ids = vec![];
    if let Some(p) = pinfl {
        for r in sqlx::query("SELECT id FROM persons WHERE pinfl = $1")
            .bind(p)
            .fetch_all(&db.pool)
            .await?
        {
            ids.push(r.try_get("id")?);
        }
    }
    if let Some(p) = phone {
        for r in sqlx::query("SELECT person_id FROM person_phones WHERE phone = $1")
            .bind(p)
            .fetch_all(&db.pool)
            .await?
        {
            ids.push(r.try_get("person_id")?);
        }
    }
    if let Some(p) = passport_index {
        for r in sqlx::query("SELECT id FROM persons WHERE passport_index = $1")
            .bind(p)
            .fetch_all(&db.pool)
            .await?
        {
            ids.push(r.try_get("id")?);
        }
    }
    Ok(ids)
}

/// The most dictionary words one query word may bring into the ranking (keeps each ranking
/// statement small: at most `MAX_MATCHES` × 3 parameters per word, far below SQLite's limit).
pub const MAX_MATCHES: usize = 60;

/// A dictionary word a query word may stand for: how close it is (`weight`: 100 the same
/// word, 80 the same skeleton, 70 a prefix, 60 or 40 one or two typos) and how many persons
/// carry it (the dictionary's count, which decides where the ranking starts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub key: String,
    pub weight: i64,
    pub persons: i64,
}

/// Dictionary words that could be what was typed: the same word, the same skeleton, a
/// prefix (for the word being typed), or one or two typos away. Close forms are fetched
/// first and never crowded out by typo candidates; the best `MAX_MATCHES` are kept.
pub async fn dictionary_matches(
    db: &Db,
    word: &str,
    prefix: bool,
) -> Result<Vec<Match>, sqlx::Error> {
    let skel = skeleton(word);
    let mut close = SqlBuf::new("SELECT name_key, persons FROM name_keys WHERE name_key = ");
    close
        .bind_text(word)
        .push(" OR skeleton = ")
        .bind_text(skel.clone());
    if prefix && word.chars().count() >= 2 {
        // A range on the primary key, so both databases use the index.
        close
            .push(" OR (name_key >= ")
            .bind_text(word)
            .push(" AND name_key < ")
            .bind_text(format!("{word}\u{10ffff}"))
            .push(")");
    }
    close.push(" ORDER BY persons DESC LIMIT 500");
    let mut typos = SqlBuf::new("SELECT name_key, persons FROM name_keys WHERE bucket = ");
    typos
        .bind_text(bucket(word))
        .push(" ORDER BY persons DESC LIMIT 2000");
    let mut keys: Vec<(String, i64)> = vec![];
    for sql in [close, typos] {
        for row in sql.query().fetch_all(&db.pool).await? {
            keys.push((row.try_get("name_key")?, row.try_get("persons")?));
        }
    }
    keys.sort();
    keys.dedup_by(|a, b| a.0 == b.0);
    let max_typos = if word.chars().count() >= 7 { 2 } else { 1 };
    let mut out: Vec<Match> = keys
        .into_iter()
        .filter_map(|(key, persons)| {
            let weight = if key == word {
                100
            } else if skeleton(&key) == skel && !skel.is_empty() {
                80
            } else if prefix && key.starts_with(word) {
                70
            } else {
                match super::model::edit_distance(&key, word, max_typos) {
                    1 => 60,
                    2 if max_typos == 2 => 40,
                    _ => return None,
                }
            };
            Some(Match {
                key,
                weight,
                persons,
            })
        })
        .collect();
    out.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.key.cmp(&b.key)));
    out.truncate(MAX_MATCHES);
    Ok(out)
}

/// What to rank: for each query word its dictionary matches, and the filters.
pub struct Candidates<'a> {
    pub words: &'a [Vec<Match>],
    pub birth_year: Option<i64>,
    pub regions: Option<&'a [String]>,
    pub limit: i64,
}

/// Up to this many postings under the rarest query words, every person on them is scored
/// in one statement; above it (common names in a large registry) the ranking goes tier by
/// tier and stops as soon as the best `limit` persons are known.
pub const EXHAUSTIVE_POSTINGS: i64 = 8_000;

/// The most tier statements one search may run (each is small; the cap bounds the worst case).
pub const MAX_TIERS: usize = 40;

/// Persons carrying the query's words, best first: a person scores, for each query word, the
/// weight of the best dictionary word they carry for it. Ties keep a fixed order, so a
/// longer `limit` only adds to the end of a shorter one.
///
/// Nothing joins posting lists: every posting carries all of its person's name words, so
/// one posting list, read in index order, tells everything about the persons on it. The
/// search reads the rarest word's list (the dictionary counts say which) and scores the
/// persons on it, adding the next rarest word's list only while someone outside could
/// still rank higher. When even the rarest word is common, it looks for the best possible
/// combination of matches first (the same word for every query word), then the next best,
/// each statement stopping at `limit` persons: a common name needs one short statement.
pub async fn rank(db: &Db, c: &Candidates<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let words: Vec<&[Match]> = c
        .words
        .iter()
        .map(Vec::as_slice)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || c.limit <= 0 {
        return Ok(vec![]);
    }
    let total = |w: &[Match]| w.iter().map(|m| m.persons).sum::<i64>();
    let best = |w: &[Match]| w.iter().map(|m| m.weight).max().unwrap_or(0);
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by_key(|i| (total(words[*i]), *i));
    let mut postings = 0;
    for step in 0..order.len() {
        postings += total(words[order[step]]);
        if postings > EXHAUSTIVE_POSTINGS {
            break;
        }
        let from: Vec<&[Match]> = order[..=step].iter().map(|i| words[*i]).collect();
        let ranked = score_postings(db, c, &words, &from).await?;
        // A person carrying none of the words read so far scores at most this.
        let outside: i64 = order[step + 1..].iter().map(|i| best(words[*i])).sum();
        let full = ranked.len() as i64 >= c.limit;
        if outside == 0 || (full && ranked.last().is_some_and(|(_, s)| *s > outside)) {
            return Ok(ranked);
        }
    }
    rank_by_tiers(db, c, &words).await
}

/// The filters on the postings alias `d`, which carries each person's region and birth
/// year (nothing when there are none).
fn push_filters(sql: &mut SqlBuf, c: &Candidates<'_>) {
    if let Some(year) = c.birth_year {
        sql.push(" AND d.birth_year = ").bind_int(year);
    }
    if let Some(regions) = c.regions {
        sql.push(" AND d.region_iso IN (");
        for (i, r) in regions.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(r.clone());
        }
        if regions.is_empty() {
            sql.push("''");
        }
        sql.push(")");
    }
}

fn push_keys<'m>(sql: &mut SqlBuf, keys: impl IntoIterator<Item = &'m str>) {
    sql.push("(");
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind_text(key);
    }
    sql.push(")");
}

/// `d.names` holds the word `key` (SQLite `instr`, PostgreSQL `strpos`).
fn push_carries(sql: &mut SqlBuf, db: &Db, key: &str) {
    sql.push(match db.backend {
        Backend::Sqlite => "instr(d.names, ",
        Backend::Postgres => "strpos(d.names, ",
    })
    .bind_text(format!(" {key} "))
    .push(") > 0");
}

/// Scores every person on the posting lists of `from`'s words over all query words, in
/// one statement; the best `limit` come back.
async fn score_postings(
    db: &Db,
    c: &Candidates<'_>,
    words: &[&[Match]],
    from: &[&[Match]],
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut sql = SqlBuf::new("SELECT person_id, score FROM (SELECT DISTINCT d.person_id, CAST(");
    for (i, matches) in words.iter().enumerate() {
        if i > 0 {
            sql.push(" + ");
        }
        // Matches come best first, so the first word carried gives the word's weight.
        sql.push("(CASE");
        for m in matches.iter() {
            sql.push(" WHEN ");
            push_carries(&mut sql, db, &m.key);
            sql.push(" THEN ").bind_int(m.weight);
        }
        sql.push(" ELSE 0 END)");
    }
    sql.push(" AS BIGINT) AS score FROM person_name_keys d WHERE d.name_key IN ");
    push_keys(
        &mut sql,
        from.iter().flat_map(|w| w.iter().map(|m| m.key.as_str())),
    );
    push_filters(&mut sql, c);
    sql.push(") s ORDER BY score DESC, person_id LIMIT ")
        .bind_int(c.limit);
    let rows = sql.query().fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("person_id")?, r.try_get("score")?)))
        .collect()
}

/// A combination of match levels, one per query word (0: the word is not matched).
#[derive(Clone, Debug)]
struct Tier {
    levels: Vec<i64>,
    score: i64,
}

/// Every combination of the words' match levels that matches at least one word, best first
/// (ties in a fixed order), at most `MAX_TIERS`.
fn tiers(words: &[&[Match]]) -> Vec<Tier> {
    let levels: Vec<Vec<i64>> = words
        .iter()
        .map(|w| {
            let mut l: Vec<i64> = w.iter().map(|m| m.weight).collect();
            l.sort_unstable_by(|a, b| b.cmp(a));
            l.dedup();
            l.push(0);
            l
        })
        .collect();
    let mut all = vec![Tier {
        levels: vec![],
        score: 0,
    }];
    for options in &levels {
        let mut next = Vec::with_capacity(all.len() * options.len());
        for t in &all {
            for level in options {
                let mut levels = t.levels.clone();
                levels.push(*level);
                next.push(Tier {
                    levels,
                    score: t.score + level,
                });
            }
        }
        // Only the best tiers can ever be reached; keep the list small for six-word queries.
        next.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| b.levels.cmp(&a.levels)));
        next.truncate(4 * MAX_TIERS);
        all = next;
    }
    all.retain(|t| t.score > 0);
    all.truncate(MAX_TIERS);
    all
}

/// The tier-by-tier ranking: for each combination of levels, best first, the persons who
/// carry a word at that level for every matched query word, in person-id order, until
/// `limit` are found. A person is first found in the best combination they satisfy (every
/// better one was read in full before), so the score is exact.
async fn rank_by_tiers(
    db: &Db,
    c: &Candidates<'_>,
    words: &[&[Match]],
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut found: Vec<(String, i64)> = vec![];
    let mut seen = std::collections::HashSet::new();
    for tier in tiers(words) {
        // The words this tier constrains, each with its keys at the tier's level.
        let mut parts: Vec<(i64, Vec<&str>)> = words
            .iter()
            .zip(&tier.levels)
            .filter(|(_, level)| **level > 0)
            .map(|(w, level)| {
                let keys: Vec<&Match> = w.iter().filter(|m| m.weight == *level).collect();
                (
                    keys.iter().map(|m| m.persons).sum::<i64>(),
                    keys.iter().map(|m| m.key.as_str()).collect(),
                )
            })
            .collect();
        // Read the rarest part's postings; the others are checked on the same rows.
        parts.sort_by_key(|(persons, _)| *persons);
        let Some((_, driving)) = parts.first() else {
            continue;
        };
        let want = c.limit + found.len() as i64;
        let mut sql =
            SqlBuf::new("SELECT DISTINCT d.person_id FROM person_name_keys d WHERE d.name_key IN ");
        push_keys(&mut sql, driving.iter().copied());
        for (_, keys) in &parts[1..] {
            sql.push(" AND (");
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                push_carries(&mut sql, db, key);
            }
            sql.push(")");
        }
        push_filters(&mut sql, c);
        sql.push(" ORDER BY d.person_id LIMIT ").bind_int(want);
        for row in sql.query().fetch_all(&db.pool).await? {
            let id: String = row.try_get("person_id")?;
            if seen.insert(id.clone()) {
                found.push((id, tier.score));
                if found.len() as i64 >= c.limit {
                    return Ok(found);
                }
            }
        }
    }
    Ok(found)
}

// --- journeys ----------------------------------------------------------------------------

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Journey {
    pub id: String,
    /// `departure` or `return`.
    pub kind: String,
    pub event_date: String,
    pub country_iso2: String,
    /// `official`, `independent` or `unknown`.
    pub channel: String,
    pub employer: String,
    pub recruiter: String,
    pub sector_isco: String,
    /// `self_reported`, `agency` or `border_import`.
    pub source: String,
}

pub async fn insert_journey(
    tx: &mut Tx,
    person_id: &str,
    j: &Journey,
    natural_key: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO journeys (id, person_id, kind, event_date, country_iso2, channel, employer, recruiter, \
         sector_isco, source, natural_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (natural_key) DO NOTHING",
    )
    .bind(&j.id)
    .bind(person_id)
    .bind(&j.kind)
    .bind(&j.event_date)
    .bind(&j.country_iso2)
    .bind(&j.channel)
    .bind(&j.employer)
    .bind(&j.recruiter)
    .bind(&j.sector_isco)
    .bind(&j.source)
    .bind(natural_key)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    let added = done.rows_affected() == 1;
    if added {
        crate::analytics::rollup::journey_added(tx, &j.id).await?;
        if j.kind == "departure" {
            crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Departure, &j.id)
                .await?;
        }
    }
    Ok(added)
}

pub async fn journeys(db: &Db, person_id: &str) -> Result<Vec<Journey>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, event_date, country_iso2, channel, employer, recruiter, sector_isco, source FROM journeys \
         WHERE person_id = $1 ORDER BY event_date, created_at",
    )
    .bind(person_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Journey {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                event_date: r.try_get("event_date")?,
                country_iso2: r.try_get("country_iso2")?,
                channel: r.try_get("channel")?,
                employer: r.try_get("employer")?,
                recruiter: r.try_get("recruiter")?,
                sector_isco: r.try_get("sector_isco")?,
                source: r.try_get("source")?,
            })
        })
        .collect()
}

/// The status follows the latest event: a departure means abroad, a return means returned.
pub async fn refresh_status(tx: &mut Tx, person_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    let latest = sqlx::query("SELECT kind FROM journeys WHERE person_id = $1 ORDER BY event_date DESC, created_at DESC LIMIT 1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?;
    let status = match latest
        .map(|r| r.try_get::<String, _>("kind"))
        .transpose()?
        .as_deref()
    {
        Some("departure") => "abroad",
        Some("return") => "returned",
        _ => "at_home",
    };
    sqlx::query("UPDATE persons SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(now_ms)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn region_exists(db: &Db, iso: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 AS one FROM regions WHERE iso = $1")
        .bind(iso)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

pub async fn district_in_region(db: &Db, soato: &str, region: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT 1 AS one FROM districts WHERE soato = $1 AND region_iso = $2")
        .bind(soato)
        .bind(region)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Any ISO 3166-1 country except Uzbekistan itself (journeys are abroad).
pub async fn country_exists(db: &Db, iso2: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM countries WHERE iso2 = $1 AND iso2 <> 'UZ'")
            .bind(iso2)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}

/// A person's home region, inside a transaction (other modules file things by it).
pub async fn region_in(tx: &mut Tx, person_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT region_iso FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get("region_iso"))
        .transpose()
}

pub async fn person_of_user(tx: &mut Tx, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM persons WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| r.try_get("id")).transpose()
}

pub async fn person_of_account(db: &Db, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM persons WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// Re-seals every passport under the active key and recomputes its blind index (key
/// rotation); returns how many rows changed.
pub async fn reseal_passports(
    db: &Db,
    keys: &crate::platform::crypto::DataKeys,
) -> anyhow::Result<u64> {
    use crate::platform::crypto::Place;
    let mut changed = 0;
    loop {
        let rows = sqlx::query(
            "SELECT id, passport_sealed FROM persons WHERE passport_sealed IS NOT NULL \
             AND passport_sealed NOT LIKE $1 LIMIT 500",
        )
        .bind(format!("v1:{}:%", keys.active_id()))
        .fetch_all(&db.pool)
        .await?;
        if rows.is_empty() {
            return Ok(changed);
        }
        let mut tx = db.begin().await?;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let sealed: String = row.try_get("passport_sealed")?;
            let place = Place {
                table: "persons",
                column: "passport",
                row_id: &id,
            };
            let plain = keys.open(&place, &sealed).ok_or_else(|| {
                anyhow::anyhow!(
                    "passport of person {id} does not open with any key in the key file"
                )
            })?;
            sqlx::query(
                "UPDATE persons SET passport_sealed = $1, passport_index = $2 WHERE id = $3",
            )
            .bind(keys.seal(&place, &plain))
            .bind(keys.blind_index("passport", &plain))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            changed += 1;
        }
        tx.commit().await?;
    }
}

// --- consent and legal holds ------------------------------------------------------------

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Consent {
    pub id: String,
    /// `registry`, `job_matching`, `partner_sharing` or `research`.
    pub purpose: String,
    /// The named partner, for `partner_sharing`.
    pub partner: String,
    /// The version of the consent text the person was shown.
    pub text_version: String,
    /// `web`, `phone`, `paper` or `walk_in`.
    pub channel: String,
    pub given_at_ms: i64,
    pub withdrawn_at_ms: Option<i64>,
}

pub async fn insert_consent(
    tx: &mut Tx,
    person_id: &str,
    c: &Consent,
    recorded_by: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO consents (id, person_id, purpose, partner, text_version, channel, given_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&c.id)
    .bind(person_id)
    .bind(&c.purpose)
    .bind(&c.partner)
    .bind(&c.text_version)
    .bind(&c.channel)
    .bind(c.given_at_ms)
    .bind(recorded_by.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn consents(db: &Db, person_id: &str) -> Result<Vec<Consent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, purpose, partner, text_version, channel, given_at, withdrawn_at FROM consents \
         WHERE person_id = $1 ORDER BY given_at DESC, id DESC",
    )
    .bind(person_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Consent {
                id: r.try_get("id")?,
                purpose: r.try_get("purpose")?,
                partner: r.try_get("partner")?,
                text_version: r.try_get("text_version")?,
                channel: r.try_get("channel")?,
                given_at_ms: r.try_get("given_at")?,
                withdrawn_at_ms: r.try_get("withdrawn_at")?,
            })
        })
        .collect()
}

pub async fn active_consent(
    db: &Db,
    person_id: &str,
    purpose: &str,
    partner: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT 1 AS one FROM consents WHERE person_id = $1 AND purpose = $2 AND partner = $3 AND withdrawn_at IS NULL",
    )
    .bind(person_id)
    .bind(purpose)
    .bind(partner)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

pub async fn withdraw_consent(
    tx: &mut Tx,
    person_id: &str,
    consent_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE consents SET withdrawn_at = $1 WHERE id = $2 AND person_id = $3 AND withdrawn_at IS NULL")
        .bind(now_ms)
        .bind(consent_id)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LegalHold {
    pub id: String,
    pub reason: String,
    pub placed_at_ms: i64,
}

pub async fn insert_hold(
    tx: &mut Tx,
    id: &str,
    person_id: &str,
    reason: &str,
    placed_by: Option<&str>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO legal_holds (id, person_id, reason, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(person_id)
        .bind(reason)
        .bind(placed_by.map(str::to_string))
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn active_holds(tx: &mut Tx, person_id: &str) -> Result<Vec<LegalHold>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, reason, placed_at FROM legal_holds WHERE person_id = $1 AND released_at IS NULL ORDER BY placed_at")
        .bind(person_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LegalHold {
                id: r.try_get("id")?,
                reason: r.try_get("reason")?,
                placed_at_ms: r.try_get("placed_at")?,
            })
        })
        .collect()
}

pub async fn release_hold(
    tx: &mut Tx,
    person_id: &str,
    hold_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE legal_holds SET released_at = $1 WHERE id = $2 AND person_id = $3 AND released_at IS NULL")
        .bind(now_ms)
        .bind(hold_id)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces everything that identifies a person; keeps what aggregates need (birth year,
/// gender, region, journeys' dates, countries and channels).
pub async fn anonymise(tx: &mut Tx, person_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    let keys = sqlx::query("SELECT name_key FROM person_name_keys WHERE person_id = $1")
        .bind(person_id)
        .fetch_all(&mut **tx)
        .await?;
    for row in &keys {
        let key: String = row.try_get("name_key")?;
        sqlx::query("UPDATE name_keys SET persons = persons - 1 WHERE name_key = $1")
            .bind(&key)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM name_keys WHERE persons <= 0")
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM person_name_keys WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM person_phones WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    // The district is forgotten: the person's journeys move to the cells without one.
    crate::analytics::rollup::move_person(tx, person_id, -1).await?;
    sqlx::query(
        "UPDATE persons SET pinfl = $1, given_name = '', family_name = '', patronymic = '', given_name_latn = '', \
         family_name_latn = '', patronymic_latn = '', given_name_cyrl = '', family_name_cyrl = '', patronymic_cyrl = '', \
         birth_date = CAST(birth_year AS TEXT) || '-01-01', district_soato = NULL, mahalla = '', email = NULL, \
         passport_sealed = NULL, passport_index = NULL, user_id = NULL, anonymised_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(format!("anonymised:{person_id}"))
    .bind(now_ms)
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE journeys SET employer = '', recruiter = '' WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    crate::analytics::rollup::move_person(tx, person_id, 1).await?;
    Ok(())
}

/// Records a break-the-glass access to a person's record.
pub async fn insert_access_grant(
    tx: &mut Tx,
    person_id: &str,
    user_id: &str,
    region: &str,
    reason: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO person_access_grants (id, person_id, user_id, region_iso, reason, granted_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::platform::ids::new_id())
    .bind(person_id)
    .bind(user_id)
    .bind(region)
    .bind(reason)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether the user holds a live break-the-glass access to the person's record.
pub async fn has_access_grant(
    db: &Db,
    person_id: &str,
    user_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM person_access_grants WHERE user_id = $1 AND person_id = $2 AND expires_at > $3 LIMIT 1",
    )
    .bind(user_id)
    .bind(person_id)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

/// A break-the-glass access to a person's record, for the supervisors' list.
pub struct AccessGrant {
    pub person_id: String,
    pub user: String,
    pub region: String,
    pub reason: String,
    pub granted_at: i64,
    pub expires_at: i64,
}

/// Accesses since `since`, newest first, to persons of `regions` (`None`: all).
pub async fn access_grants_since(
    db: &Db,
    since: i64,
    regions: Option<&[String]>,
) -> Result<Vec<AccessGrant>, sqlx::Error> {
    let mut sql = SqlBuf::new(
        "SELECT g.person_id, u.display_name, g.region_iso, g.reason, g.granted_at, g.expires_at \
         FROM person_access_grants g JOIN users u ON u.id = g.user_id WHERE g.granted_at >= ",
    );
    sql.bind_int(since);
    if let Some(regions) = regions {
        if regions.is_empty() {
            return Ok(vec![]);
        }
        sql.push(" AND ").in_list("g.region_iso", regions);
    }
    sql.push(" ORDER BY g.granted_at DESC LIMIT 500");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AccessGrant {
                person_id: r.try_get("person_id")?,
                user: r.try_get("display_name")?,
                region: r.try_get("region_iso")?,
                reason: r.try_get("reason")?,
                granted_at: r.try_get("granted_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect()
}
