//! Criteria sets, assessments, recognitions and classifications over the JSON API, on every backend:
//! defining and replacing a set, partial assessments and the status they give on several days, a
//! recognition refused while a criterion is not met then accepted, its withdrawal, the rollup over a
//! subtree on a day (a unit recognised after the day does not count), classifications with their history,
//! and who may do what (a ward secretary assesses only in the ward, a member account writes nothing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, Resp, TestApp};
use serde_json::{json, Value};

const OFFICE: &str = "office.tu";
const WARD: &str = "bithu.p1";
const MEMBER: &str = "dangvien.p1c1";

async fn call(app: &TestApp, m: Method, uri: &str, token: &str, body: Option<Value>) -> Resp {
    app.api(m, uri, Some(token), body.as_ref()).await
}

fn ok(r: &Resp, status: StatusCode, ctx: &str) -> Value {
    assert_eq!(r.status, status, "{ctx}: {}", r.text());
    r.json()
}

/// A 422 problem with an error on `field`; returns the problem.
fn refused(r: &Resp, field: &str, ctx: &str) -> Value {
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{ctx}: {}",
        r.text()
    );
    let v = r.assert_problem(ctx);
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.iter().any(|f| f.starts_with(field)),
        "{ctx}: no error on {field}: {v}"
    );
    v
}

fn forbidden(r: &Resp, ctx: &str) {
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{ctx}: {}", r.text());
    r.assert_problem(ctx);
}

/// The test set: three criteria, for every grassroots committee (the wards P1 and P2).
fn ward_set(title: &str) -> Value {
    json!({
        "code": "NTM-T", "title": title, "version": "2016–2020",
        "applies_to": {"unit_type": "grassroots_committee"},
        "items": [
            {"code": "1", "title": "Quy hoạch", "group": "Quy hoạch", "measure": "Có quy hoạch được duyệt", "target": "Đạt"},
            {"code": "2", "title": "Giao thông", "group": "Hạ tầng kinh tế - xã hội"},
            {"code": "10", "title": "Thu nhập", "group": "Kinh tế và tổ chức sản xuất", "target": "≥ 45 triệu đồng/người/năm"}
        ]
    })
}

async fn assess(app: &TestApp, token: &str, unit: &str, as_of: &str, items: Value) -> Resp {
    call(
        app,
        Method::PUT,
        "/api/v1/criteria/assessments",
        token,
        Some(json!({"set": "NTM-T", "unit_code": unit, "as_of": as_of, "items": items})),
    )
    .await
}

async fn status(app: &TestApp, token: &str, unit: &str, as_of: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/criteria/status?set=NTM-T&unit={unit}&as_of={as_of}"),
            Some(token),
        )
        .await;
    ok(&r, StatusCode::OK, &format!("status of {unit} on {as_of}"))
}

fn counts(s: &Value) -> (i64, i64, i64, i64, i64) {
    (
        s["met"].as_i64().unwrap(),
        s["partly"].as_i64().unwrap(),
        s["not_met"].as_i64().unwrap(),
        s["unassessed"].as_i64().unwrap(),
        s["total"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_set_is_defined_replaced_and_read() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let member = app.token(MEMBER).await;

        let r = call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(ward_set("Bộ tiêu chí thử"))).await;
        let set = ok(&r, StatusCode::CREATED, "new set");
        assert_eq!(set["code"], "NTM-T");
        assert_eq!(set["item_count"], 3);
        assert_eq!(set["applies_to"]["unit_type"], "grassroots_committee");
        let codes: Vec<&str> = set["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["1", "2", "10"]);
        assert_eq!(set["items"][2]["target"], "≥ 45 triệu đồng/người/năm");

        // The same code replaces it: 200.
        let r = call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(ward_set("Bộ tiêu chí nông thôn mới (thử)"))).await;
        let set = ok(&r, StatusCode::OK, "replaced set");
        assert_eq!(set["title"], "Bộ tiêu chí nông thôn mới (thử)");

        // A set by a list of units.
        let r = call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(json!({
            "code": "VMDT-T", "title": "Văn minh đô thị (danh sách của bản thử)",
            "applies_to": {"unit_codes": ["TU"]},
            "items": [{"code": "VMĐT-01", "title": "Trật tự đô thị", "group": "Đô thị"}]
        }))).await;
        let listed = ok(&r, StatusCode::CREATED, "set by list");
        assert_eq!(listed["applies_to"]["unit_codes"], json!(["TU"]));
        assert_eq!(listed["applies_to"]["unit_type"], Value::Null);

        // Every staff account reads the sets; a member account does not.
        let all = ok(&app.get("/api/v1/criteria/sets", Some(&ward)).await, StatusCode::OK, "sets");
        assert_eq!(all["total"], 2);
        let codes: Vec<&str> = all["items"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["NTM-T", "VMDT-T"]);
        assert_eq!(all["items"][0]["item_count"], 3);
        assert_eq!(all["items"][0]["items"].as_array().unwrap().len(), 3);
        let one = ok(&app.get("/api/v1/criteria/sets/VMDT-T", Some(&ward)).await, StatusCode::OK, "one set");
        assert_eq!(one["items"][0]["code"], "VMĐT-01");
        let r = app.get("/api/v1/criteria/sets/KHONG-CO", Some(&ward)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        forbidden(&app.get("/api/v1/criteria/sets", Some(&member)).await, "member reads sets");

        // Only the office (or an admin) defines sets.
        forbidden(&call(&app, Method::POST, "/api/v1/criteria/sets", &ward, Some(ward_set("x"))).await, "secretary defines");
        forbidden(&call(&app, Method::POST, "/api/v1/criteria/sets", &member, Some(ward_set("x"))).await, "member defines");

        // Faults, field by field.
        let r = call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(json!({
            "code": "", "title": "x", "applies_to": {"unit_type": "grassroots_committee", "unit_codes": ["P1"]},
            "items": [{"code": "a b", "title": "x", "group": ""}, {"code": "2", "title": ""}]
        }))).await;
        let v = refused(&r, "code", "bad set");
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
        assert!(fields.contains(&"applies_to") && fields.contains(&"items"), "{v}");
        refused(
            &call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(json!({"code": "X", "title": "x", "applies_to": {"unit_type": "lang"}, "items": [{"code": "1", "title": "x"}]}))).await,
            "applies_to",
            "unknown unit type",
        );
        refused(
            &call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(json!({"code": "X", "title": "x", "applies_to": {"unit_type": "cell"}, "items": []}))).await,
            "items",
            "no criteria",
        );
        refused(
            &call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(json!({"code": "X", "title": "x", "applies_to": {"unit_type": "cell"}, "items": [{"code": "1", "title": "a"}, {"code": "1", "title": "b"}]}))).await,
            "items",
            "duplicate code",
        );
        let r = call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(json!({"code": 5}))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        let all = ok(&app.get("/api/v1/criteria/sets", Some(&office)).await, StatusCode::OK, "sets after faults");
        assert_eq!(all["total"], 2);
    })
    .await;
}

#[tokio::test]
async fn partial_assessments_give_the_status_of_each_day_and_recognition_needs_every_criterion() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let member = app.token(MEMBER).await;
        ok(
            &call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(ward_set("Bộ tiêu chí thử"))).await,
            StatusCode::CREATED,
            "set",
        );

        // The ward secretary assesses the ward over three years, naming some criteria each time.
        let a = ok(
            &assess(&app, &ward, "P1", "2017-06-30", json!([
                {"code": "1", "state": "met", "evidence": "Quyết định phê duyệt quy hoạch"},
                {"code": "2", "state": "partly", "evidence": "Còn 2 km đường đất"}
            ])).await,
            StatusCode::OK,
            "2017",
        );
        assert_eq!(a["set"], "NTM-T");
        assert_eq!(a["unit"]["code"], "P1");
        assert_eq!(a["as_of"], "2017-06-30");
        assert_eq!(a["items"].as_array().unwrap().len(), 2);
        assert_eq!(a["items"][1]["state"], "partly");
        ok(&assess(&app, &ward, "P1", "2018-06-30", json!([{"code": "2", "state": "met", "evidence": "Đã bê tông hóa"}])).await, StatusCode::OK, "2018");
        ok(&assess(&app, &ward, "P1", "2019-06-30", json!([{"code": "10", "state": "not_met"}])).await, StatusCode::OK, "2019");
        ok(&assess(&app, &ward, "P1", "2019-12-01", json!([{"code": "10", "state": "met", "evidence": "Thu nhập 52 triệu"}])).await, StatusCode::OK, "late 2019");

        assert_eq!(counts(&status(&app, &ward, "P1", "2017-01-01").await), (0, 0, 3, 3, 3));
        assert_eq!(counts(&status(&app, &ward, "P1", "2017-06-30").await), (1, 1, 1, 1, 3));
        let s = status(&app, &ward, "P1", "2018-12-31").await;
        assert_eq!(counts(&s), (2, 0, 1, 1, 3));
        let item10 = s["items"].as_array().unwrap().iter().find(|i| i["code"] == "10").unwrap().clone();
        assert_eq!(item10["state"], Value::Null);
        let item2 = s["items"].as_array().unwrap().iter().find(|i| i["code"] == "2").unwrap().clone();
        assert_eq!((item2["state"].as_str(), item2["assessed_on"].as_str()), (Some("met"), Some("2018-06-30")));
        assert_eq!(counts(&status(&app, &ward, "P1", "2019-07-01").await), (2, 0, 1, 0, 3));
        let s = status(&app, &ward, "P1", "2019-12-01").await;
        assert_eq!(counts(&s), (3, 0, 0, 0, 3));
        assert_eq!(s["recognised"], false);
        assert_eq!(s["decision"], Value::Null);

        // The history, newest first.
        let h = ok(&app.get("/api/v1/criteria/assessments?set=NTM-T&unit=P1", Some(&ward)).await, StatusCode::OK, "history");
        let days: Vec<&str> = h["items"].as_array().unwrap().iter().map(|a| a["as_of"].as_str().unwrap()).collect();
        assert_eq!(days, ["2019-12-01", "2019-06-30", "2018-06-30", "2017-06-30"]);
        refused(&app.get("/api/v1/criteria/assessments?unit=P1", Some(&ward)).await, "set", "history without set");

        // Faults in an assessment; the ward secretary cannot assess another ward; a member assesses nothing.
        let r = assess(&app, &ward, "P1", "30/06/2019", json!([{"code": "1", "state": "maybe"}, {"state": "met"}])).await;
        let v = refused(&r, "as_of", "bad assessment");
        assert!(v["errors"].as_array().unwrap().iter().any(|e| e["field"] == "items"), "{v}");
        refused(&assess(&app, &ward, "P1", "2019-06-30", json!([])).await, "items", "empty assessment");
        let r = assess(&app, &ward, "P2", "2019-06-30", json!([{"code": "1", "state": "met"}])).await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY),
            "other ward: {} {}",
            r.status,
            r.text()
        );
        r.assert_problem("other ward");
        forbidden(&assess(&app, &member, "P1", "2019-06-30", json!([{"code": "1", "state": "met"}])).await, "member assesses");
        let r = app.get("/api/v1/criteria/status?set=NTM-T&unit=P2", Some(&ward)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

        // Recognition: refused while a criterion is not met on its day, accepted once all are.
        let rec = |day: &str| json!({"set": "NTM-T", "unit_code": "P1", "decision_number": "3386/QĐ-UBND", "decided_on": day, "issued_by": "UBND tỉnh Bến Tre"});
        forbidden(&call(&app, Method::POST, "/api/v1/criteria/recognitions", &ward, Some(rec("2019-12-20"))).await, "secretary recognises");
        let r = call(&app, Method::POST, "/api/v1/criteria/recognitions", &office, Some(rec("2019-07-15"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let detail = r.assert_problem("too early")["detail"].as_str().unwrap().to_string();
        assert!(detail.contains("10"), "{detail}");
        let r = call(&app, Method::POST, "/api/v1/criteria/recognitions", &office, Some(json!({"set": "NTM-T", "unit_code": "P1"}))).await;
        refused(&r, "decision_number", "recognition without decision");
        let recognised = ok(
            &call(&app, Method::POST, "/api/v1/criteria/recognitions", &office, Some(rec("2019-12-20"))).await,
            StatusCode::CREATED,
            "recognition",
        );
        assert_eq!(recognised["decided_on"], "2019-12-20");
        assert_eq!(recognised["withdrawn_on"], Value::Null);
        assert_eq!(status(&app, &ward, "P1", "2019-12-19").await["recognised"], false);
        let s = status(&app, &ward, "P1", "2019-12-20").await;
        assert_eq!(s["recognised"], true);
        assert_eq!(s["decision"]["decision_number"], "3386/QĐ-UBND");

        // Withdrawal: not before the decision; from its day the unit is no longer recognised.
        let w = format!("/api/v1/criteria/recognitions/{}/withdrawal", recognised["id"]);
        let body = |day: &str| json!({"decision_number": "120/QĐ-UBND", "withdrawn_on": day, "reason": "Tiêu chí môi trường không còn đạt"});
        forbidden(&call(&app, Method::POST, &w, &ward, Some(body("2020-03-01"))).await, "secretary withdraws");
        refused(&call(&app, Method::POST, &w, &office, Some(body("2019-01-01"))).await, "withdrawn_on", "withdrawn before decided");
        refused(&call(&app, Method::POST, &w, &office, Some(json!({"withdrawn_on": "2020-03-01"}))).await, "decision_number", "withdrawal without number");
        let withdrawn = ok(&call(&app, Method::POST, &w, &office, Some(body("2020-03-01"))).await, StatusCode::OK, "withdrawal");
        assert_eq!(withdrawn["withdrawn_on"], "2020-03-01");
        assert_eq!(withdrawn["withdrawal_number"], "120/QĐ-UBND");
        assert_eq!(status(&app, &ward, "P1", "2020-02-29").await["recognised"], true);
        let s = status(&app, &ward, "P1", "2020-03-01").await;
        assert_eq!((s["recognised"].as_bool(), s["decision"].is_null()), (Some(false), true));
        let r = call(&app, Method::POST, "/api/v1/criteria/recognitions/999999/withdrawal", &office, Some(body("2020-03-01"))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

        let list = ok(&app.get("/api/v1/criteria/recognitions?set=NTM-T&unit=P1", Some(&ward)).await, StatusCode::OK, "recognitions");
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["withdrawn_on"], "2020-03-01");
        let list = ok(&app.get("/api/v1/criteria/recognitions?unit=P1", Some(&office)).await, StatusCode::OK, "every set");
        assert_eq!(list["total"], 1);
    })
    .await;
}

#[tokio::test]
async fn the_rollup_counts_the_units_of_a_subtree_recognised_on_the_day() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        ok(
            &call(&app, Method::POST, "/api/v1/criteria/sets", &office, Some(ward_set("Bộ tiêu chí thử"))).await,
            StatusCode::CREATED,
            "set",
        );
        let all_met = json!([{"code": "1", "state": "met"}, {"code": "2", "state": "met"}, {"code": "10", "state": "met"}]);
        ok(&assess(&app, &office, "P1", "2018-06-30", all_met.clone()).await, StatusCode::OK, "P1");
        ok(&assess(&app, &office, "P2", "2019-06-30", all_met).await, StatusCode::OK, "P2");
        for (unit, day) in [("P1", "2018-12-20"), ("P2", "2020-01-10")] {
            ok(
                &call(&app, Method::POST, "/api/v1/criteria/recognitions", &office, Some(json!({"set": "NTM-T", "unit_code": unit, "decision_number": format!("QĐ {unit}"), "decided_on": day}))).await,
                StatusCode::CREATED,
                unit,
            );
        }
        let rollup = |day: &'static str| {
            let app = app.clone();
            let office = office.clone();
            async move {
                let r = app.get(&format!("/api/v1/criteria/rollup?set=NTM-T&unit=TU&as_of={day}"), Some(&office)).await;
                ok(&r, StatusCode::OK, day)
            }
        };
        let r = rollup("2018-01-01").await;
        assert_eq!((r["units"].as_i64(), r["recognised"].as_i64(), r["all_met"].as_i64()), (Some(2), Some(0), Some(0)));
        assert_eq!(r["lines"].as_array().unwrap().len(), 2);
        let r = rollup("2019-12-31").await;
        // P2 meets every criterion but is recognised only in 2020: it does not count yet.
        assert_eq!((r["units"].as_i64(), r["recognised"].as_i64(), r["all_met"].as_i64()), (Some(2), Some(1), Some(2)));
        let p2 = r["lines"].as_array().unwrap().iter().find(|l| l["unit"]["code"] == "P2").unwrap().clone();
        assert_eq!((p2["recognised"].as_bool(), p2["met"].as_i64()), (Some(false), Some(3)));
        let r = rollup("2020-05-20").await;
        assert_eq!((r["units"].as_i64(), r["recognised"].as_i64()), (Some(2), Some(2)), "{r}");
        assert_eq!(r["set"], "NTM-T");
        // Over one ward only.
        let r = app.get("/api/v1/criteria/rollup?set=NTM-T&unit=P2&as_of=2020-05-20", Some(&office)).await;
        let r = ok(&r, StatusCode::OK, "ward rollup");
        assert_eq!((r["units"].as_i64(), r["recognised"].as_i64()), (Some(1), Some(1)));
        // Faults.
        refused(&app.get("/api/v1/criteria/rollup?unit=TU", Some(&office)).await, "set", "no set");
        refused(&app.get("/api/v1/criteria/rollup?set=NTM-T&as_of=20/05/2020", Some(&office)).await, "as_of", "bad day");
        let r = app.get("/api/v1/criteria/rollup?set=KHONG-CO&unit=TU", Some(&office)).await;
        assert!(r.status.is_client_error(), "{} {}", r.status, r.text());
        r.assert_problem("unknown set");
    })
    .await;
}

#[tokio::test]
async fn classifications_are_recorded_with_their_history() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let member = app.token(MEMBER).await;
        let body = json!({"unit_code": "TU", "title": "Đô thị loại II", "decision_number": "1254/QĐ-BXD", "decided_on": "2019-05-20", "issued_by": "Bộ Xây dựng", "note": "Thành phố thuộc tỉnh"});
        let c = ok(&call(&app, Method::POST, "/api/v1/classifications", &office, Some(body.clone())).await, StatusCode::CREATED, "classification");
        assert_eq!(c["unit"]["code"], "TU");
        assert_eq!(c["title"], "Đô thị loại II");
        assert_eq!(c["decided_on"], "2019-05-20");
        assert_eq!(c["issued_by"], "Bộ Xây dựng");
        ok(
            &call(&app, Method::POST, "/api/v1/classifications", &office, Some(json!({"unit_code": "TU", "title": "Đô thị loại III", "decision_number": "2/QĐ-BXD", "decided_on": "2009-08-11"}))).await,
            StatusCode::CREATED,
            "earlier classification",
        );
        let list = ok(&app.get("/api/v1/classifications?unit=TU", Some(&office)).await, StatusCode::OK, "list");
        let titles: Vec<&str> = list["items"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["Đô thị loại II", "Đô thị loại III"]);
        let all = ok(&app.get("/api/v1/classifications", Some(&office)).await, StatusCode::OK, "all");
        assert_eq!(all["total"], 2);

        let r = call(&app, Method::POST, "/api/v1/classifications", &office, Some(json!({"unit_code": "TU", "decided_on": "2019-13-01"}))).await;
        let v = refused(&r, "title", "faults");
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
        assert!(fields.contains(&"decision_number") && fields.contains(&"decided_on"), "{v}");
        forbidden(&call(&app, Method::POST, "/api/v1/classifications", &ward, Some(body.clone())).await, "secretary classifies");
        forbidden(&call(&app, Method::POST, "/api/v1/classifications", &member, Some(body)).await, "member classifies");
        refused(&app.get("/api/v1/classifications?unit=KHONG-CO", Some(&office)).await, "unit", "unknown unit");
        let list = ok(&app.get("/api/v1/classifications?unit=P1", Some(&ward)).await, StatusCode::OK, "ward");
        assert_eq!(list["total"], 0);
    })
    .await;
}

/// Odd but well-formed bodies and queries are refused or accepted, never a server error.
#[tokio::test]
async fn odd_bodies_never_answer_a_server_error() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let nul = "Tiêu\u{0}chí";
        let long = "x".repeat(5000);
        let set = json!({"code": "NTM-T", "title": nul, "version": nul, "description": long, "applies_to": {"unit_type": "grassroots_committee"}, "items": [{"code": "1", "title": nul, "group": nul, "measure": long, "target": nul}]});
        let calls = [
            (Method::POST, "/api/v1/criteria/sets", Some(set)),
            (Method::POST, "/api/v1/criteria/sets", Some(json!({"code": long, "title": "x", "applies_to": {"unit_codes": [nul, long]}, "items": [{"code": "1", "title": "x"}]}))),
            (Method::PUT, "/api/v1/criteria/assessments", Some(json!({"set": nul, "unit_code": "P1", "as_of": "0000-01-01", "items": [{"code": nul, "state": "met", "evidence": nul}]}))),
            (Method::PUT, "/api/v1/criteria/assessments", Some(json!({"set": "NTM-T", "unit_code": "P1", "as_of": "2019-01-01", "note": nul, "items": [{"code": "1", "state": "met", "evidence": nul}]}))),
            (Method::POST, "/api/v1/criteria/recognitions", Some(json!({"set": "NTM-T", "unit_code": "P1", "decision_number": nul, "decided_on": "2019-01-01", "issued_by": nul}))),
            (Method::POST, "/api/v1/criteria/recognitions/9223372036854775807/withdrawal", Some(json!({"decision_number": nul, "withdrawn_on": "9999-12-31", "reason": nul}))),
            (Method::POST, "/api/v1/classifications", Some(json!({"unit_code": "TU", "title": nul, "decision_number": nul, "decided_on": "0001-01-01", "issued_by": nul, "note": nul}))),
            (Method::POST, "/api/v1/classifications", Some(json!({"unit_code": nul, "title": long, "decision_number": long, "decided_on": "2019-01-01"}))),
            (Method::GET, "/api/v1/criteria/status?set=%00&unit=P1&as_of=0000-01-01", None),
            (Method::GET, "/api/v1/criteria/rollup?set=NTM-T&unit=TU&as_of=9999-12-31", None),
            (Method::GET, "/api/v1/criteria/assessments?set=NTM-T&unit=%00", None),
            (Method::GET, "/api/v1/criteria/recognitions?set=%00", None),
            (Method::GET, "/api/v1/criteria/sets/%00", None),
            (Method::GET, "/api/v1/classifications?unit=%00", None),
        ];
        for (m, uri, body) in calls {
            let r = call(&app, m.clone(), uri, &office, body).await;
            assert!(!r.status.is_server_error(), "{m} {uri}: {} {}", r.status, r.text());
        }
    })
    .await;
}
