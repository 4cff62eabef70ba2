//! Reporting rounds (đợt báo cáo): the rounds the reader can see with their completeness, the form that
//! opens one for a unit's sub-units (title, period, due day), and a round's page with its completeness as
//! bars and one row per sub-unit's report.

use super::stored::{
    flash, moment, other_errors, period, require_reader, unit_options, CompletenessView, SubRow,
};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::policy::Capability;
use serde::Deserialize;
use store::{Actor, RoundInput, RoundSummary, StoreError};

/// The form opening a round, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct RoundFields {
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub note: String,
}

const ROUND_FIELDS: [&str; 6] = ["unit_code", "title", "from", "to", "due_on", "note"];

/// A round as a row of the list.
pub struct RoundRow {
    pub id: i64,
    pub title: String,
    pub unit_name: String,
    pub period: String,
    pub due_on: String,
    pub c: CompletenessView,
}

fn round_row(r: &RoundSummary) -> RoundRow {
    RoundRow {
        id: r.id,
        title: r.title.clone(),
        unit_name: r.unit.name.clone(),
        period: period(r.from, r.to),
        due_on: date(Some(r.due_on)),
        c: CompletenessView::of(&r.completeness),
    }
}

#[derive(Template)]
#[template(path = "report_rounds.html")]
struct RoundsPage {
    ctx: Ctx,
    csrf: String,
    rows: Vec<RoundRow>,
    can_open: bool,
    units: Vec<(String, String)>,
    f: RoundFields,
    errors: FormErrors,
    other: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    #[serde(default)]
    tb: Option<String>,
}

async fn rounds_page(
    st: &AppState,
    user: &WebUser,
    posted: Option<(RoundFields, FormErrors)>,
    flash_msg: Option<String>,
) -> PageResult {
    require_reader(user)?;
    let p = &user.principal;
    let list = st.db.reports().rounds(p).await.page(user)?;
    let can_open = p.has(Capability::WriteReports);
    let units = if can_open {
        unit_options(st, user, true).await?
    } else {
        Vec::new()
    };
    let failed = posted.is_some();
    // The form starts on the reader's own unit when it may set rounds, else on the first one offered.
    let own = match st.db.units().unit(p, p.unit_id).await {
        Ok(u) if units.iter().any(|(code, _)| *code == u.code) => u.code,
        _ => units
            .first()
            .map(|(code, _)| code.clone())
            .unwrap_or_default(),
    };
    let (f, errors) = posted.unwrap_or_else(|| {
        (
            RoundFields {
                unit_code: own,
                ..Default::default()
            },
            FormErrors::default(),
        )
    });
    let other = other_errors(&errors, &ROUND_FIELDS);
    let page = RoundsPage {
        ctx: Ctx::new(user, "Đợt báo cáo", "reports").with_flash(flash_msg),
        csrf: user.csrf.clone(),
        rows: list.iter().map(round_row).collect(),
        can_open,
        units,
        f,
        errors,
        other,
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    rounds_page(&st, &user, None, flash(q.tb.as_deref())).await
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<RoundFields>,
) -> PageResult {
    require_reader(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    if f.unit_code.trim().is_empty() {
        errors.push("unit_code", "Chọn đơn vị mở đợt báo cáo");
    }
    if f.title.trim().is_empty() {
        errors.push("title", "Ghi tên đợt báo cáo");
    }
    let mut day = |field: &str, value: &str, missing: &str| match parse_form_date(value) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push(field, missing);
            None
        }
        Err(m) => {
            errors.push(field, m);
            None
        }
    };
    let from = day("from", &f.from, "Ghi ngày đầu kỳ báo cáo");
    let to = day("to", &f.to, "Ghi ngày cuối kỳ báo cáo");
    let due_on = day("due_on", &f.due_on, "Ghi hạn nộp báo cáo");
    if let (Some(a), Some(b)) = (from, to) {
        if let Err(e) = domain::report::check_period(a, b) {
            errors.push("to", e.to_string());
        }
    }
    if errors.any() {
        return rounds_page(&st, &user, Some((f, errors)), None).await;
    }
    let input = RoundInput {
        unit_code: f.unit_code.trim().to_string(),
        title: domain::text::normalize(&f.title),
        from,
        to,
        due_on,
        note: domain::text::normalize_multiline(&f.note),
    };
    let actor = Actor::user(p, "web");
    match st.db.reports().create_round(p, &actor, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/bao-cao/dot/{id}?tb=da-mo-dot")).into_response()),
        Err(StoreError::Invalid(list)) => {
            rounds_page(&st, &user, Some((f, FormErrors(list))), None).await
        }
        Err(StoreError::Conflict(text)) => {
            let mut errors = FormErrors::default();
            errors.push("", text);
            rounds_page(&st, &user, Some((f, errors)), None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

#[derive(Template)]
#[template(path = "report_round.html")]
struct RoundPage {
    ctx: Ctx,
    title: String,
    unit_id: i64,
    unit_name: String,
    period: String,
    due_on: String,
    note: String,
    created: String,
    can_review: bool,
    c: CompletenessView,
    rows: Vec<SubRow>,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    require_reader(&user)?;
    let d = st
        .db
        .reports()
        .round(&user.principal, id)
        .await
        .page(&user)?;
    let r = &d.round;
    let page = RoundPage {
        ctx: Ctx::new(&user, format!("Đợt báo cáo: {}", r.title), "reports")
            .with_flash(flash(q.tb.as_deref())),
        title: r.title.clone(),
        unit_id: r.unit.id,
        unit_name: r.unit.name.clone(),
        period: period(r.from, r.to),
        due_on: date(Some(r.due_on)),
        note: r.note.clone(),
        created: format!("{} · {}", r.created_by, moment(&r.created_at)),
        can_review: d.can_review,
        c: CompletenessView::of(&r.completeness),
        rows: d.reports.iter().map(SubRow::of).collect(),
    };
    Ok(render(&page))
}
