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

/// A party unit of the tree with its member count, its party sub-units and, apart, the front and mass
/// organisations, khối vận and tổ dân vận under it (organisations: no members of their own).
pub struct TreeNode {
    pub id: i64,
    pub name: String,
    pub type_label: &'static str,
    pub members: String,
    pub children: Vec<TreeNode>,
    pub organisations: Vec<OrgNode>,
    pub more: i64,
}

/// A front or mass organisation, khối vận or tổ dân vận: shown by name and kind, never as an empty
/// party unit.
pub struct OrgNode {
    pub id: i64,
    pub name: String,
    pub type_label: &'static str,
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
    /// The organisations directly under the root.
    organisations: Vec<OrgNode>,
    /// Per year with sessions: (year, study rate, study attended/expected, cell rate, below target).
    rates: Vec<(i32, String, String, String, bool)>,
    /// The same rates as bars by year (oldest first), with the plan's target line.
    rates_chart: Option<crate::charts::VChart>,
    /// Citizens' feedback waiting for this user's units: (open, overdue), when they answer feedback.
    feedback: Option<(i64, i64)>,
}

fn org(s: &UnitSummary) -> OrgNode {
    OrgNode {
        id: s.unit.id,
        name: s.unit.name.clone(),
        type_label: s.unit.unit_type.label(),
    }
}

/// A party unit with its (already split) party sub-units and organisations.
fn node(s: &UnitSummary, children: Vec<TreeNode>, organisations: Vec<OrgNode>) -> TreeNode {
    TreeNode {
        id: s.unit.id,
        name: s.unit.name.clone(),
        type_label: s.unit.unit_type.label(),
        members: num(s.member_count),
        more: if children.is_empty() && organisations.is_empty() {
            s.child_count
        } else {
            0
        },
        children,
        organisations,
    }
}

/// Splits units into party units (as leaves) and organisations.
fn split(units: &[UnitSummary]) -> (Vec<TreeNode>, Vec<OrgNode>) {
    let mut party = Vec::new();
    let mut orgs = Vec::new();
    for u in units {
        if u.unit.unit_type.is_party() {
            party.push(node(u, Vec::new(), Vec::new()));
        } else {
            orgs.push(org(u));
        }
    }
    (party, orgs)
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
        let mut organisations = Vec::new();
        let children = st.db.units().child_units(p, root.id).await?;
        let expand = children.len() <= 80;
        for child in children {
            if !child.unit.unit_type.is_party() {
                organisations.push(org(&child));
                continue;
            }
            let (grand, orgs) = if expand && child.child_count > 0 && child.child_count <= 80 {
                split(&st.db.units().child_units(p, child.unit.id).await?)
            } else {
                (Vec::new(), Vec::new())
            };
            tree.push(node(&child, grand, orgs));
        }
        let mut rates = Vec::new();
        let mut bars: Vec<(String, Vec<Option<f64>>)> = Vec::new();
        let mut last_target = None;
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
                bars.push((format!("Năm {year}"), vec![study.rate(), cell.rate()]));
                last_target = last_target.or(target);
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
        bars.reverse();
        let rates_chart = (bars.len() > 1).then(|| {
            crate::charts::year_bars(
                &bars,
                &[
                    crate::charts::Series {
                        name: "Học tập chuyên đề",
                        fill: crate::charts::RED,
                    },
                    crate::charts::Series {
                        name: "Sinh hoạt chi bộ",
                        fill: crate::charts::BLUE,
                    },
                ],
                last_target,
            )
        });
        Ok::<_, store::StoreError>((
            root,
            stats,
            tree,
            organisations,
            (rates, rates_chart),
            feedback,
        ))
    }
    .await;
    let (root, stats, tree, organisations, (rates, rates_chart), feedback) = result.page(&user)?;
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
        organisations,
        rates,
        rates_chart,
        feedback,
    }))
}
