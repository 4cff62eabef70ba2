//! Server-rendered staff pages. Each handler takes `WebUser` (the login wall), asks the store for data
//! already filtered by the user's scope, and renders an askama template.

mod accounts;
mod attendance;
mod audit;
mod bulletin;
mod feedback;
mod home;
mod import;
mod login;
mod members;
mod models;
mod reg_report;
mod registrations;
mod units;

use crate::auth::WebUser;
use crate::view::Ctx;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::dashboard))
        .route("/dang-nhap", get(login::form).post(login::submit))
        .route("/dang-xuat", post(login::logout))
        .route(
            "/doi-mat-khau",
            get(login::password_form).post(login::password_submit),
        )
        .route("/don-vi/{id}", get(units::show))
        .route("/don-vi/{id}/sua", post(units::edit))
        .route("/don-vi/{id}/them", post(units::add_child))
        .route("/don-vi/{id}/chuyen", post(units::move_to))
        .route("/don-vi/{id}/giai-the", post(units::close))
        .route("/dang-vien", get(members::list))
        .route(
            "/dang-vien/moi",
            get(members::new_form).post(members::create),
        )
        .route("/dang-vien/{id}", get(members::show))
        .route(
            "/dang-vien/{id}/sua",
            get(members::edit_form).post(members::update),
        )
        .route(
            "/dang-vien/{id}/chuyen",
            get(members::transfer_form).post(members::transfer),
        )
        .route("/dang-vien/{id}/trang-thai", post(members::status))
        .route("/xuat/dang-vien", get(members::export))
        .route("/nhap-du-lieu", get(import::show).post(import::upload))
        .route("/nhap-du-lieu/{id}/thu-lai", post(import::retry))
        .route("/nhap-du-lieu/{id}/tep", get(import::download))
        .route("/nhap-du-lieu/mau/{kind}", get(import::template))
        .route("/tai-khoan", get(accounts::list).post(accounts::create))
        .route("/tai-khoan/{id}/trang-thai", post(accounts::toggle))
        .route("/tai-khoan/{id}/mat-khau", post(accounts::reset))
        .route("/nhat-ky", get(audit::list))
        .route("/ke-hoach", get(attendance::campaign))
        .route("/ke-hoach/moi", post(attendance::create_plan))
        .route("/ke-hoach/chuyen-de", post(attendance::set_theme))
        .route("/hoc-tap", get(attendance::list_study))
        .route(
            "/hoc-tap/moi",
            get(attendance::new_study).post(attendance::create_study),
        )
        .route("/hoc-tap/{id}", get(attendance::show_study))
        .route("/sinh-hoat", get(attendance::register))
        .route(
            "/sinh-hoat/moi",
            get(attendance::new_cell).post(attendance::create_cell),
        )
        .route("/sinh-hoat/chu-de", post(attendance::set_topic))
        .route("/sinh-hoat/{id}", get(attendance::show_cell))
        .route("/{section}/{id}/diem-danh", post(attendance::mark))
        .route(
            "/{section}/{id}/mo-diem-danh",
            post(attendance::open_checkin),
        )
        .route(
            "/{section}/{id}/dong-diem-danh",
            post(attendance::close_checkin),
        )
        .route("/{section}/{id}/qr.svg", get(attendance::qr))
        .route("/{section}/{id}/sua", post(attendance::edit))
        .route(
            "/{section}/{id}/cap-nhat-danh-sach",
            post(attendance::refresh_list),
        )
        .route(
            "/{section}/{id}/tai-lieu",
            post(attendance::upload_document),
        )
        .route(
            "/{section}/{id}/tai-lieu/{doc}",
            get(attendance::download_document),
        )
        .route(
            "/{section}/{id}/danh-sach-ky.xlsx",
            get(attendance::signin_sheet),
        )
        .route(
            "/{section}/{id}/diem-danh.xlsx",
            get(attendance::export_marks),
        )
        .route(
            "/{section}/{id}/nhap-diem-danh",
            post(attendance::import_marks),
        )
        .route(
            "/diem-danh",
            get(attendance::checkin_form).post(attendance::checkin_submit),
        )
        .route("/dang-ky", get(registrations::index))
        .route(
            "/dang-ky/viet",
            get(registrations::new_form).post(registrations::create),
        )
        .route("/dang-ky/kiem-tra", post(registrations::check))
        .route("/dang-ky/sao-chep", post(registrations::copy_previous))
        .route("/dang-ky/{id}", get(registrations::show))
        .route(
            "/dang-ky/{id}/sua",
            get(registrations::edit_form).post(registrations::update),
        )
        .route("/dang-ky/{id}/xu-ly", post(registrations::act))
        .route("/dang-ky/{id}/danh-gia", post(registrations::review))
        .route("/dang-ky/{id}/xep-loai", post(registrations::rate))
        .route("/dang-ky/{id}/ban-dang-ky.docx", get(registrations::docx))
        .route("/chuyen-can", get(attendance::table))
        .route(
            "/dang-vien/{id}/chuyen-can",
            get(attendance::member_history),
        )
        .route("/ban-tin/{code}", get(bulletin::show))
        .route("/ban-tin/{code}/{file}", get(bulletin::file))
        .route("/phan-anh", get(feedback::queue))
        .route("/phan-anh/{id}", get(feedback::show))
        .route("/phan-anh/{id}/kiem-duyet", post(feedback::moderate))
        .route("/phan-anh/{id}/tra-loi", post(feedback::answer))
        .merge(reg_report::routes())
        .merge(models::routes())
}

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

/// The "not found" page. Objects outside a user's scope answer exactly this, never their data.
pub fn not_found(user: Option<&WebUser>) -> Response {
    let ctx = match user {
        Some(u) => Ctx::new(u, "Không tìm thấy", ""),
        None => Ctx::anonymous("Không tìm thấy"),
    };
    let page = MessagePage {
        ctx,
        heading: "Không tìm thấy trang".into(),
        text: "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc nằm ngoài phạm vi bạn được xem.".into(),
        back: "/".into(),
    };
    (StatusCode::NOT_FOUND, render(&page)).into_response()
}

pub async fn not_found_fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::problem(StatusCode::NOT_FOUND, "Không có đường dẫn API này", &[]);
    }
    not_found(None)
}

/// A short page for an address with malformed parameters.
pub fn bad_address() -> Response {
    let page = MessagePage {
        ctx: Ctx::anonymous("Địa chỉ không hợp lệ"),
        heading: "Địa chỉ không hợp lệ".into(),
        text: "Đường dẫn có tham số không đúng (ví dụ số trang không phải là số). Hãy quay lại và thử lại.".into(),
        back: "/".into(),
    };
    render(&page)
}

pub fn csrf_failure() -> Response {
    let page = MessagePage {
        ctx: Ctx::anonymous("Phiên làm việc hết hạn"),
        heading: "Biểu mẫu đã hết hạn".into(),
        text: "Biểu mẫu này đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.".into(),
        back: "/".into(),
    };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

/// Maps store errors that are not form errors to pages.
pub fn store_error(user: &WebUser, e: StoreError) -> Response {
    match e {
        StoreError::NotFound | StoreError::Forbidden => not_found(Some(user)),
        // A rule refused the request (e.g. check-in opened on another day than the meeting's): say why,
        // as a 422/409 page, never as a server error.
        StoreError::Invalid(errors) => {
            let text = errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            bad_form(user, "/", &text)
        }
        StoreError::Conflict(message) => {
            let page = MessagePage {
                ctx: Ctx::new(user, "Không thực hiện được", ""),
                heading: "Không thực hiện được".into(),
                text: message,
                back: "/".into(),
            };
            (StatusCode::CONFLICT, render(&page)).into_response()
        }
        other => {
            tracing::error!(error = %other, "page error");
            let page = MessagePage {
                ctx: Ctx::new(user, "Lỗi", ""),
                heading: "Đã có lỗi".into(),
                text: "Máy chủ không thực hiện được yêu cầu. Dữ liệu của bạn không bị thay đổi; xin thử lại sau.".into(),
        back: "/".into(),
            };
            (StatusCode::INTERNAL_SERVER_ERROR, render(&page)).into_response()
        }
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

/// Builds `?key=value&…` with URL encoding.
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

/// A short error page for a form whose input could not be used, with a link back.
pub fn bad_form(user: &WebUser, back: &str, message: &str) -> Response {
    let page = MessagePage {
        ctx: Ctx::new(user, "Không thực hiện được", ""),
        heading: "Không thực hiện được".into(),
        text: message.to_string(),
        back: back.to_string(),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
}

/// Writes the audit row of a file with data before it is sent (OWASP ASVS V7.1: access to personal
/// data is logged); when the row cannot be written the error page is returned and no file leaves.
pub async fn audit_file(
    st: &AppState,
    user: &WebUser,
    f: store::FileAudit<'_>,
) -> Result<(), Response> {
    st.db
        .audit_file(&store::Actor::user(&user.principal, "web"), &f)
        .await
        .map_err(|e| store_error(user, e))
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
