//! "Nhận nhân rộng về đơn vị": recording that a unit adopted the model, and removing that record.

use super::page::{model_page, Posted};
use crate::auth::WebUser;
use crate::extract::TokenOnly;
use crate::extract::{CsrfForm, PagePath};
use crate::respond::{FormErrors, PageResult, StoreResultExt};
use crate::view::parse_form_date;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use store::{Actor, StoreError};

/// The adoption form, as typed (shown again with its errors).
#[derive(Deserialize, Default, Clone)]
pub struct AdoptFields {
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub adopted_on: String,
    #[serde(default)]
    pub note: String,
}

pub async fn adopt(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(v): CsrfForm<AdoptFields>,
) -> PageResult {
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
        .models()
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
        Ok(_) => {
            Ok(Redirect::to(&format!("/mo-hinh/{id}?tb=da-nhan-rong#nhan-rong")).into_response())
        }
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                adopt: Some((v, FormErrors(list))),
                ..Default::default()
            };
            model_page(&st, &user, id, posted, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub async fn unadopt(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, code)): PagePath<(i64, String)>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    let p = &user.principal;
    st.db
        .models()
        .remove_adoption(&Actor::user(p, "web"), p, id, &code)
        .await
        .page(&user)?;
    Ok(Redirect::to(&format!("/mo-hinh/{id}?tb=da-xoa-nhan-rong#nhan-rong")).into_response())
}
