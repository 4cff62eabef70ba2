//! Commendations over the JSON API, on every backend: the office records a decision, a ward secretary
//! proposes and the office decides or declines, a mistaken entry is deleted, the list filters, a decision
//! linking a model makes it "được biểu dương" (and deleting it undoes that), the summary figures by kind and
//! level, and scope: a ward secretary proposes and sees only in their ward, a member account writes nothing.
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

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

fn member_names(c: &Value) -> Vec<String> {
    c["recipients"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["full_name"].as_str().unwrap().to_string())
        .collect()
}

async fn post(app: &TestApp, token: &str, body: Value) -> Resp {
    call(
        app,
        Method::POST,
        "/api/v1/commendations",
        token,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_decision_is_recorded_and_a_proposal_is_decided_declined_or_deleted() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let dung = app.fx.member("Phạm Quốc Dũng").id;
        let thang = app.fx.member("Nguyễn Hữu Thắng").id;

        // The city's office records a decision naming members of both wards and a cell.
        let r = post(&app, &office, json!({
            "kind": "certificate", "issued_by": "TU", "decision_number": "125-QĐ/TU",
            "decided_on": "2026-05-19", "reason": "Có thành tích xuất sắc trong học tập và làm theo",
            "recipients": {"member_ids": [binh, thang], "unit_codes": ["P1-C1"]}
        })).await;
        let dec = ok(&r, StatusCode::CREATED, "decision");
        assert_eq!(dec["state"], "decided");
        assert_eq!(dec["kind"], "certificate");
        assert_eq!(dec["heading"], "Giấy khen");
        assert_eq!(dec["level"], "district");
        assert_eq!(dec["issued_by"]["code"], "TU");
        assert_eq!(dec["decision_number"], "125-QĐ/TU");
        assert_eq!(dec["decided_on"], "2026-05-19");
        let mut names = member_names(&dec);
        names.sort();
        assert_eq!(names, ["Nguyễn Hữu Thắng", "Nguyễn Văn Bình"]);
        assert_eq!(dec["recipients"]["units"][0]["code"], "P1-C1");
        assert_eq!(dec["proposed_by"], Value::Null);
        let dec_id = dec["id"].as_i64().unwrap();
        let got = ok(
            &app.get(&format!("/api/v1/commendations/{dec_id}"), Some(&office)).await,
            StatusCode::OK,
            "show",
        );
        assert_eq!(got["id"], dec_id);

        // A ward secretary proposes a title for a cell and a member of the ward, to be decided by the city.
        let r = post(&app, &ward, json!({
            "kind": "title", "label": "Chi bộ trong sạch vững mạnh", "issued_by": "TU",
            "reason": "Ba năm liền hoàn thành xuất sắc nhiệm vụ",
            "recipients": {"member_ids": [dung], "unit_codes": ["P1-C2"]}
        })).await;
        let prop = ok(&r, StatusCode::CREATED, "proposal");
        assert_eq!(prop["state"], "proposed");
        assert_eq!(prop["heading"], "Danh hiệu Chi bộ trong sạch vững mạnh");
        assert_eq!(prop["decided_on"], Value::Null);
        assert_eq!(prop["decision_number"], "");
        assert_eq!(prop["proposed_on"], "2026-11-27");
        assert!(prop["proposed_by"].is_string(), "{prop}");
        let prop_id = prop["id"].as_i64().unwrap();

        // Proposals not decided are listed as such.
        let pending = ok(
            &app.get("/api/v1/commendations?state=proposed", Some(&office)).await,
            StatusCode::OK,
            "pending",
        );
        assert_eq!(ids(&pending), [prop_id]);
        assert_eq!(pending["total"], 1);

        // The secretary cannot decide; the office cannot date the decision before the proposal.
        let decide = format!("/api/v1/commendations/{prop_id}/decision");
        let r = call(&app, Method::PUT, &decide, &ward, Some(json!({"decision_number": "9-QĐ/TU", "decided_on": "2026-11-27"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        r.assert_problem("secretary decides");
        let r = call(&app, Method::PUT, &decide, &office, Some(json!({"decision_number": "9-QĐ/TU", "decided_on": "2026-11-01"}))).await;
        refused(&r, "decided_on", "decided before the proposal");
        let r = call(&app, Method::PUT, &decide, &office, Some(json!({"decided_on": "2026-11-27"}))).await;
        refused(&r, "decision_number", "decision without number");
        let r = call(&app, Method::PUT, &decide, &office, Some(json!({"decision_number": "9-QĐ/TU", "decided_on": "2026-11-27"}))).await;
        let decided = ok(&r, StatusCode::OK, "decide");
        assert_eq!(decided["state"], "decided");
        assert_eq!(decided["decision_number"], "9-QĐ/TU");
        assert_eq!(decided["decided_on"], "2026-11-27");
        assert_eq!(decided["proposed_on"], "2026-11-27");
        // Deciding twice is a conflict.
        let r = call(&app, Method::PUT, &decide, &office, Some(json!({"decision_number": "9-QĐ/TU", "decided_on": "2026-11-27"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());

        // A second proposal is declined with a note.
        let second = ok(
            &post(&app, &ward, json!({
                "kind": "praise", "issued_by": "P1", "reason": "Vận động nhân dân hiến đất làm đường",
                "recipients": {"member_ids": [binh]}
            })).await,
            StatusCode::CREATED,
            "second proposal",
        );
        let second_id = second["id"].as_i64().unwrap();
        let decline = format!("/api/v1/commendations/{second_id}/decline");
        let r = call(&app, Method::PUT, &decline, &office, Some(json!({"note": "  "}))).await;
        refused(&r, "note", "decline without a note");
        let r = call(&app, Method::PUT, &decline, &ward, Some(json!({"note": "Chưa đủ thành tích"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let declined = ok(
            &call(&app, Method::PUT, &decline, &office, Some(json!({"note": "Chưa đủ thành tích"}))).await,
            StatusCode::OK,
            "decline",
        );
        assert_eq!(declined["state"], "declined");
        assert_eq!(declined["decline_note"], "Chưa đủ thành tích");

        // A third proposal, entered by mistake, is deleted by its proposer.
        let third = ok(
            &post(&app, &ward, json!({
                "kind": "merit", "issued_by": "TU", "reason": "Nhập nhầm",
                "recipients": {"member_ids": [dung]}
            })).await,
            StatusCode::CREATED,
            "third proposal",
        );
        let third_uri = format!("/api/v1/commendations/{}", third["id"]);
        let r = call(&app, Method::DELETE, &third_uri, &ward, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert!(r.body.is_empty());
        let r = app.get(&third_uri, Some(&office)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        r.assert_problem("deleted");

        // The list filters.
        let all = ok(&app.get("/api/v1/commendations", Some(&office)).await, StatusCode::OK, "all");
        assert_eq!(all["total"], 3);
        assert_eq!(all["page"], 1);
        let titles = ok(&app.get("/api/v1/commendations?kind=title", Some(&office)).await, StatusCode::OK, "kind");
        assert_eq!(ids(&titles), [prop_id]);
        let of_binh = ok(&app.get(&format!("/api/v1/commendations?member={binh}"), Some(&office)).await, StatusCode::OK, "member");
        let mut got = ids(&of_binh);
        got.sort();
        assert_eq!(got, [dec_id, second_id]);
        let declined_list = ok(&app.get("/api/v1/commendations?state=declined", Some(&office)).await, StatusCode::OK, "declined");
        assert_eq!(ids(&declined_list), [second_id]);
        let in_p2 = ok(&app.get("/api/v1/commendations?unit=P2", Some(&office)).await, StatusCode::OK, "unit");
        assert_eq!(ids(&in_p2), [dec_id]);
        let none = ok(&app.get("/api/v1/commendations?year=2019", Some(&office)).await, StatusCode::OK, "year");
        assert_eq!(none["total"], 0);
        let paged = ok(&app.get("/api/v1/commendations?per_page=2&page=2", Some(&office)).await, StatusCode::OK, "paged");
        assert_eq!(paged["items"].as_array().unwrap().len(), 1);
        assert_eq!(paged["total"], 3);
        refused(&app.get("/api/v1/commendations?state=zz", Some(&office)).await, "state", "bad state");
        refused(&app.get("/api/v1/commendations?kind=zz", Some(&office)).await, "kind", "bad kind");
        refused(&app.get("/api/v1/commendations?year=1800", Some(&office)).await, "year", "bad year");
    })
    .await;
}

#[tokio::test]
async fn bodies_with_faults_are_refused_field_by_field() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let r = post(&app, &office, json!({"kind": "zz", "issued_by": "", "decided_on": "19/05/2026"})).await;
        let v = refused(&r, "kind", "bad body");
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
        assert!(fields.contains(&"issued_by") && fields.contains(&"decided_on"), "{v}");
        // A title without its name, no reason, nobody named.
        let r = post(&app, &office, json!({"kind": "title", "issued_by": "TU", "decision_number": "1-QĐ/TU", "decided_on": "2026-01-05", "recipients": {}})).await;
        let v = refused(&r, "label", "title without label");
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
        assert!(fields.contains(&"reason") && fields.contains(&"recipients"), "{v}");
        // A decision in the future, a number without a day.
        refused(
            &post(&app, &office, json!({"kind": "merit", "issued_by": "TU", "decision_number": "2-QĐ/TU", "decided_on": "2027-01-05", "reason": "x", "recipients": {"member_ids": [binh]}})).await,
            "decided_on",
            "future decision",
        );
        refused(
            &post(&app, &office, json!({"kind": "merit", "issued_by": "TU", "decision_number": "2-QĐ/TU", "reason": "x", "recipients": {"member_ids": [binh]}})).await,
            "decided_on",
            "number without day",
        );
        // Unknown member, unit and model.
        let r = post(&app, &office, json!({"kind": "praise", "issued_by": "TU", "decision_number": "3", "decided_on": "2026-01-05", "reason": "x", "recipients": {"member_ids": [999999], "unit_codes": ["KHONG-CO"]}, "model_ids": [999999]})).await;
        let v = refused(&r, "recipients.member_ids", "unknown recipients");
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
        assert!(fields.contains(&"recipients.unit_codes") && fields.contains(&"model_ids"), "{v}");
        // Not JSON of the right shape: 400.
        let r = post(&app, &office, json!({"kind": 5, "recipients": []})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        r.assert_problem("wrong types");
        // Nothing was recorded.
        let all = ok(&app.get("/api/v1/commendations", Some(&office)).await, StatusCode::OK, "all");
        assert_eq!(all["total"], 0);
        // Paths that are not ids.
        let r = app.get("/api/v1/commendations/abc", Some(&office)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app.get("/api/v1/commendations/999999", Some(&office)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_ward_secretary_proposes_and_sees_only_in_the_ward_and_a_member_writes_nothing() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let member = app.token(MEMBER).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let thang = app.fx.member("Nguyễn Hữu Thắng").id;
        let lan = app.fx.member("Võ Thị Lan").id;

        // Another ward's member or cell cannot be proposed.
        let r = post(&app, &ward, json!({"kind": "praise", "issued_by": "TU", "reason": "Gương mẫu", "recipients": {"member_ids": [thang]}})).await;
        refused(&r, "recipients.member_ids", "other ward's member");
        let r = post(&app, &ward, json!({"kind": "praise", "issued_by": "TU", "reason": "Gương mẫu", "recipients": {"unit_codes": ["P2-C1"]}})).await;
        refused(&r, "recipients.unit_codes", "other ward's cell");
        // A secretary records no decision.
        let r = post(&app, &ward, json!({"kind": "praise", "issued_by": "P1", "decision_number": "5-QĐ/ĐU", "decided_on": "2026-05-05", "reason": "Gương mẫu", "recipients": {"member_ids": [binh]}})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

        // The office commends someone in P2 only: the P1 secretary neither lists nor reads it.
        let other = ok(
            &post(&app, &office, json!({"kind": "merit", "issued_by": "TU", "decision_number": "7-QĐ/TU", "decided_on": "2026-03-02", "reason": "Hoàn thành xuất sắc nhiệm vụ", "recipients": {"member_ids": [thang, lan], "unit_codes": ["P2-C1"]}})).await,
            StatusCode::CREATED,
            "P2 decision",
        );
        let other_uri = format!("/api/v1/commendations/{}", other["id"]);
        let own = ok(
            &post(&app, &ward, json!({"kind": "praise", "issued_by": "P1", "reason": "Vận động hiến đất", "recipients": {"member_ids": [binh]}})).await,
            StatusCode::CREATED,
            "own proposal",
        );
        let r = app.get(&other_uri, Some(&ward)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let r = call(&app, Method::DELETE, &other_uri, &ward, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let listed = ok(&app.get("/api/v1/commendations", Some(&ward)).await, StatusCode::OK, "ward list");
        assert_eq!(ids(&listed), [own["id"].as_i64().unwrap()]);
        refused(&app.get("/api/v1/commendations?unit=P2", Some(&ward)).await, "unit", "other ward as filter");

        // A member account: writes are 403, reads show only what names its own record.
        let body = json!({"kind": "praise", "issued_by": "P1", "reason": "x", "recipients": {"member_ids": [binh]}});
        for (m, uri, b) in [
            (Method::POST, "/api/v1/commendations".to_string(), Some(body.clone())),
            (Method::PUT, format!("/api/v1/commendations/{}/decision", own["id"]), Some(json!({"decision_number": "1", "decided_on": "2026-11-27"}))),
            (Method::PUT, format!("/api/v1/commendations/{}/decline", own["id"]), Some(json!({"note": "Không"}))),
            (Method::DELETE, format!("/api/v1/commendations/{}", own["id"]), None),
        ] {
            let r = call(&app, m.clone(), &uri, &member, b).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {uri}: {}", r.text());
            r.assert_problem(&uri);
        }
        let r = app.get("/api/v1/commendations/summary", Some(&member)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let mine = ok(&app.get("/api/v1/commendations", Some(&member)).await, StatusCode::OK, "member list");
        assert_eq!(ids(&mine), [own["id"].as_i64().unwrap()]);
        let r = app.get(&other_uri, Some(&member)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        // Without a token: 401.
        let r = app.get("/api/v1/commendations", None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn a_decision_linking_a_model_makes_it_commended_until_it_is_deleted() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let r = call(&app, Method::POST, "/api/v1/models", &ward, Some(json!({
            "unit_code": "P1", "name": "Dân vận khéo", "field": "Dân vận", "started_on": "2017-03-01",
            "description": "Vận động nhân dân hiến đất mở hẻm", "participants": "Ban công tác Mặt trận",
            "participants_count": 40, "public": true
        }))).await;
        let model = ok(&r, StatusCode::CREATED, "model");
        let mid = model["id"].as_i64().unwrap();
        let model_uri = format!("/api/v1/models/{mid}");
        assert_ne!(model["status"], "commended");
        let before = model["status"].clone();

        // A proposal linking the model does not change its status yet.
        let prop = ok(
            &post(&app, &ward, json!({"kind": "praise", "issued_by": "TU", "reason": "Mô hình dân vận khéo tiêu biểu", "recipients": {"unit_codes": ["P1"]}, "model_ids": [mid]})).await,
            StatusCode::CREATED,
            "proposal with model",
        );
        assert_eq!(prop["models"][0]["id"], mid);
        let m = ok(&app.get(&model_uri, Some(&ward)).await, StatusCode::OK, "model after proposal");
        assert_eq!(m["status"], before);
        let of_model = ok(&app.get(&format!("/api/v1/commendations?model={mid}"), Some(&ward)).await, StatusCode::OK, "by model");
        assert_eq!(ids(&of_model), [prop["id"].as_i64().unwrap()]);

        // Once decided, the model is "được biểu dương".
        let decide = format!("/api/v1/commendations/{}/decision", prop["id"]);
        ok(
            &call(&app, Method::PUT, &decide, &office, Some(json!({"decision_number": "30-QĐ/TU", "decided_on": "2026-11-27", "level": "district"}))).await,
            StatusCode::OK,
            "decide",
        );
        let m = ok(&app.get(&model_uri, Some(&ward)).await, StatusCode::OK, "model after decision");
        assert_eq!(m["status"], "commended");

        // Deleting the decision (the office) gives the model its earlier status back.
        let r = call(&app, Method::DELETE, &format!("/api/v1/commendations/{}", prop["id"]), &office, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let m = ok(&app.get(&model_uri, Some(&ward)).await, StatusCode::OK, "model after delete");
        assert_eq!(m["status"], before);
    })
    .await;
}

#[tokio::test]
async fn the_summary_counts_decisions_members_and_units_by_kind_and_level() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let mai = app.fx.member("Trần Thị Mai").id;
        let thang = app.fx.member("Nguyễn Hữu Thắng").id;
        for body in [
            json!({"kind": "certificate", "issued_by": "TU", "decision_number": "1-QĐ/TU", "decided_on": "2026-02-03", "reason": "Thành tích", "recipients": {"member_ids": [binh, mai, thang]}}),
            json!({"kind": "merit", "level": "province", "issuer_name": "UBND tỉnh", "issued_by": "TU", "decision_number": "2-QĐ/UBND", "decided_on": "2026-04-05", "reason": "Thành tích", "recipients": {"unit_codes": ["P1-C1", "P2-C1"]}}),
            json!({"kind": "certificate", "issued_by": "TU", "decision_number": "3-QĐ/TU", "decided_on": "2025-12-30", "reason": "Năm trước", "recipients": {"member_ids": [binh]}}),
        ] {
            ok(&post(&app, &office, body).await, StatusCode::CREATED, "decision");
        }
        ok(
            &post(&app, &ward, json!({"kind": "praise", "issued_by": "P1", "reason": "Đề nghị", "recipients": {"member_ids": [mai]}})).await,
            StatusCode::CREATED,
            "proposal",
        );

        let s = ok(
            &app.get("/api/v1/commendations/summary?unit=TU&from=2026-01-01&to=2026-12-31", Some(&office)).await,
            StatusCode::OK,
            "city summary",
        );
        assert_eq!(s["unit"]["code"], "TU");
        assert_eq!(s["from"], "2026-01-01");
        assert_eq!(s["to"], "2026-12-31");
        assert_eq!(s["total"], json!({"decisions": 2, "members": 3, "units": 2}));
        assert_eq!(s["pending_proposals"], 1);
        let kinds = s["by_kind"].as_array().unwrap();
        assert_eq!(kinds.len(), 6, "every kind listed: {s}");
        let line = |list: &[Value], key: &str, name: &str| {
            list.iter().find(|l| l[key] == name).cloned().unwrap_or_else(|| panic!("no {name} in {list:?}"))
        };
        let cert = line(kinds, "kind", "certificate");
        assert_eq!((cert["decisions"].as_i64(), cert["members"].as_i64(), cert["units"].as_i64()), (Some(1), Some(3), Some(0)));
        assert_eq!(cert["label"], "Giấy khen");
        let merit = line(kinds, "kind", "merit");
        assert_eq!((merit["decisions"].as_i64(), merit["units"].as_i64()), (Some(1), Some(2)));
        assert_eq!(line(kinds, "kind", "praise")["decisions"], 0);
        let levels = s["by_level"].as_array().unwrap();
        assert_eq!(levels.len(), 5, "every level listed: {s}");
        assert_eq!(line(levels, "level", "province")["decisions"], 1);
        assert_eq!(line(levels, "level", "district")["members"], 3);

        // A ward: only its own recipients count.
        let s = ok(
            &app.get("/api/v1/commendations/summary?unit=P2&from=2026-01-01&to=2026-12-31", Some(&office)).await,
            StatusCode::OK,
            "ward summary",
        );
        assert_eq!(s["total"], json!({"decisions": 2, "members": 1, "units": 1}));
        // Defaults: the caller's unit, from 1 January of this year to today.
        let s = ok(&app.get("/api/v1/commendations/summary", Some(&ward)).await, StatusCode::OK, "defaults");
        assert_eq!(s["unit"]["code"], "P1");
        assert_eq!(s["from"], "2026-01-01");
        assert_eq!(s["to"], "2026-11-27");
        assert_eq!(s["total"], json!({"decisions": 2, "members": 2, "units": 1}));
        // Faults.
        refused(&app.get("/api/v1/commendations/summary?from=2026-12-31&to=2026-01-01", Some(&office)).await, "to", "reversed period");
        refused(&app.get("/api/v1/commendations/summary?from=x", Some(&office)).await, "from", "bad date");
        refused(&app.get("/api/v1/commendations/summary?unit=P2", Some(&ward)).await, "unit", "other ward");
    })
    .await;
}

/// Odd but well-formed bodies and queries are refused or accepted, never a server error.
#[tokio::test]
async fn odd_bodies_never_answer_a_server_error() {
    each_backend(|app| async move {
        let office = app.token(OFFICE).await;
        let ward = app.token(WARD).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let nul = "Thành\u{0}tích";
        let long = "x".repeat(5000);
        let calls = [
            (Method::POST, "/api/v1/commendations".to_string(), &office, Some(json!({"kind": "title", "label": nul, "issued_by": "TU", "issuer_name": nul, "decision_number": nul, "decided_on": "2026-01-01", "reason": nul, "recipients": {"member_ids": [binh, i64::MAX, -1], "unit_codes": [nul]}, "model_ids": [i64::MIN], "registration_ids": [0]}))),
            (Method::POST, "/api/v1/commendations".to_string(), &office, Some(json!({"kind": "other", "label": long, "issued_by": nul, "decision_number": long, "decided_on": "0000-01-01", "reason": long, "recipients": {"member_ids": [binh]}}))),
            (Method::POST, "/api/v1/commendations".to_string(), &ward, Some(json!({"kind": "praise", "issued_by": "P1", "reason": nul, "recipients": {"member_ids": [binh]}}))),
            (Method::PUT, "/api/v1/commendations/1/decision".to_string(), &office, Some(json!({"decision_number": nul, "decided_on": "0001-01-01", "level": nul}))),
            (Method::PUT, "/api/v1/commendations/1/decline".to_string(), &office, Some(json!({"note": nul}))),
            (Method::GET, "/api/v1/commendations?q=%00&unit=%00&page=-5&per_page=0".to_string(), &office, None),
            (Method::GET, "/api/v1/commendations?page=9223372036854775807&per_page=9223372036854775807".to_string(), &office, None),
            (Method::GET, "/api/v1/commendations/summary?unit=TU&from=0000-01-01&to=9999-12-31".to_string(), &office, None),
            (Method::DELETE, "/api/v1/commendations/9223372036854775807".to_string(), &office, None),
        ];
        for (m, uri, token, body) in calls {
            let r = call(&app, m.clone(), &uri, token, body).await;
            assert!(!r.status.is_server_error(), "{m} {uri}: {} {}", r.status, r.text());
        }
    })
    .await;
}
