//! Documents (evidence) of an assessment: upload from the unit's page for a set, and download.

use super::{require_staff, seg};
use crate::auth::WebUser;
use crate::extract::{CsrfMultipart, PagePath};
use crate::respond::{audit_file, file_response, PageError, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use store::{Actor, StoreError};

pub async fn upload(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    mut form: CsrfMultipart,
) -> PageResult {
    require_staff(&user)?;
    // The page the form was on; the store decides whether the caller may add to this assessment.
    let page = format!(
        "/tieu-chi/{}/don-vi/{}",
        seg(form.text("set").trim()),
        seg(form.text("unit").trim())
    );
    let back = format!("{page}#danh-gia-{id}");
    let Some(file) = form.take_file("file") else {
        return Err(PageError::bad_form(
            &user,
            back,
            "Hãy chọn một tệp tài liệu minh chứng để tải lên.",
        ));
    };
    let name = file.filename.unwrap_or_else(|| "tep".into());
    let p = &user.principal;
    match st
        .db
        .criteria()
        .add_document(p, &Actor::user(p, "web"), id, &name, &file.bytes)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{page}?tb=da-tai-len#danh-gia-{id}")).into_response()),
        Err(StoreError::Invalid(list)) => Err(PageError::bad_form(
            &user,
            back,
            list.iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(e) => Err(e).page(&user),
    }
}

pub async fn download(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    require_staff(&user)?;
    let (info, bytes, unit_path) = st
        .db
        .criteria()
        .document(&user.principal, id)
        .await
        .page(&user)?;
    let audit = store::FileAudit {
        kind: "criteria.document",
        label: "Tài liệu minh chứng đánh giá tiêu chí",
        unit_path: &unit_path,
        filename: &info.filename,
        rows: None,
    };
    audit_file(&st, &user, audit).await?;
    Ok(file_response(&info.content_type, &info.filename, bytes))
}
