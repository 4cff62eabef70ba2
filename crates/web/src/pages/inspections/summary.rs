//! The figures of a unit's subtree and period: per kind the cases (cuộc), subject-case pairs (lượt tổ
//! chức, lượt đảng viên) and distinct subjects, each a link to the cases behind it; the discipline in
//! force by form; a bar chart of lượt per kind (inline SVG).

use super::{require_read, resolve_unit};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::labels::{case_kind, discipline_form};
use crate::respond::{query_string, render, PageResult, StoreResultExt};
use crate::view::{date, iso, num, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use domain::inspection::{CaseKind, DisciplineForm, KindCounts};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct SummaryQuery {
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    don_vi: String,
    /// dd/mm/yyyy or ISO.
    #[serde(default)]
    tu: String,
    #[serde(default)]
    den: String,
}

/// A figure with the address of the cases behind it.
pub struct Cell {
    pub value: String,
    pub href: String,
}

pub struct KindRow {
    pub kind: &'static str,
    pub cases: Cell,
    pub units: Cell,
    pub members: Cell,
    pub distinct_units: Cell,
    pub distinct_members: Cell,
}

/// One bar of the chart: lượt tổ chức (first part) and lượt đảng viên (second part).
pub struct Bar {
    pub label: &'static str,
    pub y: i64,
    pub units_w: i64,
    pub members_x: i64,
    pub members_w: i64,
    pub text_x: i64,
    pub text: String,
}

#[derive(Template)]
#[template(path = "insp_summary.html")]
struct SummaryPage {
    ctx: Ctx,
    unit_code: String,
    unit_name: String,
    units: Vec<(String, String)>,
    from: String,
    to: String,
    period: String,
    error: Option<String>,
    rows: Vec<KindRow>,
    total: KindRow,
    discipline_members: Vec<(&'static str, String)>,
    discipline_units: Vec<(&'static str, String)>,
    bars: Vec<Bar>,
    chart_height: i64,
}

const LABEL_W: i64 = 250;
const BAR_AREA: i64 = 330;
const ROW_H: i64 = 30;

pub async fn summary(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<SummaryQuery>,
) -> PageResult {
    require_read(&user)?;
    let p = &user.principal;
    let unit = resolve_unit(&st, p, &q.don_vi).await.page(&user)?;
    let year = st.db.today().year();
    let mut error = None;
    let mut read = |s: &str, default: NaiveDate| match parse_form_date(s) {
        Ok(Some(d)) => d,
        Ok(None) => default,
        Err(m) => {
            error = Some(m);
            default
        }
    };
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let mut from = read(&q.tu, first);
    let mut to = read(&q.den, last);
    if to < from {
        error = Some(domain::inspection::InspectionError::PeriodReversed.to_string());
        std::mem::swap(&mut from, &mut to);
    }
    let s = st
        .db
        .inspections()
        .summary(p, unit.id, from, to)
        .await
        .page(&user)?;
    let (from_iso, to_iso) = (iso(Some(from)), iso(Some(to)));
    let href = |kind: Option<CaseKind>| {
        format!(
            "/kiem-tra{}",
            query_string(&[
                ("don-vi", unit.code.as_str()),
                ("loai", kind.map(|k| k.as_str()).unwrap_or("")),
                ("tu", from_iso.as_str()),
                ("den", to_iso.as_str()),
            ])
        )
    };
    let row = |label: &'static str, kind: Option<CaseKind>, c: &KindCounts| {
        let cell = |n: u64| Cell {
            value: num(n as i64),
            href: href(kind),
        };
        KindRow {
            kind: label,
            cases: cell(c.cases),
            units: cell(c.units),
            members: cell(c.members),
            distinct_units: cell(c.distinct_units),
            distinct_members: cell(c.distinct_members),
        }
    };
    let zero = KindCounts::default();
    let counts = |k: CaseKind| s.by_kind.get(&k).copied().unwrap_or(zero);
    let rows: Vec<KindRow> = CaseKind::ALL
        .iter()
        .map(|k| row(case_kind(*k), Some(*k), &counts(*k)))
        .collect();
    let mut sum = KindCounts::default();
    for k in CaseKind::ALL {
        let c = counts(k);
        sum.cases += c.cases;
        sum.units += c.units;
        sum.members += c.members;
    }
    let mut total = row("Tổng cộng", None, &sum);
    // Distinct subjects across kinds are not the sum of each kind's: left empty in the total row.
    total.distinct_units.value = String::new();
    total.distinct_members.value = String::new();
    let max = CaseKind::ALL
        .iter()
        .map(|k| counts(*k).units + counts(*k).members)
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |n: u64| ((n as f64 / max as f64) * BAR_AREA as f64).round() as i64;
    let bars = CaseKind::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let c = counts(*k);
            let uw = scale(c.units);
            let mw = scale(c.units + c.members) - uw;
            Bar {
                label: case_kind(*k),
                y: 10 + i as i64 * ROW_H,
                units_w: uw,
                members_x: LABEL_W + uw,
                members_w: mw,
                text_x: LABEL_W + uw + mw + 6,
                text: format!("{} + {}", num(c.units as i64), num(c.members as i64)),
            }
        })
        .collect();
    let forms = |m: &std::collections::BTreeMap<DisciplineForm, u64>, list: &[DisciplineForm]| {
        list.iter()
            .map(|f| {
                (
                    discipline_form(*f),
                    num(m.get(f).copied().unwrap_or(0) as i64),
                )
            })
            .collect()
    };
    let units = super::unit_options(&st, p)
        .await
        .page(&user)?
        .iter()
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let page = SummaryPage {
        ctx: Ctx::new(&user, "Tổng hợp kiểm tra, giám sát", "inspections"),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        units,
        from: date(Some(from)),
        to: date(Some(to)),
        period: format!("{} – {}", date(Some(from)), date(Some(to))),
        error,
        rows,
        total,
        discipline_members: forms(&s.discipline_members, &DisciplineForm::FOR_MEMBERS),
        discipline_units: forms(&s.discipline_units, &DisciplineForm::FOR_UNITS),
        chart_height: 20 + CaseKind::ALL.len() as i64 * ROW_H,
        bars,
    };
    Ok(render(&page))
}
