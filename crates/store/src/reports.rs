//! Period reports kept in the database: reporting rounds a unit sets for its sub-units, the reports written
//! in them (or outside any round), their header and narrative, and the sign-off steps (submit, return,
//! accept, issue) with the figures frozen at acceptance. The figures themselves are computed by
//! `report_figures.rs`.
//!
//! This file holds the types and the writes (rounds, reports, saving, the sign-off steps) and the rows they
//! share with the reads; the reads (rounds, a report with its figures, lists, the live document, the
//! default header) are in `reports_read.rs`. Every step is `domain::report::transition`; every write appends an audit row in its
//! transaction, and every sign-off step also a `report_events` row.
//!
//! Access: a report is read with `can_read_report` on its unit or `can_review_reports` on its round's unit;
//! written, submitted and issued with `can_write_report` on its unit; returned and accepted with
//! `can_review_reports` on its round's unit (a ward never reviews its own report: the city's round belongs
//! to the city). A report the reader may not read is `NotFound`; one they may read but not act on is
//! `Forbidden`.

use crate::meetings::UnitRef;
use crate::reports_read::header_for;
use crate::sql::{self, parse_ts};
use crate::units::{unit_from_row, UNIT_COLS};
use crate::{
    audit, check_length, date_str, get, ts, Actor, FieldError, Reports, Result, StoreError,
};
use chrono::{DateTime, NaiveDate, Utc};
use domain::limits::Field;
use domain::policy::Principal;
use domain::report::{
    check_document, check_period, transition, Completeness, DocumentError, FigureDiff, Narratives,
    PeriodError, PeriodReport, ReportAction, ReportDocument, ReportHeader, ReportStatus,
    ReportUnit, SubReportStatus, TransitionError, MAX_HEADER_CHARS, MAX_NARRATIVE_CHARS,
    MAX_RECIPIENTS,
};
use domain::{text, Unit};
use serde::Serialize;
use sqlx::any::AnyRow;

/// What a user supplies to open a reporting round.
#[derive(Debug, Clone, Default)]
pub struct RoundInput {
    /// The unit that sets the round (its party sub-units report).
    pub unit_code: String,
    pub title: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub note: String,
}

/// A round as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundSummary {
    pub id: i64,
    pub unit: UnitRef,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub due_on: NaiveDate,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// On the store's today.
    pub completeness: Completeness,
}

/// A round with each expected report.
#[derive(Debug, Clone, Serialize)]
pub struct RoundDetail {
    pub round: RoundSummary,
    /// One per sub-unit expected to report, in tree order.
    pub reports: Vec<SubReportStatus>,
    /// Whether the reader may accept or return the reports (`can_review_reports` on the round's unit).
    pub can_review: bool,
}

/// A sign-off step as the report's history shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportEvent {
    pub action: ReportAction,
    pub comment: String,
    pub by_user: String,
    pub at: DateTime<Utc>,
}

/// A stored report: its header and narrative, status and history; the figures are frozen ones when
/// accepted or issued, else computed now.
#[derive(Debug, Clone, Serialize)]
pub struct StoredReport {
    pub id: i64,
    pub unit: UnitRef,
    pub round: Option<RoundSummary>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub status: ReportStatus,
    pub returns: i64,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub frozen_at: Option<DateTime<Utc>>,
    /// Header, narrative, figures (frozen, or computed now and cut for the reader) and, for a unit that
    /// set a round of the same period, its sub-units' reports.
    pub document: ReportDocument,
    /// For a frozen report: the figures that differ from the same report computed now.
    pub differences: Vec<FigureDiff>,
    pub history: Vec<ReportEvent>,
    /// What the reader may do now.
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_review: bool,
    pub can_issue: bool,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A stored report as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSummary {
    pub id: i64,
    pub unit: UnitRef,
    pub round_id: Option<i64>,
    pub round_title: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: ReportStatus,
    pub number: String,
    pub updated_at: DateTime<Utc>,
}

// ------------------------------------------------------------------------------------------------
// Rows shared by the writes and the reads
// ------------------------------------------------------------------------------------------------

/// The columns of a report row (aliased so they never clash with `UNIT_COLS` of its unit).
pub(crate) const REPORT_COLS: &str = "r.id AS rp_id, r.round_id AS rp_round_id, r.period_from AS rp_from, \
     r.period_to AS rp_to, r.status AS rp_status, r.header_json AS rp_header, \
     r.narratives_json AS rp_narratives, r.frozen_json AS rp_frozen, r.frozen_at AS rp_frozen_at, \
     r.first_submitted_at AS rp_first_submitted, r.returns AS rp_returns, r.updated_by AS rp_updated_by, \
     r.updated_at AS rp_updated_at";

/// The columns of a round row (with `UNIT_COLS` of its unit).
pub(crate) const ROUND_COLS: &str = "rr.id AS rr_id, rr.title AS rr_title, rr.period_from AS rr_from, \
     rr.period_to AS rr_to, rr.due_on AS rr_due_on, rr.note AS rr_note, rr.created_by AS rr_created_by, \
     rr.created_at AS rr_created_at";

/// A stored report as read from `REPORT_COLS` and `UNIT_COLS`.
#[derive(Debug, Clone)]
pub(crate) struct ReportRow {
    pub id: i64,
    pub unit: Unit,
    pub round_id: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub status: ReportStatus,
    pub header: ReportHeader,
    pub narratives: Narratives,
    pub frozen_json: Option<String>,
    pub frozen_at: Option<DateTime<Utc>>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub returns: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A round as read from `ROUND_COLS` and `UNIT_COLS`.
#[derive(Debug, Clone)]
pub(crate) struct RoundRow {
    pub id: i64,
    pub unit: Unit,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub due_on: NaiveDate,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

pub(crate) fn status_of(s: &str) -> Result<ReportStatus> {
    ReportStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("trạng thái báo cáo {s}")))
}

fn opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.filter(|s| !s.is_empty())
        .map(|s| parse_ts(&s))
        .transpose()
}

fn json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn report_from_row(row: &AnyRow) -> Result<ReportRow> {
    let header: String = get(row, "rp_header")?;
    let narratives: String = get(row, "rp_narratives")?;
    let status: String = get(row, "rp_status")?;
    Ok(ReportRow {
        id: get(row, "rp_id")?,
        unit: unit_from_row(row)?,
        round_id: get(row, "rp_round_id")?,
        from: sql::date(get(row, "rp_from")?)?,
        to: sql::date(get(row, "rp_to")?)?,
        status: status_of(&status)?,
        header: json(&header, "tiêu đề báo cáo")?,
        narratives: json(&narratives, "nội dung báo cáo")?,
        frozen_json: get(row, "rp_frozen")?,
        frozen_at: opt_ts(get(row, "rp_frozen_at")?)?,
        first_submitted_at: opt_ts(get(row, "rp_first_submitted")?)?,
        returns: get(row, "rp_returns")?,
        updated_by: get(row, "rp_updated_by")?,
        updated_at: parse_ts(&get::<String>(row, "rp_updated_at")?)?,
    })
}

pub(crate) fn round_from_row(row: &AnyRow) -> Result<RoundRow> {
    Ok(RoundRow {
        id: get(row, "rr_id")?,
        unit: unit_from_row(row)?,
        title: get(row, "rr_title")?,
        from: sql::date(get(row, "rr_from")?)?,
        to: sql::date(get(row, "rr_to")?)?,
        due_on: sql::date(get(row, "rr_due_on")?)?,
        note: get(row, "rr_note")?,
        created_by: get(row, "rr_created_by")?,
        created_at: parse_ts(&get::<String>(row, "rr_created_at")?)?,
    })
}

pub(crate) fn unit_ref(u: &Unit) -> UnitRef {
    UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
    }
}

pub(crate) fn report_unit(u: &Unit) -> ReportUnit {
    ReportUnit {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
        unit_type: u.unit_type,
    }
}

impl RoundRow {
    pub(crate) fn summary(&self, completeness: Completeness) -> RoundSummary {
        RoundSummary {
            id: self.id,
            unit: unit_ref(&self.unit),
            title: self.title.clone(),
            from: self.from,
            to: self.to,
            due_on: self.due_on,
            note: self.note.clone(),
            created_by: self.created_by.clone(),
            created_at: self.created_at,
            completeness,
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

/// A refused period as the store's validation error on `to`.
pub(crate) fn period_error(e: PeriodError) -> StoreError {
    invalid("to", e.to_string())
}

// ------------------------------------------------------------------------------------------------
// Checks of what a writer typed
// ------------------------------------------------------------------------------------------------

/// The header and narrative as stored: single-line fields normalised, recipients without empty lines,
/// narrative sections with their line structure and without empty ones.
fn clean_document(header: &ReportHeader, narratives: &Narratives) -> (ReportHeader, Narratives) {
    let n = |s: &str| text::normalize(s);
    let header = ReportHeader {
        superior: n(&header.superior),
        issuer: n(&header.issuer),
        number: n(&header.number),
        place: n(&header.place),
        dated: header.dated,
        subject: n(&header.subject),
        on_behalf: n(&header.on_behalf),
        signer_title: n(&header.signer_title),
        signer_name: n(&header.signer_name),
        recipients: header
            .recipients
            .iter()
            .map(|r| n(r))
            .filter(|r| !r.is_empty())
            .collect(),
    };
    let narratives = narratives
        .iter()
        .map(|(k, v)| (*k, text::normalize_multiline(v)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    (header, narratives)
}

fn document_error(e: DocumentError) -> StoreError {
    match e {
        DocumentError::TooLong(field) => {
            let max = if domain::report::NarrativeSection::parse(field).is_some() {
                MAX_NARRATIVE_CHARS
            } else {
                MAX_HEADER_CHARS
            };
            invalid(
                field,
                format!(
                    "Nội dung quá dài (tối đa {} ký tự)",
                    text::format_int(max as i64)
                ),
            )
        }
        DocumentError::TooManyRecipients => invalid(
            "recipients",
            format!("Nơi nhận có tối đa {MAX_RECIPIENTS} dòng"),
        ),
        DocumentError::UnknownSection(s) => invalid("narratives", format!("Không có mục \"{s}\"")),
    }
}

fn transition_error(e: TransitionError, action: ReportAction) -> StoreError {
    match e {
        TransitionError::WrongState => StoreError::Conflict(
            match action {
                ReportAction::Submit | ReportAction::Issue => {
                    "Báo cáo đã gửi hoặc đã được chấp nhận, không thực hiện lại được"
                }
                ReportAction::Return | ReportAction::Accept => {
                    "Chỉ trả lại hoặc chấp nhận được báo cáo đang chờ xem xét"
                }
            }
            .to_string(),
        ),
        TransitionError::WrongKind => invalid(
            "action",
            match action {
                ReportAction::Issue => {
                    "Báo cáo trong đợt báo cáo được gửi lên cấp trên, không ban hành riêng"
                }
                _ => "Báo cáo ngoài đợt báo cáo được ban hành, không gửi cấp trên xem xét",
            },
        ),
        TransitionError::CommentRequired => {
            invalid("comment", "Ghi rõ lý do trả lại báo cáo để đơn vị bổ sung")
        }
    }
}

impl Reports<'_> {
    /// Opens a round: one draft report per party sub-unit of `unit_code` open on the period's last day
    /// (the header pre-filled from the sub-unit, see `default_header`). Returns the round's id. A second
    /// round of the same unit and period is a conflict.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.create_round")
    )]
    pub async fn create_round(
        self,
        p: &Principal,
        actor: &Actor,
        input: &RoundInput,
    ) -> Result<i64> {
        let code = input.unit_code.trim();
        let unit = match self.db.units().unit_by_code_unscoped(code).await? {
            Some(u) if p.can_read_unit(&u.path) || p.can_review_reports(&u.path) => u,
            _ => {
                return Err(invalid(
                    "unit_code",
                    if code.is_empty() {
                        "Chọn đơn vị mở đợt báo cáo".to_string()
                    } else {
                        format!("Không có đơn vị mã \"{code}\"")
                    },
                ))
            }
        };
        if !p.can_review_reports(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        let title = text::normalize(&input.title);
        let note = text::normalize_multiline(&input.note);
        let mut errors = Vec::new();
        if title.is_empty() {
            errors.push(FieldError::new("title", "Nhập tên đợt báo cáo"));
        }
        check_length(&mut errors, "title", Field::Title, &title);
        check_length(&mut errors, "note", Field::Description, &note);
        if input.from.is_none() {
            errors.push(FieldError::new("from", "Nhập ngày bắt đầu kỳ báo cáo"));
        }
        if input.to.is_none() {
            errors.push(FieldError::new("to", "Nhập ngày kết thúc kỳ báo cáo"));
        }
        if input.due_on.is_none() {
            errors.push(FieldError::new("due_on", "Nhập hạn gửi báo cáo"));
        }
        if let (Some(from), Some(to)) = (input.from, input.to) {
            if let Err(e) = check_period(from, to) {
                if let StoreError::Invalid(v) = period_error(e) {
                    errors.extend(v);
                }
            }
        }
        let (Some(from), Some(to), Some(due_on)) = (input.from, input.to, input.due_on) else {
            return Err(StoreError::Invalid(errors));
        };
        let children: Vec<Unit> = self
            .child_units(unit.id)
            .await?
            .into_iter()
            .filter(|u| u.unit_type.is_party() && u.is_open_on(to))
            .collect();
        if children.is_empty() {
            errors.push(FieldError::new(
                "unit_code",
                format!(
                    "{} không có tổ chức đảng trực thuộc để báo cáo trong kỳ này",
                    unit.name
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let root_name = self.root_name(&unit).await?;
        let now = self.db.now();
        let mut w = self.db.write().await?;
        let existing = sqlx::query(
            "SELECT id FROM report_rounds WHERE unit_id = $1 AND period_from = $2 AND period_to = $3",
        )
        .bind(unit.id)
        .bind(date_str(from))
        .bind(date_str(to))
        .fetch_optional(&mut *w.tx)
        .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(format!(
                "{} đã có đợt báo cáo cho kỳ từ {} đến {}",
                unit.name,
                text::format_date(from),
                text::format_date(to)
            )));
        }
        let row = sqlx::query(
            "INSERT INTO report_rounds (unit_id, title, period_from, period_to, due_on, note, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(unit.id)
        .bind(title.clone())
        .bind(date_str(from))
        .bind(date_str(to))
        .bind(date_str(due_on))
        .bind(note.clone())
        .bind(actor.username.clone())
        .bind(ts(now))
        .fetch_one(&mut *w.tx)
        .await?;
        let round_id: i64 = get(&row, "id")?;
        let mut events = vec![audit::AuditEvent::new("create", "report_round", round_id)
            .label(&title)
            .unit(&unit.path)
            .after(&serde_json::json!({
                "unit": unit.code,
                "title": title,
                "from": from,
                "to": to,
                "due_on": due_on,
                "note": note,
                "units": children.iter().map(|u| &u.code).collect::<Vec<_>>(),
            }))];
        for child in &children {
            let header = header_for(child, Some(&unit), &root_name, from, to);
            let id = insert_report(
                &mut w.tx,
                now,
                actor,
                child,
                Some(round_id),
                from,
                to,
                &header,
            )
            .await?;
            events.push(
                audit::AuditEvent::new("create", "report", id)
                    .label(format!("{} — {}", child.name, title))
                    .unit(&child.path)
                    .after(&serde_json::json!({
                        "unit": child.code, "round_id": round_id, "from": from, "to": to,
                        "status": ReportStatus::Draft,
                    })),
            );
        }
        audit::record_many(&mut w.tx, self.db.backend(), now, actor, &events).await?;
        w.commit().await?;
        Ok(round_id)
    }

    /// Creates a unit's own report outside any round (a committee's sơ kết for a period). Returns its id.
    /// One per unit and period: a second one is a conflict.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.create_report")
    )]
    pub async fn create_report(
        self,
        p: &Principal,
        actor: &Actor,
        unit_code: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        let code = unit_code.trim();
        let unit = match self.db.units().unit_by_code_unscoped(code).await? {
            Some(u) if p.can_read_unit(&u.path) || p.can_write_report(&u.path) => u,
            _ => {
                return Err(invalid(
                    "unit_code",
                    format!("Không có đơn vị mã \"{code}\""),
                ))
            }
        };
        if !p.can_write_report(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        check_period(from, to).map_err(period_error)?;
        let parent = match unit.parent_id {
            Some(id) => self.db.units().unit_unscoped(id).await?,
            None => None,
        };
        let root_name = self.root_name(&unit).await?;
        let header = header_for(&unit, parent.as_ref(), &root_name, from, to);
        let now = self.db.now();
        let mut w = self.db.write().await?;
        let existing = sqlx::query(
            "SELECT id FROM reports WHERE unit_id = $1 AND period_from = $2 AND period_to = $3 \
             AND round_id IS NULL",
        )
        .bind(unit.id)
        .bind(date_str(from))
        .bind(date_str(to))
        .fetch_optional(&mut *w.tx)
        .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(format!(
                "{} đã có báo cáo cho kỳ từ {} đến {}",
                unit.name,
                text::format_date(from),
                text::format_date(to)
            )));
        }
        let id = insert_report(&mut w.tx, now, actor, &unit, None, from, to, &header).await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("create", "report", id)
                .label(format!("{} — {}", unit.name, header.subject))
                .unit(&unit.path)
                .after(&serde_json::json!({
                    "unit": unit.code, "from": from, "to": to, "status": ReportStatus::Draft,
                })),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Saves the header and narrative (`domain::report::check_document`); only while editable.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.save_report")
    )]
    pub async fn save_report(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        header: &ReportHeader,
        narratives: &Narratives,
    ) -> Result<()> {
        let r = self.readable_report(p, id).await?;
        if !p.can_write_report(&r.unit.path) {
            return Err(StoreError::Forbidden);
        }
        if !r.status.editable() {
            return Err(StoreError::Conflict(
                "Báo cáo đã gửi hoặc đã được chấp nhận, không sửa được nữa".to_string(),
            ));
        }
        let (header, narratives) = clean_document(header, narratives);
        check_document(&header, &narratives).map_err(document_error)?;
        let now = self.db.now();
        let mut w = self.db.write().await?;
        let done = sqlx::query(
            "UPDATE reports SET header_json = $1, narratives_json = $2, updated_by = $3, updated_at = $4 \
             WHERE id = $5 AND status IN ('draft', 'returned')",
        )
        .bind(to_json(&header)?)
        .bind(to_json(&narratives)?)
        .bind(actor.username.clone())
        .bind(ts(now))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "Báo cáo vừa được gửi hoặc xử lý, không sửa được nữa".to_string(),
            ));
        }
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("update", "report", id)
                .label(format!("{} — {}", r.unit.name, header.subject))
                .unit(&r.unit.path)
                .before(&serde_json::json!({"header": r.header, "narratives": r.narratives}))
                .after(&serde_json::json!({"header": header, "narratives": narratives})),
        )
        .await?;
        w.commit().await
    }

    /// One sign-off step (`domain::report::transition`). Submit and issue: `can_write_report` on the
    /// report's unit; return and accept: `can_review_reports` on the round's unit. Accept and issue store
    /// the figures as computed at that moment (`frozen_json`). Submit sets `first_submitted_at` once and
    /// `submitted_at` each time; return counts in `returns`. Returns the new status.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.act"))]
    pub async fn act(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        action: ReportAction,
        comment: &str,
    ) -> Result<ReportStatus> {
        let r = self.readable_report(p, id).await?;
        let round = match r.round_id {
            Some(rid) => Some(self.round_row(rid).await?),
            None => None,
        };
        let allowed = match action {
            ReportAction::Submit | ReportAction::Issue => p.can_write_report(&r.unit.path),
            ReportAction::Return | ReportAction::Accept => round
                .as_ref()
                .is_some_and(|rd| p.can_review_reports(&rd.unit.path)),
        };
        if !allowed {
            return Err(StoreError::Forbidden);
        }
        let comment = text::normalize_multiline(comment);
        let mut errors = Vec::new();
        check_length(&mut errors, "comment", Field::Comment, &comment);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let next = transition(r.status, action, round.is_some(), &comment)
            .map_err(|e| transition_error(e, action))?;
        let frozen = if next.frozen() {
            let figures = self.figures_for_freezing(r.unit.id, r.from, r.to).await?;
            Some(to_json(&figures)?)
        } else {
            None
        };
        let now = self.db.now();
        let at = ts(now);
        let mut w = self.db.write().await?;
        let mut q = sql::Sql::new("UPDATE reports SET status = ");
        q.safe(next.as_str())
            .push(", updated_by = ")
            .text(actor.username.clone())
            .push(", updated_at = ")
            .safe(&at);
        match action {
            ReportAction::Submit => {
                q.push(", submitted_at = ")
                    .safe(&at)
                    .push(", first_submitted_at = COALESCE(first_submitted_at, ")
                    .safe(&at)
                    .push(")");
            }
            ReportAction::Return => {
                q.push(", returns = returns + 1");
            }
            ReportAction::Accept | ReportAction::Issue => {
                q.push(", frozen_json = ")
                    .text(frozen.clone().unwrap_or_default())
                    .push(", frozen_at = ")
                    .safe(&at);
            }
        }
        q.push(" WHERE id = ")
            .int(id)
            .push(" AND status = ")
            .safe(r.status.as_str());
        let done = q.query().execute(&mut *w.tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "Báo cáo vừa được người khác xử lý, hãy tải lại trang".to_string(),
            ));
        }
        sqlx::query(
            "INSERT INTO report_events (report_id, action, comment, by_user, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(action.as_str())
        .bind(comment.clone())
        .bind(actor.username.clone())
        .bind(at.clone())
        .execute(&mut *w.tx)
        .await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new(action.as_str(), "report", id)
                .label(format!("{} — {}", r.unit.name, r.header.subject))
                .unit(&r.unit.path)
                .before(&serde_json::json!({"status": r.status}))
                .after(&serde_json::json!({
                    "status": next,
                    "comment": comment,
                    "frozen": frozen.is_some(),
                })),
        )
        .await?;
        w.commit().await?;
        Ok(next)
    }

    /// Internal: the figures frozen into a report when accepted or issued (computed for the full
    /// figures, confidential sections included; cut for each reader when shown).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.figures_for_freezing")
    )]
    pub(crate) async fn figures_for_freezing(
        self,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PeriodReport> {
        self.period_report_unscoped(unit_id, from, to).await
    }

    // --------------------------------------------------------------------------------------------
    // Helpers shared with reports_read.rs
    // --------------------------------------------------------------------------------------------

    /// Direct children of a unit (every type, open or not), in tree order: the sub-units a round expects and
    /// the report's sub-unit table (`report_figures::sub_units`) list.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.child_units")
    )]
    pub(crate) async fn child_units(self, unit_id: i64) -> Result<Vec<Unit>> {
        let rows = sqlx::query(&format!(
            "SELECT {UNIT_COLS} FROM units u WHERE u.parent_id = $1 ORDER BY u.sort_order, u.id"
        ))
        .bind(unit_id)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(unit_from_row).collect()
    }

    /// A report row, unscoped.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.report_row")
    )]
    pub(crate) async fn report_row(self, id: i64) -> Result<Option<ReportRow>> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLS}, {UNIT_COLS} FROM reports r JOIN units u ON u.id = r.unit_id WHERE r.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// A round row, unscoped; `NotFound` when missing.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.round_row")
    )]
    pub(crate) async fn round_row(self, id: i64) -> Result<RoundRow> {
        let row = sqlx::query(&format!(
            "SELECT {ROUND_COLS}, {UNIT_COLS} FROM report_rounds rr JOIN units u ON u.id = rr.unit_id \
             WHERE rr.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        match row {
            Some(r) => round_from_row(&r),
            None => Err(StoreError::NotFound),
        }
    }

    /// A report the reader may read (`can_read_report` on its unit or `can_review_reports` on its
    /// round's unit), else `NotFound`.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.readable_report")
    )]
    pub(crate) async fn readable_report(self, p: &Principal, id: i64) -> Result<ReportRow> {
        let r = self.report_row(id).await?.ok_or(StoreError::NotFound)?;
        if p.can_read_report(&r.unit.path) {
            return Ok(r);
        }
        if let Some(rid) = r.round_id {
            let round = self.round_row(rid).await?;
            if p.can_review_reports(&round.unit.path) {
                return Ok(r);
            }
        }
        Err(StoreError::NotFound)
    }
}

/// Inserts a draft report; returns its id.
#[allow(clippy::too_many_arguments)]
async fn insert_report(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: DateTime<Utc>,
    actor: &Actor,
    unit: &Unit,
    round_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
    header: &ReportHeader,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO reports (unit_id, round_id, period_from, period_to, status, header_json, \
         narratives_json, returns, created_by, created_at, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, 'draft', $5, '{}', 0, $6, $7, $6, $7) RETURNING id",
    )
    .bind(unit.id)
    .bind(round_id)
    .bind(date_str(from))
    .bind(date_str(to))
    .bind(to_json(header)?)
    .bind(actor.username.clone())
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?;
    get(&row, "id")
}
