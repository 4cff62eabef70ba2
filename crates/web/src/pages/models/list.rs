//! The list of models with filters (unit, field, status, words) and counts by status and field, and the
//! models the unit adopted from others.

use super::{flash, status_badge};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{query_string, render, PageResult, StoreResultExt};
use crate::view::{date, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::models::{ModelStatus, FIELDS};
use domain::policy::{Capability, Principal};
use serde::Deserialize;
use store::{Model, ModelFilter, StoreError};

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
        return st.db.units().unit(p, p.unit_id).await;
    }
    match key.parse::<i64>() {
        Ok(id) => st.db.units().unit(p, id).await,
        Err(_) => st.db.units().unit_by_code(p, key).await,
    }
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = &user.principal;
    let unit = resolve_unit(&st, p, &q.don_vi).await.page(&user)?;
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
    let models = st.db.models().list_models(p, &filter).await.page(&user)?;
    let adopted = st
        .db
        .models()
        .adopted_models(p, &unit.path)
        .await
        .page(&user)?;
    let units = st
        .db
        .units()
        .list_units(p, None, None)
        .await
        .page(&user)?
        .into_iter()
        .take(1000)
        .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
        .collect();
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
    Ok(render(&page))
}
