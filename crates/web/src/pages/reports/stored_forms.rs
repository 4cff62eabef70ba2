//! The forms of a stored report: saving the header and narrative while it is editable, and the sign-off
//! steps (submit, return with a comment, accept, issue). A refused form comes back on the report page with
//! the input kept and the message beside the field (422); the store decides who may do what.

use super::figures::SortSpec;
use super::stored::{report_page, require_reader, DocumentFields, Posted};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, TokenOnly};
use crate::respond::{FormErrors, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::report::ReportAction;
use serde::Deserialize;
use store::{Actor, StoreError};

pub async fn save(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<DocumentFields>,
) -> PageResult {
    require_reader(&user)?;
    let p = &user.principal;
    let (header, narratives) = match f.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            let posted = Posted {
                document: Some((f, errors)),
                ..Default::default()
            };
            return report_page(&st, &user, id, posted, None, &SortSpec::default()).await;
        }
    };
    let actor = Actor::user(p, "web");
    match st
        .db
        .reports()
        .save_report(p, &actor, id, &header, &narratives)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/bao-cao/ban/{id}?tb=da-luu-bao-cao")).into_response()),
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                document: Some((f, FormErrors(list))),
                ..Default::default()
            };
            report_page(&st, &user, id, posted, None, &SortSpec::default()).await
        }
        Err(StoreError::Conflict(text)) => {
            let mut errors = FormErrors::default();
            errors.push("", text);
            let posted = Posted {
                document: Some((f, errors)),
                ..Default::default()
            };
            report_page(&st, &user, id, posted, None, &SortSpec::default()).await
        }
        Err(e) => Err(e).page(&user),
    }
}

/// The return form: the comment the writer will read.
#[derive(Deserialize, Default)]
pub struct ReturnFields {
    #[serde(default)]
    pub comment: String,
}

/// One sign-off step; a refusal with a message comes back on the page beside the buttons.
async fn step(
    st: &AppState,
    user: &WebUser,
    id: i64,
    action: ReportAction,
    comment: &str,
) -> PageResult {
    require_reader(user)?;
    let p = &user.principal;
    let actor = Actor::user(p, "web");
    let done = match action {
        ReportAction::Submit => "da-nop",
        ReportAction::Return => "da-tra-lai",
        ReportAction::Accept => "da-chap-nhan",
        ReportAction::Issue => "da-ban-hanh",
    };
    match st.db.reports().act(p, &actor, id, action, comment).await {
        Ok(_) => Ok(Redirect::to(&format!("/bao-cao/ban/{id}?tb={done}")).into_response()),
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                action: Some((comment.to_string(), FormErrors(list))),
                ..Default::default()
            };
            report_page(st, user, id, posted, None, &SortSpec::default()).await
        }
        Err(StoreError::Conflict(text)) => {
            let mut errors = FormErrors::default();
            errors.push("", text);
            let posted = Posted {
                action: Some((comment.to_string(), errors)),
                ..Default::default()
            };
            report_page(st, user, id, posted, None, &SortSpec::default()).await
        }
        Err(e) => Err(e).page(user),
    }
}

pub async fn submit(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    step(&st, &user, id, ReportAction::Submit, "").await
}

pub async fn return_report(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<ReturnFields>,
) -> PageResult {
    let comment = domain::text::normalize_multiline(&f.comment);
    if comment.is_empty() {
        require_reader(&user)?;
        let mut errors = FormErrors::default();
        errors.push(
            "comment",
            "Ghi ý kiến khi trả lại: đơn vị cần biết phải sửa, bổ sung những gì",
        );
        let posted = Posted {
            action: Some((f.comment, errors)),
            ..Default::default()
        };
        return report_page(&st, &user, id, posted, None, &SortSpec::default()).await;
    }
    let n = comment.chars().count();
    if n > domain::limits::COMMENT {
        require_reader(&user)?;
        let mut errors = FormErrors::default();
        errors.push(
            "comment",
            format!(
                "Ý kiến dài quá {} ký tự (hiện có {})",
                crate::view::num(domain::limits::COMMENT as i64),
                crate::view::num(n as i64)
            ),
        );
        let posted = Posted {
            action: Some((f.comment, errors)),
            ..Default::default()
        };
        return report_page(&st, &user, id, posted, None, &SortSpec::default()).await;
    }
    step(&st, &user, id, ReportAction::Return, &comment).await
}

pub async fn accept(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    step(&st, &user, id, ReportAction::Accept, "").await
}

pub async fn issue(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    step(&st, &user, id, ReportAction::Issue, "").await
}
