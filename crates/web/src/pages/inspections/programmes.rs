//! The yearly programmes of inspection and supervision per conducting unit: the list and the form.

use super::{flash, require_read, resolve_unit, NOT_YOURS};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::labels::inspection_body;
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, num, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use domain::inspection::Body;
use domain::policy::Capability;
use serde::Deserialize;
use store::{Actor, Programme, ProgrammeInput, StoreError};

#[derive(Deserialize, Default, Clone)]
pub struct ProgrammeFields {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub decided_on: String,
}

pub struct ProgrammeRow {
    pub id: i64,
    pub unit_name: String,
    pub unit_code: String,
    pub year: i32,
    pub body: &'static str,
    pub title: String,
    pub content: String,
    pub decision: String,
    pub cases: String,
}

#[derive(Template)]
#[template(path = "insp_programmes.html")]
struct ProgrammesPage {
    ctx: Ctx,
    csrf: String,
    unit_code: String,
    unit_name: String,
    year: String,
    rows: Vec<ProgrammeRow>,
    can_manage: bool,
    units: Vec<(String, String)>,
    bodies: Vec<(&'static str, &'static str)>,
    v: ProgrammeFields,
    errors: FormErrors,
    other: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct ProgrammesQuery {
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    don_vi: String,
    #[serde(default)]
    nam: String,
    /// A programme to edit in the form.
    #[serde(default)]
    sua: Option<i64>,
    #[serde(default)]
    tb: Option<String>,
}

fn row(p: &Programme) -> ProgrammeRow {
    ProgrammeRow {
        id: p.id,
        unit_name: p.unit_name.clone(),
        unit_code: p.unit_code.clone(),
        year: p.year,
        body: inspection_body(p.body),
        title: p.title.clone(),
        content: p.content.clone(),
        decision: match p.decided_on {
            Some(d) => format!("{} · {}", p.decision_number, date(Some(d))),
            None => p.decision_number.clone(),
        },
        cases: num(p.cases),
    }
}

async fn page(
    st: &AppState,
    user: &WebUser,
    unit_key: &str,
    year: Option<i32>,
    v: ProgrammeFields,
    errors: FormErrors,
    flash_code: Option<&str>,
) -> PageResult {
    let p = &user.principal;
    let unit = resolve_unit(st, p, unit_key).await.page(user)?;
    let list = st
        .db
        .inspections()
        .list_programmes(p, Some(unit.id), year)
        .await
        .page(user)?;
    let units = super::unit_options(st, p)
        .await
        .page(user)?
        .iter()
        .filter(|u| p.can_manage_cases(&u.path))
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let other = super::other_errors(
        &errors,
        &[
            "unit_code",
            "year",
            "body",
            "title",
            "content",
            "decision_number",
            "decided_on",
        ],
    );
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ProgrammesPage {
        ctx: Ctx::new(user, "Chương trình kiểm tra, giám sát", "inspections")
            .with_flash(flash(flash_code)),
        csrf: user.csrf.clone(),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        rows: list.iter().map(row).collect(),
        can_manage: p.has(Capability::ManageInspections),
        units,
        bodies: Body::ALL
            .iter()
            .map(|b| (b.as_str(), inspection_body(*b)))
            .collect(),
        v,
        errors,
        other,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ProgrammesQuery>,
) -> PageResult {
    require_read(&user)?;
    let year = q.nam.trim().parse::<i32>().ok();
    let mut v = ProgrammeFields {
        unit_code: q.don_vi.trim().to_string(),
        year: year.unwrap_or(st.db.today().year()).to_string(),
        body: Body::Commission.as_str().to_string(),
        ..Default::default()
    };
    if let Some(id) = q.sua {
        let p = &user.principal;
        let all = st
            .db
            .inspections()
            .list_programmes(p, None, None)
            .await
            .page(&user)?;
        if let Some(x) = all.iter().find(|x| x.id == id) {
            v = ProgrammeFields {
                id: x.id.to_string(),
                unit_code: x.unit_code.clone(),
                year: x.year.to_string(),
                body: x.body.as_str().to_string(),
                title: x.title.clone(),
                content: x.content.clone(),
                decision_number: x.decision_number.clone(),
                decided_on: crate::view::iso(x.decided_on),
            };
        }
    }
    page(
        &st,
        &user,
        &q.don_vi,
        year,
        v,
        FormErrors::default(),
        q.tb.as_deref(),
    )
    .await
}

pub async fn save(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(v): CsrfForm<ProgrammeFields>,
) -> PageResult {
    super::require_manage(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let id = v.id.trim().parse::<i64>().ok();
    let unit = match st.db.units().unit_by_code(p, v.unit_code.trim()).await {
        Ok(u) if p.can_manage_cases(&u.path) => Some(u),
        Ok(_) => {
            errors.push("unit_code", NOT_YOURS);
            None
        }
        Err(StoreError::NotFound | StoreError::Forbidden) => {
            errors.push("unit_code", "Hãy chọn đơn vị trong phạm vi của bạn");
            None
        }
        Err(e) => return Err(e).page(&user),
    };
    let year = match v.year.trim().parse::<i32>() {
        Ok(y) if (1930..=2100).contains(&y) => Some(y),
        _ => {
            errors.push("year", "Năm không hợp lệ");
            None
        }
    };
    if v.title.trim().is_empty() {
        errors.push("title", "Hãy nhập tên chương trình");
    }
    let decided_on = match parse_form_date(&v.decided_on) {
        Ok(d) => d,
        Err(m) => {
            errors.push("decided_on", m);
            None
        }
    };
    let (Some(unit), Some(year)) = (unit, year) else {
        return page(&st, &user, "", None, v, errors, None).await;
    };
    if errors.any() {
        return page(&st, &user, &unit.code, None, v, errors, None).await;
    }
    let input = ProgrammeInput {
        unit_id: unit.id,
        year,
        body: Body::parse(&v.body),
        title: v.title.trim().to_string(),
        content: v.content.trim().to_string(),
        decision_number: v.decision_number.trim().to_string(),
        decided_on,
    };
    match st
        .db
        .inspections()
        .save_programme(&Actor::user(p, "web"), p, id, &input)
        .await
    {
        Ok(x) => Ok(Redirect::to(&format!(
            "/kiem-tra/chuong-trinh?don-vi={}&tb=da-luu-chuong-trinh",
            x.unit_code
        ))
        .into_response()),
        Err(StoreError::Invalid(list)) => {
            page(&st, &user, &unit.code, None, v, FormErrors(list), None).await
        }
        Err(StoreError::Conflict(m)) => {
            let mut e = FormErrors::default();
            e.push("year", m);
            page(&st, &user, &unit.code, None, v, e, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}
