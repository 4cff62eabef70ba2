//! API for registrations (issue 4): write, submit, return, approve, publish, revise; history; copy clusters;
//! the 27 manifestations; annual ratings.

use super::{parse_date_field, r, ApiJson, ApiRoute};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use chrono::Datelike;
use domain::policy::Principal;
use domain::registration::{Action, Outcome, Rating, Stage, Status};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{Actor, ItemInput, ItemKind, RegSummary, Registration, ReviewInput};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("post", "/registrations", "registrations", "Viết bản đăng ký năm của một đảng viên (bản nháp); trả về cờ chất lượng của từng nội dung", post(create)),
        r("get", "/registrations/copy-clusters", "registrations", "Các nhóm bản đăng ký gần như trùng nhau trong một cây đơn vị và một năm", get(copy_clusters)),
        r("get", "/registrations/{id}", "registrations", "Bản đăng ký (phiên bản hiện hành) và lịch sử", get(show)),
        r("put", "/registrations/{id}", "registrations", "Sửa nội dung bản đăng ký đang soạn hoặc bị trả lại", put(update)),
        r("post", "/registrations/{id}/submit", "registrations", "Nộp bản đăng ký", post(submit)),
        r("post", "/registrations/{id}/approve", "registrations", "Duyệt (bí thư chi bộ của đảng viên; cấp trên với người đứng đầu)", post(approve)),
        r("post", "/registrations/{id}/return", "registrations", "Trả lại để sửa, kèm ý kiến (chung và theo từng nội dung)", post(return_)),
        r("post", "/registrations/{id}/publish", "registrations", "Công khai (người đứng đầu, cán bộ chủ chốt)", post(publish)),
        r("post", "/registrations/{id}/revise", "registrations", "Lập phiên bản mới từ bản đã duyệt (bản cũ được giữ nguyên)", post(revise)),
        r("get", "/registrations", "registrations", "Danh sách bản đăng ký của một cây đơn vị trong một năm (lọc theo trạng thái)", get(list)),
        r("get", "/registrations/queue", "registrations", "Các bản đăng ký đang chờ người gọi duyệt", get(queue)),
        r("get", "/registrations/report", "registrations", "Báo cáo theo đơn vị: % đăng ký đúng hạn, % cụ thể, % gắn chức trách, % trùng lặp, % hoàn thành; người đứng đầu đăng ký sau", get(report)),
        r("post", "/registrations/{id}/review", "registrations", "Tự đánh giá giữa năm hoặc cuối năm từng nội dung", post(review)),
        r("post", "/registrations/{id}/assess", "registrations", "Chi bộ đánh giá từng nội dung (cuối năm)", post(assess)),
        r("post", "/members/{id}/registrations/copy-previous", "registrations", "Sao chép bản đăng ký năm trước gần nhất làm bản nháp của năm", post(copy_previous)),
        r("get", "/manifestations", "registrations", "27 biểu hiện suy thoái (mã cố định)", get(manifestations)),
        r("put", "/manifestations/{code}", "registrations", "Sửa tên một biểu hiện (văn phòng cấp ủy gốc; mã không đổi)", put(rename_manifestation)),
        r("post", "/members/{id}/rating", "registrations", "Xếp loại chất lượng năm của đảng viên (xác nhận mức gợi ý hoặc ghi lý do)", post(rate)),
    ]
}

pub fn registration_json(r: &Registration) -> Value {
    let items: Vec<Value> = r
        .items
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "position": i.position, "kind": i.kind.as_str(), "content": i.content, "duty": i.duty,
                "target": i.target, "target_number": i.target_number, "target_unit": i.target_unit,
                "deadline": i.deadline, "evidence": i.evidence,
                "flags": i.flags.iter().map(|f| json!({"flag": f.flag.as_str(), "message": f.message})).collect::<Vec<_>>(),
                "return_comment": i.return_comment,
                "midyear_outcome": i.midyear_outcome.map(|o| o.as_str()), "yearend_outcome": i.yearend_outcome.map(|o| o.as_str()),
                "assessed_outcome": i.assessed_outcome.map(|o| o.as_str()),
            })
        })
        .collect();
    json!({
        "id": r.id, "member_id": r.member_id, "member_name": r.member_name, "unit_code": r.unit_code,
        "unit_name": r.unit_name, "year": r.year, "version": r.version, "status": r.status.as_str(),
        "status_label": r.status.label(), "superseded": r.superseded, "head": r.head, "disclosed": r.disclosed,
        "return_comment": r.return_comment, "first_submitted_at": r.first_submitted_at, "submitted_at": r.submitted_at,
        "approved_at": r.approved_at, "approved_by": r.approved_by, "published_at": r.published_at,
        "pledges": r.pledges, "items": items, "created_at": r.created_at, "updated_at": r.updated_at,
        "suggested_rating": domain::registration::suggested_rating(&r.outcomes()).map(|x| x.as_str()),
    })
}

#[derive(Deserialize)]
struct ItemBody {
    content: Option<String>,
    duty: Option<String>,
    target: Option<String>,
    deadline: Option<String>,
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

#[derive(Deserialize)]
struct CreateBody {
    member_id: i64,
    year: i32,
    #[serde(default)]
    items: Vec<ItemBody>,
}

async fn create(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    let items = items_from(&b.items)?;
    let r = st
        .db
        .create_registration(&Actor::user(p, "api"), p, b.member_id, b.year, &items)
        .await?;
    Ok((StatusCode::CREATED, Json(registration_json(&r))))
}

#[derive(Deserialize)]
struct UpdateBody {
    #[serde(default)]
    items: Vec<ItemBody>,
}

async fn update(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let items = items_from(&b.items)?;
    let r = st
        .db
        .update_registration(&Actor::user(p, "api"), p, id, &items)
        .await?;
    Ok(Json(registration_json(&r)))
}

async fn show(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let r = st.db.registration(p, id).await?;
    let (versions, events) = st.db.registration_history(p, id).await?;
    let mut v = registration_json(&r);
    v["history"] = json!({"versions": versions, "events": events});
    Ok(Json(v))
}

#[derive(Deserialize, Default)]
struct ActionBody {
    #[serde(default)]
    comment: String,
    /// Comments per item: [{"position", "comment"}].
    #[serde(default)]
    items: Vec<ItemComment>,
}

#[derive(Deserialize)]
struct ItemComment {
    position: i64,
    comment: String,
}

async fn act(
    st: &AppState,
    p: &Principal,
    id: i64,
    action: Action,
    body: &[u8],
) -> Result<Json<Value>, ApiError> {
    let b: ActionBody = if body.iter().all(|c| c.is_ascii_whitespace()) {
        ActionBody::default()
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("Nội dung JSON không hợp lệ: {e}")))?
    };
    let item_comments: Vec<(i64, String)> = b
        .items
        .into_iter()
        .map(|c| (c.position, c.comment))
        .collect();
    let r = st
        .db
        .registration_action(
            &Actor::user(p, "api"),
            p,
            id,
            action,
            &b.comment,
            &item_comments,
        )
        .await?;
    Ok(Json(registration_json(&r)))
}

async fn submit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    act(&st, &user.principal, id, Action::Submit, &body).await
}
async fn approve(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    act(&st, &user.principal, id, Action::Approve, &body).await
}
async fn return_(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    act(&st, &user.principal, id, Action::Return, &body).await
}
async fn publish(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    act(&st, &user.principal, id, Action::Publish, &body).await
}
async fn revise(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    act(&st, &user.principal, id, Action::Revise, &body).await
}

#[derive(Deserialize)]
struct ReviewItem {
    position: i64,
    outcome: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    evidence: String,
}

#[derive(Deserialize)]
struct ReviewBody {
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
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let stage = Stage::parse(b.stage.as_deref().unwrap_or("").trim())
        .ok_or_else(|| ApiError::unprocessable("\"stage\" phải là midyear hoặc yearend"))?;
    let reviews = reviews_from(&b.items)?;
    let r = st
        .db
        .self_review(&Actor::user(p, "api"), p, id, stage, &reviews)
        .await?;
    Ok(Json(registration_json(&r)))
}

async fn assess(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReviewBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let reviews = reviews_from(&b.items)?;
    let r = st
        .db
        .assess_registration(&Actor::user(p, "api"), p, id, &reviews)
        .await?;
    Ok(Json(registration_json(&r)))
}

#[derive(Deserialize)]
struct CopyBody {
    year: i32,
}

async fn copy_previous(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CopyBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    let r = st
        .db
        .copy_previous_registration(&Actor::user(p, "api"), p, id, b.year)
        .await?;
    Ok((StatusCode::CREATED, Json(registration_json(&r))))
}

fn summary_json(s: &RegSummary) -> Value {
    json!({
        "id": s.id, "member_id": s.member_id, "member_name": s.member_name, "unit_id": s.unit_id,
        "unit_name": s.unit_name, "year": s.year, "version": s.version, "status": s.status.as_str(),
        "status_label": s.status.label(), "head": s.head, "disclosed": s.disclosed,
        "first_submitted_at": s.first_submitted_at, "submitted_at": s.submitted_at, "on_time": s.on_time,
        "items": s.items, "flagged_items": s.flagged_items,
        "flags": s.flag_counts.iter().map(|(f, n)| json!({"flag": f.as_str(), "label": f.label(), "items": n})).collect::<Vec<_>>(),
        "result": s.result.map(|x| (x * 1000.0).round() / 1000.0),
        "suggested_rating": s.suggested.map(|x| x.as_str()), "rating": s.rating.map(|x| x.as_str()),
    })
}

#[derive(Deserialize)]
struct ListQuery {
    unit: Option<String>,
    year: Option<i32>,
    status: Option<String>,
    limit: Option<usize>,
}

async fn list(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let path = super::subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let year = q.year.unwrap_or_else(|| st.db.today().year());
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            ApiError::unprocessable(
                "\"status\" phải là draft, submitted, returned, approved hoặc published",
            )
        })?),
        None => None,
    };
    let limit = q.limit.unwrap_or(500).clamp(1, 5000);
    let (items, total) = st
        .db
        .registrations_in(p, &path, year, status, limit)
        .await?;
    Ok(Json(json!({
        "year": year, "total": total,
        "items": items.iter().map(summary_json).collect::<Vec<_>>(),
    })))
}

async fn queue(State(st): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = st.db.approval_queue(&user.principal).await?;
    Ok(Json(json!({
        "total": items.len(),
        "items": items.iter().map(summary_json).collect::<Vec<_>>(),
    })))
}

fn stats_json(s: &domain::registration::RegStats) -> Value {
    let pct = |x: Option<f64>| x.map(|v| (v * 1000.0).round() / 10.0);
    json!({
        "members": s.members, "registered": s.registered, "on_time": s.on_time, "drafts": s.drafts,
        "submitted": s.submitted, "returned": s.returned, "approved": s.approved, "published": s.published,
        "copied": s.copied, "items": s.items, "specific_items": s.specific_items, "tied_items": s.tied_items,
        "approved_items": s.approved_items, "reviewed_items": s.reviewed_items, "done_items": s.done_items,
        "ratings": {"excellent": s.excellent, "good": s.good, "completed": s.completed, "not_completed": s.not_completed},
        "percent": {
            "registered": pct(s.registered_share()), "on_time": pct(s.on_time_share()),
            "specific": pct(s.specific_share()), "tied_to_duties": pct(s.tied_share()),
            "copied": pct(s.copied_share()), "items_done": pct(s.done_share()),
        },
    })
}

#[derive(Deserialize)]
struct ReportQuery {
    unit: Option<String>,
    year: Option<i32>,
}

async fn report(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let unit_id = match q.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => st.db.unit_by_code(p, code).await?.id,
        None => p.unit_id,
    };
    let year = q.year.unwrap_or_else(|| st.db.today().year());
    let rep = st.db.registration_report(p, unit_id, year).await?;
    Ok(Json(json!({
        "unit": rep.unit, "year": rep.year, "deadline": rep.deadline,
        "total": stats_json(&rep.total), "excellent_warning": rep.excellent_warning,
        "units": rep.lines.iter().map(|l| json!({
            "unit": l.unit, "stats": stats_json(&l.stats), "heads_late": l.heads_late,
            "excellent_warning": l.excellent_warning,
        })).collect::<Vec<_>>(),
        "heads_late": rep.heads_late,
    })))
}

#[derive(Deserialize)]
struct ClusterQuery {
    unit: Option<String>,
    year: Option<i32>,
}

async fn copy_clusters(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ClusterQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let path = super::subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let year = q.year.unwrap_or_else(|| st.db.today().year());
    let clusters = st.db.copy_clusters(p, &path, year).await?;
    let items: Vec<Value> = clusters
        .iter()
        .map(|c| {
            json!({"registration_ids": c.registration_ids, "member_ids": c.member_ids,
                   "members": c.members.iter().map(|(id, name, unit)| json!({"member_id": id, "full_name": name, "unit_name": unit})).collect::<Vec<_>>(),
                   "min_similarity": (c.min_similarity * 1000.0).round() / 1000.0, "cross_unit": c.cross_unit})
        })
        .collect();
    Ok(Json(
        json!({"year": year, "total": items.len(), "clusters": items}),
    ))
}

async fn manifestations(
    State(st): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Value>, ApiError> {
    let items = st.db.manifestations().await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct TitleBody {
    title: String,
}

async fn rename_manifestation(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<TitleBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let m = st
        .db
        .set_manifestation_title(&Actor::user(p, "api"), p, &code, &b.title)
        .await?;
    Ok(Json(json!(m)))
}

#[derive(Deserialize)]
struct RatingBody {
    year: i32,
    rating: String,
    #[serde(default)]
    reason: String,
}

async fn rate(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RatingBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let rating = Rating::parse(&b.rating).ok_or_else(|| {
        ApiError::unprocessable("\"rating\" phải là excellent, good, completed hoặc not_completed")
    })?;
    let warning = st
        .db
        .rate_member(&Actor::user(p, "api"), p, id, b.year, rating, &b.reason)
        .await?;
    Ok(Json(
        json!({"member_id": id, "year": b.year, "rating": rating.as_str(), "rating_label": rating.label(), "warning": warning}),
    ))
}

pub fn shapes(method: &str, path: &str) -> Option<(Option<Value>, Value)> {
    let reg = json!({"$ref": "#/components/schemas/Registration"});
    let item = json!({"type": "object", "required": ["content"], "properties": {
        "content": {"type": "string"}, "duty": {"type": "string", "description": "Chức trách hoặc lĩnh vực, ghi như người viết"},
        "target": {"type": "string", "example": "15 hộ"}, "deadline": {"type": "string", "description": "YYYY-MM-DD hoặc để trống"},
        "kind": {"type": "string", "enum": ["commitment", "exemplary"]}, "evidence": {"type": "string"}}});
    Some(match (method, path) {
        ("post", "/registrations") => (
            Some(
                json!({"type": "object", "required": ["member_id", "year", "items"], "properties": {
            "member_id": {"type": "integer"}, "year": {"type": "integer"}, "items": {"type": "array", "items": item}}}),
            ),
            reg,
        ),
        ("put", "/registrations/{id}") => (
            Some(
                json!({"type": "object", "properties": {"items": {"type": "array", "items": item}}}),
            ),
            reg,
        ),
        ("get", "/registrations/{id}") => (None, reg),
        ("post", p) if p.starts_with("/registrations/{id}/") => (
            Some(json!({"type": "object", "properties": {
            "comment": {"type": "string"}, "items": {"type": "array", "items": {"type": "object", "properties": {"position": {"type": "integer"}, "comment": {"type": "string"}}}}}})),
            reg,
        ),
        ("post", "/registrations/{id}/review") | ("post", "/registrations/{id}/assess") => (
            Some(json!({"type": "object", "properties": {
                "stage": {"type": "string", "enum": ["midyear", "yearend"], "description": "Chỉ với /review"},
                "items": {"type": "array", "items": {"type": "object", "required": ["position"], "properties": {
                    "position": {"type": "integer"}, "outcome": {"type": ["string", "null"], "enum": ["done", "partly", "not_done", null]},
                    "note": {"type": "string"}, "evidence": {"type": "string"}}}}}})),
            reg,
        ),
        ("post", "/members/{id}/registrations/copy-previous") => (
            Some(
                json!({"type": "object", "required": ["year"], "properties": {"year": {"type": "integer"}}}),
            ),
            reg,
        ),
        ("get", "/registrations") | ("get", "/registrations/queue") => (
            None,
            json!({"type": "object", "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "member_id": {"type": "integer"}, "member_name": {"type": "string"}, "status": {"type": "string"},
                "on_time": {"type": "boolean"}, "items": {"type": "integer"}, "flagged_items": {"type": "integer"},
                "flags": {"type": "array", "items": {"type": "object"}}, "result": {"type": ["number", "null"]}}}}}}),
        ),
        ("get", "/registrations/report") => (
            None,
            json!({"type": "object", "properties": {"total": {"$ref": "#/components/schemas/RegStats"},
                "units": {"type": "array", "items": {"type": "object", "properties": {"unit": {"type": "object"}, "stats": {"$ref": "#/components/schemas/RegStats"},
                    "heads_late": {"type": "integer"}, "excellent_warning": {"type": ["string", "null"]}}}},
                "heads_late": {"type": "array", "items": {"type": "object"}}}}),
        ),
        ("get", "/registrations/copy-clusters") => (
            None,
            json!({"type": "object", "properties": {"clusters": {"type": "array", "items": {"type": "object", "properties": {
            "registration_ids": {"type": "array", "items": {"type": "integer"}}, "member_ids": {"type": "array", "items": {"type": "integer"}},
            "min_similarity": {"type": "number"}, "cross_unit": {"type": "boolean"}}}}}}),
        ),
        ("put", "/manifestations/{code}") => (
            Some(
                json!({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}),
            ),
            json!({"type": "object", "properties": {"code": {"type": "string"}, "group": {"type": "string"}, "title": {"type": "string"}}}),
        ),
        ("post", "/members/{id}/rating") => (
            Some(
                json!({"type": "object", "required": ["year", "rating"], "properties": {
            "year": {"type": "integer"}, "rating": {"type": "string", "enum": ["excellent", "good", "completed", "not_completed"]}, "reason": {"type": "string"}}}),
            ),
            json!({"type": "object", "properties": {"warning": {"type": ["string", "null"]}}}),
        ),
        _ => return None,
    })
}

pub fn schemas() -> Value {
    json!({"Registration": {"type": "object", "properties": {
        "id": {"type": "integer"}, "member_id": {"type": "integer"}, "year": {"type": "integer"}, "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "submitted", "returned", "approved", "published"]},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "content": {"type": "string"}, "duty": {"type": "string"}, "target": {"type": "string"}, "target_number": {"type": ["number", "null"]},
            "target_unit": {"type": ["string", "null"]}, "deadline": {"type": ["string", "null"], "format": "date"},
            "flags": {"type": "array", "items": {"type": "object", "properties": {
                "flag": {"type": "string", "enum": ["vague", "not_tied_to_duty", "no_target", "no_deadline", "copied"]},
                "message": {"type": "string", "description": "Giải thích tiếng Việt"}}}}}}},
        "history": {"type": "object", "description": "Các phiên bản và các bước xử lý"}}},
        "RegStats": {"type": "object", "properties": {
            "members": {"type": "integer", "description": "Đảng viên phải đăng ký (đang sinh hoạt ngày 31/3)"},
            "registered": {"type": "integer"}, "on_time": {"type": "integer"}, "items": {"type": "integer"},
            "percent": {"type": "object", "properties": {
                "registered": {"type": ["number", "null"]}, "on_time": {"type": ["number", "null"]}, "specific": {"type": ["number", "null"]},
                "tied_to_duties": {"type": ["number", "null"]}, "copied": {"type": ["number", "null"]}, "items_done": {"type": ["number", "null"]}}}}}})
}

pub fn parameters(method: &str, path: &str) -> Vec<Value> {
    let q = |name: &str, ty: &str, desc: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": ty}, "description": desc});
    match (method, path) {
        ("get", "/registrations") => vec![
            q("unit", "string", "Mã đơn vị: cả cây"),
            q("year", "integer", "Năm (mặc định năm nay)"),
            q(
                "status",
                "string",
                "draft, submitted, returned, approved, published",
            ),
            q("limit", "integer", "Tối đa (mặc định 500)"),
        ],
        ("get", "/registrations/report") => vec![
            q(
                "unit",
                "string",
                "Mã đơn vị (mặc định đơn vị của người gọi)",
            ),
            q("year", "integer", "Năm (mặc định năm nay)"),
        ],
        ("get", "/registrations/copy-clusters") => vec![
            q("unit", "string", "Mã đơn vị: cả cây"),
            q("year", "integer", "Năm (mặc định năm nay)"),
        ],
        _ => Vec::new(),
    }
}
