//! Accounts, password hashing (Argon2id), database sessions and login throttling. Everything here lives in
//! the database so that any instance serves any user.
//!
//! Argon2 runs on tokio's blocking pool behind a semaphore sized to the machine ([`on_argon2_pool`]), so a
//! burst of logins never occupies the async workers that answer every other request.

use crate::sql::{read, RowInto, Sql};
use crate::{audit, get, ts, Accounts, Actor, FieldError, Result, StoreError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Duration;
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
    /// Signed in: the new session token (give it to the client; only its hash is stored) and the device
    /// token the client should keep and show at its next login (the one it showed, or a new one).
    Ok {
        token: String,
        principal: Principal,
        device: String,
    },
    /// Wrong username or password (the same answer for both).
    Invalid,
    /// Too many failures for the account, the device or the address: the next attempt is admitted in
    /// `retry_after_secs` seconds. The password was not checked.
    Throttled { retry_after_secs: i64 },
}

/// What the attempt counter said about one attempt (`Accounts::take_attempt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Admission {
    pub admitted: bool,
    /// Counted attempts in the streak, this one included when admitted.
    pub count: i64,
    /// When refused: seconds until the next attempt is admitted.
    pub retry_after_secs: i64,
    /// The time stamp this attempt wrote as the streak's last admitted attempt (`window_start`).
    pub at: String,
}

/// A valid Argon2id hash of nothing anyone types: unknown user names are checked against it so that they
/// cost the same time as known ones.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$8xqLvGNsqUpBk3sMWUTbTRbkqU1rJKMzVvP+9T6Mn6E";

/// Runs Argon2 work (hash or verify, ~19 MiB and tens of milliseconds of one core each) on the blocking
/// pool in its own slots ([`crate::heavy::Pool::Passwords`], apart from file work): at most one per core but one,
/// so logins never stall the async workers nor take every core, and a login whose client disconnects
/// keeps its slot until its hash is done.
pub async fn on_argon2_pool<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    crate::heavy::try_run_in(crate::heavy::Pool::Passwords, f)
        .await
        .map_err(|_| StoreError::Password)
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

/// A short tag of a user name as typed at login (trimmed, lower-cased): 16 hex digits of its SHA-256, for
/// naming per-account cookies without writing the name into them.
pub fn username_tag(username: &str) -> String {
    hex::encode(&Sha256::digest(username.trim().to_lowercase().as_bytes())[..8])
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

/// An account as `ACCOUNT_COLS` selects it.
#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    member_id: Option<i64>,
    active: i64,
    created_at: String,
}

impl RowInto for AccountRow {
    type Target = Account;
    fn convert(self) -> Result<Account> {
        let role = self.role;
        Ok(Account {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: Role::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("vai trò {role}")))?,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            member_id: self.member_id,
            active: self.active != 0,
            created_at: self.created_at,
        })
    }
}

fn account_from_row(r: &sqlx::any::AnyRow) -> Result<Account> {
    read::<AccountRow>(r)
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
    (3..=domain::limits::USERNAME).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

impl Accounts<'_> {
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.account_count")
    )]
    pub async fn account_count(self) -> Result<i64> {
        get(
            &sqlx::query("SELECT COUNT(*) AS n FROM users")
                .fetch_one(&self.db.pool)
                .await?,
            "n",
        )
    }

    /// Creates an account. `p` None means an unscoped caller (CLI, first start, demo loader).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.create_account")
    )]
    pub async fn create_account(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        new: &NewAccount,
    ) -> Result<Account> {
        let mut errors = Vec::new();
        let username = new.username.trim().to_lowercase();
        if !valid_username(&username) {
            errors.push(FieldError::new(
                "username",
                format!(
                    "Tên đăng nhập gồm 3–{} ký tự: chữ thường không dấu, số, dấu chấm, gạch",
                    domain::limits::USERNAME
                ),
            ));
        } else if sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(username.clone())
            .fetch_optional(&self.db.pool)
            .await?
            .is_some()
        {
            errors.push(FieldError::new(
                "username",
                format!("Tên đăng nhập \"{username}\" đã có"),
            ));
        }
        if let Err(e) = domain::password::check(&new.password, &username) {
            errors.push(FieldError::new("password", e.to_string()));
        }
        let unit = self
            .db
            .units()
            .unit_by_code_unscoped(&new.unit_code)
            .await?;
        let unit = match unit {
            Some(u) if p.is_none_or(|p| p.can_grant(new.role, &u.path)) => Some(u),
            _ => {
                errors.push(FieldError::new(
                    "unit_code",
                    format!(
                        "Không có đơn vị mã \"{}\" trong phạm vi bạn được cấp quyền",
                        domain::limits::clip(domain::limits::Field::UnitCode, &new.unit_code)
                    ),
                ));
                None
            }
        };
        crate::check_length(
            &mut errors,
            "display_name",
            domain::limits::Field::DisplayName,
            new.display_name.trim(),
        );
        match (new.role, new.member_id) {
            (Role::Member, None) => errors.push(FieldError::new(
                "member_id",
                "Tài khoản đảng viên phải gắn với hồ sơ đảng viên",
            )),
            (_, Some(mid)) => {
                if let Err(e) = self
                    .linkable(p, mid, unit.as_ref().map(|u| u.path.as_str()))
                    .await?
                {
                    errors.push(e);
                }
            }
            (_, None) => {}
        }
        let Some(unit) = unit.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let password = new.password.clone();
        let hash = on_argon2_pool(move || hash_password(&password)).await??;
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, role, unit_id, member_id, display_name, active, created_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(username.clone())
        .bind(hash)
        .bind(new.role.as_str())
        .bind(unit.id)
        .bind(new.member_id)
        .bind(domain::text::normalize(&new.display_name))
        .bind(ts(self.db.now()))
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let after = serde_json::json!({"username": username, "role": new.role.as_str(), "unit_code": unit.code, "member_id": new.member_id});
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "account", id)
                .label(&username)
                .unit(&unit.path)
                .after(&after),
        )
        .await?;
        w.commit().await?;
        self.account_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.account_by_id")
    )]
    pub async fn account_by_id(self, id: i64) -> Result<Option<Account>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE a.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// The account with this user name (CLI use; no scope).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.account_by_username")
    )]
    pub async fn account_by_username(self, username: &str) -> Result<Option<Account>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE a.username = $1"
        ))
        .bind(username.trim().to_lowercase())
        .fetch_optional(&self.db.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Accounts `p` may manage (all accounts for the CLI when `p` is None).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.list_accounts")
    )]
    pub async fn list_accounts(self, p: Option<&Principal>) -> Result<Vec<Account>> {
        let mut q = Sql::new(&format!(
            "SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE 1 = 1"
        ));
        if let Some(p) = p {
            q.push(" AND ").subtree("u.path", p.unit_prefix());
        }
        q.push(" ORDER BY u.path, a.username");
        let rows = q.query().fetch_all(&self.db.pool).await?;
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

    /// Checks credentials under the login throttle (`domain::policy::login_limits`: counted before the
    /// check, growing delays, device tokens) and on success creates a session (a fresh id every time: the
    /// id is rotated at login). Same as [`crate::Accounts::login_from_device`] without a device token.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "accounts.login"))]
    pub async fn login(
        self,
        username: &str,
        password: &str,
        address: &str,
        kind: SessionKind,
    ) -> Result<LoginOutcome> {
        self.login_from_device(username, password, address, None, kind)
            .await
    }

    /// Checks credentials; `device` is the device token a former successful login gave this client.
    ///
    /// The attempt is counted before the password is looked at, by [`crate::Accounts::take_attempt`]: against the
    /// device when its token is known for this account, otherwise against the account and the client
    /// address. A refused attempt costs no password check. On success the account's (or device's) streak
    /// is cleared, the address gets its one count back, and the answer carries the device token the client
    /// should keep (a new one when the device was not known).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.login_from_device")
    )]
    pub async fn login_from_device(
        self,
        username: &str,
        password: &str,
        address: &str,
        device: Option<&str>,
        kind: SessionKind,
    ) -> Result<LoginOutcome> {
        let username = username.trim().to_lowercase();
        self.sweep_attempts().await?;
        let known_device = match device {
            Some(d) if valid_username(&username) => self.known_device(&username, d).await?,
            _ => None,
        };
        // The address comes first, so that a refusal there never touches the account's streak, and an
        // impossible user name (which no account can have) is counted against the address only: typed
        // names never fill the table (OWASP ASVS V2.2.1, V11.1).
        let address = crate::portal::address_group(address);
        let keys: Vec<(String, &login_limits::Rule)> = match &known_device {
            Some(hash) => vec![(format!("d:{hash}"), &login_limits::DEVICE)],
            None if valid_username(&username) => vec![
                (format!("a:{address}"), &login_limits::ADDRESS),
                (format!("u:{username}"), &login_limits::ACCOUNT),
            ],
            None => vec![(format!("a:{address}"), &login_limits::ADDRESS)],
        };
        let mut taken = Vec::with_capacity(keys.len());
        for (key, rule) in &keys {
            let admission = self.take_attempt(key, rule).await?;
            if !admission.admitted {
                // Give back what the keys before this one counted: this attempt is not made.
                for ((k, r), a) in keys.iter().zip(&taken) {
                    self.release_attempt(k, r, a).await?;
                }
                return Ok(LoginOutcome::Throttled {
                    retry_after_secs: admission.retry_after_secs,
                });
            }
            taken.push(admission);
        }
        if known_device.is_none() && !valid_username(&username) {
            return Ok(LoginOutcome::Invalid);
        }
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLS} FROM users a JOIN units u ON u.id = a.unit_id WHERE a.username = $1"))
            .bind(username.clone())
            .fetch_optional(&self.db.pool)
            .await?;
        let ok = match &row {
            Some(r) => {
                let hash: String = get(r, "password_hash")?;
                let active: i64 = get(r, "active")?;
                self.check_password(hash, password).await? && active != 0
            }
            None => {
                // Spend the same time as a real check so that usernames cannot be probed by timing.
                let _ = self
                    .check_password(DUMMY_HASH.to_string(), password)
                    .await?;
                false
            }
        };
        let (true, Some(row)) = (ok, row) else {
            return Ok(LoginOutcome::Invalid);
        };
        let account = account_from_row(&row)?;
        match (&known_device, keys.as_slice(), taken.as_slice()) {
            (None, [(address_key, address_rule), (account_key, _)], [address_taken, _]) => {
                self.reset_attempts(account_key).await?;
                self.release_attempt(address_key, address_rule, address_taken)
                    .await?;
            }
            _ => {
                for (key, _) in &keys {
                    self.reset_attempts(key).await?;
                }
            }
        }
        let device = match (known_device, device) {
            (Some(hash), Some(token)) => {
                self.touch_device(&hash).await?;
                token.to_string()
            }
            _ => self.new_device(account.id).await?,
        };
        let token = self.create_session(account.id, kind).await?;
        Ok(LoginOutcome::Ok {
            token,
            principal: account.principal(),
            device,
        })
    }

    /// Counts one attempt on `key` under `rule` in ONE atomic upsert and says whether it is admitted.
    ///
    /// The row keeps the streak's count (`failures`), its last admitted attempt (`window_start`) and the
    /// earliest time of the next admitted one (`next_at`, '' = at once). An attempt is admitted when the
    /// streak is forgotten (older than `rule.forget_secs`) or `next_at` has passed; then the count goes up
    /// and `next_at` moves to now + `rule.delay_after(count)` (a ladder of precomputed times, so both
    /// databases evaluate the same text). A refused attempt changes nothing. Concurrent upserts of one key
    /// are serialised by the database (row lock on PostgreSQL, the writer lock on SQLite), so N parallel
    /// attempts are admitted at most `rule.free` times.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.take_attempt")
    )]
    pub(crate) async fn take_attempt(
        self,
        key: &str,
        rule: &login_limits::Rule,
    ) -> Result<Admission> {
        let now = self.db.now();
        let at = |secs: i64| {
            if secs <= 0 {
                String::new()
            } else {
                ts(now + Duration::seconds(secs))
            }
        };
        let ladder = rule.ladder();
        let mut next = format!(
            "CASE WHEN login_attempts.failures + 1 < {} THEN ''",
            rule.free
        );
        for (i, (k, _)) in ladder.iter().enumerate() {
            next.push_str(&format!(
                " WHEN login_attempts.failures + 1 = {k} THEN ${}",
                i + 5
            ));
        }
        next.push_str(&format!(" ELSE ${} END", ladder.len() + 4));
        let admit = "(login_attempts.window_start < $4 OR login_attempts.next_at <= $2)";
        let sql = format!(
            "INSERT INTO login_attempts (key, failures, window_start, next_at, admitted) VALUES ($1, 1, $2, $3, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               admitted = CASE WHEN {admit} THEN 1 ELSE 0 END, \
               failures = CASE WHEN login_attempts.window_start < $4 THEN 1 \
                               WHEN login_attempts.next_at <= $2 THEN login_attempts.failures + 1 \
                               ELSE login_attempts.failures END, \
               next_at = CASE WHEN login_attempts.window_start < $4 THEN $3 \
                              WHEN login_attempts.next_at <= $2 THEN {next} \
                              ELSE login_attempts.next_at END, \
               window_start = CASE WHEN {admit} THEN $2 ELSE login_attempts.window_start END \
             RETURNING failures, next_at, admitted"
        );
        let mut q = sqlx::query(&sql)
            .bind(key.to_string())
            .bind(ts(now))
            .bind(at(rule.delay_after(1)))
            .bind(ts(now - Duration::seconds(rule.forget_secs)));
        for (_, d) in &ladder {
            q = q.bind(at(*d));
        }
        let mut w = self.db.write_quiet().await?;
        let row = q.fetch_one(&mut *w.tx).await?;
        w.commit().await?;
        let admitted: i64 = get(&row, "admitted")?;
        let next_at: String = get(&row, "next_at")?;
        let retry_after_secs = crate::sql::parse_ts(&next_at)
            .map(|t| (t - now).num_seconds().max(1))
            .unwrap_or(1);
        Ok(Admission {
            admitted: admitted != 0,
            count: get(&row, "failures")?,
            retry_after_secs,
            at: ts(now),
        })
    }

    /// Takes back one admitted attempt on `key` (a success that must not count as a failure, or an
    /// attempt another key refused). The delay that attempt armed is taken back too: the next attempt
    /// is admitted at once, as it was before — unless another attempt was admitted since (then its delay
    /// stands). Otherwise anyone could re-arm someone else's delay without a password check.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.release_attempt")
    )]
    pub(crate) async fn release_attempt(
        self,
        key: &str,
        rule: &login_limits::Rule,
        taken: &Admission,
    ) -> Result<()> {
        let mut w = self.db.write_quiet().await?;
        sqlx::query(&format!(
            "UPDATE login_attempts SET failures = failures - 1, \
               next_at = CASE WHEN failures - 1 < {} OR window_start = $2 THEN '' ELSE next_at END \
             WHERE key = $1 AND failures > 0",
            rule.free
        ))
        .bind(key.to_string())
        .bind(taken.at.clone())
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }

    /// Forgets, about once per hundred logins, the attempt rows whose streak is long over (every rule
    /// forgets within a day), so that the table does not grow with every name and address ever tried.
    async fn sweep_attempts(self) -> Result<()> {
        if !rand::rngs::OsRng.next_u32().is_multiple_of(100) {
            return Ok(());
        }
        let mut w = self.db.write_quiet().await?;
        sqlx::query("DELETE FROM login_attempts WHERE window_start < $1")
            .bind(ts(self.db.now() - Duration::days(2)))
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// Clears the streak of `key` (the password was right).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.reset_attempts")
    )]
    pub(crate) async fn reset_attempts(self, key: &str) -> Result<()> {
        let mut w = self.db.write_quiet().await?;
        sqlx::query("DELETE FROM login_attempts WHERE key = $1")
            .bind(key.to_string())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// Password verifications this handle has run (login, password change): the throttle's tests count
    /// them to prove that refused attempts never reach Argon2.
    pub fn password_checks(self) -> u64 {
        self.db
            .password_checks
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// Verifies a password off the async workers, behind the Argon2 semaphore, and counts it.
    async fn check_password(self, hash: String, password: &str) -> Result<bool> {
        self.db
            .password_checks
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let password = password.to_string();
        on_argon2_pool(move || verify_password(&hash, &password)).await
    }

    /// The hash of a device token when it was given to the account `username` and is still remembered.
    async fn known_device(self, username: &str, token: &str) -> Result<Option<String>> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let hash = token_hash(token);
        let floor = ts(self.db.now() - Duration::days(login_limits::DEVICE_DAYS));
        let row = sqlx::query(
            "SELECT d.token_hash FROM login_devices d JOIN users u ON u.id = d.user_id \
             WHERE d.token_hash = $1 AND u.username = $2 AND d.last_used_at >= $3",
        )
        .bind(hash.clone())
        .bind(username.to_string())
        .bind(floor)
        .fetch_optional(&self.db.pool)
        .await?;
        Ok(row.map(|_| hash))
    }

    /// Remembers a new device for the account and returns its token (only the hash is stored); devices
    /// unused for `DEVICE_DAYS` are forgotten on the way.
    async fn new_device(self, user_id: i64) -> Result<String> {
        let token = random_token();
        let now = self.db.now();
        let mut w = self.db.write_quiet().await?;
        sqlx::query("DELETE FROM login_devices WHERE last_used_at < $1")
            .bind(ts(now - Duration::days(login_limits::DEVICE_DAYS)))
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_devices (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(ts(now))
        .execute(&mut *w.tx)
        .await?;
        // Keep the new device and the most recently used others.
        sqlx::query(&format!(
            "DELETE FROM login_devices WHERE user_id = $1 AND token_hash <> $2 AND token_hash NOT IN \
             (SELECT token_hash FROM login_devices WHERE user_id = $1 AND token_hash <> $2 \
              ORDER BY last_used_at DESC, created_at DESC LIMIT {})",
            login_limits::DEVICES_PER_ACCOUNT - 1
        ))
        .bind(user_id)
        .bind(token_hash(&token))
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(token)
    }

    async fn touch_device(self, hash: &str) -> Result<()> {
        let mut w = self.db.write_quiet().await?;
        sqlx::query("UPDATE login_devices SET last_used_at = $1 WHERE token_hash = $2")
            .bind(ts(self.db.now()))
            .bind(hash.to_string())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// Creates a session for a user and returns the token (only its SHA-256 is stored).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.create_session")
    )]
    pub async fn create_session(self, user_id: i64, kind: SessionKind) -> Result<String> {
        let token = random_token();
        let now = self.db.now();
        let mut w = self.db.write_quiet().await?;
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
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.session")
    )]
    pub async fn session(self, token: &str, kind: SessionKind) -> Result<Option<SessionInfo>> {
        if token.len() != 64 {
            return Ok(None);
        }
        let now = self.db.now();
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS}, s.csrf, s.expires_at, s.last_seen_at FROM sessions s JOIN users a ON a.id = s.user_id \
             JOIN units u ON u.id = a.unit_id WHERE s.id_hash = $1 AND s.kind = $2"
        ))
        .bind(token_hash(token))
        .bind(kind.as_str())
        .fetch_optional(&self.db.pool)
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
            let mut w = self.db.write_quiet().await?;
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

    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "accounts.logout"))]
    pub async fn logout(self, token: &str) -> Result<()> {
        let mut w = self.db.write_quiet().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(token_hash(token))
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// Changes the password after checking the current one; ends the user's other sessions.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.change_password")
    )]
    pub async fn change_password(
        self,
        actor: &Actor,
        user_id: i64,
        current: &str,
        new: &str,
        keep_token: Option<&str>,
    ) -> Result<()> {
        let row = sqlx::query("SELECT username, password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.db.pool)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let hash: String = get(&row, "password_hash")?;
        let username: String = get(&row, "username")?;
        // Guessing the current password from a borrowed session meets the same throttle as a login, on a
        // key of its own so that an attack on the login cannot stop the owner from changing it.
        let key = format!("c:{user_id}");
        let taken = self.take_attempt(&key, &login_limits::ACCOUNT).await?;
        if !taken.admitted {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "current",
                format!(
                    "Nhập sai mật khẩu hiện tại quá nhiều lần. Hãy thử lại sau {} phút",
                    login_limits::wait_minutes(taken.retry_after_secs)
                ),
            )]));
        }
        if !self.check_password(hash, current).await? {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "current",
                "Mật khẩu hiện tại không đúng",
            )]));
        }
        self.reset_attempts(&key).await?;
        if let Err(e) = domain::password::check(new, &username) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "new",
                e.to_string(),
            )]));
        }
        self.store_password(actor, user_id, new, keep_token).await
    }

    /// Sets a password without checking the old one (admin reset, CLI), after the password rule.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.set_password")
    )]
    pub async fn set_password(
        self,
        actor: &Actor,
        user_id: i64,
        new: &str,
        keep_token: Option<&str>,
    ) -> Result<()> {
        let account = self
            .account_by_id(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Err(e) = domain::password::check(new, &account.username) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "password",
                e.to_string(),
            )]));
        }
        self.store_password(actor, user_id, new, keep_token).await
    }

    /// Hashes and stores a password the caller has already put through `domain::password::check`,
    /// ending the account's other sessions.
    async fn store_password(
        self,
        actor: &Actor,
        user_id: i64,
        new: &str,
        keep_token: Option<&str>,
    ) -> Result<()> {
        let account = self
            .account_by_id(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let password = new.to_string();
        let hash = on_argon2_pool(move || hash_password(&password)).await??;
        let mut w = self.db.write().await?;
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(ts(self.db.now()))
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
            self.db.now(),
            actor,
            &audit::AuditEvent::new("password", "account", user_id)
                .label(&account.username)
                .unit(&account.unit_path),
        )
        .await?;
        w.commit().await
    }

    /// Resets the password of an account `p` manages (never their own: that is `change_password`), ending
    /// its sessions. Out-of-scope or higher accounts answer `NotFound`.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.reset_password")
    )]
    pub async fn reset_password(
        self,
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
        self.set_password(actor, user_id, new, None).await
    }

    /// Enables or disables an account (disabling ends its sessions).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.set_account_active")
    )]
    pub async fn set_account_active(
        self,
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
        let mut w = self.db.write().await?;
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
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if active { "enable" } else { "disable" },
                "account",
                user_id,
            )
            .label(&account.username)
            .unit(&account.unit_path)
            .before(&serde_json::json!({"active": account.active}))
            .after(&serde_json::json!({"active": active})),
        )
        .await?;
        w.commit().await?;
        Ok(Account { active, ..account })
    }

    /// Whether the member `member_id` may be linked to an account over the unit with `unit_path` (None:
    /// the unit is not valid, so nothing can be checked): the member exists, `p` may read them (an unscoped
    /// caller may read everyone), and the member's current unit lies in the account's unit subtree — an
    /// account stands for a person of the units it manages (the ward's bí thư belongs to one of its cells).
    async fn linkable(
        self,
        p: Option<&Principal>,
        member_id: i64,
        unit_path: Option<&str>,
    ) -> Result<std::result::Result<(), FieldError>> {
        let refused = |m: &str| Ok(Err(FieldError::new("member_id", m)));
        let Some((_, path)) = self.db.members().member_unscoped(member_id).await? else {
            return refused("Không có hồ sơ đảng viên này trong phạm vi bạn được cấp quyền");
        };
        if p.is_some_and(|p| !p.can_read_member(member_id, &path)) {
            return refused("Không có hồ sơ đảng viên này trong phạm vi bạn được cấp quyền");
        }
        match unit_path {
            Some(u) if domain::policy::in_subtree(u, &path) => Ok(Ok(())),
            Some(_) => refused("Hồ sơ đảng viên không thuộc đơn vị đã chọn"),
            None => Ok(Ok(())),
        }
    }

    /// Links an account `p` manages to a member record, or unlinks it (`None`); audited. The member must
    /// pass the rule of `create_account` (`linkable`). A member account always keeps a member. Out-of-scope
    /// or higher accounts answer `NotFound`.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.set_account_member")
    )]
    pub async fn set_account_member(
        self,
        actor: &Actor,
        p: &Principal,
        user_id: i64,
        member_id: Option<i64>,
    ) -> Result<Account> {
        let account = self
            .account_by_id(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_manage_account(account.role, &account.unit_path) || p.user_id == user_id {
            return Err(StoreError::NotFound);
        }
        match member_id {
            None if account.role == Role::Member => {
                return Err(StoreError::Invalid(vec![FieldError::new(
                    "member_id",
                    "Tài khoản đảng viên phải gắn với hồ sơ đảng viên",
                )]));
            }
            None => {}
            Some(mid) => {
                if let Err(e) = self
                    .linkable(Some(p), mid, Some(&account.unit_path))
                    .await?
                {
                    return Err(StoreError::Invalid(vec![e]));
                }
            }
        }
        if member_id == account.member_id {
            return Ok(account);
        }
        let mut w = self.db.write().await?;
        sqlx::query("UPDATE users SET member_id = $1 WHERE id = $2")
            .bind(member_id)
            .bind(user_id)
            .execute(&mut *w.tx)
            .await?;
        // Open sessions carry the old link: they end, the next sign-in reads the new one.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *w.tx)
            .await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("link_member", "account", user_id)
                .label(&account.username)
                .unit(&account.unit_path)
                .before(&serde_json::json!({"member_id": account.member_id}))
                .after(&serde_json::json!({"member_id": member_id})),
        )
        .await?;
        w.commit().await?;
        Ok(Account {
            member_id,
            ..account
        })
    }

    /// The member with this party card number among the members `p` may read (spaces and dots typed in
    /// the number are ignored); None when there is none — also when the card belongs to someone outside
    /// the scope, so the answer names nobody the caller may not read.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.member_by_card")
    )]
    pub async fn member_by_card(self, p: &Principal, card: &str) -> Result<Option<LinkedMember>> {
        let card: String = card.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if card.is_empty() || card.len() > 32 {
            return Ok(None);
        }
        let mut q = Sql::new(
            "SELECT m.id, m.full_name, m.card_number FROM members m JOIN units u ON u.id = m.unit_id WHERE m.card_number = ",
        );
        q.text(card).push(" AND ");
        crate::members::push_member_scope(&mut q, p);
        let row = q.query().fetch_optional(&self.db.pool).await?;
        row.as_ref().map(crate::sql::from_row).transpose()
    }

    /// Name and card number of the linked members among `member_ids` that `p` may read (a link to someone
    /// outside the scope is left out, so it is never named).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.linked_members")
    )]
    pub async fn linked_members(
        self,
        p: &Principal,
        member_ids: &[i64],
    ) -> Result<Vec<LinkedMember>> {
        let mut ids = member_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = Sql::new(
                "SELECT m.id, m.full_name, m.card_number FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id IN (",
            );
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(") AND ");
            crate::members::push_member_scope(&mut q, p);
            for row in q.query().fetch_all(&self.db.pool).await? {
                out.push(crate::sql::from_row(&row)?);
            }
        }
        Ok(out)
    }
}

/// A member as the accounts page names the person an account stands for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct LinkedMember {
    pub id: i64,
    pub full_name: String,
    pub card_number: Option<String>,
}

/// An uploaded file kept in the database (real imports keep the file for a corrected retry; dry runs are
/// not stored).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub content: Vec<u8>,
}

/// How many uploads each user keeps: the newest `UPLOADS_KEPT_PER_USER`, within `UPLOAD_BYTES_PER_USER`
/// together (the newest is always kept), and none older than `UPLOAD_DAYS`.
pub const UPLOADS_KEPT_PER_USER: usize = 5;
/// Total size of one user's kept uploads.
pub const UPLOAD_BYTES_PER_USER: i64 = 64 * 1024 * 1024;
/// Age after which any upload is removed.
pub const UPLOAD_DAYS: i64 = 30;

impl Accounts<'_> {
    /// Stores an upload for its user, then applies the retention rule: uploads older than
    /// [`UPLOAD_DAYS`] are removed for everyone, and this user keeps only the newest
    /// [`UPLOADS_KEPT_PER_USER`] within [`UPLOAD_BYTES_PER_USER`].
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.save_upload")
    )]
    pub async fn save_upload(
        self,
        user_id: i64,
        kind: &str,
        filename: &str,
        content: &[u8],
    ) -> Result<i64> {
        let now = self.db.now();
        let mut w = self.db.write_quiet().await?;
        sqlx::query("DELETE FROM uploads WHERE created_at < $1")
            .bind(ts(now - Duration::days(UPLOAD_DAYS)))
            .execute(&mut *w.tx)
            .await?;
        let row = sqlx::query("INSERT INTO uploads (user_id, kind, filename, content, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(user_id)
            .bind(kind.to_string())
            .bind(domain::limits::clip(domain::limits::Field::FileName, filename).to_string())
            .bind(content.to_vec())
            .bind(ts(now))
            .fetch_one(&mut *w.tx)
            .await?;
        let id = get(&row, "id")?;
        let kept = sqlx::query(
            "SELECT id, CAST(LENGTH(content) AS BIGINT) AS size FROM uploads WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(&mut *w.tx)
        .await?;
        let mut total = 0i64;
        let mut drop_ids = Vec::new();
        for (i, r) in kept.iter().enumerate() {
            let size: i64 = get(r, "size")?;
            total = total.saturating_add(size);
            if i > 0 && (i >= UPLOADS_KEPT_PER_USER || total > UPLOAD_BYTES_PER_USER) {
                drop_ids.push(get::<i64>(r, "id")?);
            }
        }
        for chunk in drop_ids.chunks(500) {
            let mut q = Sql::new("DELETE FROM uploads WHERE id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(")");
            q.query().execute(&mut *w.tx).await?;
        }
        w.commit().await?;
        Ok(id)
    }

    /// How many uploads `user_id` has kept (retention checks).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "accounts.upload_count")
    )]
    pub async fn upload_count(self, user_id: i64) -> Result<i64> {
        get(
            &sqlx::query("SELECT COUNT(*) AS n FROM uploads WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&self.db.pool)
                .await?,
            "n",
        )
    }

    /// An upload, only for the user who made it.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "accounts.upload"))]
    pub async fn upload(self, user_id: i64, id: i64) -> Result<Upload> {
        let row = sqlx::query(
            "SELECT id, kind, filename, content FROM uploads WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        crate::sql::from_row(&row)
    }
}
