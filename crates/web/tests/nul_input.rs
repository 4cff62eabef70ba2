//! The NUL character (`%00`, `\u0000`) cannot be stored by PostgreSQL: every extractor refuses it before a
//! handler or the database sees it, on every route (JSON bodies, query strings, paths, page forms), with a
//! 4xx and a Vietnamese message — never a server error and never a row written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::each_backend;
use serde_json::json;

#[tokio::test]
async fn nul_is_refused_by_every_extractor_before_the_database() {
    each_backend(|app| async move {
        let office = app.token("office.tu").await;
        let members_before = app.member_count().await;

        // A JSON body of a route that predates the guard.
        let r = app
            .api(
                Method::POST,
                "/api/v1/members",
                Some(&office),
                Some(&json!({"full_name": "Nguyễn\u{0}Văn Nul", "unit_code": "P1", "birth_date": "1980-01-01", "joined_on": "2005-01-01"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("NUL"), "{}", r.text());
        // In an object key too.
        let r = app
            .api(Method::POST, "/api/v1/commendations", Some(&office), Some(&json!({"ki\u{0}nd": "praise"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

        // Query strings and paths.
        let r = app.get("/api/v1/members?q=Nguy%00n", Some(&office)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        let r = app.get("/api/v1/criteria/sets/NTM%00", Some(&office)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

        // Pages: a query, a path and a form (with its valid CSRF token).
        let b = app.browser("office.tu").await;
        let r = app.page("/dang-vien?q=Nguy%00n", Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = app.page("/tieu-chi/NTM%00", Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .post_form(
                "/dang-vien/moi",
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("full_name", "Nguyễn\u{0}Văn Nul"), ("unit_code", "P1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Biểu mẫu gửi lên không hợp lệ"), "{}", r.text());

        // A multipart form's text field (the criteria set form carries an optional file).
        let r = app
            .post_multipart(
                "/tieu-chi/moi",
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("code", "NUL-1"), ("title", "Bộ\u{0}tiêu chí")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let sets = app.get("/api/v1/criteria/sets", Some(&office)).await;
        assert!(!sets.text().contains("NUL-1"), "{}", sets.text());

        assert_eq!(app.member_count().await, members_before, "nothing was written");
    })
    .await;
}
