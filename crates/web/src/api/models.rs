//! API for the registry of good-practice models: models of a subtree with their owner unit and
//! replications, results over time, evidence photos (multipart upload, checked by content) and adoptions.

use super::{parse_date_field, r, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::respond::image_response;
use crate::AppState;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Json;
use chrono::NaiveDate;
use domain::models::ModelStatus;
use domain::policy::Principal;
use serde::{Deserialize, Serialize};
use store::{Actor, Adoption, Model, ModelDetail, ModelFilter, ModelInput, PhotoInfo, ResultInput};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/models", "models", "Mô hình, cách làm hay của một đơn vị và các đơn vị trực thuộc, mỗi mô hình kèm đơn vị chủ trì và các đơn vị đã nhân rộng", get(list))
            .query::<ListQuery>()
            .json::<Items<ModelOut>>(),
        r("post", "/models", "models", "Ghi nhận một mô hình, cách làm hay của đơn vị", post(create))
            .body::<ModelBody>()
            .created::<ModelOut>(),
        r("get", "/models/adopted", "models", "Các mô hình mà một đơn vị và các đơn vị trực thuộc đã nhận nhân rộng", get(adopted))
            .query::<AdoptedQuery>()
            .json::<Items<AdoptedModelOut>>(),
        r("get", "/models/{id}", "models", "Một mô hình: mô tả, kết quả theo thời gian, ảnh, nơi đã nhân rộng", get(show))
            .json::<ModelDetailOut>(),
        r("put", "/models/{id}", "models", "Sửa mô hình (không đổi đơn vị chủ trì)", put(update))
            .body::<ModelBody>()
            .json::<ModelOut>(),
        r("post", "/models/{id}/results", "models", "Ghi một kết quả đo được của mô hình vào một ngày", post(add_result))
            .body::<ResultBody>()
            .created::<ModelResultOut>(),
        r("delete", "/models/{id}/results/{result_id}", "models", "Xóa một kết quả ghi nhầm (vẫn lưu trong nhật ký)", delete(delete_result))
            .no_content(),
        r("post", "/models/{id}/adoptions", "models", "Ghi nhận một đơn vị nhận nhân rộng mô hình (người quản lý đơn vị nhận ghi)", post(adopt))
            .body::<AdoptBody>()
            .created::<AdoptionCreated>(),
        r("delete", "/models/{id}/adoptions/{unit_code}", "models", "Xóa ghi nhận nhân rộng của một đơn vị (ghi nhầm)", delete(unadopt))
            .no_content(),
        r("post", "/models/{id}/photos", "models", "Tải ảnh minh chứng lên (multipart: file, caption); chỉ nhận JPEG, PNG, WebP ≤ 8 MB, kiểm tra theo nội dung", post(upload_photo))
            .multipart()
            .created::<ModelPhotoOut>(),
        r("get", "/models/{id}/photos/{photo_id}", "models", "Tải về ảnh gốc", get(photo))
            .file("image/jpeg")
            .file("image/png")
            .file("image/webp"),
        r("get", "/models/{id}/photos/{photo_id}/thumbnail", "models", "Ảnh thu nhỏ (JPEG, rộng tối đa 480 điểm ảnh)", get(thumbnail))
            .file("image/jpeg"),
        r("delete", "/models/{id}/photos/{photo_id}", "models", "Xóa một ảnh", delete(delete_photo))
            .no_content(),
    ]
}

// Documentation only: the API sends and reads these snake_case names as strings.
/// The status of a model.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ModelStatusName {
    /// Đang triển khai.
    InProgress,
    /// Đã nhân rộng.
    Replicated,
    /// Được biểu dương.
    Commended,
}

/// A unit named by its id, code and name.
#[derive(Serialize, ToSchema)]
pub struct UnitRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl From<&store::UnitRef> for UnitRef {
    fn from(u: &store::UnitRef) -> Self {
        UnitRef {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

/// A unit that adopted (nhân rộng) a model.
#[derive(Serialize, ToSchema)]
pub struct Replication {
    unit: UnitRef,
    adopted_on: NaiveDate,
    note: String,
    created_by: String,
    created_at: String,
}

impl From<&Adoption> for Replication {
    fn from(a: &Adoption) -> Self {
        Replication {
            unit: (&a.unit).into(),
            adopted_on: a.adopted_on,
            note: a.note.clone(),
            created_by: a.created_by.clone(),
            created_at: a.created_at.clone(),
        }
    }
}

/// A good-practice model with its owner unit and the units it spread to.
#[derive(Serialize, ToSchema)]
#[schema(as = Model)]
pub struct ModelOut {
    id: i64,
    /// The owner unit.
    owner: UnitRef,
    name: String,
    /// Lĩnh vực (one of `domain::models::FIELDS`).
    field: String,
    description: String,
    started_on: NaiveDate,
    participants: String,
    participants_count: Option<i64>,
    #[schema(value_type = ModelStatusName)]
    status: &'static str,
    status_label: &'static str,
    public: bool,
    /// Các đơn vị đã nhân rộng, cũ trước.
    replications: Vec<Replication>,
    result_count: i64,
    photo_count: i64,
    /// Whether the caller may edit the model.
    can_edit: bool,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

fn model_out(m: &Model, p: &Principal) -> ModelOut {
    ModelOut {
        id: m.id,
        owner: (&m.unit).into(),
        name: m.name.clone(),
        field: m.field.clone(),
        description: m.description.clone(),
        started_on: m.started_on,
        participants: m.participants.clone(),
        participants_count: m.participants_count,
        status: m.status.as_str(),
        status_label: m.status.label(),
        public: m.public,
        replications: m.replications.iter().map(Replication::from).collect(),
        result_count: m.result_count,
        photo_count: m.photo_count,
        can_edit: p.can_manage_model(&m.unit_path),
        created_by: m.created_by.clone(),
        created_at: m.created_at.clone(),
        updated_by: m.updated_by.clone(),
        updated_at: m.updated_at.clone(),
    }
}

/// A measured result of a model on a date.
#[derive(Serialize, ToSchema)]
#[schema(as = ModelResult)]
pub struct ModelResultOut {
    id: i64,
    /// Only in the answer to the write.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    model_id: Option<i64>,
    measured_on: NaiveDate,
    indicator: String,
    value: f64,
    unit: String,
    note: String,
    created_by: String,
    created_at: String,
}

impl ModelResultOut {
    fn new(r: &store::ModelResult, with_model: bool) -> Self {
        ModelResultOut {
            id: r.id,
            model_id: with_model.then_some(r.model_id),
            measured_on: r.measured_on,
            indicator: r.indicator.clone(),
            value: r.value,
            unit: r.unit.clone(),
            note: r.note.clone(),
            created_by: r.created_by.clone(),
            created_at: r.created_at.clone(),
        }
    }
}

/// An evidence photo (without its bytes) and where to download it.
#[derive(Serialize, ToSchema)]
#[schema(as = ModelPhoto)]
pub struct ModelPhotoOut {
    id: i64,
    /// Only in the answer to the upload.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    model_id: Option<i64>,
    filename: String,
    content_type: String,
    size: i64,
    width: i64,
    height: i64,
    caption: String,
    uploaded_by: String,
    uploaded_at: String,
    url: String,
    thumbnail_url: String,
}

impl ModelPhotoOut {
    fn new(model_id: i64, ph: &PhotoInfo, with_model: bool) -> Self {
        ModelPhotoOut {
            id: ph.id,
            model_id: with_model.then_some(ph.model_id),
            filename: ph.filename.clone(),
            content_type: ph.content_type.clone(),
            size: ph.size,
            width: ph.width,
            height: ph.height,
            caption: ph.caption.clone(),
            uploaded_by: ph.uploaded_by.clone(),
            uploaded_at: ph.uploaded_at.clone(),
            url: format!("/api/v1/models/{model_id}/photos/{}", ph.id),
            thumbnail_url: format!("/api/v1/models/{model_id}/photos/{}/thumbnail", ph.id),
        }
    }
}

/// A model with its results and photos.
#[derive(Serialize, ToSchema)]
#[schema(as = ModelDetail)]
pub struct ModelDetailOut {
    #[serde(flatten)]
    model: ModelOut,
    /// Theo ngày ghi nhận, cũ trước.
    results: Vec<ModelResultOut>,
    photos: Vec<ModelPhotoOut>,
}

fn detail_out(d: &ModelDetail, p: &Principal) -> ModelDetailOut {
    ModelDetailOut {
        model: model_out(&d.model, p),
        results: d
            .results
            .iter()
            .map(|r| ModelResultOut::new(r, false))
            .collect(),
        photos: d
            .photos
            .iter()
            .map(|ph| ModelPhotoOut::new(d.model.id, ph, false))
            .collect(),
    }
}

/// A model adopted by a unit of the subtree.
#[derive(Serialize, ToSchema)]
#[schema(as = AdoptedModel)]
pub struct AdoptedModelOut {
    /// The adopting unit.
    unit: UnitRef,
    adopted_on: NaiveDate,
    note: String,
    model: ModelOut,
}

/// A recorded adoption and the model's status after it.
#[derive(Serialize, ToSchema)]
pub struct AdoptionCreated {
    #[serde(flatten)]
    replication: Replication,
    /// Trạng thái mô hình sau khi ghi nhận (mô hình đang triển khai được chuyển sang nhân rộng).
    #[schema(value_type = ModelStatusName)]
    model_status: &'static str,
}

fn status_field(s: Option<&str>) -> Result<Option<ModelStatus>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => ModelStatus::parse(s).map(Some).ok_or_else(|| {
            ApiError::unprocessable("\"status\" phải là in_progress, replicated hoặc commended")
        }),
    }
}

/// Query of `GET /models`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Mã đơn vị: mô hình của đơn vị đó và các đơn vị trực thuộc (mặc định: đơn vị được cấp quyền).
    unit: Option<String>,
    /// Lĩnh vực (không phân biệt dấu).
    field: Option<String>,
    /// in_progress | replicated | commended.
    status: Option<String>,
    /// Tìm trong tên, lĩnh vực, mô tả (không phân biệt dấu).
    q: Option<String>,
    /// Tối đa (mặc định 500, tối đa 5000).
    limit: Option<i64>,
}

async fn list(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Items<ModelOut>>, ApiError> {
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
    let items = st
        .db
        .models()
        .list_models(p, &f)
        .await?
        .iter()
        .map(|m| model_out(m, p))
        .collect();
    Ok(Json(Items::all(items)))
}

/// Query of `GET /models/adopted`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdoptedQuery {
    /// Mã đơn vị: đơn vị đó và các đơn vị trực thuộc đã nhận nhân rộng (mặc định: đơn vị được cấp quyền).
    unit: Option<String>,
}

async fn adopted(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AdoptedQuery>,
) -> Result<Json<Items<AdoptedModelOut>>, ApiError> {
    let p = &user.principal;
    let path = super::subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let items = st
        .db
        .models()
        .adopted_models(p, &path)
        .await?
        .iter()
        .map(|a| AdoptedModelOut {
            unit: (&a.adoption.unit).into(),
            adopted_on: a.adoption.adopted_on,
            note: a.adoption.note.clone(),
            model: model_out(&a.model, p),
        })
        .collect();
    Ok(Json(Items::all(items)))
}

/// Khi thêm mới cần unit_code, name, field, started_on; khi sửa (PUT) chỉ gửi các trường muốn đổi
/// (không đổi được unit_code).
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = ModelInput)]
pub struct ModelBody {
    unit_code: Option<String>,
    #[schema(max_length = 300)]
    name: Option<String>,
    /// Lĩnh vực (one of `domain::models::FIELDS`).
    field: Option<String>,
    #[schema(max_length = 5000)]
    description: Option<String>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    started_on: Option<String>,
    participants: Option<String>,
    participants_count: Option<i64>,
    #[schema(value_type = Option<ModelStatusName>)]
    status: Option<String>,
    /// Mặc định: true.
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
) -> Result<(StatusCode, Json<ModelOut>), ApiError> {
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
        .models()
        .create_model(&Actor::user(p, "api"), Some(p), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(model_out(&m, p))))
}

async fn show(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ModelDetailOut>, ApiError> {
    let p = &user.principal;
    let d = st.db.models().model_detail(p, id).await?;
    Ok(Json(detail_out(&d, p)))
}

async fn update(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ModelBody>,
) -> Result<Json<ModelOut>, ApiError> {
    let p = &user.principal;
    let current = st.db.models().model(p, id).await?;
    let input = input_from(b, ModelInput::from_model(&current))?;
    let m = st
        .db
        .models()
        .update_model(&Actor::user(p, "api"), p, id, &input)
        .await?;
    Ok(Json(model_out(&m, p)))
}

/// A measured result to record.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = ModelResultInput)]
pub struct ResultBody {
    /// YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    measured_on: Option<String>,
    #[schema(value_type = String, required = true, example = "Số hộ có nhà tiêu hợp vệ sinh")]
    indicator: Option<String>,
    #[schema(value_type = f64, required = true)]
    value: Option<f64>,
    #[schema(example = "hộ")]
    unit: Option<String>,
    note: Option<String>,
}

async fn add_result(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResultBody>,
) -> Result<(StatusCode, Json<ModelResultOut>), ApiError> {
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
        .models()
        .add_model_result(&Actor::user(p, "api"), Some(p), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(ModelResultOut::new(&r, true))))
}

async fn delete_result(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, result_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let p = &user.principal;
    st.db
        .models()
        .delete_model_result(&Actor::user(p, "api"), p, id, result_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A unit that adopts the model.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = AdoptionInput)]
pub struct AdoptBody {
    /// Mã đơn vị nhận nhân rộng.
    #[schema(value_type = String, required = true)]
    unit_code: Option<String>,
    /// YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    adopted_on: Option<String>,
    note: Option<String>,
}

async fn adopt(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AdoptBody>,
) -> Result<(StatusCode, Json<AdoptionCreated>), ApiError> {
    let p = &user.principal;
    let date = b
        .adopted_on
        .as_deref()
        .map(|s| parse_date_field("adopted_on", s))
        .transpose()?;
    let a = st
        .db
        .models()
        .adopt_model(
            &Actor::user(p, "api"),
            Some(p),
            id,
            b.unit_code.as_deref().unwrap_or_default(),
            date,
            b.note.as_deref().unwrap_or_default(),
        )
        .await?;
    let m = st.db.models().model_unscoped(id).await?;
    Ok((
        StatusCode::CREATED,
        Json(AdoptionCreated {
            replication: (&a).into(),
            model_status: m.status.as_str(),
        }),
    ))
}

async fn unadopt(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, unit_code)): ApiPath<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    let p = &user.principal;
    st.db
        .models()
        .remove_adoption(&Actor::user(p, "api"), p, id, &unit_code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads the multipart fields `file` (name and bytes) and `caption`.
async fn read_photo_form(
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
) -> Result<(StatusCode, Json<ModelPhotoOut>), ApiError> {
    let p = &user.principal;
    // Scope first: a model outside the scope is 404 whatever the body.
    st.db.models().model(p, id).await?;
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
        .models()
        .add_model_photo(
            &Actor::user(p, "api"),
            Some(p),
            id,
            &name,
            &bytes,
            &caption,
            office::check_photo,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ModelPhotoOut::new(id, &info, true)),
    ))
}

async fn photo(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (info, bytes) = st
        .db
        .models()
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
        .models()
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
        .models()
        .delete_model_photo(&Actor::user(p, "api"), p, id, photo_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
