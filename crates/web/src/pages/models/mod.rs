//! Pages of the registry of good-practice models: the list with filters and counts, a unit's adopted
//! models, the model page (results with a bar chart over time, photos, where it spread, "nhận nhân rộng
//! về đơn vị"), and the create / edit form.

mod adoption;
mod chart;
mod form;
mod list;
mod page;
mod photos;
mod results;

use crate::routes::PageRoutes;
use domain::models::ModelStatus;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/mo-hinh", list::list)
        .get("/mo-hinh/moi", form::new_form)
        .post("/mo-hinh/moi", form::create)
        .get("/mo-hinh/{id}", page::show)
        .get("/mo-hinh/{id}/sua", form::edit_form)
        .post("/mo-hinh/{id}/sua", form::update)
        .post("/mo-hinh/{id}/ket-qua", results::add_result)
        .post("/mo-hinh/{id}/ket-qua/{rid}/xoa", results::delete_result)
        .post("/mo-hinh/{id}/anh", photos::upload_photo)
        .get("/mo-hinh/{id}/anh/{pid}", photos::photo)
        .get("/mo-hinh/{id}/anh/{pid}/nho", photos::thumbnail)
        .post("/mo-hinh/{id}/anh/{pid}/xoa", photos::delete_photo)
        .post("/mo-hinh/{id}/nhan-rong", adoption::adopt)
        .post("/mo-hinh/{id}/nhan-rong/{code}/xoa", adoption::unadopt)
}

/// Messages after a redirect on these pages (`?tb=code`); others come from `view::flash_message`.
fn flash(code: Option<&str>) -> Option<String> {
    let m = match code? {
        "da-ghi-ket-qua" => "Đã ghi kết quả.",
        "da-xoa-ket-qua" => "Đã xóa kết quả.",
        "da-tai-anh" => "Đã tải ảnh lên.",
        "da-xoa-anh" => "Đã xóa ảnh.",
        "da-nhan-rong" => "Đã ghi nhận đơn vị nhận nhân rộng mô hình.",
        "da-xoa-nhan-rong" => "Đã xóa ghi nhận nhân rộng.",
        other => return crate::view::flash_message(Some(other)),
    };
    Some(m.to_string())
}

/// The badge colour of a model's status.
fn status_badge(s: ModelStatus) -> &'static str {
    match s {
        ModelStatus::InProgress => "",
        ModelStatus::Replicated => "green",
        ModelStatus::Commended => "gold",
    }
}
