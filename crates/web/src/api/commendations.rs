//! API for commendations (khen thưởng, biểu dương; docs/DOMAIN.md § Commendations): decisions recorded by the
//! issuing unit's office, proposals (đề nghị) by secretaries that the office decides or declines, the
//! models and registrations that earned them, and the figures of a subtree and period. The rules are
//! `domain::commendation`, applied by the store, whose refusals are answered as 422 with their Vietnamese
//! messages; a commendation the caller may not read is 404, a role without the capability 403.

use super::fields::{require, unit_param, year_param, Faults};
use super::models::UnitRef;
use super::{r, ApiJson, ApiRoute, Page};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Json;
use chrono::{Datelike, NaiveDate};
use domain::commendation::{
    CommendationKind, CommendationLevel, CommendationState, MAX_RECIPIENTS,
};
use domain::policy::Capability;
use domain::Role;
use serde::{Deserialize, Serialize};
use store::{
    Actor, Commendation, CommendationCounts, CommendationFilter, CommendationInput,
    CommendationSummary, FieldError, StoreError,
};
use utoipa::{IntoParams, ToSchema};

const KINDS: &str = "praise, certificate, merit, emulation_flag, title, other";
const LEVELS: &str = "central, province, district, grassroots, cell";
const STATES: &str = "proposed, decided, declined";
/// Most models or registrations one commendation links.
const MAX_LINKS: usize = 500;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("post", "/commendations", "commendations", "Ghi quyết định khen thưởng (có số và ngày quyết định: văn phòng cấp ban hành) hoặc đề nghị khen thưởng (không có số, ngày: bí thư, văn phòng); người, tập thể được khen phải thuộc đơn vị ban hành; mô hình được khen thành \"được biểu dương\"", post(create))
            .body::<CommendationBody>()
            .created::<CommendationOut>(),
        r("get", "/commendations", "commendations", "Khen thưởng, đề nghị khen thưởng trong phạm vi (mới trước), lọc theo đơn vị, năm, trạng thái, hình thức, đảng viên, mô hình", get(list))
            .query::<CommendationQuery>()
            .json::<Page<CommendationOut>>(),
        r("get", "/commendations/summary", "commendations", "Số liệu khen thưởng đã quyết định của một đơn vị và các đơn vị trực thuộc trong một khoảng thời gian: số quyết định, lượt đảng viên, lượt tập thể theo hình thức và theo cấp; số đề nghị chưa quyết định", get(summary))
            .query::<SummaryQuery>()
            .json::<CommendationSummaryOut>(),
        r("get", "/commendations/{id}", "commendations", "Một quyết định hoặc đề nghị khen thưởng", get(show))
            .json::<CommendationOut>(),
        r("put", "/commendations/{id}/decision", "commendations", "Ghi quyết định cho một đề nghị khen thưởng (văn phòng cấp ban hành)", put(decide))
            .body::<DecisionBody>()
            .json::<CommendationOut>(),
        r("put", "/commendations/{id}/decline", "commendations", "Không chấp thuận một đề nghị khen thưởng, có ghi lý do (văn phòng cấp ban hành)", put(decline))
            .body::<DeclineBody>()
            .json::<CommendationOut>(),
        r("delete", "/commendations/{id}", "commendations", "Xóa khen thưởng nhập nhầm (đề nghị: người đề nghị hoặc văn phòng; quyết định: văn phòng cấp ban hành); trạng thái mô hình được tính lại", delete(remove))
            .no_content(),
    ]
}

// ---- names (schema only)

/// Hình thức khen thưởng.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CommendationKindName {
    /// Biểu dương.
    Praise,
    /// Giấy khen.
    Certificate,
    /// Bằng khen.
    Merit,
    /// Cờ thi đua.
    EmulationFlag,
    /// Danh hiệu (tên danh hiệu ở label).
    Title,
    /// Hình thức khác (tên ở label).
    Other,
}

/// Cấp khen thưởng.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CommendationLevelName {
    /// Trung ương.
    Central,
    /// Cấp tỉnh.
    Province,
    /// Cấp huyện, thành phố.
    District,
    /// Cấp cơ sở.
    Grassroots,
    /// Chi bộ, đảng bộ bộ phận.
    Cell,
}

/// Trạng thái khen thưởng.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CommendationStateName {
    /// Đề nghị, chưa quyết định.
    Proposed,
    /// Đã quyết định.
    Decided,
    /// Không được chấp thuận.
    Declined,
}

// ---- the commendation

/// A member named by a commendation.
#[derive(Serialize, ToSchema)]
pub struct CommendedMemberOut {
    id: i64,
    full_name: String,
    /// Chi bộ của đảng viên khi ghi khen thưởng.
    unit: UnitRef,
}

/// Who was commended: members and units.
#[derive(Serialize, ToSchema)]
pub struct RecipientsOut {
    members: Vec<CommendedMemberOut>,
    units: Vec<UnitRef>,
}

/// A good-practice model that earned a commendation.
#[derive(Serialize, ToSchema)]
pub struct CommendedModelOut {
    id: i64,
    name: String,
    unit: UnitRef,
}

/// A registration that earned a commendation.
#[derive(Serialize, ToSchema)]
pub struct CommendedRegistrationOut {
    id: i64,
    year: i32,
    member_id: i64,
    member_name: String,
}

/// A commendation: a decision, a proposal or a declined proposal.
#[derive(Serialize, ToSchema)]
#[schema(as = Commendation)]
pub struct CommendationOut {
    id: i64,
    #[schema(value_type = CommendationKindName)]
    kind: &'static str,
    /// Tên hình thức ("Giấy khen", …).
    kind_label: &'static str,
    /// Tên danh hiệu hoặc hình thức khác ("" với các hình thức còn lại).
    label: String,
    /// Tiêu đề hiển thị ("Giấy khen", "Danh hiệu Chi bộ trong sạch vững mạnh").
    heading: String,
    #[schema(value_type = CommendationLevelName)]
    level: &'static str,
    level_label: &'static str,
    #[schema(value_type = CommendationStateName)]
    state: &'static str,
    state_label: &'static str,
    /// Đơn vị ban hành (hoặc ghi nhận) quyết định.
    issued_by: UnitRef,
    /// Cơ quan ghi trên quyết định khi ở ngoài hệ thống ("" = đơn vị ban hành).
    issuer_name: String,
    /// Số quyết định ("" khi là đề nghị).
    decision_number: String,
    /// Ngày quyết định (đề nghị: null).
    decided_on: Option<NaiveDate>,
    /// Thành tích, lý do khen thưởng.
    reason: String,
    recipients: RecipientsOut,
    /// Mô hình, điển hình được khen.
    models: Vec<CommendedModelOut>,
    /// Bản đăng ký làm theo được khen.
    registrations: Vec<CommendedRegistrationOut>,
    /// Người đề nghị (khi bắt đầu là đề nghị).
    proposed_by: Option<String>,
    /// Đơn vị đề nghị.
    proposed_unit: Option<UnitRef>,
    proposed_on: Option<NaiveDate>,
    /// Lý do không chấp thuận.
    decline_note: String,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

impl From<&Commendation> for CommendationOut {
    fn from(c: &Commendation) -> Self {
        CommendationOut {
            id: c.id,
            kind: c.kind.as_str(),
            kind_label: c.kind.label(),
            label: c.label.clone(),
            heading: c.heading.clone(),
            level: c.level.as_str(),
            level_label: c.level.label(),
            state: c.state.as_str(),
            state_label: c.state.label(),
            issued_by: (&c.issuer).into(),
            issuer_name: c.issuer_name.clone(),
            decision_number: c.decision_number.clone(),
            decided_on: c.decided_on,
            reason: c.reason.clone(),
            recipients: RecipientsOut {
                members: c
                    .members
                    .iter()
                    .map(|m| CommendedMemberOut {
                        id: m.id,
                        full_name: m.full_name.clone(),
                        unit: (&m.unit).into(),
                    })
                    .collect(),
                units: c.units.iter().map(UnitRef::from).collect(),
            },
            models: c
                .models
                .iter()
                .map(|m| CommendedModelOut {
                    id: m.id,
                    name: m.name.clone(),
                    unit: (&m.unit).into(),
                })
                .collect(),
            registrations: c
                .registrations
                .iter()
                .map(|r| CommendedRegistrationOut {
                    id: r.id,
                    year: r.year,
                    member_id: r.member_id,
                    member_name: r.member_name.clone(),
                })
                .collect(),
            proposed_by: c.proposed_by.clone(),
            proposed_unit: c.proposed_unit.as_ref().map(UnitRef::from),
            proposed_on: c.proposed_on,
            decline_note: c.decline_note.clone(),
            created_by: c.created_by.clone(),
            created_at: c.created_at.clone(),
            updated_by: c.updated_by.clone(),
            updated_at: c.updated_at.clone(),
        }
    }
}

// ---- create

/// Who is commended.
#[derive(Deserialize, ToSchema, Default)]
#[schema(as = CommendationRecipientsInput)]
pub struct RecipientsBody {
    /// Mã số đảng viên được khen.
    #[serde(default)]
    member_ids: Vec<i64>,
    /// Mã các tập thể (đơn vị) được khen.
    #[serde(default)]
    unit_codes: Vec<String>,
}

/// A commendation to record (decision_number and decided_on given) or to propose (neither given).
#[derive(Deserialize, ToSchema)]
#[schema(as = CommendationInput)]
pub struct CommendationBody {
    #[schema(value_type = CommendationKindName, required = true)]
    kind: Option<String>,
    /// Tên danh hiệu (kind = title) hoặc hình thức khác (kind = other).
    label: Option<String>,
    /// Cấp khen thưởng (mặc định: cấp của đơn vị ban hành).
    #[schema(value_type = Option<CommendationLevelName>)]
    level: Option<String>,
    /// Mã đơn vị ban hành (hoặc ghi nhận) quyết định.
    #[schema(value_type = String, required = true)]
    issued_by: Option<String>,
    /// Cơ quan ghi trên quyết định khi ở ngoài hệ thống (ví dụ "UBND tỉnh Bến Tre").
    issuer_name: Option<String>,
    /// Số quyết định; bỏ trống cùng decided_on: đề nghị khen thưởng.
    decision_number: Option<String>,
    /// Ngày quyết định, YYYY-MM-DD.
    #[schema(value_type = Option<String>, format = Date)]
    decided_on: Option<String>,
    /// Thành tích, lý do khen thưởng.
    #[schema(value_type = String, required = true)]
    reason: Option<String>,
    #[schema(value_type = RecipientsBody, required = true)]
    recipients: Option<RecipientsBody>,
    /// Mô hình, điển hình được khen.
    #[serde(default)]
    model_ids: Vec<i64>,
    /// Bản đăng ký làm theo được khen.
    #[serde(default)]
    registration_ids: Vec<i64>,
}

fn opt_text(v: Option<String>) -> String {
    v.unwrap_or_default().trim().to_string()
}

fn optional<T>(
    f: &mut Faults,
    field: &str,
    v: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    names: &str,
) -> Option<T> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => f.parsed(field, Some(s), parse, names),
    }
}

async fn create(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<CommendationBody>,
) -> Result<(StatusCode, Json<CommendationOut>), ApiError> {
    let p = &user.principal;
    let decision_number = opt_text(b.decision_number);
    let is_decision = !decision_number.is_empty()
        || b.decided_on
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
    require(
        p,
        if is_decision {
            Capability::DecideCommendations
        } else {
            Capability::ProposeCommendations
        },
    )?;
    let mut f = Faults::default();
    let kind = f.parsed("kind", b.kind.as_deref(), CommendationKind::parse, KINDS);
    let level = optional(
        &mut f,
        "level",
        b.level.as_deref(),
        CommendationLevel::parse,
        LEVELS,
    );
    let issuer_code = f.text("issued_by", b.issued_by);
    let decided_on = f.opt_date("decided_on", b.decided_on.as_deref());
    let recipients = b.recipients.unwrap_or_default();
    if recipients.member_ids.len() + recipients.unit_codes.len() > MAX_RECIPIENTS {
        f.push(
            "recipients",
            format!("Một quyết định khen thưởng tối đa {MAX_RECIPIENTS} người và tập thể"),
        );
    }
    if b.model_ids.len() > MAX_LINKS {
        f.push(
            "model_ids",
            format!("Một khen thưởng gắn tối đa {MAX_LINKS} mô hình"),
        );
    }
    if b.registration_ids.len() > MAX_LINKS {
        f.push(
            "registration_ids",
            format!("Một khen thưởng gắn tối đa {MAX_LINKS} bản đăng ký"),
        );
    }
    let label = opt_text(b.label);
    let issuer_name = opt_text(b.issuer_name);
    let reason = opt_text(b.reason);
    f.done()?;
    let input = CommendationInput {
        kind,
        label,
        level,
        issuer_code,
        issuer_name,
        decision_number,
        decided_on,
        reason,
        member_ids: recipients.member_ids,
        unit_codes: recipients
            .unit_codes
            .iter()
            .map(|c| c.trim().to_string())
            .collect(),
        model_ids: b.model_ids,
        registration_ids: b.registration_ids,
    };
    let c = st
        .db
        .commendations()
        .create(p, &Actor::user(p, "api"), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(CommendationOut::from(&c))))
}

// ---- list, show

/// Query of `GET /commendations`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommendationQuery {
    /// Mã đơn vị: khen thưởng do đơn vị đó và các đơn vị trực thuộc ban hành hoặc khen người, tập thể thuộc đó (mặc định: cả phạm vi).
    unit: Option<String>,
    /// Năm quyết định (đề nghị: năm đề nghị).
    year: Option<i32>,
    /// Trạng thái: proposed, decided, declined.
    state: Option<String>,
    /// Hình thức: praise, certificate, merit, emulation_flag, title, other.
    kind: Option<String>,
    /// Chỉ khen thưởng một đảng viên (mã số).
    member: Option<i64>,
    /// Chỉ khen thưởng gắn một mô hình (mã số).
    model: Option<i64>,
    /// Tìm trong tiêu đề, lý do, số quyết định, tên người và tập thể được khen (không phân biệt dấu).
    q: Option<String>,
    /// Trang, từ 1.
    page: Option<i64>,
    /// Số dòng mỗi trang (1–500, mặc định 100).
    per_page: Option<i64>,
}

async fn list(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<CommendationQuery>,
) -> Result<Json<Page<CommendationOut>>, ApiError> {
    let p = &user.principal;
    let mut f = Faults::default();
    let state = optional(
        &mut f,
        "state",
        q.state.as_deref(),
        CommendationState::parse,
        STATES,
    );
    let kind = optional(
        &mut f,
        "kind",
        q.kind.as_deref(),
        CommendationKind::parse,
        KINDS,
    );
    f.done()?;
    let year = year_param(q.year)?;
    let unit = unit_param(&st, p, q.unit.as_deref()).await?;
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let per_page = q.per_page.unwrap_or(100).clamp(1, 500);
    let filter = CommendationFilter {
        unit_path: unit.map(|u| u.path),
        year,
        state,
        kind,
        member_id: q.member,
        model_id: q.model,
        q: q.q.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
    };
    let (items, total) = st.db.commendations().list(p, &filter).await?;
    Ok(Json(Page {
        items: items.iter().map(CommendationOut::from).collect(),
        total,
        page,
        per_page,
    }))
}

async fn show(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CommendationOut>, ApiError> {
    let c = st.db.commendations().get(&user.principal, id).await?;
    Ok(Json(CommendationOut::from(&c)))
}

// ---- decide, decline, delete

/// The decision recorded on a proposal.
#[derive(Deserialize, ToSchema)]
#[schema(as = CommendationDecisionInput)]
pub struct DecisionBody {
    #[schema(value_type = String, required = true)]
    decision_number: Option<String>,
    /// Ngày quyết định, YYYY-MM-DD (không trước ngày đề nghị, không sau hôm nay).
    #[schema(value_type = String, format = Date, required = true)]
    decided_on: Option<String>,
    /// Cấp khen thưởng (mặc định: giữ như đề nghị).
    #[schema(value_type = Option<CommendationLevelName>)]
    level: Option<String>,
}

async fn decide(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Result<Json<CommendationOut>, ApiError> {
    let p = &user.principal;
    require(p, Capability::DecideCommendations)?;
    let mut f = Faults::default();
    let decision_number = f.text("decision_number", b.decision_number);
    let decided_on = f.date("decided_on", b.decided_on.as_deref());
    let level = optional(
        &mut f,
        "level",
        b.level.as_deref(),
        CommendationLevel::parse,
        LEVELS,
    );
    f.done()?;
    let c = st
        .db
        .commendations()
        .decide(
            p,
            &Actor::user(p, "api"),
            id,
            &decision_number,
            decided_on,
            level,
        )
        .await?;
    Ok(Json(CommendationOut::from(&c)))
}

/// Why a proposal is declined.
#[derive(Deserialize, ToSchema)]
#[schema(as = CommendationDeclineInput)]
pub struct DeclineBody {
    /// Lý do không chấp thuận.
    #[schema(value_type = String, required = true)]
    note: Option<String>,
}

async fn decline(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DeclineBody>,
) -> Result<Json<CommendationOut>, ApiError> {
    let p = &user.principal;
    require(p, Capability::DecideCommendations)?;
    let mut f = Faults::default();
    let note = f.text("note", b.note);
    f.done()?;
    let c = st
        .db
        .commendations()
        .decline(p, &Actor::user(p, "api"), id, &note)
        .await?;
    Ok(Json(CommendationOut::from(&c)))
}

async fn remove(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let p = &user.principal;
    require(p, Capability::ProposeCommendations)?;
    st.db
        .commendations()
        .delete(p, &Actor::user(p, "api"), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- summary

/// Query of `GET /commendations/summary`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Mã đơn vị (mặc định: đơn vị của tài khoản); tính người, tập thể được khen thuộc đơn vị đó và các đơn vị trực thuộc.
    unit: Option<String>,
    /// Ngày quyết định từ, YYYY-MM-DD (mặc định: 01/01 năm nay).
    from: Option<String>,
    /// Ngày quyết định đến, YYYY-MM-DD (mặc định: hôm nay).
    to: Option<String>,
}

/// Counts of decided commendations.
#[derive(Serialize, ToSchema)]
pub struct CommendationCountsOut {
    /// Số quyết định.
    decisions: i64,
    /// Lượt đảng viên được khen.
    members: i64,
    /// Lượt tập thể được khen.
    units: i64,
}

impl From<&CommendationCounts> for CommendationCountsOut {
    fn from(c: &CommendationCounts) -> Self {
        CommendationCountsOut {
            decisions: c.decisions,
            members: c.members,
            units: c.units,
        }
    }
}

/// The counts of one kind.
#[derive(Serialize, ToSchema)]
pub struct CommendationKindLine {
    #[schema(value_type = CommendationKindName)]
    kind: &'static str,
    label: &'static str,
    decisions: i64,
    members: i64,
    units: i64,
}

/// The counts of one level.
#[derive(Serialize, ToSchema)]
pub struct CommendationLevelLine {
    #[schema(value_type = CommendationLevelName)]
    level: &'static str,
    label: &'static str,
    decisions: i64,
    members: i64,
    units: i64,
}

/// Decided commendations of a subtree and period, by kind and level (every kind and level listed).
#[derive(Serialize, ToSchema)]
#[schema(as = CommendationSummary)]
pub struct CommendationSummaryOut {
    unit: UnitRef,
    from: NaiveDate,
    to: NaiveDate,
    total: CommendationCountsOut,
    by_kind: Vec<CommendationKindLine>,
    by_level: Vec<CommendationLevelLine>,
    /// Số đề nghị chưa quyết định.
    pending_proposals: i64,
}

impl From<&CommendationSummary> for CommendationSummaryOut {
    fn from(s: &CommendationSummary) -> Self {
        CommendationSummaryOut {
            unit: (&s.unit).into(),
            from: s.from,
            to: s.to,
            total: (&s.total).into(),
            by_kind: s
                .by_kind
                .iter()
                .map(|l| CommendationKindLine {
                    kind: l.kind.as_str(),
                    label: l.kind.label(),
                    decisions: l.counts.decisions,
                    members: l.counts.members,
                    units: l.counts.units,
                })
                .collect(),
            by_level: s
                .by_level
                .iter()
                .map(|l| CommendationLevelLine {
                    level: l.level.as_str(),
                    label: l.level.label(),
                    decisions: l.counts.decisions,
                    members: l.counts.members,
                    units: l.counts.units,
                })
                .collect(),
            pending_proposals: s.pending_proposals,
        }
    }
}

async fn summary(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Json<CommendationSummaryOut>, ApiError> {
    let p = &user.principal;
    if p.role == Role::Member {
        return Err(ApiError::forbidden());
    }
    let mut f = Faults::default();
    let from = f.opt_date("from", q.from.as_deref());
    let to = f.opt_date("to", q.to.as_deref());
    f.done()?;
    let today = st.db.today();
    let from = from
        .or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1))
        .unwrap_or(today);
    let to = to.unwrap_or(today);
    if to < from {
        return Err(ApiError::Store(StoreError::Invalid(vec![FieldError::new(
            "to",
            "Ngày kết thúc không thể trước ngày bắt đầu",
        )])));
    }
    let code = match unit_param(&st, p, q.unit.as_deref()).await? {
        Some(u) => u.code,
        None => st.db.units().unit(p, p.unit_id).await?.code,
    };
    let s = st.db.commendations().summary(p, &code, from, to).await?;
    Ok(Json(CommendationSummaryOut::from(&s)))
}
