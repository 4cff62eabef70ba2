//! Attendance over HTTP (docs/DOMAIN.md § Attendance): the study-session API contract, marking scope,
//! self check-in, the summary, and the pages, on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, looks_vietnamese, TestApp};
use serde_json::{json, Value};

async fn create_session(app: &TestApp, token: &str, unit: &str, date: &str) -> Value {
    let r = app
        .api(
            Method::POST,
            "/api/v1/study-sessions",
            Some(token),
            Some(&json!({"unit_code": unit, "date": date, "title": "Học tập chuyên đề năm 2026"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

fn ids(app: &TestApp, cell: &str) -> Vec<i64> {
    app.fx.members_in(cell).iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn study_session_contract() {
    each_backend(|app| async move {
        let ward = app.token("bithu.p1").await;
        let s = create_session(&app, &ward, "P1", "2026-11-20").await;
        let id = s["id"].as_i64().unwrap();
        assert_eq!(s["expected"], 6, "P1's subtree as of the date: {s}");
        assert_eq!(s["unmarked"], 6);
        let got = app.get(&format!("/api/v1/study-sessions/{id}"), Some(&ward)).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.json()["marks"].as_array().unwrap().len(), 6);

        let c1 = ids(&app, "P1-C1");
        let c2 = ids(&app, "P1-C2");
        let p2 = ids(&app, "P2-C1");
        let put = |marks: Value| {
            let app = app.clone();
            let ward = ward.clone();
            async move {
                app.api(Method::PUT, &format!("/api/v1/study-sessions/{id}/attendance"), Some(&ward), Some(&json!({"marks": marks})))
                    .await
            }
        };
        // Not expected: 422 with the reason, nothing written.
        let r = put(json!([{"member_id": c1[0], "status": "present"}, {"member_id": p2[0], "status": "present"}])).await;
        let body = r.assert_problem("not expected");
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["detail"].as_str().unwrap().contains("không thuộc danh sách"), "{body}");
        // Unknown status.
        let r = put(json!([{"member_id": c1[0], "status": "maybe"}])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(looks_vietnamese(&r.text()));
        // Every status.
        let r = put(json!([
            {"member_id": c1[0], "status": "present"}, {"member_id": c1[1], "status": "late"},
            {"member_id": c1[2], "status": "excused"}, {"member_id": c2[0], "status": "absent"},
            {"member_id": c2[1], "status": "present"}
        ]))
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let t = r.json();
        assert_eq!((t["attended"].as_i64(), t["excused"].as_i64(), t["absent"].as_i64(), t["unmarked"].as_i64()), (Some(3), Some(1), Some(1), Some(1)));
        // Make-up turns the absence into attendance.
        let r = put(json!([{"member_id": c2[0], "status": "makeup"}])).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["attended"], 4);

        let sum = app.get("/api/v1/attendance/summary?unit=P1&from=2026-01-01&to=2026-12-31", Some(&ward)).await;
        assert_eq!(sum.status, StatusCode::OK, "{}", sum.text());
        let v = sum.json();
        for k in ["expected", "attended", "excused", "unmarked", "rate"] {
            assert!(v.get(k).is_some(), "summary has {k}: {v}");
        }
        assert_eq!((v["expected"].as_i64(), v["attended"].as_i64(), v["excused"].as_i64(), v["unmarked"].as_i64()), (Some(6), Some(4), Some(1), Some(1)));
        let rate = v["rate"].as_f64().unwrap();
        assert!((rate - 4.0 / 6.0).abs() < 1e-3, "{rate}");
        // A cell's share of the ward's session; the root includes everything; another period is empty.
        let c1sum = app.get("/api/v1/attendance/summary?unit=P1-C1&from=2026-01-01&to=2026-12-31", Some(&ward)).await.json();
        assert_eq!((c1sum["expected"].as_i64(), c1sum["attended"].as_i64()), (Some(3), Some(2)));
        let admin = app.token("admin.tu").await;
        let root = app.get("/api/v1/attendance/summary?unit=TU&from=2026-11-01&to=2026-11-30", Some(&admin)).await.json();
        assert_eq!(root["expected"], 6);
        let none = app.get("/api/v1/attendance/summary?unit=TU&from=2025-01-01&to=2025-12-31", Some(&admin)).await.json();
        assert_eq!((none["expected"].as_i64(), none["rate"].as_f64()), (Some(0), Some(0.0)));
        // Bad parameters are Vietnamese problems.
        let bad = app.get("/api/v1/attendance/summary?unit=P1&from=20-11-2026", Some(&ward)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Per sub-unit.
        let units = app.get("/api/v1/attendance/units?unit=P1&from=2026-01-01&to=2026-12-31", Some(&ward)).await.json();
        assert_eq!(units["items"].as_array().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn marking_and_reading_follow_scope() {
    each_backend(|app| async move {
        let ward = app.token("bithu.p1").await;
        let s = create_session(&app, &ward, "P1", "2026-11-20").await;
        let id = s["id"].as_i64().unwrap();
        let c1 = ids(&app, "P1-C1");
        let c2 = ids(&app, "P1-C2");
        // The cell secretary marks only their cell.
        let cell = app.token("bithu.p1c1").await;
        let ok = app
            .api(
                Method::PUT,
                &format!("/api/v1/study-sessions/{id}/attendance"),
                Some(&cell),
                Some(&json!({"marks": [{"member_id": c1[1], "status": "present"}]})),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
        let no = app
            .api(
                Method::PUT,
                &format!("/api/v1/study-sessions/{id}/attendance"),
                Some(&cell),
                Some(&json!({"marks": [{"member_id": c2[0], "status": "present"}]})),
            )
            .await;
        assert_eq!(no.status, StatusCode::FORBIDDEN, "{}", no.text());
        let seen = app
            .get(&format!("/api/v1/study-sessions/{id}"), Some(&cell))
            .await
            .json();
        assert_eq!(
            seen["marks"].as_array().unwrap().len(),
            3,
            "only the cell's members"
        );
        // Another ward sees nothing.
        app.get(
            &format!("/api/v1/study-sessions/{id}"),
            Some(&app.token("bithu.p1").await),
        )
        .await;
        // The inspector reads but does not mark.
        let insp = app.token("kiemtra.tu").await;
        assert_eq!(
            app.get(&format!("/api/v1/study-sessions/{id}"), Some(&insp))
                .await
                .status,
            StatusCode::OK
        );
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/study-sessions/{id}/attendance"),
                Some(&insp),
                Some(&json!({"marks": [{"member_id": c1[1], "status": "absent"}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A member sees only their own marks.
        let me = app.token("dangvien.p1c1").await;
        let mine = app
            .get(&format!("/api/v1/study-sessions/{id}"), Some(&me))
            .await
            .json();
        let marks = mine["marks"].as_array().unwrap();
        assert_eq!(marks.len(), 1);
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id;
        assert_eq!(marks[0]["member_id"], own);
        assert_eq!(
            app.get(&format!("/api/v1/members/{own}/attendance"), Some(&me))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("/api/v1/members/{}/attendance", c1[1]), Some(&me))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/api/v1/attendance/summary?unit=P1-C1", Some(&me))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = app
            .api(
                Method::PUT,
                &format!("/api/v1/study-sessions/{id}/attendance"),
                Some(&me),
                Some(&json!({"marks": [{"member_id": own, "status": "present"}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A secretary of another ward cannot even see the session.
        let admin = app.token("admin.tu").await;
        let p2 = create_session(&app, &admin, "P2", "2026-11-21").await;
        assert_eq!(
            app.get(&format!("/api/v1/study-sessions/{}", p2["id"]), Some(&ward))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let list = app.get("/api/v1/study-sessions", Some(&ward)).await.json();
        assert_eq!(list["total"], 1);
    })
    .await;
}

#[tokio::test]
async fn self_checkin_over_the_api() {
    each_backend(|app| async move {
        let ward = app.token("bithu.p1").await;
        let today = "2026-11-27";
        let s = create_session(&app, &ward, "P1", today).await;
        let other = create_session(&app, &ward, "P1-C1", today).await;
        let id = s["id"].as_i64().unwrap();
        let me = app.token("dangvien.p1c1").await;
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id;
        let checkin = |code: String, member: Option<i64>| {
            let app = app.clone();
            let me = me.clone();
            async move {
                let mut body = json!({"code": code});
                if let Some(m) = member {
                    body["member_id"] = json!(m);
                }
                app.api(
                    Method::POST,
                    &format!("/api/v1/study-sessions/{id}/check-in"),
                    Some(&me),
                    Some(&body),
                )
                .await
            }
        };
        let closed = checkin("123456".into(), None).await;
        assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            closed.text().contains("Chưa mở điểm danh"),
            "{}",
            closed.text()
        );
        let opened = app
            .api(
                Method::POST,
                &format!("/api/v1/study-sessions/{id}/check-in-code"),
                Some(&ward),
                Some(&json!({"minutes": 60})),
            )
            .await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());
        let code = opened.json()["check_in"]["code"]
            .as_str()
            .unwrap()
            .to_string();
        let o = app
            .api(
                Method::POST,
                &format!("/api/v1/study-sessions/{}/check-in-code", other["id"]),
                Some(&ward),
                None,
            )
            .await;
        let other_code = o.json()["check_in"]["code"].as_str().unwrap().to_string();
        // The code is shown to managers only.
        assert!(app
            .get(&format!("/api/v1/study-sessions/{id}"), Some(&me))
            .await
            .json()
            .get("check_in")
            .is_none());
        let r = checkin(code.clone(), Some(app.fx.members_in("P1-C1")[1].id)).await;
        assert!(
            r.text().contains("chính mình"),
            "wrong member: {}",
            r.text()
        );
        if other_code != code {
            let r = checkin(other_code, None).await;
            assert!(
                r.text().contains("không phải của buổi học này"),
                "other session: {}",
                r.text()
            );
        }
        let ok = checkin(code.clone(), Some(own)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
        assert_eq!(ok.json()["status"], "present");
        let again = checkin(code.clone(), None).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            again.text().contains("đã điểm danh"),
            "replay: {}",
            again.text()
        );
        let closed = app
            .api(
                Method::DELETE,
                &format!("/api/v1/study-sessions/{id}/check-in-code"),
                Some(&ward),
                None,
            )
            .await;
        assert_eq!(closed.status, StatusCode::OK);
        assert_eq!(
            app.get(&format!("/api/v1/study-sessions/{id}"), Some(&ward))
                .await
                .json()["present"],
            1
        );
    })
    .await;
}

#[tokio::test]
async fn campaign_api_and_topics() {
    each_backend(|app| async move {
        let office = app.token("office.tu").await;
        let r = app.api(Method::POST, "/api/v1/directives", Some(&office), Some(&json!({"code": "05-CT/TW", "title": "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "issued_on": "2016-05-15", "issuer": "Bộ Chính trị"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = app.api(Method::POST, "/api/v1/plans", Some(&office), Some(&json!({"number": "43-KH/TU", "title": "Kế hoạch thực hiện Chỉ thị 05", "issued_on": "2016-06-21", "unit_code": "TU", "directive_code": "05-CT/TW", "target_attendance": 0.95}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["target_attendance"], 950);
        let sec = app.token("bithu.p1").await;
        let r = app.api(Method::POST, "/api/v1/plans", Some(&sec), Some(&json!({"number": "1-KH/ĐU", "title": "x", "issued_on": "2016-06-21", "unit_code": "P1"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let plans = app.get("/api/v1/plans", Some(&sec)).await.json();
        assert_eq!(plans["total"], 1, "the ward sees the city's plan");
        let r = app.api(Method::PUT, "/api/v1/themes", Some(&office), Some(&json!({"unit_code": "TU", "year": 2026, "title": "Chuyên đề năm 2026", "plan": "43-KH/TU"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // Topics for next month: both cells of P1 missing and overdue (today 27/11, due 20/11).
        let t = app.get("/api/v1/topics?unit=P1", Some(&sec)).await.json();
        assert_eq!((t["month"].as_str(), t["missing"].as_i64()), (Some("2026-12"), Some(2)));
        assert_eq!(t["items"][0]["overdue"], true);
        let cell = app.token("bithu.p1c1").await;
        let r = app.api(Method::PUT, "/api/v1/topics", Some(&cell), Some(&json!({"unit_code": "P1-C1", "month": "2026-12", "topic": "Học tập và làm theo Bác về tinh thần trách nhiệm", "thematic": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = app.api(Method::PUT, "/api/v1/topics", Some(&cell), Some(&json!({"unit_code": "P1-C2", "month": "2026-12", "topic": "x"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let t = app.get("/api/v1/topics?unit=P1", Some(&sec)).await.json();
        assert_eq!(t["missing"], 1);
        // Summary with the plan's target flags the unit.
        let s = create_session(&app, &sec, "P1", "2026-11-20").await;
        let v = app.get("/api/v1/attendance/summary?unit=P1&from=2026-01-01&to=2026-12-31", Some(&sec)).await.json();
        assert_eq!((v["target"].as_f64(), v["below_target"].as_bool()), (Some(0.95), Some(true)), "{v} {s}");
    })
    .await;
}

#[tokio::test]
async fn attendance_pages_render_for_each_role() {
    each_backend(|app| async move {
        let ward = app.token("bithu.p1").await;
        let s = create_session(&app, &ward, "P1", "2026-11-20").await;
        let id = s["id"].as_i64().unwrap();
        for user in [
            "admin.tu",
            "bithu.p1",
            "bithu.p1c1",
            "kiemtra.tu",
            "dangvien.p1c1",
        ] {
            let b = app.browser(user).await;
            for uri in [
                "/hoc-tap".to_string(),
                "/hoc-tap?xem=lich&nam=2026&thang=11".to_string(),
                format!("/hoc-tap/{id}"),
                "/sinh-hoat".to_string(),
                "/ke-hoach".to_string(),
                "/diem-danh".to_string(),
            ] {
                let r = app.page(&uri, Some(&b.cookie)).await;
                assert_eq!(r.status, StatusCode::OK, "{user} {uri}: {}", r.text());
                assert!(looks_vietnamese(&r.text()));
            }
            let table = app.page("/chuyen-can", Some(&b.cookie)).await;
            assert!(
                table.status == StatusCode::OK || table.status.is_redirection(),
                "{user} /chuyen-can {}",
                table.status
            );
        }
        // Another ward's secretary gets the not-found page for this session.
        let admin = app.token("admin.tu").await;
        let p2 = create_session(&app, &admin, "P2", "2026-11-21").await;
        let b = app.browser("bithu.p1").await;
        let r = app
            .page(&format!("/hoc-tap/{}", p2["id"]), Some(&b.cookie))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // The marking form: mark all present, then one exception.
        let b = app.browser("bithu.p1c1").await;
        let r = app
            .post_form(
                &format!("/hoc-tap/{id}/diem-danh"),
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("tat_ca", "1")],
            )
            .await;
        assert!(r.status.is_redirection(), "{}", r.text());
        let m = app.fx.members_in("P1-C1")[2].id;
        let field = format!("m{m}");
        let r = app
            .post_form(
                &format!("/hoc-tap/{id}/diem-danh"),
                Some(&b.cookie),
                &[("csrf", &b.csrf), (&field, "excused")],
            )
            .await;
        assert!(r.status.is_redirection(), "{}", r.text());
        let got = app
            .get(&format!("/api/v1/study-sessions/{id}"), Some(&ward))
            .await
            .json();
        assert_eq!(
            (
                got["present"].as_i64(),
                got["excused"].as_i64(),
                got["unmarked"].as_i64()
            ),
            (Some(2), Some(1), Some(3))
        );
        // A forged form without the CSRF token changes nothing.
        let r = app
            .post_form(
                &format!("/hoc-tap/{id}/diem-danh"),
                Some(&b.cookie),
                &[("tat_ca", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The sign-in sheet and the marks export are XLSX files; the marks export imports back.
        let sheet = app
            .page(&format!("/hoc-tap/{id}/danh-sach-ky.xlsx"), Some(&b.cookie))
            .await;
        assert_eq!(sheet.status, StatusCode::OK);
        assert!(sheet.body.starts_with(b"PK"));
        let marks = app
            .page(&format!("/hoc-tap/{id}/diem-danh.xlsx"), Some(&b.cookie))
            .await;
        assert_eq!(marks.status, StatusCode::OK);
        let r = app
            .post_multipart(
                &format!("/hoc-tap/{id}/nhap-diem-danh"),
                Some(&b.cookie),
                &[("csrf", &b.csrf)],
                Some(("file", "diem-danh.xlsx", &marks.body)),
            )
            .await;
        assert!(
            r.status.is_redirection(),
            "re-import of the export: {}",
            r.text()
        );
        // A document that lies about its type is refused with a message.
        let r = app
            .post_multipart(
                &format!("/hoc-tap/{id}/tai-lieu"),
                Some(&b.cookie),
                &[("csrf", &b.csrf)],
                Some(("file", "tai-lieu.pdf", b"MZ not a pdf")),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "the cell secretary does not manage the ward's session"
        );
        let wb = app.browser("bithu.p1").await;
        let r = app
            .post_multipart(
                &format!("/hoc-tap/{id}/tai-lieu"),
                Some(&wb.cookie),
                &[("csrf", &wb.csrf)],
                Some(("file", "tai-lieu.pdf", b"MZ not a pdf")),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("không đúng loại"));
        let r = app
            .post_multipart(
                &format!("/hoc-tap/{id}/tai-lieu"),
                Some(&wb.cookie),
                &[("csrf", &wb.csrf)],
                Some(("file", "Nghị quyết.pdf", b"%PDF-1.4 test")),
            )
            .await;
        assert!(r.status.is_redirection(), "{}", r.text());
    })
    .await;
}

#[tokio::test]
async fn openapi_documents_attendance_routes() {
    each_backend(|app| async move {
        let doc = app.get("/api/openapi.json", None).await.json();
        for path in [
            "/api/v1/study-sessions",
            "/api/v1/study-sessions/{id}",
            "/api/v1/study-sessions/{id}/attendance",
            "/api/v1/attendance/summary",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} documented");
        }
        assert!(doc["components"]["schemas"].get("Summary").is_some());
    })
    .await;
}
