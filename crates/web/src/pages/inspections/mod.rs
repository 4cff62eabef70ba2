//! Pages of inspection, supervision and discipline (kiểm tra, giám sát, kỷ luật): the case list with
//! filters, opening a case, the case page (subjects, conclusion, remedies, documents, discipline from the
//! case), the yearly programmes, the summary of a unit and period with drill-down, the discipline register
//! with appeals, bỏ sinh hoạt / xóa tên, and the findings a secretary sees about their own units.
//! Confidential: the store filters every read by `Principal::case_prefix`; these pages show "not found"
//! to anyone else (a secretary's own findings and a member's own discipline are the exceptions).

mod case;
mod discipline;
mod documents;
mod findings;
mod list;
mod new;
mod programmes;
mod strike_off;
mod summary;

use crate::auth::WebUser;
use crate::respond::{FormErrors, PageError};
use crate::routes::PageRoutes;
use crate::AppState;
use domain::policy::{Capability, Principal};
use store::StoreError;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/kiem-tra", list::list)
        .get("/kiem-tra/moi", new::new_form)
        .post("/kiem-tra/moi", new::create)
        .get("/kiem-tra/chuong-trinh", programmes::list)
        .post("/kiem-tra/chuong-trinh", programmes::save)
        .get("/kiem-tra/tong-hop", summary::summary)
        .get("/kiem-tra/{id}", case::show)
        .post("/kiem-tra/{id}/ket-luan", case::conclude)
        .post("/kiem-tra/{id}/tai-lieu", documents::upload)
        .get("/kiem-tra/{id}/tai-lieu/{doc}", documents::download)
        .get("/ky-luat", discipline::register)
        .get("/ky-luat/moi", discipline::new_form)
        .post("/ky-luat/moi", discipline::create)
        .get("/ky-luat/{id}", discipline::show)
        .post("/ky-luat/{id}/khieu-nai", discipline::file_appeal)
        .post(
            "/ky-luat/{id}/khieu-nai/{appeal}/ket-qua",
            discipline::decide_appeal,
        )
        .get("/xoa-ten", strike_off::list)
        .post("/xoa-ten", strike_off::record)
        .get("/ket-qua-kiem-tra", findings::list)
        .post("/ket-qua-kiem-tra/{remedy}/khac-phuc", findings::report)
}

/// Messages after a redirect on these pages (`?tb=code`); others come from `view::flash_message`.
fn flash(code: Option<&str>) -> Option<String> {
    let m = match code? {
        "da-mo-cuoc" => "Đã mở cuộc kiểm tra, giám sát.",
        "da-ket-luan" => "Đã lưu kết luận.",
        "da-ghi-ky-luat" => "Đã ghi quyết định kỷ luật.",
        "da-khieu-nai" => {
            "Đã ghi nhận đơn khiếu nại; cuộc giải quyết khiếu nại kỷ luật đã được mở ở cấp trên."
        }
        "da-giai-quyet" => "Đã ghi kết quả giải quyết khiếu nại.",
        "da-xoa-ten" => "Đã ghi quyết định xóa tên; đảng viên chuyển sang trạng thái “Xóa tên”.",
        "da-khac-phuc" => "Đã ghi nhận việc khắc phục.",
        "da-luu-chuong-trinh" => "Đã lưu chương trình kiểm tra, giám sát.",
        other => return crate::view::flash_message(Some(other)),
    };
    Some(m.to_string())
}

/// The confidential pages answer "not found" to roles that never see cases as a whole.
fn require_read(user: &WebUser) -> Result<(), PageError> {
    if user.principal.case_prefix().is_some() {
        Ok(())
    } else {
        Err(PageError::not_found(user))
    }
}

fn require_manage(user: &WebUser) -> Result<(), PageError> {
    if user.principal.has(Capability::ManageInspections) {
        Ok(())
    } else {
        Err(PageError::not_found(user))
    }
}

/// The unit named by an id or a code in the reader's scope; the reader's own unit when empty.
async fn resolve_unit(st: &AppState, p: &Principal, key: &str) -> Result<domain::Unit, StoreError> {
    let key = key.trim();
    if key.is_empty() {
        return st.db.units().unit(p, p.unit_id).await;
    }
    match key.parse::<i64>() {
        Ok(id) => st.db.units().unit(p, id).await,
        Err(_) => st.db.units().unit_by_code(p, key).await,
    }
}

/// Units of the reader's scope that are open today, as options (code, "name (code)").
async fn unit_options(st: &AppState, p: &Principal) -> Result<Vec<domain::Unit>, StoreError> {
    st.db.units().list_units(p, None, Some(st.db.today())).await
}

fn option_label(u: &domain::Unit) -> String {
    format!("{} ({})", u.name, u.code)
}

/// The member with this party card number, when the reader may see them.
async fn member_by_card(
    st: &AppState,
    p: &Principal,
    card: &str,
) -> Result<Option<i64>, StoreError> {
    let Some(id) = st.db.members().member_id_by_card(card.trim()).await? else {
        return Ok(None);
    };
    match st.db.members().member(p, id).await {
        Ok(_) => Ok(Some(id)),
        Err(StoreError::NotFound | StoreError::Forbidden) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Codes or card numbers typed in a text area: one per line, or separated by commas or semicolons.
fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', ',', ';'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// A form's fields as pairs (repeated fields such as checkboxes keep every value).
struct Pairs(Vec<(String, String)>);

impl Pairs {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

/// Store refusals whose field no input on the form carries, for the message at the top.
fn other_errors(errors: &FormErrors, fields: &[&str]) -> Vec<String> {
    errors
        .0
        .iter()
        .filter(|e| !fields.contains(&e.field.as_str()))
        .map(|e| e.message.clone())
        .collect()
}

/// The error shown when a store call refused with `Forbidden` on a form (the unit is not the reader's).
const NOT_YOURS: &str = "Bạn không có quyền thực hiện việc này với đơn vị đã chọn";

/// "Khiển trách" for a form code, "" when none.
fn form_label(f: Option<domain::inspection::DisciplineForm>) -> &'static str {
    f.map(crate::labels::discipline_form).unwrap_or("")
}

/// The badge colour of a remedy's state.
fn remedy_badge(s: domain::inspection::RemedyState) -> &'static str {
    match s {
        domain::inspection::RemedyState::Open => "",
        domain::inspection::RemedyState::Overdue => "red",
        domain::inspection::RemedyState::Done => "green",
    }
}

/// A remedy prepared for display.
pub struct RemedyView {
    pub id: i64,
    pub text: String,
    pub due: String,
    pub state: &'static str,
    pub badge: &'static str,
    pub done: bool,
    pub done_on: String,
    pub done_note: String,
}

fn remedy_view(r: &store::Remedy) -> RemedyView {
    RemedyView {
        id: r.id,
        text: r.text.clone(),
        due: crate::view::date(Some(r.due)),
        state: crate::labels::remedy_state(r.state),
        badge: remedy_badge(r.state),
        done: r.done_on.is_some(),
        done_on: crate::view::date(r.done_on),
        done_note: r.done_note.clone(),
    }
}
