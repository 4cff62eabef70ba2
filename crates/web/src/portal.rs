//! The public portal `/cong-khai` (issue 5): no login, its own layout, plain links from the home page to
//! every public page, citizens' feedback and answers on items. Handlers here only hold a `store::Portal`
//! (the one place that decides what is public); rendered pages are cached per address and dropped when
//! anything is written (`Db::generation`) or after `PORTAL_TTL` (writes by other instances).

// Page builders return `Result<String, Response>`: the error is the finished error page, built once per
// request; boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use crate::auth::client_address;
use crate::extract::PagePath;
use crate::pages::render;
use crate::view;
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::feedback::{self as fb, CitizenAnswer, Confirmation};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use store::{
    FeedbackRefusal, FeedbackSubmission, Portal, PortalUnit, PublicFeedback, PublicRegistration,
    SearchDoc, StoreError,
};

/// Longest a rendered page is served from the cache without a local write.
pub const PORTAL_TTL: Duration = Duration::from_secs(30);
/// Most pages kept; the cache starts over when full.
const MAX_ENTRIES: usize = 20_000;
/// The cookie that identifies a device for citizens' answers on items (random, not personal).
const DEVICE_COOKIE: &str = "lamtheo_thiet_bi";

/// The search documents with the generation and time they were read.
type SearchIndex = (u64, Instant, Arc<Vec<SearchDoc>>);

/// A rendered page: the HTML, its gzip form (made once, when cached) and a validator for each.
#[derive(Clone)]
struct Page {
    body: Bytes,
    etag: HeaderValue,
    gzip: Option<(Bytes, HeaderValue)>,
}

impl Page {
    fn new(html: String) -> Page {
        let body = Bytes::from(html);
        let etag = etag_of(&body, "");
        let gzip = {
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 6),
                flate2::Compression::default(),
            );
            enc.write_all(&body)
                .and_then(|_| enc.finish())
                .ok()
                .map(|z| (Bytes::from(z), etag_of(&body, "-gz")))
        };
        Page { body, etag, gzip }
    }
}

struct Entry {
    generation: u64,
    at: Instant,
    page: Page,
}

/// A strong validator of a page's content (`variant` tells the encodings apart).
fn etag_of(body: &[u8], variant: &str) -> HeaderValue {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    HeaderValue::from_str(&format!("\"{:016x}-{}{variant}\"", h.finish(), body.len()))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// Rendered public pages and the search index.
#[derive(Default)]
pub struct PortalCache {
    pages: RwLock<HashMap<String, Entry>>,
    search: RwLock<Option<SearchIndex>>,
    /// One rebuild of the search index at a time; the others wait and use it.
    rebuilding: tokio::sync::Mutex<()>,
}

impl PortalCache {
    fn get(&self, key: &str, generation: u64) -> Option<Page> {
        let pages = self.pages.read().ok()?;
        let e = pages.get(key)?;
        (e.generation == generation && e.at.elapsed() < PORTAL_TTL).then(|| e.page.clone())
    }
    fn put(&self, key: String, generation: u64, page: Page) {
        if let Ok(mut pages) = self.pages.write() {
            if pages.len() >= MAX_ENTRIES {
                pages.clear();
            }
            pages.insert(
                key,
                Entry {
                    generation,
                    at: Instant::now(),
                    page,
                },
            );
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cong-khai", get(home))
        .route(
            "/cong-khai/",
            get(|| async { Redirect::permanent("/cong-khai") }),
        )
        .route("/cong-khai/don-vi/{code}", get(unit))
        .route("/cong-khai/dang-ky/{id}", get(registration))
        .route("/cong-khai/mo-hinh/{id}", get(model))
        .route("/cong-khai/mo-hinh/{id}/anh/{photo}", get(photo))
        .route("/cong-khai/mo-hinh/{id}/anh-nho/{photo}", get(thumbnail))
        .route("/cong-khai/tim-kiem", get(search))
        .route("/cong-khai/phan-anh", post(feedback_form))
        .route("/cong-khai/phan-anh/{code}", get(tracking))
        .route("/cong-khai/y-kien", post(answer_item))
}

/// A page with its validator. Browsers and proxies may keep it but ask again each time (`no-cache`):
/// a citizen who reloads after the unit answered sees the answer at once, and an unchanged page costs a
/// `304` without a body.
fn html(page: Page, headers: &HeaderMap) -> Response {
    let gzip_ok = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim() == "gzip"));
    let (body, etag, gzipped) = match page.gzip {
        Some((z, tag)) if gzip_ok => (z, tag, true),
        _ => (page.body, page.etag, false),
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut resp = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response()
    };
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    h.insert(header::ETAG, etag);
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzipped && !fresh {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    resp
}

/// Serves `key` from the cache or renders it with `make` (only successful pages are kept).
async fn cached<F, Fut>(st: &AppState, headers: &HeaderMap, key: String, make: F) -> Response
where
    F: FnOnce(Portal) -> Fut,
    Fut: std::future::Future<Output = Result<String, Response>>,
{
    let generation = st.db.generation();
    if let Some(page) = st.portal_cache.get(&key, generation) {
        return html(page, headers);
    }
    match make(st.db.portal()).await {
        Ok(html_text) => {
            let page = Page::new(html_text);
            st.portal_cache.put(key, generation, page.clone());
            html(page, headers)
        }
        Err(resp) => resp,
    }
}

// ------------------------------------------------------------------------------------------------
// Views
// ------------------------------------------------------------------------------------------------

#[derive(Clone)]
pub struct PortalCtx {
    pub title: String,
    pub q: String,
}

impl PortalCtx {
    fn new(title: impl Into<String>) -> PortalCtx {
        PortalCtx {
            title: title.into(),
            q: String::new(),
        }
    }
}

pub struct UnitLink {
    pub code: String,
    pub name: String,
    pub counts: String,
}

impl UnitLink {
    fn of(u: &PortalUnit) -> UnitLink {
        let mut parts = Vec::new();
        if u.registrations > 0 {
            parts.push(format!(
                "{} bản đăng ký công khai",
                view::num(u.registrations)
            ));
        }
        if u.models > 0 {
            parts.push(format!("{} mô hình", view::num(u.models)));
        }
        UnitLink {
            code: u.code.clone(),
            name: u.name.clone(),
            counts: parts.join(" · "),
        }
    }
}

pub struct ItemView {
    pub id: i64,
    pub number: i64,
    pub exemplary: bool,
    pub content: String,
    pub target: String,
    pub deadline: String,
    pub status: String,
    /// CSS class of the status badge.
    pub tone: &'static str,
    pub confirmation: String,
    pub citizens: String,
    pub may_answer: bool,
}

pub struct RegView {
    pub id: i64,
    pub name: String,
    pub position: String,
    pub organisation: String,
    pub year: i32,
    pub published: String,
    pub progress: String,
    pub percent: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub items: Vec<ItemView>,
    /// Some item is past its deadline: citizens may answer.
    pub answerable: bool,
}

impl RegView {
    fn of(r: &PublicRegistration) -> RegView {
        RegView {
            answerable: r.items.iter().any(|i| i.citizens_may_answer),
            id: r.id,
            name: r.name.clone(),
            position: r.position.clone(),
            organisation: r.organisation.clone(),
            year: r.year,
            published: view::date(r.published_on),
            progress: r.progress_label(),
            percent: r.progress_percent(),
            unit_code: r.portal_unit.clone(),
            unit_name: r.portal_unit_name.clone(),
            items: r
                .items
                .iter()
                .map(|i| {
                    let c = &i.completion;
                    let tone = match (c.outcome, c.confirmation) {
                        (_, Confirmation::None) => "",
                        (Some(domain::registration::Outcome::Done), _) => "green",
                        (Some(domain::registration::Outcome::NotDone), _) => "red",
                        _ => "gold",
                    };
                    let t = c.citizens;
                    let citizens = if t.total() > 0 {
                        format!(
                            "Người dân trả lời: {} đã làm, {} làm một phần, {} chưa làm, {} không rõ",
                            t.done, t.partly, t.not_done, t.dont_know
                        )
                    } else {
                        String::new()
                    };
                    ItemView {
                        id: i.id,
                        number: i.position,
                        exemplary: i.exemplary,
                        content: i.content.clone(),
                        target: i.target.clone(),
                        deadline: view::date(i.deadline),
                        status: c
                            .outcome
                            .map(|o| o.label().to_string())
                            .unwrap_or_else(|| "Chưa báo cáo".to_string()),
                        tone,
                        confirmation: if c.outcome.is_some() {
                            c.confirmation.label().to_string()
                        } else {
                            String::new()
                        },
                        citizens,
                        may_answer: i.citizens_may_answer,
                    }
                })
                .collect(),
        }
    }
}

pub struct FeedbackView {
    pub subject_label: String,
    pub subject_href: String,
    pub content: String,
    pub received: String,
    pub answer: String,
    pub answered: String,
    pub days: String,
}

impl FeedbackView {
    fn of(f: &PublicFeedback) -> FeedbackView {
        FeedbackView {
            subject_label: f.subject_label.clone(),
            subject_href: match f.subject_type {
                fb::SubjectType::Registration => format!("/cong-khai/dang-ky/{}", f.subject_id),
                fb::SubjectType::Model => format!("/cong-khai/mo-hinh/{}", f.subject_id),
            },
            content: f.content.clone(),
            received: domain::text::format_date(f.received_on),
            answer: f.answer.clone(),
            answered: domain::text::format_date(f.answered_on),
            days: if f.response_days == 0 {
                "trong ngày".to_string()
            } else {
                format!("sau {} ngày", f.response_days)
            },
        }
    }
}

pub struct ModelCard {
    pub id: i64,
    pub name: String,
    pub field: String,
    pub status: &'static str,
    pub owner: String,
    pub started: String,
    pub spread: String,
}

impl ModelCard {
    fn of(m: &store::PublicModel) -> ModelCard {
        ModelCard {
            id: m.id,
            name: m.name.clone(),
            field: m.field.clone(),
            status: m.status_label,
            owner: m.unit.name.clone(),
            started: domain::text::format_date(m.started_on),
            spread: if m.replications.is_empty() {
                String::new()
            } else {
                format!("Đã nhân rộng tới {} đơn vị", m.replications.len())
            },
        }
    }
}

/// What the feedback form shows (typed values and errors after a refused submission).
#[derive(Default, Clone)]
pub struct FeedbackFormView {
    pub subject_type: String,
    pub subject_id: i64,
    pub content: String,
    pub name: String,
    pub contact: String,
    pub errors: crate::pages::FormErrors,
    pub message: String,
}

impl FeedbackFormView {
    fn new(subject_type: &str, subject_id: i64) -> FeedbackFormView {
        FeedbackFormView {
            subject_type: subject_type.to_string(),
            subject_id,
            ..Default::default()
        }
    }
    pub fn max_content(&self) -> usize {
        fb::MAX_CONTENT_CHARS
    }
}

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
}

#[derive(Template)]
#[template(path = "portal_registration.html")]
struct RegistrationPage {
    ctx: PortalCtx,
    r: RegView,
    feedback: Vec<FeedbackView>,
    form: FeedbackFormView,
    answers: Vec<(&'static str, &'static str)>,
}

pub struct ResultView {
    pub date: String,
    pub indicator: String,
    pub value: String,
}

pub struct PhotoView {
    pub id: i64,
    pub caption: String,
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
    form: FeedbackFormView,
}

pub struct Hit {
    pub kind: &'static str,
    pub href: String,
    pub title: String,
    pub subtitle: String,
}

#[derive(Template)]
#[template(path = "portal_search.html")]
struct SearchPage {
    ctx: PortalCtx,
    hits: Vec<Hit>,
    total: usize,
}

#[derive(Template)]
#[template(path = "portal_message.html")]
struct MessagePage {
    ctx: PortalCtx,
    heading: String,
    text: String,
    code: String,
    detail: Vec<(String, String)>,
    back: String,
}

fn message(status: StatusCode, heading: &str, text: &str, back: &str) -> Response {
    let page = MessagePage {
        ctx: PortalCtx::new(heading),
        heading: heading.to_string(),
        text: text.to_string(),
        code: String::new(),
        detail: Vec::new(),
        back: back.to_string(),
    };
    (status, render(&page)).into_response()
}

fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Không tìm thấy trang",
        "Trang bạn tìm không có trên Cổng thông tin công khai, hoặc nội dung đã được đơn vị cập nhật.",
        "/cong-khai",
    )
}

fn failure(e: StoreError) -> Response {
    match e {
        StoreError::NotFound | StoreError::Forbidden => not_found(),
        other => {
            tracing::error!(error = %other, "portal error");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Đã có lỗi",
                "Máy chủ chưa hiển thị được trang này. Xin thử lại sau.",
                "/cong-khai",
            )
        }
    }
}

fn rendered<T: Template>(t: &T) -> Result<String, Response> {
    t.render().map_err(|e| {
        tracing::error!(error = %e, "portal template failed");
        message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Đã có lỗi",
            "Máy chủ chưa hiển thị được trang này. Xin thử lại sau.",
            "/cong-khai",
        )
    })
}

// ------------------------------------------------------------------------------------------------
// Pages
// ------------------------------------------------------------------------------------------------

async fn home(State(st): State<AppState>, headers: HeaderMap) -> Response {
    cached(&st, &headers, "/cong-khai".into(), |portal| async move {
        let groups = portal.home().await.map_err(failure)?;
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

async fn unit(
    State(st): State<AppState>,
    PagePath(code): PagePath<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let year = match q.get("nam").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => return not_found(),
        },
    };
    let key = match year {
        Some(y) => format!("/cong-khai/don-vi/{code}?nam={y}"),
        None => format!("/cong-khai/don-vi/{code}"),
    };
    cached(&st, &headers, key, |portal| async move {
        let page = portal.unit_page(&code, year).await.map_err(failure)?;
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

async fn registration_view(
    portal: &Portal,
    id: i64,
    form: FeedbackFormView,
) -> Result<String, Response> {
    let page = portal.registration_page(id).await.map_err(failure)?;
    let r = RegView::of(&page.registration);
    rendered(&RegistrationPage {
        ctx: PortalCtx::new(format!("{} — bản đăng ký năm {}", r.name, r.year)),
        r,
        feedback: page.feedback.iter().map(FeedbackView::of).collect(),
        form,
        answers: ANSWERS.to_vec(),
    })
}

async fn registration(
    State(st): State<AppState>,
    PagePath(id): PagePath<i64>,
    headers: HeaderMap,
) -> Response {
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

async fn model_view(portal: &Portal, id: i64, form: FeedbackFormView) -> Result<String, Response> {
    let page = portal.model_page(id).await.map_err(failure)?;
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
        form,
    })
}

async fn model(
    State(st): State<AppState>,
    PagePath(id): PagePath<i64>,
    headers: HeaderMap,
) -> Response {
    cached(
        &st,
        &headers,
        format!("/cong-khai/mo-hinh/{id}"),
        |portal| async move { model_view(&portal, id, FeedbackFormView::new("model", id)).await },
    )
    .await
}

async fn photo(State(st): State<AppState>, PagePath((id, pid)): PagePath<(i64, i64)>) -> Response {
    match st.db.portal().model_photo(id, pid, false).await {
        Ok((ct, bytes)) => crate::api::models::image_response(&ct, &format!("anh-{pid}"), bytes),
        Err(e) => failure(e),
    }
}

async fn thumbnail(
    State(st): State<AppState>,
    PagePath((id, pid)): PagePath<(i64, i64)>,
) -> Response {
    match st.db.portal().model_photo(id, pid, true).await {
        Ok((_, bytes)) => {
            crate::api::models::image_response("image/jpeg", &format!("anh-nho-{pid}.jpg"), bytes)
        }
        Err(e) => failure(e),
    }
}

fn cached_docs(st: &AppState, generation: u64) -> Option<Arc<Vec<SearchDoc>>> {
    let guard = st.portal_cache.search.read().ok()?;
    let (g, at, docs) = guard.as_ref()?;
    (*g == generation && at.elapsed() < PORTAL_TTL).then(|| docs.clone())
}

async fn search_docs(st: &AppState) -> Result<Arc<Vec<SearchDoc>>, StoreError> {
    let generation = st.db.generation();
    if let Some(docs) = cached_docs(st, generation) {
        return Ok(docs);
    }
    let _one = st.portal_cache.rebuilding.lock().await;
    if let Some(docs) = cached_docs(st, generation) {
        return Ok(docs);
    }
    let docs = Arc::new(st.db.portal().search_docs().await?);
    if let Ok(mut guard) = st.portal_cache.search.write() {
        *guard = Some((generation, Instant::now(), docs.clone()));
    }
    Ok(docs)
}

async fn search(State(st): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let text = q.get("q").cloned().unwrap_or_default();
    let text: String = text.chars().take(200).collect();
    let terms: Vec<String> = domain::text::fold(&text)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let docs = match search_docs(&st).await {
        Ok(d) => d,
        Err(e) => return failure(e),
    };
    // Matches whose title has every word first; then units, models, registrations.
    let mut found: Vec<(bool, u8, &SearchDoc)> = Vec::new();
    if !terms.is_empty() {
        for d in docs.iter() {
            if terms.iter().all(|t| d.fold.contains(t.as_str())) {
                let title = domain::text::fold(&d.title);
                let in_title = terms.iter().all(|t| title.contains(t.as_str()));
                let kind = match d.kind {
                    "unit" => 0,
                    "model" => 1,
                    _ => 2,
                };
                found.push((!in_title, kind, d));
            }
        }
    }
    found.sort_by_key(|(not_title, kind, _)| (*not_title, *kind));
    let total = found.len();
    let hits: Vec<Hit> = found
        .into_iter()
        .take(100)
        .map(|(_, _, d)| Hit {
            kind: match d.kind {
                "unit" => "Đơn vị",
                "registration" => "Bản đăng ký",
                _ => "Mô hình",
            },
            href: d.href.clone(),
            title: d.title.clone(),
            subtitle: d.subtitle.clone(),
        })
        .collect();
    let mut ctx = PortalCtx::new(if text.trim().is_empty() {
        "Tìm kiếm".to_string()
    } else {
        format!("Tìm “{}”", text.trim())
    });
    ctx.q = text;
    render(&SearchPage { ctx, hits, total })
}

// ------------------------------------------------------------------------------------------------
// Citizens' writes
// ------------------------------------------------------------------------------------------------

/// Where a public write comes from, as the browser says (OWASP ASVS V13.2.3 / V4.2.2: cross-site
/// requests to state-changing endpoints refused). The same rule holds for the feedback form, the answers
/// on items and `POST /api/v1/public/feedback`:
/// - `Origin` present: it must be this server's address as the browser sees it (behind a trusted proxy,
///   the forwarded one); another site, and the opaque `Origin: null` (sandboxed frames, `data:` pages,
///   some redirects), are refused;
/// - `Sec-Fetch-Site: cross-site` is refused even without `Origin`;
/// - no `Origin` at all is allowed: every browser sends one on a cross-site POST, so its absence means a
///   non-browser client (curl, a mobile app), which could forge any header anyway; those are held by the
///   per-address rate limit and the folding of near-identical feedback. The public endpoints read no
///   cookie that grants anything (the device cookie of answers only prevents double answers), so a
///   missing `Origin` cannot ride on a citizen's session.
fn foreign_origin(st: &AppState, headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let host_of = |o: &str| {
        o.trim()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_ascii_lowercase()
    };
    let ours = crate::auth::origin(headers, st.config.secure_cookies, st.config.trust_proxy);
    origin.trim().eq_ignore_ascii_case("null") || host_of(origin) != host_of(&ours)
}

/// The media type of a request body, lower case, without parameters ("application/json").
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The message of a form posted with a body that is not a form (415).
const FORM_TYPE_MESSAGE: &str =
    "Biểu mẫu phải được gửi dưới dạng application/x-www-form-urlencoded (như trình duyệt gửi).";

/// The form handlers' common refusals: a foreign origin (403), then a body that is not a URL-encoded form
/// (415, a multipart or text body included: the portal's forms send none), then an unreadable form (400).
fn refuse_form<T>(
    st: &AppState,
    headers: &HeaderMap,
    form: &Result<Form<T>, axum::extract::rejection::FormRejection>,
    back: &str,
) -> Option<Response> {
    if foreign_origin(st, headers) {
        return Some(message(
            StatusCode::FORBIDDEN,
            "Không gửi được",
            "Biểu mẫu phải được gửi từ chính Cổng thông tin công khai.",
            back,
        ));
    }
    if media_type(headers) != "application/x-www-form-urlencoded" {
        return Some(message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Không gửi được",
            FORM_TYPE_MESSAGE,
            back,
        ));
    }
    if form.is_err() {
        return Some(message(
            StatusCode::BAD_REQUEST,
            "Không gửi được",
            "Không đọc được nội dung biểu mẫu; hãy tải lại trang và gửi lại.",
            back,
        ));
    }
    None
}

#[derive(Deserialize, Default)]
pub struct FeedbackFields {
    #[serde(default)]
    subject_type: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    /// The honeypot: a field hidden from people.
    #[serde(default)]
    website: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

async fn feedback_form(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    form: Result<Form<FeedbackFields>, axum::extract::rejection::FormRejection>,
) -> Response {
    if let Some(refused) = refuse_form(&st, &headers, &form, "/cong-khai") {
        return refused;
    }
    let Ok(Form(f)) = form else {
        return not_found();
    };
    let address = client_address(&headers, &ext, st.config.trust_proxy);
    let subject_id = f.subject_id.trim().parse::<i64>().unwrap_or(0);
    let sub = FeedbackSubmission {
        subject_type: f.subject_type.clone(),
        subject_id,
        content: f.content.clone(),
        name: opt(&f.name),
        contact: opt(&f.contact),
        honeypot: opt(&f.website),
        address,
    };
    let portal = st.db.portal();
    let back = match f.subject_type.as_str() {
        "model" => format!("/cong-khai/mo-hinh/{subject_id}"),
        _ => format!("/cong-khai/dang-ky/{subject_id}"),
    };
    match portal.submit_feedback(&sub).await {
        Ok(receipt) => Redirect::to(&format!(
            "/cong-khai/phan-anh/{}?moi={}",
            receipt.tracking_code,
            if receipt.folded { "gop" } else { "1" }
        ))
        .into_response(),
        Err(FeedbackRefusal::Trap) => message(
            StatusCode::OK,
            "Đã nhận phản ánh",
            "Cảm ơn bạn đã gửi phản ánh.",
            &back,
        ),
        Err(FeedbackRefusal::RateLimited { retry_after }) => {
            let mut resp = message(
                StatusCode::TOO_MANY_REQUESTS,
                "Gửi quá nhiều lần",
                &store::rate_limit_message(retry_after),
                &back,
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        Err(FeedbackRefusal::NoSubject) => not_found(),
        Err(FeedbackRefusal::Invalid(errors)) => {
            let mut form = FeedbackFormView::new(&f.subject_type, subject_id);
            form.content = f.content;
            form.name = f.name;
            form.contact = f.contact;
            for e in errors {
                form.errors.push(e.field, e.message);
            }
            let page = match f.subject_type.as_str() {
                "model" => model_view(&portal, subject_id, form).await,
                _ => registration_view(&portal, subject_id, form).await,
            };
            match page {
                Ok(body) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(body)).into_response()
                }
                Err(resp) => resp,
            }
        }
        Err(FeedbackRefusal::Store(e)) => failure(e),
    }
}

async fn tracking(
    State(st): State<AppState>,
    PagePath(code): PagePath<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let t = match st.db.portal().tracking(code.trim()).await {
        Ok(t) => t,
        Err(e) => return failure(e),
    };
    let fresh = q.contains_key("moi");
    let mut detail = vec![
        ("Về".to_string(), t.subject_label.clone()),
        (
            "Ngày gửi".to_string(),
            domain::text::format_date(t.received_on),
        ),
    ];
    // A folded submission sees the earlier feedback's text only once it is published.
    if !t.content.is_empty() {
        let label = if t.folded {
            "Nội dung phản ánh đã gộp"
        } else {
            "Nội dung"
        };
        detail.push((label.to_string(), t.content.clone()));
    }
    detail.push(("Tình trạng".to_string(), t.state.clone()));
    if !t.answer.is_empty() {
        detail.push((
            format!("Trả lời ngày {}", view::date(t.answered_on)),
            t.answer.clone(),
        ));
    }
    let page = MessagePage {
        ctx: PortalCtx::new("Theo dõi phản ánh"),
        heading: if fresh {
            "Đã gửi phản ánh".to_string()
        } else {
            "Theo dõi phản ánh".to_string()
        },
        text: if t.folded && fresh {
            format!(
                "Cảm ơn bạn. {} (đơn vị thấy số người cùng phản ánh); đơn vị cần trả lời trong {} ngày. \
                 Hãy giữ mã theo dõi dưới đây (hoặc lưu địa chỉ trang này) để xem tình trạng và câu trả lời.",
                domain::feedback::FOLDED_NOTE,
                st.db.answer_days()
            )
        } else if t.folded {
            format!("{}.", domain::feedback::FOLDED_NOTE)
        } else if fresh {
            format!(
                "Cảm ơn bạn. Phản ánh đã được chuyển tới đơn vị phụ trách; đơn vị cần trả lời trong {} ngày. \
                 Hãy giữ mã theo dõi dưới đây (hoặc lưu địa chỉ trang này) để xem câu trả lời.",
                st.db.answer_days()
            )
        } else {
            "Tình trạng phản ánh bạn đã gửi.".to_string()
        },
        code: t.tracking_code,
        detail,
        back: "/cong-khai".into(),
    };
    let mut resp = render(&page);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    resp
}

#[derive(Deserialize, Default)]
struct AnswerFields {
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    registration_id: String,
    #[serde(default)]
    answer: String,
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn answer_item(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    form: Result<Form<AnswerFields>, axum::extract::rejection::FormRejection>,
) -> Response {
    let back = match &form {
        Ok(Form(f)) => format!(
            "/cong-khai/dang-ky/{}",
            f.registration_id.trim().parse::<i64>().unwrap_or(0)
        ),
        Err(_) => "/cong-khai".to_string(),
    };
    if let Some(refused) = refuse_form(&st, &headers, &form, &back) {
        return refused;
    }
    let Ok(Form(f)) = form else {
        return not_found();
    };
    let (Ok(item_id), Some(answer)) = (
        f.item_id.trim().parse::<i64>(),
        CitizenAnswer::parse(f.answer.trim()),
    ) else {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Chưa chọn câu trả lời",
            "Hãy chọn một trong bốn câu trả lời: đã làm, làm một phần, chưa làm hoặc không rõ.",
            &back,
        );
    };
    let (device, new_cookie) = match cookie_value(&headers, DEVICE_COOKIE) {
        Some(d) => (d, false),
        None => (store::random_token(), true),
    };
    let address = client_address(&headers, &ext, st.config.trust_proxy);
    let outcome = st
        .db
        .portal()
        .answer_item(item_id, answer, &device, &address)
        .await;
    let mut resp = match outcome {
        Ok(store::CitizenAnswerOutcome::Recorded) => message(
            StatusCode::OK,
            "Cảm ơn bạn",
            &format!(
                "Đã ghi nhận câu trả lời “{}”. Khi đủ người dân trả lời, kết quả được hiển thị là “người dân xác nhận”.",
                answer.label()
            ),
            &back,
        ),
        Ok(store::CitizenAnswerOutcome::AlreadyAnswered) => message(
            StatusCode::CONFLICT,
            "Bạn đã trả lời rồi",
            "Mỗi thiết bị chỉ trả lời một lần cho mỗi nội dung.",
            &back,
        ),
        Ok(store::CitizenAnswerOutcome::NotOpen) => message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Chưa thể trả lời",
            "Chỉ trả lời được sau khi nội dung đã đến hạn hoàn thành.",
            &back,
        ),
        Ok(store::CitizenAnswerOutcome::RateLimited { retry_after }) => message(
            StatusCode::TOO_MANY_REQUESTS,
            "Gửi quá nhiều lần",
            &store::rate_limit_message(retry_after),
            &back,
        ),
        Err(e) => failure(e),
    };
    if new_cookie {
        let cookie =
            format!(
            "{DEVICE_COOKIE}={device}; Path=/cong-khai; HttpOnly; SameSite=Lax; Max-Age=63072000{}",
            if st.config.secure_cookies { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    resp
}

/// `POST /api/v1/public/feedback` (JSON): `{subject_type, subject_id, content, name?, contact?}`.
#[derive(Deserialize)]
pub struct FeedbackJson {
    pub subject_type: String,
    pub subject_id: i64,
    pub content: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    /// A honeypot for forms built on the API; leave empty.
    #[serde(default)]
    pub website: Option<String>,
}

pub async fn api_feedback(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::error::problem;
    if foreign_origin(&st, &headers) {
        return problem(
            StatusCode::FORBIDDEN,
            "Yêu cầu gửi từ một trang web khác (hoặc Origin: null) không được chấp nhận; \
             hãy gửi phản ánh từ Cổng thông tin công khai hoặc từ một ứng dụng không chạy trong trình duyệt",
            &[],
        );
    }
    if body.is_empty() {
        return problem(
            StatusCode::BAD_REQUEST,
            "Thiếu nội dung JSON với các trường subject_type, subject_id, content",
            &[],
        );
    }
    if media_type(&headers) != "application/json" {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Nội dung phải có Content-Type: application/json",
            &[],
        );
    }
    let f: FeedbackJson = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Nội dung gửi lên không phải JSON hợp lệ với các trường subject_type, subject_id, content ({e})"
                ),
                &[],
            )
        }
    };
    let sub = FeedbackSubmission {
        subject_type: f.subject_type,
        subject_id: f.subject_id,
        content: f.content,
        name: f.name.as_deref().and_then(opt),
        contact: f.contact.as_deref().and_then(opt),
        honeypot: f.website,
        address: client_address(&headers, &ext, st.config.trust_proxy),
    };
    match st.db.portal().submit_feedback(&sub).await {
        Ok(r) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({
                "id": r.id,
                "tracking_code": r.tracking_code,
                "status": "pending",
                "tracking_url": format!("/cong-khai/phan-anh/{}", r.tracking_code),
                // Folded into near-identical feedback sent earlier: the code is still this sender's own,
                // and its page follows that feedback's status and answer.
                "merged": r.folded,
            })),
        )
            .into_response(),
        Err(FeedbackRefusal::Trap) => (
            StatusCode::ACCEPTED,
            axum::Json(serde_json::json!({ "status": "received" })),
        )
            .into_response(),
        Err(FeedbackRefusal::RateLimited { retry_after }) => {
            let mut resp = problem(
                StatusCode::TOO_MANY_REQUESTS,
                &store::rate_limit_message(retry_after),
                &[],
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        Err(FeedbackRefusal::NoSubject) => problem(
            StatusCode::NOT_FOUND,
            "Không có bản đăng ký hoặc mô hình công khai với mã này (subject_type phải là \"registration\" hoặc \"model\")",
            &[],
        ),
        Err(FeedbackRefusal::Invalid(errors)) => {
            let fields: Vec<store::FieldError> = errors
                .into_iter()
                .map(|e| store::FieldError::new(e.field, e.message))
                .collect();
            problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Phản ánh chưa hợp lệ",
                &fields,
            )
        }
        Err(FeedbackRefusal::Store(e)) => {
            tracing::error!(error = %e, "public feedback failed");
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Máy chủ chưa nhận được phản ánh; xin thử lại sau",
                &[],
            )
        }
    }
}
