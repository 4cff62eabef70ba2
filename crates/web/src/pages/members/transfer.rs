//! Party transfer of a member to another cell, and status changes (exempt, moved out, deceased, expelled, withdrawn).

use super::form::writable_member;
use crate::auth::WebUser;
use crate::extract::CsrfForm;
use crate::extract::PagePath;
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{iso, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::MemberStatus;
use serde::Deserialize;
use store::{Actor, StoreError};
#[derive(Deserialize, Default)]
pub struct TransferForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    date: String,
}

#[derive(Template)]
#[template(path = "member_transfer.html")]
struct TransferPage {
    ctx: Ctx,
    id: i64,
    full_name: String,
    current_unit: String,
    unit_code: String,
    date: String,
    errors: FormErrors,
    csrf: String,
    units: Vec<(String, String)>,
}

async fn transfer_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    f: TransferForm,
    errors: FormErrors,
) -> PageResult {
    let m = writable_member(st, user, id).await?;
    let units = match st
        .db
        .units()
        .list_units(&user.principal, None, Some(st.db.today()))
        .await
    {
        Ok(u) => u
            .into_iter()
            .filter(|u| u.unit_type.is_party() && u.id != m.unit_id)
            .take(2000)
            .map(|u| (u.code, u.name))
            .collect(),
        Err(e) => return Err(e).page(user),
    };
    let status = if errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = TransferPage {
        ctx: Ctx::new(user, "Chuyển sinh hoạt đảng", "members"),
        id,
        full_name: m.full_name,
        current_unit: m.unit_name,
        unit_code: f.unit_code,
        date: if f.date.is_empty() {
            iso(Some(st.db.today()))
        } else {
            f.date
        },
        errors,
        csrf: user.csrf.clone(),
        units,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn transfer_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    transfer_page(
        &st,
        &user,
        id,
        TransferForm::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn transfer(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<TransferForm>,
) -> PageResult {
    let mut errors = FormErrors::default();
    let date = match parse_form_date(&f.date) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("date", "Chọn ngày chuyển sinh hoạt");
            None
        }
        Err(e) => {
            errors.push("date", e);
            None
        }
    };
    if let Some(date) = date {
        let actor = Actor::user(&user.principal, "web");
        match st
            .db
            .members()
            .transfer_member(&actor, &user.principal, id, f.unit_code.trim(), date)
            .await
        {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/dang-vien/{id}?tb=da-chuyen")).into_response())
            }
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return Err(e).page(&user),
        }
    }
    transfer_page(&st, &user, id, f, errors).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: String,
}

pub async fn status(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<StatusForm>,
) -> PageResult {
    let (Some(status), Ok(Some(date))) = (MemberStatus::parse(&f.status), parse_form_date(&f.date))
    else {
        return Err(PageError::bad_form(
            &user,
            format!("/dang-vien/{id}"),
            "Hãy chọn trạng thái và ngày hợp lệ.",
        ));
    };
    let actor = Actor::user(&user.principal, "web");
    match st
        .db
        .members()
        .set_member_status(&actor, &user.principal, id, status, date)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/dang-vien/{id}?tb=da-doi-trang-thai")).into_response()),
        Err(StoreError::Invalid(e)) => {
            let msg = e
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            Err(PageError::bad_form(&user, format!("/dang-vien/{id}"), msg))
        }
        Err(e) => Err(e).page(&user),
    }
}
