//! Reads of period reports: the rounds a reader sees with their completeness, one round with each expected
//! report, the list of stored reports, one report with its figures (frozen or computed now, cut for the
//! reader) and what changed since it was frozen, and the live document of a unit and period that is not
//! stored, and the default header of a new report. The types and the writes are in `reports.rs`.

use crate::reports::{
    report_unit, round_from_row, status_of, unit_ref, ReportEvent, ReportSummary, RoundDetail,
    RoundRow, RoundSummary, StoredReport, ROUND_COLS,
};
use crate::sql::{self, parse_ts, Sql};
use crate::units::{unit_from_row, UNIT_COLS};
use crate::{date_str, get, Reports, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::policy::Principal;
use domain::registration::vn_date;
use domain::report::{
    check_period, completeness, differences, issuer_abbreviation, Narratives, PeriodReport,
    ReportAction, ReportDocument, ReportHeader, ReportStatus, SubReportStatus,
};
use domain::{text, Unit};
use std::collections::BTreeMap;

/// A report of a round as the round's table shows it.
#[derive(Debug, Clone)]
struct StatusRow {
    round_id: i64,
    report_id: i64,
    unit: Unit,
    status: ReportStatus,
    first_submitted_at: Option<DateTime<Utc>>,
    returns: i64,
}

impl StatusRow {
    /// The row against the round's due day: submitted on the Vietnamese day of the first submission.
    fn sub_status(&self, due: NaiveDate) -> SubReportStatus {
        let submitted_on = self.first_submitted_at.map(vn_date);
        SubReportStatus {
            report_id: self.report_id,
            unit: report_unit(&self.unit),
            status: self.status,
            submitted_on,
            on_time: submitted_on.map(|d| d <= due),
            returns: self.returns,
        }
    }
}

/// Whether the reader sees a round: they may review it or read its unit's report, or read the report of
/// one of its units (a ward secretary sees the city's round).
fn sees_round(p: &Principal, round: &RoundRow, rows: &[StatusRow]) -> bool {
    p.can_review_reports(&round.unit.path)
        || p.can_read_report(&round.unit.path)
        || rows.iter().any(|s| p.can_read_report(&s.unit.path))
}

// ------------------------------------------------------------------------------------------------
// The default header
// ------------------------------------------------------------------------------------------------

/// Words that name the organisation rather than the place at the start of a root unit's name ("Thành ủy
/// Bến Tre", "Đảng bộ tỉnh Bến Tre", "Tỉnh ủy Bến Tre"): dropped to find the place of the date line.
const ORGANISATION_WORDS: [&str; 14] = [
    "đảng",
    "bộ",
    "thành",
    "ủy",
    "uỷ",
    "tỉnh",
    "huyện",
    "quận",
    "thị",
    "xã",
    "phố",
    "ban",
    "thường",
    "vụ",
];

/// The place of the date line from the root unit's name: its words after the leading organisation words
/// (`ORGANISATION_WORDS`): "Thành ủy Bến Tre" → "Bến Tre", "Đảng bộ tỉnh Bến Tre" → "Bến Tre". The whole
/// name when nothing is left; the writer corrects it if needed.
pub(crate) fn place_of(root_name: &str) -> String {
    let name = text::normalize(root_name);
    let words: Vec<&str> = name.split(' ').collect();
    let first = words
        .iter()
        .position(|w| !ORGANISATION_WORDS.contains(&w.to_lowercase().as_str()))
        .unwrap_or(words.len());
    if first == words.len() {
        name.clone()
    } else {
        words[first..].join(" ")
    }
}

/// The header a new report of `unit` starts with (see `Reports::default_header`).
pub(crate) fn header_for(
    unit: &Unit,
    parent: Option<&Unit>,
    root_name: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> ReportHeader {
    let mut recipients = Vec::new();
    match parent {
        Some(p) => recipients.push(p.name.clone()),
        None => recipients.push("Như trên".to_string()),
    }
    recipients.push("Lưu VP".to_string());
    ReportHeader {
        superior: parent.map(|p| p.name.to_uppercase()).unwrap_or_default(),
        issuer: unit.name.to_uppercase(),
        number: format!("-BC/{}", issuer_abbreviation(unit.unit_type)),
        place: place_of(root_name),
        dated: None,
        subject: format!(
            "Sơ kết việc thực hiện Chỉ thị 05-CT/TW từ {} đến {}",
            text::format_date(from),
            text::format_date(to)
        ),
        on_behalf: domain::report::on_behalf_of(unit.unit_type).to_string(),
        signer_title: "BÍ THƯ".to_string(),
        signer_name: String::new(),
        recipients,
    }
}

/// The root unit's id from a materialised path ("/1/5/23/" → 1).
pub(crate) fn root_id(path: &str) -> Option<i64> {
    path.split('/').find(|s| !s.is_empty())?.parse().ok()
}

impl Reports<'_> {
    /// Rounds the reader can see: those set by a unit of their subtree, and those in which a unit of their
    /// subtree has a report (a ward secretary sees the city's round). Newest period first. The
    /// completeness counts every report of the round.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.rounds"))]
    pub async fn rounds(self, p: &Principal) -> Result<Vec<RoundSummary>> {
        let prefix = p.unit_prefix();
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!(
            "SELECT {ROUND_COLS}, {UNIT_COLS} FROM report_rounds rr JOIN units u ON u.id = rr.unit_id WHERE ("
        ));
        q.subtree("u.path", prefix)
            .push(
                ") OR rr.id IN (SELECT r.round_id FROM reports r JOIN units su ON su.id = r.unit_id \
                 WHERE r.round_id IS NOT NULL AND ",
            )
            .subtree("su.path", prefix)
            .push(") ORDER BY rr.period_to DESC, rr.period_from DESC, rr.id DESC");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let rounds = rows
            .iter()
            .map(round_from_row)
            .collect::<Result<Vec<_>>>()?;
        let ids: Vec<i64> = rounds.iter().map(|r| r.id).collect();
        let mut by_round: BTreeMap<i64, Vec<StatusRow>> = BTreeMap::new();
        for s in self.status_rows(&ids).await? {
            by_round.entry(s.round_id).or_default().push(s);
        }
        let today = self.db.today();
        let mut out = Vec::new();
        for round in rounds {
            let rows = by_round.remove(&round.id).unwrap_or_default();
            if !sees_round(p, &round, &rows) {
                continue;
            }
            let subs: Vec<SubReportStatus> =
                rows.iter().map(|s| s.sub_status(round.due_on)).collect();
            out.push(round.summary(completeness(&subs, round.due_on, today)));
        }
        Ok(out)
    }

    /// A round with the expected reports the reader may read (all of them for whoever reviews it), in tree
    /// order; the completeness counts every report. `NotFound` for a round the reader does not see.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.round"))]
    pub async fn round(self, p: &Principal, id: i64) -> Result<RoundDetail> {
        let round = self.round_row(id).await?;
        let rows = self.status_rows(&[id]).await?;
        if !sees_round(p, &round, &rows) {
            return Err(StoreError::NotFound);
        }
        let can_review = p.can_review_reports(&round.unit.path);
        let all: Vec<SubReportStatus> = rows.iter().map(|s| s.sub_status(round.due_on)).collect();
        let summary = round.summary(completeness(&all, round.due_on, self.db.today()));
        let reports = rows
            .iter()
            .filter(|s| can_review || p.can_read_report(&s.unit.path))
            .map(|s| s.sub_status(round.due_on))
            .collect();
        Ok(RoundDetail {
            round: summary,
            reports,
            can_review,
        })
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
        let prefix = match unit_code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => {
                self.db
                    .units()
                    .unit_by_code_unscoped(code)
                    .await?
                    .filter(|u| p.can_read_report(&u.path))
                    .ok_or(StoreError::NotFound)?
                    .path
            }
            None => p.unit_prefix().to_string(),
        };
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!(
            "SELECT r.id AS rp_id, r.round_id AS rp_round_id, r.period_from AS rp_from, r.period_to AS rp_to, \
             r.status AS rp_status, r.header_json AS rp_header, r.updated_at AS rp_updated_at, \
             rr.title AS rr_title, rr.due_on AS rr_due_on, {UNIT_COLS} \
             FROM reports r JOIN units u ON u.id = r.unit_id LEFT JOIN report_rounds rr ON rr.id = r.round_id \
             WHERE "
        ));
        q.subtree("u.path", &prefix).push(
            " ORDER BY r.period_to DESC, r.period_from DESC, u.depth, u.sort_order, u.id, r.id DESC",
        );
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut out = Vec::new();
        for row in &rows {
            let unit = unit_from_row(row)?;
            if !p.can_read_report(&unit.path) {
                continue;
            }
            let header: String = get(row, "rp_header")?;
            let header: ReportHeader = serde_json::from_str(&header)
                .map_err(|e| StoreError::Corrupt(format!("tiêu đề báo cáo: {e}")))?;
            let status: String = get(row, "rp_status")?;
            out.push(ReportSummary {
                id: get(row, "rp_id")?,
                unit: unit_ref(&unit),
                round_id: get(row, "rp_round_id")?,
                round_title: get(row, "rr_title")?,
                from: sql::date(get(row, "rp_from")?)?,
                to: sql::date(get(row, "rp_to")?)?,
                due_on: crate::parse_opt_date(get(row, "rr_due_on")?)?,
                status: status_of(&status)?,
                number: header.number,
                updated_at: parse_ts(&get::<String>(row, "rp_updated_at")?)?,
            });
        }
        Ok(out)
    }

    /// The writer's narrative of a report the reader may read (same readers as `report`), without computing
    /// its figures: what a parent's report quotes from its sub-units' reports.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.narratives")
    )]
    pub async fn narratives(self, p: &Principal, id: i64) -> Result<domain::report::Narratives> {
        Ok(self.readable_report(p, id).await?.narratives)
    }

    /// A stored report. Readers: `can_read_report` on its unit, or `can_review_reports` on its round's
    /// unit. The figures are the frozen ones of an accepted or issued report, else computed now; both
    /// lose their confidential sections unless the reader `can_read_cases` on the unit, and a frozen
    /// report lists the figures that differ from the same report computed now (cut the same way).
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "reports.report"))]
    pub async fn report(self, p: &Principal, id: i64) -> Result<StoredReport> {
        let r = self.readable_report(p, id).await?;
        let round = match r.round_id {
            Some(rid) => Some(self.round_row(rid).await?),
            None => None,
        };
        let round_summary = match &round {
            Some(rd) => {
                let subs: Vec<SubReportStatus> = self
                    .status_rows(&[rd.id])
                    .await?
                    .iter()
                    .map(|s| s.sub_status(rd.due_on))
                    .collect();
                Some(rd.summary(completeness(&subs, rd.due_on, self.db.today())))
            }
            None => None,
        };
        let confidential = p.can_read_cases(&r.unit.path);
        let cut = |f: PeriodReport| {
            if confidential {
                f
            } else {
                f.without_confidential()
            }
        };
        let now = cut(self.period_report_unscoped(r.unit.id, r.from, r.to).await?);
        let (figures, diffs) = if r.status.frozen() {
            let json = r.frozen_json.as_deref().ok_or_else(|| {
                StoreError::Corrupt(format!("báo cáo {id} đã chốt nhưng không có số liệu"))
            })?;
            let frozen: PeriodReport = serde_json::from_str(json).map_err(|e| {
                StoreError::Corrupt(format!("số liệu đã chốt của báo cáo {id}: {e}"))
            })?;
            let frozen = cut(frozen);
            let diffs = differences(&frozen, &now);
            (frozen, diffs)
        } else {
            (now, Vec::new())
        };
        let sub_reports = self.own_round(p, r.unit.id, r.from, r.to).await?;
        let history = self.history(id).await?;
        let writer = p.can_write_report(&r.unit.path);
        let reviewer = round
            .as_ref()
            .is_some_and(|rd| p.can_review_reports(&rd.unit.path));
        Ok(StoredReport {
            id: r.id,
            unit: unit_ref(&r.unit),
            from: r.from,
            to: r.to,
            status: r.status,
            returns: r.returns,
            first_submitted_at: r.first_submitted_at,
            frozen_at: r.frozen_at,
            document: ReportDocument {
                header: r.header,
                narratives: r.narratives,
                figures,
                sub_reports,
            },
            differences: diffs,
            history,
            can_edit: writer && r.status.editable(),
            can_submit: writer && round.is_some() && r.status.editable(),
            can_review: reviewer && r.status == ReportStatus::Submitted,
            can_issue: writer && round.is_none() && r.status.editable(),
            round: round_summary,
            updated_by: r.updated_by,
            updated_at: r.updated_at,
        })
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
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .filter(|u| p.can_read_report(&u.path))
            .ok_or(StoreError::NotFound)?;
        check_period(from, to).map_err(crate::reports::period_error)?;
        let header = self.header_of(&unit, from, to).await?;
        let figures = self.period_report(p, unit.id, from, to).await?;
        let sub_reports = self.own_round(p, unit.id, from, to).await?;
        Ok(ReportDocument {
            header,
            narratives: Narratives::new(),
            figures,
            sub_reports,
        })
    }

    // --------------------------------------------------------------------------------------------
    // Helpers
    // --------------------------------------------------------------------------------------------

    /// The reports of the rounds `ids`, in tree order.
    async fn status_rows(self, ids: &[i64]) -> Result<Vec<StatusRow>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut q = Sql::new(&format!(
                "SELECT r.id AS rp_id, r.round_id AS rp_round_id, r.status AS rp_status, \
                 r.first_submitted_at AS rp_first_submitted, r.returns AS rp_returns, {UNIT_COLS} \
                 FROM reports r JOIN units u ON u.id = r.unit_id WHERE r.round_id IN ("
            ));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(") ORDER BY u.depth, u.sort_order, u.id");
            for row in q.query().fetch_all(&self.db.pool).await? {
                let status: String = get(&row, "rp_status")?;
                let first: Option<String> = get(&row, "rp_first_submitted")?;
                out.push(StatusRow {
                    round_id: get(&row, "rp_round_id")?,
                    report_id: get(&row, "rp_id")?,
                    unit: unit_from_row(&row)?,
                    status: status_of(&status)?,
                    first_submitted_at: first
                        .filter(|s| !s.is_empty())
                        .map(|s| parse_ts(&s))
                        .transpose()?,
                    returns: get(&row, "rp_returns")?,
                });
            }
        }
        Ok(out)
    }

    /// The sub-units' reports in the round `unit_id` set for exactly this period (the newest if several),
    /// those the reader may read.
    async fn own_round(
        self,
        p: &Principal,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SubReportStatus>> {
        let row = sqlx::query(
            "SELECT id, due_on FROM report_rounds WHERE unit_id = $1 AND period_from = $2 \
             AND period_to = $3 ORDER BY id DESC LIMIT 1",
        )
        .bind(unit_id)
        .bind(date_str(from))
        .bind(date_str(to))
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) = row else {
            return Ok(Vec::new());
        };
        let round_id: i64 = get(&row, "id")?;
        let due = sql::date(get(&row, "due_on")?)?;
        Ok(self
            .status_rows(&[round_id])
            .await?
            .iter()
            .filter(|s| p.can_read_report(&s.unit.path))
            .map(|s| s.sub_status(due))
            .collect())
    }

    /// The sign-off steps of a report, oldest first.
    async fn history(self, report_id: i64) -> Result<Vec<ReportEvent>> {
        let rows = sqlx::query(
            "SELECT action, comment, by_user, at FROM report_events WHERE report_id = $1 ORDER BY id",
        )
        .bind(report_id)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let action: String = get(row, "action")?;
                Ok(ReportEvent {
                    action: ReportAction::parse(&action)
                        .ok_or_else(|| StoreError::Corrupt(format!("bước báo cáo {action}")))?,
                    comment: get(row, "comment")?,
                    by_user: get(row, "by_user")?,
                    at: parse_ts(&get::<String>(row, "at")?)?,
                })
            })
            .collect()
    }

    /// The header a new report of `unit` starts with: superior and issuer in capitals from the unit tree,
    /// "…-BC/TU" without a number, the place from the root unit's name (`place_of`), the subject from the
    /// period, the signature block by unit type, the parent unit and the archive as recipients. Readers:
    /// `can_read_report` or `can_write_report` on the unit.
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
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .filter(|u| p.can_read_report(&u.path) || p.can_write_report(&u.path))
            .ok_or(StoreError::NotFound)?;
        self.header_of(&unit, from, to).await
    }

    /// The default header of `unit` (no access check).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.header_of")
    )]
    pub(crate) async fn header_of(
        self,
        unit: &Unit,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReportHeader> {
        let parent = match unit.parent_id {
            Some(id) => self.db.units().unit_unscoped(id).await?,
            None => None,
        };
        let root_name = self.root_name(unit).await?;
        Ok(header_for(unit, parent.as_ref(), &root_name, from, to))
    }

    /// The name of the root of `unit`'s tree.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.root_name")
    )]
    pub(crate) async fn root_name(self, unit: &Unit) -> Result<String> {
        match root_id(&unit.path) {
            Some(id) if id != unit.id => Ok(self
                .db
                .units()
                .unit_unscoped(id)
                .await?
                .map_or_else(|| unit.name.clone(), |u| u.name)),
            _ => Ok(unit.name.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        assert_eq!(place_of("Thành ủy Bến Tre"), "Bến Tre");
        assert_eq!(place_of("Đảng bộ tỉnh Bến Tre"), "Bến Tre");
        assert_eq!(place_of("Tỉnh ủy Thanh Hóa"), "Thanh Hóa");
        assert_eq!(place_of("Thành ủy"), "Thành ủy");
    }

    #[test]
    fn roots() {
        assert_eq!(root_id("/1/5/23/"), Some(1));
        assert_eq!(root_id(""), None);
    }
}
