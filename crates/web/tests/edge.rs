//! Limits at the edge over HTTP, in process: response headers (no caching of personal data, HSTS only
//! behind HTTPS), heavy reports limited per user and server-wide while ordinary requests pass, and forms
//! a role may not submit answered like the refused submission.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, looks_vietnamese, Resp, TestApp};
use std::sync::Arc;
use std::time::Duration;

const NOT_FOUND_TEXT: &str = "Không tìm thấy";

fn assert_security_headers(r: &Resp, what: &str) {
    let csp = r.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{what}: CSP {csp:?}"
    );
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{what}");
}

fn assert_no_store(r: &Resp, what: &str) {
    assert_eq!(
        r.header("cache-control"),
        Some("no-store"),
        "{what}: status {}",
        r.status
    );
}

#[tokio::test]
async fn personal_data_is_never_cached_and_public_pages_keep_their_caching() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let m = app.fx.member("Trần Thị Mai").clone();

        let page = app
            .page(&format!("/dang-vien/{}", m.id), Some(&office.cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        assert!(page.text().contains(&m.card));
        assert_no_store(&page, "member page");
        assert_security_headers(&page, "member page");
        assert_eq!(page.header("strict-transport-security"), None);

        let list = app.page("/dang-vien", Some(&office.cookie)).await;
        assert_no_store(&list, "member list");

        let export = app
            .page("/xuat/dang-vien?dinh_dang=csv", Some(&office.cookie))
            .await;
        assert_eq!(export.status, StatusCode::OK, "{}", export.text());
        assert!(
            export.text().contains(&m.card),
            "the export holds the cards"
        );
        assert_no_store(&export, "member export (file)");

        let token = app.token("office.tu").await;
        let api = app
            .get(&format!("/api/v1/members/{}", m.id), Some(&token))
            .await;
        assert_eq!(api.status, StatusCode::OK);
        assert_no_store(&api, "API member");
        let api_export = app
            .get("/api/v1/export/members?format=csv", Some(&token))
            .await;
        assert_no_store(&api_export, "API export");

        // Error pages and the login page carry it too.
        let missing = app.page("/dang-vien/999999", Some(&office.cookie)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_no_store(&missing, "not-found page");
        assert_no_store(&app.page("/dang-nhap", None).await, "login page");

        // The public portal revalidates its own pages instead; static files keep their hour.
        let portal = app.page("/cong-khai", None).await;
        assert_eq!(portal.status, StatusCode::OK, "{}", portal.text());
        assert_eq!(portal.header("cache-control"), Some("public, no-cache"));
        assert_security_headers(&portal, "portal");
        let css = app.page("/static/app.css", None).await;
        assert_eq!(css.header("cache-control"), Some("public, max-age=3600"));
        assert_security_headers(&css, "static");
    })
    .await;
}

#[tokio::test]
async fn hsts_only_with_secure_cookies() {
    each_backend(|app| async move {
        let plain = app.page("/healthz", None).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert_eq!(plain.header("strict-transport-security"), None);

        let secure = TestApp {
            router: web::router(
                app.db.clone(),
                web::WebConfig {
                    secure_cookies: true,
                    ..Default::default()
                },
            ),
            ..app.clone()
        };
        for uri in ["/healthz", "/dang-nhap", "/cong-khai", "/static/app.js"] {
            let r = secure.page(uri, None).await;
            assert_eq!(
                r.header("strict-transport-security"),
                Some("max-age=31536000"),
                "{uri}"
            );
        }
    })
    .await;
}

/// The app over counters the test can hold: one heavy request per user, one in the whole server, and a
/// short wait for the server-wide slot so the refusal comes quickly.
fn with_limits(app: &TestApp) -> (TestApp, Arc<web::limits::Limits>) {
    let config = web::WebConfig {
        heavy_per_user: 1,
        heavy_global: 1,
        heavy_wait: Duration::from_millis(50),
        ..Default::default()
    };
    let limits = web::limits::Limits::new(&config);
    let router = web::router_with_limits(app.db.clone(), config, Arc::clone(&limits));
    (
        TestApp {
            router,
            ..app.clone()
        },
        limits,
    )
}

#[tokio::test]
async fn a_user_runs_one_heavy_report_at_a_time_and_others_are_not_held_up() {
    each_backend(|app| async move {
        let (app, limits) = with_limits(&app);
        let ward = app.browser("bithu.p1").await;
        let office = app.browser("office.tu").await;
        let ward_token = app.token("bithu.p1").await;
        let ward_id = app.principal(&ward_token).await.user_id;

        let report = "/dang-ky/bao-cao";
        assert_eq!(
            app.page(report, Some(&ward.cookie)).await.status,
            StatusCode::OK
        );

        // While the ward secretary's first report is still being made, a second one waits its turn …
        let running = limits.try_user(ward_id).expect("a free slot");
        let again = app.page(report, Some(&ward.cookie)).await;
        assert_eq!(
            again.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            again.text()
        );
        assert_eq!(again.header("retry-after"), Some("5"));
        assert!(
            again
                .text()
                .contains("Báo cáo đang được tạo, xin chờ giây lát"),
            "{}",
            again.text()
        );
        assert_no_store(&again, "wait page");
        for uri in ["/xuat/dang-vien", "/dang-ky/bao-cao.xlsx", "/chuyen-can"] {
            let r = app.page(uri, Some(&ward.cookie)).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{uri}");
        }
        let api = app
            .get("/api/v1/registrations/report?unit=P1", Some(&ward_token))
            .await;
        assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(api.header("retry-after"), Some("5"));
        let problem = api.assert_problem("heavy API refused");
        assert!(looks_vietnamese(problem["detail"].as_str().unwrap()));
        // Every registration of the year in the subtree, and the approval queue over it, are heavy too.
        let index = app.page("/dang-ky", Some(&ward.cookie)).await;
        assert_eq!(index.status, StatusCode::TOO_MANY_REQUESTS, "/dang-ky");
        for uri in [
            "/api/v1/registrations?unit=P1",
            "/api/v1/registrations/queue",
        ] {
            let r = app.get(uri, Some(&ward_token)).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{uri}");
        }

        // … while another user's report, and the same user's ordinary pages, go through.
        let other = app.page(report, Some(&office.cookie)).await;
        assert_eq!(other.status, StatusCode::OK, "{}", other.text());
        let ordinary = app.page("/dang-vien", Some(&ward.cookie)).await;
        assert_eq!(ordinary.status, StatusCode::OK);
        let units = app.get("/api/v1/units", Some(&ward_token)).await;
        assert_eq!(units.status, StatusCode::OK);

        // Once the first one is done, the next one runs.
        drop(running);
        assert_eq!(
            app.page(report, Some(&ward.cookie)).await.status,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn heavy_reports_share_a_server_wide_cap_that_leaves_ordinary_requests_alone() {
    each_backend(|app| async move {
        let (app, limits) = with_limits(&app);
        let office = app.browser("office.tu").await;
        let token = app.token("admin.tu").await;

        // Every server-wide slot busy with someone else's report.
        let busy = limits.try_global().expect("one server-wide slot");
        assert!(limits.try_global().is_none());

        let page = app.page("/dang-ky/bao-cao", Some(&office.cookie)).await;
        assert_eq!(
            page.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            page.text()
        );
        assert!(page.header("retry-after").is_some());
        assert!(looks_vietnamese(&page.text()));
        let api = app
            .get("/api/v1/registrations/report?unit=TU", Some(&token))
            .await;
        assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
        api.assert_problem("server-wide cap");

        // Health checks and ordinary requests do not queue behind reports.
        assert_eq!(app.page("/healthz", None).await.status, StatusCode::OK);
        assert_eq!(
            app.get("/api/v1/units", Some(&token)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.page("/dang-vien", Some(&office.cookie)).await.status,
            StatusCode::OK
        );

        // A refused request gave its per-user slot back.
        drop(busy);
        let page = app.page("/dang-ky/bao-cao", Some(&office.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    })
    .await;
}

/// `HEAVY_ROUTES` and `UPLOAD_ROUTES` name real routes: a route that no longer exists would silently lose its
/// limit.
#[tokio::test]
async fn every_heavy_route_exists() {
    each_backend(|app| async move {
        for (method, path) in web::limits::HEAVY_ROUTES
            .iter()
            .chain(web::limits::UPLOAD_ROUTES)
        {
            let uri = path
                .replace("{id}", "1")
                .replace("{section}", "hoc-tap")
                .replace("{code}", "P1")
                .replace("{file}", "thong-bao.docx");
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let r = app.raw(method, &uri, None, None, Vec::new()).await;
            if uri.starts_with("/api/") {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}: {}", r.text());
            } else {
                assert!(
                    r.status.is_redirection()
                        && r.header("location")
                            .is_some_and(|l| l.starts_with("/dang-nhap")),
                    "{uri}: {} {:?}",
                    r.status,
                    r.header("location")
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn inspector_and_member_get_no_form_they_cannot_submit() {
    each_backend(|app| async move {
        let inspector = app.browser("kiemtra.tu").await;
        let member = app.browser("dangvien.p1c1").await;
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).clone();
        let other = app.fx.member("Phạm Quốc Dũng").clone();

        // The inspector reads every member of the city, but may change none of them.
        let read = app
            .page(&format!("/dang-vien/{}", other.id), Some(&inspector.cookie))
            .await;
        assert_eq!(read.status, StatusCode::OK);
        for uri in [
            format!("/dang-vien/{}/sua", other.id),
            format!("/dang-vien/{}/chuyen", other.id),
            "/dang-vien/moi".to_string(),
            "/tai-khoan".to_string(),
            "/hoc-tap/moi".to_string(),
            "/sinh-hoat/moi".to_string(),
            "/mo-hinh/moi".to_string(),
            format!("/dang-ky/viet?dang-vien={}", other.id),
        ] {
            let r = app.page(&uri, Some(&inspector.cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "inspector GET {uri}");
            assert!(r.text().contains(NOT_FOUND_TEXT), "inspector GET {uri}");
            assert!(!r.text().contains("name=\"full_name\""), "{uri}");
        }
        // … exactly as the submission is answered, whether the form is valid or not.
        for fields in [
            vec![("csrf", inspector.csrf.as_str()), ("full_name", "Tên Mới")],
            vec![("csrf", inspector.csrf.as_str()), ("full_name", "")],
        ] {
            let r = app
                .post_form(
                    &format!("/dang-vien/{}/sua", other.id),
                    Some(&inspector.cookie),
                    &fields,
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "inspector POST edit");
        }
        let r = app
            .post_form(
                &format!("/dang-vien/{}/chuyen", other.id),
                Some(&inspector.cookie),
                &[("csrf", inspector.csrf.as_str()), ("unit_code", "P2-C1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "inspector POST transfer");

        // A member account edits none of the records, not even its own …
        for uri in [
            format!("/dang-vien/{}/sua", own.id),
            format!("/dang-vien/{}/chuyen", own.id),
            "/dang-vien/moi".to_string(),
            "/mo-hinh/moi".to_string(),
            "/hoc-tap/moi".to_string(),
        ] {
            let r = app.page(&uri, Some(&member.cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "member GET {uri}");
        }
        // … but still writes its own registration.
        let own_reg = app.page("/dang-ky/viet", Some(&member.cookie)).await;
        assert_eq!(own_reg.status, StatusCode::OK, "{}", own_reg.text());

        // Those who may submit still get the forms.
        let ward = app.browser("bithu.p1").await;
        for uri in [
            format!("/dang-vien/{}/sua", other.id),
            format!("/dang-vien/{}/chuyen", other.id),
            format!("/dang-ky/viet?dang-vien={}", other.id),
        ] {
            let r = app.page(&uri, Some(&ward.cookie)).await;
            assert_eq!(r.status, StatusCode::OK, "ward secretary GET {uri}");
        }
        // A cell secretary reads nothing of the other cell: not found, as before.
        let cell = app.browser("bithu.p1c1").await;
        let r = app
            .page(&format!("/dang-vien/{}/sua", other.id), Some(&cell.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// A request whose body starts and never finishes is answered (503, in Vietnamese) once the request
/// timeout is over, on pages and on the API, instead of holding its task forever.
#[tokio::test]
async fn a_request_body_that_never_ends_is_cut_off_by_the_request_timeout() {
    use axum::body::Body;
    use axum::http::{header, Request};
    use futures_util::stream::{self, StreamExt};

    each_backend(|app| async move {
        let config = web::WebConfig {
            request_timeout: Duration::from_millis(300),
            long_request_timeout: Duration::from_millis(300),
            ..Default::default()
        };
        let app = TestApp {
            router: web::router(app.db.clone(), config),
            ..app.clone()
        };
        let token = app.token("admin.tu").await;
        for (uri, ctype) in [
            ("/dang-nhap", "application/x-www-form-urlencoded"),
            ("/api/v1/auth/token", "application/json"),
            ("/api/v1/import/members", "text/csv"),
        ] {
            let body = stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from_static(
                b"username=",
            ))])
            .chain(stream::pending());
            let req = Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::CONTENT_TYPE, ctype)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from_stream(body))
                .unwrap();
            let r = tokio::time::timeout(Duration::from_secs(60), app.send(req))
                .await
                .unwrap_or_else(|_| panic!("{uri}: the request was never answered"));
            assert_eq!(
                r.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{uri}: {}",
                r.text()
            );
            assert!(looks_vietnamese(&r.text()), "{uri}: {}", r.text());
        }
    })
    .await;
}

/// A request body whose start arrives and whose rest never comes.
fn stalled_body(start: &'static [u8]) -> axum::body::Body {
    use futures_util::stream::{self, StreamExt};
    let body = stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from_static(
        start,
    ))])
    .chain(stream::pending());
    axum::body::Body::from_stream(body)
}

/// The long timeout of uploads is chosen by the route: a client that labels an ordinary request
/// `multipart/form-data` still gets the ordinary timeout.
#[tokio::test]
async fn a_multipart_header_does_not_buy_the_long_timeout() {
    use axum::http::{header, Request};

    each_backend(|app| async move {
        let config = web::WebConfig {
            request_timeout: Duration::from_millis(300),
            long_request_timeout: Duration::from_secs(600),
            body_idle_timeout: Duration::from_secs(600),
            ..Default::default()
        };
        let app = TestApp {
            router: web::router(app.db.clone(), config),
            ..app.clone()
        };
        let token = app.token("admin.tu").await;
        // An ordinary route that reads its body whatever its type.
        for uri in ["/api/v1/registrations/1/submit"] {
            let req = Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(stalled_body(b"--x\r\n"))
                .unwrap();
            let r = tokio::time::timeout(Duration::from_secs(60), app.send(req))
                .await
                .unwrap_or_else(|_| panic!("{uri}: held open by a multipart header"));
            assert_eq!(
                r.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{uri}: {}",
                r.text()
            );
        }
        // Real upload routes keep the long limit.
        assert!(web::limits::is_upload(&Method::POST, "/nhap-du-lieu"));
        assert!(web::limits::is_upload(
            &Method::POST,
            "/api/v1/models/{id}/photos"
        ));
        assert!(!web::limits::is_upload(&Method::POST, "/dang-nhap"));
    })
    .await;
}

/// A body that stops arriving is ended after the idle timeout and answered 408 in Vietnamese, long
/// before the whole-request timeout, on pages, the API and upload routes.
#[tokio::test]
async fn a_stalled_request_body_is_answered_408_after_the_idle_timeout() {
    use axum::http::{header, Request};

    each_backend(|app| async move {
        let config = web::WebConfig {
            request_timeout: Duration::from_secs(600),
            long_request_timeout: Duration::from_secs(600),
            body_idle_timeout: Duration::from_millis(300),
            ..Default::default()
        };
        let app = TestApp {
            router: web::router(app.db.clone(), config),
            ..app.clone()
        };
        let token = app.token("admin.tu").await;
        for (uri, ctype) in [
            ("/dang-nhap", "application/x-www-form-urlencoded"),
            ("/api/v1/auth/token", "application/json"),
            ("/api/v1/import/members", "text/csv"),
        ] {
            let req = Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::CONTENT_TYPE, ctype)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(stalled_body(b"username="))
                .unwrap();
            let r = tokio::time::timeout(Duration::from_secs(60), app.send(req))
                .await
                .unwrap_or_else(|_| panic!("{uri}: the stalled body was never cut"));
            assert_eq!(r.status, StatusCode::REQUEST_TIMEOUT, "{uri}: {}", r.text());
            assert_eq!(r.header("connection"), Some("close"), "{uri}");
            assert!(looks_vietnamese(&r.text()), "{uri}: {}", r.text());
            if uri.starts_with("/api/") {
                r.assert_problem("stalled body");
            }
        }
        // A body that arrives whole is not affected.
        let ok = app
            .api(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(&serde_json::json!({"username": "khong.co", "password": "sai"})),
            )
            .await;
        assert_ne!(ok.status, StatusCode::REQUEST_TIMEOUT);
    })
    .await;
}

/// Import templates are built on the blocking pool and still arrive whole.
#[tokio::test]
async fn import_templates_download_as_xlsx() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        for name in ["dang-vien.xlsx", "don-vi.xlsx"] {
            let r = app
                .page(&format!("/nhap-du-lieu/mau/{name}"), Some(&office.cookie))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert!(r.body.starts_with(b"PK"), "{name}: not an XLSX file");
            assert!(r
                .header("content-disposition")
                .is_some_and(|d| d.contains(&format!("mau-nhap-{name}"))));
        }
    })
    .await;
}
