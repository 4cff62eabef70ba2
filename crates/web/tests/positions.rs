//! The review of position titles not understood (docs/DOMAIN.md § Positions): office and admin see each title
//! with the number of members holding it and who they are; the member page says what a title is understood
//! to be; a secretary has no such page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use domain::member::MemberInput;
use domain::policy::Principal;
use domain::Role;

async fn give_titles(app: &TestApp, name: &str, titles: &[&str]) -> i64 {
    let m = app.fx.member(name);
    let root = app.fx.unit("TU");
    let admin = Principal {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    };
    let stored = app.db.members().member(&admin, m.id).await.unwrap();
    let mut input = MemberInput::from_member(&stored);
    input.positions = titles
        .iter()
        .map(|t| (t.to_string(), String::new()))
        .collect();
    app.db
        .members()
        .update_member(&store::Actor::system("test"), &admin, m.id, &input)
        .await
        .unwrap();
    m.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_not_understood_are_listed_for_review() {
    each_backend(|app| async move {
        let binh = give_titles(&app, "Nguyễn Văn Bình", &["Bí thư Chi bộ", "Người giữ đền"]).await;
        give_titles(&app, "Phạm Quốc Dũng", &["Người giữ đền"]).await;
        give_titles(&app, "Võ Thị Lan", &["Chức sắc lạ"]).await;

        let office = app.browser("office.tu").await;
        let list = app.page("/dang-vien", Some(&office.cookie)).await;
        assert!(list.text().contains("/dang-vien/chuc-vu-chua-xac-dinh"));
        let page = app
            .page("/dang-vien/chuc-vu-chua-xac-dinh", Some(&office.cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        let first = html.find("Người giữ đền").expect("listed");
        let second = html.find("Chức sắc lạ").expect("listed");
        assert!(first < second, "the most frequent first");
        assert!(html.contains("<td>Người giữ đền</td>"));
        assert!(!html.contains("<td>Bí thư Chi bộ</td>"), "understood titles are not listed");

        let who = app
            .page(
                "/dang-vien/chuc-vu-chua-xac-dinh?chuc_vu=Ng%C6%B0%E1%BB%9Di%20gi%E1%BB%AF%20%C4%91%E1%BB%81n",
                Some(&office.cookie),
            )
            .await
            .text();
        assert!(who.contains("Nguyễn Văn Bình") && who.contains("Phạm Quốc Dũng"), "{who}");
        assert!(!who.contains("Võ Thị Lan"));
        assert!(who.contains(&format!("/dang-vien/{binh}/sua")));

        // The member page says what each title is understood to be.
        let member = app
            .page(&format!("/dang-vien/{binh}"), Some(&office.cookie))
            .await
            .text();
        assert!(member.contains("Bí thư — Chi bộ Khu phố Một A"), "{member}");
        assert!(member.contains("Chưa xác định"));

        // A secretary has neither the page nor the link.
        let sec = app.browser("bithu.p1").await;
        let refused = app
            .page("/dang-vien/chuc-vu-chua-xac-dinh", Some(&sec.cookie))
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let list = app.page("/dang-vien", Some(&sec.cookie)).await;
        assert!(!list.text().contains("/dang-vien/chuc-vu-chua-xac-dinh"));
    })
    .await;
}
