//! The staff pages of criteria sets, assessments, recognitions and classifications on every backend: the
//! office defines a set through the form (rows filled from the 19 national new-rural criteria in a CSV
//! file), a ward secretary records a partial assessment of their ward and sees it on the status page, a
//! recognition is refused with the unmet criteria listed and accepted once every criterion is met, then
//! withdrawn; the set page's headline follows the day asked; another ward's secretary gets "not found";
//! a form with errors shows its input again; a classification appears on the unit page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, Browser, TestApp};

const NTM_CSV: &[u8] = include_bytes!("../../demo/data/nong-thon-moi-19.csv");

/// A multipart POST of the set form from a signed-in browser.
async fn set_form(
    app: &TestApp,
    b: &Browser,
    uri: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> common::Resp {
    let mut all: Vec<(&str, &str)> = vec![("csrf", b.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_multipart(
        uri,
        Some(&b.cookie),
        &all,
        file.map(|(name, bytes)| ("file", name, bytes)),
    )
    .await
}

/// Defines the three-criteria set "T3" for every grassroots committee through the typed rows.
async fn define_small_set(app: &TestApp, office: &Browser) {
    let r = set_form(
        app,
        office,
        "/tieu-chi/moi",
        &[
            ("code", "T3"),
            ("title", "Bộ tiêu chí phường văn minh (thử)"),
            ("version", "2026"),
            ("applies", "type"),
            ("applies_type", "grassroots_committee"),
            ("rows", "4"),
            ("c_code_0", "1"),
            ("c_group_0", "Hạ tầng"),
            ("c_title_0", "Quy hoạch"),
            ("c_code_1", "2"),
            ("c_group_1", "Hạ tầng"),
            ("c_title_1", "Giao thông"),
            ("c_code_2", "3"),
            ("c_group_2", "Văn hóa"),
            ("c_title_2", "Nhà văn hóa khu phố"),
            ("action", "save"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some("/tieu-chi/T3?tb=da-luu-bo-tieu-chi")
    );
}

/// A secretary account for the second ward (P2), signed in.
async fn second_ward_secretary(app: &TestApp) -> Browser {
    app.db
        .accounts()
        .create_account(
            &store::Actor::system("test"),
            None,
            &store::NewAccount {
                username: "bithu.p2".into(),
                password: common::PASSWORD.into(),
                role: domain::Role::Secretary,
                unit_code: "P2".into(),
                member_id: None,
                display_name: "Bí thư phường Hai".into(),
            },
        )
        .await
        .unwrap();
    app.browser("bithu.p2").await
}

#[tokio::test]
async fn the_office_defines_a_set_from_the_csv_of_the_19_criteria() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let list = app.page("/tieu-chi", Some(&office.cookie)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text());
        assert!(
            list.text().contains("href=\"/tieu-chi/moi\""),
            "{}",
            list.text()
        );
        assert!(list.text().contains(">Tiêu chí</a>"), "menu entry");
        let form = app.page("/tieu-chi/moi", Some(&office.cookie)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form
            .text()
            .contains("Nhập danh sách tiêu chí từ tệp CSV/XLSX"));

        let typed = [
            ("code", "NTM-2016"),
            ("title", "Bộ tiêu chí quốc gia về xã nông thôn mới"),
            ("version", "2016–2020"),
            ("applies", "type"),
            ("applies_type", "grassroots_committee"),
            ("rows", "1"),
            ("c_code_0", ""),
        ];
        // "Điền từ tệp": the rows come back filled, nothing typed is lost, nothing is saved yet.
        let mut fields = typed.to_vec();
        fields.push(("action", "nhap"));
        let r = set_form(
            &app,
            &office,
            "/tieu-chi/moi",
            &fields,
            Some(("nong-thon-moi-19.csv", NTM_CSV)),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Đã điền 19 tiêu chí từ tệp"), "{t}");
        assert!(t.contains("value=\"Giao thông\""), "{t}");
        assert!(t.contains("name=\"c_code_18\" value=\"19\""), "{t}");
        assert!(
            t.contains("value=\"Bộ tiêu chí quốc gia về xã nông thôn mới\""),
            "{t}"
        );
        let p = app.principal(&app.token("office.tu").await).await;
        assert!(app.db.criteria().set(&p, "NTM-2016").await.is_err());

        // "Lưu" with the file attached saves the filled rows.
        let mut fields = typed.to_vec();
        fields.push(("action", "save"));
        let r = set_form(
            &app,
            &office,
            "/tieu-chi/moi",
            &fields,
            Some(("nong-thon-moi-19.csv", NTM_CSV)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let set = app.db.criteria().set(&p, "NTM-2016").await.unwrap();
        assert_eq!(set.items.len(), 19);
        assert_eq!(set.items[1].title, "Giao thông");
        let page = app.page("/tieu-chi/NTM-2016", Some(&office.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let t = page.text();
        assert!(t.contains("Đạt chuẩn: 0/2 đơn vị (0%)"), "{t}");
        assert!(t.contains("Hạ tầng kinh tế - xã hội"), "{t}");
        assert!(t.contains("Đảng bộ Phường Một"), "{t}");
        let list = app.page("/tieu-chi", Some(&office.cookie)).await;
        assert!(
            list.text().contains("0/2 đơn vị đạt chuẩn"),
            "{}",
            list.text()
        );

        // A second set with the same code is refused beside the field, with the input shown again.
        let r = set_form(
            &app,
            &office,
            "/tieu-chi/moi",
            &[
                ("code", "NTM-2016"),
                ("title", "Bản sao gõ lại"),
                ("applies", "type"),
                ("applies_type", "grassroots_committee"),
                ("rows", "2"),
                ("c_code_0", "1"),
                ("c_title_0", "Quy hoạch chung"),
                ("c_code_1", "2"),
                ("c_title_1", ""),
                ("c_group_1", "Nhóm còn thiếu tên"),
                ("action", "save"),
            ],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let t = r.text();
        assert!(t.contains("Đã có bộ tiêu chí mã NTM-2016"), "{t}");
        assert!(t.contains("value=\"Bản sao gõ lại\""), "{t}");
        assert!(t.contains("value=\"Quy hoạch chung\""), "{t}");
        assert!(t.contains("value=\"Nhóm còn thiếu tên\""), "{t}");
        assert!(t.contains("Tiêu chí dòng 2: hãy nhập tên tiêu chí"), "{t}");
        assert_eq!(
            app.db.criteria().set(&p, "NTM-2016").await.unwrap().title,
            "Bộ tiêu chí quốc gia về xã nông thôn mới"
        );

        // A file with a bad row: the row is named with its line and column, the good rows are filled in.
        let bad = "code,group,title\n1,Quy hoạch,Quy hoạch xã\n,Hạ tầng,Dòng thiếu mã\n".as_bytes();
        let r = set_form(
            &app,
            &office,
            "/tieu-chi/moi",
            &[
                ("code", "LOI"),
                ("title", "Thử tệp lỗi"),
                ("rows", "0"),
                ("action", "nhap"),
            ],
            Some(("loi.csv", bad)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Dòng 3, cột"), "{t}");
        assert!(t.contains("value=\"Quy hoạch xã\""), "{t}");
        assert!(t.contains("value=\"Thử tệp lỗi\""), "{t}");
    })
    .await;
}

#[tokio::test]
async fn a_ward_is_assessed_recognised_and_the_recognition_withdrawn() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        define_small_set(&app, &office).await;
        let ward = app.browser("bithu.p1").await;
        let unit_page = "/tieu-chi/T3/don-vi/P1";

        let r = app.page(unit_page, Some(&ward.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Chưa đánh giá"), "{t}");
        assert!(t.contains("Ghi kết quả đánh giá"), "{t}");
        assert!(
            !t.contains("Ghi quyết định công nhận"),
            "a secretary does not recognise: {t}"
        );

        // A partial assessment: criteria 1 and 2 only.
        let r = app
            .form(
                &ward,
                &format!("{unit_page}/danh-gia"),
                &[
                    ("as_of", "01/06/2026"),
                    ("s_1", "met"),
                    ("e_1", "Đã có quy hoạch được phê duyệt"),
                    ("s_2", "partly"),
                    ("e_2", "Còn 2 tuyến hẻm chưa bê tông"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = app.page(unit_page, Some(&ward.cookie)).await;
        let t = r.text();
        assert!(t.contains("Đã có quy hoạch được phê duyệt"), "{t}");
        assert!(t.contains("Đạt một phần"), "{t}");
        assert!(t.contains(">1/3<"), "{t}");
        assert!(t.contains("01/06/2026"), "{t}");
        assert!(t.contains("<polyline"), "progress line: {t}");

        // Refused: criteria 2 and 3 are not met on the decision's day; the page lists them.
        let r = app
            .form(
                &office,
                &format!("{unit_page}/cong-nhan"),
                &[
                    ("decision_number", "15/QĐ-UBND"),
                    ("decided_on", "10/06/2026"),
                    ("issued_by", "Ủy ban nhân dân thành phố"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Các tiêu chí chưa đạt"), "{t}");
        let unmet = &t[t.find("id=\"chua-dat\"").expect("unmet list")..];
        let unmet = &unmet[..unmet.find("</ul>").unwrap()];
        assert!(unmet.contains("2. Giao thông"), "{unmet}");
        assert!(unmet.contains("3. Nhà văn hóa khu phố"), "{unmet}");
        assert!(!unmet.contains("Quy hoạch"), "{unmet}");
        assert!(t.contains("value=\"15/QĐ-UBND\""), "{t}");

        // The rest met on 01/09/2026; the status on 15/06/2026 is still the earlier one.
        let r = app
            .form(
                &ward,
                &format!("{unit_page}/danh-gia"),
                &[("as_of", "01/09/2026"), ("s_2", "met"), ("s_3", "met")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let t = app
            .page(&format!("{unit_page}?ngay=15/06/2026"), Some(&ward.cookie))
            .await
            .text();
        assert!(t.contains(">1/3<"), "{t}");
        let t = app.page(unit_page, Some(&ward.cookie)).await.text();
        assert!(t.contains(">3/3<"), "{t}");

        let r = app
            .form(
                &office,
                &format!("{unit_page}/cong-nhan"),
                &[
                    ("decision_number", "16/QĐ-UBND"),
                    ("decided_on", "15/09/2026"),
                    ("issued_by", "Ủy ban nhân dân thành phố"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let t = app.page("/tieu-chi/T3", Some(&office.cookie)).await.text();
        assert!(t.contains("Đạt chuẩn: 1/2 đơn vị (50%)"), "{t}");
        assert!(t.contains("16/QĐ-UBND · 15/09/2026"), "{t}");
        let t = app
            .page("/tieu-chi/T3?ngay=14/09/2026", Some(&office.cookie))
            .await
            .text();
        assert!(t.contains("Đạt chuẩn: 0/2 đơn vị (0%)"), "{t}");
        let t = app.page(unit_page, Some(&ward.cookie)).await.text();
        assert!(t.contains("Đã được công nhận đạt chuẩn"), "{t}");

        // Withdrawal from 01/11/2026.
        let p = app.principal(&app.token("office.tu").await).await;
        let rec = app
            .db
            .criteria()
            .recognitions(&p, Some("T3"), "P1")
            .await
            .unwrap();
        assert_eq!(rec.len(), 1);
        let r = app
            .form(
                &office,
                &format!("/tieu-chi/cong-nhan/{}/thu-hoi", rec[0].id),
                &[
                    ("withdrawn_on", ""),
                    ("decision_number", "20/QĐ-UBND"),
                    ("reason", "Tiêu chí 3 không còn đạt"),
                    ("set", "T3"),
                    ("unit", "P1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("Hãy nhập ngày thu hồi"), "{}", r.text());
        assert!(r.text().contains("value=\"Tiêu chí 3 không còn đạt\""));
        let r = app
            .form(
                &office,
                &format!("/tieu-chi/cong-nhan/{}/thu-hoi", rec[0].id),
                &[
                    ("withdrawn_on", "01/11/2026"),
                    ("decision_number", "20/QĐ-UBND"),
                    ("reason", "Tiêu chí 3 không còn đạt"),
                    ("set", "T3"),
                    ("unit", "P1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let t = app.page("/tieu-chi/T3", Some(&office.cookie)).await.text();
        assert!(t.contains("Đạt chuẩn: 0/2 đơn vị (0%)"), "{t}");
        let t = app
            .page("/tieu-chi/T3?ngay=31/10/2026", Some(&office.cookie))
            .await
            .text();
        assert!(t.contains("Đạt chuẩn: 1/2 đơn vị (50%)"), "{t}");
        let t = app.page(unit_page, Some(&office.cookie)).await.text();
        assert!(t.contains("Đã thu hồi từ 01/11/2026"), "{t}");

        // Evidence on the first assessment: uploaded by the ward, downloaded back.
        let list = app.db.criteria().assessments(&p, "T3", "P1").await.unwrap();
        let first = list.last().unwrap().id;
        let r = app
            .post_multipart(
                &format!("/tieu-chi/danh-gia/{first}/tai-lieu"),
                Some(&ward.cookie),
                &[("csrf", &ward.csrf), ("set", "T3"), ("unit", "P1")],
                Some(("file", "bien-ban-danh-gia.pdf", b"%PDF-1.4 bien ban")),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let t = app.page(unit_page, Some(&ward.cookie)).await.text();
        assert!(t.contains("bien-ban-danh-gia.pdf"), "{t}");
        let doc = app
            .db
            .criteria()
            .assessments(&p, "T3", "P1")
            .await
            .unwrap()
            .last()
            .unwrap()
            .documents[0]
            .id;
        let r = app
            .page(&format!("/tieu-chi/tai-lieu/{doc}"), Some(&ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, b"%PDF-1.4 bien ban");

        // The other ward's secretary: not found on P1's page, its forms and its document.
        let other = second_ward_secretary(&app).await;
        let r = app.page(unit_page, Some(&other.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.text().contains("Quy hoạch"), "{}", r.text());
        let r = app
            .form(
                &other,
                &format!("{unit_page}/danh-gia"),
                &[("as_of", "02/09/2026"), ("s_3", "not_met")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .page(&format!("/tieu-chi/tai-lieu/{doc}"), Some(&other.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.db
                .criteria()
                .assessments(&p, "T3", "P1")
                .await
                .unwrap()
                .len(),
            2
        );
        // Their own ward is theirs to assess.
        let r = app
            .page("/tieu-chi/T3/don-vi/P2", Some(&other.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("Ghi kết quả đánh giá"));
        // A member account sees none of these pages.
        let member = app.browser("dangvien.p1c1").await;
        assert_eq!(
            app.page("/tieu-chi", Some(&member.cookie)).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn an_assessment_form_with_errors_shows_its_input_again() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        define_small_set(&app, &office).await;
        let ward = app.browser("bithu.p1").await;
        let r = app
            .form(
                &ward,
                "/tieu-chi/T3/don-vi/P1/danh-gia",
                &[
                    ("as_of", "31/02/2026"),
                    ("s_1", "met"),
                    ("e_1", "Biên bản kiểm tra ngày 30/5"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let t = r.text();
        assert!(t.contains("Ngày không hợp lệ"), "{t}");
        assert!(t.contains("value=\"31/02/2026\""), "{t}");
        assert!(t.contains("value=\"Biên bản kiểm tra ngày 30/5\""), "{t}");
        let p = app.principal(&app.token("office.tu").await).await;
        assert!(app
            .db
            .criteria()
            .assessments(&p, "T3", "P1")
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_classification_is_recorded_and_shown_on_the_unit_page() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let r = app
            .form(
                &office,
                "/phan-loai",
                &[
                    ("unit_code", "TU"),
                    ("title", ""),
                    ("decision_number", "1234/QĐ-BXD"),
                    ("decided_on", "15/04/2019"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Hãy nhập tên phân loại"), "{}", r.text());
        assert!(r.text().contains("value=\"1234/QĐ-BXD\""), "{}", r.text());
        let r = app
            .form(
                &office,
                "/phan-loai",
                &[
                    ("unit_code", "TU"),
                    ("title", "Đô thị loại II"),
                    ("decision_number", "1234/QĐ-BXD"),
                    ("decided_on", "15/04/2019"),
                    ("issued_by", "Bộ Xây dựng"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let t = app.page("/phan-loai", Some(&office.cookie)).await.text();
        assert!(t.contains("Đô thị loại II"), "{t}");
        assert!(t.contains("15/04/2019"), "{t}");
        let tu = app.fx.unit("TU").id;
        let t = app
            .page(&format!("/don-vi/{tu}"), Some(&office.cookie))
            .await
            .text();
        assert!(t.contains("Tiêu chí và phân loại"), "{t}");
        assert!(t.contains("Đô thị loại II"), "{t}");
        assert!(
            t.contains("Quyết định số 1234/QĐ-BXD ngày 15/04/2019 của Bộ Xây dựng"),
            "{t}"
        );
        // A ward secretary may not record one (no form), and the city's classification is not theirs.
        let ward = app.browser("bithu.p1").await;
        let t = app.page("/phan-loai", Some(&ward.cookie)).await.text();
        assert!(!t.contains("Ghi quyết định phân loại"), "{t}");
        assert!(!t.contains("Đô thị loại II"), "{t}");
    })
    .await;
}
