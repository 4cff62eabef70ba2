//! Classifications of units (e.g. "Đô thị loại II" from a decision's day): the list in the caller's scope,
//! newest first, and the form for those who may record them.

use super::{flash, require_staff};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use store::{Actor, ClassificationInput, StoreError};

#[derive(Deserialize, Default, Clone)]
pub struct ClassFields {
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub issued_by: String,
    #[serde(default)]
    pub note: String,
}

pub struct ClassRow {
    pub unit_name: String,
    pub unit_id: i64,
    pub title: String,
    pub decision_number: String,
    pub decided_on: String,
    pub issued_by: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "crit_classifications.html")]
struct ClassPage {
    ctx: Ctx,
    csrf: String,
    rows: Vec<ClassRow>,
    can_record: bool,
    units: Vec<(String, String)>,
    v: ClassFields,
    errors: FormErrors,
    other: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct ClassQuery {
    #[serde(default)]
    tb: Option<String>,
}

async fn page(
    st: &AppState,
    user: &WebUser,
    v: ClassFields,
    errors: FormErrors,
    flash_code: Option<&str>,
) -> PageResult {
    let p = &user.principal;
    let list = st.db.criteria().classifications(p, None).await.page(user)?;
    let units: Vec<(String, String)> = st
        .db
        .units()
        .list_units(p, None, Some(st.db.today()))
        .await
        .page(user)?
        .iter()
        .filter(|u| p.can_recognise(&u.path))
        .filter(|u| !matches!(u.unit_type, domain::UnitType::Cell))
        .take(2000)
        .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
        .collect();
    let fields = [
        "unit_code",
        "title",
        "decision_number",
        "decided_on",
        "issued_by",
        "note",
    ];
    let other = errors
        .0
        .iter()
        .filter(|e| !fields.contains(&e.field.as_str()))
        .map(|e| e.message.clone())
        .collect();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ClassPage {
        ctx: Ctx::new(user, "Phân loại đơn vị", "criteria").with_flash(flash(flash_code)),
        csrf: user.csrf.clone(),
        rows: list
            .into_iter()
            .map(|x| ClassRow {
                unit_name: x.unit.name,
                unit_id: x.unit.id,
                title: x.title,
                decision_number: x.decision_number,
                decided_on: date(Some(x.decided_on)),
                issued_by: x.issued_by,
                note: x.note,
            })
            .collect(),
        can_record: !units.is_empty(),
        units,
        v,
        errors,
        other,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ClassQuery>,
) -> PageResult {
    require_staff(&user)?;
    let v = ClassFields {
        decided_on: date(Some(st.db.today())),
        ..Default::default()
    };
    page(&st, &user, v, FormErrors::default(), q.tb.as_deref()).await
}

pub async fn record(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(v): CsrfForm<ClassFields>,
) -> PageResult {
    require_staff(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    match super::found(st.db.units().unit_by_code(p, v.unit_code.trim()).await).page(&user)? {
        Some(u) if p.can_recognise(&u.path) => {}
        Some(_) => errors.push(
            "unit_code",
            "Bạn không có quyền ghi phân loại cho đơn vị đã chọn",
        ),
        None => errors.push("unit_code", "Hãy chọn đơn vị trong phạm vi của bạn"),
    }
    if v.title.trim().is_empty() {
        errors.push("title", "Hãy nhập tên phân loại, ví dụ “Đô thị loại II”");
    }
    if v.decision_number.trim().is_empty() {
        errors.push("decision_number", "Hãy nhập số quyết định");
    }
    let decided_on = match parse_form_date(&v.decided_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("decided_on", "Hãy nhập ngày quyết định");
            None
        }
        Err(m) => {
            errors.push("decided_on", m);
            None
        }
    };
    if errors.any() {
        return page(&st, &user, v, errors, None).await;
    }
    let input = ClassificationInput {
        unit_code: v.unit_code.trim().to_string(),
        title: v.title.trim().to_string(),
        decision_number: v.decision_number.trim().to_string(),
        decided_on,
        issued_by: v.issued_by.trim().to_string(),
        note: v.note.trim().to_string(),
    };
    match st
        .db
        .criteria()
        .classify(p, &Actor::user(p, "web"), &input)
        .await
    {
        Ok(_) => Ok(Redirect::to("/phan-loai?tb=da-phan-loai").into_response()),
        Err(StoreError::Invalid(list)) => page(&st, &user, v, FormErrors(list), None).await,
        Err(StoreError::Conflict(m)) => {
            let mut e = FormErrors::default();
            e.push("decision_number", m);
            page(&st, &user, v, e, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}
