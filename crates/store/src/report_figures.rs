//! The figures of a period report (domain::report::PeriodReport), computed from records: study and cell
//! meeting attendance, registrations per year, disclosure and citizens' feedback, models, inspection and
//! discipline (confidential), commendations, criteria sets and classifications, the sub-unit table, and
//! the limitations drafted from them.
//!
//! The sections reuse the areas' own queries (attendance sums, the registration report, the inspection and
//! commendation summaries, the criteria rollup) run with an internal principal over the report's unit, so
//! each figure is the one the area's own page shows for the same subtree and period. The remaining counts
//! (`report_figures_sub.rs`) are grouped queries over the subtree, bucketed into the sub-units in memory.

use crate::report_figures_sub as sub;
use crate::reports::report_unit;
use crate::{Db, Reports, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::MeetingKind;
use domain::policy::Principal;
use domain::report::{
    check_period, draft_limitations, years_of, CampaignSection, CellMeetingSection,
    ClassificationLine, CommendationCount, CommendationSection, CriteriaLine, CriteriaSection,
    DisciplineSection, InspectionSection, PeriodReport, RegistrationSection, StudySection,
    SubUnitRow, YearAttendance, YearRegistrations, DEFAULT_ATTENDANCE_TARGET_PERMILLE,
};
use domain::{Role, Unit};
use futures_util::future::try_join_all;
use futures_util::{StreamExt, TryStreamExt};
use std::collections::HashMap;

/// Sub-units whose own reads run at the same time (each runs six queries at once).
const SUB_UNITS_AT_ONCE: usize = 4;

/// What the sub-unit table reads per sub-unit besides the sections' own rows.
struct SubReads {
    unit: Unit,
    study_tally: domain::attendance::Tally,
    cell_tally: domain::attendance::Tally,
    below_target: bool,
    members: i64,
    inspection: (u64, u64),
    commendations: i64,
}

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
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_report(&unit.path) {
            return Err(StoreError::NotFound);
        }
        check(from, to)?;
        let report = compute(self.db, &unit, from, to).await?;
        Ok(if p.can_read_cases(&unit.path) {
            report
        } else {
            report.without_confidential()
        })
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
        check(from, to)?;
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        compute(self.db, &unit, from, to).await
    }
}

/// `check_period` as the store's validation error (the same message as rounds and stored reports).
fn check(from: NaiveDate, to: NaiveDate) -> Result<()> {
    check_period(from, to).map_err(crate::reports::period_error)
}

/// The principal the areas' own queries run with: every capability over the report's unit only. It never
/// leaves this module and writes nothing.
fn internal_principal(unit: &Unit) -> Principal {
    Principal {
        user_id: 0,
        username: "report".to_string(),
        role: Role::Admin,
        unit_id: unit.id,
        unit_path: unit.path.clone(),
        member_id: None,
    }
}

/// The part of `year` inside `from..=to`.
fn clip(year: i32, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap_or(from)
        .max(from);
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(to).min(to);
    (start, end)
}

/// The party sub-units open during the period (the unit itself when it has none), in tree order.
async fn sub_units(db: &Db, unit: &Unit, from: NaiveDate, to: NaiveDate) -> Result<Vec<Unit>> {
    let children: Vec<Unit> = db
        .reports()
        .child_units(unit.id)
        .await?
        .into_iter()
        .filter(|u| {
            u.unit_type.is_party()
                && u.valid_from.is_none_or(|f| f <= to)
                && u.valid_to.is_none_or(|t| t > from)
        })
        .collect();
    Ok(if children.is_empty() {
        vec![unit.clone()]
    } else {
        children
    })
}

/// The attendance target (per mille) in force for a unit on `to`.
async fn target_of(db: &Db, path: &str, to: NaiveDate) -> Result<i64> {
    Ok(db
        .campaign()
        .plan_for(path, to)
        .await?
        .map(|p| p.target_attendance)
        .unwrap_or(DEFAULT_ATTENDANCE_TARGET_PERMILLE))
}

async fn compute(db: &Db, unit: &Unit, from: NaiveDate, to: NaiveDate) -> Result<PeriodReport> {
    // The sections are independent reads: they run concurrently (on PostgreSQL each waits on its own
    // round trips, so one after the other took seconds), sub-units a few at a time.
    let p = internal_principal(unit);
    let years = years_of(from, to);
    let attendance = db.attendance();
    let inspections = db.inspections();

    // Campaign.
    let campaign = async {
        let (documents, themes) = tokio::try_join!(
            sub::campaign_documents(db, unit, from, to),
            db.campaign().themes_for(&unit.path)
        )?;
        Ok::<_, StoreError>(CampaignSection {
            documents,
            themes: themes
                .into_iter()
                .filter(|t| years.contains(&t.year))
                .map(|t| domain::report::YearTheme {
                    year: t.year,
                    title: t.title,
                    unit_name: t.unit_name,
                })
                .rev()
                .collect(),
        })
    };

    // Study sessions, per year and in total.
    let study = async {
        let per_year = try_join_all(years.iter().map(|&y| async move {
            let (start, end) = clip(y, from, to);
            let (tally, sessions) = tokio::try_join!(
                attendance.summary_unscoped(&unit.path, MeetingKind::Study, start, end),
                sub::sessions(db, &unit.path, MeetingKind::Study, start, end)
            )?;
            Ok::<_, StoreError>(YearAttendance {
                year: y,
                sessions,
                tally,
            })
        }));
        let (per_year, target_permille) =
            tokio::try_join!(per_year, target_of(db, &unit.path, to))?;
        let mut study = StudySection {
            target_permille,
            ..StudySection::default()
        };
        for y in per_year {
            study.total.add(&y.tally);
            study.sessions += y.sessions;
            study.years.push(y);
        }
        Ok::<_, StoreError>(study)
    };

    // Cell meetings (the held list also feeds the sub-unit rows).
    let cells = async {
        let (held, (topics_due, topics_on_time), tally) = tokio::try_join!(
            sub::cell_meetings(db, &unit.path, from, to),
            sub::topics(db, &unit.path, from, to),
            attendance.summary_unscoped(&unit.path, MeetingKind::Cell, from, to)
        )?;
        let section = CellMeetingSection {
            held: held.iter().map(|h| h.1).sum(),
            thematic: held.iter().map(|h| h.2).sum(),
            tally,
            topics_due,
            topics_on_time,
        };
        Ok::<_, StoreError>((held, section))
    };

    // Registrations per year; the sub-unit rows take the last year's lines.
    let regs = async {
        let p = &p;
        let per_year = try_join_all(years.iter().map(|&y| async move {
            let (r, (heads_registered, self_reviews)) = tokio::try_join!(
                db.registrations().registration_report(p, unit.id, y),
                sub::heads_and_self_reviews(db, &unit.path, y)
            )?;
            Ok::<_, StoreError>((y, r, heads_registered, self_reviews))
        }))
        .await?;
        let mut registrations = RegistrationSection::default();
        let mut last_lines: HashMap<i64, domain::registration::RegStats> = HashMap::new();
        for (year, r, heads_registered, self_reviews) in per_year {
            last_lines = r
                .lines
                .iter()
                .map(|l| (l.unit.id, l.stats.clone()))
                .collect();
            registrations.years.push(YearRegistrations {
                year,
                stats: r.total,
                heads_registered,
                heads_late: r.heads_late.len() as i64,
                self_reviews,
            });
        }
        Ok::<_, StoreError>((registrations, last_lines))
    };

    // Disclosure and feedback.
    let end = sub::day_start(to + chrono::Duration::days(1));
    let disclosure = async {
        let (feedback, mut disclosure) = tokio::try_join!(
            sub::feedback_rows(db, &unit.path, from, to),
            sub::disclosure(db, &unit.path, from, to)
        )?;
        let overdue_before = end - chrono::Duration::days(db.answer_days());
        let (mut days, mut answered_n) = (0i64, 0i64);
        for f in &feedback {
            disclosure.feedback_received += 1;
            match f.answered_at {
                Some(a) if a < end => {
                    disclosure.feedback_answered += 1;
                    days += domain::feedback::response_days(f.created_at, a);
                    answered_n += 1;
                }
                _ => {
                    if f.created_at < overdue_before {
                        disclosure.feedback_overdue += 1;
                    }
                }
            }
        }
        if answered_n > 0 {
            disclosure.mean_response_days = Some(days as f64 / answered_n as f64);
        }
        Ok::<_, StoreError>((feedback, disclosure))
    };

    // Inspection and discipline (confidential; cut later for readers who may not see them).
    let confidential = async {
        let (summary, (struck_off, struck_off_left, facts)) = tokio::try_join!(
            inspections.summary(&p, unit.id, from, to),
            sub::strike_offs(db, &unit.path, from, to)
        )?;
        let inspection = InspectionSection {
            by_kind: summary.by_kind,
        };
        let discipline = DisciplineSection {
            members: summary.discipline_members,
            units: summary.discipline_units,
            struck_off,
            struck_off_left_party_life: struck_off_left,
        };
        Ok::<_, StoreError>((inspection, discipline, facts))
    };

    // Commendations.
    let commendations = async {
        let cs = db.commendations().summary(&p, &unit.code, from, to).await?;
        let count = |c: &crate::CommendationCounts| CommendationCount {
            decisions: c.decisions,
            member_recipients: c.members,
            unit_recipients: c.units,
        };
        Ok::<_, StoreError>(CommendationSection {
            total: count(&cs.total),
            by_kind: cs
                .by_kind
                .iter()
                .map(|k| (k.kind, count(&k.counts)))
                .collect(),
            by_level: cs
                .by_level
                .iter()
                .map(|l| (l.level, count(&l.counts)))
                .collect(),
            pending_proposals: cs.pending_proposals,
        })
    };

    // The per-sub-unit reads that do not come from the sections above.
    let sub_reads = async {
        let subs = sub_units(db, unit, from, to).await?;
        let p = &p;
        let reads = futures_util::stream::iter(subs.into_iter().map(|s| async move {
            let (study_tally, cell_tally, target, members, ins, comm) = tokio::try_join!(
                attendance.summary_unscoped(&s.path, MeetingKind::Study, from, to),
                attendance.summary_unscoped(&s.path, MeetingKind::Cell, from, to),
                target_of(db, &s.path, to),
                db.members().member_ids_as_of(&s.path, to),
                inspections.summary(p, s.id, from, to),
                db.commendations().summary(p, &s.code, from, to)
            )?;
            let (units_n, members_n) = ins
                .by_kind
                .values()
                .fold((0u64, 0u64), |(u, m), k| (u + k.units, m + k.members));
            Ok::<_, StoreError>(SubReads {
                study_tally,
                cell_tally,
                below_target: study_tally.below_target(target),
                members: members.len() as i64,
                inspection: (units_n, members_n),
                commendations: comm.total.decisions,
                unit: s,
            })
        }))
        .buffered(SUB_UNITS_AT_ONCE)
        .try_collect::<Vec<_>>()
        .await?;
        Ok::<_, StoreError>(reads)
    };

    let (
        campaign,
        study,
        (held, cell_meetings),
        (registrations, last_lines),
        (feedback, disclosure),
        models,
        (inspection, discipline, facts),
        commendations,
        criteria,
        sub_reads,
    ) = tokio::try_join!(
        campaign,
        study,
        cells,
        regs,
        disclosure,
        sub::models(db, &unit.path, to),
        confidential,
        commendations,
        criteria_section(db, &p, unit, to),
        sub_reads
    )?;
    let model_section = sub::model_section(&models);

    // The sub-unit table.
    let rows: Vec<SubUnitRow> = sub_reads
        .into_iter()
        .map(|r| {
            let inside = |path: &str| path.starts_with(r.unit.path.as_str());
            let fb: Vec<&sub::FeedbackRow> =
                feedback.iter().filter(|f| inside(&f.unit_path)).collect();
            SubUnitRow {
                unit: report_unit(&r.unit),
                members: r.members,
                study: r.study_tally,
                cell_meetings: held.iter().filter(|h| inside(&h.0)).map(|h| h.1).sum(),
                cell_tally: r.cell_tally,
                registrations: last_lines.get(&r.unit.id).cloned().unwrap_or_default(),
                models: models.iter().filter(|m| inside(&m.unit_path)).count() as i64,
                commendations: r.commendations,
                inspection: Some(r.inspection),
                feedback_received: fb.len() as i64,
                feedback_unanswered: fb
                    .iter()
                    .filter(|f| f.answered_at.is_none_or(|a| a >= end))
                    .count() as i64,
                below_target: r.below_target,
            }
        })
        .collect();

    let mut report = PeriodReport {
        unit: report_unit(unit),
        from,
        to,
        computed_at: db.now(),
        campaign,
        study,
        cell_meetings,
        registrations,
        disclosure,
        models: model_section,
        inspection: Some(inspection),
        discipline: Some(discipline),
        commendations,
        criteria,
        limitations: Vec::new(),
        sub_units: rows,
    };
    report.limitations = draft_limitations(&report, &facts);
    Ok(report)
}

/// The criteria sets that apply to units of the subtree, each rolled up on `to`, and the classifications
/// in force on `to` (per unit and scheme, the latest decided by then).
async fn criteria_section(
    db: &Db,
    p: &Principal,
    unit: &Unit,
    to: NaiveDate,
) -> Result<CriteriaSection> {
    let criteria = db.criteria();
    let mut sets = Vec::new();
    for set in criteria.sets(p).await? {
        let r = criteria.rollup(p, &set.code, &unit.code, to).await?;
        if r.units == 0 {
            continue;
        }
        sets.push(CriteriaLine {
            set_code: set.code.clone(),
            set_name: set.title.clone(),
            criteria: set.items.len() as i64,
            units: r.units,
            all_met: r.all_met,
            recognised: r.recognised,
            met_of_single: (r.lines.len() == 1).then(|| r.lines[0].met),
        });
    }
    // Newest first: the first of each (unit, scheme) is the one in force.
    let mut seen = std::collections::HashSet::new();
    let mut classifications = Vec::new();
    for c in criteria.classifications(p, None).await? {
        if c.decided_on > to {
            continue;
        }
        let (scheme, class) = split_classification(&c.title);
        if seen.insert((c.unit.id, domain::text::fold(&scheme))) {
            classifications.push(ClassificationLine {
                unit_name: c.unit.name.clone(),
                scheme,
                class,
                decided_on: c.decided_on,
            });
        }
    }
    classifications.sort_by(|a, b| (&a.unit_name, &a.scheme).cmp(&(&b.unit_name, &b.scheme)));
    Ok(CriteriaSection {
        sets,
        classifications,
    })
}

/// "Đô thị loại II" → ("Đô thị", "loại II"); a title without "loại" is all scheme.
fn split_classification(title: &str) -> (String, String) {
    let t = title.trim();
    match t.find(" loại ").or_else(|| t.find(" Loại ")) {
        Some(i) => (t[..i].trim().to_string(), t[i..].trim().to_string()),
        None => (t.to_string(), String::new()),
    }
}

/// The start of a Vietnamese day (00:00 UTC+7) in UTC.
pub(crate) fn vn_day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::hours(7)
}
