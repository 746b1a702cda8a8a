//! Account use cases. Each checks the actor, validates, writes and appends the audit
//! entry in one transaction.

use serde_json::json;

use super::model::{LoginId, UserStatus, parse_display_name, parse_email};
use super::store::{self, NewUser};
use crate::platform::access::{
    AccessError, Actor, Grant, Permission, Principal, RequestMeta, Role, Scope, ScopeKind,
};
use crate::platform::audit::{self, Event};
use crate::platform::auth::{passwords, sessions, throttle, totp};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::{new_id, random_secret, sha256_hex};
use crate::platform::settings;

fn check_password(password: &str, confirm: Option<&str>, errors: &mut Vec<FieldError>) {
    if let Err(weak) = passwords::check_strength(password) {
        errors.push(FieldError {
            field: "password",
            message: weak.message(),
        });
    } else if confirm.is_some_and(|c| c != password) {
        errors.push(FieldError {
            field: "password_confirm",
            message: "err-password-mismatch",
        });
    }
}

pub struct Registration {
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

/// A citizen creates their own account (phone or e-mail + password).
pub async fn register_citizen(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    form: &Registration,
) -> ServiceResult<String> {
    let mut errors = vec![];
    let login = LoginId::parse(&form.login)
        .map_err(|m| {
            errors.push(FieldError {
                field: "email",
                message: m,
            })
        })
        .ok();
    let name = parse_display_name(&form.display_name)
        .map_err(|e| errors.push(e))
        .ok();
    check_password(&form.password, Some(&form.password_confirm), &mut errors);
    let (Some(login), Some(name), true) = (login, name, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let hash = passwords::hash(&form.password)?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if store::login_taken(&mut tx, &login).await? {
        return Err(ServiceError::invalid("email", "err-taken"));
    }
    let id = new_id();
    store::insert_user(
        &mut tx,
        NewUser {
            id: &id,
            login: &login,
            display_name: &name,
            password_hash: &hash,
            now_ms: now,
        },
    )
    .await?;
    store::insert_grant(
        &mut tx,
        &new_id(),
        &id,
        &Grant {
            role: Role::Citizen,
            scope: None,
        },
        now,
    )
    .await?;
    let registered = Actor {
        principal: Principal::User {
            id: id.clone(),
            display_name: name,
        },
        ..actor.clone()
    };
    audit::append(
        &mut tx,
        &registered,
        Some(Role::Citizen),
        now,
        Event::new("user.register", "user", &id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub struct NewStaff {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub password: String,
}

/// An administrator (or the console) creates an account with one role grant.
pub async fn create_user(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    form: &NewStaff,
) -> ServiceResult<String> {
    let acting = actor.require(Permission::ManageUsers)?;
    let mut errors = vec![];
    let email = parse_email(&form.email)
        .map_err(|m| {
            errors.push(FieldError {
                field: "email",
                message: m,
            })
        })
        .ok();
    let name = parse_display_name(&form.display_name)
        .map_err(|e| errors.push(e))
        .ok();
    let role = form
        .role
        .parse::<Role>()
        .map_err(|_| {
            errors.push(FieldError {
                field: "role",
                message: "err-role",
            })
        })
        .ok();
    let scope = match form.scope.trim() {
        "" => Some(None),
        s => Scope::parse(s)
            .map(Some)
            .map_err(|_| {
                errors.push(FieldError {
                    field: "scope",
                    message: "err-scope",
                })
            })
            .ok(),
    };
    // Recruiter staff act for one agency: without its scope they would act for every one.
    let agency_scoped = matches!(&scope, Some(Some(s)) if s.kind == ScopeKind::Recruiter);
    if role == Some(Role::RecruiterStaff) && scope.is_some() && !agency_scoped {
        errors.push(FieldError {
            field: "scope",
            message: "err-scope-recruiter",
        });
    }
    check_password(&form.password, None, &mut errors);
    let (Some(email), Some(name), Some(role), Some(scope), true) =
        (email, name, role, scope, errors.is_empty())
    else {
        return Err(ServiceError::Invalid(errors));
    };
    let hash = passwords::hash(&form.password)?;
    let now = clock.now_ms();
    let login = LoginId::Email(email.clone());
    let mut tx = db.begin().await?;
    if store::login_taken(&mut tx, &login).await? {
        return Err(ServiceError::invalid("email", "err-taken"));
    }
    let id = new_id();
    store::insert_user(
        &mut tx,
        NewUser {
            id: &id,
            login: &login,
            display_name: &name,
            password_hash: &hash,
            now_ms: now,
        },
    )
    .await?;
    let grant = Grant { role, scope };
    store::insert_grant(&mut tx, &new_id(), &id, &grant, now).await?;
    let details = json!({ "email": email, "role": role, "scope": grant.scope.as_ref().map(ToString::to_string) });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("user.create", "user", &id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Disables an account: it can no longer sign in, its sessions end and its tokens stop working.
pub async fn disable_user(db: &Db, clock: &Clock, actor: &Actor, login: &str) -> ServiceResult<()> {
    let acting = actor.require(Permission::ManageUsers)?;
    let login = LoginId::parse(login).map_err(|m| ServiceError::invalid("email", m))?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let user = store::find_by_login(&mut tx, &login)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if actor.user_id() == Some(user.id.as_str()) {
        return Err(ServiceError::Conflict("err-disable-self"));
    }
    store::set_status(&mut tx, &user.id, UserStatus::Disabled.as_str(), now).await?;
    let ended = sessions::end_all_for_user(&mut tx, &user.id).await?;
    let details = json!({ "sessions_ended": ended });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("user.disable", "user", &user.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug)]
pub struct SignedIn {
    pub user_id: String,
    pub staff: bool,
    /// The password was right; a TOTP code must follow before the session starts.
    pub needs_second_factor: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum LoginError {
    Invalid,
    Throttled,
}

/// Checks a password, counting failures per account and per address (see `throttle`).
/// Every success, failure and lock is audited.
pub async fn login(
    db: &Db,
    clock: &Clock,
    meta: &RequestMeta,
    login: &str,
    password: &str,
) -> Result<SignedIn, LoginError> {
    attempt_login(db, clock, meta, login, password)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "login failed internally");
            Err(LoginError::Invalid)
        })
}

async fn attempt_login(
    db: &Db,
    clock: &Clock,
    meta: &RequestMeta,
    login: &str,
    password: &str,
) -> anyhow::Result<Result<SignedIn, LoginError>> {
    let now = clock.now_ms();
    let anonymous = Actor::anonymous(meta.clone());
    let address_key = throttle::address_key(&meta.ip);
    let parsed = LoginId::parse(login).ok();
    let mut tx = db.begin().await?;
    if throttle::recent_failures(&mut tx, &address_key, now).await? > throttle::MAX_FAILURES {
        audit::append(
            &mut tx,
            &anonymous,
            None,
            now,
            Event::new("login.throttled", "address", &meta.ip),
        )
        .await?;
        tx.commit().await?;
        return Ok(Err(LoginError::Throttled));
    }
    let user = match &parsed {
        Some(l) => store::find_by_login(&mut tx, l).await?,
        None => None,
    };
    let Some(user) = user else {
        passwords::verify_dummy(password);
        throttle::record_failure(&mut tx, &address_key, now).await?;
        let details = json!({ "login": login.chars().take(100).collect::<String>() });
        audit::append(
            &mut tx,
            &anonymous,
            None,
            now,
            Event::new("login.failed", "user", "").with(details),
        )
        .await?;
        let throttled =
            throttle::recent_failures(&mut tx, &address_key, now).await? > throttle::MAX_FAILURES;
        tx.commit().await?;
        return Ok(Err(if throttled {
            LoginError::Throttled
        } else {
            LoginError::Invalid
        }));
    };
    if user.locked_until.is_some_and(|until| until > now) {
        audit::append(
            &mut tx,
            &anonymous,
            None,
            now,
            Event::new("login.refused_locked", "user", &user.id),
        )
        .await?;
        tx.commit().await?;
        return Ok(Err(LoginError::Throttled));
    }
    let password_ok = passwords::verify(password, &user.password_hash);
    if password_ok && user.status == UserStatus::Active.as_str() {
        let grants = store::grants_of(db, &user.id).await?;
        let staff = grants.iter().any(|g| g.role.is_staff());
        let actor = Actor {
            principal: Principal::User {
                id: user.id.clone(),
                display_name: user.display_name.clone(),
            },
            ..anonymous
        };
        let action = if user.totp_enabled {
            "login.password_ok"
        } else {
            "login.succeeded"
        };
        store::set_locked_until(&mut tx, &user.id, None).await?;
        audit::append(
            &mut tx,
            &actor,
            None,
            now,
            Event::new(action, "user", &user.id),
        )
        .await?;
        tx.commit().await?;
        return Ok(Ok(SignedIn {
            user_id: user.id,
            staff,
            needs_second_factor: user.totp_enabled,
        }));
    }
    let result = record_failure(&mut tx, &anonymous, &user.id, &address_key, now).await?;
    tx.commit().await?;
    Ok(Err(result))
}

/// Counts a failed attempt against the account and the address; locks the account past the limit.
async fn record_failure(
    tx: &mut crate::platform::db::Tx,
    anonymous: &Actor,
    user_id: &str,
    address_key: &str,
    now: i64,
) -> anyhow::Result<LoginError> {
    let account_key = throttle::account_key(user_id);
    throttle::record_failure(tx, &account_key, now).await?;
    throttle::record_failure(tx, address_key, now).await?;
    audit::append(
        tx,
        anonymous,
        None,
        now,
        Event::new("login.failed", "user", user_id),
    )
    .await?;
    if throttle::recent_failures(tx, &account_key, now).await? > throttle::MAX_FAILURES {
        store::set_locked_until(tx, user_id, Some(now + throttle::LOCK_MS)).await?;
        let details = json!({ "until_ms": now + throttle::LOCK_MS });
        audit::append(
            tx,
            anonymous,
            None,
            now,
            Event::new("user.locked", "user", user_id).with(details),
        )
        .await?;
        return Ok(LoginError::Throttled);
    }
    let throttled = throttle::recent_failures(tx, address_key, now).await? > throttle::MAX_FAILURES;
    Ok(if throttled {
        LoginError::Throttled
    } else {
        LoginError::Invalid
    })
}

/// The second step of signing in for accounts with TOTP: the code from the authenticator app.
pub async fn login_second_factor(
    db: &Db,
    clock: &Clock,
    meta: &RequestMeta,
    user_id: &str,
    code: &str,
) -> Result<SignedIn, LoginError> {
    attempt_second_factor(db, clock, meta, user_id, code)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "second factor failed internally");
            Err(LoginError::Invalid)
        })
}

async fn attempt_second_factor(
    db: &Db,
    clock: &Clock,
    meta: &RequestMeta,
    user_id: &str,
    code: &str,
) -> anyhow::Result<Result<SignedIn, LoginError>> {
    let now = clock.now_ms();
    let anonymous = Actor::anonymous(meta.clone());
    let mut tx = db.begin().await?;
    let Some(user) = store::find_by_id_tx(&mut tx, user_id).await? else {
        return Ok(Err(LoginError::Invalid));
    };
    if user.locked_until.is_some_and(|until| until > now) {
        audit::append(
            &mut tx,
            &anonymous,
            None,
            now,
            Event::new("login.refused_locked", "user", &user.id),
        )
        .await?;
        tx.commit().await?;
        return Ok(Err(LoginError::Throttled));
    }
    let secret = user.totp_secret.as_deref().unwrap_or_default();
    let step = totp::verify(secret, code, now, user.totp_last_step);
    match step {
        Some(step) if user.status == UserStatus::Active.as_str() => {
            store::set_totp_step(&mut tx, &user.id, step).await?;
            let grants = store::grants_of(db, &user.id).await?;
            let actor = Actor {
                principal: Principal::User {
                    id: user.id.clone(),
                    display_name: user.display_name.clone(),
                },
                ..anonymous
            };
            audit::append(
                &mut tx,
                &actor,
                None,
                now,
                Event::new("login.succeeded", "user", &user.id),
            )
            .await?;
            tx.commit().await?;
            let staff = grants.iter().any(|g| g.role.is_staff());
            Ok(Ok(SignedIn {
                user_id: user.id,
                staff,
                needs_second_factor: false,
            }))
        }
        _ => {
            let address_key = throttle::address_key(&meta.ip);
            let result = record_failure(&mut tx, &anonymous, &user.id, &address_key, now).await?;
            tx.commit().await?;
            Ok(Err(result))
        }
    }
}

/// Turns on TOTP for the actor's own account once they prove their app shows the right code.
pub async fn enable_totp(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    secret: &str,
    code: &str,
) -> ServiceResult<()> {
    actor.require(Permission::OwnAccount)?;
    let user_id = actor
        .user_id()
        .ok_or(ServiceError::Access(AccessError::Unauthenticated))?;
    let now = clock.now_ms();
    let step = totp::verify(secret, code, now, None)
        .ok_or(ServiceError::invalid("code", "err-totp-code"))?;
    let mut tx = db.begin().await?;
    store::enable_totp(&mut tx, user_id, secret, step, now).await?;
    audit::append(
        &mut tx,
        actor,
        None,
        now,
        Event::new("user.totp_enable", "user", user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether staff must use a second factor; changed by administrators, audited.
pub async fn set_mfa_required(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    required: bool,
) -> ServiceResult<()> {
    let acting = actor.require(Permission::ManageSettings)?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let value = if required { "true" } else { "false" };
    settings::set(&mut tx, settings::MFA_REQUIRED_FOR_STAFF, value, now).await?;
    let event = Event::new(
        "settings.change",
        "setting",
        settings::MFA_REQUIRED_FOR_STAFF,
    )
    .with(json!({ "value": value }));
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(())
}
pub async fn logout_audit(db: &Db, clock: &Clock, actor: &Actor) -> ServiceResult<()> {
    let Some(user_id) = actor.user_id() else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    audit::append(
        &mut tx,
        actor,
        None,
        clock.now_ms(),
        Event::new("logout", "user", user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Issues an API token for a user; the secret is returned once and stored only hashed.
pub async fn create_token(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    email: &str,
    name: &str,
) -> ServiceResult<String> {
    let acting = actor.require(Permission::ManageTokens)?;
    let login = LoginId::Email(parse_email(email).map_err(|m| ServiceError::invalid("email", m))?);
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ServiceError::invalid("name", "err-invalid-text"));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let user = store::find_by_login(&mut tx, &login)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let secret = format!("safar_{}", random_secret(32));
    let id = new_id();
    store::insert_token(
        &mut tx,
        &id,
        &user.id,
        name,
        &sha256_hex(secret.as_bytes()),
        now,
    )
    .await?;
    let details = json!({ "user_id": user.id, "name": name });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("token.create", "api_token", &id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

pub async fn revoke_token(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    token_id: &str,
) -> ServiceResult<()> {
    let acting = actor.require(Permission::ManageTokens)?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::revoke_token(&mut tx, token_id, now).await? {
        return Err(ServiceError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("token.revoke", "api_token", token_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_users(
    db: &Db,
    actor: &Actor,
    search: Option<&str>,
    before_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<store::UserSummary>> {
    actor.require(Permission::ManageUsers)?;
    Ok(store::list_users(db, search, before_id, limit).await?)
}

pub async fn list_tokens(db: &Db, actor: &Actor) -> ServiceResult<Vec<store::TokenSummary>> {
    actor.require(Permission::ManageTokens)?;
    Ok(store::list_tokens(db, 200).await?)
}
