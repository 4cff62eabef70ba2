//! Reporting rounds and stored reports through the pages, on every backend: the city office opens a round
//! for its two wards (a form without a title comes back with the message); the ward secretary sees the
//! round and the ward's draft, saves the narrative (a section over 20.000 characters comes back with the
//! message and the input kept), submits; the office returns it without a comment (refused) and then with
//! one; the secretary reads the comment and submits again; the office accepts: the page shows "Đã chấp
//! nhận" and the frozen figures' notice, the secretary can no longer edit; the secretary of the other ward
//! gets "not found"; the round counts one report submitted and one missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, Browser, Resp, TestApp, PASSWORD};
use domain::Role;
use store::{Actor, NewAccount};

const ROUND_TITLE: &str = "Sơ kết năm 2026 thực hiện Chỉ thị 05";
const STRENGTHS: &str = "Cấp ủy quan tâm lãnh đạo, đảng viên gương mẫu đăng ký làm theo.";
const RESULTS: &str = "Các chi bộ tổ chức học tập chuyên đề đầy đủ.";
const COMMENT: &str = "Bổ sung kết quả sinh hoạt chi bộ của quý IV.";

/// The secretary of the second ward (not in the shared fixture).
async fn second_ward_secretary(app: &TestApp) -> Browser {
    app.db
        .accounts()
        .create_account(
            &Actor::system("test"),
            None,
            &NewAccount {
                username: "bithu.p2".into(),
                password: PASSWORD.into(),
                role: Role::Secretary,
                unit_code: "P2".into(),
                member_id: None,
                display_name: "Bí thư Phường Hai".into(),
            },
        )
        .await
        .unwrap();
    app.browser("bithu.p2").await
}

/// The id in a redirect to `{prefix}{id}?…`.
fn id_after(location: &str, prefix: &str) -> i64 {
    location
        .trim_start_matches(prefix)
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {location}"))
}

fn location(r: &Resp) -> String {
    assert!(
        r.status.is_redirection(),
        "expected a redirect, got {}: {}",
        r.status,
        r.text()
    );
    r.header("location").unwrap().to_string()
}

/// The text of the first element with `id="ID"` up to its closing tag `end`.
fn section<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page: {html}"));
    let rest = &html[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The stored report linked next to `unit_name` in a table of reports.
fn report_of(html: &str, unit_name: &str) -> i64 {
    let at = html
        .find(unit_name)
        .unwrap_or_else(|| panic!("{unit_name} not in {html}"));
    let rest = &html[at..];
    let link = rest.find("/bao-cao/ban/").expect("a link to the report") + "/bao-cao/ban/".len();
    rest[link..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The narrative form's fields with `results` and `strengths`, the header left as the page shows it.
fn narrative<'a>(results: &'a str, strengths: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("issuer", "THÀNH ỦY THỬ NGHIỆM"),
        ("subject", "Sơ kết năm 2026 thực hiện Chỉ thị 05-CT/TW"),
        ("recipients", "Thành ủy\nLưu Văn phòng"),
        ("results", results),
        ("strengths", strengths),
        ("limitations", "Một số chi bộ sinh hoạt chưa đều."),
    ]
}

#[tokio::test]
async fn a_round_goes_from_the_city_to_a_ward_and_back() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let ward = app.browser("bithu.p1").await;

        // The office opens a round; without a title the form comes back with the message and the input.
        let r = app
            .form(
                &office,
                "/bao-cao/dot",
                &[
                    ("unit_code", "TU"),
                    ("title", ""),
                    ("from", "01/01/2026"),
                    ("to", "30/11/2026"),
                    ("due_on", "10/12/2026"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(html.contains("Ghi tên đợt báo cáo"), "{html}");
        assert!(html.contains("value=\"10/12/2026\""), "{html}");
        let r = app
            .form(
                &office,
                "/bao-cao/dot",
                &[
                    ("unit_code", "TU"),
                    ("title", ROUND_TITLE),
                    ("from", "01/01/2026"),
                    ("to", "30/11/2026"),
                    ("due_on", "10/12/2026"),
                ],
            )
            .await;
        let round = id_after(&location(&r), "/bao-cao/dot/");
        let page = app
            .page(&format!("/bao-cao/dot/{round}"), Some(&office.cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        let table = section(&html, "bao-cao-don-vi", "</table>");
        assert!(table.contains("Đảng bộ Phường Một"), "{table}");
        assert!(table.contains("Đảng bộ Phường Hai"), "{table}");
        let p1_report = report_of(table, "Đảng bộ Phường Một");
        let p2_report = report_of(table, "Đảng bộ Phường Hai");
        assert_ne!(p1_report, p2_report);

        // The ward secretary sees the round and the ward's draft.
        let r = app.page("/bao-cao/dot", Some(&ward.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains(ROUND_TITLE), "{}", r.text());
        let r = app.page("/bao-cao/ban", Some(&ward.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let list = r.text();
        let list = section(&list, "danh-sach-bao-cao", "</table>");
        assert!(
            list.contains(&format!("/bao-cao/ban/{p1_report}\"")),
            "{list}"
        );
        assert!(!list.contains("Đảng bộ Phường Hai"), "{list}");
        let report = format!("/bao-cao/ban/{p1_report}");
        let r = app.page(&report, Some(&ward.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(html.contains("Nháp"), "{html}");
        assert!(html.contains("id=\"form-bao-cao\""), "{html}");
        assert!(html.contains("id=\"form-nop\""), "{html}");
        // The secretary reviews nothing.
        assert!(!html.contains("id=\"form-chap-nhan\""), "{html}");

        // A section over 20.000 characters: 422, the message, the other input kept.
        let long = "x".repeat(21_000);
        let r = app.form(&ward, &report, &narrative(&long, STRENGTHS)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(html.contains("dài quá 20.000 ký tự"), "{html}");
        assert!(html.contains(STRENGTHS), "the input is kept");
        assert!(html.contains(&long), "the long input is kept too");
        // Saved for real.
        let r = app
            .form(&ward, &report, &narrative(RESULTS, STRENGTHS))
            .await;
        location(&r);
        let html = app.page(&report, Some(&ward.cookie)).await.text();
        assert!(html.contains(RESULTS), "{html}");
        assert!(html.contains(STRENGTHS), "{html}");

        // Submit.
        let r = app.form(&ward, &format!("{report}/gui"), &[]).await;
        assert!(location(&r).contains("tb=da-nop"));
        let html = app.page(&report, Some(&ward.cookie)).await.text();
        assert!(html.contains("Đã nộp"), "{html}");
        assert!(
            !html.contains("id=\"form-bao-cao\""),
            "no editing once submitted"
        );

        // The office returns it: without a comment refused, then with one.
        let html = app.page(&report, Some(&office.cookie)).await.text();
        assert!(html.contains("id=\"form-tra-lai\""), "{html}");
        assert!(html.contains("Số liệu sẽ được chốt"), "{html}");
        let r = app
            .form(&office, &format!("{report}/tra-lai"), &[("comment", "  ")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("Ghi ý kiến khi trả lại"), "{}", r.text());
        assert!(r.text().contains("Đã nộp"), "still submitted");
        let r = app
            .form(
                &office,
                &format!("{report}/tra-lai"),
                &[("comment", COMMENT)],
            )
            .await;
        assert!(location(&r).contains("tb=da-tra-lai"));

        // The secretary reads the comment, edits and submits again.
        let html = app.page(&report, Some(&ward.cookie)).await.text();
        assert!(html.contains("Trả lại"), "{html}");
        assert!(
            section(&html, "y-kien-tra-lai", "</div>").contains(COMMENT),
            "{html}"
        );
        assert!(html.contains("id=\"form-bao-cao\""), "editable again");
        let r = app.form(&ward, &format!("{report}/gui"), &[]).await;
        location(&r);

        // The office accepts: the figures are frozen.
        let r = app.form(&office, &format!("{report}/chap-nhan"), &[]).await;
        assert!(location(&r).contains("tb=da-chap-nhan"));
        let html = app.page(&report, Some(&office.cookie)).await.text();
        assert!(
            section(&html, "trang-thai", "</span>").contains("Đã chấp nhận"),
            "{html}"
        );
        assert!(html.contains("Số liệu đã chốt ngày 27/11/2026"), "{html}");
        let history = section(&html, "qua-trinh", "</table>");
        assert!(history.contains(COMMENT), "{history}");
        assert!(history.contains("bithu.p1") && history.contains("office.tu"));

        // The secretary can no longer edit.
        let html = app.page(&report, Some(&ward.cookie)).await.text();
        assert!(html.contains("Đã chấp nhận"), "{html}");
        assert!(!html.contains("id=\"form-bao-cao\""), "{html}");
        assert!(!html.contains("id=\"form-nop\""), "{html}");
        let r = app
            .form(
                &ward,
                &report,
                &narrative("Sửa sau khi chấp nhận", STRENGTHS),
            )
            .await;
        assert!(
            r.status.is_client_error(),
            "an accepted report cannot be edited: {} {}",
            r.status,
            r.text()
        );
        let html = app.page(&report, Some(&ward.cookie)).await.text();
        assert!(!html.contains("Sửa sau khi chấp nhận"), "{html}");
        assert!(html.contains(RESULTS), "{html}");

        // The other ward's secretary: not found, and nothing of the report in their list.
        let other = second_ward_secretary(&app).await;
        let r = app.page(&report, Some(&other.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.text().contains("Không tìm thấy"), "{}", r.text());
        assert!(!r.text().contains(RESULTS));
        let r = app.form(&other, &format!("{report}/gui"), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .page(&format!("/bao-cao/ban/{p2_report}"), Some(&other.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());

        // The round: one report submitted (and accepted), one missing.
        let html = app
            .page(&format!("/bao-cao/dot/{round}"), Some(&office.cookie))
            .await
            .text();
        assert!(html.contains("id=\"so-phai-nop\">2<"), "{html}");
        assert!(html.contains("id=\"so-da-nop\">1<"), "{html}");
        assert!(html.contains("id=\"so-chua-nop\">1<"), "{html}");
        assert!(html.contains("id=\"so-da-chap-nhan\">1<"), "{html}");
        let list = app.page("/bao-cao/dot", Some(&office.cookie)).await.text();
        assert!(list.contains(ROUND_TITLE), "{list}");
    })
    .await;
}

#[tokio::test]
async fn a_unit_stores_its_own_report_and_issues_it() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        // A reversed period comes back with the message.
        let r = app
            .form(
                &office,
                "/bao-cao/ban",
                &[
                    ("don_vi", "TU"),
                    ("tu_ngay", "30/11/2026"),
                    ("den_ngay", "01/01/2026"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r
            .text()
            .contains("Ngày cuối kỳ không được trước ngày đầu kỳ"));
        // The live page's parameter names are accepted too.
        let r = app
            .form(
                &office,
                "/bao-cao/ban",
                &[
                    ("don-vi", "TU"),
                    ("tu", "01/01/2026"),
                    ("den", "27/11/2026"),
                ],
            )
            .await;
        let id = id_after(&location(&r), "/bao-cao/ban/");
        let report = format!("/bao-cao/ban/{id}");
        let html = app.page(&report, Some(&office.cookie)).await.text();
        assert!(html.contains("id=\"form-ban-hanh\""), "{html}");
        assert!(!html.contains("id=\"form-nop\""), "no round to submit to");
        let r = app.form(&office, &format!("{report}/ban-hanh"), &[]).await;
        assert!(location(&r).contains("tb=da-ban-hanh"));
        let html = app.page(&report, Some(&office.cookie)).await.text();
        assert!(html.contains("Đã ban hành"), "{html}");
        assert!(html.contains("Số liệu đã chốt ngày 27/11/2026"), "{html}");
        let list = app.page("/bao-cao/ban", Some(&office.cookie)).await.text();
        assert!(list.contains(&format!("/bao-cao/ban/{id}\"")), "{list}");
        // The ward's secretary does not see the city's report.
        let ward = app.browser("bithu.p1").await;
        let r = app.page(&report, Some(&ward.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}
