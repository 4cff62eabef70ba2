//! Staff pages of criteria sets (bộ tiêu chí), assessments of units against them, recognition decisions
//! (công nhận đạt chuẩn) and classifications of units (e.g. đô thị loại II): the list of sets with each
//! one's rollup over the caller's unit, the set form (rows typed or filled from a CSV/XLSX file), a set over
//! the units it applies to on a day, one unit against a set (status, progress, history, assessment,
//! documents, recognition and withdrawal), and the classifications. The store filters by scope: a unit
//! outside the caller's subtree is "not found" here too.

mod chart;
mod classifications;
mod documents;
mod form;
mod list;
mod set;
mod unit;
mod unit_forms;
mod unit_section;

use crate::auth::WebUser;
use crate::respond::PageError;
use crate::routes::PageRoutes;
use crate::AppState;
use chrono::NaiveDate;
use domain::criteria::CriterionState;
use store::{AppliesTo, CriteriaSet, StoreError};

pub use unit_section::{unit_section, UnitSection};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/tieu-chi", list::list)
        .get("/tieu-chi/moi", form::new_form)
        .post("/tieu-chi/moi", form::create)
        .get("/tieu-chi/{code}", set::show)
        .get("/tieu-chi/{code}/sua", form::edit_form)
        .post("/tieu-chi/{code}/sua", form::update)
        .get("/tieu-chi/{code}/don-vi/{unit_code}", unit::show)
        .post(
            "/tieu-chi/{code}/don-vi/{unit_code}/danh-gia",
            unit_forms::assess,
        )
        .post(
            "/tieu-chi/{code}/don-vi/{unit_code}/cong-nhan",
            unit_forms::recognise,
        )
        .post("/tieu-chi/cong-nhan/{id}/thu-hoi", unit_forms::withdraw)
        .post("/tieu-chi/danh-gia/{id}/tai-lieu", documents::upload)
        .get("/tieu-chi/tai-lieu/{id}", documents::download)
        .get("/phan-loai", classifications::list)
        .post("/phan-loai", classifications::record)
}

/// Messages after a redirect on these pages (`?tb=code`); others come from `view::flash_message`.
fn flash(code: Option<&str>) -> Option<String> {
    let m = match code? {
        "da-luu-bo-tieu-chi" => "Đã lưu bộ tiêu chí.",
        "da-danh-gia" => "Đã lưu kết quả đánh giá.",
        "da-cong-nhan" => "Đã ghi quyết định công nhận đạt chuẩn.",
        "da-thu-hoi" => "Đã ghi quyết định thu hồi công nhận.",
        "da-tai-len" => "Đã tải tài liệu minh chứng lên.",
        "da-phan-loai" => "Đã ghi quyết định phân loại.",
        other => return crate::view::flash_message(Some(other)),
    };
    Some(m.to_string())
}

/// These pages are for staff: a member account gets "not found".
fn require_staff(user: &WebUser) -> Result<(), PageError> {
    if user.principal.role == domain::Role::Member {
        Err(PageError::not_found(user))
    } else {
        Ok(())
    }
}

/// "Mọi Đảng bộ cơ sở" or "3 đơn vị: A, B, C".
fn applies_label(a: &AppliesTo) -> String {
    match a {
        AppliesTo::UnitType(t) => format!("Mọi {}", t.label()),
        AppliesTo::Units(list) => {
            let names: Vec<&str> = list.iter().take(5).map(|u| u.name.as_str()).collect();
            let more = if list.len() > names.len() {
                format!(" và {} đơn vị khác", list.len() - names.len())
            } else {
                String::new()
            };
            format!("{} đơn vị: {}{more}", list.len(), names.join(", "))
        }
    }
}

/// Whether the set names the unit in its list (a set applying to the caller's own unit).
fn names_unit(set: &CriteriaSet, unit_id: i64) -> bool {
    matches!(&set.applies_to, AppliesTo::Units(list) if list.iter().any(|u| u.id == unit_id))
}

/// The badge text and colour of a criterion's state ("Chưa đánh giá" when never assessed).
fn state_badge(s: Option<CriterionState>) -> (&'static str, &'static str) {
    match s {
        Some(CriterionState::Met) => ("Đạt", "green"),
        Some(CriterionState::Partly) => ("Đạt một phần", "gold"),
        Some(CriterionState::NotMet) => ("Chưa đạt", "red"),
        None => ("Chưa đánh giá", ""),
    }
}

/// "98,5%" of a part of a whole ("0%" when the whole is empty).
fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0%".to_string();
    }
    domain::text::format_percent(part as f64 / whole as f64)
}

/// A day typed dd/mm/yyyy (or ISO) in a query; today when empty, `None` when unreadable.
fn query_day(st: &AppState, s: &str) -> Option<NaiveDate> {
    match crate::view::parse_form_date(s) {
        Ok(Some(d)) => Some(d),
        Ok(None) => Some(st.db.today()),
        Err(_) => None,
    }
}

/// A code as a path segment (percent-encoded).
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Store refusals as a list of messages.
fn messages(e: &[store::FieldError]) -> Vec<String> {
    e.iter().map(|x| x.message.clone()).collect()
}

/// The set by code for a staff reader ("not found" otherwise).
async fn load_set(st: &AppState, user: &WebUser, code: &str) -> Result<CriteriaSet, PageError> {
    use crate::respond::StoreResultExt;
    require_staff(user)?;
    st.db.criteria().set(&user.principal, code).await.page(user)
}

/// A not-found or forbidden store answer as `None`.
fn found<T>(r: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound | StoreError::Forbidden) => Ok(None),
        Err(e) => Err(e),
    }
}
