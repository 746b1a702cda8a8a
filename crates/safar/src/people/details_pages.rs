//! The details form (education, skills, languages, household contacts), used by staff from a
//! record and by citizens from their profile. It works without JavaScript: a fixed number of
//! rows, blank rows ignored.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::details::{
    self, Details, EDUCATION_LEVELS, HouseholdContact, LANGUAGE_LEVELS, LanguageSkill,
    MAX_CONTACTS, MAX_LANGUAGES, MAX_SKILLS, RELATIONS,
};
use super::service::PersonRecord;
use crate::platform::access::Permission;
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;
use crate::reference::store::CodedTable;

#[derive(Template)]
#[template(path = "people/details.html")]
struct DetailsPage {
    page: Page,
    person: PersonRecord,
    form: Details,
    education_levels: &'static [&'static str],
    language_levels: &'static [&'static str],
    relations: &'static [&'static str],
    sectors: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    back: String,
    errors: FormErrors,
}

/// Where to go after saving: the citizen back to their profile, staff back to the record.
fn back_link(ctx: &Ctx, person_id: &str) -> String {
    if ctx.actor.holds(Permission::EditPersons) {
        format!("/people/{person_id}?purpose=correction")
    } else {
        "/account/profile".to_string()
    }
}

/// Pads the lists with blank rows so there is room to add, never beyond the maximum.
fn with_blank_rows(mut d: Details) -> Details {
    let skills = (d.skills.len() + 1).clamp(3, MAX_SKILLS);
    d.skills.resize(skills.max(d.skills.len()), String::new());
    let languages = (d.languages.len() + 1).clamp(3, MAX_LANGUAGES);
    d.languages
        .resize(languages.max(d.languages.len()), LanguageSkill::default());
    let contacts = (d.household.len() + 1).clamp(2, MAX_CONTACTS);
    d.household
        .resize(contacts.max(d.household.len()), HouseholdContact::default());
    d
}

async fn details_page(
    st: &AppState,
    ctx: &Ctx,
    person: PersonRecord,
    form: Details,
    errors: FormErrors,
) -> Response {
    let (sectors, languages) = match (
        Labels::choices(&st.db, ctx.locale(), CodedTable::Sectors).await,
        Labels::choices(&st.db, ctx.locale(), CodedTable::Languages).await,
    ) {
        (Ok(s), Ok(l)) => (s, l),
        (Err(e), _) | (_, Err(e)) => return ServiceError::from(e).into_response(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("details-title");
    let html = DetailsPage {
        page: Page::new(ctx, &title),
        back: back_link(ctx, &person.id),
        person,
        form: with_blank_rows(form),
        education_levels: EDUCATION_LEVELS,
        language_levels: LANGUAGE_LEVELS,
        relations: RELATIONS,
        sectors,
        languages,
        errors,
    };
    page(status, html.render())
}

pub async fn edit(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match details::for_edit(st.people(), &ctx.actor, &id).await {
        Ok(person) => {
            let form = person.details.clone();
            details_page(&st, &ctx, person, form, FormErrors::none(ctx.tr)).await
        }
        Err(e) => e.into_response(),
    }
}

/// The form's fields: `education`, `skill` (repeated), `language_N`/`level_N`,
/// `contact_name_N`/`relation_N`/`contact_phone_N`.
fn parse_form(fields: &[(String, String)]) -> Details {
    let mut d = Details::default();
    let indexed = |name: &str, prefix: &str| -> Option<usize> {
        name.strip_prefix(prefix)?.parse::<usize>().ok()
    };
    for (name, value) in fields {
        match name.as_str() {
            "education" => d.education = value.clone(),
            "skill" => d.skills.push(value.clone()),
            _ => {}
        }
        // Indices beyond the form's rows are ignored: they cannot come from the page.
        if let Some(i) = indexed(name, "language_").filter(|i| *i < MAX_LANGUAGES) {
            grow(&mut d.languages, i).language = value.clone();
        } else if let Some(i) = indexed(name, "level_").filter(|i| *i < MAX_LANGUAGES) {
            grow(&mut d.languages, i).level = value.clone();
        } else if let Some(i) = indexed(name, "contact_name_").filter(|i| *i < MAX_CONTACTS) {
            grow(&mut d.household, i).name = value.clone();
        } else if let Some(i) = indexed(name, "relation_").filter(|i| *i < MAX_CONTACTS) {
            grow(&mut d.household, i).relation = value.clone();
        } else if let Some(i) = indexed(name, "contact_phone_").filter(|i| *i < MAX_CONTACTS) {
            grow(&mut d.household, i).phone = value.clone();
        }
    }
    d
}

fn grow<T: Default>(list: &mut Vec<T>, i: usize) -> &mut T {
    if list.len() <= i {
        list.resize_with(i + 1, T::default);
    }
    &mut list[i]
}

pub async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let input = parse_form(&fields);
    match details::update(st.people(), &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to(&back_link(&ctx, &id)).into_response(),
        Err(ServiceError::Invalid(errors)) => {
            // The page shows the record again, so a staff member's re-read is audited again
            // (same purpose); a citizen's view of their own record is not.
            match details::for_edit(st.people(), &ctx.actor, &id).await {
                Ok(person) => {
                    details_page(&st, &ctx, person, input, FormErrors::new(ctx.tr, errors)).await
                }
                Err(e) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_rows_are_read_by_index_and_out_of_range_rows_ignored() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let d = parse_form(&pairs(&[
            ("education", "vocational"),
            ("skill", "7112"),
            ("skill", ""),
            ("language_1", "ru"),
            ("level_1", "B1"),
            ("contact_name_0", "Dilnoza"),
            ("relation_0", "spouse"),
            ("contact_phone_0", "90 123 45 67"),
            ("language_99999999", "en"),
        ]));
        assert_eq!(d.education, "vocational");
        assert_eq!(d.skills, vec!["7112".to_string(), String::new()]);
        assert_eq!(d.languages.len(), 2);
        assert_eq!(d.languages[1].language, "ru");
        assert_eq!(d.languages[1].level, "B1");
        assert_eq!(d.household[0].name, "Dilnoza");
        assert_eq!(d.household[0].phone, "90 123 45 67");
    }

    #[test]
    fn blank_rows_leave_room_to_add_up_to_the_maximum() {
        let d = with_blank_rows(Details::default());
        assert_eq!(d.skills.len(), 3);
        assert_eq!(d.languages.len(), 3);
        assert_eq!(d.household.len(), 2);
        let full = Details {
            skills: vec!["7112".into(); MAX_SKILLS],
            ..Details::default()
        };
        assert_eq!(with_blank_rows(full).skills.len(), MAX_SKILLS);
    }
}
