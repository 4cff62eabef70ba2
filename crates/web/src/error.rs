//! Errors of the web layer: a "not found" page or a JSON problem document, always in Vietnamese, never a
//! panic and never internal details.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::{FieldError, StoreError};
use utoipa::ToSchema;

// A problem document (RFC 9457) with a Vietnamese `title` and `detail`: the body of every API error. Doc
// comments on its fields are the descriptions API users read in the OpenAPI document.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// Luôn là `about:blank`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Tên lỗi (tiếng Việt).
    pub title: &'static str,
    /// Mã trạng thái HTTP.
    pub status: u16,
    /// Thông báo tiếng Việt.
    pub detail: String,
    /// Lỗi theo từng trường gửi lên (chỉ khi có).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<ProblemField>)]
    pub errors: Vec<FieldError>,
}

// A fault tied to one request field.
#[derive(Serialize, ToSchema)]
pub struct ProblemField {
    /// Tên trường (tiếng Anh, như trong yêu cầu).
    pub field: String,
    /// Thông báo tiếng Việt.
    pub message: String,
}

/// The Vietnamese title of an error status.
pub fn problem_title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Không tìm thấy",
        StatusCode::UNAUTHORIZED => "Chưa đăng nhập",
        StatusCode::FORBIDDEN => "Không có quyền",
        StatusCode::UNPROCESSABLE_ENTITY => "Dữ liệu không hợp lệ",
        StatusCode::BAD_REQUEST => "Yêu cầu không hợp lệ",
        StatusCode::TOO_MANY_REQUESTS => "Quá nhiều yêu cầu",
        StatusCode::CONFLICT => "Xung đột dữ liệu",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Kiểu nội dung không được hỗ trợ",
        _ => "Lỗi máy chủ",
    }
}

/// A JSON body answered as `application/problem+json` with `status`.
pub fn problem_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/problem+json"),
    );
    resp
}

/// JSON problem details (RFC 9457) with a Vietnamese `title`/`detail`.
pub fn problem(status: StatusCode, detail: &str, errors: &[FieldError]) -> Response {
    problem_response(
        status,
        &Problem {
            kind: "about:blank",
            title: problem_title(status),
            status: status.as_u16(),
            detail: detail.to_string(),
            errors: errors.to_vec(),
        },
    )
}

/// An error in an API handler.
#[derive(Debug)]
pub enum ApiError {
    Store(StoreError),
    Status(StatusCode, String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Store(e)
    }
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError::Status(StatusCode::BAD_REQUEST, msg.into())
    }
    pub fn unprocessable(msg: impl Into<String>) -> ApiError {
        ApiError::Status(StatusCode::UNPROCESSABLE_ENTITY, msg.into())
    }
    pub fn not_found() -> ApiError {
        ApiError::Status(
            StatusCode::NOT_FOUND,
            "Không tìm thấy đối tượng yêu cầu".into(),
        )
    }
    pub fn forbidden() -> ApiError {
        ApiError::Status(
            StatusCode::FORBIDDEN,
            "Bạn không có quyền thực hiện thao tác này".into(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Status(s, m) => problem(s, &m, &[]),
            ApiError::Store(StoreError::NotFound) => problem(
                StatusCode::NOT_FOUND,
                "Không tìm thấy đối tượng yêu cầu",
                &[],
            ),
            ApiError::Store(StoreError::Forbidden) => problem(
                StatusCode::FORBIDDEN,
                "Bạn không có quyền thực hiện thao tác này",
                &[],
            ),
            ApiError::Store(StoreError::Invalid(errs)) => {
                let detail = errs
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                problem(StatusCode::UNPROCESSABLE_ENTITY, &detail, &errs)
            }
            ApiError::Store(StoreError::Conflict(m)) => problem(StatusCode::CONFLICT, &m, &[]),
            ApiError::Store(e) => {
                tracing::error!(error = %e, "api error");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Đã có lỗi ở máy chủ; xin thử lại sau",
                    &[],
                )
            }
        }
    }
}

/// Turns a panic into a plain 500 page instead of a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        "Đã có lỗi ở máy chủ; xin thử lại sau.",
    )
        .into_response()
}
