//! What the agency matches jobs, courses and services on: education level, skills (ISCO-08),
//! languages with their CEFR level, and household contacts. Contacts name other people (a
//! spouse, a parent) and give their phones, so each is sealed like a passport number.

use std::collections::HashSet;

use serde_json::json;
use sqlx::Row;

use super::service::{Deps, is_own_record, scopes_of};
use super::store;
use crate::accounts::model::parse_phone;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::crypto::{DataKeys, Place};
use crate::platform::db::{Db, Tx};
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;
use crate::reference::store::{CodedTable, coded_list};

/// Levels of completed education, from none to a doctorate (ISCED 2011 levels 0–8 as the
/// Uzbek system groups them: 11-year school, college or technikum, bachelor, master).
pub const EDUCATION_LEVELS: &[&str] = &[
    "none",
    "primary",
    "general_secondary",
    "vocational",
    "bachelor",
    "master",
    "doctorate",
];

/// CEFR levels, plus `native` for a mother tongue.
pub const LANGUAGE_LEVELS: &[&str] = &["A1", "A2", "B1", "B2", "C1", "C2", "native"];

/// How a household contact is related to the person.
pub const RELATIONS: &[&str] = &["spouse", "parent", "child", "sibling", "relative", "other"];

pub const MAX_SKILLS: usize = 10;
pub const MAX_LANGUAGES: usize = 10;
pub const MAX_CONTACTS: usize = 5;

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct LanguageSkill {
    /// ISO 639-1 code from the reference list, e.g. `ru`.
    #[serde(default)]
    pub language: String,
    /// `A1` … `C2`, or `native`.
    #[serde(default)]
    pub level: String,
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct HouseholdContact {
    #[serde(default)]
    pub name: String,
    /// `spouse`, `parent`, `child`, `sibling`, `relative` or `other`.
    #[serde(default)]
    pub relation: String,
    /// Any usual form; stored in E.164.
    #[serde(default)]
    pub phone: String,
}

/// Details as given (from a form or JSON); also what a record shows once validated.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct Details {
    /// One of `none`, `primary`, `general_secondary`, `vocational`, `bachelor`, `master`,
    /// `doctorate`; empty when not recorded.
    #[serde(default)]
    pub education: String,
    /// ISCO-08 unit-group codes from the reference list of sectors, e.g. `7112`.
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    #[serde(default)]
    pub household: Vec<HouseholdContact>,
}

impl Details {
    pub fn is_empty(&self) -> bool {
        self.education.is_empty()
            && self.skills.is_empty()
            && self.languages.is_empty()
            && self.household.is_empty()
    }
}

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

/// Checks and normalises details; blank rows (an unused form line) are dropped.
pub async fn validate(db: &Db, input: &Details) -> ServiceResult<Details> {
    let mut errors = vec![];
    let education = input.education.trim().to_string();
    if !education.is_empty() && !EDUCATION_LEVELS.contains(&education.as_str()) {
        errors.push(err("education", "err-education"));
    }
    let skills = validate_skills(db, &input.skills, &mut errors).await?;
    let languages = validate_languages(db, &input.languages, &mut errors).await?;
    let household = validate_contacts(&input.household, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(Details {
        education,
        skills,
        languages,
        household,
    })
}

async fn known_codes(db: &Db, table: CodedTable) -> ServiceResult<HashSet<String>> {
    Ok(coded_list(db, table)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect())
}

async fn validate_skills(
    db: &Db,
    input: &[String],
    errors: &mut Vec<FieldError>,
) -> ServiceResult<Vec<String>> {
    let known = known_codes(db, CodedTable::Sectors).await?;
    let mut skills: Vec<String> = vec![];
    for code in input.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !known.contains(code) {
            errors.push(err("skills", "err-skill"));
        } else if !skills.iter().any(|s| s == code) {
            skills.push(code.to_string());
        }
    }
    if skills.len() > MAX_SKILLS {
        errors.push(err("skills", "err-too-many"));
    }
    Ok(skills)
}

async fn validate_languages(
    db: &Db,
    input: &[LanguageSkill],
    errors: &mut Vec<FieldError>,
) -> ServiceResult<Vec<LanguageSkill>> {
    let known = known_codes(db, CodedTable::Languages).await?;
    let mut languages: Vec<LanguageSkill> = vec![];
    for l in input {
        let language = l.language.trim().to_lowercase();
        let level = l.level.trim().to_string();
        if language.is_empty() && level.is_empty() {
            continue;
        }
        if !known.contains(&language) {
            errors.push(err("languages", "err-language"));
        } else if !LANGUAGE_LEVELS.contains(&level.as_str()) {
            errors.push(err("languages", "err-language-level"));
        } else if languages.iter().any(|x| x.language == language) {
            errors.push(err("languages", "err-language-twice"));
        } else {
            languages.push(LanguageSkill { language, level });
        }
    }
    if languages.len() > MAX_LANGUAGES {
        errors.push(err("languages", "err-too-many"));
    }
    Ok(languages)
}

fn validate_contacts(
    input: &[HouseholdContact],
    errors: &mut Vec<FieldError>,
) -> Vec<HouseholdContact> {
    let mut contacts = vec![];
    for c in input {
        let name = c.name.trim().to_string();
        let relation = c.relation.trim().to_string();
        if name.is_empty() && c.phone.trim().is_empty() {
            continue;
        }
        if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
            errors.push(err("household", "err-contact-name"));
            continue;
        }
        if !RELATIONS.contains(&relation.as_str()) {
            errors.push(err("household", "err-relation"));
            continue;
        }
        match parse_phone(&c.phone) {
            Ok(phone) => contacts.push(HouseholdContact {
                name,
                relation,
                phone,
            }),
            Err(_) => errors.push(err("household", "err-phone")),
        }
    }
    if contacts.len() > MAX_CONTACTS {
        errors.push(err("household", "err-too-many"));
    }
    contacts
}

/// Replaces a person's details with `input`. Staff need `EditPersons` where the person lives;
/// a citizen may change their own. Audited without the values (they are personal data).
pub async fn update(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
    input: &Details,
) -> ServiceResult<Details> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = if is_own_record(actor, &row) {
        Some(Role::Citizen)
    } else {
        actor.require_at(
            Permission::EditPersons,
            &scopes_of(&row.region_iso, row.district_soato.as_deref()),
        )?
    };
    let details = validate(deps.db, input).await?;
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    replace(&mut tx, deps.keys, person_id, &details, now).await?;
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("person.details", "person", person_id).with(summary(&details)),
    )
    .await?;
    tx.commit().await?;
    Ok(details)
}

/// What the audit log keeps of a change of details: which parts are filled, not their values.
pub fn summary(d: &Details) -> serde_json::Value {
    json!({
        "education": !d.education.is_empty(),
        "skills": d.skills.len(),
        "languages": d.languages.len(),
        "household": d.household.len(),
    })
}

fn contact_place(id: &str) -> Place<'_> {
    Place {
        table: "household_contacts",
        column: "contact",
        row_id: id,
    }
}

/// Writes validated details in the caller's transaction, replacing what was there.
pub async fn replace(
    tx: &mut Tx,
    keys: &DataKeys,
    person_id: &str,
    d: &Details,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE persons SET education = $1, updated_at = $2 WHERE id = $3")
        .bind(&d.education)
        .bind(now_ms)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    for table in ["person_skills", "person_languages", "household_contacts"] {
        let sql = format!("DELETE FROM {table} WHERE person_id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(person_id)
            .execute(&mut **tx)
            .await?;
    }
    for code in &d.skills {
        sqlx::query("INSERT INTO person_skills (person_id, isco_code) VALUES ($1, $2)")
            .bind(person_id)
            .bind(code)
            .execute(&mut **tx)
            .await?;
    }
    for l in &d.languages {
        sqlx::query(
            "INSERT INTO person_languages (person_id, language, level) VALUES ($1, $2, $3)",
        )
        .bind(person_id)
        .bind(&l.language)
        .bind(&l.level)
        .execute(&mut **tx)
        .await?;
    }
    for (position, c) in d.household.iter().enumerate() {
        let id = new_id();
        let plain = serde_json::to_string(c).unwrap_or_default();
        sqlx::query(
            "INSERT INTO household_contacts (id, person_id, position, sealed) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(person_id)
        .bind(position as i64)
        .bind(keys.seal(&contact_place(&id), &plain))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A person's details, contacts opened with the data keys (a contact that no key opens is
/// left out rather than shown garbled).
pub async fn load(db: &Db, keys: &DataKeys, person_id: &str) -> Result<Details, sqlx::Error> {
    let education: String = sqlx::query("SELECT education FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("education"))
        .transpose()?
        .unwrap_or_default();
    let skills =
        sqlx::query("SELECT isco_code FROM person_skills WHERE person_id = $1 ORDER BY isco_code")
            .bind(person_id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| r.try_get("isco_code"))
            .collect::<Result<_, _>>()?;
    let languages = sqlx::query(
        "SELECT language, level FROM person_languages WHERE person_id = $1 ORDER BY language",
    )
    .bind(person_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(LanguageSkill {
            language: r.try_get("language")?,
            level: r.try_get("level")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let rows = sqlx::query(
        "SELECT id, sealed FROM household_contacts WHERE person_id = $1 ORDER BY position",
    )
    .bind(person_id)
    .fetch_all(&db.pool)
    .await?;
    let mut household = vec![];
    for r in &rows {
        let id: String = r.try_get("id")?;
        let sealed: String = r.try_get("sealed")?;
        if let Some(c) = keys
            .open(&contact_place(&id), &sealed)
            .and_then(|plain| serde_json::from_str(&plain).ok())
        {
            household.push(c);
        }
    }
    Ok(Details {
        education,
        skills,
        languages,
        household,
    })
}

/// Anonymisation: contacts name other people, so they go; education, skills and languages
/// identify no one and stay for the aggregates.
pub async fn forget_contacts(tx: &mut Tx, person_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM household_contacts WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Re-seals every household contact under the active key (key rotation).
pub async fn reseal_contacts(db: &Db, keys: &DataKeys) -> anyhow::Result<u64> {
    let mut changed = 0;
    loop {
        let rows = sqlx::query(
            "SELECT id, sealed FROM household_contacts WHERE sealed NOT LIKE $1 LIMIT 500",
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
            let sealed: String = row.try_get("sealed")?;
            let plain = keys.open(&contact_place(&id), &sealed).ok_or_else(|| {
                anyhow::anyhow!("household contact {id} does not open with any key in the key file")
            })?;
            sqlx::query("UPDATE household_contacts SET sealed = $1 WHERE id = $2")
                .bind(keys.seal(&contact_place(&id), &plain))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            changed += 1;
        }
        tx.commit().await?;
    }
}

/// The record whose details are about to be edited: the citizen's own, or one a staff member
/// may edit (an audited read with the purpose `correction`).
pub async fn for_edit(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
) -> ServiceResult<super::service::PersonRecord> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if is_own_record(actor, &row) {
        return super::service::export_view(deps, actor, person_id).await;
    }
    actor.require_at(
        Permission::EditPersons,
        &scopes_of(&row.region_iso, row.district_soato.as_deref()),
    )?;
    super::service::read(deps, actor, person_id, "correction").await
}
