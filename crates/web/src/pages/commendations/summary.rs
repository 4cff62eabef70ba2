//! The figures of a unit's subtree and period (`db.commendations().summary`): decisions, members and
//! collectives commended, by kind and by level, with a bar chart by kind (inline SVG); the period defaults
//! to this year, dates typed dd/mm/yyyy.

use super::{require_staff, resolve_unit};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{query_string, render, PageResult, StoreResultExt};
use crate::view::{date, num, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use store::CommendationCounts;

#[derive(Deserialize, Default)]
pub struct SummaryQuery {
    #[serde(default, rename = "don_vi", alias = "don-vi")]
    don_vi: String,
    /// dd/mm/yyyy or ISO.
    #[serde(default)]
    tu: String,
    #[serde(default)]
    den: String,
}

pub struct Line {
    pub label: &'static str,
    pub decisions: String,
    pub members: String,
    pub units: String,
    /// The list of the kind's commendations (empty for the level lines).
    pub href: String,
}

/// One bar of the chart: members (first part) and collectives (second part).
pub struct Bar {
    pub label: &'static str,
    pub y: i64,
    pub members_w: i64,
    pub units_x: i64,
    pub units_w: i64,
    pub text_x: i64,
    pub text: String,
}

#[derive(Template)]
#[template(path = "comm_summary.html")]
struct SummaryPage {
    ctx: Ctx,
    unit_code: String,
    unit_name: String,
    units: Vec<(String, String)>,
    from: String,
    to: String,
    period: String,
    error: Option<String>,
    by_kind: Vec<Line>,
    total: Line,
    by_level: Vec<Line>,
    pending: String,
    pending_href: String,
    bars: Vec<Bar>,
    chart_height: i64,
}

const LABEL_W: i64 = 150;
const BAR_AREA: i64 = 420;
const ROW_H: i64 = 30;

fn line(label: &'static str, c: &CommendationCounts, href: String) -> Line {
    Line {
        label,
        decisions: num(c.decisions),
        members: num(c.members),
        units: num(c.units),
        href,
    }
}

pub async fn summary(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<SummaryQuery>,
) -> PageResult {
    require_staff(&user)?;
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
        error = Some("Ngày cuối kỳ phải sau ngày đầu kỳ: đã đổi chỗ hai ngày.".to_string());
        std::mem::swap(&mut from, &mut to);
    }
    let s = st
        .db
        .commendations()
        .summary(p, &unit.code, from, to)
        .await
        .page(&user)?;
    // The list behind a kind: the year when the period is one calendar year.
    let whole_year = from.year() == to.year()
        && from.ordinal() == 1
        && to == NaiveDate::from_ymd_opt(to.year(), 12, 31).unwrap_or(to);
    let one_year = if whole_year {
        from.year().to_string()
    } else {
        String::new()
    };
    let href = |kind: &str| {
        format!(
            "/khen-thuong{}",
            query_string(&[
                ("don_vi", unit.code.as_str()),
                ("nam", one_year.as_str()),
                ("trang_thai", "decided"),
                ("hinh_thuc", kind),
            ])
        )
    };
    let by_kind: Vec<Line> = s
        .by_kind
        .iter()
        .map(|k| line(k.kind.label(), &k.counts, href(k.kind.as_str())))
        .collect();
    let by_level: Vec<Line> = s
        .by_level
        .iter()
        .map(|l| line(l.level.label(), &l.counts, String::new()))
        .collect();
    let max = s
        .by_kind
        .iter()
        .map(|k| k.counts.members + k.counts.units)
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |n: i64| ((n as f64 / max as f64) * BAR_AREA as f64).round() as i64;
    let bars = s
        .by_kind
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mw = scale(k.counts.members);
            let uw = scale(k.counts.members + k.counts.units) - mw;
            Bar {
                label: k.kind.label(),
                y: 10 + i as i64 * ROW_H,
                members_w: mw,
                units_x: LABEL_W + mw,
                units_w: uw,
                text_x: LABEL_W + mw + uw + 6,
                text: format!("{} + {}", num(k.counts.members), num(k.counts.units)),
            }
        })
        .collect();
    let units = st
        .db
        .units()
        .list_units(p, None, Some(st.db.today()))
        .await
        .page(&user)?
        .iter()
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let page = SummaryPage {
        ctx: Ctx::new(&user, "Tổng hợp khen thưởng", "commendations"),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        units,
        from: date(Some(from)),
        to: date(Some(to)),
        period: format!("{} – {}", date(Some(from)), date(Some(to))),
        error,
        total: line("Tổng cộng", &s.total, href("")),
        chart_height: 20 + by_kind.len() as i64 * ROW_H,
        by_kind,
        by_level,
        pending: num(s.pending_proposals),
        pending_href: format!(
            "/khen-thuong{}",
            query_string(&[("don_vi", unit.code.as_str()), ("trang_thai", "proposed")])
        ),
        bars,
    };
    Ok(render(&page))
}
