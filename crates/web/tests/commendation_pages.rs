//! The commendation pages on every backend: a ward secretary proposes a commendation of a member of their
//! ward through the form (with its CSRF token) and sees it as "chưa quyết định"; a form without a reason
//! comes back with the message and the input kept; the city office decides it through the detail page; the
//! model it names then shows "Được biểu dương" with that decision, the member's page lists it, the summary
//! counts it; the secretary of another ward gets "not found" on it and does not see it in the list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, Browser, TestApp, PASSWORD};
use domain::Role;
use store::{Actor, ModelInput, NewAccount};

const REASON: &str = "Vận động 40 hộ dân xây nhà tiêu hợp vệ sinh năm 2026";

/// A model owned by the ward P1 (created by the system, as the demo does).
async fn ward_model(app: &TestApp) -> i64 {
    let input = ModelInput::new(
        "P1",
        "Nhà tiêu hợp vệ sinh khu phố Một",
        "Dân vận",
        common::d(2025, 3, 1),
    );
    app.db
        .models()
        .create_model(&Actor::system("test"), None, &input)
        .await
        .unwrap()
        .id
}

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

/// The id in a redirect to `/khen-thuong/{id}?…`.
fn id_of(location: &str) -> i64 {
    location
        .trim_start_matches("/khen-thuong/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The text of the first element with `id="ID"` up to its closing tag `end`.
fn section<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let rest = &html[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_proposal_goes_from_the_ward_to_the_city_and_shows_on_the_model_and_member_pages() {
    each_backend(|app| async move {
        let model = ward_model(&app).await;
        let member = app.fx.member("Phạm Quốc Dũng").clone();
        let ward = app.browser("bithu.p1").await;

        // The form from the model page: the model ticked, the ward's members offered, the city above.
        let r = app
            .page(
                &format!("/khen-thuong/moi?mo_hinh={model}"),
                Some(&ward.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(html.contains("Đề nghị khen thưởng"), "{html}");
        assert!(html.contains(&format!("name=\"model\" value=\"{model}\" checked")));
        assert!(html.contains(&format!("name=\"member\" value=\"{}\"", member.id)));
        assert!(html.contains("Thành ủy Thử Nghiệm (TU)"));
        // A secretary records no decision number.
        assert!(!html.contains("name=\"decision_number\""));
        // Nobody of the other ward is offered.
        let other = app.fx.member("Võ Thị Lan");
        assert!(!html.contains(&format!("name=\"member\" value=\"{}\"", other.id)));

        // Without a reason: 422, the message beside the field, the ticks kept.
        let member_id = member.id.to_string();
        let model_id = model.to_string();
        let fields = |reason: &'static str| {
            vec![
                ("kind", "certificate".to_string()),
                ("label", String::new()),
                ("issuer_code", "TU".to_string()),
                ("reason", reason.to_string()),
                ("don_vi", "P1".to_string()),
                ("nam", "2026".to_string()),
                ("member", member_id.clone()),
                ("model", model_id.clone()),
            ]
        };
        let empty = fields("");
        let pairs: Vec<(&str, &str)> = empty.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.form(&ward, "/khen-thuong/moi", &pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(html.contains("Ghi thành tích, lý do khen thưởng"), "{html}");
        assert!(html.contains(&format!("name=\"member\" value=\"{}\" checked", member.id)));
        assert!(html.contains(&format!("name=\"model\" value=\"{model}\" checked")));

        // Without the CSRF token nothing is saved.
        let no_token = app
            .post_form("/khen-thuong/moi", Some(&ward.cookie), &pairs)
            .await;
        assert_ne!(no_token.status, StatusCode::SEE_OTHER);

        // "Hiện danh sách" offers the ticked member's registration of the year, by name; nothing is saved.
        let p1 = app.principal(&app.token("bithu.p1").await).await;
        let reg = common::submitted(&app, &p1, member.id).await;
        let mut reload = pairs.clone();
        reload.push(("tai_lai", "1"));
        let r = app.form(&ward, "/khen-thuong/moi", &reload).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        let regs = section(&html, "chon-ban-dang-ky", "</div>");
        assert!(
            regs.contains(&format!("name=\"registration\" value=\"{}\"", reg.id))
                && regs.contains("Bản đăng ký năm 2026 của Phạm Quốc Dũng"),
            "{regs}"
        );
        assert!(!html.contains("Ghi thành tích, lý do khen thưởng"));

        // With the reason and the registration: a proposal, shown as not decided.
        let reg_id = reg.id.to_string();
        let mut full = fields(REASON);
        full.push(("registration", reg_id.clone()));
        let pairs: Vec<(&str, &str)> = full.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.form(&ward, "/khen-thuong/moi", &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let id = id_of(r.header("location").unwrap());
        let page = app
            .page(&format!("/khen-thuong/{id}"), Some(&ward.cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("chưa quyết định"), "{html}");
        assert!(html.contains(&format!("href=\"/dang-vien/{}\"", member.id)));
        assert!(html.contains(&format!("href=\"/mo-hinh/{model}\"")));
        assert!(html.contains(&format!("href=\"/dang-ky/{}\"", reg.id)));
        // The secretary does not decide it.
        assert!(!html.contains("id=\"form-quyet-dinh\""));
        let list = app.page("/khen-thuong", Some(&ward.cookie)).await.text();
        let rows = section(&list, "danh-sach-khen-thuong", "</table>");
        assert!(
            rows.contains(REASON) && rows.contains("chưa quyết định"),
            "{rows}"
        );
        // Still "đang triển khai": a proposal does not commend the model.
        let mpage = app
            .page(&format!("/mo-hinh/{model}"), Some(&ward.cookie))
            .await
            .text();
        assert!(!mpage.contains("id=\"bieu-duong-theo\""));

        // The other ward's secretary: not found, not listed.
        let other_ward = second_ward_secretary(&app).await;
        let r = app
            .page(&format!("/khen-thuong/{id}"), Some(&other_ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let list = app.page("/khen-thuong", Some(&other_ward.cookie)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.text().contains(REASON));

        // The city office sees it waiting, and a decision without its number is refused beside the field.
        let office = app.browser("office.tu").await;
        let list = app.page("/khen-thuong", Some(&office.cookie)).await.text();
        let waiting = section(&list, "de-nghi-cho-quyet-dinh", "</section>");
        assert!(waiting.contains(REASON), "{waiting}");
        let r = app
            .form(
                &office,
                &format!("/khen-thuong/{id}/quyet-dinh"),
                &[
                    ("decision_number", ""),
                    ("decided_on", "27/11/2026"),
                    ("level", "district"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Ghi số quyết định"));
        let r = app
            .form(
                &office,
                &format!("/khen-thuong/{id}/quyet-dinh"),
                &[
                    ("decision_number", "125-QĐ/TU"),
                    ("decided_on", "27/11/2026"),
                    ("level", "district"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let html = app
            .page(&format!("/khen-thuong/{id}"), Some(&office.cookie))
            .await
            .text();
        assert!(
            html.contains("Quyết định số 125-QĐ/TU ngày 27/11/2026"),
            "{html}"
        );
        assert!(html.contains("Đã quyết định"));
        assert!(!html.contains("id=\"form-quyet-dinh\""));

        // The model is now "được biểu dương", because of that decision.
        let mpage = app
            .page(&format!("/mo-hinh/{model}"), Some(&ward.cookie))
            .await
            .text();
        assert!(
            section(&mpage, "trang-thai", "</span>").contains("Được biểu dương"),
            "{mpage}"
        );
        assert!(section(&mpage, "bieu-duong-theo", "</dd>").contains("125-QĐ/TU"));

        // The member's page lists it.
        let mem = app
            .page(&format!("/dang-vien/{}", member.id), Some(&ward.cookie))
            .await
            .text();
        let rows = section(&mem, "danh-sach-khen-thuong", "</table>");
        assert!(
            rows.contains("Giấy khen") && rows.contains("125-QĐ/TU") && rows.contains(REASON),
            "{rows}"
        );

        // The summary of the city for 2026 counts one decision and one member under "Giấy khen".
        let r = app
            .page(
                "/khen-thuong/tong-hop?don_vi=TU&tu=01/01/2026&den=31/12/2026",
                Some(&office.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        let table = section(&html, "theo-hinh-thuc", "</table>");
        let row = &table[table.find("Giấy khen</a>").unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains("data-label=\"Quyết định\">1<")
                && row.contains("data-label=\"Đảng viên\">1<"),
            "{row}"
        );
        assert!(row.contains("data-label=\"Tập thể\">0<"), "{row}");
        let merit = &table[table.find("Bằng khen</a>").unwrap()..];
        assert!(merit[..merit.find("</tr>").unwrap()].contains("data-label=\"Quyết định\">0<"));
    })
    .await;
}

#[tokio::test]
async fn the_office_records_a_decision_for_a_collective_and_members_have_no_such_pages() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let r = app
            .page("/khen-thuong/moi?don_vi=P2", Some(&office.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(html.contains("Ghi quyết định khen thưởng"));
        assert!(html.contains("name=\"decision_number\""));
        assert!(html.contains("name=\"unit\" value=\"P2-C1\""));
        // A title without its name is refused beside the field, the input kept.
        let r = app
            .form(
                &office,
                "/khen-thuong/moi",
                &[
                    ("kind", "title"),
                    ("label", ""),
                    ("issuer_code", "TU"),
                    ("decision_number", "200-QĐ/TU"),
                    ("decided_on", "15/01/2026"),
                    ("reason", "Hoàn thành xuất sắc nhiệm vụ năm 2025"),
                    ("don_vi", "P2"),
                    ("unit", "P2-C1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("Ghi tên danh hiệu"), "{html}");
        assert!(html.contains("value=\"200-QĐ/TU\""));
        assert!(html.contains("name=\"unit\" value=\"P2-C1\" checked"));
        let r = app
            .form(
                &office,
                "/khen-thuong/moi",
                &[
                    ("kind", "title"),
                    ("label", "Chi bộ trong sạch vững mạnh"),
                    ("issuer_code", "TU"),
                    ("decision_number", "200-QĐ/TU"),
                    ("decided_on", "15/01/2026"),
                    ("reason", "Hoàn thành xuất sắc nhiệm vụ năm 2025"),
                    ("don_vi", "P2"),
                    ("unit", "P2-C1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let id = id_of(r.header("location").unwrap());
        let list = app
            .page("/khen-thuong?nam=2026", Some(&office.cookie))
            .await
            .text();
        let rows = section(&list, "danh-sach-khen-thuong", "</table>");
        assert!(
            rows.contains("Danh hiệu Chi bộ trong sạch vững mạnh")
                && rows.contains("Chi bộ Khu phố Hai A"),
            "{rows}"
        );
        // Filtered to proposals, it is not there.
        let list = app
            .page("/khen-thuong?trang_thai=proposed", Some(&office.cookie))
            .await
            .text();
        assert!(!list.contains("Danh hiệu Chi bộ trong sạch vững mạnh"));
        // The ward-one secretary does not see the other ward's title.
        let ward = app.browser("bithu.p1").await;
        let r = app
            .page(&format!("/khen-thuong/{id}"), Some(&ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A member account has no commendation pages and no menu entry.
        let member = app.browser("dangvien.p1c1").await;
        let r = app.page("/khen-thuong", Some(&member.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.text().contains("href=\"/khen-thuong\""));
        // The office deletes it (entered by mistake).
        let r = app
            .form(&office, &format!("/khen-thuong/{id}/xoa"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = app
            .page(&format!("/khen-thuong/{id}"), Some(&office.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}
