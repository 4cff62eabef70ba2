//! Registrations follow the member over HTTP, on every backend: after a transfer (chuyển sinh hoạt) or a
//! move of the member's cell to another ward, the old ward gets "not found" on the API and the pages
//! (reading, writing, a new registration for the member — never a 409 naming the existing one) and no
//! longer lists it; the new ward reads, lists, approves it and finds it in its copy clusters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, TestApp, PASSWORD};
use domain::Role;
use serde_json::{json, Value};
use store::{Actor, NewAccount};

fn items(year: i32) -> Value {
    json!([
        {"content": "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1 để xe cứu thương vào được", "duty": "Công tác dân vận", "target": "15 hộ", "deadline": format!("{year}-09-30")},
        {"content": "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền của phường", "duty": "Công tác chuyên môn", "target": "100% đơn thư", "deadline": format!("{year}-12-31")},
        {"content": "Tổ chức lớp bồi dưỡng kỹ năng dân vận cho cán bộ tổ dân phố", "duty": "Công tác dân vận", "target": "02 lớp", "deadline": format!("{year}-10-31")}
    ])
}

/// Secretaries of ward P2 and of its cell P2-C1 (the fixture has only ward P1's).
async fn add_p2_secretaries(app: &TestApp) {
    for (username, unit) in [("bithu.p2", "P2"), ("bithu.p2c1", "P2-C1")] {
        app.db
            .accounts()
            .create_account(
                &Actor::system("test"),
                None,
                &NewAccount {
                    username: username.into(),
                    password: PASSWORD.into(),
                    role: Role::Secretary,
                    unit_code: unit.into(),
                    member_id: None,
                    display_name: format!("Bí thư {unit}"),
                },
            )
            .await
            .unwrap();
    }
}

async fn post(app: &TestApp, uri: &str, token: &str, body: Value) -> common::Resp {
    app.api(Method::POST, uri, Some(token), Some(&body)).await
}

/// Ids in a registration list answer of the API.
fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_transferred_members_registration_follows_them() {
    each_backend(|app| async move {
        add_p2_secretaries(&app).await;
        let admin = app.token("admin.tu").await;
        let ward_a = app.token("bithu.p1").await;
        let ward_b = app.token("bithu.p2").await;
        let cell_b = app.token("bithu.p2c1").await;
        let x = app.fx.member("Phạm Quốc Dũng").clone();
        // Ward A's secretary writes X's registration on paper and submits it; an earlier year too.
        let r = post(
            &app,
            "/api/v1/registrations",
            &ward_a,
            json!({"member_id": x.id, "year": 2026, "items": items(2026)}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let r = post(
            &app,
            &format!("/api/v1/registrations/{id}/submit"),
            &ward_a,
            json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = post(
            &app,
            "/api/v1/registrations",
            &ward_a,
            json!({"member_id": x.id, "year": 2025, "items": items(2025)}),
        )
        .await;
        let past = r.json()["id"].as_i64().unwrap();

        let r = post(
            &app,
            &format!("/api/v1/members/{}/transfer", x.id),
            &admin,
            json!({"unit_code": "P2-C1", "date": "2026-06-01"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());

        // Ward A: every door says "not found", like an id that does not exist.
        let missing = app.get("/api/v1/registrations/987654", Some(&ward_a)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let got = app
            .get(&format!("/api/v1/registrations/{id}"), Some(&ward_a))
            .await;
        assert_eq!(got.status, StatusCode::NOT_FOUND);
        assert_eq!(got.text(), missing.text());
        let put = app
            .api(
                Method::PUT,
                &format!("/api/v1/registrations/{id}"),
                Some(&ward_a),
                Some(&json!({"items": items(2026)})),
            )
            .await;
        assert_eq!(put.status, StatusCode::NOT_FOUND);
        let approve = post(
            &app,
            &format!("/api/v1/registrations/{id}/approve"),
            &ward_a,
            json!({}),
        )
        .await;
        assert_eq!(approve.status, StatusCode::NOT_FOUND);
        let again = post(
            &app,
            "/api/v1/registrations",
            &ward_a,
            json!({"member_id": x.id, "year": 2026, "items": items(2026)}),
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text());
        assert!(!again.text().contains(&id.to_string()), "{}", again.text());
        let nobody = post(
            &app,
            "/api/v1/registrations",
            &ward_a,
            json!({"member_id": 987654, "year": 2026, "items": items(2026)}),
        )
        .await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);
        assert_eq!(again.text(), nobody.text());
        let list = app
            .get("/api/v1/registrations?year=2026", Some(&ward_a))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text());
        assert!(!ids(&list.json()).contains(&id));
        let queue = app
            .get(
                "/api/v1/registrations/queue",
                Some(&app.token("bithu.p1c1").await),
            )
            .await;
        assert!(!ids(&queue.json()).contains(&id));
        // The earlier year stays ward A's history.
        let list = app
            .get("/api/v1/registrations?year=2025", Some(&ward_a))
            .await;
        assert!(ids(&list.json()).contains(&past));

        // The pages agree.
        let a = app.browser("bithu.p1").await;
        let page = app.page(&format!("/dang-ky/{id}"), Some(&a.cookie)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let page = app
            .page(
                &format!("/dang-ky/viet?dang-vien={}&nam=2026", x.id),
                Some(&a.cookie),
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let p1 = app.fx.unit("P1").id;
        let page = app
            .page(
                &format!("/dang-ky/bao-cao?don-vi={p1}&nam=2026&danh-sach=1"),
                Some(&a.cookie),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.text().contains(&x.name),
            "ward A's report lists {}",
            x.name
        );

        // Ward B: reads both years, lists, approves.
        for token in [&ward_b, &cell_b] {
            for rid in [id, past] {
                let got = app
                    .get(&format!("/api/v1/registrations/{rid}"), Some(token))
                    .await;
                assert_eq!(got.status, StatusCode::OK, "{}", got.text());
            }
            let list = app
                .get("/api/v1/registrations?year=2026", Some(token))
                .await;
            assert!(ids(&list.json()).contains(&id));
        }
        let queue = app
            .get("/api/v1/registrations/queue", Some(&cell_b))
            .await
            .json();
        assert_eq!(ids(&queue), vec![id]);
        // Within scope a duplicate is a conflict.
        let dup = post(
            &app,
            "/api/v1/registrations",
            &cell_b,
            json!({"member_id": x.id, "year": 2026, "items": items(2026)}),
        )
        .await;
        assert_eq!(dup.status, StatusCode::CONFLICT);
        let ok = post(
            &app,
            &format!("/api/v1/registrations/{id}/approve"),
            &cell_b,
            json!({}),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
        assert_eq!(ok.json()["status"], "approved");
        let b = app.browser("bithu.p2").await;
        let page = app.page(&format!("/dang-ky/{id}"), Some(&b.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains(&x.name));
        let p2 = app.fx.unit("P2").id;
        let page = app
            .page(
                &format!("/dang-ky/bao-cao?don-vi={p2}&nam=2026&danh-sach=1"),
                Some(&b.cookie),
            )
            .await;
        assert!(
            page.text().contains(&x.name),
            "ward B's report lists {}",
            x.name
        );

        // Copy clusters: a pasted copy in P2-C1 clusters with it under ward B; ward A sees none.
        let y = app.fx.member("Võ Thị Lan").clone();
        let r = post(
            &app,
            "/api/v1/registrations",
            &cell_b,
            json!({"member_id": y.id, "year": 2026, "items": items(2026)}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let flags = r.json()["items"][0]["flags"].to_string();
        assert!(flags.contains("copied"), "{flags}");
        let c = app
            .get(
                "/api/v1/registrations/copy-clusters?year=2026",
                Some(&ward_b),
            )
            .await
            .json();
        assert_eq!(c["total"], 1, "{c}");
        assert!(c["clusters"][0]["registration_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(id)));
        let c = app
            .get(
                "/api/v1/registrations/copy-clusters?year=2026",
                Some(&ward_a),
            )
            .await
            .json();
        assert_eq!(c["total"], 0, "{c}");
    })
    .await;
}

#[tokio::test]
async fn registrations_follow_their_cell_to_another_ward() {
    each_backend(|app| async move {
        add_p2_secretaries(&app).await;
        let admin = app.token("admin.tu").await;
        let ward_a = app.token("bithu.p1").await;
        let ward_b = app.token("bithu.p2").await;
        let x = app.fx.member("Đặng Minh Khôi").clone();
        let r = post(
            &app,
            "/api/v1/registrations",
            &ward_a,
            json!({"member_id": x.id, "year": 2026, "items": items(2026)}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let cell = app.fx.unit("P1-C2").id;
        let r = post(
            &app,
            &format!("/api/v1/units/{cell}/move"),
            &admin,
            json!({"parent_code": "P2", "date": "2026-07-01"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let got = app
            .get(&format!("/api/v1/registrations/{id}"), Some(&ward_a))
            .await;
        assert_eq!(got.status, StatusCode::NOT_FOUND);
        let list = app
            .get("/api/v1/registrations?year=2026", Some(&ward_a))
            .await;
        assert!(!ids(&list.json()).contains(&id));
        let got = app
            .get(&format!("/api/v1/registrations/{id}"), Some(&ward_b))
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        let list = app
            .get("/api/v1/registrations?year=2026", Some(&ward_b))
            .await;
        assert!(ids(&list.json()).contains(&id));
        let a = app.browser("bithu.p1").await;
        let page = app.page(&format!("/dang-ky/{id}"), Some(&a.cookie)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let b = app.browser("bithu.p2").await;
        let page = app.page(&format!("/dang-ky/{id}"), Some(&b.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
    })
    .await;
}
