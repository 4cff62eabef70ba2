//! The append-only audit log: who, when, which object, values before and after. The tables refuse
//! UPDATE and DELETE by trigger on both backends; this module only appends and reads.

use crate::sql::Sql;
use crate::{get, ts, Actor, Audit, Result};
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
    /// Only the rows written together with this row: the same moment, person, source, action and kind
    /// (one import of 3.000 members is one such group).
    pub group_of: Option<i64>,
}

/// Rows written together — one moment, person, source, action and object kind, such as the 3.000 members
/// of one import — shown as one entry: the group's latest row and how many rows it holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditGroup {
    pub entry: AuditEntry,
    pub rows: i64,
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

/// A file about to be handed out, for its audit row (see [`crate::Audit::audit_file`]).
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

/// One audit row: what was done (`action`) to which object, the unit whose people may read the row, and
/// the object's values before and after (JSON text).
#[derive(Debug, Clone)]
pub(crate) struct AuditEvent {
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: String,
    pub object_label: String,
    pub unit_path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEvent {
    /// An event without label, unit or values; add them with the builder methods.
    pub fn new(
        action: &'static str,
        object_type: &'static str,
        object_id: impl ToString,
    ) -> AuditEvent {
        AuditEvent {
            action,
            object_type,
            object_id: object_id.to_string(),
            object_label: String::new(),
            unit_path: String::new(),
            before: None,
            after: None,
        }
    }

    /// The object's readable name.
    pub fn label(mut self, label: impl Into<String>) -> AuditEvent {
        self.object_label = label.into();
        self
    }

    /// The path of the unit the object belongs to (decides who sees the row).
    pub fn unit(mut self, unit_path: impl Into<String>) -> AuditEvent {
        self.unit_path = unit_path.into();
        self
    }

    /// The values before the change (`None` leaves the column empty).
    pub fn before<'v>(mut self, v: impl Into<Option<&'v serde_json::Value>>) -> AuditEvent {
        self.before = v.into().map(|v| v.to_string());
        self
    }

    /// The values after the change (`None` leaves the column empty).
    pub fn after<'v>(mut self, v: impl Into<Option<&'v serde_json::Value>>) -> AuditEvent {
        self.after = v.into().map(|v| v.to_string());
        self
    }

    /// The values after the change, already written as JSON text.
    pub fn after_json(mut self, json: String) -> AuditEvent {
        self.after = Some(json);
        self
    }
}

const AUDIT_INSERT: &str = "INSERT INTO audit_log (at, user_id, username, source, action, object_type, object_id, object_label, unit_path, before_json, after_json) VALUES ";

/// Appends one audit row in the caller's transaction.
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: DateTime<Utc>,
    actor: &Actor,
    event: &AuditEvent,
) -> Result<()> {
    sqlx::query(&format!(
        "{AUDIT_INSERT}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(ts(now))
    .bind(actor.user_id)
    .bind(actor.username.as_str())
    .bind(actor.source)
    .bind(event.action)
    .bind(event.object_type)
    .bind(event.object_id.as_str())
    .bind(event.object_label.as_str())
    .bind(event.unit_path.as_str())
    .bind(event.before.as_deref())
    .bind(event.after.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The multi-row INSERT for `entries` (at most `rows_per_statement(5)` of them).
pub(crate) fn insert_sql(
    backend: crate::Backend,
    at: &str,
    actor: &Actor,
    entries: &[AuditEvent],
) -> Sql {
    let mut q = Sql::bulk(backend, AUDIT_INSERT);
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
    entries: &[AuditEvent],
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

impl Audit<'_> {
    /// Appends the audit row of a file handed out (one insert, outside any page cache generation). Call it
    /// before sending the file: if the row cannot be written the file is not sent.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "audit.audit_file")
    )]
    pub async fn audit_file(self, actor: &Actor, f: &FileAudit<'_>) -> Result<()> {
        let mut details = serde_json::Map::new();
        details.insert("tệp".into(), serde_json::Value::from(f.filename));
        if let Some(n) = f.rows {
            details.insert("số dòng".into(), serde_json::Value::from(n));
        }
        let now = self.db.now();
        let mut w = self.db.write_quiet().await?;
        let event = AuditEvent::new(action::EXPORT, "file", f.kind)
            .label(f.label)
            .unit(f.unit_path)
            .after(&serde_json::Value::Object(details));
        record(&mut w.tx, now, actor, &event).await?;
        w.commit().await
    }

    /// Appends prepared audit rows in one transaction of their own (rows about checks that wrote nothing
    /// else: dry runs, identifier clashes).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "audit.record_alone")
    )]
    pub(crate) async fn record_alone(self, actor: &Actor, entries: &[AuditEvent]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let now = self.db.now();
        let mut w = self.db.write_quiet().await?;
        record_many(&mut w.tx, self.db.backend(), now, actor, entries).await?;
        w.commit().await
    }
}

impl Audit<'_> {
    /// Audit entries about objects in `p`'s subtree, newest first. Requires the audit capability.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "audit.list_audit")
    )]
    pub async fn list_audit(
        self,
        p: &Principal,
        f: &AuditFilter,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        if !p.has(Capability::ReadAudit) {
            return Err(crate::StoreError::Forbidden);
        }
        let w = where_of(p, f);
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.push(&w.sql);
        let total: i64 = get(&w_query(&count, &w).fetch_one(&self.db.pool).await?, "n")?;
        let per_page = f.per_page.clamp(1, 500);
        let page = f.page.clamp(1, 1_000_000);
        let out = self.rows_of(&w, per_page, (page - 1) * per_page).await?;
        Ok((out, total))
    }

    /// Every row the filter selects, newest first, for a file handed to an inspection commission; when
    /// there are more than `max`, none (the caller asks for a narrower filter). Returns the rows and the
    /// total.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "audit.export_audit")
    )]
    pub async fn export_audit(
        self,
        p: &Principal,
        f: &AuditFilter,
        max: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        if !p.has(Capability::ReadAudit) {
            return Err(crate::StoreError::Forbidden);
        }
        let w = where_of(p, f);
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.push(&w.sql);
        let total: i64 = get(&w_query(&count, &w).fetch_one(&self.db.pool).await?, "n")?;
        if total > max {
            return Ok((Vec::new(), total));
        }
        Ok((self.rows_of(&w, max.max(1), 0).await?, total))
    }

    /// The rows of `w`, newest first.
    async fn rows_of(self, w: &Sql, limit: i64, offset: i64) -> Result<Vec<AuditEntry>> {
        let mut list = Sql::new(
            "SELECT a.id, a.at, a.user_id, a.username, a.source, a.action, a.object_type, a.object_id, a.object_label, a.before_json, a.after_json",
        );
        list.push(&w.sql);
        list.push(&format!(
            " ORDER BY a.id DESC LIMIT {limit} OFFSET {offset}"
        ));
        let rows = w_query(&list, w).fetch_all(&self.db.pool).await?;
        rows.iter().map(crate::sql::read::<AuditRow>).collect()
    }

    /// `list_audit` with the rows written together (`AuditGroup`) as one entry each, newest first; the
    /// total counts entries. Open a group with `AuditFilter::group_of`.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "audit.list_audit_groups")
    )]
    pub async fn list_audit_groups(
        self,
        p: &Principal,
        f: &AuditFilter,
    ) -> Result<(Vec<AuditGroup>, i64)> {
        if !p.has(Capability::ReadAudit) {
            return Err(crate::StoreError::Forbidden);
        }
        let w = where_of(p, f);
        const GROUP: &str = " GROUP BY a.at, a.username, a.source, a.action, a.object_type";
        let mut count = Sql::new("SELECT COUNT(*) AS n FROM (SELECT MAX(a.id) AS last_id");
        count.push(&w.sql);
        count.push(GROUP);
        count.push(") x");
        let total: i64 = get(&w_query(&count, &w).fetch_one(&self.db.pool).await?, "n")?;
        let per_page = f.per_page.clamp(1, 500);
        let page = f.page.clamp(1, 1_000_000);
        let mut list = Sql::new(
            "SELECT g.rows_n, a.id, a.at, a.user_id, a.username, a.source, a.action, a.object_type, \
             a.object_id, a.object_label, a.before_json, a.after_json FROM (SELECT MAX(a.id) AS last_id, \
             COUNT(*) AS rows_n",
        );
        list.push(&w.sql);
        list.push(GROUP);
        list.push(&format!(
            " ORDER BY MAX(a.id) DESC LIMIT {} OFFSET {}) g JOIN audit_log a ON a.id = g.last_id \
             ORDER BY a.id DESC",
            per_page,
            (page - 1) * per_page
        ));
        let rows = w_query(&list, &w).fetch_all(&self.db.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(AuditGroup {
                rows: get(r, "rows_n")?,
                entry: crate::sql::read::<AuditRow>(r)?,
            });
        }
        Ok((out, total))
    }
}

/// The rows a reader may see that the filter selects: `FROM audit_log a WHERE …`.
fn where_of(p: &Principal, f: &AuditFilter) -> Sql {
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
    if let Some(id) = f.group_of {
        w.push(" AND EXISTS (SELECT 1 FROM audit_log g WHERE g.id = ");
        w.int(id);
        w.push(
            " AND g.at = a.at AND g.username = a.username AND g.source = a.source \
             AND g.action = a.action AND g.object_type = a.object_type)",
        );
    }
    w
}

/// An audit row as `list_audit` selects it.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: String,
    user_id: Option<i64>,
    username: String,
    source: String,
    action: String,
    object_type: String,
    object_id: String,
    object_label: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl crate::sql::RowInto for AuditRow {
    type Target = AuditEntry;
    fn convert(self) -> Result<AuditEntry> {
        Ok(AuditEntry {
            id: self.id,
            at: self.at,
            user_id: self.user_id,
            username: self.username,
            source: self.source,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            object_label: self.object_label,
            before: self.before_json.and_then(|s| serde_json::from_str(&s).ok()),
            after: self.after_json.and_then(|s| serde_json::from_str(&s).ok()),
        })
    }
}

/// Runs `sql` (whose text embeds `where_part`'s SQL) with `where_part`'s arguments.
fn w_query<'a>(
    sql: &'a Sql,
    where_part: &'a Sql,
) -> sqlx::query::Query<'a, sqlx::Any, sqlx::any::AnyArguments<'a>> {
    where_part.query_with_sql(&sql.sql)
}
