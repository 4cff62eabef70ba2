//! The list of commendations in scope, newest first: filters (unit, year, state, kind, words), the
//! proposals waiting for the reader's decision in a box of their own, paging.

use super::{flash, require_staff, resolve_unit, row, CommendationRow};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{query_string, render, PageResult, StoreResultExt};
use crate::view::{num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::commendation::{CommendationKind, CommendationState};
use domain::policy::Capability;
use serde::Deserialize;
use store::CommendationFilter;

const PAGE_SIZE: i64 = 50;
/// Most proposals shown in the box "Đề nghị chờ quyết định".
const PENDING_MAX: i64 = 100;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// Unit id or code (its subtree).
    #[serde(default, rename = "don_vi", alias = "don-vi")]
    pub don_vi: String,
    #[serde(default)]
    pub nam: String,
    /// proposed | decided | declined.
    #[serde(default, rename = "trang_thai", alias = "trang-thai")]
    pub trang_thai: String,
    /// A kind's identifier.
    #[serde(default, rename = "hinh_thuc", alias = "hinh-thuc")]
    pub hinh_thuc: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub trang: Option<i64>,
    #[serde(default)]
    pub tb: Option<String>,
}

#[derive(Template)]
#[template(path = "comm_list.html")]
struct ListPage {
    ctx: Ctx,
    f: ListQuery,
    unit_name: String,
    units: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    pending: Vec<CommendationRow>,
    rows: Vec<CommendationRow>,
    total: String,
    shown_from: i64,
    shown_to: i64,
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
    can_create: bool,
    create_label: &'static str,
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    require_staff(&user)?;
    let p = &user.principal;
    let unit = resolve_unit(&st, p, &q.don_vi).await.page(&user)?;
    let year = q
        .nam
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1930..=9999).contains(y));
    let state = CommendationState::parse(&q.trang_thai);
    let kind = Some(q.hinh_thuc.trim())
        .filter(|s| !s.is_empty())
        .and_then(CommendationKind::parse);
    let words = Some(q.q.trim().to_string()).filter(|s| !s.is_empty());
    let page_no = q.trang.unwrap_or(1).clamp(1, 100_000);
    let offset = (page_no - 1) * PAGE_SIZE;
    let filter = CommendationFilter {
        unit_path: Some(unit.path.clone()),
        year,
        state,
        kind,
        member_id: None,
        model_id: None,
        q: words.clone(),
        limit: PAGE_SIZE,
        offset,
    };
    let (list, total) = st.db.commendations().list(p, &filter).await.page(&user)?;
    // The proposals the reader may decide, on the first page of an unfiltered list.
    let filtered = year.is_some() || state.is_some() || kind.is_some() || words.is_some();
    let pending = if p.has(Capability::DecideCommendations) && page_no == 1 && !filtered {
        let f = CommendationFilter {
            unit_path: Some(unit.path.clone()),
            state: Some(CommendationState::Proposed),
            limit: PENDING_MAX,
            ..Default::default()
        };
        st.db
            .commendations()
            .list(p, &f)
            .await
            .page(&user)?
            .0
            .iter()
            .filter(|c| p.can_decide_commendation(&c.issuer_path))
            .map(row)
            .collect()
    } else {
        Vec::new()
    };
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
    let f = ListQuery {
        don_vi: unit.code.clone(),
        nam: year.map(|y| y.to_string()).unwrap_or_default(),
        trang_thai: state.map(|s| s.as_str()).unwrap_or("").to_string(),
        hinh_thuc: kind.map(|k| k.as_str()).unwrap_or("").to_string(),
        q: q.q.trim().to_string(),
        trang: None,
        tb: None,
    };
    let link = |page: i64| {
        let page = page.to_string();
        format!(
            "/khen-thuong{}",
            query_string(&[
                ("don_vi", f.don_vi.as_str()),
                ("nam", f.nam.as_str()),
                ("trang_thai", f.trang_thai.as_str()),
                ("hinh_thuc", f.hinh_thuc.as_str()),
                ("q", f.q.as_str()),
                ("trang", page.as_str()),
            ])
        )
    };
    let (can_create, create_label) = if p.has(Capability::DecideCommendations) {
        (true, "+ Ghi quyết định khen thưởng")
    } else if p.has(Capability::ProposeCommendations) {
        (true, "+ Đề nghị khen thưởng")
    } else {
        (false, "")
    };
    let page = ListPage {
        ctx: Ctx::new(&user, "Khen thưởng, biểu dương", "commendations")
            .with_flash(flash(q.tb.as_deref())),
        unit_name: unit.name.clone(),
        units,
        kinds: CommendationKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        states: [
            (CommendationState::Decided, "Đã quyết định"),
            (CommendationState::Proposed, "Đề nghị chưa quyết định"),
            (CommendationState::Declined, "Không được chấp thuận"),
        ]
        .iter()
        .map(|(s, l)| (s.as_str(), *l))
        .collect(),
        pending,
        rows: list.iter().map(row).collect(),
        total: num(total),
        shown_from: if list.is_empty() { 0 } else { offset + 1 },
        shown_to: offset + list.len() as i64,
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (offset + PAGE_SIZE < total).then(|| link(page_no + 1)),
        filtered,
        can_create,
        create_label,
        f,
    };
    Ok(render(&page))
}
