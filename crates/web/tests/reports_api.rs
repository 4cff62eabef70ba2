//! The period report API: the figures of a small tree equal the counts of its records, the confidential
//! sections are null for a secretary, a member may not read reports, the Word and Excel files answer, bad
//! periods are 422 with Vietnamese details, and a round goes through submit, return, accept; a unit's own
//! report is issued. On every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, looks_vietnamese, TestApp};
use serde_json::{json, Value};

const PERIOD: &str = "from=2026-01-01&to=2026-11-27";

fn sub_unit<'a>(r: &'a Value, code: &str) -> &'a Value {
    r["sub_units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit"]["code"] == code)
        .unwrap_or_else(|| panic!("no sub-unit {code} in {}", r["sub_units"]))
}

async fn ok(app: &TestApp, m: Method, uri: &str, token: &str, body: Option<Value>) -> Value {
    let r = app.api(m.clone(), uri, Some(token), body.as_ref()).await;
    assert!(
        r.status.is_success(),
        "{m} {uri} answered {}: {}",
        r.status,
        r.text()
    );
    r.json()
}

#[tokio::test]
async fn period_figures_equal_the_records() {
    each_backend(|app| async move {
        let office = app.token("office.tu").await;
        let ward = app.token("bithu.p1").await;
        let member = app.token("dangvien.p1c1").await;
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id;
        // One decided commendation: one decision, one member, one unit.
        ok(&app, Method::POST, "/api/v1/commendations", &office, Some(json!({"kind": "certificate", "issued_by": "TU", "decision_number": "125-QĐ/TU", "decided_on": "2026-05-19", "reason": "Thành tích xuất sắc", "recipients": {"member_ids": [own], "unit_codes": ["P1-C1"]}}))).await;

        let r = ok(&app, Method::GET, &format!("/api/v1/reports/period?unit=TU&{PERIOD}"), &office, None).await;
        assert_eq!(r["unit"]["code"], "TU");
        assert_eq!(r["from"], "2026-01-01");
        assert_eq!(r["to"], "2026-11-27");
        for field in ["computed_at", "campaign", "study", "cell_meetings", "registrations", "disclosure", "models", "commendations", "criteria", "limitations", "sub_units"] {
            assert!(!r[field].is_null(), "{field} missing in {r}");
        }
        // Members on the last day, per ward (3 + 3 in P1, 3 in P2).
        assert_eq!(sub_unit(&r, "P1")["members"], 6);
        assert_eq!(sub_unit(&r, "P2")["members"], 3);
        assert_eq!(r["commendations"]["total"]["decisions"], 1);
        assert_eq!(r["commendations"]["total"]["member_recipients"], 1);
        assert_eq!(r["commendations"]["total"]["unit_recipients"], 1);
        assert_eq!(sub_unit(&r, "P1")["commendations"], 1);
        assert_eq!(sub_unit(&r, "P2")["commendations"], 0);
        let rate = r["study"]["total"]["rate"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&rate));
        // The office reads the confidential sections, in the inspection summary's shape.
        assert!(r["inspection"]["by_kind"]["inspection"]["cases"].is_u64(), "{}", r["inspection"]);
        assert!(r["inspection"]["discipline"]["members"]["warning"].is_u64());
        assert!(r["discipline"]["struck_off"].is_i64());
        for l in r["limitations"].as_array().unwrap() {
            assert!(!l["text"].as_str().unwrap().is_empty(), "{l}");
        }

        // A ward's secretary: their ward by default, without the confidential sections.
        let w = ok(&app, Method::GET, &format!("/api/v1/reports/period?{PERIOD}"), &ward, None).await;
        assert_eq!(w["unit"]["code"], "P1");
        assert!(w["inspection"].is_null() && w["discipline"].is_null(), "{w}");
        assert_eq!(w["commendations"]["total"]["unit_recipients"], 1);
        assert!(w["sub_units"].as_array().unwrap().iter().all(|s| s["inspection"].is_null()));
        // The other ward is outside the secretary's scope; a member reads no report.
        let out = app.get(&format!("/api/v1/reports/period?unit=P2&{PERIOD}"), Some(&ward)).await;
        assert_eq!(out.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", out.text());
        let m = app.get(&format!("/api/v1/reports/period?{PERIOD}"), Some(&member)).await;
        assert_eq!(m.status, StatusCode::FORBIDDEN, "{}", m.text());
        let anon = app.get(&format!("/api/v1/reports/period?{PERIOD}"), None).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);

        // Bad periods: 422 with a Vietnamese detail naming the field.
        for q in [
            "to=2026-11-27",
            "from=2026-01-01",
            "from=2026-02-31&to=2026-11-27",
            "from=01/01/2026&to=2026-11-27",
            "from=2026-11-27&to=2026-01-01",
            "from=2000-01-01&to=2026-01-01",
        ] {
            let r = app.get(&format!("/api/v1/reports/period?{q}"), Some(&office)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {}", r.text());
            let p = r.assert_problem(q);
            assert!(looks_vietnamese(p["detail"].as_str().unwrap_or_default()) || !p["errors"].as_array().unwrap().is_empty(), "{p}");
        }

        // The files.
        for (ext, ctype) in [("docx", "wordprocessingml"), ("xlsx", "spreadsheetml")] {
            let f = app.get(&format!("/api/v1/reports/period.{ext}?unit=TU&{PERIOD}"), Some(&office)).await;
            assert_eq!(f.status, StatusCode::OK, "{ext}: {}", f.text());
            assert!(f.content_type().contains(ctype), "{}", f.content_type());
            assert!(f.body.starts_with(b"PK\x03\x04"));
            assert!(f.header("content-disposition").unwrap_or_default().contains(&format!(".{ext}")));
            let m = app.get(&format!("/api/v1/reports/period.{ext}?{PERIOD}"), Some(&member)).await;
            assert_eq!(m.status, StatusCode::FORBIDDEN);
        }
    })
    .await;
}

#[tokio::test]
async fn a_round_goes_through_submit_return_accept() {
    each_backend(|app| async move {
        let office = app.token("office.tu").await;
        let ward = app.token("bithu.p1").await;
        let inspector = app.token("kiemtra.tu").await;
        let round = app
            .api(Method::POST, "/api/v1/reports/rounds", Some(&office), Some(&json!({"unit": "TU", "title": "Sơ kết 6 tháng", "from": "2026-01-01", "to": "2026-06-30", "due_on": "2026-07-15", "note": "Gửi đúng hạn"})))
            .await;
        assert_eq!(round.status, StatusCode::CREATED, "{}", round.text());
        let round = round.json();
        let rid = round["round"]["id"].as_i64().unwrap();
        let reports = round["reports"].as_array().unwrap();
        let codes: Vec<&str> = reports.iter().map(|r| r["unit"]["code"].as_str().unwrap()).collect();
        assert_eq!(codes, vec!["P1", "P2"], "{round}");
        assert_eq!(round["round"]["completeness"]["expected"], 2);
        let p1 = reports[0]["report_id"].as_i64().unwrap();
        // Bad bodies and roles.
        let bad = app.api(Method::POST, "/api/v1/reports/rounds", Some(&office), Some(&json!({"unit": "TU", "title": "", "from": "2026-06-30", "to": "2026-01-01"}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
        let denied = app.api(Method::POST, "/api/v1/reports/rounds", Some(&inspector), Some(&json!({"unit": "TU", "title": "x", "from": "2026-01-01", "to": "2026-06-30", "due_on": "2026-07-15"}))).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);

        // The ward sees the round and its own report.
        let list = ok(&app, Method::GET, "/api/v1/reports/rounds", &ward, None).await;
        assert!(list["items"].as_array().unwrap().iter().any(|r| r["id"] == rid), "{list}");
        let mine = ok(&app, Method::GET, "/api/v1/reports?unit=P1", &ward, None).await;
        assert!(mine["items"].as_array().unwrap().iter().any(|r| r["id"] == p1), "{mine}");
        let url = format!("/api/v1/reports/{p1}");
        let saved = ok(&app, Method::PUT, &url, &ward, Some(json!({"header": {"issuer": "ĐẢNG ỦY PHƯỜNG MỘT", "number": "12-BC/ĐU", "place": "Bến Tre", "dated": "2026-07-10", "subject": "Sơ kết 6 tháng", "recipients": ["Thành ủy", "Lưu"]}, "narratives": {"results": "Kết quả tốt", "directions": "Tiếp tục"}}))).await;
        assert_eq!(saved["header"]["number"], "12-BC/ĐU");
        assert_eq!(saved["narratives"]["results"], "Kết quả tốt");
        assert_eq!(saved["status"], "draft");
        let bad_date = app.api(Method::PUT, &url, Some(&ward), Some(&json!({"header": {"dated": "10/07/2026"}}))).await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);

        let step = |token: &str, action: &str, comment: &str| {
            let (app, token, url) = (&app, token.to_string(), format!("{url}/actions"));
            let body = json!({"action": action, "comment": comment});
            async move { app.api(Method::POST, &url, Some(&token), Some(&body)).await }
        };
        let r = step(&ward, "submit", "").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "submitted");
        // The writer may not review their own report; a return needs a comment; unknown action 422.
        let r = step(&ward, "accept", "").await;
        assert!(matches!(r.status.as_u16(), 403 | 404), "{}", r.text());
        let r = step(&office, "return", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = step(&office, "approve", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = step(&office, "return", "Bổ sung số liệu").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "returned");
        let r = step(&ward, "submit", "").await;
        assert_eq!(r.json()["status"], "submitted");
        let r = step(&office, "accept", "").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let accepted = r.json();
        assert_eq!(accepted["status"], "accepted");
        assert!(!accepted["frozen_at"].is_null());
        assert_eq!(accepted["returns"], 1);
        let actions: Vec<&str> = accepted["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec!["submit", "return", "submit", "accept"]);
        // Frozen: no more edits or submissions.
        let r = step(&ward, "submit", "").await;
        assert!(matches!(r.status.as_u16(), 409 | 422), "{}", r.text());
        let r = app.api(Method::PUT, &url, Some(&ward), Some(&json!({"narratives": {"results": "Sửa"}}))).await;
        assert!(matches!(r.status.as_u16(), 409 | 422), "{}", r.text());
        let detail = ok(&app, Method::GET, &format!("/api/v1/reports/rounds/{rid}"), &office, None).await;
        assert_eq!(detail["round"]["completeness"]["accepted"], 1);
        assert_eq!(detail["round"]["completeness"]["submitted"], 1);
        for ext in ["docx", "xlsx"] {
            let f = app.get(&format!("/api/v1/reports/{p1}/{ext}"), Some(&office)).await;
            assert_eq!(f.status, StatusCode::OK, "{}", f.text());
            assert!(f.body.starts_with(b"PK\x03\x04"));
        }
        let missing = app.get("/api/v1/reports/999999", Some(&office)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);

        // A ward's own report outside any round: created and issued.
        let own = app.api(Method::POST, "/api/v1/reports", Some(&ward), Some(&json!({"unit": "P1", "from": "2026-01-01", "to": "2026-11-27"}))).await;
        assert_eq!(own.status, StatusCode::CREATED, "{}", own.text());
        let own_id = own.json()["id"].as_i64().unwrap();
        let r = app.api(Method::POST, &format!("/api/v1/reports/{own_id}/actions"), Some(&ward), Some(&json!({"action": "issue"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "issued");
        let r = app.api(Method::POST, "/api/v1/reports", Some(&ward), Some(&json!({"unit": "P2", "from": "2026-01-01", "to": "2026-11-27"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = app.api(Method::POST, "/api/v1/reports", Some(&ward), Some(&json!({"unit": "P1", "from": "x"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    })
    .await;
}
