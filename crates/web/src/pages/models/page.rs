//! The model page: description, results with their charts, photos, the units that adopted it, and the
//! forms to add a result, a photo or an adoption (shown again with their errors when one fails).

use super::adoption::AdoptFields;
use super::chart::{series, Series};
use super::results::ResultFields;
use super::{flash, status_badge};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, iso, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::models::suggested_status;
use domain::policy::Capability;
use serde::Deserialize;

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
    /// The commendations linked to the model, and the decisions that make it "được biểu dương".
    commendations: crate::pages::commendations::Section,
    commended_by: Vec<(i64, String)>,
}

/// What a failed form on the model page brings back (typed values and errors beside the fields).
#[derive(Default)]
pub(super) struct Posted {
    pub result: Option<(ResultFields, FormErrors)>,
    pub adopt: Option<(AdoptFields, FormErrors)>,
    /// The typed caption and the error of the upload.
    pub photo: Option<(String, String)>,
}

/// The model page; with `posted`, the failed form shown again (422).
pub(super) async fn model_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    posted: Posted,
    flash_msg: Option<String>,
) -> PageResult {
    let p = &user.principal;
    let d = st.db.models().model_detail(p, id).await.page(user)?;
    let m = &d.model;
    let can_manage = p.can_manage_model(&m.unit_path);
    let (commendations, commended_by) =
        crate::pages::commendations::model_section(st, p, m.id, &m.unit_path)
            .await
            .page(user)?;
    let adopt_units = if p.has(Capability::ManageModels) {
        st.db
            .units()
            .list_units(p, None, Some(st.db.today()))
            .await
            .page(user)?
            .into_iter()
            .filter(|u| {
                p.can_adopt_model(&u.path)
                    && u.id != m.unit.id
                    && !m.replications.iter().any(|a| a.unit.id == u.id)
            })
            .take(1000)
            .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
            .collect()
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
        commendations,
        commended_by,
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
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
) -> PageResult {
    model_page(&st, &user, id, Posted::default(), flash(q.tb.as_deref())).await
}
