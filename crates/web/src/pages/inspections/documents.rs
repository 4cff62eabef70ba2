//! Documents of a case (decisions, reports, conclusions): upload and download, as for meetings.

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
    super::require_manage(&user)?;
    let back = format!("/kiem-tra/{id}#tai-lieu");
    let Some(file) = form.take_file("file") else {
        return Err(PageError::bad_form(
            &user,
            back,
            "Hãy chọn một tệp tài liệu để tải lên.",
        ));
    };
    let name = file.filename.unwrap_or_else(|| "tep".into());
    let p = &user.principal;
    match st
        .db
        .inspections()
        .add_case_document(&Actor::user(p, "web"), p, id, &name, &file.bytes)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/kiem-tra/{id}?tb=da-tai-len#tai-lieu")).into_response())
        }
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
    PagePath((id, doc)): PagePath<(i64, i64)>,
) -> PageResult {
    super::require_read(&user)?;
    let p = &user.principal;
    let (info, bytes) = st
        .db
        .inspections()
        .case_document(p, id, doc)
        .await
        .page(&user)?;
    let d = st
        .db
        .inspections()
        .case_detail(&Actor::user(p, "web"), p, id)
        .await
        .page(&user)?;
    let unit = st.db.units().unit(p, d.case.unit_id).await.page(&user)?;
    let audit = store::FileAudit {
        kind: "inspection.document",
        label: &format!("Tài liệu cuộc “{}”", d.case.title),
        unit_path: &unit.path,
        filename: &info.filename,
        rows: None,
    };
    audit_file(&st, &user, audit).await?;
    Ok(file_response(&info.content_type, &info.filename, bytes))
}
