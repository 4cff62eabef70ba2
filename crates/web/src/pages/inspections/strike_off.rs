//! Bỏ sinh hoạt and xóa tên: the members of a unit absent without reason from cell meetings in three or
//! more months of a year (Điều lệ Đảng, Điều 8), each with the xóa tên decision form, and the recorded
//! xóa tên decisions.

use super::{flash, resolve_unit};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::respond::{query_string, render, PageError, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use domain::Role;
use serde::Deserialize;
use store::{Actor, StoreError, StrikeOffInput};

pub struct CandidateRow {
    pub member_id: i64,
    pub name: String,
    pub card: String,
    pub unit_name: String,
    pub months: String,
    pub missed: String,
    pub struck_off: bool,
    /// The form was sent for this member and refused.
    pub error: String,
    pub decision_number: String,
    pub decided_on: String,
    pub reason: String,
}

pub struct StrikeOffRow {
    pub name: String,
    pub unit_name: String,
    pub decided_by: String,
    pub decision: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "insp_strike_off.html")]
struct StrikeOffPage {
    ctx: Ctx,
    csrf: String,
    unit_code: String,
    unit_name: String,
    units: Vec<(String, String)>,
    year: i32,
    rows: Vec<CandidateRow>,
    decided: Vec<StrikeOffRow>,
    decided_by: String,
}

#[derive(Deserialize, Default)]
pub struct StrikeOffQuery {
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    don_vi: String,
    #[serde(default)]
    nam: Option<i32>,
    #[serde(default)]
    tb: Option<String>,
}

fn allowed(user: &WebUser) -> Result<(), PageError> {
    let p = &user.principal;
    if p.case_prefix().is_some() || p.role == Role::Secretary {
        Ok(())
    } else {
        Err(PageError::not_found(user))
    }
}

/// The posted form of one member, to show again with its error.
struct Refused {
    member_id: i64,
    error: String,
    decision_number: String,
    decided_on: String,
    reason: String,
}

async fn page(
    st: &AppState,
    user: &WebUser,
    unit_key: &str,
    year: i32,
    refused: Option<Refused>,
    flash_code: Option<&str>,
) -> PageResult {
    let p = &user.principal;
    let unit = resolve_unit(st, p, unit_key).await.page(user)?;
    let list = st
        .db
        .inspections()
        .strike_off_candidates(p, unit.id, year)
        .await
        .page(user)?;
    let decided = st
        .db
        .inspections()
        .list_strike_offs(p, Some(unit.id), Some(year))
        .await
        .page(user)?;
    let units = super::unit_options(st, p)
        .await
        .page(user)?
        .iter()
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let today = crate::view::iso(Some(st.db.today()));
    let rows = list
        .iter()
        .map(|c| {
            let mine = refused.as_ref().filter(|r| r.member_id == c.member_id);
            CandidateRow {
                member_id: c.member_id,
                name: c.full_name.clone(),
                card: c.card_number.clone().unwrap_or_default(),
                unit_name: c.unit_name.clone(),
                months: c
                    .months
                    .iter()
                    .map(|m| format!("tháng {m}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                missed: c
                    .meetings
                    .iter()
                    .map(|(_, d)| date(Some(*d)))
                    .collect::<Vec<_>>()
                    .join(", "),
                struck_off: c.struck_off,
                error: mine.map(|r| r.error.clone()).unwrap_or_default(),
                decision_number: mine.map(|r| r.decision_number.clone()).unwrap_or_default(),
                decided_on: mine
                    .map(|r| r.decided_on.clone())
                    .unwrap_or_else(|| today.clone()),
                reason: mine.map(|r| r.reason.clone()).unwrap_or_else(|| {
                    format!(
                        "Bỏ sinh hoạt chi bộ không có lý do chính đáng {} tháng trong năm {year}",
                        c.months.len()
                    )
                }),
            }
        })
        .collect();
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = StrikeOffPage {
        ctx: Ctx::new(user, "Bỏ sinh hoạt và xóa tên", "strike-off").with_flash(flash(flash_code)),
        csrf: user.csrf.clone(),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        units,
        year,
        rows,
        decided: decided
            .iter()
            .map(|s| StrikeOffRow {
                name: s.full_name.clone(),
                unit_name: s.unit_name.clone(),
                decided_by: s.decided_by_name.clone(),
                decision: format!("{} · {}", s.decision_number, date(Some(s.decided_on))),
                reason: s.reason.clone(),
            })
            .collect(),
        decided_by: unit.code.clone(),
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<StrikeOffQuery>,
) -> PageResult {
    allowed(&user)?;
    let year = q.nam.unwrap_or(st.db.today().year());
    page(&st, &user, &q.don_vi, year, None, q.tb.as_deref()).await
}

#[derive(Deserialize, Default)]
pub struct StrikeOffFields {
    #[serde(default)]
    member_id: i64,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    decided_by: String,
    #[serde(default)]
    decision_number: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn record(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(v): CsrfForm<StrikeOffFields>,
) -> PageResult {
    allowed(&user)?;
    let p = &user.principal;
    let year = v.year.unwrap_or(st.db.today().year());
    let refused = |error: String| Refused {
        member_id: v.member_id,
        error,
        decision_number: v.decision_number.clone(),
        decided_on: v.decided_on.clone(),
        reason: v.reason.clone(),
    };
    let mut problems = Vec::new();
    if v.decision_number.trim().is_empty() {
        problems.push("Hãy nhập số quyết định".to_string());
    }
    let decided_on = match parse_form_date(&v.decided_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push("Hãy nhập ngày quyết định (dd/mm/yyyy)".into());
            None
        }
        Err(m) => {
            problems.push(m);
            None
        }
    };
    let decided_by = match st.db.units().unit_by_code(p, v.decided_by.trim()).await {
        Ok(u) => Some(u),
        Err(StoreError::NotFound | StoreError::Forbidden) => {
            problems.push("Hãy chọn đơn vị quyết định trong phạm vi của bạn".into());
            None
        }
        Err(e) => return Err(e).page(&user),
    };
    let (Some(decided_on), Some(decided_by)) = (decided_on, decided_by) else {
        let r = refused(problems.join("; "));
        return page(&st, &user, &v.unit, year, Some(r), None).await;
    };
    if !problems.is_empty() {
        let r = refused(problems.join("; "));
        return page(&st, &user, &v.unit, year, Some(r), None).await;
    }
    let input = StrikeOffInput {
        member_id: v.member_id,
        decided_by: decided_by.id,
        decision_number: v.decision_number.trim().to_string(),
        decided_on,
        reason: v.reason.trim().to_string(),
    };
    match st
        .db
        .inspections()
        .record_strike_off(&Actor::user(p, "web"), p, &input)
        .await
    {
        Ok(_) => {
            let y = year.to_string();
            Ok(Redirect::to(&format!(
                "/xoa-ten{}",
                query_string(&[
                    ("don-vi", v.unit.as_str()),
                    ("nam", &y),
                    ("tb", "da-xoa-ten")
                ])
            ))
            .into_response())
        }
        Err(StoreError::Invalid(list)) => {
            let m = list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            page(&st, &user, &v.unit, year, Some(refused(m)), None).await
        }
        Err(StoreError::Conflict(m)) => {
            page(&st, &user, &v.unit, year, Some(refused(m)), None).await
        }
        Err(e) => Err(e).page(&user),
    }
}
