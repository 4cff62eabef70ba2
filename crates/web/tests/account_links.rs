//! Linking an account to the member record of the person it stands for, from the accounts page and the
//! API: by party card number, within the caller's scope, with Vietnamese errors that keep what was typed.
//! A linked secretary can then no longer approve her own registration (docs/DOMAIN.md § Who approves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, submitted, TestApp, PASSWORD};
use domain::Role;
use serde_json::json;
use store::{Actor, NewAccount};

/// Creates an account straight in the store (no scope).
async fn make_account(app: &TestApp, username: &str, role: Role, unit: &str) -> store::Account {
    app.db
        .accounts()
        .create_account(
            &Actor::system("test"),
            None,
            &NewAccount {
                username: username.into(),
                password: PASSWORD.into(),
                role,
                unit_code: unit.into(),
                member_id: None,
                display_name: format!("Tài khoản {username}"),
            },
        )
        .await
        .unwrap()
}

const NOT_FOUND: &str = "Không tìm thấy đảng viên có số thẻ";

#[tokio::test]
async fn office_links_a_secretary_by_card_number_and_she_can_no_longer_approve_herself() {
    each_backend(|app| async move {
        let mai = app.fx.member("Trần Thị Mai").clone();
        let office = app.browser("office.tu").await;
        let sec_before = app.browser("bithu.p1c1").await;
        let sec = app.account("bithu.p1c1").await;

        let page = app.page("/tai-khoan", Some(&office.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text().contains("Chưa gắn với đảng viên"),
            "{}",
            page.text()
        );
        assert!(!page.text().contains("Gắn với: Trần Thị Mai"));

        let r = app
            .form(
                &office,
                &format!("/tai-khoan/{}/dang-vien", sec.id),
                &[("card_number", &format!(" {} ", mai.card))],
            )
            .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        let page = app
            .page(r.header("location").unwrap(), Some(&office.cookie))
            .await;
        let html = page.text();
        assert!(html.contains("Đã gắn tài khoản với đảng viên"), "{html}");
        assert!(
            html.contains(&format!("Gắn với: Trần Thị Mai (số thẻ {})", mai.card)),
            "{html}"
        );
        assert_eq!(app.account("bithu.p1c1").await.member_id, Some(mai.id));

        // The secretary's open session carried the old link: it has ended.
        let old = app.page("/dang-vien", Some(&sec_before.cookie)).await;
        assert!(old.status.is_redirection(), "{}", old.status);
        assert!(old.header("location").unwrap().starts_with("/dang-nhap"));

        // Signed in again, she cannot approve her own registration.
        let browser = app.browser("bithu.p1c1").await;
        let p = app.account("bithu.p1c1").await.principal();
        let reg = submitted(&app, &p, mai.id).await;
        let resp = app
            .form(
                &browser,
                &format!("/dang-ky/{}/xu-ly", reg.id),
                &[("action", "approve"), ("comment", "")],
            )
            .await;
        assert_eq!(
            resp.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            resp.text()
        );
        assert!(
            resp.text()
                .contains("Không được tự duyệt hoặc trả lại bản đăng ký của chính mình"),
            "{}",
            resp.text()
        );
        let after = app
            .db
            .registrations()
            .registration_unscoped(reg.id)
            .await
            .unwrap();
        assert_eq!(after.status, domain::registration::Status::Submitted);

        // An empty card number unlinks.
        let r = app
            .form(
                &office,
                &format!("/tai-khoan/{}/dang-vien", sec.id),
                &[("card_number", "")],
            )
            .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        assert_eq!(app.account("bithu.p1c1").await.member_id, None);
        let html = app.page("/tai-khoan", Some(&office.cookie)).await.text();
        assert!(!html.contains("Gắn với: Trần Thị Mai"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn an_unknown_card_is_refused_in_vietnamese_and_the_input_kept() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let sec = app.account("bithu.p1c1").await;
        let audit = app.audit_total().await;

        let r = app
            .form(
                &office,
                &format!("/tai-khoan/{}/dang-vien", sec.id),
                &[("card_number", "0999999")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(
            html.contains("Không tìm thấy đảng viên có số thẻ 0999999 trong phạm vi của bạn"),
            "{html}"
        );
        assert!(html.contains("value=\"0999999\""), "{html}");
        assert_eq!(app.account("bithu.p1c1").await.member_id, None);
        assert_eq!(app.audit_total().await, audit);

        // The create form: the card number is resolved, and an unknown one is shown with the input kept.
        let r = app
            .form(
                &office,
                "/tai-khoan",
                &[
                    ("username", "bithu.p1c2"),
                    ("display_name", "Bí thư Khu phố Một B"),
                    ("role", "secretary"),
                    ("unit_code", "P1-C2"),
                    ("card_number", "0888888"),
                    ("password", "MatKhau2026moi"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(
            html.contains("Không tìm thấy đảng viên có số thẻ 0888888 trong phạm vi của bạn"),
            "{html}"
        );
        assert!(html.contains("value=\"0888888\""), "{html}");
        assert!(html.contains("value=\"bithu.p1c2\""), "{html}");
        assert!(app
            .db
            .accounts()
            .account_by_username("bithu.p1c2")
            .await
            .unwrap()
            .is_none());

        let hong = app.fx.member("Nguyễn Thị Hồng").clone();
        let r = app
            .form(
                &office,
                "/tai-khoan",
                &[
                    ("username", "bithu.p1c2"),
                    ("display_name", "Bí thư Khu phố Một B"),
                    ("role", "secretary"),
                    ("unit_code", "P1-C2"),
                    ("card_number", &hong.card),
                    ("password", "MatKhau2026moi"),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        assert_eq!(app.account("bithu.p1c2").await.member_id, Some(hong.id));
        let html = app.page("/tai-khoan", Some(&office.cookie)).await.text();
        assert!(
            html.contains(&format!("Gắn với: Nguyễn Thị Hồng (số thẻ {})", hong.card)),
            "{html}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_member_outside_the_scope_or_the_unit_is_refused() {
    each_backend(|app| async move {
        let lan = app.fx.member("Võ Thị Lan").clone();
        let sec = app.account("bithu.p1c1").await;
        // An office over ward P1 only.
        make_account(&app, "vanphong.p1", Role::Office, "P1").await;
        let ward_office = app.browser("vanphong.p1").await;

        // Lan belongs to ward P2: her card is not found, and her name is not shown.
        let r = app
            .form(
                &ward_office,
                &format!("/tai-khoan/{}/dang-vien", sec.id),
                &[("card_number", &lan.card)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(
            html.contains(&format!("{NOT_FOUND} {} trong phạm vi của bạn", lan.card)),
            "{html}"
        );
        assert!(!html.contains("Võ Thị Lan"), "{html}");
        assert_eq!(app.account("bithu.p1c1").await.member_id, None);

        // The city office may read Lan, but she is not a member of the cell the account is over.
        let office = app.browser("office.tu").await;
        let r = app
            .form(
                &office,
                &format!("/tai-khoan/{}/dang-vien", sec.id),
                &[("card_number", &lan.card)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(
            r.text()
                .contains("Hồ sơ đảng viên không thuộc đơn vị đã chọn"),
            "{}",
            r.text()
        );
        assert_eq!(app.account("bithu.p1c1").await.member_id, None);

        // An account outside the ward office's scope does not exist for it.
        let other = make_account(&app, "bithu.p2c1", Role::Secretary, "P2-C1").await;
        let r = app
            .form(
                &ward_office,
                &format!("/tai-khoan/{}/dang-vien", other.id),
                &[("card_number", &lan.card)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        assert_eq!(app.account("bithu.p2c1").await.member_id, None);

        // The API refuses the same, by card number and by member id.
        let token = app.token("vanphong.p1").await;
        let uri = format!("/api/v1/accounts/{}/member", sec.id);
        for body in [
            json!({"card_number": lan.card}),
            json!({"member_id": lan.id}),
        ] {
            let r = app.api(Method::PUT, &uri, Some(&token), Some(&body)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {}",
                r.text()
            );
            r.assert_problem(&body.to_string());
            assert!(!r.text().contains("Võ Thị Lan"), "{}", r.text());
        }
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/accounts/{}/member", other.id),
                Some(&token),
                Some(&json!({"member_id": null})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        assert_eq!(app.account("bithu.p1c1").await.member_id, None);
    })
    .await;
}

#[tokio::test]
async fn the_api_links_and_unlinks_an_account() {
    each_backend(|app| async move {
        let mai = app.fx.member("Trần Thị Mai").clone();
        let sec = app.account("bithu.p1c1").await;
        let token = app.token("office.tu").await;
        let uri = format!("/api/v1/accounts/{}/member", sec.id);
        let put = |body: serde_json::Value| {
            let (app, uri, token) = (&app, uri.clone(), token.clone());
            async move { app.api(Method::PUT, &uri, Some(&token), Some(&body)).await }
        };

        // By card number.
        let r = put(json!({"card_number": mai.card})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let body = r.json();
        assert_eq!(body["id"], sec.id);
        assert_eq!(body["username"], "bithu.p1c1");
        assert_eq!(body["member_id"], mai.id);
        let list = app.get("/api/v1/accounts", Some(&token)).await.json();
        let row = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == sec.id)
            .unwrap()
            .clone();
        assert_eq!(row["member_id"], mai.id);

        // Unlinked with null, linked again by member id.
        let r = put(json!({"member_id": null})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.json()["member_id"].is_null());
        assert_eq!(app.account("bithu.p1c1").await.member_id, None);
        let r = put(json!({"member_id": mai.id})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(app.account("bithu.p1c1").await.member_id, Some(mai.id));

        // Refusals, in Vietnamese, that change nothing.
        for (body, words) in [
            (json!({}), "member_id"),
            (
                json!({"member_id": null, "card_number": mai.card}),
                "Chỉ ghi một",
            ),
            (json!({"card_number": "0999999"}), NOT_FOUND),
        ] {
            let r = put(body.clone()).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {}",
                r.text()
            );
            let p = r.assert_problem(&body.to_string());
            assert!(p["detail"].as_str().unwrap().contains(words), "{body}: {p}");
        }
        assert_eq!(app.account("bithu.p1c1").await.member_id, Some(mai.id));

        // A member account always keeps its member.
        let member = app.account("dangvien.p1c1").await;
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/accounts/{}/member", member.id),
                Some(&token),
                Some(&json!({"member_id": null})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r
            .text()
            .contains("Tài khoản đảng viên phải gắn với hồ sơ đảng viên"));

        // Only account managers may link: a ward secretary is refused.
        let ward = app.token("bithu.p1").await;
        let r = app
            .api(
                Method::PUT,
                &uri,
                Some(&ward),
                Some(&json!({"member_id": null})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert_eq!(app.account("bithu.p1c1").await.member_id, Some(mai.id));
    })
    .await;
}

/// A member account is made by typing the person's name (no record number copied from an address): one
/// match is taken, none is said, namesakes are offered to choose from; the unit box suggests the scope.
#[tokio::test]
async fn the_member_is_picked_by_name() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let page = app.page("/tai-khoan", Some(&office.cookie)).await.text();
        assert!(
            page.contains("<datalist id=\"don-vi-goi-y\">")
                && page.contains("<option value=\"P1-C1\">")
        );
        let form = |username: &'static str, name: &'static str, pick: String| {
            let office = office.clone();
            let app = app.clone();
            async move {
                app.form(
                    &office,
                    "/tai-khoan",
                    &[
                        ("username", username),
                        ("display_name", ""),
                        ("role", "member"),
                        ("unit_code", "P1-C1"),
                        ("member_id", name),
                        ("member_pick", &pick),
                        ("card_number", ""),
                        ("password", "Hoc tap va lam theo 2026"),
                    ],
                )
                .await
            }
        };
        // One person of that name in scope, typed without diacritics.
        let r = form("mai.p1c1", "tran thi mai", String::new()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let mai = app.fx.member("Trần Thị Mai").id;
        assert_eq!(app.account("mai.p1c1").await.member_id, Some(mai));
        // Nobody of that name.
        let r = form("khong.co", "Lý Văn Không", String::new()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r
            .text()
            .contains("Không tìm thấy đảng viên tên “Lý Văn Không” trong phạm vi của bạn"));
        // Two people of one name: both offered, with their unit and birth year; the one chosen is taken.
        let p = app.principal(&app.token("admin.tu").await).await;
        let twin = app
            .db
            .members()
            .create_member(
                &Actor::system("test"),
                &p,
                &store::MemberInput {
                    full_name: "Trần Thị Mai".into(),
                    card_number: Some("0100098".into()),
                    birth_date: Some(common::d(1990, 2, 3)),
                    joined_on: Some(common::d(2015, 5, 19)),
                    official_on: Some(common::d(2016, 5, 19)),
                    ..Default::default()
                },
                "P1-C1",
                None,
            )
            .await
            .unwrap();
        let r = form("mai2.p1c1", "Trần Thị Mai", String::new()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("Có 2 người tên “Trần Thị Mai”"), "{html}");
        assert!(html.contains(&format!(
            "name=\"member_pick\" value=\"{}\"> Trần Thị Mai — ",
            twin.id
        )));
        assert!(html.contains("sinh năm 1990"), "{html}");
        let r = form("mai2.p1c1", "Trần Thị Mai", twin.id.to_string()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(app.account("mai2.p1c1").await.member_id, Some(twin.id));
    })
    .await;
}
