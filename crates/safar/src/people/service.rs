//! People use cases: register, read (audited, with a purpose), search, record journeys,
//! export one's own data. Every check against the actor happens here.

use serde_json::json;
use time::OffsetDateTime;

use super::details::{self, Details};
use super::model::{Gender, Name, Pinfl, name_keys, parse_birth_date, parse_date};
use super::store::{self, Candidates, Journey, PersonRow};
use crate::accounts::model::{parse_email, parse_phone};
use crate::platform::access::{AccessError, Actor, Permission, Role, Scope, ScopeKind};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::crypto::{DataKeys, Place};
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::{new_id, sha256_hex};

/// What a person depends on: the database, the time and the data keys.
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub keys: &'a DataKeys,
}

/// Why a staff member opens a record; recorded with every read.
pub const PURPOSES: &[&str] = &[
    "case",
    "identity_check",
    "pdo",
    "reintegration",
    "correction",
    "integration",
];

/// Raw input for a new person (from a form or JSON).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewPerson {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub patronymic: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub birth_date: String,
    /// `male` or `female`
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub pinfl: String,
    /// ISO 3166-2 region code, e.g. `UZ-SA`.
    #[serde(default)]
    pub region: String,
    /// SOATO code of a district of that region.
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub mahalla: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Phone numbers in any usual form; stored in E.164.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Uzbek passport number, e.g. `AA1234567`; stored encrypted.
    #[serde(default)]
    pub passport_no: Option<String>,
    /// Education, skills, languages and household contacts (all optional).
    #[serde(flatten)]
    pub details: Details,
}

fn today(clock: &Clock) -> time::Date {
    OffsetDateTime::from_unix_timestamp(clock.now_ms() / 1000)
        .map(|t| t.date())
        .unwrap_or(time::Date::MIN)
}

/// Passport numbers are two letters and seven digits; spaces and case do not matter.
pub fn normalise_passport(input: &str) -> Option<String> {
    let p: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let ok = p.len() == 9
        && p[..2].chars().all(|c| c.is_ascii_uppercase())
        && p[2..].chars().all(|c| c.is_ascii_digit());
    ok.then_some(p)
}

struct Valid {
    row: PersonRow,
    phones: Vec<String>,
    passport: Option<String>,
    details: Details,
}

async fn validate(deps: Deps<'_>, input: &NewPerson) -> ServiceResult<Valid> {
    let mut errors = vec![];
    let mut push =
        |field: &'static str, message: &'static str| errors.push(FieldError { field, message });
    let given = Name::parse("given_name", &input.given_name, true)
        .map_err(|e| push(e.field, e.message))
        .ok()
        .flatten();
    let family = Name::parse("family_name", &input.family_name, true)
        .map_err(|e| push(e.field, e.message))
        .ok()
        .flatten();
    let patronymic = Name::parse(
        "patronymic",
        input.patronymic.as_deref().unwrap_or(""),
        false,
    )
    .map_err(|e| push(e.field, e.message))
    .ok()
    .flatten();
    let birth = parse_birth_date(&input.birth_date, today(deps.clock))
        .map_err(|m| push("birth_date", m))
        .ok();
    let gender = Gender::parse(&input.gender);
    if gender.is_none() {
        push("gender", "err-gender");
    }
    let pinfl = Pinfl::parse(&input.pinfl)
        .map_err(|e| push("pinfl", e.message()))
        .ok();
    if let (Some(p), Some(b), Some(g)) = (&pinfl, birth, gender)
        && let Err(e) = p.check_against(b, g)
    {
        push("pinfl", e.message());
    }
    let region = input.region.trim().to_uppercase();
    if !store::region_exists(deps.db, &region).await? {
        push("region", "err-region");
    }
    let district = input
        .district
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    if let Some(d) = &district
        && !store::district_in_region(deps.db, d, &region).await?
    {
        push("district", "err-district");
    }
    let mut phones = vec![];
    for phone in input.phones.iter().filter(|p| !p.trim().is_empty()) {
        match parse_phone(phone) {
            Ok(p) if !phones.contains(&p) => phones.push(p),
            Ok(_) => {}
            Err(_) => push("phones", "err-phone"),
        }
    }
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => parse_email(e).map_err(|m| push("email", m)).ok(),
        None => None,
    };
    let passport = match input
        .passport_no
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => normalise_passport(p).or_else(|| {
            push("passport_no", "err-passport");
            None
        }),
        None => None,
    };
    let mahalla = input.mahalla.as_deref().unwrap_or("").trim().to_string();
    if mahalla.chars().count() > 120 || mahalla.chars().any(char::is_control) {
        push("mahalla", "err-invalid-text");
    }
    let details = match details::validate(deps.db, &input.details).await {
        Ok(d) => Some(d),
        Err(ServiceError::Invalid(more)) => {
            errors.extend(more);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(given), Some(family), Some(birth), Some(gender), Some(pinfl), Some(details), true) = (
        given,
        family,
        birth,
        gender,
        pinfl,
        details,
        errors.is_empty(),
    ) else {
        return Err(ServiceError::Invalid(errors));
    };
    let empty = Name {
        entered: String::new(),
        other_script: String::new(),
    };
    let patronymic = patronymic.unwrap_or(empty);
    let (gl, gc) = given.latin_cyrillic();
    let (fl, fc) = family.latin_cyrillic();
    let (pl, pc) = patronymic.latin_cyrillic();
    let row = PersonRow {
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
        district_soato: district,
        mahalla,
        email,
        passport_sealed: None,
        status: "at_home".into(),
        user_id: None,
        created_at: deps.clock.now_ms(),
    };
    Ok(Valid {
        row,
        phones,
        passport,
        details,
    })
}

/// The scopes a person's data lies in.
pub fn scopes_of(region: &str, district: Option<&str>) -> Vec<Scope> {
    let mut scopes = vec![Scope {
        kind: ScopeKind::Region,
        value: region.to_string(),
    }];
    if let Some(d) = district {
        scopes.push(Scope {
            kind: ScopeKind::District,
            value: d.to_string(),
        });
    }
    scopes
}

/// Who is registering a person, which decides the permission checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Registrar {
    /// Staff register anyone in their scope (`EditPersons`).
    Staff,
    /// A citizen registers themself, once; the record is linked to their account.
    Citizen,
    /// A bulk import (`ImportJourneys`, national): the check is on the import, not per row.
    Import,
}

/// Registers a person: as staff when the actor may edit persons, else as the citizen
/// themself (only a citizen account may do that).
pub async fn create(deps: Deps<'_>, actor: &Actor, input: &NewPerson) -> ServiceResult<String> {
    let registrar = if actor.holds(Permission::EditPersons) {
        Registrar::Staff
    } else {
        Registrar::Citizen
    };
    create_as(deps, actor, input, registrar).await
}

pub async fn create_as(
    deps: Deps<'_>,
    actor: &Actor,
    input: &NewPerson,
    registrar: Registrar,
) -> ServiceResult<String> {
    let mut valid = validate(deps, input).await?;
    let acting = match registrar {
        Registrar::Staff => actor.require_at(
            Permission::EditPersons,
            &scopes_of(&valid.row.region_iso, valid.row.district_soato.as_deref()),
        )?,
        Registrar::Import => actor.require(Permission::ImportJourneys)?,
        Registrar::Citizen => {
            actor.require(Permission::OwnAccount)?;
            // A staff account without EditPersons (an administrator, an analyst) must not
            // end up "registering itself" as the person it typed in.
            if !actor.has_role(Role::Citizen) {
                return Err(AccessError::Forbidden.into());
            }
            valid.row.user_id = actor.user_id().map(str::to_string);
            Some(Role::Citizen)
        }
    };
    let now = deps.clock.now_ms();
    let id = valid.row.id.clone();
    let passport_index = valid
        .passport
        .as_ref()
        .map(|p| deps.keys.blind_index("passport", p));
    valid.row.passport_sealed = valid.passport.as_ref().map(|p| {
        deps.keys.seal(
            &Place {
                table: "persons",
                column: "passport",
                row_id: &id,
            },
            p,
        )
    });
    let mut tx = deps.db.begin().await?;
    if store::pinfl_taken(&mut tx, &valid.row.pinfl).await? {
        return Err(ServiceError::Conflict("err-pinfl-taken"));
    }
    if let Some(user) = &valid.row.user_id
        && store::person_of_user(&mut tx, user).await?.is_some()
    {
        return Err(ServiceError::Conflict("err-person-exists"));
    }
    store::insert_person(&mut tx, &valid.row, passport_index.as_deref(), now).await?;
    for phone in &valid.phones {
        store::insert_phone(&mut tx, &id, phone).await?;
    }
    let r = &valid.row;
    let names = [
        r.given_name_latn.as_str(),
        r.family_name_latn.as_str(),
        r.patronymic_latn.as_str(),
    ];
    store::index_names(&mut tx, r, &names).await?;
    if !valid.details.is_empty() {
        details::replace(&mut tx, deps.keys, &id, &valid.details, now).await?;
    }
    let details = json!({ "region": r.region_iso, "passport": valid.passport.is_some(),
        "details": details::summary(&valid.details) });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("person.create", "person", &id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A person as shown to someone allowed to see them.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PersonRecord {
    pub id: String,
    pub pinfl: String,
    pub given_name: String,
    pub family_name: String,
    pub patronymic: String,
    /// The names in Latin and Cyrillic script.
    pub given_name_latn: String,
    pub family_name_latn: String,
    pub patronymic_latn: String,
    pub given_name_cyrl: String,
    pub family_name_cyrl: String,
    pub patronymic_cyrl: String,
    pub birth_date: String,
    pub gender: String,
    pub region: String,
    pub district: Option<String>,
    pub mahalla: String,
    pub email: Option<String>,
    pub phones: Vec<String>,
    /// Present only for roles allowed to see passports (and the person themself).
    pub passport_no: Option<String>,
    /// `at_home`, `abroad` or `returned`.
    pub status: String,
    #[serde(flatten)]
    pub details: Details,
    pub journeys: Vec<Journey>,
}

/// Whether `row` is the signed-in citizen's own record.
pub fn is_own_record(actor: &Actor, row: &PersonRow) -> bool {
    actor.user_id().is_some() && row.user_id.as_deref() == actor.user_id()
}

/// Opens a record. Staff must be in scope and give a purpose; the read is audited.
pub async fn read(
    deps: Deps<'_>,
    actor: &Actor,
    id: &str,
    purpose: &str,
) -> ServiceResult<PersonRecord> {
    let row = store::find(deps.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let scopes = scopes_of(&row.region_iso, row.district_soato.as_deref());
    let own = is_own_record(actor, &row);
    let acting = if own {
        Some(Role::Citizen)
    } else {
        // Outside one's scope, only through a live break-the-glass access.
        match actor.require_at(Permission::ViewPersons, &scopes) {
            Ok(role) => role,
            Err(refused) => Some(
                super::glass::holder(deps.db, deps.clock, actor, id, Permission::ViewPersons)
                    .await?
                    .ok_or(refused)?,
            ),
        }
    };
    if !own && !PURPOSES.contains(&purpose) {
        return Err(ServiceError::invalid("purpose", "err-purpose"));
    }
    let show_passport = own || actor.require_at(Permission::ViewPassport, &scopes).is_ok();
    let record = record_of(deps, row, show_passport).await?;
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    let details = json!({ "purpose": if own { "own" } else { purpose }, "passport_shown": record.passport_no.is_some() });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("person.read", "person", id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

async fn record_of(
    deps: Deps<'_>,
    row: PersonRow,
    show_passport: bool,
) -> ServiceResult<PersonRecord> {
    let passport_no = match (&row.passport_sealed, show_passport) {
        (Some(sealed), true) => deps.keys.open(
            &Place {
                table: "persons",
                column: "passport",
                row_id: &row.id,
            },
            sealed,
        ),
        _ => None,
    };
    Ok(PersonRecord {
        phones: store::phones(deps.db, &row.id).await?,
        details: details::load(deps.db, deps.keys, &row.id).await?,
        journeys: store::journeys(deps.db, &row.id).await?,
        id: row.id,
        pinfl: row.pinfl,
        given_name: row.given_name,
        family_name: row.family_name,
        patronymic: row.patronymic,
        given_name_latn: row.given_name_latn,
        family_name_latn: row.family_name_latn,
        patronymic_latn: row.patronymic_latn,
        given_name_cyrl: row.given_name_cyrl,
        family_name_cyrl: row.family_name_cyrl,
        patronymic_cyrl: row.patronymic_cyrl,
        birth_date: row.birth_date,
        gender: row.gender,
        region: row.region_iso,
        district: row.district_soato,
        mahalla: row.mahalla,
        email: row.email,
        passport_no,
        status: row.status,
    })
}

/// The citizen's own record as shown on their profile page (not a download: no audit entry).
pub async fn export_view(deps: Deps<'_>, actor: &Actor, id: &str) -> ServiceResult<PersonRecord> {
    let row = store::find(deps.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !is_own_record(actor, &row) {
        return Err(AccessError::Forbidden.into());
    }
    record_of(deps, row, true).await
}

/// Everything the registry holds about the signed-in citizen, for download.
pub async fn export_own(deps: Deps<'_>, actor: &Actor, id: &str) -> ServiceResult<PersonRecord> {
    let row = store::find(deps.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !is_own_record(actor, &row) {
        return Err(if actor.is_signed_in() {
            AccessError::Forbidden
        } else {
            AccessError::Unauthenticated
        }
        .into());
    }
    let record = record_of(deps, row, true).await?;
    let mut tx = deps.db.begin().await?;
    audit::append(
        &mut tx,
        actor,
        Some(Role::Citizen),
        deps.clock.now_ms(),
        Event::new("person.export", "person", id),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// A name in any script or spelling, a PINFL, a phone number or a passport number.
    pub q: Option<String>,
    pub birth_year: Option<i64>,
    /// ISO 3166-2 region code.
    pub region: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PersonHit {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub patronymic: String,
    /// The name in the other script.
    pub full_name_other_script: String,
    pub birth_year: i64,
    pub region: String,
    pub status: String,
    pub score: i64,
}

enum Lookup {
    Identifier {
        pinfl: Option<String>,
        phone: Option<String>,
        passport_index: Option<String>,
    },
    Names(Vec<String>),
}

fn classify(keys: &DataKeys, q: &str) -> Lookup {
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if let Ok(p) = Pinfl::parse(&compact) {
        return Lookup::Identifier {
            pinfl: Some(p.as_str().into()),
            phone: None,
            passport_index: None,
        };
    }
    if let Some(p) = normalise_passport(&compact) {
        return Lookup::Identifier {
            pinfl: None,
            phone: None,
            passport_index: Some(keys.blind_index("passport", &p)),
        };
    }
    if compact.chars().any(|c| c.is_ascii_digit()) {
        let phone = parse_phone(q).ok();
        return Lookup::Identifier {
            pinfl: None,
            phone: phone.or(Some(String::new())),
            passport_index: None,
        };
    }
    Lookup::Names(name_keys(q))
}

/// Finds persons in the actor's scope, best matches first.
pub async fn search(
    deps: Deps<'_>,
    actor: &Actor,
    query: &SearchQuery,
    limit: i64,
) -> ServiceResult<Vec<PersonHit>> {
    if !actor.holds(Permission::ViewPersons) {
        return Err(if actor.is_signed_in() {
            AccessError::Forbidden
        } else {
            AccessError::Unauthenticated
        }
        .into());
    }
    let q = query.q.as_deref().unwrap_or("").trim();
    if q.is_empty() || q.chars().count() > 200 {
        return Ok(vec![]);
    }
    let mut regions = actor.regions_for(Permission::ViewPersons);
    if let Some(wanted) = query
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        regions = Some(match regions {
            None => vec![wanted.to_uppercase()],
            Some(allowed) => allowed
                .into_iter()
                .filter(|r| r.eq_ignore_ascii_case(wanted))
                .collect(),
        });
    }
    let (kind, ranked) = match classify(deps.keys, q) {
        Lookup::Identifier {
            pinfl,
            phone,
            passport_index,
        } => {
            let ids = store::ids_by_identifier(
                deps.db,
                pinfl.as_deref(),
                phone.as_deref(),
                passport_index.as_deref(),
            )
            .await?;
            (
                "identifier",
                ids.into_iter().map(|id| (id, 1000)).collect::<Vec<_>>(),
            )
        }
        Lookup::Names(words) => {
            let mut matches = vec![];
            let last = words.len().saturating_sub(1);
            for (i, word) in words.iter().take(6).enumerate() {
                matches.push(store::dictionary_matches(deps.db, word, i == last).await?);
            }
            let candidates = Candidates {
                words: &matches,
                birth_year: query.birth_year,
                regions: regions.as_deref(),
                limit,
            };
            ("name", store::rank(deps.db, &candidates).await?)
        }
    };
    let ids: Vec<String> = ranked.iter().map(|(id, _)| id.clone()).collect();
    let rows = store::find_many(deps.db, &ids).await?;
    let hits: Vec<PersonHit> = ranked
        .iter()
        .filter_map(|(id, score)| rows.iter().find(|r| &r.id == id).map(|r| (r, *score)))
        .filter(|(r, _)| {
            in_scope(&regions, r) && query.birth_year.is_none_or(|y| y == r.birth_year)
        })
        .map(|(r, score)| hit(r, score))
        .collect();
    let mut tx = deps.db.begin().await?;
    let details = json!({ "kind": kind, "results": hits.len() });
    audit::append(
        &mut tx,
        actor,
        None,
        deps.clock.now_ms(),
        Event::new("person.search", "person", "").with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(hits)
}

fn in_scope(regions: &Option<Vec<String>>, row: &PersonRow) -> bool {
    regions
        .as_ref()
        .is_none_or(|list| list.contains(&row.region_iso))
}

fn hit(r: &PersonRow, score: i64) -> PersonHit {
    let other = if uz_text::is_cyrillic(&r.family_name) {
        format!(
            "{} {} {}",
            r.family_name_latn, r.given_name_latn, r.patronymic_latn
        )
    } else {
        format!(
            "{} {} {}",
            r.family_name_cyrl, r.given_name_cyrl, r.patronymic_cyrl
        )
    };
    PersonHit {
        id: r.id.clone(),
        given_name: r.given_name.clone(),
        family_name: r.family_name.clone(),
        patronymic: r.patronymic.clone(),
        full_name_other_script: other.trim().to_string(),
        birth_year: r.birth_year,
        region: r.region_iso.clone(),
        status: r.status.clone(),
        score,
    }
}

/// Raw input for a departure or return.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewJourney {
    /// `departure` or `return`
    #[serde(default)]
    pub kind: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub date: String,
    /// ISO 3166-1 alpha-2 code of the country, e.g. `RU`.
    #[serde(default)]
    pub country: String,
    /// `official`, `independent` or `unknown`
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub employer: Option<String>,
    #[serde(default)]
    pub recruiter: Option<String>,
    /// ISCO-08 code of the sector.
    #[serde(default)]
    pub sector: Option<String>,
    /// `self_reported`, `agency` or `border_import`
    #[serde(default)]
    pub source: Option<String>,
}

fn one_of(value: Option<&str>, allowed: &[&'static str], default: &'static str) -> Option<String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Some(default.to_string()),
        Some(v) => allowed.iter().find(|a| **a == v).map(|a| a.to_string()),
    }
}

fn free_text(value: Option<&str>, field: &'static str, errors: &mut Vec<FieldError>) -> String {
    let v = value.unwrap_or("").trim().to_string();
    if v.chars().count() > 200 || v.chars().any(char::is_control) {
        errors.push(FieldError {
            field,
            message: "err-invalid-text",
        });
    }
    v
}

/// Checks a journey; `person_id` and the person's identity key make it idempotent.
pub async fn validate_journey(deps: Deps<'_>, input: &NewJourney) -> ServiceResult<Journey> {
    let mut errors = vec![];
    let kind = one_of(Some(&input.kind), &["departure", "return"], "").filter(|k| !k.is_empty());
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind",
            message: "err-journey-kind",
        });
    }
    let date = parse_date(&input.date);
    match date {
        None => errors.push(FieldError {
            field: "date",
            message: "err-date",
        }),
        Some(d) if d > today(deps.clock) || d.year() < 1990 => errors.push(FieldError {
            field: "date",
            message: "err-journey-date",
        }),
        Some(_) => {}
    }
    let country = input.country.trim().to_uppercase();
    if !store::country_exists(deps.db, &country).await? {
        errors.push(FieldError {
            field: "country",
            message: "err-country",
        });
    }
    let channel = one_of(
        input.channel.as_deref(),
        &["official", "independent", "unknown"],
        "unknown",
    );
    if channel.is_none() {
        errors.push(FieldError {
            field: "channel",
            message: "err-channel",
        });
    }
    let source = one_of(
        input.source.as_deref(),
        &["self_reported", "agency", "border_import"],
        "agency",
    );
    if source.is_none() {
        errors.push(FieldError {
            field: "source",
            message: "err-source",
        });
    }
    let sector = input.sector.as_deref().unwrap_or("").trim().to_string();
    if !sector.is_empty() && (sector.len() > 4 || !sector.chars().all(|c| c.is_ascii_digit())) {
        errors.push(FieldError {
            field: "sector",
            message: "err-sector",
        });
    }
    let employer = free_text(input.employer.as_deref(), "employer", &mut errors);
    let recruiter = free_text(input.recruiter.as_deref(), "recruiter", &mut errors);
    let (Some(kind), Some(channel), Some(source), true) =
        (kind, channel, source, errors.is_empty())
    else {
        return Err(ServiceError::Invalid(errors));
    };
    Ok(Journey {
        id: new_id(),
        kind,
        event_date: input.date.trim().to_string(),
        country_iso2: country,
        channel,
        employer,
        recruiter,
        sector_isco: sector,
        source,
    })
}

/// The same person leaving (or coming back) on the same day to the same country is one event.
pub fn journey_key(pinfl: &str, j: &Journey) -> String {
    sha256_hex(format!("{pinfl}|{}|{}|{}", j.kind, j.event_date, j.country_iso2).as_bytes())
}

/// Records a departure or return; `Conflict` if that event is already recorded.
pub async fn add_journey(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
    input: &NewJourney,
) -> ServiceResult<String> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = actor.require_at(
        Permission::RecordJourneys,
        &scopes_of(&row.region_iso, row.district_soato.as_deref()),
    )?;
    let journey = validate_journey(deps, input).await?;
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    if !store::insert_journey(
        &mut tx,
        person_id,
        &journey,
        &journey_key(&row.pinfl, &journey),
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict("err-journey-duplicate"));
    }
    store::refresh_status(&mut tx, person_id, now).await?;
    let details = json!({ "kind": journey.kind, "country": journey.country_iso2, "date": journey.event_date });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("journey.create", "person", person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(journey.id)
}

/// The person record linked to a citizen's account, if any.
pub async fn own_person_id(db: &Db, actor: &Actor) -> ServiceResult<Option<String>> {
    let Some(user) = actor.user_id() else {
        return Ok(None);
    };
    Ok(store::person_of_account(db, user).await?)
}
