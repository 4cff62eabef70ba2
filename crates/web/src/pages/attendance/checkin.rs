//! Self check-in: the secretary opens and closes a session's code window and shows its QR code; a member
//! checks in with the code (typed, or from the QR address `/diem-danh?buoi=…&ma=…`).

use super::{kind_of, session_href};
use crate::auth::WebUser;
use crate::extract::TokenOnly;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, OptionExt, PageError, PageResult, StoreResultExt};
use crate::view::{date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::attendance::checkin_window;
use serde::Deserialize;
use store::{Actor, CheckinFailure, StoreError};

#[derive(Deserialize)]
pub(super) struct OpenForm {
    /// Length of the window in minutes (120 when absent).
    #[serde(default)]
    phut: Option<i64>,
}

pub(super) async fn open_checkin(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    CsrfForm(f): CsrfForm<OpenForm>,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let p = &user.principal;
    // The same window rule as the API: 5 to 1440 minutes, or the form is refused.
    let (opens_at, closes_at) = checkin_window(st.db.now(), f.phut)
        .map_err(|e| PageError::bad_form(&user, session_href(kind, id), e.to_string()))?;
    st.db
        .attendance()
        .open_checkin(&Actor::user(p, "web"), p, id, opens_at, closes_at)
        .await
        .page(&user)?;
    Ok(Redirect::to(&format!("{}?tb=da-mo-diem-danh", session_href(kind, id))).into_response())
}

pub(super) async fn close_checkin(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let p = &user.principal;
    st.db
        .attendance()
        .close_checkin(&Actor::user(p, "web"), p, id)
        .await
        .page(&user)?;
    Ok(Redirect::to(&format!("{}?tb=da-dong-diem-danh", session_href(kind, id))).into_response())
}

/// The QR code of the open check-in window (SVG), for the secretary who manages the session.
pub(super) async fn qr(
    State(st): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    PagePath((prefix, id)): PagePath<(String, i64)>,
) -> PageResult {
    kind_of(&prefix).found(&user)?;
    let p = &user.principal;
    let m = st.db.attendance().meeting(p, id).await.page(&user)?;
    let Some(c) = m
        .checkin
        .as_ref()
        .filter(|_| p.can_manage_meeting(&m.unit_path))
    else {
        return Err(PageError::not_found(&user));
    };
    let url = format!(
        "{}/diem-danh?buoi={}&ma={}",
        crate::auth::origin(&headers, st.config.secure_cookies, st.config.trust_proxy),
        m.id,
        c.code
    );
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|_| PageError::not_found(&user))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

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

impl CheckinPage {
    fn new(user: &WebUser, session_id: String, code: String) -> CheckinPage {
        CheckinPage {
            ctx: Ctx::new(user, "Tự điểm danh", "checkin"),
            csrf: user.csrf.clone(),
            session_id,
            code,
            error: String::new(),
            done: String::new(),
            is_member: user.principal.member_id.is_some(),
        }
    }

    /// The form again with the reason the check-in was refused (422).
    fn refused(mut self, error: impl Into<String>) -> Response {
        self.error = error.into();
        (StatusCode::UNPROCESSABLE_ENTITY, render(&self)).into_response()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct CheckinQuery {
    #[serde(default)]
    buoi: Option<String>,
    #[serde(default)]
    ma: Option<String>,
}

pub(super) async fn checkin_form(
    user: WebUser,
    PageQuery(q): PageQuery<CheckinQuery>,
) -> PageResult {
    let page = CheckinPage::new(&user, q.buoi.unwrap_or_default(), q.ma.unwrap_or_default());
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct CheckinForm {
    #[serde(default)]
    buoi: String,
    #[serde(default)]
    ma: String,
}

pub(super) async fn checkin_submit(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<CheckinForm>,
) -> PageResult {
    let p = &user.principal;
    let mut page = CheckinPage::new(&user, f.buoi.clone(), f.ma.clone());
    let session = match f.buoi.trim().parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) => match st.db.attendance().find_checkin(p, &f.ma).await {
            Ok(found) => found,
            Err(CheckinFailure::Refused(e)) => return Ok(page.refused(e.to_string())),
            Err(CheckinFailure::Store(e)) => return Err(e).page(&user),
        },
    };
    let Some(session) = session else {
        return Ok(page.refused(if p.member_id.is_none() {
            "Tài khoản này không gắn với đảng viên nào nên không thể tự điểm danh"
        } else {
            "Mã điểm danh không đúng hoặc không phải của buổi bạn phải dự"
        }));
    };
    match st
        .db
        .attendance()
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
            Ok(render(&page))
        }
        Err(CheckinFailure::Refused(e)) => Ok(page.refused(e.to_string())),
        Err(CheckinFailure::Store(StoreError::NotFound)) => {
            Ok(page.refused("Không có buổi học này"))
        }
        Err(CheckinFailure::Store(e)) => Err(e).page(&user),
    }
}
