//! The study-session list (table or month calendar), the forms that create a study session or record a
//! cell meeting, the edit of a session's details, and the refresh of its list of expected members.

use super::{
    base, kind_of, meeting_row, messages, quality_options, session_href, target_label,
    theme_options, ListQuery, MeetingRow, TallyView,
};
use crate::auth::WebUser;
use crate::extract::TokenOnly;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, OptionExt, PageError, PageResult, StoreResultExt};
use crate::view::{parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, Duration, NaiveDate};
use domain::attendance::{MeetingKind, MeetingQuality, Tally};
use domain::policy::Capability;
use serde::Deserialize;
use std::collections::HashMap;
use store::{Actor, MeetingFilter, MeetingInput, StoreError};

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

pub(super) async fn list_study(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    list(&st, &user, q, MeetingKind::Study).await
}

async fn list(st: &AppState, user: &WebUser, q: ListQuery, kind: MeetingKind) -> PageResult {
    let p = &user.principal;
    let unit = st
        .db
        .units()
        .unit(p, q.don_vi.unwrap_or(p.unit_id))
        .await
        .page(user)?;
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
    let meetings = st.db.attendance().list_meetings(p, &f).await.page(user)?;
    let target = st
        .db
        .campaign()
        .plan_for(&unit.path, to)
        .await
        .page(user)?
        .map(|pl| pl.target_attendance);
    let total = if p.can_read_rates(&unit.path) {
        st.db
            .attendance()
            .attendance_summary(p, &unit.path, kind, from, to)
            .await
            .page(user)?
    } else {
        Tally::default()
    };
    let weeks = if calendar {
        month_weeks(&meetings, kind, from, to, month, today)
    } else {
        Vec::new()
    };
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
            user,
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
        target: target_label(target),
    };
    Ok(render(&page))
}

/// The weeks (Monday first) of the calendar of the month `from..=to`, each day with its sessions.
fn month_weeks(
    meetings: &[store::Meeting],
    kind: MeetingKind,
    from: NaiveDate,
    to: NaiveDate,
    month: u32,
    today: NaiveDate,
) -> Vec<Vec<CalDay>> {
    let mut weeks = Vec::new();
    let start = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    let mut by_day: HashMap<NaiveDate, Vec<(String, String)>> = HashMap::new();
    for m in meetings {
        by_day.entry(m.date).or_default().push((
            session_href(kind, m.id),
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
    weeks
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
pub(super) struct SessionFields {
    #[serde(default)]
    pub(super) unit_code: String,
    #[serde(default)]
    pub(super) date: String,
    #[serde(default)]
    pub(super) starts_at: String,
    #[serde(default)]
    pub(super) ends_at: String,
    #[serde(default)]
    pub(super) place: String,
    #[serde(default)]
    pub(super) online: Option<String>,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) theme_id: String,
    #[serde(default)]
    pub(super) thematic: Option<String>,
    #[serde(default)]
    pub(super) minutes: String,
    #[serde(default)]
    pub(super) quality: String,
    /// Codes of the sub-units called (empty = the whole subtree).
    #[serde(default)]
    pub(super) for_units: String,
}

async fn form_page(
    st: &AppState,
    user: &WebUser,
    kind: MeetingKind,
    v: SessionFields,
    errors: FormErrors,
) -> PageResult {
    let p = &user.principal;
    let units = st
        .db
        .units()
        .list_units(p, None, Some(st.db.today()))
        .await
        .page(user)?
        .into_iter()
        .filter(|u| p.can_manage_meeting(&u.path))
        .filter(|u| kind == MeetingKind::Study || u.unit_type.holds_cell_meetings())
        .take(1000)
        .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
        .collect();
    let themes = theme_options(st.db.campaign().themes_for(&p.unit_path).await.page(user)?);
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
        qualities: quality_options(),
        v,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct NewQuery {
    #[serde(default)]
    don_vi: Option<String>,
}

pub(super) async fn new_study(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    new_form(&st, &user, q, MeetingKind::Study).await
}

pub(super) async fn new_cell(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    new_form(&st, &user, q, MeetingKind::Cell).await
}

async fn new_form(st: &AppState, user: &WebUser, q: NewQuery, kind: MeetingKind) -> PageResult {
    if !user.principal.has(Capability::ManageMeetings) {
        return Err(PageError::not_found(user));
    }
    let today = st.db.today();
    let v = SessionFields {
        unit_code: q.don_vi.unwrap_or_default(),
        date: today.format("%Y-%m-%d").to_string(),
        starts_at: "07:30".into(),
        ..Default::default()
    };
    form_page(st, user, kind, v, FormErrors::default()).await
}

pub(super) async fn create_study(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(v): CsrfForm<SessionFields>,
) -> PageResult {
    create(&st, &user, v, MeetingKind::Study).await
}

pub(super) async fn create_cell(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(v): CsrfForm<SessionFields>,
) -> PageResult {
    create(&st, &user, v, MeetingKind::Cell).await
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

async fn create(st: &AppState, user: &WebUser, v: SessionFields, kind: MeetingKind) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageMeetings) {
        return Err(PageError::not_found(user));
    }
    let mut errors = FormErrors::default();
    let input = input_from(&v, kind, &mut errors);
    if errors.any() {
        return form_page(st, user, kind, v, errors).await;
    }
    match st
        .db
        .attendance()
        .create_meeting(&Actor::user(p, "web"), Some(p), input)
        .await
    {
        Ok(m) => {
            Ok(Redirect::to(&format!("{}?tb=da-tao", session_href(kind, m.id))).into_response())
        }
        Err(StoreError::Invalid(list)) => form_page(st, user, kind, v, FormErrors(list)).await,
        Err(StoreError::Forbidden) => {
            let mut e = FormErrors::default();
            e.push("unit_code", "Bạn không được tổ chức buổi cho đơn vị này");
            form_page(st, user, kind, v, e).await
        }
        Err(e) => Err(e).page(user),
    }
}

// ------------------------------------------------------------------------------------------------
// Edit details (cell meetings: minutes and quality self-rating) and refresh the list of members
// ------------------------------------------------------------------------------------------------

pub(super) async fn edit(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    CsrfForm(v): CsrfForm<SessionFields>,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let input = input_from(
        &SessionFields {
            date: "2000-01-01".into(),
            ..v
        },
        kind,
        &mut errors,
    );
    if errors.any() {
        return super::show::problem_page(&st, &user, id, kind, messages(&errors.0)).await;
    }
    match st
        .db
        .attendance()
        .update_meeting(&Actor::user(p, "web"), p, id, input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{}?tb=da-luu", session_href(kind, id))).into_response()),
        Err(StoreError::Invalid(list)) => {
            super::show::problem_page(&st, &user, id, kind, messages(&list)).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub(super) async fn refresh_list(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let p = &user.principal;
    let changed = st
        .db
        .attendance()
        .refresh_meeting_list(&Actor::user(p, "web"), p, id)
        .await
        .page(&user)?;
    Ok(Redirect::to(&format!(
        "{}?tb={}",
        session_href(kind, id),
        if changed {
            "da-cap-nhat-danh-sach"
        } else {
            "danh-sach-khong-doi"
        }
    ))
    .into_response())
}
