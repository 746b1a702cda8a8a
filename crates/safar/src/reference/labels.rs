//! Names of coded values in the page language, for pages that show stored codes
//! (`UZ-SA`, `1703202`, `RU`, `7112`, `ru`) to people.

use std::collections::HashMap;

use sqlx::Row;

use super::Names;
use super::store::{self, CodedTable};
use crate::platform::db::Db;
use crate::platform::i18n::Locale;

/// Code → name in one language; an unknown code is shown as itself.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    names: HashMap<String, String>,
}

/// Districts, countries, sectors, languages and legal channels named in `locale`.
async fn seeded_names(db: &Db, locale: Locale) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut names = HashMap::new();
    let rows = sqlx::query("SELECT soato, name_uz_latn, name_uz_cyrl, name_ru FROM districts")
        .fetch_all(&db.pool)
        .await?;
    for r in &rows {
        let district = Names::new(
            r.try_get("name_uz_latn")?,
            r.try_get("name_uz_cyrl")?,
            r.try_get("name_ru")?,
            String::new(),
        );
        names.insert(r.try_get("soato")?, district.get(locale).to_string());
    }
    for table in [
        CodedTable::Countries,
        CodedTable::Sectors,
        CodedTable::Languages,
    ] {
        for c in store::coded_list(db, table).await? {
            names.insert(c.code, c.names.get(locale).to_string());
        }
    }
    // Channel codes (`KR-EPS`) never start with `UZ-`, so they do not collide either.
    for (_, channel) in store::channels(db).await? {
        names.insert(channel.code, channel.names.get(locale).to_string());
    }
    Ok(names)
}

impl Labels {
    /// Regions, districts, countries, sectors, languages and legal channels, named in `locale`. The codes of
    /// these tables never collide (ISO 3166-2 with a dash, 7-digit SOATO, 2-letter upper-case
    /// ISO 3166-1, 4-digit ISCO, 2-letter lower-case ISO 639-1).
    pub async fn load(db: &Db, locale: Locale) -> Result<Self, sqlx::Error> {
        // Region names can be edited by an administrator; the other tables are only seeded.
        let kept = db
            .memo(&format!("reference.labels.{locale:?}"), || {
                seeded_names(db, locale)
            })
            .await?;
        let mut names = kept.as_ref().clone();
        for region in store::regions(db).await? {
            names.insert(region.iso.clone(), region.names.get(locale).to_string());
        }
        Ok(Labels { names })
    }

    pub fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.names.get(code).map(String::as_str).unwrap_or(code)
    }

    /// Choices for a select of `table`, sorted by name in the page language.
    pub async fn choices(
        db: &Db,
        locale: Locale,
        table: CodedTable,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        let mut list: Vec<(String, String)> = store::coded_list(db, table)
            .await?
            .into_iter()
            .map(|c| {
                let name = c.names.get(locale).to_string();
                (c.code, name)
            })
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(list)
    }
}
