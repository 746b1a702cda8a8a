//! The guidance module's SQL. Nothing else touches these tables. Full-text search is the
//! one place the backends differ: SQLite's FTS5 and PostgreSQL's tsvector, both over text
//! folded by `uz-text`, behind `index` and `search`.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Backend, Db, SqlBuf, Tx};

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Article {
    pub id: String,
    pub slug: String,
    pub topic: String,
    /// ISO 3166-1 alpha-2 for country guides, empty otherwise.
    pub destination: String,
    /// The state of the latest version: `draft`, `in_review`, `published` or `archived`.
    pub status: String,
    pub version: i64,
    /// The version the public sees, if any.
    pub published_version: Option<i64>,
    pub review_note: String,
    pub updated_at: i64,
}

fn article_from_row(r: &AnyRow) -> Result<Article, sqlx::Error> {
    Ok(Article {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        topic: r.try_get("topic")?,
        destination: r.try_get("destination")?,
        status: r.try_get("status")?,
        version: r.try_get("version")?,
        published_version: r.try_get("published_version")?,
        review_note: r.try_get("review_note")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const ARTICLE: &str = "SELECT id, slug, topic, destination, status, version, published_version, review_note, \
     updated_at FROM guidance_articles";

/// One language of one version.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Text {
    pub lang: String,
    pub title: String,
    pub body: String,
}

pub async fn article_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM guidance_articles")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Article>, sqlx::Error> {
    let sql = format!("{ARTICLE} WHERE slug = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(slug)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(article_from_row)
        .transpose()
}

/// Every article, for the editors' list, by topic and destination.
pub async fn all(db: &Db) -> Result<Vec<Article>, sqlx::Error> {
    let sql = format!("{ARTICLE} ORDER BY topic, destination, slug");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(article_from_row)
        .collect()
}

pub async fn insert_article(tx: &mut Tx, a: &Article, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO guidance_articles (id, slug, topic, destination, status, version, published_version, \
         review_note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $8)",
    )
    .bind(&a.id)
    .bind(&a.slug)
    .bind(&a.topic)
    .bind(&a.destination)
    .bind(&a.status)
    .bind(a.version)
    .bind(a.published_version)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_texts(
    tx: &mut Tx,
    article_id: &str,
    version: i64,
    texts: &[Text],
    author: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    for t in texts {
        sqlx::query(
            "INSERT INTO guidance_versions (id, article_id, version, lang, title, body, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(crate::platform::ids::new_id())
        .bind(article_id)
        .bind(version)
        .bind(&t.lang)
        .bind(&t.title)
        .bind(&t.body)
        .bind(author)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Starts the next version (as a draft) when the latest is still `expected_version`;
/// false when someone else's revision came first.
pub async fn bump_version(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE guidance_articles SET version = version + 1, status = 'draft', review_note = '', updated_at = $1 \
         WHERE id = $2 AND version = $3",
    )
    .bind(now)
    .bind(id)
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves the latest version from `from` to `to` (publishing it when `to` is published);
/// false when a concurrent step moved it first.
pub async fn move_status(
    tx: &mut Tx,
    id: &str,
    version: i64,
    from: &str,
    to: &str,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE guidance_articles SET status = $1, review_note = $2, updated_at = $3, \
         published_version = CASE WHEN $1 = 'published' THEN version ELSE published_version END \
         WHERE id = $4 AND version = $5 AND status = $6",
    )
    .bind(to)
    .bind(note)
    .bind(now)
    .bind(id)
    .bind(version)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn texts(db: &Db, article_id: &str, version: i64) -> Result<Vec<Text>, sqlx::Error> {
    sqlx::query(
        "SELECT lang, title, body FROM guidance_versions WHERE article_id = $1 AND version = $2 ORDER BY lang",
    )
    .bind(article_id)
    .bind(version)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Text {
            lang: r.try_get("lang")?,
            title: r.try_get("title")?,
            body: r.try_get("body")?,
        })
    })
    .collect()
}

/// Who wrote a version (the same person may not publish it).
pub async fn author_of(
    db: &Db,
    article_id: &str,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT author_id FROM guidance_versions WHERE article_id = $1 AND version = $2 LIMIT 1",
    )
    .bind(article_id)
    .bind(version)
    .fetch_optional(&db.pool)
    .await?
    .and_then(|r| r.try_get("author_id").ok().flatten()))
}

/// Replaces an article's entries in the search index with `texts` (empty: remove it).
pub async fn index(
    tx: &mut Tx,
    article_id: &str,
    texts: &[(String, String)],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM guidance_search WHERE article_id = $1")
        .bind(article_id)
        .execute(&mut **tx)
        .await?;
    for (lang, folded) in texts {
        sqlx::query("INSERT INTO guidance_search (article_id, lang, folded) VALUES ($1, $2, $3)")
            .bind(article_id)
            .bind(lang)
            .bind(folded)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A published article in one language, as the portal lists it.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Listed {
    pub slug: String,
    pub title: String,
    pub lang: String,
    /// ISO 3166-1 alpha-2 for country guides, empty otherwise.
    pub destination: String,
    pub topic: String,
}

const LISTED: &str = "SELECT a.slug, v.title, v.lang, a.destination, a.topic FROM guidance_articles a \
     JOIN guidance_versions v ON v.article_id = a.id AND v.version = a.published_version";

fn listed_from_row(r: &AnyRow) -> Result<Listed, sqlx::Error> {
    Ok(Listed {
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        lang: r.try_get("lang")?,
        destination: r.try_get("destination")?,
        topic: r.try_get("topic")?,
    })
}

/// Published articles matching every term (prefixes), best first, in `lang` if given.
/// Terms hold only letters and digits (`model::query_terms`), so they are safe inside
/// either engine's query syntax.
pub async fn search(
    db: &Db,
    terms: &[String],
    lang: Option<&str>,
    limit: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let mut sql = SqlBuf::new(&format!("{LISTED} JOIN ("));
    match db.backend {
        Backend::Sqlite => {
            let query: Vec<String> = terms.iter().map(|t| format!("\"{t}\"*")).collect();
            sql.push(
                "SELECT article_id, lang, bm25(guidance_search) AS score FROM guidance_search \
                 WHERE guidance_search MATCH ",
            )
            .bind_text(query.join(" "));
        }
        Backend::Postgres => {
            let query: Vec<String> = terms.iter().map(|t| format!("{t}:*")).collect();
            sql.push(
                "SELECT s.article_id, s.lang, -ts_rank(s.doc, q.q) AS score FROM guidance_search s, \
                 to_tsquery('simple', ",
            )
            .bind_text(query.join(" & "))
            .push(") AS q(q) WHERE s.doc @@ q.q");
        }
    }
    sql.push(") h ON h.article_id = a.id AND h.lang = v.lang WHERE a.status <> 'archived'");
    if let Some(lang) = lang {
        sql.push(" AND v.lang = ").bind_text(lang);
    }
    sql.push(" ORDER BY h.score, a.slug LIMIT ").bind_int(limit);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(listed_from_row)
        .collect()
}

/// Published articles in `lang`, filtered by topic and destination, for browsing.
pub async fn browse(
    db: &Db,
    lang: &str,
    topic: Option<&str>,
    destination: Option<&str>,
) -> Result<Vec<Listed>, sqlx::Error> {
    let mut sql = SqlBuf::new(&format!(
        "{LISTED} WHERE a.status <> 'archived' AND v.lang = "
    ));
    sql.bind_text(lang);
    if let Some(topic) = topic {
        sql.push(" AND a.topic = ").bind_text(topic);
    }
    if let Some(destination) = destination {
        sql.push(" AND a.destination = ").bind_text(destination);
    }
    sql.push(" ORDER BY a.topic, a.destination, v.title LIMIT 500");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(listed_from_row)
        .collect()
}
