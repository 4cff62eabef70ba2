//! The attendance pages driven as a browser drives them: creating a study session and recording a cell
//! meeting through the forms, editing a meeting, the monthly topic, the marking sheet (only what changed
//! is written; out-of-scope rows are refused), opening self check-in, the QR code and checking in with
//! the code, closing it, documents, the campaign forms (plans with percentage targets, themes), the unit
//! attendance table and a member's history — on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, looks_vietnamese, Browser, Resp, TestApp};
use serde_json::{json, Value};

/// Where a redirect leads.
fn location(r: &Resp) -> String {
    assert!(
        r.status.is_redirection(),
        "expected a redirect, got {}: {}",
        r.status,
        r.text()
    );
    r.header("location").unwrap_or_default().to_string()
}

/// The session id in a redirect to `/<section>/<id>?…`.
fn session_id(location: &str, section: &str) -> i64 {
    let rest = location
        .strip_prefix(&format!("/{section}/"))
        .unwrap_or_else(|| panic!("{location} is not a {section} page"));
    rest.split(['?', '#', '/']).next().unwrap().parse().unwrap()
}

/// The text of the element with this id (`<… id="x">text<`).
fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let open = html[start..].find('>')? + start + 1;
    let close = html[open..].find('<')? + open;
    Some(html[open..close].trim().to_string())
}

async fn post(app: &TestApp, b: &Browser, uri: &str, fields: &[(&str, &str)]) -> Resp {
    let mut all = vec![("csrf", b.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, Some(&b.cookie), &all).await
}

/// A study session created through the form by `b`; its id.
async fn study_by_form(app: &TestApp, b: &Browser, unit: &str, date: &str, title: &str) -> i64 {
    let r = post(
        app,
        b,
        "/hoc-tap/moi",
        &[("unit_code", unit), ("date", date), ("title", title)],
    )
    .await;
    session_id(&location(&r), "hoc-tap")
}

async fn session_json(app: &TestApp, token: &str, id: i64) -> Value {
    let r = app
        .get(&format!("/api/v1/study-sessions/{id}"), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

/// The status of one member in a session, from the API.
fn status_of(session: &Value, member: i64) -> Option<String> {
    session["marks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["member_id"] == member)
        .and_then(|m| m["status"].as_str().map(str::to_string))
}

fn ids(app: &TestApp, cell: &str) -> Vec<i64> {
    app.fx.members_in(cell).iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn study_session_created_through_the_form() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        // The form: today and 07:30 by default, only the units the secretary manages.
        let form = app.page("/hoc-tap/moi?don_vi=P1-C1", Some(&b.cookie)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text());
        let html = form.text();
        assert!(html.contains("value=\"2026-11-27\"") && html.contains("07:30"));
        assert!(html.contains("Đảng bộ Phường Một (P1)"), "{html}");
        assert!(html.contains("Chi bộ Khu phố Một A (P1-C1)"));
        assert!(!html.contains("(P2)"), "another ward is not offered");

        let r = post(
            &app,
            &b,
            "/hoc-tap/moi",
            &[
                ("unit_code", "P1"),
                ("date", "20/11/2026"),
                ("starts_at", "08:00"),
                ("ends_at", "10:30"),
                ("place", "Hội trường phường"),
                ("title", "Quán triệt Chỉ thị 05-CT/TW"),
            ],
        )
        .await;
        let to = location(&r);
        assert!(to.ends_with("?tb=da-tao"), "{to}");
        let id = session_id(&to, "hoc-tap");
        let page = app.page(&to, Some(&b.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        for part in [
            "Quán triệt Chỉ thị 05-CT/TW",
            "Đã thêm mới.",
            "08:00 – 10:30",
            "Hội trường phường",
            "20/11/2026",
            "Danh sách điểm danh (6)",
        ] {
            assert!(html.contains(part), "{part} on the new session's page");
        }
        // The list of the year and the calendar of its month link to it.
        let href = format!("/hoc-tap/{id}");
        let list = app.page("/hoc-tap?nam=2026", Some(&b.cookie)).await;
        assert!(list.text().contains(&href));
        let cal = app
            .page("/hoc-tap?xem=lich&nam=2026&thang=11", Some(&b.cookie))
            .await;
        assert!(cal.text().contains(&href) && cal.text().contains("Tháng 11/2026"));
        let other = app
            .page("/hoc-tap?xem=lich&nam=2026&thang=10", Some(&b.cookie))
            .await;
        assert!(!other.text().contains(&href), "not in October's calendar");

        // Refused input shows the form again (422) with the message and what was typed.
        let r = post(
            &app,
            &b,
            "/hoc-tap/moi",
            &[
                ("unit_code", "P1"),
                ("date", "31/02/2026"),
                ("title", "Buổi có ngày sai"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Ngày không hợp lệ") && r.text().contains("Buổi có ngày sai"));
        let r = post(
            &app,
            &b,
            "/hoc-tap/moi",
            &[
                ("unit_code", "KHONG-CO"),
                ("date", "20/11/2026"),
                ("title", "Buổi của đơn vị lạ"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Không có đơn vị mã"), "{}", r.text());
        let r = post(
            &app,
            &b,
            "/hoc-tap/moi",
            &[("unit_code", "P1"), ("date", "20/11/2026"), ("title", " ")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Phải nhập tên buổi học tập"));

        // A member may not organise sessions: the form and the POST are "not found".
        let m = app.browser("dangvien.p1c1").await;
        assert_eq!(
            app.page("/hoc-tap/moi", Some(&m.cookie)).await.status,
            StatusCode::NOT_FOUND
        );
        let r = post(
            &app,
            &m,
            "/hoc-tap/moi",
            &[
                ("unit_code", "P1-C1"),
                ("date", "20/11/2026"),
                ("title", "Buổi của đảng viên"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Without the token nothing is created.
        let r = app
            .post_form(
                "/hoc-tap/moi",
                Some(&b.cookie),
                &[
                    ("unit_code", "P1"),
                    ("date", "20/11/2026"),
                    ("title", "Buổi giả mạo"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let list = app.page("/hoc-tap?nam=2026", Some(&b.cookie)).await.text();
        assert!(!list.contains("Buổi giả mạo") && !list.contains("Buổi của đảng viên"));
    })
    .await;
}

#[tokio::test]
async fn cell_meeting_recorded_edited_and_topic_set() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1c1").await;
        let cell = app.fx.unit("P1-C1").id;
        let r = post(
            &app,
            &b,
            "/sinh-hoat/moi",
            &[
                ("unit_code", "P1-C1"),
                ("date", "2026-11-05"),
                ("title", "Sinh hoạt chi bộ thường kỳ tháng 11"),
                ("thematic", "1"),
                ("minutes", "Chi bộ kiểm điểm việc làm theo gương Bác."),
                ("quality", "good"),
            ],
        )
        .await;
        let id = session_id(&location(&r), "sinh-hoat");
        let page = app.page(&format!("/sinh-hoat/{id}"), Some(&b.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page
            .text()
            .contains("Chi bộ kiểm điểm việc làm theo gương Bác."));
        // The same id under the other section is not this page.
        let r = app.page(&format!("/hoc-tap/{id}"), Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A cell meeting belongs to a cell.
        let ward = app.browser("bithu.p1").await;
        let r = post(
            &app,
            &ward,
            "/sinh-hoat/moi",
            &[
                ("unit_code", "P1"),
                ("date", "2026-11-05"),
                ("title", "Sinh hoạt của phường"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("hãy chọn một chi bộ"));
        // The cell's register lists it in its month.
        let reg = app
            .page(
                &format!("/sinh-hoat?don_vi={cell}&nam=2026"),
                Some(&b.cookie),
            )
            .await;
        assert_eq!(reg.status, StatusCode::OK);
        assert!(reg.text().contains(&format!("/sinh-hoat/{id}")));

        // Edit the minutes and the self-rating.
        let edit = format!("/sinh-hoat/{id}/sua");
        let r = post(
            &app,
            &b,
            &edit,
            &[
                ("title", "Sinh hoạt chi bộ thường kỳ tháng 11"),
                ("minutes", "Biên bản đã bổ sung ý kiến của đảng viên."),
                ("quality", "fair"),
            ],
        )
        .await;
        assert_eq!(location(&r), format!("/sinh-hoat/{id}?tb=da-luu"));
        let page = app
            .page(&format!("/sinh-hoat/{id}"), Some(&b.cookie))
            .await
            .text();
        assert!(page.contains("Biên bản đã bổ sung ý kiến của đảng viên."));
        // A refused edit is the session page with the reason at the top (422).
        let r = post(&app, &b, &edit, &[("title", "x"), ("theme_id", "abc")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Chuyên đề không hợp lệ"));
        // Another section than study or cell is "not found".
        let r = post(&app, &b, &format!("/khac/{id}/sua"), &[("title", "x")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // The list of members called: unchanged.
        let r = post(
            &app,
            &b,
            &format!("/sinh-hoat/{id}/cap-nhat-danh-sach"),
            &[],
        )
        .await;
        assert_eq!(
            location(&r),
            format!("/sinh-hoat/{id}?tb=danh-sach-khong-doi")
        );

        // Next month's topic (today 27/11/2026: December).
        let r = post(
            &app,
            &b,
            "/sinh-hoat/chu-de",
            &[
                ("unit_id", &cell.to_string()),
                ("month", "2026-12"),
                ("topic", "Nêu cao tinh thần trách nhiệm của đảng viên"),
                ("thematic", "1"),
            ],
        )
        .await;
        assert_eq!(location(&r), format!("/sinh-hoat?don_vi={cell}&tb=da-luu"));
        let reg = app
            .page(
                &format!("/sinh-hoat?don_vi={cell}&tb=da-luu"),
                Some(&b.cookie),
            )
            .await
            .text();
        assert!(reg.contains("Nêu cao tinh thần trách nhiệm của đảng viên"));
        assert!(reg.contains("Đã lưu thay đổi."));
        let r = post(
            &app,
            &b,
            "/sinh-hoat/chu-de",
            &[
                ("unit_id", &cell.to_string()),
                ("month", "12/2026"),
                ("topic", "x"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Tháng không hợp lệ."));
        // The ward sees the cell's topic on its board.
        let board = app.page("/sinh-hoat", Some(&ward.cookie)).await.text();
        assert!(board.contains("Nêu cao tinh thần trách nhiệm của đảng viên"));
    })
    .await;
}

#[tokio::test]
async fn marking_sheet_writes_only_what_changed() {
    each_backend(|app| async move {
        let ward_token = app.token("bithu.p1").await;
        let ward = app.browser("bithu.p1").await;
        let id = study_by_form(
            &app,
            &ward,
            "P1",
            "2026-11-20",
            "Học tập Nghị quyết tháng 11",
        )
        .await;
        let c1 = ids(&app, "P1-C1");
        let c2 = ids(&app, "P1-C2");
        let sheet = format!("/hoc-tap/{id}/diem-danh");
        // The cell secretary marks the cell's rows.
        let b = app.browser("bithu.p1c1").await;
        let (f0, f1, f2) = (
            format!("m{}", c1[0]),
            format!("m{}", c1[1]),
            format!("m{}", c1[2]),
        );
        let r = post(
            &app,
            &b,
            &sheet,
            &[(&f0, "present"), (&f1, "late"), (&f2, "excused")],
        )
        .await;
        assert_eq!(
            location(&r),
            format!("/hoc-tap/{id}?tb=da-diem-danh#bang-diem-danh")
        );
        let s = session_json(&app, &ward_token, id).await;
        assert_eq!(status_of(&s, c1[0]).as_deref(), Some("present"));
        assert_eq!(status_of(&s, c1[1]).as_deref(), Some("late"));
        assert_eq!(status_of(&s, c1[2]).as_deref(), Some("excused"));
        // A sheet left open (row loaded as "present") does not overwrite a change made meanwhile.
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/study-sessions/{id}/attendance"),
                Some(&ward_token),
                Some(&json!({"marks": [{"member_id": c1[0], "status": "absent"}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let (o0, o1) = (format!("o{}", c1[0]), format!("o{}", c1[1]));
        let r = post(
            &app,
            &b,
            &sheet,
            &[
                (&o0, "present"),
                (&f0, "present"),
                (&o1, "late"),
                (&f1, "present"),
            ],
        )
        .await;
        assert!(r.status.is_redirection(), "{}", r.text());
        let s = session_json(&app, &ward_token, id).await;
        assert_eq!(status_of(&s, c1[0]).as_deref(), Some("absent"), "kept");
        assert_eq!(status_of(&s, c1[1]).as_deref(), Some("present"), "changed");
        // An unknown status is refused with a link back.
        let r = post(&app, &b, &sheet, &[(&f2, "maybe")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Trạng thái điểm danh không hợp lệ."));
        // A row of the other cell: the session page says why, nothing is written.
        let g0 = format!("m{}", c2[0]);
        let r = post(&app, &b, &sheet, &[(&g0, "present"), (&f2, "absent")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r
            .text()
            .contains("Bạn chỉ được điểm danh đảng viên thuộc đơn vị mình phụ trách."));
        let s = session_json(&app, &ward_token, id).await;
        assert_eq!(status_of(&s, c2[0]), None);
        assert_eq!(status_of(&s, c1[2]).as_deref(), Some("excused"));
        // A member not called to the session: the row error is shown on the sheet.
        let outsider = format!("m{}", ids(&app, "P2-C1")[0]);
        let r = post(&app, &ward, &sheet, &[(&outsider, "present")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Chưa lưu điểm danh:"));
        assert!(r.text().contains("không thuộc danh sách phải dự"));
        // "All present" marks only the unmarked rows the user may mark.
        let r = post(&app, &ward, &sheet, &[("tat_ca", "1")]).await;
        assert!(r.status.is_redirection(), "{}", r.text());
        let s = session_json(&app, &ward_token, id).await;
        assert_eq!(status_of(&s, c1[0]).as_deref(), Some("absent"));
        assert_eq!(status_of(&s, c2[0]).as_deref(), Some("present"));
        assert_eq!(s["unmarked"], 0);
        // The sheet shows who marked.
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&ward.cookie))
            .await;
        assert!(page.text().contains("data-status=\"absent\""));
        // The ward's sheet: one titled list per cell with its counts, and a filter by cell and by name.
        let html = page.text();
        assert!(html.contains("<h3 class=\"sheet-group\">Chi bộ Khu phố Một A <span class=\"muted\">3 người · 3 đã điểm danh · 1 có mặt</span></h3>"), "{html}");
        assert!(html.contains("Chi bộ Khu phố Một B (3 · đã điểm danh đủ)"));
        let c2_unit = app.fx.unit("P1-C2").id;
        let page = app
            .page(&format!("/hoc-tap/{id}?chi-bo={c2_unit}"), Some(&ward.cookie))
            .await
            .text();
        assert!(page.contains("đang xem 3/6") && page.contains("Phạm Quốc Dũng") && !page.contains("Trần Thị Mai"));
        // By name without diacritics, "đ" typed as "d".
        let page = app
            .page(&format!("/hoc-tap/{id}?tim=dang+minh"), Some(&ward.cookie))
            .await
            .text();
        assert!(page.contains("đang xem 1/6") && page.contains("Đặng Minh Khôi") && !page.contains("Phạm Quốc Dũng"), "{page}");
        let page = app
            .page(&format!("/hoc-tap/{id}?tim=khong+co+ai"), Some(&ward.cookie))
            .await
            .text();
        assert!(page.contains("Không có ai khớp bộ lọc."));
        // Saving a filtered sheet comes back to the same filter.
        let d0 = format!("m{}", c2[0]);
        let r = post(&app, &ward, &sheet, &[("chi-bo", &c2_unit.to_string()), ("tim", ""), (&d0, "late")]).await;
        assert_eq!(
            location(&r),
            format!("/hoc-tap/{id}?chi-bo={c2_unit}&tb=da-diem-danh#bang-diem-danh")
        );
    })
    .await;
}

#[tokio::test]
async fn self_checkin_opened_used_and_closed() {
    each_backend(|app| async move {
        let sec = app.browser("bithu.p1c1").await;
        let title = "Học tập chuyên đề hôm nay";
        let id = study_by_form(&app, &sec, "P1-C1", "27/11/2026", title).await;
        let member = app.browser("dangvien.p1c1").await;
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id;

        // The member's form; before the secretary opens check-in a code is refused.
        let form = app
            .page(
                &format!("/diem-danh?buoi={id}&ma=123456"),
                Some(&member.cookie),
            )
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains("value=\"123456\""));
        let id_text = id.to_string();
        let r = post(
            &app,
            &member,
            "/diem-danh",
            &[("buoi", &id_text), ("ma", "123456")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("id=\"loi\"") && looks_vietnamese(&r.text()));

        // A window outside 5..=1440 minutes is refused (the API's rule), nothing is opened.
        let open = format!("/hoc-tap/{id}/mo-diem-danh");
        for bad in ["3", "2000"] {
            let r = post(&app, &sec, &open, &[("phut", bad)]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad} minutes");
            assert!(r.text().contains("phải từ 5 đến 1.440"), "{}", r.text());
        }
        let page = app.page(&format!("/hoc-tap/{id}"), Some(&sec.cookie)).await;
        assert!(element_text(&page.text(), "ma-diem-danh").is_none());
        // Not the member's to open.
        let r = post(&app, &member, &open, &[("phut", "30")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Open for 30 minutes: the code and the QR code are shown to the secretary.
        let r = post(&app, &sec, &open, &[("phut", "30")]).await;
        assert_eq!(location(&r), format!("/hoc-tap/{id}?tb=da-mo-diem-danh"));
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&sec.cookie))
            .await
            .text();
        let code = element_text(&page, "ma-diem-danh").expect("the code on the page");
        assert_eq!(code.len(), 6, "{code}");
        assert!(
            page.contains("Hiệu lực đến 10:30 27/11/2026"),
            "now 10:00 + 30 minutes"
        );
        let qr = app
            .page(&format!("/hoc-tap/{id}/qr.svg"), Some(&sec.cookie))
            .await;
        assert_eq!(qr.status, StatusCode::OK);
        assert_eq!(qr.content_type(), "image/svg+xml");
        assert!(qr.text().contains("<svg"));
        assert_eq!(qr.header("cache-control"), Some("no-store"));
        let r = app
            .page(&format!("/hoc-tap/{id}/qr.svg"), Some(&member.cookie))
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "the QR code is the secretary's"
        );

        // A wrong code, then the right one typed without the session (found by the code).
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let r = post(
            &app,
            &member,
            "/diem-danh",
            &[("buoi", &id_text), ("ma", wrong)],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Mã điểm danh không đúng"), "{}", r.text());
        let r = post(&app, &member, "/diem-danh", &[("buoi", ""), ("ma", &code)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let done = element_text(&r.text(), "ket-qua").expect("the result");
        assert_eq!(
            done,
            format!("Đã điểm danh “{title}” ngày 27/11/2026: có mặt.")
        );
        // Twice is refused.
        let r = post(
            &app,
            &member,
            "/diem-danh",
            &[("buoi", &id_text), ("ma", &code)],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Bạn đã điểm danh buổi này rồi"));
        // A secretary without a member record cannot check in.
        let r = post(&app, &sec, "/diem-danh", &[("buoi", ""), ("ma", "999999")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The sheet shows the self check-in.
        let ward_token = app.token("bithu.p1").await;
        let s = session_json(&app, &ward_token, id).await;
        assert_eq!(status_of(&s, own).as_deref(), Some("present"));
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&sec.cookie))
            .await
            .text();
        assert!(page.contains("tự điểm danh · "));

        // Close: the code and the QR code are gone.
        let r = post(&app, &sec, &format!("/hoc-tap/{id}/dong-diem-danh"), &[]).await;
        assert_eq!(location(&r), format!("/hoc-tap/{id}?tb=da-dong-diem-danh"));
        let page = app
            .page(
                &format!("/hoc-tap/{id}?tb=da-dong-diem-danh"),
                Some(&sec.cookie),
            )
            .await
            .text();
        assert!(element_text(&page, "ma-diem-danh").is_none());
        assert!(page.contains("Đã đóng tự điểm danh."));
        let r = app
            .page(&format!("/hoc-tap/{id}/qr.svg"), Some(&sec.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Check-in opens only around the session's day.
        let old = study_by_form(&app, &sec, "P1-C1", "01/11/2026", "Buổi đầu tháng").await;
        let r = post(
            &app,
            &sec,
            &format!("/hoc-tap/{old}/mo-diem-danh"),
            &[("phut", "60")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Chỉ mở tự điểm danh trong ngày tổ chức"));
    })
    .await;
}

#[tokio::test]
async fn documents_upload_and_download() {
    each_backend(|app| async move {
        let ward = app.browser("bithu.p1").await;
        let id = study_by_form(&app, &ward, "P1", "2026-11-20", "Học tập có tài liệu").await;
        let upload = format!("/hoc-tap/{id}/tai-lieu");
        // No file chosen: the session page says so.
        let r = app
            .post_multipart(&upload, Some(&ward.cookie), &[("csrf", &ward.csrf)], None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Hãy chọn một tệp tài liệu để tải lên."));
        let r = app
            .post_multipart(
                &format!("/hoc-tap/{id}/nhap-diem-danh"),
                Some(&ward.cookie),
                &[("csrf", &ward.csrf)],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Hãy chọn tệp Excel điểm danh để nhập."));
        // Upload, then download from the link on the page.
        let r = app
            .post_multipart(
                &upload,
                Some(&ward.cookie),
                &[("csrf", &ward.csrf)],
                Some(("file", "Nghị quyết.pdf", b"%PDF-1.4 test")),
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/hoc-tap/{id}?tb=da-tai-len#tai-lieu")
        );
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&ward.cookie))
            .await
            .text();
        let prefix = format!("/hoc-tap/{id}/tai-lieu/");
        let at = page.find(&prefix).expect("a link to the document") + prefix.len();
        let doc: String = page[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let audit_before = app.audit_total().await;
        let r = app
            .page(&format!("{prefix}{doc}"), Some(&ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, b"%PDF-1.4 test");
        assert_eq!(r.content_type(), "application/pdf");
        let disposition = r.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment;") && disposition.contains("UTF-8''Ngh"));
        assert_eq!(
            app.audit_total().await,
            audit_before + 1,
            "the download is audited"
        );
        // A made-up section and a document of no such id are "not found".
        let r = app
            .page(&format!("/khac/{id}/tai-lieu/{doc}"), Some(&ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .page(
                &format!("/hoc-tap/{id}/tai-lieu/999999"),
                Some(&ward.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn campaign_plan_and_theme_forms() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let plan = |target: &'static str| {
            vec![
                ("number", "43-KH/TU"),
                ("title", "Kế hoạch thực hiện Chỉ thị 05-CT/TW"),
                ("issued_on", "21/06/2016"),
                ("unit_code", "TU"),
                ("target_attendance", target),
                ("target_registered", "100"),
            ]
        };
        // Targets are percentages from 0 to 100, typed the Vietnamese way.
        for bad in ["abc", "101", "-1"] {
            let r = post(&app, &office, "/ke-hoach/moi", &plan(bad)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(r
                .text()
                .contains("Chỉ tiêu là số phần trăm từ 0 đến 100, ví dụ 95"));
            assert!(
                r.text().contains("Kế hoạch thực hiện Chỉ thị 05-CT/TW"),
                "kept"
            );
        }
        let r = post(&app, &office, "/ke-hoach/moi", &plan("98,5%")).await;
        assert_eq!(location(&r), "/ke-hoach?tb=da-tao");
        let page = app.page("/ke-hoach", Some(&office.cookie)).await.text();
        assert!(page.contains("43-KH/TU") && page.contains("98,5%") && page.contains("100%"));
        // A ward secretary may not add plans.
        let ward = app.browser("bithu.p1").await;
        let r = post(&app, &ward, "/ke-hoach/moi", &plan("95")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // The theme of the year.
        let r = post(
            &app,
            &office,
            "/ke-hoach/chuyen-de",
            &[
                ("unit_code", "TU"),
                ("year", "hai nghìn"),
                ("title", "Chuyên đề năm 2026"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Năm phải là số, ví dụ 2019"));
        let r = post(
            &app,
            &office,
            "/ke-hoach/chuyen-de",
            &[
                ("unit_code", "TU"),
                ("year", "2026"),
                ("title", "Chuyên đề năm 2026 về trách nhiệm nêu gương"),
                ("plan", "43-KH/TU"),
            ],
        )
        .await;
        assert_eq!(location(&r), "/ke-hoach?tb=da-luu");
        let page = app.page("/ke-hoach", Some(&ward.cookie)).await.text();
        assert!(page.contains("Chuyên đề năm 2026 về trách nhiệm nêu gương"));
        // The theme is offered on the session form.
        let form = app.page("/hoc-tap/moi", Some(&ward.cookie)).await.text();
        assert!(form.contains("Năm 2026: Chuyên đề năm 2026 về trách nhiệm nêu gương"));
    })
    .await;
}

#[tokio::test]
async fn unit_table_and_member_history() {
    each_backend(|app| async move {
        let ward_token = app.token("bithu.p1").await;
        let ward = app.browser("bithu.p1").await;
        let title = "Học tập chuyên đề tháng 11";
        let id = study_by_form(&app, &ward, "P1", "2026-11-20", title).await;
        let (c1, c2) = (ids(&app, "P1-C1"), ids(&app, "P1-C2"));
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/study-sessions/{id}/attendance"),
                Some(&ward_token),
                Some(&json!({"marks": [
                    {"member_id": c1[0], "status": "present"},
                    {"member_id": c1[1], "status": "late"},
                    {"member_id": c1[2], "status": "absent"},
                    {"member_id": c2[0], "status": "excused"}
                ]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());

        // The ward's table: one row per cell and the total (2 attended of 6).
        let t = app
            .page(
                "/chuyen-can?tu=2026-01-01&den=2026-12-31",
                Some(&ward.cookie),
            )
            .await;
        assert_eq!(t.status, StatusCode::OK);
        let html = t.text();
        assert!(html.contains("Tỷ lệ tham dự — Đảng bộ Phường Một"));
        assert!(html.contains("Chi bộ Khu phố Một A") && html.contains("Chi bộ Khu phố Một B"));
        assert_eq!(
            element_text(&html, "ty-le-don-vi").as_deref(),
            Some("33,3%")
        );
        assert!(html.contains(">2/6<"), "attended / expected");
        // The same rates drawn per cell, named for screen readers.
        assert!(
            html.contains("<svg viewBox=\"0 0 520 ")
                && html.contains("aria-labelledby=\"bd-ty-le-don-vi\"")
        );
        assert!(
            html.contains("<title>Chi bộ Khu phố Một A — Tỷ lệ tham dự: "),
            "{html}"
        );
        // Outside the period: nothing.
        let t = app
            .page(
                "/chuyen-can?tu=2025-01-01&den=2025-12-31",
                Some(&ward.cookie),
            )
            .await
            .text();
        assert_eq!(element_text(&t, "ty-le-don-vi").as_deref(), Some("—"));
        // A malformed date is shown on its field; the year is used instead.
        let t = app.page("/chuyen-can?tu=abc", Some(&ward.cookie)).await;
        assert_eq!(t.status, StatusCode::OK);
        assert!(t.text().contains("Ngày không hợp lệ"));
        assert_eq!(
            element_text(&t.text(), "ty-le-don-vi").as_deref(),
            Some("33,3%")
        );
        // Cell meetings: none yet.
        let t = app
            .page("/chuyen-can?loai=cell", Some(&ward.cookie))
            .await
            .text();
        assert!(t.contains("value=\"cell\" selected"));
        // The city drills down to the ward with a link back up.
        let admin = app.browser("admin.tu").await;
        let p1 = app.fx.unit("P1").id;
        let t = app
            .page(&format!("/chuyen-can?don_vi={p1}"), Some(&admin.cookie))
            .await
            .text();
        assert!(t.contains("‹ Thành ủy Thử Nghiệm"));
        // Another ward is out of the secretary's scope.
        let p2 = app.fx.unit("P2").id;
        let r = app
            .page(&format!("/chuyen-can?don_vi={p2}"), Some(&ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // A member is sent to their own history.
        let member = app.browser("dangvien.p1c1").await;
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id;
        assert_eq!(own, c1[0]);
        let r = app.page("/chuyen-can", Some(&member.cookie)).await;
        let to = location(&r);
        assert_eq!(to, format!("/dang-vien/{own}/chuyen-can"));
        let h = app.page(&to, Some(&member.cookie)).await;
        assert_eq!(h.status, StatusCode::OK);
        let html = h.text();
        assert!(html.contains("id=\"lich-su-diem-danh\"") && html.contains(title));
        assert!(html.contains(&format!("/hoc-tap/{id}")));
        // Someone else's history is "not found" for the member, visible to the ward.
        let r = app
            .page(
                &format!("/dang-vien/{}/chuyen-can", c1[2]),
                Some(&member.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let h = app
            .page(
                &format!("/dang-vien/{}/chuyen-can", c1[2]),
                Some(&ward.cookie),
            )
            .await
            .text();
        assert!(h.contains("Vắng không lý do"), "{h}");
    })
    .await;
}

#[tokio::test]
async fn attendance_forms_refuse_a_request_without_the_token() {
    each_backend(|app| async move {
        let sec = app.browser("bithu.p1c1").await;
        let id = study_by_form(&app, &sec, "P1-C1", "27/11/2026", "Buổi được bảo vệ").await;
        let cell = app.fx.unit("P1-C1").id.to_string();
        let m = format!("m{}", ids(&app, "P1-C1")[0]);
        let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/ke-hoach/moi".into(),
                vec![("number", "1-KH"), ("title", "x")],
            ),
            (
                "/ke-hoach/chuyen-de".into(),
                vec![("year", "2026"), ("title", "x")],
            ),
            (
                "/hoc-tap/moi".into(),
                vec![
                    ("unit_code", "P1-C1"),
                    ("date", "27/11/2026"),
                    ("title", "x"),
                ],
            ),
            (
                "/sinh-hoat/moi".into(),
                vec![
                    ("unit_code", "P1-C1"),
                    ("date", "27/11/2026"),
                    ("title", "x"),
                ],
            ),
            (
                "/sinh-hoat/chu-de".into(),
                vec![("unit_id", &cell), ("month", "2026-12"), ("topic", "x")],
            ),
            (format!("/hoc-tap/{id}/diem-danh"), vec![(&m, "absent")]),
            (format!("/hoc-tap/{id}/mo-diem-danh"), vec![("phut", "30")]),
            (format!("/hoc-tap/{id}/dong-diem-danh"), vec![]),
            (format!("/hoc-tap/{id}/sua"), vec![("title", "Tên bị đổi")]),
            (format!("/hoc-tap/{id}/cap-nhat-danh-sach"), vec![]),
            ("/diem-danh".into(), vec![("buoi", "1"), ("ma", "123456")]),
        ];
        let audit_before = app.audit_total().await;
        for (uri, fields) in &forms {
            for token in [None, Some("sai-ma")] {
                let mut all = fields.clone();
                if let Some(t) = token {
                    all.push(("csrf", t));
                }
                let r = app.post_form(uri, Some(&sec.cookie), &all).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri} {token:?}");
                assert!(r.text().contains("Biểu mẫu đã hết hạn"), "{uri}");
            }
        }
        for uri in [
            format!("/hoc-tap/{id}/tai-lieu"),
            format!("/hoc-tap/{id}/nhap-diem-danh"),
        ] {
            let r = app
                .post_multipart(
                    &uri,
                    Some(&sec.cookie),
                    &[("csrf", "sai-ma")],
                    Some(("file", "a.pdf", b"%PDF-1.4 test")),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        }
        assert_eq!(app.audit_total().await, audit_before, "nothing was written");
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&sec.cookie))
            .await
            .text();
        assert!(page.contains("Buổi được bảo vệ") && !page.contains("Tên bị đổi"));
    })
    .await;
}

/// A meeting past its plan's days is closed on the page: no marking, no editing, who can reopen; the office
/// reopens it with a reason and the sheet takes marks again; the API refuses a closed sheet in words.
#[tokio::test]
async fn a_closed_meeting_is_read_only_until_the_office_reopens_it() {
    each_backend(|app| async move {
        let ward = app.browser("bithu.p1").await;
        // 27/11/2026 is the test's today: a session of 20/09/2026 closed on 21/10/2026.
        let id = study_by_form(&app, &ward, "P1", "2026-09-20", "Học tập chuyên đề tháng 9").await;
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&ward.cookie))
            .await
            .text();
        assert!(
            page.contains("Đã khóa sổ từ ngày 21/10/2026</strong> (30 ngày sau buổi"),
            "{page}"
        );
        assert!(page.contains("đề nghị văn phòng cấp ủy mở lại"));
        assert!(!page.contains("type=\"radio\"") && !page.contains("id=\"luu-diem-danh\""));
        assert!(!page.contains("/mo-lai"), "a secretary cannot reopen");
        let c1 = ids(&app, "P1-C1");
        let f0 = format!("m{}", c1[0]);
        let sheet = format!("/hoc-tap/{id}/diem-danh");
        let r = post(&app, &ward, &sheet, &[(&f0, "present")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("đã khóa sổ từ ngày 21/10/2026"),
            "{}",
            r.text()
        );
        let token = app.token("bithu.p1").await;
        let api = app
            .api(
                Method::PUT,
                &format!("/api/v1/study-sessions/{id}/attendance"),
                Some(&token),
                Some(&json!({"marks": [{"member_id": c1[0], "status": "present"}]})),
            )
            .await;
        assert_eq!(
            api.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            api.text()
        );
        assert!(api.text().contains("khóa sổ"));

        // The city office reopens with a reason; the sheet takes marks for a week.
        let office = app.browser("office.tu").await;
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&office.cookie))
            .await
            .text();
        assert!(page.contains(&format!("action=\"/hoc-tap/{id}/mo-lai\"")));
        let r = post(
            &app,
            &office,
            &format!("/hoc-tap/{id}/mo-lai"),
            &[("reason", "")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Ghi lý do mở lại"));
        let r = post(
            &app,
            &office,
            &format!("/hoc-tap/{id}/mo-lai"),
            &[("reason", "Bổ sung điểm danh theo biên bản của chi bộ")],
        )
        .await;
        assert_eq!(location(&r), format!("/hoc-tap/{id}?tb=da-mo-lai"));
        let page = app
            .page(&format!("/hoc-tap/{id}"), Some(&ward.cookie))
            .await
            .text();
        assert!(
            page.contains(
                "mở lại để sửa đến hết ngày 04/12/2026. Lý do: Bổ sung điểm danh theo biên bản"
            ),
            "{page}"
        );
        let r = post(&app, &ward, &sheet, &[(&f0, "present")]).await;
        assert!(r.status.is_redirection(), "{}", r.text());
        // The reopening is in the audit log, in words.
        let log = app
            .page("/nhat-ky?loai=study_session", Some(&office.cookie))
            .await
            .text();
        assert!(
            log.contains("<td>Mở lại</td>") && log.contains("Bổ sung điểm danh theo biên bản"),
            "{log}"
        );
    })
    .await;
}
