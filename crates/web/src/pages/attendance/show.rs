//! A session's own page: details, tally, self check-in panel, the marking sheet, documents and the edit
//! form; also shown again with a message at the top when an upload, import or edit was refused.

use super::sessions::SessionFields;
use super::{base, quality_options, theme_options, TallyView};
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
    pub unit_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub status: String,
    pub status_label: String,
    pub made_up_from: String,
    pub note: String,
    pub can_mark: bool,
    pub error: String,
}

/// The session page's query: the flash after a redirect, and the marking sheet's filter.
#[derive(serde::Deserialize, Default)]
pub(super) struct SheetQuery {
    #[serde(default)]
    tb: Option<String>,
    #[serde(flatten)]
    filter: SheetFilter,
}

/// Which rows of the marking sheet are shown: one cell (`chi-bo`, a unit id) and/or names containing `tim`
/// (folded: no diacritics, any case). A sheet of a whole ward has hundreds of rows.
#[derive(serde::Deserialize, Default, Clone)]
pub(super) struct SheetFilter {
    #[serde(default, rename = "chi-bo")]
    pub unit: String,
    #[serde(default)]
    pub tim: String,
}

impl SheetFilter {
    /// From the marking form's hidden fields (kept across a save).
    pub(super) fn from_fields(fields: &[(String, String)]) -> SheetFilter {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(f, _)| f == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        SheetFilter {
            unit: get("chi-bo"),
            tim: get("tim"),
        }
    }

    fn unit_id(&self) -> Option<i64> {
        self.unit.trim().parse().ok()
    }

    fn is_empty(&self) -> bool {
        self.unit_id().is_none() && self.tim.trim().is_empty()
    }

    /// "?chi-bo=…&tim=…" (empty when no filter), for the redirect after a save.
    pub(super) fn query(&self) -> String {
        crate::respond::query_string(&[("chi-bo", self.unit.trim()), ("tim", self.tim.trim())])
    }
}

/// The rows of one cell on the sheet, with its counts ("24 người · 20 đã điểm danh · 18 có mặt").
pub struct SheetGroup {
    pub unit_name: String,
    pub summary: String,
    pub rows: Vec<SheetRow>,
}

/// A cell in the sheet's filter: its id, "Chi bộ Khu phố 1 (24 · 4 chưa điểm danh)", and whether chosen.
pub struct CellOption {
    pub unit_id: i64,
    pub label: String,
    pub selected: bool,
}

/// Groups the sheet by cell (cells in natural order, rows keeping their name order), and the filter's
/// options with every cell's counts over the whole sheet; then keeps only the rows the filter asks for.
fn group_sheet(
    rows: Vec<SheetRow>,
    filter: &SheetFilter,
) -> (Vec<SheetGroup>, Vec<CellOption>, usize) {
    let mut cells: Vec<(i64, String, usize, usize, usize)> = Vec::new();
    for r in &rows {
        let pos = match cells.iter().position(|c| c.0 == r.unit_id) {
            Some(i) => i,
            None => {
                cells.push((r.unit_id, r.unit_name.clone(), 0, 0, 0));
                cells.len() - 1
            }
        };
        let c = &mut cells[pos];
        c.2 += 1;
        if !r.status.is_empty() {
            c.3 += 1;
        }
        if matches!(r.status.as_str(), "present" | "late" | "makeup") {
            c.4 += 1;
        }
    }
    cells.sort_by_cached_key(|c| domain::text::natural_key(&c.1));
    let n = |k: usize| crate::view::num(i64::try_from(k).unwrap_or(i64::MAX));
    let chosen = filter.unit_id();
    let options = cells
        .iter()
        .map(|(id, name, total, marked, _)| CellOption {
            unit_id: *id,
            label: if total > marked {
                format!(
                    "{name} ({} · {} chưa điểm danh)",
                    n(*total),
                    n(total - marked)
                )
            } else {
                format!("{name} ({} · đã điểm danh đủ)", n(*total))
            },
            selected: chosen == Some(*id),
        })
        .collect();
    let needle = domain::text::fold(filter.tim.trim());
    let mut groups: Vec<SheetGroup> = cells
        .iter()
        .filter(|c| chosen.is_none_or(|u| u == c.0))
        .map(|(_, name, total, marked, present)| SheetGroup {
            unit_name: name.clone(),
            summary: format!(
                "{} người · {} đã điểm danh · {} có mặt",
                n(*total),
                n(*marked),
                n(*present)
            ),
            rows: Vec::new(),
        })
        .collect();
    let mut shown = 0;
    for r in rows {
        if chosen.is_some_and(|u| u != r.unit_id) {
            continue;
        }
        if !needle.is_empty() && !domain::text::fold(&r.full_name).contains(&needle) {
            continue;
        }
        if let Some(g) = groups.iter_mut().find(|g| g.unit_name == r.unit_name) {
            g.rows.push(r);
            shown += 1;
        }
    }
    groups.retain(|g| !g.rows.is_empty());
    (groups, options, shown)
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
    /// The sheet's rows (after the filter) grouped by cell; `total_rows` before the filter.
    groups: Vec<SheetGroup>,
    cells: Vec<CellOption>,
    filter: SheetFilter,
    filtered: bool,
    shown_rows: usize,
    total_rows: usize,
    can_mark_any: bool,
    marks: Vec<(&'static str, &'static str, &'static str)>,
    can_manage: bool,
    /// The sheet's files and exports (also for a closed meeting).
    can_export: bool,
    /// Closed to changes (khóa sổ): since when, after how many days; or reopened until a day, and why.
    locked: bool,
    locks_on: String,
    lock_days: i64,
    reopened_until: String,
    reopen_reason: String,
    can_reopen: bool,
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
/// `row_errors` (member id → message) mark rows of the sheet that could not be saved; the flash after a
/// redirect and the sheet's filter come as a pair.
pub(super) async fn session_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: MeetingKind,
    problem: String,
    row_errors: HashMap<i64, String>,
    (flash, filter): (Option<String>, &SheetFilter),
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
            unit_id: r.unit_id,
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
    let closing = st.db.attendance().closing(&m).await.page(user)?;
    let mut rows = rows;
    let can_export = rows.iter().any(|r| r.can_mark) || p.can_manage_meeting(&m.unit_path);
    if closing.locked {
        // A closed meeting is read only: the sheet shows the marks, nothing can be changed.
        for r in &mut rows {
            r.can_mark = false;
        }
    }
    let total_rows = rows.len();
    let can_mark_any = rows.iter().any(|r| r.can_mark);
    let (groups, cells, shown_rows) = group_sheet(rows, filter);
    let checkin = m.checkin.as_ref().filter(|c| c.closes_at >= now);
    let can_manage = p.can_manage_meeting(&m.unit_path) && !closing.locked;
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
        can_mark_any,
        groups,
        cells,
        filtered: !filter.is_empty(),
        filter: filter.clone(),
        shown_rows,
        total_rows,
        marks: Mark::ALL
            .iter()
            .map(|k| (k.as_str(), short(*k), k.label()))
            .collect(),
        can_manage,
        can_export,
        locked: closing.locked,
        locks_on: date(Some(closing.locks_on)),
        lock_days: closing.lock_days,
        reopened_until: date(closing.reopened_until),
        reopen_reason: closing.reopen_reason.clone(),
        can_reopen: closing.locked && p.can_reopen_meeting(&m.unit_path),
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
    session_page(
        st,
        user,
        id,
        kind,
        message,
        HashMap::new(),
        (None, &SheetFilter::default()),
    )
    .await
}

pub(super) async fn show_study(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<SheetQuery>,
) -> PageResult {
    show(&st, &user, id, MeetingKind::Study, q).await
}

pub(super) async fn show_cell(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<SheetQuery>,
) -> PageResult {
    show(&st, &user, id, MeetingKind::Cell, q).await
}

async fn show(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: MeetingKind,
    q: SheetQuery,
) -> PageResult {
    session_page(
        st,
        user,
        id,
        kind,
        String::new(),
        HashMap::new(),
        (crate::view::flash_message(q.tb.as_deref()), &q.filter),
    )
    .await
}
