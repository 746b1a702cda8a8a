//! SQL for the work around a case: partners, referrals and their updates, notes,
//! break-the-glass grants and family followers. Nothing else touches these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, SqlBuf, Tx};

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Partner {
    pub id: String,
    pub name: String,
    /// `consulate`, `agency_office`, `iom`, `ngo_shelter`, `ministry` or `legal_aid`.
    pub kind: String,
    /// Where the partner works (ISO 3166-1 alpha-2; `UZ` at home).
    pub country: String,
    pub contact: String,
    pub active: bool,
}

fn partner_from_row(r: &AnyRow) -> Result<Partner, sqlx::Error> {
    Ok(Partner {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        country: r.try_get("country_iso2")?,
        contact: r.try_get("contact")?,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

pub async fn insert_partner(tx: &mut Tx, p: &Partner, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO partners (id, name, kind, country_iso2, contact, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&p.id)
    .bind(&p.name)
    .bind(&p.kind)
    .bind(&p.country)
    .bind(&p.contact)
    .bind(i64::from(p.active))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn partner_named(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM partners WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

pub async fn partners(db: &Db) -> Result<Vec<Partner>, sqlx::Error> {
    sqlx::query("SELECT * FROM partners ORDER BY country_iso2, name")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(partner_from_row)
        .collect()
}

pub async fn partner(db: &Db, id: &str) -> Result<Option<Partner>, sqlx::Error> {
    sqlx::query("SELECT * FROM partners WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(partner_from_row)
        .transpose()
}

/// A referral with what its partner needs to see; the case's own text never is.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Referral {
    pub id: String,
    pub case_id: String,
    pub partner_id: String,
    pub partner_name: String,
    /// `sent`, `accepted`, `declined` or `done`.
    pub status: String,
    /// What the partner is asked to do.
    pub request: String,
    /// The case's category, priority and where the person is.
    pub category: String,
    pub priority: String,
    pub country: String,
    pub city: String,
    /// Whether the person agreed to share their name and phone with this partner.
    pub identity_shared: bool,
    pub created_at: i64,
    pub updates: Vec<ReferralUpdate>,
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ReferralUpdate {
    /// `sent`, `accept`, `decline`, `update` or `done`.
    pub action: String,
    /// `agency` or `partner`.
    pub side: String,
    pub body: String,
    pub at: i64,
}

const REFERRAL: &str = "SELECT r.id, r.case_id, r.partner_id, p.name AS partner_name, r.status, r.request, \
     r.identity_shared, r.created_at, c.category, c.priority, c.country_iso2, c.city \
     FROM referrals r JOIN partners p ON p.id = r.partner_id JOIN cases c ON c.id = r.case_id";

fn referral_from_row(r: &AnyRow) -> Result<Referral, sqlx::Error> {
    Ok(Referral {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        partner_id: r.try_get("partner_id")?,
        partner_name: r.try_get("partner_name")?,
        status: r.try_get("status")?,
        request: r.try_get("request")?,
        category: r.try_get("category")?,
        priority: r.try_get("priority")?,
        country: r.try_get("country_iso2")?,
        city: r.try_get("city")?,
        identity_shared: r.try_get::<i64, _>("identity_shared")? != 0,
        created_at: r.try_get("created_at")?,
        updates: vec![],
    })
}

pub struct NewReferral<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    pub partner_id: &'a str,
    pub request: &'a str,
    pub identity_shared: bool,
    pub created_by: Option<&'a str>,
}

pub async fn insert_referral(
    tx: &mut Tx,
    r: &NewReferral<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO referrals (id, case_id, partner_id, status, request, identity_shared, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, 'sent', $4, $5, $6, $7, $7)",
    )
    .bind(r.id)
    .bind(r.case_id)
    .bind(r.partner_id)
    .bind(r.request)
    .bind(i64::from(r.identity_shared))
    .bind(r.created_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    add_update(tx, r.id, "sent", "agency", r.request, r.created_by, now).await
}

pub async fn add_update(
    tx: &mut Tx,
    referral_id: &str,
    action: &str,
    side: &str,
    body: &str,
    author: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO referral_updates (id, referral_id, action, side, body, author_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::platform::ids::new_id())
    .bind(referral_id)
    .bind(action)
    .bind(side)
    .bind(body)
    .bind(author)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves a referral from `from` to `to`; false when a concurrent action moved it first.
pub async fn move_referral(
    tx: &mut Tx,
    id: &str,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE referrals SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The updates of the referrals that `filter` (`r.id = $1` or `r.case_id = $1`) selects,
/// oldest first, with their referral's id: one statement however many referrals.
async fn updates(
    db: &Db,
    filter: &str,
    value: &str,
) -> Result<Vec<(String, ReferralUpdate)>, sqlx::Error> {
    let sql = format!(
        "SELECT u.referral_id, u.action, u.side, u.body, u.at FROM referral_updates u \
         JOIN referrals r ON r.id = u.referral_id WHERE {filter} ORDER BY u.at, u.id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|u| {
            let update = ReferralUpdate {
                action: u.try_get("action")?,
                side: u.try_get("side")?,
                body: u.try_get("body")?,
                at: u.try_get("at")?,
            };
            Ok((u.try_get("referral_id")?, update))
        })
        .collect()
}

/// Referrals with their updates: the rows `filter` selects, then all their updates at once.
async fn with_updates(db: &Db, filter: &str, value: &str) -> Result<Vec<Referral>, sqlx::Error> {
    let sql = format!("{REFERRAL} WHERE {filter} ORDER BY r.created_at, r.id");
    let mut referrals = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(referral_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    for (id, update) in updates(db, filter, value).await? {
        if let Some(r) = referrals.iter_mut().find(|r| r.id == id) {
            r.updates.push(update);
        }
    }
    Ok(referrals)
}

pub async fn referral(db: &Db, id: &str) -> Result<Option<Referral>, sqlx::Error> {
    Ok(with_updates(db, "r.id = $1", id).await?.pop())
}

/// The referrals of a case, each with its updates, oldest first.
pub async fn referrals_of_case(db: &Db, case_id: &str) -> Result<Vec<Referral>, sqlx::Error> {
    with_updates(db, "r.case_id = $1", case_id).await
}

/// The referrals sent to any of `partners`, open ones (sent, accepted) first, newest first.
pub async fn referrals_to(db: &Db, partners: &[String]) -> Result<Vec<Referral>, sqlx::Error> {
    if partners.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = SqlBuf::new(&format!("{REFERRAL} WHERE "));
    sql.in_list("r.partner_id", partners).push(
        " ORDER BY CASE WHEN r.status IN ('sent', 'accepted') THEN 0 ELSE 1 END, r.created_at DESC, r.id LIMIT 500",
    );
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(referral_from_row)
        .collect()
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Note {
    pub id: String,
    /// `internal` (staff only) or `public` (also the family following the case).
    pub visibility: String,
    pub body: String,
    pub at: i64,
}

pub async fn insert_note(
    tx: &mut Tx,
    case_id: &str,
    note: &Note,
    author: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_notes (id, case_id, visibility, body, author_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&note.id)
    .bind(case_id)
    .bind(&note.visibility)
    .bind(&note.body)
    .bind(author)
    .bind(note.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A case's notes, oldest first; only the public ones when `public_only`.
pub async fn notes(db: &Db, case_id: &str, public_only: bool) -> Result<Vec<Note>, sqlx::Error> {
    let filter = if public_only {
        " AND visibility = 'public'"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id, visibility, body, at FROM case_notes WHERE case_id = $1{filter} ORDER BY at, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Note {
                id: r.try_get("id")?,
                visibility: r.try_get("visibility")?,
                body: r.try_get("body")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

pub async fn insert_grant(
    tx: &mut Tx,
    case_id: &str,
    user_id: &str,
    region: &str,
    reason: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_access_grants (id, case_id, user_id, region_iso, reason, granted_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::platform::ids::new_id())
    .bind(case_id)
    .bind(user_id)
    .bind(region)
    .bind(reason)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When the user's break-the-glass access to the case ends, if it has not yet.
pub async fn active_grant(
    db: &Db,
    case_id: &str,
    user_id: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(
        "SELECT MAX(expires_at) AS until FROM case_access_grants WHERE user_id = $1 AND case_id = $2 AND expires_at > $3",
    )
    .bind(user_id)
    .bind(case_id)
    .bind(now)
    .fetch_one(&db.pool)
    .await?
    .try_get("until")
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct GlassAccess {
    /// `case` or `person`.
    pub kind: String,
    /// The case's or the person's id.
    pub target_id: String,
    pub user: String,
    pub region: String,
    pub reason: String,
    pub granted_at: i64,
    pub expires_at: i64,
}

/// Break-the-glass accesses since `since`, newest first, on cases in `regions` (None: all).
pub async fn grants_since(
    db: &Db,
    since: i64,
    regions: Option<&[String]>,
) -> Result<Vec<GlassAccess>, sqlx::Error> {
    let mut sql = SqlBuf::new(
        "SELECT g.case_id, u.display_name, g.region_iso, g.reason, g.granted_at, g.expires_at \
         FROM case_access_grants g JOIN users u ON u.id = g.user_id WHERE g.granted_at >= ",
    );
    sql.bind_int(since);
    if let Some(regions) = regions {
        if regions.is_empty() {
            return Ok(vec![]);
        }
        sql.push(" AND ").in_list("g.region_iso", regions);
    }
    sql.push(" ORDER BY g.granted_at DESC LIMIT 500");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(GlassAccess {
                kind: "case".into(),
                target_id: r.try_get("case_id")?,
                user: r.try_get("display_name")?,
                region: r.try_get("region_iso")?,
                reason: r.try_get("reason")?,
                granted_at: r.try_get("granted_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect()
}

/// A family member following a case.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Follower {
    pub id: String,
    pub user_id: String,
    pub display_name: String,
    /// `spouse`, `parent`, `child`, `sibling` or `other`.
    pub relation: String,
    /// `migrant` (from their own account) or `operator` (with the migrant's consent).
    pub granted_via: String,
    pub granted_at: i64,
}

pub struct NewFollower<'a> {
    pub case_id: &'a str,
    pub user_id: &'a str,
    pub relation: &'a str,
    pub granted_via: &'a str,
    pub granted_by: Option<&'a str>,
}

pub async fn insert_follower(
    tx: &mut Tx,
    f: &NewFollower<'_>,
    now: i64,
) -> Result<String, sqlx::Error> {
    let id = crate::platform::ids::new_id();
    sqlx::query(
        "INSERT INTO case_followers (id, case_id, user_id, relation, granted_via, granted_by, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(f.case_id)
    .bind(f.user_id)
    .bind(f.relation)
    .bind(f.granted_via)
    .bind(f.granted_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Ends a follower's access; false when it had already ended (or is not on this case).
pub async fn revoke_follower(
    tx: &mut Tx,
    case_id: &str,
    follower_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE case_followers SET revoked_at = $1 WHERE id = $2 AND case_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(follower_id)
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The family members following a case now.
pub async fn followers(db: &Db, case_id: &str) -> Result<Vec<Follower>, sqlx::Error> {
    sqlx::query(
        "SELECT f.id, f.user_id, u.display_name, f.relation, f.granted_via, f.granted_at FROM case_followers f \
         JOIN users u ON u.id = f.user_id WHERE f.case_id = $1 AND f.revoked_at IS NULL ORDER BY f.granted_at",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Follower {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            display_name: r.try_get("display_name")?,
            relation: r.try_get("relation")?,
            granted_via: r.try_get("granted_via")?,
            granted_at: r.try_get("granted_at")?,
        })
    })
    .collect()
}

/// What a family member (or the migrant) sees of a case: never the summary or internal
/// notes.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct FamilyCase {
    pub id: String,
    pub category: String,
    pub status: String,
    pub country: String,
    pub opened_at: i64,
    pub updated_at: i64,
    /// `own` for the migrant's own case, otherwise the follower's relation.
    pub relation: String,
}

/// The cases a citizen account may follow: those of the person it is linked to, and those
/// a migrant shared with it.
pub async fn followed_by(db: &Db, user_id: &str) -> Result<Vec<FamilyCase>, sqlx::Error> {
    sqlx::query(
        "SELECT c.id, c.category, c.status, c.country_iso2, c.created_at, c.updated_at, 'own' AS relation \
         FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.user_id = $1 \
         UNION ALL SELECT c.id, c.category, c.status, c.country_iso2, c.created_at, c.updated_at, f.relation \
         FROM cases c JOIN case_followers f ON f.case_id = c.id WHERE f.user_id = $1 AND f.revoked_at IS NULL \
         ORDER BY 6 DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(FamilyCase {
            id: r.try_get("id")?,
            category: r.try_get("category")?,
            status: r.try_get("status")?,
            country: r.try_get("country_iso2")?,
            opened_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            relation: r.try_get("relation")?,
        })
    })
    .collect()
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    /// Recognised from the content: `application/pdf`, `image/jpeg`, `image/png`,
    /// `image/webp`.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub at: i64,
}

fn attachment_from_row(r: &AnyRow) -> Result<Attachment, sqlx::Error> {
    Ok(Attachment {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        at: r.try_get("at")?,
    })
}

pub async fn insert_attachment(
    tx: &mut Tx,
    case_id: &str,
    a: &Attachment,
    content: &[u8],
    uploaded_by: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_attachments (id, case_id, name, content_type, size, sha256, content, uploaded_by, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&a.id)
    .bind(case_id)
    .bind(&a.name)
    .bind(&a.content_type)
    .bind(a.size)
    .bind(&a.sha256)
    .bind(content.to_vec())
    .bind(uploaded_by)
    .bind(a.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn attachments(db: &Db, case_id: &str) -> Result<Vec<Attachment>, sqlx::Error> {
    sqlx::query(
        "SELECT id, name, content_type, size, sha256, at FROM case_attachments WHERE case_id = $1 ORDER BY at, id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(attachment_from_row)
    .collect()
}

/// An attachment of a case with its content.
pub async fn attachment(
    db: &Db,
    case_id: &str,
    id: &str,
) -> Result<Option<(Attachment, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, content_type, size, sha256, at, content FROM case_attachments WHERE case_id = $1 AND id = $2",
    )
    .bind(case_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some((attachment_from_row(&r)?, r.try_get("content")?))),
        None => Ok(None),
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Link {
    /// `recruiter`, `vacancy` or `complaint`.
    pub kind: String,
    /// The recruiter's id, the vacancy's reference or the complaint's id.
    pub target: String,
    pub label: String,
    pub at: i64,
}

/// Links a case to a record; false when the same link exists already.
pub async fn insert_link(
    tx: &mut Tx,
    case_id: &str,
    link: &Link,
    created_by: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO case_links (id, case_id, kind, target, label, created_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (case_id, kind, target) DO NOTHING",
    )
    .bind(crate::platform::ids::new_id())
    .bind(case_id)
    .bind(&link.kind)
    .bind(&link.target)
    .bind(&link.label)
    .bind(created_by)
    .bind(link.at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn links(db: &Db, case_id: &str) -> Result<Vec<Link>, sqlx::Error> {
    sqlx::query(
        "SELECT kind, target, label, at FROM case_links WHERE case_id = $1 ORDER BY at, kind",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Link {
            kind: r.try_get("kind")?,
            target: r.try_get("target")?,
            label: r.try_get("label")?,
            at: r.try_get("at")?,
        })
    })
    .collect()
}
