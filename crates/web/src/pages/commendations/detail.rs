//! The commendation page: everything it records, with links to the members, units, models and
//! registrations it names; for a proposal the decide form (số, ngày, cấp) and the decline form (lý do) for
//! the issuing unit's office; the delete button for whoever may remove it. Failed forms come back with
//! their errors (422).

use super::{decision_label, flash, issuer_label, require_staff, state_badge};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::commendation::{CommendationLevel, CommendationState};
use serde::Deserialize;
use store::{Actor, Commendation, StoreError};

/// A link of the page: address and text.
pub struct Link {
    pub href: String,
    pub text: String,
    pub note: String,
}

/// The decide form as typed.
#[derive(Default, Deserialize)]
pub struct DecideFields {
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub level: String,
}

/// The decline form as typed.
#[derive(Default, Deserialize)]
pub struct DeclineFields {
    #[serde(default)]
    pub note: String,
}

#[derive(Template)]
#[template(path = "comm_detail.html")]
struct DetailPage {
    ctx: Ctx,
    csrf: String,
    id: i64,
    heading: String,
    kind: &'static str,
    level: &'static str,
    issuer: Link,
    state: &'static str,
    badge: &'static str,
    proposed: bool,
    declined: bool,
    decision: String,
    reason: String,
    proposal: String,
    decline_note: String,
    members: Vec<Link>,
    units: Vec<Link>,
    models: Vec<Link>,
    registrations: Vec<Link>,
    created: String,
    updated: String,
    can_decide: bool,
    can_delete: bool,
    levels: Vec<(&'static str, &'static str)>,
    decide: DecideFields,
    decide_errors: FormErrors,
    decline: DeclineFields,
    decline_errors: FormErrors,
}

/// What a failed form brings back.
#[derive(Default)]
struct Posted {
    decide: Option<(DecideFields, FormErrors)>,
    decline: Option<(DeclineFields, FormErrors)>,
}

fn may_delete(p: &domain::policy::Principal, c: &Commendation) -> bool {
    p.can_decide_commendation(&c.issuer_path)
        || (c.state != CommendationState::Decided
            && c.proposed_by.as_deref() == Some(p.username.as_str()))
}

async fn detail_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    posted: Posted,
    flash_msg: Option<String>,
) -> PageResult {
    require_staff(user)?;
    let p = &user.principal;
    let c = st.db.commendations().get(p, id).await.page(user)?;
    let failed = posted.decide.is_some() || posted.decline.is_some();
    let (decide, decide_errors) = posted.decide.unwrap_or_else(|| {
        (
            DecideFields {
                level: c.level.as_str().to_string(),
                ..Default::default()
            },
            FormErrors::default(),
        )
    });
    let (decline, decline_errors) = posted.decline.unwrap_or_default();
    let proposal = match (&c.proposed_unit, c.proposed_on) {
        (Some(u), Some(d)) => format!(
            "Đề nghị ngày {} của {}{}",
            date(Some(d)),
            u.name,
            c.proposed_by
                .as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default()
        ),
        (None, Some(d)) => format!("Đề nghị ngày {}", date(Some(d))),
        _ => String::new(),
    };
    let page = DetailPage {
        ctx: Ctx::new(user, c.heading.clone(), "commendations").with_flash(flash_msg),
        csrf: user.csrf.clone(),
        id: c.id,
        heading: c.heading.clone(),
        kind: c.kind.label(),
        level: c.level.label(),
        issuer: Link {
            href: format!("/don-vi/{}", c.issuer.id),
            text: c.issuer.name.clone(),
            note: if c.issuer_name.trim().is_empty() {
                String::new()
            } else {
                issuer_label(&c)
            },
        },
        state: c.state.label(),
        badge: state_badge(c.state),
        proposed: c.state == CommendationState::Proposed,
        declined: c.state == CommendationState::Declined,
        decision: decision_label(&c),
        reason: c.reason.clone(),
        proposal,
        decline_note: c.decline_note.clone(),
        members: c
            .members
            .iter()
            .map(|m| Link {
                href: format!("/dang-vien/{}", m.id),
                text: m.full_name.clone(),
                note: m.unit.name.clone(),
            })
            .collect(),
        units: c
            .units
            .iter()
            .map(|u| Link {
                href: format!("/don-vi/{}", u.id),
                text: u.name.clone(),
                note: u.code.clone(),
            })
            .collect(),
        models: c
            .models
            .iter()
            .map(|m| Link {
                href: format!("/mo-hinh/{}", m.id),
                text: m.name.clone(),
                note: m.unit.name.clone(),
            })
            .collect(),
        registrations: c
            .registrations
            .iter()
            .map(|r| Link {
                href: format!("/dang-ky/{}", r.id),
                text: format!("Bản đăng ký năm {} của {}", r.year, r.member_name),
                note: String::new(),
            })
            .collect(),
        created: format!("{} · {}", c.created_by, timestamp(&c.created_at)),
        updated: format!("{} · {}", c.updated_by, timestamp(&c.updated_at)),
        can_decide: c.state == CommendationState::Proposed
            && p.can_decide_commendation(&c.issuer_path),
        can_delete: may_delete(p, &c),
        levels: CommendationLevel::ALL
            .iter()
            .map(|l| (l.as_str(), l.label()))
            .collect(),
        decide,
        decide_errors,
        decline,
        decline_errors,
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    #[serde(default)]
    tb: Option<String>,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    detail_page(&st, &user, id, Posted::default(), flash(q.tb.as_deref())).await
}

pub async fn decide(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<DecideFields>,
) -> PageResult {
    require_staff(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let decided_on = match parse_form_date(&f.decided_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("decided_on", "Ghi ngày ký quyết định");
            None
        }
        Err(m) => {
            errors.push("decided_on", m);
            None
        }
    };
    if f.decision_number.trim().is_empty() {
        errors.push("decision_number", "Ghi số quyết định");
    }
    let level = match f.level.trim() {
        "" => None,
        s => match CommendationLevel::parse(s) {
            Some(l) => Some(l),
            None => {
                errors.push("level", "Cấp khen thưởng không hợp lệ");
                None
            }
        },
    };
    if errors.any() {
        let posted = Posted {
            decide: Some((f, errors)),
            ..Default::default()
        };
        return detail_page(&st, &user, id, posted, None).await;
    }
    let actor = Actor::user(p, "web");
    match st
        .db
        .commendations()
        .decide(p, &actor, id, f.decision_number.trim(), decided_on, level)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/khen-thuong/{id}?tb=da-quyet-dinh")).into_response()),
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                decide: Some((f, FormErrors(list))),
                ..Default::default()
            };
            detail_page(&st, &user, id, posted, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub async fn decline(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<DeclineFields>,
) -> PageResult {
    require_staff(&user)?;
    let p = &user.principal;
    if f.note.trim().is_empty() {
        let mut errors = FormErrors::default();
        errors.push("note", "Ghi lý do không chấp thuận đề nghị");
        let posted = Posted {
            decline: Some((f, errors)),
            ..Default::default()
        };
        return detail_page(&st, &user, id, posted, None).await;
    }
    let actor = Actor::user(p, "web");
    match st
        .db
        .commendations()
        .decline(p, &actor, id, f.note.trim())
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/khen-thuong/{id}?tb=da-khong-chap-thuan")).into_response())
        }
        Err(StoreError::Invalid(list)) => {
            let posted = Posted {
                decline: Some((f, FormErrors(list))),
                ..Default::default()
            };
            detail_page(&st, &user, id, posted, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub async fn delete(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(_): CsrfForm<crate::extract::TokenOnly>,
) -> PageResult {
    require_staff(&user)?;
    let p = &user.principal;
    let actor = Actor::user(p, "web");
    st.db
        .commendations()
        .delete(p, &actor, id)
        .await
        .page(&user)?;
    Ok(Redirect::to("/khen-thuong?tb=da-xoa").into_response())
}
