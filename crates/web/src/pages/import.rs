//! The import page: upload units or members (CSV/XLSX), see every bad row with its line and column, fix
//! and retry. Nothing is written unless the whole file is valid. The file is kept for a retry.

use super::{not_found, render, store_error};
use crate::auth::WebUser;
use crate::extract::PagePath;
use crate::view::{num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::policy::Capability;
use serde::Deserialize;
use store::{Actor, ImportOutcome, ImportReport};

pub struct ErrorView {
    pub line: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    ctx: Ctx,
    csrf: String,
    can_units: bool,
    upload_id: i64,
    filename: String,
    kind_label: String,
    kind: String,
    errors: Vec<ErrorView>,
    error_count: String,
    report: Option<ImportReport>,
    report_text: String,
    problem: String,
    /// A result is shown (of a stored upload, or of a dry run whose file was not kept).
    has_result: bool,
    /// The file of a dry run is not stored: it must be chosen again to import it.
    not_stored: bool,
}

fn page(user: &WebUser) -> ImportPage {
    ImportPage {
        ctx: Ctx::new(user, "Nhập dữ liệu", "import"),
        csrf: user.csrf.clone(),
        can_units: user.principal.has(Capability::ImportUnits),
        upload_id: 0,
        filename: String::new(),
        kind_label: String::new(),
        kind: String::new(),
        errors: Vec::new(),
        error_count: String::new(),
        report: None,
        report_text: String::new(),
        problem: String::new(),
        has_result: false,
        not_stored: false,
    }
}

pub async fn show(user: WebUser) -> Response {
    if !user.principal.has(Capability::ImportMembers) {
        return not_found(Some(&user));
    }
    render(&page(&user))
}

fn kind_label(kind: &str) -> &'static str {
    if kind == "units" {
        "đơn vị"
    } else {
        "đảng viên"
    }
}

/// Runs an import of an upload and renders the result. A dry run's file is not stored (id 0): the page
/// says so and offers no "write" button for it.
async fn run(st: &AppState, user: &WebUser, upload: store::Upload, dry_run: bool) -> Response {
    let p = &user.principal;
    let mut view = page(user);
    view.has_result = true;
    view.not_stored = upload.id == 0;
    view.upload_id = upload.id;
    view.filename = upload.filename.clone();
    view.kind = upload.kind.clone();
    view.kind_label = kind_label(&upload.kind).to_string();
    let actor = Actor::user(p, "import");
    let today = st.db.today();
    // Parsing is CPU work: off the async workers (crate::heavy).
    let (name, content) = (upload.filename.clone(), upload.content);
    let outcome = if upload.kind == "units" {
        if !p.has(Capability::ImportUnits) {
            return not_found(Some(user));
        }
        match crate::heavy::run(move || office::parse_units(&name, &content)).await {
            Ok(parsed) => st.db.import_units(&actor, Some(p), parsed, dry_run).await,
            Err(e) => {
                view.problem = e.to_string();
                return (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view))
                    .into_response();
            }
        }
    } else {
        match crate::heavy::run(move || office::parse_members(&name, &content, today)).await {
            Ok(parsed) => st.db.import_members(&actor, Some(p), parsed, dry_run).await,
            Err(e) => {
                view.problem = e.to_string();
                return (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view))
                    .into_response();
            }
        }
    };
    match outcome {
        Ok(ImportOutcome::Done(r)) => {
            view.report_text = format!(
                "{}{} dòng: thêm mới {}, cập nhật {}, không đổi {}.",
                if r.dry_run {
                    "Kiểm tra xong, chưa ghi gì vào cơ sở dữ liệu. "
                } else {
                    "Đã nhập xong. "
                },
                num(r.rows as i64),
                num(r.created as i64),
                num(r.updated as i64),
                num(r.unchanged as i64)
            );
            view.report = Some(r);
        }
        Ok(ImportOutcome::Rejected(errors)) => {
            view.error_count = num(errors.len() as i64);
            view.errors = errors
                .into_iter()
                .map(|e| ErrorView {
                    line: e.line,
                    column: e.column,
                    message: e.message,
                })
                .collect();
        }
        Err(e) => return store_error(user, e),
    }
    let status = if view.errors.is_empty() && view.problem.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, render(&view)).into_response()
}

pub async fn upload(State(st): State<AppState>, user: WebUser, mut mp: Multipart) -> Response {
    if !user.principal.has(Capability::ImportMembers) {
        return not_found(Some(&user));
    }
    let mut csrf = String::new();
    let mut kind = String::from("members");
    let mut dry_run = false;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let filename = field.file_name().map(str::to_string);
                match field.bytes().await {
                    Ok(bytes) => match name.as_str() {
                        "csrf" => csrf = String::from_utf8_lossy(&bytes).to_string(),
                        "kind" => kind = String::from_utf8_lossy(&bytes).to_string(),
                        "dry_run" => dry_run = true,
                        "file" => {
                            file =
                                Some((filename.unwrap_or_else(|| "tep.csv".into()), bytes.to_vec()))
                        }
                        _ => {}
                    },
                    Err(_) => {
                        return super::bad_form(
                            &user,
                            "/nhap-du-lieu",
                            "Tệp tải lên bị lỗi hoặc quá lớn.",
                        )
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                return super::bad_form(&user, "/nhap-du-lieu", "Tệp tải lên bị lỗi hoặc quá lớn.")
            }
        }
    }
    if !user.csrf_ok(&csrf) {
        return super::csrf_failure();
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let mut view = page(&user);
        view.problem = "Hãy chọn một tệp CSV hoặc Excel (.xlsx) để nhập.".into();
        return (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response();
    };
    let kind = if kind == "units" { "units" } else { "members" };
    if dry_run {
        // A dry run only reads the file: it is checked from memory and not kept (no stored copy, no quota).
        let upload = store::Upload {
            id: 0,
            kind: kind.to_string(),
            filename,
            content: bytes,
        };
        return run(&st, &user, upload, true).await;
    }
    let id = match st
        .db
        .save_upload(user.principal.user_id, kind, &filename, &bytes)
        .await
    {
        Ok(id) => id,
        Err(e) => return store_error(&user, e),
    };
    match st.db.upload(user.principal.user_id, id).await {
        Ok(u) => run(&st, &user, u, dry_run).await,
        Err(e) => store_error(&user, e),
    }
}

#[derive(Deserialize)]
pub struct RetryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    dry_run: Option<String>,
}

pub async fn retry(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<RetryForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    match st.db.upload(user.principal.user_id, id).await {
        Ok(u) => run(&st, &user, u, f.dry_run.is_some()).await,
        Err(e) => store_error(&user, e),
    }
}

pub async fn download(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    match st.db.upload(user.principal.user_id, id).await {
        Ok(u) => {
            let audit = store::FileAudit {
                kind: "upload",
                label: &format!("Tệp {} đã gửi để nhập", kind_label(&u.kind)),
                unit_path: &user.principal.unit_path,
                filename: &u.filename,
                rows: None,
            };
            if let Err(r) = super::audit_file(&st, &user, audit).await {
                return r;
            }
            let safe: String = u
                .filename
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                .collect();
            (
                [
                    (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{safe}\""),
                    ),
                ],
                u.content,
            )
                .into_response()
        }
        Err(e) => store_error(&user, e),
    }
}

pub async fn template(user: WebUser, Path(kind): Path<String>) -> Response {
    let (build, name): (fn() -> _, _) = match kind.as_str() {
        "dang-vien.xlsx" => (office::members_template_xlsx, "mau-nhap-dang-vien.xlsx"),
        "don-vi.xlsx" => (office::units_template_xlsx, "mau-nhap-don-vi.xlsx"),
        _ => return not_found(Some(&user)),
    };
    // Building the XLSX is CPU work: off the async workers.
    match crate::heavy::run(build).await {
        Ok(b) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            b,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            super::bad_form(&user, "/nhap-du-lieu", "Không tạo được tệp mẫu.")
        }
    }
}
