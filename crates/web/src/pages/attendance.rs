//! Pages of issue 3: study sessions and cell meetings (list, calendar, create, marking sheet, self
//! check-in with code and QR), the unit attendance table, a member's attendance history, the cell-meeting
//! register with monthly topics, and the campaign (directives, plans, themes).

use super::{bad_form, content_disposition, not_found, render, store_error, FormErrors};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::view::{date, num, parse_form_date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Datelike, Duration, NaiveDate};
use domain::attendance::{Mark, MeetingKind, MeetingQuality, Tally};
use domain::policy::{Capability, Principal};
use domain::text::format_percent;
use serde::Deserialize;
use std::collections::HashMap;
use store::{Actor, CheckinFailure, Meeting, MeetingFilter, MeetingInput, StoreError};

fn pct(r: Option<f64>) -> String {
    r.map(format_percent).unwrap_or_else(|| "—".into())
}

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
        href: format!("{}/{}", base(m.kind), m.id),
        date: date(Some(m.date)),
        title: m.title.clone(),
        unit_name: m.unit_name.clone(),
        thematic: m.thematic,
        tally: TallyView::new(&m.tally, target),
    }
}

pub struct CalDay {
    pub day: String,
    pub in_month: bool,
    pub today: bool,
    pub items: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    ctx: Ctx,
    kind_label: &'static str,
    base: &'static str,
    unit_id: i64,
    unit_name: String,
    year: i32,
    calendar: bool,
    month_label: String,
    prev_month: String,
    next_month: String,
    weeks: Vec<Vec<CalDay>>,
    rows: Vec<MeetingRow>,
    can_create: bool,
    total: TallyView,
    target: String,
    show_tally: bool,
}

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

pub async fn list_study(st: State<AppState>, user: WebUser, q: PageQuery<ListQuery>) -> Response {
    list(st, user, q, MeetingKind::Study).await
}

async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
    kind: MeetingKind,
) -> Response {
    let p = &user.principal;
    let unit = match st.db.unit(p, q.don_vi.unwrap_or(p.unit_id)).await {
        Ok(u) => u,
        Err(e) => return store_error(&user, e),
    };
    let today = st.db.today();
    let year = q
        .nam
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year());
    let calendar = q.xem.as_deref() == Some("lich");
    let month = q
        .thang
        .filter(|m| (1..=12).contains(m))
        .unwrap_or(if year == today.year() {
            today.month()
        } else {
            1
        });
    let (from, to) = if calendar {
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(today);
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first);
        (first, next.pred_opt().unwrap_or(first))
    } else {
        (
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today),
        )
    };
    let f = MeetingFilter {
        kind: Some(kind),
        unit_path: if p.role == domain::Role::Member {
            None
        } else {
            Some(unit.path.clone())
        },
        from: Some(from),
        to: Some(to),
        limit: 2000,
    };
    let meetings = match st.db.list_meetings(p, &f).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let target = match st.db.plan_for(&unit.path, to).await {
        Ok(pl) => pl.map(|pl| pl.target_attendance),
        Err(e) => return store_error(&user, e),
    };
    let total = if p.can_read_rates(&unit.path) {
        match st
            .db
            .attendance_summary(p, &unit.path, kind, from, to)
            .await
        {
            Ok(t) => t,
            Err(e) => return store_error(&user, e),
        }
    } else {
        Tally::default()
    };
    let mut weeks = Vec::new();
    if calendar {
        let first = from;
        let start = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
        let mut by_day: HashMap<NaiveDate, Vec<(String, String)>> = HashMap::new();
        for m in &meetings {
            by_day.entry(m.date).or_default().push((
                format!("{}/{}", base(kind), m.id),
                format!("{} — {}", m.unit_name, m.title),
            ));
        }
        let mut d = start;
        while d <= to || weeks.is_empty() {
            let mut week = Vec::new();
            for _ in 0..7 {
                week.push(CalDay {
                    day: d.day().to_string(),
                    in_month: d.month() == month,
                    today: d == today,
                    items: by_day.remove(&d).unwrap_or_default(),
                });
                d += Duration::days(1);
            }
            weeks.push(week);
        }
    }
    let ym = |y: i32, m: u32| format!("nam={y}&thang={m}");
    let (py, pm) = if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    };
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let page = SessionsPage {
        ctx: Ctx::new(
            &user,
            format!("{} — {}", kind.label(), unit.name),
            "attendance",
        )
        .with_flash(crate::view::flash_message(q.tb.as_deref())),
        kind_label: kind.label(),
        base: base(kind),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        year,
        calendar,
        month_label: format!("Tháng {month:02}/{year}"),
        prev_month: ym(py, pm),
        next_month: ym(ny, nm),
        weeks,
        rows: meetings.iter().map(|m| meeting_row(m, target)).collect(),
        can_create: p.can_manage_meeting(&unit.path),
        show_tally: p.role != domain::Role::Member,
        total: TallyView::new(&total, target),
        target: target
            .map(|t| format_percent(t as f64 / 1000.0))
            .unwrap_or_default(),
    };
    render(&page)
}

// ------------------------------------------------------------------------------------------------
// Create
// ------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "session_form.html")]
struct SessionForm {
    ctx: Ctx,
    base: &'static str,
    cell: bool,
    kind_label: &'static str,
    csrf: String,
    units: Vec<(String, String)>,
    themes: Vec<(i64, String)>,
    qualities: Vec<(&'static str, &'static str)>,
    v: SessionFields,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct SessionFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    online: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    theme_id: String,
    #[serde(default)]
    thematic: Option<String>,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    quality: String,
    /// Codes of the sub-units called (empty = the whole subtree).
    #[serde(default)]
    for_units: String,
}

async fn form_page(
    st: &AppState,
    user: &WebUser,
    kind: MeetingKind,
    v: SessionFields,
    errors: FormErrors,
) -> Response {
    let p = &user.principal;
    let units = match st.db.list_units(p, None, Some(st.db.today())).await {
        Ok(list) => list
            .into_iter()
            .filter(|u| p.can_manage_meeting(&u.path))
            .filter(|u| kind == MeetingKind::Study || u.unit_type.holds_cell_meetings())
            .take(1000)
            .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
            .collect(),
        Err(e) => return store_error(user, e),
    };
    let themes = match st.db.themes_for(&p.unit_path).await {
        Ok(t) => t
            .into_iter()
            .map(|t| (t.id, format!("Năm {}: {}", t.year, t.title)))
            .collect(),
        Err(e) => return store_error(user, e),
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SessionForm {
        ctx: Ctx::new(
            user,
            match kind {
                MeetingKind::Study => "Tạo buổi học tập",
                MeetingKind::Cell => "Ghi buổi sinh hoạt chi bộ",
            },
            "attendance",
        ),
        base: base(kind),
        cell: kind == MeetingKind::Cell,
        kind_label: kind.label(),
        csrf: user.csrf.clone(),
        units,
        themes,
        qualities: MeetingQuality::ALL
            .iter()
            .map(|q| (q.as_str(), q.label()))
            .collect(),
        v,
        errors,
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    don_vi: Option<String>,
}

pub async fn new_study(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> Response {
    new_form(st, user, q, MeetingKind::Study).await
}

pub async fn new_cell(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> Response {
    new_form(st, user, q, MeetingKind::Cell).await
}

async fn new_form(st: AppState, user: WebUser, q: NewQuery, kind: MeetingKind) -> Response {
    if !user.principal.has(Capability::ManageMeetings) {
        return not_found(Some(&user));
    }
    let today = st.db.today();
    let v = SessionFields {
        unit_code: q.don_vi.unwrap_or_default(),
        date: today.format("%Y-%m-%d").to_string(),
        starts_at: "07:30".into(),
        ..Default::default()
    };
    form_page(&st, &user, kind, v, FormErrors::default()).await
}

pub async fn create_study(
    State(st): State<AppState>,
    user: WebUser,
    Form(v): Form<SessionFields>,
) -> Response {
    create(st, user, v, MeetingKind::Study).await
}

pub async fn create_cell(
    State(st): State<AppState>,
    user: WebUser,
    Form(v): Form<SessionFields>,
) -> Response {
    create(st, user, v, MeetingKind::Cell).await
}

fn input_from(v: &SessionFields, kind: MeetingKind, errors: &mut FormErrors) -> MeetingInput {
    let d = match parse_form_date(&v.date) {
        Ok(d) => d,
        Err(m) => {
            errors.push("date", m);
            None
        }
    };
    let theme_id = match v.theme_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(x) => Some(x),
            Err(_) => {
                errors.push("theme_id", "Chuyên đề không hợp lệ");
                None
            }
        },
    };
    MeetingInput {
        kind,
        unit_code: v.unit_code.clone(),
        date: d,
        starts_at: v.starts_at.clone(),
        ends_at: v.ends_at.clone(),
        place: v.place.clone(),
        online: v.online.is_some(),
        title: v.title.clone(),
        theme_id,
        thematic: v.thematic.is_some(),
        for_unit_codes: v
            .for_units
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        minutes: v.minutes.clone(),
        quality: MeetingQuality::parse(v.quality.trim()),
    }
}

async fn create(st: AppState, user: WebUser, v: SessionFields, kind: MeetingKind) -> Response {
    if !user.csrf_ok(&v.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    if !p.has(Capability::ManageMeetings) {
        return not_found(Some(&user));
    }
    let mut errors = FormErrors::default();
    let input = input_from(&v, kind, &mut errors);
    if errors.any() {
        return form_page(&st, &user, kind, v, errors).await;
    }
    match st
        .db
        .create_meeting(&Actor::user(p, "web"), Some(p), input)
        .await
    {
        Ok(m) => Redirect::to(&format!("{}/{}?tb=da-tao", base(kind), m.id)).into_response(),
        Err(StoreError::Invalid(list)) => form_page(&st, &user, kind, v, FormErrors(list)).await,
        Err(StoreError::Forbidden) => {
            let mut e = FormErrors::default();
            e.push("unit_code", "Bạn không được tổ chức buổi cho đơn vị này");
            form_page(&st, &user, kind, v, e).await
        }
        Err(e) => store_error(&user, e),
    }
}

// ------------------------------------------------------------------------------------------------
// Session page with the marking sheet
// ------------------------------------------------------------------------------------------------

pub struct SheetRow {
    pub member_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub status: String,
    pub status_label: String,
    pub made_up_from: String,
    pub note: String,
    pub can_mark: bool,
    pub error: String,
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    ctx: Ctx,
    base: &'static str,
    cell: bool,
    id: i64,
    title: String,
    unit_id: i64,
    unit_name: String,
    date: String,
    time: String,
    place: String,
    theme: String,
    thematic: bool,
    minutes: String,
    quality: String,
    tally: TallyView,
    rows: Vec<SheetRow>,
    marks: Vec<(&'static str, &'static str, &'static str)>,
    can_manage: bool,
    can_mark_any: bool,
    is_member: bool,
    own_status: String,
    checkin_code: String,
    checkin_until: String,
    checkin_open: bool,
    documents: Vec<(i64, String, String, String)>,
    csrf: String,
    problem: String,
    edit: SessionFields,
    qualities: Vec<(&'static str, &'static str)>,
    themes: Vec<(i64, String)>,
}

fn short(m: Mark) -> &'static str {
    match m {
        Mark::Present => "C",
        Mark::Late => "T",
        Mark::Excused => "P",
        Mark::Absent => "V",
        Mark::Makeup => "B",
    }
}

async fn session_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: MeetingKind,
    problem: String,
    row_errors: HashMap<i64, String>,
    flash: Option<String>,
) -> Response {
    let p = &user.principal;
    let m = match st.db.meeting(p, id).await {
        Ok(m) if m.kind == kind => m,
        Ok(_) => return not_found(Some(user)),
        Err(e) => return store_error(user, e),
    };
    let marks = match st.db.meeting_marks(p, id).await {
        Ok(r) => r,
        Err(e) => return store_error(user, e),
    };
    let docs = match st.db.documents(p, id).await {
        Ok(d) => d,
        Err(e) => return store_error(user, e),
    };
    let themes = match st.db.themes_for(&m.unit_path).await {
        Ok(t) => t
            .into_iter()
            .map(|t| (t.id, format!("Năm {}: {}", t.year, t.title)))
            .collect(),
        Err(e) => return store_error(user, e),
    };
    let target = st
        .db
        .plan_for(&m.unit_path, m.date)
        .await
        .ok()
        .flatten()
        .map(|p| p.target_attendance);
    let now = st.db.now();
    let own_status = p
        .member_id
        .and_then(|own| marks.iter().find(|r| r.member_id == own))
        .map(|r| {
            r.status
                .map(|s| s.label())
                .unwrap_or("Chưa điểm danh")
                .to_string()
        })
        .unwrap_or_default();
    let rows: Vec<SheetRow> = marks
        .iter()
        .map(|r| SheetRow {
            member_id: r.member_id,
            full_name: r.full_name.clone(),
            unit_name: r.unit_name.clone(),
            status: r.status.map(|s| s.as_str()).unwrap_or("").to_string(),
            status_label: r
                .status
                .map(|s| s.label())
                .unwrap_or("Chưa điểm danh")
                .to_string(),
            made_up_from: r
                .made_up_from
                .map(|s| s.label().to_lowercase())
                .unwrap_or_default(),
            note: match (&r.marked_by, &r.marked_at) {
                (Some(b), Some(a)) => format!(
                    "{}{} · {}",
                    if r.self_checkin {
                        "tự điểm danh · "
                    } else {
                        ""
                    },
                    b,
                    timestamp(a)
                ),
                _ => String::new(),
            },
            can_mark: r.can_mark,
            error: row_errors.get(&r.member_id).cloned().unwrap_or_default(),
        })
        .collect();
    let checkin = m.checkin.as_ref().filter(|c| c.closes_at >= now);
    let can_manage = p.can_manage_meeting(&m.unit_path);
    let page = SessionPage {
        ctx: Ctx::new(user, m.title.clone(), "attendance").with_flash(flash),
        base: base(kind),
        cell: kind == MeetingKind::Cell,
        id: m.id,
        title: m.title.clone(),
        unit_id: m.unit_id,
        unit_name: m.unit_name.clone(),
        date: date(Some(m.date)),
        time: match (&m.starts_at, &m.ends_at) {
            (Some(s), Some(e)) => format!("{s} – {e}"),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        },
        place: if m.online {
            if m.place.is_empty() {
                "Trực tuyến".into()
            } else {
                format!("Trực tuyến — {}", m.place)
            }
        } else {
            m.place.clone()
        },
        theme: m.theme_title.clone().unwrap_or_default(),
        thematic: m.thematic,
        minutes: m.minutes.clone(),
        quality: m.quality.map(|q| q.label().to_string()).unwrap_or_default(),
        tally: TallyView::new(&m.tally, target),
        can_mark_any: rows.iter().any(|r| r.can_mark),
        rows,
        marks: Mark::ALL
            .iter()
            .map(|k| (k.as_str(), short(*k), k.label()))
            .collect(),
        can_manage,
        is_member: p.member_id.is_some(),
        own_status,
        checkin_code: checkin.map(|c| c.code.clone()).unwrap_or_default(),
        checkin_until: checkin
            .map(|c| {
                (c.closes_at + Duration::hours(7))
                    .format("%H:%M %d/%m/%Y")
                    .to_string()
            })
            .unwrap_or_default(),
        checkin_open: checkin.is_some() && can_manage,
        documents: docs
            .iter()
            .map(|d| {
                (
                    d.id,
                    d.filename.clone(),
                    crate::view::num(d.size / 1024 + 1),
                    d.uploaded_by.clone(),
                )
            })
            .collect(),
        csrf: user.csrf.clone(),
        problem,
        edit: SessionFields {
            title: m.title.clone(),
            starts_at: m.starts_at.clone().unwrap_or_default(),
            ends_at: m.ends_at.clone().unwrap_or_default(),
            place: m.place.clone(),
            online: m.online.then(|| "1".to_string()),
            theme_id: m.theme_id.map(|t| t.to_string()).unwrap_or_default(),
            thematic: m.thematic.then(|| "1".to_string()),
            minutes: m.minutes.clone(),
            quality: m
                .quality
                .map(|q| q.as_str().to_string())
                .unwrap_or_default(),
            ..Default::default()
        },
        qualities: MeetingQuality::ALL
            .iter()
            .map(|q| (q.as_str(), q.label()))
            .collect(),
        themes,
    };
    let status = if !page.problem.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, render(&page)).into_response()
}

/// The session page with a message at the top (a refused upload, import or edit).
async fn problem_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: MeetingKind,
    message: String,
) -> Response {
    session_page(st, user, id, kind, message, HashMap::new(), None).await
}

/// The common start of the upload forms: section, CSRF and the uploaded file.
async fn upload_form(
    user: &WebUser,
    prefix: &str,
    id: i64,
    mp: Multipart,
) -> Result<(MeetingKind, Option<(String, Vec<u8>)>), Response> {
    let Some(kind) = kind_of(prefix) else {
        return Err(not_found(Some(user)));
    };
    let back = format!("{}/{id}", base(kind));
    let Ok((csrf, file)) = read_upload(mp).await else {
        return Err(bad_form(
            user,
            &back,
            "Tệp tải lên bị lỗi hoặc lớn quá 10 MB.",
        ));
    };
    if !user.csrf_ok(&csrf) {
        return Err(super::csrf_failure());
    }
    Ok((kind, file))
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    #[serde(default)]
    tb: Option<String>,
}

pub async fn show_study(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Response {
    session_page(
        &st,
        &user,
        id,
        MeetingKind::Study,
        String::new(),
        HashMap::new(),
        crate::view::flash_message(q.tb.as_deref()),
    )
    .await
}

pub async fn show_cell(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Response {
    session_page(
        &st,
        &user,
        id,
        MeetingKind::Cell,
        String::new(),
        HashMap::new(),
        crate::view::flash_message(q.tb.as_deref()),
    )
    .await
}

/// POST of the marking sheet: fields `m<member_id>` = status code; `tat_ca` = mark every unmarked place
/// the user may mark as present.
pub async fn mark(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Some(kind) = kind_of(&prefix) else {
        return not_found(Some(&user));
    };
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if !user.csrf_ok(csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let all_present = fields.iter().any(|(k, _)| k == "tat_ca");
    let mut marks: Vec<(i64, Mark)> = Vec::new();
    if all_present {
        match st.db.meeting_marks(p, id).await {
            Ok(rows) => marks.extend(
                rows.iter()
                    .filter(|r| r.can_mark && r.status.is_none())
                    .map(|r| (r.member_id, Mark::Present)),
            ),
            Err(e) => return store_error(&user, e),
        }
    }
    // The sheet carries each row's status as loaded (`o<id>`): only rows the user changed are written, so
    // a sheet left open does not overwrite a check-in made meanwhile.
    let loaded: HashMap<&str, &str> = fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix('o').map(|id| (id, v.as_str())))
        .collect();
    for (k, v) in &fields {
        let Some(id_text) = k.strip_prefix('m') else {
            continue;
        };
        let Ok(mid) = id_text.parse::<i64>() else {
            continue;
        };
        if v.is_empty() || loaded.get(id_text) == Some(&v.as_str()) {
            continue;
        }
        match Mark::parse(v) {
            Some(m) => {
                marks.retain(|(x, _)| *x != mid);
                marks.push((mid, m));
            }
            None => {
                return bad_form(
                    &user,
                    &format!("{}/{id}", base(kind)),
                    "Trạng thái điểm danh không hợp lệ.",
                )
            }
        }
    }
    // Unchanged marks are skipped by the store; only what changed is written and audited.
    match st
        .db
        .set_marks(&Actor::user(p, "web"), Some(p), id, &marks)
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "{}/{id}?tb=da-diem-danh#bang-diem-danh",
            base(kind)
        ))
        .into_response(),
        Err(StoreError::Invalid(list)) => {
            let mut row_errors = HashMap::new();
            for e in &list {
                if let Some(i) = e
                    .field
                    .strip_prefix("marks[")
                    .and_then(|s| s.split(']').next())
                    .and_then(|s| s.parse::<usize>().ok())
                {
                    if let Some((mid, _)) = marks.get(i) {
                        row_errors.insert(*mid, e.message.clone());
                    }
                }
            }
            let msg = list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            session_page(
                &st,
                &user,
                id,
                kind,
                format!("Chưa lưu điểm danh: {msg}"),
                row_errors,
                None,
            )
            .await
        }
        Err(StoreError::Forbidden) => {
            problem_page(
                &st,
                &user,
                id,
                kind,
                "Bạn chỉ được điểm danh đảng viên thuộc đơn vị mình phụ trách.".into(),
            )
            .await
        }
        Err(e) => store_error(&user, e),
    }
}

#[derive(Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phut: Option<i64>,
}

pub async fn open_checkin(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    Form(f): Form<OpenForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let Some(kind) = kind_of(&prefix) else {
        return not_found(Some(&user));
    };
    let p = &user.principal;
    let minutes = f.phut.unwrap_or(120).clamp(5, 1440);
    let now = st.db.now();
    match st
        .db
        .open_checkin(
            &Actor::user(p, "web"),
            p,
            id,
            now,
            now + Duration::minutes(minutes),
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("{}/{id}?tb=da-mo-diem-danh", base(kind))).into_response(),
        Err(e) => store_error(&user, e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn close_checkin(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let Some(kind) = kind_of(&prefix) else {
        return not_found(Some(&user));
    };
    let p = &user.principal;
    match st.db.close_checkin(&Actor::user(p, "web"), p, id).await {
        Ok(_) => Redirect::to(&format!("{}/{id}?tb=da-dong-diem-danh", base(kind))).into_response(),
        Err(e) => store_error(&user, e),
    }
}

pub async fn refresh_list(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let Some(kind) = kind_of(&prefix) else {
        return not_found(Some(&user));
    };
    let p = &user.principal;
    match st
        .db
        .refresh_meeting_list(&Actor::user(p, "web"), p, id)
        .await
    {
        Ok(changed) => Redirect::to(&format!(
            "{}/{id}?tb={}",
            base(kind),
            if changed {
                "da-cap-nhat-danh-sach"
            } else {
                "danh-sach-khong-doi"
            }
        ))
        .into_response(),
        Err(e) => store_error(&user, e),
    }
}

pub async fn qr(
    State(st): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    PagePath((prefix, id)): PagePath<(String, i64)>,
) -> Response {
    if kind_of(&prefix).is_none() {
        return not_found(Some(&user));
    }
    let p = &user.principal;
    let m = match st.db.meeting(p, id).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let Some(c) = m
        .checkin
        .as_ref()
        .filter(|_| p.can_manage_meeting(&m.unit_path))
    else {
        return not_found(Some(&user));
    };
    let url = format!(
        "{}/diem-danh?buoi={}&ma={}",
        crate::auth::origin(&headers, st.config.secure_cookies, st.config.trust_proxy),
        m.id,
        c.code
    );
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build();
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                svg,
            )
                .into_response()
        }
        Err(_) => not_found(Some(&user)),
    }
}

// ------------------------------------------------------------------------------------------------
// Edit details (cell meetings: minutes and quality self-rating)
// ------------------------------------------------------------------------------------------------

pub async fn edit(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    Form(v): Form<SessionFields>,
) -> Response {
    if !user.csrf_ok(&v.csrf) {
        return super::csrf_failure();
    }
    let Some(kind) = kind_of(&prefix) else {
        return not_found(Some(&user));
    };
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let input = input_from(
        &SessionFields {
            date: "2000-01-01".into(),
            ..v.clone()
        },
        kind,
        &mut errors,
    );
    if errors.any() {
        let msg = errors
            .0
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        return problem_page(&st, &user, id, kind, msg).await;
    }
    match st
        .db
        .update_meeting(&Actor::user(p, "web"), p, id, input)
        .await
    {
        Ok(_) => Redirect::to(&format!("{}/{id}?tb=da-luu", base(kind))).into_response(),
        Err(StoreError::Invalid(list)) => {
            let msg = list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            problem_page(&st, &user, id, kind, msg).await
        }
        Err(e) => store_error(&user, e),
    }
}

// ------------------------------------------------------------------------------------------------
// Documents, exports and import of marks
// ------------------------------------------------------------------------------------------------

async fn read_upload(mut mp: Multipart) -> Result<(String, Option<(String, Vec<u8>)>), ()> {
    let mut csrf = String::new();
    let mut file = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let filename = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(|_| ())?;
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).to_string(),
                    "file" => {
                        file = Some((filename.unwrap_or_else(|| "tep".into()), bytes.to_vec()))
                    }
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return Err(()),
        }
    }
    Ok((csrf, file.filter(|(_, b)| !b.is_empty())))
}

pub async fn upload_document(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    mp: Multipart,
) -> Response {
    let (kind, file) = match upload_form(&user, &prefix, id, mp).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let back = format!("{}/{id}", base(kind));
    let Some((name, bytes)) = file else {
        return problem_page(
            &st,
            &user,
            id,
            kind,
            "Hãy chọn một tệp tài liệu để tải lên.".into(),
        )
        .await;
    };
    let p = &user.principal;
    match st
        .db
        .add_document(&Actor::user(p, "web"), p, id, &name, &bytes)
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}?tb=da-tai-len#tai-lieu")).into_response(),
        Err(StoreError::Invalid(list)) => {
            let msg = list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            problem_page(&st, &user, id, kind, msg).await
        }
        Err(e) => store_error(&user, e),
    }
}

pub async fn download_document(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id, doc)): PagePath<(String, i64, i64)>,
) -> Response {
    if kind_of(&prefix).is_none() {
        return not_found(Some(&user));
    }
    let found = match st.db.document(&user.principal, id, doc).await {
        Ok(found) => st.db.meeting(&user.principal, id).await.map(|m| (m, found)),
        Err(e) => Err(e),
    };
    match found {
        Ok((m, (info, bytes))) => {
            let audit = store::FileAudit {
                kind: "meeting.document",
                label: &format!("Tài liệu buổi “{}”", m.title),
                unit_path: &m.unit_path,
                filename: &info.filename,
                rows: None,
            };
            if let Err(r) = super::audit_file(&st, &user, audit).await {
                return r;
            }
            (
                [
                    (header::CONTENT_TYPE, info.content_type.clone()),
                    (
                        header::CONTENT_DISPOSITION,
                        content_disposition(&info.filename),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => store_error(&user, e),
    }
}

async fn sheet_data(
    st: &AppState,
    p: &Principal,
    id: i64,
) -> Result<(Meeting, office::SheetHeader, Vec<office::SheetRow>), StoreError> {
    let m = st.db.meeting(p, id).await?;
    let marks = st.db.meeting_marks(p, id).await?;
    let unit = st
        .db
        .unit_unscoped(m.unit_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let issuer = match unit.parent_id {
        Some(pid) => st
            .db
            .unit_unscoped(pid)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => unit.name.clone(),
    };
    let header = office::SheetHeader {
        issuer,
        unit_name: m.unit_name.clone(),
        title: m.title.clone(),
        date: m.date,
        time: m.starts_at.clone(),
        place: if m.online {
            "Trực tuyến".into()
        } else {
            m.place.clone()
        },
    };
    let rows = marks
        .iter()
        .map(|r| office::SheetRow {
            member_id: r.member_id,
            full_name: r.full_name.clone(),
            unit_name: r.unit_name.clone(),
            status: r.status,
            made_up_from: r.made_up_from,
            marked_by: r.marked_by.clone(),
            marked_at: r.marked_at.as_deref().map(timestamp),
        })
        .collect();
    Ok((m, header, rows))
}

fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, content_disposition(name)),
        ],
        bytes,
    )
        .into_response()
}

/// An XLSX made from the session's sheet data by `build`, named `<prefix>-<id>-<date>.xlsx`.
async fn sheet_download(
    st: &AppState,
    user: &WebUser,
    section: &str,
    id: i64,
    build: fn(&office::SheetHeader, &[office::SheetRow]) -> Result<Vec<u8>, office::OfficeError>,
    name: &str,
) -> Response {
    let Some(kind) = kind_of(section) else {
        return not_found(Some(user));
    };
    match sheet_data(st, &user.principal, id).await {
        // Building the XLSX is CPU work: off the async workers.
        Ok((m, h, rows)) => {
            let row_count = rows.len();
            match crate::heavy::run(move || build(&h, &rows)).await {
                Ok(b) => {
                    let filename = format!("{name}-{}-{}.xlsx", m.id, m.date);
                    let what = if name == "diem-danh" {
                        "Điểm danh"
                    } else {
                        "Danh sách ký tên"
                    };
                    let audit = store::FileAudit {
                        kind: &format!("{name}.xlsx"),
                        label: &format!("{what} — {}", m.title),
                        unit_path: &m.unit_path,
                        filename: &filename,
                        rows: Some(row_count),
                    };
                    if let Err(r) = super::audit_file(st, user, audit).await {
                        return r;
                    }
                    xlsx_response(b, &filename)
                }
                Err(e) => bad_form(user, &format!("{}/{id}", base(kind)), &e.to_string()),
            }
        }
        Err(e) => store_error(user, e),
    }
}

pub async fn signin_sheet(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
) -> Response {
    sheet_download(
        &st,
        &user,
        &prefix,
        id,
        office::signin_sheet_xlsx,
        "danh-sach-ky-ten",
    )
    .await
}

pub async fn export_marks(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
) -> Response {
    sheet_download(&st, &user, &prefix, id, office::marks_xlsx, "diem-danh").await
}

pub async fn import_marks(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    mp: Multipart,
) -> Response {
    let (kind, file) = match upload_form(&user, &prefix, id, mp).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let back = format!("{}/{id}", base(kind));
    let Some((name, bytes)) = file else {
        return problem_page(
            &st,
            &user,
            id,
            kind,
            "Hãy chọn tệp Excel điểm danh để nhập.".into(),
        )
        .await;
    };
    // Parsing is CPU work: off the async workers (crate::heavy).
    let parsed = match crate::heavy::run(move || office::parse_marks(&name, &bytes)).await {
        Ok(p) => p,
        Err(e) => return problem_page(&st, &user, id, kind, format!("Không nhập được: {e}")).await,
    };
    if !parsed.errors.is_empty() {
        let msg = parsed
            .errors
            .iter()
            .take(50)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ");
        return problem_page(
            &st,
            &user,
            id,
            kind,
            format!(
                "Không nhập được, chưa ghi gì ({} lỗi): {msg}",
                parsed.errors.len()
            ),
        )
        .await;
    }
    let marks: Vec<(i64, Mark)> = parsed
        .rows
        .iter()
        .map(|r| (r.member_id, r.status))
        .collect();
    let p = &user.principal;
    match st
        .db
        .set_marks(&Actor::user(p, "import"), Some(p), id, &marks)
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}?tb=da-nhap-diem-danh")).into_response(),
        Err(StoreError::Invalid(list)) => {
            let by_index: Vec<String> = list
                .iter()
                .map(|e| {
                    let line = e
                        .field
                        .strip_prefix("marks[")
                        .and_then(|s| s.split(']').next())
                        .and_then(|s| s.parse::<usize>().ok())
                        .and_then(|i| parsed.rows.get(i))
                        .map(|r| format!("dòng {}: ", r.line))
                        .unwrap_or_default();
                    format!("{line}{}", e.message)
                })
                .collect();
            problem_page(
                &st,
                &user,
                id,
                kind,
                format!("Không nhập được, chưa ghi gì: {}", by_index.join("; ")),
            )
            .await
        }
        Err(StoreError::Forbidden) => {
            problem_page(
                &st,
                &user,
                id,
                kind,
                "Tệp có đảng viên ngoài đơn vị bạn phụ trách; chưa ghi gì.".into(),
            )
            .await
        }
        Err(e) => store_error(&user, e),
    }
}

// ------------------------------------------------------------------------------------------------
// Self check-in
// ------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckinPage {
    ctx: Ctx,
    csrf: String,
    session_id: String,
    code: String,
    error: String,
    done: String,
    is_member: bool,
}

#[derive(Deserialize, Default)]
pub struct CheckinQuery {
    #[serde(default)]
    buoi: Option<String>,
    #[serde(default)]
    ma: Option<String>,
}

pub async fn checkin_form(user: WebUser, PageQuery(q): PageQuery<CheckinQuery>) -> Response {
    let page = CheckinPage {
        ctx: Ctx::new(&user, "Tự điểm danh", "checkin"),
        csrf: user.csrf.clone(),
        session_id: q.buoi.unwrap_or_default(),
        code: q.ma.unwrap_or_default(),
        error: String::new(),
        done: String::new(),
        is_member: user.principal.member_id.is_some(),
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct CheckinForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    buoi: String,
    #[serde(default)]
    ma: String,
}

pub async fn checkin_submit(
    State(st): State<AppState>,
    user: WebUser,
    Form(f): Form<CheckinForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let mut page = CheckinPage {
        ctx: Ctx::new(&user, "Tự điểm danh", "checkin"),
        csrf: user.csrf.clone(),
        session_id: f.buoi.clone(),
        code: f.ma.clone(),
        error: String::new(),
        done: String::new(),
        is_member: p.member_id.is_some(),
    };
    let session = match f.buoi.trim().parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) => match st.db.find_checkin(p, &f.ma).await {
            Ok(found) => found,
            Err(CheckinFailure::Refused(e)) => {
                page.error = e.to_string();
                return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
            }
            Err(CheckinFailure::Store(e)) => return store_error(&user, e),
        },
    };
    let Some(session) = session else {
        page.error = if p.member_id.is_none() {
            "Tài khoản này không gắn với đảng viên nào nên không thể tự điểm danh".into()
        } else {
            "Mã điểm danh không đúng hoặc không phải của buổi bạn phải dự".into()
        };
        return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    };
    match st
        .db
        .check_in(&Actor::user(p, "web"), p, session, &f.ma, None)
        .await
    {
        Ok((m, mark)) => {
            page.done = format!(
                "Đã điểm danh “{}” ngày {}: {}.",
                m.title,
                date(Some(m.date)),
                mark.label().to_lowercase()
            );
            page.code.clear();
            render(&page)
        }
        Err(CheckinFailure::Refused(e)) => {
            page.error = e.to_string();
            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
        }
        Err(CheckinFailure::Store(StoreError::NotFound)) => {
            page.error = "Không có buổi học này".into();
            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
        }
        Err(CheckinFailure::Store(e)) => store_error(&user, e),
    }
}

// ------------------------------------------------------------------------------------------------
// Unit attendance table and member history
// ------------------------------------------------------------------------------------------------

pub struct UnitRow {
    pub unit_id: i64,
    pub name: String,
    pub drill: bool,
    pub tally: TallyView,
}

#[derive(Template)]
#[template(path = "attendance_table.html")]
struct TablePage {
    ctx: Ctx,
    unit_id: i64,
    unit_name: String,
    parent: Option<(i64, String)>,
    from: String,
    to: String,
    kind: &'static str,
    kind_label: &'static str,
    years: Vec<i32>,
    rows: Vec<UnitRow>,
    total: TallyView,
    target: String,
    plan: String,
    absentees: Vec<(i64, String, String, String)>,
    absentees_too_large: bool,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct TableQuery {
    #[serde(default)]
    don_vi: Option<i64>,
    #[serde(default)]
    tu: Option<String>,
    #[serde(default)]
    den: Option<String>,
    #[serde(default)]
    loai: Option<String>,
}

pub async fn table(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<TableQuery>,
) -> Response {
    let p = &user.principal;
    if p.role == domain::Role::Member {
        return match p.member_id {
            Some(m) => Redirect::to(&format!("/dang-vien/{m}/chuyen-can")).into_response(),
            None => not_found(Some(&user)),
        };
    }
    let unit = match st.db.unit(p, q.don_vi.unwrap_or(p.unit_id)).await {
        Ok(u) => u,
        Err(e) => return store_error(&user, e),
    };
    let today = st.db.today();
    let mut errors = FormErrors::default();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let from = match parse_form_date(q.tu.as_deref().unwrap_or("")) {
        Ok(d) => d.unwrap_or(year_start),
        Err(m) => {
            errors.push("tu", m);
            year_start
        }
    };
    let to = match parse_form_date(q.den.as_deref().unwrap_or("")) {
        Ok(d) => d.unwrap_or(year_end),
        Err(m) => {
            errors.push("den", m);
            year_end
        }
    };
    let kind = if q.loai.as_deref() == Some("cell") {
        MeetingKind::Cell
    } else {
        MeetingKind::Study
    };
    let rows = match st
        .db
        .attendance_by_subunit(p, unit.id, kind, from, to)
        .await
    {
        Ok(r) => r,
        Err(e) => return store_error(&user, e),
    };
    let total = match st
        .db
        .attendance_summary(p, &unit.path, kind, from, to)
        .await
    {
        Ok(t) => t,
        Err(e) => return store_error(&user, e),
    };
    let plan = st.db.plan_for(&unit.path, to).await.ok().flatten();
    let target = plan.as_ref().map(|pl| pl.target_attendance);
    let absentees = match st
        .db
        .absentees(p, &unit.path, kind, crate::api::attendance::ABSENTEE_LIMIT)
        .await
    {
        Ok(a) => a,
        Err(e) => return store_error(&user, e),
    };
    let parent = match unit.parent_id {
        Some(pid) if p.covers(&unit.path) && unit.id != p.unit_id => {
            st.db.unit(p, pid).await.ok().map(|u| (u.id, u.name))
        }
        _ => None,
    };
    let page = TablePage {
        ctx: Ctx::new(&user, format!("Tỷ lệ tham dự — {}", unit.name), "rates"),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        parent,
        from: from.format("%Y-%m-%d").to_string(),
        to: to.format("%Y-%m-%d").to_string(),
        kind: kind.as_str(),
        kind_label: kind.label(),
        years: (2016..=today.year()).rev().collect(),
        rows: rows
            .iter()
            .map(|r| UnitRow {
                unit_id: r.unit.id,
                name: r.unit.name.clone(),
                drill: r.child_count > 0,
                tally: TallyView::new(&r.tally, target),
            })
            .collect(),
        total: TallyView::new(&total, target),
        target: target
            .map(|t| format_percent(t as f64 / 1000.0))
            .unwrap_or_default(),
        plan: plan
            .map(|pl| format!("{} ngày {}", pl.number, date(Some(pl.issued_on))))
            .unwrap_or_default(),
        absentees_too_large: absentees.is_none(),
        absentees: absentees
            .unwrap_or_default()
            .into_iter()
            .map(|a| {
                let last = a
                    .last
                    .iter()
                    .map(|(d, t, m)| {
                        format!("{} ({}): {}", t, date(Some(*d)), m.label().to_lowercase())
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                (a.member_id, a.full_name, a.unit_name, last)
            })
            .collect(),
        errors,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "member_attendance.html")]
struct MemberAttendancePage {
    ctx: Ctx,
    member_id: i64,
    full_name: String,
    study: TallyView,
    cell: TallyView,
    rows: Vec<(String, String, &'static str, String, String, String, String)>,
}

pub async fn member_history(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    let p = &user.principal;
    let member = match st.db.member(p, id).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let marks = match st.db.member_marks(p, id, None, None).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let mut study = Tally::default();
    let mut cell = Tally::default();
    for m in &marks {
        match m.kind {
            MeetingKind::Study => study.add_mark(m.status),
            MeetingKind::Cell => cell.add_mark(m.status),
        }
    }
    let page = MemberAttendancePage {
        ctx: Ctx::new(
            &user,
            format!("Chuyên cần — {}", member.full_name),
            "members",
        ),
        member_id: id,
        full_name: member.full_name.clone(),
        study: TallyView::new(&study, None),
        cell: TallyView::new(&cell, None),
        rows: marks
            .iter()
            .map(|m| {
                (
                    format!("{}/{}", base(m.kind), m.meeting_id),
                    date(Some(m.date)),
                    m.kind.label(),
                    m.title.clone(),
                    m.unit_name.clone(),
                    match (m.status, m.made_up_from) {
                        (Some(s), Some(f)) => {
                            format!("{} (thay cho {})", s.label(), f.label().to_lowercase())
                        }
                        (Some(s), None) => s.label().to_string(),
                        (None, _) => "Chưa điểm danh".to_string(),
                    },
                    m.status.map(|s| s.as_str()).unwrap_or("none").to_string(),
                )
            })
            .collect(),
    };
    render(&page)
}

// ------------------------------------------------------------------------------------------------
// Cell-meeting register and monthly topics
// ------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cell_register.html")]
struct RegisterPage {
    ctx: Ctx,
    unit_id: i64,
    unit_name: String,
    year: i32,
    is_cell: bool,
    months: Vec<(String, String, Vec<MeetingRow>)>,
    board_month: String,
    board_deadline: String,
    board: Vec<(i64, String, String, String, bool, bool)>,
    missing: i64,
    can_set: bool,
    csrf: String,
    topic_value: String,
    topic_month: String,
    can_create: bool,
    show_tally: bool,
}

pub async fn register(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> Response {
    let p = &user.principal;
    let unit = match st.db.unit(p, q.don_vi.unwrap_or(p.unit_id)).await {
        Ok(u) => u,
        Err(e) => return store_error(&user, e),
    };
    let today = st.db.today();
    let year = q
        .nam
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year());
    let is_cell = unit.unit_type.holds_cell_meetings();
    let mut months = Vec::new();
    if is_cell || p.role == domain::Role::Member {
        let f = MeetingFilter {
            kind: Some(MeetingKind::Cell),
            unit_path: if p.role == domain::Role::Member {
                None
            } else {
                Some(unit.path.clone())
            },
            from: NaiveDate::from_ymd_opt(year, 1, 1),
            to: NaiveDate::from_ymd_opt(year, 12, 31),
            limit: 500,
        };
        let list = match st.db.list_meetings(p, &f).await {
            Ok(l) => l,
            Err(e) => return store_error(&user, e),
        };
        for m in 1..=12u32 {
            let topic = st
                .db
                .topic_of(unit.id, year, m)
                .await
                .ok()
                .flatten()
                .map(|(t, _)| t)
                .unwrap_or_default();
            let rows: Vec<MeetingRow> = list
                .iter()
                .filter(|x| x.date.month() == m)
                .map(|x| meeting_row(x, None))
                .collect();
            months.push((format!("{m:02}/{year}"), topic, rows));
        }
    }
    let (by, bm) = domain::attendance::next_topic_month(today);
    let board = if p.role == domain::Role::Member {
        Vec::new()
    } else {
        match st.db.topic_board(p, &unit.path, by, bm).await {
            Ok(b) => b,
            Err(e) => return store_error(&user, e),
        }
    };
    let missing = if p.role == domain::Role::Member {
        0
    } else {
        match st.db.topic_counts(p, &unit.path, by, bm).await {
            Ok((_, m)) => m,
            Err(e) => return store_error(&user, e),
        }
    };
    let own_topic = if is_cell {
        st.db.topic_of(unit.id, by, bm).await.ok().flatten()
    } else {
        None
    };
    let page = RegisterPage {
        ctx: Ctx::new(&user, format!("Sinh hoạt chi bộ — {}", unit.name), "cells")
            .with_flash(crate::view::flash_message(q.tb.as_deref())),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        year,
        is_cell,
        months,
        board_month: format!("{bm:02}/{by}"),
        board_deadline: domain::attendance::topic_deadline(by, bm)
            .map(|d| date(Some(d)))
            .unwrap_or_default(),
        board: board
            .iter()
            .map(|b| {
                (
                    b.unit_id,
                    b.unit_name.clone(),
                    b.topic.clone().unwrap_or_default(),
                    b.set_at.as_deref().map(timestamp).unwrap_or_default(),
                    b.overdue,
                    b.thematic,
                )
            })
            .collect(),
        missing,
        can_set: is_cell && p.can_manage_meeting(&unit.path),
        csrf: user.csrf.clone(),
        topic_value: own_topic.map(|(t, _)| t).unwrap_or_default(),
        topic_month: format!("{by:04}-{bm:02}"),
        can_create: p.has(Capability::ManageMeetings),
        show_tally: p.role != domain::Role::Member,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit_id: i64,
    #[serde(default)]
    month: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    thematic: Option<String>,
}

pub async fn set_topic(
    State(st): State<AppState>,
    user: WebUser,
    Form(f): Form<TopicForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let back = format!("/sinh-hoat?don_vi={}", f.unit_id);
    let Some((y, m)) = f
        .month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
    else {
        return bad_form(&user, &back, "Tháng không hợp lệ.");
    };
    match st
        .db
        .set_topic(
            &Actor::user(p, "web"),
            Some(p),
            f.unit_id,
            y,
            m,
            &f.topic,
            f.thematic.is_some(),
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}&tb=da-luu")).into_response(),
        Err(StoreError::Invalid(list)) => bad_form(
            &user,
            &back,
            &list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => store_error(&user, e),
    }
}

// ------------------------------------------------------------------------------------------------
// Campaign: directives, plans, themes
// ------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    ctx: Ctx,
    directives: Vec<(String, String, String, String)>,
    plans: Vec<(String, String, String, String, String, String, String)>,
    themes: Vec<(i32, String, String, String)>,
    can_manage: bool,
    csrf: String,
    plan: PlanFields,
    theme: ThemeFields,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct PlanFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    directive_code: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    target_attendance: String,
    #[serde(default)]
    target_registered: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct ThemeFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    plan: String,
}

async fn campaign_page(
    st: &AppState,
    user: &WebUser,
    plan: PlanFields,
    theme: ThemeFields,
    errors: FormErrors,
    flash: Option<String>,
) -> Response {
    let p = &user.principal;
    let directives = match st.db.directives().await {
        Ok(d) => d,
        Err(e) => return store_error(user, e),
    };
    let plans = match st.db.plans(p).await {
        Ok(d) => d,
        Err(e) => return store_error(user, e),
    };
    let themes = match st.db.themes_for(&p.unit_path).await {
        Ok(d) => d,
        Err(e) => return store_error(user, e),
    };
    let own = st
        .db
        .unit(p, p.unit_id)
        .await
        .map(|u| u.code)
        .unwrap_or_default();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CampaignPage {
        ctx: Ctx::new(user, "Kế hoạch và chuyên đề", "campaign").with_flash(flash),
        directives: directives
            .iter()
            .map(|d| {
                (
                    d.code.clone(),
                    date(Some(d.issued_on)),
                    d.issuer.clone(),
                    d.title.clone(),
                )
            })
            .collect(),
        plans: plans
            .iter()
            .map(|pl| {
                (
                    pl.number.clone(),
                    date(Some(pl.issued_on)),
                    pl.unit_name.clone(),
                    pl.title.clone(),
                    pl.directive_code.clone().unwrap_or_default(),
                    format_percent(pl.target_attendance as f64 / 1000.0),
                    format_percent(pl.target_registered as f64 / 1000.0),
                )
            })
            .collect(),
        themes: themes
            .iter()
            .map(|t| {
                (
                    t.year,
                    t.title.clone(),
                    t.unit_name.clone(),
                    t.plan_number.clone().unwrap_or_default(),
                )
            })
            .collect(),
        can_manage: p.has(Capability::ManageCampaign),
        csrf: user.csrf.clone(),
        plan: PlanFields {
            unit_code: if plan.unit_code.is_empty() {
                own.clone()
            } else {
                plan.unit_code.clone()
            },
            ..plan
        },
        theme: ThemeFields {
            unit_code: if theme.unit_code.is_empty() {
                own
            } else {
                theme.unit_code.clone()
            },
            ..theme
        },
        errors,
    };
    (status, render(&page)).into_response()
}

pub async fn campaign(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Response {
    campaign_page(
        &st,
        &user,
        PlanFields::default(),
        ThemeFields::default(),
        FormErrors::default(),
        crate::view::flash_message(q.tb.as_deref()),
    )
    .await
}

fn percent_field(field: &str, v: &str, errors: &mut FormErrors) -> Option<i64> {
    let v = v.trim().trim_end_matches('%').replace(',', ".");
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(x) if (0.0..=100.0).contains(&x) => Some((x * 10.0).round() as i64),
        _ => {
            errors.push(field, "Chỉ tiêu là số phần trăm từ 0 đến 100, ví dụ 95");
            None
        }
    }
}

pub async fn create_plan(
    State(st): State<AppState>,
    user: WebUser,
    Form(f): Form<PlanFields>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    if !p.has(Capability::ManageCampaign) {
        return not_found(Some(&user));
    }
    let mut errors = FormErrors::default();
    let issued_on = match parse_form_date(&f.issued_on) {
        Ok(d) => d,
        Err(m) => {
            errors.push("issued_on", m);
            None
        }
    };
    let input = store::PlanInput {
        number: f.number.clone(),
        title: f.title.clone(),
        issued_on,
        unit_code: f.unit_code.clone(),
        directive_code: Some(f.directive_code.clone()),
        scope: f.scope.clone(),
        target_attendance: percent_field("target_attendance", &f.target_attendance, &mut errors),
        target_registered: percent_field("target_registered", &f.target_registered, &mut errors),
    };
    if errors.any() {
        return campaign_page(&st, &user, f, ThemeFields::default(), errors, None).await;
    }
    match st
        .db
        .create_plan(&Actor::user(p, "web"), Some(p), input)
        .await
    {
        Ok(_) => Redirect::to("/ke-hoach?tb=da-tao").into_response(),
        Err(StoreError::Invalid(list)) => {
            campaign_page(
                &st,
                &user,
                f,
                ThemeFields::default(),
                FormErrors(list),
                None,
            )
            .await
        }
        Err(e) => store_error(&user, e),
    }
}

pub async fn set_theme(
    State(st): State<AppState>,
    user: WebUser,
    Form(f): Form<ThemeFields>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    if !p.has(Capability::ManageCampaign) {
        return not_found(Some(&user));
    }
    let Ok(year) = f.year.trim().parse::<i32>() else {
        let mut e = FormErrors::default();
        e.push("year", "Năm phải là số, ví dụ 2019");
        return campaign_page(&st, &user, PlanFields::default(), f, e, None).await;
    };
    match st
        .db
        .set_theme(
            &Actor::user(p, "web"),
            Some(p),
            &f.unit_code,
            year,
            &f.title,
            "",
            Some(&f.plan),
        )
        .await
    {
        Ok(_) => Redirect::to("/ke-hoach?tb=da-luu").into_response(),
        Err(StoreError::Invalid(list)) => {
            campaign_page(&st, &user, PlanFields::default(), f, FormErrors(list), None).await
        }
        Err(e) => store_error(&user, e),
    }
}
