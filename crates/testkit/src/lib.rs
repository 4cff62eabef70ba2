//! Test support shared by the workspace's database tests (a dev-dependency only, never published).
//!
//! - [`TestDb`]: a throw-away database. SQLite is a fresh file in a temporary directory; PostgreSQL (only
//!   when `LAMTHEO_TEST_DATABASE_URL` holds an admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`)
//!   is a fresh database `lt_test_<random hex>`. Both are removed when the value is dropped, also while a
//!   failing test unwinds. If the variable is set but the server cannot be reached, creating the database
//!   panics: PostgreSQL tests never skip silently.
//! - [`each_backend`]: runs a test body once per backend with the URL of a fresh database.
//! - [`FixedClock`] and [`TestClock`]: the fixed "now" of the tests, 2026-11-27T03:00:00Z (10:00 in Hà Nội).
//!
//! The databases are empty: callers open them with `store::Db::open`, which runs the migrations. This crate
//! does not depend on `store` on purpose (the store's own tests use it; a second copy of the store in the
//! test build would make its types differ from the ones under test).
#![forbid(unsafe_code)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::Clock;
use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The environment variable holding the PostgreSQL admin URL.
pub const PG_ENV: &str = "LAMTHEO_TEST_DATABASE_URL";

/// The file name of the SQLite database inside its directory (the layout of a data directory, as
/// `store::sqlite_url_for_dir` builds it).
const SQLITE_FILE: &str = "lamtheo.db";

// ---------------------------------------------------------------------------------------------
// Clocks
// ---------------------------------------------------------------------------------------------

/// The fixed "now" of every test: 2026-11-27T03:00:00Z (10:00 in Hà Nội).
pub fn test_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 3, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The date [`test_now`] shows in Asia/Ho_Chi_Minh.
pub fn test_today() -> NaiveDate {
    FixedClock.today()
}

/// A clock that always answers [`test_now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        test_now()
    }
}

/// A clock that starts at [`test_now`] and that the test moves forward.
#[derive(Debug)]
pub struct TestClock {
    base: DateTime<Utc>,
    offset_secs: AtomicI64,
}

impl TestClock {
    pub fn new() -> Arc<TestClock> {
        Arc::new(TestClock {
            base: test_now(),
            offset_secs: AtomicI64::new(0),
        })
    }

    /// Moves the clock forward by `by` (whole seconds).
    pub fn advance(&self, by: Duration) {
        self.offset_secs
            .fetch_add(by.num_seconds(), Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.base + Duration::seconds(self.offset_secs.load(Ordering::SeqCst))
    }
}

// ---------------------------------------------------------------------------------------------
// Backends and URLs
// ---------------------------------------------------------------------------------------------

/// A database backend the store supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Every backend, in the order tests run on them.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

    /// `"sqlite"` or `"postgres"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The PostgreSQL admin URL from `LAMTHEO_TEST_DATABASE_URL`, if PostgreSQL tests are wanted.
pub fn pg_admin_url() -> Option<String> {
    std::env::var(PG_ENV)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `admin_url` with its database name replaced by `name` (the query string is kept).
pub fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.find('?') {
        Some(i) => (&admin_url[..i], &admin_url[i..]),
        None => (admin_url, ""),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

/// `prefix` followed by 16 random hex digits: a database name no other test run uses.
pub fn random_name(prefix: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// The URL of the SQLite database file in `dir` (created on first connection).
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(SQLITE_FILE).display())
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL databases
// ---------------------------------------------------------------------------------------------

/// A PostgreSQL database owned by the test: dropped (`WITH (FORCE)`) when this value is dropped, also
/// while a failing test unwinds.
#[derive(Debug)]
pub struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    /// Creates a fresh, empty database `lt_test_<random hex>` through `admin_url`.
    ///
    /// # Panics
    /// When the server cannot be reached or refuses to create the database.
    pub async fn create(admin_url: &str) -> PgDatabase {
        PgDatabase::create_with(admin_url, &random_name("lt_test_"), "").await
    }

    /// Creates database `name` with extra `CREATE DATABASE` options (for example
    /// `TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`).
    ///
    /// # Panics
    /// When the server cannot be reached or refuses to create the database.
    pub async fn create_with(admin_url: &str, name: &str, options: &str) -> PgDatabase {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::postgres::PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!("{PG_ENV} is set to {admin_url} but PostgreSQL is unreachable: {e}")
            });
        let sql = format!("CREATE DATABASE \"{name}\" {options}");
        let created = conn.execute(sql.trim_end()).await;
        let _ = conn.close().await;
        if let Err(e) = created {
            panic!("cannot create test database {name}: {e}");
        }
        PgDatabase::adopt(admin_url, name)
    }

    /// Takes ownership of the existing database `name`: it is dropped with this value.
    pub fn adopt(admin_url: &str, name: &str) -> PgDatabase {
        PgDatabase {
            admin_url: admin_url.to_string(),
            name: name.to_string(),
            url: with_database(admin_url, name),
        }
    }

    /// The URL of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The admin URL it was created through.
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        drop_pg_database(&self.admin_url, &self.name);
    }
}

/// Drops database `name` (`IF EXISTS … WITH (FORCE)`, so open pools do not block it). Best effort and
/// blocking: it runs on a thread of its own with its own runtime, so it works inside or outside a runtime
/// and in `Drop` during a panic; it never panics, a failure is only reported on stderr.
pub fn drop_pg_database(admin_url: &str, name: &str) {
    let (admin_url, name) = (admin_url.to_string(), name.to_string());
    let work = move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async {
            use sqlx::{Connection, Executor};
            let mut conn = sqlx::postgres::PgConnection::connect(&admin_url)
                .await
                .map_err(|e| e.to_string())?;
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            let dropped = conn.execute(sql.as_str()).await.map_err(|e| e.to_string());
            let _ = conn.close().await;
            dropped.map(|_| ())
        })
        .map_err(|e| format!("could not drop test database {name}: {e}"))
    };
    let outcome = std::thread::Builder::new()
        .name("testkit-drop-db".into())
        .spawn(work)
        .map_err(|e| e.to_string())
        .and_then(|h| {
            h.join()
                .unwrap_or_else(|_| Err("the drop thread panicked".to_string()))
        });
    if let Err(e) = outcome {
        eprintln!("{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Test databases
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum Storage {
    Sqlite(tempfile::TempDir),
    Postgres(PgDatabase),
}

/// A fresh, empty (not migrated) database, removed when dropped.
#[derive(Debug)]
pub struct TestDb {
    backend: Backend,
    url: String,
    storage: Storage,
}

impl TestDb {
    /// A fresh SQLite database file in a new temporary directory.
    ///
    /// # Panics
    /// When the temporary directory cannot be created.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("lamtheo-test-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        TestDb {
            backend: Backend::Sqlite,
            url: sqlite_url(dir.path()),
            storage: Storage::Sqlite(dir),
        }
    }

    /// A fresh PostgreSQL database `lt_test_<random hex>`; None when `LAMTHEO_TEST_DATABASE_URL` is unset.
    ///
    /// # Panics
    /// When the variable is set but the database cannot be created.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = pg_admin_url()?;
        let pg = PgDatabase::create(&admin_url).await;
        Some(TestDb {
            backend: Backend::Postgres,
            url: pg.url().to_string(),
            storage: Storage::Postgres(pg),
        })
    }

    /// A fresh database of `backend`; None only for PostgreSQL when `LAMTHEO_TEST_DATABASE_URL` is unset.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite()),
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    /// The connection URL (`sqlite://…?mode=rwc` or `postgres://…/lt_test_…`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite database's directory (a data directory for the `lamtheo` binary); None on PostgreSQL.
    pub fn dir(&self) -> Option<&Path> {
        match &self.storage {
            Storage::Sqlite(dir) => Some(dir.path()),
            Storage::Postgres(_) => None,
        }
    }

    /// The PostgreSQL database; None on SQLite.
    pub fn pg(&self) -> Option<&PgDatabase> {
        match &self.storage {
            Storage::Sqlite(_) => None,
            Storage::Postgres(pg) => Some(pg),
        }
    }
}

/// Prints which backend a failing test ran on (the panic message alone does not say).
struct BackendReport(Backend);

impl Drop for BackendReport {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("failed on backend {}", self.0.name());
        }
    }
}

/// Runs `test(url, backend_name)` on a fresh SQLite database, then — when `LAMTHEO_TEST_DATABASE_URL` is
/// set — on a fresh PostgreSQL database. Each database is removed afterwards, also when the test panics
/// (the panic then goes on, after saying which backend failed).
pub async fn each_backend<F, Fut>(mut test: F)
where
    F: FnMut(String, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in Backend::ALL {
        let Some(db) = TestDb::new(backend).await else {
            eprintln!("{PG_ENV} not set: the PostgreSQL variant was not run");
            continue;
        };
        let report = BackendReport(backend);
        test(db.url().to_string(), backend.name()).await;
        drop(report);
        drop(db);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "lt_test_ab"),
            "postgres://postgres@127.0.0.1:5432/lt_test_ab"
        );
        assert_eq!(
            with_database("postgres://u:p@h/postgres?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        let a = random_name("lt_test_");
        assert_eq!(a.len(), "lt_test_".len() + 16);
        assert_ne!(a, random_name("lt_test_"));
    }

    #[test]
    fn clocks() {
        assert_eq!(test_now().to_rfc3339(), "2026-11-27T03:00:00+00:00");
        assert_eq!(test_today(), NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        let c = TestClock::new();
        c.advance(Duration::hours(2));
        assert_eq!(c.now() - FixedClock.now(), Duration::hours(2));
    }

    #[test]
    fn sqlite_is_removed() {
        let db = TestDb::sqlite();
        let dir = db.dir().unwrap().to_path_buf();
        assert!(dir.is_dir());
        assert!(db.url().starts_with("sqlite://") && db.url().ends_with("lamtheo.db?mode=rwc"));
        drop(db);
        assert!(!dir.exists());
    }

    #[tokio::test]
    async fn each_backend_runs_sqlite_then_postgres() {
        let mut seen = Vec::new();
        each_backend(|url, backend| {
            seen.push((backend, url.clone()));
            async move {
                assert!(url.starts_with(backend), "{url} for {backend}");
            }
        })
        .await;
        let expected: &[&str] = if pg_admin_url().is_some() {
            &["sqlite", "postgres"]
        } else {
            &["sqlite"]
        };
        assert_eq!(seen.iter().map(|(b, _)| *b).collect::<Vec<_>>(), expected);
    }

    #[tokio::test]
    async fn each_backend_removes_the_database_of_a_failing_body() {
        let urls = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let seen = urls.clone();
        let outcome = tokio::spawn(async move {
            each_backend(|url, _| {
                seen.lock().unwrap().push(url);
                async { panic!("deliberate") }
            })
            .await;
        })
        .await;
        assert!(outcome.is_err(), "the panic goes on");
        let urls = urls.lock().unwrap().clone();
        assert_eq!(urls.len(), 1, "stops at the first failing backend");
        let path = urls[0]
            .trim_start_matches("sqlite://")
            .trim_end_matches("?mode=rwc");
        assert!(!Path::new(path).parent().unwrap().exists(), "{path}");
    }

    #[tokio::test]
    async fn postgres_is_dropped_even_after_a_panic() {
        let Some(admin) = pg_admin_url() else {
            eprintln!("{PG_ENV} not set: the PostgreSQL variant was not run");
            return;
        };
        let name = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let seen = name.clone();
        let outcome = tokio::spawn(async move {
            let db = TestDb::postgres().await.unwrap();
            *seen.lock().unwrap() = db.pg().unwrap().name().to_string();
            panic!("deliberate");
        })
        .await;
        assert!(outcome.is_err());
        let name = name.lock().unwrap().clone();
        assert!(name.starts_with("lt_test_"), "{name}");
        use sqlx::{Connection, Row};
        let mut conn = sqlx::postgres::PgConnection::connect(&admin).await.unwrap();
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "{name} was not dropped");
    }
}
