//! Limits at the edge, so that no client — careless or hostile — can take the server from everyone else:
//!
//! - **Connections** (`serve`): HTTP/1.1 served by hyper with a header-read timeout (a client that opens a
//!   connection and sends nothing, half a request line, or nothing after a response is dropped once it
//!   expires), and a cap on open connections: the accept loop takes a slot before accepting, so file
//!   descriptors never run out — over the cap, new connections wait in the kernel's queue until a slot
//!   frees. The cap is also kept below the process's open-files limit, whose soft value is raised to the
//!   hard one at start (`raise_open_files_limit`). (OWASP ASVS V13 / CWE-400.) One client address may hold
//!   at most `ServeOptions::max_connections_per_address` of them; its connections over that are closed at
//!   once. Behind a reverse proxy every client shares the proxy's address, so the proxy must limit each
//!   client itself.
//! - **Stalled bodies** (`body_idle_timeout`): a request body that brings no data for
//!   `WebConfig::body_idle_timeout` is ended and the request answered 408.
//! - **Whole-request timeouts** (`request_timeout`): ordinary requests get `WebConfig::request_timeout`;
//!   uploads (`UPLOAD_ROUTES`, chosen by route, never by the client's headers) and heavy reports the
//!   longer `WebConfig::long_request_timeout`.
//! - **Heavy reports and exports** (`heavy_gate`, routes listed once in `HEAVY_ROUTES`): at most
//!   `WebConfig::heavy_per_user` at a time per account (the next one answers 429 with `Retry-After` and
//!   a "please wait" page or problem document), and at most `WebConfig::heavy_global` at a time in the whole
//!   server (the others wait up to `WebConfig::heavy_wait`, then 503), so health checks and ordinary pages
//!   keep their speed while reports run.

use crate::auth::{ApiUser, WebUser};
use crate::view::Ctx;
use crate::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Routes (method, path as declared in the router, API routes with their `/api/v1` prefix) whose work grows
/// with the size of a subtree or produces a file: reports over a subtree, exports, copy clusters,
/// generated Word/Excel/WAV files. Each is limited per user and globally by `heavy_gate`.
pub const HEAVY_ROUTES: &[(&str, &str)] = &[
    // Registrations: the report over a subtree, its Excel file, copy clusters, a registration as Word.
    ("GET", "/dang-ky/bao-cao"),
    ("GET", "/dang-ky/bao-cao.xlsx"),
    ("GET", "/dang-ky/trung-lap"),
    ("GET", "/dang-ky/{id}/ban-dang-ky.docx"),
    ("GET", "/api/v1/registrations/report"),
    ("GET", "/api/v1/registrations/copy-clusters"),
    // Every registration of a year in the subtree, and the approval queue over it (also behind the
    // registrations index page).
    ("GET", "/dang-ky"),
    ("GET", "/api/v1/registrations"),
    ("GET", "/api/v1/registrations/queue"),
    // Member exports, and the audit log's Excel file.
    ("GET", "/xuat/dang-vien"),
    ("GET", "/nhat-ky.xlsx"),
    ("GET", "/api/v1/export/members"),
    // Period reports over a subtree and their Word and Excel files (pages and API).
    ("GET", "/bao-cao"),
    ("GET", "/bao-cao/word"),
    ("GET", "/bao-cao/excel"),
    ("GET", "/bao-cao/ban/{id}"),
    ("GET", "/bao-cao/ban/{id}/word"),
    ("GET", "/bao-cao/ban/{id}/excel"),
    ("GET", "/api/v1/reports/period"),
    ("GET", "/api/v1/reports/period.docx"),
    ("GET", "/api/v1/reports/period.xlsx"),
    ("GET", "/api/v1/reports/{id}/docx"),
    ("GET", "/api/v1/reports/{id}/xlsx"),
    // Attendance rates over a subtree and the meeting files.
    ("GET", "/chuyen-can"),
    ("GET", "/api/v1/attendance/summary"),
    ("GET", "/api/v1/attendance/units"),
    ("GET", "/api/v1/attendance/absentees"),
    ("GET", "/{section}/{id}/danh-sach-ky.xlsx"),
    ("GET", "/{section}/{id}/diem-danh.xlsx"),
    // Bulletins: composed over a unit's area, rendered as Word, text and speech.
    ("GET", "/ban-tin/{code}"),
    ("GET", "/ban-tin/{code}/{file}"),
];

/// Routes that receive a file (multipart form or raw request body): they get the long timeout like heavy
/// routes. Chosen by route only — never by the client's `Content-Type`, which anyone can set.
pub const UPLOAD_ROUTES: &[(&str, &str)] = &[
    // Imports of units and members, from the page and the API.
    ("POST", "/nhap-du-lieu"),
    ("POST", "/api/v1/import/units"),
    ("POST", "/api/v1/import/members"),
    // A meeting's documents and its marks filled in on the sheet.
    ("POST", "/{section}/{id}/tai-lieu"),
    ("POST", "/{section}/{id}/nhap-diem-danh"),
    // Documents of an inspection or supervision case.
    ("POST", "/kiem-tra/{id}/tai-lieu"),
    // Evidence documents of a criteria assessment, and the criteria set form (a CSV/XLSX list).
    ("POST", "/tieu-chi/danh-gia/{id}/tai-lieu"),
    ("POST", "/tieu-chi/moi"),
    ("POST", "/tieu-chi/{code}/sua"),
    // Photos of a model.
    ("POST", "/mo-hinh/{id}/anh"),
    ("POST", "/api/v1/models/{id}/photos"),
];

/// Whether a request to this route receives a file.
pub fn is_upload(method: &Method, matched_path: &str) -> bool {
    UPLOAD_ROUTES
        .iter()
        .any(|(m, p)| method.as_str() == *m && matched_path == *p)
}

/// Whether a request to this route is a heavy report or export.
pub fn is_heavy(method: &Method, matched_path: &str) -> bool {
    HEAVY_ROUTES
        .iter()
        .any(|(m, p)| method.as_str() == *m && matched_path == *p)
}

/// Default number of heavy requests running at once in the whole server: half the machine's cores (at
/// least one, counted once by `store::heavy::cores`), so the other half always serves ordinary requests.
pub fn default_heavy_global() -> usize {
    (store::heavy::cores() / 2).max(1)
}

/// The shared counters behind `heavy_gate`.
pub struct Limits {
    global: Arc<Semaphore>,
    per_user: Mutex<HashMap<i64, usize>>,
    per_user_max: usize,
    wait: Duration,
    request_timeout: Duration,
    long_request_timeout: Duration,
    body_idle_timeout: Duration,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("global_available", &self.global.available_permits())
            .field("per_user_max", &self.per_user_max)
            .finish()
    }
}

/// One of a user's heavy-request slots; given back when dropped.
#[derive(Debug)]
pub struct UserSlot {
    limits: Arc<Limits>,
    user_id: i64,
}

impl Drop for UserSlot {
    fn drop(&mut self) {
        let mut map = match self.limits.per_user.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(n) = map.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.user_id);
            }
        }
    }
}

impl Limits {
    pub fn new(config: &crate::WebConfig) -> Arc<Limits> {
        Arc::new(Limits {
            global: Arc::new(Semaphore::new(config.heavy_global.max(1))),
            per_user: Mutex::new(HashMap::new()),
            per_user_max: config.heavy_per_user.max(1),
            wait: config.heavy_wait,
            request_timeout: config.request_timeout,
            long_request_timeout: config.long_request_timeout,
            body_idle_timeout: config.body_idle_timeout,
        })
    }

    /// Takes one of the user's heavy-request slots, or `None` when they already run as many as allowed.
    pub fn try_user(self: &Arc<Self>, user_id: i64) -> Option<UserSlot> {
        let mut map = match self.per_user.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let n = map.entry(user_id).or_insert(0);
        if *n >= self.per_user_max {
            return None;
        }
        *n += 1;
        Some(UserSlot {
            limits: Arc::clone(self),
            user_id,
        })
    }

    /// Takes a server-wide heavy slot if one is free now.
    pub fn try_global(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.global).try_acquire_owned().ok()
    }

    /// Waits up to the configured time for a server-wide heavy slot.
    pub async fn global(&self) -> Option<OwnedSemaphorePermit> {
        if let Some(p) = self.try_global() {
            return Some(p);
        }
        tokio::time::timeout(self.wait, Arc::clone(&self.global).acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct BusyPage {
    ctx: Ctx,
    heading: String,
    text: String,
    back: String,
}

fn busy(
    api: bool,
    user: Option<&WebUser>,
    status: StatusCode,
    retry_after: u64,
    heading: &str,
    text: &str,
) -> Response {
    let mut resp = if api {
        crate::error::problem(status, text, &[])
    } else {
        let page = BusyPage {
            ctx: match user {
                Some(u) => Ctx::new(u, heading, ""),
                None => Ctx::anonymous(heading),
            },
            heading: heading.to_string(),
            text: text.to_string(),
            back: "/".into(),
        };
        (status, crate::respond::render(&page)).into_response()
    };
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    resp
}

/// Route middleware: a heavy route runs only with one of the caller's slots and a server-wide slot.
/// Requests without a valid session pass through untouched (the handler answers them as usual).
pub async fn heavy_gate(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let heavy = req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| is_heavy(req.method(), p.as_str()));
    if !heavy {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let (mut parts, body) = req.into_parts();
    let (user_id, web_user) = if api {
        match ApiUser::from_request_parts(&mut parts, &st).await {
            Ok(u) => (Some(u.principal.user_id), None),
            Err(_) => (None, None),
        }
    } else {
        match WebUser::from_request_parts(&mut parts, &st).await {
            Ok(u) => (Some(u.principal.user_id), Some(u)),
            Err(_) => (None, None),
        }
    };
    let req = Request::from_parts(parts, body);
    let Some(user_id) = user_id else {
        return next.run(req).await;
    };
    let Some(slot) = st.limits.try_user(user_id) else {
        return busy(
            api,
            web_user.as_ref(),
            StatusCode::TOO_MANY_REQUESTS,
            5,
            "Báo cáo đang được tạo, xin chờ giây lát",
            "Báo cáo hoặc tệp bạn yêu cầu trước đó vẫn đang được tạo. Xin chờ giây lát rồi tải lại trang này.",
        );
    };
    let Some(permit) = st.limits.global().await else {
        drop(slot);
        return busy(
            api,
            web_user.as_ref(),
            StatusCode::SERVICE_UNAVAILABLE,
            10,
            "Máy chủ đang bận tạo báo cáo",
            "Máy chủ đang tạo nhiều báo cáo cùng lúc. Xin thử lại sau ít giây.",
        );
    };
    let resp = next.run(req).await;
    drop(permit);
    drop(slot);
    resp
}

/// Route middleware: the whole request (body included) must be answered within its time; uploads and heavy
/// reports — chosen by route, never by a header the client sets — get the longer limit.
pub async fn request_timeout(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let long_route = req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| is_heavy(req.method(), p.as_str()) || is_upload(req.method(), p.as_str()));
    let limit = if long_route {
        st.limits.long_request_timeout
    } else {
        st.limits.request_timeout
    };
    let api = req.uri().path().starts_with("/api/");
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request timed out");
            busy(
                api,
                None,
                StatusCode::SERVICE_UNAVAILABLE,
                10,
                "Yêu cầu mất quá nhiều thời gian",
                "Yêu cầu mất quá nhiều thời gian nên máy chủ đã dừng xử lý. Xin thử lại sau.",
            )
        }
    }
}

/// A request body that errors once the handler has waited `idle` for data without any coming (and raises
/// `expired`), so that a client trickling its body cannot hold a request open for the whole request
/// timeout. Only time spent waiting on the client counts, not time the handler spends elsewhere.
struct IdleBody {
    inner: axum::body::Body,
    idle: Duration,
    timer: std::pin::Pin<Box<tokio::time::Sleep>>,
    /// The timer runs: the last poll found no data.
    waiting: bool,
    expired: Arc<std::sync::atomic::AtomicBool>,
}

/// The error of a body that stopped arriving.
#[derive(Debug, thiserror::Error)]
#[error("no request body data for {0:?}")]
struct BodyIdle(Duration);

impl hyper::body::Body for IdleBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        use std::task::Poll;
        let this = self.get_mut();
        match std::pin::Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.waiting = false;
                Poll::Ready(frame)
            }
            Poll::Pending => {
                if !this.waiting {
                    this.waiting = true;
                    let deadline = tokio::time::Instant::now() + this.idle;
                    this.timer.as_mut().reset(deadline);
                }
                match this.timer.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.expired
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                        Poll::Ready(Some(Err(axum::Error::new(BodyIdle(this.idle)))))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Route middleware: a request body that brings no data for `WebConfig::body_idle_timeout` is ended, and
/// the request answered 408 whatever the handler made of the broken body (CWE-400, slow-body attacks).
/// The whole-request timeouts stay as the outer bound.
pub async fn body_idle_timeout(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let idle = st.limits.body_idle_timeout;
    let api = req.uri().path().starts_with("/api/");
    let expired = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let req = req.map(|inner| {
        axum::body::Body::new(IdleBody {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            waiting: false,
            expired: Arc::clone(&expired),
        })
    });
    let resp = next.run(req).await;
    if !expired.load(std::sync::atomic::Ordering::Relaxed) {
        return resp;
    }
    tracing::warn!(seconds = idle.as_secs(), "request body stalled");
    let mut resp = busy(
        api,
        None,
        StatusCode::REQUEST_TIMEOUT,
        0,
        "Dữ liệu gửi lên bị gián đoạn",
        "Máy chủ không nhận thêm được dữ liệu nào của yêu cầu trong một thời gian nên đã dừng. Xin kiểm tra kết nối mạng rồi gửi lại.",
    );
    resp.headers_mut().remove(header::RETRY_AFTER);
    // The rest of the body is never read: the connection cannot carry another request.
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// Connection-level settings of `serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most connections open at once from one client address (the TCP peer: behind a reverse proxy, the
    /// proxy's address); a new connection over it is closed at once. `None`: no per-address cap.
    pub max_connections_per_address: Option<usize>,
    /// Time a client has to send a request's headers, from the moment the server starts reading them
    /// (also closes idle keep-alive connections after that time).
    pub header_timeout: Duration,
    /// Longest wait for open connections to finish at shutdown.
    pub shutdown_grace: Duration,
}

/// Open connections per client address, for the per-address cap of `serve`.
#[derive(Debug, Default)]
struct PerAddress {
    open: Mutex<HashMap<std::net::IpAddr, (usize, bool)>>,
}

/// One open connection of an address; given back when dropped.
struct AddressSlot {
    table: Arc<PerAddress>,
    ip: std::net::IpAddr,
}

impl PerAddress {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<std::net::IpAddr, (usize, bool)>> {
        match self.open.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Counts a new connection of `ip`, or `None` when it already has `max` open (logged once until it
    /// drops back under the cap).
    fn try_take(self: &Arc<Self>, ip: std::net::IpAddr, max: usize) -> Option<AddressSlot> {
        let mut map = self.lock();
        let (n, warned) = map.entry(ip).or_insert((0, false));
        if *n >= max {
            if !*warned {
                *warned = true;
                tracing::warn!(%ip, max, "per-address connection limit reached; new connections are closed");
            }
            return None;
        }
        *n += 1;
        *warned = false;
        Some(AddressSlot {
            table: Arc::clone(self),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self.table.lock();
        if let Some((n, _)) = map.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// File descriptors kept free for the database, uploads' temporary files and logs.
const FD_RESERVE: u64 = 64;

/// Raises the open-files soft limit to the hard limit (Unix); returns the soft limit now in force.
pub fn raise_open_files_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "cannot raise the open-files limit");
                rlimit::Resource::NOFILE.get().ok().map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The connection cap actually used: the requested one, kept below the open-files limit minus a reserve.
pub fn effective_max_connections(requested: usize, open_files: Option<u64>) -> usize {
    let requested = requested.max(1);
    match open_files {
        Some(limit) => {
            let room = usize::try_from(limit.saturating_sub(FD_RESERVE)).unwrap_or(usize::MAX);
            requested.min(room.max(8))
        }
        None => requested,
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then waits (at most `shutdown_grace`) for open
/// connections. Requests carry `ConnectInfo<SocketAddr>` like `axum::serve` with connect info.
pub async fn serve<F>(
    listener: tokio::net::TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send,
{
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let per_address = Arc::new(PerAddress::default());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    let mut warned_full = false;
    loop {
        let permit = match Arc::clone(&slots).try_acquire_owned() {
            Ok(p) => {
                warned_full = false;
                p
            }
            Err(_) => {
                if !warned_full {
                    tracing::warn!(
                        max = options.max_connections,
                        "connection limit reached; new connections wait"
                    );
                    warned_full = true;
                }
                tokio::select! {
                    p = Arc::clone(&slots).acquire_owned() => match p {
                        Ok(p) => p,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, remote) = tokio::select! {
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(e) => {
                    drop(permit);
                    if !is_connection_error(&e) {
                        tracing::error!(error = %e, "accept error");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // One address may not hold every slot (slow clients, OWASP ASVS V13 / CWE-400): over its cap the
        // connection is closed at once, before anything is read.
        let address_slot = match options.max_connections_per_address {
            Some(max) => match per_address.try_take(remote.ip(), max.max(1)) {
                Some(s) => Some(s),
                None => {
                    drop(stream);
                    drop(permit);
                    continue;
                }
            },
            None => None,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            app.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %remote, "connection ended with an error");
            }
            drop(address_slot);
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(options.shutdown_grace) => {
            tracing::warn!("connections still open at shutdown were closed");
        }
    }
    Ok(())
}

/// Errors of one incoming connection (not of the listener): nothing to wait for.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heavy_routes_are_matched_by_method_and_route() {
        assert!(is_heavy(&Method::GET, "/dang-ky/bao-cao"));
        assert!(is_heavy(&Method::GET, "/api/v1/registrations/report"));
        assert!(!is_heavy(&Method::POST, "/dang-ky/bao-cao"));
        assert!(!is_heavy(&Method::GET, "/healthz"));
        assert!(!is_heavy(&Method::GET, "/api/v1/units"));
    }

    #[test]
    fn connection_cap_stays_below_the_open_files_limit() {
        assert_eq!(effective_max_connections(512, Some(1024)), 512);
        assert_eq!(effective_max_connections(512, Some(256)), 192);
        assert_eq!(effective_max_connections(512, Some(10)), 8);
        assert_eq!(effective_max_connections(512, None), 512);
        assert_eq!(effective_max_connections(0, None), 1);
    }

    #[test]
    fn user_slots_are_counted_and_given_back() {
        let limits = Limits::new(&crate::WebConfig {
            heavy_per_user: 2,
            ..Default::default()
        });
        let a = limits.try_user(1);
        let b = limits.try_user(1);
        assert!(a.is_some() && b.is_some());
        assert!(limits.try_user(1).is_none());
        assert!(limits.try_user(2).is_some());
        drop(a);
        assert!(limits.try_user(1).is_some());
    }
}
