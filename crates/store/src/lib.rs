//! lamtheo's persistence: one `Db` over SQLite or PostgreSQL (chosen from the URL), migrations per backend,
//! and every query. Scope filters come from `domain::policy`; this crate only turns them into SQL.
//!
//! The queries are grouped by area behind handles borrowed from the `Db`: `db.members().create_member(..)`,
//! `db.units()`, `db.accounts()`, `db.audit()`, `db.campaign()`, `db.feedback()`, `db.imports()`,
//! `db.attendance()`, `db.models()`, `db.registrations()`, and the public portal's `db.portal()`. Each call
//! runs in a DEBUG span `db` whose `op` field names it (`members.create_member`).
#![forbid(unsafe_code)]

mod accounts;
mod audit;
mod campaign;
mod commendations;
mod commendations_read;
mod commendations_summary;
mod criteria;
mod criteria_assess;
mod criteria_decisions;
mod disciplines;
mod documents;
mod feedback;
pub mod heavy;
mod import;
mod inspections;
mod inspections_import;
#[cfg(feature = "bulk-load")]
mod inspections_load;
mod meetings;
#[cfg(feature = "bulk-load")]
mod meetings_load;
mod members;
mod models;
mod portal;
mod positions;
mod ratings;
mod registrations;
mod registrations_export;
#[cfg(feature = "bulk-load")]
mod registrations_load;
mod registrations_review;
mod report_figures;
mod report_figures_sub;
mod reports;
mod reports_read;
mod sql;
mod units;

pub use accounts::{
    hash_password, on_argon2_pool, random_password, random_token, username_tag, verify_password,
    Account, LinkedMember, LoginOutcome, NewAccount, SessionInfo, SessionKind, Upload,
    UPLOADS_KEPT_PER_USER, UPLOAD_BYTES_PER_USER, UPLOAD_DAYS,
};
pub use audit::{action, AuditEntry, AuditFilter, AuditGroup, FileAudit};
pub use campaign::{
    CalendarBook, CalendarRow, CalendarView, Directive, Plan, PlanInput, Theme, TopicStatus,
};
pub use commendations::{
    Commendation, CommendationCounts, CommendationFilter, CommendationInput, CommendationSummary,
    CommendedMember, CommendedModel, CommendedRegistration, KindLine, LevelLine,
    PublicCommendation,
};
pub use criteria::{
    AppliesTo, Assessment, AssessmentInput, Classification, ClassificationInput, CriteriaSet,
    CriteriaSetInput, CriteriaStatus, Criterion, ItemStatus, Mark, MarkInput, RecognitionInput,
    RecognitionRecord, Rollup, RollupLine, WithdrawalInput,
};
pub use disciplines::{
    Appeal, AppealResultInput, Discipline, DisciplineFilter, DisciplineInput, DisciplineState,
    StrikeOff, StrikeOffCandidate, StrikeOffInput,
};
pub use documents::{document_type, DocumentInfo, MAX_DOCUMENT_BYTES};
#[cfg(feature = "bulk-load")]
pub use feedback::NewDemoFeedback;
pub use feedback::{FeedbackCounts, FeedbackItem, FeedbackView};
pub use import::{ImportOutcome, ImportReport, NewMemberFull};
pub use inspections::{
    Case, CaseDetail, CaseFilter, CaseInput, ConclusionInput, FindingInput, InspectionSummary,
    OwnFinding, Programme, ProgrammeInput, Remedy, RemedyInput, Subject,
};
#[cfg(feature = "bulk-load")]
pub use inspections_load::{
    InspectionLoad, InspectionLoadCounts, NewCase, NewDiscipline, NewProgramme, NewRemedy,
    NewStrikeOff, NewSubject,
};
pub use meetings::Closing;
pub use meetings::{
    Absentee, Checkin, CheckinFailure, MarkRow, Meeting, MeetingFilter, MeetingInput, MemberMark,
    UnitRef, UnitTally,
};
#[cfg(feature = "bulk-load")]
pub use meetings_load::{NewMark, NewMeeting, NewTopic};
pub use members::{
    unusable_identifier, unusable_unit_code, validate_member_input, MemberInput, MemberListItem,
    MemberQuery, MembershipEntry, StatusEntry,
};
pub use models::{
    AdoptedModel, Adoption, Model, ModelDetail, ModelFilter, ModelInput, ModelResult, PhotoInfo,
    PublicAdoption, PublicModel, PublicModelDetail, PublicModelFilter, PublicPhoto, PublicResult,
    ResultInput, MAX_PHOTOS_PER_MODEL, MAX_RESULTS_PER_MODEL,
};
pub use portal::{
    CitizenAnswerOutcome, FeedbackReceipt, FeedbackRefusal, FeedbackSubmission, FeedbackTracking,
    MemberCommendation, Portal, PortalModelPage, PortalRegistrationPage, PortalUnit,
    PortalUnitPage, PublicClassification, PublicFeedback, PublicItem, PublicRecognition,
    PublicRegistration, SearchDoc, PORTAL_UNIT_TYPES,
};
pub use ratings::{RatingLine, RatingProposal, RatingSheet, RatingState};
pub use registrations::{
    CopyCluster, Item, ItemInput, ItemKind, Manifestation, Registration, RegistrationEvent,
    VersionInfo, MAX_ITEMS, MAX_ITEM_CHARS,
};
pub use registrations_export::RegistrationExport;
#[cfg(feature = "bulk-load")]
pub use registrations_load::{
    CopyFlags, NewRating, NewRegistration, NewRegistrationEvent, NewRegistrationItem,
};
pub use registrations_review::{HeadLate, RegReport, RegSummary, RegUnitLine, ReviewInput};
pub use reports::{
    ReportEvent, ReportSummary, RoundDetail, RoundInput, RoundSummary, StoredReport,
};
pub use units::{ScopeStats, UnitInput, UnitSummary};

use chrono::{DateTime, NaiveDate, Utc};
use domain::Clock;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Errors of the storage layer. Messages meant for users are Vietnamese.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
    #[error("lỗi nâng cấp cơ sở dữ liệu: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("không tìm thấy")]
    NotFound,
    #[error("không có quyền thực hiện thao tác này")]
    Forbidden,
    #[error("dữ liệu không hợp lệ")]
    Invalid(Vec<FieldError>),
    #[error("xung đột dữ liệu: {0}")]
    Conflict(String),
    #[error("dữ liệu hỏng trong cơ sở dữ liệu: {0}")]
    Corrupt(String),
    #[error("lỗi mã hóa mật khẩu")]
    Password,
}

/// A validation error tied to a form field (`field` is the English field name, `message` Vietnamese).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Adds "… quá dài (tối đa N ký tự)" for the form field `name` when `value` is longer than the limit
/// declared for it in `domain::limits`. Every write function checks its text fields with this.
pub(crate) fn check_length(
    errors: &mut Vec<FieldError>,
    name: &str,
    field: domain::limits::Field,
    value: &str,
) {
    if let Err(e) = domain::limits::check(field, value) {
        errors.push(FieldError::new(name, e.to_string()));
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Who performs a write, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    /// "web", "api", "cli", "import", "demo".
    pub source: &'static str,
}

impl Actor {
    pub fn system(source: &'static str) -> Actor {
        Actor {
            user_id: None,
            username: "hệ thống".to_string(),
            source,
        }
    }
    pub fn user(p: &domain::policy::Principal, source: &'static str) -> Actor {
        Actor {
            user_id: Some(p.user_id),
            username: p.username.clone(),
            source,
        }
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The database handle, cheap to clone.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: AnyPool,
    backend: Backend,
    pub(crate) clock: Arc<dyn Clock>,
    /// SQLite allows one writer; writes queue here instead of failing with SQLITE_BUSY.
    write_lock: Arc<tokio::sync::Mutex<()>>,
    /// Whose registrations are disclosed (`--disclose`).
    pub(crate) disclosure: domain::registration::Disclosure,
    /// Days a unit has to answer citizens' feedback (`--feedback-days`).
    pub(crate) answer_days: i64,
    /// Who counts as a key cadre (`--key-cadre-titles` extends the list).
    pub(crate) key_cadres: Arc<domain::position::KeyCadres>,
    /// Bumped after every committed write: caches of public pages compare it (`Db::generation`).
    changes: Arc<std::sync::atomic::AtomicU64>,
    /// Password verifications run by this handle (`Accounts::password_checks`).
    pub(crate) password_checks: Arc<std::sync::atomic::AtomicU64>,
}

/// Declares the per-area handles of [`Db`] and their accessors. A handle borrows the `Db` and is `Copy`; its
/// methods take it by value, so the futures they return borrow only the `Db` (as `Db`'s own methods did) and
/// `tokio::join!(db.members().a(..), db.members().b(..))` works.
macro_rules! handles {
    ($($(#[$doc:meta])* $accessor:ident -> $handle:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub struct $handle<'a> {
                pub(crate) db: &'a Db,
            }
        )*

        impl Db {
            $(
                $(#[$doc])*
                pub fn $accessor(&self) -> $handle<'_> {
                    $handle { db: self }
                }
            )*
        }
    };
}

handles! {
    /// Accounts, passwords, logins and their throttling, sessions, uploads (`accounts.rs`).
    accounts -> Accounts;
    /// The audit log: reading it, recording handed-out files (`audit.rs`).
    audit -> Audit;
    /// Directives, plans, themes and monthly topics (`campaign.rs`).
    campaign -> Campaign;
    /// Commendations: decisions, proposals, what earned them, their figures and public view
    /// (`commendations.rs`).
    commendations -> Commendations;
    /// Criteria sets, assessments, recognition decisions and classifications of units (`criteria.rs`).
    criteria -> Criteria;
    /// Citizens' feedback inside the office: moderation and answers (`feedback.rs`).
    feedback -> Feedback;
    /// Spreadsheet imports of units and members (`import.rs`).
    imports -> Imports;
    /// Inspection and supervision cases, discipline, appeals, xóa tên — confidential (`inspections.rs`,
    /// `disciplines.rs`).
    inspections -> Inspections;
    /// Study sessions and cell meetings: marks, self check-in, documents, tallies (`meetings.rs`).
    attendance -> Attendance;
    /// Party members: search, records, transfers, statuses, membership history (`members.rs`).
    members -> Members;
    /// Good-practice models: results, photos, adoptions, their public view (`models.rs`).
    models -> Models;
    /// Registrations: writing, review, approval, reports, exports (`registrations*.rs`).
    registrations -> Registrations;
    /// Period reports: figures (`report_figures.rs`), rounds, writing and sign-off (`reports.rs`).
    reports -> Reports;
    /// The unit tree: listing, creating, moving and closing units (`units.rs`).
    units -> Units;
}

/// The SQLite URL for a data directory.
pub fn sqlite_url_for_dir(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("lamtheo.db").display())
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and runs pending migrations.
    pub async fn open(url: &str, clock: Arc<dyn Clock>) -> Result<Db> {
        let db = Db::connect(url, clock).await?;
        db.migrate().await?;
        db.classify_positions().await?;
        Ok(db)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str, clock: Arc<dyn Clock>) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        if backend == Backend::Sqlite {
            create_sqlite_file(url).await?;
        }
        // sqlx reports every statement as a DEBUG `sqlx::query` event (the web layer sums them per request)
        // and one slower than 100 ms as a WARN, both inside the caller's tracing span.
        let mut options: sqlx::any::AnyConnectOptions = url.parse()?;
        options.log_settings.slow_statements_duration = Duration::from_millis(100);
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000; \
                                 PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Db {
            pool,
            backend,
            clock,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            disclosure: domain::registration::Disclosure::default(),
            answer_days: domain::feedback::DEFAULT_ANSWER_DAYS,
            key_cadres: Arc::new(domain::position::KeyCadres::default()),
            changes: Arc::new(std::sync::atomic::AtomicU64::new(0)),
            password_checks: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        })
    }

    /// Sets whose registrations are disclosed (applies to registrations written from now on).
    pub fn with_disclosure(mut self, d: domain::registration::Disclosure) -> Db {
        self.disclosure = d;
        self
    }

    /// Extends who counts as a key cadre (applies to positions written from now on; `refresh_key_cadres`
    /// brings the stored ones up to date).
    pub fn with_key_cadres(mut self, k: domain::position::KeyCadres) -> Db {
        self.key_cadres = Arc::new(k);
        self
    }

    /// Sets how many days units have to answer citizens' feedback before it is overdue.
    pub fn with_answer_days(mut self, days: i64) -> Db {
        self.answer_days = days.max(1);
        self
    }

    pub fn answer_days(&self) -> i64 {
        self.answer_days
    }

    /// The same database (pool, write lock, generation) read through another clock: the demo loader
    /// writes back-dated sign-off steps with it.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Db {
        Db {
            clock,
            ..self.clone()
        }
    }

    /// A number that changes after every committed write through this handle (and its clones). Caches of
    /// rendered public pages keep it and start over when it moved; writes by other processes sharing the
    /// database are not seen here, so such caches also expire by age.
    pub fn generation(&self) -> u64 {
        self.changes.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Applies pending migrations. On PostgreSQL the migrator holds an advisory lock, so several
    /// instances may start together.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATOR.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATOR.run(&self.pool).await?,
        }
        // A migration that drops stale copy-detection signatures leaves them to be recomputed here.
        registrations::refresh_signatures(self).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// Highest applied migration version.
    pub async fn schema_version(&self) -> Result<i64> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) AS v FROM _sqlx_migrations",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("v")?)
    }

    /// True when no unit exists yet (a fresh install).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM units")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n == 0)
    }

    /// Refreshes PostgreSQL's planner statistics after a bulk load (without them it plans the as-of and
    /// tally queries as if the tables were empty: 64 s instead of 0,2 s to create a district's session on
    /// the national demo). SQLite plans these queries well without statistics (with `ANALYZE` it chose
    /// worse plans), so nothing is done there.
    pub async fn analyze(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction; on SQLite, writers queue on a process-wide lock first.
    pub(crate) async fn write(&self) -> Result<WriteTx<'_>> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.lock().await),
            Backend::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            _guard: guard,
            changes: Some(&self.changes),
        })
    }

    /// A write transaction that does not count as a change of what pages show (`Db::generation` stays):
    /// sessions, login and rate counters, feedback waiting for moderation. Keeps anonymous requests from
    /// flushing the public portal's cache.
    pub(crate) async fn write_quiet(&self) -> Result<WriteTx<'_>> {
        let mut w = self.write().await?;
        w.changes = None;
        Ok(w)
    }
}

/// Creates a new SQLite database file with 16 KiB pages in WAL mode (page size can only be chosen before
/// the first table exists; larger pages make bulk loads and commits markedly cheaper). Existing files are
/// left alone.
async fn create_sqlite_file(url: &str) -> Result<()> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let opts = SqliteConnectOptions::from_str(url)?;
    let path = opts.get_filename().to_path_buf();
    if path.as_os_str().is_empty() || path.to_string_lossy() == ":memory:" || path.exists() {
        return Ok(());
    }
    let conn = opts
        .create_if_missing(true)
        .page_size(16384)
        .journal_mode(SqliteJournalMode::Wal)
        .connect()
        .await?;
    sqlx::Connection::close(conn).await?;
    Ok(())
}

pub(crate) struct WriteTx<'a> {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    _guard: Option<tokio::sync::MutexGuard<'a, ()>>,
    changes: Option<&'a std::sync::atomic::AtomicU64>,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        if let Some(c) = self.changes {
            c.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        }
        Ok(())
    }
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(crate) fn date_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn opt_date_str(d: Option<NaiveDate>) -> Option<String> {
    d.map(date_str)
}

pub(crate) fn parse_opt_date(s: Option<String>) -> Result<Option<NaiveDate>> {
    match s {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("ngày không hợp lệ: {s}"))),
    }
}

pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    Ok(row.try_get(col)?)
}
