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
use domain::registration::{Action, Rating};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{Actor, ItemInput, ItemKind, Registration};

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
        r("get", "/manifestations", "registrations", "27 biểu hiện suy thoái (mã cố định)", get(manifestations)),
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
        ("get", "/registrations/copy-clusters") => (
            None,
            json!({"type": "object", "properties": {"clusters": {"type": "array", "items": {"type": "object", "properties": {
            "registration_ids": {"type": "array", "items": {"type": "integer"}}, "member_ids": {"type": "array", "items": {"type": "integer"}},
            "min_similarity": {"type": "number"}, "cross_unit": {"type": "boolean"}}}}}}),
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
        "history": {"type": "object", "description": "Các phiên bản và các bước xử lý"}}}})
}

pub fn parameters(method: &str, path: &str) -> Vec<Value> {
    let q = |name: &str, ty: &str, desc: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": ty}, "description": desc});
    match (method, path) {
        ("get", "/registrations/copy-clusters") => vec![
            q("unit", "string", "Mã đơn vị: cả cây"),
            q("year", "integer", "Năm (mặc định năm nay)"),
        ],
        _ => Vec::new(),
    }
}
