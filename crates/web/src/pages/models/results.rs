//! Recording a measured result of a model, and deleting one.

use super::page::{model_page, Posted};
use crate::auth::WebUser;
use crate::extract::TokenOnly;
use crate::extract::{CsrfForm, PagePath};
use crate::respond::{FormErrors, PageResult, StoreResultExt};
use crate::view::parse_form_date;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::text::parse_decimal;
use serde::Deserialize;
use store::{Actor, ResultInput, StoreError};

/// The result form, as typed (shown again with its errors).
#[derive(Deserialize, Default, Clone)]
pub struct ResultFields {
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

pub async fn add_result(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(v): CsrfForm<ResultFields>,
) -> PageResult {
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
        s => match parse_decimal(s) {
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
        .models()
        .add_model_result(&Actor::user(p, "web"), Some(p), id, &input)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/mo-hinh/{id}?tb=da-ghi-ket-qua#ket-qua")).into_response())
        }
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                result: Some((v, FormErrors(list))),
                ..Default::default()
            };
            model_page(&st, &user, id, posted, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub async fn delete_result(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, rid)): PagePath<(i64, i64)>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    let p = &user.principal;
    st.db
        .models()
        .delete_model_result(&Actor::user(p, "web"), p, id, rid)
        .await
        .page(&user)?;
    Ok(Redirect::to(&format!("/mo-hinh/{id}?tb=da-xoa-ket-qua#ket-qua")).into_response())
}
