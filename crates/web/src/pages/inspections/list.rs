//! The case list: filters (unit, kind, year or period, Chỉ thị 05, concluded, words), counts, paging.

use super::{flash, require_read, resolve_unit};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::labels::{case_kind, inspection_body};
use crate::respond::{query_string, render, PageResult, StoreResultExt};
use crate::view::{date, iso, num, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::inspection::CaseKind;
use domain::policy::Capability;
use serde::Deserialize;
use store::{Case, CaseFilter};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// Unit id or code.
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    pub don_vi: String,
    #[serde(default)]
    pub loai: String,
    #[serde(default)]
    pub nam: String,
    /// Decision dates from / to (ISO or dd/mm/yyyy).
    #[serde(default)]
    pub tu: String,
    #[serde(default)]
    pub den: String,
    /// "1" = Chỉ thị 05 only, "0" = others.
    #[serde(default)]
    pub ct05: String,
    /// "1" = concluded, "0" = not yet.
    #[serde(default, rename = "ket-luan", alias = "ket_luan")]
    pub ket_luan: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub trang: Option<i64>,
    #[serde(default)]
    pub tb: Option<String>,
}

pub struct CaseRow {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub unit_name: String,
    pub body: &'static str,
    pub decision: String,
    pub decided_on: String,
    pub period: String,
    pub directive_05: bool,
    pub subjects: String,
    pub concluded_on: String,
}

pub(super) fn period(from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> String {
    match (from, to) {
        (None, None) => String::new(),
        (f, t) => format!("{} – {}", date(f), date(t)),
    }
}

pub(super) fn subjects_label(units: i64, members: i64) -> String {
    let mut parts = Vec::new();
    if units > 0 {
        parts.push(format!("{} tổ chức", num(units)));
    }
    if members > 0 {
        parts.push(format!("{} đảng viên", num(members)));
    }
    parts.join(", ")
}

fn case_row(c: &Case) -> CaseRow {
    CaseRow {
        id: c.id,
        kind: case_kind(c.kind),
        title: c.title.clone(),
        unit_name: c.unit_name.clone(),
        body: inspection_body(c.body),
        decision: c.decision_number.clone(),
        decided_on: date(Some(c.decided_on)),
        period: period(c.from, c.to),
        directive_05: c.directive_05,
        subjects: subjects_label(c.subject_units, c.subject_members),
        concluded_on: date(c.concluded_on),
    }
}

#[derive(Template)]
#[template(path = "insp_list.html")]
struct ListPage {
    ctx: Ctx,
    f: ListQuery,
    unit_name: String,
    units: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<CaseRow>,
    total: String,
    shown_from: i64,
    shown_to: i64,
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
    can_create: bool,
    error: Option<String>,
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    require_read(&user)?;
    let p = &user.principal;
    let unit = resolve_unit(&st, p, &q.don_vi).await.page(&user)?;
    let kind = CaseKind::parse(&q.loai).filter(|_| !q.loai.trim().is_empty());
    let mut error = None;
    let mut date_of = |s: &str| match parse_form_date(s) {
        Ok(d) => d,
        Err(m) => {
            error = Some(m);
            None
        }
    };
    let from = date_of(&q.tu);
    let to = date_of(&q.den);
    let year = q.nam.trim().parse::<i32>().ok();
    let flag = |s: &str| match s.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    let page_no = q.trang.unwrap_or(1).max(1);
    let filter = CaseFilter {
        unit_id: Some(unit.id),
        kind,
        year,
        from,
        to,
        directive_05: flag(&q.ct05),
        concluded: flag(&q.ket_luan),
        text: Some(q.q.trim().to_string()).filter(|s| !s.is_empty()),
        offset: (page_no - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let total = st
        .db
        .inspections()
        .count_cases(p, &filter)
        .await
        .page(&user)?;
    let cases = st
        .db
        .inspections()
        .list_cases(p, &filter)
        .await
        .page(&user)?;
    let units = super::unit_options(&st, p)
        .await
        .page(&user)?
        .iter()
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let f = ListQuery {
        don_vi: unit.code.clone(),
        loai: kind.map(|k| k.as_str()).unwrap_or("").to_string(),
        nam: year.map(|y| y.to_string()).unwrap_or_default(),
        tu: iso(from),
        den: iso(to),
        trang: None,
        tb: None,
        ..q.clone()
    };
    let link = |page: i64| {
        let page = page.to_string();
        format!(
            "/kiem-tra{}",
            query_string(&[
                ("don-vi", f.don_vi.as_str()),
                ("loai", f.loai.as_str()),
                ("nam", f.nam.as_str()),
                ("tu", f.tu.as_str()),
                ("den", f.den.as_str()),
                ("ct05", f.ct05.trim()),
                ("ket-luan", f.ket_luan.trim()),
                ("q", f.q.trim()),
                ("trang", page.as_str()),
            ])
        )
    };
    let offset = (page_no - 1) * PAGE_SIZE;
    let page = ListPage {
        ctx: Ctx::new(&user, "Kiểm tra, giám sát", "inspections")
            .with_flash(flash(q.tb.as_deref())),
        unit_name: unit.name.clone(),
        units,
        kinds: CaseKind::ALL
            .iter()
            .map(|k| (k.as_str(), case_kind(*k)))
            .collect(),
        rows: cases.iter().map(case_row).collect(),
        total: num(total),
        shown_from: if cases.is_empty() { 0 } else { offset + 1 },
        shown_to: offset + cases.len() as i64,
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (offset + PAGE_SIZE < total).then(|| link(page_no + 1)),
        filtered: kind.is_some()
            || year.is_some()
            || from.is_some()
            || to.is_some()
            || !q.ct05.trim().is_empty()
            || !q.ket_luan.trim().is_empty()
            || !q.q.trim().is_empty(),
        can_create: p.has(Capability::ManageInspections),
        f,
        error,
    };
    Ok(render(&page))
}
