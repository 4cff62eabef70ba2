//! The committee's registration report: the unit table of registrations for a year with drill-down per
//! party sub-unit ("% đúng hạn, % cụ thể, % gắn chức trách, % trùng lặp, % hoàn thành", counts by status
//! and rating, heads registered late, the 20 % warning), the list of a unit's registrations, and its XLSX.
//!
//! Scope is the store's: `registration_report`, `registrations_in`, `copy_clusters` and the bulk loaders
//! answer "not found" outside `Principal::can_read_rates` (never for members); pages show the usual
//! "Không tìm thấy" page then.

use super::status_class;
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{
    audit_file, bad_address, file_response, query_string, render, PageError, PageResult,
    StoreResultExt,
};
use crate::view::{date, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::registration::{self as reg, Outcome, RegStats};
use domain::text::format_percent;
use serde::Deserialize;
use store::{RegSummary, RegistrationExport};

/// The content type of an XLSX workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Most registrations listed on the page (the report drills down to smaller units).
const LIST_LIMIT: usize = 500;
/// Below this share of specific items (or of items tied to duties) a figure is shown in red.
const SPECIFIC_MIN: f64 = 0.8;
/// Above this share of registrations in copy clusters a figure is shown in red.
const COPIED_MAX: f64 = 0.1;

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    #[serde(rename = "don-vi")]
    pub(super) don_vi: Option<i64>,
    pub(super) nam: Option<i32>,
    #[serde(rename = "danh-sach")]
    pub(super) danh_sach: Option<String>,
}

fn pct(r: Option<f64>) -> String {
    r.map(format_percent).unwrap_or_else(|| "—".into())
}

/// "dd/mm/yyyy" (Vietnam time) of a stored UTC timestamp, "" when absent or unreadable.
fn ts_date(ts: Option<&str>) -> String {
    ts.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| date(Some(reg::vn_date(t.with_timezone(&Utc)))))
        .unwrap_or_default()
}

fn ts_naive(ts: Option<&str>) -> Option<NaiveDate> {
    ts.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| reg::vn_date(t.with_timezone(&Utc)))
}

pub(super) fn report_href(unit_id: i64, year: i32) -> String {
    format!("/dang-ky/bao-cao?don-vi={unit_id}&nam={year}")
}

/// The unit asked for (default: the user's own) and the years to offer, or the page to answer. The unit
/// is read through the store's scope and the rates rule; the year defaults to the newest with
/// registrations, else the current year.
pub(super) async fn unit_and_year(
    st: &AppState,
    user: &WebUser,
    q: &ReportQuery,
) -> Result<(domain::Unit, i32, Vec<i32>), PageError> {
    let p = &user.principal;
    let unit = st
        .db
        .units()
        .unit(p, q.don_vi.unwrap_or(p.unit_id))
        .await
        .page(user)?;
    if !p.can_read_rates(&unit.path) {
        return Err(PageError::not_found(user));
    }
    let mut years = st
        .db
        .registrations()
        .registration_years_in(&unit.path)
        .await
        .page(user)?;
    let year = match q.nam {
        Some(y) if (2000..=2100).contains(&y) => y,
        // The short "address not valid" page, with the status it always had (200).
        Some(_) => return Err(bad_address().into()),
        None => years
            .first()
            .copied()
            .unwrap_or_else(|| st.db.today().year()),
    };
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    Ok((unit, year, years))
}

/// The parent's report link, when the parent is inside the user's scope.
pub(super) async fn parent_of(
    st: &AppState,
    user: &WebUser,
    unit: &domain::Unit,
) -> Option<(i64, String)> {
    let p = &user.principal;
    match unit.parent_id {
        Some(pid) if p.covers(&unit.path) && unit.id != p.unit_id => st
            .db
            .units()
            .unit(p, pid)
            .await
            .ok()
            .map(|u| (u.id, u.name)),
        _ => None,
    }
}

/// A row of figures prepared for display.
pub struct StatsView {
    pub members: String,
    pub registered: String,
    pub on_time: String,
    pub specific: String,
    pub specific_low: bool,
    pub tied: String,
    pub tied_low: bool,
    pub copied: String,
    pub copied_high: bool,
    pub done: String,
    pub submitted: String,
    pub returned: String,
    pub drafts: String,
    pub excellent: String,
    pub good: String,
    pub completed: String,
    pub not_completed: String,
    pub heads_late: String,
    pub heads_late_bad: bool,
}

impl StatsView {
    fn new(s: &RegStats, heads_late: i64) -> StatsView {
        StatsView {
            members: num(s.members),
            registered: num(s.registered),
            on_time: pct(s.on_time_share()),
            specific: pct(s.specific_share()),
            specific_low: s.specific_share().is_some_and(|x| x < SPECIFIC_MIN),
            tied: pct(s.tied_share()),
            tied_low: s.tied_share().is_some_and(|x| x < SPECIFIC_MIN),
            copied: pct(s.copied_share()),
            copied_high: s.copied_share().is_some_and(|x| x > COPIED_MAX),
            done: pct(s.done_share()),
            submitted: num(s.submitted),
            returned: num(s.returned),
            drafts: num(s.drafts),
            excellent: num(s.excellent),
            good: num(s.good),
            completed: num(s.completed),
            not_completed: num(s.not_completed),
            heads_late: num(heads_late),
            heads_late_bad: heads_late > 0,
        }
    }
}

pub struct LineView {
    pub name: String,
    pub href: String,
    /// Has sub-units: the link opens their table; otherwise it opens the unit's list.
    pub drill: bool,
    pub warning: String,
    pub s: StatsView,
}

pub struct HeadLateView {
    pub unit_href: String,
    pub unit_name: String,
    pub head_name: String,
    pub head_submitted: String,
    pub first_member: String,
}

pub struct ListRow {
    pub href: String,
    pub name: String,
    pub head: bool,
    pub unit_name: String,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub submitted: String,
    pub on_time: bool,
    pub items: String,
    /// (label, count) of each flag present.
    pub flags: Vec<(&'static str, String)>,
    pub result: String,
    pub suggested: &'static str,
    pub rating: &'static str,
}

fn list_row(r: &RegSummary) -> ListRow {
    ListRow {
        href: format!("/dang-ky/{}", r.id),
        name: r.member_name.clone(),
        head: r.head,
        unit_name: r.unit_name.clone(),
        status_label: r.status.label(),
        status_class: status_class(r.status),
        submitted: ts_date(r.first_submitted_at.as_deref()),
        on_time: r.on_time,
        items: num(r.items),
        flags: r
            .flag_counts
            .iter()
            .map(|(f, n)| (f.label(), num(*n)))
            .collect(),
        result: pct(r.result),
        suggested: r.suggested.map(|x| x.label()).unwrap_or_default(),
        rating: r.rating.map(|x| x.label()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "reg_report.html")]
struct ReportPage {
    ctx: Ctx,
    unit_id: i64,
    unit_name: String,
    parent: Option<(i64, String)>,
    year: i32,
    years: Vec<i32>,
    deadline: String,
    total: StatsView,
    /// The table has one line per party sub-unit (false: the unit itself, a cell).
    has_subunits: bool,
    lines: Vec<LineView>,
    /// Per sub-unit: % registered on time and % specific items, as bars.
    chart: Option<crate::charts::HChart>,
    warning: String,
    heads_late: Vec<HeadLateView>,
    specific_min: String,
    copied_max: String,
    copy_threshold: String,
    show_list: bool,
    list: Vec<ListRow>,
    list_total: String,
    list_cut: bool,
    xlsx_href: String,
    clusters_href: String,
    list_href: String,
}

pub(super) async fn report(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ReportQuery>,
) -> PageResult {
    let (unit, year, years) = unit_and_year(&st, &user, &q).await?;
    let p = &user.principal;
    let rep = st
        .db
        .registrations()
        .registration_report(p, unit.id, year)
        .await
        .page(&user)?;
    let has_subunits = !(rep.lines.len() == 1 && rep.lines[0].unit.id == unit.id);
    let show_list = !has_subunits || q.danh_sach.as_deref().is_some_and(|v| !v.is_empty());
    let (list, list_total) = if show_list {
        st.db
            .registrations()
            .registrations_in(p, &unit.path, year, None, LIST_LIMIT)
            .await
            .page(&user)?
    } else {
        (Vec::new(), 0)
    };
    let parent = parent_of(&st, &user, &unit).await;
    let unit_q = unit.id.to_string();
    let year_q = year.to_string();
    let page = ReportPage {
        ctx: Ctx::new(
            &user,
            format!("Đăng ký học tập và làm theo năm {year} — {}", unit.name),
            "registrations",
        ),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        parent,
        year,
        years,
        deadline: date(rep.deadline),
        total: StatsView::new(&rep.total, rep.heads_late.len() as i64),
        has_subunits,
        chart: (rep.lines.len() > 1).then(|| {
            crate::charts::rate_bars(
                &rep.lines
                    .iter()
                    .map(|l| {
                        (
                            l.unit.name.clone(),
                            vec![
                                (l.stats.on_time, l.stats.members),
                                (l.stats.specific_items, l.stats.items),
                            ],
                        )
                    })
                    .collect::<Vec<_>>(),
                &[
                    crate::charts::Series {
                        name: "Đăng ký đúng hạn",
                        fill: crate::charts::BLUE,
                    },
                    crate::charts::Series {
                        name: "Nội dung cụ thể",
                        fill: crate::charts::GREEN,
                    },
                ],
            )
        }),
        lines: rep
            .lines
            .iter()
            .map(|l| LineView {
                name: l.unit.name.clone(),
                href: if l.has_children {
                    report_href(l.unit.id, year)
                } else {
                    format!("{}#danh-sach", report_href(l.unit.id, year))
                },
                drill: l.has_children,
                warning: l.excellent_warning.clone().unwrap_or_default(),
                s: StatsView::new(&l.stats, l.heads_late),
            })
            .collect(),
        warning: rep.excellent_warning.clone().unwrap_or_default(),
        heads_late: rep
            .heads_late
            .iter()
            .map(|h| HeadLateView {
                unit_href: format!("{}#danh-sach", report_href(h.unit.id, year)),
                unit_name: h.unit.name.clone(),
                head_name: h.head_name.clone(),
                head_submitted: ts_date(h.head_submitted.as_deref()),
                first_member: ts_date(Some(&h.first_member_submitted)),
            })
            .collect(),
        specific_min: format_percent(SPECIFIC_MIN),
        copied_max: format_percent(COPIED_MAX),
        copy_threshold: format_percent(domain::similarity::COPY_THRESHOLD),
        show_list,
        list: list.iter().map(list_row).collect(),
        list_total: num(list_total as i64),
        list_cut: list_total > list.len(),
        xlsx_href: format!(
            "/dang-ky/bao-cao.xlsx{}",
            query_string(&[("don-vi", &unit_q), ("nam", &year_q)])
        ),
        clusters_href: format!(
            "/dang-ky/trung-lap{}",
            query_string(&[("don-vi", &unit_q), ("nam", &year_q)])
        ),
        list_href: format!(
            "/dang-ky/bao-cao{}#danh-sach",
            query_string(&[("don-vi", &unit_q), ("nam", &year_q), ("danh-sach", "1")])
        ),
    };
    Ok(render(&page))
}

fn outcome_label(o: Option<Outcome>) -> Option<String> {
    o.map(|o| o.label().to_string())
}

fn export_row(e: &RegistrationExport) -> office::RegistrationRow {
    let r = &e.registration;
    let first = ts_naive(r.first_submitted_at.as_deref());
    let outcomes = r.outcomes();
    office::RegistrationRow {
        member_name: r.member_name.clone(),
        unit_name: r.unit_name.clone(),
        positions: e.positions.join("; "),
        status_label: r.status.label().to_string(),
        submitted_on: first,
        on_time: first.map(|d| reg::on_time(&r.calendar, Some(d))),
        items: r
            .items
            .iter()
            .map(|i| office::PrintItem {
                content: i.content.clone(),
                duty: i.duty.clone(),
                target: i.target.clone(),
                deadline: i.deadline,
                evidence: i.evidence.clone(),
                midyear: outcome_label(i.midyear_outcome),
                yearend: outcome_label(i.yearend_outcome),
                assessed: outcome_label(i.assessed_outcome),
                flags: i.flags.iter().map(|f| f.flag.label().to_string()).collect(),
            })
            .collect(),
        result_percent: reg::result(&outcomes).map(|x| x * 100.0),
        suggested_rating: e
            .suggested
            .or_else(|| reg::suggested_rating(&outcomes))
            .map(|x| x.label().to_string()),
        rating: e.rating.map(|x| x.label().to_string()),
    }
}

pub(super) async fn export(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ReportQuery>,
) -> PageResult {
    let (unit, year, _) = unit_and_year(&st, &user, &q).await?;
    let regs = st
        .db
        .registrations()
        .registrations_for_export(&user.principal, &unit.path, year)
        .await
        .page(&user)?;
    let rows: Vec<office::RegistrationRow> = regs.iter().map(export_row).collect();
    let sheet = office::UnitSheet {
        unit_name: unit.name.clone(),
        year,
        generated_on: st.db.today(),
    };
    let row_count = rows.len();
    let bytes = match crate::heavy::run(move || office::registrations_xlsx(&sheet, &rows)).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "registrations xlsx failed");
            return Err(store::StoreError::Corrupt(e.to_string())).page(&user);
        }
    };
    let filename = format!("dang-ky-{}-{year}.xlsx", unit.code);
    let audit = store::FileAudit {
        kind: "registrations.xlsx",
        label: &format!("Danh sách bản đăng ký năm {year} — {}", unit.name),
        unit_path: &unit.path,
        filename: &filename,
        rows: Some(row_count),
    };
    audit_file(&st, &user, audit).await?;
    Ok(file_response(XLSX, &filename, bytes))
}
