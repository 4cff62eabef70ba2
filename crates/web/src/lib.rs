//! lamtheo's HTTP face: server-rendered staff pages (askama, auto-escaped), the JSON API under /api/v1
//! with its OpenAPI document, and embedded static assets. Every handler asks `domain::policy` through the
//! store's scoped queries; nothing here decides access on its own.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub(crate) mod charts;
pub mod error;
pub mod extract;
pub mod heavy;
pub mod labels;
pub mod limits;
pub mod pages;
pub mod portal;
pub mod public_input;
pub mod respond;
pub mod routes;
pub mod trace;
pub mod view;

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use store::Db;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve behind HTTPS). Off for plain-HTTP local installs.
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Largest accepted upload, in bytes.
    pub max_upload: usize,
    /// The address citizens use to reach this server (for QR codes on printed bulletins), e.g.
    /// `https://lamtheo.bentre.gov.vn`; empty = taken from the request's Host header.
    pub public_url: String,
    /// Whom to ask about a forgotten password (the office's name and phone), shown on the login page;
    /// empty = the page names the office in general terms.
    pub support_contact: String,
    /// The espeak-ng program that reads bulletins aloud.
    pub espeak: std::path::PathBuf,
    /// Longest time to answer an ordinary request (body included).
    pub request_timeout: std::time::Duration,
    /// Longest time to answer an upload or a heavy report or export (`limits::HEAVY_ROUTES`,
    /// `limits::UPLOAD_ROUTES`).
    pub long_request_timeout: std::time::Duration,
    /// Longest wait for the next piece of a request body; a body that stalls longer is answered 408.
    pub body_idle_timeout: std::time::Duration,
    /// Heavy reports and exports one account may run at once.
    pub heavy_per_user: usize,
    /// Heavy reports and exports running at once in the whole server.
    pub heavy_global: usize,
    /// How long a heavy request waits for a server-wide slot before it is answered 503.
    pub heavy_wait: std::time::Duration,
    /// A request answered later than this is logged again as slow, with its database timings (`trace.rs`).
    pub slow_request: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trust_proxy: false,
            max_upload: 32 * 1024 * 1024,
            public_url: String::new(),
            support_contact: String::new(),
            espeak: std::path::PathBuf::from("espeak-ng"),
            request_timeout: std::time::Duration::from_secs(60),
            // Generous for a 32 MB upload on a slow link: trickling bodies are cut by the idle timeout.
            long_request_timeout: std::time::Duration::from_secs(900),
            body_idle_timeout: std::time::Duration::from_secs(30),
            heavy_per_user: 2,
            heavy_global: limits::default_heavy_global(),
            heavy_wait: std::time::Duration::from_secs(30),
            slow_request: std::time::Duration::from_millis(1000),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    /// Rendered public portal pages (`portal.rs`).
    pub portal_cache: Arc<portal::PortalCache>,
    /// Heavy-request slots and timeouts (`limits.rs`).
    pub limits: Arc<limits::Limits>,
}

/// The whole application router.
pub fn router(db: Db, config: WebConfig) -> Router {
    let limits = limits::Limits::new(&config);
    router_with_limits(db, config, limits)
}

/// The router over given heavy-request counters (tests hold slots through them).
pub fn router_with_limits(db: Db, config: WebConfig, limits: Arc<limits::Limits>) -> Router {
    let max_upload = config.max_upload;
    let slow_request = config.slow_request;
    // HSTS only when served over HTTPS (OWASP ASVS V9.1); plain-HTTP installs must not pin HTTPS.
    let hsts = config
        .secure_cookies
        .then(|| HeaderValue::from_static("max-age=31536000"));
    let state = AppState {
        db,
        config: Arc::new(config),
        portal_cache: Arc::new(portal::PortalCache::default()),
        limits,
    };
    let app = Router::new()
        .merge(pages::routes().into_router())
        .merge(portal::routes().into_router())
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(api::openapi::openapi_json))
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        // Route layers see the matched route: a stalled body is cut, heavy reports are gated, then every
        // request is timed.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::body_idle_timeout,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::heavy_gate,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::request_timeout,
        ))
        .fallback(pages::not_found_fallback)
        .with_state(state)
        .layer(axum::middleware::from_fn(method_not_allowed))
        .layer(RequestBodyLimitLayer::new(max_upload))
        // Extractors (multipart uploads, forms, JSON) default to 2 MB; the configured limit applies instead.
        .layer(axum::extract::DefaultBodyLimit::max(max_upload))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Personal data must not stay in browser or proxy caches (OWASP ASVS V8.2.1): every response is
        // `no-store` unless its handler chose otherwise (the public portal, static files).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| hsts.clone(),
        ));
    // Outermost: the request id and the request's span cover everything above, panics included.
    trace::layer(app, slow_request)
}

/// Axum answers a wrong HTTP method with an empty 405; give it a Vietnamese body like every other error.
async fn method_not_allowed(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if resp.status() != axum::http::StatusCode::METHOD_NOT_ALLOWED {
        return resp;
    }
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut out = if api {
        error::problem(
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            "Đường dẫn này không nhận phương thức HTTP đã dùng",
            &[],
        )
    } else {
        (
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            respond::bad_address(),
        )
            .into_response()
    };
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}

async fn healthz(
    axum::extract::State(st): axum::extract::State<AppState>,
) -> axum::response::Response {
    match st.db.schema_version().await {
        Ok(v) => axum::Json(serde_json::json!({
            "status": "ok",
            "backend": st.db.backend().as_str(),
            "schema_version": v,
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response(),
        Err(e) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "error", "backend": st.db.backend().as_str(), "detail": e.to_string()})),
        )
            .into_response(),
    }
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.js"),
    )
}
