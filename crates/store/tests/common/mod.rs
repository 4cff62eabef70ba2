//! Shared harness of the store conformance suite.
//!
//! Every scenario runs on SQLite (a fresh temporary file) and, when `LAMTHEO_TEST_DATABASE_URL` is set
//! (an admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`), also on PostgreSQL in a fresh
//! database `lt_test_<random hex>` that is dropped at the end, even when the scenario panics. If the
//! variable is set but the server cannot be reached, the PostgreSQL tests fail: they never skip silently.
//! The databases and the clock come from `testkit`.
#![allow(dead_code)]

use chrono::NaiveDate;
use domain::policy::Principal;
use domain::{Role, Unit, UnitType};
use sqlx::any::AnyRow;
use sqlx::{Column, Connection, Row};
use std::sync::Arc;
use store::{Actor, Db, MemberInput, UnitInput};

/// The environment variable holding the PostgreSQL admin URL.
pub use testkit::PG_ENV;

/// A test clock: fixed at 2026-11-27T03:00:00Z (10:00 in Hanoi), movable forward by the scenario.
pub use testkit::TestClock;

/// The date the test clock shows at the start (Asia/Ho_Chi_Minh).
pub fn today() -> NaiveDate {
    d(2026, 11, 27)
}

/// The backend of a scenario: `Kind::Sqlite` or `Kind::Postgres`.
pub use testkit::Backend as Kind;

/// The PostgreSQL admin URL, if PostgreSQL tests are wanted.
#[allow(unused_imports)] // only some test binaries use it
pub use testkit::pg_admin_url;

/// `admin_url` with its database name replaced by `name`.
#[allow(unused_imports)] // only some test binaries use it
pub use testkit::with_database;

/// Removes the test database when dropped (also during a panic).
pub struct Guard(#[allow(dead_code)] testkit::TestDb);

/// A fresh, empty (not migrated) database of `kind`: its URL and the guard that removes it.
/// None only for PostgreSQL when the variable is not set.
pub async fn fresh_database(kind: Kind) -> Option<(String, Guard)> {
    let db = testkit::TestDb::new(kind).await?;
    Some((db.url().to_string(), Guard(db)))
}

/// One scenario's database: the opened `Db`, its URL (to open more instances or raw connections) and
/// the clock every instance shares.
pub struct Env {
    pub db: Db,
    pub url: String,
    pub kind: Kind,
    pub clock: Arc<TestClock>,
    _guard: Guard,
}

impl Env {
    pub async fn new(kind: Kind) -> Option<Env> {
        let (url, guard) = fresh_database(kind).await?;
        let clock = TestClock::new();
        let db = Db::open(&url, clock.clone())
            .await
            .unwrap_or_else(|e| panic!("Db::open({url}) failed: {e}"));
        Some(Env {
            db,
            url,
            kind,
            clock,
            _guard: guard,
        })
    }

    /// Another `Db` instance on the same database (as a second app server would be).
    pub async fn open_another(&self) -> Db {
        Db::open(&self.url, self.clock.clone())
            .await
            .expect("second Db instance")
    }

    pub async fn raw(&self) -> sqlx::AnyConnection {
        raw_connection(&self.url).await
    }

    pub async fn dump(&self) -> Vec<String> {
        dump(&self.url).await
    }
}

fn skipped(kind: Kind) {
    eprintln!("{kind:?}: {PG_ENV} not set, PostgreSQL variant not run");
}

/// Runs a scenario that needs only the `Db`.
pub async fn run_db<F>(kind: Kind, scenario: F)
where
    F: AsyncFnOnce(&Db),
{
    let Some(env) = Env::new(kind).await else {
        return skipped(kind);
    };
    scenario(&env.db).await;
    env.db.close().await;
}

/// Runs a scenario that needs the whole environment (URL, clock, more instances).
pub async fn run_env<F>(kind: Kind, scenario: F)
where
    F: AsyncFnOnce(&Env),
{
    let Some(env) = Env::new(kind).await else {
        return skipped(kind);
    };
    scenario(&env).await;
    env.db.close().await;
}

/// Declares `<scenario>::sqlite` and `<scenario>::postgres` tests for an `async fn <scenario>(&Db)`
/// (`db:`) or `async fn <scenario>(&Env)` (`env:`). Attributes before the kind (e.g.
/// `#[ignore = "BUG: …"]`) apply to both tests; `sqlite: #[…]` / `postgres: #[…]` after the name apply to
/// one backend only.
#[macro_export]
macro_rules! on_every_backend {
    ($(#[$attr:meta])* $kind:ident: $name:ident
        $(, sqlite: $(#[$sattr:meta])+)? $(, postgres: $(#[$pattr:meta])+)? $(,)?) => {
        $crate::on_every_backend!(@emit $kind $name
            [$(#[$attr])* $($(#[$sattr])+)?]
            [$(#[$attr])* $($(#[$pattr])+)?]);
    };
    (@emit db $name:ident [$($s:tt)*] [$($p:tt)*]) => {
        $crate::on_every_backend!(@tests run_db $name [$($s)*] [$($p)*]);
    };
    (@emit env $name:ident [$($s:tt)*] [$($p:tt)*]) => {
        $crate::on_every_backend!(@tests run_env $name [$($s)*] [$($p)*]);
    };
    (@tests $runner:ident $name:ident [$($s:tt)*] [$($p:tt)*]) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $($s)*
            async fn sqlite() {
                $crate::common::$runner($crate::common::Kind::Sqlite, super::$name).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $($p)*
            async fn postgres() {
                $crate::common::$runner($crate::common::Kind::Postgres, super::$name).await
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Raw SQL (the store has no public pool; tests open their own connection)
// ---------------------------------------------------------------------------------------------

pub async fn raw_connection(url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("raw connection to {url}: {e}"))
}

/// Every table of the foundation schema with a deterministic order.
pub const TABLES: [(&str, &str); 11] = [
    ("units", "id"),
    ("unit_parent_history", "id"),
    ("members", "id"),
    ("memberships", "id"),
    ("member_status_history", "id"),
    ("positions", "id"),
    ("users", "id"),
    ("sessions", "id_hash"),
    ("login_attempts", "key"),
    ("audit_log", "id"),
    ("uploads", "id"),
];

fn cell(row: &AnyRow, i: usize) -> String {
    fn show<T: ToString>(v: Option<T>) -> String {
        v.map_or_else(|| "NULL".to_string(), |v| format!("{:?}", v.to_string()))
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return show(v);
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return show(v);
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return show(v.map(hex::encode));
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return show(v);
    }
    panic!("cannot decode column {i}")
}

/// Every row of every table as text, in a deterministic order.
pub async fn dump(url: &str) -> Vec<String> {
    let mut conn = raw_connection(url).await;
    let mut out = Vec::new();
    for (table, order) in TABLES {
        let rows = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("dump {table}: {e}"));
        for r in &rows {
            let mut line = table.to_string();
            for (i, c) in r.columns().iter().enumerate() {
                line.push_str(&format!(" {}={}", c.name(), cell(r, i)));
            }
            out.push(line);
        }
    }
    let _ = conn.close().await;
    out
}

/// Runs `sql` returning one integer column `n`.
pub async fn count(conn: &mut sqlx::AnyConnection, sql: &str) -> i64 {
    let row = sqlx::query(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    row.try_get::<i64, _>(0).expect("integer count")
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

pub fn cli() -> Actor {
    Actor::system("cli")
}

/// A principal with `role` over `unit` (built directly, as the policy sees it).
pub fn principal(role: Role, unit: &Unit, member_id: Option<i64>) -> Principal {
    Principal {
        user_id: 900_000 + unit.id,
        username: format!("{}.{}", role.as_str(), unit.code.to_lowercase()),
        role,
        unit_id: unit.id,
        unit_path: unit.path.clone(),
        member_id,
    }
}

pub fn unit_input(code: &str, name: &str, t: UnitType, parent: Option<&str>) -> UnitInput {
    UnitInput {
        code: code.to_string(),
        name: name.to_string(),
        unit_type: t,
        parent_code: parent.map(str::to_string),
        sort_order: 0,
        valid_from: Some(d(2016, 1, 1)),
    }
}

/// A valid member: born 1980, joined 2010, official 2011, identified by `card`.
pub fn person(full_name: &str, card: &str) -> MemberInput {
    MemberInput {
        full_name: full_name.to_string(),
        gender: None,
        birth_date: Some(d(1980, 3, 15)),
        card_number: Some(card.to_string()),
        citizen_id: None,
        joined_on: Some(d(2010, 5, 19)),
        official_on: Some(d(2011, 5, 19)),
        phone: None,
        positions: Vec::new(),
    }
}

/// The standard tree:
/// TU (Thành ủy) → P7, P8 (wards) → P7-KP1, P7-KP2 (cells of P7), P8-KP1 (cell of P8); MTTQ (front,
/// not a party organisation) under TU.
pub struct Tree {
    pub root: Unit,
    pub ward_a: Unit,
    pub ward_b: Unit,
    pub cell_a1: Unit,
    pub cell_a2: Unit,
    pub cell_b1: Unit,
    pub front: Unit,
}

impl Tree {
    pub fn all(&self) -> Vec<&Unit> {
        vec![
            &self.root,
            &self.ward_a,
            &self.ward_b,
            &self.cell_a1,
            &self.cell_a2,
            &self.cell_b1,
            &self.front,
        ]
    }

    pub fn admin(&self) -> Principal {
        principal(Role::Admin, &self.root, None)
    }
}

pub async fn tree(db: &Db) -> Tree {
    let root = db
        .units()
        .create_unit(
            &cli(),
            None,
            unit_input("TU", "Thành ủy Bến Tre", UnitType::PartyCommittee, None),
        )
        .await
        .expect("root unit");
    let admin = principal(Role::Admin, &root, None);
    let mk = async |code: &str, name: &str, t: UnitType, parent: &str| {
        db.units()
            .create_unit(
                &cli(),
                Some(&admin),
                unit_input(code, name, t, Some(parent)),
            )
            .await
            .unwrap_or_else(|e| panic!("create unit {code}: {e:?}"))
    };
    let ward_a = mk(
        "P7",
        "Đảng bộ Phường 7",
        UnitType::GrassrootsCommittee,
        "TU",
    )
    .await;
    let ward_b = mk(
        "P8",
        "Đảng bộ Phường 8",
        UnitType::GrassrootsCommittee,
        "TU",
    )
    .await;
    let cell_a1 = mk("P7-KP1", "Chi bộ Khu phố 1", UnitType::Cell, "P7").await;
    let cell_a2 = mk("P7-KP2", "Chi bộ Khu phố 2", UnitType::Cell, "P7").await;
    let cell_b1 = mk("P8-KP1", "Chi bộ Khu phố 1", UnitType::Cell, "P8").await;
    let front = mk("MTTQ", "Ủy ban MTTQ thành phố", UnitType::Front, "TU").await;
    Tree {
        root,
        ward_a,
        ward_b,
        cell_a1,
        cell_a2,
        cell_b1,
        front,
    }
}

/// Creates a member as the CLI/admin would, in `unit` since 2015-01-01.
pub async fn add_member(db: &Db, admin: &Principal, input: MemberInput, unit: &Unit) -> i64 {
    db.members()
        .create_member(&cli(), admin, &input, &unit.code, Some(d(2015, 1, 1)))
        .await
        .unwrap_or_else(|e| panic!("create member {}: {e:?}", input.full_name))
        .id
}
