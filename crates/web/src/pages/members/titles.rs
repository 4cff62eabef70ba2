//! "Chức vụ chưa xác định": the position titles of members in scope that the reading of titles did not
//! understand (docs/DOMAIN.md § Positions), with how many members hold each and, per title, who holds it (to
//! open and correct their records). Office and admin only.

use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{query_string, render, PageError, PageResult, StoreResultExt};
use crate::view::{num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::policy::Capability;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct TitlesQuery {
    /// One title: list who holds it.
    #[serde(default)]
    chuc_vu: String,
}

pub struct TitleRow {
    pub title: String,
    pub count: String,
    pub link: String,
}

pub struct HolderRow {
    pub name: String,
    pub unit: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "unmapped_titles.html")]
struct TitlesPage {
    ctx: Ctx,
    titles: Vec<TitleRow>,
    selected: String,
    holders: Vec<HolderRow>,
}

/// Who may review the titles: the standing office and the administrator (who keep the unit tree).
pub fn may_review(user: &WebUser) -> bool {
    user.principal.has(Capability::WriteUnits)
}

pub async fn unmapped(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<TitlesQuery>,
) -> PageResult {
    if !may_review(&user) {
        return Err(PageError::not_found(&user));
    }
    let p = &user.principal;
    let titles = st
        .db
        .members()
        .unmapped_titles(p)
        .await
        .page(&user)?
        .into_iter()
        .map(|(title, n)| TitleRow {
            link: format!(
                "/dang-vien/chuc-vu-chua-xac-dinh{}",
                query_string(&[("chuc_vu", &title)])
            ),
            count: num(n),
            title,
        })
        .collect();
    let selected = q.chuc_vu.trim().to_string();
    let holders = if selected.is_empty() {
        Vec::new()
    } else {
        st.db
            .members()
            .holders_of_title(p, &selected)
            .await
            .page(&user)?
            .into_iter()
            .map(|(id, name, unit)| HolderRow {
                link: format!("/dang-vien/{id}/sua"),
                name,
                unit,
            })
            .collect()
    };
    Ok(render(&TitlesPage {
        ctx: Ctx::new(&user, "Chức vụ chưa xác định", "members"),
        titles,
        selected,
        holders,
    }))
}
