//! A session's own page: details, tally, self check-in panel, the marking sheet, documents and the edit
//! form; also shown again with a message at the top when an upload, import or edit was refused.

use super::sessions::SessionFields;
use super::{base, quality_options, theme_options, FlashQuery, TallyView};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, PageError, PageResult, StoreResultExt};
use crate::view::{date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Duration;
use domain::attendance::{Mark, MeetingKind};
use std::collections::HashMap;

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

/// The session page; with a `problem` it answers 422 and shows the message at the top, and
/// `row_errors` (member id → message) mark rows of the sheet that could not be saved.
pub(super) async fn session_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: MeetingKind,
    problem: String,
    row_errors: HashMap<i64, String>,
    flash: Option<String>,
) -> PageResult {
    let p = &user.principal;
    let m = st.db.attendance().meeting(p, id).await.page(user)?;
    if m.kind != kind {
        return Err(PageError::not_found(user));
    }
    let marks = st.db.attendance().meeting_marks(p, id).await.page(user)?;
    let docs = st.db.attendance().documents(p, id).await.page(user)?;
    let themes = theme_options(st.db.campaign().themes_for(&m.unit_path).await.page(user)?);
    let target = st
        .db
        .campaign()
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
        qualities: quality_options(),
        themes,
    };
    let status = if !page.problem.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

/// The session page with a message at the top (a refused upload, import or edit).
pub(super) async fn problem_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: MeetingKind,
    message: String,
) -> PageResult {
    session_page(st, user, id, kind, message, HashMap::new(), None).await
}

pub(super) async fn show_study(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    show(&st, &user, id, MeetingKind::Study, q).await
}

pub(super) async fn show_cell(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    show(&st, &user, id, MeetingKind::Cell, q).await
}

async fn show(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: MeetingKind,
    q: FlashQuery,
) -> PageResult {
    session_page(
        st,
        user,
        id,
        kind,
        String::new(),
        HashMap::new(),
        crate::view::flash_message(q.tb.as_deref()),
    )
    .await
}
