//! The POST of the marking sheet on a session's page.

use super::show::{problem_page, session_page, SheetFilter};
use super::{kind_of, session_href};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath};
use crate::respond::{OptionExt, PageError, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::attendance::Mark;
use std::collections::HashMap;
use store::{Actor, StoreError};

/// POST of the marking sheet: fields `m<member_id>` = status code; `tat_ca` = mark every unmarked place
/// the user may mark as present.
pub(super) async fn mark(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let p = &user.principal;
    let all_present = fields.iter().any(|(k, _)| k == "tat_ca");
    let filter = SheetFilter::from_fields(&fields);
    let mut marks: Vec<(i64, Mark)> = Vec::new();
    if all_present {
        let rows = st.db.attendance().meeting_marks(p, id).await.page(&user)?;
        marks.extend(
            rows.iter()
                .filter(|r| r.can_mark && r.status.is_none())
                .map(|r| (r.member_id, Mark::Present)),
        );
    }
    // The sheet carries each row's status as loaded (`o<id>`): only rows the user changed are written, so
    // a sheet left open does not overwrite a check-in made meanwhile.
    let loaded: HashMap<&str, &str> = fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix('o').map(|id| (id, v.as_str())))
        .collect();
    for (k, v) in &fields {
        let Some(id_text) = k.strip_prefix('m') else {
            continue;
        };
        let Ok(mid) = id_text.parse::<i64>() else {
            continue;
        };
        if v.is_empty() || loaded.get(id_text) == Some(&v.as_str()) {
            continue;
        }
        let Some(m) = Mark::parse(v) else {
            return Err(PageError::bad_form(
                &user,
                session_href(kind, id),
                "Trạng thái điểm danh không hợp lệ.",
            ));
        };
        marks.retain(|(x, _)| *x != mid);
        marks.push((mid, m));
    }
    // Unchanged marks are skipped by the store; only what changed is written and audited.
    match st
        .db
        .attendance()
        .set_marks(&Actor::user(p, "web"), Some(p), id, &marks)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}{}#bang-diem-danh",
            session_href(kind, id),
            match filter.query() {
                q if q.is_empty() => "?tb=da-diem-danh".to_string(),
                q => format!("{q}&tb=da-diem-danh"),
            }
        ))
        .into_response()),
        Err(StoreError::Invalid(list)) => {
            let mut row_errors = HashMap::new();
            for e in &list {
                if let Some(i) = e
                    .field
                    .strip_prefix("marks[")
                    .and_then(|s| s.split(']').next())
                    .and_then(|s| s.parse::<usize>().ok())
                {
                    if let Some((mid, _)) = marks.get(i) {
                        row_errors.insert(*mid, e.message.clone());
                    }
                }
            }
            session_page(
                &st,
                &user,
                id,
                kind,
                format!("Chưa lưu điểm danh: {}", super::messages(&list)),
                row_errors,
                (None, &filter),
            )
            .await
        }
        Err(StoreError::Forbidden) => {
            problem_page(
                &st,
                &user,
                id,
                kind,
                "Bạn chỉ được điểm danh đảng viên thuộc đơn vị mình phụ trách.".into(),
            )
            .await
        }
        Err(e) => Err(e).page(&user),
    }
}
