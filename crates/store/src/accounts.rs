//! Accounts, password hashing (Argon2id), database sessions and login throttling. Everything here lives in
//! the database so that any instance serves any user.

use crate::sql::Sql;
use crate::{audit, get, ts, Actor, Db, FieldError, Result, StoreError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use domain::policy::{login_limits, Principal};
use domain::Role;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub member_id: Option<i64>,
    pub active: bool,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub unit_code: String,
    pub member_id: Option<i64>,
    pub display_name: String,
}

/// Outcome of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in: the new session token (give it to the client; only its hash is stored).
    Ok { token: String, principal: Principal },
    /// Wrong username or password (the same answer for both).
    Invalid,
    /// Too many failures for the account or the address; try again later.
    Throttled,
}

/// Session kinds: browser sessions expire after inactivity; API tokens after a fixed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
    fn lifetime(self) -> Duration {
        match self {
            SessionKind::Web => Duration::hours(12),
            SessionKind::Api => Duration::hours(24),
        }
    }
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub principal: Principal,
    pub display_name: String,
    pub csrf: String,
}

pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| StoreError::Password)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| StoreError::Password)
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random token (256 bits, hex).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A random password for the first admin: 16 letters and digits without look-alikes.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    let mut s: String = b
        .iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect();
    s.push('7');
    s
}

const ACCOUNT_COLS: &str = "a.id, a.username, a.display_name, a.role, a.unit_id, a.member_id, a.active, a.created_at, a.password_hash, u.code AS unit_code, u.name AS unit_name, u.path AS unit_path";

fn account_from_row(r: &sqlx::any::AnyRow) -> Result<Account> {
    let role: String = get(r, "role")?;
    let active: i64 = get(r, "active")?;
    Ok(Account {
        id: get(r, "id")?,
        username: get(r, "username")?,
        display_name: get(r, "display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("vai trò {role}")))?,
        unit_id: get(r, "unit_id")?,
        unit_code: get(r, "unit_code")?,
        unit_name: get(r, "unit_name")?,
        unit_path: get(r, "unit_path")?,
        member_id: get(r, "member_id")?,
        active: active != 0,
        created_at: get(r, "created_at")?,
    })
}

impl Account {
    pub fn principal(&self) -> Principal {
        Principal {
            user_id: self.id,
            username: self.username.clone(),
            role: self.role,
            unit_id: self.unit_id,
            unit_path: self.unit_path.clone(),
            member_id: self.member_id,
        }
    }
}

fn valid_username(u: &str) -> bool {
    (3..=40).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

impl Db {
    pub async fn account_count(&self) -> Result<i64> {
        get(
            &sqlx::query("SELECT COUNT(*) AS n FROM users")
                .fetch_one(&self.pool)
                .await?,
            "n",
        )
    }

    /// Creates an account. `p` None means an unscoped caller (CLI, first start, demo loader).
    pub async fn create_account(
        &self,
        actor: &Actor,
        p: Option<&Principal>,
        new: &NewAccount,
    ) -> Result<Account> {
        let mut errors = Vec::new();
        let username = new.username.trim().to_lowercase();
        if !valid_username(&username) {
            errors.push(FieldError::new(
                "username",
                "Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch",
            ));
        } else if sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(username.clone())
            .fetch_optional(&self.pool)
            .await?
            .is_some()
        {
            errors.push(FieldError::new(
                "username",
                format!("Tên đăng nhập \"{username}\" đã có"),
            ));
        }
        if let Err(e) = domain::policy::check_new_password(&new.password, &username) {
            errors.push(FieldError::new("password", e));
        }
        let unit = self.unit_by_code_unscoped(&new.unit_code).await?;
        let unit = match unit {
            Some(u) if p.is_none_or(|p| p.can_grant(new.role, &u.path)) => Some(u),
            _ => {
                errors.push(FieldError::new(
                    "unit_code",
                    format!(
                        "Không có đơn vị mã \"{}\" trong phạm vi bạn được cấp quyền",
                        new.unit_code
                    ),
                ));
                None
            }
        };
        if new.role == Role::Member {
            match new.member_id {
                None => errors.push(FieldError::new(
                    "member_id",
                    "Tài khoản đảng viên phải gắn với hồ sơ đảng viên",
                )),
                Some(mid) => match self.member_unscoped(mid).await? {
                    Some((_, path)) if unit.as_ref().is_some_and(|u| path.starts_with(&u.path)) => {
                    }
                    _ => errors.push(FieldError::new(
                        "member_id",
                        "Hồ sơ đảng viên không thuộc đơn vị đã chọn",
                    )),
                },
            }
        }
        let Some(unit) = unit.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let hash = hash_password(&new.password)?;
        let mut w = self.write().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, role, unit_id, member_id, display_name, active, created_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(username.clone())
        .bind(hash)
        .bind(new.role.as_str())
        .bind(unit.id)
        .bind(if new.role == Role::Member { new.member_id } else { None })
        .bind(domain::text::normalize(&new.display_name))
        .bind(ts(self.now()))
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let after = serde_json::json!({"username": username, "role": new.role.as_str(), "unit_code": unit.code, "member_id": new.member_id});
        audit::record(
            &mut w.tx,
            self.now(),
            actor,
            "create",
            "account",
            &id.to_string(),
            &username,
            &unit.path,
            None,
            Some(&after),
        )
        .await?;
        w.commit().await?;
        self.account_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    pub async fn account_by_id(&self, id: i64) -> Result<Option<Account>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE a.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// The account with this user name (CLI use; no scope).
    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE a.username = $1"
        ))
        .bind(username.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Accounts `p` may manage (all accounts for the CLI when `p` is None).
    pub async fn list_accounts(&self, p: Option<&Principal>) -> Result<Vec<Account>> {
        let mut q = Sql::new(&format!(
            "SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE 1 = 1"
        ));
        if let Some(p) = p {
            q.push(" AND ").subtree("u.path", p.unit_prefix());
        }
        q.push(" ORDER BY u.path, a.username");
        let rows = q.query().fetch_all(&self.pool).await?;
        let all = rows
            .iter()
            .map(account_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(all
            .into_iter()
            .filter(|a| {
                p.is_none_or(|p| p.can_manage_account(a.role, &a.unit_path) || p.user_id == a.id)
            })
            .collect())
    }

    /// Checks credentials with throttling per account and per address; on success creates a session
    /// (a fresh id every time: the id is rotated at login).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: &str,
        kind: SessionKind,
    ) -> Result<LoginOutcome> {
        let username = username.trim().to_lowercase();
        let now = self.now();
        let user_key = format!("u:{username}");
        let addr_key = format!("a:{address}");
        if self.failures(&user_key, now).await? >= login_limits::PER_ACCOUNT
            || self.failures(&addr_key, now).await? >= login_limits::PER_ADDRESS
        {
            return Ok(LoginOutcome::Throttled);
        }
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE a.username = $1"))
            .bind(username.clone())
            .fetch_optional(&self.pool)
            .await?;
        let ok = match &row {
            Some(r) => {
                let hash: String = get(r, "password_hash")?;
                let active: i64 = get(r, "active")?;
                verify_password(&hash, password) && active != 0
            }
            None => {
                // Spend the same time as a real check so that usernames cannot be probed by timing.
                let _ = verify_password("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$8xqLvGNsqUpBk3sMWUTbTRbkqU1rJKMzVvP+9T6Mn6E", password);
                false
            }
        };
        let (true, Some(row)) = (ok, row) else {
            self.add_failure(&user_key, now).await?;
            self.add_failure(&addr_key, now).await?;
            return Ok(LoginOutcome::Invalid);
        };
        let account = account_from_row(&row)?;
        let mut w = self.write_quiet().await?;
        sqlx::query("DELETE FROM login_attempts WHERE key = $1")
            .bind(user_key)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        let token = self.create_session(account.id, kind).await?;
        Ok(LoginOutcome::Ok {
            token,
            principal: account.principal(),
        })
    }

    pub(crate) async fn failures(&self, key: &str, now: DateTime<Utc>) -> Result<i64> {
        let row = sqlx::query("SELECT failures, window_start FROM login_attempts WHERE key = $1")
            .bind(key.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(0) };
        let start: String = get(&row, "window_start")?;
        if start < ts(now - Duration::seconds(login_limits::WINDOW_SECS)) {
            return Ok(0);
        }
        get(&row, "failures")
    }

    pub(crate) async fn add_failure(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        let window_floor = ts(now - Duration::seconds(login_limits::WINDOW_SECS));
        let mut w = self.write_quiet().await?;
        // Portable upsert: a window that expired restarts at 1.
        sqlx::query(
            "INSERT INTO login_attempts (key, failures, window_start) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN login_attempts.window_start < $3 THEN 1 ELSE login_attempts.failures + 1 END, \
               window_start = CASE WHEN login_attempts.window_start < $3 THEN $2 ELSE login_attempts.window_start END",
        )
        .bind(key.to_string())
        .bind(ts(now))
        .bind(window_floor)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }

    /// Creates a session for a user and returns the token (only its SHA-256 is stored).
    pub async fn create_session(&self, user_id: i64, kind: SessionKind) -> Result<String> {
        let token = random_token();
        let now = self.now();
        let mut w = self.write_quiet().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(ts(now))
            .execute(&mut *w.tx)
            .await?;
        sqlx::query("INSERT INTO sessions (id_hash, user_id, kind, csrf, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $5)")
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(kind.as_str())
            .bind(random_token())
            .bind(ts(now))
            .bind(ts(now + kind.lifetime()))
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(token)
    }

    /// Resolves a session token; None when unknown, expired or the account is disabled.
    pub async fn session(&self, token: &str, kind: SessionKind) -> Result<Option<SessionInfo>> {
        if token.len() != 64 {
            return Ok(None);
        }
        let now = self.now();
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS}, s.csrf, s.expires_at, s.last_seen_at FROM sessions s JOIN users a ON a.id = s.user_id \
             JOIN units u ON u.id = a.unit_id WHERE s.id_hash = $1 AND s.kind = $2"
        ))
        .bind(token_hash(token))
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires: String = get(&row, "expires_at")?;
        let account = account_from_row(&row)?;
        if expires < ts(now) || !account.active {
            return Ok(None);
        }
        // Sliding expiry for browser sessions, written at most once a minute.
        let last_seen: String = get(&row, "last_seen_at")?;
        if kind == SessionKind::Web && last_seen < ts(now - Duration::minutes(1)) {
            let mut w = self.write_quiet().await?;
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3",
            )
            .bind(ts(now))
            .bind(ts(now + kind.lifetime()))
            .bind(token_hash(token))
            .execute(&mut *w.tx)
            .await?;
            w.commit().await?;
        }
        Ok(Some(SessionInfo {
            display_name: account.display_name.clone(),
            principal: account.principal(),
            csrf: get(&row, "csrf")?,
        }))
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        let mut w = self.write_quiet().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(token_hash(token))
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// Changes the password after checking the current one; ends the user's other sessions.
    pub async fn change_password(
        &self,
        actor: &Actor,
        user_id: i64,
        current: &str,
        new: &str,
        keep_token: Option<&str>,
    ) -> Result<()> {
        let row = sqlx::query("SELECT username, password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let hash: String = get(&row, "password_hash")?;
        let username: String = get(&row, "username")?;
        if !verify_password(&hash, current) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "current",
                "Mật khẩu hiện tại không đúng",
            )]));
        }
        if let Err(e) = domain::policy::check_new_password(new, &username) {
            return Err(StoreError::Invalid(vec![FieldError::new("new", e)]));
        }
        self.set_password(actor, user_id, new, keep_token).await
    }

    /// Sets a password without checking the old one (admin reset, CLI).
    pub async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        new: &str,
        keep_token: Option<&str>,
    ) -> Result<()> {
        let account = self
            .account_by_id(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let hash = hash_password(new)?;
        let mut w = self.write().await?;
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(ts(self.now()))
            .bind(user_id)
            .execute(&mut *w.tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep_token.map(token_hash).unwrap_or_default())
            .execute(&mut *w.tx)
            .await?;
        audit::record(
            &mut w.tx,
            self.now(),
            actor,
            "password",
            "account",
            &user_id.to_string(),
            &account.username,
            &account.unit_path,
            None,
            None,
        )
        .await?;
        w.commit().await
    }

    /// Resets the password of an account `p` manages (never their own: that is `change_password`), ending
    /// its sessions. Out-of-scope or higher accounts answer `NotFound`.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        p: &Principal,
        user_id: i64,
        new: &str,
    ) -> Result<()> {
        let account = self
            .account_by_id(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if p.user_id == user_id || !p.can_manage_account(account.role, &account.unit_path) {
            return Err(StoreError::NotFound);
        }
        if let Err(e) = domain::policy::check_new_password(new, &account.username) {
            return Err(StoreError::Invalid(vec![FieldError::new("password", e)]));
        }
        self.set_password(actor, user_id, new, None).await
    }

    /// Enables or disables an account (disabling ends its sessions).
    pub async fn set_account_active(
        &self,
        actor: &Actor,
        p: &Principal,
        user_id: i64,
        active: bool,
    ) -> Result<Account> {
        let account = self
            .account_by_id(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_manage_account(account.role, &account.unit_path) || p.user_id == user_id {
            return Err(StoreError::NotFound);
        }
        let mut w = self.write().await?;
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(user_id)
            .execute(&mut *w.tx)
            .await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *w.tx)
                .await?;
        }
        audit::record(
            &mut w.tx,
            self.now(),
            actor,
            if active { "enable" } else { "disable" },
            "account",
            &user_id.to_string(),
            &account.username,
            &account.unit_path,
            Some(&serde_json::json!({"active": account.active})),
            Some(&serde_json::json!({"active": active})),
        )
        .await?;
        w.commit().await?;
        Ok(Account { active, ..account })
    }
}

/// An uploaded file kept in the database (imports keep the file for a corrected retry).
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub content: Vec<u8>,
}

impl Db {
    /// Stores an upload for its user; uploads older than 30 days are removed.
    pub async fn save_upload(
        &self,
        user_id: i64,
        kind: &str,
        filename: &str,
        content: &[u8],
    ) -> Result<i64> {
        let now = self.now();
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM uploads WHERE created_at < $1")
            .bind(ts(now - Duration::days(30)))
            .execute(&mut *w.tx)
            .await?;
        let row = sqlx::query("INSERT INTO uploads (user_id, kind, filename, content, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(user_id)
            .bind(kind.to_string())
            .bind(filename.to_string())
            .bind(content.to_vec())
            .bind(ts(now))
            .fetch_one(&mut *w.tx)
            .await?;
        let id = get(&row, "id")?;
        w.commit().await?;
        Ok(id)
    }

    /// An upload, only for the user who made it.
    pub async fn upload(&self, user_id: i64, id: i64) -> Result<Upload> {
        let row = sqlx::query(
            "SELECT id, kind, filename, content FROM uploads WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(Upload {
            id: get(&row, "id")?,
            kind: get(&row, "kind")?,
            filename: get(&row, "filename")?,
            content: get(&row, "content")?,
        })
    }
}
