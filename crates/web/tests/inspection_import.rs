//! The import page for inspection cases: an inspector checks a file (dry run), sees every bad row by line
//! and column, imports a good file once (a second time is refused); a secretary has no such import.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::*;

const HEADER: &str =
    "Loại,Số quyết định,Ngày quyết định,Mã đơn vị tiến hành,Mã tổ chức đảng được kiểm tra,Kết quả";
const GOOD: &str = "Kiểm tra,12-QĐ/UBKT,15/03/2019,P1,P1-C1,Không vi phạm\nKiểm tra,12-QĐ/UBKT,15/03/2019,P1,P1-C2,Có vi phạm\n";
const BAD: &str =
    "Kiểm tra,12-QĐ/UBKT,15/03/2019,P1,P2-C1,\nKiểm tra lại,13,15/03/2019,P1,P1-C1,\n";

fn file(rows: &str) -> Vec<u8> {
    format!("{HEADER}\n{rows}").into_bytes()
}

#[tokio::test]
async fn an_inspector_imports_cases_all_or_nothing() {
    each_backend(|app| async move {
        let b = app.browser("kiemtra.tu").await;
        let r = app.page("/nhap-du-lieu", Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let body = r.text();
        assert!(body.contains("value=\"inspections\""), "{body}");
        let csrf = hidden_field(&body, "csrf").unwrap();
        let t = app
            .page("/nhap-du-lieu/mau/kiem-tra-giam-sat.xlsx", Some(&b.cookie))
            .await;
        assert_eq!(t.status, StatusCode::OK);
        let parsed = office::parse_inspections(&t.body, "mau.xlsx").unwrap();
        assert_eq!(parsed.errors, []);

        let post = |bytes: Vec<u8>, dry: bool| {
            let app = &app;
            let cookie = b.cookie.clone();
            let csrf = csrf.clone();
            async move {
                let mut fields = vec![("csrf", csrf.as_str()), ("kind", "inspections")];
                if dry {
                    fields.push(("dry_run", "1"));
                }
                app.post_multipart(
                    "/nhap-du-lieu",
                    Some(&cookie),
                    &fields,
                    Some(("file", "kiem-tra.csv", &bytes)),
                )
                .await
            }
        };
        let cases = || async {
            let admin = app.principal(&app.token("admin.tu").await).await;
            app.db
                .inspections()
                .list_cases(&admin, &store::CaseFilter::default())
                .await
                .unwrap()
                .len()
        };
        // Every bad row by line and column; nothing written.
        let r = post(file(BAD), false).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text();
        assert!(body.contains("Không nhập dòng nào"), "{body}");
        assert!(
            body.contains("<td class=\"num\">2</td><td>Mã tổ chức đảng được kiểm tra</td>"),
            "{body}"
        );
        assert!(
            body.contains("<td class=\"num\">3</td><td>Loại</td>"),
            "{body}"
        );
        assert_eq!(cases().await, 0);
        // A dry run of a good file writes nothing.
        let r = post(file(GOOD), true).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("chưa ghi gì"));
        assert_eq!(cases().await, 0);
        // The import itself: one case of two subjects.
        let r = post(file(GOOD), false).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(
            r.text().contains("1 cuộc kiểm tra, giám sát"),
            "{}",
            r.text()
        );
        assert_eq!(cases().await, 1);
        // The same file again is refused.
        let r = post(file(GOOD), false).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("đã có cuộc kiểm tra, giám sát"));
        assert_eq!(cases().await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_secretary_cannot_import_cases() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let r = app.page("/nhap-du-lieu", Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.text().contains("value=\"inspections\""));
        let csrf = hidden_field(&r.text(), "csrf").unwrap();
        let r = app
            .post_multipart(
                "/nhap-du-lieu",
                Some(&b.cookie),
                &[("csrf", &csrf), ("kind", "inspections"), ("dry_run", "1")],
                Some(("file", "kiem-tra.csv", &file(GOOD))),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let t = app
            .page("/nhap-du-lieu/mau/kiem-tra-giam-sat.xlsx", Some(&b.cookie))
            .await;
        assert_eq!(t.status, StatusCode::NOT_FOUND);
    })
    .await;
}
