//! The payments ledger: a worker records what they paid, to whom and for what, with a
//! receipt. A recruitment fee or related cost paid to a recruiter is a red flag on the
//! recruiter (and on the vacancy, when it was for one): under the employer-pays principle
//! the worker never pays to be recruited.

use serde_json::json;
use sqlx::Row;

use super::store as vacancies;
use crate::people::service::Deps;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;
use crate::recruiters::reports::{MAX_FILE_BYTES, sniff};

pub const PURPOSES: &[&str] = &[
    "recruitment_fee",
    "visa",
    "medical",
    "training",
    "travel",
    "documents",
    "other",
];

/// Recruitment fees and related costs (ILO definition, 2019): a worker must not be charged
/// any of them. "Other" payments are recorded without a flag.
fn breaks_employer_pays(purpose: &str) -> bool {
    purpose != "other"
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewPayment {
    /// The recruiter's name or licence number as the worker knows it.
    #[serde(default)]
    pub paid_to: String,
    /// The vacancy reference, if the payment was for one.
    #[serde(default)]
    pub vacancy: Option<String>,
    /// `recruitment_fee`, `visa`, `medical`, `training`, `travel`, `documents` or `other`.
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub amount: Option<i64>,
    /// ISO 4217, e.g. `USD`.
    #[serde(default)]
    pub currency: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub paid_on: String,
}

/// A receipt as uploaded (its type is read from its content).
pub struct Receipt {
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Payment {
    pub id: String,
    pub paid_to: String,
    pub recruiter_id: Option<String>,
    pub vacancy: Option<String>,
    pub purpose: String,
    pub amount: i64,
    pub currency: String,
    pub paid_on: String,
    /// The payment breaks the employer-pays principle.
    pub red_flag: bool,
    pub has_receipt: bool,
}

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

struct Valid {
    paid_to: String,
    recruiter_id: Option<String>,
    vacancy: Option<vacancies::Vacancy>,
    purpose: String,
    amount: i64,
    currency: String,
    paid_on: String,
    receipt: Option<(&'static str, Vec<u8>)>,
}

/// The recruiter a payment went to: the vacancy's, or the one with that licence number.
async fn recruiter_of(
    deps: Deps<'_>,
    paid_to: &str,
    vacancy: Option<&vacancies::Vacancy>,
) -> Result<Option<String>, sqlx::Error> {
    if let Some(v) = vacancy {
        return Ok(Some(v.recruiter_id.clone()));
    }
    let compact: String = paid_to.chars().filter(|c| !c.is_whitespace()).collect();
    let upper = compact.to_uppercase();
    if !upper.starts_with("PEA-") {
        return Ok(None);
    }
    let found = crate::recruiters::store::search(deps.db, &[], Some(&upper), false, 1).await?;
    Ok(found.into_iter().next().map(|r| r.id))
}

async fn validate(
    deps: Deps<'_>,
    p: &NewPayment,
    receipt: Option<Receipt>,
) -> ServiceResult<Valid> {
    let mut errors = vec![];
    let paid_to = p.paid_to.trim().to_string();
    if paid_to.chars().count() < 2 {
        errors.push(err("paid_to", "err-required"));
    } else if paid_to.chars().count() > 200 || paid_to.chars().any(char::is_control) {
        errors.push(err("paid_to", "err-invalid-text"));
    }
    let reference = p
        .vacancy
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let vacancy = match reference {
        Some(r) => match super::model::normalise_reference(r) {
            Some(r) => vacancies::by_reference(deps.db, &r).await?,
            None => None,
        },
        None => None,
    };
    if reference.is_some() && vacancy.is_none() {
        errors.push(err("vacancy", "err-vacancy-reference"));
    }
    if !PURPOSES.contains(&p.purpose.as_str()) {
        errors.push(err("purpose", "err-payment-purpose"));
    }
    let amount = match p.amount {
        Some(n) if (1..=10_000_000_000).contains(&n) => n,
        _ => {
            errors.push(err("amount", "err-amount"));
            0
        }
    };
    let currency = p.currency.trim().to_uppercase();
    let known = crate::reference::store::coded_list(
        deps.db,
        crate::reference::store::CodedTable::Currencies,
    )
    .await?
    .iter()
    .any(|c| c.code == currency);
    if !known {
        errors.push(err("currency", "err-currency"));
    }
    match crate::people::model::parse_date(&p.paid_on) {
        Some(d) if d <= crate::recruiters::service::today(deps.clock) && d.year() >= 2000 => {}
        _ => errors.push(err("paid_on", "err-date")),
    }
    let receipt = match receipt.filter(|r| !r.bytes.is_empty()) {
        None => None,
        Some(r) if r.bytes.len() > MAX_FILE_BYTES => {
            errors.push(err("receipt", "err-evidence-size"));
            None
        }
        Some(r) => match sniff(&r.bytes) {
            Some(kind) => Some((kind, r.bytes)),
            None => {
                errors.push(err("receipt", "err-evidence-type"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(Valid {
        recruiter_id: recruiter_of(deps, &paid_to, vacancy.as_ref()).await?,
        paid_to,
        vacancy,
        purpose: p.purpose.clone(),
        amount,
        currency,
        paid_on: p.paid_on.trim().to_string(),
        receipt,
    })
}

/// A citizen records a payment in their own ledger; returns it.
pub async fn record(
    deps: Deps<'_>,
    actor: &Actor,
    input: &NewPayment,
    receipt: Option<Receipt>,
) -> ServiceResult<Payment> {
    actor.require(Permission::ApplyToVacancies)?;
    let person_id = crate::people::service::own_person_id(deps.db, actor)
        .await?
        .ok_or(ServiceError::Conflict("err-profile-needed"))?;
    let v = validate(deps, input, receipt).await?;
    let red_flag = v.recruiter_id.is_some() && breaks_employer_pays(&v.purpose);
    let id = new_id();
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    sqlx::query(
        "INSERT INTO payments (id, person_id, recruiter_id, paid_to, vacancy_id, purpose, amount, currency, paid_on, \
         red_flag, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(&person_id)
    .bind(&v.recruiter_id)
    .bind(&v.paid_to)
    .bind(v.vacancy.as_ref().map(|x| x.id.clone()))
    .bind(&v.purpose)
    .bind(v.amount)
    .bind(&v.currency)
    .bind(&v.paid_on)
    .bind(i64::from(red_flag))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some((kind, bytes)) = &v.receipt {
        sqlx::query("INSERT INTO payment_receipts (payment_id, content_type, size, content) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(*kind)
            .bind(bytes.len() as i64)
            .bind(bytes.clone())
            .execute(&mut *tx)
            .await?;
    }
    if red_flag && let Some(vacancy) = &v.vacancy {
        sqlx::query(
            "UPDATE vacancies SET red_flag = 'worker_paid_fee' WHERE id = $1 AND red_flag = ''",
        )
        .bind(&vacancy.id)
        .execute(&mut *tx)
        .await?;
    }
    let details = json!({ "purpose": v.purpose, "amount": v.amount, "currency": v.currency,
                          "recruiter": v.recruiter_id, "red_flag": red_flag });
    audit::append(
        &mut tx,
        actor,
        Some(Role::Citizen),
        now,
        Event::new("payment.record", "person", &person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(Payment {
        id,
        paid_to: v.paid_to,
        recruiter_id: v.recruiter_id,
        vacancy: v.vacancy.map(|x| x.reference),
        purpose: v.purpose,
        amount: v.amount,
        currency: v.currency,
        paid_on: v.paid_on,
        red_flag,
        has_receipt: v.receipt.is_some(),
    })
}

/// The signed-in citizen's ledger, newest first.
pub async fn mine(deps: Deps<'_>, actor: &Actor) -> ServiceResult<Vec<Payment>> {
    actor.require(Permission::ApplyToVacancies)?;
    let Some(person_id) = crate::people::service::own_person_id(deps.db, actor).await? else {
        return Ok(vec![]);
    };
    let rows = sqlx::query(
        "SELECT p.id, p.paid_to, p.recruiter_id, v.reference, p.purpose, p.amount, p.currency, p.paid_on, p.red_flag, \
         (SELECT COUNT(*) FROM payment_receipts r WHERE r.payment_id = p.id) AS receipts \
         FROM payments p LEFT JOIN vacancies v ON v.id = p.vacancy_id WHERE p.person_id = $1 ORDER BY p.created_at DESC LIMIT 200",
    )
    .bind(&person_id)
    .fetch_all(&deps.db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(Payment {
                id: r.try_get("id")?,
                paid_to: r.try_get("paid_to")?,
                recruiter_id: r.try_get("recruiter_id")?,
                vacancy: r.try_get("reference")?,
                purpose: r.try_get("purpose")?,
                amount: r.try_get("amount")?,
                currency: r.try_get("currency")?,
                paid_on: r.try_get("paid_on")?,
                red_flag: r.try_get::<i64, _>("red_flag")? != 0,
                has_receipt: r.try_get::<i64, _>("receipts")? > 0,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// Recruiters workers reported paying recruitment fees to: (recruiter id, payments), for
/// the licensing officers' queue and the recruiter's record. Counts only, no person.
pub async fn fee_reports(db: &crate::platform::db::Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT recruiter_id, COUNT(*) FROM payments WHERE red_flag = 1 AND recruiter_id IS NOT NULL \
         GROUP BY recruiter_id ORDER BY COUNT(*) DESC LIMIT 200",
    )
    .fetch_all(&db.pool)
    .await
}
