//! PDO in the browser: the public certificate check, the managers' and trainers' session
//! pages (trainee list, attendance by day, results), and the citizen's own page (sessions
//! to enrol in, enrolments, certificates).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode};

use super::api::PublicCertificate;
use super::service::{self, ResultInput};
use super::store::{self, Certificate, Enrolment, Session};
use super::token;
use crate::platform::access::Permission;
use crate::platform::error::ServiceError;
use crate::platform::signing::Verifiers;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

async fn labels(st: &AppState, ctx: &Ctx) -> Labels {
    Labels::load(&st.db, ctx.locale()).await.unwrap_or_default()
}

// ---------------------------------------------------------------- public check

#[derive(serde::Deserialize, Default)]
pub struct VerifyQuery {
    /// A certificate id typed in.
    #[serde(default)]
    id: Option<String>,
    /// The signed token from the QR code.
    #[serde(default)]
    t: Option<String>,
}

/// What the check found.
pub struct Verdict {
    /// `valid`, `revoked`, `unknown` or `forged`.
    pub status: &'static str,
    pub certificate: Option<PublicCertificate>,
    /// The QR token's signature checked out with our published key.
    pub signature_ok: bool,
}

#[derive(Template)]
#[template(path = "pdo/verify.html")]
struct VerifyPage {
    page: Page,
    asked: String,
    verdict: Option<Verdict>,
    destination: String,
}

/// The public check: a typed id, or the QR code's token (signature checked, then status).
pub async fn verify(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VerifyQuery>,
) -> Response {
    let (asked, verdict) = match (q.t.as_deref(), q.id.as_deref()) {
        (Some(t), _) if !t.trim().is_empty() => {
            (t.trim().to_string(), Some(by_token(&st, t).await))
        }
        (_, Some(id)) if !id.trim().is_empty() => {
            (id.trim().to_string(), Some(by_id(&st, id).await))
        }
        _ => (String::new(), None),
    };
    let verdict = match verdict {
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => return e.into_response(),
        None => None,
    };
    let labels = labels(&st, &ctx).await;
    let destination = verdict
        .as_ref()
        .and_then(|v| v.certificate.as_ref())
        .map(|c| labels.name(&c.destination).to_string())
        .unwrap_or_default();
    let title = ctx.tr.t("pdo-verify-title");
    page(
        StatusCode::OK,
        VerifyPage {
            page: Page::new(&ctx, &title),
            asked,
            verdict,
            destination,
        }
        .render(),
    )
}

async fn by_id(st: &AppState, id: &str) -> Result<Verdict, ServiceError> {
    let found = service::verify_online(st.pdo(), id, "page").await?;
    Ok(match found {
        Some(c) => Verdict {
            status: if c.status == "valid" {
                "valid"
            } else {
                "revoked"
            },
            certificate: Some(PublicCertificate::from(&c)),
            signature_ok: false,
        },
        None => Verdict {
            status: "unknown",
            certificate: None,
            signature_ok: false,
        },
    })
}

async fn by_token(st: &AppState, text: &str) -> Result<Verdict, ServiceError> {
    let verifiers = Verifiers::from_key_set(&st.signing.key_set());
    let claims = match token::verify(&verifiers, text) {
        Ok(claims) => claims,
        Err(_) => {
            return Ok(Verdict {
                status: "forged",
                certificate: None,
                signature_ok: false,
            });
        }
    };
    let mut verdict = by_id(st, &claims.id).await?;
    verdict.signature_ok = true;
    Ok(verdict)
}

// ---------------------------------------------------------------- staff

#[derive(Template)]
#[template(path = "pdo/index.html")]
struct IndexPage {
    page: Page,
    sessions: Vec<Session>,
    certificates: Vec<Certificate>,
    coverage: Vec<store::Coverage>,
    labels: Labels,
    manager: bool,
}

impl IndexPage {
    /// Percent of departures with a certificate, rounded down.
    fn share(&self, c: &store::Coverage) -> i64 {
        if c.departures == 0 {
            0
        } else {
            c.with_certificate * 100 / c.departures
        }
    }
}

/// The PDO managers' page: sessions of their centres and the latest certificates.
pub async fn index(State(st): State<AppState>, ctx: Ctx) -> Response {
    let sessions = match service::sessions_for(st.pdo(), &ctx.actor).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let manager = ctx.actor.holds(Permission::ManagePdo);
    let (certificates, coverage) = if manager {
        let found = async {
            Ok::<_, ServiceError>((
                service::certificates(st.pdo(), &ctx.actor, 50).await?,
                service::coverage(st.pdo(), &ctx.actor).await?,
            ))
        };
        match found.await {
            Ok(found) => found,
            Err(e) => return e.into_response(),
        }
    } else {
        (vec![], vec![])
    };
    let title = ctx.tr.t("pdo-title");
    page(
        StatusCode::OK,
        IndexPage {
            page: Page::new(&ctx, &title),
            sessions,
            certificates,
            coverage,
            labels: labels(&st, &ctx).await,
            manager,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "pdo/session.html")]
struct SessionPage {
    page: Page,
    session: Session,
    trainees: Vec<Enrolment>,
    days: Vec<i64>,
    labels: Labels,
    manager: bool,
    errors: FormErrors,
    pinfl: String,
}

impl SessionPage {
    fn present(&self, e: &Enrolment, day: &i64) -> bool {
        e.present_days.contains(day)
    }
    fn absent(&self, e: &Enrolment, day: &i64) -> bool {
        e.absent_days.contains(day)
    }
}

pub async fn session(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    session_page(&st, &ctx, &id, FormErrors::none(ctx.tr), String::new()).await
}

async fn session_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    pinfl: String,
) -> Response {
    let (session, trainees) = match service::session_with_trainees(st.pdo(), &ctx.actor, id).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let manager = ctx.actor.require_at(
        Permission::ManagePdo,
        &service::centre_scopes(&session.region, &session.centre_id),
    );
    let length = match (
        crate::people::model::parse_date(&session.starts_on),
        crate::people::model::parse_date(&session.ends_on),
    ) {
        (Some(s), Some(e)) => super::model::session_days(s, e),
        _ => 1,
    };
    let labels = labels(st, ctx).await;
    let title = format!(
        "{} · {} · {}",
        ctx.tr.t("pdo-session"),
        labels.name(&session.destination),
        session.starts_on
    );
    page(
        status_of(&errors),
        SessionPage {
            page: Page::new(ctx, &title),
            session,
            trainees,
            days: (1..=length).collect(),
            labels,
            manager: manager.is_ok(),
            errors,
            pinfl,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "pdo/test_sheet.html")]
struct TestSheetPage {
    page: Page,
    session: Session,
    curriculum: super::store::Curriculum,
    /// The session's teaching language (the page's own for its headings).
    language: crate::platform::i18n::Locale,
}

impl TestSheetPage {
    /// The option letter of an answer, as the sheet prints the options (a, b, c …).
    fn letter(&self, answer: &usize) -> char {
        "abcdef".chars().nth(*answer).unwrap_or('?')
    }
}

/// The pre- and post-test of a session, printable: every quiz item of its curriculum
/// version in the session's language, then the answer key on its own page.
pub async fn test_sheet(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let (session, curriculum) = match service::test_sheet(st.pdo(), &ctx.actor, &id).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let language =
        crate::platform::i18n::Locale::from_tag(&session.language).unwrap_or(ctx.locale());
    let title = format!(
        "{} · {} v{}",
        ctx.tr.t("pdo-test-sheet"),
        session.destination,
        session.version
    );
    page(
        StatusCode::OK,
        TestSheetPage {
            page: Page::new(&ctx, &title),
            session,
            curriculum,
            language,
        }
        .render(),
    )
}

#[derive(serde::Deserialize, Default)]
pub struct EnrolForm {
    #[serde(default)]
    pinfl: String,
}

/// Staff enrol a person by PINFL; a citizen (no PINFL) enrols themself.
pub async fn enrol(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<EnrolForm>,
) -> Response {
    let pinfl = form.pinfl.trim().to_string();
    let person = if pinfl.is_empty() {
        None
    } else {
        match crate::people::store::ids_by_identifier(&st.db, Some(&pinfl), None, None).await {
            Ok(ids) => match ids.into_iter().next() {
                Some(id) => Some(id),
                None => {
                    let errors = FormErrors::new(
                        ctx.tr,
                        vec![crate::platform::error::FieldError {
                            field: "pinfl",
                            message: "err-pdo-person",
                        }],
                    );
                    return session_page(&st, &ctx, &id, errors, pinfl).await;
                }
            },
            Err(e) => return ServiceError::from(e).into_response(),
        }
    };
    match service::enrol(st.pdo(), &ctx.actor, &id, person.as_deref()).await {
        Ok(_) if person.is_none() => Redirect::to("/pdo/mine").into_response(),
        Ok(_) => Redirect::to(&format!("/pdo/sessions/{id}")).into_response(),
        Err(e) if person.is_none() => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => mine_page(&st, &ctx, errors).await,
            Err(e) => e.into_response(),
        },
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => session_page(&st, &ctx, &id, errors, pinfl).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(serde::Deserialize, Default)]
pub struct MarkForm {
    #[serde(default)]
    present: String,
}

/// One tap on the attendance sheet; back to the same day's sheet.
pub async fn mark(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, day)): Path<(String, i64)>,
    Form(form): Form<MarkForm>,
) -> Response {
    let present = form.present == "1";
    match service::mark(st.pdo(), &ctx.actor, &id, day, present).await {
        Ok(()) => back_to_session(&st, &id, &format!("#day-{day}")).await,
        Err(e) => session_error(&st, &ctx, &id, e).await,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ResultForm {
    #[serde(default)]
    pre_score: String,
    #[serde(default)]
    post_score: String,
}

fn score(text: &str) -> Result<Option<i64>, ServiceError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| ServiceError::invalid("post_score", "err-pdo-score"))
}

pub async fn result(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ResultForm>,
) -> Response {
    let input = match (score(&form.pre_score), score(&form.post_score)) {
        (Ok(pre_score), Ok(post_score)) => ResultInput {
            pre_score,
            post_score,
        },
        (Err(e), _) | (_, Err(e)) => return session_error(&st, &ctx, &id, e).await,
    };
    match service::record_result(st.pdo(), &ctx.actor, &id, &input).await {
        Ok(_) => back_to_session(&st, &id, &format!("#t-{id}")).await,
        Err(e) => session_error(&st, &ctx, &id, e).await,
    }
}

/// Withdraws an enrolment: staff go back to the session, the citizen to their page.
pub async fn withdraw(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let by_staff = ctx.actor.holds(Permission::ManagePdo);
    match service::withdraw(st.pdo(), &ctx.actor, &id).await {
        Ok(()) if by_staff => back_to_session(&st, &id, "").await,
        Ok(()) => Redirect::to("/pdo/mine").into_response(),
        Err(e) if by_staff => session_error(&st, &ctx, &id, e).await,
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => mine_page(&st, &ctx, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

async fn session_of_enrolment(st: &AppState, enrolment_id: &str) -> Option<String> {
    store::enrolment(&st.db, enrolment_id)
        .await
        .ok()
        .flatten()
        .map(|e| e.session_id)
}

async fn back_to_session(st: &AppState, enrolment_id: &str, anchor: &str) -> Response {
    match session_of_enrolment(st, enrolment_id).await {
        Some(session) => Redirect::to(&format!("/pdo/sessions/{session}{anchor}")).into_response(),
        None => ServiceError::NotFound.into_response(),
    }
}

async fn session_error(st: &AppState, ctx: &Ctx, enrolment_id: &str, e: ServiceError) -> Response {
    let Some(session) = session_of_enrolment(st, enrolment_id).await else {
        return ServiceError::NotFound.into_response();
    };
    match FormErrors::from_service(ctx.tr, e) {
        Ok(errors) => session_page(st, ctx, &session, errors, String::new()).await,
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

pub async fn revoke(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Response {
    match service::revoke(st.pdo(), &ctx.actor, &id, &form.reason).await {
        Ok(()) => Redirect::to("/pdo").into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn certificate_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match service::certificate_for(st.pdo(), &ctx.actor, &id).await {
        Ok(c) => super::document::pdf_response(&st, &ctx, &headers, &c).await,
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------- citizens

#[derive(Template)]
#[template(path = "pdo/mine.html")]
struct MinePage {
    page: Page,
    enrolments: Vec<Enrolment>,
    certificates: Vec<Certificate>,
    sessions: Vec<Session>,
    labels: Labels,
    errors: FormErrors,
}

impl MinePage {
    fn enrolled_in(&self, s: &Session) -> bool {
        self.enrolments
            .iter()
            .any(|e| e.session_id == s.id && e.status != "withdrawn")
    }
}

pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    mine_page(&st, &ctx, FormErrors::none(ctx.tr)).await
}

async fn mine_page(st: &AppState, ctx: &Ctx, errors: FormErrors) -> Response {
    let (enrolments, certificates) = match service::mine(&st.db, &ctx.actor).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let tomorrow =
        (crate::recruiters::service::today(&st.clock) + time::Duration::days(1)).to_string();
    let sessions = match store::sessions(&st.db, &tomorrow, 50).await {
        Ok(s) => s.into_iter().filter(|s| s.status == "open").collect(),
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let title = ctx.tr.t("pdo-mine-title");
    page(
        status_of(&errors),
        MinePage {
            page: Page::new(ctx, &title),
            enrolments,
            certificates,
            sessions,
            labels: labels(st, ctx).await,
            errors,
        }
        .render(),
    )
}
