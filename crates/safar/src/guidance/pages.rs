//! Guidance in the browser: the public portal (light pages for a basic phone: a search box,
//! topics and destinations, the article) and the writers' and editors' pages.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::model::{self, AUTHORED, Block, DiffLine, Inline, TOPICS};
use super::service::{self, ArticleInput, Revision, StepInput};
use super::store::{Article, Listed, Text};
use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

#[derive(serde::Deserialize, Default)]
pub struct PortalQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    destination: String,
}

#[derive(Template)]
#[template(path = "guidance/portal.html")]
struct PortalPage {
    page: Page,
    q: String,
    topic: String,
    destination: String,
    topics: [&'static str; 6],
    destinations: Vec<String>,
    items: Vec<Listed>,
    labels: Labels,
    error: String,
}

/// The portal: search in any script, or browse by topic and destination, in the visitor's
/// language.
pub async fn portal(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PortalQuery>,
) -> Response {
    let lang = ctx.locale().tag();
    let topic = Some(q.topic.as_str()).filter(|t| TOPICS.contains(t));
    let destination = Some(q.destination.as_str()).filter(|d| d.len() == 2);
    let (items, error) = if q.q.trim().is_empty() {
        match service::browse(&st.db, lang, topic, destination).await {
            Ok(items) => (items, String::new()),
            Err(e) => return e.into_response(),
        }
    } else {
        match service::search(&st.db, &q.q, Some(lang)).await {
            Ok(items) => (items, String::new()),
            Err(e) => match FormErrors::from_service(ctx.tr, e) {
                Ok(errors) => (vec![], errors.get("q")),
                Err(e) => return e.into_response(),
            },
        }
    };
    let destinations = match service::browse(&st.db, lang, Some("country_guide"), None).await {
        Ok(guides) => guides.into_iter().map(|g| g.destination).collect(),
        Err(e) => return e.into_response(),
    };
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = ctx.tr.t("guide-title");
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        PortalPage {
            page: Page::new(&ctx, &title),
            q: q.q,
            topic: q.topic,
            destination: q.destination,
            topics: TOPICS,
            destinations,
            items,
            labels,
            error,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "guidance/article.html")]
struct ArticlePage {
    page: Page,
    article: Article,
    text: Text,
    blocks: Vec<Block>,
}

impl ArticlePage {
    fn inlines(&self, text: &str) -> Vec<Inline> {
        model::inlines(text)
    }
}

/// A published article in the visitor's language.
pub async fn article(State(st): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Response {
    let (article, text) = match service::public_article(&st.db, &slug, ctx.locale().tag()).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let blocks = model::blocks(&text.body);
    page(
        StatusCode::OK,
        ArticlePage {
            page: Page::new(&ctx, &text.title),
            article,
            blocks,
            text,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "guidance/list.html")]
struct ListPage {
    page: Page,
    articles: Vec<Article>,
}

/// The writers' and editors' list: every article and its state.
pub async fn list(State(st): State<AppState>, ctx: Ctx) -> Response {
    let articles = match service::all(&st.db, &ctx.actor).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("guidance-title");
    page(
        StatusCode::OK,
        ListPage {
            page: Page::new(&ctx, &title),
            articles,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "guidance/edit.html")]
struct EditPage {
    page: Page,
    /// None for a new article.
    article: Option<Article>,
    version: i64,
    topics: [&'static str; 6],
    langs: [&'static str; 3],
    form: Fields,
    errors: FormErrors,
    actions: Vec<&'static str>,
    can_publish: bool,
}

impl EditPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

/// Form field names of a language's title and body: `title_uz_latn`, `body_ru` …
fn names(lang: &str) -> (String, String) {
    let key = lang.to_lowercase().replace('-', "_");
    (format!("title_{key}"), format!("body_{key}"))
}

fn texts_from(form: &Fields) -> ArticleInput {
    let mut input = ArticleInput {
        slug: field(form, "slug"),
        topic: field(form, "topic"),
        destination: field(form, "destination").trim().to_uppercase(),
        ..ArticleInput::default()
    };
    for lang in AUTHORED {
        let (title, body) = names(lang);
        input.title.insert(lang.into(), field(form, &title));
        input.body.insert(lang.into(), field(form, &body));
    }
    input
}

fn fields_from(texts: &[Text]) -> Fields {
    let mut form = Fields::new();
    for t in texts.iter().filter(|t| AUTHORED.contains(&t.lang.as_str())) {
        let (title, body) = names(&t.lang);
        form.push((title, t.title.clone()));
        form.push((body, t.body.clone()));
    }
    form
}

pub async fn new_form(ctx: Ctx) -> Response {
    edit_page(&ctx, None, Fields::new(), FormErrors::none(ctx.tr))
}

fn edit_page(ctx: &Ctx, article: Option<Article>, form: Fields, errors: FormErrors) -> Response {
    let title = match &article {
        Some(a) => format!("{} · {}", ctx.tr.t("guidance-title"), a.slug),
        None => ctx.tr.t("guidance-new"),
    };
    let actions = match &article {
        Some(a) => ["submit", "publish", "reject", "archive"]
            .into_iter()
            .filter(|action| model::transition(&a.status, action).is_some())
            .collect(),
        None => vec![],
    };
    page(
        status_of(&errors),
        EditPage {
            page: Page::new(ctx, &title),
            version: article.as_ref().map_or(0, |a| a.version),
            article,
            topics: TOPICS,
            langs: AUTHORED,
            form,
            errors,
            actions,
            can_publish: ctx.actor.holds(Permission::PublishGuidance),
        }
        .render(),
    )
}

pub async fn create(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    match service::create(&st.db, &st.clock, &ctx.actor, &texts_from(&form)).await {
        Ok(a) => Redirect::to(&format!("/guidance/{}", a.slug)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => edit_page(&ctx, None, form, errors),
            Err(e) => e.into_response(),
        },
    }
}

/// The latest version, editable, with the workflow steps and the history.
pub async fn edit(State(st): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Response {
    match service::for_editing(&st.db, &ctx.actor, &slug, None).await {
        Ok((article, texts)) => edit_page(
            &ctx,
            Some(article),
            fields_from(&texts),
            FormErrors::none(ctx.tr),
        ),
        Err(e) => e.into_response(),
    }
}

pub async fn revise(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let written = texts_from(&form);
    let revision = Revision {
        version: field(&form, "version").trim().parse().unwrap_or(-1),
        title: written.title,
        body: written.body,
    };
    match service::revise(&st.db, &st.clock, &ctx.actor, &slug, &revision).await {
        Ok(_) => Redirect::to(&format!("/guidance/{slug}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => match service::for_editing(&st.db, &ctx.actor, &slug, None).await {
                Ok((article, _)) => edit_page(&ctx, Some(article), form, errors),
                Err(e) => e.into_response(),
            },
            Err(e) => e.into_response(),
        },
    }
}

pub async fn step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((slug, action)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> Response {
    let input = StepInput {
        note: field(&form, "note"),
    };
    match service::step(&st.db, &st.clock, &ctx.actor, &slug, &action, &input).await {
        Ok(_) => Redirect::to(&format!("/guidance/{slug}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => match service::for_editing(&st.db, &ctx.actor, &slug, None).await {
                Ok((article, texts)) => edit_page(&ctx, Some(article), fields_from(&texts), errors),
                Err(e) => e.into_response(),
            },
            Err(e) => e.into_response(),
        },
    }
}

#[derive(serde::Deserialize, Default)]
pub struct DiffParams {
    #[serde(default)]
    from: Option<i64>,
    #[serde(default)]
    to: Option<i64>,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "guidance/diff.html")]
struct DiffPage {
    page: Page,
    slug: String,
    from: i64,
    to: i64,
    lang: String,
    langs: [&'static str; 4],
    lines: Vec<DiffLine>,
}

/// What changed between two versions (by default the latest against the one before).
pub async fn diff(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<DiffParams>,
) -> Response {
    let article = match service::for_editing(&st.db, &ctx.actor, &slug, None).await {
        Ok((a, _)) => a,
        Err(e) => return e.into_response(),
    };
    let to = p.to.unwrap_or(article.version);
    let from = p.from.unwrap_or((to - 1).max(1));
    let lang = p.lang.unwrap_or_else(|| ctx.locale().tag().to_string());
    let lines = match service::diff(&st.db, &ctx.actor, &slug, from, to, &lang).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let title = format!("{} · {slug}", ctx.tr.t("guidance-diff"));
    page(
        StatusCode::OK,
        DiffPage {
            page: Page::new(&ctx, &title),
            slug,
            from,
            to,
            lang,
            langs: model::LANGS,
            lines,
        }
        .render(),
    )
}
