//! The page staff see on a record outside their scope (a case or a person): 403, and the
//! form to break the glass with a reason. The modules own the access itself.

use askama::Template;
use axum::response::Response;
use http::StatusCode;

use super::context::Ctx;
use super::forms::{Fields, FormErrors, field, page, status_of};
use super::layout::Page;

#[derive(Template)]
#[template(path = "glass.html")]
struct GlassPage {
    page: Page,
    action: String,
    form: Fields,
    errors: FormErrors,
}

impl GlassPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

/// The break-the-glass form posting to `action`: 403 at first, 422 with the errors.
pub fn glass_page(ctx: &Ctx, action: &str, form: Fields, errors: FormErrors) -> Response {
    let title = ctx.tr.t("glass-title");
    let status = if errors.is_empty() {
        StatusCode::FORBIDDEN
    } else {
        status_of(&errors)
    };
    page(
        status,
        GlassPage {
            page: Page::new(ctx, &title),
            action: action.to_string(),
            form,
            errors,
        }
        .render(),
    )
}
