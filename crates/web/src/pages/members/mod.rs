//! Members: the list with diacritic-insensitive search and the member page with its history (this file),
//! the create and edit form (`form.rs`), party transfer and status changes (`transfer.rs`) and the
//! XLSX/CSV export (`export.rs`). Forms re-show what was typed, with each error beside its field.

mod export;
mod form;
mod titles;
mod transfer;

use super::units::MemberRowView;
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{query_string, render, PageResult, StoreResultExt};
use crate::routes::PageRoutes;
use crate::view::{date, iso, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::policy::Capability;
use domain::MemberStatus;
use serde::Deserialize;
use store::{MemberQuery, StoreError};
const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    don_vi: String,
    #[serde(default)]
    trang: Option<i64>,
    #[serde(default)]
    ca_da_roi: Option<String>,
}

#[derive(Template)]
#[template(path = "members.html")]
struct ListPage {
    ctx: Ctx,
    q: String,
    unit_code: String,
    unit_name: String,
    include_inactive: bool,
    members: Vec<MemberRowView>,
    total: String,
    page: i64,
    pages: i64,
    prev_link: String,
    next_link: String,
    can_export: bool,
    export_query: String,
    /// Office and admin: the link to the titles not understood.
    can_review_titles: bool,
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = &user.principal;
    let mut unit_name = String::new();
    let unit_path = if q.don_vi.trim().is_empty() {
        None
    } else {
        match st.db.units().unit_by_code(p, q.don_vi.trim()).await {
            Ok(u) => {
                unit_name = u.name.clone();
                Some(u.path)
            }
            Err(e) => return Err(e).page(&user),
        }
    };
    let page = q.trang.unwrap_or(1).max(1);
    let include_inactive = q.ca_da_roi.is_some();
    let query = MemberQuery {
        q: Some(q.q.clone()),
        unit_path,
        include_inactive,
        page,
        per_page: PER_PAGE,
    };
    let (items, total) = st
        .db
        .members()
        .search_members(p, &query)
        .await
        .page(&user)?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let inactive = if include_inactive { "1" } else { "" };
    let link = |n: i64| {
        let n = n.to_string();
        format!(
            "/dang-vien{}",
            query_string(&[
                ("q", &q.q),
                ("don_vi", &q.don_vi),
                ("ca_da_roi", inactive),
                ("trang", &n)
            ])
        )
    };
    let page_view = ListPage {
        ctx: Ctx::new(&user, "Đảng viên", "members"),
        q: q.q.clone(),
        unit_code: q.don_vi.clone(),
        unit_name,
        include_inactive,
        members: items.iter().map(MemberRowView::from).collect(),
        total: num(total),
        page,
        pages,
        prev_link: if page > 1 {
            link(page - 1)
        } else {
            String::new()
        },
        next_link: if page < pages {
            link(page + 1)
        } else {
            String::new()
        },
        can_export: p.has(Capability::ExportMembers),
        can_review_titles: titles::may_review(&user),
        export_query: query_string(&[("don_vi", &q.don_vi)])
            .trim_start_matches('?')
            .to_string(),
    };
    Ok(render(&page_view))
}

pub struct PositionView {
    pub title: String,
    pub duties: String,
    pub head: bool,
    pub key_cadre: bool,
    /// What the title is understood to be: "Bí thư — Chi bộ Khu phố 1", "Chưa xác định".
    pub understood: String,
    pub unknown: bool,
    /// "từ 01/01/2025 đến 31/12/2029", or empty.
    pub period: String,
}

pub struct HistoryView {
    pub unit_id: i64,
    pub unit_name: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    ctx: Ctx,
    id: i64,
    full_name: String,
    gender: String,
    birth: String,
    card: String,
    citizen_id: String,
    joined: String,
    official: String,
    probationary: bool,
    phone: String,
    status_label: &'static str,
    unit_id: i64,
    unit_name: String,
    head: bool,
    key_cadre: bool,
    positions: Vec<PositionView>,
    history: Vec<HistoryView>,
    statuses: Vec<(String, &'static str)>,
    can_write: bool,
    csrf: String,
    status_options: Vec<(&'static str, &'static str)>,
    today: String,
    commendations: crate::pages::commendations::Section,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(fq): PageQuery<super::home::FlashQuery>,
) -> PageResult {
    let p = &user.principal;
    let loaded = async {
        let m = st.db.members().member(p, id).await?;
        let (hist, statuses) = st.db.members().member_history(p, id).await?;
        let unit = st.db.units().unit_unscoped(m.unit_id).await?;
        Ok::<_, StoreError>((m, hist, statuses, unit))
    }
    .await;
    let (m, hist, statuses, unit) = loaded.page(&user)?;
    let can_write = unit.as_ref().is_some_and(|u| p.can_write_member(&u.path));
    let commendations = crate::pages::commendations::member_section(
        &st,
        p,
        m.id,
        unit.as_ref().map(|u| u.path.as_str()).unwrap_or(""),
    )
    .await
    .page(&user)?;
    let page = MemberPage {
        ctx: Ctx::new(&user, m.full_name.clone(), "members")
            .with_flash(crate::view::flash_message(fq.tb.as_deref())),
        id: m.id,
        full_name: m.full_name.clone(),
        gender: m.gender.map(|g| g.label().to_string()).unwrap_or_default(),
        birth: date(m.birth_date),
        card: m.card_number.clone().unwrap_or_default(),
        citizen_id: m.citizen_id.clone().unwrap_or_default(),
        joined: date(m.joined_on),
        official: date(m.official_on),
        probationary: m.is_probationary(),
        phone: m.phone.clone().unwrap_or_default(),
        status_label: m.status.label(),
        unit_id: m.unit_id,
        unit_name: m.unit_name.clone(),
        head: m.head,
        key_cadre: m.key_cadre,
        positions: m
            .positions
            .iter()
            .map(|p| PositionView {
                title: p.title.clone(),
                duties: p.duties.clone(),
                head: p.head,
                key_cadre: p.key_cadre,
                understood: p.understood(),
                unknown: p.post == domain::position::Post::Unknown,
                period: match (p.from, p.to) {
                    (None, None) => String::new(),
                    (Some(f), None) => format!("từ {}", date(Some(f))),
                    (None, Some(t)) => format!("đến {}", date(Some(t))),
                    (Some(f), Some(t)) => format!("từ {} đến {}", date(Some(f)), date(Some(t))),
                },
            })
            .collect(),
        history: hist
            .iter()
            .map(|h| HistoryView {
                unit_id: h.unit_id,
                unit_name: h.unit_name.clone(),
                from: date(Some(h.from_date)),
                to: date(h.to_date),
            })
            .collect(),
        statuses: statuses
            .iter()
            .map(|s| (date(s.from_date), s.status.label()))
            .collect(),
        can_write,
        csrf: user.csrf.clone(),
        status_options: MemberStatus::ALL
            .iter()
            .filter(|s| **s != m.status)
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        today: iso(Some(st.db.today())),
        commendations,
    };
    Ok(render(&page))
}

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/dang-vien", list)
        .get("/dang-vien/moi", form::new_form)
        .get("/dang-vien/chuc-vu-chua-xac-dinh", titles::unmapped)
        .post("/dang-vien/moi", form::create)
        .get("/dang-vien/{id}", show)
        .get("/dang-vien/{id}/sua", form::edit_form)
        .post("/dang-vien/{id}/sua", form::update)
        .get("/dang-vien/{id}/chuyen", transfer::transfer_form)
        .post("/dang-vien/{id}/chuyen", transfer::transfer)
        .post("/dang-vien/{id}/trang-thai", transfer::status)
        .get("/xuat/dang-vien", export::export)
}
