//! The create and edit form of a model.

use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{iso, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::models::{ModelStatus, FIELDS};
use domain::policy::Capability;
use domain::text::parse_decimal;
use serde::Deserialize;
use store::{Actor, Model, ModelInput, StoreError};

#[derive(Deserialize, Default, Clone)]
pub struct ModelFields {
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
            s => match parse_decimal(s) {
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
) -> PageResult {
    let p = &user.principal;
    let units = if id.is_none() {
        st.db
            .units()
            .list_units(p, None, Some(st.db.today()))
            .await
            .page(user)?
            .into_iter()
            .filter(|u| p.can_manage_model(&u.path))
            .take(1000)
            .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
            .collect()
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
        // "Được biểu dương" follows commendation decisions: shown read-only, never offered.
        statuses: ModelStatus::ALL
            .iter()
            .filter(|s| **s != ModelStatus::Commended)
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        v,
        errors,
    };
    Ok((status, render(&page)).into_response())
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
) -> PageResult {
    if !user.principal.has(Capability::ManageModels) {
        return Err(PageError::not_found(&user));
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
    CsrfForm(v): CsrfForm<ModelFields>,
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageModels) {
        return Err(PageError::not_found(&user));
    }
    let mut errors = FormErrors::default();
    let input = v.input(&mut errors);
    if errors.any() {
        also_check(&input, st.db.today(), &mut errors);
        return form_page(&st, &user, None, String::new(), v, errors).await;
    }
    match st
        .db
        .models()
        .create_model(&Actor::user(p, "web"), Some(p), &input)
        .await
    {
        Ok(m) => Ok(Redirect::to(&format!("/mo-hinh/{}?tb=da-tao", m.id)).into_response()),
        Err(StoreError::Invalid(list)) => {
            form_page(&st, &user, None, String::new(), v, FormErrors(list)).await
        }
        Err(StoreError::Forbidden) => {
            let mut e = FormErrors::default();
            e.push("unit_code", "Bạn không quản lý đơn vị này");
            form_page(&st, &user, None, String::new(), v, e).await
        }
        Err(e) => Err(e).page(&user),
    }
}

/// The model, when the user manages its unit ("not found" otherwise).
async fn managed_model(st: &AppState, user: &WebUser, id: i64) -> Result<Model, PageError> {
    let p = &user.principal;
    let m = st.db.models().model(p, id).await.page(user)?;
    if !p.can_manage_model(&m.unit_path) {
        return Err(PageError::not_found(user));
    }
    Ok(m)
}

pub async fn edit_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let m = managed_model(&st, &user, id).await?;
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
    CsrfForm(v): CsrfForm<ModelFields>,
) -> PageResult {
    let p = &user.principal;
    let m = managed_model(&st, &user, id).await?;
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
        .models()
        .update_model(&Actor::user(p, "web"), p, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/mo-hinh/{id}?tb=da-luu")).into_response()),
        Err(StoreError::Invalid(list)) => {
            form_page(&st, &user, Some(id), owner, v, FormErrors(list)).await
        }
        Err(e) => Err(e).page(&user),
    }
}
