//! The form pattern: a handler validates, and on failure re-renders the same template with
//! the input kept and an error next to each field (HTTP 422, marked as final).

use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

use super::errors::Rendered;
use crate::platform::error::{FieldError, ServiceError};
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

    /// One message above the form.
    pub fn general_message(tr: Tr, message: &'static str) -> Self {
        FormErrors::new(tr, vec![FieldError { field: "", message }])
    }

    /// What a form shows for a service's refusal: field errors next to their fields, a
    /// conflict above the form; anything else (403, 404 …) is the caller's to answer.
    pub fn from_service(tr: Tr, e: ServiceError) -> Result<Self, ServiceError> {
        match e {
            ServiceError::Invalid(fields) => Ok(FormErrors::new(tr, fields)),
            ServiceError::Conflict(message) => Ok(FormErrors::general_message(tr, message)),
            other => Err(other),
        }
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

/// A form's fields in the order sent: read with `field` and `fields`, so repeated names
/// (checkboxes) are kept.
pub type Fields = Vec<(String, String)>;

/// The first value sent for `name`, or empty.
pub fn field(fields: &Fields, name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every non-empty value sent for `name` (a group of checkboxes).
pub fn fields(fields: &Fields, name: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, v)| k == name && !v.is_empty())
        .map(|(_, v)| v.clone())
        .collect()
}

/// The status of a form page: 200, or 422 when it shows errors.
pub fn status_of(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
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

/// A multipart form: its text fields in order, and the non-empty files sent as `file_field`
/// (at most `max_files + 1`, so that too many is reported rather than silently cut). The
/// error is a message key.
pub async fn read_multipart(
    mut multipart: axum::extract::Multipart,
    file_field: &str,
    max_files: usize,
) -> Result<(Vec<(String, String)>, Vec<Vec<u8>>), &'static str> {
    let mut fields = vec![];
    let mut files = vec![];
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err("err-upload"),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            let bytes = field.bytes().await.map_err(|_| "err-upload")?;
            if !bytes.is_empty() && files.len() <= max_files {
                files.push(bytes.to_vec());
            }
        } else {
            let text = field.text().await.map_err(|_| "err-upload")?;
            fields.push((name, text));
        }
    }
    Ok((fields, files))
}

/// The content of the one file a form must carry in its `file` field, or the field error
/// (none chosen, or an unreadable envelope) for the form to show.
pub async fn required_file(
    multipart: axum::extract::Multipart,
) -> Result<Vec<u8>, crate::platform::error::ServiceError> {
    use crate::platform::error::ServiceError;
    match read_multipart_named(multipart, "file").await {
        Ok(Some((_, bytes))) => Ok(bytes),
        Ok(None) => Err(ServiceError::invalid("file", "err-required")),
        Err(message) => Err(ServiceError::invalid("file", message)),
    }
}

/// A multipart form with one file in `file_field`: its uploaded name and content (`None`
/// when no file was chosen). The error is a message key.
pub async fn read_multipart_named(
    mut multipart: axum::extract::Multipart,
    file_field: &str,
) -> Result<Option<(String, Vec<u8>)>, &'static str> {
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err("err-upload"),
        };
        if field.name() != Some(file_field) {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(|_| "err-upload")?;
        if !bytes.is_empty() {
            file = Some((name, bytes.to_vec()));
        }
    }
    Ok(file)
}
