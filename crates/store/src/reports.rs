//! Period reports kept in the database: reporting rounds a unit sets for its sub-units, the reports written
//! in them (or outside any round), their header and narrative, and the sign-off steps (submit, return,
//! accept, issue) with the figures frozen at acceptance. The figures themselves are computed by
//! `report_figures.rs`.

use crate::meetings::UnitRef;
use crate::{Actor, Reports, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::policy::Principal;
use domain::report::{
    Completeness, FigureDiff, Narratives, PeriodReport, ReportAction, ReportDocument, ReportHeader,
    ReportStatus, SubReportStatus,
};
use serde::Serialize;

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

impl Reports<'_> {
    /// Opens a round: one draft report per party sub-unit of `unit_code` open on the period's last day
    /// (the header pre-filled from the sub-unit, see `default_header`). Returns the round's id.
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
        let _ = (p, actor, input);
        todo!()
    }

    /// Rounds the reader can see: those set by a unit of their subtree, and those in which a unit of their
    /// subtree has a report (a ward secretary sees the city's round). Newest period first.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.rounds"))]
    pub async fn rounds(self, p: &Principal) -> Result<Vec<RoundSummary>> {
        let _ = p;
        todo!()
    }

    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.round"))]
    pub async fn round(self, p: &Principal, id: i64) -> Result<RoundDetail> {
        let _ = (p, id);
        todo!()
    }

    /// Creates a unit's own report outside any round (a committee's sơ kết for a period). Returns its id.
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
        let _ = (p, actor, unit_code, from, to);
        todo!()
    }

    /// Stored reports of units in the reader's subtree (or of `unit_code`'s subtree), newest period first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.list_reports")
    )]
    pub async fn list_reports(
        self,
        p: &Principal,
        unit_code: Option<&str>,
    ) -> Result<Vec<ReportSummary>> {
        let _ = (p, unit_code);
        todo!()
    }

    /// A stored report. Readers: `can_read_report` on its unit, or `can_review_reports` on its round's
    /// unit.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.report"))]
    pub async fn report(self, p: &Principal, id: i64) -> Result<StoredReport> {
        let _ = (p, id);
        todo!()
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
        let _ = (p, actor, id, header, narratives);
        todo!()
    }

    /// One sign-off step (`domain::report::transition`). Submit and issue: `can_write_report` on the
    /// report's unit; return and accept: `can_review_reports` on the round's unit. Accept and issue store
    /// the figures as computed at that moment (`frozen_json`).
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.act"))]
    pub async fn act(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        action: ReportAction,
        comment: &str,
    ) -> Result<ReportStatus> {
        let _ = (p, actor, id, action, comment);
        todo!()
    }

    /// The header a new report of `unit` starts with: superior and issuer in capitals from the unit tree,
    /// "…-BC/TU" without a number, the place from the unit's name, the subject from the period, the
    /// signature block by unit type.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.default_header")
    )]
    pub async fn default_header(
        self,
        p: &Principal,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReportHeader> {
        let _ = (p, unit_id, from, to);
        todo!()
    }

    /// The whole document of a unit and period computed now, for a report not stored: the default
    /// header, no narrative, the figures cut for the reader, and the status of the sub-units' reports in
    /// the unit's round of the same period if there is one.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.live_document")
    )]
    pub async fn live_document(
        self,
        p: &Principal,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReportDocument> {
        let _ = (p, unit_id, from, to);
        todo!()
    }

    /// Internal: the figures frozen into a report when accepted or issued (computed for the full
    /// figures, confidential sections included; cut for each reader when shown).
    #[allow(dead_code)]
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
        let _ = (unit_id, from, to);
        todo!()
    }
}
