//! The unit page: where it sits, its sub-units with member counts, and its members.

use super::{render, store_error};
use crate::auth::WebUser;
use crate::extract::PagePath;
use crate::view::{date, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use store::{MemberListItem, MemberQuery, UnitSummary};

pub struct Crumb {
    pub id: i64,
    pub name: String,
}

pub struct MemberRowView {
    pub id: i64,
    pub full_name: String,
    pub birth: String,
    pub unit_name: String,
    pub status_label: &'static str,
    pub active: bool,
}

impl MemberRowView {
    pub fn from(m: &MemberListItem) -> MemberRowView {
        MemberRowView {
            id: m.id,
            full_name: m.full_name.clone(),
            birth: date(m.birth_date),
            unit_name: m.unit_name.clone(),
            status_label: m.status.label(),
            active: m.status == domain::MemberStatus::Active,
        }
    }
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    ctx: Ctx,
    crumbs: Vec<Crumb>,
    code: String,
    name: String,
    type_label: &'static str,
    valid_from: String,
    valid_to: String,
    children: Vec<UnitSummary>,
    child_members: Vec<String>,
    members: Vec<MemberRowView>,
    members_total: String,
    more_members: bool,
    can_add_member: bool,
    can_export: bool,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    let p = &user.principal;
    let loaded = async {
        let unit = st.db.unit(p, id).await?;
        let crumbs = st.db.unit_ancestors(p, &unit).await?;
        let children = st.db.child_units(p, unit.id).await?;
        let (members, total) = st
            .db
            .search_members(
                p,
                &MemberQuery {
                    unit_path: Some(unit.path.clone()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await?;
        Ok::<_, store::StoreError>((unit, crumbs, children, members, total))
    }
    .await;
    let (unit, crumbs, children, members, total) = match loaded {
        Ok(v) => v,
        Err(e) => return store_error(&user, e),
    };
    let page = UnitPage {
        ctx: Ctx::new(&user, unit.name.clone(), "home"),
        crumbs: crumbs
            .into_iter()
            .map(|u| Crumb {
                id: u.id,
                name: u.name,
            })
            .collect(),
        code: unit.code.clone(),
        name: unit.name.clone(),
        type_label: unit.unit_type.label(),
        valid_from: date(unit.valid_from),
        valid_to: date(unit.valid_to),
        child_members: children.iter().map(|c| num(c.member_count)).collect(),
        children,
        more_members: total > members.len() as i64,
        members: members.iter().map(MemberRowView::from).collect(),
        members_total: num(total),
        can_add_member: p.can_write_member(&unit.path) && unit.unit_type.is_party(),
        can_export: p.has(domain::policy::Capability::ExportMembers),
    };
    render(&page)
}
