//! The live period report page (`/bao-cao`) on every backend: the city office sees the figures of the
//! fixture's small tree in their sections (confidential ones included), a ward secretary sees their ward
//! without "Kiểm tra, giám sát" and gets "not found" for another ward, every figure links to a route of
//! the router (a few are followed and answer 200), sorting the sub-unit table by a column changes its
//! order, bad dates re-show the form with a message, and the Word and Excel files download.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, TestApp};
use serde_json::json;
use store::{Actor, ModelInput};

const PERIOD: &str = "tu=01/01/2026&den=27/11/2026";

/// A study session of the ward P1 with two members present, and a model of P1.
async fn some_records(app: &TestApp) {
    let office = app.token("office.tu").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/study-sessions",
            Some(&office),
            Some(&json!({"unit_code": "P1", "date": "2026-11-20", "title": "Học tập chuyên đề năm 2026"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let c1: Vec<i64> = app.fx.members_in("P1-C1").iter().map(|m| m.id).collect();
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/study-sessions/{id}/attendance"),
            Some(&office),
            Some(&json!({"marks": [
                {"member_id": c1[0], "status": "present"},
                {"member_id": c1[1], "status": "present"},
            ]})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    app.db
        .models()
        .create_model(
            &Actor::system("test"),
            None,
            &ModelInput::new(
                "P1",
                "Tuyến hẻm sáng xanh sạch đẹp",
                "Dân vận",
                common::d(2026, 3, 1),
            ),
        )
        .await
        .unwrap();
}

/// The report's part of a page (the form and menu left out).
fn report_part(html: &str) -> &str {
    let start = html
        .find("<section class=\"report\"")
        .unwrap_or_else(|| panic!("no report section: {html}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

/// Every `href="…"` in `html`, unescaped.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| {
            s[..s.find('"').unwrap()]
                .replace("&amp;", "&")
                .replace("&#38;", "&")
                .replace("&#x2F;", "/")
        })
        .collect()
}

/// Whether a path matches a declared page route (`{x}` matches one segment).
fn is_route(path: &str) -> bool {
    let routes = web::pages::routes();
    routes.list().iter().any(|r| {
        let want: Vec<&str> = r.path.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        r.method == "GET"
            && want.len() == got.len()
            && want
                .iter()
                .zip(&got)
                .all(|(w, g)| (w.starts_with('{') && !g.is_empty()) || w == g)
    })
}

#[tokio::test]
async fn office_sees_every_section_and_every_figure_links_to_a_list() {
    each_backend(|app| async move {
        some_records(&app).await;
        let office = app.browser("office.tu").await;
        let r = app
            .page(
                &format!("/bao-cao?don-vi=TU&{PERIOD}"),
                Some(&office.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(html.contains(">Báo cáo</a>"), "the menu entry");
        let part = report_part(&html);
        assert!(part.contains("Số liệu tính ngày 27/11/2026"), "{part}");
        assert!(part.contains("01/01/2026 – 27/11/2026"));
        // The sections, in order.
        let mut at = 0;
        for heading in [
            "Triển khai",
            "Học tập chuyên đề",
            "Sinh hoạt chi bộ",
            "Đăng ký làm theo",
            "Công khai và giám sát của nhân dân",
            "Mô hình",
            "Kiểm tra, giám sát",
            "Khen thưởng",
            "Tiêu chí",
            "Hạn chế",
            "Đơn vị trực thuộc",
        ] {
            let pos = part[at..]
                .find(&format!(">{heading}"))
                .unwrap_or_else(|| panic!("{heading} missing or out of order"));
            at += pos;
        }
        assert!(part.contains(">Mật</span>"), "the confidential badge");
        // The sub-units and the model by name.
        for name in [
            "Đảng bộ Phường Một",
            "Đảng bộ Phường Hai",
            "Tuyến hẻm sáng xanh sạch đẹp",
        ] {
            assert!(part.contains(name), "{name}: {part}");
        }
        // Every link of the report is a route; a few lists answer 200.
        let links = hrefs(part);
        assert!(links.len() > 40, "{links:?}");
        for l in &links {
            let path = l.split(['?', '#']).next().unwrap();
            assert!(is_route(path), "{l} is not a page route");
        }
        for prefix in [
            "/chuyen-can?",
            "/hoc-tap?",
            "/dang-ky/bao-cao?",
            "/mo-hinh?",
            "/khen-thuong/tong-hop?",
            "/kiem-tra?",
            "/bao-cao?don-vi=P1",
        ] {
            let l = links
                .iter()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no {prefix} link"));
            let r = app.page(l, Some(&office.cookie)).await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        }
    })
    .await;
}

#[tokio::test]
async fn a_secretary_sees_their_ward_without_inspections() {
    each_backend(|app| async move {
        let sec = app.browser("bithu.p1").await;
        let r = app.page("/bao-cao", Some(&sec.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(
            html.contains("Báo cáo — Đảng bộ Phường Một"),
            "their unit by default"
        );
        let part = report_part(&html);
        assert!(!part.contains("Kiểm tra, giám sát"), "{part}");
        assert!(!part.contains(">Mật<"));
        assert!(!part.contains("/kiem-tra"));
        // Another ward: not found; a member account: not found.
        let r = app.page("/bao-cao?don-vi=P2", Some(&sec.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.text().contains("Phường Hai"));
        let member = app.browser("dangvien.p1c1").await;
        let r = app.page("/bao-cao", Some(&member.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(
            !r.text().contains(">Báo cáo</a>"),
            "no menu entry for members"
        );
    })
    .await;
}

#[tokio::test]
async fn sorting_the_sub_units_changes_their_order() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let order = |dir: &'static str| {
            let app = app.clone();
            let cookie = office.cookie.clone();
            async move {
                let r = app
                    .page(
                        &format!("/bao-cao?don-vi=TU&{PERIOD}&sap-xep=dang-vien&chieu={dir}"),
                        Some(&cookie),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
                let html = r.text();
                let table = &html[html.find("id=\"bang-don-vi\"").unwrap()..];
                let one = table.find("Đảng bộ Phường Một").unwrap();
                let two = table.find("Đảng bộ Phường Hai").unwrap();
                // The header links keep the unit and period and turn the direction around.
                let table = table.replace("&#38;", "&").replace("&amp;", "&");
                assert!(table.contains("sap-xep=dang-vien&chieu="), "{table}");
                assert!(table.contains("don-vi=TU"));
                one < two
            }
        };
        // P1 has six members, P2 three.
        assert!(!order("tang").await, "ascending: the smaller ward first");
        assert!(order("giam").await, "descending: the larger ward first");
    })
    .await;
}

#[tokio::test]
async fn bad_dates_show_the_form_again_with_a_message() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        for (query, message) in [
            ("tu=32/13/2026", "Ngày không hợp lệ"),
            (
                "tu=01/06/2026&den=01/01/2026",
                "không được trước ngày đầu kỳ",
            ),
            ("tu=01/01/2000&den=01/01/2026", "dài quá 6 năm"),
        ] {
            let r = app
                .page(&format!("/bao-cao?don-vi=TU&{query}"), Some(&office.cookie))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            let html = r.text();
            assert!(html.contains(message), "{query}: {html}");
            assert!(html.contains("action=\"/bao-cao\""), "the form is there");
            assert!(!html.contains("<section class=\"report\""), "no figures");
        }
        let r = app
            .page(
                "/bao-cao/word?don-vi=TU&tu=32/13/2026",
                Some(&office.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn word_and_excel_files_download() {
    each_backend(|app| async move {
        some_records(&app).await;
        let office = app.browser("office.tu").await;
        for (path, content_type, ext) in [
            (
                "/bao-cao/word",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".docx",
            ),
            (
                "/bao-cao/excel",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".xlsx",
            ),
        ] {
            let r = app
                .page(&format!("{path}?don-vi=TU&{PERIOD}"), Some(&office.cookie))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
            assert_eq!(r.content_type(), content_type);
            assert!(r.body.starts_with(b"PK"), "{path}: a zip package");
            let disposition = r.header("content-disposition").unwrap();
            assert!(disposition.contains(ext), "{disposition}");
        }
        // Outside the secretary's scope: not found, no file.
        let sec = app.browser("bithu.p1").await;
        let r = app
            .page(
                &format!("/bao-cao/excel?don-vi=P2&{PERIOD}"),
                Some(&sec.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}
