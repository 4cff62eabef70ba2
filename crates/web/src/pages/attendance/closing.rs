//! Reopening a closed meeting (khóa sổ): the office of a unit at or above it, with a reason that goes into
//! the audit log; the meeting then takes changes for `domain::attendance::REOPEN_DAYS` days.

use super::show::problem_page;
use super::{kind_of, session_href};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath};
use crate::respond::{OptionExt, PageError, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use store::{Actor, StoreError};

#[derive(Deserialize, Default)]
pub(super) struct ReopenForm {
    #[serde(default)]
    reason: String,
}

/// `POST /{section}/{id}/mo-lai`.
pub(super) async fn reopen(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    CsrfForm(f): CsrfForm<ReopenForm>,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let p = &user.principal;
    if st.db.attendance().meeting(p, id).await.page(&user)?.kind != kind {
        return Err(PageError::not_found(&user));
    }
    match st
        .db
        .attendance()
        .reopen_meeting(&Actor::user(p, "web"), p, id, &f.reason)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}?tb=da-mo-lai", session_href(kind, id))).into_response())
        }
        Err(StoreError::Invalid(list)) => {
            problem_page(&st, &user, id, kind, super::messages(&list)).await
        }
        Err(e) => Err(e).page(&user),
    }
}
