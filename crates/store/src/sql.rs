//! A small builder for dynamic SQL with numbered `$n` placeholders, valid on both backends.

use chrono::{DateTime, Utc};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    OptText(Option<String>),
}

/// Most bound parameters per statement with numbered (`$n`) placeholders. sqlx binds SQLite parameters by
/// name and SQLite's name lookup is linear, so binding n numbered parameters costs O(n²) (measured: 400-row
/// chunks of 16 columns imported 3.000 rows/s). Bulk statements use anonymous `?` placeholders on SQLite
/// (see `Sql::bulk`), which bind in O(n), and may hold `BULK_PARAMS`.
pub(crate) const MAX_PARAMS: usize = 300;
pub(crate) const BULK_PARAMS: usize = 12000;

/// Rows per multi-row `Sql::bulk` statement with `cols` bound parameters per row.
pub(crate) fn rows_per_statement(cols: usize) -> usize {
    (BULK_PARAMS / cols.max(1)).max(1)
}

#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub sql: String,
    args: Vec<Arg>,
    /// Anonymous `?` placeholders (SQLite bulk statements) instead of `$n`.
    anonymous: bool,
}

impl Sql {
    pub fn new(start: &str) -> Sql {
        Sql {
            sql: start.to_string(),
            args: Vec::new(),
            anonymous: false,
        }
    }

    /// A builder for large multi-row statements: `?` placeholders on SQLite (bound in order, linear cost),
    /// `$n` on PostgreSQL. Each argument must appear exactly once, in order.
    pub fn bulk(backend: crate::Backend, start: &str) -> Sql {
        Sql {
            sql: start.to_string(),
            args: Vec::new(),
            anonymous: backend == crate::Backend::Sqlite,
        }
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    /// Appends a placeholder bound to `arg`.
    pub fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        if self.anonymous {
            self.sql.push('?');
        } else {
            self.sql.push('$');
            self.sql.push_str(&self.args.len().to_string());
        }
        self
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.arg(Arg::Int(v))
    }

    /// An integer written into the SQL text (safe: it is formatted from an i64), saving a parameter.
    pub fn lit(&mut self, v: i64) -> &mut Self {
        self.sql.push_str(&v.to_string());
        self
    }

    /// A string literal written into the SQL text, for values this program generated itself and that hold
    /// only ASCII letters, digits, '-', ':', '.', '_' (dates, timestamps, enum identifiers). Anything else
    /// is bound as a parameter instead, so this can never inject SQL.
    pub fn safe(&mut self, v: &str) -> &mut Self {
        if v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'.' | b'_'))
        {
            self.sql.push('\'');
            self.sql.push_str(v);
            self.sql.push('\'');
            self
        } else {
            self.text(v)
        }
    }

    /// `safe(v)` or NULL.
    pub fn safe_opt(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.safe(v),
            None => self.push("NULL"),
        }
    }

    pub fn text(&mut self, v: impl Into<String>) -> &mut Self {
        self.arg(Arg::Text(v.into()))
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.query_with_sql(&self.sql)
    }

    /// Restricts `path_col` to the subtree with the path prefix (range form, index-friendly on both
    /// backends: paths hold only digits and '/', and '~' sorts after both).
    pub fn subtree(&mut self, path_col: &str, prefix: &str) -> &mut Self {
        self.push(path_col)
            .push(" >= ")
            .text(prefix)
            .push(" AND ")
            .push(path_col)
            .push(" < ");
        self.text(format!("{prefix}~"))
    }
}

impl Sql {
    /// This builder's arguments bound to another SQL text that embeds this builder's text.
    pub fn query_with_sql<'a>(&'a self, sql: &'a str) -> Query<'a, Any, AnyArguments<'a>> {
        let mut q = sqlx::query(sql);
        for a in &self.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::OptText(v) => q.bind(v.as_deref()),
            };
        }
        q
    }
}

/// The highest id in `table` (0 when empty).
pub(crate) async fn max_id<'e, E>(executor: E, table: &'static str) -> crate::Result<i64>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let row = sqlx::query(&format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM {table}"
    ))
    .fetch_one(executor)
    .await?;
    crate::get(&row, "m")
}

/// Reserves a block of ids in `table` for rows inserted with explicit ids in the caller's transaction:
/// returns the first one (the block runs on from it). On PostgreSQL the table is locked against other
/// writers until the transaction ends, and [`sync_sequence`] must follow the inserts.
pub(crate) async fn reserve_ids(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: crate::Backend,
    table: &'static str,
) -> crate::Result<i64> {
    if backend == crate::Backend::Postgres {
        sqlx::query(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            .execute(&mut **tx)
            .await?;
    }
    Ok(max_id(&mut **tx, table).await? + 1)
}

/// Moves PostgreSQL's id sequence of `table` past the ids inserted explicitly (nothing on SQLite).
pub(crate) async fn sync_sequence(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: crate::Backend,
    table: &'static str,
) -> crate::Result<()> {
    if backend == crate::Backend::Postgres {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A stored timestamp (RFC 3339 text as written by `crate::ts`).
pub(crate) fn parse_ts(s: &str) -> crate::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| crate::StoreError::Corrupt(format!("thời điểm không hợp lệ: {s}")))
}

/// A private row struct read by column name (`#[derive(sqlx::FromRow)]`, plain `i64`/`f64`/`String`
/// fields and their `Option`s) that converts into the type the rest of the crate uses: flags stored as
/// integers become `bool`, dates and enumerations stored as text are parsed. Every type is read from a
/// row in one place, its `RowInto` impl.
pub(crate) trait RowInto: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> {
    type Target;
    fn convert(self) -> crate::Result<Self::Target>;
}

/// Reads `row` as `R` and converts it.
pub(crate) fn read<R: RowInto>(row: &sqlx::any::AnyRow) -> crate::Result<R::Target> {
    R::from_row(row)?.convert()
}

/// Reads `row` as `T`, a struct whose fields need no conversion (`#[derive(sqlx::FromRow)]`).
pub(crate) fn from_row<T>(row: &sqlx::any::AnyRow) -> crate::Result<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    Ok(T::from_row(row)?)
}

/// A required date column's text ('YYYY-MM-DD').
pub(crate) fn date(s: String) -> crate::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| crate::StoreError::Corrupt(format!("ngày không hợp lệ: {s}")))
}

/// A year column as `i32` (0 when out of range).
pub(crate) fn year(v: i64) -> i32 {
    i32::try_from(v).unwrap_or_default()
}

/// Keeps materialised paths stored in `columns` (table, column) in step when the subtree at `old` moves to
/// `new`, in the moving transaction: every value under `old` gets `new` as its prefix.
pub(crate) async fn move_paths_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    columns: &[(&str, &str)],
    old: &str,
    new: &str,
) -> crate::Result<()> {
    for (table, col) in columns {
        sqlx::query(&format!(
            "UPDATE {table} SET {col} = $1 || SUBSTR({col}, CAST($2 AS INTEGER)) \
             WHERE {col} >= $3 AND {col} < $4"
        ))
        .bind(new.to_string())
        .bind(old.len() as i64 + 1)
        .bind(old.to_string())
        .bind(format!("{old}~"))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
