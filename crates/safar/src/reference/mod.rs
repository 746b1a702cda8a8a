//! Reference data: the 14 regions and 209 districts, destination countries and their legal
//! channels, ISCO-08 sectors, languages and currencies. Seeded on first start from the CSV
//! files in `data/reference/` (compiled in); administrators view them and edit region
//! names and figures, every edit audited.

pub mod api;
pub mod labels;
pub mod pages;
pub mod seed;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::get;

use crate::platform::access::Permission;
use crate::platform::i18n::Locale;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

pub use seed::seed_if_empty;

pub const ROUTES: &[Route] = &[
    Route::new(
        "GET",
        "/admin/reference",
        Access::Perm(Permission::ViewReference),
    ),
    Route::new(
        "GET",
        "/admin/reference/regions/{iso}",
        Access::Perm(Permission::ViewReference),
    )
    .example("/admin/reference/regions/UZ-SA"),
    Route::new(
        "POST",
        "/admin/reference/regions/{iso}",
        Access::Perm(Permission::EditReference),
    )
    .example("/admin/reference/regions/UZ-SA"),
    Route::new("GET", "/api/v1/reference/regions", Access::Public),
    Route::new(
        "GET",
        "/api/v1/reference/regions/{iso}/districts",
        Access::Public,
    )
    .example("/api/v1/reference/regions/UZ-SA/districts"),
    Route::new("GET", "/api/v1/reference/destinations", Access::Public),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/reference", get(pages::index))
        .route(
            "/admin/reference/regions/{iso}",
            get(pages::region).post(pages::edit_region),
        )
        .route("/api/v1/reference/regions", get(api::regions))
        .route(
            "/api/v1/reference/regions/{iso}/districts",
            get(api::districts),
        )
        .route("/api/v1/reference/destinations", get(api::destinations))
}

/// Names kept per language; uz-Cyrl falls back to a transliteration of uz-Latn.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Names {
    pub uz_latn: String,
    pub uz_cyrl: String,
    pub ru: String,
    pub en: String,
}

impl Names {
    pub fn new(uz_latn: String, uz_cyrl: String, ru: String, en: String) -> Self {
        let uz_cyrl = if uz_cyrl.is_empty() {
            uz_text::latin_to_cyrillic(&uz_latn)
        } else {
            uz_cyrl
        };
        Names {
            uz_latn,
            uz_cyrl,
            ru,
            en,
        }
    }

    pub fn get(&self, locale: Locale) -> &str {
        let name = match locale {
            Locale::UzLatn => &self.uz_latn,
            Locale::UzCyrl => &self.uz_cyrl,
            Locale::Ru => &self.ru,
            Locale::En => &self.en,
        };
        if name.is_empty() { &self.uz_latn } else { name }
    }
}
