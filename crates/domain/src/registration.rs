//! Registrations ("bản đăng ký học tập và làm theo", docs/DOMAIN.md § Registrations): the workflow, who may
//! act, the year-end result and the suggested annual rating, and the "trên trước, dưới sau" rule. The
//! per-item quality checks are in `quality`, copy detection in `similarity`.
//!
//! **Workflow.** `draft → submitted → (returned → submitted)* → approved → published`. A returned
//! registration carries comments per item and can be edited and resubmitted. Approved content is locked: a
//! change after approval starts a new version (a draft), and the approved version is kept as it was.
//! Publishing is for registrations that are disclosed (heads and key cadres).
//!
//! **Who approves** (`approver`, docs/DOMAIN.md § Who approves). By the party posts the member holds on the
//! day: an ordinary member's cell; a cell secretary's grassroots organisation; a leader's level above.
//! Nobody approves their own registration (`policy::not_about_self`).
//!
//! **Result and rating.** Each item's year-end result counts done = 1, partly = ½, not done = 0; the
//! registration's result is the mean. The suggested rating: *hoàn thành xuất sắc* when the result is at least
//! 95 %, nothing is "not done" and there are at least three items; *hoàn thành tốt* from 80 %; *hoàn thành*
//! from 50 %; below that *không hoàn thành*. The secretary confirms or overrides it with a reason. In a
//! grassroots unit the number rated *xuất sắc* should not exceed 20 % of those rated *tốt*.

use crate::calendar::Calendar;
use crate::model::UnitType;
use crate::org::{self, UnitRef};
use crate::policy::{not_about_self, Principal};
use crate::position::{PartyPost, Post};
use crate::quality::Flag;
use crate::Role;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Approved,
    Published,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Approved,
        Status::Published,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Approved => "approved",
            Status::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Đang soạn",
            Status::Submitted => "Chờ duyệt",
            Status::Returned => "Trả lại để sửa",
            Status::Approved => "Đã duyệt",
            Status::Published => "Đã công khai",
        }
    }
    /// Content may be changed in place.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
}

/// Something a user does to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Edit,
    Submit,
    Return,
    Approve,
    Publish,
    /// Start a new version from an approved or published one.
    Revise,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Edit,
        Action::Submit,
        Action::Return,
        Action::Approve,
        Action::Publish,
        Action::Revise,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Action::Edit => "sửa",
            Action::Submit => "nộp",
            Action::Return => "trả lại",
            Action::Approve => "duyệt",
            Action::Publish => "công khai",
            Action::Revise => "lập phiên bản mới",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("Bản đăng ký đang ở trạng thái \"{}\" nên không thể {}", .0.label(), .1.label())]
    Illegal(Status, Action),
    #[error("Bạn không có quyền {} bản đăng ký này", .0.label())]
    NotAllowed(Action),
    #[error("Không được tự duyệt hoặc trả lại bản đăng ký của chính mình")]
    OwnRegistration,
    #[error("Bản đăng ký này không thuộc diện công khai")]
    NotDisclosed,
    #[error("Phải ghi ý kiến khi trả lại bản đăng ký")]
    CommentRequired,
    #[error("Bản đăng ký chưa có nội dung nào")]
    NoItems,
}

/// The state a registration moves to, or why it cannot.
pub fn transition(from: Status, action: Action) -> Result<Status, WorkflowError> {
    use Action as A;
    use Status as S;
    let to = match (from, action) {
        (S::Draft, A::Edit) => S::Draft,
        (S::Returned, A::Edit) => S::Returned,
        (S::Draft | S::Returned, A::Submit) => S::Submitted,
        (S::Submitted, A::Return) => S::Returned,
        (S::Submitted, A::Approve) => S::Approved,
        (S::Approved, A::Publish) => S::Published,
        // The approved version stays as it is; the new version starts as a draft.
        (S::Approved | S::Published, A::Revise) => S::Draft,
        _ => return Err(WorkflowError::Illegal(from, action)),
    };
    Ok(to)
}

/// What the workflow needs to know about the registration's owner.
#[derive(Debug, Clone)]
pub struct Owner<'a> {
    pub member_id: i64,
    /// Path of the unit holding the registration (for the current year, the member's cell).
    pub unit_path: &'a str,
    /// Path of the unit whose secretary or office approves: [`approver`]'s unit.
    pub approver_path: &'a str,
    /// Heads and key cadres: their registrations are published.
    pub disclosed: bool,
}

/// Why a unit approves a member's registration (docs/DOMAIN.md § Who approves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalBasis {
    /// No party post that moves the decision up: the unit holding the registration (the member's cell).
    Member,
    /// Bí thư of a chi bộ: the grassroots organisation of that cell (through an đảng bộ bộ phận).
    CellSecretary,
    /// Bí thư of an đảng bộ bộ phận: the grassroots committee above it.
    PartialSecretary,
    /// Bí thư, Phó Bí thư or Ủy viên Ban Thường vụ of a grassroots organisation or of a committee above:
    /// the party level above that unit.
    Leader,
    /// The same posts at the top of the tree: the unit itself (its other leaders, never the member).
    Top,
}

/// Who approves a registration: the unit whose secretary or office decides, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approver {
    pub unit: UnitRef,
    pub basis: ApprovalBasis,
    /// The party post that decided it (none for an ordinary member).
    pub post: Option<PartyPost>,
}

impl Approver {
    /// Who approves, in words, from the approving unit's name: "Ban Thường vụ Thành ủy Bến Tre" for a
    /// leader approved by a committee above the grassroots level, "Đảng ủy Phường 7" for a committee (its
    /// executive, not the whole đảng bộ), else the unit's name ("Chi bộ Khu phố 1").
    pub fn label(&self, unit_name: &str) -> String {
        let committee = matches!(
            self.unit.unit_type,
            UnitType::PartyCommittee | UnitType::GrassrootsCommittee | UnitType::PartialCommittee
        );
        let name = match unit_name.strip_prefix("Đảng bộ ") {
            Some(rest) if committee => format!("Đảng ủy {rest}"),
            _ => unit_name.to_string(),
        };
        let standing = self.unit.unit_type == UnitType::PartyCommittee
            && matches!(self.basis, ApprovalBasis::Leader | ApprovalBasis::Top);
        if standing {
            format!("Ban Thường vụ {name}")
        } else {
            name
        }
    }
}

/// The units of `units` on the way from the root to `path` (inclusive), root first: those whose path is a
/// prefix of `path`.
fn chain_to(units: &[UnitRef], path: &str) -> Vec<UnitRef> {
    let mut chain: Vec<UnitRef> = units
        .iter()
        .filter(|u| path.starts_with(u.path.as_str()))
        .cloned()
        .collect();
    chain.sort_by_key(|u| u.path.len());
    chain.dedup_by(|a, b| a.path == b.path);
    chain
}

/// The approver one party post asks for, `None` when the post does not move the decision.
fn approver_for_post(units: &[UnitRef], post: &PartyPost) -> Option<(UnitRef, ApprovalBasis)> {
    use ApprovalBasis as B;
    let chain = chain_to(units, &post.unit_path);
    let at = chain.last().filter(|u| u.path == post.unit_path)?;
    let above = || org::level_above(&chain).cloned();
    match (post.post, at.unit_type) {
        (Post::Secretary, UnitType::Cell) => org::grassroots_org(&chain)
            .cloned()
            .or_else(above)
            .map(|u| (u, B::CellSecretary)),
        (Post::Secretary, UnitType::PartialCommittee) => org::grassroots_org(&chain)
            .cloned()
            .or_else(above)
            .map(|u| (u, B::PartialSecretary)),
        (
            Post::Secretary | Post::DeputySecretary | Post::StandingMember,
            UnitType::GrassrootsCommittee | UnitType::GrassrootsCell | UnitType::PartyCommittee,
        ) => Some(match above() {
            Some(u) => (u, B::Leader),
            None => (at.clone(), B::Top),
        }),
        _ => None,
    }
}

/// Who approves the registration held by the unit with `unit_path` of a member holding `posts`, on the day
/// `on` (docs/DOMAIN.md § Who approves):
/// - an ordinary member: the unit holding the registration (their cell);
/// - the bí thư of a chi bộ: the grassroots organisation of the cell (`org::grassroots_org`, through an
///   đảng bộ bộ phận);
/// - the bí thư of an đảng bộ bộ phận: the grassroots committee above it;
/// - the bí thư, phó bí thư and ủy viên ban thường vụ of a grassroots organisation or of a committee above
///   it: the party level above that unit (`org::level_above`); at the top of the tree, the unit itself;
/// - several posts: the highest approver wins (the one nearest the root; on a tie, the higher post).
///
/// Only posts held on `on` count. `units` must hold the units from the root to `unit_path` and to each
/// post's unit (any order; more is fine). `None` when `unit_path` is not among them.
pub fn approver(
    units: &[UnitRef],
    unit_path: &str,
    posts: &[PartyPost],
    on: NaiveDate,
) -> Option<Approver> {
    let holder = chain_to(units, unit_path)
        .pop()
        .filter(|u| u.path == unit_path)?;
    let depth = |u: &UnitRef| u.path.matches('/').count();
    let mut best = Approver {
        unit: holder,
        basis: ApprovalBasis::Member,
        post: None,
    };
    for p in posts.iter().filter(|p| p.held_on(on)) {
        let Some((unit, basis)) = approver_for_post(units, p) else {
            continue;
        };
        let higher = match depth(&unit).cmp(&depth(&best.unit)) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Equal => best.post.as_ref().is_none_or(|b| p.post < b.post),
            std::cmp::Ordering::Greater => false,
        };
        if higher {
            best = Approver {
                unit,
                basis,
                post: Some(p.clone()),
            };
        }
    }
    Some(best)
}

/// May `p` take `action` on `owner`'s registration (status checks are `transition`'s job)? Deciding
/// (return, approve, publish) is never about oneself (`policy::not_about_self`).
pub fn may(p: &Principal, action: Action, owner: &Owner<'_>) -> Result<(), WorkflowError> {
    let own = p.member_id == Some(owner.member_id);
    let manages =
        matches!(p.role, Role::Admin | Role::Office | Role::Secretary) && p.covers(owner.unit_path);
    match action {
        // The member writes their own; a secretary or the office may enter one for a member on paper.
        Action::Edit | Action::Submit | Action::Revise => {
            if own || manages {
                Ok(())
            } else {
                Err(WorkflowError::NotAllowed(action))
            }
        }
        Action::Return | Action::Approve => {
            not_about_self(p, owner.member_id).map_err(|_| WorkflowError::OwnRegistration)?;
            if matches!(p.role, Role::Secretary | Role::Office | Role::Admin)
                && p.unit_path == owner.approver_path
            {
                Ok(())
            } else {
                Err(WorkflowError::NotAllowed(action))
            }
        }
        Action::Publish => {
            if !owner.disclosed {
                Err(WorkflowError::NotDisclosed)
            } else if manages && not_about_self(p, owner.member_id).is_ok() {
                Ok(())
            } else {
                Err(WorkflowError::NotAllowed(action))
            }
        }
    }
}

/// Self-review or cell assessment of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    Partly,
    NotDone,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Partly => "partly",
            Outcome::NotDone => "not_done",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "done" => Some(Outcome::Done),
            "partly" => Some(Outcome::Partly),
            "not_done" => Some(Outcome::NotDone),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Done => "Đã hoàn thành",
            Outcome::Partly => "Hoàn thành một phần",
            Outcome::NotDone => "Chưa hoàn thành",
        }
    }
    /// Weight in the registration's result.
    pub fn score(self) -> f64 {
        match self {
            Outcome::Done => 1.0,
            Outcome::Partly => 0.5,
            Outcome::NotDone => 0.0,
        }
    }
}

/// Annual quality rating of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Excellent,
    Good,
    Completed,
    NotCompleted,
}

impl Rating {
    pub const ALL: [Rating; 4] = [
        Rating::Excellent,
        Rating::Good,
        Rating::Completed,
        Rating::NotCompleted,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Excellent => "excellent",
            Rating::Good => "good",
            Rating::Completed => "completed",
            Rating::NotCompleted => "not_completed",
        }
    }
    pub fn parse(s: &str) -> Option<Rating> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Rating::Excellent => "Hoàn thành xuất sắc nhiệm vụ",
            Rating::Good => "Hoàn thành tốt nhiệm vụ",
            Rating::Completed => "Hoàn thành nhiệm vụ",
            Rating::NotCompleted => "Không hoàn thành nhiệm vụ",
        }
    }
}

/// The registration's result in [0, 1] from the items' outcomes (None when no item was assessed). An item
/// without an outcome counts as not done: a result is only as good as what was reported.
pub fn result(outcomes: &[Option<Outcome>]) -> Option<f64> {
    if outcomes.is_empty() || outcomes.iter().all(Option::is_none) {
        return None;
    }
    let sum: f64 = outcomes.iter().map(|o| o.map_or(0.0, Outcome::score)).sum();
    Some(sum / outcomes.len() as f64)
}

/// The rating lamtheo suggests to the secretary.
pub fn suggested_rating(outcomes: &[Option<Outcome>]) -> Option<Rating> {
    let r = result(outcomes)?;
    let none_failed = outcomes
        .iter()
        .all(|o| matches!(o, Some(Outcome::Done | Outcome::Partly)));
    Some(if r >= 0.95 && none_failed && outcomes.len() >= 3 {
        Rating::Excellent
    } else if r >= 0.8 {
        Rating::Good
    } else if r >= 0.5 {
        Rating::Completed
    } else {
        Rating::NotCompleted
    })
}

/// The secretary's decision: confirming the suggestion needs nothing more; another rating needs a reason.
pub fn check_rating(suggested: Option<Rating>, chosen: Rating, reason: &str) -> Result<(), String> {
    if suggested != Some(chosen) && reason.trim().chars().count() < 10 {
        return Err(format!(
            "Xếp loại \"{}\" khác mức gợi ý{}: hãy ghi lý do (ít nhất 10 ký tự)",
            chosen.label(),
            suggested
                .map(|s| format!(" \"{}\"", s.label()))
                .unwrap_or_default()
        ));
    }
    Ok(())
}

/// In a grassroots unit, "xuất sắc" should not exceed 20 % of "tốt": the warning when it does.
pub fn excellent_share_warning(excellent: i64, good: i64) -> Option<String> {
    if excellent > 0 && excellent * 5 > good {
        Some(format!(
            "Số đảng viên hoàn thành xuất sắc nhiệm vụ ({excellent}) vượt quá 20% số hoàn thành tốt nhiệm vụ ({good})"
        ))
    } else {
        None
    }
}

/// "Trên trước, dưới sau": the unit's head should submit before its members. Late when the head has not
/// submitted while a member has, or submitted after the first member did.
pub fn head_registered_late(
    head_submitted: Option<DateTime<Utc>>,
    members_submitted: &[DateTime<Utc>],
) -> bool {
    match (head_submitted, members_submitted.iter().min()) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(h), Some(first)) => h > *first,
    }
}

/// Whose registrations are disclosed (published for citizens to follow): an installation's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// Heads ("người đứng đầu") and key cadres ("cán bộ chủ chốt"): the usual practice.
    #[default]
    HeadsAndKeyCadres,
    /// Heads only.
    Heads,
    /// Every party member.
    All,
}

impl Disclosure {
    pub fn as_str(self) -> &'static str {
        match self {
            Disclosure::HeadsAndKeyCadres => "heads-and-key-cadres",
            Disclosure::Heads => "heads",
            Disclosure::All => "all",
        }
    }
    pub fn parse(s: &str) -> Option<Disclosure> {
        match s.trim() {
            "heads-and-key-cadres" => Some(Disclosure::HeadsAndKeyCadres),
            "heads" => Some(Disclosure::Heads),
            "all" => Some(Disclosure::All),
            _ => None,
        }
    }
    /// Is the registration of a member with these flags disclosed?
    pub fn applies(self, head: bool, key_cadre: bool) -> bool {
        match self {
            Disclosure::HeadsAndKeyCadres => head || key_cadre,
            Disclosure::Heads => head,
            Disclosure::All => true,
        }
    }
}

/// Where a position comes when published registrations are listed (lower first): the committee's
/// secretary, deputies, the heads of government and front, other leaders of the unit, then cell
/// secretaries, their deputies and neighbourhood heads. Titles are matched without diacritics.
pub fn position_rank(title: &str) -> u8 {
    let t = crate::text::fold(title);
    let committee = [
        "dang uy", "thanh uy", "tinh uy", "huyen uy", "quan uy", "thi uy",
    ];
    let of_committee = committee.iter().any(|c| t.contains(c));
    if t.starts_with("bi thu") && of_committee {
        0
    } else if t.starts_with("pho bi thu") && of_committee {
        1
    } else if t.starts_with("chu tich ubnd")
        || t.starts_with("chu tich uy ban nhan dan")
        || t.starts_with("chu tich hdnd")
        || t.starts_with("chu tich hoi dong nhan dan")
    {
        2
    } else if t.starts_with("chu tich uy ban mttq")
        || t.starts_with("chu tich uy ban mat tran")
        || t.starts_with("chu nhiem uy ban kiem tra")
    {
        3
    } else if t.starts_with("pho chu tich") {
        4
    } else if t.starts_with("chu tich")
        || t.starts_with("truong cong an")
        || t.starts_with("chi huy truong")
        || t.starts_with("bi thu doan")
        || t.starts_with("bi thu chi doan")
    {
        5
    } else if t.starts_with("bi thu chi bo") {
        6
    } else if t.starts_with("pho bi thu chi bo") {
        7
    } else if t.starts_with("truong khu pho")
        || t.starts_with("truong ap")
        || t.starts_with("to truong")
    {
        8
    } else {
        9
    }
}

/// Was a registration first submitted by the calendar's deadline ("đúng hạn" in reports; dates in Vietnam
/// time)? The deadline is the plan's (`Calendar::registration_deadline`, by default 31 March).
pub fn on_time(cal: &Calendar, first_submitted: Option<NaiveDate>) -> bool {
    first_submitted.is_some_and(|d| d <= cal.registration_deadline)
}

/// The two self-reviews of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Sơ kết 6 tháng.
    Midyear,
    /// Tổng kết cuối năm.
    Yearend,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Midyear => "midyear",
            Stage::Yearend => "yearend",
        }
    }
    pub fn parse(s: &str) -> Option<Stage> {
        match s {
            "midyear" => Some(Stage::Midyear),
            "yearend" => Some(Stage::Yearend),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Stage::Midyear => "Tự đánh giá giữa năm",
            Stage::Yearend => "Tự đánh giá cuối năm",
        }
    }
    /// The first day the review may be written, from the calendar (by default 1 June and 1 November).
    pub fn opens(self, cal: &Calendar) -> NaiveDate {
        match self {
            Stage::Midyear => cal.midyear_review_opens,
            Stage::Yearend => cal.yearend_review_opens,
        }
    }
}

/// Why a review or an assessment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("Chỉ được tự đánh giá bản đăng ký đã được duyệt (bản này đang ở trạng thái “{}”)", .0.label())]
    NotApproved(Status),
    #[error("Chưa đến thời gian {} (bắt đầu từ ngày {})", .0.label().to_lowercase(), .1)]
    TooEarly(Stage, String),
    #[error("Chưa đến thời gian chi bộ đánh giá (bắt đầu từ ngày {0})")]
    AssessTooEarly(String),
    #[error("Không có quyền đánh giá bản đăng ký này")]
    NotAllowed,
    #[error("Đây là phiên bản cũ của bản đăng ký: hãy đánh giá trên phiên bản hiện hành")]
    Superseded,
    #[error("Không được đánh giá thay chi bộ đối với bản đăng ký của chính mình")]
    OwnAssessment,
}

/// May `p` write the member's self-review of `stage` on `today`? The member, or a secretary / the office
/// entering it for them; only on an approved (or published) registration, from the stage's opening day.
pub fn may_review(
    p: &Principal,
    owner: &Owner<'_>,
    status: Status,
    stage: Stage,
    cal: &Calendar,
    today: NaiveDate,
) -> Result<(), ReviewError> {
    may(p, Action::Edit, owner).map_err(|_| ReviewError::NotAllowed)?;
    if !matches!(status, Status::Approved | Status::Published) {
        return Err(ReviewError::NotApproved(status));
    }
    let opens = stage.opens(cal);
    if today >= opens {
        Ok(())
    } else {
        Err(ReviewError::TooEarly(
            stage,
            crate::text::format_date(opens),
        ))
    }
}

/// May `p` write the cell's assessment? The approver (see `may` for `Approve`), never of their own, on an
/// approved registration, from the calendar's `assessment_opens` (by default 1 November of its year).
pub fn may_assess(
    p: &Principal,
    owner: &Owner<'_>,
    status: Status,
    cal: &Calendar,
    today: NaiveDate,
) -> Result<(), ReviewError> {
    not_about_self(p, owner.member_id).map_err(|_| ReviewError::OwnAssessment)?;
    may(p, Action::Approve, owner).map_err(|_| ReviewError::NotAllowed)?;
    if !matches!(status, Status::Approved | Status::Published) {
        return Err(ReviewError::NotApproved(status));
    }
    if today >= cal.assessment_opens {
        Ok(())
    } else {
        Err(ReviewError::AssessTooEarly(crate::text::format_date(
            cal.assessment_opens,
        )))
    }
}

/// An item is specific when it has a measurable target and a deadline and is not only generic phrases.
pub fn item_specific(flags: &[Flag]) -> bool {
    !flags
        .iter()
        .any(|f| matches!(f, Flag::Vague | Flag::NoTarget | Flag::NoDeadline))
}

/// An item is tied to duties unless flagged otherwise.
pub fn item_tied(flags: &[Flag]) -> bool {
    !flags.contains(&Flag::NotTiedToDuty)
}

/// The registration figures of a unit for a year (the unit table and the committee's report). Counts are
/// added registration by registration; the shares are the report's columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct RegStats {
    /// Members who should register: active in the unit's subtree on the deadline, and anyone in it who
    /// registered after joining later.
    pub members: i64,
    /// Current registrations (any status).
    pub registered: i64,
    /// First submitted by the deadline.
    pub on_time: i64,
    pub drafts: i64,
    pub submitted: i64,
    pub returned: i64,
    /// Approved or published.
    pub approved: i64,
    pub published: i64,
    /// Registrations in a copy cluster.
    pub copied: i64,
    pub items: i64,
    pub specific_items: i64,
    pub tied_items: i64,
    /// Items of approved registrations with a year-end outcome (cell's assessment, else self-review).
    pub reviewed_items: i64,
    /// Items of approved registrations assessed (or self-reviewed) done.
    pub done_items: i64,
    /// Items of approved registrations.
    pub approved_items: i64,
    pub rated: i64,
    pub excellent: i64,
    pub good: i64,
    pub completed: i64,
    pub not_completed: i64,
}

fn share(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl RegStats {
    /// Adds one registration: its status, whether it was on time, the flags of each item and each
    /// item's final outcome.
    pub fn add_registration(
        &mut self,
        status: Status,
        on_time: bool,
        items: &[(Vec<Flag>, Option<Outcome>)],
    ) {
        self.registered += 1;
        self.on_time += i64::from(on_time);
        match status {
            Status::Draft => self.drafts += 1,
            Status::Submitted => self.submitted += 1,
            Status::Returned => self.returned += 1,
            Status::Approved => self.approved += 1,
            Status::Published => {
                self.approved += 1;
                self.published += 1;
            }
        }
        let approved = matches!(status, Status::Approved | Status::Published);
        for (flags, outcome) in items {
            self.items += 1;
            self.specific_items += i64::from(item_specific(flags));
            self.tied_items += i64::from(item_tied(flags));
            if approved {
                self.approved_items += 1;
                self.reviewed_items += i64::from(outcome.is_some());
                self.done_items += i64::from(*outcome == Some(Outcome::Done));
            }
        }
    }

    pub fn add_rating(&mut self, r: Rating) {
        self.rated += 1;
        match r {
            Rating::Excellent => self.excellent += 1,
            Rating::Good => self.good += 1,
            Rating::Completed => self.completed += 1,
            Rating::NotCompleted => self.not_completed += 1,
        }
    }

    /// Adds another unit's figures (a parent's total).
    pub fn merge(&mut self, o: &RegStats) {
        self.members += o.members;
        self.registered += o.registered;
        self.on_time += o.on_time;
        self.drafts += o.drafts;
        self.submitted += o.submitted;
        self.returned += o.returned;
        self.approved += o.approved;
        self.published += o.published;
        self.copied += o.copied;
        self.items += o.items;
        self.specific_items += o.specific_items;
        self.tied_items += o.tied_items;
        self.reviewed_items += o.reviewed_items;
        self.done_items += o.done_items;
        self.approved_items += o.approved_items;
        self.rated += o.rated;
        self.excellent += o.excellent;
        self.good += o.good;
        self.completed += o.completed;
        self.not_completed += o.not_completed;
    }

    /// % registered on time, of the members who should register.
    pub fn on_time_share(&self) -> Option<f64> {
        share(self.on_time, self.members)
    }
    /// % registered at all.
    pub fn registered_share(&self) -> Option<f64> {
        share(self.registered, self.members)
    }
    /// % of items that are specific.
    pub fn specific_share(&self) -> Option<f64> {
        share(self.specific_items, self.items)
    }
    /// % of items tied to duties.
    pub fn tied_share(&self) -> Option<f64> {
        share(self.tied_items, self.items)
    }
    /// % of registrations in a copy cluster.
    pub fn copied_share(&self) -> Option<f64> {
        share(self.copied, self.registered)
    }
    /// % of the approved registrations' items done.
    pub fn done_share(&self) -> Option<f64> {
        share(self.done_items, self.approved_items)
    }
    /// The 20 % warning over these ratings.
    pub fn excellent_warning(&self) -> Option<String> {
        excellent_share_warning(self.excellent, self.good)
    }
}

/// The calendar date of a moment in Vietnam (UTC+7), for "first submitted" comparisons.
pub fn vn_date(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(7)).date_naive()
}

/// A deadline moved to another year (copying last year's registration): same day and month, 28 February
/// for 29 February.
pub fn shift_year(d: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, d.month(), 28))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn positions_rank_committee_first() {
        assert_eq!(position_rank("Bí thư Đảng ủy Phường 7"), 0);
        assert_eq!(position_rank("Phó Bí thư Thường trực Đảng ủy Phường 7"), 1);
        assert_eq!(position_rank("Chủ tịch UBND Phường 7"), 2);
        assert_eq!(position_rank("Chủ tịch Ủy ban MTTQ Phường 7"), 3);
        assert_eq!(position_rank("Phó Chủ tịch UBND Phường 7"), 4);
        assert_eq!(position_rank("Chủ tịch Hội Cựu chiến binh Phường 7"), 5);
        assert_eq!(position_rank("Bí thư Chi bộ"), 6);
        assert_eq!(position_rank("Phó Bí thư Chi bộ"), 7);
        assert_eq!(position_rank("Trưởng khu phố 3"), 8);
        // A youth-union cell's secretary ranks with the mass organisations, not with the party cells.
        assert_eq!(position_rank("Bí thư Chi đoàn"), 5);
        assert_eq!(position_rank("Đảng viên"), 9);
    }

    #[test]
    fn disclosure_is_configurable() {
        for d in [
            Disclosure::HeadsAndKeyCadres,
            Disclosure::Heads,
            Disclosure::All,
        ] {
            assert_eq!(Disclosure::parse(d.as_str()), Some(d));
        }
        assert_eq!(Disclosure::parse("nobody"), None);
        assert!(Disclosure::default().applies(false, true));
        assert!(!Disclosure::Heads.applies(false, true));
        assert!(Disclosure::Heads.applies(true, true));
        assert!(Disclosure::All.applies(false, false));
        assert!(!Disclosure::HeadsAndKeyCadres.applies(false, false));
    }
    use chrono::TimeZone;

    fn p(role: Role, path: &str, member: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            unit_id: 1,
            unit_path: path.into(),
            member_id: member,
        }
    }

    /// A member of cell /1/7/30/; `head`: the cell's secretary, approved by the ward /1/7/.
    fn owner(head: bool) -> Owner<'static> {
        Owner {
            member_id: 42,
            unit_path: "/1/7/30/",
            approver_path: if head { "/1/7/" } else { "/1/7/30/" },
            disclosed: head,
        }
    }

    #[test]
    fn every_transition() {
        use Action as A;
        use Status as S;
        let legal = [
            (S::Draft, A::Edit, S::Draft),
            (S::Draft, A::Submit, S::Submitted),
            (S::Returned, A::Edit, S::Returned),
            (S::Returned, A::Submit, S::Submitted),
            (S::Submitted, A::Return, S::Returned),
            (S::Submitted, A::Approve, S::Approved),
            (S::Approved, A::Publish, S::Published),
            (S::Approved, A::Revise, S::Draft),
            (S::Published, A::Revise, S::Draft),
        ];
        for from in Status::ALL {
            for action in Action::ALL {
                let expected = legal
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, t)| *t);
                match (transition(from, action), expected) {
                    (Ok(t), Some(e)) => assert_eq!(t, e),
                    (Err(WorkflowError::Illegal(f, a)), None) => {
                        assert_eq!((f, a), (from, action));
                    }
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
        // Approved content is never editable in place.
        assert!(transition(S::Approved, A::Edit).is_err());
        assert!(transition(S::Published, A::Edit).is_err());
        assert!(!S::Approved.editable());
        let msg = transition(S::Approved, A::Edit).unwrap_err().to_string();
        assert_eq!(
            msg,
            "Bản đăng ký đang ở trạng thái \"Đã duyệt\" nên không thể sửa"
        );
    }

    #[test]
    fn the_right_secretary_approves() {
        let member = owner(false);
        let cell_sec = p(Role::Secretary, "/1/7/30/", Some(7));
        let ward_sec = p(Role::Secretary, "/1/7/", Some(8));
        let other_cell = p(Role::Secretary, "/1/7/31/", None);
        assert!(may(&cell_sec, Action::Approve, &member).is_ok());
        assert!(may(&ward_sec, Action::Approve, &member).is_err());
        assert!(may(&other_cell, Action::Approve, &member).is_err());
        // The cell's own secretary (a head) is approved by the ward.
        let head = owner(true);
        assert!(may(&cell_sec, Action::Approve, &head).is_err());
        assert!(may(&ward_sec, Action::Approve, &head).is_ok());
        // Never one's own.
        let me = p(Role::Secretary, "/1/7/30/", Some(42));
        assert_eq!(
            may(&me, Action::Approve, &member),
            Err(WorkflowError::OwnRegistration)
        );
        // Members write their own only; inspectors never write.
        let m = p(Role::Member, "/1/7/30/", Some(42));
        assert!(may(&m, Action::Submit, &member).is_ok());
        assert!(may(
            &p(Role::Member, "/1/7/30/", Some(43)),
            Action::Edit,
            &member
        )
        .is_err());
        assert!(may(&p(Role::Inspector, "/1/", None), Action::Edit, &member).is_err());
        // Publishing only for disclosed registrations.
        assert_eq!(
            may(&ward_sec, Action::Publish, &member),
            Err(WorkflowError::NotDisclosed)
        );
        assert!(may(&ward_sec, Action::Publish, &head).is_ok());
    }

    mod chain {
        use super::*;
        use crate::model::UnitType::{self, *};
        use crate::org::UnitRef;
        use crate::position::{PartyPost, Post};
        use proptest::prelude::*;

        fn u(path: &str, t: UnitType) -> UnitRef {
            UnitRef {
                id: path.trim_matches('/').split('/').count() as i64 * 100 + path.len() as i64,
                path: path.into(),
                unit_type: t,
            }
        }
        fn post(post: Post, at: &UnitRef) -> PartyPost {
            PartyPost {
                post,
                unit_id: at.id,
                unit_path: at.path.clone(),
                unit_type: at.unit_type,
                from: None,
                to: None,
            }
        }
        fn day() -> NaiveDate {
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()
        }
        fn who(units: &[UnitRef], at: &str, posts: &[PartyPost]) -> (String, ApprovalBasis) {
            let a = approver(units, at, posts, day()).unwrap();
            (a.unit.path, a.basis)
        }

        /// City /1/ → ward /1/7/ → cells /1/7/30/, /1/7/31/; a chi bộ cơ sở /1/9/ under the city; a
        /// đảng bộ cơ sở /1/8/ with an đảng bộ bộ phận /1/8/40/ and its cell /1/8/40/41/.
        fn city() -> Vec<UnitRef> {
            vec![
                u("/1/", PartyCommittee),
                u("/1/7/", GrassrootsCommittee),
                u("/1/7/30/", Cell),
                u("/1/7/31/", Cell),
                u("/1/9/", GrassrootsCell),
                u("/1/8/", GrassrootsCommittee),
                u("/1/8/40/", PartialCommittee),
                u("/1/8/40/41/", Cell),
            ]
        }
        fn at<'a>(units: &'a [UnitRef], path: &str) -> &'a UnitRef {
            units.iter().find(|u| u.path == path).unwrap()
        }

        #[test]
        fn an_ordinary_member_is_approved_by_the_cell() {
            let t = city();
            assert_eq!(
                who(&t, "/1/7/30/", &[]),
                ("/1/7/30/".into(), ApprovalBasis::Member)
            );
            // A cell's deputy or committee member is an ordinary member for the approval.
            let deputy = post(Post::DeputySecretary, at(&t, "/1/7/30/"));
            assert_eq!(who(&t, "/1/7/30/", &[deputy]).0, "/1/7/30/");
            let committee = post(Post::CommitteeMember, at(&t, "/1/7/"));
            assert_eq!(who(&t, "/1/7/30/", &[committee]).0, "/1/7/30/");
        }

        #[test]
        fn a_cell_secretary_is_approved_by_the_grassroots_organisation() {
            let t = city();
            let sec = post(Post::Secretary, at(&t, "/1/7/30/"));
            assert_eq!(
                who(&t, "/1/7/30/", &[sec]),
                ("/1/7/".into(), ApprovalBasis::CellSecretary)
            );
            // Through an đảng bộ bộ phận: still the đảng bộ cơ sở.
            let sec = post(Post::Secretary, at(&t, "/1/8/40/41/"));
            assert_eq!(
                who(&t, "/1/8/40/41/", &[sec]),
                ("/1/8/".into(), ApprovalBasis::CellSecretary)
            );
        }

        #[test]
        fn a_partial_committee_secretary_is_approved_by_the_grassroots_committee() {
            let t = city();
            let sec = post(Post::Secretary, at(&t, "/1/8/40/"));
            assert_eq!(
                who(&t, "/1/8/40/41/", &[sec]),
                ("/1/8/".into(), ApprovalBasis::PartialSecretary)
            );
        }

        #[test]
        fn grassroots_leaders_are_approved_by_the_level_above() {
            let t = city();
            for p in [Post::Secretary, Post::DeputySecretary, Post::StandingMember] {
                // A ward's bí thư sits in one of its cells: the city approves.
                let lead = post(p, at(&t, "/1/7/"));
                assert_eq!(
                    who(&t, "/1/7/30/", &[lead]),
                    ("/1/".into(), ApprovalBasis::Leader),
                    "{p:?}"
                );
                // A chi bộ cơ sở directly under the city: the city too.
                let lead = post(p, at(&t, "/1/9/"));
                assert_eq!(
                    who(&t, "/1/9/", &[lead]),
                    ("/1/".into(), ApprovalBasis::Leader)
                );
            }
            // At the top of the tree: the unit itself.
            let top = post(Post::Secretary, at(&t, "/1/"));
            assert_eq!(
                who(&t, "/1/7/30/", &[top]),
                ("/1/".into(), ApprovalBasis::Top)
            );
        }

        #[test]
        fn the_highest_post_held_on_the_day_wins() {
            let t = city();
            let cell = post(Post::Secretary, at(&t, "/1/7/30/"));
            let ward = post(Post::StandingMember, at(&t, "/1/7/"));
            assert_eq!(who(&t, "/1/7/30/", &[cell.clone(), ward.clone()]).0, "/1/");
            assert_eq!(who(&t, "/1/7/30/", &[ward.clone(), cell.clone()]).0, "/1/");
            // The ward post ended before the day: only the cell post counts.
            let ended = PartyPost {
                to: NaiveDate::from_ymd_opt(2027, 1, 1),
                ..ward.clone()
            };
            assert_eq!(
                who(&t, "/1/7/30/", &[ended.clone(), cell.clone()]).0,
                "/1/7/"
            );
            // Not yet begun.
            let later = PartyPost {
                from: NaiveDate::from_ymd_opt(2027, 6, 1),
                ..ward
            };
            assert_eq!(who(&t, "/1/7/30/", &[later, cell]).0, "/1/7/");
            // On a tie the higher post names the basis.
            let a = approver(
                &t,
                "/1/7/30/",
                &[
                    post(Post::StandingMember, at(&t, "/1/7/")),
                    post(Post::Secretary, at(&t, "/1/7/")),
                ],
                day(),
            )
            .unwrap();
            assert_eq!(a.post.map(|p| p.post), Some(Post::Secretary));
        }

        #[test]
        fn labels_name_the_approving_body() {
            let t = city();
            let lead = post(Post::Secretary, at(&t, "/1/7/"));
            let a = approver(&t, "/1/7/30/", &[lead], day()).unwrap();
            assert_eq!(
                a.label("Thành ủy Bến Tre"),
                "Ban Thường vụ Thành ủy Bến Tre"
            );
            let sec = post(Post::Secretary, at(&t, "/1/7/30/"));
            let a = approver(&t, "/1/7/30/", &[sec], day()).unwrap();
            assert_eq!(a.label("Đảng bộ Phường 7"), "Đảng ủy Phường 7");
            let a = approver(&t, "/1/7/30/", &[], day()).unwrap();
            assert_eq!(a.label("Chi bộ Khu phố 1"), "Chi bộ Khu phố 1");
        }

        #[test]
        fn a_linked_secretary_never_approves_their_own() {
            let t = city();
            // The ward's bí thư, member 42 of cell /1/7/30/, signs in as the ward's secretary.
            let lead = post(Post::Secretary, at(&t, "/1/7/"));
            let a = approver(&t, "/1/7/30/", &[lead], day()).unwrap();
            let o = Owner {
                member_id: 42,
                unit_path: "/1/7/30/",
                approver_path: &a.unit.path,
                disclosed: true,
            };
            let herself = p(Role::Secretary, "/1/7/", Some(42));
            for action in [Action::Approve, Action::Return] {
                assert_eq!(
                    may(&herself, action, &o),
                    Err(WorkflowError::OwnRegistration)
                );
            }
            // Another account of the ward may not either: it is the city's decision.
            let ward = p(Role::Secretary, "/1/7/", Some(50));
            assert_eq!(
                may(&ward, Action::Approve, &o),
                Err(WorkflowError::NotAllowed(Action::Approve))
            );
            let city = p(Role::Office, "/1/", None);
            assert_eq!(may(&city, Action::Approve, &o), Ok(()));
            // The city's own bí thư at the top: approved by the city, never by herself.
            let top = post(Post::Secretary, at(&t, "/1/"));
            let a = approver(&t, "/1/7/30/", &[top], day()).unwrap();
            let o = Owner {
                approver_path: &a.unit.path,
                ..o
            };
            assert_eq!(
                may(&p(Role::Office, "/1/", Some(42)), Action::Approve, &o),
                Err(WorkflowError::OwnRegistration)
            );
            assert_eq!(may(&city, Action::Approve, &o), Ok(()));
        }

        fn shape() -> impl Strategy<Value = Vec<UnitType>> {
            // A chain from the root down: committees above, a grassroots organisation, maybe an đảng
            // bộ bộ phận, then a cell (or the chi bộ cơ sở itself).
            (0usize..3, any::<bool>(), any::<bool>()).prop_map(|(above, partial, cell_org)| {
                let mut v = vec![PartyCommittee; above + 1];
                if cell_org {
                    v.push(GrassrootsCell);
                } else {
                    v.push(GrassrootsCommittee);
                    if partial {
                        v.push(PartialCommittee);
                    }
                    v.push(Cell);
                }
                v
            })
        }
        fn build(types: &[UnitType]) -> Vec<UnitRef> {
            let mut path = String::from("/");
            types
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    path.push_str(&format!("{}/", i + 1));
                    u(&path, *t)
                })
                .collect()
        }

        proptest! {
            /// Over trees of several shapes: the approver is on the member's chain, never below the
            /// member's unit; a post never lowers it; an ordinary member's is the cell; a grassroots
            /// leader's lies above the grassroots organisation (unless at the top); a cell secretary's is
            /// the grassroots organisation.
            #[test]
            fn the_approver_is_on_the_chain_and_rises_with_posts(
                types in shape(),
                held in prop::collection::vec((0usize..6, 0usize..3), 0..4),
            ) {
                let t = build(&types);
                let me = t.last().unwrap().path.clone();
                let posts: Vec<PartyPost> = held
                    .iter()
                    .map(|(i, k)| post([Post::Secretary, Post::DeputySecretary, Post::StandingMember][*k], &t[*i % t.len()]))
                    .collect();
                let a = approver(&t, &me, &posts, day()).unwrap();
                prop_assert!(me.starts_with(&a.unit.path));
                let plain = approver(&t, &me, &[], day()).unwrap();
                prop_assert_eq!(&plain.unit.path, &me);
                prop_assert!(a.unit.path.len() <= plain.unit.path.len());
                let org = crate::org::grassroots_org(&t).unwrap().clone();
                for p in &posts {
                    let one = approver(&t, &me, std::slice::from_ref(p), day()).unwrap();
                    prop_assert!(a.unit.path.len() <= one.unit.path.len());
                    match (p.post, p.unit_type) {
                        (Post::Secretary, Cell) => prop_assert_eq!(&one.unit.path, &org.path),
                        (Post::Secretary, PartialCommittee) => prop_assert_eq!(&one.unit.path, &org.path),
                        (_, GrassrootsCommittee | GrassrootsCell | PartyCommittee) => {
                            if p.unit_path == "/1/" {
                                prop_assert_eq!(one.basis, ApprovalBasis::Top);
                            } else {
                                prop_assert!(p.unit_path.starts_with(&one.unit.path) && one.unit.path != p.unit_path);
                            }
                        }
                        _ => prop_assert_eq!(&one.unit.path, &me),
                    }
                }
            }
        }
    }

    #[test]
    fn results_and_ratings() {
        use Outcome::*;
        assert_eq!(result(&[]), None);
        assert_eq!(result(&[None, None]), None);
        assert_eq!(result(&[Some(Done), Some(Partly)]), Some(0.75));
        assert_eq!(result(&[Some(Done), None]), Some(0.5));
        assert_eq!(
            suggested_rating(&[Some(Done), Some(Done), Some(Done)]),
            Some(Rating::Excellent)
        );
        assert_eq!(
            suggested_rating(&[Some(Done), Some(Done)]),
            Some(Rating::Good),
            "two items are not enough for xuất sắc"
        );
        assert_eq!(
            suggested_rating(&[Some(Done), Some(Done), Some(Done), Some(Done), Some(Partly)]),
            Some(Rating::Good)
        );
        assert_eq!(
            suggested_rating(&[Some(Done), Some(NotDone)]),
            Some(Rating::Completed)
        );
        assert_eq!(
            suggested_rating(&[Some(NotDone), Some(Partly), Some(NotDone)]),
            Some(Rating::NotCompleted)
        );
        assert!(check_rating(Some(Rating::Good), Rating::Good, "").is_ok());
        assert!(check_rating(Some(Rating::Good), Rating::Excellent, "ngắn").is_err());
        assert!(check_rating(
            Some(Rating::Good),
            Rating::Excellent,
            "Có sáng kiến được thành phố công nhận"
        )
        .is_ok());
        assert_eq!(excellent_share_warning(2, 10), None);
        assert!(excellent_share_warning(3, 10).is_some());
        assert!(excellent_share_warning(1, 0).is_some());
        assert_eq!(excellent_share_warning(0, 0), None);
    }

    #[test]
    fn leaders_register_first() {
        let t = |d| Utc.with_ymd_and_hms(2019, 1, d, 8, 0, 0).single().unwrap();
        assert!(!head_registered_late(Some(t(2)), &[t(3), t(5)]));
        assert!(head_registered_late(Some(t(4)), &[t(3), t(5)]));
        assert!(head_registered_late(None, &[t(3)]));
        assert!(!head_registered_late(None, &[]));
    }
}
