//! The accounts module's SQL: users, role grants and API tokens. Nothing else touches these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::model::LoginId;
use crate::platform::access::{Grant, Role, Scope};
use crate::platform::db::{Db, SqlBuf, Tx};

#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub display_name: String,
    pub password_hash: String,
    pub status: String,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
}

const USER_COLUMNS: &str = "id, email, phone, display_name, password_hash, status, locked_until, created_at, \
     totp_secret, totp_enabled, totp_last_step";

fn user_from_row(row: &AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        status: row.try_get("status")?,
        locked_until: row.try_get("locked_until")?,
        created_at: row.try_get("created_at")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_enabled: row.try_get::<i64, _>("totp_enabled")? == 1,
        totp_last_step: row.try_get("totp_last_step")?,
    })
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub login: &'a LoginId,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub now_ms: i64,
}

pub async fn insert_user(tx: &mut Tx, user: NewUser<'_>) -> Result<(), sqlx::Error> {
    let (email, phone) = match user.login {
        LoginId::Email(e) => (Some(e.clone()), None),
        LoginId::Phone(p) => (None, Some(p.clone())),
    };
    sqlx::query(
        "INSERT INTO users (id, email, phone, display_name, password_hash, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $6)",
    )
    .bind(user.id)
    .bind(email)
    .bind(phone)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(user.now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_grant(
    tx: &mut Tx,
    id: &str,
    user_id: &str,
    grant: &Grant,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let (kind, value) = grant
        .scope
        .as_ref()
        .map_or(("", String::new()), |s| (s.kind.as_str(), s.value.clone()));
    sqlx::query(
        "INSERT INTO role_grants (id, user_id, role, scope_kind, scope_value, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, role, scope_kind, scope_value) DO NOTHING",
    )
    .bind(id)
    .bind(user_id)
    .bind(grant.role.as_str())
    .bind(kind)
    .bind(value)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn login_taken(tx: &mut Tx, login: &LoginId) -> Result<bool, sqlx::Error> {
    Ok(find_by_login(tx, login).await?.is_some())
}

pub async fn find_by_login(tx: &mut Tx, login: &LoginId) -> Result<Option<UserRow>, sqlx::Error> {
    let column = match login {
        LoginId::Email(_) => "email",
        LoginId::Phone(_) => "phone",
    };
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(login.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn find_by_id(db: &Db, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn grants_of(db: &Db, user_id: &str) -> Result<Vec<Grant>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT role, scope_kind, scope_value FROM role_grants WHERE user_id = $1 ORDER BY role",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.iter().filter_map(grant_from_row).collect())
}

fn grant_from_row(row: &AnyRow) -> Option<Grant> {
    let role: String = row.try_get("role").ok()?;
    let kind: String = row.try_get("scope_kind").ok()?;
    let value: String = row.try_get("scope_value").ok()?;
    Some(Grant {
        role: role.parse::<Role>().ok()?,
        scope: Scope::from_columns(&kind, &value),
    })
}

pub async fn set_status(
    tx: &mut Tx,
    user_id: &str,
    status: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(now_ms)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_locked_until(
    tx: &mut Tx,
    user_id: &str,
    until_ms: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
        .bind(until_ms)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A user as listed to administrators.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub display_name: String,
    pub status: String,
    /// Role grants as `role` or `role@kind:value`.
    pub roles: Vec<String>,
    pub created_at_ms: i64,
}

/// Newest first; `before_id` continues after the last id of the previous page.
pub async fn list_users(
    db: &Db,
    search: Option<&str>,
    before_id: Option<&str>,
    limit: i64,
) -> Result<Vec<UserSummary>, sqlx::Error> {
    let mut sql = SqlBuf::new(&format!("SELECT {USER_COLUMNS} FROM users WHERE 1 = 1"));
    if let Some(before) = before_id {
        sql.push(" AND id < ").bind_text(before);
    }
    if let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) {
        sql.push(" AND (");
        sql.contains(db, "display_name", q).push(" OR ");
        sql.contains(db, "email", q).push(" OR ");
        sql.contains(db, "phone", q).push(")");
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind_int(limit);
    let users: Vec<UserRow> = sql
        .query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(user_from_row)
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(users.len());
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let grants = grants_for_users(db, &ids).await?;
    for u in users {
        let roles = grants
            .iter()
            .filter(|(id, _)| *id == u.id)
            .map(|(_, g)| match &g.scope {
                None => g.role.to_string(),
                Some(s) => format!("{}@{s}", g.role),
            })
            .collect();
        out.push(UserSummary {
            id: u.id,
            email: u.email,
            phone: u.phone,
            display_name: u.display_name,
            status: u.status,
            roles,
            created_at_ms: u.created_at,
        });
    }
    Ok(out)
}

/// Grants of many users in one query (no query per listed user).
async fn grants_for_users(db: &Db, ids: &[String]) -> Result<Vec<(String, Grant)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = SqlBuf::new(
        "SELECT user_id, role, scope_kind, scope_value FROM role_grants WHERE user_id IN (",
    );
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind_text(id.clone());
    }
    sql.push(") ORDER BY role");
    let rows = sql.query().fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.try_get::<String, _>("user_id").ok()?, grant_from_row(r)?)))
        .collect())
}

/// Turns on the second factor with a verified secret.
pub async fn enable_totp(
    tx: &mut Tx,
    user_id: &str,
    secret: &str,
    step: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_enabled = 1, totp_last_step = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(secret)
    .bind(step)
    .bind(now_ms)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records the step of an accepted code so it cannot be used again.
pub async fn set_totp_step(tx: &mut Tx, user_id: &str, step: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2")
        .bind(step)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn find_by_id_tx(tx: &mut Tx, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

// --- API tokens -------------------------------------------------------------------------

pub async fn insert_token(
    tx: &mut Tx,
    id: &str,
    user_id: &str,
    name: &str,
    token_hash: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Who a live token acts for, read in one statement because every API call asks.
#[derive(Clone, Debug)]
pub struct TokenOwner {
    pub token_id: String,
    pub user_id: String,
    pub display_name: String,
    pub last_used_at: Option<i64>,
    pub grants: Vec<Grant>,
}

/// The active user a live token belongs to, with the user's role grants.
pub async fn token_owner(db: &Db, token_hash: &str) -> Result<Option<TokenOwner>, sqlx::Error> {
    // One row per grant (a user without grants still gives one row, its grant columns NULL).
    let rows = sqlx::query(
        "SELECT t.id AS token_id, t.user_id, t.last_used_at, u.display_name, \
         g.role, g.scope_kind, g.scope_value \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         LEFT JOIN role_grants g ON g.user_id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.status = 'active' \
         ORDER BY g.role",
    )
    .bind(token_hash)
    .fetch_all(&db.pool)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(TokenOwner {
        token_id: first.try_get("token_id")?,
        user_id: first.try_get("user_id")?,
        display_name: first.try_get("display_name")?,
        last_used_at: first.try_get("last_used_at")?,
        grants: rows.iter().filter_map(grant_from_row).collect(),
    }))
}

pub async fn touch_token(db: &Db, token_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    // Through the writers' queue, like every write, rather than a reader's connection.
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenSummary {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked: bool,
}

pub async fn list_tokens(db: &Db, limit: i64) -> Result<Vec<TokenSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, u.display_name, u.email, t.created_at, t.last_used_at, t.revoked_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("display_name")?;
            let email: Option<String> = r.try_get("email")?;
            Ok(TokenSummary {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                owner: email.map_or(name.clone(), |e| format!("{name} <{e}>")),
                created_at_ms: r.try_get("created_at")?,
                last_used_at_ms: r.try_get("last_used_at")?,
                revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
            })
        })
        .collect()
}

/// Revokes a live token; false when there was none to revoke.
pub async fn revoke_token(tx: &mut Tx, token_id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms)
            .bind(token_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes what identifies an account (e-mail, phone, name) and disables it.
pub async fn anonymise(tx: &mut Tx, user_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET email = NULL, phone = NULL, display_name = '—', status = 'disabled', totp_secret = NULL, \
         totp_enabled = 0, updated_at = $1 WHERE id = $2",
    )
    .bind(now_ms)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
