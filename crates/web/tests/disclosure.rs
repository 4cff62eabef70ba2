//! No data outside the caller's scope in errors, through the API and the pages (OWASP ASVS V8.3); dry-run
//! uploads not stored; every file handed out leaves an audit row (OWASP ASVS V7.1) — the list of file
//! routes is checked against the handlers that set `Content-Disposition`, so a new download without an
//! audit row is noticed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, hidden_field, Resp, TestApp};
use domain::policy::Principal;
use domain::Role;
use serde_json::json;
use store::{Actor, AuditFilter, ItemInput};

/// The member of ward P2 that users of ward P1 must learn nothing about.
const HIDDEN: &str = "Nguyễn Hữu Thắng";

fn admin(app: &TestApp) -> Principal {
    let root = app.fx.unit("TU");
    Principal {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    }
}

/// Audit rows with `action`, newest first, as the admin sees them.
async fn audit(app: &TestApp, action: &str) -> Vec<store::AuditEntry> {
    app.db
        .audit()
        .list_audit(
            &admin(app),
            &AuditFilter {
                action: Some(action.to_string()),
                page: 1,
                per_page: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0
}

/// The hidden member's identifiers: (id, card number, citizen ID).
async fn hidden(app: &TestApp) -> (i64, String, String) {
    let m = app.fx.member(HIDDEN);
    let (full, _) = app
        .db
        .members()
        .member_unscoped(m.id)
        .await
        .unwrap()
        .unwrap();
    (m.id, m.card.clone(), full.citizen_id.unwrap())
}

fn assert_no_secret(text: &str, secrets: &[&str], ctx: &str) {
    for s in secrets {
        assert!(
            !text.contains(s),
            "{ctx}: the answer contains {s:?}: {text}"
        );
    }
}

#[tokio::test]
async fn api_and_form_errors_hide_other_wards() {
    each_backend(|app| async move {
        let (id, card, cid) = hidden(&app).await;
        let link = format!("/dang-vien/{id}");
        let token = app.token("bithu.p1").await;

        // API: create with the card number, then with the citizen ID, of a member of ward P2.
        for (field, body) in [
            (
                "card_number",
                json!({"unit_code": "P1-C1", "full_name": "Ngô Văn Đến", "card_number": card,
                       "birth_date": "1985-03-15", "joined_on": "2010-05-19", "official_on": "2011-05-19"}),
            ),
            (
                "citizen_id",
                json!({"unit_code": "P1-C1", "full_name": "Ngô Văn Đến", "card_number": "0777001",
                       "citizen_id": cid, "birth_date": "1985-03-15", "joined_on": "2010-05-19",
                       "official_on": "2011-05-19"}),
            ),
        ] {
            let r = app
                .api(Method::POST, "/api/v1/members", Some(&token), Some(&body))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            let v = r.assert_problem(field);
            let detail = v["detail"].as_str().unwrap();
            assert!(
                detail.contains(&store::unusable_identifier(field)),
                "{field}: {detail}"
            );
            // The caller's own input may be echoed; nothing else of the holder.
            let others: Vec<&str> = if field == "card_number" {
                vec![HIDDEN, cid.as_str(), link.as_str()]
            } else {
                vec![HIDDEN, card.as_str(), link.as_str()]
            };
            assert_no_secret(&r.text(), &others, field);
            assert!(!r.text().contains(&format!("mã {id}")), "{}", r.text());
        }
        // API: edit an own member to that card number.
        let own = app.fx.member("Trần Thị Mai").id;
        let r = app
            .api(
                Method::PATCH,
                &format!("/api/v1/members/{own}"),
                Some(&token),
                Some(&json!({"card_number": card})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_no_secret(&r.text(), &[HIDDEN, &cid, &link], "patch");

        // The form: the neutral message, the holder nowhere on the page.
        let b = app.browser("bithu.p1").await;
        let r = app
            .post_form(
                "/dang-vien/moi",
                Some(&b.cookie),
                &[
                    ("csrf", &b.csrf),
                    ("unit_code", "P1-C1"),
                    ("full_name", "Ngô Văn Đến"),
                    ("citizen_id", &cid),
                    ("card_number", "0777002"),
                    ("birth_date", "15/03/1985"),
                    ("joined_on", "19/05/2010"),
                    ("official_on", "19/05/2011"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let body = r.text();
        assert!(
            body.contains(&store::unusable_identifier("citizen_id")),
            "{body}"
        );
        assert_no_secret(&body, &[HIDDEN, &card, &link], "form");

        // Four clashes, filed under the holder for the office, each naming who tried.
        let clashes = audit(&app, "identifier_clash").await;
        assert_eq!(clashes.len(), 4, "{clashes:#?}");
        assert!(clashes
            .iter()
            .all(|c| c.object_id == id.to_string() && c.username == "bithu.p1"));
        let sources: Vec<&str> = clashes.iter().map(|c| c.source.as_str()).collect();
        assert_eq!(sources, ["web", "api", "api", "api"]);

        // In scope, the holder is named (the ward secretary may read P1-C2).
        let mine = app.fx.member("Phạm Quốc Dũng");
        let r = app
            .api(
                Method::POST,
                "/api/v1/members",
                Some(&token),
                Some(&json!({"unit_code": "P1-C1", "full_name": "Ngô Văn Đến", "card_number": mine.card,
                             "birth_date": "1985-03-15", "joined_on": "2010-05-19", "official_on": "2011-05-19"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Phạm Quốc Dũng"), "{}", r.text());
        assert_eq!(audit(&app, "identifier_clash").await.len(), 4);
    })
    .await;
}

#[tokio::test]
async fn import_errors_hide_other_wards_on_api_and_page() {
    each_backend(|app| async move {
        let (id, card, cid) = hidden(&app).await;
        let header = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại";
        // The probe: a citizen ID of ward P2 with a new card number (once answered with the real card).
        let file = format!(
            "{header}\nP1-C1,Ngô Văn Đến,15/03/1985,Nam,0777003,{cid},19/05/2010,19/05/2011,,\n"
        );
        let token = app.token("bithu.p1").await;
        for dry in ["true", "false"] {
            let r = app
                .raw(
                    Method::POST,
                    &format!("/api/v1/import/members?filename=dang-vien.csv&dry_run={dry}"),
                    Some(&token),
                    Some("text/csv"),
                    file.clone().into_bytes(),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            assert_no_secret(&r.text(), &[HIDDEN, &card], "api import");
            assert!(!r.text().contains(&format!("mã {id}")));
            assert!(
                r.text().contains(&store::unusable_identifier("citizen_id")),
                "{}",
                r.text()
            );
        }
        let b = app.browser("bithu.p1").await;
        for dry in [true, false] {
            let mut fields = vec![("csrf", b.csrf.as_str()), ("kind", "members")];
            if dry {
                fields.push(("dry_run", "1"));
            }
            let r = app
                .post_multipart(
                    "/nhap-du-lieu",
                    Some(&b.cookie),
                    &fields,
                    Some(("file", "dang-vien.csv", file.as_bytes())),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            assert_no_secret(&r.text(), &[HIDDEN, &card], "page import");
        }
        assert_eq!(audit(&app, "identifier_clash").await.len(), 4);
    })
    .await;
}

#[tokio::test]
async fn a_dry_run_stores_no_upload_and_is_audited() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let user_id = app.principal(&app.token("bithu.p1").await).await.user_id;
        let file = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại\n\
                    P1-C1,Ngô Văn Thử,15/03/1985,Nam,0777004,,19/05/2010,19/05/2011,,\n";
        let r = app
            .post_multipart(
                "/nhap-du-lieu",
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("kind", "members"), ("dry_run", "1")],
                Some(("file", "thu.csv", file.as_bytes())),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let body = r.text();
        assert!(body.contains("Kiểm tra xong"), "{body}");
        assert!(body.contains("không được lưu trên máy chủ"), "{body}");
        assert!(
            !body.contains("/thu-lai"),
            "no retry of a file that was not kept"
        );
        assert_eq!(app.db.accounts().upload_count(user_id).await.unwrap(), 0);
        let runs = audit(&app, "dry_run").await;
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].username, "bithu.p1");
        assert_eq!(runs[0].after.as_ref().unwrap()["số dòng"], 1);

        // The audit page shows it in words.
        let office = app.browser("office.tu").await;
        let page = app.page("/nhat-ky", Some(&office.cookie)).await;
        assert!(page.text().contains("Nhập thử"), "{}", page.text());

        // A real import keeps its file: it can be downloaded back (audited as a file handed out).
        let r = app
            .post_multipart(
                "/nhap-du-lieu",
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("kind", "members")],
                Some(("file", "that.csv", file.as_bytes())),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(app.db.accounts().upload_count(user_id).await.unwrap(), 1);
    })
    .await;
}

/// Every route that hands out a file, with the source file that builds it. Model photos (shown inline
/// in pages, not exports) and the blank import templates (no data) are the only downloads left out.
const FILE_ROUTES: [(&str, &str); 21] = [
    ("GET /nhat-ky.xlsx?loai=member", "pages/audit.rs"),
    (
        "GET /xuat/dang-vien?don_vi=P1&dinh_dang=csv",
        "pages/members/export.rs",
    ),
    (
        "GET /xuat/dang-vien?don_vi=P1&dinh_dang=xlsx",
        "pages/members/export.rs",
    ),
    (
        "GET /api/v1/export/members?unit=P1&format=csv",
        "api/imports.rs",
    ),
    ("GET /nhap-du-lieu/{upload}/tep", "pages/import.rs"),
    (
        "GET /sinh-hoat/{meeting}/tai-lieu/{doc}",
        "pages/attendance/documents.rs",
    ),
    (
        "GET /sinh-hoat/{meeting}/danh-sach-ky.xlsx",
        "pages/attendance/sheets.rs",
    ),
    (
        "GET /sinh-hoat/{meeting}/diem-danh.xlsx",
        "pages/attendance/sheets.rs",
    ),
    (
        "GET /dang-ky/{registration}/ban-dang-ky.docx",
        "pages/registrations/docs.rs",
    ),
    (
        "GET /dang-ky/bao-cao.xlsx?don-vi={ward}&nam=2026",
        "pages/registrations/report.rs",
    ),
    ("GET /ban-tin/P1/thong-bao.docx", "pages/bulletin.rs"),
    ("GET /ban-tin/P1/kich-ban.txt", "pages/bulletin.rs"),
    ("GET /ban-tin/P1/am-thanh.wav", "pages/bulletin.rs"),
    (
        "GET /kiem-tra/{case}/tai-lieu/{casedoc}",
        "pages/inspections/documents.rs",
    ),
    (
        "GET /tieu-chi/tai-lieu/{critdoc}",
        "pages/criteria/documents.rs",
    ),
    ("GET /bao-cao/word?don-vi=P1", "pages/reports/live.rs"),
    ("GET /bao-cao/excel?don-vi=P1", "pages/reports/live.rs"),
    ("GET /bao-cao/ban/{report}/word", "pages/reports/stored.rs"),
    ("GET /bao-cao/ban/{report}/excel", "pages/reports/stored.rs"),
    (
        "GET /api/v1/reports/period.docx?unit=P1&from=2026-01-01&to=2026-11-27",
        "api/reports/mod.rs",
    ),
    ("GET /api/v1/reports/{report}/xlsx", "api/reports/mod.rs"),
];

/// `Content-Disposition` sites per source file that are not in `FILE_ROUTES` on purpose.
const NOT_EXPORTS: [(&str, &str); 7] = [
    ("pages/import.rs", "blank import templates"),
    ("api/models.rs", "model photos, inline"),
    ("api/models.rs", "model thumbnails, inline"),
    ("pages/models/photos.rs", "model photos, inline"),
    ("pages/models/photos.rs", "model thumbnails, inline"),
    ("portal/media.rs", "published model photos, inline"),
    ("portal/media.rs", "published model thumbnails, inline"),
];

#[test]
fn every_handler_that_sets_content_disposition_is_listed() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // Each response that names a file is built with this header constant or with the shared
            // helpers of `respond.rs` (which define them and are not a download themselves).
            if rel == "respond.rs" {
                continue;
            }
            let sites = text.matches("header::CONTENT_DISPOSITION").count()
                + text.matches("file_response(").count()
                + text.matches("image_response(").count();
            if sites > 0 {
                found.push((rel, sites));
            }
        }
    }
    found.sort();
    for (file, sites) in &found {
        let listed = FILE_ROUTES.iter().filter(|(_, f)| f == file).count();
        let exempt = NOT_EXPORTS.iter().filter(|(f, _)| f == file).count();
        assert!(
            listed + exempt > 0,
            "{file} sets Content-Disposition ({sites}×) but none of its downloads is in FILE_ROUTES: \
             audit it (store::FileAudit) and list it"
        );
        // Helpers shared by several routes count once; more sites than listed routes means a new one.
        assert!(
            *sites <= listed + exempt,
            "{file} has {sites} Content-Disposition sites for {listed} listed routes and {exempt} \
             exemptions: a new download? audit it and list it in FILE_ROUTES"
        );
    }
}

#[tokio::test]
async fn every_file_route_leaves_an_audit_row() {
    each_backend(|app| async move {
        let admin_p = admin(&app);
        let cli = Actor::system("test");
        let office = app.browser("office.tu").await;
        let office_token = app.token("office.tu").await;
        let office_id = app.principal(&office_token).await.user_id;
        // The objects the routes hand out.
        let upload = app
            .db
            .accounts().save_upload(office_id, "members", "dang-vien.csv", b"Ho va ten\n")
            .await
            .unwrap();
        let v = app
            .api(
                Method::POST,
                "/api/v1/cell-meetings",
                Some(&office_token),
                Some(&json!({"unit_code": "P1-C1", "date": "2026-11-20", "title": "Sinh hoạt tháng 11"})),
            )
            .await;
        assert!(v.status.is_success(), "{}", v.text());
        let meeting = v.json()["id"].as_i64().unwrap();
        let doc = app
            .db
            .attendance().add_document(&cli, &admin_p, meeting, "bien-ban.pdf", b"%PDF-1.4\n%%EOF\n")
            .await
            .unwrap()
            .id;
        let sec = app
            .principal(&app.token("bithu.p1c1").await)
            .await;
        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let registration = app
            .db
            .registrations().create_registration(
                &cli,
                &sec,
                binh,
                2026,
                &[ItemInput::new(
                    "Vận động 12 hộ trong khu phố lắp đèn chiếu sáng hẻm 5 trước Tết",
                    "Công tác dân vận",
                    "12 hộ",
                    Some(common::d(2026, 12, 31)),
                )],
            )
            .await
            .unwrap()
            .id;
        let ward = app.fx.unit("P1").id;
        let case = app
            .db
            .inspections()
            .create_case(
                &cli,
                &admin_p,
                &store::CaseInput {
                    kind: domain::inspection::CaseKind::Inspection,
                    unit_id: app.fx.unit("TU").id,
                    body: domain::inspection::Body::Commission,
                    programme_id: None,
                    title: "Kiểm tra việc thực hiện Chỉ thị 05".into(),
                    decision_number: "15-QĐ/UBKT".into(),
                    decided_on: common::d(2026, 10, 1),
                    from: None,
                    to: None,
                    directive_05: true,
                    team: Vec::new(),
                    subject_units: vec![ward],
                    subject_members: Vec::new(),
                },
            )
            .await
            .unwrap()
            .case
            .id;
        let casedoc = app
            .db
            .inspections()
            .add_case_document(&cli, &admin_p, case, "ket-luan.pdf", b"%PDF-1.4\n%%EOF\n")
            .await
            .unwrap()
            .id;

        let (_, fresh) = app
            .db
            .criteria()
            .save_set(
                &admin_p,
                &cli,
                &store::CriteriaSetInput {
                    code: "TC-P1".into(),
                    title: "Bộ tiêu chí thử".into(),
                    unit_codes: vec!["P1".into()],
                    items: vec![store::Criterion {
                        code: "1".into(),
                        title: "Quy hoạch".into(),
                        group: String::new(),
                        measure: String::new(),
                        target: String::new(),
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(fresh);
        let assessment = app
            .db
            .criteria()
            .assess(
                &admin_p,
                &cli,
                &store::AssessmentInput {
                    set_code: "TC-P1".into(),
                    unit_code: "P1".into(),
                    as_of: common::d(2026, 10, 1),
                    note: String::new(),
                    items: vec![store::MarkInput {
                        code: "1".into(),
                        state: domain::criteria::CriterionState::Met,
                        evidence: "Có quy hoạch được duyệt".into(),
                    }],
                },
            )
            .await
            .unwrap()
            .id;
        let critdoc = app
            .db
            .criteria()
            .add_document(&admin_p, &cli, assessment, "bien-ban-danh-gia.pdf", b"%PDF-1.4\n%%EOF\n")
            .await
            .unwrap()
            .id;

        let report = app
            .db
            .reports()
            .create_report(&admin_p, &cli, "P1", common::d(2026, 1, 1), common::d(2026, 11, 27))
            .await
            .unwrap();
        for (route, _) in FILE_ROUTES {
            let uri = route
                .trim_start_matches("GET ")
                .replace("{upload}", &upload.to_string())
                .replace("{meeting}", &meeting.to_string())
                .replace("{doc}", &doc.to_string())
                .replace("{registration}", &registration.to_string())
                .replace("{ward}", &ward.to_string())
                .replace("{casedoc}", &casedoc.to_string())
                .replace("{critdoc}", &critdoc.to_string())
                .replace("{report}", &report.to_string())
                .replace("{case}", &case.to_string());
            let before = audit(&app, "export").await.len();
            let r: Resp = if uri.starts_with("/api/") {
                app.get(&uri, Some(&office_token)).await
            } else {
                app.page(&uri, Some(&office.cookie)).await
            };
            if uri.ends_with(".wav") && r.status != StatusCode::OK {
                // No speech program on this machine: no file, and then no row either.
                assert_eq!(audit(&app, "export").await.len(), before, "{uri}");
                continue;
            }
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
            let rows = audit(&app, "export").await;
            assert_eq!(rows.len(), before + 1, "{uri} left no audit row");
            let row = &rows[0];
            assert_eq!(row.username, "office.tu", "{uri}");
            assert_eq!(row.object_type, "file", "{uri}");
            assert!(
                row.after.as_ref().is_some_and(|a| a["tệp"].is_string()),
                "{uri}: {row:?}"
            );
        }
        // The audit page names them.
        let page = app.page("/nhat-ky?loai=file", Some(&office.cookie)).await;
        assert!(page.text().contains("Xuất tệp"), "{}", page.text());
        let _ = hidden_field;
    })
    .await;
}
