//! Every state-changing page form goes through the one CSRF gate (`extract::CsrfForm` /
//! `extract::CsrfMultipart`): the test walks the page route list (`pages::routes().list()` and the portal's)
//! and, for every POST of a signed-in user, proves that a request without the session's token — or with a
//! wrong one, urlencoded or multipart — is refused and writes nothing. Public forms (the portal, the login
//! form) have no session: they are proved to refuse a cross-site request or a missing pre-login token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use web::routes::{Guard, PageRoute};

/// A concrete address for a route pattern: every `{param}` becomes `1` (the gate answers before any
/// lookup, so the object need not exist).
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            break;
        };
        out.push('1');
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

fn all_routes() -> Vec<PageRoute> {
    let mut routes = web::pages::routes().list().to_vec();
    routes.extend_from_slice(web::portal::routes().list());
    routes
}

fn is_expired_form(r: &Resp) -> bool {
    r.status == StatusCode::FORBIDDEN && r.text().contains("Biểu mẫu đã hết hạn")
}

#[tokio::test]
async fn every_signed_in_post_route_refuses_a_request_without_the_token() {
    each_backend(|app| async move {
        let b = app.browser("admin.tu").await;
        let posts: Vec<PageRoute> = all_routes()
            .into_iter()
            .filter(|r| r.method == "POST" && r.guard == Guard::Csrf)
            .collect();
        assert!(
            posts.len() >= 40,
            "only {} signed-in POST routes listed",
            posts.len()
        );
        let audit_before = app.audit_total().await;
        let members_before = app.member_count().await;
        for route in &posts {
            let uri = concrete(route.path);
            // A form body without the token, then with another session's token.
            let r = app
                .post_form(&uri, Some(&b.cookie), &[("name", "x"), ("text", "x")])
                .await;
            let r_wrong = app
                .post_form(
                    &uri,
                    Some(&b.cookie),
                    &[("csrf", "not-the-token"), ("name", "x")],
                )
                .await;
            // A multipart body without the token (uploads), with a small file.
            let r_multi = app
                .post_multipart(
                    &uri,
                    Some(&b.cookie),
                    &[("caption", "x")],
                    Some(("file", "a.csv", b"x")),
                )
                .await;
            for (what, r) in [
                ("urlencoded", &r),
                ("wrong token", &r_wrong),
                ("multipart", &r_multi),
            ] {
                // A gate refuses with the expired-form page (403), or — when the body is of the other
                // kind than the form expects — with 415 before anything is read.
                assert!(
                    is_expired_form(r) || r.status == StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "POST {} ({what}) answered {} without a valid token: {}",
                    route.path,
                    r.status,
                    r.text().chars().take(300).collect::<String>()
                );
            }
            assert!(
                is_expired_form(&r) || is_expired_form(&r_multi),
                "POST {}: neither the form nor the multipart request met the CSRF gate",
                route.path
            );
        }
        assert_eq!(
            app.audit_total().await,
            audit_before,
            "a refused form wrote"
        );
        assert_eq!(app.member_count().await, members_before);

        // Without a session the gate sends the browser to the login page and writes nothing.
        for route in &posts {
            let r = app
                .post_form(&concrete(route.path), None, &[("csrf", &b.csrf)])
                .await;
            assert!(
                r.status.is_redirection()
                    && r.header("location")
                        .is_some_and(|l| l.starts_with("/dang-nhap")),
                "POST {} without a session answered {}",
                route.path,
                r.status
            );
        }
        assert_eq!(app.audit_total().await, audit_before);
    })
    .await;
}

#[tokio::test]
async fn public_forms_refuse_cross_site_posts_and_login_needs_its_prelogin_token() {
    each_backend(|app| async move {
        let routes = all_routes();
        let public: Vec<&PageRoute> = routes
            .iter()
            .filter(|r| r.method == "POST" && r.guard == Guard::Origin)
            .collect();
        assert!(!public.is_empty(), "the portal's forms are listed");
        for route in &public {
            let req = Request::builder()
                .method(Method::POST)
                .uri(concrete(route.path))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from("text=x"))
                .unwrap();
            let r = app.send(req).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "POST {} from another site",
                route.path
            );
        }
        let login: Vec<&PageRoute> = routes
            .iter()
            .filter(|r| r.method == "POST" && r.guard == Guard::PreLogin)
            .collect();
        assert_eq!(
            login.len(),
            1,
            "only the login form uses the pre-login token"
        );
        let r = app
            .post_form(
                login[0].path,
                None,
                &[
                    ("username", "admin.tu"),
                    ("password", PASSWORD),
                    ("csrf", "x"),
                ],
            )
            .await;
        assert!(r.cookie(web::auth::SESSION_COOKIE).is_none());
        assert!(r.text().contains("Biểu mẫu đã hết hạn"), "{}", r.text());
    })
    .await;
}
