//! One criteria set: its criteria by group, and the units of the chosen subtree it applies to on a day —
//! each one's met/total as a bar, recognised or not (decision number and date) — under the headline
//! "Đạt chuẩn: 7/7 đơn vị (100%)".

use super::chart::{hbars, HChart};
use super::{applies_label, flash, load_set, percent, query_day, seg};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, PageResult, StoreResultExt};
use crate::view::{date, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

pub struct Group {
    pub name: String,
    pub items: Vec<store::Criterion>,
}

pub struct LineRow {
    pub name: String,
    pub href: String,
    pub met: String,
    pub recognised: bool,
    /// "123/QĐ-UBND · 20/12/2019" of the decision in force on the day.
    pub decision: String,
}

#[derive(Template)]
#[template(path = "crit_set.html")]
struct SetPage {
    ctx: Ctx,
    code: String,
    code_seg: String,
    title: String,
    version: String,
    description: String,
    applies: String,
    count: String,
    groups: Vec<Group>,
    unit_code: String,
    unit_name: String,
    day: String,
    day_error: String,
    headline: String,
    all_met: String,
    /// "35/35 tiêu chí đạt" when the set applies to the one unit shown.
    single: String,
    lines: Vec<LineRow>,
    chart: HChart,
    can_edit: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct SetQuery {
    #[serde(default, alias = "don-vi")]
    don_vi: String,
    #[serde(default)]
    ngay: String,
    #[serde(default)]
    tb: Option<String>,
}

/// Most units whose decision is looked up one by one for the table.
const DECISION_LOOKUPS: usize = 300;

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(code): PagePath<String>,
    PageQuery(q): PageQuery<SetQuery>,
) -> PageResult {
    let set = load_set(&st, &user, &code).await?;
    let p = &user.principal;
    let unit = if q.don_vi.trim().is_empty() {
        st.db.units().unit(p, p.unit_id).await.page(&user)?
    } else {
        st.db
            .units()
            .unit_by_code(p, q.don_vi.trim())
            .await
            .page(&user)?
    };
    let (day, day_error) = match query_day(&st, &q.ngay) {
        Some(d) => (d, String::new()),
        None => (
            st.db.today(),
            format!(
                "Ngày không hợp lệ: “{}” (dd/mm/yyyy); đang xem ngày hôm nay",
                q.ngay.trim()
            ),
        ),
    };
    let rollup = st
        .db
        .criteria()
        .rollup(p, &set.code, &unit.code, day)
        .await
        .page(&user)?;
    let mut groups: Vec<Group> = Vec::new();
    for c in &set.items {
        match groups.last_mut() {
            Some(g) if g.name == c.group => g.items.push(c.clone()),
            _ => groups.push(Group {
                name: c.group.clone(),
                items: vec![c.clone()],
            }),
        }
    }
    let mut lines = Vec::with_capacity(rollup.lines.len());
    for (i, l) in rollup.lines.iter().enumerate() {
        let mut decision = String::new();
        if l.recognised && i < DECISION_LOOKUPS {
            let recs = st
                .db
                .criteria()
                .recognitions(p, Some(&set.code), &l.unit.code)
                .await
                .page(&user)?;
            let in_force = recs.iter().find(|r| {
                domain::criteria::Recognition {
                    decided_on: r.decided_on,
                    withdrawn_on: r.withdrawn_on,
                }
                .in_force_on(day)
            });
            if let Some(r) = in_force {
                decision = format!("{} · {}", r.decision_number, date(Some(r.decided_on)));
            }
        } else if let Some(d) = l.recognised_on {
            decision = date(Some(d));
        }
        lines.push(LineRow {
            name: l.unit.name.clone(),
            href: format!(
                "/tieu-chi/{}/don-vi/{}?ngay={}",
                seg(&set.code),
                seg(&l.unit.code),
                date(Some(day))
            ),
            met: format!("{}/{}", num(l.met), num(l.total)),
            recognised: l.recognised,
            decision,
        });
    }
    let chart = hbars(
        &rollup
            .lines
            .iter()
            .map(|l| (l.unit.name.clone(), l.met, l.total, l.recognised))
            .collect::<Vec<_>>(),
    );
    let single = match rollup.lines.as_slice() {
        [only] if only.unit.id == unit.id => {
            format!("{}/{} tiêu chí đạt", num(only.met), num(only.total))
        }
        _ => String::new(),
    };
    let page = SetPage {
        ctx: Ctx::new(&user, set.title.clone(), "criteria").with_flash(flash(q.tb.as_deref())),
        code_seg: seg(&set.code),
        code: set.code.clone(),
        title: set.title.clone(),
        version: set.version.clone(),
        description: set.description.clone(),
        applies: applies_label(&set.applies_to),
        count: num(set.items.len() as i64),
        groups,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        day: date(Some(day)),
        headline: format!(
            "Đạt chuẩn: {}/{} đơn vị ({})",
            num(rollup.recognised),
            num(rollup.units),
            percent(rollup.recognised, rollup.units)
        ),
        all_met: format!(
            "Đạt đủ tiêu chí: {}/{} đơn vị",
            num(rollup.all_met),
            num(rollup.units)
        ),
        single,
        lines,
        chart,
        can_edit: p.can_manage_criteria(&set.owner_path),
        day_error,
    };
    let status = if page.day_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, render(&page)).into_response())
}
