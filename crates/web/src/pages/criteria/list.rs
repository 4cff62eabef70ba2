//! The criteria sets: code, title, version, what they apply to, how many criteria, and each one's standing
//! over the caller's unit today.

use super::{applies_label, flash, found, names_unit, require_staff, seg};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{render, PageResult, StoreResultExt};
use crate::view::{num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::policy::Capability;

pub struct SetRow {
    pub code: String,
    pub href: String,
    pub title: String,
    pub version: String,
    pub applies: String,
    pub items: String,
    /// "7/7 đơn vị đạt chuẩn" or "35/35 tiêu chí đạt"; empty when nothing applies in scope.
    pub standing: String,
    pub complete: bool,
}

#[derive(Template)]
#[template(path = "crit_list.html")]
struct ListPage {
    ctx: Ctx,
    unit_name: String,
    today: String,
    rows: Vec<SetRow>,
    can_manage: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    tb: Option<String>,
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    require_staff(&user)?;
    let p = &user.principal;
    let today = st.db.today();
    let own = st.db.units().unit(p, p.unit_id).await.page(&user)?;
    let sets = st.db.criteria().sets(p).await.page(&user)?;
    let mut rows = Vec::with_capacity(sets.len());
    for s in &sets {
        let (standing, complete) = if names_unit(s, own.id) {
            match found(st.db.criteria().status(p, &s.code, &own.code, today).await).page(&user)? {
                Some(x) => (
                    format!("{}/{} tiêu chí đạt", num(x.met), num(x.total)),
                    x.total > 0 && x.met == x.total,
                ),
                None => (String::new(), false),
            }
        } else {
            match found(st.db.criteria().rollup(p, &s.code, &own.code, today).await).page(&user)? {
                Some(r) if r.units > 0 => (
                    format!("{}/{} đơn vị đạt chuẩn", num(r.recognised), num(r.units)),
                    r.recognised == r.units,
                ),
                _ => (String::new(), false),
            }
        };
        rows.push(SetRow {
            code: s.code.clone(),
            href: format!("/tieu-chi/{}", seg(&s.code)),
            title: s.title.clone(),
            version: s.version.clone(),
            applies: applies_label(&s.applies_to),
            items: num(s.items.len() as i64),
            standing,
            complete,
        });
    }
    let page = ListPage {
        ctx: Ctx::new(&user, "Bộ tiêu chí", "criteria").with_flash(flash(q.tb.as_deref())),
        unit_name: own.name.clone(),
        today: crate::view::date(Some(today)),
        rows,
        can_manage: p.has(Capability::ManageCriteria),
    };
    Ok(render(&page))
}
