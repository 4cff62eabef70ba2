//! What a secretary sees: the concluded findings about their own units and members, with the remedies
//! required and a form to report one done ("Đã khắc phục": date, note).

use super::{flash, remedy_view, RemedyView};
use crate::auth::{safe_next, WebUser};
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::labels::{case_kind, finding};
use crate::respond::{render, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use serde::Deserialize;
use store::{Actor, StoreError};

pub struct FindingRow {
    pub kind: &'static str,
    pub conducted_by: String,
    pub case_title: String,
    pub concluded_on: String,
    pub subject: String,
    pub result: &'static str,
    pub result_badge: &'static str,
    pub manifestations: String,
    pub note: String,
    pub remedies: Vec<RemedyView>,
}

#[derive(Template)]
#[template(path = "insp_findings.html")]
struct FindingsPage {
    ctx: Ctx,
    csrf: String,
    year: String,
    rows: Vec<FindingRow>,
    today: String,
    error: Option<(i64, String)>,
}

impl FindingsPage {
    /// The refusal of the "Đã khắc phục" form of this remedy, when it was just sent.
    fn error_for<I: std::borrow::Borrow<i64>>(&self, id: I) -> Option<String> {
        self.error
            .as_ref()
            .filter(|e| e.0 == *id.borrow())
            .map(|e| e.1.clone())
    }
}

#[derive(Deserialize, Default)]
pub struct FindingsQuery {
    #[serde(default)]
    nam: String,
    #[serde(default)]
    tb: Option<String>,
}

async fn page(
    st: &AppState,
    user: &WebUser,
    year: Option<i32>,
    error: Option<(i64, String)>,
    flash_code: Option<&str>,
) -> PageResult {
    let p = &user.principal;
    // Findings concern units: a member account has none to see.
    if p.role == domain::Role::Member {
        return Err(crate::respond::PageError::not_found(user));
    }
    // Without a year, the year of the newest conclusion: a ward's findings over several years make a page
    // no one can scroll.
    let mut list = st.db.inspections().own_findings(p, year).await.page(user)?;
    let year = year.or_else(|| list.first().map(|f| f.concluded_on.year()));
    list.retain(|f| Some(f.concluded_on.year()) == year);
    let rows = list
        .iter()
        .map(|f| FindingRow {
            kind: case_kind(f.kind),
            conducted_by: f.conducted_by.clone(),
            case_title: f.case_title.clone(),
            concluded_on: date(Some(f.concluded_on)),
            subject: if f.subject.code.is_empty() {
                f.subject.name.clone()
            } else {
                format!("{} ({})", f.subject.name, f.subject.code)
            },
            result: f.subject.result.map(finding).unwrap_or(""),
            result_badge: match f.subject.result {
                Some(domain::inspection::Finding::Violation) => "red",
                Some(domain::inspection::Finding::Shortcomings) => "gold",
                _ => "green",
            },
            manifestations: f.subject.manifestations.join(", "),
            note: f.subject.note.clone(),
            remedies: f.subject.remedies.iter().map(remedy_view).collect(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FindingsPage {
        ctx: Ctx::new(user, "Kết quả kiểm tra, giám sát", "findings").with_flash(flash(flash_code)),
        csrf: user.csrf.clone(),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        rows,
        today: crate::view::iso(Some(st.db.today())),
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<FindingsQuery>,
) -> PageResult {
    let year = q.nam.trim().parse::<i32>().ok();
    page(&st, &user, year, None, q.tb.as_deref()).await
}

#[derive(Deserialize, Default)]
pub struct DoneFields {
    #[serde(default)]
    done_on: String,
    #[serde(default)]
    note: String,
    /// Where to go back to (the case page when reported from there).
    #[serde(default)]
    next: String,
}

pub async fn report(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(remedy): PagePath<i64>,
    CsrfForm(v): CsrfForm<DoneFields>,
) -> PageResult {
    let p = &user.principal;
    let done_on = match parse_form_date(&v.done_on) {
        Ok(Some(d)) => d,
        Ok(None) => {
            let m = "Hãy nhập ngày đã khắc phục (dd/mm/yyyy)".to_string();
            return page(&st, &user, None, Some((remedy, m)), None).await;
        }
        Err(m) => return page(&st, &user, None, Some((remedy, m)), None).await,
    };
    match st
        .db
        .inspections()
        .report_remedy(&Actor::user(p, "web"), p, remedy, done_on, v.note.trim())
        .await
    {
        Ok(_) => {
            let next = if v.next.trim().is_empty() {
                "/ket-qua-kiem-tra".to_string()
            } else {
                safe_next(Some(v.next.trim()))
            };
            let sep = if next.contains('?') { '&' } else { '?' };
            Ok(Redirect::to(&format!("{next}{sep}tb=da-khac-phuc")).into_response())
        }
        Err(StoreError::Invalid(list)) => {
            let m = list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            page(&st, &user, None, Some((remedy, m)), None).await
        }
        Err(e) => Err(e).page(&user),
    }
}
