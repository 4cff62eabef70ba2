//! API for registrations: write, submit, return, approve, publish, revise, review; history. Lists, the
//! report and copy clusters are in `lists`, the manifestations and annual ratings in `ratings`.

use super::{parse_date_field, r, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use chrono::NaiveDate;
use domain::policy::Principal;
use domain::registration::{Action, Outcome, Stage};
use serde::{Deserialize, Serialize};
use store::{Actor, ItemInput, ItemKind, Registration, ReviewInput};
use utoipa::ToSchema;

mod lists;
mod ratings;

use lists::{
    copy_clusters, list, queue, report, ClusterQuery, CopyClusters, ListQuery, RegistrationList,
    RegistrationReport, RegistrationSummary, ReportQuery,
};
use ratings::{
    manifestations, propose, rate, rename_manifestation, ManifestationOut, ProposalBody,
    ProposalOut, RatingBody, RatingOut, TitleBody,
};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("post", "/registrations", "registrations", "Viết bản đăng ký năm của một đảng viên (bản nháp); trả về cờ chất lượng của từng nội dung", post(create))
            .body::<CreateBody>()
            .created::<RegistrationOut>(),
        r("get", "/registrations/copy-clusters", "registrations", "Các nhóm bản đăng ký gần như trùng nhau trong một năm, trong một đơn vị và các đơn vị trực thuộc", get(copy_clusters))
            .query::<ClusterQuery>()
            .json::<CopyClusters>(),
        r("get", "/registrations/{id}", "registrations", "Bản đăng ký (phiên bản hiện hành) và lịch sử", get(show))
            .json::<RegistrationOut>(),
        r("put", "/registrations/{id}", "registrations", "Sửa nội dung bản đăng ký đang soạn hoặc bị trả lại", put(update))
            .body::<UpdateBody>()
            .json::<RegistrationOut>(),
        r("post", "/registrations/{id}/submit", "registrations", "Nộp bản đăng ký", action(Action::Submit))
            .body::<ActionBody>()
            .json::<RegistrationOut>(),
        r("post", "/registrations/{id}/approve", "registrations", "Duyệt (bí thư chi bộ của đảng viên; cấp trên với người đứng đầu)", action(Action::Approve))
            .body::<ActionBody>()
            .json::<RegistrationOut>(),
        r("post", "/registrations/{id}/return", "registrations", "Trả lại để sửa, kèm ý kiến (chung và theo từng nội dung)", action(Action::Return))
            .body::<ActionBody>()
            .json::<RegistrationOut>(),
        r("post", "/registrations/{id}/publish", "registrations", "Công khai (người đứng đầu, cán bộ chủ chốt)", action(Action::Publish))
            .body::<ActionBody>()
            .json::<RegistrationOut>(),
        r("post", "/registrations/{id}/revise", "registrations", "Lập phiên bản mới từ bản đã duyệt (bản cũ được giữ nguyên)", action(Action::Revise))
            .body::<ActionBody>()
            .json::<RegistrationOut>(),
        r("get", "/registrations", "registrations", "Danh sách bản đăng ký của một đơn vị và các đơn vị trực thuộc trong một năm (lọc theo trạng thái)", get(list))
            .query::<ListQuery>()
            .json::<RegistrationList>(),
        r("get", "/registrations/queue", "registrations", "Các bản đăng ký đang chờ người gọi duyệt", get(queue))
            .json::<Items<RegistrationSummary>>(),
        r("get", "/registrations/report", "registrations", "Báo cáo theo đơn vị: % đăng ký đúng hạn, % cụ thể, % gắn chức trách, % trùng lặp, % hoàn thành; người đứng đầu đăng ký sau", get(report))
            .query::<ReportQuery>()
            .json::<RegistrationReport>(),
        r("post", "/registrations/{id}/review", "registrations", "Tự đánh giá giữa năm hoặc cuối năm từng nội dung", post(review))
            .body::<ReviewBody>()
            .json::<RegistrationOut>(),
        r("post", "/registrations/{id}/assess", "registrations", "Chi bộ đánh giá từng nội dung (cuối năm)", post(assess))
            .body::<ReviewBody>()
            .json::<RegistrationOut>(),
        r("post", "/members/{id}/registrations/copy-previous", "registrations", "Sao chép bản đăng ký năm trước gần nhất làm bản nháp của năm", post(copy_previous))
            .body::<CopyBody>()
            .created::<RegistrationOut>(),
        r("get", "/manifestations", "registrations", "27 biểu hiện suy thoái (mã cố định)", get(manifestations))
            .json::<Items<ManifestationOut>>(),
        r("put", "/manifestations/{code}", "registrations", "Sửa tên một biểu hiện (văn phòng cấp ủy gốc; mã không đổi)", put(rename_manifestation))
            .body::<TitleBody>()
            .json::<ManifestationOut>(),
        r("post", "/members/{id}/rating", "registrations", "Quyết định xếp loại chất lượng năm của đảng viên (đảng ủy cơ sở; theo đề xuất của chi bộ hoặc ghi lý do)", post(rate))
            .body::<RatingBody>()
            .json::<RatingOut>(),
        r("post", "/members/{id}/rating-proposal", "registrations", "Chi bộ đề xuất xếp loại chất lượng năm của đảng viên (xác nhận mức gợi ý hoặc ghi lý do)", post(propose))
            .body::<ProposalBody>()
            .json::<ProposalOut>(),
    ]
}

// Documentation only: the API sends and reads these snake_case names as strings.
/// The status of a registration.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RegistrationStatusName {
    Draft,
    Submitted,
    Returned,
    Approved,
    Published,
}

// Documentation only.
/// An item's outcome.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum OutcomeName {
    Done,
    Partly,
    NotDone,
}

// Documentation only.
/// An annual rating.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RatingName {
    Excellent,
    Good,
    Completed,
    NotCompleted,
}

// Documentation only.
/// The kind of an item.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ItemKindName {
    /// Học tập và làm theo.
    Commitment,
    /// Nêu gương.
    Exemplary,
}

// Documentation only.
/// A quality flag of an item.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum FlagName {
    Vague,
    NotTiedToDuty,
    NoTarget,
    NoDeadline,
    Copied,
}

// Documentation only.
/// A review stage.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum StageName {
    Midyear,
    Yearend,
}

/// A quality flag on an item, with its explanation.
#[derive(Serialize, ToSchema)]
pub struct ItemFlag {
    #[schema(value_type = FlagName)]
    flag: &'static str,
    /// Giải thích tiếng Việt.
    message: String,
}

/// An item of a registration.
#[derive(Serialize, ToSchema)]
pub struct RegistrationItem {
    id: i64,
    position: i64,
    #[schema(value_type = ItemKindName)]
    kind: &'static str,
    content: String,
    duty: String,
    target: String,
    target_number: Option<f64>,
    target_unit: Option<String>,
    deadline: Option<NaiveDate>,
    evidence: String,
    flags: Vec<ItemFlag>,
    return_comment: String,
    #[schema(value_type = Option<OutcomeName>)]
    midyear_outcome: Option<&'static str>,
    #[schema(value_type = Option<OutcomeName>)]
    yearend_outcome: Option<&'static str>,
    #[schema(value_type = Option<OutcomeName>)]
    assessed_outcome: Option<&'static str>,
}

/// A version in a registration's history.
#[derive(Serialize, ToSchema)]
pub struct RegistrationVersion {
    id: i64,
    version: i64,
    #[schema(value_type = RegistrationStatusName)]
    status: &'static str,
    superseded: bool,
    approved_at: Option<String>,
}

/// A step of a registration's workflow.
#[derive(Serialize, ToSchema)]
pub struct RegistrationStep {
    action: String,
    from_status: Option<String>,
    to_status: String,
    by: String,
    at: String,
    comment: String,
}

/// Các phiên bản và các bước xử lý.
#[derive(Serialize, ToSchema)]
pub struct RegistrationHistory {
    versions: Vec<RegistrationVersion>,
    events: Vec<RegistrationStep>,
}

/// A registration (its current version).
#[derive(Serialize, ToSchema)]
#[schema(as = Registration)]
pub struct RegistrationOut {
    id: i64,
    member_id: i64,
    member_name: String,
    unit_code: String,
    unit_name: String,
    year: i32,
    version: i64,
    #[schema(value_type = RegistrationStatusName)]
    status: &'static str,
    status_label: &'static str,
    superseded: bool,
    head: bool,
    disclosed: bool,
    return_comment: String,
    first_submitted_at: Option<String>,
    submitted_at: Option<String>,
    approved_at: Option<String>,
    approved_by: Option<String>,
    published_at: Option<String>,
    pledges: Vec<String>,
    /// Ngày đảng viên cam kết bổ sung không vi phạm 27 biểu hiện suy thoái (Nghị quyết Trung ương 4 khóa
    /// XII), khi cam kết sau ngày viết bản đăng ký; null: cam kết ngay khi viết.
    pledged_at: Option<NaiveDate>,
    items: Vec<RegistrationItem>,
    created_at: String,
    updated_at: String,
    #[schema(value_type = Option<RatingName>)]
    suggested_rating: Option<&'static str>,
    /// Chỉ có khi đọc một bản đăng ký (GET).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = RegistrationHistory)]
    history: Option<RegistrationHistory>,
}

fn registration_out(r: &Registration) -> RegistrationOut {
    let items = r
        .items
        .iter()
        .map(|i| RegistrationItem {
            id: i.id,
            position: i.position,
            kind: i.kind.as_str(),
            content: i.content.clone(),
            duty: i.duty.clone(),
            target: i.target.clone(),
            target_number: i.target_number,
            target_unit: i.target_unit.clone(),
            deadline: i.deadline,
            evidence: i.evidence.clone(),
            flags: i
                .flags
                .iter()
                .map(|f| ItemFlag {
                    flag: f.flag.as_str(),
                    message: f.message.clone(),
                })
                .collect(),
            return_comment: i.return_comment.clone(),
            midyear_outcome: i.midyear_outcome.map(|o| o.as_str()),
            yearend_outcome: i.yearend_outcome.map(|o| o.as_str()),
            assessed_outcome: i.assessed_outcome.map(|o| o.as_str()),
        })
        .collect();
    RegistrationOut {
        id: r.id,
        member_id: r.member_id,
        member_name: r.member_name.clone(),
        unit_code: r.unit_code.clone(),
        unit_name: r.unit_name.clone(),
        year: r.year,
        version: r.version,
        status: r.status.as_str(),
        status_label: r.status.label(),
        superseded: r.superseded,
        head: r.head,
        disclosed: r.disclosed,
        return_comment: r.return_comment.clone(),
        first_submitted_at: r.first_submitted_at.clone(),
        submitted_at: r.submitted_at.clone(),
        approved_at: r.approved_at.clone(),
        approved_by: r.approved_by.clone(),
        published_at: r.published_at.clone(),
        pledges: r.pledges.clone(),
        pledged_at: r.pledged_at.map(domain::registration::vn_date),
        items,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
        suggested_rating: domain::registration::suggested_rating(&r.outcomes()).map(|x| x.as_str()),
        history: None,
    }
}

/// An item as written.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = RegistrationItemInput)]
pub struct ItemBody {
    #[schema(value_type = String, required = true)]
    content: Option<String>,
    /// Chức trách hoặc lĩnh vực, ghi như người viết.
    duty: Option<String>,
    #[schema(example = "15 hộ")]
    target: Option<String>,
    /// YYYY-MM-DD hoặc để trống.
    deadline: Option<String>,
    #[schema(value_type = Option<ItemKindName>)]
    kind: Option<String>,
    evidence: Option<String>,
}

fn items_from(body: &[ItemBody]) -> Result<Vec<ItemInput>, ApiError> {
    body.iter()
        .enumerate()
        .map(|(i, b)| {
            let deadline = match b.deadline.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(s) => Some(parse_date_field(&format!("items[{i}].deadline"), s)?),
            };
            let kind = ItemKind::parse(b.kind.as_deref().unwrap_or("")).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "\"items[{i}].kind\" phải là commitment hoặc exemplary"
                ))
            })?;
            Ok(ItemInput {
                kind,
                content: b.content.clone().unwrap_or_default(),
                duty: b.duty.clone().unwrap_or_default(),
                target: b.target.clone().unwrap_or_default(),
                deadline,
                evidence: b.evidence.clone().unwrap_or_default(),
            })
        })
        .collect()
}

/// A new registration (a draft).
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = RegistrationInput)]
pub struct CreateBody {
    member_id: i64,
    year: i32,
    #[serde(default)]
    #[schema(required = true)]
    items: Vec<ItemBody>,
}

async fn create(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<RegistrationOut>), ApiError> {
    let p = &user.principal;
    let items = items_from(&b.items)?;
    let r = st
        .db
        .registrations()
        .create_registration(&Actor::user(p, "api"), p, b.member_id, b.year, &items)
        .await?;
    Ok((StatusCode::CREATED, Json(registration_out(&r))))
}

/// The items of a registration, replacing the current ones.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = RegistrationItems)]
pub struct UpdateBody {
    #[serde(default)]
    items: Vec<ItemBody>,
}

async fn update(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateBody>,
) -> Result<Json<RegistrationOut>, ApiError> {
    let p = &user.principal;
    let items = items_from(&b.items)?;
    let r = st
        .db
        .registrations()
        .update_registration(&Actor::user(p, "api"), p, id, &items)
        .await?;
    Ok(Json(registration_out(&r)))
}

async fn show(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RegistrationOut>, ApiError> {
    let p = &user.principal;
    let r = st.db.registrations().registration(p, id).await?;
    let (versions, events) = st.db.registrations().registration_history(p, id).await?;
    let mut out = registration_out(&r);
    out.history = Some(RegistrationHistory {
        versions: versions
            .iter()
            .map(|v| RegistrationVersion {
                id: v.id,
                version: v.version,
                status: v.status.as_str(),
                superseded: v.superseded,
                approved_at: v.approved_at.clone(),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| RegistrationStep {
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                by: e.by,
                at: e.at,
                comment: e.comment,
            })
            .collect(),
    });
    Ok(Json(out))
}

/// A workflow step's comments (the body may be empty).
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[schema(as = RegistrationAction)]
pub struct ActionBody {
    #[serde(default)]
    comment: String,
    /// Comments per item: [{"position", "comment"}].
    #[serde(default)]
    items: Vec<ItemComment>,
}

/// A comment on one item, by its position.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ItemComment {
    position: i64,
    comment: String,
}

/// The route of one workflow action (submit, approve, return, publish, revise): the same handler, its
/// action fixed.
fn action(a: Action) -> axum::routing::MethodRouter<AppState> {
    post(
        move |State(st): State<AppState>,
              user: ApiUser,
              ApiPath(id): ApiPath<i64>,
              body: axum::body::Bytes| async move {
            act(&st, &user.principal, id, a, &body).await
        },
    )
}

async fn act(
    st: &AppState,
    p: &Principal,
    id: i64,
    action: Action,
    body: &[u8],
) -> Result<Json<RegistrationOut>, ApiError> {
    let b: ActionBody = crate::api::optional_json(body)?;
    let item_comments: Vec<(i64, String)> = b
        .items
        .into_iter()
        .map(|c| (c.position, c.comment))
        .collect();
    let r = st
        .db
        .registrations()
        .registration_action(
            &Actor::user(p, "api"),
            p,
            id,
            action,
            &b.comment,
            &item_comments,
        )
        .await?;
    Ok(Json(registration_out(&r)))
}

/// The review of one item, by its position.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = ItemReview)]
pub struct ReviewItem {
    position: i64,
    #[schema(value_type = Option<OutcomeName>)]
    outcome: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    evidence: String,
}

/// A self-review (`/review`, with `stage`) or the cell's assessment (`/assess`).
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = RegistrationReview)]
pub struct ReviewBody {
    /// Chỉ với /review.
    #[schema(value_type = Option<StageName>)]
    stage: Option<String>,
    #[serde(default)]
    items: Vec<ReviewItem>,
}

fn reviews_from(items: &[ReviewItem]) -> Result<Vec<ReviewInput>, ApiError> {
    items
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let outcome = match i.outcome.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(s) => Some(Outcome::parse(s).ok_or_else(|| {
                    ApiError::unprocessable(format!(
                        "\"items[{k}].outcome\" phải là done, partly hoặc not_done"
                    ))
                })?),
            };
            Ok(ReviewInput {
                position: i.position,
                outcome,
                note: i.note.clone(),
                evidence: i.evidence.clone(),
            })
        })
        .collect()
}

async fn review(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReviewBody>,
) -> Result<Json<RegistrationOut>, ApiError> {
    let p = &user.principal;
    let stage = Stage::parse(b.stage.as_deref().unwrap_or("").trim())
        .ok_or_else(|| ApiError::unprocessable("\"stage\" phải là midyear hoặc yearend"))?;
    let reviews = reviews_from(&b.items)?;
    let r = st
        .db
        .registrations()
        .self_review(&Actor::user(p, "api"), p, id, stage, &reviews)
        .await?;
    Ok(Json(registration_out(&r)))
}

async fn assess(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReviewBody>,
) -> Result<Json<RegistrationOut>, ApiError> {
    let p = &user.principal;
    let reviews = reviews_from(&b.items)?;
    let r = st
        .db
        .registrations()
        .assess_registration(&Actor::user(p, "api"), p, id, &reviews)
        .await?;
    Ok(Json(registration_out(&r)))
}

/// The year of the new draft.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = CopyPrevious)]
pub struct CopyBody {
    year: i32,
}

async fn copy_previous(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CopyBody>,
) -> Result<(StatusCode, Json<RegistrationOut>), ApiError> {
    let p = &user.principal;
    let r = st
        .db
        .registrations()
        .copy_previous_registration(&Actor::user(p, "api"), p, id, b.year)
        .await?;
    Ok((StatusCode::CREATED, Json(registration_out(&r))))
}
