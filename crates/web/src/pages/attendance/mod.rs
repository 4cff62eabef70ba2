//! Attendance pages: study sessions and cell meetings (list, calendar, create, marking sheet, self
//! check-in with code and QR, documents, XLSX sheets), the unit attendance table, a member's attendance
//! history, the cell-meeting register with monthly topics, and the campaign (directives, plans, themes).

mod checkin;
mod closing;
mod documents;
mod marks;
mod plans;
mod register;
mod sessions;
mod sheets;
mod show;
mod table;

use crate::routes::PageRoutes;
use crate::view::{date, num};
use domain::attendance::{MeetingKind, MeetingQuality, Tally};
use domain::text::format_percent;
use serde::Deserialize;
use store::{FieldError, Meeting, Theme};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/ke-hoach", plans::campaign)
        .post("/ke-hoach/moi", plans::create_plan)
        .post("/ke-hoach/chuyen-de", plans::set_theme)
        .post("/ke-hoach/lich", plans::set_calendar)
        .get("/hoc-tap", sessions::list_study)
        .get("/hoc-tap/moi", sessions::new_study)
        .post("/hoc-tap/moi", sessions::create_study)
        .get("/hoc-tap/{id}", show::show_study)
        .get("/sinh-hoat", register::register)
        .get("/sinh-hoat/moi", sessions::new_cell)
        .post("/sinh-hoat/moi", sessions::create_cell)
        .post("/sinh-hoat/chu-de", register::set_topic)
        .get("/sinh-hoat/{id}", show::show_cell)
        .post("/{section}/{id}/diem-danh", marks::mark)
        .post("/{section}/{id}/mo-diem-danh", checkin::open_checkin)
        .post("/{section}/{id}/dong-diem-danh", checkin::close_checkin)
        .get("/{section}/{id}/qr.svg", checkin::qr)
        .post("/{section}/{id}/sua", sessions::edit)
        .post("/{section}/{id}/cap-nhat-danh-sach", sessions::refresh_list)
        .post("/{section}/{id}/mo-lai", closing::reopen)
        .post("/{section}/{id}/tai-lieu", documents::upload_document)
        .get(
            "/{section}/{id}/tai-lieu/{doc}",
            documents::download_document,
        )
        .get("/{section}/{id}/danh-sach-ky.xlsx", sheets::signin_sheet)
        .get("/{section}/{id}/diem-danh.xlsx", sheets::export_marks)
        .post("/{section}/{id}/nhap-diem-danh", sheets::import_marks)
        .get("/diem-danh", checkin::checkin_form)
        .post("/diem-danh", checkin::checkin_submit)
        .get("/chuyen-can", table::table)
        .get("/dang-vien/{id}/chuyen-can", table::member_history)
}

fn pct(r: Option<f64>) -> String {
    r.map(format_percent).unwrap_or_else(|| "—".into())
}

/// The kind of the `{section}` of a shared address (`/hoc-tap/…`, `/sinh-hoat/…`); handlers answer any
/// other section with the "not found" page (`kind_of(&prefix).found(&user)?`).
fn kind_of(path_prefix: &str) -> Option<MeetingKind> {
    match path_prefix {
        "hoc-tap" => Some(MeetingKind::Study),
        "sinh-hoat" => Some(MeetingKind::Cell),
        _ => None,
    }
}

fn base(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Study => "/hoc-tap",
        MeetingKind::Cell => "/sinh-hoat",
    }
}

/// A session's own page, where its forms lead back to.
fn session_href(kind: MeetingKind, id: i64) -> String {
    format!("{}/{id}", base(kind))
}

/// The messages of refused fields, joined for a message at the top of a page.
fn messages(list: &[FieldError]) -> String {
    list.iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Themes as options of a select: (id, "Năm 2026: title").
fn theme_options(themes: Vec<Theme>) -> Vec<(i64, String)> {
    themes
        .into_iter()
        .map(|t| (t.id, format!("Năm {}: {}", t.year, t.title)))
        .collect()
}

/// The cell-meeting quality self-ratings as options of a select: (code, label).
fn quality_options() -> Vec<(&'static str, &'static str)> {
    MeetingQuality::ALL
        .iter()
        .map(|q| (q.as_str(), q.label()))
        .collect()
}

/// A tally prepared for display.
#[derive(Debug, Clone)]
pub struct TallyView {
    pub expected: String,
    pub attended: String,
    pub present: String,
    pub late: String,
    pub excused: String,
    pub absent: String,
    pub makeup: String,
    pub unmarked: String,
    pub rate: String,
    pub excused_rate: String,
    pub below: bool,
    pub empty: bool,
}

impl TallyView {
    fn new(t: &Tally, target: Option<i64>) -> TallyView {
        TallyView {
            expected: num(t.expected),
            attended: num(t.attended()),
            present: num(t.present),
            late: num(t.late),
            excused: num(t.excused),
            absent: num(t.absent),
            makeup: num(t.makeup),
            unmarked: num(t.unmarked()),
            rate: pct(t.rate()),
            excused_rate: pct(t.excused_rate()),
            below: target.is_some_and(|x| t.below_target(x)),
            empty: t.expected == 0,
        }
    }
}

/// A target in per mille, shown as a percentage ("" without a plan).
fn target_label(target: Option<i64>) -> String {
    target
        .map(|t| format_percent(t as f64 / 1000.0))
        .unwrap_or_default()
}

pub struct MeetingRow {
    pub href: String,
    pub date: String,
    pub title: String,
    pub unit_name: String,
    pub thematic: bool,
    pub tally: TallyView,
}

fn meeting_row(m: &Meeting, target: Option<i64>) -> MeetingRow {
    MeetingRow {
        href: session_href(m.kind, m.id),
        date: date(Some(m.date)),
        title: m.title.clone(),
        unit_name: m.unit_name.clone(),
        thematic: m.thematic,
        tally: TallyView::new(&m.tally, target),
    }
}

/// The query of the session list and the cell register: unit, year, month, calendar view, flash.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    don_vi: Option<i64>,
    #[serde(default)]
    nam: Option<i32>,
    #[serde(default)]
    thang: Option<u32>,
    #[serde(default)]
    xem: Option<String>,
    #[serde(default)]
    tb: Option<String>,
}
