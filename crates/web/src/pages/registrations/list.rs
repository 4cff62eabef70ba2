//! The registration index: the member's own registrations by year (write this year's, copy last year's)
//! and, for staff, the approval queue.

use super::{status_class, FlashQuery};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{render, PageResult, StoreResultExt};
use crate::view::{flash_message, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use chrono::Datelike;
use store::{RegSummary, StoreError};

pub struct SummaryRow {
    pub href: String,
    pub member_name: String,
    pub unit_name: String,
    pub year: i32,
    pub submitted: String,
    pub on_time: bool,
    pub items: i64,
    pub flags: Vec<(String, i64)>,
    pub head: bool,
}

fn summary_row(s: &RegSummary) -> SummaryRow {
    SummaryRow {
        href: format!("/dang-ky/{}", s.id),
        member_name: s.member_name.clone(),
        unit_name: s.unit_name.clone(),
        year: s.year,
        submitted: s.submitted_at.as_deref().map(timestamp).unwrap_or_default(),
        on_time: s.on_time,
        items: s.items,
        flags: s
            .flag_counts
            .iter()
            .map(|(f, n)| (f.label().to_string(), *n))
            .collect(),
        head: s.head,
    }
}

pub struct OwnYear {
    pub year: i32,
    pub href: String,
    pub status_label: &'static str,
    pub status_class: &'static str,
}

#[derive(Template)]
#[template(path = "registrations.html")]
struct IndexPage {
    ctx: Ctx,
    csrf: String,
    member_id: Option<i64>,
    current_year: i32,
    has_current: bool,
    previous_year: Option<i32>,
    own: Vec<OwnYear>,
    staff: bool,
    queue: Vec<SummaryRow>,
}

pub async fn index(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    let p = &user.principal;
    let current_year = st.db.today().year();
    let own: Vec<OwnYear> = match p.member_id {
        Some(mid) => match st.db.registrations().registration_years(p, mid).await {
            Err(StoreError::NotFound) => Vec::new(),
            years => years
                .page(&user)?
                .into_iter()
                .map(|(year, id, s)| OwnYear {
                    year,
                    href: format!("/dang-ky/{id}"),
                    status_label: s.label(),
                    status_class: status_class(s),
                })
                .collect(),
        },
        None => Vec::new(),
    };
    let staff = p.role != domain::Role::Member;
    let queue = if staff {
        let list = st.db.registrations().approval_queue(p).await.page(&user)?;
        list.iter().map(summary_row).collect()
    } else {
        Vec::new()
    };
    let page = IndexPage {
        ctx: Ctx::new(&user, "Đăng ký học tập và làm theo", "registrations")
            .with_flash(flash_message(q.tb.as_deref())),
        csrf: user.csrf.clone(),
        member_id: p.member_id,
        current_year,
        has_current: own.iter().any(|o| o.year == current_year),
        previous_year: own.iter().map(|o| o.year).find(|y| *y < current_year),
        own,
        staff,
        queue,
    };
    Ok(render(&page))
}
