//! Stored reports: the list of the reader's scope with the form that stores a unit's own report for a
//! period (outside any round), the report page (status, round and due day, history, the header and the
//! five narrative sections — a form while editable, text otherwise —, the figures, frozen ones with what
//! changed since, the sub-units' reports with their limitations to quote) and the Word and Excel files.
//! The sign-off forms are in `stored_forms.rs`; the words every report page shares are here.

use super::figures::{FiguresView, SortSpec};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{
    audit_file, file_response, render, FormErrors, PageError, PageResult, StoreResultExt,
};
use crate::view::{date, num, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{DateTime, NaiveDate, Utc};
use domain::policy::Capability;
use domain::report::{
    Completeness, NarrativeSection, Narratives, ReportAction, ReportHeader, ReportStatus,
    SubReportStatus, MAX_HEADER_CHARS, MAX_NARRATIVE_CHARS, MAX_RECIPIENTS,
};
use serde::Deserialize;
use store::{Actor, StoreError, StoredReport};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Most accepted sub-reports whose limitations a parent's page offers to quote.
const QUOTES_MAX: usize = 100;

// ------------------------------------------------------------------------------------------------
// Words shared by the report pages
// ------------------------------------------------------------------------------------------------

/// Messages after a redirect on the report pages (`?tb=code`); others come from `view::flash_message`.
pub(super) fn flash(code: Option<&str>) -> Option<String> {
    let m = match code? {
        "da-mo-dot" => "Đã mở đợt báo cáo; mỗi đơn vị cấp dưới đã có một bản nháp để viết.",
        "da-tao-bao-cao" => "Đã lưu thành báo cáo: số liệu vẫn được tính lại cho đến khi ban hành.",
        "da-luu-bao-cao" => "Đã lưu báo cáo.",
        "da-nop" => "Đã nộp báo cáo lên cấp trên.",
        "da-tra-lai" => "Đã trả lại báo cáo kèm ý kiến để đơn vị sửa và nộp lại.",
        "da-chap-nhan" => "Đã chấp nhận báo cáo; số liệu đã được chốt.",
        "da-ban-hanh" => "Đã ban hành báo cáo; số liệu đã được chốt.",
        other => return crate::view::flash_message(Some(other)),
    };
    Some(m.to_string())
}

/// The word for a report's status.
pub(super) fn status_label(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::Draft => "Nháp",
        ReportStatus::Submitted => "Đã nộp",
        ReportStatus::Returned => "Trả lại",
        ReportStatus::Accepted => "Đã chấp nhận",
        ReportStatus::Issued => "Đã ban hành",
    }
}

/// The badge colour of a report's status.
pub(super) fn status_badge(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::Draft => "",
        ReportStatus::Submitted => "gold",
        ReportStatus::Returned => "red",
        ReportStatus::Accepted | ReportStatus::Issued => "green",
    }
}

/// The word for a sign-off step in the history.
fn action_label(a: ReportAction) -> &'static str {
    match a {
        ReportAction::Submit => "Nộp báo cáo",
        ReportAction::Return => "Trả lại",
        ReportAction::Accept => "Chấp nhận",
        ReportAction::Issue => "Ban hành",
    }
}

/// The title of a narrative section.
pub(super) fn section_label(s: NarrativeSection) -> &'static str {
    match s {
        NarrativeSection::Results => "Kết quả đạt được",
        NarrativeSection::Strengths => "Ưu điểm",
        NarrativeSection::Limitations => "Hạn chế",
        NarrativeSection::Causes => "Nguyên nhân",
        NarrativeSection::Directions => "Phương hướng, nhiệm vụ thời gian tới",
    }
}

fn section_hint(s: NarrativeSection) -> &'static str {
    match s {
        NarrativeSection::Results => {
            "Nhận định của đơn vị bên cạnh các số liệu được tính tự động bên dưới (không gõ lại số liệu)."
        }
        NarrativeSection::Limitations => {
            "Thêm vào các hạn chế được rút ra từ số liệu; có thể trích từ báo cáo của đơn vị cấp dưới."
        }
        _ => "",
    }
}

/// "21/06/2016 – 20/05/2020".
pub(super) fn period(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} – {}", date(Some(from)), date(Some(to)))
}

/// A moment as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh.
pub(super) fn moment(t: &DateTime<Utc>) -> String {
    (*t + chrono::Duration::hours(7))
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The day of a moment in Asia/Ho_Chi_Minh.
pub(super) fn day_of(t: &DateTime<Utc>) -> NaiveDate {
    (*t + chrono::Duration::hours(7)).date_naive()
}

/// "Đúng hạn" / "Trễ hạn" / "".
pub(super) fn on_time_label(on_time: Option<bool>) -> &'static str {
    match on_time {
        Some(true) => "Đúng hạn",
        Some(false) => "Trễ hạn",
        None => "",
    }
}

/// A round's completeness as numbers to show, and shares (0–100) for the bars.
pub struct CompletenessView {
    pub expected: String,
    pub submitted: String,
    pub on_time: String,
    pub late: String,
    pub returned: String,
    pub accepted: String,
    pub missing: String,
    pub overdue: String,
    pub any_overdue: bool,
    /// (label, count, share of the expected reports in per cent, element id) for the bars.
    pub bars: Vec<(&'static str, String, i64, &'static str)>,
}

impl CompletenessView {
    pub(super) fn of(c: &Completeness) -> CompletenessView {
        let share = |n: i64| {
            if c.expected > 0 {
                (n * 100 + c.expected / 2) / c.expected
            } else {
                0
            }
        };
        CompletenessView {
            expected: num(c.expected),
            submitted: num(c.submitted),
            on_time: num(c.on_time),
            late: num(c.late),
            returned: num(c.returned),
            accepted: num(c.accepted),
            missing: num(c.missing),
            overdue: num(c.overdue),
            any_overdue: c.overdue > 0,
            bars: vec![
                ("Đã nộp", num(c.submitted), share(c.submitted), "so-da-nop"),
                ("Đúng hạn", num(c.on_time), share(c.on_time), "so-dung-han"),
                ("Trễ hạn", num(c.late), share(c.late), "so-tre-han"),
                ("Trả lại", num(c.returned), share(c.returned), "so-tra-lai"),
                (
                    "Đã chấp nhận",
                    num(c.accepted),
                    share(c.accepted),
                    "so-da-chap-nhan",
                ),
                ("Chưa nộp", num(c.missing), share(c.missing), "so-chua-nop"),
            ],
        }
    }
}

/// A sub-unit's report in a round, as a row of the round page and of a parent's report.
pub struct SubRow {
    pub report_id: i64,
    pub unit_name: String,
    pub unit_code: String,
    pub status: &'static str,
    pub badge: &'static str,
    pub accepted: bool,
    pub submitted_on: String,
    pub on_time: &'static str,
    pub late: bool,
    pub returns: String,
}

impl SubRow {
    pub(super) fn of(r: &SubReportStatus) -> SubRow {
        SubRow {
            report_id: r.report_id,
            unit_name: r.unit.name.clone(),
            unit_code: r.unit.code.clone(),
            status: status_label(r.status),
            badge: status_badge(r.status),
            accepted: r.status == ReportStatus::Accepted,
            submitted_on: date(r.submitted_on),
            on_time: on_time_label(r.on_time),
            late: r.on_time == Some(false),
            returns: if r.returns > 0 {
                num(r.returns)
            } else {
                String::new()
            },
        }
    }
}

/// The report pages answer "not found" to whoever may read no report (member accounts).
pub(super) fn require_reader(user: &WebUser) -> Result<(), PageError> {
    if user.principal.can_read_report(&user.principal.unit_path) {
        Ok(())
    } else {
        Err(PageError::not_found(user))
    }
}

/// Party units of the reader's scope open today, as (code, "name (code)"), for the unit selects;
/// `committees_only` keeps the units that have sub-units to report (đảng bộ).
pub(super) async fn unit_options(
    st: &AppState,
    user: &WebUser,
    committees_only: bool,
) -> Result<Vec<(String, String)>, PageError> {
    use domain::UnitType;
    let units = st
        .db
        .units()
        .list_units(&user.principal, None, Some(st.db.today()))
        .await
        .page(user)?;
    Ok(units
        .iter()
        .filter(|u| {
            if committees_only {
                matches!(
                    u.unit_type,
                    UnitType::PartyCommittee
                        | UnitType::GrassrootsCommittee
                        | UnitType::PartialCommittee
                )
            } else {
                u.unit_type.is_party()
            }
        })
        .take(2000)
        .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
        .collect())
}

/// Store refusals whose field no input on the form carries, for the message at the top.
pub(super) fn other_errors(errors: &FormErrors, fields: &[&str]) -> Vec<String> {
    errors
        .0
        .iter()
        .filter(|e| !fields.contains(&e.field.as_str()))
        .map(|e| e.message.clone())
        .collect()
}

// ------------------------------------------------------------------------------------------------
// The list and the "store a unit's own report" form
// ------------------------------------------------------------------------------------------------

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// A unit's code (its subtree); the reader's whole scope when empty.
    #[serde(default, rename = "don_vi", alias = "don-vi")]
    pub don_vi: String,
    #[serde(default)]
    pub tb: Option<String>,
}

/// The form storing a unit's own report for a period (also posted by the live report page).
#[derive(Deserialize, Default, Clone)]
pub struct CreateFields {
    #[serde(default, rename = "don_vi", alias = "don-vi")]
    pub don_vi: String,
    #[serde(default, rename = "tu_ngay", alias = "tu-ngay", alias = "tu")]
    pub tu_ngay: String,
    #[serde(default, rename = "den_ngay", alias = "den-ngay", alias = "den")]
    pub den_ngay: String,
}

/// A stored report as a row of the list.
pub struct ListRow {
    pub id: i64,
    pub unit_name: String,
    pub period: String,
    pub round: String,
    pub round_id: Option<i64>,
    pub due_on: String,
    pub status: &'static str,
    pub badge: &'static str,
    pub number: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "report_list.html")]
struct ListPage {
    ctx: Ctx,
    csrf: String,
    don_vi: String,
    units: Vec<(String, String)>,
    rows: Vec<ListRow>,
    can_create: bool,
    create_units: Vec<(String, String)>,
    create: CreateFields,
    errors: FormErrors,
    other: Vec<String>,
}

async fn list_page(
    st: &AppState,
    user: &WebUser,
    don_vi: &str,
    posted: Option<(CreateFields, FormErrors)>,
    flash_msg: Option<String>,
) -> PageResult {
    require_reader(user)?;
    let p = &user.principal;
    let code = don_vi.trim();
    let list = st
        .db
        .reports()
        .list_reports(p, Some(code).filter(|c| !c.is_empty()))
        .await
        .page(user)?;
    let rows = list
        .iter()
        .map(|r| ListRow {
            id: r.id,
            unit_name: r.unit.name.clone(),
            period: period(r.from, r.to),
            round: r.round_title.clone().unwrap_or_default(),
            round_id: r.round_id,
            due_on: date(r.due_on),
            status: status_label(r.status),
            badge: status_badge(r.status),
            number: r.number.clone(),
            updated: moment(&r.updated_at),
        })
        .collect();
    let units = unit_options(st, user, false).await?;
    let can_create = p.has(Capability::WriteReports);
    let failed = posted.is_some();
    let (create, errors) = posted.unwrap_or_else(|| {
        (
            CreateFields {
                don_vi: String::new(),
                ..Default::default()
            },
            FormErrors::default(),
        )
    });
    let other = other_errors(&errors, &["don_vi", "tu_ngay", "den_ngay"]);
    let page = ListPage {
        ctx: Ctx::new(user, "Báo cáo đã lưu", "reports").with_flash(flash_msg),
        csrf: user.csrf.clone(),
        don_vi: code.to_string(),
        create_units: if can_create {
            units.clone()
        } else {
            Vec::new()
        },
        units,
        rows,
        can_create,
        create,
        errors,
        other,
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    list_page(&st, &user, &q.don_vi, None, flash(q.tb.as_deref())).await
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<CreateFields>,
) -> PageResult {
    require_reader(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let mut day = |field: &str, value: &str, missing: &str| match parse_form_date(value) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push(field, missing);
            None
        }
        Err(m) => {
            errors.push(field, m);
            None
        }
    };
    let from = day("tu_ngay", &f.tu_ngay, "Ghi ngày đầu kỳ báo cáo");
    let to = day("den_ngay", &f.den_ngay, "Ghi ngày cuối kỳ báo cáo");
    let unit = f.don_vi.trim().to_string();
    let unit = if unit.is_empty() {
        match st.db.units().unit(p, p.unit_id).await {
            Ok(u) => u.code,
            Err(e) => return Err(e).page(&user),
        }
    } else {
        unit
    };
    if let (Some(a), Some(b)) = (from, to) {
        if let Err(e) = domain::report::check_period(a, b) {
            errors.push("den_ngay", e.to_string());
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        return list_page(&st, &user, "", Some((f, errors)), None).await;
    };
    if errors.any() {
        return list_page(&st, &user, "", Some((f, errors)), None).await;
    }
    let actor = Actor::user(p, "web");
    match st
        .db
        .reports()
        .create_report(p, &actor, &unit, from, to)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/bao-cao/ban/{id}?tb=da-tao-bao-cao")).into_response()),
        Err(StoreError::Invalid(list)) => {
            list_page(&st, &user, "", Some((f, FormErrors(list))), None).await
        }
        Err(StoreError::Conflict(text)) => {
            let mut errors = FormErrors::default();
            errors.push("", text);
            list_page(&st, &user, "", Some((f, errors)), None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

// ------------------------------------------------------------------------------------------------
// The report page
// ------------------------------------------------------------------------------------------------

/// The header and narrative as typed.
#[derive(Deserialize, Default, Clone)]
pub struct DocumentFields {
    #[serde(default)]
    pub superior: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub dated: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub on_behalf: String,
    #[serde(default)]
    pub signer_title: String,
    #[serde(default)]
    pub signer_name: String,
    /// Nơi nhận, one per line.
    #[serde(default)]
    pub recipients: String,
    #[serde(default)]
    pub results: String,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub limitations: String,
    #[serde(default)]
    pub causes: String,
    #[serde(default)]
    pub directions: String,
}

/// The header fields of the form: (name, label, placeholder, value accessor).
const HEADER_FIELDS: [(&str, &str, &str); 9] = [
    ("superior", "Cơ quan cấp trên", "ĐẢNG BỘ TỈNH BẾN TRE"),
    ("issuer", "Cơ quan ban hành", "THÀNH ỦY BẾN TRE"),
    ("number", "Số báo cáo", "125-BC/TU"),
    ("place", "Địa danh", "Bến Tre"),
    ("dated", "Ngày báo cáo", "dd/mm/yyyy"),
    (
        "subject",
        "Trích yếu",
        "Sơ kết 5 năm thực hiện Chỉ thị 05-CT/TW",
    ),
    ("on_behalf", "Thẩm quyền ký", "T/M BAN THƯỜNG VỤ"),
    ("signer_title", "Chức vụ người ký", "PHÓ BÍ THƯ THƯỜNG TRỰC"),
    ("signer_name", "Họ tên người ký", ""),
];

impl DocumentFields {
    pub(super) fn of(header: &ReportHeader, narratives: &Narratives) -> DocumentFields {
        let text = |s: NarrativeSection| narratives.get(&s).cloned().unwrap_or_default();
        DocumentFields {
            superior: header.superior.clone(),
            issuer: header.issuer.clone(),
            number: header.number.clone(),
            place: header.place.clone(),
            dated: date(header.dated),
            subject: header.subject.clone(),
            on_behalf: header.on_behalf.clone(),
            signer_title: header.signer_title.clone(),
            signer_name: header.signer_name.clone(),
            recipients: header.recipients.join("\n"),
            results: text(NarrativeSection::Results),
            strengths: text(NarrativeSection::Strengths),
            limitations: text(NarrativeSection::Limitations),
            causes: text(NarrativeSection::Causes),
            directions: text(NarrativeSection::Directions),
        }
    }

    fn header_value(&self, name: &str) -> &str {
        match name {
            "superior" => &self.superior,
            "issuer" => &self.issuer,
            "number" => &self.number,
            "place" => &self.place,
            "dated" => &self.dated,
            "subject" => &self.subject,
            "on_behalf" => &self.on_behalf,
            "signer_title" => &self.signer_title,
            "signer_name" => &self.signer_name,
            _ => "",
        }
    }

    pub(super) fn section(&self, s: NarrativeSection) -> &str {
        match s {
            NarrativeSection::Results => &self.results,
            NarrativeSection::Strengths => &self.strengths,
            NarrativeSection::Limitations => &self.limitations,
            NarrativeSection::Causes => &self.causes,
            NarrativeSection::Directions => &self.directions,
        }
    }

    /// The header and narrative to store, or every field that cannot be kept (with its message).
    pub(super) fn parse(&self) -> Result<(ReportHeader, Narratives), FormErrors> {
        let mut errors = FormErrors::default();
        let clean = |s: &str| domain::text::normalize(s);
        for (name, label, _) in HEADER_FIELDS {
            let n = self.header_value(name).trim().chars().count();
            if name != "dated" && n > MAX_HEADER_CHARS {
                errors.push(
                    name,
                    format!(
                        "{label} dài quá {} ký tự (hiện có {})",
                        num(MAX_HEADER_CHARS as i64),
                        num(n as i64)
                    ),
                );
            }
        }
        let dated = match parse_form_date(&self.dated) {
            Ok(d) => d,
            Err(m) => {
                errors.push("dated", m);
                None
            }
        };
        let recipients: Vec<String> = self
            .recipients
            .lines()
            .map(clean)
            .filter(|l| !l.is_empty())
            .collect();
        if recipients.len() > MAX_RECIPIENTS {
            errors.push(
                "recipients",
                format!(
                    "Nơi nhận có nhiều nhất {MAX_RECIPIENTS} dòng (hiện có {})",
                    recipients.len()
                ),
            );
        } else if let Some(long) = recipients
            .iter()
            .find(|r| r.chars().count() > MAX_HEADER_CHARS)
        {
            let short: String = long.chars().take(40).collect();
            errors.push(
                "recipients",
                format!(
                    "Dòng nơi nhận \"{short}…\" dài quá {} ký tự",
                    num(MAX_HEADER_CHARS as i64)
                ),
            );
        }
        let mut narratives = Narratives::new();
        for s in NarrativeSection::ALL {
            let text = domain::text::normalize_multiline(self.section(s));
            let n = text.chars().count();
            if n > MAX_NARRATIVE_CHARS {
                errors.push(
                    s.as_str(),
                    format!(
                        "Phần {} dài quá {} ký tự (hiện có {}): hãy rút gọn",
                        section_label(s),
                        num(MAX_NARRATIVE_CHARS as i64),
                        num(n as i64)
                    ),
                );
            }
            if !text.is_empty() {
                narratives.insert(s, text);
            }
        }
        if errors.any() {
            return Err(errors);
        }
        let header = ReportHeader {
            superior: clean(&self.superior),
            issuer: clean(&self.issuer),
            number: clean(&self.number),
            place: clean(&self.place),
            dated,
            subject: clean(&self.subject),
            on_behalf: clean(&self.on_behalf),
            signer_title: clean(&self.signer_title),
            signer_name: clean(&self.signer_name),
            recipients,
        };
        Ok((header, narratives))
    }
}

/// An input of the header form.
pub struct HeaderField {
    pub name: &'static str,
    pub label: &'static str,
    pub placeholder: &'static str,
    pub value: String,
    pub error: String,
}

/// A narrative section: a textarea while editable, text otherwise.
pub struct SectionField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub text: String,
    pub error: String,
}

/// A step of the history.
pub struct EventRow {
    pub action: &'static str,
    pub comment: String,
    pub by_user: String,
    pub at: String,
    pub returned: bool,
}

/// A figure that changed since it was frozen.
pub struct DiffRow {
    pub label: String,
    pub frozen: String,
    pub now: String,
}

/// An accepted sub-report's Hạn chế, to copy from.
pub struct Quote {
    pub report_id: i64,
    pub unit_name: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "report_stored.html")]
struct StoredPage {
    ctx: Ctx,
    csrf: String,
    id: i64,
    heading: String,
    unit_id: i64,
    unit_name: String,
    period: String,
    status: &'static str,
    badge: &'static str,
    round_id: i64,
    round_title: String,
    round_due: String,
    returns: String,
    first_submitted: String,
    frozen_notice: String,
    updated: String,
    last_return: String,
    history: Vec<EventRow>,
    editable: bool,
    header_fields: Vec<HeaderField>,
    recipients: String,
    recipients_error: String,
    recipients_view: Vec<String>,
    sections: Vec<SectionField>,
    doc_failed: bool,
    doc_other: Vec<String>,
    can_submit: bool,
    can_review: bool,
    can_issue: bool,
    return_comment: String,
    return_error: String,
    action_other: Vec<String>,
    differences: Vec<DiffRow>,
    sub_reports: Vec<SubRow>,
    quotes: Vec<Quote>,
    /// The figures, drawn by the partial `report_figures.html`.
    fig: FiguresView,
}

/// What a failed form brings back.
#[derive(Default)]
pub(super) struct Posted {
    pub document: Option<(DocumentFields, FormErrors)>,
    /// The return form's comment and its errors, or the errors of another step.
    pub action: Option<(String, FormErrors)>,
}

/// The report page; `posted` re-shows a failed form (422).
pub(super) async fn report_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    posted: Posted,
    flash_msg: Option<String>,
    sort: &SortSpec,
) -> PageResult {
    require_reader(user)?;
    let p = &user.principal;
    let r = st.db.reports().report(p, id).await.page(user)?;
    let failed = posted.document.is_some() || posted.action.is_some();
    let doc = &r.document;
    let editable = r.can_edit && r.status.editable();
    let (fields, doc_errors) = posted.document.unwrap_or_else(|| {
        (
            DocumentFields::of(&doc.header, &doc.narratives),
            FormErrors::default(),
        )
    });
    let (return_comment, action_errors) = posted.action.unwrap_or_default();
    let mut known: Vec<&str> = HEADER_FIELDS.iter().map(|f| f.0).collect();
    known.push("recipients");
    known.extend(NarrativeSection::ALL.iter().map(|s| s.as_str()));
    let doc_other = other_errors(&doc_errors, &known);
    let header_fields = HEADER_FIELDS
        .iter()
        .map(|(name, label, placeholder)| HeaderField {
            name,
            label,
            placeholder,
            value: fields.header_value(name).to_string(),
            error: doc_errors.get(name),
        })
        .collect();
    let sections = NarrativeSection::ALL
        .iter()
        .map(|s| SectionField {
            name: s.as_str(),
            label: section_label(*s),
            hint: section_hint(*s),
            text: fields.section(*s).to_string(),
            error: doc_errors.get(s.as_str()),
        })
        .collect();
    let history: Vec<EventRow> = r
        .history
        .iter()
        .map(|e| EventRow {
            action: action_label(e.action),
            comment: e.comment.clone(),
            by_user: e.by_user.clone(),
            at: moment(&e.at),
            returned: e.action == ReportAction::Return,
        })
        .collect();
    let last_return = if r.status == ReportStatus::Returned {
        r.history
            .iter()
            .rev()
            .find(|e| e.action == ReportAction::Return)
            .map(|e| e.comment.clone())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let frozen_notice = match (r.status.frozen(), r.frozen_at) {
        (true, Some(t)) => format!(
            "Số liệu đã chốt ngày {} (khi báo cáo được {}); các sửa đổi dữ liệu sau đó không làm thay đổi báo cáo này.",
            date(Some(day_of(&t))),
            if r.status == ReportStatus::Issued {
                "ban hành"
            } else {
                "chấp nhận"
            }
        ),
        _ => String::new(),
    };
    let differences = r
        .differences
        .iter()
        .map(|d| DiffRow {
            label: figure_label(&d.key),
            frozen: d.frozen.map(num).unwrap_or_else(|| "—".into()),
            now: d.now.map(num).unwrap_or_else(|| "—".into()),
        })
        .collect();
    let quotes = quotes(st, user, &doc.sub_reports).await;
    let action_other = other_errors(&action_errors, &["comment"]);
    let page = StoredPage {
        ctx: Ctx::new(
            user,
            format!("Báo cáo {} — {}", r.unit.name, period(r.from, r.to)),
            "reports",
        )
        .with_flash(flash_msg),
        csrf: user.csrf.clone(),
        id: r.id,
        heading: heading(&r),
        unit_id: r.unit.id,
        unit_name: r.unit.name.clone(),
        period: period(r.from, r.to),
        status: status_label(r.status),
        badge: status_badge(r.status),
        round_id: r.round.as_ref().map(|x| x.id).unwrap_or(0),
        round_title: r
            .round
            .as_ref()
            .map(|x| format!("{} — {}", x.title, x.unit.name))
            .unwrap_or_default(),
        round_due: r
            .round
            .as_ref()
            .map(|x| date(Some(x.due_on)))
            .unwrap_or_default(),
        returns: num(r.returns),
        first_submitted: r
            .first_submitted_at
            .as_ref()
            .map(moment)
            .unwrap_or_default(),
        frozen_notice,
        updated: format!("{} · {}", r.updated_by, moment(&r.updated_at)),
        last_return,
        history,
        editable,
        header_fields,
        recipients: fields.recipients.clone(),
        recipients_error: doc_errors.get("recipients"),
        recipients_view: doc.header.recipients.clone(),
        sections,
        doc_failed: doc_errors.any(),
        doc_other,
        can_submit: r.can_submit && r.round.is_some() && r.status.editable(),
        can_review: r.can_review && r.status == ReportStatus::Submitted,
        can_issue: r.can_issue && r.round.is_none() && r.status.editable(),
        return_comment,
        return_error: action_errors.get("comment"),
        action_other,
        differences,
        sub_reports: doc.sub_reports.iter().map(SubRow::of).collect(),
        quotes,
        fig: FiguresView::new(&doc.figures, &format!("/bao-cao/ban/{}", r.id), sort),
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

/// The words of a figure's key of `domain::report::flat_figures` ("study.2019.attended" → "Học tập
/// chuyên đề — năm 2019 — lượt tham dự"), for the table of what changed since the figures were frozen.
pub(super) fn figure_label(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    let section = parts.first().copied().unwrap_or("");
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i];
        let prev = if i > 0 { parts[i - 1] } else { "" };
        let word: String = if i == 0 && part == "sub_units" {
            i += 1;
            match parts.get(i) {
                Some(code) => format!("Đơn vị {code}"),
                None => "Đơn vị".to_string(),
            }
        } else if part.len() == 4 && part.chars().all(|c| c.is_ascii_digit()) {
            format!("năm {part}")
        } else if section == "inspection" && i == 1 {
            domain::inspection::CaseKind::parse(part)
                .map(|k| crate::labels::case_kind(k).to_string())
                .unwrap_or_else(|| part.to_string())
        } else if section == "discipline" && (prev == "members" || prev == "units") {
            domain::inspection::DisciplineForm::parse(part)
                .map(|f| crate::labels::discipline_form(f).to_string())
                .unwrap_or_else(|| part.to_string())
        } else if section == "criteria" && i == 1 {
            format!("bộ tiêu chí {part}")
        } else {
            let w = match (i, part) {
                (0, "study") | (_, "study") => "Học tập chuyên đề",
                (0, "cell_meetings") => "Sinh hoạt chi bộ",
                (_, "cell_meetings") => "số buổi sinh hoạt chi bộ",
                (0, "registrations") | (_, "registrations") => "Đăng ký làm theo",
                (0, "disclosure") => "Công khai",
                (0, "models") => "Mô hình",
                (_, "models") => "mô hình",
                (0, "inspection") => "Kiểm tra, giám sát",
                (0, "discipline") => "Kỷ luật",
                (0, "commendations") => "Khen thưởng",
                (_, "commendations") => "khen thưởng",
                (0, "criteria") => "Tiêu chí",
                (_, "total") => "cả kỳ",
                (_, "sessions") | (_, "held") => "số buổi",
                (_, "expected") => "lượt phải dự",
                (_, "attended") => "lượt tham dự",
                (_, "makeup") => "lượt học bù",
                (_, "excused") => "lượt vắng có lý do",
                (_, "thematic") => "sinh hoạt chuyên đề",
                (_, "topics_due") => "chủ đề phải xây dựng",
                (_, "topics_on_time") => "chủ đề đúng hạn",
                (_, "members") if section == "discipline" => "đảng viên",
                (_, "members") if section == "inspection" => "lượt đảng viên",
                (_, "members") if section == "registrations" || prev == "registrations" => {
                    "đảng viên phải đăng ký"
                }
                (_, "members") => "đảng viên",
                (_, "units") if section == "discipline" => "tổ chức đảng",
                (_, "units") if section == "inspection" => "lượt tổ chức đảng",
                (_, "units") => "đơn vị áp dụng",
                (_, "cases") => "số cuộc",
                (_, "registered") => "đã đăng ký",
                (_, "on_time") => "đăng ký đúng hạn",
                (_, "approved") => "đã duyệt",
                (_, "published") => "đã công khai",
                (_, "copied") => "trùng lặp",
                (_, "items") => "nội dung",
                (_, "specific_items") => "nội dung cụ thể",
                (_, "tied_items") => "nội dung gắn chức trách",
                (_, "reviewed_items") => "nội dung đã đánh giá kết quả",
                (_, "done_items") => "nội dung hoàn thành",
                (_, "rated") => "đã xếp loại",
                (_, "excellent") => "hoàn thành xuất sắc",
                (_, "good") => "hoàn thành tốt",
                (_, "completed") => "hoàn thành",
                (_, "not_completed") => "không hoàn thành",
                (_, "heads_late") => "người đứng đầu đăng ký sau đảng viên",
                (_, "published_registrations") => "bản đăng ký công khai",
                (_, "bulletins") => "bản tin loa",
                (_, "feedback_received") => "phản ánh nhận được",
                (_, "feedback_answered") => "phản ánh đã trả lời",
                (_, "feedback_overdue") => "phản ánh quá hạn",
                (_, "citizen_confirmations") => "xác nhận của người dân",
                (_, "replicated") => "được nhân rộng",
                (_, "commended") => "được biểu dương",
                (_, "struck_off") => "xóa tên",
                (_, "decisions") => "quyết định",
                (_, "member_recipients") => "cá nhân",
                (_, "unit_recipients") => "tập thể",
                (_, "all_met") => "đơn vị đạt đủ tiêu chí",
                (_, "recognised") => "đơn vị được công nhận",
                (_, "met") => "tiêu chí đạt",
                _ => part,
            };
            w.to_string()
        };
        out.push(word);
        i += 1;
    }
    out.join(" — ")
}

/// "Báo cáo số 125-BC/TU" or the subject, else "Báo cáo {unit}".
fn heading(r: &StoredReport) -> String {
    let h = &r.document.header;
    let base = if h.subject.trim().is_empty() {
        format!("Báo cáo của {}", r.unit.name)
    } else {
        format!("Báo cáo {}", h.subject.trim())
    };
    if h.number.trim().is_empty() {
        base
    } else {
        format!("{base} (số {})", h.number.trim())
    }
}

/// The Hạn chế sections of the accepted sub-reports, to copy from (those the reader can open).
async fn quotes(st: &AppState, user: &WebUser, subs: &[SubReportStatus]) -> Vec<Quote> {
    let mut out = Vec::new();
    for s in subs
        .iter()
        .filter(|s| s.status == ReportStatus::Accepted)
        .take(QUOTES_MAX)
    {
        // Only the narrative: `report` would compute each sub-report's figures again.
        let Ok(narratives) = st
            .db
            .reports()
            .narratives(&user.principal, s.report_id)
            .await
        else {
            continue;
        };
        let text = narratives
            .get(&NarrativeSection::Limitations)
            .cloned()
            .unwrap_or_default();
        if !text.trim().is_empty() {
            out.push(Quote {
                report_id: s.report_id,
                unit_name: s.unit.name.clone(),
                text,
            });
        }
    }
    out
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    tb: Option<String>,
    /// The order of the sub-unit table of the figures.
    #[serde(default, rename = "sap-xep", alias = "sap_xep")]
    sap_xep: String,
    #[serde(default)]
    chieu: String,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    let sort = SortSpec::parse(&q.sap_xep, &q.chieu);
    report_page(
        &st,
        &user,
        id,
        Posted::default(),
        flash(q.tb.as_deref()),
        &sort,
    )
    .await
}

// ------------------------------------------------------------------------------------------------
// Files
// ------------------------------------------------------------------------------------------------

/// Reads the report, audits the file, then builds and sends it.
async fn download(st: &AppState, user: &WebUser, id: i64, word: bool) -> PageResult {
    require_reader(user)?;
    let p = &user.principal;
    let r = st.db.reports().report(p, id).await.page(user)?;
    let unit = st.db.units().unit(p, r.unit.id).await.page(user)?;
    let (ext, kind, content_type) = if word {
        ("docx", "report.docx", DOCX)
    } else {
        ("xlsx", "report.xlsx", XLSX)
    };
    let filename = format!("{}.{ext}", office::report_file_stem(&r.document));
    let doc = r.document;
    let built = crate::heavy::run(move || {
        if word {
            office::report_docx(&doc)
        } else {
            office::report_xlsx(&doc)
        }
    })
    .await;
    let bytes = match built {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "report file failed");
            return Err(StoreError::Corrupt(e.to_string())).page(user);
        }
    };
    let audit = store::FileAudit {
        kind,
        label: &format!("Báo cáo {} — {}", unit.name, period(r.from, r.to)),
        unit_path: &unit.path,
        filename: &filename,
        rows: None,
    };
    audit_file(st, user, audit).await?;
    Ok(file_response(content_type, &filename, bytes))
}

pub async fn word(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    download(&st, &user, id, true).await
}

pub async fn excel(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    download(&st, &user, id, false).await
}
