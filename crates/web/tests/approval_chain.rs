//! Who approves, in the browser's terms: the registration page names the approver, and a secretary whose
//! account is linked to her own member record is refused, in Vietnamese, when she tries to approve her own
//! registration (docs/DOMAIN.md § Who approves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, Browser, TestApp};
use store::{Actor, ItemInput};

async fn form(app: &TestApp, b: &Browser, uri: &str, fields: &[(&str, &str)]) -> common::Resp {
    let mut all: Vec<(&str, &str)> = vec![("csrf", b.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, Some(&b.cookie), &all).await
}

#[tokio::test]
async fn a_linked_secretary_cannot_approve_her_own_registration() {
    each_backend(|app| async move {
        // The cell's secretary account stands for Trần Thị Mai, a member of that cell.
        let mai = app.fx.member("Trần Thị Mai").clone();
        let account = app
            .db
            .accounts()
            .account_by_username("bithu.p1c1")
            .await
            .unwrap()
            .unwrap();
        let admin = app
            .db
            .accounts()
            .account_by_username("admin.tu")
            .await
            .unwrap()
            .unwrap()
            .principal();
        app.db
            .accounts()
            .set_account_member(&Actor::system("test"), &admin, account.id, Some(mai.id))
            .await
            .unwrap();
        let sec = app.browser("bithu.p1c1").await;
        let p = app
            .db
            .accounts()
            .account_by_username("bithu.p1c1")
            .await
            .unwrap()
            .unwrap()
            .principal();
        assert_eq!(p.member_id, Some(mai.id));
        let items = vec![ItemInput::new(
            "Vận động 12 hộ trong khu phố lắp đèn chiếu sáng hẻm 5 trước Tết",
            "Công tác dân vận",
            "12 hộ",
            Some(common::d(2026, 12, 31)),
        )];
        let cli = Actor::system("test");
        let r = app
            .db
            .registrations()
            .create_registration(&cli, &p, mai.id, 2026, &items)
            .await
            .unwrap();
        let r = app
            .db
            .registrations()
            .registration_action(
                &cli,
                &p,
                r.id,
                domain::registration::Action::Submit,
                "",
                &[],
            )
            .await
            .unwrap();
        // The page names who approves, and offers her no approve button.
        let page = app
            .page(&format!("/dang-ky/{}", r.id), Some(&sec.cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(
            html.contains("Người duyệt") && html.contains("Chi bộ Khu phố Một A"),
            "{html}"
        );
        assert!(!html.contains("value=\"approve\""), "{html}");
        // A forged approval is refused with the reason, in Vietnamese.
        for action in ["approve", "return"] {
            let resp = form(
                &app,
                &sec,
                &format!("/dang-ky/{}/xu-ly", r.id),
                &[("action", action), ("comment", "Ghi rõ hơn")],
            )
            .await;
            assert_eq!(
                resp.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{action}: {}",
                resp.text()
            );
            assert!(
                resp.text()
                    .contains("Không được tự duyệt hoặc trả lại bản đăng ký của chính mình"),
                "{action}: {}",
                resp.text()
            );
        }
        let after = app
            .db
            .registrations()
            .registration_unscoped(r.id)
            .await
            .unwrap();
        assert_eq!(after.status, domain::registration::Status::Submitted);
    })
    .await;
}
