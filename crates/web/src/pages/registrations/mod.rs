//! Registration pages for members and secretaries: the registration index and approval queue, the
//! member's editor (made for phones, with the quality flags shown as the member writes), a registration's
//! page (flags, workflow actions, per-item return comments, self-reviews, the cell's assessment, the annual
//! rating, history), the DOCX print, and the committee's report and copy-cluster pages.

mod cards;
mod clusters;
mod docs;
mod editor;
mod list;
mod ratings;
mod report;
mod review;
mod show;

use crate::routes::PageRoutes;
use domain::registration::Status;
use serde::Deserialize;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/dang-ky", list::index)
        .get("/dang-ky/viet", editor::new_form)
        .post("/dang-ky/viet", editor::create)
        .post("/dang-ky/kiem-tra", editor::check)
        .post("/dang-ky/sao-chep", editor::copy_previous)
        .get("/dang-ky/{id}", show::show)
        .get("/dang-ky/{id}/sua", editor::edit_form)
        .post("/dang-ky/{id}/sua", editor::update)
        .post("/dang-ky/{id}/xu-ly", review::act)
        .post("/dang-ky/{id}/danh-gia", review::review)
        .post("/dang-ky/{id}/xep-loai", review::rate)
        .get("/dang-ky/{id}/ban-dang-ky.docx", docs::docx)
        .get("/dang-ky/bao-cao", report::report)
        .get("/dang-ky/bao-cao.xlsx", report::export)
        .get("/dang-ky/trung-lap", clusters::clusters)
        .get("/dang-ky/xep-loai", ratings::sheet)
        .post("/dang-ky/xep-loai", ratings::save)
        .post("/dang-ky/xep-loai/theo-de-xuat", ratings::follow_all)
}

/// The value of a submitted field ("" when absent).
fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The badge colour of a registration's status.
fn status_class(s: Status) -> &'static str {
    match s {
        Status::Draft => "",
        Status::Submitted => "gold",
        Status::Returned => "red",
        Status::Approved | Status::Published => "green",
    }
}

/// The messages of a store's field errors, as one line.
fn e_text(e: &[store::FieldError]) -> String {
    e.iter()
        .map(|x| x.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

/// `?tb=code`: the message shown after a redirect.
#[derive(Deserialize, Default)]
pub struct FlashQuery {
    tb: Option<String>,
}
