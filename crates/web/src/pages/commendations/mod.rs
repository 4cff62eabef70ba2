//! Pages of commendations (khen thưởng, biểu dương): the list in scope with the proposals waiting for the
//! reader's decision, recording a decision or proposing one (recipients ticked from a chosen unit, with the
//! models and registrations that earned it), the detail with the decide / decline / delete forms, and the
//! summary of a unit and period. The sections of the member and model pages come from `section`.
//! Every read is filtered by the store (`Principal::can_read_commendation`); members have no such pages.

mod detail;
mod list;
mod new;
mod summary;

use crate::auth::WebUser;
use crate::respond::PageError;
use crate::routes::PageRoutes;
use crate::view::date;
use crate::AppState;
use domain::commendation::CommendationState;
use domain::policy::{Capability, Principal};
use store::{Commendation, StoreError};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/khen-thuong", list::list)
        .get("/khen-thuong/moi", new::new_form)
        .post("/khen-thuong/moi", new::create)
        .get("/khen-thuong/tong-hop", summary::summary)
        .get("/khen-thuong/{id}", detail::show)
        .post("/khen-thuong/{id}/quyet-dinh", detail::decide)
        .post("/khen-thuong/{id}/khong-chap-thuan", detail::decline)
        .post("/khen-thuong/{id}/xoa", detail::delete)
}

/// Messages after a redirect on these pages (`?tb=code`); others come from `view::flash_message`.
fn flash(code: Option<&str>) -> Option<String> {
    let m = match code? {
        "da-ghi-quyet-dinh" => "Đã ghi quyết định khen thưởng.",
        "da-de-nghi" => {
            "Đã gửi đề nghị khen thưởng; văn phòng cấp ban hành sẽ xem và ghi quyết định."
        }
        "da-quyet-dinh" => "Đã ghi quyết định khen thưởng theo đề nghị.",
        "da-khong-chap-thuan" => "Đã ghi nhận đề nghị không được chấp thuận.",
        "da-xoa" => "Đã xóa khen thưởng ghi nhầm.",
        other => return crate::view::flash_message(Some(other)),
    };
    Some(m.to_string())
}

/// The pages answer "not found" to member accounts (they see their own commendations on their page).
fn require_staff(user: &WebUser) -> Result<(), PageError> {
    if user.principal.role != domain::Role::Member && user.principal.has(Capability::ReadUnits) {
        Ok(())
    } else {
        Err(PageError::not_found(user))
    }
}

/// The unit named by an id or a code in the reader's scope; the reader's own unit when empty.
async fn resolve_unit(st: &AppState, p: &Principal, key: &str) -> Result<domain::Unit, StoreError> {
    let key = key.trim();
    if key.is_empty() {
        return st.db.units().unit(p, p.unit_id).await;
    }
    match key.parse::<i64>() {
        Ok(id) => st.db.units().unit(p, id).await,
        Err(_) => st.db.units().unit_by_code(p, key).await,
    }
}

/// Store refusals whose field no input on the form carries, for the message at the top.
fn other_errors(errors: &crate::respond::FormErrors, fields: &[&str]) -> Vec<String> {
    errors
        .0
        .iter()
        .filter(|e| !fields.contains(&e.field.as_str()))
        .map(|e| e.message.clone())
        .collect()
}

fn option_label(u: &domain::Unit) -> String {
    format!("{} ({})", u.name, u.code)
}

/// The badge colour of a commendation's state.
fn state_badge(s: CommendationState) -> &'static str {
    match s {
        CommendationState::Proposed => "gold",
        CommendationState::Decided => "green",
        CommendationState::Declined => "red",
    }
}

/// The issuing body as a list shows it: the body named on the decision, else the issuing unit.
fn issuer_label(c: &Commendation) -> String {
    if c.issuer_name.trim().is_empty() {
        c.issuer.name.clone()
    } else {
        c.issuer_name.clone()
    }
}

/// "Quyết định số 125-QĐ/TU ngày 19/05/2019", "Đề nghị ngày 02/11/2026 — chưa quyết định", or the
/// declined proposal.
fn decision_label(c: &Commendation) -> String {
    match c.state {
        CommendationState::Decided => {
            let mut s = String::from("Quyết định");
            if !c.decision_number.trim().is_empty() {
                s.push_str(&format!(" số {}", c.decision_number.trim()));
            }
            if c.decided_on.is_some() {
                s.push_str(&format!(" ngày {}", date(c.decided_on)));
            }
            s
        }
        CommendationState::Proposed => {
            if c.proposed_on.is_some() {
                format!("Đề nghị ngày {} — chưa quyết định", date(c.proposed_on))
            } else {
                "Đề nghị — chưa quyết định".to_string()
            }
        }
        CommendationState::Declined => {
            if c.proposed_on.is_some() {
                format!(
                    "Đề nghị ngày {} — không được chấp thuận",
                    date(c.proposed_on)
                )
            } else {
                "Đề nghị không được chấp thuận".to_string()
            }
        }
    }
}

/// The recipients in one line: the first few names, then "và N người khác" / "tập thể khác".
fn recipients_label(c: &Commendation, first: usize) -> String {
    let mut names: Vec<String> = c.members.iter().map(|m| m.full_name.clone()).collect();
    names.extend(c.units.iter().map(|u| u.name.clone()));
    let total = names.len();
    if total <= first {
        return names.join(", ");
    }
    let rest = total - first;
    let member_rest = c.members.len().saturating_sub(first);
    let what = if member_rest == rest {
        "người khác"
    } else if member_rest == 0 {
        "tập thể khác"
    } else {
        "người, tập thể khác"
    };
    format!(
        "{} và {} {what}",
        names[..first].join(", "),
        crate::view::num(rest as i64)
    )
}

/// A commendation as a row of a list or of a page section.
pub struct CommendationRow {
    pub id: i64,
    pub heading: String,
    pub level: &'static str,
    pub issuer: String,
    pub decision: String,
    pub state: &'static str,
    pub badge: &'static str,
    pub decided: bool,
    pub recipients: String,
    pub reason: String,
}

fn row(c: &Commendation) -> CommendationRow {
    CommendationRow {
        id: c.id,
        heading: c.heading.clone(),
        level: c.level.label(),
        issuer: issuer_label(c),
        decision: decision_label(c),
        state: c.state.label(),
        badge: state_badge(c.state),
        decided: c.state == CommendationState::Decided,
        recipients: recipients_label(c, 3),
        reason: c.reason.clone(),
    }
}

/// The "Khen thưởng" section of the member and model pages: the rows, and the link to record or propose
/// one more (empty when the reader may do neither).
pub struct Section {
    pub rows: Vec<CommendationRow>,
    pub link: String,
    pub link_label: &'static str,
}

impl Section {
    fn of(list: &[Commendation], p: &Principal, path: &str, query: String) -> Section {
        let (link, link_label) = if p.has(Capability::DecideCommendations) && p.covers(path) {
            (
                format!("/khen-thuong/moi?{query}"),
                "Ghi quyết định khen thưởng",
            )
        } else if p.can_propose_commendation(path) {
            (format!("/khen-thuong/moi?{query}"), "Đề nghị khen thưởng")
        } else {
            (String::new(), "")
        };
        Section {
            rows: list.iter().map(row).collect(),
            link,
            link_label,
        }
    }
}

/// The section of a member's page (`unit_path`: the member's unit).
pub(crate) async fn member_section(
    st: &AppState,
    p: &Principal,
    member_id: i64,
    unit_path: &str,
) -> Result<Section, StoreError> {
    let list = st.db.commendations().of_member(p, member_id).await?;
    Ok(Section::of(
        &list,
        p,
        unit_path,
        format!("dang_vien={member_id}"),
    ))
}

/// The section of a model's page, and the decisions that make it "được biểu dương" ("Quyết định số … ngày
/// … của …", newest first).
pub(crate) async fn model_section(
    st: &AppState,
    p: &Principal,
    model_id: i64,
    owner_path: &str,
) -> Result<(Section, Vec<(i64, String)>), StoreError> {
    let list = st.db.commendations().of_model(p, model_id).await?;
    let because = list
        .iter()
        .filter(|c| c.state == CommendationState::Decided)
        .map(|c| {
            (
                c.id,
                format!(
                    "{} — {} của {}",
                    c.heading,
                    decision_label(c),
                    issuer_label(c)
                ),
            )
        })
        .collect();
    Ok((
        Section::of(&list, p, owner_path, format!("mo_hinh={model_id}")),
        because,
    ))
}
