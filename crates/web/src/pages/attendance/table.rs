//! The attendance table of a unit (one row per sub-unit, the total, the plan's target and the members
//! absent from the last sessions) and a member's own attendance history.

use super::{base, target_label, TallyView};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, NaiveDate};
use domain::attendance::{MeetingKind, Tally, ABSENTEE_LIMIT};
use serde::Deserialize;

pub struct UnitRow {
    pub unit_id: i64,
    pub name: String,
    pub drill: bool,
    pub tally: TallyView,
}

#[derive(Template)]
#[template(path = "attendance_table.html")]
struct TablePage {
    ctx: Ctx,
    unit_id: i64,
    unit_name: String,
    parent: Option<(i64, String)>,
    from: String,
    to: String,
    kind: &'static str,
    kind_label: &'static str,
    years: Vec<i32>,
    rows: Vec<UnitRow>,
    /// Each sub-unit's attended / expected as bars (the table has the same figures).
    chart: Option<crate::charts::HChart>,
    total: TallyView,
    target: String,
    plan: String,
    absentees: Vec<(i64, String, String, String)>,
    absentees_too_large: bool,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub(super) struct TableQuery {
    #[serde(default)]
    don_vi: Option<i64>,
    #[serde(default)]
    tu: Option<String>,
    #[serde(default)]
    den: Option<String>,
    #[serde(default)]
    loai: Option<String>,
}

/// A date of the period form; a malformed one is reported on its field and `fallback` is used.
fn period_end(
    value: Option<&str>,
    field: &str,
    fallback: NaiveDate,
    errors: &mut FormErrors,
) -> NaiveDate {
    match parse_form_date(value.unwrap_or("")) {
        Ok(d) => d.unwrap_or(fallback),
        Err(m) => {
            errors.push(field, m);
            fallback
        }
    }
}

pub(super) async fn table(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<TableQuery>,
) -> PageResult {
    let p = &user.principal;
    if p.role == domain::Role::Member {
        // A member has no unit table: their own history instead.
        let m = p.member_id.ok_or_else(|| PageError::not_found(&user))?;
        return Ok(Redirect::to(&format!("/dang-vien/{m}/chuyen-can")).into_response());
    }
    let unit = st
        .db
        .units()
        .unit(p, q.don_vi.unwrap_or(p.unit_id))
        .await
        .page(&user)?;
    let today = st.db.today();
    let mut errors = FormErrors::default();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let from = period_end(q.tu.as_deref(), "tu", year_start, &mut errors);
    let to = period_end(q.den.as_deref(), "den", year_end, &mut errors);
    let kind = if q.loai.as_deref() == Some("cell") {
        MeetingKind::Cell
    } else {
        MeetingKind::Study
    };
    let rows = st
        .db
        .attendance()
        .attendance_by_subunit(p, unit.id, kind, from, to)
        .await
        .page(&user)?;
    let total = st
        .db
        .attendance()
        .attendance_summary(p, &unit.path, kind, from, to)
        .await
        .page(&user)?;
    let plan = st
        .db
        .campaign()
        .plan_for(&unit.path, to)
        .await
        .ok()
        .flatten();
    let target = plan.as_ref().map(|pl| pl.target_attendance);
    let absentees = st
        .db
        .attendance()
        .absentees(p, &unit.path, kind, ABSENTEE_LIMIT)
        .await
        .page(&user)?;
    let parent = match unit.parent_id {
        Some(pid) if p.covers(&unit.path) && unit.id != p.unit_id => st
            .db
            .units()
            .unit(p, pid)
            .await
            .ok()
            .map(|u| (u.id, u.name)),
        _ => None,
    };
    let page = TablePage {
        ctx: Ctx::new(&user, format!("Tỷ lệ tham dự — {}", unit.name), "rates"),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        parent,
        from: from.format("%Y-%m-%d").to_string(),
        to: to.format("%Y-%m-%d").to_string(),
        kind: kind.as_str(),
        kind_label: kind.label(),
        years: (2016..=today.year()).rev().collect(),
        chart: (rows.len() > 1).then(|| {
            crate::charts::rate_bars(
                &rows
                    .iter()
                    .map(|r| {
                        (
                            r.unit.name.clone(),
                            vec![(r.tally.attended(), r.tally.expected)],
                        )
                    })
                    .collect::<Vec<_>>(),
                &[crate::charts::Series {
                    name: "Tỷ lệ tham dự",
                    fill: crate::charts::RED,
                }],
            )
        }),
        rows: rows
            .iter()
            .map(|r| UnitRow {
                unit_id: r.unit.id,
                name: r.unit.name.clone(),
                drill: r.child_count > 0,
                tally: TallyView::new(&r.tally, target),
            })
            .collect(),
        total: TallyView::new(&total, target),
        target: target_label(target),
        plan: plan
            .map(|pl| format!("{} ngày {}", pl.number, date(Some(pl.issued_on))))
            .unwrap_or_default(),
        absentees_too_large: absentees.is_none(),
        absentees: absentees
            .unwrap_or_default()
            .into_iter()
            .map(|a| {
                let last = a
                    .last
                    .iter()
                    .map(|(d, t, m)| {
                        format!("{} ({}): {}", t, date(Some(*d)), m.label().to_lowercase())
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                (a.member_id, a.full_name, a.unit_name, last)
            })
            .collect(),
        errors,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "member_attendance.html")]
struct MemberAttendancePage {
    ctx: Ctx,
    member_id: i64,
    full_name: String,
    study: TallyView,
    cell: TallyView,
    rows: Vec<(String, String, &'static str, String, String, String, String)>,
}

pub(super) async fn member_history(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let p = &user.principal;
    let member = st.db.members().member(p, id).await.page(&user)?;
    let marks = st
        .db
        .attendance()
        .member_marks(p, id, None, None)
        .await
        .page(&user)?;
    let mut study = Tally::default();
    let mut cell = Tally::default();
    for m in &marks {
        match m.kind {
            MeetingKind::Study => study.add_mark(m.status),
            MeetingKind::Cell => cell.add_mark(m.status),
        }
    }
    let page = MemberAttendancePage {
        ctx: Ctx::new(
            &user,
            format!("Chuyên cần — {}", member.full_name),
            "members",
        ),
        member_id: id,
        full_name: member.full_name.clone(),
        study: TallyView::new(&study, None),
        cell: TallyView::new(&cell, None),
        rows: marks
            .iter()
            .map(|m| {
                (
                    format!("{}/{}", base(m.kind), m.meeting_id),
                    date(Some(m.date)),
                    m.kind.label(),
                    m.title.clone(),
                    m.unit_name.clone(),
                    match (m.status, m.made_up_from) {
                        (Some(s), Some(f)) => {
                            format!("{} (thay cho {})", s.label(), f.label().to_lowercase())
                        }
                        (Some(s), None) => s.label().to_string(),
                        (None, _) => "Chưa điểm danh".to_string(),
                    },
                    m.status.map(|s| s.as_str()).unwrap_or("none").to_string(),
                )
            })
            .collect(),
    };
    Ok(render(&page))
}
