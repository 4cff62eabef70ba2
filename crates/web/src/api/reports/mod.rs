//! API for period reports (báo cáo sơ kết, tổng kết; docs/DOMAIN.md § Period report): the figures of a unit
//! and period computed now (JSON, Word, Excel), the reporting rounds a unit sets for its sub-units, and the
//! reports kept in the database with their header, narrative and sign-off steps (submit, return, accept,
//! issue). The figures come from `store::Reports` (`domain::report::PeriodReport`); the confidential
//! sections (inspection, discipline) are null for a reader without `can_read_cases`. A member account may
//! not read reports (403); a unit outside the caller's scope is 422 in a query or body, a stored report or
//! round the caller may not read is 404.

use super::fields::{require, unit_param, Faults};
use super::models::UnitRef;
use super::units::UnitTypeName;
use super::{r, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use domain::policy::{Capability, Principal};
use domain::report::{ReportDocument, ReportStatus};
use serde::{Deserialize, Serialize};
use store::{Actor, FieldError, StoreError};
use utoipa::{IntoParams, ToSchema};

mod period;
mod rounds;

use period::*;
pub use period::{period_json, PeriodReportOut};
use rounds::*;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/reports/period", "reports", "Số liệu báo cáo sơ kết, tổng kết của một đơn vị và các đơn vị trực thuộc trong một khoảng thời gian, tính từ dữ liệu: quán triệt, học tập chuyên đề, sinh hoạt chi bộ, đăng ký làm theo, công khai và phản ánh của nhân dân, mô hình, kiểm tra giám sát và kỷ luật (null khi không có quyền xem), khen thưởng, bộ tiêu chí, hạn chế, bảng đơn vị trực thuộc", get(period_report))
            .query::<PeriodQuery>()
            .json::<PeriodReportOut>(),
        r("get", "/reports/period.docx", "reports", "Báo cáo của một đơn vị và khoảng thời gian dạng Word (thể thức Hướng dẫn 36-HD/VPTW), số liệu tính tại thời điểm tải", get(period_docx))
            .query::<PeriodQuery>()
            .file(DOCX),
        r("get", "/reports/period.xlsx", "reports", "Số liệu báo cáo của một đơn vị và khoảng thời gian dạng Excel (mỗi phần một trang tính, kèm bảng đơn vị trực thuộc)", get(period_xlsx))
            .query::<PeriodQuery>()
            .file(XLSX),
        r("get", "/reports/rounds", "reports", "Các đợt báo cáo xem được: đợt do đơn vị trong phạm vi đặt ra và đợt mà một đơn vị trong phạm vi phải báo cáo (kỳ mới trước), kèm mức độ đầy đủ", get(list_rounds))
            .json::<Items<RoundOut>>(),
        r("post", "/reports/rounds", "reports", "Mở một đợt báo cáo cho các tổ chức đảng trực thuộc một đơn vị: mỗi đơn vị trực thuộc một báo cáo nháp", post(create_round))
            .body::<RoundBody>()
            .created::<RoundDetailOut>(),
        r("get", "/reports/rounds/{id}", "reports", "Một đợt báo cáo với tình trạng báo cáo của từng đơn vị trực thuộc", get(show_round))
            .json::<RoundDetailOut>(),
        r("get", "/reports", "reports", "Các báo cáo đã lưu của đơn vị trong phạm vi (hoặc của một đơn vị và các đơn vị trực thuộc), kỳ mới trước", get(list_reports))
            .query::<ReportListQuery>()
            .json::<Items<ReportSummaryOut>>(),
        r("post", "/reports", "reports", "Lập báo cáo của đơn vị mình ngoài đợt báo cáo (sơ kết, tổng kết một khoảng thời gian)", post(create_report))
            .body::<NewReportBody>()
            .created::<StoredReportOut>(),
        r("get", "/reports/{id}", "reports", "Một báo cáo đã lưu: phần đầu, nội dung, số liệu (đã chốt khi được chấp nhận hoặc ban hành), chênh lệch so với số liệu hiện nay, lịch sử", get(show_report))
            .json::<StoredReportOut>(),
        r("put", "/reports/{id}", "reports", "Sửa phần đầu và nội dung báo cáo (khi còn nháp hoặc bị trả lại)", axum::routing::put(save_report))
            .body::<ReportEditBody>()
            .json::<StoredReportOut>(),
        r("post", "/reports/{id}/actions", "reports", "Một bước của báo cáo: gửi (submit), trả lại có ý kiến (return), chấp nhận (accept), ban hành báo cáo ngoài đợt (issue)", post(act))
            .body::<ActionBody>()
            .json::<StoredReportOut>(),
        r("get", "/reports/{id}/docx", "reports", "Báo cáo đã lưu dạng Word", get(report_docx))
            .file(DOCX),
        r("get", "/reports/{id}/xlsx", "reports", "Số liệu của báo cáo đã lưu dạng Excel", get(report_xlsx))
            .file(XLSX),
    ]
}

/// Roles that may not read any report (a member account) are refused before anything is looked up.
fn require_reader(p: &Principal) -> Result<(), ApiError> {
    if p.can_read_report(&p.unit_path) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// A period from required `from` and `to` fields: both dates, `from` not after `to`, not longer than
/// `domain::report::MAX_PERIOD_DAYS`.
fn period_fields(
    f: &mut Faults,
    from: Option<&str>,
    to: Option<&str>,
) -> Option<(NaiveDate, NaiveDate)> {
    let from = f.date("from", from);
    let to = f.date("to", to);
    let (from, to) = (from?, to?);
    match domain::report::check_period(from, to) {
        Ok(()) => Some((from, to)),
        Err(e) => {
            f.push("to", e.to_string());
            None
        }
    }
}

/// A generated file: the audit row first, then the download.
async fn send_file(
    st: &AppState,
    p: &Principal,
    doc: ReportDocument,
    ext: &'static str,
    kind: &str,
) -> Result<Response, ApiError> {
    let stem = office::report_file_stem(&doc);
    let unit_path = st
        .db
        .units()
        .unit_unscoped(doc.figures.unit.id)
        .await?
        .map(|u| u.path)
        .ok_or(ApiError::not_found())?;
    let label = format!(
        "Báo cáo {} — {} đến {}",
        doc.figures.unit.name,
        domain::text::format_date(doc.figures.from),
        domain::text::format_date(doc.figures.to)
    );
    let rows = doc.figures.sub_units.len();
    let bytes = crate::heavy::run(move || match ext {
        "docx" => office::report_docx(&doc),
        _ => office::report_xlsx(&doc),
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "report file failed");
        ApiError::Status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Đã có lỗi ở máy chủ; xin thử lại sau".into(),
        )
    })?;
    let filename = format!("{stem}.{ext}");
    st.db
        .audit()
        .audit_file(
            &Actor::user(p, "api"),
            &store::FileAudit {
                kind,
                label: &label,
                unit_path: &unit_path,
                filename: &filename,
                rows: Some(rows),
            },
        )
        .await?;
    let ctype = if ext == "docx" { DOCX } else { XLSX };
    Ok(crate::respond::file_response(ctype, &filename, bytes))
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Store(StoreError::Invalid(vec![FieldError::new(field, message)]))
}
