//! The SQLite and PostgreSQL migrations build the same schema: the same tables, the same columns with
//! corresponding types and nullability, the same primary keys and the same indexes (name, columns,
//! uniqueness). The store runs one query text on both backends (docs/ARCHITECTURE.md, "One SQL dialect"), so a
//! column or index that exists on one side only is a bug that only one backend's users would meet.
//!
//! Types are compared by class: SQLite `INTEGER` ↔ PostgreSQL `bigint`/`integer`/`smallint`; `TEXT` ↔
//! `text`/`varchar`; `REAL` ↔ `double precision`/`real`/`numeric`; `BLOB` ↔ `bytea`. Flags are `INTEGER 0/1`
//! on both (docs/ARCHITECTURE.md), so a PostgreSQL `boolean` facing a SQLite `INTEGER` is reported. Unique
//! constraints are anonymous on SQLite (`sqlite_autoindex_…`), so they are compared by their columns; indexes
//! made by `CREATE INDEX` are compared by name. The primary key's own index and sqlx's `_sqlx_migrations`
//! are ignored.
//!
//! The PostgreSQL side needs `LAMTHEO_TEST_DATABASE_URL` (CI sets it); without it only the SQLite catalog is
//! read and checked for types this test does not know.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sqlx::{Connection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// A column type, as far as the shared query texts care.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TypeClass {
    Integer,
    Text,
    Real,
    Blob,
    Boolean,
    /// Anything else, with its declared name: always reported.
    Unknown(String),
}

impl fmt::Display for TypeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeClass::Integer => f.write_str("integer"),
            TypeClass::Text => f.write_str("text"),
            TypeClass::Real => f.write_str("real"),
            TypeClass::Blob => f.write_str("blob"),
            TypeClass::Boolean => f.write_str("boolean"),
            TypeClass::Unknown(s) => write!(f, "unknown type {s:?}"),
        }
    }
}

/// SQLite's declared type, classed by its affinity rules (sqlite.org/datatype3.html, 3.1), with
/// `BOOLEAN` kept apart.
fn sqlite_class(declared: &str) -> TypeClass {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        TypeClass::Integer
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        TypeClass::Text
    } else if t.contains("BLOB") {
        TypeClass::Blob
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        TypeClass::Real
    } else if t.starts_with("BOOL") {
        TypeClass::Boolean
    } else if t.starts_with("NUMERIC") || t.starts_with("DECIMAL") {
        TypeClass::Real
    } else {
        TypeClass::Unknown(declared.to_string())
    }
}

/// PostgreSQL's `information_schema.columns.data_type`, classed.
fn pg_class(data_type: &str) -> TypeClass {
    match data_type {
        "bigint" | "integer" | "smallint" => TypeClass::Integer,
        "text" | "character varying" | "character" => TypeClass::Text,
        "double precision" | "real" | "numeric" => TypeClass::Real,
        "bytea" => TypeClass::Blob,
        "boolean" => TypeClass::Boolean,
        other => TypeClass::Unknown(other.to_string()),
    }
}

#[derive(Debug, Clone)]
struct Column {
    /// The type as the catalog spells it (shown in the diff).
    declared: String,
    class: TypeClass,
    not_null: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    /// Key columns in order; `<expression>` for an expression, ` DESC` appended when descending.
    columns: Vec<String>,
    unique: bool,
    partial: bool,
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({}){}",
            if self.unique { "UNIQUE " } else { "" },
            self.columns.join(", "),
            if self.partial { " WHERE …" } else { "" }
        )
    }
}

#[derive(Debug, Default)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    /// By name for `CREATE INDEX` indexes, by `UNIQUE(columns)` for unique constraints.
    indexes: BTreeMap<String, Index>,
}

type Schema = BTreeMap<String, Table>;

fn unique_constraint_key(columns: &[String]) -> String {
    format!("unique constraint ({})", columns.join(", "))
}

/// Identifier as written in a catalog, without the quotes PostgreSQL's deparser may add.
fn ident(s: &str) -> String {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .map_or_else(|| s.to_string(), |s| s.replace("\"\"", "\""))
}

async fn sqlite_schema(url: &str) -> Schema {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let names: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for r in sqlx::query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap()
        {
            let col: String = r.get(0);
            let declared: String = r.get(1);
            let not_null: i64 = r.get(2);
            let pk_pos: i64 = r.get(3);
            if pk_pos > 0 {
                pk.push((pk_pos, col.clone()));
            }
            table.columns.insert(
                col,
                Column {
                    class: sqlite_class(&declared),
                    declared,
                    // A primary key column cannot hold NULL in practice (INTEGER PRIMARY KEY is the rowid);
                    // PostgreSQL's primary keys are NOT NULL.
                    not_null: not_null != 0 || pk_pos > 0,
                },
            );
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        let indexes: Vec<(String, bool, String, bool)> = sqlx::query(
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) ORDER BY name",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get::<String, _>(0),
                r.get::<i64, _>(1) != 0,
                r.get::<String, _>(2),
                r.get::<i64, _>(3) != 0,
            )
        })
        .collect();
        for (index, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            let columns: Vec<String> = sqlx::query(
                "SELECT name, \"desc\" FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
            )
            .bind(&index)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                let col: Option<String> = r.get(0);
                let desc: i64 = r.get(1);
                let col = col.unwrap_or_else(|| "<expression>".to_string());
                if desc != 0 {
                    format!("{col} DESC")
                } else {
                    col
                }
            })
            .collect();
            let key = if origin == "u" {
                unique_constraint_key(&columns)
            } else {
                index
            };
            table.indexes.insert(
                key,
                Index {
                    columns,
                    unique,
                    partial,
                },
            );
        }
        schema.insert(name, table);
    }
    let _ = c.close().await;
    schema
}

async fn pg_schema(url: &str) -> Schema {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let names: Vec<String> = sqlx::query(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        for r in sqlx::query(
            "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap()
        {
            let col: String = r.get(0);
            let declared: String = r.get(1);
            let nullable: String = r.get(2);
            table.columns.insert(
                col,
                Column {
                    class: pg_class(&declared),
                    declared,
                    not_null: nullable == "NO",
                },
            );
        }
        let rows = sqlx::query(
            "SELECT ic.relname::text, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, \
                    EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype = 'u'), \
                    ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN '<expression>' \
                                      ELSE pg_get_indexdef(i.indexrelid, k, true) END \
                                 || CASE WHEN pg_index_column_has_property(i.indexrelid, k, 'desc') \
                                         THEN ' DESC' ELSE '' END \
                          FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) \
             FROM pg_index i \
             JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_class t ON t.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = current_schema() AND t.relname = $1 ORDER BY 1",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in rows {
            let index: String = r.get(0);
            let unique: bool = r.get(1);
            let primary: bool = r.get(2);
            let partial: bool = r.get(3);
            let constraint: bool = r.get(4);
            let raw: Vec<String> = r.get(5);
            let columns: Vec<String> = raw
                .iter()
                .map(|c| match c.strip_suffix(" DESC") {
                    Some(col) => format!("{} DESC", ident(col)),
                    None => ident(c),
                })
                .collect();
            if primary {
                table.primary_key = columns;
                continue;
            }
            let key = if constraint {
                unique_constraint_key(&columns)
            } else {
                index
            };
            table.indexes.insert(
                key,
                Index {
                    columns,
                    unique,
                    partial,
                },
            );
        }
        schema.insert(name, table);
    }
    let _ = c.close().await;
    schema
}

/// Every difference between the two schemas, one readable line each.
fn differences(sqlite: &Schema, pg: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let tables: BTreeSet<&String> = sqlite.keys().chain(pg.keys()).collect();
    for name in tables {
        let (s, p) = match (sqlite.get(name), pg.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                out.push(format!("table {name}: only on SQLite"));
                continue;
            }
            (None, Some(_)) => {
                out.push(format!("table {name}: only on PostgreSQL"));
                continue;
            }
            (None, None) => continue,
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for col in columns {
            match (s.columns.get(col), p.columns.get(col)) {
                (Some(a), Some(b)) => {
                    if a.class != b.class {
                        out.push(format!(
                            "column {name}.{col}: type SQLite {} ({}) vs PostgreSQL {} ({})",
                            a.declared, a.class, b.declared, b.class
                        ));
                    }
                    if a.not_null != b.not_null {
                        let show = |n: bool| if n { "NOT NULL" } else { "nullable" };
                        out.push(format!(
                            "column {name}.{col}: SQLite {} vs PostgreSQL {}",
                            show(a.not_null),
                            show(b.not_null)
                        ));
                    }
                }
                (Some(a), None) => out.push(format!(
                    "column {name}.{col} ({}): only on SQLite",
                    a.declared
                )),
                (None, Some(b)) => out.push(format!(
                    "column {name}.{col} ({}): only on PostgreSQL",
                    b.declared
                )),
                (None, None) => {}
            }
        }
        if s.primary_key != p.primary_key {
            out.push(format!(
                "table {name}: primary key SQLite ({}) vs PostgreSQL ({})",
                s.primary_key.join(", "),
                p.primary_key.join(", ")
            ));
        }
        let indexes: BTreeSet<&String> = s.indexes.keys().chain(p.indexes.keys()).collect();
        for index in indexes {
            match (s.indexes.get(index), p.indexes.get(index)) {
                (Some(a), Some(b)) if a != b => out.push(format!(
                    "index {name}.{index}: SQLite {a} vs PostgreSQL {b}"
                )),
                (Some(_), Some(_)) | (None, None) => {}
                (Some(a), None) => out.push(format!("index {name}.{index} {a}: only on SQLite")),
                (None, Some(b)) => {
                    out.push(format!("index {name}.{index} {b}: only on PostgreSQL"))
                }
            }
        }
    }
    out
}

/// Every column of a schema whose type this test does not know.
fn unknown_types(schema: &Schema, backend: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (name, table) in schema {
        for (col, c) in &table.columns {
            if let TypeClass::Unknown(t) = &c.class {
                out.push(format!(
                    "{backend} column {name}.{col}: type {t:?} has no class"
                ));
            }
        }
    }
    out
}

async fn migrated(url: &str) {
    let db = store::Db::open(url, Arc::new(testkit::FixedClock))
        .await
        .unwrap_or_else(|e| panic!("migrating {url}: {e}"));
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let lite = testkit::TestDb::sqlite();
    migrated(lite.url()).await;
    let sqlite = sqlite_schema(lite.url()).await;
    assert!(
        sqlite.contains_key("members") && sqlite.len() > 10,
        "the SQLite catalog was not read: {:?}",
        sqlite.keys().collect::<Vec<_>>()
    );
    let unknown = unknown_types(&sqlite, "SQLite");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));

    let Some(pg_db) = testkit::TestDb::postgres().await else {
        eprintln!(
            "{} not set: the PostgreSQL schema was not compared (CI runs this test with it)",
            testkit::PG_ENV
        );
        return;
    };
    migrated(pg_db.url()).await;
    let pg = pg_schema(pg_db.url()).await;
    let unknown = unknown_types(&pg, "PostgreSQL");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));

    let diff = differences(&sqlite, &pg);
    assert!(
        diff.is_empty(),
        "the SQLite and PostgreSQL schemas differ ({} difference(s)):\n  {}\n",
        diff.len(),
        diff.join("\n  ")
    );
    eprintln!(
        "schemas equal: {} tables, {} columns, {} indexes",
        sqlite.len(),
        sqlite.values().map(|t| t.columns.len()).sum::<usize>(),
        sqlite.values().map(|t| t.indexes.len()).sum::<usize>()
    );
}

/// The PostgreSQL catalog reading sees a drift: a column, a nullability, a type and indexes changed by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drift_on_postgres_is_reported() {
    let lite = testkit::TestDb::sqlite();
    migrated(lite.url()).await;
    let sqlite = sqlite_schema(lite.url()).await;
    let Some(pg_db) = testkit::TestDb::postgres().await else {
        eprintln!(
            "{} not set: the PostgreSQL variant was not run",
            testkit::PG_ENV
        );
        return;
    };
    migrated(pg_db.url()).await;
    let mut c = sqlx::PgConnection::connect(pg_db.url()).await.unwrap();
    for sql in [
        "ALTER TABLE members ADD COLUMN extra BOOLEAN",
        "ALTER TABLE members ALTER COLUMN phone SET NOT NULL",
        "ALTER TABLE units ALTER COLUMN depth TYPE TEXT",
        "DROP INDEX members_sort",
        "CREATE INDEX units_code_desc ON units (code DESC, lower(name))",
        "ALTER TABLE units ADD CONSTRAINT units_name_unique UNIQUE (name)",
    ] {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
    let _ = c.close().await;
    let pg = pg_schema(pg_db.url()).await;
    assert_eq!(
        differences(&sqlite, &pg),
        [
            "column members.extra (boolean): only on PostgreSQL",
            "column members.phone: SQLite nullable vs PostgreSQL NOT NULL",
            "index members.members_sort (sort_key): only on SQLite",
            "column units.depth: type SQLite INTEGER (integer) vs PostgreSQL text (text)",
            "index units.unique constraint (name) UNIQUE (name): only on PostgreSQL",
            "index units.units_code_desc (code DESC, <expression>): only on PostgreSQL",
        ]
    );
}

#[test]
fn the_diff_is_readable() {
    let table = |ty: &str, not_null: bool, index: Option<&str>| {
        let mut t = Table::default();
        t.columns.insert(
            "flag".into(),
            Column {
                declared: ty.into(),
                class: if ty == "INTEGER" {
                    sqlite_class(ty)
                } else {
                    pg_class(ty)
                },
                not_null,
            },
        );
        if let Some(i) = index {
            t.indexes.insert(
                i.into(),
                Index {
                    columns: vec!["flag".into()],
                    unique: false,
                    partial: false,
                },
            );
        }
        t
    };
    let a = Schema::from([("t".to_string(), table("INTEGER", true, Some("t_flag")))]);
    let b = Schema::from([("t".to_string(), table("boolean", false, None))]);
    assert_eq!(
        differences(&a, &b),
        [
            "column t.flag: type SQLite INTEGER (integer) vs PostgreSQL boolean (boolean)",
            "column t.flag: SQLite NOT NULL vs PostgreSQL nullable",
            "index t.t_flag (flag): only on SQLite",
        ]
    );
    assert!(differences(&a, &a).is_empty());
    assert_eq!(sqlite_class("BIGINT"), TypeClass::Integer);
    assert_eq!(sqlite_class("VARCHAR(20)"), TypeClass::Text);
    assert_eq!(sqlite_class("DOUBLE PRECISION"), TypeClass::Real);
    assert_eq!(pg_class("character varying"), TypeClass::Text);
    assert_eq!(ident("\"key\""), "key");
}
