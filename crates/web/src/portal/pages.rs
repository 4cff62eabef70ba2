//! The portal's pages: the home page (units by region), a unit's page, a public registration and a
//! good-practice model, each served from the rendered-page cache.

use super::cache::cached;
use super::views::{
    CommendationView, DecisionView, FeedbackFormView, FeedbackView, ModelCard, PhotoView, RegView,
    ResultView, UnitLink,
};
use super::{rendered, PortalCtx, PortalError, PortalResult};
use crate::extract::PagePath;
use crate::view;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use std::collections::HashMap;
use store::Portal;

#[derive(Template)]
#[template(path = "portal_home.html")]
struct HomePage {
    ctx: PortalCtx,
    groups: Vec<(UnitLink, Vec<UnitLink>)>,
}

#[derive(Template)]
#[template(path = "portal_unit.html")]
struct UnitPage {
    ctx: PortalCtx,
    unit: UnitLink,
    ancestors: Vec<UnitLink>,
    children: Vec<UnitLink>,
    year: String,
    years: Vec<(i32, bool)>,
    registrations: Vec<RegView>,
    models: Vec<ModelCard>,
    feedback: Vec<FeedbackView>,
    commendations: Vec<CommendationView>,
    /// Recognitions in force, then classifications.
    decisions: Vec<DecisionView>,
}

#[derive(Template)]
#[template(path = "portal_registration.html")]
struct RegistrationPage {
    ctx: PortalCtx,
    r: RegView,
    feedback: Vec<FeedbackView>,
    commendations: Vec<CommendationView>,
    form: FeedbackFormView,
    answers: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "portal_model.html")]
struct ModelPage {
    ctx: PortalCtx,
    m: ModelCard,
    description: String,
    participants: String,
    unit_code: String,
    unit_name: String,
    results: Vec<ResultView>,
    photos: Vec<PhotoView>,
    spread: Vec<(String, String)>,
    feedback: Vec<FeedbackView>,
    commendations: Vec<CommendationView>,
    form: FeedbackFormView,
}

pub(super) async fn home(State(st): State<AppState>, headers: HeaderMap) -> PortalResult {
    cached(&st, &headers, "/cong-khai".into(), |portal| async move {
        let groups = portal.home().await?;
        rendered(&HomePage {
            ctx: PortalCtx::new("Trang chủ"),
            groups: groups
                .iter()
                .map(|(r, c)| (UnitLink::of(r), c.iter().map(UnitLink::of).collect()))
                .collect(),
        })
    })
    .await
}

pub(super) async fn unit(
    State(st): State<AppState>,
    PagePath(code): PagePath<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> PortalResult {
    let year = match q.get("nam").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => return Err(PortalError::NotFound),
        },
    };
    let key = match year {
        Some(y) => format!("/cong-khai/don-vi/{code}?nam={y}"),
        None => format!("/cong-khai/don-vi/{code}"),
    };
    cached(&st, &headers, key, |portal| async move {
        let page = portal.unit_page(&code, year).await?;
        let shown = page.year;
        rendered(&UnitPage {
            ctx: PortalCtx::new(page.unit.name.clone()),
            unit: UnitLink::of(&page.unit),
            ancestors: page.ancestors.iter().map(UnitLink::of).collect(),
            children: page.children.iter().map(UnitLink::of).collect(),
            year: shown.map(|y| y.to_string()).unwrap_or_default(),
            years: page.years.iter().map(|y| (*y, Some(*y) == shown)).collect(),
            registrations: page.registrations.iter().map(RegView::of).collect(),
            models: page.models.iter().map(ModelCard::of).collect(),
            feedback: page.feedback.iter().map(FeedbackView::of).collect(),
            commendations: page
                .commendations
                .iter()
                .map(CommendationView::of)
                .collect(),
            decisions: page
                .recognitions
                .iter()
                .map(DecisionView::recognition)
                .chain(
                    page.classifications
                        .iter()
                        .map(DecisionView::classification),
                )
                .collect(),
        })
    })
    .await
}

const ANSWERS: [(&str, &str); 4] = [
    ("done", "Đã làm"),
    ("partly", "Làm một phần"),
    ("not_done", "Chưa làm"),
    ("dont_know", "Không rõ"),
];

pub(super) async fn registration_view(
    portal: &Portal,
    id: i64,
    form: FeedbackFormView,
) -> PortalResult<String> {
    let page = portal.registration_page(id).await?;
    let r = RegView::of(&page.registration);
    rendered(&RegistrationPage {
        ctx: PortalCtx::new(format!("{} — bản đăng ký năm {}", r.name, r.year)),
        r,
        feedback: page.feedback.iter().map(FeedbackView::of).collect(),
        commendations: page
            .commendations
            .iter()
            .map(CommendationView::of_member)
            .collect(),
        form,
        answers: ANSWERS.to_vec(),
    })
}

pub(super) async fn registration(
    State(st): State<AppState>,
    PagePath(id): PagePath<i64>,
    headers: HeaderMap,
) -> PortalResult {
    cached(
        &st,
        &headers,
        format!("/cong-khai/dang-ky/{id}"),
        |portal| async move {
            registration_view(&portal, id, FeedbackFormView::new("registration", id)).await
        },
    )
    .await
}

pub(super) async fn model_view(
    portal: &Portal,
    id: i64,
    form: FeedbackFormView,
) -> PortalResult<String> {
    let page = portal.model_page(id).await?;
    let m = &page.model.model;
    let (unit_code, unit_name) = page
        .portal_unit
        .as_ref()
        .map(|u| (u.code.clone(), u.name.clone()))
        .unwrap_or_default();
    rendered(&ModelPage {
        ctx: PortalCtx::new(m.name.clone()),
        m: ModelCard::of(m),
        description: m.description.clone(),
        participants: match m.participants_count {
            Some(n) if m.participants.is_empty() => format!("{} người", view::num(n)),
            Some(n) => format!("{} ({} người)", m.participants, view::num(n)),
            None => m.participants.clone(),
        },
        unit_code,
        unit_name,
        results: page
            .model
            .results
            .iter()
            .map(|r| ResultView {
                date: domain::text::format_date(r.measured_on),
                indicator: r.indicator.clone(),
                value: domain::models::format_amount(r.value, &r.unit),
            })
            .collect(),
        photos: page
            .model
            .photos
            .iter()
            .map(|p| PhotoView {
                id: p.id,
                caption: p.caption.clone(),
            })
            .collect(),
        spread: m
            .replications
            .iter()
            .map(|a| (a.unit.name.clone(), domain::text::format_date(a.adopted_on)))
            .collect(),
        feedback: page.feedback.iter().map(FeedbackView::of).collect(),
        commendations: page
            .commendations
            .iter()
            .map(CommendationView::of)
            .collect(),
        form,
    })
}

pub(super) async fn model(
    State(st): State<AppState>,
    PagePath(id): PagePath<i64>,
    headers: HeaderMap,
) -> PortalResult {
    cached(
        &st,
        &headers,
        format!("/cong-khai/mo-hinh/{id}"),
        |portal| async move { model_view(&portal, id, FeedbackFormView::new("model", id)).await },
    )
    .await
}
