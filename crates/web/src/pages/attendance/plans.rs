//! The campaign page: the directives, the plans with their attendance and registration targets, the
//! yearly themes, and the forms that add a plan and set a theme.

use super::FlashQuery;
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::policy::Capability;
use domain::text::{format_percent, parse_decimal};
use serde::Deserialize;
use store::{Actor, StoreError};

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    ctx: Ctx,
    directives: Vec<(String, String, String, String)>,
    plans: Vec<(String, String, String, String, String, String, String)>,
    themes: Vec<(i32, String, String, String)>,
    can_manage: bool,
    csrf: String,
    plan: PlanFields,
    theme: ThemeFields,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct PlanFields {
    #[serde(default)]
    number: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    directive_code: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    target_attendance: String,
    #[serde(default)]
    target_registered: String,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct ThemeFields {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    plan: String,
}

async fn campaign_page(
    st: &AppState,
    user: &WebUser,
    plan: PlanFields,
    theme: ThemeFields,
    errors: FormErrors,
    flash: Option<String>,
) -> PageResult {
    let p = &user.principal;
    let directives = st.db.campaign().directives().await.page(user)?;
    let plans = st.db.campaign().plans(p).await.page(user)?;
    let themes = st.db.campaign().themes_for(&p.unit_path).await.page(user)?;
    let own = st
        .db
        .units()
        .unit(p, p.unit_id)
        .await
        .map(|u| u.code)
        .unwrap_or_default();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CampaignPage {
        ctx: Ctx::new(user, "Kế hoạch và chuyên đề", "campaign").with_flash(flash),
        directives: directives
            .iter()
            .map(|d| {
                (
                    d.code.clone(),
                    date(Some(d.issued_on)),
                    d.issuer.clone(),
                    d.title.clone(),
                )
            })
            .collect(),
        plans: plans
            .iter()
            .map(|pl| {
                (
                    pl.number.clone(),
                    date(Some(pl.issued_on)),
                    pl.unit_name.clone(),
                    pl.title.clone(),
                    pl.directive_code.clone().unwrap_or_default(),
                    format_percent(pl.target_attendance as f64 / 1000.0),
                    format_percent(pl.target_registered as f64 / 1000.0),
                )
            })
            .collect(),
        themes: themes
            .iter()
            .map(|t| {
                (
                    t.year,
                    t.title.clone(),
                    t.unit_name.clone(),
                    t.plan_number.clone().unwrap_or_default(),
                )
            })
            .collect(),
        can_manage: p.has(Capability::ManageCampaign),
        csrf: user.csrf.clone(),
        plan: PlanFields {
            unit_code: if plan.unit_code.is_empty() {
                own.clone()
            } else {
                plan.unit_code.clone()
            },
            ..plan
        },
        theme: ThemeFields {
            unit_code: if theme.unit_code.is_empty() {
                own
            } else {
                theme.unit_code.clone()
            },
            ..theme
        },
        errors,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn campaign(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    campaign_page(
        &st,
        &user,
        PlanFields::default(),
        ThemeFields::default(),
        FormErrors::default(),
        crate::view::flash_message(q.tb.as_deref()),
    )
    .await
}

/// A target typed as a percentage ("95", "98,5", "98.5%"), kept in per mille; empty is no target.
fn percent_field(field: &str, v: &str, errors: &mut FormErrors) -> Option<i64> {
    if v.trim().trim_end_matches('%').is_empty() {
        return None;
    }
    match parse_decimal(v) {
        Some(x) if (0.0..=100.0).contains(&x) => Some((x * 10.0).round() as i64),
        _ => {
            errors.push(field, "Chỉ tiêu là số phần trăm từ 0 đến 100, ví dụ 95");
            None
        }
    }
}

pub(super) async fn create_plan(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<PlanFields>,
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageCampaign) {
        return Err(PageError::not_found(&user));
    }
    let mut errors = FormErrors::default();
    let issued_on = match parse_form_date(&f.issued_on) {
        Ok(d) => d,
        Err(m) => {
            errors.push("issued_on", m);
            None
        }
    };
    let input = store::PlanInput {
        number: f.number.clone(),
        title: f.title.clone(),
        issued_on,
        unit_code: f.unit_code.clone(),
        directive_code: Some(f.directive_code.clone()),
        scope: f.scope.clone(),
        target_attendance: percent_field("target_attendance", &f.target_attendance, &mut errors),
        target_registered: percent_field("target_registered", &f.target_registered, &mut errors),
    };
    if errors.any() {
        return campaign_page(&st, &user, f, ThemeFields::default(), errors, None).await;
    }
    match st
        .db
        .campaign()
        .create_plan(&Actor::user(p, "web"), Some(p), input)
        .await
    {
        Ok(_) => Ok(Redirect::to("/ke-hoach?tb=da-tao").into_response()),
        Err(StoreError::Invalid(list)) => {
            campaign_page(
                &st,
                &user,
                f,
                ThemeFields::default(),
                FormErrors(list),
                None,
            )
            .await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub(super) async fn set_theme(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<ThemeFields>,
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageCampaign) {
        return Err(PageError::not_found(&user));
    }
    let Ok(year) = f.year.trim().parse::<i32>() else {
        let mut e = FormErrors::default();
        e.push("year", "Năm phải là số, ví dụ 2019");
        return campaign_page(&st, &user, PlanFields::default(), f, e, None).await;
    };
    match st
        .db
        .campaign()
        .set_theme(
            &Actor::user(p, "web"),
            Some(p),
            &f.unit_code,
            year,
            &f.title,
            "",
            Some(&f.plan),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/ke-hoach?tb=da-luu").into_response()),
        Err(StoreError::Invalid(list)) => {
            campaign_page(&st, &user, PlanFields::default(), f, FormErrors(list), None).await
        }
        Err(e) => Err(e).page(&user),
    }
}
