//! The append-only audit log: who, when, which object, values before and after. The tables refuse
//! UPDATE and DELETE by trigger on both backends; this module only appends and reads.

use crate::sql::Sql;
use crate::{get, ts, Actor, Db, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::policy::{Capability, Principal};

#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub source: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub object_label: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: i64,
    pub per_page: i64,
}

/// Audit actions that record reading or checking rather than a change (OWASP ASVS V7.1: sensitive data
/// handed out and suspicious lookups are logged).
pub mod action {
    /// A file with data was handed out (export, download of a stored file).
    pub const EXPORT: &str = "export";
    /// An import checked without writing (dry run).
    pub const DRY_RUN: &str = "dry_run";
    /// A card number or citizen ID (or unit code) entered by a user belongs to an object outside their
    /// scope: the user got a neutral message, the office reads the details here.
    pub const IDENTIFIER_CLASH: &str = "identifier_clash";
}

/// A file about to be handed out, for its audit row (see [`Db::audit_file`]).
#[derive(Debug, Clone)]
pub struct FileAudit<'a> {
    /// Stable key of the kind of file, e.g. "members.xlsx", "registration.docx" (the row's object id).
    pub kind: &'a str,
    /// What it holds, readable, e.g. "Danh sách đảng viên — Chi bộ Khu phố 1".
    pub label: &'a str,
    /// The unit whose data it holds (decides who sees the audit row).
    pub unit_path: &'a str,
    /// The file name given to the browser.
    pub filename: &'a str,
    /// Rows of data (members, registrations, marks…), when the file is a list.
    pub rows: Option<usize>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: &str,
    object_label: &str,
    unit_path: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, source, action, object_type, object_id, object_label, unit_path, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(ts(now))
    .bind(actor.user_id)
    .bind(actor.username.clone())
    .bind(actor.source)
    .bind(action.to_string())
    .bind(object_type.to_string())
    .bind(object_id.to_string())
    .bind(object_label.to_string())
    .bind(unit_path.to_string())
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One audit row to append in bulk (imports).
pub(crate) struct PendingAudit {
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: String,
    pub object_label: String,
    pub unit_path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The multi-row INSERT for `entries` (at most `rows_per_statement(5)` of them).
pub(crate) fn insert_sql(
    backend: crate::Backend,
    at: &str,
    actor: &Actor,
    entries: &[PendingAudit],
) -> Sql {
    let mut q = Sql::bulk(
        backend,
        "INSERT INTO audit_log (at, user_id, username, source, action, object_type, object_id, object_label, unit_path, before_json, after_json) VALUES ",
    );
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push("(").safe(at).push(", ");
        match actor.user_id {
            Some(id) => q.lit(id),
            None => q.push("NULL"),
        };
        q.push(", ")
            .text(actor.username.as_str())
            .push(", ")
            .safe(actor.source)
            .push(", ");
        q.safe(e.action)
            .push(", ")
            .safe(e.object_type)
            .push(", ")
            .safe(e.object_id.as_str())
            .push(", ");
        q.text(e.object_label.as_str())
            .push(", ")
            .text(e.unit_path.as_str())
            .push(", ");
        q.arg(crate::sql::Arg::OptText(e.before.clone())).push(", ");
        q.arg(crate::sql::Arg::OptText(e.after.clone())).push(")");
    }
    q
}

pub(crate) async fn record_many(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    now: DateTime<Utc>,
    actor: &Actor,
    entries: &[PendingAudit],
) -> Result<()> {
    let at = ts(now);
    for chunk in entries.chunks(crate::sql::rows_per_statement(5)) {
        insert_sql(backend, &at, actor, chunk)
            .query()
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Db {
    /// Appends the audit row of a file handed out (one insert, outside any page cache generation). Call it
    /// before sending the file: if the row cannot be written the file is not sent.
    pub async fn audit_file(&self, actor: &Actor, f: &FileAudit<'_>) -> Result<()> {
        let mut details = serde_json::Map::new();
        details.insert("tệp".into(), serde_json::Value::from(f.filename));
        if let Some(n) = f.rows {
            details.insert("số dòng".into(), serde_json::Value::from(n));
        }
        let now = self.now();
        let mut w = self.write_quiet().await?;
        record(
            &mut w.tx,
            now,
            actor,
            action::EXPORT,
            "file",
            f.kind,
            f.label,
            f.unit_path,
            None,
            Some(&serde_json::Value::Object(details)),
        )
        .await?;
        w.commit().await
    }

    /// Appends prepared audit rows in one transaction of their own (rows about checks that wrote nothing
    /// else: dry runs, identifier clashes).
    pub(crate) async fn record_alone(&self, actor: &Actor, entries: &[PendingAudit]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let mut w = self.write_quiet().await?;
        record_many(&mut w.tx, self.backend(), now, actor, entries).await?;
        w.commit().await
    }
}

impl Db {
    /// Audit entries about objects in `p`'s subtree, newest first. Requires the audit capability.
    pub async fn list_audit(
        &self,
        p: &Principal,
        f: &AuditFilter,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        if !p.has(Capability::ReadAudit) {
            return Err(crate::StoreError::Forbidden);
        }
        let mut w = Sql::new(" FROM audit_log a WHERE ");
        w.subtree("a.unit_path", p.unit_prefix());
        if let Some(u) = f.username.as_ref().filter(|s| !s.is_empty()) {
            w.push(" AND a.username = ").text(u.clone());
        }
        if let Some(t) = f.object_type.as_ref().filter(|s| !s.is_empty()) {
            w.push(" AND a.object_type = ").text(t.clone());
        }
        if let Some(t) = f.object_id.as_ref().filter(|s| !s.is_empty()) {
            w.push(" AND a.object_id = ").text(t.clone());
        }
        if let Some(t) = f.action.as_ref().filter(|s| !s.is_empty()) {
            w.push(" AND a.action = ").text(t.clone());
        }
        if let Some(d) = f.from {
            w.push(" AND a.at >= ").text(crate::date_str(d));
        }
        if let Some(d) = f.to {
            w.push(" AND a.at < ")
                .text(crate::date_str(d + chrono::Duration::days(1)));
        }
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.push(&w.sql);
        let total: i64 = get(&w_query(&count, &w).fetch_one(&self.pool).await?, "n")?;
        let per_page = f.per_page.clamp(1, 500);
        let page = f.page.clamp(1, 1_000_000);
        let mut list = Sql::new(
            "SELECT a.id, a.at, a.user_id, a.username, a.source, a.action, a.object_type, a.object_id, a.object_label, a.before_json, a.after_json",
        );
        list.push(&w.sql);
        list.push(&format!(
            " ORDER BY a.id DESC LIMIT {} OFFSET {}",
            per_page,
            (page - 1) * per_page
        ));
        let rows = w_query(&list, &w).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let before: Option<String> = get(r, "before_json")?;
            let after: Option<String> = get(r, "after_json")?;
            out.push(AuditEntry {
                id: get(r, "id")?,
                at: get(r, "at")?,
                user_id: get(r, "user_id")?,
                username: get(r, "username")?,
                source: get(r, "source")?,
                action: get(r, "action")?,
                object_type: get(r, "object_type")?,
                object_id: get(r, "object_id")?,
                object_label: get(r, "object_label")?,
                before: before.and_then(|s| serde_json::from_str(&s).ok()),
                after: after.and_then(|s| serde_json::from_str(&s).ok()),
            });
        }
        Ok((out, total))
    }
}

/// Runs `sql` (whose text embeds `where_part`'s SQL) with `where_part`'s arguments.
fn w_query<'a>(
    sql: &'a Sql,
    where_part: &'a Sql,
) -> sqlx::query::Query<'a, sqlx::Any, sqlx::any::AnyArguments<'a>> {
    where_part.query_with_sql(&sql.sql)
}
