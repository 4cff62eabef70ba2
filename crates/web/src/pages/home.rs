//! The dashboard: the user's part of the unit tree and headline counts.

use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{render, PageResult, StoreResultExt};
use crate::view::{num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::Role;
use serde::Deserialize;
use store::UnitSummary;

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    pub tb: Option<String>,
}

pub struct TreeNode {
    pub id: i64,
    pub name: String,
    pub type_label: &'static str,
    pub members: String,
    pub children: Vec<TreeNode>,
    pub more: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    root_name: String,
    root_id: i64,
    members_total: String,
    units_total: String,
    key_cadres: String,
    probationary: String,
    tree: Vec<TreeNode>,
    /// Per year with sessions: (year, study rate, study attended/expected, cell rate, below target).
    rates: Vec<(i32, String, String, String, bool)>,
    /// Citizens' feedback waiting for this user's units: (open, overdue), when they answer feedback.
    feedback: Option<(i64, i64)>,
}

fn node(s: &UnitSummary, children: Vec<TreeNode>) -> TreeNode {
    TreeNode {
        id: s.unit.id,
        name: s.unit.name.clone(),
        type_label: s.unit.unit_type.label(),
        members: num(s.member_count),
        more: if children.is_empty() {
            s.child_count
        } else {
            0
        },
        children,
    }
}

pub async fn dashboard(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    let p = &user.principal;
    if p.role == Role::Member {
        if let Some(mid) = p.member_id {
            return Ok(Redirect::to(&format!("/dang-vien/{mid}")).into_response());
        }
    }
    let result = async {
        let root = st.db.units().unit(p, p.unit_id).await?;
        let stats = st.db.units().scope_stats(p, &root.path).await?;
        let mut tree = Vec::new();
        let children = st.db.units().child_units(p, root.id).await?;
        let expand = children.len() <= 80;
        for child in children {
            let grand = if expand && child.child_count > 0 && child.child_count <= 80 {
                st.db
                    .units()
                    .child_units(p, child.unit.id)
                    .await?
                    .iter()
                    .map(|g| node(g, Vec::new()))
                    .collect()
            } else {
                Vec::new()
            };
            tree.push(node(&child, grand));
        }
        let mut rates = Vec::new();
        if p.can_read_rates(&root.path) {
            use chrono::Datelike;
            use domain::attendance::MeetingKind;
            let this_year = st.db.today().year();
            for year in (2016..=this_year).rev() {
                let (Some(from), Some(to)) = (
                    chrono::NaiveDate::from_ymd_opt(year, 1, 1),
                    chrono::NaiveDate::from_ymd_opt(year, 12, 31),
                ) else {
                    continue;
                };
                let study = st
                    .db
                    .attendance()
                    .summary_unscoped(&root.path, MeetingKind::Study, from, to)
                    .await?;
                let cell = st
                    .db
                    .attendance()
                    .summary_unscoped(&root.path, MeetingKind::Cell, from, to)
                    .await?;
                if study.expected == 0 && cell.expected == 0 {
                    continue;
                }
                let target = st
                    .db
                    .campaign()
                    .plan_for(&root.path, to)
                    .await?
                    .map(|pl| pl.target_attendance);
                let pct = |t: &domain::attendance::Tally| {
                    t.rate()
                        .map(domain::text::format_percent)
                        .unwrap_or_else(|| "—".into())
                };
                rates.push((
                    year,
                    pct(&study),
                    format!("{}/{}", num(study.attended()), num(study.expected)),
                    pct(&cell),
                    target.is_some_and(|t| study.below_target(t)),
                ));
            }
        }
        let feedback = if p.has(domain::policy::Capability::AnswerFeedback) {
            let c = st.db.feedback().feedback_counts_of(p).await?;
            Some((c.open, c.overdue))
        } else {
            None
        };
        Ok::<_, store::StoreError>((root, stats, tree, rates, feedback))
    }
    .await;
    let (root, stats, tree, rates, feedback) = result.page(&user)?;
    let ctx = Ctx::new(&user, "Tổng quan", "home")
        .with_flash(crate::view::flash_message(q.tb.as_deref()));
    Ok(render(&HomePage {
        ctx,
        root_name: root.name,
        root_id: root.id,
        members_total: num(stats.members),
        units_total: num(stats.units),
        key_cadres: num(stats.key_cadres),
        probationary: num(stats.probationary),
        tree,
        rates,
        feedback,
    }))
}
