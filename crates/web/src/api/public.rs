//! The public JSON API: citizens' feedback on public registrations and good-practice models, sent without
//! logging in (`POST /api/v1/public/feedback`).

use super::{r, ApiRoute};
use crate::auth::client_address;
use crate::public_input::{foreign_origin, media_type, opt};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use store::{FeedbackRefusal, FeedbackSubmission};
use utoipa::ToSchema;

/// The route of this module.
pub fn route() -> ApiRoute {
    r(
        "post",
        "/public/feedback",
        "public",
        "Người dân gửi phản ánh về bản đăng ký hoặc mô hình công khai (không cần đăng nhập; giới hạn số lần gửi theo địa chỉ, quá giới hạn trả 429)",
        post(api_feedback),
    )
    .public()
    .body::<FeedbackJson>()
    .respond::<FeedbackReceipt>(
        201,
        "Đã nhận phản ánh (chờ đơn vị xem xét). merged = true: nội dung gần như trùng một phản ánh gửi về cùng nội dung trong 24 giờ qua, nên được gộp vào phản ánh đó (được đếm, không mất); mã theo dõi vẫn là mã riêng của lần gửi này, trang theo dõi cho biết tình trạng và câu trả lời công khai của phản ánh đã gộp",
    )
    .respond::<FeedbackReceived>(202, "Đã nhận")
    .error(
        403,
        "Gửi từ trang web khác (Origin khác máy chủ, Origin: null, Sec-Fetch-Site: cross-site)",
    )
    .error(415, "Content-Type không phải application/json")
    .error(
        429,
        "Gửi quá nhiều lần từ một địa chỉ; thử lại sau Retry-After giây",
    )
}

// Documentation only.
/// What the feedback is about.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SubjectTypeName {
    Registration,
    Model,
}

// The lengths documented on `FeedbackJson` must equal the limits the store enforces.
const _: () = assert!(
    domain::feedback::MIN_CONTENT_CHARS == 10
        && domain::limits::FEEDBACK_CONTENT == 2000
        && domain::limits::PERSON_NAME == 100
        && domain::limits::CONTACT == 200
);

/// Phản ánh của người dân về một bản đăng ký hoặc mô hình đang công khai.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = FeedbackInput)]
pub struct FeedbackJson {
    #[schema(value_type = SubjectTypeName)]
    pub subject_type: String,
    /// Mã bản đăng ký hoặc mô hình đang công khai.
    pub subject_id: i64,
    #[schema(min_length = 10, max_length = 2000)]
    pub content: String,
    /// Không bắt buộc; chỉ đơn vị xem được.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// Không bắt buộc; chỉ đơn vị xem được.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub contact: Option<String>,
    /// A honeypot for forms built on the API; leave empty.
    #[serde(default)]
    pub website: Option<String>,
}

/// Feedback received (201).
#[derive(Serialize, ToSchema)]
pub struct FeedbackReceipt {
    id: i64,
    tracking_code: String,
    /// Always `pending`.
    #[schema(value_type = FeedbackPending)]
    status: &'static str,
    /// The public page that follows the feedback.
    tracking_url: String,
    /// Folded into near-identical feedback sent earlier: the code is still this sender's own, and its
    /// page follows that feedback's status and answer.
    merged: bool,
}

// Documentation only.
/// The status of feedback just received.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum FeedbackPending {
    Pending,
}

/// The answer when the honeypot was filled (202): nothing is stored, nothing tells the sender.
#[derive(Serialize, ToSchema)]
pub struct FeedbackReceived {
    /// Always `received`.
    status: &'static str,
}

/// The successful answers of `api_feedback`.
pub enum FeedbackAnswer {
    Created(FeedbackReceipt),
    Received(FeedbackReceived),
}

impl IntoResponse for FeedbackAnswer {
    fn into_response(self) -> Response {
        match self {
            FeedbackAnswer::Created(r) => (StatusCode::CREATED, axum::Json(r)).into_response(),
            FeedbackAnswer::Received(r) => (StatusCode::ACCEPTED, axum::Json(r)).into_response(),
        }
    }
}

/// Refusals are problem documents built here (a 429 carries `Retry-After`, a 422 its fields under one
/// title), hence `Response` rather than `ApiError`.
pub async fn api_feedback(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Result<FeedbackAnswer, Response> {
    use crate::error::problem;
    if foreign_origin(&st, &headers) {
        return Err(problem(
            StatusCode::FORBIDDEN,
            "Yêu cầu gửi từ một trang web khác (hoặc Origin: null) không được chấp nhận; \
             hãy gửi phản ánh từ Cổng thông tin công khai hoặc từ một ứng dụng không chạy trong trình duyệt",
            &[],
        ));
    }
    if body.is_empty() {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "Thiếu nội dung JSON với các trường subject_type, subject_id, content",
            &[],
        ));
    }
    if media_type(&headers) != "application/json" {
        return Err(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Nội dung phải có Content-Type: application/json",
            &[],
        ));
    }
    let f: FeedbackJson = serde_json::from_slice(&body).map_err(|e| {
        problem(
            StatusCode::BAD_REQUEST,
            &format!(
                "Nội dung gửi lên không phải JSON hợp lệ với các trường subject_type, subject_id, content ({e})"
            ),
            &[],
        )
    })?;
    let sub = FeedbackSubmission {
        subject_type: f.subject_type,
        subject_id: f.subject_id,
        content: f.content,
        name: f.name.as_deref().and_then(opt),
        contact: f.contact.as_deref().and_then(opt),
        honeypot: f.website,
        address: client_address(&headers, &ext, st.config.trust_proxy),
    };
    match st.db.portal().submit_feedback(&sub).await {
        Ok(r) => Ok(FeedbackAnswer::Created(FeedbackReceipt {
            id: r.id,
            tracking_url: format!("/cong-khai/phan-anh/{}", r.tracking_code),
            tracking_code: r.tracking_code,
            status: "pending",
            merged: r.folded,
        })),
        Err(FeedbackRefusal::Trap) => Ok(FeedbackAnswer::Received(FeedbackReceived {
            status: "received",
        })),
        Err(FeedbackRefusal::RateLimited { retry_after }) => {
            let mut resp = problem(
                StatusCode::TOO_MANY_REQUESTS,
                &crate::labels::feedback_rate_limit(retry_after),
                &[],
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Err(resp)
        }
        Err(FeedbackRefusal::NoSubject) => Err(problem(
            StatusCode::NOT_FOUND,
            "Không có bản đăng ký hoặc mô hình công khai với mã này (subject_type phải là \"registration\" hoặc \"model\")",
            &[],
        )),
        Err(FeedbackRefusal::Invalid(errors)) => {
            let fields: Vec<store::FieldError> = errors
                .into_iter()
                .map(|e| store::FieldError::new(e.field, e.message))
                .collect();
            Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Phản ánh chưa hợp lệ",
                &fields,
            ))
        }
        Err(FeedbackRefusal::Store(e)) => {
            tracing::error!(error = %e, "public feedback failed");
            Err(problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Máy chủ chưa nhận được phản ánh; xin thử lại sau",
                &[],
            ))
        }
    }
}
