//! The JSON API under `/api/v1`: bearer tokens, problem+json errors, cursor pagination,
//! and the OpenAPI document generated from the handlers' annotations.

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use http::header::CONTENT_TYPE;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use super::web::AppState;
use super::web::routes::{Access, Route};

pub const ROUTES: &[Route] = &[Route::new("GET", "/api/v1/openapi.json", Access::Public)];

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Safar API", description = "Safe, legal labour migration: the agency's JSON API."),
    paths(
        crate::accounts::api::me,
        crate::accounts::api::list_users,
        crate::accounts::api::create_user,
        crate::platform::audit::pages::api_list,
        crate::reference::api::regions,
        crate::reference::api::districts,
        crate::reference::api::destinations,
        crate::people::api::create,
        crate::people::api::search,
        crate::people::api::read,
        crate::people::api::add_journey,
        crate::people::api::update_details,
        crate::people::import_pages::status,
        crate::recruiters::public::api_check,
        crate::recruiters::report_pages::api_submit,
        crate::recruiters::api::create,
        crate::recruiters::api::update,
        crate::recruiters::api::read,
        crate::recruiters::api::list,
        crate::recruiters::api::licence_action,
        crate::recruiters::scorecard::api,
        crate::recruiters::complaint_pages::api_file,
        crate::recruiters::complaint_pages::api_list,
        crate::recruiters::complaint_pages::api_read,
        crate::recruiters::complaint_pages::api_decide,
        crate::vacancies::api::public_check,
        crate::vacancies::api::search,
        crate::vacancies::api::create,
        crate::vacancies::api::update,
        crate::vacancies::api::list,
        crate::vacancies::api::act,
        crate::vacancies::api::apply,
        crate::vacancies::api::applicants,
        crate::vacancies::api::mine,
        crate::vacancies::api::step,
        crate::vacancies::api::complain,
        crate::vacancies::payment_pages::api_record,
        crate::vacancies::payment_pages::api_mine,
        crate::people::api::export,
        crate::people::api::consents,
        crate::people::api::give_consent,
        crate::people::api::withdraw_consent,
        crate::people::api::place_hold,
        crate::people::api::release_hold,
        crate::people::api::anonymise,
        crate::pdo::api::keys,
        crate::pdo::api::public_certificate,
        crate::pdo::api::certificates,
        crate::pdo::api::certificate_pdf,
        crate::pdo::api::revoke,
        crate::pdo::api::create_centre,
        crate::pdo::api::centres,
        crate::pdo::api::inspect,
        crate::pdo::api::qualify,
        crate::pdo::api::revise_curriculum,
        crate::pdo::api::create_session,
        crate::pdo::api::sessions,
        crate::pdo::api::session,
        crate::pdo::api::enrol,
        crate::pdo::api::withdraw,
        crate::pdo::api::attendance,
        crate::pdo::api::result,
        crate::pdo::study_pages::api_progress,
        crate::pdo::study_pages::api_answer,
        crate::cases::api::create,
        crate::cases::api::read,
        crate::cases::api::act,
        crate::cases::api::queue,
        crate::cases::api::break_glass,
        crate::cases::api::refer,
        crate::cases::api::work,
        crate::cases::api::note,
        crate::cases::api::partners,
        crate::cases::api::add_partner,
        crate::cases::api::inbox,
        crate::cases::api::referral,
        crate::cases::api::referral_act,
        crate::cases::api::supervision,
        crate::cases::api::add_follower,
        crate::people::api::break_glass,
        crate::cases::api::attach,
        crate::cases::api::link,
        crate::cases::api::revoke_follower,
        crate::cases::api::my_cases,
        crate::cases::api::my_case,
        crate::guidance::api::search,
        crate::guidance::api::public_article,
        crate::guidance::api::all,
        crate::guidance::api::create,
        crate::guidance::api::read,
        crate::guidance::api::revise,
        crate::guidance::api::step,
        crate::guidance::api::diff,
        crate::finance::api::compare,
        crate::finance::api::plan,
        crate::finance::api::list,
        crate::finance::api::add,
        crate::finance::api::import,
        crate::finance::api::withdraw,
        crate::outreach::api::list,
        crate::outreach::api::plan,
        crate::outreach::api::read,
        crate::outreach::api::act,
        crate::outreach::api::add_photo,
        crate::outreach::api::photo,
        crate::outreach::api::regions,
        crate::reintegration::grants_api::calls,
        crate::reintegration::grants_api::open_call,
        crate::reintegration::grants_api::call,
        crate::reintegration::grants_api::ranking,
        crate::reintegration::grants_api::outcomes,
        crate::reintegration::grants_api::add_reviewer,
        crate::reintegration::grants_api::call_step,
        crate::reintegration::grants_api::apply,
        crate::reintegration::grants_api::mine,
        crate::reintegration::grants_api::application,
        crate::reintegration::grants_api::override_eligibility,
        crate::reintegration::grants_api::assign_reviewer,
        crate::reintegration::grants_api::release,
        crate::reintegration::grants_api::visit,
        crate::reintegration::grants_api::cancel,
        crate::reintegration::grants_api::attach,
        crate::reintegration::grants_api::visit_photo,
        crate::reintegration::grants_api::file,
        crate::reintegration::grants_api::reviews,
        crate::reintegration::grants_api::for_review,
        crate::reintegration::grants_api::review,
        crate::reintegration::intake_api::open,
        crate::reintegration::intake_api::read,
        crate::reintegration::intake_api::add_service,
        crate::reintegration::intake_api::step_service,
        crate::reintegration::intake_api::add_followup,
        crate::reintegration::intake_api::finish_followup,
        crate::reintegration::intake_api::queue,
        crate::reintegration::courses_api::catalogue,
        crate::reintegration::courses_api::course,
        crate::reintegration::courses_api::create,
        crate::reintegration::courses_api::trainees,
        crate::reintegration::courses_api::enrol_self,
        crate::reintegration::courses_api::enrol_from_plan,
        crate::reintegration::courses_api::step,
        crate::reintegration::courses_api::mine,
        crate::analytics::api::public_indicator,
        crate::analytics::api::staff_indicator,
        crate::analytics::api::open_data_csv,
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&BearerAuth, &ProblemResponses),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every error is sent as `application/problem+json` by the shared error path, and some
/// errors can come from any operation whatever its handler says: an unreadable request (400),
/// a missing or unfit token (401/403), an unknown id (404), a body too large or not JSON
/// (413/415), failed validation (422) and, in read-only continuity mode, any write (503).
/// This states them once for every operation, so the document describes what clients really
/// receive (schemathesis checks it in CI: `scripts/api-fuzz`).
struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, true),
                (&mut item.patch, true),
            ];
            for (operation, writes) in operations {
                if let Some(operation) = operation.as_mut() {
                    describe_problems(operation, writes);
                }
            }
        }
    }
}

fn describe_problems(operation: &mut utoipa::openapi::path::Operation, writes: bool) {
    use utoipa::openapi::path::ParameterIn;
    let secured = operation
        .security
        .as_ref()
        .is_none_or(|requirements| requirements.iter().any(|r| *r != Default::default()));
    let parameters: Vec<_> = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            utoipa::openapi::RefOr::T(p) => Some(p.parameter_in.clone()),
            utoipa::openapi::RefOr::Ref(_) => None,
        })
        .collect();
    let has_body = operation.request_body.is_some();
    let in_path = parameters.iter().any(|p| matches!(p, ParameterIn::Path));
    let standard = [
        (
            400,
            true,
            "The request could not be read (malformed JSON, query or path).",
        ),
        (
            401,
            secured,
            "Not signed in: no bearer token, or one that is not valid.",
        ),
        (
            403,
            secured,
            "The token's user may not do this, or not within their scope.",
        ),
        (
            404,
            in_path,
            "Nothing with that identifier (or not visible to the caller).",
        ),
        (
            413,
            has_body,
            "The request body is larger than the server accepts.",
        ),
        (
            415,
            has_body,
            "The request body is not of the documented content type.",
        ),
        (
            422,
            has_body || !parameters.is_empty(),
            "The request failed validation; `errors` names the fields.",
        ),
        (
            503,
            writes,
            "The server is in read-only continuity mode: no writes are accepted.",
        ),
    ];
    let responses = &mut operation.responses.responses;
    for (status, applies, description) in standard {
        if applies {
            responses
                .entry(status.to_string())
                .or_insert_with(|| problem_response(description).into());
        }
    }
    for (status, response) in responses.iter_mut() {
        let is_error = status.parse::<u16>().is_ok_and(|code| code >= 400);
        if let (true, utoipa::openapi::RefOr::T(response)) = (is_error, response) {
            response.content.clear();
            response
                .content
                .insert(PROBLEM_JSON.to_string(), problem_content().into());
        }
    }
}

const PROBLEM_JSON: &str = "application/problem+json";

fn problem_response(description: &str) -> utoipa::openapi::Response {
    utoipa::openapi::ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, problem_content())
        .build()
}

fn problem_content() -> utoipa::openapi::Content {
    utoipa::openapi::Content::new(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
}

async fn openapi() -> Response {
    let json = ApiDoc::openapi().to_json().unwrap_or_default();
    ([(CONTENT_TYPE, "application/json")], json).into_response()
}

/// RFC 9457 problem details, as every API error is sent.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem, e.g. `urn:safar:problem:not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Option<Vec<FieldProblem>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// A whole list (one that is short by nature, so it has no pages).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// One page of a list. `next_cursor` is opaque; pass it back as `cursor` for the next page.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// How many items (1–200, default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 200)
    }
}

pub fn encode_cursor(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// A cursor this server did not make.
#[derive(Debug, PartialEq, Eq)]
pub struct BadCursor;

/// `None` for an absent cursor; `Err` for one we did not make.
pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<String>, BadCursor> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .map_err(|_| BadCursor)?;
    String::from_utf8(bytes).map(Some).map_err(|_| BadCursor)
}

/// Builds a page from `limit + 1` fetched items: the extra one only says there is more.
pub fn paginate<T>(mut items: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> ListPage<T> {
    let limit = usize::try_from(limit).unwrap_or(50);
    let more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = if more {
        items.last().map(|last| encode_cursor(&key(last)))
    } else {
        None
    };
    ListPage { items, next_cursor }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> serde_json::Value {
        serde_json::to_value(ApiDoc::openapi()).expect("the document serialises")
    }

    fn statuses(doc: &serde_json::Value, path: &str, method: &str) -> Vec<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .expect("the operation has responses")
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn every_error_response_is_problem_json() {
        let doc = document();
        let mut errors = 0;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("operations") {
                for (status, response) in operation["responses"].as_object().expect("responses") {
                    if status.as_str() >= "400" {
                        errors += 1;
                        let content = response["content"].as_object().expect("content");
                        let types: Vec<&String> = content.keys().collect();
                        assert_eq!(types, [PROBLEM_JSON], "{method} {path} {status}");
                    }
                }
            }
        }
        assert!(errors > 500, "only {errors} error responses are documented");
    }

    #[test]
    fn the_shared_errors_follow_what_an_operation_can_meet() {
        let doc = document();
        let create = statuses(&doc, "/api/v1/persons", "post");
        for status in ["400", "401", "403", "413", "415", "422", "503"] {
            assert!(
                create.contains(&status.to_string()),
                "POST /persons lacks {status}"
            );
        }
        assert!(
            !create.contains(&"404".to_string()),
            "no path parameter, no 404"
        );
        let read = statuses(&doc, "/api/v1/persons/{id}", "get");
        assert!(read.contains(&"404".to_string()));
        assert!(
            !read.contains(&"503".to_string()),
            "reads are served in read-only mode"
        );
        // A public operation needs no token, so it cannot answer 401.
        let public = statuses(&doc, "/api/v1/public/recruiters", "get");
        assert!(!public.contains(&"401".to_string()), "{public:?}");
    }
}
