//! Pages of the registry of good-practice models (issue 5): the list with filters and counts, a unit's
//! adopted models, the model page (results with a bar chart over time, photos, where it spread, "nhận nhân
//! rộng về đơn vị"), and the create / edit form.

use super::{not_found, query_string, render, store_error, FormErrors};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::view::{date, iso, num, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::models::{parse_number, suggested_status, ModelStatus, FIELDS};
use domain::policy::{Capability, Principal};
use serde::Deserialize;
use store::{Actor, Model, ModelFilter, ModelInput, ResultInput, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mo-hinh", get(list))
        .route("/mo-hinh/moi", get(new_form).post(create))
        .route("/mo-hinh/{id}", get(show))
        .route("/mo-hinh/{id}/sua", get(edit_form).post(update))
        .route("/mo-hinh/{id}/ket-qua", post(add_result))
        .route("/mo-hinh/{id}/ket-qua/{rid}/xoa", post(delete_result))
        .route("/mo-hinh/{id}/anh", post(upload_photo))
        .route("/mo-hinh/{id}/anh/{pid}", get(photo))
        .route("/mo-hinh/{id}/anh/{pid}/nho", get(thumbnail))
        .route("/mo-hinh/{id}/anh/{pid}/xoa", post(delete_photo))
        .route("/mo-hinh/{id}/nhan-rong", post(adopt))
        .route("/mo-hinh/{id}/nhan-rong/{code}/xoa", post(unadopt))
}

/// Messages after a redirect on these pages (`?tb=code`); others come from `view::flash_message`.
fn flash(code: Option<&str>) -> Option<String> {
    let m = match code? {
        "da-ghi-ket-qua" => "Đã ghi kết quả.",
        "da-xoa-ket-qua" => "Đã xóa kết quả.",
        "da-tai-anh" => "Đã tải ảnh lên.",
        "da-xoa-anh" => "Đã xóa ảnh.",
        "da-nhan-rong" => "Đã ghi nhận đơn vị nhận nhân rộng mô hình.",
        "da-xoa-nhan-rong" => "Đã xóa ghi nhận nhân rộng.",
        other => return crate::view::flash_message(Some(other)),
    };
    Some(m.to_string())
}

/// A number as a Vietnamese reads it: 3.520, 98,5, 1.234,25.
fn status_badge(s: ModelStatus) -> &'static str {
    match s {
        ModelStatus::InProgress => "",
        ModelStatus::Replicated => "green",
        ModelStatus::Commended => "gold",
    }
}

// ------------------------------------------------------------------------------------------------
// List
// ------------------------------------------------------------------------------------------------

pub struct ModelRow {
    pub id: i64,
    pub name: String,
    pub field: String,
    pub owner: String,
    pub owner_id: i64,
    pub started: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub spread: usize,
    pub results: String,
    pub photos: String,
}

fn model_row(m: &Model) -> ModelRow {
    ModelRow {
        id: m.id,
        name: m.name.clone(),
        field: m.field.clone(),
        owner: m.unit.name.clone(),
        owner_id: m.unit.id,
        started: date(Some(m.started_on)),
        status: m.status.label(),
        status_class: status_badge(m.status),
        spread: m.replications.len(),
        results: num(m.result_count),
        photos: num(m.photo_count),
    }
}

pub struct AdoptedRow {
    pub model_id: i64,
    pub name: String,
    pub owner: String,
    pub adopter: String,
    pub adopted_on: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "models.html")]
struct ListPage {
    ctx: Ctx,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    units: Vec<(String, String)>,
    fields: Vec<&'static str>,
    statuses: Vec<(&'static str, &'static str)>,
    f: ListQuery,
    rows: Vec<ModelRow>,
    total: String,
    by_status: Vec<(&'static str, String, String)>,
    by_field: Vec<(&'static str, String, String)>,
    spread_total: String,
    adopted: Vec<AdoptedRow>,
    can_create: bool,
    with_above: bool,
    filtered: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// Unit id or code.
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    pub don_vi: String,
    #[serde(default, rename = "linh-vuc", alias = "linh_vuc")]
    pub linh_vuc: String,
    #[serde(default, rename = "trang-thai", alias = "trang_thai")]
    pub trang_thai: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub tb: Option<String>,
}

/// The unit named by an id or a code, in scope; the principal's own unit when empty.
async fn resolve_unit(st: &AppState, p: &Principal, key: &str) -> Result<domain::Unit, StoreError> {
    let key = key.trim();
    if key.is_empty() {
        return st.db.unit(p, p.unit_id).await;
    }
    match key.parse::<i64>() {
        Ok(id) => st.db.unit(p, id).await,
        Err(_) => st.db.unit_by_code(p, key).await,
    }
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> Response {
    let p = &user.principal;
    let unit = match resolve_unit(&st, p, &q.don_vi).await {
        Ok(u) => u,
        Err(e) => return store_error(&user, e),
    };
    let status = ModelStatus::parse(&q.trang_thai).filter(|_| !q.trang_thai.is_empty());
    let field = domain::models::parse_field(&q.linh_vuc);
    // A member sees the models of their cell and of the units above it (their ward's, the city's).
    let with_above = p.role == domain::Role::Member;
    let filter = ModelFilter {
        unit_path: Some(unit.path.clone()),
        with_ancestors: with_above,
        field: field.map(str::to_string),
        status,
        q: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
        limit: 2000,
    };
    let models = match st.db.list_models(p, &filter).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let adopted = match st.db.adopted_models(p, &unit.path).await {
        Ok(a) => a,
        Err(e) => return store_error(&user, e),
    };
    let units = match st.db.list_units(p, None, None).await {
        Ok(list) => list
            .into_iter()
            .take(1000)
            .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
            .collect(),
        Err(e) => return store_error(&user, e),
    };
    let link = |field: &str, status: &str| {
        format!(
            "/mo-hinh{}",
            query_string(&[
                ("don-vi", unit.code.as_str()),
                ("linh-vuc", field),
                ("trang-thai", status),
                ("q", q.q.trim()),
            ])
        )
    };
    let by_status = ModelStatus::ALL
        .iter()
        .map(|s| {
            let n = models.iter().filter(|m| m.status == *s).count();
            (
                s.label(),
                num(n as i64),
                link(field.unwrap_or(""), s.as_str()),
            )
        })
        .collect();
    let by_field = FIELDS
        .iter()
        .filter_map(|f| {
            let n = models.iter().filter(|m| m.field == *f).count();
            (n > 0).then(|| {
                (
                    *f,
                    num(n as i64),
                    link(f, status.map(|s| s.as_str()).unwrap_or("")),
                )
            })
        })
        .collect();
    let spread_total: usize = models.iter().map(|m| m.replications.len()).sum();
    let page = ListPage {
        ctx: Ctx::new(&user, "Mô hình, cách làm hay", "models").with_flash(flash(q.tb.as_deref())),
        unit_id: unit.id,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        units,
        fields: FIELDS.to_vec(),
        statuses: ModelStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        filtered: field.is_some() || status.is_some() || !q.q.trim().is_empty(),
        f: ListQuery {
            don_vi: unit.code.clone(),
            linh_vuc: field.unwrap_or("").to_string(),
            trang_thai: status.map(|s| s.as_str()).unwrap_or("").to_string(),
            ..q.clone()
        },
        total: num(models.len() as i64),
        rows: models.iter().map(model_row).collect(),
        by_status,
        by_field,
        spread_total: num(spread_total as i64),
        adopted: adopted
            .iter()
            .map(|a| AdoptedRow {
                model_id: a.model.id,
                name: a.model.name.clone(),
                owner: a.model.unit.name.clone(),
                adopter: a.adoption.unit.name.clone(),
                adopted_on: date(Some(a.adoption.adopted_on)),
                note: a.adoption.note.clone(),
            })
            .collect(),
        can_create: p.has(Capability::ManageModels),
        with_above,
    };
    render(&page)
}

// ------------------------------------------------------------------------------------------------
// Create / edit form
// ------------------------------------------------------------------------------------------------

#[derive(Deserialize, Default, Clone)]
pub struct ModelFields {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub participants_count: String,
    #[serde(default)]
    pub status: String,
    /// Checkbox: present = public.
    #[serde(default)]
    pub public: Option<String>,
}

impl ModelFields {
    fn of(m: &Model) -> ModelFields {
        ModelFields {
            csrf: String::new(),
            unit_code: m.unit.code.clone(),
            name: m.name.clone(),
            field: m.field.clone(),
            description: m.description.clone(),
            started_on: iso(Some(m.started_on)),
            participants: m.participants.clone(),
            participants_count: m
                .participants_count
                .map(|n| n.to_string())
                .unwrap_or_default(),
            status: m.status.as_str().to_string(),
            public: m.public.then(|| "1".to_string()),
        }
    }

    fn input(&self, errors: &mut FormErrors) -> ModelInput {
        let started_on = match parse_form_date(&self.started_on) {
            Ok(d) => d,
            Err(m) => {
                errors.push("started_on", m);
                None
            }
        };
        let participants_count = match self.participants_count.trim() {
            "" => None,
            s => match parse_number(s) {
                Some(v) if v.fract() == 0.0 && v >= 0.0 => Some(v as i64),
                _ => {
                    errors.push(
                        "participants_count",
                        "Số người tham gia phải là số nguyên không âm",
                    );
                    None
                }
            },
        };
        ModelInput {
            unit_code: self.unit_code.clone(),
            name: self.name.clone(),
            field: self.field.clone(),
            description: self.description.clone(),
            started_on,
            participants: self.participants.clone(),
            participants_count,
            status: ModelStatus::parse(&self.status).unwrap_or(ModelStatus::InProgress),
            public: self.public.is_some(),
        }
    }
}

/// When some fields could not even be read (a date, a number), the other fields are still checked, so that
/// every problem shows at once.
fn also_check(input: &ModelInput, today: chrono::NaiveDate, errors: &mut FormErrors) {
    let checks = domain::models::check_model(
        &domain::models::ModelFields {
            name: &input.name,
            field: &input.field,
            description: &input.description,
            started_on: input.started_on.or(Some(today)),
            participants: &input.participants,
            participants_count: input.participants_count,
        },
        today,
    );
    for (field, message) in checks {
        if !errors.has(field) {
            errors.push(field, message);
        }
    }
}

#[derive(Template)]
#[template(path = "model_form.html")]
struct FormPage {
    ctx: Ctx,
    /// None = new model.
    id: Option<i64>,
    owner_name: String,
    csrf: String,
    units: Vec<(String, String)>,
    fields: Vec<&'static str>,
    statuses: Vec<(&'static str, &'static str)>,
    v: ModelFields,
    errors: FormErrors,
}

async fn form_page(
    st: &AppState,
    user: &WebUser,
    id: Option<i64>,
    owner_name: String,
    v: ModelFields,
    errors: FormErrors,
) -> Response {
    let p = &user.principal;
    let units = if id.is_none() {
        match st.db.list_units(p, None, Some(st.db.today())).await {
            Ok(list) => list
                .into_iter()
                .filter(|u| p.can_manage_model(&u.path))
                .take(1000)
                .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
                .collect(),
            Err(e) => return store_error(user, e),
        }
    } else {
        Vec::new()
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        ctx: Ctx::new(
            user,
            if id.is_some() {
                "Sửa mô hình"
            } else {
                "Ghi nhận mô hình mới"
            },
            "models",
        ),
        id,
        owner_name,
        csrf: user.csrf.clone(),
        units,
        fields: FIELDS.to_vec(),
        statuses: ModelStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        v,
        errors,
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    don_vi: String,
}

pub async fn new_form(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> Response {
    if !user.principal.has(Capability::ManageModels) {
        return not_found(Some(&user));
    }
    let v = ModelFields {
        unit_code: q.don_vi,
        status: ModelStatus::InProgress.as_str().to_string(),
        public: Some("1".into()),
        ..Default::default()
    };
    form_page(&st, &user, None, String::new(), v, FormErrors::default()).await
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    Form(v): Form<ModelFields>,
) -> Response {
    if !user.csrf_ok(&v.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    if !p.has(Capability::ManageModels) {
        return not_found(Some(&user));
    }
    let mut errors = FormErrors::default();
    let input = v.input(&mut errors);
    if errors.any() {
        also_check(&input, st.db.today(), &mut errors);
        return form_page(&st, &user, None, String::new(), v, errors).await;
    }
    match st
        .db
        .create_model(&Actor::user(p, "web"), Some(p), &input)
        .await
    {
        Ok(m) => Redirect::to(&format!("/mo-hinh/{}?tb=da-tao", m.id)).into_response(),
        Err(StoreError::Invalid(list)) => {
            form_page(&st, &user, None, String::new(), v, FormErrors(list)).await
        }
        Err(StoreError::Forbidden) => {
            let mut e = FormErrors::default();
            e.push("unit_code", "Bạn không quản lý đơn vị này");
            form_page(&st, &user, None, String::new(), v, e).await
        }
        Err(e) => store_error(&user, e),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    let p = &user.principal;
    let m = match st.db.model(p, id).await {
        Ok(m) if p.can_manage_model(&m.unit_path) => m,
        Ok(_) => return not_found(Some(&user)),
        Err(e) => return store_error(&user, e),
    };
    form_page(
        &st,
        &user,
        Some(id),
        m.unit.name.clone(),
        ModelFields::of(&m),
        FormErrors::default(),
    )
    .await
}

pub async fn update(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(v): Form<ModelFields>,
) -> Response {
    if !user.csrf_ok(&v.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let m = match st.db.model(p, id).await {
        Ok(m) if p.can_manage_model(&m.unit_path) => m,
        Ok(_) => return not_found(Some(&user)),
        Err(e) => return store_error(&user, e),
    };
    let owner = m.unit.name.clone();
    let mut errors = FormErrors::default();
    let mut input = v.input(&mut errors);
    input.unit_code = m.unit.code.clone();
    if errors.any() {
        also_check(&input, st.db.today(), &mut errors);
        return form_page(&st, &user, Some(id), owner, v, errors).await;
    }
    match st
        .db
        .update_model(&Actor::user(p, "web"), p, id, &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/mo-hinh/{id}?tb=da-luu")).into_response(),
        Err(StoreError::Invalid(list)) => {
            form_page(&st, &user, Some(id), owner, v, FormErrors(list)).await
        }
        Err(e) => store_error(&user, e),
    }
}

// ------------------------------------------------------------------------------------------------
// The model page
// ------------------------------------------------------------------------------------------------

pub struct ResultRow {
    pub id: i64,
    pub date: String,
    /// With its unit: "1.745 hộ", "98,1%".
    pub value: String,
    pub note: String,
}

/// A value with its unit of measure, the Vietnamese way: "1.745 hộ", "98,1%".
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    /// Centre of the bar, for the labels.
    pub cx: i64,
    pub value: String,
    pub label: String,
}

/// One indicator's results: the table and the bar chart over time.
pub struct Series {
    pub indicator: String,
    pub unit: String,
    pub rows: Vec<ResultRow>,
    pub bars: Vec<Bar>,
    pub width: i64,
    pub height: i64,
    pub base_y: i64,
    pub summary: String,
}

const BAR_W: i64 = 44;
const BAR_GAP: i64 = 22;
const CHART_TOP: i64 = 22;
const CHART_BARS: i64 = 150;

fn series(results: &[store::ModelResult]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    // Group by indicator (first appearance order); results come oldest first.
    let mut keys: Vec<String> = Vec::new();
    for r in results {
        if !keys.contains(&r.indicator) {
            keys.push(r.indicator.clone());
        }
    }
    for k in keys {
        let rs: Vec<&store::ModelResult> = results.iter().filter(|r| r.indicator == k).collect();
        let max = rs.iter().map(|r| r.value.max(0.0)).fold(0.0_f64, f64::max);
        let base_y = CHART_TOP + CHART_BARS;
        let bars = rs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let h = if max > 0.0 {
                    ((r.value.max(0.0) / max) * CHART_BARS as f64).round() as i64
                } else {
                    0
                };
                let x = BAR_GAP + i as i64 * (BAR_W + BAR_GAP);
                Bar {
                    x,
                    y: base_y - h,
                    w: BAR_W,
                    h,
                    cx: x + BAR_W / 2,
                    value: domain::models::format_value(r.value),
                    label: r.measured_on.format("%m/%Y").to_string(),
                }
            })
            .collect::<Vec<_>>();
        let unit = rs.last().map(|r| r.unit.clone()).unwrap_or_default();
        let summary = match (rs.first(), rs.last()) {
            (Some(a), Some(b)) if rs.len() > 1 => format!(
                "Từ {} ({}) {} {} ({})",
                domain::models::format_amount(a.value, &a.unit),
                date(Some(a.measured_on)),
                if b.value > a.value {
                    "lên"
                } else if b.value < a.value {
                    "xuống"
                } else {
                    "giữ ở"
                },
                domain::models::format_amount(b.value, &b.unit),
                date(Some(b.measured_on))
            ),
            _ => String::new(),
        };
        out.push(Series {
            indicator: k,
            unit,
            width: BAR_GAP + bars.len() as i64 * (BAR_W + BAR_GAP),
            height: base_y + 26,
            base_y,
            bars,
            rows: rs
                .iter()
                .map(|r| ResultRow {
                    id: r.id,
                    date: date(Some(r.measured_on)),
                    value: domain::models::format_amount(r.value, &r.unit),
                    note: r.note.clone(),
                })
                .collect(),
            summary,
        });
    }
    out
}

pub struct PhotoView {
    pub id: i64,
    pub caption: String,
    pub filename: String,
    pub width: i64,
    pub height: i64,
    /// Display size of the thumbnail (attributes: no inline styles under the CSP).
    pub tw: i64,
    pub th: i64,
}

pub struct SpreadRow {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub date: String,
    pub note: String,
    pub can_remove: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct ResultFields {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub measured_on: String,
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct AdoptFields {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub adopted_on: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelPage {
    ctx: Ctx,
    id: i64,
    name: String,
    field: String,
    owner_id: i64,
    owner_name: String,
    started: String,
    participants: String,
    status: &'static str,
    status_class: &'static str,
    suggestion: String,
    public: bool,
    description: String,
    series: Vec<Series>,
    indicators: Vec<String>,
    photos: Vec<PhotoView>,
    spread: Vec<SpreadRow>,
    can_manage: bool,
    adopt_units: Vec<(String, String)>,
    csrf: String,
    result: ResultFields,
    result_errors: FormErrors,
    adopt: AdoptFields,
    adopt_errors: FormErrors,
    photo_caption: String,
    photo_error: String,
    updated: String,
}

/// What a failed form on the model page brings back (typed values and errors beside the fields).
#[derive(Default)]
struct Posted {
    result: Option<(ResultFields, FormErrors)>,
    adopt: Option<(AdoptFields, FormErrors)>,
    photo: Option<(String, String)>,
}

async fn model_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    posted: Posted,
    flash_msg: Option<String>,
) -> Response {
    let p = &user.principal;
    let d = match st.db.model_detail(p, id).await {
        Ok(d) => d,
        Err(e) => return store_error(user, e),
    };
    let m = &d.model;
    let can_manage = p.can_manage_model(&m.unit_path);
    let adopt_units = if p.has(Capability::ManageModels) {
        match st.db.list_units(p, None, Some(st.db.today())).await {
            Ok(list) => list
                .into_iter()
                .filter(|u| {
                    p.can_adopt_model(&u.path)
                        && u.id != m.unit.id
                        && !m.replications.iter().any(|a| a.unit.id == u.id)
                })
                .take(1000)
                .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
                .collect(),
            Err(e) => return store_error(user, e),
        }
    } else {
        Vec::new()
    };
    let suggested = suggested_status(m.status, m.replications.len());
    let failed = posted.result.is_some() || posted.adopt.is_some() || posted.photo.is_some();
    let (result, result_errors) = posted.result.unwrap_or_else(|| {
        (
            ResultFields {
                measured_on: iso(Some(st.db.today())),
                ..Default::default()
            },
            FormErrors::default(),
        )
    });
    let (adopt, adopt_errors) = posted.adopt.unwrap_or_else(|| {
        (
            AdoptFields {
                adopted_on: iso(Some(st.db.today())),
                ..Default::default()
            },
            FormErrors::default(),
        )
    });
    let (photo_caption, photo_error) = posted.photo.unwrap_or_default();
    let mut indicators: Vec<String> = Vec::new();
    for r in &d.results {
        if !indicators.contains(&r.indicator) {
            indicators.push(r.indicator.clone());
        }
    }
    let page = ModelPage {
        ctx: Ctx::new(user, m.name.clone(), "models").with_flash(flash_msg),
        id: m.id,
        name: m.name.clone(),
        field: m.field.clone(),
        owner_id: m.unit.id,
        owner_name: m.unit.name.clone(),
        started: date(Some(m.started_on)),
        participants: match (m.participants.is_empty(), m.participants_count) {
            (true, None) => String::new(),
            (false, None) => m.participants.clone(),
            (true, Some(n)) => format!("{} người", num(n)),
            (false, Some(n)) => format!("{} ({} người)", m.participants, num(n)),
        },
        status: m.status.label(),
        status_class: status_badge(m.status),
        suggestion: if suggested != m.status && can_manage {
            format!(
                "Mô hình đã được {} đơn vị nhận nhân rộng: có thể chuyển trạng thái sang “{}”.",
                m.replications.len(),
                suggested.label()
            )
        } else {
            String::new()
        },
        public: m.public,
        description: m.description.clone(),
        series: series(&d.results),
        indicators,
        photos: d
            .photos
            .iter()
            .map(|ph| {
                let (w, h) = (ph.width.max(1), ph.height.max(1));
                let tw = w.min(160);
                PhotoView {
                    id: ph.id,
                    caption: ph.caption.clone(),
                    filename: ph.filename.clone(),
                    width: ph.width,
                    height: ph.height,
                    tw,
                    th: (h * tw / w).max(1),
                }
            })
            .collect(),
        spread: m
            .replications
            .iter()
            .map(|a| SpreadRow {
                unit_id: a.unit.id,
                unit_code: a.unit.code.clone(),
                unit_name: a.unit.name.clone(),
                date: date(Some(a.adopted_on)),
                note: a.note.clone(),
                can_remove: p.can_remove_adoption(&a.unit_path, &m.unit_path),
            })
            .collect(),
        can_manage,
        adopt_units,
        csrf: user.csrf.clone(),
        result,
        result_errors,
        adopt,
        adopt_errors,
        photo_caption,
        photo_error,
        updated: format!(
            "{} · {}",
            m.updated_by,
            crate::view::timestamp(&m.updated_at)
        ),
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    #[serde(default)]
    tb: Option<String>,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Response {
    model_page(&st, &user, id, Posted::default(), flash(q.tb.as_deref())).await
}

pub async fn add_result(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(v): Form<ResultFields>,
) -> Response {
    if !user.csrf_ok(&v.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let measured_on = match parse_form_date(&v.measured_on) {
        Ok(d) => d,
        Err(m) => {
            errors.push("measured_on", m);
            None
        }
    };
    let value = match v.value.trim() {
        "" => None,
        s => match parse_number(s) {
            Some(x) => Some(x),
            None => {
                errors.push(
                    "value",
                    format!("Giá trị \"{s}\" không phải là số (ví dụ 120 hoặc 98,5)"),
                );
                None
            }
        },
    };
    if errors.any() {
        let posted = Posted {
            result: Some((v, errors)),
            ..Default::default()
        };
        return model_page(&st, &user, id, posted, None).await;
    }
    let input = ResultInput {
        measured_on,
        indicator: v.indicator.clone(),
        value,
        unit: v.unit.clone(),
        note: v.note.clone(),
    };
    match st
        .db
        .add_model_result(&Actor::user(p, "web"), Some(p), id, &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/mo-hinh/{id}?tb=da-ghi-ket-qua#ket-qua")).into_response(),
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                result: Some((v, FormErrors(list))),
                ..Default::default()
            };
            model_page(&st, &user, id, posted, None).await
        }
        Err(e) => store_error(&user, e),
    }
}

#[derive(Deserialize, Default)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn delete_result(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, rid)): PagePath<(i64, i64)>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    match st
        .db
        .delete_model_result(&Actor::user(p, "web"), p, id, rid)
        .await
    {
        Ok(()) => Redirect::to(&format!("/mo-hinh/{id}?tb=da-xoa-ket-qua#ket-qua")).into_response(),
        Err(e) => store_error(&user, e),
    }
}

pub async fn upload_photo(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    mp: Multipart,
) -> Response {
    let p = &user.principal;
    let (file, caption, csrf) = match crate::api::models::read_photo_form(mp).await {
        Ok(v) => v,
        Err(msg) => {
            return super::bad_form(&user, &format!("/mo-hinh/{id}"), &msg);
        }
    };
    if !user.csrf_ok(&csrf) {
        return super::csrf_failure();
    }
    let failed = |message: String| Posted {
        photo: Some((caption.clone(), message)),
        ..Default::default()
    };
    let Some((name, bytes)) = file else {
        return model_page(
            &st,
            &user,
            id,
            failed("Hãy chọn một ảnh để tải lên.".into()),
            None,
        )
        .await;
    };
    match st
        .db
        .add_model_photo(&Actor::user(p, "web"), Some(p), id, &name, &bytes, &caption)
        .await
    {
        Ok(_) => Redirect::to(&format!("/mo-hinh/{id}?tb=da-tai-anh#anh")).into_response(),
        Err(StoreError::Invalid(list)) => {
            let msg = list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            model_page(&st, &user, id, failed(msg), None).await
        }
        Err(e) => store_error(&user, e),
    }
}

pub async fn photo(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, pid)): PagePath<(i64, i64)>,
) -> Response {
    match st.db.model_photo(&user.principal, id, pid, false).await {
        Ok((info, bytes)) => {
            crate::api::models::image_response(&info.content_type, &info.filename, bytes)
        }
        Err(e) => store_error(&user, e),
    }
}

pub async fn thumbnail(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, pid)): PagePath<(i64, i64)>,
) -> Response {
    match st.db.model_photo(&user.principal, id, pid, true).await {
        Ok((info, bytes)) => crate::api::models::image_response(
            "image/jpeg",
            &format!("thu-nho-{}.jpg", info.id),
            bytes,
        ),
        Err(e) => store_error(&user, e),
    }
}

pub async fn delete_photo(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, pid)): PagePath<(i64, i64)>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    match st
        .db
        .delete_model_photo(&Actor::user(p, "web"), p, id, pid)
        .await
    {
        Ok(()) => Redirect::to(&format!("/mo-hinh/{id}?tb=da-xoa-anh#anh")).into_response(),
        Err(e) => store_error(&user, e),
    }
}

pub async fn adopt(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(v): Form<AdoptFields>,
) -> Response {
    if !user.csrf_ok(&v.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let adopted_on = match parse_form_date(&v.adopted_on) {
        Ok(d) => d,
        Err(m) => {
            let mut errors = FormErrors::default();
            errors.push("adopted_on", m);
            let posted = Posted {
                adopt: Some((v, errors)),
                ..Default::default()
            };
            return model_page(&st, &user, id, posted, None).await;
        }
    };
    match st
        .db
        .adopt_model(
            &Actor::user(p, "web"),
            Some(p),
            id,
            &v.unit_code,
            adopted_on,
            &v.note,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/mo-hinh/{id}?tb=da-nhan-rong#nhan-rong")).into_response(),
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                adopt: Some((v, FormErrors(list))),
                ..Default::default()
            };
            model_page(&st, &user, id, posted, None).await
        }
        Err(e) => store_error(&user, e),
    }
}

pub async fn unadopt(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, code)): PagePath<(i64, String)>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    match st
        .db
        .remove_adoption(&Actor::user(p, "web"), p, id, &code)
        .await
    {
        Ok(()) => {
            Redirect::to(&format!("/mo-hinh/{id}?tb=da-xoa-nhan-rong#nhan-rong")).into_response()
        }
        Err(e) => store_error(&user, e),
    }
}
