//! Cases in the JSON API (the fixed interface of the help-abroad issue).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use serde_json::json;

use super::attachments;
use super::family::{self, FamilyView, FollowerInput};
use super::glass::{self, GlassInput};
use super::links::{self, LinkInput};
use super::referrals::{self, NoteInput, PartnerInput, PartnerView, ReferInput, ReferralStep};
use super::service::{self, CaseInput, Opened, QueueQuery, StepInput};
use super::store::Case;
use super::work_store::{Attachment, Follower, Link, Note, Partner, Referral};
use crate::platform::api::Problem;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

/// Opens a case: the priority is suggested (any trafficking indicator makes it P1) and the
/// due time follows from it on the agency's working calendar.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseInput,
    responses((status = 201, body = Opened), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create(State(st): State<AppState>, ctx: Ctx, Json(body): Json<CaseInput>) -> Response {
    match service::open(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(opened) => (StatusCode::CREATED, Json(opened)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// One case, for staff whose scope covers the person.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::read(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(case) => Json(case).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A step on a case: `assign`, `start`, `refer`, `escalate`, `resolve`, `close` (with an
/// outcome) or `reopen` (within 30 days).
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions/{action}", tag = "cases",
    params(("id" = String, Path), ("action" = String, Path)), request_body = StepInput,
    responses((status = 200, body = Case), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<StepInput>,
) -> Response {
    match service::act(&st.db, &st.clock, &ctx.actor, &id, &action, &body).await {
        Ok(case) => Json(case).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Open cases in the actor's scope, due first (at most 200): all, overdue, due soon or
/// one's own, optionally in one region.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(QueueQuery),
    responses((status = 200, body = crate::platform::api::Items<crate::cases::store::Case>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn queue(State(st): State<AppState>, ctx: Ctx, Query(q): Query<QueueQuery>) -> Response {
    match service::queue(&st.db, &st.clock, &ctx.actor, &q).await {
        Ok(cases) => Json(serde_json::json!({ "items": cases })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Opens a case outside one's scope for three hours, with the reason (break-the-glass).
#[utoipa::path(post, path = "/api/v1/cases/{id}/break-glass", tag = "cases", params(("id" = String, Path)),
    request_body = GlassInput,
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn break_glass(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<GlassInput>,
) -> Response {
    match glass::break_glass(&st.db, &st.clock, &ctx.actor, &id, &body).await {
        Ok(until) => (
            StatusCode::CREATED,
            Json(json!({ "case_id": id, "expires_at": service::rfc3339(until) })),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Refers a case to a partner organisation.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", tag = "cases", params(("id" = String, Path)),
    request_body = ReferInput,
    responses((status = 201, body = Referral), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn refer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReferInput>,
) -> Response {
    match referrals::refer(st.people(), &ctx.actor, &id, &body).await {
        Ok(r) => (StatusCode::CREATED, Json(r)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A case's referrals (with the partners' updates) and notes; an audited read of the case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/work", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn work(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Err(e) = service::read(&st.db, &st.clock, &ctx.actor, &id).await {
        return e.into_response();
    }
    match referrals::work_of(&st.db, &id).await {
        Ok(work) => Json(json!({
            "referrals": work.referrals, "notes": work.notes, "attachments": work.attachments,
            "links": work.links,
        }))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Adds an internal (or, with `public`, a family-visible) note to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "cases", params(("id" = String, Path)),
    request_body = NoteInput,
    responses((status = 201, body = Note), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<NoteInput>,
) -> Response {
    match referrals::add_note(&st.db, &st.clock, &ctx.actor, &id, &body).await {
        Ok(n) => (StatusCode::CREATED, Json(n)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The partner registry.
#[utoipa::path(get, path = "/api/v1/partners", tag = "cases",
    responses((status = 200, body = crate::platform::api::Items<crate::cases::work_store::Partner>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn partners(State(st): State<AppState>, ctx: Ctx) -> Response {
    match referrals::partners(&st.db, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Adds a partner organisation (supervisors).
#[utoipa::path(post, path = "/api/v1/partners", tag = "cases", request_body = PartnerInput,
    responses((status = 201, body = Partner), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn add_partner(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<PartnerInput>,
) -> Response {
    match referrals::add_partner(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(p) => (StatusCode::CREATED, Json(p)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The referrals sent to the partner user's organisation.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "cases",
    responses((status = 200, body = crate::platform::api::Items<crate::cases::work_store::Referral>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn inbox(State(st): State<AppState>, ctx: Ctx) -> Response {
    match referrals::inbox(&st.db, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// One referral sent to the partner user's organisation (an audited read).
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = PartnerView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn referral(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match referrals::open(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(view) => Json(view).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A partner's step on a referral: `accept`, `decline` (with a note), `update` (with a
/// note) or `done`.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/actions/{action}", tag = "cases",
    params(("id" = String, Path), ("action" = String, Path)), request_body = ReferralStep,
    responses((status = 200, body = Referral), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn referral_act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<ReferralStep>,
) -> Response {
    match referrals::partner_act(&st.db, &st.clock, &ctx.actor, &id, &action, &body).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The supervisors' lists: open cases that alerted them (P1) or passed their due time, and
/// the break-the-glass accesses of the last 30 days.
#[utoipa::path(get, path = "/api/v1/supervision", tag = "cases",
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn supervision(State(st): State<AppState>, ctx: Ctx) -> Response {
    let alerts = match service::alerts(&st.db, &ctx.actor).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    match glass::accesses(&st.db, &st.clock, &ctx.actor).await {
        Ok(accesses) => Json(json!({ "alerts": alerts, "break_glass": accesses })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Lets a family member's citizen account follow a case: by the migrant from their own
/// account, or by an operator in scope with the migrant's consent (`consent: true`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/followers", tag = "cases", params(("id" = String, Path)),
    request_body = FollowerInput,
    responses((status = 201, body = Follower), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_follower(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<FollowerInput>,
) -> Response {
    match family::grant(&st.db, &st.clock, &ctx.actor, &id, &body).await {
        Ok(f) => (StatusCode::CREATED, Json(f)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Ends a family member's access to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/followers/{follower}/revoke", tag = "cases",
    params(("id" = String, Path), ("follower" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn revoke_follower(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, follower)): Path<(String, String)>,
) -> Response {
    match family::revoke(&st.db, &st.clock, &ctx.actor, &id, &follower).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The cases a citizen follows: their own, and those a relative shared with them.
#[utoipa::path(get, path = "/api/v1/my/cases", tag = "cases",
    responses((status = 200, body = crate::platform::api::Items<crate::cases::work_store::FamilyCase>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_cases(State(st): State<AppState>, ctx: Ctx) -> Response {
    match family::mine(&st.db, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A followed case: its status and public notes only.
#[utoipa::path(get, path = "/api/v1/my/cases/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = FamilyView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn my_case(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match family::view(&st.db, &ctx.actor, &id).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct AttachParams {
    /// The file's name, shown to staff (the type is recognised from the content).
    #[serde(default)]
    pub name: String,
}

/// Attaches a file to a case: the request body is the file itself (PDF, JPEG, PNG or
/// WebP, at most 5 MB).
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "cases",
    params(("id" = String, Path), AttachParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Attachment), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn attach(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<AttachParams>,
    body: axum::body::Bytes,
) -> Response {
    match attachments::attach(&st.db, &st.clock, &ctx.actor, &id, &p.name, &body).await {
        Ok(a) => (StatusCode::CREATED, Json(a)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Links a case to a recruiter (id), a vacancy (reference) or a complaint (id).
#[utoipa::path(post, path = "/api/v1/cases/{id}/links", tag = "cases", params(("id" = String, Path)),
    request_body = LinkInput,
    responses((status = 201, body = Link), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn link(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<LinkInput>,
) -> Response {
    match links::link(&st.db, &st.clock, &ctx.actor, &id, &body).await {
        Ok(l) => (StatusCode::CREATED, Json(l)).into_response(),
        Err(e) => e.into_response(),
    }
}
