//! Unit management through the API: create, rename, move (history kept), close — and scope: a ward
//! secretary cannot touch units at all, an office clerk only inside their subtree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, TestApp};
use serde_json::json;

async fn unit_id(app: &TestApp, token: &str, code: &str) -> i64 {
    let list = app
        .get(&format!("/api/v1/units?unit={code}"), Some(token))
        .await
        .json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn units_are_managed_with_history_and_scope() {
    each_backend(|app: TestApp| async move {
        let office = app.token("office.tu").await;
        let secretary = app.token("bithu.p1").await;

        // Create a cell under P1.
        let r = app
            .api(Method::POST, "/api/v1/units", Some(&office), Some(&json!({"code": "P1-C9", "name": "Chi bộ Khu phố 9", "type": "cell", "parent_code": "P1"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();

        // Duplicate code and unknown type are refused in Vietnamese.
        let r = app
            .api(Method::POST, "/api/v1/units", Some(&office), Some(&json!({"code": "P1-C9", "name": "X", "type": "cell", "parent_code": "P1"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.assert_problem("duplicate code")["detail"].as_str().unwrap().contains("đã tồn tại"));
        let r = app
            .api(Method::POST, "/api/v1/units", Some(&office), Some(&json!({"code": "P1-C10", "name": "X", "type": "chi bo la", "parent_code": "P1"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // A ward secretary may not create, rename, move or close units.
        let r = app
            .api(Method::POST, "/api/v1/units", Some(&secretary), Some(&json!({"code": "P1-C11", "name": "X", "type": "cell", "parent_code": "P1"})))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app.api(Method::PATCH, &format!("/api/v1/units/{id}"), Some(&secretary), Some(&json!({"name": "Đổi tên"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .api(Method::POST, &format!("/api/v1/units/{id}/close"), Some(&secretary), Some(&json!({"date": "2026-11-01"})))
            .await;
        assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN, "{}", r.status);

        // Rename.
        let r = app.api(Method::PATCH, &format!("/api/v1/units/{id}"), Some(&office), Some(&json!({"name": "Chi bộ Khu phố 9 mới"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["name"], "Chi bộ Khu phố 9 mới");

        // Move to P2: the P2 subtree now lists it, P1 no longer does; a cycle is refused.
        let r = app
            .api(Method::POST, &format!("/api/v1/units/{id}/move"), Some(&office), Some(&json!({"parent_code": "P2", "date": "2026-10-01"})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p2 = app.get("/api/v1/units?unit=P2", Some(&office)).await.json();
        assert!(p2["items"].as_array().unwrap().iter().any(|u| u["code"] == "P1-C9"));
        let p1 = app.get("/api/v1/units?unit=P1", Some(&office)).await.json();
        assert!(!p1["items"].as_array().unwrap().iter().any(|u| u["code"] == "P1-C9"));
        let p2_id = unit_id(&app, &office, "P2").await;
        let r = app
            .api(Method::POST, &format!("/api/v1/units/{p2_id}/move"), Some(&office), Some(&json!({"parent_code": "P1-C9", "date": "2026-10-01"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

        // Close: refused while a cell has members, accepted for the empty one; it stays listed with valid_to.
        let p1c1 = unit_id(&app, &office, "P1-C1").await;
        let r = app
            .api(Method::POST, &format!("/api/v1/units/{p1c1}/close"), Some(&office), Some(&json!({"date": "2026-11-01"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("đảng viên"));
        let r = app
            .api(Method::POST, &format!("/api/v1/units/{id}/close"), Some(&office), Some(&json!({"date": "2026-11-01"})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["valid_to"], "2026-11-01");

        // Every change is in the audit log.
        let audit = app.get(&format!("/api/v1/audit?object_type=unit&object_id={id}"), Some(&office)).await.json();
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        for a in ["create", "update", "move", "close"] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
    })
    .await;
}
