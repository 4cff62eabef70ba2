//! The campaign calendar on the plan page and in the API (docs/DOMAIN.md § Campaign calendar): the office
//! sets the city's registration deadline, the ward sees it inherited with where it comes from, refused
//! settings are shown again with their Vietnamese messages, and only the office and admin may set — on
//! every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::each_backend;
use serde_json::json;

/// The row of the calendar table whose label is `label`: (in force, source).
fn row(html: &str, label: &str) -> (String, String) {
    let table = &html[html.find("id=\"lich-thuc-hien\"").expect("calendar table")..];
    let start = table
        .find(&format!("<td>{label}</td>"))
        .unwrap_or_else(|| panic!("no row {label}"));
    let cells: Vec<String> = table[start..]
        .split("<td>")
        .skip(2)
        .take(2)
        .map(|c| c.split("</td>").next().unwrap().to_string())
        .collect();
    (cells[0].clone(), cells[1].clone())
}

#[tokio::test]
async fn the_plan_page_sets_and_shows_the_calendar() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let tu = app.fx.unit("TU").id;
        let p1 = app.fx.unit("P1").id;
        // Nothing set: lamtheo's defaults for this year.
        let page = app.page("/ke-hoach", Some(&office.cookie)).await.text();
        assert!(
            page.contains("Lịch thực hiện năm 2026 — Thành ủy Thử Nghiệm"),
            "{page}"
        );
        assert_eq!(
            row(&page, "Hạn nộp bản đăng ký"),
            ("31/03/2026".to_string(), "Mặc định".to_string())
        );
        assert!(page.contains("Lưu lịch"));

        // The city gives until 15/04/2027.
        let tu_s = tu.to_string();
        let r = app
            .form(
                &office,
                "/ke-hoach/lich",
                &[
                    ("unit_id", tu_s.as_str()),
                    ("year", "2027"),
                    ("cal_registration_deadline", "15/04/2027"),
                    ("cal_topic_day", "18"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            r.header("location").unwrap(),
            format!("/ke-hoach?nam=2027&don-vi={tu}&tb=da-luu#lich")
        );
        let page = app
            .page(
                &format!("/ke-hoach?nam=2027&don-vi={tu}"),
                Some(&office.cookie),
            )
            .await
            .text();
        assert_eq!(
            row(&page, "Hạn nộp bản đăng ký"),
            ("15/04/2027".to_string(), "Đơn vị tự đặt".to_string())
        );
        assert!(
            page.contains("value=\"15/04/2027\""),
            "own value in the form"
        );

        // The ward's secretary sees it inherited, and no form.
        let ward = app.browser("bithu.p1").await;
        let page = app
            .page("/ke-hoach?nam=2027", Some(&ward.cookie))
            .await
            .text();
        assert!(page.contains("Lịch thực hiện năm 2027 — Đảng bộ Phường Một"));
        assert_eq!(
            row(&page, "Hạn nộp bản đăng ký"),
            (
                "15/04/2027".to_string(),
                "Kế thừa từ Thành ủy Thử Nghiệm".to_string()
            )
        );
        assert_eq!(row(&page, "Ngày mở tự đánh giá giữa năm").0, "01/06/2027");
        assert!(!page.contains("Lưu lịch"));
        let p1_s = p1.to_string();
        let r = app
            .form(
                &ward,
                "/ke-hoach/lich",
                &[
                    ("unit_id", p1_s.as_str()),
                    ("year", "2027"),
                    ("cal_topic_day", "25"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // The office sets the ward's window; a deadline after it is refused and the typed values kept.
        let r = app
            .form(
                &office,
                "/ke-hoach/lich",
                &[
                    ("unit_id", p1_s.as_str()),
                    ("year", "2027"),
                    ("cal_registration_deadline", "10/07/2027"),
                    ("cal_yearend_report_due", "31/02/2027"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("Ngày không hợp lệ: &quot;31/02/2027&quot;")
                || html.contains("Ngày không hợp lệ: &#34;31/02/2027&#34;"),
            "{html}"
        );
        assert!(html.contains("value=\"10/07/2027\""), "typed value kept");
        let r = app
            .form(
                &office,
                "/ke-hoach/lich",
                &[
                    ("unit_id", p1_s.as_str()),
                    ("year", "2027"),
                    ("cal_registration_deadline", "10/07/2027"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("10/07/2027")
                && html.contains("01/06/2027")
                && html.contains("field-error"),
            "{html}"
        );
        let r = app
            .form(
                &office,
                "/ke-hoach/lich",
                &[
                    ("unit_id", p1_s.as_str()),
                    ("year", "2027"),
                    ("cal_midyear_review_opens", "01/07/2027"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = app
            .page("/ke-hoach?nam=2027", Some(&ward.cookie))
            .await
            .text();
        assert_eq!(
            row(&page, "Ngày mở tự đánh giá giữa năm"),
            ("01/07/2027".to_string(), "Đơn vị tự đặt".to_string())
        );
        assert_eq!(
            row(&page, "Hạn nộp bản đăng ký").1,
            "Kế thừa từ Thành ủy Thử Nghiệm"
        );
    })
    .await;
}

#[tokio::test]
async fn the_calendar_api_reads_and_sets() {
    each_backend(|app| async move {
        let office = app.token("office.tu").await;
        let ward = app.token("bithu.p1").await;
        let tu = app.fx.unit("TU").id;
        let p1 = app.fx.unit("P1").id;
        let r = app
            .get(&format!("/api/v1/units/{p1}/calendar/2027"), Some(&ward))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        assert_eq!(v["in_force"]["registration_deadline"], "2027-03-31");
        assert_eq!(v["in_force"]["topic_day"], 20);
        assert!(v["own"]["registration_deadline"].is_null());

        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/units/{tu}/calendar/2027"),
                Some(&office),
                Some(&json!({"registration_deadline": "2027-04-15", "yearend_report_due": "2027-12-20"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["own"]["registration_deadline"], "2027-04-15");
        let v = app
            .get(&format!("/api/v1/units/{p1}/calendar/2027"), Some(&ward))
            .await
            .json();
        assert_eq!(v["in_force"]["registration_deadline"], "2027-04-15");
        assert_eq!(v["in_force"]["yearend_report_due"], "2027-12-20");
        assert_eq!(v["inherited_from"][0]["field"], "registration_deadline");
        assert_eq!(v["inherited_from"][0]["unit_name"], "Thành ủy Thử Nghiệm");
        assert!(v["inherited_from"][1]["unit_name"].is_null());

        // Refusals: a topic day past the 28th, a ward secretary, another year's shape, a unit out of scope.
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/units/{tu}/calendar/2027"),
                Some(&office),
                Some(&json!({"topic_day": 31})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("từ 1 đến 28"), "{}", r.text());
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/units/{p1}/calendar/2027"),
                Some(&ward),
                Some(&json!({"topic_day": 25})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = app
            .get(&format!("/api/v1/units/{p1}/calendar/hai-nghin"), Some(&ward))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let p2 = app.fx.unit("P2").id;
        let r = app
            .get(&format!("/api/v1/units/{p2}/calendar/2027"), Some(&ward))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Nothing changed by the refusals.
        let v = app
            .get(&format!("/api/v1/units/{tu}/calendar/2027"), Some(&office))
            .await
            .json();
        assert_eq!(v["in_force"]["topic_day"], 20);
    })
    .await;
}
