//! Documents of a session (minutes, resolutions, slides): upload and download.

use super::show::problem_page;
use super::{kind_of, messages, session_href};
use crate::auth::WebUser;
use crate::extract::{CsrfMultipart, PagePath};
use crate::respond::{audit_file, file_response, OptionExt, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use store::{Actor, StoreError};

/// The file of an upload form (field `file`): its name ("tep" when the browser sent none) and bytes.
pub(super) fn uploaded(form: &mut CsrfMultipart) -> Option<(String, Vec<u8>)> {
    form.take_file("file")
        .map(|f| (f.filename.unwrap_or_else(|| "tep".into()), f.bytes))
}

pub(super) async fn upload_document(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    mut form: CsrfMultipart,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let Some((name, bytes)) = uploaded(&mut form) else {
        return problem_page(
            &st,
            &user,
            id,
            kind,
            "Hãy chọn một tệp tài liệu để tải lên.".into(),
        )
        .await;
    };
    let p = &user.principal;
    match st
        .db
        .attendance()
        .add_document(&Actor::user(p, "web"), p, id, &name, &bytes)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}?tb=da-tai-len#tai-lieu",
            session_href(kind, id)
        ))
        .into_response()),
        Err(StoreError::Invalid(list)) => problem_page(&st, &user, id, kind, messages(&list)).await,
        Err(e) => Err(e).page(&user),
    }
}

pub(super) async fn download_document(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id, doc)): PagePath<(String, i64, i64)>,
) -> PageResult {
    kind_of(&prefix).found(&user)?;
    let (info, bytes) = st
        .db
        .attendance()
        .document(&user.principal, id, doc)
        .await
        .page(&user)?;
    let m = st
        .db
        .attendance()
        .meeting(&user.principal, id)
        .await
        .page(&user)?;
    let audit = store::FileAudit {
        kind: "meeting.document",
        label: &format!("Tài liệu buổi “{}”", m.title),
        unit_path: &m.unit_path,
        filename: &info.filename,
        rows: None,
    };
    audit_file(&st, &user, audit).await?;
    Ok(file_response(&info.content_type, &info.filename, bytes))
}
