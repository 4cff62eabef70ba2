//! API for the registry of good-practice models (issue 5): models of a subtree with their owner unit and
//! replications, results over time, evidence photos (multipart upload, checked by content) and adoptions.

use super::{parse_date_field, r, ApiJson, ApiRoute};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use domain::models::ModelStatus;
use domain::policy::Principal;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{Actor, Adoption, Model, ModelDetail, ModelFilter, ModelInput, ResultInput};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/models", "models", "Mô hình, cách làm hay của một cây đơn vị, mỗi mô hình kèm đơn vị chủ trì và các đơn vị đã nhân rộng", get(list)),
        r("post", "/models", "models", "Ghi nhận một mô hình, cách làm hay của đơn vị", post(create)),
        r("get", "/models/adopted", "models", "Các mô hình mà các đơn vị trong một cây đơn vị đã nhận nhân rộng", get(adopted)),
        r("get", "/models/{id}", "models", "Một mô hình: mô tả, kết quả theo thời gian, ảnh, nơi đã nhân rộng", get(show)),
        r("put", "/models/{id}", "models", "Sửa mô hình (không đổi đơn vị chủ trì)", put(update)),
        r("post", "/models/{id}/results", "models", "Ghi một kết quả đo được của mô hình vào một ngày", post(add_result)),
        r("delete", "/models/{id}/results/{result_id}", "models", "Xóa một kết quả ghi nhầm (vẫn lưu trong nhật ký)", delete(delete_result)),
        r("post", "/models/{id}/adoptions", "models", "Ghi nhận một đơn vị nhận nhân rộng mô hình (người quản lý đơn vị nhận ghi)", post(adopt)),
        r("delete", "/models/{id}/adoptions/{unit_code}", "models", "Xóa ghi nhận nhân rộng của một đơn vị (ghi nhầm)", delete(unadopt)),
        r("post", "/models/{id}/photos", "models", "Tải ảnh minh chứng lên (multipart: file, caption); chỉ nhận JPEG, PNG, WebP ≤ 8 MB, kiểm tra theo nội dung", post(upload_photo)),
        r("get", "/models/{id}/photos/{photo_id}", "models", "Tải về ảnh gốc", get(photo)),
        r("get", "/models/{id}/photos/{photo_id}/thumbnail", "models", "Ảnh thu nhỏ (JPEG, rộng tối đa 480 điểm ảnh)", get(thumbnail)),
        r("delete", "/models/{id}/photos/{photo_id}", "models", "Xóa một ảnh", delete(delete_photo)),
    ]
}

fn unit_ref(u: &store::UnitRef) -> Value {
    json!({"id": u.id, "code": u.code, "name": u.name})
}

fn adoption_json(a: &Adoption) -> Value {
    json!({"unit": unit_ref(&a.unit), "adopted_on": a.adopted_on, "note": a.note,
           "created_by": a.created_by, "created_at": a.created_at})
}

pub fn model_json(m: &Model, p: &Principal) -> Value {
    json!({
        "id": m.id, "owner": unit_ref(&m.unit), "name": m.name, "field": m.field, "description": m.description,
        "started_on": m.started_on, "participants": m.participants, "participants_count": m.participants_count,
        "status": m.status.as_str(), "status_label": m.status.label(), "public": m.public,
        "replications": m.replications.iter().map(adoption_json).collect::<Vec<_>>(),
        "result_count": m.result_count, "photo_count": m.photo_count,
        "can_edit": p.can_manage_model(&m.unit_path),
        "created_by": m.created_by, "created_at": m.created_at, "updated_by": m.updated_by, "updated_at": m.updated_at,
    })
}

fn detail_json(d: &ModelDetail, p: &Principal) -> Value {
    let mut v = model_json(&d.model, p);
    v["results"] = d
        .results
        .iter()
        .map(|r| {
            json!({"id": r.id, "measured_on": r.measured_on, "indicator": r.indicator, "value": r.value,
                   "unit": r.unit, "note": r.note, "created_by": r.created_by, "created_at": r.created_at})
        })
        .collect();
    v["photos"] = d
        .photos
        .iter()
        .map(|ph| {
            json!({"id": ph.id, "filename": ph.filename, "content_type": ph.content_type, "size": ph.size,
                   "width": ph.width, "height": ph.height, "caption": ph.caption,
                   "url": format!("/api/v1/models/{}/photos/{}", d.model.id, ph.id),
                   "thumbnail_url": format!("/api/v1/models/{}/photos/{}/thumbnail", d.model.id, ph.id),
                   "uploaded_by": ph.uploaded_by, "uploaded_at": ph.uploaded_at})
        })
        .collect();
    v
}

fn status_field(s: Option<&str>) -> Result<Option<ModelStatus>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => ModelStatus::parse(s).map(Some).ok_or_else(|| {
            ApiError::unprocessable("\"status\" phải là in_progress, replicated hoặc commended")
        }),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    unit: Option<String>,
    field: Option<String>,
    status: Option<String>,
    q: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let unit_path = super::subtree_of(&st, p, q.unit.as_deref()).await?;
    let f = ModelFilter {
        unit_path,
        with_ancestors: false,
        field: q.field,
        status: status_field(q.status.as_deref())?,
        q: q.q,
        limit: q.limit.unwrap_or(500),
    };
    let items: Vec<Value> = st
        .db
        .list_models(p, &f)
        .await?
        .iter()
        .map(|m| model_json(m, p))
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct AdoptedQuery {
    unit: Option<String>,
}

async fn adopted(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AdoptedQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let path = super::subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let items: Vec<Value> = st
        .db
        .adopted_models(p, &path)
        .await?
        .iter()
        .map(|a| {
            json!({"unit": unit_ref(&a.adoption.unit), "adopted_on": a.adoption.adopted_on,
                   "note": a.adoption.note, "model": model_json(&a.model, p)})
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct ModelBody {
    unit_code: Option<String>,
    name: Option<String>,
    field: Option<String>,
    description: Option<String>,
    started_on: Option<String>,
    participants: Option<String>,
    participants_count: Option<i64>,
    status: Option<String>,
    public: Option<bool>,
}

/// Applies the fields present in the body over `base` (absent fields keep their value).
fn input_from(b: ModelBody, base: ModelInput) -> Result<ModelInput, ApiError> {
    Ok(ModelInput {
        unit_code: b.unit_code.unwrap_or(base.unit_code),
        name: b.name.unwrap_or(base.name),
        field: b.field.unwrap_or(base.field),
        description: b.description.unwrap_or(base.description),
        started_on: match b.started_on.as_deref() {
            Some(s) => Some(parse_date_field("started_on", s)?),
            None => base.started_on,
        },
        participants: b.participants.unwrap_or(base.participants),
        participants_count: b.participants_count.or(base.participants_count),
        status: status_field(b.status.as_deref())?.unwrap_or(base.status),
        public: b.public.unwrap_or(base.public),
    })
}

async fn create(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<ModelBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    let empty = ModelInput {
        unit_code: String::new(),
        name: String::new(),
        field: String::new(),
        description: String::new(),
        started_on: None,
        participants: String::new(),
        participants_count: None,
        status: ModelStatus::InProgress,
        public: true,
    };
    let input = input_from(b, empty)?;
    let m = st
        .db
        .create_model(&Actor::user(p, "api"), Some(p), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(model_json(&m, p))))
}

async fn show(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let d = st.db.model_detail(p, id).await?;
    Ok(Json(detail_json(&d, p)))
}

async fn update(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ModelBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let current = st.db.model(p, id).await?;
    let input = input_from(b, ModelInput::from_model(&current))?;
    let m = st
        .db
        .update_model(&Actor::user(p, "api"), p, id, &input)
        .await?;
    Ok(Json(model_json(&m, p)))
}

#[derive(Deserialize)]
struct ResultBody {
    measured_on: Option<String>,
    indicator: Option<String>,
    value: Option<f64>,
    unit: Option<String>,
    note: Option<String>,
}

async fn add_result(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResultBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    let input = ResultInput {
        measured_on: b
            .measured_on
            .as_deref()
            .map(|s| parse_date_field("measured_on", s))
            .transpose()?,
        indicator: b.indicator.unwrap_or_default(),
        value: b.value,
        unit: b.unit.unwrap_or_default(),
        note: b.note.unwrap_or_default(),
    };
    let r = st
        .db
        .add_model_result(&Actor::user(p, "api"), Some(p), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(r))))
}

async fn delete_result(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, result_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let p = &user.principal;
    st.db
        .delete_model_result(&Actor::user(p, "api"), p, id, result_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct AdoptBody {
    unit_code: Option<String>,
    adopted_on: Option<String>,
    note: Option<String>,
}

async fn adopt(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AdoptBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    let date = b
        .adopted_on
        .as_deref()
        .map(|s| parse_date_field("adopted_on", s))
        .transpose()?;
    let a = st
        .db
        .adopt_model(
            &Actor::user(p, "api"),
            Some(p),
            id,
            b.unit_code.as_deref().unwrap_or_default(),
            date,
            b.note.as_deref().unwrap_or_default(),
        )
        .await?;
    let m = st.db.model_unscoped(id).await?;
    let mut v = adoption_json(&a);
    v["model_status"] = json!(m.status.as_str());
    Ok((StatusCode::CREATED, Json(v)))
}

async fn unadopt(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, unit_code)): ApiPath<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    let p = &user.principal;
    st.db
        .remove_adoption(&Actor::user(p, "api"), p, id, &unit_code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads the multipart fields `file` (name and bytes) and `caption`.
pub async fn read_photo_form(
    mut mp: Multipart,
) -> Result<(Option<(String, Vec<u8>)>, String, String), String> {
    let broken = || "Dữ liệu tải lên bị lỗi hoặc lớn quá giới hạn".to_string();
    let mut file = None;
    let mut caption = String::new();
    let mut csrf = String::new();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let filename = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(|_| broken())?;
                match name.as_str() {
                    "file" => {
                        file = Some((filename.unwrap_or_else(|| "anh".into()), bytes.to_vec()))
                    }
                    "caption" => caption = String::from_utf8_lossy(&bytes).to_string(),
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).to_string(),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return Err(broken()),
        }
    }
    Ok((file.filter(|(_, b)| !b.is_empty()), caption, csrf))
}

async fn upload_photo(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    // Scope first: a model outside the scope is 404 whatever the body.
    st.db.model(p, id).await?;
    let mp = Multipart::from_request(req, &st).await.map_err(|_| {
        ApiError::bad_request(
            "Ảnh phải gửi dạng multipart/form-data với trường \"file\" (và \"caption\" nếu có)",
        )
    })?;
    let (file, caption, _) = read_photo_form(mp).await.map_err(ApiError::bad_request)?;
    let Some((name, bytes)) = file else {
        return Err(ApiError::unprocessable("Thiếu tệp ảnh (trường \"file\")"));
    };
    let info = st
        .db
        .add_model_photo(&Actor::user(p, "api"), Some(p), id, &name, &bytes, &caption)
        .await?;
    let mut v = json!(info);
    v["url"] = json!(format!("/api/v1/models/{id}/photos/{}", info.id));
    v["thumbnail_url"] = json!(format!("/api/v1/models/{id}/photos/{}/thumbnail", info.id));
    Ok((StatusCode::CREATED, Json(v)))
}

/// An image response: the stored content type (checked at upload), inline, cached privately.
pub fn image_response(content_type: &str, filename: &str, bytes: Vec<u8>) -> Response {
    let disposition =
        crate::pages::content_disposition(filename).replacen("attachment", "inline", 1);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn photo(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (info, bytes) = st
        .db
        .model_photo(&user.principal, id, photo_id, false)
        .await?;
    Ok(image_response(&info.content_type, &info.filename, bytes))
}

async fn thumbnail(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (info, bytes) = st
        .db
        .model_photo(&user.principal, id, photo_id, true)
        .await?;
    Ok(image_response(
        "image/jpeg",
        &format!("thu-nho-{}.jpg", info.id),
        bytes,
    ))
}

async fn delete_photo(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let p = &user.principal;
    st.db
        .delete_model_photo(&Actor::user(p, "api"), p, id, photo_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// OpenAPI request/response shapes of these routes.
pub fn shapes(method: &str, path: &str) -> Option<(Option<Value>, Value)> {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let list = |name: &str| json!({"type": "object", "properties": {"items": {"type": "array", "items": r(name)}, "total": {"type": "integer"}}});
    let image = json!({"type": "string", "format": "binary", "description": "Ảnh (image/jpeg, image/png hoặc image/webp)"});
    Some(match (method, path) {
        ("get", "/models") => (None, list("Model")),
        ("post", "/models") | ("put", "/models/{id}") => (Some(r("ModelInput")), r("Model")),
        ("get", "/models/{id}") => (None, r("ModelDetail")),
        ("get", "/models/adopted") => (
            None,
            json!({"type": "object", "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object", "properties": {
                "unit": r("UnitRef"), "adopted_on": {"type": "string", "format": "date"}, "note": {"type": "string"}, "model": r("Model")}}}}}),
        ),
        ("post", "/models/{id}/results") => (Some(r("ModelResultInput")), r("ModelResult")),
        ("post", "/models/{id}/adoptions") => (
            Some(
                json!({"type": "object", "required": ["unit_code", "adopted_on"], "properties": {
                "unit_code": {"type": "string", "description": "Mã đơn vị nhận nhân rộng"},
                "adopted_on": {"type": "string", "format": "date"}, "note": {"type": "string"}}}),
            ),
            json!({"allOf": [r("Replication"), {"type": "object", "properties": {"model_status": {"type": "string", "description": "Trạng thái mô hình sau khi ghi nhận (mô hình đang triển khai được chuyển sang nhân rộng)"}}}]}),
        ),
        ("post", "/models/{id}/photos") => (
            Some(
                json!({"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary", "description": "JPEG, PNG hoặc WebP, tối đa 8 MB và 40 triệu điểm ảnh"},
                "caption": {"type": "string"}}}),
            ),
            r("ModelPhoto"),
        ),
        ("get", "/models/{id}/photos/{photo_id}")
        | ("get", "/models/{id}/photos/{photo_id}/thumbnail") => (None, image),
        ("delete", _) if path.starts_with("/models/") => (
            None,
            json!({"type": "object", "description": "204: đã xóa"}),
        ),
        _ => return None,
    })
}

pub fn schemas() -> Value {
    let status = json!({"type": "string", "enum": ["in_progress", "replicated", "commended"],
        "description": "in_progress = Đang triển khai, replicated = Nhân rộng, commended = Được biểu dương"});
    let fields = json!({"type": "string", "enum": domain::models::FIELDS});
    json!({
        "UnitRef": {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}}},
        "Replication": {"type": "object", "properties": {"unit": {"$ref": "#/components/schemas/UnitRef"},
            "adopted_on": {"type": "string", "format": "date"}, "note": {"type": "string"}, "created_by": {"type": "string"}, "created_at": {"type": "string"}}},
        "Model": {"type": "object", "properties": {
            "id": {"type": "integer"}, "owner": {"$ref": "#/components/schemas/UnitRef"}, "name": {"type": "string"}, "field": fields,
            "description": {"type": "string"}, "started_on": {"type": "string", "format": "date"}, "participants": {"type": "string"},
            "participants_count": {"type": ["integer", "null"]}, "status": status, "status_label": {"type": "string"}, "public": {"type": "boolean"},
            "replications": {"type": "array", "items": {"$ref": "#/components/schemas/Replication"}, "description": "Các đơn vị đã nhân rộng, cũ trước"},
            "result_count": {"type": "integer"}, "photo_count": {"type": "integer"}, "can_edit": {"type": "boolean"},
            "created_by": {"type": "string"}, "created_at": {"type": "string"}, "updated_by": {"type": "string"}, "updated_at": {"type": "string"}}},
        "ModelInput": {"type": "object", "description": "Khi thêm mới cần unit_code, name, field, started_on; khi sửa (PUT) chỉ gửi các trường muốn đổi (không đổi được unit_code).",
            "properties": {"unit_code": {"type": "string"}, "name": {"type": "string", "maxLength": 300}, "field": fields,
            "description": {"type": "string", "maxLength": 5000}, "started_on": {"type": "string", "format": "date"},
            "participants": {"type": "string"}, "participants_count": {"type": "integer"}, "status": status, "public": {"type": "boolean", "default": true}}},
        "ModelResult": {"type": "object", "properties": {"id": {"type": "integer"}, "measured_on": {"type": "string", "format": "date"},
            "indicator": {"type": "string"}, "value": {"type": "number"}, "unit": {"type": "string"}, "note": {"type": "string"}}},
        "ModelResultInput": {"type": "object", "required": ["measured_on", "indicator", "value"], "properties": {
            "measured_on": {"type": "string", "format": "date"}, "indicator": {"type": "string", "example": "Số hộ có nhà tiêu hợp vệ sinh"},
            "value": {"type": "number"}, "unit": {"type": "string", "example": "hộ"}, "note": {"type": "string"}}},
        "ModelPhoto": {"type": "object", "properties": {"id": {"type": "integer"}, "filename": {"type": "string"}, "content_type": {"type": "string"},
            "size": {"type": "integer"}, "width": {"type": "integer"}, "height": {"type": "integer"}, "caption": {"type": "string"},
            "url": {"type": "string"}, "thumbnail_url": {"type": "string"}}},
        "ModelDetail": {"allOf": [{"$ref": "#/components/schemas/Model"}, {"type": "object", "properties": {
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/ModelResult"}, "description": "Theo ngày ghi nhận, cũ trước"},
            "photos": {"type": "array", "items": {"$ref": "#/components/schemas/ModelPhoto"}}}}]},
    })
}

pub fn parameters(method: &str, path: &str) -> Vec<Value> {
    let q = |name: &str, ty: &str, desc: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": ty}, "description": desc});
    let path_param = |name: &str, ty: &str, desc: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": ty}, "description": desc});
    let mut out = Vec::new();
    if path.contains("{photo_id}") {
        out.push(path_param("photo_id", "integer", "Mã ảnh"));
    }
    if path.contains("{result_id}") {
        out.push(path_param("result_id", "integer", "Mã kết quả"));
    }
    if path.contains("{unit_code}") {
        out.push(path_param("unit_code", "string", "Mã đơn vị đã nhân rộng"));
    }
    match (method, path) {
        ("get", "/models") => {
            out.push(q(
                "unit",
                "string",
                "Mã đơn vị: mô hình của cả cây đơn vị đó (mặc định: đơn vị được cấp quyền)",
            ));
            out.push(q("field", "string", "Lĩnh vực (không phân biệt dấu)"));
            out.push(q(
                "status",
                "string",
                "in_progress | replicated | commended",
            ));
            out.push(q(
                "q",
                "string",
                "Tìm trong tên, lĩnh vực, mô tả (không phân biệt dấu)",
            ));
            out.push(q("limit", "integer", "Tối đa (mặc định 500, tối đa 5000)"));
        }
        ("get", "/models/adopted") => {
            out.push(q("unit", "string", "Mã đơn vị: các đơn vị trong cây đó đã nhận nhân rộng (mặc định: đơn vị được cấp quyền)"));
        }
        _ => {}
    }
    out
}
