//! The generated access matrix of commendations, criteria sets (assessments, recognitions, documents) and
//! classifications (docs/DOMAIN.md § Commendations, § Criteria sets and classifications): every route of
//! `web::api::table()` and every page route of `web::pages::routes()` whose path starts with one of
//! `matrix_support::RECOGNITION_PREFIXES` (the one place that says which routes this matrix covers, so new
//! routes are picked up by themselves) × every role (admin, office, secretary, inspector, member, each at
//! the city and at a ward, and anonymous) × an object in the caller's scope and one in another ward, on
//! every backend.
//!
//! Expectations come from `domain::policy` (`can_read_commendation`, `can_propose_commendation`,
//! `can_decide_commendation`, `can_manage_criteria`, `can_assess_criteria`, `can_recognise`,
//! `can_read_unit`; sets are read by every staff account): an object the caller may not read answers 404
//! (API) or the not-found page; a role that may not act answers 403/404; a body or query naming a unit
//! outside the caller's scope is refused (403/404/422, and a page may show its form again with the
//! message) and writes nothing; allowed reads answer 2xx, allowed writes are not refused. Writes that use
//! up their object (deciding, declining or deleting a proposal) each have a proposal of their own; once an
//! allowed caller used it, a later allowed caller may get 404 (deleted) or a 422/form (already decided).
//! In every cell, and in the audit log, member pages and the public portal: no 5xx, and no marker (planted
//! in a decision's reason, in proposals, in an assessment's evidence, in an assessment's document and in a
//! classification's note) reaches a caller who may not read it. Every marker is seen by some allowed
//! caller, so the search is not blind. A route under the prefixes without an expectation here fails the
//! test.
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

/// Accounts added to the fixture's: an office, an admin and an inspector at a ward, a secretary and a
/// member in the other ward. (username, role, unit, linked member).
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
    /// The body or query names a unit outside the caller's scope, or the role may not record this in a
    /// form: 403/404/422 (a page may show its form again with the message), nothing written.
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

fn staff(p: &Principal) -> bool {
    p.role != Role::Member
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

/// A query naming a unit: readable, or refused as a unit outside the scope.
fn unit_query(p: &Principal, t: &Tgt) -> Access {
    if p.can_read_unit(&t.path) {
        Access::Ok
    } else {
        Refused
    }
}

/// The kind of object a route's parameters (or body) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    None,
    /// A unit named in the query (`?unit=`, `?don_vi=`) or the body; reads also try the own scope.
    Unit,
    /// A decided commendation.
    Comm,
    /// A proposal of its own for each route that uses it up (the route's path names it).
    Proposal,
    /// A criteria set (its owner's path).
    Set,
    /// A set and a unit it applies to.
    SetUnit,
    Recognition,
    Assessment,
    Doc,
}

/// One concrete object a route is tried with.
#[derive(Debug, Clone, Default)]
struct Tgt {
    label: String,
    id: i64,
    /// Unit code (units, set × unit targets) or set code (sets).
    code: String,
    /// Set code of set × unit targets.
    set: String,
    /// The unit's path (the issuer's of a commendation, the owner's of a set).
    path: String,
    /// Commendations: the recipients' paths and members.
    recipients: Vec<String>,
    members: Vec<i64>,
    /// Proposals: who proposed.
    proposer: String,
    /// A cell of the unit (code and path), for bodies naming a recipient.
    cell: String,
    cell_path: String,
}

type Gate = Box<dyn Fn(&Principal, &Tgt) -> Access + Send + Sync>;

enum Payload {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    /// A multipart form: text fields and, optionally, a small text file under `file`.
    Multipart(Vec<(String, String)>, bool),
}

type Build = Box<dyn Fn(&Tgt) -> Payload + Send + Sync>;

struct Spec {
    kind: Kind,
    gate: Gate,
    build: Build,
    /// The write uses its object up: after an allowed caller's write, a later allowed one may get 404.
    consumes: bool,
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
        consumes: false,
    }
}

fn consuming(s: Spec) -> Spec {
    Spec {
        consumes: true,
        ..s
    }
}

fn nothing(_: &Tgt) -> Payload {
    Payload::None
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(pairs(fields))
}

fn comm_visible(p: &Principal, t: &Tgt) -> bool {
    let r: Vec<&str> = t.recipients.iter().map(String::as_str).collect();
    p.can_read_commendation(&t.path, &r, &t.members)
}
fn comm_read(p: &Principal, t: &Tgt) -> Access {
    read(comm_visible(p, t))
}
fn comm_decide(p: &Principal, t: &Tgt) -> Access {
    write(comm_visible(p, t), p.can_decide_commendation(&t.path))
}
fn comm_delete(p: &Principal, t: &Tgt) -> Access {
    write(
        comm_visible(p, t),
        p.can_decide_commendation(&t.path) || p.username == t.proposer,
    )
}
/// Pages are for staff: a member account gets the not-found page before anything is looked up.
fn page(gate: fn(&Principal, &Tgt) -> Access) -> impl Fn(&Principal, &Tgt) -> Access {
    move |p, t| if staff(p) { gate(p, t) } else { Denied }
}
/// The API checks the role's capability before looking anything up.
fn api(
    cap: Capability,
    gate: fn(&Principal, &Tgt) -> Access,
) -> impl Fn(&Principal, &Tgt) -> Access {
    move |p, t| if p.has(cap) { gate(p, t) } else { Denied }
}

fn set_json(t: &Tgt) -> Value {
    json!({"code": t.code, "title": format!("Bộ tiêu chí {}", t.code), "owner": owner_of(t),
           "applies_to": {"unit_codes": applies_of(t)},
           "items": [{"code": "C1", "title": "Tiêu chí một", "group": "Chung"},
                     {"code": "C2", "title": "Tiêu chí hai", "group": "Chung"}]})
}
fn owner_of(t: &Tgt) -> &'static str {
    if t.code == "MTXTU" {
        "TU"
    } else {
        "P1"
    }
}
fn applies_of(t: &Tgt) -> Vec<&'static str> {
    if t.code == "MTXTU" {
        vec!["P1", "P2"]
    } else {
        vec!["P1-C1", "P1-C2"]
    }
}
fn set_form(t: &Tgt) -> Vec<(String, String)> {
    let mut f = pairs(&[
        ("code", &t.code),
        ("title", &format!("Bộ tiêu chí {}", t.code)),
        ("version", "2026"),
        ("description", ""),
        ("applies", "units"),
        ("rows", "2"),
        ("c_code_0", "C1"),
        ("c_title_0", "Tiêu chí một"),
        ("c_group_0", "Chung"),
        ("c_code_1", "C2"),
        ("c_title_1", "Tiêu chí hai"),
        ("c_group_1", "Chung"),
    ]);
    for u in applies_of(t) {
        f.push((format!("u_{u}"), "on".into()));
    }
    f
}

/// The expectation of every covered route, keyed by `(METHOD, path)` exactly as declared.
fn expectations() -> BTreeMap<(String, String), Spec> {
    use Capability::*;
    use Kind::*;
    let mut m: BTreeMap<(String, String), Spec> = BTreeMap::new();
    let mut put = |method: &str, path: &str, s: Spec| {
        let prev = m.insert((method.to_string(), path.to_string()), s);
        assert!(prev.is_none(), "two expectations for {method} {path}");
    };
    let a = |s: &str| format!("/api/v1{s}");

    // ---- API: commendations
    put(
        "POST",
        &a("/commendations"),
        spec(
            Unit,
            |p, t| scoped(p.has(DecideCommendations), p, t),
            |t| {
                Payload::Json(json!({"kind": "certificate", "issued_by": t.code,
                    "decision_number": "40-QĐ/MTX", "decided_on": "2026-06-01",
                    "reason": "Hoàn thành tốt nhiệm vụ", "recipients": {"unit_codes": [t.cell]}}))
            },
        ),
    );
    put(
        "GET",
        &a("/commendations"),
        spec(Unit, |p, t| scoped(true, p, t), nothing),
    );
    put(
        "GET",
        &a("/commendations/summary"),
        spec(Unit, |p, t| scoped(staff(p), p, t), nothing),
    );
    put(
        "GET",
        &a("/commendations/{id}"),
        spec(Comm, comm_read, nothing),
    );
    put(
        "PUT",
        &a("/commendations/{id}/decision"),
        consuming(spec(
            Proposal,
            api(DecideCommendations, comm_decide),
            |_| Payload::Json(json!({"decision_number": "41-QĐ/MTX", "decided_on": "2026-11-20"})),
        )),
    );
    put(
        "PUT",
        &a("/commendations/{id}/decline"),
        consuming(spec(
            Proposal,
            api(DecideCommendations, comm_decide),
            |_| Payload::Json(json!({"note": "Chưa đủ thành tích"})),
        )),
    );
    put(
        "DELETE",
        &a("/commendations/{id}"),
        consuming(spec(
            Proposal,
            api(ProposeCommendations, comm_delete),
            nothing,
        )),
    );

    // ---- API: criteria and classifications
    put(
        "GET",
        &a("/criteria/sets"),
        spec(
            None,
            |p, _| if staff(p) { Access::Ok } else { Denied },
            nothing,
        ),
    );
    put(
        "POST",
        &a("/criteria/sets"),
        spec(
            Set,
            |p, t| {
                if !p.has(ManageCriteria) {
                    Denied
                } else if p.can_manage_criteria(&t.path) {
                    Access::Ok
                } else {
                    Refused
                }
            },
            |t| Payload::Json(set_json(t)),
        ),
    );
    put(
        "GET",
        &a("/criteria/sets/{code}"),
        spec(
            Set,
            |p, _| if staff(p) { Access::Ok } else { Denied },
            nothing,
        ),
    );
    let assess_json = |t: &Tgt| {
        Payload::Json(
            json!({"set": t.set, "unit_code": t.code, "as_of": "2026-03-01",
            "items": [{"code": "C1", "state": "met", "evidence": "Biên bản"},
                      {"code": "C2", "state": "met", "evidence": "Báo cáo"}]}),
        )
    };
    put(
        "PUT",
        &a("/criteria/assessments"),
        spec(
            SetUnit,
            |p, t| scoped(p.has(AssessCriteria), p, t),
            assess_json,
        ),
    );
    for route in [
        "/criteria/assessments",
        "/criteria/status",
        "/criteria/rollup",
        "/criteria/recognitions",
    ] {
        put("GET", &a(route), spec(SetUnit, unit_query, nothing));
    }
    put(
        "POST",
        &a("/criteria/recognitions"),
        spec(
            SetUnit,
            |p, t| scoped(p.has(ManageCriteria), p, t),
            |t| {
                Payload::Json(json!({"set": t.set, "unit_code": t.code,
                    "decision_number": "50-QĐ/MTX", "decided_on": "2026-04-02"}))
            },
        ),
    );
    put(
        "POST",
        &a("/criteria/recognitions/{id}/withdrawal"),
        spec(
            Recognition,
            api(ManageCriteria, |p, t| {
                write(p.can_read_unit(&t.path), p.can_recognise(&t.path))
            }),
            |_| {
                Payload::Json(
                    json!({"decision_number": "51-QĐ/MTX", "withdrawn_on": "2026-05-01",
                    "reason": "Không còn đạt"}),
                )
            },
        ),
    );
    put(
        "POST",
        &a("/classifications"),
        spec(
            Unit,
            |p, t| scoped(p.has(ManageCriteria), p, t),
            |t| {
                Payload::Json(json!({"unit_code": t.code, "title": "Phường loại I",
                    "decision_number": "60-QĐ/MTX", "decided_on": "2026-02-01"}))
            },
        ),
    );
    put(
        "GET",
        &a("/classifications"),
        spec(Unit, |p, t| scoped(true, p, t), nothing),
    );

    // ---- pages: commendations
    let staff_only = |p: &Principal, _: &Tgt| if staff(p) { Access::Ok } else { Denied };
    put("GET", "/khen-thuong", spec(None, staff_only, nothing));
    put(
        "GET",
        "/khen-thuong/moi",
        spec(
            None,
            |p, _| {
                if staff(p) && (p.has(DecideCommendations) || p.has(ProposeCommendations)) {
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
        "/khen-thuong/moi",
        spec(
            Unit,
            // An office records the decision; a secretary's form makes a proposal of it (the
            // decision's number and day are not on that form).
            |p, t| {
                let ok = if p.has(DecideCommendations) {
                    p.can_decide_commendation(&t.path)
                } else {
                    p.can_propose_commendation(&t.cell_path)
                };
                if !staff(p) || !(p.has(DecideCommendations) || p.has(ProposeCommendations)) {
                    Denied
                } else if ok {
                    Access::Ok
                } else {
                    Refused
                }
            },
            |t| {
                form(&[
                    ("kind", "certificate"),
                    ("issuer_code", &t.code),
                    ("decision_number", "42-QĐ/MTX"),
                    ("decided_on", "01/06/2026"),
                    ("reason", "Hoàn thành tốt nhiệm vụ"),
                    ("unit", &t.cell),
                ])
            },
        ),
    );
    put(
        "GET",
        "/khen-thuong/tong-hop",
        spec(None, staff_only, nothing),
    );
    put(
        "GET",
        "/khen-thuong/{id}",
        spec(Comm, page(comm_read), nothing),
    );
    put(
        "POST",
        "/khen-thuong/{id}/quyet-dinh",
        consuming(spec(Proposal, page(comm_decide), |_| {
            form(&[
                ("decision_number", "43-QĐ/MTX"),
                ("decided_on", "20/11/2026"),
            ])
        })),
    );
    put(
        "POST",
        "/khen-thuong/{id}/khong-chap-thuan",
        consuming(spec(Proposal, page(comm_decide), |_| {
            form(&[("note", "Chưa đủ thành tích")])
        })),
    );
    put(
        "POST",
        "/khen-thuong/{id}/xoa",
        consuming(spec(Proposal, page(comm_delete), nothing)),
    );

    // ---- pages: criteria and classifications
    put("GET", "/tieu-chi", spec(None, staff_only, nothing));
    let managing = |p: &Principal, _: &Tgt| {
        if staff(p) && p.has(ManageCriteria) {
            Access::Ok
        } else {
            Denied
        }
    };
    put("GET", "/tieu-chi/moi", spec(None, managing, nothing));
    put(
        "POST",
        "/tieu-chi/moi",
        spec(None, managing, |_| {
            Payload::Multipart(
                pairs(&[
                    ("code", "MTXNEW"),
                    ("title", "Bộ tiêu chí mới"),
                    ("applies", "type"),
                    ("applies_type", "cell"),
                    ("rows", "1"),
                    ("c_code_0", "A1"),
                    ("c_title_0", "Tiêu chí A1"),
                ]),
                false,
            )
        }),
    );
    put(
        "GET",
        "/tieu-chi/{code}",
        spec(Set, page(|_, _| Access::Ok), nothing),
    );
    let set_edit = |p: &Principal, t: &Tgt| {
        if staff(p) && p.can_manage_criteria(&t.path) {
            Access::Ok
        } else {
            Denied
        }
    };
    put("GET", "/tieu-chi/{code}/sua", spec(Set, set_edit, nothing));
    put(
        "POST",
        "/tieu-chi/{code}/sua",
        spec(Set, set_edit, |t| Payload::Multipart(set_form(t), false)),
    );
    put(
        "GET",
        "/tieu-chi/{code}/don-vi/{unit_code}",
        spec(
            SetUnit,
            page(|p, t| read(p.can_read_unit(&t.path))),
            nothing,
        ),
    );
    put(
        "POST",
        "/tieu-chi/{code}/don-vi/{unit_code}/danh-gia",
        spec(
            SetUnit,
            page(|p, t| write(p.can_read_unit(&t.path), p.can_assess_criteria(&t.path))),
            |_| {
                form(&[
                    ("as_of", "01/03/2026"),
                    ("s_C1", "met"),
                    ("e_C1", "Biên bản"),
                    ("s_C2", "met"),
                    ("e_C2", "Báo cáo"),
                ])
            },
        ),
    );
    put(
        "POST",
        "/tieu-chi/{code}/don-vi/{unit_code}/cong-nhan",
        spec(
            SetUnit,
            page(|p, t| write(p.can_read_unit(&t.path), p.can_recognise(&t.path))),
            |_| {
                form(&[
                    ("decision_number", "52-QĐ/MTX"),
                    ("decided_on", "03/04/2026"),
                    ("issued_by", "Ủy ban nhân dân thành phố"),
                ])
            },
        ),
    );
    put(
        "POST",
        "/tieu-chi/cong-nhan/{id}/thu-hoi",
        spec(
            Recognition,
            page(|p, t| write(p.can_read_unit(&t.path), p.can_recognise(&t.path))),
            |t| {
                form(&[
                    ("set", &t.set),
                    ("unit", &t.code),
                    ("withdrawn_on", "02/05/2026"),
                    ("decision_number", "53-QĐ/MTX"),
                    ("reason", "Không còn đạt"),
                ])
            },
        ),
    );
    put(
        "POST",
        "/tieu-chi/danh-gia/{id}/tai-lieu",
        spec(
            Assessment,
            page(|p, t| write(p.can_read_unit(&t.path), p.can_assess_criteria(&t.path))),
            |_| Payload::Multipart(Vec::new(), true),
        ),
    );
    put(
        "GET",
        "/tieu-chi/tai-lieu/{id}",
        spec(Doc, page(|p, t| read(p.can_read_unit(&t.path))), nothing),
    );
    put("GET", "/phan-loai", spec(None, staff_only, nothing));
    put(
        "POST",
        "/phan-loai",
        spec(
            Unit,
            |p, t| {
                if !staff(p) {
                    Denied
                } else if p.can_recognise(&t.path) {
                    Access::Ok
                } else {
                    Refused
                }
            },
            |t| {
                form(&[
                    ("unit_code", &t.code),
                    ("title", "Phường loại I"),
                    ("decision_number", "61-QĐ/MTX"),
                    ("decided_on", "01/02/2026"),
                    ("issued_by", "Ủy ban nhân dân tỉnh"),
                ])
            },
        ),
    );
    m
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
    /// Proposals by the route that uses them up: `(METHOD, path)` → one per ward.
    proposals: BTreeMap<(String, String), Vec<Tgt>>,
    markers: Vec<Marker>,
    /// Pages and API answers outside the covered routes that must not leak: audit, members, the portal.
    walk: Vec<String>,
    seen: std::sync::Mutex<BTreeSet<String>>,
}

fn ok_json(r: Resp, what: &str) -> Value {
    assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text());
    r.json()
}

async fn build_world(
    app: &TestApp,
    admin: &str,
    secretaries: &BTreeMap<&str, String>,
    consuming_routes: &[(String, String)],
) -> World {
    let fx = &app.fx;
    let path = |c: &str| fx.unit(c).path.clone();
    let mut markers = Vec::new();
    let mut targets: BTreeMap<&'static str, Vec<Tgt>> = BTreeMap::new();
    let mut proposals: BTreeMap<(String, String), Vec<Tgt>> = BTreeMap::new();
    let post = |uri: &str, token: &str, body: Value| {
        let uri = uri.to_string();
        let token = token.to_string();
        async move {
            ok_json(
                app.api(Method::POST, &uri, Some(&token), Some(&body)).await,
                &uri,
            )
        }
    };

    // Sets: one of the city applying to both wards, one of the first ward applying to its cells.
    for (code, owner) in [("MTXTU", "TU"), ("MTXP1", "P1")] {
        let t = Tgt {
            label: format!("set {code}"),
            code: code.into(),
            path: path(owner),
            ..Default::default()
        };
        post("/api/v1/criteria/sets", admin, set_json(&t)).await;
        targets.entry("set").or_default().push(t);
    }

    // Per ward: (ward, cell, member recipient, cell of the proposals).
    let wards = [
        ("P1", "P1-C1", "Nguyễn Văn Bình", "P1-C2"),
        ("P2", "P2-C1", "Nguyễn Hữu Thắng", "P2-C1"),
    ];
    for (ward, cell, member, other_cell) in wards {
        let wp = path(ward);
        let (cp, mid) = (path(cell), fx.member(member).id);
        let mp = fx.member(member).unit_path.clone();
        let tag = |s: &str| format!("MTX{s}{ward}");
        // A decision naming a member and a cell.
        let c = post(
            "/api/v1/commendations",
            admin,
            json!({"kind": "certificate", "issued_by": ward, "decision_number": format!("01-QĐ/{ward}"),
                   "decided_on": "2026-05-04", "reason": format!("Thành tích {}", tag("COM")),
                   "recipients": {"member_ids": [mid], "unit_codes": [cell]}}),
        )
        .await;
        let comm = Tgt {
            label: format!("decision of {ward}"),
            id: c["id"].as_i64().unwrap(),
            code: ward.into(),
            path: wp.clone(),
            recipients: vec![cp.clone(), mp.clone()],
            members: vec![mid],
            ..Default::default()
        };
        let t = comm.clone();
        markers.push(marker(
            &tag("COM"),
            &format!("reason of a decision of {ward}"),
            move |p| comm_visible(p, &t),
        ));
        targets.entry("comm").or_default().push(comm);

        // Proposals by the ward's secretary, one for each route that uses one up.
        let sec = &secretaries[ward];
        let op = path(other_cell);
        for key in consuming_routes {
            let r = post(
                "/api/v1/commendations",
                sec,
                json!({"kind": "praise", "issued_by": ward,
                       "reason": format!("Đề nghị {}", tag("PROP")),
                       "recipients": {"unit_codes": [other_cell]}}),
            )
            .await;
            proposals.entry(key.clone()).or_default().push(Tgt {
                label: format!("proposal of {ward}"),
                id: r["id"].as_i64().unwrap(),
                code: ward.into(),
                path: wp.clone(),
                recipients: vec![op.clone()],
                proposer: if ward == "P1" {
                    "bithu.p1".into()
                } else {
                    "bithu.p2".into()
                },
                ..Default::default()
            });
        }
        let prop = Tgt {
            path: wp.clone(),
            recipients: vec![op.clone()],
            ..Default::default()
        };
        markers.push(marker(
            &tag("PROP"),
            &format!("proposal of {ward}"),
            move |p| comm_visible(p, &prop),
        ));

        // An assessment with evidence and a document, and a recognition.
        let a = app
            .api(
                Method::PUT,
                "/api/v1/criteria/assessments",
                Some(admin),
                Some(&json!({"set": "MTXTU", "unit_code": ward, "as_of": "2026-03-01",
                    "items": [{"code": "C1", "state": "met", "evidence": format!("Minh chứng {}", tag("EVI"))},
                              {"code": "C2", "state": "met", "evidence": "Báo cáo"}]})),
            )
            .await;
        let a = ok_json(a, "assessment");
        let assessment = a["id"].as_i64().unwrap();
        let admin_p = app.principal(admin).await;
        let doc = app
            .db
            .criteria()
            .add_document(
                &admin_p,
                &Actor::system("matrix"),
                assessment,
                &format!("bien-ban-{}.txt", tag("DOC")),
                "Biên bản kiểm tra tiêu chí".as_bytes(),
            )
            .await
            .unwrap();
        for (m, what) in [("EVI", "evidence"), ("DOC", "document")] {
            let w = wp.clone();
            markers.push(marker(&tag(m), &format!("{what} of {ward}"), move |p| {
                p.can_read_unit(&w)
            }));
        }
        let unit_tgt = Tgt {
            label: format!("unit {ward}"),
            code: ward.into(),
            path: wp.clone(),
            cell: cell.into(),
            cell_path: cp.clone(),
            ..Default::default()
        };
        targets.entry("assessment").or_default().push(Tgt {
            label: format!("assessment of {ward}"),
            id: assessment,
            ..unit_tgt.clone()
        });
        targets.entry("doc").or_default().push(Tgt {
            label: format!("document of {ward}"),
            id: doc.id,
            ..unit_tgt.clone()
        });
        let r = post(
            "/api/v1/criteria/recognitions",
            admin,
            json!({"set": "MTXTU", "unit_code": ward, "decision_number": format!("02-QĐ/{ward}"),
                   "decided_on": "2026-04-01"}),
        )
        .await;
        targets.entry("recognition").or_default().push(Tgt {
            label: format!("recognition of {ward}"),
            id: r["id"].as_i64().unwrap(),
            set: "MTXTU".into(),
            ..unit_tgt.clone()
        });
        targets.entry("set_unit").or_default().push(Tgt {
            label: format!("MTXTU × {ward}"),
            set: "MTXTU".into(),
            ..unit_tgt.clone()
        });
        // A classification with an internal note.
        post(
            "/api/v1/classifications",
            admin,
            json!({"unit_code": ward, "title": "Phường loại II", "decision_number": format!("03-QĐ/{ward}"),
                   "decided_on": "2025-01-01", "note": format!("Ghi chú {}", tag("NOTE"))}),
        )
        .await;
        let w = wp.clone();
        markers.push(marker(
            &tag("NOTE"),
            &format!("classification note of {ward}"),
            move |p| p.can_read_unit(&w),
        ));
        targets.entry("unit").or_default().push(unit_tgt);
    }
    // The no-unit variant of unit routes: the caller's own scope (bodies name the first ward).
    let mut own = targets["unit"][0].clone();
    own.label = "own scope".into();
    own.path = String::new();
    targets.get_mut("unit").unwrap().insert(0, own);

    let binh = fx.member("Nguyễn Văn Bình").id;
    let thang = fx.member("Nguyễn Hữu Thắng").id;
    let walk = vec![
        format!("/api/v1/members/{binh}"),
        format!("/api/v1/members/{thang}"),
        "/api/v1/audit?per_page=500".to_string(),
        "/".to_string(),
        format!("/dang-vien/{binh}"),
        format!("/dang-vien/{thang}"),
        "/nhat-ky".to_string(),
        "/cong-khai".to_string(),
        "/cong-khai/don-vi/TU".to_string(),
        "/cong-khai/don-vi/P1".to_string(),
        "/cong-khai/don-vi/P2".to_string(),
        "/cong-khai/tim-kiem?q=MTX".to_string(),
    ];
    World {
        targets,
        proposals,
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
    let u = match kind {
        Kind::Set => path.replace("{code}", &t.code),
        Kind::SetUnit => path
            .replace("{code}", &t.set)
            .replace("{unit_code}", &t.code),
        _ => path.replace("{id}", &t.id.to_string()),
    };
    let sep = if u.contains('?') { '&' } else { '?' };
    match kind {
        Kind::Unit if !t.path.is_empty() => {
            if is_api(&u) {
                format!("{u}{sep}unit={}", t.code)
            } else {
                format!("{u}{sep}don_vi={}", t.code)
            }
        }
        Kind::SetUnit if is_api(&u) => format!("{u}{sep}set={}&unit={}", t.set, t.code),
        _ => u,
    }
}

fn multipart(csrf: Option<&str>, fields: &[(String, String)], file: bool) -> (String, Vec<u8>) {
    let boundary = "----lamtheoRecognitionMatrix";
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    if let Some(c) = csrf {
        text("csrf", c);
    }
    for (k, v) in fields {
        text(k, v);
    }
    if file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"minh-chung.txt\"\r\nContent-Type: text/plain\r\n\r\nMinh chứng tiêu chí\r\n")
                .as_bytes(),
        );
    }
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
    if let Payload::Multipart(fields, file) = &payload {
        let (ct, body) = multipart(csrf.as_deref(), fields, *file);
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
                let used_up = spec.consumes && r.status == StatusCode::NOT_FOUND;
                if !used_up
                    && matches!(
                        r.status,
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                    )
                {
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
async fn every_role_on_every_recognition_route_follows_the_policy() {
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
            .filter(|(_, p)| matrix_support::recognition(p))
            .collect();
        let specs = expectations();
        let declared: BTreeSet<(String, String)> = specs.keys().cloned().collect();
        let missing: Vec<_> = routes.difference(&declared).collect();
        let stale: Vec<_> = declared.difference(&routes).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "the recognition matrix has no expectation for {missing:?}; expectations without a route: {stale:?}"
        );

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
        let token_of = |name: &str| {
            callers
                .iter()
                .find(|c| c.name == name)
                .and_then(|c| c.token.clone())
                .unwrap()
        };
        let admin = token_of("admin.tu");
        let secretaries: BTreeMap<&str, String> =
            [("P1", token_of("bithu.p1")), ("P2", token_of("bithu.p2"))].into();
        let consuming_routes: Vec<(String, String)> = specs
            .iter()
            .filter(|(_, s)| s.kind == Kind::Proposal)
            .map(|(k, _)| k.clone())
            .collect();
        let world = build_world(&app, &admin, &secretaries, &consuming_routes).await;

        // 3. The cells: reads first, then writes; the leak walk after each.
        let mut cells: Vec<Cell<'_>> = Vec::new();
        for (method, path) in &routes {
            let key = (method.clone(), path.clone());
            let s = &specs[&key];
            let ts: Vec<Option<Tgt>> = match s.kind {
                Kind::None => vec![None],
                Kind::Proposal => world.proposals[&key].iter().cloned().map(Some).collect(),
                k => {
                    let name = match k {
                        Kind::Unit => "unit",
                        Kind::Comm => "comm",
                        Kind::Set => "set",
                        Kind::SetUnit => "set_unit",
                        Kind::Recognition => "recognition",
                        Kind::Assessment => "assessment",
                        _ => "doc",
                    };
                    // Writes name a unit in their body: the own-scope variant is for reads only.
                    world.targets[name]
                        .iter()
                        .filter(|t| method == "GET" || k != Kind::Unit || !t.path.is_empty())
                        .cloned()
                        .map(Some)
                        .collect()
                }
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
        // Refused callers first (their refusals are checked before anyone allowed changes an object).
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
        assert!(
            blind.is_empty(),
            "markers never seen by an allowed caller: {blind:?}"
        );
        eprintln!(
            "recognition matrix on {}: {} routes, {} cells × {} callers, {counts:?}",
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
            "{} recognition-matrix failures on {}:\n{report}",
            fails.len(),
            app.backend
        );
    })
    .await;
}
