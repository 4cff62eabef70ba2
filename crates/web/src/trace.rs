//! Request tracing. Every request gets an id (`X-Request-Id`: the client's when it is sane, else a random
//! one; echoed in the response) and one span carrying that id, the method, the matched route pattern, the
//! signed-in user's id (recorded by the `auth` extractors), the status and the latency. One line is logged
//! when the request is answered: INFO, or WARN for a 5xx.
//!
//! The span never holds the raw path or query string: they carry record ids and search terms, i.e.
//! personal data. Only the route pattern (`/dang-vien/{id}`) is logged; an unmatched path is logged as
//! `unmatched`.
//!
//! Database statements run inside the request's span (sqlx reports each one as a `sqlx::query` event; on
//! SQLite from its worker thread, which enters the caller's span). [`db_timing_layer`] counts them per
//! request, so the request line says how many statements ran and how long they took, and a request slower
//! than `WebConfig::slow_request` gets a WARN line with those numbers.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::Router;
use std::time::Duration;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{MakeSpan, OnFailure, OnResponse, TraceLayer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Span, Subscriber};
use tracing_subscriber::filter::{Filtered, Targets};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// The header carrying the request id, in both directions.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Name of the per-request span.
pub const REQUEST_SPAN: &str = "request";

/// Target of sqlx's per-statement events.
const SQLX_QUERY: &str = "sqlx::query";

/// Longest request id taken from a client.
const MAX_REQUEST_ID_LEN: usize = 64;

/// The route logged for a request no route matched (its raw path is never logged).
const UNMATCHED: &str = "unmatched";

/// Wraps every route of `router` in the request-id and tracing layers. `slow` is the time above which a
/// request is logged again as slow, with its database timings.
pub fn layer(router: Router, slow: Duration) -> Router {
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(RequestSpan)
                .on_request(())
                .on_body_chunk(())
                .on_eos(())
                .on_response(Finished { slow })
                .on_failure(BodyFailed),
        )
        // Outermost first: an unusable client id is dropped, a missing one is made, and the id is echoed.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, RandomRequestId))
        .layer(axum::middleware::map_request(drop_unusable_request_id))
}

/// Whether a client's request id may be kept: 1 to 64 characters of `[A-Za-z0-9._-]`. Anything else could
/// forge log lines or smuggle data into them.
pub fn is_usable_request_id(value: &[u8]) -> bool {
    !value.is_empty()
        && value.len() <= MAX_REQUEST_ID_LEN
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Removes the client's `X-Request-Id` unless there is exactly one and it is usable; a new id is then made.
async fn drop_unusable_request_id(mut req: Request) -> Request {
    let headers = req.headers_mut();
    let mut values = headers.get_all(&REQUEST_ID_HEADER).iter();
    let keep = match (values.next(), values.next()) {
        (Some(v), None) => is_usable_request_id(v.as_bytes()),
        (None, _) => true,
        (Some(_), Some(_)) => false,
    };
    if !keep {
        headers.remove(&REQUEST_ID_HEADER);
    }
    req
}

/// Makes request ids of 16 random hexadecimal digits.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        use rand::RngCore;
        let mut bytes = [0u8; 8];
        rand::thread_rng().fill_bytes(&mut bytes);
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Opens the request's span. `user`, `status` and `latency_ms` are recorded later.
#[derive(Debug, Clone, Copy)]
struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &axum::http::Request<B>) -> Span {
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .unwrap_or("-");
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or(UNMATCHED, MatchedPath::as_str);
        tracing::info_span!(
            "request",
            request_id,
            method = req.method().as_str(),
            route,
            user = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        )
    }
}

/// Milliseconds with microsecond precision.
fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// The request line, and the slow-request line when the request took longer than `slow`.
#[derive(Debug, Clone, Copy)]
struct Finished {
    slow: Duration,
}

impl<B> OnResponse<B> for Finished {
    fn on_response(self, response: &axum::http::Response<B>, latency: Duration, span: &Span) {
        let status = response.status();
        span.record("status", status.as_u16());
        span.record("latency_ms", millis(latency));
        let stats = RequestStats::of(span);
        let (statements, db_ms) = stats
            .as_ref()
            .map_or((0, 0.0), |s| (s.statements, millis(s.db_time)));
        if status.is_server_error() {
            tracing::warn!(db_statements = statements, db_ms, "request failed");
        } else {
            tracing::info!(db_statements = statements, db_ms, "request finished");
        }
        if latency >= self.slow {
            let (request_id, route) = stats.as_ref().map_or(("-", UNMATCHED), |s| {
                (s.request_id.as_str(), s.route.as_str())
            });
            tracing::warn!(
                request_id,
                route,
                total_ms = millis(latency),
                db_statements = statements,
                db_ms,
                threshold_ms = millis(self.slow),
                "slow request"
            );
        }
    }
}

/// A response body that failed while streaming (5xx statuses are already logged by `Finished`).
#[derive(Debug, Clone, Copy)]
struct BodyFailed;

impl OnFailure<ServerErrorsFailureClass> for BodyFailed {
    fn on_failure(&mut self, class: ServerErrorsFailureClass, latency: Duration, _: &Span) {
        if let ServerErrorsFailureClass::Error(error) = class {
            tracing::warn!(error, latency_ms = millis(latency), "response failed");
        }
    }
}

/// What a request span has collected: its id and route (copied when it opened) and the database
/// statements run inside it. Kept in the span's extensions by [`DbTimingLayer`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestStats {
    pub request_id: String,
    pub route: String,
    /// Statements sqlx reported inside the span.
    pub statements: u64,
    /// Their total execution time.
    pub db_time: Duration,
}

impl RequestStats {
    /// The numbers collected so far for `span`, when the installed subscriber is a `Registry` with
    /// [`db_timing_layer`] and the span is enabled.
    pub fn of(span: &Span) -> Option<RequestStats> {
        span.with_subscriber(|(id, dispatch)| {
            let registry = dispatch.downcast_ref::<tracing_subscriber::Registry>()?;
            let data = registry.span(id)?;
            let stats = data.extensions().get::<RequestStats>().cloned();
            stats
        })
        .flatten()
    }
}

/// Sums sqlx's statement timings into the enclosing request span. Install it with [`db_timing_layer`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DbTimingLayer;

/// [`DbTimingLayer`] with its own filter: it sees request spans and sqlx's DEBUG statement events (sqlx
/// only builds those events when some layer wants them), whatever the filter of the log output says, so
/// statement lines need not be printed to be counted.
pub fn db_timing_layer<S>() -> Filtered<DbTimingLayer, Targets, S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    DbTimingLayer.with_filter(
        Targets::new()
            .with_target(SQLX_QUERY, tracing::Level::TRACE)
            .with_target(module_path!(), tracing::Level::INFO),
    )
}

/// Copies the `request_id` and `route` fields of a request span.
#[derive(Default)]
struct SpanFields {
    request_id: Option<String>,
    route: Option<String>,
}

impl Visit for SpanFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "request_id" => self.request_id = Some(value.to_string()),
            "route" => self.route = Some(value.to_string()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "request_id" => self.request_id = Some(format!("{value:?}")),
            "route" => self.route = Some(format!("{value:?}")),
            _ => {}
        }
    }
}

/// The `elapsed_secs` field of a sqlx statement event.
#[derive(Default)]
struct Elapsed(Option<f64>);

impl Visit for Elapsed {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S> Layer<S> for DbTimingLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let meta = attrs.metadata();
        if meta.name() != REQUEST_SPAN || meta.target() != module_path!() {
            return;
        }
        let mut fields = SpanFields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(RequestStats {
                request_id: fields.request_id.unwrap_or_default(),
                route: fields.route.unwrap_or_default(),
                ..RequestStats::default()
            });
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != SQLX_QUERY {
            return;
        }
        let mut elapsed = Elapsed::default();
        event.record(&mut elapsed);
        let Some(secs) = elapsed.0.filter(|s| s.is_finite() && *s >= 0.0) else {
            return;
        };
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            let mut extensions = span.extensions_mut();
            if let Some(stats) = extensions.get_mut::<RequestStats>() {
                stats.statements += 1;
                stats.db_time += Duration::from_secs_f64(secs);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_request_ids() {
        assert!(is_usable_request_id(b"test-123"));
        assert!(is_usable_request_id(b"A.b_C-9"));
        assert!(is_usable_request_id(&[b'a'; 64]));
        assert!(!is_usable_request_id(&[b'a'; 65]));
        assert!(!is_usable_request_id(b""));
        assert!(!is_usable_request_id(b"a b"));
        assert!(!is_usable_request_id(b"a\"b"));
        assert!(!is_usable_request_id("Nguyễn".as_bytes()));
        assert!(!is_usable_request_id(b"x=1&y=2"));
    }

    #[test]
    fn random_ids_are_usable_and_differ() {
        let req = axum::http::Request::new(());
        let a = RandomRequestId
            .make_request_id(&req)
            .map(RequestId::into_header_value);
        let b = RandomRequestId
            .make_request_id(&req)
            .map(RequestId::into_header_value);
        let (Some(a), Some(b)) = (a, b) else {
            panic!("no id made");
        };
        assert_eq!(a.len(), 16);
        assert!(is_usable_request_id(a.as_bytes()));
        assert_ne!(a, b);
    }
}
