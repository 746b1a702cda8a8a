//! Guidance use cases: writing and revising articles (a new version each time), the review
//! workflow with an editor other than the author publishing, the public portal's browse
//! and cross-script search, the diff between versions, and the articles suggested on a
//! case. Every write is audited in its transaction; public reads hold no personal data.

use std::collections::BTreeMap;

use serde_json::json;

use super::model::{self, AUTHORED, DiffLine, LANGS, TOPICS};
use super::store::{self, Article, Listed, Text};
use crate::platform::access::{Actor, Permission};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;

pub const REFERENCE_JSON: &str = include_str!("../../../../data/reference/guidance_articles.json");

/// An article as written (form, JSON, or the reference file): a title and a body in each
/// of `uz-Latn`, `ru` and `en`; the Cyrillic Uzbek is generated.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ArticleInput {
    /// For a new article: lower-case letters, digits and hyphens (3–80).
    #[serde(default)]
    pub slug: String,
    /// `country_guide`, `check_offer`, `fees`, `complaints`, `finance` or `faq`.
    #[serde(default)]
    pub topic: String,
    /// ISO 3166-1 alpha-2 of the destination (country guides), or empty.
    #[serde(default)]
    pub destination: String,
    #[serde(default)]
    pub title: BTreeMap<String, String>,
    #[serde(default)]
    pub body: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct Reference {
    articles: Vec<ArticleInput>,
}

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn clean(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The four languages of a version, or the problems with the three written ones.
fn texts_of(input: &ArticleInput, errors: &mut Vec<FieldError>) -> Vec<Text> {
    let mut out = vec![];
    for lang in AUTHORED {
        let title = input.title.get(lang).map(|t| t.trim()).unwrap_or("");
        let body = input
            .body
            .get(lang)
            .map(|b| b.trim().replace("\r\n", "\n"))
            .unwrap_or_default();
        let (title_field, body_field) = match lang {
            "uz-Latn" => ("title_uz_latn", "body_uz_latn"),
            "ru" => ("title_ru", "body_ru"),
            _ => ("title_en", "body_en"),
        };
        if !(3..=200).contains(&title.chars().count()) || !clean(title) {
            errors.push(err(title_field, "err-guidance-title"));
        }
        if !(20..=20_000).contains(&body.chars().count()) || !clean(&body) {
            errors.push(err(body_field, "err-guidance-body"));
        }
        out.push(Text {
            lang: lang.into(),
            title: title.to_string(),
            body: body.clone(),
        });
        if lang == "uz-Latn" {
            out.push(Text {
                lang: "uz-Cyrl".into(),
                title: uz_text::latin_to_cyrillic(title),
                body: uz_text::latin_to_cyrillic(&body),
            });
        }
    }
    out
}

async fn check_new(
    db: &Db,
    input: &ArticleInput,
    errors: &mut Vec<FieldError>,
) -> ServiceResult<()> {
    let slug = input.slug.trim();
    let slug_ok = (3..=80).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        errors.push(err("slug", "err-guidance-slug"));
    } else if store::by_slug(db, slug).await?.is_some() {
        errors.push(err("slug", "err-guidance-slug-taken"));
    }
    if !TOPICS.contains(&input.topic.as_str()) {
        errors.push(err("topic", "err-guidance-topic"));
    }
    let destination = input.destination.trim();
    let needs_destination = input.topic == "country_guide";
    let has_destination = !destination.is_empty();
    if needs_destination != has_destination
        || (!destination.is_empty()
            && !crate::people::store::country_exists(db, destination).await?)
    {
        errors.push(err("destination", "err-guidance-destination"));
    }
    Ok(())
}

/// Writes a new article as a draft (version 1), or published when `publish` (the
/// reference articles seeded at the first start).
async fn insert(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &ArticleInput,
    publish: bool,
) -> ServiceResult<Article> {
    let acting = actor
        .require(Permission::DraftGuidance)
        .or_else(|e| actor.require(Permission::PublishGuidance).map_err(|_| e))?;
    let mut errors = vec![];
    check_new(db, input, &mut errors).await?;
    let texts = texts_of(input, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = clock.now_ms();
    let article = Article {
        id: new_id(),
        slug: input.slug.trim().into(),
        topic: input.topic.clone(),
        destination: input.destination.trim().to_uppercase(),
        status: if publish { "published" } else { "draft" }.into(),
        version: 1,
        published_version: publish.then_some(1),
        review_note: String::new(),
        updated_at: now,
    };
    let mut tx = db.begin().await?;
    store::insert_article(&mut tx, &article, now).await?;
    store::insert_texts(&mut tx, &article.id, 1, &texts, actor.user_id(), now).await?;
    if publish {
        store::index(&mut tx, &article.id, &search_texts(&texts)).await?;
    }
    let details = json!({ "slug": article.slug, "topic": article.topic, "status": article.status });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("guidance.create", "guidance", &article.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(article)
}

fn search_texts(texts: &[Text]) -> Vec<(String, String)> {
    texts
        .iter()
        .map(|t| {
            let key = model::search_key(&format!("{}\n{}", t.title, t.body));
            (t.lang.clone(), key)
        })
        .collect()
}

/// A new article, as a draft (staff who write guidance).
pub async fn create(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &ArticleInput,
) -> ServiceResult<Article> {
    insert(db, clock, actor, input, false).await
}

/// Publishes the reference articles (country guides, how to check an offer …) once, at the
/// first start, so the portal is useful from day one; editors revise them from there.
pub async fn seed(db: &Db, clock: &Clock) -> anyhow::Result<usize> {
    if store::article_count(db).await? > 0 {
        return Ok(0);
    }
    let reference: Reference = serde_json::from_str(REFERENCE_JSON)?;
    let mut written = 0;
    for article in &reference.articles {
        insert(db, clock, &Actor::console(), article, true)
            .await
            .map_err(|e| anyhow::anyhow!("guidance article {}: {e:?}", article.slug))?;
        written += 1;
    }
    Ok(written)
}

/// A revision: the next version, as a draft. `version` is the one the author started
/// from; a revision based on an older one is refused (someone else revised it meanwhile).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct Revision {
    pub version: i64,
    #[serde(default)]
    pub title: BTreeMap<String, String>,
    #[serde(default)]
    pub body: BTreeMap<String, String>,
}

pub async fn revise(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    slug: &str,
    input: &Revision,
) -> ServiceResult<Article> {
    let acting = actor.require(Permission::DraftGuidance)?;
    let article = store::by_slug(db, slug)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // A revision would bring an archived article (and its last published text) back.
    if article.status == "archived" {
        return Err(ServiceError::Conflict("err-guidance-transition"));
    }
    let mut errors = vec![];
    let written = ArticleInput {
        title: input.title.clone(),
        body: input.body.clone(),
        ..ArticleInput::default()
    };
    let texts = texts_of(&written, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if input.version != article.version
        || !store::bump_version(&mut tx, &article.id, article.version, now).await?
    {
        return Err(ServiceError::Conflict("err-guidance-stale"));
    }
    let version = article.version + 1;
    store::insert_texts(&mut tx, &article.id, version, &texts, actor.user_id(), now).await?;
    let details = json!({ "slug": slug, "version": version });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("guidance.revise", "guidance", &article.id).with(details),
    )
    .await?;
    tx.commit().await?;
    store::by_slug(db, slug)
        .await?
        .ok_or(ServiceError::NotFound)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = ArticleStepInput)]
pub struct StepInput {
    /// Why an editor sends it back (`reject`, required) or any remark.
    #[serde(default)]
    pub note: String,
}

/// A step in the review workflow: `submit` (writers), `publish`, `reject`, `archive`
/// (editors). An editor never publishes a version they wrote themselves.
pub async fn step(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    slug: &str,
    action: &str,
    input: &StepInput,
) -> ServiceResult<Article> {
    let needed = if action == "submit" {
        Permission::DraftGuidance
    } else {
        Permission::PublishGuidance
    };
    let acting = actor.require(needed)?;
    let article = store::by_slug(db, slug)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let to = model::transition(&article.status, action)
        .ok_or(ServiceError::Conflict("err-guidance-transition"))?;
    let note = input.note.trim();
    if note.chars().count() > 2000 || !clean(note) || (action == "reject" && note.is_empty()) {
        return Err(ServiceError::invalid("note", "err-guidance-note"));
    }
    if action == "publish"
        && actor.user_id().is_some()
        && store::author_of(db, &article.id, article.version).await?
            == actor.user_id().map(String::from)
    {
        return Err(ServiceError::Conflict("err-guidance-own"));
    }
    // What the search index will hold: the published text, or nothing once archived.
    let indexed = match to {
        "published" => Some(search_texts(
            &store::texts(db, &article.id, article.version).await?,
        )),
        "archived" => Some(vec![]),
        _ => None,
    };
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::move_status(
        &mut tx,
        &article.id,
        article.version,
        &article.status,
        to,
        note,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict("err-guidance-transition"));
    }
    if let Some(texts) = indexed {
        store::index(&mut tx, &article.id, &texts).await?;
    }
    let details =
        json!({ "slug": slug, "version": article.version, "from": article.status, "to": to });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new(&format!("guidance.{action}"), "guidance", &article.id).with(details),
    )
    .await?;
    tx.commit().await?;
    store::by_slug(db, slug)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A language code the portal serves, or the 422 that says so.
pub fn lang_of(lang: Option<&str>) -> ServiceResult<Option<&'static str>> {
    match lang.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(None),
        Some(l) => LANGS
            .iter()
            .find(|known| **known == l)
            .map(|known| Some(*known))
            .ok_or_else(|| ServiceError::invalid("lang", "err-guidance-lang")),
    }
}

/// The portal's search: every folded term must match (as a prefix), in either script.
/// An empty query lists everything published in the language (Uzbek Latin by default).
pub async fn search(db: &Db, q: &str, lang: Option<&str>) -> ServiceResult<Vec<Listed>> {
    if q.chars().count() > 200 {
        return Err(ServiceError::invalid("q", "err-too-long"));
    }
    let lang = lang_of(lang)?;
    let terms = model::query_terms(q, 8);
    if terms.is_empty() {
        return Ok(store::browse(db, lang.unwrap_or("uz-Latn"), None, None).await?);
    }
    Ok(store::search(db, &terms, lang, 50).await?)
}

/// Published articles in a language, by topic and destination.
pub async fn browse(
    db: &Db,
    lang: &str,
    topic: Option<&str>,
    destination: Option<&str>,
) -> ServiceResult<Vec<Listed>> {
    Ok(store::browse(db, lang, topic, destination).await?)
}

/// A published article in `lang` (Uzbek Latin when it lacks that language).
pub async fn public_article(db: &Db, slug: &str, lang: &str) -> ServiceResult<(Article, Text)> {
    let article = store::by_slug(db, slug)
        .await?
        .filter(|a| a.status != "archived")
        .ok_or(ServiceError::NotFound)?;
    let version = article.published_version.ok_or(ServiceError::NotFound)?;
    let texts = store::texts(db, &article.id, version).await?;
    let text = texts
        .iter()
        .find(|t| t.lang == lang)
        .or_else(|| texts.iter().find(|t| t.lang == "uz-Latn"))
        .cloned()
        .ok_or(ServiceError::NotFound)?;
    Ok((article, text))
}

/// Every article, for those who write or review guidance.
pub async fn all(db: &Db, actor: &Actor) -> ServiceResult<Vec<Article>> {
    if !actor.holds(Permission::DraftGuidance) && !actor.holds(Permission::PublishGuidance) {
        return Err(actor.refusal().into());
    }
    Ok(store::all(db).await?)
}

/// An article and the texts of one of its versions (the latest when `version` is None).
pub async fn for_editing(
    db: &Db,
    actor: &Actor,
    slug: &str,
    version: Option<i64>,
) -> ServiceResult<(Article, Vec<Text>)> {
    if !actor.holds(Permission::DraftGuidance) && !actor.holds(Permission::PublishGuidance) {
        return Err(actor.refusal().into());
    }
    let article = store::by_slug(db, slug)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let version = version.unwrap_or(article.version);
    if !(1..=article.version).contains(&version) {
        return Err(ServiceError::NotFound);
    }
    let texts = store::texts(db, &article.id, version).await?;
    Ok((article, texts))
}

/// What changed in one language between two versions: the title, then the body, line by
/// line.
pub async fn diff(
    db: &Db,
    actor: &Actor,
    slug: &str,
    from: i64,
    to: i64,
    lang: &str,
) -> ServiceResult<Vec<DiffLine>> {
    let lang = lang_of(Some(lang))?.unwrap_or("uz-Latn");
    let (_, old) = for_editing(db, actor, slug, Some(from)).await?;
    let (_, new) = for_editing(db, actor, slug, Some(to)).await?;
    let text = |texts: &[Text]| {
        texts
            .iter()
            .find(|t| t.lang == lang)
            .map(|t| format!("{}\n\n{}", t.title, t.body))
            .unwrap_or_default()
    };
    Ok(model::diff(&text(&old), &text(&new)))
}

/// The articles an operator should have at hand for a case: the guide to the country the
/// person is in, and the topic the case's category calls for.
pub async fn suggested(
    db: &Db,
    category: &str,
    country: &str,
    lang: &str,
) -> ServiceResult<Vec<Listed>> {
    let topic = match category {
        "REC" | "IRR" => "check_offer",
        "FIN" => "finance",
        "EMP" | "DOC" => "fees",
        _ => "complaints",
    };
    let mut out = store::browse(db, lang, Some("country_guide"), Some(country)).await?;
    out.extend(store::browse(db, lang, Some(topic), None).await?);
    Ok(out)
}
