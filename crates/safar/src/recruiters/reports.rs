//! Reports on intermediaries. Anyone may report someone who offered work abroad (no account
//! needed); reports about the same intermediary — the same folded name or the same phone —
//! gather on one watch-list entry. Past `FLAG_THRESHOLD` reports in `FLAG_WINDOW_MS` the entry
//! is flagged: licensing officers see it, and the public check shows it as "reported".

use serde_json::json;
use sqlx::Row;

use super::service::name_words;
use crate::accounts::model::parse_phone;
use crate::platform::access::Actor;
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::{Db, SqlBuf, Tx};
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::{new_id, sha256_hex};

pub const FLAG_THRESHOLD: i64 = 3;
pub const FLAG_WINDOW_MS: i64 = 90 * 24 * 3600 * 1000;
pub const MAX_FILES: usize = 3;
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// A report as sent (JSON or the public form).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewReport {
    /// The name the intermediary gave.
    #[serde(default)]
    pub intermediary_name: String,
    /// Their phone numbers, in any usual form.
    #[serde(default)]
    pub phones: Vec<String>,
    /// A Telegram, Instagram … handle.
    #[serde(default)]
    pub social_handle: Option<String>,
    /// Where they met the person (town, district).
    #[serde(default)]
    pub place: Option<String>,
    /// The region where it happened (ISO 3166-2, e.g. `UZ-SA`), if the reporter says.
    #[serde(default)]
    pub region: Option<String>,
    /// What they asked for, in whole units of `currency`.
    #[serde(default)]
    pub fee_asked: Option<i64>,
    /// What was paid, in whole units of `currency`.
    #[serde(default)]
    pub fee_paid: Option<i64>,
    /// ISO 4217, e.g. `UZS`, `USD`.
    #[serde(default)]
    pub currency: Option<String>,
    /// What was promised (job, country, wage).
    #[serde(default)]
    pub promised: Option<String>,
    #[serde(default)]
    pub description: String,
    /// How the agency may reach the reporter, if they want.
    #[serde(default)]
    pub reporter_contact: Option<String>,
}

/// An evidence file as uploaded.
pub struct Evidence {
    pub bytes: Vec<u8>,
}

/// The file's real type, from its first bytes (the name and the browser's claim are not
/// trusted): JPEG, PNG, WebP or PDF.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

struct Valid {
    name: String,
    phones: Vec<String>,
    text: [String; 5],
    fee_asked: Option<i64>,
    fee_paid: Option<i64>,
    currency: String,
    /// ISO 3166-2, or empty when not said.
    region: String,
    files: Vec<(&'static str, Vec<u8>)>,
}

fn text(
    value: Option<&str>,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = value.unwrap_or("").trim().to_string();
    let bad_control = v.chars().any(|c| c.is_control() && c != '\n' && c != '\r');
    if v.chars().count() > max || bad_control {
        errors.push(FieldError {
            field,
            message: "err-invalid-text",
        });
    }
    v
}

async fn validate(db: &Db, r: &NewReport, files: Vec<Evidence>) -> ServiceResult<Valid> {
    let mut errors = vec![];
    let name = text(
        Some(&r.intermediary_name),
        "intermediary_name",
        200,
        &mut errors,
    );
    let phones: Vec<String> = r
        .phones
        .iter()
        .filter(|p| !p.trim().is_empty())
        .filter_map(|p| {
            parse_phone(p)
                .map_err(|_| {
                    errors.push(FieldError {
                        field: "phones",
                        message: "err-phone",
                    })
                })
                .ok()
        })
        .collect();
    if name.is_empty() && phones.is_empty() {
        errors.push(FieldError {
            field: "intermediary_name",
            message: "err-report-who",
        });
    }
    let description = text(Some(&r.description), "description", 4000, &mut errors);
    if description.chars().count() < 10 {
        errors.push(FieldError {
            field: "description",
            message: "err-report-description",
        });
    }
    for (fee, field) in [(r.fee_asked, "fee_asked"), (r.fee_paid, "fee_paid")] {
        if fee.is_some_and(|f| !(0..=1_000_000_000_000).contains(&f)) {
            errors.push(FieldError {
                field,
                message: "err-amount",
            });
        }
    }
    let currency = r.currency.as_deref().unwrap_or("").trim().to_uppercase();
    let has_fee = r.fee_asked.is_some() || r.fee_paid.is_some();
    let known =
        crate::reference::store::coded_list(db, crate::reference::store::CodedTable::Currencies)
            .await?
            .iter()
            .any(|c| c.code == currency);
    if (has_fee || !currency.is_empty()) && !known {
        errors.push(FieldError {
            field: "currency",
            message: "err-currency",
        });
    }
    if files.len() > MAX_FILES {
        errors.push(FieldError {
            field: "evidence",
            message: "err-evidence-count",
        });
    }
    let mut kept = vec![];
    for file in files.into_iter().take(MAX_FILES) {
        match sniff(&file.bytes) {
            _ if file.bytes.len() > MAX_FILE_BYTES => errors.push(FieldError {
                field: "evidence",
                message: "err-evidence-size",
            }),
            Some(kind) => kept.push((kind, file.bytes)),
            None => errors.push(FieldError {
                field: "evidence",
                message: "err-evidence-type",
            }),
        }
    }
    let texts = [
        text(
            r.social_handle.as_deref(),
            "social_handle",
            100,
            &mut errors,
        ),
        text(r.place.as_deref(), "place", 200, &mut errors),
        text(r.promised.as_deref(), "promised", 1000, &mut errors),
        description,
        text(
            r.reporter_contact.as_deref(),
            "reporter_contact",
            200,
            &mut errors,
        ),
    ];
    let region = r.region.as_deref().map(str::trim).unwrap_or_default();
    let known = region.is_empty()
        || crate::reference::store::regions(db)
            .await?
            .iter()
            .any(|known| known.iso == region);
    if !known {
        errors.push(FieldError {
            field: "region",
            message: "err-report-region",
        });
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(Valid {
        name,
        phones,
        region: region.to_string(),
        text: texts,
        fee_asked: r.fee_asked,
        fee_paid: r.fee_paid,
        currency: if has_fee { currency } else { String::new() },
        files: kept,
    })
}

/// The watch-list key of a name: its folded words in order.
fn name_key(name: &str) -> String {
    name_words(name).join(" ")
}

/// Files a report, attaches it to its watch-list entry (found by name or phone, else new) and
/// flags the entry when it crosses the threshold — all in one transaction.
pub async fn submit(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    report: &NewReport,
    files: Vec<Evidence>,
) -> ServiceResult<String> {
    let v = validate(db, report, files).await?;
    let now = clock.now_ms();
    let key = name_key(&v.name);
    let mut tx = db.begin().await?;
    let watch_id = match matching_entry(&mut tx, &key, &v.phones).await? {
        Some(id) => id,
        None => new_entry(&mut tx, &v.name, &key, now).await?,
    };
    let id = new_id();
    sqlx::query(
        "INSERT INTO intermediary_reports (id, watch_id, intermediary_name, social_handle, place, fee_asked, \
         fee_paid, currency, promised, description, reporter_contact, reporter_user_id, created_at, region_iso) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(&watch_id)
    .bind(&v.name)
    .bind(&v.text[0])
    .bind(&v.text[1])
    .bind(v.fee_asked)
    .bind(v.fee_paid)
    .bind(&v.currency)
    .bind(&v.text[2])
    .bind(&v.text[3])
    .bind(&v.text[4])
    .bind(actor.user_id())
    .bind(now)
    .bind(&v.region)
    .execute(&mut *tx)
    .await?;
    crate::analytics::facts::refresh(&mut tx, crate::analytics::facts::Source::Report, &id).await?;
    for phone in &v.phones {
        sqlx::query(
            "INSERT INTO report_phones (report_id, phone) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(phone)
        .execute(&mut *tx)
        .await?;
    }
    for (kind, bytes) in &v.files {
        sqlx::query(
            "INSERT INTO report_files (id, report_id, content_type, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(&id)
        .bind(*kind)
        .bind(bytes.len() as i64)
        .bind(sha256_hex(bytes))
        .bind(bytes.clone())
        .execute(&mut *tx)
        .await?;
    }
    let flagged = recount(&mut tx, &watch_id, now).await?;
    let details = json!({ "watch": watch_id, "files": v.files.len(), "flagged": flagged });
    audit::append(
        &mut tx,
        actor,
        None,
        now,
        Event::new("report.create", "intermediary_report", &id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn matching_entry(
    tx: &mut Tx,
    key: &str,
    phones: &[String],
) -> Result<Option<String>, sqlx::Error> {
    let mut sql = SqlBuf::new("SELECT w.id FROM watch_entries w WHERE (");
    let mut any = false;
    if !key.is_empty() {
        sql.push("w.name_key = ").bind_text(key.to_string());
        any = true;
    }
    if !phones.is_empty() {
        if any {
            sql.push(" OR ");
        }
        sql.push("w.id IN (SELECT r.watch_id FROM intermediary_reports r JOIN report_phones p ON p.report_id = r.id WHERE p.phone IN (");
        for (i, phone) in phones.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(phone.clone());
        }
        sql.push("))");
        any = true;
    }
    if !any {
        return Ok(None);
    }
    sql.push(") ORDER BY w.created_at, w.id LIMIT 1");
    sql.query()
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

async fn new_entry(tx: &mut Tx, name: &str, key: &str, now: i64) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO watch_entries (id, display_name, name_key, reports, created_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4)",
    )
    .bind(&id)
    .bind(name)
    .bind(key)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let mut words = name_words(name);
    words.extend(name_words(&super::service::other_script(name)));
    for word in words {
        sqlx::query(
            "INSERT INTO watch_words (word, watch_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(word)
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// Recounts the entry's reports of the last 90 days and flags it at the threshold; returns
/// whether it is flagged.
async fn recount(tx: &mut Tx, watch_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let recent: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM intermediary_reports WHERE watch_id = $1 AND created_at > $2",
    )
    .bind(watch_id)
    .bind(now - FLAG_WINDOW_MS)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    sqlx::query(
        "UPDATE watch_entries SET reports = $1, updated_at = $2, \
         flagged_at = CASE WHEN flagged_at IS NULL AND $1 >= $3 THEN $2 ELSE flagged_at END WHERE id = $4",
    )
    .bind(recent)
    .bind(now)
    .bind(FLAG_THRESHOLD)
    .bind(watch_id)
    .execute(&mut **tx)
    .await?;
    let flagged: Option<i64> = sqlx::query("SELECT flagged_at FROM watch_entries WHERE id = $1")
        .bind(watch_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("flagged_at")?;
    if flagged.is_some() {
        // A flagged entry's reports, names and phones show on the public check.
        super::register::touch(tx).await?;
    }
    Ok(flagged.is_some())
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct WatchEntry {
    pub id: String,
    pub display_name: String,
    /// Reports in the last 90 days (when last counted).
    pub reports: i64,
    pub flagged_at_ms: Option<i64>,
    pub phones: Vec<String>,
}

fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<WatchEntry, sqlx::Error> {
    Ok(WatchEntry {
        id: r.try_get("id")?,
        display_name: r.try_get("display_name")?,
        reports: r.try_get("reports")?,
        flagged_at_ms: r.try_get("flagged_at")?,
        phones: vec![],
    })
}

async fn phones_of(db: &Db, watch_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query(
        "SELECT DISTINCT p.phone FROM report_phones p JOIN intermediary_reports r ON r.id = p.report_id \
         WHERE r.watch_id = $1 ORDER BY p.phone",
    )
    .bind(watch_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get("phone"))
    .collect()
}

/// The watch list for licensing officers: flagged entries first, then by report count.
pub async fn watch_list(db: &Db, limit: i64) -> Result<Vec<WatchEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, display_name, reports, flagged_at FROM watch_entries \
         ORDER BY CASE WHEN flagged_at IS NULL THEN 1 ELSE 0 END, reports DESC, updated_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut entries = vec![];
    for row in &rows {
        let mut e = entry_from_row(row)?;
        e.phones = phones_of(db, &e.id).await?;
        entries.push(e);
    }
    Ok(entries)
}

/// Flagged entries whose name has every query word as a prefix, or that carry `phone`.
/// Every flagged watch-list entry with its name words and reported phones (the in-memory
/// register): (entries by most reports, (word, entry id), (phone, entry id)).
pub async fn flagged_all(
    db: &Db,
) -> Result<
    (
        Vec<super::register::Flagged>,
        Vec<(String, String)>,
        Vec<(String, String)>,
    ),
    sqlx::Error,
> {
    let entries = sqlx::query(
        "SELECT id, display_name, reports FROM watch_entries WHERE flagged_at IS NOT NULL ORDER BY reports DESC, id",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(super::register::Flagged {
            id: r.try_get("id")?,
            display_name: r.try_get("display_name")?,
            reports: r.try_get("reports")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let pairs = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("k")?, r.try_get("id")?)))
            .collect::<Result<Vec<(String, String)>, sqlx::Error>>()
    };
    let words = pairs(
        "SELECT ww.word AS k, ww.watch_id AS id FROM watch_words ww JOIN watch_entries w ON w.id = ww.watch_id \
         WHERE w.flagged_at IS NOT NULL",
    )
    .await?;
    let phones = pairs(
        "SELECT DISTINCT p.phone AS k, r.watch_id AS id FROM report_phones p \
         JOIN intermediary_reports r ON r.id = p.report_id JOIN watch_entries w ON w.id = r.watch_id \
         WHERE w.flagged_at IS NOT NULL",
    )
    .await?;
    Ok((entries, words, phones))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_recognised_by_its_content_not_its_name() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\0 an executable"), None);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
    }
}
