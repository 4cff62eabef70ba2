//! Registrations in the browser's terms (no JavaScript): a member writes a registration in the editor,
//! sees the flags, fixes a vague item and submits; the approver returns one item with a comment, then
//! approves; the member self-reviews, the cell assesses, the secretary rates; the Word print; the live
//! check; scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, hidden_field, Browser, TestApp};

async fn form(app: &TestApp, b: &Browser, uri: &str, fields: &[(&str, &str)]) -> common::Resp {
    let mut all: Vec<(&str, &str)> = vec![("csrf", b.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, Some(&b.cookie), &all).await
}

fn location(r: &common::Resp) -> String {
    r.header("location").unwrap_or_default().to_string()
}

fn id_from(loc: &str) -> i64 {
    loc.trim_start_matches("/dang-ky/")
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn member_writes_fixes_and_gets_approved() {
    each_backend(|app| async move {
        let me = app.browser("dangvien.p1c1").await;
        // The index offers to write this year's registration.
        let page = app.page("/dang-ky", Some(&me.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Viết bản đăng ký năm 2026"), "{}", page.text());
        let editor = app.page("/dang-ky/viet?nam=2026", Some(&me.cookie)).await;
        assert_eq!(editor.status, StatusCode::OK);
        assert!(editor.text().contains("content_0") && editor.text().contains("Chức trách / lĩnh vực"));

        // A bad date is re-shown with the error, nothing saved.
        let bad = form(&app, &me, "/dang-ky/viet?nam=2026", &[
            ("content_0", "Vận động 15 hộ dân hiến đất mở rộng hẻm 3"),
            ("duty_0", "Công tác dân vận"),
            ("target_0", "15 hộ"),
            ("deadline_0", "31/02/2026"),
            ("do", "save"),
        ])
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Vận động 15 hộ dân hiến đất mở rộng hẻm 3"));
        assert!(bad.text().contains("Ngày không hợp lệ"), "{}", bad.text());

        // Save a draft with one vague item: the editor shows why it is vague.
        let r = form(&app, &me, "/dang-ky/viet?nam=2026", &[
            ("content_0", "Vận động 15 hộ dân hiến đất mở rộng hẻm 3"),
            ("duty_0", "Công tác dân vận"),
            ("target_0", "15 hộ"),
            ("deadline_0", "30/09/2026"),
            ("content_1", "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước"),
            ("duty_1", ""),
            ("target_1", ""),
            ("deadline_1", ""),
            ("content_2", ""),
            ("do", "save"),
        ])
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let loc = location(&r);
        assert!(loc.ends_with("/sua?tb=da-luu-nhap"), "{loc}");
        let id = id_from(&loc);
        let editor = app.page(&loc, Some(&me.cookie)).await.text();
        assert!(editor.contains("Chung chung"), "{editor}");
        assert!(editor.contains("Đã lưu bản nháp"));
        assert!(editor.contains("chấp hành tốt") || editor.contains("Chấp hành tốt"));

        // The live check gives the same flags without saving.
        let live = form(&app, &me, "/dang-ky/kiem-tra", &[
            ("member_id", &app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id.to_string()),
            ("year", "2026"),
            ("content_5", "Nâng cao ý thức tu dưỡng, rèn luyện đạo đức"),
        ])
        .await;
        assert_eq!(live.status, StatusCode::OK);
        let v = live.json();
        assert_eq!(v["items"][0]["index"], 5);
        assert!(v["items"][0]["flags"].as_array().unwrap().iter().any(|f| f["flag"] == "vague"), "{v}");

        // Fix it and submit in one go.
        let r = form(&app, &me, &format!("/dang-ky/{id}/sua"), &[
            ("content_0", "Vận động 15 hộ dân hiến đất mở rộng hẻm 3"),
            ("duty_0", "Công tác dân vận"),
            ("target_0", "15 hộ"),
            ("deadline_0", "30/09/2026"),
            ("content_1", "Tham gia đầy đủ 12 buổi sinh hoạt chi bộ, phát biểu ý kiến xây dựng tại mỗi buổi"),
            ("duty_1", "Sinh hoạt chi bộ"),
            ("target_1", "12 buổi"),
            ("deadline_1", "31/12/2026"),
            ("do", "submit"),
        ])
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(location(&r), format!("/dang-ky/{id}?tb=da-nop"));
        let shown = app.page(&format!("/dang-ky/{id}"), Some(&me.cookie)).await.text();
        assert!(shown.contains("Chờ duyệt") && !shown.contains("Chung chung"), "{shown}");
        // A submitted registration is locked for the member.
        let again = app.page(&format!("/dang-ky/{id}/sua"), Some(&me.cookie)).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);

        // The member is the cell's secretary: the ward approves. The cell's own account sees no queue item.
        let cell = app.browser("bithu.p1c1").await;
        let q = app.page("/dang-ky", Some(&cell.cookie)).await.text();
        assert!(q.contains("Chờ tôi duyệt (0)"), "{q}");
        let ward = app.browser("bithu.p1").await;
        let q = app.page("/dang-ky", Some(&ward.cookie)).await.text();
        assert!(q.contains("Chờ tôi duyệt (1)") && q.contains("Nguyễn Văn Bình"), "{q}");
        let page = app.page(&format!("/dang-ky/{id}"), Some(&ward.cookie)).await.text();
        assert!(page.contains("Duyệt bản đăng ký") && page.contains("c_2"));
        // Return item 2 with a comment.
        let r = form(&app, &ward, &format!("/dang-ky/{id}/xu-ly"), &[
            ("action", "return"),
            ("comment", ""),
            ("c_2", "Ghi rõ nội dung phát biểu, gắn với nhiệm vụ bí thư chi bộ"),
        ])
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let mine = app.page(&format!("/dang-ky/{id}/sua"), Some(&me.cookie)).await.text();
        assert!(mine.contains("Ghi rõ nội dung phát biểu"), "{mine}");
        let r = form(&app, &me, &format!("/dang-ky/{id}/xu-ly"), &[("action", "submit")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = form(&app, &ward, &format!("/dang-ky/{id}/xu-ly"), &[("action", "approve"), ("comment", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = app.page(&format!("/dang-ky/{id}"), Some(&me.cookie)).await.text();
        assert!(page.contains("Đã duyệt") && page.contains("Trả lại để sửa"), "{page}");
        // The history names people, not bare accounts: the member by the linked record's name, the
        // secretary by the account's display name, each with the account.
        assert!(page.contains("<td>Nguyễn Văn Bình (dangvien.p1c1)</td>"), "{page}");
        assert!(page.contains("<td>Tài khoản bithu.p1 (bithu.p1)</td>"), "{page}");

        // Year-end self-review (open from 01/11; the test clock is 27/11/2026), the ward's assessment and rating.
        assert!(page.contains("Tự đánh giá cuối năm"), "{page}");
        let r = form(&app, &me, &format!("/dang-ky/{id}/danh-gia"), &[
            ("stage", "yearend"),
            ("o_1", "done"),
            ("n_1", "Đã vận động được 17 hộ"),
            ("e_1", "Biên bản họp khu phố ngày 12/9/2026"),
            ("o_2", "partly"),
        ])
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        // The member may not assess their own.
        let r = form(&app, &me, &format!("/dang-ky/{id}/danh-gia"), &[("stage", "assess"), ("o_1", "done")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = form(&app, &ward, &format!("/dang-ky/{id}/danh-gia"), &[("stage", "assess"), ("o_1", "done"), ("o_2", "done"), ("n_2", "Phát biểu tại 12/12 buổi")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = app.page(&format!("/dang-ky/{id}"), Some(&ward.cookie)).await.text();
        assert!(page.contains("Chi bộ đánh giá") && page.contains("Phát biểu tại 12/12 buổi"));
        assert!(page.contains("Hoàn thành tốt nhiệm vụ"), "suggested rating: {page}");
        // The rating in two steps (docs/DOMAIN.md § Rating). The cell proposes: another level than suggested
        // needs a reason.
        let cell_page = app.page(&format!("/dang-ky/{id}"), Some(&cell.cookie)).await.text();
        assert!(cell_page.contains("Đề xuất xếp loại") && cell_page.contains("Đảng bộ Phường Một quyết định"), "{cell_page}");
        let r = form(&app, &cell, &format!("/dang-ky/{id}/xep-loai"), &[("step", "propose"), ("rating", "excellent"), ("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("lý do"));
        let r = form(&app, &cell, &format!("/dang-ky/{id}/xep-loai"), &[("step", "propose"), ("rating", "good")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(location(&r), format!("/dang-ky/{id}?tb=da-de-xuat-xep-loai"));
        // The cell cannot decide.
        let r = form(&app, &cell, &format!("/dang-ky/{id}/xep-loai"), &[("rating", "good")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("chi bộ chỉ đề xuất"), "{}", r.text());
        // The ward's sheet: suggested, proposed, not yet decided; all proposals decided in one go.
        let sheet = app.page("/dang-ky/xep-loai?nam=2026", Some(&ward.cookie)).await.text();
        assert!(sheet.contains("Nguyễn Văn Bình") && sheet.contains("Chưa quyết định"), "{sheet}");
        assert!(sheet.contains("Quyết định theo đề xuất (1)"), "{sheet}");
        let r = form(&app, &ward, "/dang-ky/xep-loai/theo-de-xuat", &[("year", "2026")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let sheet = app.page("/dang-ky/xep-loai?nam=2026", Some(&ward.cookie)).await.text();
        assert!(!sheet.contains("Chưa quyết định") && !sheet.contains("Quyết định theo đề xuất ("), "{sheet}");
        // The ward may still decide another level, with a reason.
        let r = form(&app, &ward, "/dang-ky/xep-loai", &[("year", "2026"), ("member_id", &app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id.to_string()), ("step", "decide"), ("rating", "completed"), ("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("đã đề xuất"), "{}", r.text());
        let page = app.page(&format!("/dang-ky/{id}"), Some(&ward.cookie)).await.text();
        assert!(page.contains("Chi bộ đề xuất") && page.contains("<strong>Hoàn thành tốt nhiệm vụ</strong>"), "{page}");
        let page = app.page(&format!("/dang-ky/{id}"), Some(&me.cookie)).await.text();
        assert!(page.contains("<strong>Hoàn thành tốt nhiệm vụ</strong>"), "{page}");

        // The Word print.
        let doc = app.page(&format!("/dang-ky/{id}/ban-dang-ky.docx"), Some(&me.cookie)).await;
        assert_eq!(doc.status, StatusCode::OK);
        assert!(doc.content_type().contains("wordprocessingml"));
        assert_eq!(&doc.body[..2], b"PK");

        // Scope: the other ward's secretary and a stranger's print.
        let other = app.browser("admin.tu").await;
        assert_eq!(app.page(&format!("/dang-ky/{id}"), Some(&other.cookie)).await.status, StatusCode::OK);
        let p2 = {
            // A secretary of Phường Hai is created on the fly.
            let acct = store::NewAccount {
                username: "bithu.p2".into(),
                password: common::PASSWORD.into(),
                role: domain::Role::Secretary,
                unit_code: "P2".into(),
                member_id: None,
                display_name: "Bí thư Phường Hai".into(),
            };
            app.db.accounts().create_account(&store::Actor::system("test"), None, &acct).await.unwrap();
            app.browser("bithu.p2").await
        };
        for uri in [format!("/dang-ky/{id}"), format!("/dang-ky/{id}/ban-dang-ky.docx"), format!("/dang-ky/{id}/sua")] {
            assert_eq!(app.page(&uri, Some(&p2.cookie)).await.status, StatusCode::NOT_FOUND, "{uri}");
        }
        let r = form(&app, &p2, &format!("/dang-ky/{id}/xu-ly"), &[("action", "revise")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A forged form without the CSRF field changes nothing.
        let r = app.post_form(&format!("/dang-ky/{id}/xu-ly"), Some(&me.cookie), &[("action", "revise")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let _ = hidden_field;
    })
    .await;
}

#[tokio::test]
async fn copy_last_year_as_a_draft() {
    each_backend(|app| async move {
        let me = app.browser("dangvien.p1c1").await;
        // Nothing to copy yet.
        let r = form(&app, &me, "/dang-ky/sao-chep", &[("year", "2026")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Chưa có bản đăng ký năm trước"));
        let r = form(
            &app,
            &me,
            "/dang-ky/viet?nam=2025",
            &[
                (
                    "content_0",
                    "Vận động 20 hộ tham gia phân loại rác tại nguồn ở khu phố Một A",
                ),
                ("duty_0", "Công tác dân vận"),
                ("target_0", "20 hộ"),
                ("deadline_0", "30/06/2025"),
                ("do", "save"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let index = app.page("/dang-ky", Some(&me.cookie)).await.text();
        assert!(index.contains("Sao chép từ bản năm 2025"), "{index}");
        let r = form(&app, &me, "/dang-ky/sao-chep", &[("year", "2026")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let editor = app.page(&location(&r), Some(&me.cookie)).await.text();
        assert!(
            editor.contains("phân loại rác") && editor.contains("30/06/2026"),
            "{editor}"
        );
        assert!(editor.contains("Đã sao chép"));
        // Copying again: this year exists already.
        let r = form(&app, &me, "/dang-ky/sao-chep", &[("year", "2026")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}
