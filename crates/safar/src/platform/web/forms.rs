//! The form pattern: a handler validates, and on failure re-renders the same template with
//! the input kept and an error next to each field (HTTP 422, marked as final).

use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

use super::errors::Rendered;
use crate::platform::error::FieldError;
use crate::platform::i18n::Tr;

#[derive(Clone, Debug, Default)]
pub struct FormErrors {
    errors: Vec<FieldError>,
    tr: Tr,
}

impl FormErrors {
    pub fn new(tr: Tr, errors: Vec<FieldError>) -> Self {
        FormErrors { errors, tr }
    }

    pub fn none(tr: Tr) -> Self {
        FormErrors { errors: vec![], tr }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The localised message for `field`, or an empty string (templates test `!= ""`).
    pub fn get(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| self.tr.t(e.message))
            .unwrap_or_default()
    }

    /// Errors not tied to a visible field (shown above the form).
    pub fn general(&self) -> Vec<String> {
        self.errors
            .iter()
            .filter(|e| e.field.is_empty())
            .map(|e| self.tr.t(e.message))
            .collect()
    }
}

/// Sends a rendered page as the final response with `status`.
pub fn page(status: StatusCode, html: Result<String, askama::Error>) -> Response {
    match html {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            if !status.is_success() {
                response.extensions_mut().insert(Rendered);
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// An amount typed in a form: a whole number; the spaces and separators people type
/// (`5 000 000`, `1,500`) are ignored. Empty is `None`; anything else is an error (its
/// message key).
pub fn parse_amount(text: &str) -> Result<Option<i64>, &'static str> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '.' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    digits.parse::<i64>().map(Some).map_err(|_| "err-amount")
}
