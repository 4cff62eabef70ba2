//! The generated confidentiality matrix of inspection, supervision, discipline and xóa tên (docs/DOMAIN.md §
//! Inspection, supervision and discipline): every route of `web::api::table()` and every page route of
//! `web::pages::routes()` whose path starts with one of `matrix_support::CONFIDENTIAL_PREFIXES` (the one place that says which routes this
//! matrix covers, so new routes are picked up by themselves) × every role (admin, office, secretary,
//! inspector, member, each at the city and at a ward, and anonymous) × an object in the caller's scope and
//! one in another ward, on every backend.
//!
//! Expectations come from `domain::policy` (`can_read_cases`, `can_manage_cases`, `can_read_finding`,
//! `can_report_remedy`, `can_read_discipline`): an object the caller may not read answers 404 (API) or the
//! not-found page; a role that may not act answers 403/404; a body naming a unit outside the caller's scope
//! is refused (403/404/422, and a page may show its form again with the message) and writes nothing; allowed
//! reads answer 2xx, allowed writes are not refused. In every cell, and in the member search, member pages,
//! audit log, exports and the public portal: no 5xx, and no marker (planted in case titles, conclusions,
//! finding notes, remedies, documents, programmes, discipline reasons and xóa tên reasons) reaches a caller
//! who may not read it. Every marker is seen by some allowed caller, so the search is not blind. A route
//! under the prefixes without an expectation here fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod matrix_support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{each_backend, Browser, Resp, TestApp, USERS};
use domain::policy::{Capability, Principal};
use domain::Role;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use store::{Actor, NewAccount};

/// The routes this matrix covers: API resources and pages of inspection, supervision, discipline and xóa
/// tên. A route is covered when its path is one of these or lies under one.
fn covered(path: &str) -> bool {
    matrix_support::confidential(path)
}

/// Accounts added to the fixture's: the confidential roles and a secretary and a member in one ward, so that
/// the other ward is out of their scope. (username, role, unit, linked member).
const EXTRA: [(&str, Role, &str, Option<&str>); 5] = [
    ("kiemtra.p1", Role::Inspector, "P1", None),
    ("vanphong.p1", Role::Office, "P1", None),
    ("quantri.p1", Role::Admin, "P1", None),
    ("bithu.p2", Role::Secretary, "P2", None),
    (
        "dangvien.p2c1",
        Role::Member,
        "P2-C1",
        Some("Nguyễn Hữu Thắng"),
    ),
];

/// What a caller may do with one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// A read answers 2xx (or a same-site redirect); a write is not refused.
    Ok,
    /// Not readable: 404 (or the not-found page), exactly as for a missing object.
    Hidden,
    /// Not for this role: 403 or 404.
    Denied,
    /// The body or parameter names a unit outside the caller's scope: 403/404/422 (a page may show its form
    /// again with the message), nothing written.
    Refused,
}
use Access::{Denied, Hidden, Refused};

fn read(v: bool) -> Access {
    if v {
        Access::Ok
    } else {
        Hidden
    }
}

fn write(visible: bool, allowed: bool) -> Access {
    match (visible, allowed) {
        (false, _) => Hidden,
        (true, true) => Access::Ok,
        (true, false) => Denied,
    }
}

/// A role gate, then the unit the target names (empty: the caller's own scope).
fn scoped(role_ok: bool, p: &Principal, t: &Tgt) -> Access {
    if !role_ok {
        Denied
    } else if t.path.is_empty() || p.covers(&t.path) {
        Access::Ok
    } else {
        Refused
    }
}

/// The kind of object a route's parameters (or body) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Nothing.
    None,
    /// A unit named in the query (`?unit=`) or the body; also tried without one.
    Unit,
    /// A concluded case with remedies and a document.
    Case,
    /// A case not yet concluded (edited and concluded by the write cells).
    OpenCase,
    /// A document of a concluded case.
    Doc,
    Discipline,
    /// An appeal waiting for its result.
    Appeal,
    Remedy,
}

/// One concrete object a route is tried with.
#[derive(Debug, Clone, Default)]
struct Tgt {
    label: String,
    id: i64,
    /// Document or appeal id.
    sub: i64,
    /// Unit code (Unit targets).
    code: String,
    /// The conducting or deciding unit's path (Unit targets: the unit's path; empty: no unit named).
    path: String,
    /// The subject's unit path.
    subject_path: String,
    member_id: Option<i64>,
    /// Path of the unit that handles an appeal (the level above the deciding unit).
    appeal_path: String,
    /// Subject ids of an open case (its conclusion form has one block per subject).
    subjects: Vec<i64>,
    /// A member of the unit for bodies naming one (discipline, xóa tên).
    body_member: i64,
    body_card: String,
}

type Gate = Box<dyn Fn(&Principal, &Tgt) -> Access + Send + Sync>;

/// What a request carries besides its URL.
enum Payload {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    /// A multipart upload with a small text file.
    Upload,
}

type Build = Box<dyn Fn(&Tgt) -> Payload + Send + Sync>;

struct Spec {
    kind: Kind,
    gate: Gate,
    build: Build,
    /// A route another helper may or may not have added yet: no failure when it is missing.
    optional: bool,
}

fn spec(
    kind: Kind,
    gate: impl Fn(&Principal, &Tgt) -> Access + Send + Sync + 'static,
    build: impl Fn(&Tgt) -> Payload + Send + Sync + 'static,
) -> Spec {
    Spec {
        kind,
        gate: Box::new(gate),
        build: Box::new(build),
        optional: false,
    }
}

fn nothing(_: &Tgt) -> Payload {
    Payload::None
}

fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn reads(p: &Principal) -> bool {
    p.has(Capability::ReadInspections)
}
fn manages(p: &Principal) -> bool {
    p.has(Capability::ManageInspections)
}
fn case_read(p: &Principal, t: &Tgt) -> Access {
    read(p.can_read_cases(&t.path))
}
fn case_manage(p: &Principal, t: &Tgt) -> Access {
    write(p.can_read_cases(&t.path), p.can_manage_cases(&t.path))
}
fn discipline_read(p: &Principal, t: &Tgt) -> Access {
    read(p.can_read_discipline(&t.path, &t.subject_path, t.member_id))
}
fn appeal_decide(p: &Principal, t: &Tgt) -> Access {
    write(
        p.can_read_discipline(&t.path, &t.subject_path, t.member_id),
        p.can_manage_cases(&t.appeal_path),
    )
}
fn remedy_done(p: &Principal, t: &Tgt) -> Access {
    let may = p.can_report_remedy(&t.path, &t.subject_path);
    write(
        p.can_read_finding(&t.path, &t.subject_path, true) || may,
        may,
    )
}
/// Recording xóa tên: whoever manages the member's unit (the store's `can_write_member`); members never.
fn strike_off(p: &Principal, t: &Tgt) -> Access {
    if p.role == Role::Member {
        return Denied;
    }
    if !t.path.is_empty() && !p.covers(&t.path) {
        return Refused;
    }
    if p.has(Capability::WriteMembers) {
        Access::Ok
    } else {
        Denied
    }
}

/// The expectation of every covered route, keyed by `(METHOD, path)` exactly as declared.
fn expectations() -> BTreeMap<(String, String), Spec> {
    use Kind::*;
    let mut m: BTreeMap<(String, String), Spec> = BTreeMap::new();
    let mut put = |method: &str, path: &str, s: Spec| {
        let prev = m.insert((method.to_string(), path.to_string()), s);
        assert!(prev.is_none(), "two expectations for {method} {path}");
    };
    let a = |s: &str| format!("/api/v1{s}");
    let case_json = |t: &Tgt, title: &str, units: &[&str]| {
        json!({"kind": "inspection", "conducted_by": t.code, "title": title, "decision_number": "05-QĐ/UBKT",
               "decided_on": "2026-05-04", "subject_units": units, "subject_members": []})
    };

    // ---- API
    put(
        "GET",
        &a("/inspections/programmes"),
        spec(Unit, |p, t| scoped(reads(p), p, t), nothing),
    );
    put(
        "POST",
        &a("/inspections/programmes"),
        spec(
            Unit,
            |p, t| scoped(manages(p), p, t),
            |t| {
                Payload::Json(
                    json!({"unit_code": t.code, "year": 2027, "title": "Chương trình năm 2027"}),
                )
            },
        ),
    );
    put(
        "POST",
        &a("/inspections"),
        spec(
            Unit,
            |p, t| scoped(manages(p), p, t),
            move |t| {
                let cell = format!("{}-C1", t.code);
                Payload::Json(case_json(t, "Kiểm tra mới", &[cell.as_str()]))
            },
        ),
    );
    put(
        "GET",
        &a("/inspections"),
        spec(Unit, |p, t| scoped(reads(p), p, t), nothing),
    );
    put(
        "GET",
        &a("/inspections/summary"),
        spec(Unit, |p, t| scoped(reads(p), p, t), nothing),
    );
    put(
        "GET",
        &a("/inspections/findings"),
        spec(
            None,
            |p, _| {
                if reads(p) || p.role == Role::Secretary {
                    Access::Ok
                } else {
                    Denied
                }
            },
            nothing,
        ),
    );
    put(
        "GET",
        &a("/inspections/strike-off-candidates"),
        spec(Unit, |p, t| scoped(p.role != Role::Member, p, t), nothing),
    );
    put(
        "GET",
        &a("/inspections/{id}"),
        spec(Case, case_read, nothing),
    );
    put(
        "PUT",
        &a("/inspections/{id}"),
        spec(OpenCase, case_manage, move |t| {
            let cell = format!("{}-C2", t.code).replace("P2-C2", "P2-C1");
            Payload::Json(case_json(t, &t.label, &[cell.as_str()]))
        }),
    );
    put(
        "PUT",
        &a("/inspections/{id}/conclusion"),
        spec(OpenCase, case_manage, |t| {
            let cell = format!("{}-C2", t.code).replace("P2-C2", "P2-C1");
            Payload::Json(
                json!({"concluded_on": "2026-06-15", "conclusion": "Thực hiện tốt",
                "findings": [{"unit_code": cell, "result": "no_violation", "note": "", "remedies": []}]}),
            )
        }),
    );
    put(
        "PUT",
        &a("/inspections/remedies/{id}/done"),
        spec(Remedy, remedy_done, |_| {
            Payload::Json(json!({"done_on": "2026-11-20", "note": "Đã khắc phục"}))
        }),
    );
    put(
        "POST",
        &a("/disciplines"),
        spec(
            Unit,
            |p, t| scoped(manages(p), p, t),
            |t| {
                Payload::Json(
                    json!({"member_id": t.body_member, "form": "warning", "decided_by": t.code,
                "decision_number": "09-QĐ/ĐU", "decided_on": "2026-10-01", "reason": "Vi phạm quy chế"}),
                )
            },
        ),
    );
    put(
        "GET",
        &a("/disciplines"),
        spec(Unit, |p, t| scoped(true, p, t).min_for(reads(p)), nothing),
    );
    put(
        "GET",
        &a("/disciplines/{id}"),
        spec(Discipline, discipline_read, nothing),
    );
    put(
        "POST",
        &a("/disciplines/{id}/appeal"),
        spec(Discipline, discipline_read, |_| {
            Payload::Json(json!({"filed_on": "2026-11-20"}))
        }),
    );
    put(
        "PUT",
        &a("/disciplines/appeals/{appeal_id}/result"),
        spec(Appeal, appeal_decide, |_| {
            Payload::Json(json!({"outcome": "upheld", "decided_on": "2026-11-25"}))
        }),
    );
    put(
        "GET",
        &a("/strike-offs"),
        spec(Unit, |p, t| scoped(p.role != Role::Member, p, t), nothing),
    );
    put(
        "POST",
        &a("/strike-offs"),
        spec(Unit, strike_off, |t| {
            Payload::Json(
                json!({"member_id": t.body_member, "decided_by": t.code, "decision_number": "15-QĐ/ĐU",
                "decided_on": "2026-11-05", "reason": "Bỏ sinh hoạt ba tháng"}),
            )
        }),
    );
    put(
        "POST",
        &a("/import/inspections"),
        Spec {
            optional: true,
            ..spec(
                None,
                |p, _| if manages(p) { Access::Ok } else { Denied },
                |_| Payload::Upload,
            )
        },
    );

    // ---- pages
    let confidential = |p: &Principal, _: &Tgt| if reads(p) { Access::Ok } else { Denied };
    let managing = |p: &Principal, _: &Tgt| if manages(p) { Access::Ok } else { Denied };
    put("GET", "/kiem-tra", spec(None, confidential, nothing));
    put("GET", "/kiem-tra/moi", spec(None, managing, nothing));
    put(
        "POST",
        "/kiem-tra/moi",
        spec(
            Unit,
            |p, t| scoped(manages(p), p, t),
            |t| {
                let cell = format!("{}-C1", t.code);
                form(&[
                    ("kind", "inspection"),
                    ("unit_code", &t.code),
                    ("body", "commission"),
                    ("title", "Kiểm tra mới"),
                    ("decision_number", "06-QĐ/UBKT"),
                    ("decided_on", "04/05/2026"),
                    ("subject_unit", &cell),
                ])
            },
        ),
    );
    put(
        "GET",
        "/kiem-tra/chuong-trinh",
        spec(None, confidential, nothing),
    );
    put(
        "POST",
        "/kiem-tra/chuong-trinh",
        spec(
            Unit,
            |p, t| scoped(manages(p), p, t),
            |t| {
                form(&[
                    ("unit_code", &t.code),
                    ("year", "2028"),
                    ("body", "commission"),
                    ("title", "Chương trình năm 2028"),
                ])
            },
        ),
    );
    put(
        "GET",
        "/kiem-tra/tong-hop",
        spec(None, confidential, nothing),
    );
    put("GET", "/kiem-tra/{id}", spec(Case, case_read, nothing));
    put(
        "POST",
        "/kiem-tra/{id}/ket-luan",
        spec(OpenCase, case_manage, |t| {
            let mut f = vec![
                ("concluded_on".to_string(), "15/06/2026".to_string()),
                ("conclusion".to_string(), "Thực hiện tốt".to_string()),
            ];
            for s in &t.subjects {
                f.push((format!("r_{s}"), "no_violation".to_string()));
            }
            Payload::Form(f)
        }),
    );
    put(
        "POST",
        "/kiem-tra/{id}/tai-lieu",
        spec(OpenCase, case_manage, |_| Payload::Upload),
    );
    put(
        "GET",
        "/kiem-tra/{id}/tai-lieu/{doc}",
        spec(Doc, case_read, nothing),
    );
    put("GET", "/ky-luat", spec(None, |_, _| Access::Ok, nothing));
    put("GET", "/ky-luat/moi", spec(None, managing, nothing));
    put(
        "POST",
        "/ky-luat/moi",
        spec(
            Unit,
            |p, t| scoped(manages(p), p, t),
            |t| {
                form(&[
                    ("target", "member"),
                    ("card", &t.body_card),
                    ("form", "warning"),
                    ("decided_by", &t.code),
                    ("body", "committee"),
                    ("decision_number", "10-QĐ/ĐU"),
                    ("decided_on", "01/10/2026"),
                    ("reason", "Vi phạm quy chế"),
                ])
            },
        ),
    );
    put(
        "GET",
        "/ky-luat/{id}",
        spec(Discipline, discipline_read, nothing),
    );
    put(
        "POST",
        "/ky-luat/{id}/khieu-nai",
        spec(Discipline, discipline_read, |_| {
            form(&[("filed_on", "20/11/2026")])
        }),
    );
    put(
        "POST",
        "/ky-luat/{id}/khieu-nai/{appeal}/ket-qua",
        spec(Appeal, appeal_decide, |_| {
            form(&[("outcome", "upheld"), ("decided_on", "25/11/2026")])
        }),
    );
    put(
        "GET",
        "/xoa-ten",
        spec(
            None,
            |p, _| {
                if reads(p) || p.role == Role::Secretary {
                    Access::Ok
                } else {
                    Denied
                }
            },
            nothing,
        ),
    );
    put(
        "POST",
        "/xoa-ten",
        spec(
            Unit,
            |p, t| {
                if !(reads(p) || p.role == Role::Secretary) {
                    Denied
                } else {
                    strike_off(p, t)
                }
            },
            |t| {
                let id = t.body_member.to_string();
                form(&[
                    ("member_id", &id),
                    ("unit", &t.code),
                    ("year", "2026"),
                    ("decided_by", &t.code),
                    ("decision_number", "16-QĐ/ĐU"),
                    ("decided_on", "05/11/2026"),
                    ("reason", "Bỏ sinh hoạt ba tháng"),
                ])
            },
        ),
    );
    put(
        "GET",
        "/ket-qua-kiem-tra",
        spec(
            None,
            |p, _| {
                if reads(p) || p.role == Role::Secretary {
                    Access::Ok
                } else {
                    Denied
                }
            },
            nothing,
        ),
    );
    put(
        "POST",
        "/ket-qua-kiem-tra/{remedy}/khac-phuc",
        spec(Remedy, remedy_done, |_| {
            form(&[("done_on", "20/11/2026"), ("note", "Đã khắc phục")])
        }),
    );
    m
}

trait MinFor {
    /// `self` for callers the condition applies to, `Ok` for the others.
    fn min_for(self, applies: bool) -> Access;
}

impl MinFor for Access {
    fn min_for(self, applies: bool) -> Access {
        if applies {
            self
        } else {
            Access::Ok
        }
    }
}

/// Who may read a marker (`None` = anonymous).
type Readable = Box<dyn Fn(Option<&Principal>) -> bool + Send + Sync>;

struct Marker {
    text: String,
    what: String,
    readable: Readable,
}

fn marker(
    text: &str,
    what: &str,
    readable: impl Fn(&Principal) -> bool + Send + Sync + 'static,
) -> Marker {
    Marker {
        text: text.to_string(),
        what: what.to_string(),
        readable: Box::new(move |p| p.is_some_and(&readable)),
    }
}

/// The objects of the matrix and the values that identify them.
struct World {
    targets: BTreeMap<&'static str, Vec<Tgt>>,
    markers: Vec<Marker>,
    /// Pages and API answers outside the covered routes that must not leak: searches, member pages, audit,
    /// exports, the portal.
    walk: Vec<String>,
    seen: std::sync::Mutex<BTreeSet<String>>,
}

async fn ok_json(r: Resp, what: &str) -> Value {
    assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text());
    r.json()
}

async fn build_world(app: &TestApp, admin: &str) -> World {
    let fx = &app.fx;
    let path = |c: &str| fx.unit(c).path.clone();
    let id_of = |name: &str| fx.member(name).id;
    let post = |uri: &'static str, body: Value| async move {
        ok_json(
            app.api(Method::POST, uri, Some(admin), Some(&body)).await,
            uri,
        )
        .await
    };
    let mut markers = Vec::new();
    let mut targets: BTreeMap<&'static str, Vec<Tgt>> = BTreeMap::new();

    // Per ward: (ward, cell with the concluded case, member subject, cell of the open case, member disciplined
    // with an appeal, a member named in write bodies).
    let wards = [
        (
            "P1",
            "P1-C1",
            "Nguyễn Văn Bình",
            "P1-C2",
            "Trần Thị Mai",
            "Lê Hoàng Phúc",
            "Phạm Quốc Dũng",
        ),
        (
            "P2",
            "P2-C1",
            "Nguyễn Hữu Thắng",
            "P2-C1",
            "Huỳnh Tấn Lộc",
            "Võ Thị Lan",
            "",
        ),
    ];
    let tu = path("TU");
    for (ward, cell, subject, open_cell, appellant, body_member, struck) in wards {
        let wp = path(ward);
        let (cp, sid) = (path(cell), id_of(subject));
        let tag = |s: &str| format!("MTX{s}{ward}");
        // A concluded case with notes, a remedy and a document.
        let c = post("/api/v1/inspections", json!({
            "kind": "inspection", "conducted_by": ward, "title": format!("Kiểm tra {}", tag("CASE")),
            "decision_number": format!("01-QĐ/{ward}"), "decided_on": "2026-05-04",
            "subject_units": [cell], "subject_members": [sid]})).await;
        let case_id = c["id"].as_i64().unwrap();
        let concluded = ok_json(
            app.api(Method::PUT, &format!("/api/v1/inspections/{case_id}/conclusion"), Some(admin), Some(&json!({
                "concluded_on": "2026-06-15", "conclusion": format!("Kết luận chung {}", tag("CONC")),
                "findings": [
                    {"unit_code": cell, "result": "shortcomings", "note": format!("Hạn chế {}", tag("NOTE")),
                     "remedies": [{"text": format!("Khắc phục {}", tag("REM")), "due": "2026-12-31"}]},
                    {"member_id": sid, "result": "violation", "manifestations": ["B3"],
                     "note": format!("Đảng viên {}", tag("NOTEM"))}]}))).await,
            "conclusion",
        )
        .await;
        let remedy = concluded["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|s| s["remedies"][0]["id"].as_i64())
            .unwrap();
        let admin_p = Principal {
            user_id: 0,
            username: "matrix".into(),
            role: Role::Admin,
            unit_id: fx.unit("TU").id,
            unit_path: tu.clone(),
            member_id: None,
        };
        let doc = app
            .db
            .inspections()
            .add_case_document(
                &Actor::system("matrix"),
                &admin_p,
                case_id,
                &format!("bien-ban-{}.txt", tag("DOC")),
                "Biên bản làm việc".as_bytes(),
            )
            .await
            .unwrap();
        let (w1, c1) = (wp.clone(), cp.clone());
        let concluded_rule = move |p: &Principal| {
            p.can_read_cases(&w1) || (p.role == Role::Secretary && p.covers(&c1))
        };
        markers.push(marker(
            &tag("CASE"),
            &format!("case title of {ward}"),
            concluded_rule.clone(),
        ));
        let w2 = wp.clone();
        markers.push(marker(
            &tag("CONC"),
            &format!("conclusion of {ward}"),
            move |p| p.can_read_cases(&w2),
        ));
        for (m, what) in [
            ("NOTE", "finding note"),
            ("NOTEM", "member finding note"),
            ("REM", "remedy"),
        ] {
            let (w, c) = (wp.clone(), cp.clone());
            markers.push(marker(&tag(m), &format!("{what} of {ward}"), move |p| {
                p.can_read_finding(&w, &c, true)
            }));
        }
        let w3 = wp.clone();
        markers.push(marker(
            &tag("DOC"),
            &format!("document of {ward}"),
            move |p| p.can_read_cases(&w3),
        ));
        let case = Tgt {
            label: format!("case of {ward}"),
            id: case_id,
            code: ward.into(),
            path: wp.clone(),
            subject_path: cp.clone(),
            ..Default::default()
        };
        targets.entry("case").or_default().push(case.clone());
        targets.entry("doc").or_default().push(Tgt {
            label: format!("document of {ward}"),
            sub: doc.id,
            ..case.clone()
        });
        targets.entry("remedy").or_default().push(Tgt {
            label: format!("remedy of {ward}"),
            id: remedy,
            ..case.clone()
        });

        // A case not yet concluded.
        let open_title = format!("Mở {}", tag("OPEN"));
        let o = post(
            "/api/v1/inspections",
            json!({
            "kind": "regular_supervision", "conducted_by": ward, "title": open_title,
            "decision_number": format!("02-QĐ/{ward}"), "decided_on": "2026-05-04",
            "subject_units": [open_cell], "subject_members": []}),
        )
        .await;
        let (w4, oc) = (wp.clone(), path(open_cell));
        markers.push(marker(
            &tag("OPEN"),
            &format!("open case of {ward}"),
            move |p| p.can_read_cases(&w4) || (p.role == Role::Secretary && p.covers(&oc)),
        ));
        targets.entry("open_case").or_default().push(Tgt {
            label: open_title,
            id: o["id"].as_i64().unwrap(),
            code: ward.into(),
            path: wp.clone(),
            subject_path: path(open_cell),
            subjects: o["subjects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_i64().unwrap())
                .collect(),
            ..Default::default()
        });

        // A programme.
        post(
            "/api/v1/inspections/programmes",
            json!({"unit_code": ward, "year": 2026,
            "title": format!("Chương trình {}", tag("PROG"))}),
        )
        .await;
        let w5 = wp.clone();
        markers.push(marker(
            &tag("PROG"),
            &format!("programme of {ward}"),
            move |p| p.can_read_cases(&w5),
        ));

        // Discipline: on the case's member subject (appealable), on another member with an appeal pending.
        let discipline = |member: i64, reason: String, on: &str| {
            json!({"member_id": member, "form": "warning", "decided_by": ward, "decision_number": format!("{on}/{ward}"),
                   "decided_on": on, "reason": reason})
        };
        let d = post(
            "/api/v1/disciplines",
            discipline(sid, format!("Lý do {}", tag("REASON")), "2026-11-10"),
        )
        .await;
        let (w6, c6) = (wp.clone(), cp.clone());
        markers.push(marker(
            &tag("REASON"),
            &format!("discipline reason in {ward}"),
            move |p| p.can_read_discipline(&w6, &c6, Some(sid)),
        ));
        targets.entry("discipline").or_default().push(Tgt {
            label: format!("discipline of {subject}"),
            id: d["id"].as_i64().unwrap(),
            path: wp.clone(),
            subject_path: cp.clone(),
            member_id: Some(sid),
            ..Default::default()
        });
        let aid = id_of(appellant);
        let ap = fx.member(appellant).unit_path.clone();
        let d2 = post(
            "/api/v1/disciplines",
            discipline(aid, format!("Lý do {}", tag("APPEAL")), "2026-11-12"),
        )
        .await;
        let d2id = d2["id"].as_i64().unwrap();
        let appeal = ok_json(
            app.api(
                Method::POST,
                &format!("/api/v1/disciplines/{d2id}/appeal"),
                Some(admin),
                Some(&json!({"filed_on": "2026-11-20"})),
            )
            .await,
            "appeal",
        )
        .await;
        let (w7, a7) = (wp.clone(), ap.clone());
        markers.push(marker(
            &tag("APPEAL"),
            &format!("appealed discipline reason in {ward}"),
            move |p| p.can_read_discipline(&w7, &a7, Some(aid)),
        ));
        targets.entry("appeal").or_default().push(Tgt {
            label: format!("appeal of {appellant}"),
            id: d2id,
            sub: appeal["id"].as_i64().unwrap(),
            path: wp.clone(),
            subject_path: ap,
            member_id: Some(aid),
            appeal_path: tu.clone(),
            ..Default::default()
        });
        // A discipline on the cell itself.
        if ward == "P2" {
            post("/api/v1/disciplines", json!({"unit_code": cell, "form": "reprimand", "decided_by": ward,
                "decision_number": "03/P2", "decided_on": "2026-10-01", "reason": "Lý do MTXUNITP2"})).await;
            let (w8, c8) = (wp.clone(), cp.clone());
            markers.push(marker("MTXUNITP2", "discipline on a cell", move |p| {
                p.can_read_discipline(&w8, &c8, None)
            }));
        }
        // A xóa tên decision.
        if !struck.is_empty() {
            let mid = id_of(struck);
            let sp = fx.member(struck).unit_path.clone();
            post(
                "/api/v1/strike-offs",
                json!({"member_id": mid, "decided_by": ward, "decision_number": "11/P1",
                "decided_on": "2026-11-05", "reason": "Bỏ sinh hoạt MTXSTRIKEP1"}),
            )
            .await;
            markers.push(marker("MTXSTRIKEP1", "xóa tên reason", move |p| {
                p.can_read_rates(&sp)
            }));
        }
        let bm = fx.member(body_member);
        targets.entry("unit").or_default().push(Tgt {
            label: format!("unit {ward}"),
            code: ward.into(),
            path: wp.clone(),
            body_member: bm.id,
            body_card: bm.card.clone(),
            ..Default::default()
        });
    }
    // The no-unit variant of unit routes: the caller's own scope (bodies name the first ward).
    let mut own = targets["unit"][0].clone();
    own.label = "own scope".into();
    own.path = String::new();
    targets.get_mut("unit").unwrap().insert(0, own);

    let binh = id_of("Nguyễn Văn Bình");
    let thang = id_of("Nguyễn Hữu Thắng");
    let walk = vec![
        "/api/v1/members?q=nguyen&per_page=500&include_inactive=true".to_string(),
        format!("/api/v1/members/{binh}"),
        format!("/api/v1/members/{thang}"),
        format!("/api/v1/members/{binh}/history"),
        "/api/v1/audit?per_page=500".to_string(),
        "/api/v1/export/members".to_string(),
        "/api/v1/registrations/queue".to_string(),
        "/".to_string(),
        "/dang-vien?q=nguyen".to_string(),
        format!("/dang-vien/{binh}"),
        format!("/dang-vien/{thang}"),
        "/nhat-ky".to_string(),
        "/cong-khai".to_string(),
        "/cong-khai/don-vi/P1".to_string(),
        "/cong-khai/don-vi/P2".to_string(),
        "/cong-khai/tim-kiem?q=MTX".to_string(),
    ];
    World {
        targets,
        markers,
        walk,
        seen: std::sync::Mutex::new(BTreeSet::new()),
    }
}

struct Caller {
    name: String,
    principal: Option<Principal>,
    token: Option<String>,
    browser: Option<Browser>,
}

struct Cell<'a> {
    method: String,
    url: String,
    target: Option<Tgt>,
    spec: Option<&'a Spec>,
}

fn is_api(url: &str) -> bool {
    url.starts_with("/api/")
}

/// The concrete URL of a route for a target.
fn url_of(path: &str, kind: Kind, t: Option<&Tgt>) -> String {
    let Some(t) = t else {
        return path.to_string();
    };
    let u = path
        .replace("{id}", &t.id.to_string())
        .replace("{doc}", &t.sub.to_string())
        .replace("{appeal}", &t.sub.to_string())
        .replace("{remedy}", &t.id.to_string());
    let u = if kind == Kind::Appeal {
        u.replace("{appeal_id}", &t.sub.to_string())
    } else {
        u
    };
    if kind == Kind::Unit && !t.path.is_empty() {
        let sep = if u.contains('?') { '&' } else { '?' };
        // Query parameters: the API's `unit`, the pages' `don_vi`.
        if is_api(&u) {
            format!("{u}{sep}unit={}", t.code)
        } else {
            format!("{u}{sep}don_vi={}", t.code)
        }
    } else {
        u
    }
}

fn multipart(csrf: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "----lamtheoInspectionMatrix";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ghi-chu.txt\"\r\nContent-Type: text/plain\r\n\r\nGhi chú cuộc kiểm tra\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn send(app: &TestApp, c: &Caller, cell: &Cell<'_>) -> Resp {
    let method = Method::from_bytes(cell.method.as_bytes()).unwrap();
    let mut b = Request::builder().method(method.clone()).uri(&cell.url);
    let payload = match (cell.spec, &cell.target) {
        (Some(s), Some(t)) => (s.build)(t),
        (Some(s), None) => (s.build)(&Tgt::default()),
        (None, _) => Payload::None,
    };
    if is_api(&cell.url) {
        if let Some(t) = &c.token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        return match payload {
            Payload::Json(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                app.send(b.body(Body::from(v.to_string())).unwrap()).await
            }
            Payload::Upload => {
                let (ct, body) = multipart(None);
                b = b.header(header::CONTENT_TYPE, ct);
                app.send(b.body(Body::from(body)).unwrap()).await
            }
            _ if method != Method::GET => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                app.send(b.body(Body::from("{}")).unwrap()).await
            }
            _ => app.send(b.body(Body::empty()).unwrap()).await,
        };
    }
    if let Some(br) = &c.browser {
        b = b.header(header::COOKIE, &br.cookie);
    }
    if method == Method::GET {
        return app.send(b.body(Body::empty()).unwrap()).await;
    }
    let csrf = c.browser.as_ref().map(|br| br.csrf.clone());
    if let Payload::Upload = payload {
        let (ct, body) = multipart(csrf.as_deref());
        b = b.header(header::CONTENT_TYPE, ct);
        return app.send(b.body(Body::from(body)).unwrap()).await;
    }
    let encoded = {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if let Some(t) = &csrf {
            s.append_pair("csrf", t);
        }
        if let Payload::Form(fields) = payload {
            for (k, v) in fields {
                s.append_pair(&k, &v);
            }
        }
        s.finish()
    };
    b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    app.send(b.body(Body::from(encoded)).unwrap()).await
}

/// No 5xx and no marker the caller may not read.
fn universal(r: &Resp, c: &Caller, ctx: &str, world: &World, fails: &mut Vec<String>) {
    if r.status.is_server_error() {
        fails.push(format!("{ctx}: server error {}", r.status));
    }
    let text = match matrix_support::zip_text(&r.body) {
        Some(t) => format!("{}\n{t}", r.text()),
        None => r.text(),
    };
    for m in &world.markers {
        if !text.contains(&m.text) {
            continue;
        }
        if (m.readable)(c.principal.as_ref()) {
            world.seen.lock().unwrap().insert(m.text.clone());
        } else {
            fails.push(format!(
                "{ctx}: answered {} with the {} ({:?})",
                r.status, m.what, m.text
            ));
        }
    }
}

fn same_site_redirect(r: &Resp) -> bool {
    r.status.is_redirection()
        && r.header("location")
            .is_some_and(|l| l.starts_with('/') && !l.starts_with("//"))
}

fn short(r: &Resp) -> String {
    let t: String = r.text().chars().take(200).collect();
    if r.content_type().contains("json") {
        format!(" — {t}")
    } else {
        String::new()
    }
}

async fn run_caller(
    app: &TestApp,
    c: &Caller,
    cells: &[Cell<'_>],
    world: &World,
    counts: &mut BTreeMap<&'static str, usize>,
) -> Vec<String> {
    let mut fails = Vec::new();
    for cell in cells {
        let ctx = format!(
            "[{}] {} {} ({})",
            c.name,
            cell.method,
            cell.url,
            cell.target
                .as_ref()
                .map(|t| t.label.as_str())
                .unwrap_or("-")
        );
        let is_get = cell.method == "GET";
        let api = is_api(&cell.url);
        let before = if is_get { 0 } else { app.audit_total().await };
        let r = send(app, c, cell).await;
        *counts.entry("requests").or_default() += 1;
        universal(&r, c, &ctx, world, &mut fails);
        let Some(spec) = cell.spec else { continue };
        let Some(p) = c.principal.as_ref() else {
            // Anonymous: 401 from the API, the login page for pages.
            let to_login = r.status.is_redirection()
                && r.header("location")
                    .is_some_and(|l| l.starts_with("/dang-nhap"));
            let ok = if api {
                r.status == StatusCode::UNAUTHORIZED
            } else {
                to_login || (!is_get && r.status == StatusCode::FORBIDDEN)
            };
            if !ok {
                fails.push(format!("{ctx}: anonymous answered {}", r.status));
            }
            continue;
        };
        let access = (spec.gate)(p, cell.target.as_ref().unwrap_or(&Tgt::default()));
        *counts
            .entry(match access {
                Access::Ok => "allowed",
                Hidden => "hidden",
                Denied => "denied",
                Refused => "refused",
            })
            .or_default() += 1;
        let wrote = !is_get && app.audit_total().await != before;
        match access {
            Access::Ok if is_get => {
                if !(r.status.is_success() || same_site_redirect(&r)) {
                    fails.push(format!(
                        "{ctx}: allowed read answered {}{}",
                        r.status,
                        short(&r)
                    ));
                }
            }
            Access::Ok => {
                if matches!(
                    r.status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                ) {
                    fails.push(format!(
                        "{ctx}: allowed write refused with {}{}",
                        r.status,
                        short(&r)
                    ));
                }
            }
            Hidden | Denied => {
                let want: &[StatusCode] = if access == Hidden {
                    &[StatusCode::NOT_FOUND]
                } else {
                    &[StatusCode::FORBIDDEN, StatusCode::NOT_FOUND]
                };
                if !want.contains(&r.status) {
                    fails.push(format!(
                        "{ctx}: expected {}, got {}{}",
                        if access == Hidden { "404" } else { "403/404" },
                        r.status,
                        short(&r)
                    ));
                }
            }
            Refused => {
                let fine = matches!(
                    r.status,
                    StatusCode::FORBIDDEN
                        | StatusCode::NOT_FOUND
                        | StatusCode::UNPROCESSABLE_ENTITY
                ) || (!api
                    && (r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST));
                if !fine {
                    fails.push(format!(
                        "{ctx}: expected a refusal, got {}{}",
                        r.status,
                        short(&r)
                    ));
                }
            }
        }
        if access != Access::Ok && wrote {
            fails.push(format!(
                "{ctx}: refused write changed something (audit grew)"
            ));
        }
    }
    fails
}

#[tokio::test]
async fn every_role_on_every_inspection_route_keeps_the_records_confidential() {
    each_backend(|app| async move {
        // 1. The covered routes, from the code.
        let api = matrix_support::api_routes();
        let pages: BTreeSet<(String, String)> = web::pages::routes()
            .list()
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        let routes: BTreeSet<(String, String)> = api
            .into_iter()
            .chain(pages)
            .filter(|(_, p)| covered(p))
            .collect();
        let specs = expectations();
        let declared: BTreeSet<(String, String)> = specs.keys().cloned().collect();
        let missing: Vec<_> = routes.difference(&declared).collect();
        let stale: Vec<_> = declared
            .difference(&routes)
            .filter(|k| !specs[*k].optional)
            .collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "the inspection matrix has no expectation for {missing:?}; expectations without a route: {stale:?}"
        );
        assert!(routes.len() >= 20, "only {} covered routes: {routes:?}", routes.len());

        // 2. The callers and the objects.
        for (username, role, unit, member) in EXTRA {
            app.db
                .accounts()
                .create_account(
                    &Actor::system("matrix"),
                    None,
                    &NewAccount {
                        username: username.into(),
                        password: common::PASSWORD.into(),
                        role,
                        unit_code: unit.into(),
                        member_id: member.map(|m| app.fx.member(m).id),
                        display_name: format!("Tài khoản {username}"),
                    },
                )
                .await
                .unwrap();
        }
        let mut callers = Vec::new();
        let names: Vec<&str> = USERS
            .iter()
            .map(|(u, _, _)| *u)
            .chain(EXTRA.iter().map(|(u, _, _, _)| *u))
            .collect();
        for username in &names {
            let token = app.token(username).await;
            let p = app.principal(&token).await;
            callers.push(Caller {
                name: username.to_string(),
                principal: Some(p),
                token: Some(token),
                browser: Some(app.browser(username).await),
            });
        }
        callers.push(Caller {
            name: "anonymous".into(),
            principal: None,
            token: None,
            browser: None,
        });
        let admin = callers[0].token.clone().unwrap();
        let world = build_world(&app, &admin).await;

        // 3. The cells: reads first, then writes; the leak walk after each.
        let mut cells: Vec<Cell<'_>> = Vec::new();
        for (method, path) in &routes {
            let s = &specs[&(method.clone(), path.clone())];
            let key = match s.kind {
                Kind::None => None,
                Kind::Unit => Some("unit"),
                Kind::Case => Some("case"),
                Kind::OpenCase => Some("open_case"),
                Kind::Doc => Some("doc"),
                Kind::Discipline => Some("discipline"),
                Kind::Appeal => Some("appeal"),
                Kind::Remedy => Some("remedy"),
            };
            // Writes name a unit in their body: the own-scope variant (no unit) is for reads only.
            let ts: Vec<Option<Tgt>> = match key {
                None => vec![None],
                Some(k) => world.targets[k]
                    .iter()
                    .filter(|t| method == "GET" || s.kind != Kind::Unit || !t.path.is_empty())
                    .cloned()
                    .map(Some)
                    .collect(),
            };
            for t in ts {
                cells.push(Cell {
                    method: method.clone(),
                    url: url_of(path, s.kind, t.as_ref()),
                    target: t,
                    spec: Some(s),
                });
            }
        }
        cells.sort_by_key(|c| c.method != "GET");
        for url in &world.walk {
            cells.push(Cell {
                method: "GET".into(),
                url: url.clone(),
                target: None,
                spec: None,
            });
        }
        // Refused callers first (their refusals are checked before anyone allowed changes an object), the
        // member whose decision it is before those who decide the appeal.
        let order = [
            "anonymous",
            "dangvien.p2c1",
            "dangvien.p1c1",
            "bithu.p2",
            "bithu.p1c1",
            "bithu.p1",
            "kiemtra.p1",
            "vanphong.p1",
            "quantri.p1",
            "kiemtra.tu",
            "office.tu",
            "admin.tu",
        ];
        assert_eq!(order.len(), callers.len());
        let mut counts = BTreeMap::new();
        let mut fails = Vec::new();
        for name in order {
            let c = callers.iter().find(|c| c.name == name).unwrap();
            fails.extend(run_caller(&app, c, &cells, &world, &mut counts).await);
        }
        let seen = world.seen.lock().unwrap().clone();
        let blind: Vec<&str> = world
            .markers
            .iter()
            .filter(|m| !seen.contains(&m.text))
            .map(|m| m.what.as_str())
            .collect();
        assert!(blind.is_empty(), "markers never seen by an allowed caller: {blind:?}");
        eprintln!(
            "inspection matrix on {}: {} routes, {} cells × {} callers, {counts:?}",
            app.backend,
            routes.len(),
            cells.len(),
            callers.len()
        );
        for k in ["allowed", "hidden", "denied", "refused"] {
            assert!(
                counts.get(k).copied().unwrap_or(0) > 10,
                "too few {k} cells: {counts:?}"
            );
        }
        let mut report = String::new();
        for f in &fails {
            let _ = writeln!(report, "  {f}");
        }
        assert!(
            fails.is_empty(),
            "{} inspection-matrix failures on {}:\n{report}",
            fails.len(),
            app.backend
        );
    })
    .await;
}
