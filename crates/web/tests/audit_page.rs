//! The audit log page in Vietnamese: actions, object kinds, fields and values in words, links to the
//! objects, a filter for every kind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::each_backend;

#[tokio::test]
async fn the_log_reads_in_vietnamese_with_links() {
    each_backend(|app| async move {
        let ward = app.principal(&app.token("bithu.p1").await).await;
        let member = app.fx.member("Trần Thị Mai").id;
        let reg = common::submitted(&app, &ward, member).await;
        let office = app.browser("office.tu").await;
        let page = app
            .page("/nhat-ky?loai=registration", Some(&office.cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        // The kind and its page; no stored codes on the screen.
        assert!(
            html.contains(&format!("<a href=\"/dang-ky/{}\">Bản đăng ký: ", reg.id)),
            "{html}"
        );
        assert!(
            !html.contains(">registration:") && !html.contains(">create<"),
            "{html}"
        );
        assert!(
            html.contains("<td>Tạo mới</td>") || html.contains("<td>Sửa</td>"),
            "{html}"
        );
        // Every kind can be filtered, named in Vietnamese.
        for option in [
            "Buổi học tập",
            "Cuộc kiểm tra, giám sát",
            "Khen thưởng",
            "Báo cáo",
            "Bộ tiêu chí",
        ] {
            assert!(html.contains(&format!(">{option}</option>")), "{option}");
        }
        assert!(html.contains("value=\"registration\" selected"));
        // Times are dd/mm/yyyy HH:mm.
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).count();
        let first_td = html
            .split("<tbody>")
            .nth(1)
            .unwrap()
            .split("<td>")
            .nth(1)
            .unwrap();
        let at = first_td.split("</td>").next().unwrap();
        assert!(
            at.len() == 16 && &at[2..3] == "/" && &at[13..14] == ":" && digits(at) == 12,
            "{at}"
        );
    })
    .await;
}
