//! The inspection, supervision and discipline workflows end to end over the JSON API, on every backend:
//! opening a case (and the subtree check), the list filters, a case's page and its audit trail, the
//! conclusion with remedies and their follow-up by the subject's secretary, discipline with the forms that
//! fit the subject, appeals in and out of time and their result flowing back to the member's status, xóa
//! tên, and the figures of `GET /inspections/summary` (every kind with zeros, lượt versus distinct).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, Resp, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const INSPECTOR: &str = "kiemtra.tu";

async fn call(app: &TestApp, m: Method, uri: &str, token: &str, body: Option<Value>) -> Resp {
    app.api(m, uri, Some(token), body.as_ref()).await
}

fn ok(r: &Resp, status: StatusCode, ctx: &str) -> Value {
    assert_eq!(r.status, status, "{ctx}: {}", r.text());
    r.json()
}

/// A 422 problem whose Vietnamese detail contains `needle`; returns the problem.
fn refused(r: &Resp, needle: &str, ctx: &str) -> Value {
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{ctx}: {}",
        r.text()
    );
    let v = r.assert_problem(ctx);
    let detail = v["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(needle),
        "{ctx}: detail {detail:?} lacks {needle:?}"
    );
    v
}

fn case_body(
    kind: &str,
    unit: &str,
    title: &str,
    decided_on: &str,
    units: &[&str],
    members: &[i64],
) -> Value {
    json!({
        "kind": kind, "conducted_by": unit, "body": "commission", "title": title,
        "decision_number": format!("{}-QĐ/UBKT", title.len()), "decided_on": decided_on,
        "from": "2025-01-01", "to": "2025-12-31", "directive_05": kind == "thematic_supervision",
        "team": ["Nguyễn Văn Kiểm", "Trần Thị Tra"],
        "subject_units": units, "subject_members": members
    })
}

async fn open(app: &TestApp, token: &str, body: Value) -> Value {
    let r = call(app, Method::POST, "/api/v1/inspections", token, Some(body)).await;
    ok(&r, StatusCode::CREATED, "open a case")
}

#[tokio::test]
async fn a_case_is_opened_listed_read_and_refused_outside_the_subtree() {
    each_backend(|app| async move {
        let t = app.token(INSPECTOR).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let thang = app.fx.member("Nguyễn Hữu Thắng").id;
        let a = open(
            &app,
            &t,
            case_body(
                "inspection",
                "P1",
                "Kiểm tra chi bộ Khu phố Một A",
                "2026-05-04",
                &["P1-C1"],
                &[binh],
            ),
        )
        .await;
        assert_eq!(a["kind"], "inspection");
        assert_eq!(a["conducted_by"]["code"], "P1");
        assert_eq!(a["body"], "commission");
        assert!(a["concluded_on"].is_null(), "{a}");
        assert_eq!(a["subject_unit_count"], 1);
        assert_eq!(a["subject_member_count"], 1);
        let subjects = a["subjects"].as_array().unwrap();
        assert_eq!(subjects.len(), 2, "{a}");
        assert!(subjects
            .iter()
            .any(|s| s["type"] == "unit" && s["code"] == "P1-C1"));
        assert!(subjects
            .iter()
            .any(|s| s["type"] == "member" && s["member_id"] == binh && s["result"].is_null()));
        let b = open(
            &app,
            &t,
            case_body(
                "thematic_supervision",
                "TU",
                "Giám sát chuyên đề Chỉ thị 05",
                "2025-03-10",
                &["P1", "P2"],
                &[thang],
            ),
        )
        .await;
        assert_eq!(b["directive_05"], true);

        // A subject outside the conducting unit's subtree: 422 with the reason, nothing written.
        let before = app.get("/api/v1/inspections", Some(&t)).await.json()["total"].as_i64();
        let r = call(
            &app,
            Method::POST,
            "/api/v1/inspections",
            &t,
            Some(case_body(
                "inspection",
                "P1",
                "Kiểm tra lấn sang phường khác",
                "2026-05-04",
                &["P2-C1"],
                &[],
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        r.assert_problem("subject unit outside the subtree");
        let r = call(
            &app,
            Method::POST,
            "/api/v1/inspections",
            &t,
            Some(case_body(
                "inspection",
                "P1",
                "Kiểm tra đảng viên phường khác",
                "2026-05-04",
                &[],
                &[thang],
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        r.assert_problem("subject member outside the subtree");
        // An unknown unit code names its field.
        let r = call(
            &app,
            Method::POST,
            "/api/v1/inspections",
            &t,
            Some(case_body(
                "inspection",
                "KHONG-CO",
                "Kiểm tra",
                "2026-05-04",
                &["P1-C1"],
                &[],
            )),
        )
        .await;
        let v = refused(&r, "KHONG-CO", "unknown conducting unit");
        assert_eq!(v["errors"][0]["field"], "conducted_by", "{v}");
        // A wrong kind and a missing date are listed together.
        let mut bad = case_body("thanh_tra", "P1", "Kiểm tra", "", &["P1-C1"], &[]);
        bad["decided_on"] = json!(null);
        let v = call(&app, Method::POST, "/api/v1/inspections", &t, Some(bad)).await;
        let v = refused(&v, "kind", "wrong kind");
        let fields: BTreeSet<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, BTreeSet::from(["kind", "decided_on"]), "{v}");
        let after = app.get("/api/v1/inspections", Some(&t)).await.json()["total"].as_i64();
        assert_eq!(before, after, "refused cases were written");
        // A secretary cannot open cases at all.
        let sec = app.token("bithu.p1").await;
        let r = call(
            &app,
            Method::POST,
            "/api/v1/inspections",
            &sec,
            Some(case_body(
                "inspection",
                "P1",
                "Tự kiểm tra",
                "2026-05-04",
                &["P1-C1"],
                &[],
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

        // The list and its filters.
        let ids = |v: &Value| -> Vec<i64> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap())
                .collect()
        };
        let (ida, idb) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
        let all = ok(
            &app.get("/api/v1/inspections", Some(&t)).await,
            StatusCode::OK,
            "list",
        );
        assert_eq!(ids(&all), vec![ida, idb], "newest decision first");
        assert_eq!(all["total"], 2);
        for (query, want) in [
            ("kind=inspection", vec![ida]),
            ("kind=thematic_supervision", vec![idb]),
            ("year=2025", vec![idb]),
            ("year=2026", vec![ida]),
            ("unit=P1", vec![ida]),
            ("unit=P2", vec![]),
            ("unit=TU&kind=inspection&year=2026", vec![ida]),
            ("from=2025-03-10&to=2025-03-10", vec![idb]),
            ("directive_05=true", vec![idb]),
            ("concluded=false", vec![ida, idb]),
        ] {
            let v = ok(
                &app.get(&format!("/api/v1/inspections?{query}"), Some(&t))
                    .await,
                StatusCode::OK,
                query,
            );
            assert_eq!(ids(&v), want, "?{query}");
            assert_eq!(v["total"].as_i64(), Some(want.len() as i64), "?{query}");
        }
        let v = ok(
            &app.get("/api/v1/inspections?page=2&per_page=1", Some(&t))
                .await,
            StatusCode::OK,
            "paging",
        );
        assert_eq!((ids(&v), v["total"].as_i64()), (vec![idb], Some(2)));
        let r = app.get("/api/v1/inspections?unit=KHONG-CO", Some(&t)).await;
        let v = refused(&r, "KHONG-CO", "unknown unit filter");
        assert_eq!(v["errors"][0]["field"], "unit");
        let r = app.get("/api/v1/inspections?kind=zz", Some(&t)).await;
        refused(&r, "kind", "unknown kind filter");
        // Confidential: a ward inspector sees only the ward's cases; secretaries and members none.
        let r = app.get("/api/v1/inspections", Some(&sec)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let member = app.token("dangvien.p1c1").await;
        assert_eq!(
            app.get("/api/v1/inspections", Some(&member)).await.status,
            StatusCode::FORBIDDEN
        );

        // One case: 200 for the inspector, recorded in the audit log; 404 for a secretary.
        let audit = |app: TestApp| async move {
            let admin = app.token("admin.tu").await;
            app.get(
                "/api/v1/audit?object_type=inspection_case&action=read&per_page=100",
                Some(&admin),
            )
            .await
            .json()["total"]
                .as_i64()
                .unwrap()
        };
        let reads = audit(app.clone()).await;
        let v = ok(
            &app.get(&format!("/api/v1/inspections/{ida}"), Some(&t))
                .await,
            StatusCode::OK,
            "case",
        );
        assert_eq!(v["title"], "Kiểm tra chi bộ Khu phố Một A");
        assert_eq!(v["can_manage"], true);
        assert_eq!(
            audit(app.clone()).await,
            reads + 1,
            "the read is in the audit log"
        );
        let r = app
            .get(&format!("/api/v1/inspections/{ida}"), Some(&sec))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let r = app.get("/api/v1/inspections/987654", Some(&t)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_conclusion_reaches_the_subjects_secretary_who_reports_the_remedy_done() {
    each_backend(|app| async move {
        let t = app.token(INSPECTOR).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let a = open(
            &app,
            &t,
            case_body("inspection", "P1", "Kiểm tra chi bộ Khu phố Một A", "2026-05-04", &["P1-C1"], &[binh]),
        )
        .await;
        let id = a["id"].as_i64().unwrap();
        let url = format!("/api/v1/inspections/{id}/conclusion");
        let conclusion = json!({
            "concluded_on": "2026-06-15",
            "conclusion": "Chi bộ thực hiện cơ bản tốt; còn hạn chế trong sinh hoạt.",
            "findings": [
                {"unit_code": "P1-C1", "result": "shortcomings", "manifestations": [],
                 "note": "Sinh hoạt chưa đều", "remedies": [{"text": "Sinh hoạt đủ 12 kỳ", "due": "2026-12-31"},
                                                            {"text": "Bổ sung sổ ghi biên bản", "due": "2026-08-31"}]},
                {"member_id": binh, "result": "violation", "manifestations": ["b3", "C1"],
                 "note": "Chưa gương mẫu", "remedies": []}
            ]
        });
        // Every subject needs a finding; a wrong result or code is named.
        let mut partial = conclusion.clone();
        partial["findings"].as_array_mut().unwrap().pop();
        let r = call(&app, Method::PUT, &url, &t, Some(partial)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        r.assert_problem("missing finding");
        let mut wrong = conclusion.clone();
        wrong["findings"][0]["result"] = json!("tot");
        let v = refused(
            &call(&app, Method::PUT, &url, &t, Some(wrong)).await,
            "no_violation",
            "wrong result",
        );
        assert_eq!(v["errors"][0]["field"], "findings[0].result");
        let mut code = conclusion.clone();
        code["findings"][1]["manifestations"] = json!(["D1"]);
        refused(&call(&app, Method::PUT, &url, &t, Some(code)).await, "D1", "unknown manifestation");
        // The secretary cannot conclude.
        let sec = app.token("bithu.p1c1").await;
        let r = call(&app, Method::PUT, &url, &sec, Some(conclusion.clone())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

        let v = ok(
            &call(&app, Method::PUT, &url, &t, Some(conclusion)).await,
            StatusCode::OK,
            "conclusion",
        );
        assert_eq!(v["concluded_on"], "2026-06-15");
        let subjects = v["subjects"].as_array().unwrap();
        let unit = subjects.iter().find(|s| s["type"] == "unit").unwrap();
        let member = subjects.iter().find(|s| s["type"] == "member").unwrap();
        assert_eq!(unit["result"], "shortcomings");
        assert_eq!(member["result"], "violation");
        assert_eq!(member["manifestations"], json!(["B3", "C1"]));
        let remedies = unit["remedies"].as_array().unwrap();
        assert_eq!(remedies.len(), 2);
        // Today is 27/11/2026: one remedy is still due, the other is overdue.
        let state = |text: &str| {
            remedies
                .iter()
                .find(|r| r["text"] == text)
                .map(|r| r["state"].clone())
                .unwrap()
        };
        assert_eq!(state("Sinh hoạt đủ 12 kỳ"), "open");
        assert_eq!(state("Bổ sung sổ ghi biên bản"), "overdue");
        let remedy = remedies
            .iter()
            .find(|r| r["text"] == "Sinh hoạt đủ 12 kỳ")
            .unwrap()["id"]
            .as_i64()
            .unwrap();

        // The cell's secretary sees the concluded findings about the cell and its member, not the case.
        let mine = ok(
            &app.get("/api/v1/inspections/findings", Some(&sec)).await,
            StatusCode::OK,
            "own findings",
        );
        assert_eq!(mine["total"], 2, "{mine}");
        assert!(mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["case_id"] == id && f["case_title"] == "Kiểm tra chi bộ Khu phố Một A"));
        assert!(!mine.to_string().contains("còn hạn chế trong sinh hoạt"), "the case's own text");
        // A secretary of the other ward sees nothing and cannot report the remedy.
        let p2 = second_ward_secretary(&app).await;
        let theirs = ok(
            &app.get("/api/v1/inspections/findings", Some(&p2)).await,
            StatusCode::OK,
            "other ward's findings",
        );
        assert_eq!(theirs["total"], 0, "{theirs}");
        let done = format!("/api/v1/inspections/remedies/{remedy}/done");
        let body = json!({"done_on": "2026-11-20", "note": "Đã sinh hoạt đủ các kỳ"});
        let r = call(&app, Method::PUT, &done, &p2, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        // A member cannot read the findings.
        let me = app.token("dangvien.p1c1").await;
        assert_eq!(
            app.get("/api/v1/inspections/findings", Some(&me)).await.status,
            StatusCode::FORBIDDEN
        );
        // The cell's secretary reports it done.
        let r = call(&app, Method::PUT, &done, &sec, Some(json!({"note": "x"}))).await;
        refused(&r, "done_on", "done without a date");
        let v = ok(
            &call(&app, Method::PUT, &done, &sec, Some(body)).await,
            StatusCode::OK,
            "remedy done",
        );
        assert_eq!(v["state"], "done");
        assert_eq!(v["done_on"], "2026-11-20");
        assert_eq!(v["done_note"], "Đã sinh hoạt đủ các kỳ");
        let case = app.get(&format!("/api/v1/inspections/{id}"), Some(&t)).await.json();
        assert!(case.to_string().contains("Đã sinh hoạt đủ các kỳ"), "{case}");
    })
    .await;
}

/// A secretary account for the second ward (P2), with its token.
async fn second_ward_secretary(app: &TestApp) -> String {
    app.db
        .accounts()
        .create_account(
            &store::Actor::system("test"),
            None,
            &store::NewAccount {
                username: "bithu.p2".into(),
                password: common::PASSWORD.into(),
                role: domain::Role::Secretary,
                unit_code: "P2".into(),
                member_id: None,
                display_name: "Bí thư phường Hai".into(),
            },
        )
        .await
        .unwrap();
    app.token("bithu.p2").await
}

fn discipline(
    subject: Value,
    form: &str,
    decided_by: &str,
    decided_on: &str,
    reason: &str,
) -> Value {
    let mut b = json!({"form": form, "decided_by": decided_by, "body": "committee",
                       "decision_number": format!("{decided_on}-QĐ/ĐU"), "decided_on": decided_on,
                       "reason": reason});
    for (k, v) in subject.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

async fn status_of(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/members/{id}"), Some(token))
        .await
        .json()["status"]
        .clone()
}

#[tokio::test]
async fn discipline_forms_fit_the_subject_and_appeals_flow_back() {
    each_backend(|app| async move {
        let t = app.token(INSPECTOR).await;
        let admin = app.token("admin.tu").await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let mai = app.fx.member("Trần Thị Mai").id;
        let phuc = app.fx.member("Lê Hoàng Phúc").id;
        let case = open(
            &app,
            &t,
            case_body("violation_inspection", "P1", "Kiểm tra khi có dấu hiệu vi phạm", "2026-09-01", &[], &[binh]),
        )
        .await;
        let case_id = case["id"].as_i64().unwrap();
        // A probationary member (joined in March 2026, not yet official).
        let newcomer = ok(
            &call(&app, Method::POST, "/api/v1/members", &admin, Some(json!({
                "unit_code": "P1-C2", "full_name": "Đỗ Văn Dự Bị", "gender": "male", "birth_date": "1995-02-02",
                "joined_on": "2026-03-01", "card_number": "0100077", "since": "2026-03-01"}))).await,
            StatusCode::CREATED,
            "probationary member",
        )["id"]
            .as_i64()
            .unwrap();

        // Recorded with the case.
        let mut body = discipline(json!({"member_id": binh}), "warning", "P1", "2026-11-10", "Vi phạm quy chế làm việc");
        body["inspection_id"] = json!(case_id);
        let d = ok(
            &call(&app, Method::POST, "/api/v1/disciplines", &t, Some(body)).await,
            StatusCode::CREATED,
            "warning",
        );
        assert_eq!(d["subject_type"], "member");
        assert_eq!(d["form"], "warning");
        assert_eq!(d["form_in_force"], "warning");
        assert_eq!(d["state"], "in_force");
        assert_eq!(d["inspection_id"], case_id);
        assert_eq!(d["appeal_deadline"], "2026-12-10");
        let case = app.get(&format!("/api/v1/inspections/{case_id}"), Some(&t)).await.json();
        assert_eq!(case["disciplines"][0]["id"], d["id"], "{case}");

        // Wrong forms: 422 with the rule in Vietnamese, nothing written.
        let r = call(&app, Method::POST, "/api/v1/disciplines", &t,
            Some(discipline(json!({"member_id": newcomer}), "expulsion", "P1", "2026-10-01", "Vi phạm tư cách"))).await;
        refused(&r, "dự bị", "probationary member expelled");
        let r = call(&app, Method::POST, "/api/v1/disciplines", &t,
            Some(discipline(json!({"unit_code": "P1-C2"}), "dismissal", "P1", "2026-10-01", "Mất đoàn kết"))).await;
        refused(&r, "Tổ chức đảng chỉ có thể", "unit dismissed");
        let r = call(&app, Method::POST, "/api/v1/disciplines", &t,
            Some(discipline(json!({"member_id": mai}), "dissolution", "P1", "2026-10-01", "Vi phạm"))).await;
        refused(&r, "giải tán", "member dissolved");
        let r = call(&app, Method::POST, "/api/v1/disciplines", &t,
            Some(discipline(json!({"member_id": mai}), "zz", "P1", "2026-10-01", "Vi phạm"))).await;
        refused(&r, "form", "unknown form");
        let r = call(&app, Method::POST, "/api/v1/disciplines", &t,
            Some(discipline(json!({"member_id": mai, "unit_code": "P1-C1"}), "warning", "P1", "2026-10-01", "Vi phạm"))).await;
        refused(&r, "member_id", "two subjects");
        // The probationary member can be warned; the unit reprimanded.
        ok(
            &call(&app, Method::POST, "/api/v1/disciplines", &t,
                Some(discipline(json!({"member_id": newcomer}), "reprimand", "P1", "2026-10-01", "Vi phạm tư cách"))).await,
            StatusCode::CREATED,
            "probationary member reprimanded",
        );
        ok(
            &call(&app, Method::POST, "/api/v1/disciplines", &t,
                Some(discipline(json!({"unit_code": "P1-C2"}), "reprimand", "P1", "2026-10-01", "Mất đoàn kết nội bộ"))).await,
            StatusCode::CREATED,
            "unit reprimanded",
        );
        // A secretary cannot record discipline.
        let sec = app.token("bithu.p1").await;
        let r = call(&app, Method::POST, "/api/v1/disciplines", &sec,
            Some(discipline(json!({"member_id": mai}), "warning", "P1", "2026-10-01", "Vi phạm"))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

        // Expulsion ends the membership from the decision date.
        let exp = ok(
            &call(&app, Method::POST, "/api/v1/disciplines", &t,
                Some(discipline(json!({"member_id": phuc}), "expulsion", "P1", "2026-11-02", "Vi phạm nghiêm trọng"))).await,
            StatusCode::CREATED,
            "expulsion",
        );
        assert_eq!(status_of(&app, &admin, phuc).await, "expelled");
        let late = ok(
            &call(&app, Method::POST, "/api/v1/disciplines", &t,
                Some(discipline(json!({"member_id": mai}), "warning", "P1", "2026-09-01", "Vi phạm"))).await,
            StatusCode::CREATED,
            "warning",
        );

        // An appeal within one month: 201 with the case that handles it.
        let url = format!("/api/v1/disciplines/{}/appeal", exp["id"]);
        let a = ok(
            &call(&app, Method::POST, &url, &t, Some(json!({"filed_on": "2026-11-20"}))).await,
            StatusCode::CREATED,
            "appeal",
        );
        assert_eq!(a["discipline_id"], exp["id"]);
        assert_eq!(a["filed_on"], "2026-11-20");
        assert!(a["outcome"].is_null());
        let appeal_case = a["case_id"].as_i64().expect("the appeal opens a case");
        let c = ok(
            &app.get(&format!("/api/v1/inspections/{appeal_case}"), Some(&t)).await,
            StatusCode::OK,
            "appeal case",
        );
        assert_eq!(c["kind"], "discipline_appeal");
        assert_eq!(c["conducted_by"]["code"], "TU", "the level above the deciding unit");
        // A second appeal while one is pending, and a late one: 422 with the reason.
        let r = call(&app, Method::POST, &url, &t, Some(json!({"filed_on": "2026-11-21"}))).await;
        refused(&r, "chưa giải quyết", "pending appeal");
        let r = call(&app, Method::POST, &format!("/api/v1/disciplines/{}/appeal", late["id"]), &t,
            Some(json!({"filed_on": "2026-11-20"}))).await;
        refused(&r, "01/10/2026", "late appeal");
        let r = call(&app, Method::POST, &format!("/api/v1/disciplines/{}/appeal", late["id"]), &t,
            Some(json!({}))).await;
        refused(&r, "filed_on", "appeal without a date");

        // The result flows back: annulled, the member is active again.
        let result = format!("/api/v1/disciplines/appeals/{}/result", a["id"]);
        let r = call(&app, Method::PUT, &result, &t, Some(json!({"outcome": "changed_form", "decided_on": "2026-11-25"}))).await;
        refused(&r, "new_form", "changed form without the new form");
        let r = call(&app, Method::PUT, &result, &sec, Some(json!({"outcome": "annulled", "decided_on": "2026-11-25"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let v = ok(
            &call(&app, Method::PUT, &result, &t, Some(json!({"outcome": "annulled", "decided_on": "2026-11-25"}))).await,
            StatusCode::OK,
            "appeal result",
        );
        assert_eq!(v["state"], "annulled");
        assert!(v["form_in_force"].is_null(), "{v}");
        assert_eq!(v["appeals"][0]["outcome"], "annulled");
        assert_eq!(status_of(&app, &admin, phuc).await, "active");
        let again = ok(
            &app.get(&format!("/api/v1/disciplines/{}", exp["id"]), Some(&t)).await,
            StatusCode::OK,
            "the decision after the appeal",
        );
        assert_eq!(again["state"], "annulled");
        let r = call(&app, Method::PUT, &result, &t, Some(json!({"outcome": "upheld", "decided_on": "2026-11-26"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "decided twice: {}", r.text());

        // The register: the inspector sees every decision; the member only their own.
        let all = ok(&app.get("/api/v1/disciplines", Some(&t)).await, StatusCode::OK, "register");
        assert_eq!(all["total"], 5, "{all}");
        let y = ok(&app.get("/api/v1/disciplines?unit=P1&year=2026", Some(&t)).await, StatusCode::OK, "register P1");
        assert_eq!(y["total"], 5);
        let none = ok(&app.get("/api/v1/disciplines?unit=P2", Some(&t)).await, StatusCode::OK, "register P2");
        assert_eq!(none["total"], 0);
        let me = app.token("dangvien.p1c1").await;
        let own = ok(&app.get("/api/v1/disciplines", Some(&me)).await, StatusCode::OK, "own decisions");
        let own_ids: Vec<&Value> = own["items"].as_array().unwrap().iter().map(|d| &d["member_id"]).collect();
        assert_eq!(own_ids, vec![&json!(binh)], "{own}");
        assert_eq!(
            app.get(&format!("/api/v1/disciplines/{}", d["id"]), Some(&me)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("/api/v1/disciplines/{}", late["id"]), Some(&me)).await.status,
            StatusCode::NOT_FOUND,
            "someone else's decision"
        );
        let none = ok(&app.get("/api/v1/disciplines", Some(&sec)).await, StatusCode::OK, "secretary");
        assert_eq!(none["total"], 0, "{none}");
    })
    .await;
}

#[tokio::test]
async fn a_strike_off_decision_makes_the_member_struck_off() {
    each_backend(|app| async move {
        let sec = app.token("bithu.p1").await;
        let admin = app.token("admin.tu").await;
        let dung = app.fx.member("Phạm Quốc Dũng").id;
        // No cell meetings in the fixture: no proposal.
        let v = ok(
            &app.get("/api/v1/inspections/strike-off-candidates?unit=P1&year=2026", Some(&sec)).await,
            StatusCode::OK,
            "candidates",
        );
        assert_eq!(v["total"], 0, "{v}");
        let me = app.token("dangvien.p1c1").await;
        assert_eq!(
            app.get("/api/v1/inspections/strike-off-candidates", Some(&me)).await.status,
            StatusCode::FORBIDDEN
        );
        let body = json!({"member_id": dung, "decided_by": "P1", "decision_number": "12-QĐ/ĐU",
                          "decided_on": "2026-11-05", "reason": "Bỏ sinh hoạt chi bộ ba tháng không có lý do"});
        let r = call(&app, Method::POST, "/api/v1/strike-offs", &me, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let mut bad = body.clone();
        bad["decided_by"] = json!("KHONG-CO");
        let v = refused(&call(&app, Method::POST, "/api/v1/strike-offs", &sec, Some(bad)).await, "KHONG-CO", "unknown unit");
        assert_eq!(v["errors"][0]["field"], "decided_by");
        let s = ok(
            &call(&app, Method::POST, "/api/v1/strike-offs", &sec, Some(body)).await,
            StatusCode::CREATED,
            "strike-off",
        );
        assert_eq!(s["member_id"], dung);
        assert_eq!(status_of(&app, &admin, dung).await, "struck_off");
        let list = ok(&app.get("/api/v1/strike-offs?unit=P1&year=2026", Some(&sec)).await, StatusCode::OK, "list");
        assert_eq!(list["total"], 1, "{list}");
        let list = ok(&app.get("/api/v1/strike-offs?year=2025", Some(&sec)).await, StatusCode::OK, "list 2025");
        assert_eq!(list["total"], 0);
    })
    .await;
}

#[tokio::test]
async fn the_summary_counts_cases_pairs_and_distinct_subjects_with_every_kind_present() {
    each_backend(|app| async move {
        let t = app.token(INSPECTOR).await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let mai = app.fx.member("Trần Thị Mai").id;
        let thang = app.fx.member("Nguyễn Hữu Thắng").id;
        // Two inspections share subjects: lượt counts every pair, distinct each subject once.
        open(&app, &t, case_body("inspection", "P1", "Kiểm tra lần một", "2026-03-02", &["P1-C1"], &[binh])).await;
        open(&app, &t, case_body("inspection", "TU", "Kiểm tra lần hai", "2026-06-01", &["P1-C1", "P1-C2"], &[binh, mai])).await;
        open(&app, &t, case_body("regular_supervision", "P2", "Giám sát thường xuyên", "2026-04-01", &["P2-C1"], &[thang])).await;
        // Outside the period.
        open(&app, &t, case_body("inspection", "P1", "Kiểm tra năm trước", "2025-12-31", &["P1-C2"], &[])).await;
        ok(
            &call(&app, Method::POST, "/api/v1/disciplines", &t,
                Some(discipline(json!({"member_id": mai}), "warning", "P1", "2026-10-01", "Vi phạm"))).await,
            StatusCode::CREATED,
            "warning",
        );
        ok(
            &call(&app, Method::POST, "/api/v1/disciplines", &t,
                Some(discipline(json!({"unit_code": "P2-C1"}), "reprimand", "P2", "2026-10-01", "Mất đoàn kết"))).await,
            StatusCode::CREATED,
            "unit reprimand",
        );

        let v = ok(
            &app.get("/api/v1/inspections/summary?unit=TU&from=2026-01-01&to=2026-12-31", Some(&t)).await,
            StatusCode::OK,
            "summary",
        );
        // The exact shape: every kind, five figures each; every member and unit form.
        let keys = |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
        let set = |xs: &[&str]| -> BTreeSet<String> { xs.iter().map(|s| s.to_string()).collect() };
        assert_eq!(keys(&v), set(&["by_kind", "discipline"]));
        let kinds: Vec<&str> = domain::inspection::CaseKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(keys(&v["by_kind"]), set(&kinds));
        for k in &kinds {
            assert_eq!(
                keys(&v["by_kind"][k]),
                set(&["cases", "units", "members", "distinct_units", "distinct_members"]),
                "{k}"
            );
        }
        assert_eq!(keys(&v["discipline"]), set(&["members", "units"]));
        assert_eq!(keys(&v["discipline"]["members"]), set(&["reprimand", "warning", "dismissal", "expulsion"]));
        assert_eq!(keys(&v["discipline"]["units"]), set(&["reprimand", "warning", "dissolution"]));
        assert_eq!(
            v["by_kind"]["inspection"],
            json!({"cases": 2, "units": 3, "members": 3, "distinct_units": 2, "distinct_members": 2})
        );
        assert_eq!(
            v["by_kind"]["regular_supervision"],
            json!({"cases": 1, "units": 1, "members": 1, "distinct_units": 1, "distinct_members": 1})
        );
        let zero = json!({"cases": 0, "units": 0, "members": 0, "distinct_units": 0, "distinct_members": 0});
        for k in ["thematic_supervision", "violation_inspection", "finance_inspection", "denunciation", "discipline_appeal"] {
            assert_eq!(v["by_kind"][k], zero, "{k}");
        }
        assert_eq!(v["discipline"]["members"], json!({"reprimand": 0, "warning": 1, "dismissal": 0, "expulsion": 0}));
        assert_eq!(v["discipline"]["units"], json!({"reprimand": 1, "warning": 0, "dissolution": 0}));

        // A ward's subtree and a wider period.
        let p1 = ok(
            &app.get("/api/v1/inspections/summary?unit=P1&from=2025-01-01&to=2026-12-31", Some(&t)).await,
            StatusCode::OK,
            "P1",
        );
        assert_eq!(
            p1["by_kind"]["inspection"],
            json!({"cases": 2, "units": 2, "members": 1, "distinct_units": 2, "distinct_members": 1}),
            "cases conducted inside P1 only"
        );
        assert_eq!(p1["by_kind"]["regular_supervision"], zero);
        assert_eq!(p1["discipline"]["units"]["reprimand"], 0);
        // Nothing there: every kind with zeros.
        let empty = ok(
            &app.get("/api/v1/inspections/summary?unit=P2&from=2020-01-01&to=2020-12-31", Some(&t)).await,
            StatusCode::OK,
            "empty",
        );
        for k in &kinds {
            assert_eq!(empty["by_kind"][k], zero, "{k}");
        }
        // Refusals.
        let r = app.get("/api/v1/inspections/summary?unit=TU&from=2026-12-31&to=2026-01-01", Some(&t)).await;
        refused(&r, "trước", "reversed period");
        let r = app.get("/api/v1/inspections/summary?unit=TU&from=31/12/2026", Some(&t)).await;
        refused(&r, "from", "date in the wrong format");
        let r = app.get("/api/v1/inspections/summary?unit=KHONG-CO", Some(&t)).await;
        refused(&r, "unit", "unknown unit");
        for who in ["bithu.p1", "dangvien.p1c1"] {
            let tok = app.token(who).await;
            let r = app.get("/api/v1/inspections/summary?unit=P1", Some(&tok)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.text());
        }
    })
    .await;
}

#[tokio::test]
async fn programmes_are_listed_per_unit_and_year() {
    each_backend(|app| async move {
        let t = app.token(INSPECTOR).await;
        let body = json!({"unit_code": "P1", "year": 2026, "body": "commission", "title": "Chương trình kiểm tra, giám sát năm 2026",
                          "content": "Kiểm tra 2 chi bộ", "decision_number": "01-CTr/UBKT", "decided_on": "2026-01-10"});
        let v = ok(
            &call(&app, Method::POST, "/api/v1/inspections/programmes", &t, Some(body.clone())).await,
            StatusCode::CREATED,
            "programme",
        );
        assert_eq!(v["unit"]["code"], "P1");
        assert_eq!(v["cases"], 0);
        let mut case = case_body("inspection", "P1", "Kiểm tra theo chương trình", "2026-03-02", &["P1-C1"], &[]);
        case["programme_id"] = v["id"].clone();
        open(&app, &t, case).await;
        let list = ok(&app.get("/api/v1/inspections/programmes?unit=P1&year=2026", Some(&t)).await, StatusCode::OK, "list");
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["cases"], 1);
        let list = ok(&app.get("/api/v1/inspections/programmes?year=2025", Some(&t)).await, StatusCode::OK, "2025");
        assert_eq!(list["total"], 0);
        let mut bad = body.clone();
        bad["year"] = json!(1800);
        refused(&call(&app, Method::POST, "/api/v1/inspections/programmes", &t, Some(bad)).await, "Năm", "year");
        let sec = app.token("bithu.p1").await;
        assert_eq!(
            app.get("/api/v1/inspections/programmes", Some(&sec)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            call(&app, Method::POST, "/api/v1/inspections/programmes", &sec, Some(body)).await.status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}
