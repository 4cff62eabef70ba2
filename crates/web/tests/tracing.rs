//! Request tracing over HTTP, on every backend: the client's `X-Request-Id` is echoed (a generated one when
//! it sends none or an unusable one), every log line of the request — its own line and the database
//! statements run for it, also from SQLite's worker thread — carries that id, the request line names the
//! route pattern and the user's id but never the raw path or query string, and a slow request is logged
//! with its database statement count and time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{each_backend, TestApp};
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Log output captured in memory.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

impl Buffer {
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    /// Lines written since `from` (a length returned by `len`).
    fn lines_since(&self, from: usize) -> Vec<String> {
        let bytes = self.0.lock().unwrap()[from..].to_vec();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

struct Logs {
    text: Buffer,
    json: Buffer,
}

/// The process-wide subscriber, set up like `lamtheo`'s (text and JSON output side by side, the database
/// timing layer beside them), with statement lines printed too. Global, not per thread: SQLite runs
/// statements on its own worker thread.
fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs {
            text: Buffer::default(),
            json: Buffer::default(),
        };
        let filter = || tracing_subscriber::EnvFilter::new("info,sqlx=warn,sqlx::query=debug");
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(logs.text.clone())
                    .with_filter(filter()),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_writer(logs.json.clone())
                    .with_filter(filter()),
            )
            .with(web::trace::db_timing_layer())
            .init();
        logs
    })
}

/// The app with every request logged as slow.
fn all_slow(app: &TestApp) -> TestApp {
    TestApp {
        router: web::router(
            app.db.clone(),
            web::WebConfig {
                slow_request: Duration::ZERO,
                ..Default::default()
            },
        ),
        ..app.clone()
    }
}

/// The JSON lines carrying `id` as a span's request id or as a field.
fn json_lines_of(lines: &[String], id: &str) -> Vec<Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .filter(|v| {
            v["spans"]
                .as_array()
                .is_some_and(|spans| spans.iter().any(|s| s["request_id"] == id))
                || v["fields"]["request_id"] == id
        })
        .collect()
}

/// The request line among `lines` (JSON).
fn request_line(lines: &[Value]) -> &Value {
    lines
        .iter()
        .find(|v| v["target"] == "web::trace" && v["fields"]["message"] == "request finished")
        .unwrap_or_else(|| panic!("no request line in {lines:#?}"))
}

#[tokio::test]
async fn request_id_is_echoed_and_marks_every_line_of_the_request() {
    let logs = logs();
    each_backend(|app| async move {
        let app = all_slow(&app);
        let token = app.token("admin.tu").await;
        let admin = app.principal(&token).await;
        let member = app.fx.member("Nguyễn Văn Bình").id;
        let (text_from, json_from) = (logs.text.len(), logs.json.len());
        let uri = format!("/api/v1/members/{member}?q=tracecanary");
        let r = app
            .send(
                Request::get(&uri)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header("x-request-id", "test-123")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.header("x-request-id"), Some("test-123"));

        // Text output: the request line and at least one statement line carry the id.
        let text: Vec<String> = logs
            .text
            .lines_since(text_from)
            .into_iter()
            .filter(|l| l.contains("test-123"))
            .collect();
        let line = text
            .iter()
            .find(|l| l.contains("request finished"))
            .unwrap_or_else(|| panic!("no request line: {text:#?}"));
        assert!(line.contains(" INFO "), "{line}");
        assert!(line.contains("/api/v1/members/{id}"), "{line}");
        assert!(line.contains(&format!("user={}", admin.user_id)), "{line}");
        assert!(line.contains("status=200"), "{line}");
        assert!(
            text.iter().any(|l| l.contains("sqlx::query")),
            "no statement line carries the request id on {}: {text:#?}",
            app.backend
        );
        // Neither the raw path (with the member's id) nor the query string is logged.
        for l in &text {
            assert!(!l.contains("tracecanary"), "{l}");
            assert!(!l.contains(&format!("/members/{member}")), "{l}");
        }

        // JSON output: the same, as fields.
        let json = json_lines_of(&logs.json.lines_since(json_from), "test-123");
        let line = request_line(&json);
        assert_eq!(line["level"], "INFO");
        let span = &line["span"];
        assert_eq!(span["name"], "request");
        assert_eq!(span["method"], "GET");
        assert_eq!(span["route"], "/api/v1/members/{id}");
        assert_eq!(span["user"], admin.user_id);
        assert_eq!(span["status"], 200);
        assert!(span["latency_ms"].as_f64().is_some(), "{line}");
        let statements = line["fields"]["db_statements"].as_u64().unwrap();
        assert!(statements >= 1, "{line}");
        assert!(
            json.iter().any(|v| v["target"] == "sqlx::query"),
            "{json:#?}"
        );

        // The slow-request line: id, route, total time, statements and their time.
        let slow = json
            .iter()
            .find(|v| v["fields"]["message"] == "slow request")
            .unwrap_or_else(|| panic!("no slow-request line: {json:#?}"));
        assert_eq!(slow["level"], "WARN");
        assert_eq!(slow["fields"]["request_id"], "test-123");
        assert_eq!(slow["fields"]["route"], "/api/v1/members/{id}");
        assert_eq!(slow["fields"]["db_statements"].as_u64(), Some(statements));
        assert!(slow["fields"]["total_ms"].as_f64().is_some(), "{slow}");
        let db_ms = slow["fields"]["db_ms"].as_f64().unwrap();
        assert!(
            db_ms > 0.0 && db_ms <= slow["fields"]["total_ms"].as_f64().unwrap(),
            "{slow}"
        );
        for v in &json {
            let s = v.to_string();
            assert!(!s.contains("tracecanary"), "{s}");
            assert!(!s.contains(&format!("/members/{member}")), "{s}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_request_without_a_usable_id_gets_a_generated_one() {
    let logs = logs();
    each_backend(|app| async move {
        let browser = app.browser("bithu.p1c1").await;
        let member = app.fx.member("Trần Thị Mai").id;
        let too_long = "x".repeat(65);
        for sent in [None, Some("bad id with spaces"), Some(too_long.as_str())] {
            let json_from = logs.json.len();
            let mut req = Request::builder()
                .method(Method::GET)
                .uri(format!("/dang-vien/{member}"))
                .header(header::COOKIE, &browser.cookie);
            if let Some(id) = sent {
                req = req.header("x-request-id", id);
            }
            let r = app.send(req.body(Body::empty()).unwrap()).await;
            assert_eq!(r.status, StatusCode::OK, "{sent:?}");
            let id = r.header("x-request-id").unwrap().to_string();
            assert_eq!(id.len(), 16, "{sent:?}: {id}");
            assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
            let json = json_lines_of(&logs.json.lines_since(json_from), &id);
            let line = request_line(&json);
            assert_eq!(line["span"]["route"], "/dang-vien/{id}");
            assert!(line["span"]["user"].as_i64().is_some(), "{line}");
            assert!(
                !line.to_string().contains(&format!("/dang-vien/{member}")),
                "{line}"
            );
        }

        // Two requests never share a generated id; an unmatched path is logged without its text.
        let json_from = logs.json.len();
        let a = app.page("/khong-co-trang-nay-42", None).await;
        let b = app.page("/khong-co-trang-nay-42", None).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        let (a, b) = (
            a.header("x-request-id").unwrap(),
            b.header("x-request-id").unwrap(),
        );
        assert_ne!(a, b);
        let json = json_lines_of(&logs.json.lines_since(json_from), a);
        let line = request_line(&json);
        assert_eq!(line["span"]["route"], "unmatched");
        assert_eq!(line["span"]["status"], 404);
        assert!(!line.to_string().contains("khong-co-trang"), "{line}");
    })
    .await;
}
