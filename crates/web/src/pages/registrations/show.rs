//! A registration's page: its items with flags and return comments, the workflow actions the user may
//! take, the self-review and assessment forms of the open stage, the annual rating, and the history.

use super::cards::{flag_views, FlagView};
use super::{status_class, FlashQuery};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, PageResult, StoreResultExt};
use crate::view::{date, flash_message, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::registration::{self as reg, Action, Outcome, Rating, Stage};
use store::ItemKind;

pub struct ItemView {
    pub position: i64,
    pub exemplary: bool,
    pub content: String,
    pub duty: String,
    pub target: String,
    pub deadline: String,
    pub evidence: String,
    pub flags: Vec<FlagView>,
    pub return_comment: String,
    pub midyear: String,
    pub midyear_value: String,
    pub midyear_note: String,
    pub yearend: String,
    pub yearend_value: String,
    pub yearend_note: String,
    pub yearend_evidence: String,
    pub assessed: String,
    pub assessed_value: String,
    pub assessed_note: String,
}

pub struct EventView {
    pub at: String,
    pub by: String,
    pub label: String,
    pub comment: String,
}

pub struct VersionView {
    pub href: String,
    pub version: i64,
    pub status_label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "registration.html")]
struct ShowPage {
    ctx: Ctx,
    csrf: String,
    id: i64,
    member_id: i64,
    member_name: String,
    unit_name: String,
    year: i32,
    version: i64,
    status_label: &'static str,
    status_class: &'static str,
    superseded: bool,
    head: bool,
    disclosed: bool,
    return_comment: String,
    first_submitted: String,
    on_time: bool,
    /// The registration deadline of the holder unit's calendar (dd/mm/yyyy).
    deadline: String,
    approved: String,
    /// Who approves ("Ban Thường vụ Thành ủy Bến Tre", "Chi bộ Khu phố 1"), by the member's party posts.
    approver: String,
    published: String,
    items: Vec<ItemView>,
    flagged: usize,
    can_edit: bool,
    can_submit: bool,
    can_decide: bool,
    can_publish: bool,
    can_revise: bool,
    review_stage: Option<(&'static str, &'static str)>,
    review_closed: String,
    on_behalf: bool,
    can_assess: bool,
    can_rate: bool,
    /// "propose" (the cell) or "decide" (the grassroots committee).
    rate_step: &'static str,
    proposal: String,
    /// The proposed level's label (preselected in the decision form).
    proposal_value: &'static str,
    decider_name: String,
    result: String,
    suggested: String,
    rating: String,
    ratings: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    versions: Vec<VersionView>,
    events: Vec<EventView>,
    pledges: Vec<(String, String)>,
    /// The day the pledge was added (dd/mm/yyyy) when later than the registration; empty otherwise.
    pledged: String,
}

/// "Nguyễn Văn An (bithu.p7)": the person behind an account named in the history, with the account so that
/// two people of the same name stay apart; the account alone when no person is known.
fn person(events: &[store::RegistrationEvent], username: &str) -> String {
    match events.iter().find(|e| e.by == username) {
        Some(e) if e.by_name != e.by => format!("{} ({})", e.by_name, e.by),
        _ => username.to_string(),
    }
}

fn outcome_label(o: Option<Outcome>) -> String {
    o.map(|o| o.label().to_string()).unwrap_or_default()
}

fn event_label(action: &str) -> &'static str {
    match action {
        "create" => "Tạo bản đăng ký",
        "submit" => "Nộp",
        "return" => "Trả lại để sửa",
        "approve" => "Duyệt",
        "publish" => "Công khai",
        "revise" => "Lập phiên bản mới",
        _ => "Cập nhật",
    }
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    let p = &user.principal;
    let r = st
        .db
        .registrations()
        .registration(p, id)
        .await
        .page(&user)?;
    let (versions, events) = st
        .db
        .registrations()
        .registration_history(p, id)
        .await
        .page(&user)?;
    let owner = r.owner();
    let today = st.db.today();
    let live = !r.superseded;
    let allowed =
        |a: Action| live && reg::transition(r.status, a).is_ok() && reg::may(p, a, &owner).is_ok();
    // The latest review stage open today, if the user may write it.
    let mut review_stage = None;
    let mut review_closed = String::new();
    if live {
        for stage in [Stage::Yearend, Stage::Midyear] {
            match reg::may_review(p, &owner, r.status, stage, &r.calendar, today) {
                Ok(()) => {
                    review_stage = Some((stage.as_str(), stage.label()));
                    break;
                }
                Err(reg::ReviewError::TooEarly(Stage::Midyear, d)) => {
                    review_closed = format!("Tự đánh giá giữa năm mở từ ngày {d}.");
                }
                Err(_) => {}
            }
        }
    }
    let can_assess = live && reg::may_assess(p, &owner, r.status, &r.calendar, today).is_ok();
    let outcomes = r.outcomes();
    // The two steps of the rating (docs/DOMAIN.md § Rating): the cell proposes, the grassroots committee
    // decides; which one this user takes, if any.
    let rating_state = if live && p.can_write_member(&r.unit_path) {
        Some(
            st.db
                .registrations()
                .rating_state(p, r.member_id, r.year)
                .await
                .page(&user)?,
        )
    } else {
        None
    };
    let rate_step = match &rating_state {
        Some(s) if s.can_decide => "decide",
        Some(s) if s.can_propose => "propose",
        _ => "",
    };
    let can_rate = !rate_step.is_empty()
        && matches!(r.status, reg::Status::Approved | reg::Status::Published)
        && outcomes.iter().any(Option::is_some);
    let proposal = rating_state
        .as_ref()
        .and_then(|s| s.proposal.as_ref())
        .map(|x| {
            if x.reason.is_empty() {
                x.rating.label().to_string()
            } else {
                format!("{} (lý do: {})", x.rating.label(), x.reason)
            }
        })
        .unwrap_or_default();
    let proposal_value = rating_state
        .as_ref()
        .and_then(|s| s.proposal.as_ref())
        .map(|x| x.rating.label())
        .unwrap_or_default();
    let decider_name = rating_state
        .as_ref()
        .map(|s| s.decider_name.clone())
        .unwrap_or_default();
    let items: Vec<ItemView> = r
        .items
        .iter()
        .map(|i| ItemView {
            position: i.position,
            exemplary: i.kind == ItemKind::Exemplary,
            content: i.content.clone(),
            duty: i.duty.clone(),
            target: i.target.clone(),
            deadline: date(i.deadline),
            evidence: i.evidence.clone(),
            flags: flag_views(&i.flags),
            return_comment: i.return_comment.clone(),
            midyear: outcome_label(i.midyear_outcome),
            midyear_value: i.midyear_outcome.map(|o| o.as_str()).unwrap_or("").into(),
            midyear_note: i.midyear_note.clone(),
            yearend: outcome_label(i.yearend_outcome),
            yearend_value: i.yearend_outcome.map(|o| o.as_str()).unwrap_or("").into(),
            yearend_note: i.yearend_note.clone(),
            yearend_evidence: i.yearend_evidence.clone(),
            assessed: outcome_label(i.assessed_outcome),
            assessed_value: i.assessed_outcome.map(|o| o.as_str()).unwrap_or("").into(),
            assessed_note: i.assessed_note.clone(),
        })
        .collect();
    let rating = st
        .db
        .registrations()
        .member_rating(p, r.member_id, r.year)
        .await
        .page(&user)?;
    let pledges: Vec<(String, String)> = st
        .db
        .registrations()
        .manifestations()
        .await
        .page(&user)?
        .into_iter()
        .filter(|m| r.pledges.contains(&m.code))
        .map(|m| (m.code, m.title))
        .collect();
    let first = r
        .first_submitted_at
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| reg::vn_date(t.with_timezone(&chrono::Utc)));
    let page = ShowPage {
        ctx: Ctx::new(
            &user,
            format!("Bản đăng ký năm {} — {}", r.year, r.member_name),
            "registrations",
        )
        .with_flash(flash_message(q.tb.as_deref())),
        csrf: user.csrf.clone(),
        id: r.id,
        member_id: r.member_id,
        member_name: r.member_name.clone(),
        unit_name: r.unit_name.clone(),
        year: r.year,
        version: r.version,
        status_label: r.status.label(),
        status_class: status_class(r.status),
        superseded: r.superseded,
        head: r.head,
        disclosed: r.disclosed,
        return_comment: r.return_comment.clone(),
        first_submitted: r
            .first_submitted_at
            .as_deref()
            .map(timestamp)
            .unwrap_or_default(),
        on_time: reg::on_time(&r.calendar, first),
        deadline: date(Some(r.calendar.registration_deadline)),
        approved: match (&r.approved_at, &r.approved_by) {
            (Some(at), Some(by)) => format!("{} — {}", timestamp(at), person(&events, by)),
            (Some(at), None) => timestamp(at),
            _ => String::new(),
        },
        approver: r.approver_label.clone(),
        published: r.published_at.as_deref().map(timestamp).unwrap_or_default(),
        flagged: r.items.iter().filter(|i| !i.flags.is_empty()).count(),
        items,
        can_edit: live && r.status.editable() && reg::may(p, Action::Edit, &owner).is_ok(),
        can_submit: allowed(Action::Submit),
        can_decide: allowed(Action::Approve),
        can_publish: allowed(Action::Publish),
        can_revise: allowed(Action::Revise),
        review_stage,
        review_closed,
        on_behalf: p.member_id != Some(r.member_id),
        can_assess,
        can_rate,
        rate_step,
        proposal,
        proposal_value,
        decider_name,
        result: reg::result(&outcomes)
            .map(domain::text::format_percent)
            .unwrap_or_default(),
        suggested: reg::suggested_rating(&outcomes)
            .map(|x| x.label().to_string())
            .unwrap_or_default(),
        rating: rating
            .map(|(x, reason)| {
                if reason.is_empty() {
                    x.label().to_string()
                } else {
                    format!("{} (lý do: {reason})", x.label())
                }
            })
            .unwrap_or_default(),
        ratings: [
            Rating::Excellent,
            Rating::Good,
            Rating::Completed,
            Rating::NotCompleted,
        ]
        .iter()
        .map(|x| (x.as_str(), x.label()))
        .collect(),
        outcomes: [Outcome::Done, Outcome::Partly, Outcome::NotDone]
            .iter()
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        versions: versions
            .iter()
            .map(|v| VersionView {
                href: format!("/dang-ky/{}", v.id),
                version: v.version,
                status_label: v.status.label(),
                current: v.id == r.id,
            })
            .collect(),
        events: events
            .iter()
            .map(|e| EventView {
                at: timestamp(&e.at),
                by: person(&events, &e.by),
                label: event_label(&e.action).to_string(),
                comment: e.comment.clone(),
            })
            .collect(),
        pledges,
        pledged: date(r.pledged_at.map(reg::vn_date)),
    };
    Ok(render(&page))
}
