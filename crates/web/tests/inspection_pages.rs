//! The pages of inspection, supervision and discipline on every backend: each page renders for an
//! inspector with its Vietnamese headings, forms show their input again with the errors beside the fields,
//! the conclusion form saves findings and remedies, a secretary sees only the concluded findings about their
//! own units (and "not found" on the case itself), a member sees only their own discipline decisions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, Browser, TestApp};

/// Opens a case through the form: conducted by the city's commission, about cell P1-C1 and the member
/// Nguyễn Hữu Thắng of P2-C1. Returns its id.
async fn open_case(app: &TestApp, b: &Browser) -> i64 {
    let card = app.fx.member("Nguyễn Hữu Thắng").card.clone();
    let r = app
        .form(
            b,
            "/kiem-tra/moi",
            &[
                ("kind", "thematic_supervision"),
                ("unit_code", "TU"),
                ("body", "commission"),
                (
                    "title",
                    "Giám sát chuyên đề học tập và làm theo Bác năm 2026",
                ),
                ("decision_number", "15-QĐ/UBKT"),
                ("decided_on", "01/10/2026"),
                ("from", "01/01/2026"),
                ("to", "30/09/2026"),
                ("directive_05", "1"),
                ("team", "Lê Văn Kiểm\nPhạm Thị Tra"),
                ("subject_unit", "P1-C1"),
                ("subject_cards", &card),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let loc = r.header("location").unwrap().to_string();
    assert!(loc.starts_with("/kiem-tra/"), "{loc}");
    loc.trim_start_matches("/kiem-tra/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The subject ids of a case, in the order of the page: (id, is a member).
async fn subjects(app: &TestApp, id: i64) -> Vec<(i64, bool)> {
    let p = app.principal(&app.token("kiemtra.tu").await).await;
    let d = app
        .db
        .inspections()
        .case_detail(&store::Actor::system("test"), &p, id)
        .await
        .unwrap();
    d.subjects
        .iter()
        .map(|s| (s.id, s.member_id.is_some()))
        .collect()
}

/// Concludes the case through the form: a violation (B3) with one remedy for the cell, no violation for
/// the member.
async fn conclude(app: &TestApp, b: &Browser, id: i64) {
    let subs = subjects(app, id).await;
    let mut fields: Vec<(String, String)> = vec![
        ("concluded_on".into(), "20/10/2026".into()),
        (
            "conclusion".into(),
            "Chi bộ cần chấn chỉnh việc sinh hoạt chuyên đề.".into(),
        ),
    ];
    for (sid, member) in &subs {
        if *member {
            fields.push((format!("r_{sid}"), "no_violation".into()));
            fields.push((format!("m_{sid}"), String::new()));
            fields.push((format!("n_{sid}"), String::new()));
        } else {
            fields.push((format!("r_{sid}"), "violation".into()));
            fields.push((format!("m_{sid}"), "b3".into()));
            fields.push((format!("n_{sid}"), "Sinh hoạt chuyên đề không đều".into()));
            fields.push((
                format!("rt_{sid}_0"),
                "Tổ chức lại sinh hoạt chuyên đề hằng quý".into(),
            ));
            fields.push((format!("rd_{sid}_0"), "31/12/2026".into()));
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app
        .form(b, &format!("/kiem-tra/{id}/ket-luan"), &refs)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

#[tokio::test]
async fn every_page_renders_for_an_inspector() {
    each_backend(|app| async move {
        let b = app.browser("kiemtra.tu").await;
        let nav = app.page("/kiem-tra", Some(&b.cookie)).await;
        assert_eq!(nav.status, StatusCode::OK, "{}", nav.text());
        let t = nav.text();
        assert!(t.contains("Kiểm tra, giám sát — Thành ủy Thử Nghiệm"), "{t}");
        assert!(t.contains("Mở cuộc kiểm tra, giám sát"), "{t}");
        assert!(t.contains("href=\"/ky-luat\""), "menu: {t}");
        let id = open_case(&app, &b).await;
        for (uri, heading) in [
            ("/kiem-tra".to_string(), "Giám sát chuyên đề học tập và làm theo Bác năm 2026"),
            ("/kiem-tra?loai=inspection".to_string(), "Không có cuộc nào khớp bộ lọc"),
            ("/kiem-tra/moi".to_string(), "Đối tượng kiểm tra, giám sát"),
            (format!("/kiem-tra/{id}"), "Đối tượng và kết quả"),
            ("/kiem-tra/chuong-trinh".to_string(), "Chương trình kiểm tra, giám sát"),
            ("/kiem-tra/tong-hop".to_string(), "Tổng hợp kiểm tra, giám sát"),
            ("/ky-luat".to_string(), "Kỷ luật — Thành ủy Thử Nghiệm"),
            (format!("/ky-luat/moi?ho-so={id}"), "Ghi quyết định kỷ luật"),
            ("/xoa-ten".to_string(), "Bỏ sinh hoạt và xóa tên"),
            ("/ket-qua-kiem-tra".to_string(), "Kết quả kiểm tra, giám sát về đơn vị"),
        ] {
            let r = app.page(&uri, Some(&b.cookie)).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
            assert!(r.text().contains(heading), "{uri} lacks “{heading}”: {}", r.text());
        }
        // The case page: header, both subjects, the conclusion form.
        let page = app.page(&format!("/kiem-tra/{id}"), Some(&b.cookie)).await.text();
        assert!(page.contains("15-QĐ/UBKT"), "{page}");
        assert!(page.contains("01/10/2026"), "{page}");
        assert!(page.contains("Chi bộ Khu phố Một A"), "{page}");
        assert!(page.contains("Nguyễn Hữu Thắng"), "{page}");
        assert!(page.contains("Ghi kết luận"), "{page}");
        // The summary of this year counts the case, and its figures lead to the list of its cases.
        let s = app
            .page("/kiem-tra/tong-hop?don-vi=TU&tu=01/01/2026&den=31/12/2026", Some(&b.cookie))
            .await
            .text();
        assert!(s.contains("Lượt đảng viên"), "{s}");
        // One case, one organisation and one member in thematic supervision, each figure a link.
        let drill = "/kiem-tra?don-vi=TU&#38;loai=thematic_supervision&#38;tu=2026-01-01&#38;den=2026-12-31";
        assert_eq!(s.matches(&format!("{drill}\">1</a>")).count(), 5, "{s}");
        assert!(s.contains("<svg"), "{s}");
        let list = app
            .page(&drill.replace("&#38;", "&"), Some(&b.cookie))
            .await
            .text();
        assert!(list.contains("Giám sát chuyên đề học tập và làm theo Bác năm 2026"), "{list}");
        let outside = app
            .page("/kiem-tra?don-vi=TU&tu=2025-01-01&den=2025-12-31", Some(&b.cookie))
            .await
            .text();
        assert!(!outside.contains("làm theo Bác năm 2026"), "{outside}");
    })
    .await;
}

#[tokio::test]
async fn the_case_form_shows_input_again_with_errors() {
    each_backend(|app| async move {
        let b = app.browser("kiemtra.tu").await;
        let before = app.audit_total().await;
        let r = app
            .form(
                &b,
                "/kiem-tra/moi",
                &[
                    ("kind", "inspection"),
                    ("unit_code", "TU"),
                    ("body", "commission"),
                    ("title", "Kiểm tra việc thực hiện Chỉ thị 05 ở Phường Một"),
                    ("decision_number", "16-QĐ/UBKT"),
                    ("decided_on", "31/02/2026"),
                    ("subject_cards", "999999999"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let t = r.text();
        assert!(
            t.contains("value=\"Kiểm tra việc thực hiện Chỉ thị 05 ở Phường Một\""),
            "{t}"
        );
        assert!(t.contains("value=\"31/02/2026\""), "{t}");
        assert!(t.contains("Ngày không hợp lệ"), "{t}");
        assert!(
            t.contains("Không tìm thấy đảng viên có số thẻ 999999999"),
            "{t}"
        );
        assert!(t.contains(">999999999</textarea>"), "{t}");
        assert_eq!(app.audit_total().await, before, "nothing written");
        // No subject at all.
        let r = app
            .form(
                &b,
                "/kiem-tra/moi",
                &[
                    ("kind", "inspection"),
                    ("unit_code", "TU"),
                    ("body", "commission"),
                    ("title", "Kiểm tra không có đối tượng"),
                    ("decision_number", "17-QĐ/UBKT"),
                    ("decided_on", "02/10/2026"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("Hãy chọn ít nhất một đối tượng"),
            "{}",
            r.text()
        );
    })
    .await;
}

#[tokio::test]
async fn the_conclusion_form_saves_and_shows_errors_beside_fields() {
    each_backend(|app| async move {
        let b = app.browser("kiemtra.tu").await;
        let id = open_case(&app, &b).await;
        // A bad manifestation code and a bad due day: refused, typed values shown again.
        let subs = subjects(&app, id).await;
        let (unit_sid, _) = subs.iter().find(|(_, m)| !m).copied().unwrap();
        let r = app
            .form(
                &b,
                &format!("/kiem-tra/{id}/ket-luan"),
                &[
                    ("concluded_on", "20/10/2026"),
                    (&format!("r_{unit_sid}"), "violation"),
                    (&format!("m_{unit_sid}"), "D7"),
                    (&format!("rt_{unit_sid}_0"), "Khắc phục ngay"),
                    (&format!("rd_{unit_sid}_0"), "hôm qua"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Mã biểu hiện không hợp lệ: D7"), "{t}");
        assert!(t.contains("value=\"hôm qua\""), "{t}");
        assert!(t.contains("value=\"Khắc phục ngay\""), "{t}");
        assert!(
            t.contains("Hãy chọn kết quả"),
            "the member's result is missing: {t}"
        );
        // Now properly.
        conclude(&app, &b, id).await;
        let page = app
            .page(&format!("/kiem-tra/{id}"), Some(&b.cookie))
            .await
            .text();
        assert!(page.contains("Có vi phạm"), "{page}");
        assert!(page.contains("Không vi phạm"), "{page}");
        assert!(page.contains("B3"), "{page}");
        assert!(
            page.contains("Tổ chức lại sinh hoạt chuyên đề hằng quý"),
            "{page}"
        );
        assert!(page.contains("31/12/2026"), "{page}");
        assert!(page.contains("Đúng hạn"), "{page}");
        assert!(page.contains("Ngày 20/10/2026"), "{page}");
        let list = app
            .page("/kiem-tra?ket-luan=1", Some(&b.cookie))
            .await
            .text();
        assert!(list.contains("20/10/2026"), "{list}");
    })
    .await;
}

#[tokio::test]
async fn a_secretary_sees_only_findings_about_their_units() {
    each_backend(|app| async move {
        let b = app.browser("kiemtra.tu").await;
        let id = open_case(&app, &b).await;
        let sec = app.browser("bithu.p1").await;
        // Before the conclusion: nothing.
        let t = app
            .page("/ket-qua-kiem-tra", Some(&sec.cookie))
            .await
            .text();
        assert!(!t.contains("Chi bộ Khu phố Một A"), "{t}");
        conclude(&app, &b, id).await;
        let r = app.page("/ket-qua-kiem-tra", Some(&sec.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Chi bộ Khu phố Một A"), "{t}");
        assert!(
            t.contains("Tổ chức lại sinh hoạt chuyên đề hằng quý"),
            "{t}"
        );
        assert!(t.contains("Đã khắc phục"), "{t}");
        assert!(
            !t.contains("Nguyễn Hữu Thắng"),
            "a finding about another ward: {t}"
        );
        assert!(t.contains("href=\"/ket-qua-kiem-tra\""), "menu: {t}");
        assert!(!t.contains("href=\"/kiem-tra\""), "menu: {t}");
        // The case itself, the list, the register and the summary are not theirs.
        for uri in [
            format!("/kiem-tra/{id}"),
            "/kiem-tra".into(),
            "/kiem-tra/tong-hop".into(),
        ] {
            let r = app.page(&uri, Some(&sec.cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
            assert!(!r.text().contains("15-QĐ/UBKT"), "{uri}");
        }
        // The secretary reports the remedy done.
        let rid = {
            let p = app.principal(&app.token("kiemtra.tu").await).await;
            let d = app
                .db
                .inspections()
                .case_detail(&store::Actor::system("test"), &p, id)
                .await
                .unwrap();
            d.subjects
                .iter()
                .flat_map(|s| s.remedies.iter())
                .next()
                .unwrap()
                .id
        };
        let r = app
            .form(
                &sec,
                &format!("/ket-qua-kiem-tra/{rid}/khac-phuc"),
                &[("done_on", "ngày mai")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("Ngày không hợp lệ"), "{}", r.text());
        let r = app
            .form(
                &sec,
                &format!("/ket-qua-kiem-tra/{rid}/khac-phuc"),
                &[
                    ("done_on", "25/11/2026"),
                    ("note", "Đã sinh hoạt chuyên đề quý IV"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let t = app
            .page("/ket-qua-kiem-tra", Some(&sec.cookie))
            .await
            .text();
        assert!(t.contains("Đã khắc phục ngày 25/11/2026"), "{t}");
        // Without a year the page shows the year of the newest conclusion; another year shows its own.
        assert!(
            t.contains("value=\"2026\""),
            "the newest year is chosen: {t}"
        );
        let t = app
            .page("/ket-qua-kiem-tra?nam=2025", Some(&sec.cookie))
            .await
            .text();
        assert!(
            !t.contains("Tổ chức lại sinh hoạt chuyên đề hằng quý"),
            "{t}"
        );
        // The other ward's secretary's cell sees nothing of it.
        let other = app.browser("bithu.p1c1").await;
        let t = app
            .page("/ket-qua-kiem-tra", Some(&other.cookie))
            .await
            .text();
        assert!(t.contains("Chi bộ Khu phố Một A"), "{t}");
    })
    .await;
}

#[tokio::test]
async fn discipline_form_register_and_a_members_own_decisions() {
    each_backend(|app| async move {
        let b = app.browser("kiemtra.tu").await;
        let binh = app.fx.member("Nguyễn Văn Bình").card.clone();
        let mai = app.fx.member("Trần Thị Mai").card.clone();
        // A unit cannot be expelled: refused with the Vietnamese rule, input kept.
        let r = app
            .form(
                &b,
                "/ky-luat/moi",
                &[
                    ("target", "unit"),
                    ("subject_unit", "P1-C2"),
                    ("form", "expulsion"),
                    ("decided_by", "TU"),
                    ("body", "commission"),
                    ("decision_number", "20-QĐ/UBKT"),
                    ("decided_on", "05/11/2026"),
                    ("reason", "Vi phạm nguyên tắc tập trung dân chủ"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Tổ chức đảng chỉ có thể bị kỷ luật"), "{t}");
        assert!(t.contains("value=\"20-QĐ/UBKT\""), "{t}");
        for (card, number) in [(&binh, "21-QĐ/UBKT"), (&mai, "22-QĐ/UBKT")] {
            let r = app
                .form(
                    &b,
                    "/ky-luat/moi",
                    &[
                        ("target", "member"),
                        ("card", card),
                        ("form", "reprimand"),
                        ("decided_by", "TU"),
                        ("body", "commission"),
                        ("decision_number", number),
                        ("decided_on", "05/10/2026"),
                        ("reason", "Không gương mẫu thực hiện cam kết"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        }
        let t = app.page("/ky-luat", Some(&b.cookie)).await.text();
        assert!(
            t.contains("Nguyễn Văn Bình") && t.contains("Trần Thị Mai"),
            "{t}"
        );
        assert!(t.contains("Khiển trách"), "{t}");
        // The member sees their own decision only.
        let m = app.browser("dangvien.p1c1").await;
        let r = app.page("/ky-luat", Some(&m.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Quyết định kỷ luật của tôi"), "{t}");
        assert!(t.contains("21-QĐ/UBKT"), "{t}");
        assert!(
            !t.contains("Trần Thị Mai") && !t.contains("22-QĐ/UBKT"),
            "{t}"
        );
        // A late appeal is refused with the reason.
        let id: i64 = {
            let p = app.principal(&app.token("kiemtra.tu").await).await;
            let list = app
                .db
                .inspections()
                .list_disciplines(&p, &store::DisciplineFilter::default())
                .await
                .unwrap();
            list.iter()
                .find(|d| d.decision_number == "21-QĐ/UBKT")
                .unwrap()
                .id
        };
        let page = app.page(&format!("/ky-luat/{id}"), Some(&m.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let r = app
            .form(
                &m,
                &format!("/ky-luat/{id}/khieu-nai"),
                &[("filed_on", "20/11/2026")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(
            r.text().contains("Đã quá thời hạn khiếu nại"),
            "{}",
            r.text()
        );
    })
    .await;
}
