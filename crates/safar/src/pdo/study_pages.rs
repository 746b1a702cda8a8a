//! Online self-study in the browser (a phone on a slow connection: plain pages, no
//! script needed) and the JSON API: the destinations, a destination's modules with the
//! progress made, a lesson with its quiz, and the quiz's result.

use std::collections::BTreeMap;

use askama::Template;
use axum::Json;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::curriculum::Module;
use super::store::{self, Curriculum};
use super::study::{self, QuizResult, Study};
use crate::platform::api::Problem;
use crate::platform::error::ServiceError;
use crate::platform::i18n::Locale;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

#[derive(Template)]
#[template(path = "pdo/learn.html")]
struct LearnPage {
    page: Page,
    curricula: Vec<Curriculum>,
    labels: Labels,
}

/// The destinations one can study for.
pub async fn destinations(State(st): State<AppState>, ctx: Ctx) -> Response {
    let found = async {
        Ok::<_, ServiceError>((
            store::current_curricula(&st.db).await?,
            Labels::load(&st.db, ctx.locale()).await?,
        ))
    };
    let (curricula, labels) = match found.await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("pdo-learn-title");
    page(
        StatusCode::OK,
        LearnPage {
            page: Page::new(&ctx, &title),
            curricula,
            labels,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "pdo/study.html")]
struct StudyPage {
    page: Page,
    study: Study,
    locale: Locale,
    errors: FormErrors,
}

impl StudyPage {
    fn title_of(&self, code: &str) -> String {
        self.study
            .curriculum
            .content
            .module(code)
            .map(|m| m.title.get(self.locale))
            .unwrap_or_default()
    }
}

/// A destination's modules and how far the citizen got.
pub async fn progress(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(destination): Path<String>,
) -> Response {
    let study = match study::progress(st.pdo(), &ctx.actor, &destination).await {
        Ok(s) => s,
        // Study is saved against the person: without a profile there is none yet.
        Err(ServiceError::Conflict(_)) => return Redirect::to("/account/profile").into_response(),
        Err(e) => return e.into_response(),
    };
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = format!(
        "{} · {}",
        ctx.tr.t("pdo-learn-title"),
        labels.name(&study.curriculum.destination)
    );
    page(
        StatusCode::OK,
        StudyPage {
            page: Page::new(&ctx, &title),
            study,
            locale: ctx.locale(),
            errors: FormErrors::none(ctx.tr),
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "pdo/lesson.html")]
struct LessonPage {
    page: Page,
    destination: String,
    module: Module,
    locale: Locale,
    result: Option<QuizResult>,
    answers: BTreeMap<String, usize>,
}

impl LessonPage {
    fn chosen(&self, item: &str, option: &usize) -> bool {
        self.answers.get(item) == Some(option)
    }
    fn wrong(&self, item: &str) -> bool {
        self.result
            .as_ref()
            .is_some_and(|r| r.wrong.iter().any(|w| w == item))
    }
}

pub async fn lesson(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((destination, module)): Path<(String, String)>,
) -> Response {
    lesson_page(&st, &ctx, &destination, &module, None, BTreeMap::new()).await
}

async fn lesson_page(
    st: &AppState,
    ctx: &Ctx,
    destination: &str,
    code: &str,
    result: Option<QuizResult>,
    answers: BTreeMap<String, usize>,
) -> Response {
    let (_, module) = match study::lesson(st.pdo(), &ctx.actor, destination, code).await {
        Ok(found) => found,
        Err(ServiceError::Conflict(_)) => return Redirect::to("/account/profile").into_response(),
        Err(e) => return e.into_response(),
    };
    let title = format!("{} · {}", module.code, module.title.get(ctx.locale()));
    page(
        StatusCode::OK,
        LessonPage {
            page: Page::new(ctx, &title),
            destination: destination.to_string(),
            module,
            locale: ctx.locale(),
            result,
            answers,
        }
        .render(),
    )
}

/// Quiz answers from a form: item id → option index; anything else is left out (and then
/// counts as wrong).
fn answers_of(fields: Vec<(String, String)>) -> BTreeMap<String, usize> {
    fields
        .into_iter()
        .filter(|(k, _)| k.len() <= 16)
        .filter_map(|(k, v)| Some((k, v.parse().ok()?)))
        .take(50)
        .collect()
}

pub async fn answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((destination, module)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let answers = answers_of(fields);
    match study::answer(st.pdo(), &ctx.actor, &destination, &module, &answers).await {
        Ok(result) => lesson_page(&st, &ctx, &destination, &module, Some(result), answers).await,
        Err(e) => e.into_response(),
    }
}

/// A destination's curriculum and the citizen's progress in it.
#[utoipa::path(get, path = "/api/v1/pdo/learn/{destination}", tag = "pdo",
    params(("destination" = String, Path, description = "ISO 3166-1 alpha-2, e.g. KZ")),
    responses((status = 200, body = Study), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn api_progress(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(destination): Path<String>,
) -> Response {
    match study::progress(st.pdo(), &ctx.actor, &destination).await {
        Ok(s) => Json(s).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct Answers {
    /// Quiz item id → the index of the chosen option, e.g. `{"M04-Q1": 2}`.
    pub answers: BTreeMap<String, usize>,
}

/// Answers a module's quiz; the best score is kept, and completing an online-only
/// curriculum issues the certificate.
#[utoipa::path(post, path = "/api/v1/pdo/learn/{destination}/{module}", tag = "pdo",
    params(("destination" = String, Path), ("module" = String, Path, description = "e.g. M04")),
    request_body = Answers,
    responses((status = 200, body = QuizResult), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn api_answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((destination, module)): Path<(String, String)>,
    Json(body): Json<Answers>,
) -> Response {
    match study::answer(st.pdo(), &ctx.actor, &destination, &module, &body.answers).await {
        Ok(result) => Json(result).into_response(),
        Err(e) => e.into_response(),
    }
}
