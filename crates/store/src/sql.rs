//! A small builder for dynamic SQL with numbered `$n` placeholders, valid on both backends.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    OptText(Option<String>),
    OptInt(Option<i64>),
}

#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub sql: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(start: &str) -> Sql {
        Sql {
            sql: start.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    /// Appends a placeholder bound to `arg`.
    pub fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let n = self.args.len();
        self.sql.push('$');
        self.sql.push_str(&n.to_string());
        self
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.arg(Arg::Int(v))
    }

    pub fn text(&mut self, v: impl Into<String>) -> &mut Self {
        self.arg(Arg::Text(v.into()))
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut q = sqlx::query(&self.sql);
        for a in &self.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::OptText(v) => q.bind(v.clone()),
                Arg::OptInt(v) => q.bind(*v),
            };
        }
        q
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
                Arg::Text(v) => q.bind(v.clone()),
                Arg::OptText(v) => q.bind(v.clone()),
                Arg::OptInt(v) => q.bind(*v),
            };
        }
        q
    }
}
