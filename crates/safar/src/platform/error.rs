//! The error type services return. Handlers turn it into a response; the error renderer
//! (`web::errors`) then draws a localised page or a problem+json body.

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::access::AccessError;
use super::web::errors::ErrorInfo;

/// A form or JSON field that failed validation, with the message id that explains why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many attempts")]
    TooManyAttempts,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn invalid(field: &'static str, message: &'static str) -> Self {
        ServiceError::Invalid(vec![FieldError { field, message }])
    }

    /// The field errors under the name a page's form uses (a page with two date fields, or
    /// two reason fields, names them apart).
    pub fn renamed(self, from: &str, to: &'static str) -> Self {
        match self {
            ServiceError::Invalid(fields) => ServiceError::Invalid(
                fields
                    .into_iter()
                    .map(|mut f| {
                        if f.field == from {
                            f.field = to;
                        }
                        f
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServiceError::Access(AccessError::Unauthenticated) => StatusCode::UNAUTHORIZED,
            ServiceError::Access(AccessError::Forbidden) => StatusCode::FORBIDDEN,
            ServiceError::Access(_) | ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::NotFound => StatusCode::NOT_FOUND,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Db(_) | ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn fields(&self) -> Vec<FieldError> {
        match self {
            ServiceError::Invalid(f) => f.clone(),
            ServiceError::Access(AccessError::UnknownRole) => vec![FieldError {
                field: "role",
                message: "err-role",
            }],
            ServiceError::Access(AccessError::BadScope) => vec![FieldError {
                field: "scope",
                message: "err-scope",
            }],
            _ => vec![],
        }
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "service failed");
        }
        let mut info = ErrorInfo::for_status(status);
        if let ServiceError::Conflict(message) = self {
            info.message = Some(message);
        }
        info.fields = self.fields();
        let mut response = status.into_response();
        response.extensions_mut().insert(info);
        response
    }
}
