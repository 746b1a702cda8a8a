//! Finance use cases: the public remittance comparison (sorted by total cost only — no
//! provider pays for a place, per the World Bank's criteria for price sites), staff entering,
//! importing and withdrawing dated, sourced quotes (each write audited in its
//! transaction), and the budget planner.

use serde_json::json;

use super::model::{self, CORRIDORS, Cost, PICKUPS, SPEEDS, STALE_AFTER_DAYS};
use super::store::{self, Quote};
use crate::platform::access::{Actor, Permission};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::{new_id, sha256_hex};

/// A quote as typed in the staff form, sent as JSON or read from a CSV row. Amounts and
/// percentages are text as people write them (`1 500.50`, `1,5`); JSON numbers are fine too.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct QuoteInput {
    /// `RU-UZ`, `KZ-UZ`, `KR-UZ`, `TR-UZ`, `GB-UZ` or `US-UZ`.
    #[serde(default)]
    pub corridor: String,
    #[serde(default)]
    pub provider: String,
    /// ISO 4217, one the corridor uses (e.g. `RUB` or `USD` from Russia).
    #[serde(default)]
    pub currency: String,
    /// The fixed part of the fee, in the currency.
    #[serde(default, deserialize_with = "text_or_number")]
    pub fee_fixed: String,
    /// The part of the fee that is a percentage of the amount.
    #[serde(default, deserialize_with = "text_or_number")]
    pub fee_percent: String,
    /// The exchange-rate margin over the mid-market rate, in percent.
    #[serde(default, deserialize_with = "text_or_number")]
    pub fx_margin: String,
    /// The band of amounts the price applies to; empty for no limit.
    #[serde(default, deserialize_with = "text_or_number")]
    pub min_amount: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub max_amount: String,
    /// `minutes`, `same_day`, `next_day` or `days`.
    #[serde(default)]
    pub speed: String,
    /// `cash`, `bank_account`, `card` or `mobile_wallet`.
    #[serde(default)]
    pub pickup: String,
    /// `YYYY-MM-DD`, the day the price was observed; not in the future.
    #[serde(default)]
    pub quoted_on: String,
    /// Where the price comes from: the provider's tariff page, a mystery-shopping visit …
    #[serde(default)]
    pub source: String,
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Null => String::new(),
        _ => return Err(serde::de::Error::custom("expected text or a number")),
    })
}

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

/// The amount in hundredths, or 0 when empty.
fn money_field(
    text: &str,
    field: &'static str,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> i64 {
    match model::parse_money(text) {
        Ok(Some(v)) => v,
        Ok(None) if !required => 0,
        Ok(None) => {
            errors.push(err(field, "err-required"));
            0
        }
        Err(m) => {
            errors.push(err(field, m));
            0
        }
    }
}

fn percent_field(text: &str, field: &'static str, errors: &mut Vec<FieldError>) -> i64 {
    match model::parse_percent(text, 20) {
        Ok(Some(v)) => v,
        Ok(None) => {
            errors.push(err(field, "err-required"));
            0
        }
        Err(m) => {
            errors.push(err(field, m));
            0
        }
    }
}

/// Checks a typed quote against the corridors and today's date.
pub fn validate(input: &QuoteInput, today: time::Date) -> Result<Quote, Vec<FieldError>> {
    let mut errors = vec![];
    let corridor = model::corridor(&input.corridor);
    if corridor.is_none() {
        errors.push(err("corridor", "err-finance-corridor"));
    }
    let currency = input.currency.trim().to_ascii_uppercase();
    if corridor.is_some_and(|c| !c.currencies.contains(&currency.as_str())) {
        errors.push(err("currency", "err-finance-currency"));
    }
    let provider = crate::platform::text::clean_text(&input.provider, 2..=100);
    if provider.is_none() {
        errors.push(err("provider", "err-finance-provider"));
    }
    let min_amount = money_field(&input.min_amount, "min_amount", false, &mut errors);
    let max_amount = money_field(&input.max_amount, "max_amount", false, &mut errors);
    if max_amount != 0 && max_amount < min_amount {
        errors.push(err("max_amount", "err-finance-band"));
    }
    let speed = input.speed.trim();
    if !SPEEDS.contains(&speed) {
        errors.push(err("speed", "err-finance-speed"));
    }
    let pickup = input.pickup.trim();
    if !PICKUPS.contains(&pickup) {
        errors.push(err("pickup", "err-finance-pickup"));
    }
    let quoted_on = crate::people::model::parse_date(&input.quoted_on)
        .filter(|d| *d <= today && d.year() >= 2000);
    if quoted_on.is_none() {
        errors.push(err("quoted_on", "err-finance-date"));
    }
    let source = crate::platform::text::clean_text(&input.source, 3..=300);
    if source.is_none() {
        errors.push(err("source", "err-finance-source"));
    }
    let quote = Quote {
        id: new_id(),
        provider: provider.unwrap_or_default(),
        corridor: corridor.map(|c| c.code.to_string()).unwrap_or_default(),
        currency,
        min_amount,
        max_amount,
        fee_fixed: money_field(&input.fee_fixed, "fee_fixed", true, &mut errors),
        fee_bp: percent_field(&input.fee_percent, "fee_percent", &mut errors),
        fx_margin_bp: percent_field(&input.fx_margin, "fx_margin", &mut errors),
        speed: speed.to_string(),
        pickup: pickup.to_string(),
        quoted_on: quoted_on.map(|d| d.to_string()).unwrap_or_default(),
        source: source.unwrap_or_default(),
        demo: false,
        withdrawn: false,
    };
    if errors.is_empty() {
        Ok(quote)
    } else {
        Err(errors)
    }
}

fn provider_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

async fn insert(
    tx: &mut crate::platform::db::Tx,
    quote: &Quote,
    actor: &Actor,
    now: i64,
) -> ServiceResult<bool> {
    let provider_id = store::provider_id(
        tx,
        &quote.provider,
        &provider_key(&quote.provider),
        &new_id(),
        now,
    )
    .await?;
    Ok(store::insert_quote(tx, quote, &provider_id, actor.user_id(), now).await?)
}

/// Records one quote (staff who keep the comparison).
pub async fn add_quote(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &QuoteInput,
) -> ServiceResult<Quote> {
    let acting = actor.require(Permission::ManageQuotes)?;
    let quote =
        validate(input, crate::recruiters::service::today(clock)).map_err(ServiceError::Invalid)?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !insert(&mut tx, &quote, actor, now).await? {
        return Err(ServiceError::Conflict("err-finance-duplicate"));
    }
    let details = json!({
        "provider": quote.provider, "corridor": quote.corridor, "currency": quote.currency,
        "quoted_on": quote.quoted_on, "source": quote.source,
    });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("finance.quote.add", "remittance_quote", &quote.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(quote)
}

/// A problem with one row of an imported file (rows count from 2, the header being 1).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: u64,
    pub field: String,
    pub message: &'static str,
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub added: usize,
    /// Rows identical in provider, corridor, currency, band and day to a quote in force.
    pub skipped: usize,
    /// When not empty, nothing was imported.
    pub errors: Vec<RowError>,
}

/// The columns an import file must have (any order; others are ignored).
pub const CSV_COLUMNS: [&str; 12] = [
    "corridor",
    "provider",
    "currency",
    "fee_fixed",
    "fee_percent",
    "fx_margin",
    "min_amount",
    "max_amount",
    "speed",
    "pickup",
    "quoted_on",
    "source",
];

pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;
const MAX_IMPORT_ROWS: usize = 5_000;

/// Reads a CSV file of quotes: all its rows, or the problems with them.
fn parse_csv(bytes: &[u8], today: time::Date) -> Result<Vec<Quote>, Vec<RowError>> {
    let file_error = |message| {
        vec![RowError {
            row: 1,
            field: "file".into(),
            message,
        }]
    };
    let text = std::str::from_utf8(bytes).map_err(|_| file_error("err-finance-csv"))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| file_error("err-finance-csv"))?
        .clone();
    let position = |name: &str| header.iter().position(|h| h.trim() == name);
    if CSV_COLUMNS.iter().any(|c| position(c).is_none()) {
        return Err(file_error("err-finance-csv-columns"));
    }
    let mut quotes = vec![];
    let mut errors = vec![];
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        if i >= MAX_IMPORT_ROWS {
            return Err(file_error("err-finance-csv-rows"));
        }
        let Ok(record) = record else {
            errors.push(RowError {
                row,
                field: "row".into(),
                message: "err-finance-csv",
            });
            continue;
        };
        let get = |name: &str| {
            position(name)
                .and_then(|p| record.get(p))
                .unwrap_or("")
                .to_string()
        };
        let input = QuoteInput {
            corridor: get("corridor"),
            provider: get("provider"),
            currency: get("currency"),
            fee_fixed: get("fee_fixed"),
            fee_percent: get("fee_percent"),
            fx_margin: get("fx_margin"),
            min_amount: get("min_amount"),
            max_amount: get("max_amount"),
            speed: get("speed"),
            pickup: get("pickup"),
            quoted_on: get("quoted_on"),
            source: get("source"),
        };
        match validate(&input, today) {
            Ok(q) => quotes.push(q),
            Err(problems) => errors.extend(problems.into_iter().map(|e| RowError {
                row,
                field: e.field.into(),
                message: e.message,
            })),
        }
    }
    if quotes.is_empty() && errors.is_empty() {
        return Err(file_error("err-finance-csv-empty"));
    }
    if errors.is_empty() {
        Ok(quotes)
    } else {
        Err(errors)
    }
}

/// Imports a CSV file of quotes, all or nothing: a file with any bad row changes nothing
/// and reports every problem. Rows already in force are skipped, so a file can be sent
/// twice.
pub async fn import_csv(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    let acting = actor.require(Permission::ManageQuotes)?;
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ServiceError::invalid("file", "err-finance-csv-size"));
    }
    let quotes = match parse_csv(bytes, crate::recruiters::service::today(clock)) {
        Ok(q) => q,
        Err(errors) => {
            return Ok(ImportReport {
                errors,
                ..ImportReport::default()
            });
        }
    };
    let now = clock.now_ms();
    let mut report = ImportReport::default();
    let mut tx = db.begin().await?;
    for quote in &quotes {
        if insert(&mut tx, quote, actor, now).await? {
            report.added += 1;
        } else {
            report.skipped += 1;
        }
    }
    let file_id = sha256_hex(bytes);
    let details = json!({ "added": report.added, "skipped": report.skipped, "sha256": file_id });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("finance.quote.import", "remittance_quotes", &file_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Takes a quote out of the comparison (a wrong entry, a price no longer offered).
pub async fn withdraw(db: &Db, clock: &Clock, actor: &Actor, id: &str) -> ServiceResult<Quote> {
    let acting = actor.require(Permission::ManageQuotes)?;
    let mut quote = store::by_id(db, id).await?.ok_or(ServiceError::NotFound)?;
    let now = clock.now_ms();
    let by = actor.user_id().unwrap_or("console");
    let mut tx = db.begin().await?;
    if !store::withdraw(&mut tx, id, by, now).await? {
        return Err(ServiceError::Conflict("err-finance-withdrawn"));
    }
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("finance.quote.withdraw", "remittance_quote", id)
            .with(json!({ "provider": quote.provider, "corridor": quote.corridor })),
    )
    .await?;
    tx.commit().await?;
    quote.withdrawn = true;
    Ok(quote)
}

/// The staff list of quotes.
pub async fn list(db: &Db, actor: &Actor, corridor: Option<&str>) -> ServiceResult<Vec<Quote>> {
    actor.require(Permission::ManageQuotes)?;
    let corridor = match corridor.filter(|c| !c.trim().is_empty()) {
        Some(c) => Some(
            model::corridor(c)
                .ok_or(ServiceError::invalid("corridor", "err-finance-corridor"))?
                .code,
        ),
        None => None,
    };
    Ok(store::list(db, corridor, false, 500).await?)
}

/// What a comparison asks: a corridor, an amount (as typed) and optionally a currency.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct CompareQuery {
    /// `RU-UZ`, `KZ-UZ`, `KR-UZ`, `TR-UZ`, `GB-UZ` or `US-UZ`.
    #[serde(default)]
    pub corridor: String,
    /// The amount to send, e.g. `200` or `15 000`.
    #[serde(default)]
    pub amount: String,
    /// ISO 4217 (one the corridor uses); the corridor's local currency when absent.
    #[serde(default)]
    pub currency: String,
}

/// One provider's offer for the asked amount.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Offer {
    pub provider: String,
    /// The fee, in the sending currency.
    pub fee: f64,
    /// The exchange-rate margin, in percent.
    pub fx_margin: f64,
    /// Fee plus the margin's cost, in the sending currency: what ranks the offers.
    pub total_cost: f64,
    /// The total cost as a percentage of the amount.
    pub total_cost_percent: f64,
    /// What arrives, valued at the mid-market rate, in the sending currency.
    pub amount_received: f64,
    /// `YYYY-MM-DD`, when the price was observed.
    pub quoted_at: String,
    pub source: String,
    /// True when the quote is more than 90 days old.
    pub stale: bool,
    pub currency: String,
    pub speed: String,
    pub pickup: String,
    /// True for the demo's invented quotes.
    pub demo: bool,
    #[serde(skip)]
    pub cost: Cost,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub corridor: String,
    pub currency: String,
    pub amount: f64,
    /// Cheapest first.
    pub items: Vec<Offer>,
}

/// Compares every provider's latest price for sending an amount: cheapest total cost
/// first, then by name. Staleness is judged against today.
pub async fn compare(db: &Db, clock: &Clock, query: &CompareQuery) -> ServiceResult<Comparison> {
    let mut errors = vec![];
    let corridor = model::corridor(&query.corridor);
    if corridor.is_none() {
        errors.push(err("corridor", "err-finance-corridor"));
    }
    let currency = match (corridor, query.currency.trim()) {
        (Some(c), "") => c.currencies[0].to_string(),
        (Some(c), asked) if c.currencies.iter().any(|k| k.eq_ignore_ascii_case(asked)) => {
            asked.to_ascii_uppercase()
        }
        (Some(_), _) => {
            errors.push(err("currency", "err-finance-currency"));
            String::new()
        }
        (None, asked) => asked.to_ascii_uppercase(),
    };
    let amount = match model::parse_money(&query.amount) {
        Ok(Some(a)) if a > 0 => a,
        Ok(_) => {
            errors.push(err("amount", "err-finance-amount"));
            0
        }
        Err(m) => {
            errors.push(err("amount", m));
            0
        }
    };
    let Some(corridor) = corridor.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let quotes = store::applicable(db, corridor.code, &currency, amount).await?;
    let today = crate::recruiters::service::today(clock);
    let mut seen = std::collections::HashSet::new();
    let mut items: Vec<Offer> = quotes
        .into_iter()
        .filter(|q| seen.insert(q.provider.clone()))
        .map(|q| offer(q, amount, today))
        .collect();
    items.sort_by(|a, b| (a.cost.total, &a.provider).cmp(&(b.cost.total, &b.provider)));
    Ok(Comparison {
        corridor: corridor.code.to_string(),
        currency,
        amount: model::decimal(amount),
        items,
    })
}

fn offer(q: Quote, amount: i64, today: time::Date) -> Offer {
    let cost = model::cost(amount, q.fee_fixed, q.fee_bp, q.fx_margin_bp);
    let stale = crate::people::model::parse_date(&q.quoted_on)
        .is_none_or(|d| (today - d).whole_days() > STALE_AFTER_DAYS);
    Offer {
        provider: q.provider,
        fee: model::decimal(cost.fee),
        fx_margin: model::decimal(q.fx_margin_bp),
        total_cost: model::decimal(cost.total),
        total_cost_percent: model::decimal(cost.total_bp),
        amount_received: model::decimal(cost.received),
        quoted_at: q.quoted_on,
        source: q.source,
        stale,
        currency: q.currency,
        speed: q.speed,
        pickup: q.pickup,
        demo: q.demo,
        cost,
    }
}

/// The corridor codes, for forms.
pub fn corridor_codes() -> Vec<&'static str> {
    CORRIDORS.iter().map(|c| c.code).collect()
}

/// Records the demo's quotes (marked demo) as the console.
pub async fn seed_demo(db: &Db, clock: &Clock, quotes: Vec<Quote>) -> ServiceResult<usize> {
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let mut added = 0;
    for quote in &quotes {
        if insert(&mut tx, quote, &Actor::console(), now).await? {
            added += 1;
        }
    }
    audit::append(
        &mut tx,
        &Actor::console(),
        None,
        now,
        Event::new("finance.quote.import", "remittance_quotes", "demo")
            .with(json!({ "added": added, "demo": true })),
    )
    .await?;
    tx.commit().await?;
    Ok(added)
}
