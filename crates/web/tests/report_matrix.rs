//! The generated access matrix of period reports (docs/DOMAIN.md § Period report): every route of
//! `web::api::table()` and every page route of `web::pages::routes()` whose path starts with one of
//! `matrix_support::REPORT_PREFIXES` (the one place that says which routes this matrix covers, so new
//! routes are picked up by themselves) × every caller (admin, office and inspector of the city, the
//! secretaries of two wards and of a cell, a member, anonymous) × targets in and out of the caller's scope,
//! on every backend.
//!
//! Targets: units named in a query or a body (none — the caller's own —, the city, each ward, a cell); the
//! round the city opened and the round the first ward opened; stored reports — the city's own report
//! (outside rounds, draft), the first ward's report in the city's round (accepted), the second ward's
//! (submitted after a return), a cell's report in the ward's round (draft) and the first ward's own report
//! (outside rounds, issued). Every write (save, submit, return, accept, issue, opening a round, storing a
//! report) runs on an object made for that cell alone (a new round or report with a period of its own, in
//! the state the step needs), so each cell's expectation holds whatever ran before.
//!
//! Each cell asserts the exact status the code answers, derived from `domain::policy` (`can_read_report`,
//! `can_write_report`, `can_review_reports`, `can_read_unit`, `can_read_cases`): the API answers 401 to
//! anonymous callers, 403 to a role that may not read reports or not write them (before anything is looked
//! up) and to a reader who may not take that step, 404 for a report or round the caller may not read, 422
//! for a unit outside the scope in a query or body or a step of the wrong kind; pages send anonymous
//! callers to the login page (303) and answer the "Không tìm thấy" page (404) to a member account, for what
//! the caller may not read and for a step they may not take, 422 for a form the rules refuse, 303 after a
//! write. A refused write writes nothing (the audit log does not grow); an allowed one does. Successful
//! answers show the confidential sections (API `inspection`/`discipline`, the page's "Kiểm tra, giám sát",
//! the files' sections) exactly to readers with `can_read_cases`, and a round's rows are exactly those the
//! caller may read. In every cell, and in the audit log and the home page: no 5xx, and no marker (planted
//! in narratives, header numbers, a return comment, round titles, links to reports and report ids of round
//! rows) reaches a caller who may not read its report or round. Every marker is seen by some allowed
//! caller, so the search is not blind. A route under the prefixes without an expectation here fails the
//! test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod matrix_support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{Duration, NaiveDate};
use common::{each_backend, Browser, Resp, TestApp, USERS};
use domain::policy::{Capability, Principal};
use domain::report::{NarrativeSection, Narratives, ReportAction, ReportHeader};
use domain::Role;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};
use store::{Actor, NewAccount, RoundInput};

/// The account added to the fixture's: the secretary of the second ward.
const EXTRA: [(&str, Role, &str); 1] = [("bithu.p2", Role::Secretary, "P2")];

/// Every caller, in the order they run.
const CALLERS: [&str; 8] = [
    "anonymous",
    "dangvien.p1c1",
    "bithu.p1c1",
    "bithu.p2",
    "bithu.p1",
    "kiemtra.tu",
    "office.tu",
    "admin.tu",
];

/// The period of the planted reports and rounds, and of the live report cells.
fn period_a() -> (NaiveDate, NaiveDate) {
    (common::d(2026, 1, 1), common::d(2026, 6, 30))
}

/// How a fresh report of a write cell is made.
#[derive(Debug, Clone, Copy)]
enum Recipe {
    /// A unit's own report outside rounds.
    Own(&'static str),
    /// The report of a unit (second) in a new round opened by a unit (first).
    InRound(&'static str, &'static str),
}

/// One concrete object a route is tried with.
#[derive(Debug, Clone, Default)]
struct Tgt {
    label: String,
    /// Unit targets: no unit named, the caller's own (resolved per caller).
    own: bool,
    /// The unit a query or body names, or the report's unit.
    code: String,
    path: String,
    /// Unit targets: the unit has party sub-units (a round can be opened for it).
    children: bool,
    /// Reports and rounds (fresh reports: set when made).
    id: i64,
    /// Reports: the path of their round's unit.
    round: Option<String>,
    /// Rounds: the units that report in it, (code, path).
    rows: Vec<(String, String)>,
    /// Fresh reports: how to make one, and whether it is submitted first.
    recipe: Option<Recipe>,
    submitted: bool,
    /// The sign-off step (none: saving the header and narrative).
    action: Option<ReportAction>,
}

/// The kind of object a route's parameters (or body) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    None,
    /// A unit in the query or body, also none (the caller's own).
    Unit,
    Round,
    /// A planted report (reads).
    Report,
    /// A report made for the cell, draft (saving).
    Fresh,
    /// A report made for the cell in the state the step needs; the step comes from the body (API).
    FreshStep,
    /// As `FreshStep`, the step fixed by the route (pages).
    FreshPage(ReportAction),
}

/// What a successful answer must show besides its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Nothing,
    /// The confidential sections exactly for readers with `can_read_cases` on the unit.
    Confidential,
    /// A round's rows: all for a reviewer, else those the caller may read.
    RoundRows,
}

enum Payload {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
}

type Expect = Box<dyn Fn(&Principal, &Tgt) -> StatusCode + Send + Sync>;
type Build = Box<dyn Fn(&Tgt, (NaiveDate, NaiveDate)) -> Payload + Send + Sync>;
type Url = Box<dyn Fn(&str, &Tgt) -> String + Send + Sync>;

struct Spec {
    kind: Kind,
    expect: Expect,
    build: Build,
    url: Url,
    check: Check,
}

fn spec(
    kind: Kind,
    expect: impl Fn(&Principal, &Tgt) -> StatusCode + Send + Sync + 'static,
) -> Spec {
    Spec {
        kind,
        expect: Box::new(expect),
        build: Box::new(|_, _| Payload::None),
        url: Box::new(|path, t| path.replace("{id}", &t.id.to_string())),
        check: Check::Nothing,
    }
}

impl Spec {
    fn body(
        mut self,
        build: impl Fn(&Tgt, (NaiveDate, NaiveDate)) -> Payload + Send + Sync + 'static,
    ) -> Spec {
        self.build = Box::new(build);
        self
    }
    fn url(mut self, url: impl Fn(&str, &Tgt) -> String + Send + Sync + 'static) -> Spec {
        self.url = Box::new(url);
        self
    }
    fn check(mut self, check: Check) -> Spec {
        self.check = check;
        self
    }
}

const OK: StatusCode = StatusCode::OK;
const CREATED: StatusCode = StatusCode::CREATED;
const SEE_OTHER: StatusCode = StatusCode::SEE_OTHER;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

// ---- the policy, as the handlers and the store apply it

/// May read some report: every role but a member account (`require_reader`).
fn reader(p: &Principal) -> bool {
    p.can_read_report(&p.unit_path)
}
fn writes(p: &Principal) -> bool {
    p.has(Capability::WriteReports)
}
/// May read the report: `can_read_report` on its unit or `can_review_reports` on its round's unit.
fn readable(p: &Principal, t: &Tgt) -> bool {
    p.can_read_report(&t.path) || t.round.as_deref().is_some_and(|r| p.can_review_reports(r))
}
fn reviewer(p: &Principal, t: &Tgt) -> bool {
    t.round.as_deref().is_some_and(|r| p.can_review_reports(r))
}
/// May take the target's step: submit, issue and save are the writer's, return and accept the reviewer's.
fn may_act(p: &Principal, t: &Tgt) -> bool {
    match t.action {
        None | Some(ReportAction::Submit) | Some(ReportAction::Issue) => {
            p.can_write_report(&t.path)
        }
        Some(ReportAction::Return) | Some(ReportAction::Accept) => reviewer(p, t),
    }
}
/// A step of the wrong kind: submitting a report outside rounds, issuing one in a round.
fn wrong_kind(t: &Tgt) -> bool {
    match t.action {
        Some(ReportAction::Submit) => t.round.is_none(),
        Some(ReportAction::Issue) => t.round.is_some(),
        _ => false,
    }
}
/// Sees the round: reviews it, reads its unit's report, or reads the report of one of its units.
fn sees_round(p: &Principal, t: &Tgt) -> bool {
    p.can_review_reports(&t.path)
        || p.can_read_report(&t.path)
        || t.rows.iter().any(|(_, path)| p.can_read_report(path))
}

// ---- expectations per route

fn api_read_report(p: &Principal, t: &Tgt) -> StatusCode {
    match (reader(p), readable(p, t)) {
        (false, _) => FORBIDDEN,
        (true, false) => NOT_FOUND,
        (true, true) => OK,
    }
}
fn page_read_report(p: &Principal, t: &Tgt) -> StatusCode {
    if reader(p) && readable(p, t) {
        OK
    } else {
        NOT_FOUND
    }
}
fn api_unit_query(p: &Principal, t: &Tgt) -> StatusCode {
    if !reader(p) {
        FORBIDDEN
    } else if !p.can_read_unit(&t.path) || !p.can_read_report(&t.path) {
        INVALID
    } else {
        OK
    }
}
fn api_write(p: &Principal, t: &Tgt) -> StatusCode {
    if !writes(p) {
        FORBIDDEN
    } else if !readable(p, t) {
        NOT_FOUND
    } else if !may_act(p, t) {
        FORBIDDEN
    } else if wrong_kind(t) {
        INVALID
    } else {
        OK
    }
}
fn page_write(p: &Principal, t: &Tgt) -> StatusCode {
    if !reader(p) || !readable(p, t) || !may_act(p, t) {
        NOT_FOUND
    } else if wrong_kind(t) {
        INVALID
    } else {
        SEE_OTHER
    }
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
fn vn(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}
fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}
fn due(to: NaiveDate) -> NaiveDate {
    to + Duration::days(15)
}

/// `path?{name}={code}&{rest}`, without the unit for the caller's own.
fn with_unit(path: &str, name: &str, t: &Tgt, rest: &str) -> String {
    let mut q: Vec<String> = Vec::new();
    if !t.own {
        q.push(format!("{name}={}", t.code));
    }
    if !rest.is_empty() {
        q.push(rest.to_string());
    }
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", q.join("&"))
    }
}

/// The expectation of every covered route, by (METHOD, path).
fn expectations() -> BTreeMap<(String, String), Spec> {
    use Kind::*;
    let mut m = BTreeMap::new();
    let mut put = |method: &str, path: &str, s: Spec| {
        assert!(
            m.insert((method.to_string(), path.to_string()), s)
                .is_none(),
            "{method} {path} twice"
        );
    };
    let (from, to) = period_a();
    let api_period = format!("from={}&to={}", iso(from), iso(to));
    let page_period = format!("tu={}&den={}", vn(from), vn(to));

    // ---- API: the live figures and their files.
    for path in [
        "/api/v1/reports/period",
        "/api/v1/reports/period.docx",
        "/api/v1/reports/period.xlsx",
    ] {
        let q = api_period.clone();
        put(
            "GET",
            path,
            spec(Unit, api_unit_query)
                .url(move |path, t| with_unit(path, "unit", t, &q))
                .check(Check::Confidential),
        );
    }
    // ---- API: rounds.
    put(
        "GET",
        "/api/v1/reports/rounds",
        spec(None, |p, _| if reader(p) { OK } else { FORBIDDEN }),
    );
    put(
        "POST",
        "/api/v1/reports/rounds",
        spec(Unit, |p, t| {
            if !writes(p) {
                FORBIDDEN
            } else if !p.can_read_unit(&t.path) {
                INVALID
            } else if !p.can_review_reports(&t.path) {
                FORBIDDEN
            } else if !t.children {
                INVALID
            } else {
                CREATED
            }
        })
        .body(|t, (from, to)| {
            let mut b = json!({"title": "Sơ kết thử", "from": iso(from), "to": iso(to),
                "due_on": iso(due(to))});
            if !t.own {
                b["unit"] = json!(t.code);
            }
            Payload::Json(b)
        }),
    );
    put(
        "GET",
        "/api/v1/reports/rounds/{id}",
        spec(Round, |p, t| match (reader(p), sees_round(p, t)) {
            (false, _) => FORBIDDEN,
            (true, false) => NOT_FOUND,
            (true, true) => OK,
        })
        .check(Check::RoundRows),
    );
    // ---- API: stored reports.
    put(
        "GET",
        "/api/v1/reports",
        spec(Unit, |p, t| {
            if !reader(p) {
                FORBIDDEN
            } else if !p.can_read_unit(&t.path) {
                INVALID
            } else {
                OK
            }
        })
        .url(|path, t| with_unit(path, "unit", t, "")),
    );
    put(
        "POST",
        "/api/v1/reports",
        spec(Unit, |p, t| {
            if !writes(p) {
                FORBIDDEN
            } else if !p.can_read_unit(&t.path) {
                INVALID
            } else if !p.can_write_report(&t.path) {
                FORBIDDEN
            } else {
                CREATED
            }
        })
        .body(|t, (from, to)| {
            let mut b = json!({"from": iso(from), "to": iso(to)});
            if !t.own {
                b["unit"] = json!(t.code);
            }
            Payload::Json(b)
        })
        .check(Check::Confidential),
    );
    put(
        "GET",
        "/api/v1/reports/{id}",
        spec(Report, api_read_report).check(Check::Confidential),
    );
    for path in ["/api/v1/reports/{id}/docx", "/api/v1/reports/{id}/xlsx"] {
        put(
            "GET",
            path,
            spec(Report, api_read_report).check(Check::Confidential),
        );
    }
    put(
        "PUT",
        "/api/v1/reports/{id}",
        spec(Fresh, api_write)
            .body(|_, _| {
                Payload::Json(json!({
                    "header": {"number": "15-BC/ĐU", "subject": "Sơ kết 6 tháng",
                               "dated": "2026-07-10", "recipients": ["Lưu VP"]},
                    "narratives": {"results": "Kết quả tốt", "limitations": "Còn chậm"}
                }))
            })
            .check(Check::Confidential),
    );
    put(
        "POST",
        "/api/v1/reports/{id}/actions",
        spec(FreshStep, api_write)
            .body(|t, _| {
                let action = t.action.map(|a| a.as_str()).unwrap_or_default();
                Payload::Json(json!({"action": action, "comment": "Cần bổ sung số liệu"}))
            })
            .check(Check::Confidential),
    );

    // ---- pages: the live report and its files.
    for path in ["/bao-cao", "/bao-cao/word", "/bao-cao/excel"] {
        let q = page_period.clone();
        put(
            "GET",
            path,
            spec(Unit, |p, t| {
                if p.role == Role::Member
                    || !p.can_read_unit(&t.path)
                    || !p.can_read_report(&t.path)
                {
                    NOT_FOUND
                } else {
                    OK
                }
            })
            .url(move |path, t| with_unit(path, "don-vi", t, &q))
            .check(Check::Confidential),
        );
    }
    // ---- pages: rounds.
    put(
        "GET",
        "/bao-cao/dot",
        spec(None, |p, _| if reader(p) { OK } else { NOT_FOUND }),
    );
    put(
        "POST",
        "/bao-cao/dot",
        spec(Unit, |p, t| {
            if !reader(p) {
                NOT_FOUND
            } else if t.own {
                // The form names the unit; none is a field error.
                INVALID
            } else if !(p.can_read_unit(&t.path) || p.can_review_reports(&t.path)) {
                INVALID
            } else if !p.can_review_reports(&t.path) {
                NOT_FOUND
            } else if !t.children {
                INVALID
            } else {
                SEE_OTHER
            }
        })
        .body(|t, (from, to)| {
            let code = if t.own { "" } else { t.code.as_str() };
            form(&[
                ("unit_code", code),
                ("title", "Sơ kết thử"),
                ("from", &vn(from)),
                ("to", &vn(to)),
                ("due_on", &vn(due(to))),
            ])
        }),
    );
    put(
        "GET",
        "/bao-cao/dot/{id}",
        spec(Round, |p, t| {
            if reader(p) && sees_round(p, t) {
                OK
            } else {
                NOT_FOUND
            }
        }),
    );
    // ---- pages: stored reports.
    put(
        "GET",
        "/bao-cao/ban",
        spec(Unit, |p, t| {
            if !reader(p) || (!t.own && !p.can_read_report(&t.path)) {
                NOT_FOUND
            } else {
                OK
            }
        })
        .url(|path, t| with_unit(path, "don_vi", t, "")),
    );
    put(
        "POST",
        "/bao-cao/ban",
        spec(Unit, |p, t| {
            if !reader(p) {
                NOT_FOUND
            } else if !(p.can_read_unit(&t.path) || p.can_write_report(&t.path)) {
                INVALID
            } else if !p.can_write_report(&t.path) {
                NOT_FOUND
            } else {
                SEE_OTHER
            }
        })
        .body(|t, (from, to)| {
            let code = if t.own { "" } else { t.code.as_str() };
            form(&[
                ("don_vi", code),
                ("tu_ngay", &vn(from)),
                ("den_ngay", &vn(to)),
            ])
        }),
    );
    put(
        "GET",
        "/bao-cao/ban/{id}",
        spec(Report, page_read_report).check(Check::Confidential),
    );
    for path in ["/bao-cao/ban/{id}/word", "/bao-cao/ban/{id}/excel"] {
        put(
            "GET",
            path,
            spec(Report, page_read_report).check(Check::Confidential),
        );
    }
    put(
        "POST",
        "/bao-cao/ban/{id}",
        spec(Fresh, page_write).body(|_, _| {
            form(&[
                ("number", "16-BC/ĐU"),
                ("subject", "Sơ kết 6 tháng"),
                ("dated", "10/07/2026"),
                ("recipients", "Lưu VP"),
                ("results", "Kết quả tốt"),
                ("limitations", "Còn chậm"),
            ])
        }),
    );
    for (path, action) in [
        ("/bao-cao/ban/{id}/gui", ReportAction::Submit),
        ("/bao-cao/ban/{id}/tra-lai", ReportAction::Return),
        ("/bao-cao/ban/{id}/chap-nhan", ReportAction::Accept),
        ("/bao-cao/ban/{id}/ban-hanh", ReportAction::Issue),
    ] {
        put(
            "POST",
            path,
            spec(FreshPage(action), page_write)
                .body(|_, _| form(&[("comment", "Cần bổ sung số liệu")])),
        );
    }
    m
}

// ---- the world

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

struct World {
    units: Vec<Tgt>,
    rounds: Vec<Tgt>,
    reports: Vec<Tgt>,
    /// The fresh reports of write cells: their recipe, unit and round's unit (the id is set per cell).
    recipes: Vec<Tgt>,
    markers: Vec<Marker>,
    /// Answers outside the covered routes that must not leak: the audit log, the home page.
    walk: Vec<String>,
    seen: std::sync::Mutex<BTreeSet<String>>,
    /// Days after 01/01/2021 of the next fresh period (each write gets a period of its own).
    next: AtomicI64,
}

impl World {
    /// A period no other object has: from a day of its own to 30/06/2026.
    fn period(&self) -> (NaiveDate, NaiveDate) {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        (
            common::d(2021, 1, 1) + Duration::days(n),
            common::d(2026, 6, 30),
        )
    }

    /// The caller's own unit as a target.
    fn resolve(&self, t: &Tgt, p: &Principal) -> Tgt {
        if !t.own {
            return t.clone();
        }
        let u = self
            .units
            .iter()
            .find(|u| !u.own && u.path == p.unit_path)
            .unwrap_or_else(|| panic!("no unit target for {}", p.unit_path));
        Tgt {
            label: t.label.clone(),
            own: true,
            ..u.clone()
        }
    }
}

fn round_input(unit: &str, title: &str, (from, to): (NaiveDate, NaiveDate)) -> RoundInput {
    RoundInput {
        unit_code: unit.into(),
        title: title.into(),
        from: Some(from),
        to: Some(to),
        due_on: Some(due(to)),
        note: String::new(),
    }
}

/// A report made for one cell, in the state its step needs; returns its id.
async fn fresh(app: &TestApp, adm: &Principal, world: &World, t: &Tgt) -> i64 {
    let actor = Actor::system("matrix");
    let period = world.period();
    let reports = || app.db.reports();
    let id = match t.recipe.expect("a recipe") {
        Recipe::Own(code) => reports()
            .create_report(adm, &actor, code, period.0, period.1)
            .await
            .unwrap(),
        Recipe::InRound(round_unit, code) => {
            let rid = reports()
                .create_round(adm, &actor, &round_input(round_unit, "Đợt thử", period))
                .await
                .unwrap();
            let d = reports().round(adm, rid).await.unwrap();
            d.reports
                .iter()
                .find(|r| r.unit.code == code)
                .unwrap()
                .report_id
        }
    };
    if t.submitted {
        reports()
            .act(adm, &actor, id, ReportAction::Submit, "")
            .await
            .unwrap();
    }
    id
}

async fn build_world(app: &TestApp, adm: &Principal) -> World {
    let fx = &app.fx;
    let path = |c: &str| fx.unit(c).path.clone();
    let actor = Actor::system("matrix");
    let reports = || app.db.reports();
    let a = period_a();

    // Units named in queries and bodies.
    let mut units = vec![Tgt {
        label: "own unit".into(),
        own: true,
        ..Default::default()
    }];
    for (code, children) in [("TU", true), ("P1", true), ("P2", true), ("P1-C1", false)] {
        units.push(Tgt {
            label: format!("unit {code}"),
            code: code.into(),
            path: path(code),
            children,
            ..Default::default()
        });
    }

    // The city's round (both wards report) and the first ward's (its cells report).
    let mut rounds = Vec::new();
    let mut in_round: BTreeMap<&str, (i64, String)> = BTreeMap::new();
    for (unit, title) in [("TU", "Sơ kết MTXRNDTU"), ("P1", "Sơ kết MTXRNDPA")] {
        let rid = reports()
            .create_round(adm, &actor, &round_input(unit, title, a))
            .await
            .unwrap();
        let d = reports().round(adm, rid).await.unwrap();
        let rows: Vec<(String, String)> = d
            .reports
            .iter()
            .map(|r| (r.unit.code.clone(), path(&r.unit.code)))
            .collect();
        for r in &d.reports {
            in_round.insert(
                if unit == "TU" {
                    if r.unit.code == "P1" {
                        "PA"
                    } else {
                        "PB"
                    }
                } else if r.unit.code == "P1-C1" {
                    "CA"
                } else {
                    "CB"
                },
                (r.report_id, path(unit)),
            );
        }
        rounds.push(Tgt {
            label: format!("round of {unit}"),
            code: unit.into(),
            path: path(unit),
            id: rid,
            rows,
            ..Default::default()
        });
    }
    let own_tu = reports()
        .create_report(adm, &actor, "TU", a.0, a.1)
        .await
        .unwrap();
    let own_p1 = reports()
        .create_report(adm, &actor, "P1", a.0, a.1)
        .await
        .unwrap();

    // The planted reports: (tag, unit, id, round unit path).
    let planted: [(&str, &str, i64, Option<String>); 5] = [
        ("TU", "TU", own_tu, None),
        ("PA", "P1", in_round["PA"].0, Some(in_round["PA"].1.clone())),
        ("PB", "P2", in_round["PB"].0, Some(in_round["PB"].1.clone())),
        (
            "CA",
            "P1-C1",
            in_round["CA"].0,
            Some(in_round["CA"].1.clone()),
        ),
        ("PO", "P1", own_p1, None),
    ];
    let mut markers = Vec::new();
    let mut targets = Vec::new();
    for (i, (tag, unit, id, round)) in planted.iter().enumerate() {
        let header = ReportHeader {
            issuer: "ĐƠN VỊ THỬ".into(),
            number: format!("9{i}-BC/MTX{tag}"),
            subject: "Sơ kết 6 tháng".into(),
            recipients: vec!["Lưu VP".into()],
            ..Default::default()
        };
        let mut narratives = Narratives::new();
        narratives.insert(NarrativeSection::Results, "Kết quả tốt".into());
        narratives.insert(
            NarrativeSection::Limitations,
            format!("Hạn chế MTXNAR{tag}"),
        );
        reports()
            .save_report(adm, &actor, *id, &header, &narratives)
            .await
            .unwrap();
        let t = Tgt {
            label: format!(
                "report {tag} ({unit}{})",
                if round.is_some() {
                    ", in a round"
                } else {
                    ", own"
                }
            ),
            code: unit.to_string(),
            path: path(unit),
            id: *id,
            round: round.clone(),
            ..Default::default()
        };
        let mut texts = vec![
            (format!("Hạn chế MTXNAR{tag}"), "narrative"),
            (header.number.clone(), "header number"),
            (format!("/bao-cao/ban/{id}\""), "link"),
        ];
        if round.is_some() {
            texts.push((format!("\"report_id\":{id},"), "round row"));
        }
        for (text, what) in texts {
            let t2 = t.clone();
            markers.push(marker(
                &text,
                &format!("{what} of report {tag}"),
                move |p| readable(p, &t2),
            ));
        }
        targets.push(t);
    }
    // States: the first ward's round report accepted (frozen), the second ward's submitted after a return
    // with a comment, the first ward's own report issued (frozen).
    let step = |id: i64, action: ReportAction, comment: &'static str| {
        let actor = actor.clone();
        async move {
            reports()
                .act(adm, &actor, id, action, comment)
                .await
                .unwrap();
        }
    };
    step(in_round["PA"].0, ReportAction::Submit, "").await;
    step(in_round["PA"].0, ReportAction::Accept, "").await;
    step(in_round["PB"].0, ReportAction::Submit, "").await;
    step(in_round["PB"].0, ReportAction::Return, "Bổ sung MTXRETPB").await;
    step(in_round["PB"].0, ReportAction::Submit, "").await;
    step(own_p1, ReportAction::Issue, "").await;
    let pb = targets[2].clone();
    markers.push(marker(
        "MTXRETPB",
        "return comment of report PB",
        move |p| readable(p, &pb),
    ));
    for (r, tag) in rounds.iter().zip(["MTXRNDTU", "MTXRNDPA"]) {
        let r2 = r.clone();
        markers.push(marker(
            tag,
            &format!("title of the {}", r.label),
            move |p| sees_round(p, &r2),
        ));
    }

    // Fresh report recipes: the city's own, each ward's in the city's round, a cell's in the ward's round,
    // the first ward's own.
    let recipes = [
        ("city's own", Recipe::Own("TU"), "TU", None),
        (
            "ward A in the city's round",
            Recipe::InRound("TU", "P1"),
            "P1",
            Some("TU"),
        ),
        (
            "ward B in the city's round",
            Recipe::InRound("TU", "P2"),
            "P2",
            Some("TU"),
        ),
        (
            "cell in ward A's round",
            Recipe::InRound("P1", "P1-C1"),
            "P1-C1",
            Some("P1"),
        ),
        ("ward A's own", Recipe::Own("P1"), "P1", None),
    ]
    .into_iter()
    .map(|(label, recipe, unit, round)| Tgt {
        label: format!("fresh report: {label}"),
        code: unit.into(),
        path: path(unit),
        round: round.map(path),
        recipe: Some(recipe),
        ..Default::default()
    })
    .collect();

    World {
        units,
        rounds,
        reports: targets,
        recipes,
        markers,
        walk: vec![
            "/api/v1/audit?per_page=500".to_string(),
            "/nhat-ky".to_string(),
            "/".to_string(),
        ],
        seen: std::sync::Mutex::new(BTreeSet::new()),
        next: AtomicI64::new(0),
    }
}

// ---- callers and cells

struct Caller {
    name: String,
    principal: Option<Principal>,
    token: Option<String>,
    browser: Option<Browser>,
}

struct Cell<'a> {
    method: String,
    path: String,
    target: Option<Tgt>,
    spec: Option<&'a Spec>,
}

fn is_api(url: &str) -> bool {
    url.starts_with("/api/")
}

async fn send(app: &TestApp, c: &Caller, method: &str, url: &str, payload: Payload) -> Resp {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut b = Request::builder().method(method.clone()).uri(url);
    if is_api(url) {
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
    let encoded = {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if let Some(br) = &c.browser {
            s.append_pair("csrf", &br.csrf);
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

/// The text of an answer, with the text of a ZIP package's entries.
fn full_text(r: &Resp) -> String {
    match matrix_support::zip_text(&r.body) {
        Some(t) => format!("{}\n{t}", r.text()),
        None => r.text(),
    }
}

/// No 5xx and no marker the caller may not read.
fn universal(r: &Resp, c: &Caller, ctx: &str, text: &str, world: &World, fails: &mut Vec<String>) {
    if r.status.is_server_error() {
        fails.push(format!("{ctx}: server error {}", r.status));
    }
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

/// Whether an answer shows the confidential sections: the API's `inspection`/`discipline` objects, the
/// page's "Kiểm tra, giám sát" heading, the files' sections.
fn shows_confidential(r: &Resp, text: &str) -> bool {
    if r.body.starts_with(b"PK\x03\x04") {
        return text.contains("Kiểm tra, giám sát");
    }
    text.contains("<h2 id=\"kiem-tra\">")
        || text.contains("\"inspection\":{")
        || text.contains("\"discipline\":{")
}

fn short(r: &Resp) -> String {
    let t: String = r.text().chars().take(240).collect();
    if r.content_type().contains("json") {
        format!(" — {t}")
    } else {
        String::new()
    }
}

async fn run_caller(
    app: &TestApp,
    adm: &Principal,
    c: &Caller,
    cells: &[Cell<'_>],
    world: &World,
    counts: &mut BTreeMap<String, usize>,
) -> Vec<String> {
    let mut fails = Vec::new();
    for cell in cells {
        let mut t = cell.target.clone().unwrap_or_default();
        if t.recipe.is_some() {
            t.id = fresh(app, adm, world, &t).await;
        }
        let (url, payload) = match cell.spec {
            Some(s) if cell.method == "GET" => ((s.url)(&cell.path, &t), Payload::None),
            Some(s) => ((s.url)(&cell.path, &t), (s.build)(&t, world.period())),
            None => (cell.path.clone(), Payload::None),
        };
        let ctx = format!("[{}] {} {url} ({})", c.name, cell.method, t.label);
        let is_get = cell.method == "GET";
        let api = is_api(&url);
        let before = if is_get { 0 } else { app.audit_total().await };
        let r = send(app, c, &cell.method, &url, payload).await;
        let text = full_text(&r);
        universal(&r, c, &ctx, &text, world, &mut fails);
        let Some(spec) = cell.spec else { continue };
        let wrote = !is_get && app.audit_total().await != before;
        let (want, target) = match &c.principal {
            None if api => (StatusCode::UNAUTHORIZED, t.clone()),
            None => (SEE_OTHER, t.clone()),
            Some(p) => {
                let rt = world.resolve(&t, p);
                ((spec.expect)(p, &rt), rt)
            }
        };
        *counts
            .entry(format!(
                "{} {}",
                if api { "api" } else { "page" },
                want.as_u16()
            ))
            .or_default() += 1;
        if r.status != want {
            fails.push(format!(
                "{ctx}: expected {}, got {}{}",
                want.as_u16(),
                r.status.as_u16(),
                short(&r)
            ));
            continue;
        }
        // What each answer must look like.
        if c.principal.is_none() && !api {
            let to_login = r
                .header("location")
                .is_some_and(|l| l.starts_with("/dang-nhap"));
            if !to_login {
                fails.push(format!("{ctx}: anonymous not sent to the login page"));
            }
        }
        if api
            && !r.status.is_success()
            && !r.content_type().starts_with("application/problem+json")
        {
            fails.push(format!("{ctx}: refusal is not a problem document"));
        }
        if !api && r.status == NOT_FOUND && !r.text().contains("Không tìm thấy") {
            fails.push(format!("{ctx}: 404 is not the \"Không tìm thấy\" page"));
        }
        if !is_get {
            // Anonymous callers are sent to the login page (303) without anything written.
            let success =
                c.principal.is_some() && (r.status.is_success() || (!api && r.status == SEE_OTHER));
            if success && !wrote {
                fails.push(format!(
                    "{ctx}: allowed write wrote nothing (audit unchanged)"
                ));
            }
            if !success && wrote {
                fails.push(format!(
                    "{ctx}: refused write changed something (audit grew)"
                ));
            }
        }
        if !api && r.status == SEE_OTHER && c.principal.is_some() {
            let back = r
                .header("location")
                .is_some_and(|l| l.starts_with("/bao-cao/"));
            if !back {
                fails.push(format!(
                    "{ctx}: the write did not lead back to the report pages"
                ));
            }
        }
        let Some(p) = c.principal.as_ref() else {
            continue;
        };
        // Readers without access to cases never see the confidential sections.
        if !p.has(Capability::ReadInspections) && shows_confidential(&r, &text) {
            fails.push(format!(
                "{ctx}: answered {} with the confidential sections",
                r.status
            ));
        }
        if !(r.status == OK || r.status == CREATED) {
            continue;
        }
        match spec.check {
            Check::Nothing => {}
            Check::Confidential => {
                let want = p.can_read_cases(&target.path);
                if shows_confidential(&r, &text) != want {
                    fails.push(format!(
                        "{ctx}: confidential sections {} (can_read_cases: {want})",
                        if want { "missing" } else { "shown" }
                    ));
                }
                if is_get
                    && (url.contains("docx")
                        || url.contains("xlsx")
                        || url.contains("/word")
                        || url.contains("/excel"))
                    && !r.body.starts_with(b"PK\x03\x04")
                {
                    fails.push(format!("{ctx}: the file is not a ZIP package"));
                }
            }
            Check::RoundRows if api => {
                let v = r.json();
                let got: BTreeSet<String> = v["reports"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["unit"]["code"].as_str().unwrap().to_string())
                    .collect();
                let want: BTreeSet<String> = target
                    .rows
                    .iter()
                    .filter(|(_, path)| {
                        p.can_review_reports(&target.path) || p.can_read_report(path)
                    })
                    .map(|(code, _)| code.clone())
                    .collect();
                if got != want {
                    fails.push(format!("{ctx}: round rows {got:?}, expected {want:?}"));
                }
                if v["can_review"].as_bool() != Some(p.can_review_reports(&target.path)) {
                    fails.push(format!("{ctx}: can_review {}", v["can_review"]));
                }
            }
            Check::RoundRows => {}
        }
    }
    fails
}

#[tokio::test]
async fn every_caller_on_every_report_route_gets_the_exact_answer() {
    each_backend(|app| async move {
        // 1. The covered routes, from the code.
        let pages: BTreeSet<(String, String)> = web::pages::routes()
            .list()
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        let routes: BTreeSet<(String, String)> = matrix_support::api_routes()
            .into_iter()
            .chain(pages)
            .filter(|(_, p)| matrix_support::report(p))
            .collect();
        let specs = expectations();
        let declared: BTreeSet<(String, String)> = specs.keys().cloned().collect();
        let missing: Vec<_> = routes.difference(&declared).collect();
        let stale: Vec<_> = declared.difference(&routes).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "the report matrix has no expectation for {missing:?}; expectations without a route: {stale:?}"
        );

        // 2. The callers and the objects.
        for (username, role, unit) in EXTRA {
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
                        member_id: None,
                        display_name: format!("Tài khoản {username}"),
                    },
                )
                .await
                .unwrap();
        }
        let mut callers = Vec::new();
        for (username, _, _) in USERS.iter().chain(EXTRA.iter()) {
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
        assert_eq!(callers.len(), CALLERS.len());
        let adm = callers
            .iter()
            .find(|c| c.name == "admin.tu")
            .and_then(|c| c.principal.clone())
            .unwrap();
        let world = build_world(&app, &adm).await;

        // 3. The cells.
        let mut cells: Vec<Cell<'_>> = Vec::new();
        for (method, path) in &routes {
            let s = &specs[&(method.clone(), path.clone())];
            let targets: Vec<Option<Tgt>> = match s.kind {
                Kind::None => vec![None],
                Kind::Unit => world.units.iter().cloned().map(Some).collect(),
                Kind::Round => world.rounds.iter().cloned().map(Some).collect(),
                Kind::Report => world.reports.iter().cloned().map(Some).collect(),
                Kind::Fresh => world.recipes.iter().cloned().map(Some).collect(),
                Kind::FreshStep | Kind::FreshPage(_) => {
                    let actions = match s.kind {
                        Kind::FreshPage(a) => vec![a],
                        _ => vec![
                            ReportAction::Submit,
                            ReportAction::Return,
                            ReportAction::Accept,
                            ReportAction::Issue,
                        ],
                    };
                    let mut out = Vec::new();
                    for a in actions {
                        for r in &world.recipes {
                            // Return and accept take a submitted report; the rest a draft.
                            let submitted = r.round.is_some()
                                && matches!(a, ReportAction::Return | ReportAction::Accept);
                            out.push(Some(Tgt {
                                label: format!("{} — {}", r.label, a.as_str()),
                                action: Some(a),
                                submitted,
                                ..r.clone()
                            }));
                        }
                    }
                    out
                }
            };
            for t in targets {
                cells.push(Cell {
                    method: method.clone(),
                    path: path.clone(),
                    target: t,
                    spec: Some(s),
                });
            }
        }
        for url in &world.walk {
            cells.push(Cell {
                method: "GET".into(),
                path: url.clone(),
                target: None,
                spec: None,
            });
        }
        let mut counts = BTreeMap::new();
        let mut fails = Vec::new();
        for name in CALLERS {
            let c = callers.iter().find(|c| c.name == name).unwrap();
            fails.extend(run_caller(&app, &adm, c, &cells, &world, &mut counts).await);
        }

        // 4. Every marker was seen by someone allowed; every kind of answer occurred.
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
            "report matrix on {}: {} routes, {} cells × {} callers, {counts:?}",
            app.backend,
            routes.len(),
            cells.len(),
            callers.len()
        );
        for k in [
            "api 200", "api 201", "api 401", "api 403", "api 404", "api 422", "page 200",
            "page 303", "page 404", "page 422",
        ] {
            assert!(
                counts.get(k).copied().unwrap_or(0) >= 3,
                "too few {k} cells: {counts:?}"
            );
        }
        let mut report = String::new();
        for f in &fails {
            let _ = writeln!(report, "  {f}");
        }
        assert!(
            fails.is_empty(),
            "{} report-matrix failures on {}:\n{report}",
            fails.len(),
            app.backend
        );
    })
    .await;
}
