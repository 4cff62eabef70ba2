//! The import page: upload units or members (CSV/XLSX), see every bad row with its line and column, fix
//! and retry. Nothing is written unless the whole file is valid. The file is kept for a retry.

use crate::auth::WebUser;
use crate::extract::{CsrfForm, CsrfMultipart, PagePath};
use crate::respond::{render, PageError, PageResult, StoreResultExt};
use crate::view::{num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
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
    can_members: bool,
    can_inspections: bool,
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
        can_members: user.principal.has(Capability::ImportMembers),
        can_inspections: user.principal.has(Capability::ManageInspections),
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

/// The page is for whoever may import something: members, or inspection cases.
fn may_import(user: &WebUser) -> bool {
    user.principal.has(Capability::ImportMembers)
        || user.principal.has(Capability::ManageInspections)
}

pub async fn show(user: WebUser) -> PageResult {
    if !may_import(&user) {
        return Err(PageError::not_found(&user));
    }
    Ok(render(&page(&user)))
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "units" => "đơn vị",
        "inspections" => "các cuộc kiểm tra, giám sát",
        _ => "đảng viên",
    }
}

/// Runs an import of an upload and renders the result. A dry run's file is not stored (id 0): the page
/// says so and offers no "write" button for it.
async fn run(st: &AppState, user: &WebUser, upload: store::Upload, dry_run: bool) -> PageResult {
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
            return Err(PageError::not_found(user));
        }
        match crate::heavy::run(move || office::parse_units(&name, &content)).await {
            Ok(parsed) => {
                st.db
                    .imports()
                    .import_units(&actor, Some(p), parsed, dry_run)
                    .await
            }
            Err(e) => {
                view.problem = e.to_string();
                return Ok(
                    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response(),
                );
            }
        }
    } else if upload.kind == "inspections" {
        if !p.has(Capability::ManageInspections) {
            return Err(PageError::not_found(user));
        }
        match crate::heavy::run(move || office::parse_inspections(&content, &name)).await {
            Ok(parsed) => {
                st.db
                    .inspections()
                    .import_inspections(&actor, Some(p), parsed, dry_run)
                    .await
            }
            Err(e) => {
                view.problem = e.to_string();
                return Ok(
                    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response(),
                );
            }
        }
    } else {
        if !p.has(Capability::ImportMembers) {
            return Err(PageError::not_found(user));
        }
        match crate::heavy::run(move || office::parse_members(&name, &content, today)).await {
            Ok(parsed) => {
                st.db
                    .imports()
                    .import_members(&actor, Some(p), parsed, dry_run)
                    .await
            }
            Err(e) => {
                view.problem = e.to_string();
                return Ok(
                    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response(),
                );
            }
        }
    };
    match outcome {
        Ok(ImportOutcome::Done(r)) if upload.kind == "inspections" => {
            view.report_text = format!(
                "{}{} dòng: {} cuộc kiểm tra, giám sát.",
                if r.dry_run {
                    "Kiểm tra xong, chưa ghi gì vào cơ sở dữ liệu. "
                } else {
                    "Đã nhập xong. "
                },
                num(r.rows as i64),
                num(r.created as i64)
            );
            view.report = Some(r);
        }
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
        Err(e) => return Err(e).page(user),
    }
    let status = if view.errors.is_empty() && view.problem.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&view)).into_response())
}

pub async fn upload(
    State(st): State<AppState>,
    user: WebUser,
    mut form: CsrfMultipart,
) -> PageResult {
    if !may_import(&user) {
        return Err(PageError::not_found(&user));
    }
    let kind = form.text("kind").to_string();
    let dry_run = form.has("dry_run");
    let Some(file) = form.take_file("file") else {
        let mut view = page(&user);
        view.problem = "Hãy chọn một tệp CSV hoặc Excel (.xlsx) để nhập.".into();
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response());
    };
    let filename = file.filename.unwrap_or_else(|| "tep.csv".into());
    let bytes = file.bytes;
    let kind = match kind.as_str() {
        "units" => "units",
        "inspections" => "inspections",
        _ => "members",
    };
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
    let id = st
        .db
        .accounts()
        .save_upload(user.principal.user_id, kind, &filename, &bytes)
        .await
        .page(&user)?;
    let u = st
        .db
        .accounts()
        .upload(user.principal.user_id, id)
        .await
        .page(&user)?;
    run(&st, &user, u, dry_run).await
}

#[derive(Deserialize)]
pub struct RetryForm {
    #[serde(default)]
    dry_run: Option<String>,
}

pub async fn retry(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<RetryForm>,
) -> PageResult {
    let u = st
        .db
        .accounts()
        .upload(user.principal.user_id, id)
        .await
        .page(&user)?;
    run(&st, &user, u, f.dry_run.is_some()).await
}

pub async fn download(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let u = st
        .db
        .accounts()
        .upload(user.principal.user_id, id)
        .await
        .page(&user)?;
    let audit = store::FileAudit {
        kind: "upload",
        label: &format!("Tệp {} đã gửi để nhập", kind_label(&u.kind)),
        unit_path: &user.principal.unit_path,
        filename: &u.filename,
        rows: None,
    };
    crate::respond::audit_file(&st, &user, audit).await?;
    let safe: String = u
        .filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        u.content,
    )
        .into_response())
}

pub async fn template(user: WebUser, Path(kind): Path<String>) -> PageResult {
    let (build, name): (fn() -> _, _) = match kind.as_str() {
        "dang-vien.xlsx" => (office::members_template_xlsx, "mau-nhap-dang-vien.xlsx"),
        "don-vi.xlsx" => (office::units_template_xlsx, "mau-nhap-don-vi.xlsx"),
        "kiem-tra-giam-sat.xlsx" if user.principal.has(Capability::ManageInspections) => (
            office::inspections_template_xlsx,
            "mau-nhap-kiem-tra-giam-sat.xlsx",
        ),
        _ => return Err(PageError::not_found(&user)),
    };
    // Building the XLSX is CPU work: off the async workers.
    match crate::heavy::run(build).await {
        Ok(b) => Ok((
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
            .into_response()),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            Err(PageError::bad_form(
                &user,
                "/nhap-du-lieu",
                "Không tạo được tệp mẫu.",
            ))
        }
    }
}
