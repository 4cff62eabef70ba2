//! Responses every page shares: rendering a template, the Vietnamese message pages (not found, bad address,
//! expired form, refused request, server error), `PageError` for handlers that return
//! `Result<Response, PageError>`, and file and image download headers. This module imports nothing from
//! `pages`, `api` or `portal`; they import from it.

use crate::auth::WebUser;
use crate::view::Ctx;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use store::StoreError;

/// Renders a template, or a plain 500 if rendering itself fails.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Đã có lỗi khi hiển thị trang.",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    ctx: Ctx,
    heading: String,
    text: String,
    /// Where the button leads ("Quay lại" when it is not the home page).
    back: String,
}

fn message(status: StatusCode, ctx: Ctx, heading: &str, text: &str, back: &str) -> Response {
    let page = MessagePage {
        ctx,
        heading: heading.into(),
        text: text.into(),
        back: back.into(),
    };
    (status, render(&page)).into_response()
}

fn ctx_for(user: Option<&WebUser>, title: &str) -> Ctx {
    match user {
        Some(u) => Ctx::new(u, title, ""),
        None => Ctx::anonymous(title),
    }
}

/// The "not found" page. Objects outside a user's scope answer exactly this, never their data.
pub fn not_found(user: Option<&WebUser>) -> Response {
    message(
        StatusCode::NOT_FOUND,
        ctx_for(user, "Không tìm thấy"),
        "Không tìm thấy trang",
        "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc nằm ngoài phạm vi bạn được xem.",
        "/",
    )
}

/// A short page for an address with malformed parameters (status 200, as axum's query rejections were
/// replaced; callers wrap it with the status they need).
pub fn bad_address() -> Response {
    message(
        StatusCode::OK,
        Ctx::anonymous("Địa chỉ không hợp lệ"),
        "Địa chỉ không hợp lệ",
        "Đường dẫn có tham số không đúng (ví dụ số trang không phải là số). Hãy quay lại và thử lại.",
        "/",
    )
}

/// The answer to a form without this session's CSRF token (`extract::CsrfForm`).
pub fn csrf_failure() -> Response {
    message(
        StatusCode::FORBIDDEN,
        Ctx::anonymous("Phiên làm việc hết hạn"),
        "Biểu mẫu đã hết hạn",
        "Biểu mẫu này đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.",
        "/",
    )
}

/// A short error page for a form whose input could not be used, with a link back (422).
pub fn bad_form(user: &WebUser, back: &str, text: &str) -> Response {
    message(
        StatusCode::UNPROCESSABLE_ENTITY,
        Ctx::new(user, "Không thực hiện được", ""),
        "Không thực hiện được",
        text,
        back,
    )
}

fn store_error_page(user: Option<&WebUser>, e: StoreError) -> Response {
    match e {
        StoreError::NotFound | StoreError::Forbidden => not_found(user),
        // A rule refused the request (e.g. check-in opened on another day than the meeting's): say why,
        // as a 422/409 page, never as a server error.
        StoreError::Invalid(errors) => {
            let text = errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            message(
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx_for(user, "Không thực hiện được"),
                "Không thực hiện được",
                &text,
                "/",
            )
        }
        StoreError::Conflict(text) => message(
            StatusCode::CONFLICT,
            ctx_for(user, "Không thực hiện được"),
            "Không thực hiện được",
            &text,
            "/",
        ),
        other => {
            tracing::error!(error = %other, "page error");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                ctx_for(user, "Lỗi"),
                "Đã có lỗi",
                "Máy chủ không thực hiện được yêu cầu. Dữ liệu của bạn không bị thay đổi; xin thử lại sau.",
                "/",
            )
        }
    }
}

/// Why a page handler did not produce its page. Handlers return `Result<Response, PageError>` and use `?`:
/// store errors become the matching Vietnamese page (`StoreResultExt::page`), a missing or out-of-scope
/// object the "not found" page (`OptionExt::found`), and any ready response (a redirect, a form shown
/// again with its errors) passes through unchanged.
#[derive(Debug)]
pub enum PageError {
    /// The "not found" page (also for objects outside the user's scope).
    NotFound(Option<Box<WebUser>>),
    /// A store error, shown with the user's navigation.
    Store(Option<Box<WebUser>>, StoreError),
    /// A form whose input could not be used: a 422 page with a link back.
    BadForm {
        user: Box<WebUser>,
        back: String,
        text: String,
    },
    /// Any other finished response (boxed: a `Response` is large and errors travel by value).
    Response(Box<Response>),
}

pub type PageResult = Result<Response, PageError>;

impl PageError {
    pub fn not_found(user: &WebUser) -> PageError {
        PageError::NotFound(Some(Box::new(user.clone())))
    }
    pub fn bad_form(user: &WebUser, back: impl Into<String>, text: impl Into<String>) -> PageError {
        PageError::BadForm {
            user: Box::new(user.clone()),
            back: back.into(),
            text: text.into(),
        }
    }
}

impl From<Response> for PageError {
    fn from(r: Response) -> Self {
        PageError::Response(Box::new(r))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound(u) => not_found(u.as_deref()),
            PageError::Store(u, e) => store_error_page(u.as_deref(), e),
            PageError::BadForm { user, back, text } => bad_form(&user, &back, &text),
            PageError::Response(r) => *r,
        }
    }
}

/// `store_result.page(&user)?` — a store error as the page the user should see.
pub trait StoreResultExt<T> {
    fn page(self, user: &WebUser) -> Result<T, PageError>;
}

impl<T> StoreResultExt<T> for Result<T, StoreError> {
    fn page(self, user: &WebUser) -> Result<T, PageError> {
        self.map_err(|e| PageError::Store(Some(Box::new(user.clone())), e))
    }
}

/// `option.found(&user)?` — `None` is the "not found" page.
pub trait OptionExt<T> {
    fn found(self, user: &WebUser) -> Result<T, PageError>;
}

impl<T> OptionExt<T> for Option<T> {
    fn found(self, user: &WebUser) -> Result<T, PageError> {
        self.ok_or_else(|| PageError::not_found(user))
    }
}

/// Field error lookup for templates.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<store::FieldError>);

impl FormErrors {
    pub fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
    pub fn push(&mut self, field: &str, msg: impl Into<String>) {
        self.0.push(store::FieldError::new(field, msg));
    }
}

/// Builds `?key=value&…` with URL encoding (empty values left out).
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    let out = s.finish();
    if out.is_empty() {
        out
    } else {
        format!("?{out}")
    }
}

/// Writes the audit row of a file with data before it is sent (OWASP ASVS V7.1: access to personal
/// data is logged); when the row cannot be written the error page is returned and no file leaves.
pub async fn audit_file(
    st: &crate::AppState,
    user: &WebUser,
    f: store::FileAudit<'_>,
) -> Result<(), PageError> {
    st.db
        .audit()
        .audit_file(&store::Actor::user(&user.principal, "web"), &f)
        .await
        .page(user)
}

/// `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = domain::text::fold(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file download: its type and the `attachment` header with its name.
pub fn file_response(content_type: &str, filename: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(filename)),
        ],
        bytes,
    )
        .into_response()
}

/// An image response: the stored content type (checked at upload), inline, cached privately.
pub fn image_response(content_type: &str, filename: &str, bytes: Vec<u8>) -> Response {
    let disposition = content_disposition(filename).replacen("attachment", "inline", 1);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response()
}
