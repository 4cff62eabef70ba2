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

        // The same entries as an Excel file for the inspection commission, in the same words.
        assert!(html.contains("href=\"/nhat-ky.xlsx?loai=registration\""));
        let file = app
            .page("/nhat-ky.xlsx?loai=registration", Some(&office.cookie))
            .await;
        assert_eq!(file.status, StatusCode::OK);
        let table = office::read_table("nhat-ky.xlsx", &file.body).unwrap();
        assert_eq!(
            table.headers,
            office::AUDIT_HEADERS.map(String::from).to_vec()
        );
        assert!(!table.rows.is_empty());
        assert!(table
            .rows
            .iter()
            .all(|r| r.cells[4].starts_with("Bản đăng ký: ") && !r.cells[3].contains("create")));
        // Handing the file out is itself in the log.
        let page = app
            .page("/nhat-ky?loai=file", Some(&office.cookie))
            .await
            .text();
        assert!(page.contains("Tệp xuất: Nhật ký thay đổi"), "{page}");
        // The fixture's units were written together: one entry that opens to its rows.
        let page = app
            .page("/nhat-ky?loai=unit", Some(&office.cookie))
            .await
            .text();
        let at = page.find("đối tượng</strong>").expect("a grouped entry");
        let href = page[at..]
            .split("<a href=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        assert!(href.starts_with("/nhat-ky?nhom="), "{href}");
        let rows = app
            .page(&href.replace("&amp;", "&"), Some(&office.cookie))
            .await
            .text();
        assert!(rows.contains("Các dòng được ghi cùng một lần"));
        assert!(rows.matches("<a href=\"/don-vi/").count() > 3, "{rows}");
        // Not for a secretary.
        let ward_b = app.browser("bithu.p1").await;
        assert_eq!(
            app.page("/nhat-ky.xlsx", Some(&ward_b.cookie)).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}
