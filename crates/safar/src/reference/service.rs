//! Edits to reference data: permission, validation, write and audit in one transaction.

use serde_json::json;

use super::store::{self, RegionEdit};
use crate::platform::access::{Actor, Permission};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};

/// Raw form input for a region edit.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct RegionForm {
    #[serde(default)]
    pub name_uz_latn: String,
    #[serde(default)]
    pub name_uz_cyrl: String,
    #[serde(default)]
    pub name_ru: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub population: String,
    #[serde(default)]
    pub population_date: String,
}

fn name(field: &'static str, value: &str, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError {
            field,
            message: "err-required",
        });
    } else if value.chars().count() > 120 || value.chars().any(char::is_control) {
        errors.push(FieldError {
            field,
            message: "err-invalid-text",
        });
    }
    value.to_string()
}

fn validate(form: &RegionForm) -> Result<RegionEdit, ServiceError> {
    let mut errors = vec![];
    let name_uz_latn = name("name_uz_latn", &form.name_uz_latn, &mut errors);
    let name_uz_cyrl = name("name_uz_cyrl", &form.name_uz_cyrl, &mut errors);
    let name_ru = name("name_ru", &form.name_ru, &mut errors);
    let name_en = name("name_en", &form.name_en, &mut errors);
    let population = match form.population.trim() {
        "" => None,
        p => match p.replace([' ', '\u{a0}'], "").parse::<i64>() {
            Ok(n) if (0..=100_000_000).contains(&n) => Some(n),
            _ => {
                errors.push(FieldError {
                    field: "population",
                    message: "err-number",
                });
                None
            }
        },
    };
    let date = form.population_date.trim();
    let date_ok = date.is_empty()
        || (date.len() == 10
            && time::Date::parse(
                date,
                &time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok());
    if !date_ok {
        errors.push(FieldError {
            field: "population_date",
            message: "err-date",
        });
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(RegionEdit {
        name_uz_latn,
        name_uz_cyrl,
        name_ru,
        name_en,
        population,
        population_date: date.to_string(),
    })
}

pub async fn edit_region(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    iso: &str,
    form: &RegionForm,
) -> ServiceResult<()> {
    let acting = actor.require(Permission::EditReference)?;
    let edit = validate(form)?;
    let before = store::region(db, iso)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::update_region(&mut tx, iso, &edit, now).await? {
        return Err(ServiceError::NotFound);
    }
    let details = json!({
        "before": { "names": before.names, "population": before.population, "population_date": before.population_date },
        "after": { "uz_latn": edit.name_uz_latn, "uz_cyrl": edit.name_uz_cyrl, "ru": edit.name_ru, "en": edit.name_en,
                   "population": edit.population, "population_date": edit.population_date },
    });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("reference.region.edit", "region", iso).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
