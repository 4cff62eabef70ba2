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
        .map(|t| domain::member::PositionInput::new(*t, ""))
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

/// The member form's position rows take the days a post was held: saved, shown on the member page and in
/// the form again; a row ending before it starts is refused with the message beside its "Đến ngày" box and
/// what was typed shown again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_member_form_takes_the_days_a_position_was_held() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1c1").await;
        let m = app.fx.member("Lê Hoàng Phúc").clone();
        let url = format!("/dang-vien/{}/sua", m.id);
        let form = app.page(&url, Some(&b.cookie)).await;
        assert_eq!(form.status, StatusCode::OK);
        let html = form.text();
        for label in [
            "Từ ngày",
            "Đến ngày",
            "name=\"position_from_0\"",
            "name=\"position_to_0\"",
        ] {
            assert!(html.contains(label), "{label} in the form");
        }
        let stored = |k: &str| -> String {
            let at = html
                .find(&format!("name=\"{k}\""))
                .unwrap_or_else(|| panic!("{k}"));
            let rest = &html[at..];
            let v = &rest[rest.find("value=\"").unwrap() + 7..];
            v[..v.find('"').unwrap()].to_string()
        };
        let base: Vec<(&str, String)> = [
            "full_name",
            "birth_date",
            "card_number",
            "citizen_id",
            "joined_on",
            "official_on",
            "phone",
        ]
        .into_iter()
        .map(|k| (k, stored(k)))
        .chain([("csrf", b.csrf.clone()), ("gender", "male".to_string())])
        .collect();
        let post = |rows: Vec<(&'static str, &'static str)>| {
            let mut fields = base.clone();
            fields.extend(rows.into_iter().map(|(k, v)| (k, v.to_string())));
            fields
        };

        // Ending before it starts: refused, beside the box, with what was typed.
        let bad = post(vec![
            ("position_title_0", "Phó Bí thư Chi bộ"),
            ("position_duties_0", "Phụ trách tuyên giáo"),
            ("position_from_0", "01/03/2021"),
            ("position_to_0", "01/02/2021"),
        ]);
        let r = app.post_form(&url, Some(&b.cookie), &as_refs(&bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let body = r.text();
        let err = body
            .find("id=\"position_to_0-err\"")
            .expect("an error element tied to the position_to_0 box");
        assert!(body[err..]
            .starts_with("id=\"position_to_0-err\">Ngày thôi giữ chức vụ phải sau ngày bắt đầu"));
        for typed in [
            "value=\"01/03/2021\"",
            "value=\"01/02/2021\"",
            "value=\"Phụ trách tuyên giáo\"",
        ] {
            assert!(body.contains(typed), "{typed} not re-shown");
        }
        // A date that is not one: refused beside its box.
        let junk = post(vec![
            ("position_title_0", "Phó Bí thư Chi bộ"),
            ("position_from_0", "31/02/2021"),
        ]);
        let r = app.post_form(&url, Some(&b.cookie), &as_refs(&junk)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("id=\"position_from_0-err\""));

        // Saved: two rows, the second without an end.
        let good = post(vec![
            ("position_title_0", "Phó Bí thư Chi bộ"),
            ("position_duties_0", "Phụ trách tuyên giáo"),
            ("position_from_0", "01/03/2021"),
            ("position_to_0", "28/02/2026"),
            ("position_title_1", ""),
            ("position_title_2", "Bí thư Chi bộ"),
            ("position_from_2", "2026-03-01"),
        ]);
        let r = app.post_form(&url, Some(&b.cookie), &as_refs(&good)).await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        let page = app
            .page(&format!("/dang-vien/{}", m.id), Some(&b.cookie))
            .await
            .text();
        assert!(page.contains("từ 01/03/2021 đến 28/02/2026"), "{page}");
        assert!(page.contains("từ 01/03/2026"), "{page}");
        let again = app.page(&url, Some(&b.cookie)).await.text();
        let at = again.find("name=\"position_to_0\"").unwrap();
        assert!(again[at..].contains("value=\"28/02/2026\""));
        let at = again.find("name=\"position_title_1\"").unwrap();
        assert!(
            again[at..]
                .starts_with("name=\"position_title_1\" type=\"text\" value=\"Bí thư Chi bộ\""),
            "the blank row is not kept"
        );
    })
    .await;
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The API takes `from`/`to` per position (ISO dates) and gives them back with the read-only `post`, `body`
/// and `unit_id`; a position ending before it starts is refused with the message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_takes_and_gives_the_days_a_position_was_held() {
    each_backend(|app| async move {
        let token = app.token("bithu.p1c1").await;
        let m = app.fx.member("Lê Hoàng Phúc").clone();
        let uri = format!("/api/v1/members/{}", m.id);
        let patch = |positions: serde_json::Value| {
            let app = &app;
            let uri = uri.clone();
            let token = token.clone();
            async move {
                app.api(
                    axum::http::Method::PATCH,
                    &uri,
                    Some(&token),
                    Some(&serde_json::json!({ "positions": positions })),
                )
                .await
            }
        };
        let r = patch(serde_json::json!([
            {"title": "Bí thư Chi bộ", "from": "2021-03-01", "to": "2021-02-01"}
        ]))
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r
            .text()
            .contains("Ngày thôi giữ chức vụ phải sau ngày bắt đầu"));
        let r = patch(serde_json::json!([
            {"title": "Bí thư Chi bộ", "duties": "Phụ trách chung", "from": "2021-03-01", "to": null},
            {"title": "Tổ trưởng tổ dân phố", "from": "2019-01-01", "to": "2020-12-31"},
            "Chi ủy viên"
        ]))
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let got = app.get(&uri, Some(&token)).await.json();
        let p = &got["positions"];
        assert_eq!(p[0]["from"], "2021-03-01");
        assert_eq!(p[0]["to"], serde_json::Value::Null);
        assert_eq!(p[0]["post"], "secretary");
        assert_eq!(p[0]["body"], "party");
        assert_eq!(p[0]["unit_id"], app.fx.unit(&m.unit_code).id);
        assert_eq!(p[1]["from"], "2019-01-01");
        assert_eq!(p[1]["to"], "2020-12-31");
        assert_eq!(p[2]["from"], serde_json::Value::Null);
    })
    .await;
}
