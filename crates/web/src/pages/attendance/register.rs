//! The cell-meeting register of a unit for a year (month by month, with each month's topic), the board
//! of next month's topics of the cells below, and the form a cell sets its topic with.

use super::{meeting_row, messages, ListQuery, MeetingRow};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::respond::{render, PageError, PageResult, StoreResultExt};
use crate::view::{date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, NaiveDate};
use domain::attendance::MeetingKind;
use domain::policy::Capability;
use serde::Deserialize;
use store::{Actor, MeetingFilter, StoreError};

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

pub(super) async fn register(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let p = &user.principal;
    let unit = st
        .db
        .units()
        .unit(p, q.don_vi.unwrap_or(p.unit_id))
        .await
        .page(&user)?;
    let today = st.db.today();
    let year = q
        .nam
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year());
    let is_cell = unit.unit_type.holds_cell_meetings();
    let is_member = p.role == domain::Role::Member;
    let mut months = Vec::new();
    if is_cell || is_member {
        let f = MeetingFilter {
            kind: Some(MeetingKind::Cell),
            unit_path: if is_member {
                None
            } else {
                Some(unit.path.clone())
            },
            from: NaiveDate::from_ymd_opt(year, 1, 1),
            to: NaiveDate::from_ymd_opt(year, 12, 31),
            limit: 500,
        };
        let list = st.db.attendance().list_meetings(p, &f).await.page(&user)?;
        for m in 1..=12u32 {
            let topic = st
                .db
                .campaign()
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
    let board = if is_member {
        Vec::new()
    } else {
        st.db
            .campaign()
            .topic_board(p, &unit.path, by, bm)
            .await
            .page(&user)?
    };
    let missing = if is_member {
        0
    } else {
        st.db
            .campaign()
            .topic_counts(p, &unit.path, by, bm)
            .await
            .page(&user)?
            .1
    };
    let own_topic = if is_cell {
        st.db
            .campaign()
            .topic_of(unit.id, by, bm)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let board_calendar = st
        .db
        .campaign()
        .calendar(&unit.path, by)
        .await
        .page(&user)?;
    let page = RegisterPage {
        ctx: Ctx::new(&user, format!("Sinh hoạt chi bộ — {}", unit.name), "cells")
            .with_flash(crate::view::flash_message(q.tb.as_deref())),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        year,
        is_cell,
        months,
        board_month: format!("{bm:02}/{by}"),
        board_deadline: domain::attendance::topic_deadline(&board_calendar, bm)
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
        show_tally: !is_member,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct TopicForm {
    #[serde(default)]
    unit_id: i64,
    #[serde(default)]
    month: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    thematic: Option<String>,
}

pub(super) async fn set_topic(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<TopicForm>,
) -> PageResult {
    let p = &user.principal;
    let back = format!("/sinh-hoat?don_vi={}", f.unit_id);
    let Some((y, m)) = f
        .month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
    else {
        return Err(PageError::bad_form(&user, back, "Tháng không hợp lệ."));
    };
    match st
        .db
        .campaign()
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
        Ok(_) => Ok(Redirect::to(&format!("{back}&tb=da-luu")).into_response()),
        Err(StoreError::Invalid(list)) => Err(PageError::bad_form(&user, back, messages(&list))),
        Err(e) => Err(e).page(&user),
    }
}
