//! Login hardening over HTTP, on both backends: bursts of wrong passwords reach Argon2 at most five
//! times and never stall `/healthz`; a refused login says how long to wait; the owner's known device (a
//! cookie for the form, a `device` field for the API) is not held up; `next` only leads to a path of
//! this site; the password rule answers on the account form, the password change and the API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use serde_json::json;
use std::time::Duration;
use tower::ServiceExt;

/// One request on `router`, read to the end.
async fn send(router: &Router, req: Request<Body>) -> Resp {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

/// `POST /api/v1/auth/token` with an optional `X-Forwarded-For` and device token.
async fn token_request(
    router: &Router,
    username: &str,
    password: &str,
    forwarded_for: Option<&str>,
    device: Option<&str>,
) -> Resp {
    let mut body = json!({"username": username, "password": password});
    if let Some(d) = device {
        body["device"] = json!(d);
    }
    let mut b = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(a) = forwarded_for {
        b = b.header("x-forwarded-for", a);
    }
    send(router, b.body(Body::from(body.to_string())).unwrap()).await
}

/// `/healthz` must answer within a generous bound while `burst` runs ("does not hang", not a speed test).
/// It is asked once password checks have begun, when the async workers would be busy if they ran them.
async fn healthz_answers_during(
    router: &Router,
    db: &store::Db,
    checks_before: u64,
    burst: tokio::task::JoinSet<Resp>,
) -> Vec<Resp> {
    tokio::time::timeout(Duration::from_secs(60), async {
        while db.accounts().password_checks() == checks_before {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .expect("the burst reached the password checks");
    let health = tokio::time::timeout(
        Duration::from_secs(2),
        send(
            router,
            Request::get("/healthz").body(Body::empty()).unwrap(),
        ),
    )
    .await
    .expect("/healthz answered while the burst ran");
    assert_eq!(health.status, StatusCode::OK);
    burst.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_passwords_reaches_argon2_five_times_and_healthz_answers() {
    each_backend(|app| async move {
        let before = app.db.accounts().password_checks();
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..150 {
            let router = app.router.clone();
            burst.spawn(async move {
                token_request(&router, "bithu.p1", "SaiMatKhau123", None, None).await
            });
        }
        let answers = healthz_answers_during(&app.router, &app.db, before, burst).await;
        let count = |s: StatusCode| answers.iter().filter(|r| r.status == s).count();
        assert_eq!(
            (
                count(StatusCode::UNAUTHORIZED),
                count(StatusCode::TOO_MANY_REQUESTS)
            ),
            (5, 145)
        );
        assert_eq!(app.db.accounts().password_checks() - before, 5);
        // The right password now waits too; the answer says how long, in Vietnamese and in Retry-After.
        let r = token_request(&app.router, "bithu.p1", PASSWORD, None, None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
        assert_eq!(r.header("retry-after"), Some("60"));
        assert!(r.text().contains("Hãy thử lại sau 1 phút"), "{}", r.text());
        assert_eq!(app.db.accounts().password_checks() - before, 5);
    })
    .await;
}

/// One async worker only: if a password check ran on it, `/healthz` would queue behind a hundred of them
/// (on PostgreSQL that takes seconds; on SQLite the writer lock spaces the checks out, so there the test
/// only proves that nothing hangs).
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn healthz_answers_while_passwords_are_checked_for_many_accounts() {
    each_backend(|app| async move {
        // A hundred user names from a hundred addresses: every attempt is admitted and checked.
        let config = web::WebConfig {
            trust_proxy: true,
            ..Default::default()
        };
        let router = web::router(app.db.clone(), config);
        let before = app.db.accounts().password_checks();
        let mut burst = tokio::task::JoinSet::new();
        for i in 0..100 {
            let router = router.clone();
            burst.spawn(async move {
                let address = format!("10.20.0.{i}");
                token_request(
                    &router,
                    &format!("khongco{i}"),
                    "SaiMatKhau123",
                    Some(&address),
                    None,
                )
                .await
            });
        }
        let answers = healthz_answers_during(&router, &app.db, before, burst).await;
        assert!(answers.iter().all(|r| r.status == StatusCode::UNAUTHORIZED));
        assert_eq!(app.db.accounts().password_checks() - before, 100);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_signs_in_from_a_known_device_during_an_attack() {
    each_backend(|app| async move {
        let config = web::WebConfig {
            secure_cookies: true,
            ..Default::default()
        };
        let secure = web::router(app.db.clone(), config);
        // The owner signs in once in their browser: a long-lived device cookie, HttpOnly and Secure.
        let (pre, csrf) = app.login_form().await;
        let login = |password: &'static str, cookie: String, csrf: String| {
            let secure = secure.clone();
            async move {
                let form = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("username", "bithu.p1")
                    .append_pair("password", password)
                    .append_pair("csrf", &csrf)
                    .append_pair("next", "/dang-vien")
                    .finish();
                let req = Request::post("/dang-nhap")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, cookie)
                    .body(Body::from(form))
                    .unwrap();
                send(&secure, req).await
            }
        };
        let prelogin = format!("{}={pre}", web::auth::PRELOGIN_COOKIE);
        let r = login(PASSWORD, prelogin.clone(), csrf.clone()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let name = web::auth::device_cookie_name("bithu.p1");
        let set = r
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .expect("device cookie");
        assert!(
            set.contains("HttpOnly") && set.contains("Secure") && set.contains("Max-Age=15552000")
        );
        let device = r.cookie(&name).unwrap();
        // Someone else tries five wrong passwords, then even the right one must wait.
        for _ in 0..5 {
            let r = login("SaiMatKhau123", prelogin.clone(), csrf.clone()).await;
            assert!(r.text().contains("Tên đăng nhập hoặc mật khẩu không đúng"));
        }
        let r = login(PASSWORD, prelogin.clone(), csrf.clone()).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("Hãy thử lại sau 1 phút"), "{}", r.text());
        assert!(r.cookie(web::auth::SESSION_COOKIE).is_none());
        // The owner's browser shows its device cookie and gets in.
        let r = login(
            PASSWORD,
            format!("{prelogin}; {name}={device}"),
            csrf.clone(),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.header("location"), Some("/dang-vien"));
        assert!(r.cookie(web::auth::SESSION_COOKIE).is_some());
        assert_eq!(r.cookie(&name).as_deref(), Some(device.as_str()));
        // The API follows the same rule: refused without a device, let in with the one it was given.
        let r = token_request(&app.router, "bithu.p1", PASSWORD, None, None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        let r = token_request(&app.router, "bithu.p1", PASSWORD, None, Some(&device)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let api_device = r.json()["device"].as_str().unwrap().to_string();
        assert_eq!(api_device, device);
        // Another account's device proves nothing for this one.
        for _ in 0..5 {
            token_request(&app.router, "office.tu", "SaiMatKhau123", None, None).await;
        }
        let r = token_request(&app.router, "office.tu", PASSWORD, None, Some(&device)).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    })
    .await;
}

/// Percent-encodes a value for a query string.
fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

const OFF_SITE: [&str; 13] = [
    "//x",
    "/\\x",
    "/%09/x",
    "/\t/evil.example",
    "/%2F%2Fx",
    "/%252F%252Fx",
    "https://x",
    "/\r\nSet-Cookie: a=b",
    "/%0d%0aSet-Cookie:%20a=b",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/ \\evil",
    "",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_only_leads_to_a_path_of_this_site() {
    each_backend(|app| async move {
        // The form keeps only a same-site path.
        for bad in OFF_SITE {
            let r = app
                .page(&format!("/dang-nhap?next={}", enc(bad)), None)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{bad:?}");
            assert_eq!(
                hidden_field(&r.text(), "next").as_deref(),
                Some("/"),
                "{bad:?}"
            );
        }
        // The probe as sent: a raw %09 in the query.
        let r = app.page("/dang-nhap?next=/%09/evil.example", None).await;
        assert_eq!(hidden_field(&r.text(), "next").as_deref(), Some("/"));
        for good in [
            "/dang-vien",
            "/dang-vien?q=nguy%E1%BB%85n",
            "/buoi-hoc/5#diem-danh",
        ] {
            let r = app
                .page(&format!("/dang-nhap?next={}", enc(good)), None)
                .await;
            assert_eq!(
                hidden_field(&r.text(), "next").as_deref(),
                Some(good),
                "{good:?}"
            );
        }
        // A successful login with a forged `next` (posted directly) lands on "/", never on a 500.
        for bad in OFF_SITE {
            let (pre, csrf) = app.login_form().await;
            let r = app
                .post_form(
                    "/dang-nhap",
                    Some(&format!("{}={pre}", web::auth::PRELOGIN_COOKIE)),
                    &[
                        ("username", "bithu.p1"),
                        ("password", PASSWORD),
                        ("csrf", &csrf),
                        ("next", bad),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{bad:?}: {}", r.text());
            assert_eq!(r.header("location"), Some("/"), "{bad:?}");
        }
        let r = app.login_submit("bithu.p1", PASSWORD, None).await;
        assert_eq!(r.header("location"), Some("/"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_rule_answers_on_every_form_and_the_api() {
    each_backend(|app| async move {
        // API: account creation.
        let admin = app.token("admin.tu").await;
        for (user, pw, says) in [
            ("webuser", "webuser123", "tên đăng nhập"),
            ("moi.tk", "password12", "phổ biến"),
            ("moi.tk", "aaaaaaaaa1", "phổ biến"),
        ] {
            let r = app
                .api(
                    Method::POST,
                    "/api/v1/accounts",
                    Some(&admin),
                    Some(&json!({"username": user, "password": pw, "role": "secretary", "unit_code": "P1"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{pw}: {}", r.text());
            assert!(r.text().contains(says), "{pw}: {}", r.text());
        }
        // Web: the account form and the password change.
        let b = app.browser("admin.tu").await;
        let r = app
            .post_form(
                "/tai-khoan",
                Some(&b.cookie),
                &[
                    ("csrf", &b.csrf),
                    ("username", "webuser"),
                    ("display_name", "Người thử"),
                    ("role", "secretary"),
                    ("unit_code", "P1"),
                    ("password", "webuser123"),
                ],
            )
            .await;
        assert!(!r.status.is_redirection(), "refused: {}", r.status);
        assert!(r.text().contains("Mật khẩu không được chứa tên đăng nhập"), "{}", r.text());
        assert!(r.text().contains("không phải mật khẩu phổ biến"), "the rule is shown by the field");
        let r = app
            .post_form(
                "/doi-mat-khau",
                Some(&b.cookie),
                &[
                    ("csrf", &b.csrf),
                    ("current", PASSWORD),
                    ("new", "password12"),
                    ("confirm", "password12"),
                ],
            )
            .await;
        assert!(r.text().contains("phổ biến"), "{}", r.text());
        let r = app
            .post_form(
                "/doi-mat-khau",
                Some(&b.cookie),
                &[
                    ("csrf", &b.csrf),
                    ("current", PASSWORD),
                    ("new", "ca phe sang o ben tre"),
                    ("confirm", "ca phe sang o ben tre"),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "a pass phrase is accepted: {}", r.text());
    })
    .await;
}
