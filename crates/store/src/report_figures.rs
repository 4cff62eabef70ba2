//! The figures of a period report (domain::report::PeriodReport), computed from records: study and cell
//! meeting attendance, registrations per year, disclosure and citizens' feedback, models, inspection and
//! discipline (confidential), commendations, criteria sets and classifications, the sub-unit table, and
//! the limitations drafted from them.

use crate::{Reports, Result};
use chrono::NaiveDate;
use domain::policy::Principal;
use domain::report::PeriodReport;

impl Reports<'_> {
    /// The figures of `unit_id`'s subtree for `from..=to` (`domain::report::check_period`), computed now.
    /// Readers: `can_read_report` on the unit; the confidential sections stay only with `can_read_cases`
    /// on it (`PeriodReport::without_confidential`).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.period_report")
    )]
    pub async fn period_report(
        self,
        p: &Principal,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PeriodReport> {
        let _ = (p, unit_id, from, to);
        todo!()
    }

    /// Every section, no reader: for freezing a report and for benchmarks.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "reports.period_report_unscoped")
    )]
    pub async fn period_report_unscoped(
        self,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PeriodReport> {
        let _ = (unit_id, from, to);
        todo!()
    }
}
