//! The public portal `/cong-khai`: no login, its own layout, plain links from the home page to every
//! public page, citizens' feedback and answers on items (docs/DOMAIN.md, the public portal). Handlers here
//! only hold a `store::Portal` (the one place that decides what is public); rendered pages are cached per
//! address and dropped when anything is written (`Db::generation`) or after `PORTAL_TTL` (writes by other
//! instances).
//!
//! - `cache`: the rendered-page cache (ETags, gzip) and the search index;
//! - `views`: what the templates show of the store's public values;
//! - `pages`: the home, unit, registration and model pages;
//! - `media`: model photos and thumbnails;
//! - `search`: the search page;
//! - `feedback`: the feedback form, the tracking page and citizens' answers on items.
//!
//! Errors are the portal's own pages (`portal_message.html`), never the staff pages: `PortalError`.

// `PortalError` may carry a finished error page, built once per request; boxing it would only add an
// allocation.
#![allow(clippy::result_large_err)]

mod cache;
mod feedback;
mod media;
mod pages;
mod search;
mod views;

pub use cache::{PortalCache, PORTAL_TTL};

use crate::respond::render;
use crate::routes::PageRoutes;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use store::StoreError;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cong-khai", pages::home)
        .get("/cong-khai/", || async {
            Redirect::permanent("/cong-khai")
        })
        .get("/cong-khai/don-vi/{code}", pages::unit)
        .get("/cong-khai/dang-ky/{id}", pages::registration)
        .get("/cong-khai/mo-hinh/{id}", pages::model)
        .get("/cong-khai/mo-hinh/{id}/anh/{photo}", media::photo)
        .get("/cong-khai/mo-hinh/{id}/anh-nho/{photo}", media::thumbnail)
        .get("/cong-khai/tim-kiem", search::search)
        .public_post("/cong-khai/phan-anh", feedback::feedback_form)
        .get("/cong-khai/phan-anh", feedback::lookup)
        .get("/cong-khai/phan-anh/{code}", feedback::tracking)
        .public_post("/cong-khai/y-kien", feedback::answer_item)
}

/// What every portal page's layout needs: the title and the text in the search box.
#[derive(Clone)]
pub struct PortalCtx {
    pub title: String,
    pub q: String,
}

impl PortalCtx {
    fn new(title: impl Into<String>) -> PortalCtx {
        PortalCtx {
            title: title.into(),
            q: String::new(),
        }
    }
}

/// Why a portal handler did not produce its page; each answers with the portal's own page.
#[derive(Debug)]
pub enum PortalError {
    /// The portal's "not found" page (also for anything that is not public).
    NotFound,
    /// A store error: "not found" for a missing or non-public object, else the server error page.
    Store(StoreError),
    /// Any other finished response (a refused form, a template that failed).
    Response(Response),
}

/// What portal handlers return.
pub type PortalResult<T = Response> = Result<T, PortalError>;

impl From<StoreError> for PortalError {
    fn from(e: StoreError) -> Self {
        PortalError::Store(e)
    }
}

impl From<Response> for PortalError {
    fn from(r: Response) -> Self {
        PortalError::Response(r)
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        match self {
            PortalError::NotFound => not_found(),
            PortalError::Store(e) => failure(e),
            PortalError::Response(r) => r,
        }
    }
}

#[derive(Template)]
#[template(path = "portal_message.html")]
struct MessagePage {
    ctx: PortalCtx,
    heading: String,
    text: String,
    detail: Vec<(String, String)>,
    back: String,
}

/// A portal message page with a "Quay lại" button to `back`.
fn message(status: StatusCode, heading: &str, text: &str, back: &str) -> Response {
    let page = MessagePage {
        ctx: PortalCtx::new(heading),
        heading: heading.to_string(),
        text: text.to_string(),
        detail: Vec::new(),
        back: back.to_string(),
    };
    (status, render(&page)).into_response()
}

fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Không tìm thấy trang",
        "Trang bạn tìm không có trên Cổng thông tin công khai, hoặc nội dung đã được đơn vị cập nhật.",
        "/cong-khai",
    )
}

fn server_error() -> Response {
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Đã có lỗi",
        "Máy chủ chưa hiển thị được trang này. Xin thử lại sau.",
        "/cong-khai",
    )
}

fn failure(e: StoreError) -> Response {
    match e {
        StoreError::NotFound | StoreError::Forbidden => not_found(),
        other => {
            tracing::error!(error = %other, "portal error");
            server_error()
        }
    }
}

/// A template's HTML for the cache, or the server error page.
fn rendered<T: Template>(t: &T) -> PortalResult<String> {
    t.render().map_err(|e| {
        tracing::error!(error = %e, "portal template failed");
        PortalError::Response(server_error())
    })
}
