//! Import of units and members from CSV/XLSX files (all or nothing) and the member export
//! (`/import/units`, `/import/members`, `/export/members`).

use super::{r, schema_of, ApiRoute, DocResponse};
use crate::auth::ApiUser;
use crate::error::{problem_response, problem_title, ApiError, Problem};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::policy::Capability;
use serde::{Deserialize, Serialize};
use store::{Actor, ImportOutcome};
use utoipa::openapi::schema::AnyOfBuilder;
use utoipa::{IntoParams, ToSchema};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> Vec<ApiRoute> {
    let import = |path, summary, router| {
        let mut route = r("post", path, "import", summary, router)
            .query::<ImportQuery>()
            .upload("Tệp CSV hoặc XLSX")
            .json::<ImportResult>();
        // 422: the rows at fault, or a plain problem when the file cannot be read at all.
        let rejected = schema_of::<ImportRejected>(&mut route.doc.schemas);
        let problem = schema_of::<Problem>(&mut route.doc.schemas);
        route.doc.responses.push(DocResponse {
            status: 422,
            description: "Tệp có lỗi; không dòng nào được nhập (rows liệt kê từng dòng lỗi; tệp không đọc được: chỉ có detail)",
            content: vec![(
                "application/problem+json",
                AnyOfBuilder::new().item(rejected).item(problem).into(),
            )],
        });
        route
    };
    vec![
        import(
            "/import/units",
            "Nhập đơn vị từ tệp CSV/XLSX (có lỗi thì không nhập dòng nào)",
            post(import_units),
        ),
        import(
            "/import/members",
            "Nhập đảng viên từ tệp CSV/XLSX (có lỗi thì không nhập dòng nào)",
            post(import_members),
        ),
        r(
            "get",
            "/export/members",
            "export",
            "Xuất danh sách đảng viên (CSV hoặc XLSX)",
            get(export_members),
        )
        .query::<ExportQuery>()
        .file("text/csv")
        .file(XLSX),
    ]
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// Tên tệp (.csv hoặc .xlsx); nội dung XLSX cũng được nhận ra tự động.
    filename: Option<String>,
    /// Chỉ kiểm tra, không ghi.
    dry_run: Option<bool>,
}

// What an import did (or, for a dry run, would do).
#[derive(Serialize, ToSchema)]
pub struct ImportReport {
    rows: usize,
    created: usize,
    updated: usize,
    unchanged: usize,
    dry_run: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    ok: bool,
    report: ImportReport,
}

// A problem document listing every bad row of a rejected file.
#[derive(Serialize, ToSchema)]
pub struct ImportRejected {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    rows: Vec<RowFault>,
}

#[derive(Serialize, ToSchema)]
pub struct RowFault {
    /// Dòng như trong Excel (tiêu đề = dòng 1)
    line: usize,
    column: String,
    message: String,
    /// Dòng, cột và thông báo gộp thành một câu
    text: String,
}

fn import_response(outcome: ImportOutcome) -> Response {
    match outcome {
        ImportOutcome::Done(r) => Json(ImportResult {
            ok: true,
            report: ImportReport {
                rows: r.rows,
                created: r.created,
                updated: r.updated,
                unchanged: r.unchanged,
                dry_run: r.dry_run,
            },
        })
        .into_response(),
        ImportOutcome::Rejected(errors) => {
            let rows: Vec<RowFault> = errors
                .iter()
                .map(|e| RowFault {
                    line: e.line,
                    column: e.column.clone(),
                    message: e.message.clone(),
                    text: e.to_string(),
                })
                .collect();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            problem_response(
                status,
                &ImportRejected {
                    kind: "about:blank",
                    title: problem_title(status),
                    status: status.as_u16(),
                    detail: format!("Tệp có {} lỗi; không dòng nào được nhập", rows.len()),
                    rows,
                },
            )
        }
    }
}

async fn import_units(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ImportUnits) {
        return Err(ApiError::forbidden());
    }
    let name = q.filename.unwrap_or_else(|| "tep.csv".into());
    let parsed = crate::heavy::run(move || office::parse_units(&name, &body))
        .await
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let outcome = st
        .db
        .imports()
        .import_units(
            &Actor::user(p, "api"),
            Some(p),
            parsed,
            q.dry_run.unwrap_or(false),
        )
        .await?;
    Ok(import_response(outcome))
}

async fn import_members(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ImportMembers) {
        return Err(ApiError::forbidden());
    }
    let name = q.filename.unwrap_or_else(|| "tep.csv".into());
    let today = st.db.today();
    let parsed = crate::heavy::run(move || office::parse_members(&name, &body, today))
        .await
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let outcome = st
        .db
        .imports()
        .import_members(
            &Actor::user(p, "api"),
            Some(p),
            parsed,
            q.dry_run.unwrap_or(false),
        )
        .await?;
    Ok(import_response(outcome))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// Mã đơn vị (mặc định: đơn vị được cấp quyền).
    unit: Option<String>,
    /// csv (mặc định) hoặc xlsx.
    #[param(value_type = Option<ExportFormat>, inline)]
    format: Option<String>,
}

// The formats of the member export (schema only).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

async fn export_members(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ExportMembers) {
        return Err(ApiError::forbidden());
    }
    let unit = match q.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => st.db.units().unit_by_code(p, code).await?,
        None => st.db.units().unit(p, p.unit_id).await?,
    };
    let members = st
        .db
        .members()
        .members_for_export(p, Some(&unit.path))
        .await?;
    let rows = office::member_rows(&members);
    let (bytes, ctype) = match q.format.as_deref().unwrap_or("csv") {
        "csv" => (
            crate::heavy::run(move || office::members_csv(&rows)).await,
            "text/csv; charset=utf-8",
        ),
        "xlsx" => (
            crate::heavy::run(move || office::members_xlsx(&rows))
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "members xlsx failed");
                    ApiError::Status(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Đã có lỗi ở máy chủ; xin thử lại sau".into(),
                    )
                })?,
            XLSX,
        ),
        _ => return Err(ApiError::unprocessable("\"format\" phải là csv hoặc xlsx")),
    };
    let format = if ctype.starts_with("text/csv") {
        "csv"
    } else {
        "xlsx"
    };
    st.db
        .audit()
        .audit_file(
            &Actor::user(p, "api"),
            &store::FileAudit {
                kind: &format!("members.{format}"),
                label: &format!("Danh sách đảng viên — {}", unit.name),
                unit_path: &unit.path,
                filename: &format!("dang-vien-{}.{format}", unit.code),
                rows: Some(members.len()),
            },
        )
        .await?;
    Ok(([(header::CONTENT_TYPE, ctype)], bytes).into_response())
}
