//! Registrations over HTTP (docs/DOMAIN.md § Registrations): the registration API contract (flags with
//! Vietnamese explanations, workflow, history, copy clusters) and its scope, on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, looks_vietnamese, TestApp};
use serde_json::{json, Value};

fn items() -> Value {
    json!([
        {"content": "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1", "duty": "Công tác dân vận", "target": "15 hộ", "deadline": "2019-09-30"},
        {"content": "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền", "duty": "Công tác chuyên môn", "target": "100% đơn thư", "deadline": "2019-12-31"},
        {"content": "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước", "duty": "", "target": "", "deadline": ""}
    ])
}

async fn post(app: &TestApp, uri: &str, token: &str, body: Value) -> common::Resp {
    app.api(Method::POST, uri, Some(token), Some(&body)).await
}

#[tokio::test]
async fn registration_contract_and_workflow() {
    each_backend(|app| async move {
        let me = app.token("dangvien.p1c1").await;
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id;
        let r = post(&app, "/api/v1/registrations", &me, json!({"member_id": own, "year": 2019, "items": items()})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        let id = v["id"].as_i64().unwrap();
        assert_eq!(v["status"], "draft");
        let flags = |i: usize| -> Vec<String> {
            v["items"][i]["flags"].as_array().unwrap().iter().map(|f| f["flag"].as_str().unwrap().to_string()).collect()
        };
        assert!(flags(0).is_empty() && flags(1).is_empty(), "{v}");
        let vague = flags(2);
        for f in ["vague", "no_target", "no_deadline", "not_tied_to_duty"] {
            assert!(vague.contains(&f.to_string()), "{f} in {vague:?}");
        }
        assert!(looks_vietnamese(v["items"][2]["flags"][0]["message"].as_str().unwrap()));
        assert_eq!(v["items"][0]["target_number"], 15.0);
        // Pledged against the 27 manifestations when written: no later pledge date.
        assert_eq!(v["pledges"].as_array().unwrap().len(), 27);
        assert_eq!(v.get("pledged_at"), Some(&Value::Null), "{v}");
        // Bad input: a deadline that is not a date.
        let bad = post(&app, "/api/v1/registrations", &me, json!({"member_id": own, "year": 2020, "items": [{"content": "x", "deadline": "30/09/2019"}]})).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Someone else's member: not found.
        let other = app.fx.members_in("P1-C2")[0].id;
        let r = post(&app, "/api/v1/registrations", &me, json!({"member_id": other, "year": 2019, "items": items()})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let r = post(&app, &format!("/api/v1/registrations/{id}/submit"), &me, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "submitted");
        // The fixture's member account is the cell's secretary (a head): the cell secretary's account may
        // not approve it, the ward's secretary does.
        let ward_acct = app.token("bithu.p1c1").await;
        let r = post(&app, &format!("/api/v1/registrations/{id}/approve"), &ward_acct, json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let cell = app.token("bithu.p1").await;
        let r = post(&app, &format!("/api/v1/registrations/{id}/return"), &cell, json!({})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = post(&app, &format!("/api/v1/registrations/{id}/return"), &cell, json!({"comment": "Nội dung 3 chưa cụ thể", "items": [{"position": 3, "comment": "Ghi rõ việc gì, bao nhiêu"}]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["items"][2]["return_comment"], "Ghi rõ việc gì, bao nhiêu");
        let mut fixed = items();
        fixed[2] = json!({"content": "Tham gia 12 buổi sinh hoạt chi bộ và 02 lớp học nghị quyết", "duty": "Sinh hoạt chi bộ", "target": "12 buổi", "deadline": "2019-12-31"});
        let r = app.api(Method::PUT, &format!("/api/v1/registrations/{id}"), Some(&me), Some(&json!({"items": fixed}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        post(&app, &format!("/api/v1/registrations/{id}/submit"), &me, json!({})).await;
        let r = post(&app, &format!("/api/v1/registrations/{id}/approve"), &cell, json!({})).await;
        assert_eq!(r.json()["status"], "approved");
        // Illegal transition: approving again.
        let r = post(&app, &format!("/api/v1/registrations/{id}/approve"), &cell, json!({})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Đã duyệt"));
        let got = app.get(&format!("/api/v1/registrations/{id}"), Some(&me)).await.json();
        assert_eq!(got["history"]["events"].as_array().unwrap().len(), 5);
        // The committee above reads it.
        let other_ward = app.token("admin.tu").await;
        assert_eq!(app.get(&format!("/api/v1/registrations/{id}"), Some(&other_ward)).await.status, StatusCode::OK);
        let doc = app.get("/api/openapi.json", None).await.json();
        assert!(doc["paths"].get("/api/v1/registrations/copy-clusters").is_some());
        let m = app.get("/api/v1/manifestations", Some(&me)).await.json();
        assert_eq!(m["total"], 27);
    })
    .await;
}

#[tokio::test]
async fn copy_clusters_endpoint() {
    each_backend(|app| async move {
        let admin = app.token("admin.tu").await;
        let a = app.fx.members_in("P1-C1")[1].id;
        let b = app.fx.members_in("P1-C2")[0].id;
        let c = app.fx.members_in("P2-C1")[0].id;
        for (m, body) in [(a, items()), (b, items())] {
            let r = post(&app, "/api/v1/registrations", &admin, json!({"member_id": m, "year": 2019, "items": body})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let different = json!([
            {"content": "Kèm cặp học sinh yếu môn Toán lớp 9A để nâng tỷ lệ đạt trung bình", "duty": "Công tác chuyên môn", "target": "95% học sinh", "deadline": "2019-12-31"},
            {"content": "Viết sáng kiến kinh nghiệm về phương pháp dạy học hình học", "duty": "Công tác chuyên môn", "target": "01 sáng kiến", "deadline": "2019-12-31"}
        ]);
        post(&app, "/api/v1/registrations", &admin, json!({"member_id": c, "year": 2019, "items": different})).await;
        let v = app.get("/api/v1/registrations/copy-clusters?unit=TU&year=2019", Some(&admin)).await;
        assert_eq!(v.status, StatusCode::OK, "{}", v.text());
        let v = v.json();
        let clusters = v["clusters"].as_array().unwrap();
        assert_eq!(clusters.len(), 1, "{v}");
        let mut ids: Vec<i64> = clusters[0]["member_ids"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
        ids.sort();
        let mut want = vec![a, b];
        want.sort();
        assert_eq!(ids, want);
        let p2 = app.token("bithu.p1").await;
        let r = app.get("/api/v1/registrations/copy-clusters?unit=P2&year=2019", Some(&p2)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn manifestation_titles_are_editable_codes_fixed() {
    each_backend(|app| async move {
        let office = app.token("office.tu").await;
        let title =
            "Phai nhạt lý tưởng cách mạng; dao động, giảm sút niềm tin vào chủ nghĩa Mác - Lê-nin";
        let r = app
            .api(
                Method::PUT,
                "/api/v1/manifestations/A1",
                Some(&office),
                Some(&json!({"title": title})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["code"], "A1");
        let all = app
            .get("/api/v1/manifestations", Some(&office))
            .await
            .json();
        assert_eq!(all["total"], 27);
        assert_eq!(all["items"][0]["title"], title);
        // Unknown code, empty title, a ward secretary: refused.
        let r = app
            .api(
                Method::PUT,
                "/api/v1/manifestations/Z9",
                Some(&office),
                Some(&json!({"title": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .api(
                Method::PUT,
                "/api/v1/manifestations/A2",
                Some(&office),
                Some(&json!({"title": "  "})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let ward = app.token("bithu.p1").await;
        let r = app
            .api(
                Method::PUT,
                "/api/v1/manifestations/A2",
                Some(&ward),
                Some(&json!({"title": "Khác"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// A 2016 registration whose pledge was added on 05/12/2016 (`common::pledged_later`): the API gives the day.
#[tokio::test]
async fn a_later_pledge_gives_its_day() {
    testkit::each_backend(|url, backend| async move {
        let (app, id) = common::pledged_later(&url, backend).await;
        let token = app.token("admin.db").await;
        let got = app
            .get(&format!("/api/v1/registrations/{id}"), Some(&token))
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        let v = got.json();
        assert_eq!(v["pledged_at"], "2016-12-05", "{v}");
        assert_eq!(v["pledges"].as_array().unwrap().len(), 27);
        // The document describes the field: a date or null.
        let doc = app.get("/api/openapi.json", None).await.json();
        let field = &doc["components"]["schemas"]["Registration"]["properties"]["pledged_at"];
        assert!(field.to_string().contains("date"), "{field}");
        app.db.close().await;
    })
    .await;
}
