//! The finance module's SQL. Nothing else touches these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, SqlBuf, Tx, opt_i64};

/// A provider's price for sending money in a corridor, as observed on a day.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Quote {
    pub id: String,
    pub provider: String,
    pub corridor: String,
    pub currency: String,
    /// The band of amounts it applies to, in hundredths; 0 = no limit.
    pub min_amount: i64,
    pub max_amount: i64,
    /// Hundredths of the currency.
    pub fee_fixed: i64,
    /// Basis points of the amount.
    pub fee_bp: i64,
    pub fx_margin_bp: i64,
    pub speed: String,
    pub pickup: String,
    /// `YYYY-MM-DD`.
    pub quoted_on: String,
    pub source: String,
    pub demo: bool,
    pub withdrawn: bool,
}

fn quote_from_row(r: &AnyRow) -> Result<Quote, sqlx::Error> {
    Ok(Quote {
        id: r.try_get("id")?,
        provider: r.try_get("provider")?,
        corridor: r.try_get("corridor")?,
        currency: r.try_get("currency")?,
        min_amount: r.try_get("min_amount")?,
        max_amount: r.try_get("max_amount")?,
        fee_fixed: r.try_get("fee_fixed")?,
        fee_bp: r.try_get("fee_bp")?,
        fx_margin_bp: r.try_get("fx_margin_bp")?,
        speed: r.try_get("speed")?,
        pickup: r.try_get("pickup")?,
        quoted_on: r.try_get("quoted_on")?,
        source: r.try_get("source")?,
        demo: r.try_get::<i64, _>("demo")? != 0,
        withdrawn: opt_i64(r, "withdrawn_at")?.is_some(),
    })
}

const QUOTE: &str = "SELECT q.id, p.name AS provider, q.corridor, q.currency, q.min_amount, \
     q.max_amount, q.fee_fixed, q.fee_bp, q.fx_margin_bp, q.speed, q.pickup, q.quoted_on, \
     q.source, q.demo, q.withdrawn_at FROM remittance_quotes q \
     JOIN remittance_providers p ON p.id = q.provider_id";

/// The quotes in force for sending `amount` in a corridor and currency, newest first.
pub async fn applicable(
    db: &Db,
    corridor: &str,
    currency: &str,
    amount: i64,
) -> Result<Vec<Quote>, sqlx::Error> {
    let sql = format!(
        "{QUOTE} WHERE q.withdrawn_at IS NULL AND q.corridor = $1 AND q.currency = $2 \
         AND q.min_amount <= $3 AND (q.max_amount = 0 OR q.max_amount >= $4) \
         ORDER BY q.quoted_on DESC, q.created_at DESC"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(corridor)
        .bind(currency)
        .bind(amount)
        .bind(amount)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(quote_from_row)
        .collect()
}

/// The staff list: quotes in force (or all), optionally of one corridor, newest first.
pub async fn list(
    db: &Db,
    corridor: Option<&str>,
    with_withdrawn: bool,
    limit: i64,
) -> Result<Vec<Quote>, sqlx::Error> {
    let mut q = SqlBuf::new(QUOTE);
    q.push(" WHERE 1 = 1");
    if !with_withdrawn {
        q.push(" AND q.withdrawn_at IS NULL");
    }
    if let Some(c) = corridor {
        q.push(" AND q.corridor = ").bind_text(c);
    }
    q.push(" ORDER BY q.quoted_on DESC, p.name, q.created_at DESC LIMIT ")
        .bind_int(limit);
    q.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(quote_from_row)
        .collect()
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<Quote>, sqlx::Error> {
    let sql = format!("{QUOTE} WHERE q.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(quote_from_row)
        .transpose()
}

/// The provider of this name (folded), created when new.
pub async fn provider_id(
    tx: &mut Tx,
    name: &str,
    key: &str,
    new_id: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    sqlx::query(
        "INSERT INTO remittance_providers (id, name, name_key, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(new_id)
    .bind(name)
    .bind(key)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("SELECT id FROM remittance_providers WHERE name_key = $1")
        .bind(key)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")
}

/// Records a quote; false when the same provider, corridor, currency, band and day is
/// already in force (the row is then left alone).
pub async fn insert_quote(
    tx: &mut Tx,
    q: &Quote,
    provider_id: &str,
    entered_by: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO remittance_quotes (id, provider_id, corridor, currency, min_amount, max_amount, \
         fee_fixed, fee_bp, fx_margin_bp, speed, pickup, quoted_on, source, demo, entered_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&q.id)
    .bind(provider_id)
    .bind(&q.corridor)
    .bind(&q.currency)
    .bind(q.min_amount)
    .bind(q.max_amount)
    .bind(q.fee_fixed)
    .bind(q.fee_bp)
    .bind(q.fx_margin_bp)
    .bind(&q.speed)
    .bind(&q.pickup)
    .bind(&q.quoted_on)
    .bind(&q.source)
    .bind(i64::from(q.demo))
    .bind(entered_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a quote out of the comparison; false when it was not in force.
pub async fn withdraw(tx: &mut Tx, id: &str, by: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE remittance_quotes SET withdrawn_at = $1, withdrawn_by = $2 \
         WHERE id = $3 AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn quote_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM remittance_quotes")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}
