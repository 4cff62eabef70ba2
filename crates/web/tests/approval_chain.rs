//! Who approves, in the browser's terms: the registration page names the approver, and a secretary whose
//! account is linked to her own member record is refused, in Vietnamese, when she tries to approve her own
//! registration (docs/DOMAIN.md § Who approves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, submitted};
use store::Actor;

#[tokio::test]
async fn a_linked_secretary_cannot_approve_her_own_registration() {
    each_backend(|app| async move {
        // The cell's secretary account stands for Trần Thị Mai, a member of that cell.
        let mai = app.fx.member("Trần Thị Mai").clone();
        let account = app.account("bithu.p1c1").await;
        let admin = app.account("admin.tu").await.principal();
        app.db
            .accounts()
            .set_account_member(&Actor::system("test"), &admin, account.id, Some(mai.id))
            .await
            .unwrap();
        let sec = app.browser("bithu.p1c1").await;
        let p = app.account("bithu.p1c1").await.principal();
        assert_eq!(p.member_id, Some(mai.id));
        let r = submitted(&app, &p, mai.id).await;
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
            let resp = app
                .form(
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
