//! The home page: for citizens and visitors, the five journeys as entry points; for staff,
//! their work queues (each module adds its queue here as it arrives).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use http::StatusCode;

use super::AppState;
use super::context::Ctx;
use super::forms::page;
use super::layout::Page;
use super::routes::{Access, Route};

pub const ROUTES: &[Route] = &[Route::new("GET", "/", Access::Public)];

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub struct Journey {
    pub title: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    journeys: Vec<Journey>,
    staff: bool,
    queues: Vec<String>,
}

const JOURNEYS: [&str; 5] = [
    "journey-check",
    "journey-prepare",
    "journey-help",
    "journey-return",
    "journey-picture",
];

async fn home(State(_state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr;
    let journeys = JOURNEYS
        .iter()
        .map(|k| Journey {
            title: tr.t(&format!("{k}-title")),
            text: tr.t(&format!("{k}-text")),
        })
        .collect();
    let staff = ctx.actor.is_staff();
    let title = if staff {
        tr.t("staff-home-title")
    } else {
        tr.t("home-title")
    };
    let html = HomePage {
        page: Page::new(&ctx, &title),
        journeys,
        staff,
        queues: vec![],
    }
    .render();
    page(StatusCode::OK, html)
}
