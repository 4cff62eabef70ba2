//! The generated access matrix: every role (admin, office, ward secretary, cell secretary, inspector,
//! member, anonymous) × every route (pages and portal parsed from the `.route(…)` declarations of the
//! source, the API from `web::api::table()`) × every declared method × an object in scope and one out of
//! scope, on every backend.
//!
//! Expectations come from `domain::policy` (and `domain::registration::may` for the workflow): anonymous
//! callers are sent to the login page (pages) or get 401 (API), portal routes excepted; an object the
//! caller may not read answers 404; a role that may read but not act answers 403 or 404; a page POST
//! without the session's CSRF token is refused and changes nothing. In every cell: no 5xx, and no response
//! — page, JSON, XLSX or DOCX, whatever its status — carries a value of an object the caller may not read
//! (names, card and phone numbers, unpublished texts, private model names, meeting titles, uploads).
//! A route without an expectation here, or an expectation without a route, fails the test (OWASP ASVS
//! V4.1: access control enforced on every route, with a test that cannot drift from the router).
//!
//! Writes are sent with an empty body (`{}`, an empty form with the CSRF token, an empty multipart), so
//! nothing the matrix is built on moves. Two consequences: an unreadable object may also answer the 4xx
//! that a missing id gets (the caller still cannot tell them apart), and a refused role that gets 400/422
//! because the body is checked before the role passes when nothing was written (listed as a note; the
//! role check itself is proven with valid bodies in `api_scope.rs` and the feature tests). Deleting cells
//! run last for every caller. Every marker must appear for some caller allowed to read it, so the leak
//! search cannot be blind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod matrix_support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{each_backend, Browser, Resp, TestApp, PASSWORD, USERS};
use domain::policy::{Capability, Principal};
use domain::registration::{Action, Disclosure, Owner};
use domain::Role;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use store::{Actor, ItemInput, NewAccount};

/// What a caller may do with one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Allowed: a read answers 200 (or a same-site redirect), a write is not refused.
    Ok,
    /// Not readable: 404, exactly as for an object that does not exist.
    Hidden,
    /// Readable (or no object) but not allowed for this role: 403 or 404.
    Denied,
}
use Access::{Denied, Hidden};

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

fn cap(allowed: bool) -> Access {
    if allowed {
        Access::Ok
    } else {
        Denied
    }
}

/// The kind of object a route's path parameters name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    None,
    Unit,
    /// A grassroots committee (bulletins).
    Ward,
    Member,
    Registration,
    Model,
    Study,
    Cell,
    Upload,
    Account,
    Feedback,
    Manifestation,
    ImportTemplate,
    PortalUnit,
    PortalRegistration,
    PortalModel,
    Tracking,
}

/// One concrete object a route is tried with.
#[derive(Debug, Clone, Default)]
struct Tgt {
    label: String,
    id: i64,
    /// Photo, result or document id.
    sub: i64,
    /// Unit code, adopting unit, tracking code, manifestation code or template name.
    code: String,
    /// Path of the owner unit (member's cell, meeting's unit, model owner, feedback's unit, account's unit).
    path: String,
    parent_path: String,
    member_id: i64,
    head: bool,
    /// Members expected at a meeting.
    expected: Vec<i64>,
    /// The account that owns an upload.
    owner_user: i64,
    /// Adopting unit path (model adoptions).
    adopt_path: String,
    /// Portal targets: not public (unpublished, private or unknown), so 404 for everyone.
    not_public: bool,
}

type Gate = Box<dyn Fn(&Principal, &Tgt) -> Access + Send + Sync>;

struct Spec {
    kind: Kind,
    gate: Gate,
    /// Open to everyone (portal, login, static files, health).
    public: bool,
    /// Deletes what it names: after an allowed caller, the next allowed one may get 404.
    destructive: bool,
    /// Ends the caller's session or token: tried with a throw-away one.
    ends_session: bool,
    /// Sent as multipart/form-data (file uploads).
    multipart: bool,
}

fn spec(kind: Kind, gate: impl Fn(&Principal, &Tgt) -> Access + Send + Sync + 'static) -> Spec {
    Spec {
        kind,
        gate: Box::new(gate),
        public: false,
        destructive: false,
        ends_session: false,
        multipart: false,
    }
}

fn public(kind: Kind, gate: impl Fn(&Principal, &Tgt) -> Access + Send + Sync + 'static) -> Spec {
    Spec {
        public: true,
        ..spec(kind, gate)
    }
}

fn destructive(s: Spec) -> Spec {
    Spec {
        destructive: true,
        ..s
    }
}

fn multipart(s: Spec) -> Spec {
    Spec {
        multipart: true,
        ..s
    }
}

fn any(_: &Principal, _: &Tgt) -> Access {
    Access::Ok
}

fn anyone_public(_: &Principal, t: &Tgt) -> Access {
    read(!t.not_public)
}

fn unit_read(p: &Principal, t: &Tgt) -> Access {
    read(p.can_read_unit(&t.path))
}
fn unit_write(p: &Principal, t: &Tgt) -> Access {
    write(p.can_read_unit(&t.path), p.can_write_unit(&t.path))
}
fn calendar_write(p: &Principal, t: &Tgt) -> Access {
    write(p.can_read_unit(&t.path), p.can_manage_campaign(&t.path))
}
fn member_read(p: &Principal, t: &Tgt) -> Access {
    read(p.can_read_member(t.member_id, &t.path))
}
fn member_write(p: &Principal, t: &Tgt) -> Access {
    write(
        p.can_read_member(t.member_id, &t.path),
        p.can_write_member(&t.path),
    )
}
fn owner(t: &Tgt) -> Owner<'_> {
    Owner {
        member_id: t.member_id,
        unit_path: &t.path,
        // The heads of this fixture are cell secretaries: approved by their grassroots organisation, the
        // ward (the cell's parent).
        approver_path: if t.head { &t.parent_path } else { &t.path },
        disclosed: t.head,
    }
}
fn reg_visible(p: &Principal, t: &Tgt) -> bool {
    p.can_read_member(t.member_id, &t.path) || p.member_id == Some(t.member_id)
}
fn reg_may(p: &Principal, t: &Tgt, a: Action) -> bool {
    domain::registration::may(p, a, &owner(t)).is_ok()
}
fn reg_read(p: &Principal, t: &Tgt) -> Access {
    read(reg_visible(p, t))
}
fn reg_edit(p: &Principal, t: &Tgt) -> Access {
    write(reg_visible(p, t), reg_may(p, t, Action::Edit))
}
fn reg_approve(p: &Principal, t: &Tgt) -> Access {
    write(reg_visible(p, t), reg_may(p, t, Action::Approve))
}
fn reg_publish(p: &Principal, t: &Tgt) -> Access {
    write(reg_visible(p, t), reg_may(p, t, Action::Publish))
}
fn reg_any_action(p: &Principal, t: &Tgt) -> Access {
    let any = [Action::Edit, Action::Approve, Action::Publish]
        .into_iter()
        .any(|a| reg_may(p, t, a));
    write(reg_visible(p, t), any)
}
/// Writing a registration for someone: the member themself, or whoever manages members.
fn may_write_registrations(p: &Principal) -> bool {
    p.member_id.is_some() || matches!(p.role, Role::Admin | Role::Office | Role::Secretary)
}
fn model_read(p: &Principal, t: &Tgt) -> Access {
    read(p.can_read_model(&t.path))
}
fn model_write(p: &Principal, t: &Tgt) -> Access {
    write(p.can_read_model(&t.path), p.can_manage_model(&t.path))
}
fn model_adopt(p: &Principal, t: &Tgt) -> Access {
    write(p.can_read_model(&t.path), p.has(Capability::ManageModels))
}
fn model_unadopt(p: &Principal, t: &Tgt) -> Access {
    write(
        p.can_read_model(&t.path),
        p.can_remove_adoption(&t.adopt_path, &t.path),
    )
}
fn meeting_visible(p: &Principal, t: &Tgt) -> bool {
    p.can_see_meeting(&t.path)
        && (p.role != Role::Member || p.member_id.is_some_and(|m| t.expected.contains(&m)))
}
fn meeting_read(p: &Principal, t: &Tgt) -> Access {
    read(meeting_visible(p, t))
}
fn meeting_manage(p: &Principal, t: &Tgt) -> Access {
    write(meeting_visible(p, t), p.can_manage_meeting(&t.path))
}
fn meeting_reopen(p: &Principal, t: &Tgt) -> Access {
    write(meeting_visible(p, t), p.can_reopen_meeting(&t.path))
}
fn meeting_mark(p: &Principal, t: &Tgt) -> Access {
    write(meeting_visible(p, t), p.has(Capability::MarkAttendance))
}
fn meeting_checkin(p: &Principal, t: &Tgt) -> Access {
    write(meeting_visible(p, t), p.member_id.is_some())
}
fn upload_owner(p: &Principal, t: &Tgt) -> Access {
    read(t.owner_user == p.user_id)
}
fn account_manage(p: &Principal, t: &Tgt) -> Access {
    if !p.has(Capability::ManageAccounts) {
        return Denied;
    }
    read(p.can_manage_account(Role::Member, &t.path))
}
fn feedback_answer(p: &Principal, t: &Tgt) -> Access {
    if !p.has(Capability::AnswerFeedback) {
        return Denied;
    }
    read(p.can_answer_feedback(&t.path))
}
fn bulletin(p: &Principal, t: &Tgt) -> Access {
    if p.role == Role::Member {
        return Denied;
    }
    read(p.can_read_unit(&t.path))
}
fn rates(p: &Principal) -> Access {
    cap(p.can_read_rates(&p.unit_path))
}
/// The rating's two steps: whoever manages the member's unit reaches the store; who proposes and who
/// decides is answered there with a message (422), not a refusal.
fn member_rating(p: &Principal, t: &Tgt) -> Access {
    write(
        p.can_read_member(t.member_id, &t.path),
        p.can_write_member(&t.path),
    )
}
fn copy_previous(p: &Principal, t: &Tgt) -> Access {
    write(
        p.can_read_member(t.member_id, &t.path),
        reg_may(p, t, Action::Edit),
    )
}

/// The expectation of every route, keyed by `(METHOD, path)` exactly as declared.
fn expectations() -> BTreeMap<(String, String), Spec> {
    use Kind::*;
    let mut m: BTreeMap<(String, String), Spec> = BTreeMap::new();
    let mut put = |method: &str, path: &str, s: Spec| {
        let prev = m.insert((method.to_string(), path.to_string()), s);
        assert!(prev.is_none(), "two expectations for {method} {path}");
    };
    let has = |c: Capability| move |p: &Principal, _: &Tgt| cap(p.has(c));

    // Infrastructure and login.
    put("GET", "/healthz", public(None, any));
    put("GET", "/static/app.css", public(None, any));
    put("GET", "/static/app.js", public(None, any));
    put("GET", "/api/openapi.json", public(None, any));
    put("GET", "/dang-nhap", public(None, any));
    // Without the pre-login cookie the form is refused for everyone (checked below as a refusal).
    put("POST", "/dang-nhap", public(None, any));
    put(
        "POST",
        "/dang-xuat",
        Spec {
            ends_session: true,
            ..spec(None, any)
        },
    );
    put("GET", "/doi-mat-khau", spec(None, any));
    put("POST", "/doi-mat-khau", spec(None, any));
    put("GET", "/", spec(None, any));

    // Units.
    put("GET", "/don-vi/{id}", spec(Unit, unit_read));
    for p in ["sua", "them", "chuyen", "giai-the"] {
        put(
            "POST",
            &format!("/don-vi/{{id}}/{p}"),
            spec(Unit, unit_write),
        );
    }

    // Members.
    put("GET", "/dang-vien", spec(None, any));
    put(
        "GET",
        "/dang-vien/chuc-vu-chua-xac-dinh",
        spec(None, has(Capability::WriteUnits)),
    );
    put(
        "GET",
        "/dang-vien/moi",
        spec(None, has(Capability::WriteMembers)),
    );
    put(
        "POST",
        "/dang-vien/moi",
        spec(None, has(Capability::WriteMembers)),
    );
    put("GET", "/dang-vien/{id}", spec(Member, member_read));
    for p in ["sua", "chuyen"] {
        put(
            "GET",
            &format!("/dang-vien/{{id}}/{p}"),
            spec(Member, member_write),
        );
        put(
            "POST",
            &format!("/dang-vien/{{id}}/{p}"),
            spec(Member, member_write),
        );
    }
    put(
        "POST",
        "/dang-vien/{id}/trang-thai",
        spec(Member, member_write),
    );
    put(
        "GET",
        "/dang-vien/{id}/chuyen-can",
        spec(Member, member_read),
    );
    put(
        "GET",
        "/xuat/dang-vien",
        spec(None, has(Capability::ExportMembers)),
    );

    // Imports.
    // The page: member and unit imports, and for the inspection roles the import of cases.
    put(
        "GET",
        "/nhap-du-lieu",
        spec(None, |p: &Principal, _: &Tgt| {
            cap(p.has(Capability::ImportMembers) || p.has(Capability::ManageInspections))
        }),
    );
    put(
        "POST",
        "/nhap-du-lieu",
        multipart(spec(None, has(Capability::ImportMembers))),
    );
    // The fixture's uploads are member files: retrying one needs the member import too.
    put(
        "POST",
        "/nhap-du-lieu/{id}/thu-lai",
        spec(Upload, |p: &Principal, t: &Tgt| {
            read(t.owner_user == p.user_id && p.has(Capability::ImportMembers))
        }),
    );
    put("GET", "/nhap-du-lieu/{id}/tep", spec(Upload, upload_owner));
    put("GET", "/nhap-du-lieu/mau/{kind}", spec(ImportTemplate, any));

    // Accounts and audit.
    put(
        "GET",
        "/tai-khoan",
        spec(None, has(Capability::ManageAccounts)),
    );
    put(
        "POST",
        "/tai-khoan",
        spec(None, has(Capability::ManageAccounts)),
    );
    put(
        "POST",
        "/tai-khoan/{id}/trang-thai",
        spec(Account, account_manage),
    );
    put(
        "POST",
        "/tai-khoan/{id}/mat-khau",
        spec(Account, account_manage),
    );
    put(
        "POST",
        "/tai-khoan/{id}/dang-vien",
        spec(Account, account_manage),
    );
    put("GET", "/nhat-ky", spec(None, has(Capability::ReadAudit)));
    put(
        "GET",
        "/nhat-ky.xlsx",
        spec(None, has(Capability::ReadAudit)),
    );

    // Campaign, sessions, meetings, attendance.
    put("GET", "/ke-hoach", spec(None, any));
    put(
        "POST",
        "/ke-hoach/moi",
        spec(None, has(Capability::ManageCampaign)),
    );
    put(
        "POST",
        "/ke-hoach/chuyen-de",
        spec(None, has(Capability::ManageCampaign)),
    );
    put(
        "POST",
        "/ke-hoach/lich",
        spec(None, has(Capability::ManageCampaign)),
    );
    put("GET", "/hoc-tap", spec(None, any));
    put(
        "GET",
        "/hoc-tap/moi",
        spec(None, has(Capability::ManageMeetings)),
    );
    put(
        "POST",
        "/hoc-tap/moi",
        spec(None, has(Capability::ManageMeetings)),
    );
    put("GET", "/hoc-tap/{id}", spec(Study, meeting_read));
    put("GET", "/sinh-hoat", spec(None, any));
    put(
        "GET",
        "/sinh-hoat/moi",
        spec(None, has(Capability::ManageMeetings)),
    );
    put(
        "POST",
        "/sinh-hoat/moi",
        spec(None, has(Capability::ManageMeetings)),
    );
    put(
        "POST",
        "/sinh-hoat/chu-de",
        spec(None, has(Capability::ManageMeetings)),
    );
    put("GET", "/sinh-hoat/{id}", spec(Cell, meeting_read));
    // `{section}` routes: expanded to both sections (kind Study is replaced by Cell for "sinh-hoat").
    put(
        "POST",
        "/{section}/{id}/diem-danh",
        spec(Study, meeting_mark),
    );
    put(
        "POST",
        "/{section}/{id}/mo-diem-danh",
        spec(Study, meeting_manage),
    );
    put(
        "POST",
        "/{section}/{id}/dong-diem-danh",
        spec(Study, meeting_manage),
    );
    put("GET", "/{section}/{id}/qr.svg", spec(Study, meeting_manage));
    put("POST", "/{section}/{id}/sua", spec(Study, meeting_manage));
    put(
        "POST",
        "/{section}/{id}/cap-nhat-danh-sach",
        spec(Study, meeting_manage),
    );
    put(
        "POST",
        "/{section}/{id}/mo-lai",
        spec(Study, meeting_reopen),
    );
    put(
        "POST",
        "/{section}/{id}/tai-lieu",
        multipart(spec(Study, meeting_manage)),
    );
    put(
        "GET",
        "/{section}/{id}/tai-lieu/{doc}",
        spec(Study, meeting_read),
    );
    put(
        "GET",
        "/{section}/{id}/danh-sach-ky.xlsx",
        spec(Study, meeting_read),
    );
    put(
        "GET",
        "/{section}/{id}/diem-danh.xlsx",
        spec(Study, meeting_read),
    );
    put(
        "POST",
        "/{section}/{id}/nhap-diem-danh",
        multipart(spec(Study, meeting_mark)),
    );
    put("GET", "/diem-danh", spec(None, any));
    put("POST", "/diem-danh", spec(None, any));
    put("GET", "/chuyen-can", spec(None, any));

    // Registrations.
    put("GET", "/dang-ky", spec(None, any));
    let writes_regs = |p: &Principal, _: &Tgt| cap(may_write_registrations(p));
    put("GET", "/dang-ky/viet", spec(Member, copy_previous));
    put("POST", "/dang-ky/viet", spec(None, writes_regs));
    put("POST", "/dang-ky/kiem-tra", spec(None, writes_regs));
    put("POST", "/dang-ky/sao-chep", spec(None, writes_regs));
    put("GET", "/dang-ky/{id}", spec(Registration, reg_read));
    put("GET", "/dang-ky/{id}/sua", spec(Registration, reg_edit));
    put("POST", "/dang-ky/{id}/sua", spec(Registration, reg_edit));
    put(
        "POST",
        "/dang-ky/{id}/xu-ly",
        spec(Registration, reg_any_action),
    );
    put(
        "POST",
        "/dang-ky/{id}/danh-gia",
        spec(Registration, reg_edit),
    );
    // Ratings: whoever manages the member's unit reaches the store, which answers who proposes and who
    // decides with a message (docs/DOMAIN.md § Rating).
    put(
        "POST",
        "/dang-ky/{id}/xep-loai",
        spec(Registration, |p, t| {
            write(reg_visible(p, t), p.can_write_member(&t.path))
        }),
    );
    put(
        "GET",
        "/dang-ky/xep-loai",
        spec(None, |p, _| cap(p.can_read_unit(&p.unit_path))),
    );
    put("POST", "/dang-ky/xep-loai", spec(None, any));
    put("POST", "/dang-ky/xep-loai/theo-de-xuat", spec(None, any));
    put(
        "GET",
        "/dang-ky/{id}/ban-dang-ky.docx",
        spec(Registration, reg_read),
    );
    put("GET", "/dang-ky/bao-cao", spec(None, |p, _| rates(p)));
    put("GET", "/dang-ky/bao-cao.xlsx", spec(None, |p, _| rates(p)));
    put("GET", "/dang-ky/trung-lap", spec(None, |p, _| rates(p)));

    // Bulletins and feedback.
    put("GET", "/ban-tin/{code}", spec(Ward, bulletin));
    put("GET", "/ban-tin/{code}/{file}", spec(Ward, bulletin));
    put(
        "GET",
        "/phan-anh",
        spec(None, has(Capability::AnswerFeedback)),
    );
    put("GET", "/phan-anh/{id}", spec(Feedback, feedback_answer));
    put(
        "POST",
        "/phan-anh/{id}/kiem-duyet",
        spec(Feedback, feedback_answer),
    );
    put(
        "POST",
        "/phan-anh/{id}/tra-loi",
        spec(Feedback, feedback_answer),
    );

    // Models (pages).
    put("GET", "/mo-hinh", spec(None, any));
    put(
        "GET",
        "/mo-hinh/moi",
        spec(None, has(Capability::ManageModels)),
    );
    put(
        "POST",
        "/mo-hinh/moi",
        spec(None, has(Capability::ManageModels)),
    );
    put("GET", "/mo-hinh/{id}", spec(Model, model_read));
    put("GET", "/mo-hinh/{id}/sua", spec(Model, model_write));
    put("POST", "/mo-hinh/{id}/sua", spec(Model, model_write));
    put("POST", "/mo-hinh/{id}/ket-qua", spec(Model, model_write));
    put(
        "POST",
        "/mo-hinh/{id}/ket-qua/{rid}/xoa",
        destructive(spec(Model, model_write)),
    );
    put(
        "POST",
        "/mo-hinh/{id}/anh",
        multipart(spec(Model, model_write)),
    );
    put("GET", "/mo-hinh/{id}/anh/{pid}", spec(Model, model_read));
    put(
        "GET",
        "/mo-hinh/{id}/anh/{pid}/nho",
        spec(Model, model_read),
    );
    put(
        "POST",
        "/mo-hinh/{id}/anh/{pid}/xoa",
        destructive(spec(Model, model_write)),
    );
    put("POST", "/mo-hinh/{id}/nhan-rong", spec(Model, model_adopt));
    put(
        "POST",
        "/mo-hinh/{id}/nhan-rong/{code}/xoa",
        destructive(spec(Model, model_unadopt)),
    );

    // The public portal.
    put("GET", "/cong-khai", public(None, any));
    put("GET", "/cong-khai/", public(None, any));
    put(
        "GET",
        "/cong-khai/don-vi/{code}",
        public(PortalUnit, anyone_public),
    );
    put(
        "GET",
        "/cong-khai/dang-ky/{id}",
        public(PortalRegistration, anyone_public),
    );
    put(
        "GET",
        "/cong-khai/mo-hinh/{id}",
        public(PortalModel, anyone_public),
    );
    put(
        "GET",
        "/cong-khai/mo-hinh/{id}/anh/{photo}",
        public(PortalModel, anyone_public),
    );
    put(
        "GET",
        "/cong-khai/mo-hinh/{id}/anh-nho/{photo}",
        public(PortalModel, anyone_public),
    );
    put("GET", "/cong-khai/tim-kiem", public(None, any));
    put("POST", "/cong-khai/phan-anh", public(None, any));
    put("GET", "/cong-khai/phan-anh", public(None, any));
    put(
        "GET",
        "/cong-khai/phan-anh/{code}",
        public(Tracking, anyone_public),
    );
    put("POST", "/cong-khai/y-kien", public(None, any));

    // ---- API (paths under /api/v1) ----
    let a = |s: &str| format!("/api/v1{s}");
    put("POST", &a("/auth/token"), public(None, any));
    put(
        "DELETE",
        &a("/auth/token"),
        Spec {
            ends_session: true,
            ..spec(None, any)
        },
    );
    put("GET", &a("/me"), spec(None, any));
    put("GET", &a("/units"), spec(None, any));
    put(
        "POST",
        &a("/units"),
        spec(None, has(Capability::WriteUnits)),
    );
    put("GET", &a("/units/{id}"), spec(Unit, unit_read));
    put("PATCH", &a("/units/{id}"), spec(Unit, unit_write));
    put("POST", &a("/units/{id}/move"), spec(Unit, unit_write));
    put("POST", &a("/units/{id}/close"), spec(Unit, unit_write));
    put(
        "GET",
        &a("/units/{id}/calendar/{year}"),
        spec(Unit, unit_read),
    );
    put(
        "PUT",
        &a("/units/{id}/calendar/{year}"),
        spec(Unit, calendar_write),
    );
    put("GET", &a("/members"), spec(None, any));
    put(
        "POST",
        &a("/members"),
        spec(None, has(Capability::WriteMembers)),
    );
    put("GET", &a("/members/{id}"), spec(Member, member_read));
    put("PATCH", &a("/members/{id}"), spec(Member, member_write));
    put(
        "GET",
        &a("/members/{id}/history"),
        spec(Member, member_read),
    );
    put(
        "POST",
        &a("/members/{id}/transfer"),
        spec(Member, member_write),
    );
    put(
        "POST",
        &a("/members/{id}/status"),
        spec(Member, member_write),
    );
    put(
        "GET",
        &a("/members/{id}/attendance"),
        spec(Member, member_read),
    );
    put(
        "POST",
        &a("/members/{id}/registrations/copy-previous"),
        spec(Member, copy_previous),
    );
    put(
        "POST",
        &a("/members/{id}/rating"),
        spec(Member, member_rating),
    );
    put(
        "POST",
        &a("/members/{id}/rating-proposal"),
        spec(Member, member_rating),
    );
    put(
        "GET",
        &a("/accounts"),
        spec(None, has(Capability::ManageAccounts)),
    );
    put(
        "POST",
        &a("/accounts"),
        spec(None, has(Capability::ManageAccounts)),
    );
    put(
        "PUT",
        &a("/accounts/{id}/member"),
        spec(Account, account_manage),
    );
    put("GET", &a("/audit"), spec(None, has(Capability::ReadAudit)));
    put(
        "POST",
        &a("/import/units"),
        multipart(spec(None, has(Capability::ImportUnits))),
    );
    put(
        "POST",
        &a("/import/members"),
        multipart(spec(None, has(Capability::ImportMembers))),
    );
    put(
        "GET",
        &a("/export/members"),
        spec(None, has(Capability::ExportMembers)),
    );
    put("GET", &a("/study-sessions"), spec(None, any));
    put(
        "POST",
        &a("/study-sessions"),
        spec(None, has(Capability::ManageMeetings)),
    );
    put("GET", &a("/study-sessions/{id}"), spec(Study, meeting_read));
    put(
        "PUT",
        &a("/study-sessions/{id}/attendance"),
        spec(Study, meeting_mark),
    );
    put(
        "POST",
        &a("/study-sessions/{id}/check-in"),
        spec(Study, meeting_checkin),
    );
    put(
        "POST",
        &a("/study-sessions/{id}/check-in-code"),
        spec(Study, meeting_manage),
    );
    put(
        "DELETE",
        &a("/study-sessions/{id}/check-in-code"),
        spec(Study, meeting_manage),
    );
    put("GET", &a("/cell-meetings"), spec(None, any));
    put(
        "POST",
        &a("/cell-meetings"),
        spec(None, has(Capability::ManageMeetings)),
    );
    put("GET", &a("/cell-meetings/{id}"), spec(Cell, meeting_read));
    put(
        "PUT",
        &a("/cell-meetings/{id}/attendance"),
        spec(Cell, meeting_mark),
    );
    put(
        "GET",
        &a("/attendance/summary"),
        spec(None, |p, _| rates(p)),
    );
    put("GET", &a("/attendance/units"), spec(None, |p, _| rates(p)));
    put(
        "GET",
        &a("/attendance/absentees"),
        spec(None, |p, _| rates(p)),
    );
    put("GET", &a("/directives"), spec(None, any));
    put(
        "POST",
        &a("/directives"),
        spec(None, has(Capability::ManageCampaign)),
    );
    put("GET", &a("/plans"), spec(None, any));
    put(
        "POST",
        &a("/plans"),
        spec(None, has(Capability::ManageCampaign)),
    );
    put("GET", &a("/themes"), spec(None, any));
    put(
        "PUT",
        &a("/themes"),
        spec(None, has(Capability::ManageCampaign)),
    );
    put("GET", &a("/topics"), spec(None, any));
    put(
        "PUT",
        &a("/topics"),
        spec(None, has(Capability::ManageMeetings)),
    );
    put("POST", &a("/registrations"), spec(None, writes_regs));
    put("GET", &a("/registrations"), spec(None, |p, _| rates(p)));
    put("GET", &a("/registrations/queue"), spec(None, any));
    put(
        "GET",
        &a("/registrations/report"),
        spec(None, |p, _| rates(p)),
    );
    put(
        "GET",
        &a("/registrations/copy-clusters"),
        spec(None, |p, _| rates(p)),
    );
    put(
        "GET",
        &a("/registrations/{id}"),
        spec(Registration, reg_read),
    );
    put(
        "PUT",
        &a("/registrations/{id}"),
        spec(Registration, reg_edit),
    );
    put(
        "POST",
        &a("/registrations/{id}/submit"),
        spec(Registration, reg_edit),
    );
    put(
        "POST",
        &a("/registrations/{id}/revise"),
        spec(Registration, reg_edit),
    );
    put(
        "POST",
        &a("/registrations/{id}/approve"),
        spec(Registration, reg_approve),
    );
    put(
        "POST",
        &a("/registrations/{id}/return"),
        spec(Registration, reg_approve),
    );
    put(
        "POST",
        &a("/registrations/{id}/publish"),
        spec(Registration, reg_publish),
    );
    put(
        "POST",
        &a("/registrations/{id}/review"),
        spec(Registration, reg_edit),
    );
    put(
        "POST",
        &a("/registrations/{id}/assess"),
        spec(Registration, reg_approve),
    );
    put("GET", &a("/manifestations"), spec(None, any));
    put(
        "PUT",
        &a("/manifestations/{code}"),
        spec(Manifestation, |p, _| {
            cap(matches!(p.role, Role::Admin | Role::Office)
                && p.unit_path.matches('/').count() == 2)
        }),
    );
    put("GET", &a("/models"), spec(None, any));
    put(
        "POST",
        &a("/models"),
        spec(None, has(Capability::ManageModels)),
    );
    put("GET", &a("/models/adopted"), spec(None, any));
    put("GET", &a("/models/{id}"), spec(Model, model_read));
    put("PUT", &a("/models/{id}"), spec(Model, model_write));
    put("POST", &a("/models/{id}/results"), spec(Model, model_write));
    put(
        "DELETE",
        &a("/models/{id}/results/{result_id}"),
        destructive(spec(Model, model_write)),
    );
    put(
        "POST",
        &a("/models/{id}/adoptions"),
        spec(Model, model_adopt),
    );
    put(
        "DELETE",
        &a("/models/{id}/adoptions/{unit_code}"),
        destructive(spec(Model, model_unadopt)),
    );
    put(
        "POST",
        &a("/models/{id}/photos"),
        multipart(spec(Model, model_write)),
    );
    put(
        "GET",
        &a("/models/{id}/photos/{photo_id}"),
        spec(Model, model_read),
    );
    put(
        "GET",
        &a("/models/{id}/photos/{photo_id}/thumbnail"),
        spec(Model, model_read),
    );
    put(
        "DELETE",
        &a("/models/{id}/photos/{photo_id}"),
        destructive(spec(Model, model_write)),
    );
    put("POST", &a("/public/feedback"), public(None, any));
    m
}

/// Who may read a marker (`None` = anonymous).
type Readable = Box<dyn Fn(Option<&Principal>) -> bool + Send + Sync>;

/// A value that must never reach a caller who may not read its object.
struct Marker {
    text: String,
    what: String,
    readable: Readable,
}

/// The objects of the matrix and the values that identify them.
struct World {
    targets: BTreeMap<&'static str, Vec<Tgt>>,
    markers: Vec<Marker>,
    /// Per user name: that user's upload ("in") and someone else's ("out").
    uploads: BTreeMap<String, (i64, i64)>,
    upload_owner: BTreeMap<i64, i64>,
    /// Markers seen in a response to a caller allowed to read them (proves the search can fail).
    seen: std::sync::Mutex<BTreeSet<String>>,
}

const YEAR: i32 = 2026;

fn item(content: &str) -> Value {
    json!({"content": content, "duty": "Công tác dân vận", "target": "12 hộ", "deadline": "2026-12-31"})
}

async fn ok_json(r: Resp, what: &str) -> Value {
    assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text());
    r.json()
}

/// A multipart body with a CSRF field and optionally a file.
fn multipart_body(csrf: Option<&str>, file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----lamtheoMatrixBoundary";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn admin_principal(app: &TestApp) -> Principal {
    let root = app.fx.unit("TU");
    Principal {
        user_id: 0,
        username: "matrix".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    }
}

async fn build_world(app: &TestApp, tokens: &BTreeMap<String, String>, ps: &[Principal]) -> World {
    let admin = tokens["admin.tu"].as_str();
    let fx = &app.fx;
    let path = |c: &str| fx.unit(c).path.clone();
    let binh = fx.member("Nguyễn Văn Bình").clone();
    let mai = fx.member("Trần Thị Mai").clone();
    let thang = fx.member("Nguyễn Hữu Thắng").clone();
    let mut markers: Vec<Marker> = Vec::new();
    let member_marker = |text: String, m: &common::FxMember, what: &str| {
        let (id, path) = (m.id, m.unit_path.clone());
        Marker {
            text,
            what: what.to_string(),
            readable: Box::new(move |p| p.is_some_and(|p| p.can_read_member(id, &path))),
        }
    };
    // Private values of members: card, phone, citizen ID; names of members with nothing public.
    for (n, m) in fx.members.iter().enumerate() {
        let cid = format!("0790800000{:02}", n + 1);
        markers.push(member_marker(
            m.card.clone(),
            m,
            &format!("card of {}", m.name),
        ));
        markers.push(member_marker(
            m.phone.clone(),
            m,
            &format!("phone of {}", m.name),
        ));
        markers.push(member_marker(cid, m, &format!("citizen ID of {}", m.name)));
    }
    for m in [&mai, &thang] {
        markers.push(member_marker(
            m.name.clone(),
            m,
            &format!("name of {}", m.name),
        ));
    }

    // Registrations of the year, drafts, each with a private marker in its text.
    let mut regs = Vec::new();
    for (m, tag) in [
        (&binh, "MTXREGBINH"),
        (&mai, "MTXREGMAI"),
        (&thang, "MTXREGTHANG"),
    ] {
        let v = ok_json(
            app.api(
                Method::POST,
                "/api/v1/registrations",
                Some(admin),
                Some(&json!({"member_id": m.id, "year": YEAR, "items": [
                    item(&format!("Vận động 12 hộ lắp đèn chiếu sáng hẻm {tag} trước Tết"))]})),
            )
            .await,
            "registration",
        )
        .await;
        let head = m.name != mai.name;
        let cell = fx.unit(&m.unit_code);
        let parent = fx
            .units
            .values()
            .find(|u| Some(u.id) == cell.parent_id)
            .map(|u| u.path.clone())
            .unwrap_or_default();
        let t = Tgt {
            label: format!("registration of {}", m.name),
            id: v["id"].as_i64().unwrap(),
            path: m.unit_path.clone(),
            parent_path: parent,
            member_id: m.id,
            head,
            ..Default::default()
        };
        let t2 = t.clone();
        markers.push(Marker {
            text: tag.to_string(),
            what: t.label.clone(),
            readable: Box::new(move |p| p.is_some_and(|p| reg_visible(p, &t2))),
        });
        regs.push(t);
    }
    // A published registration of last year for the portal (Bình is his cell's secretary: disclosed).
    let published = {
        let db = app.db.clone().with_disclosure(Disclosure::All);
        let sec = ps.iter().find(|p| p.username == "bithu.p1c1").unwrap();
        let ward = ps.iter().find(|p| p.username == "bithu.p1").unwrap();
        let cli = Actor::system("matrix");
        let items = vec![ItemInput::new(
            "Vận động 12 hộ trong khu phố lắp đèn chiếu sáng hẻm 5 trước Tết",
            "Công tác dân vận",
            "12 hộ",
            Some(common::d(2025, 12, 31)),
        )];
        let r = db
            .registrations()
            .create_registration(&cli, sec, binh.id, 2025, &items)
            .await
            .unwrap();
        db.registrations()
            .registration_action(&cli, sec, r.id, Action::Submit, "", &[])
            .await
            .unwrap();
        let approver = if r.head { ward } else { sec };
        db.registrations()
            .registration_action(&cli, approver, r.id, Action::Approve, "", &[])
            .await
            .unwrap();
        db.registrations()
            .registration_action(&cli, ward, r.id, Action::Publish, "", &[])
            .await
            .unwrap()
            .id
    };

    // Models: a private one in each ward's cell, with a result, a photo and an adoption; a public one in
    // each for the portal and for citizens' feedback.
    let png = office::solid_png(64, 48, [183, 28, 28]).unwrap();
    let mut models = Vec::new();
    let mut public_models = Vec::new();
    for (cell, tag, public, adopter) in [
        ("P1-C1", "MTXMODP1", false, "P1-C2"),
        ("P2-C1", "MTXMODP2", false, "P2"),
        ("P1-C1", "", true, ""),
        ("P2-C1", "", true, ""),
    ] {
        let name = if public {
            format!("Mô hình công khai của {cell}")
        } else {
            format!("Mô hình {tag} riêng")
        };
        let v = ok_json(
            app.api(
                Method::POST,
                "/api/v1/models",
                Some(admin),
                Some(&json!({"unit_code": cell, "name": name, "field": "Dân vận", "started_on": "2020-03-01",
                             "description": "Vận động nhân dân giữ vệ sinh đường làng", "participants": "Chi hội",
                             "participants_count": 20, "public": public})),
            )
            .await,
            "model",
        )
        .await;
        let id = v["id"].as_i64().unwrap();
        let (ct, body) = multipart_body(None, Some(("anh.png", &png)));
        let photo = ok_json(
            app.raw(
                Method::POST,
                &format!("/api/v1/models/{id}/photos"),
                Some(admin),
                Some(&ct),
                body,
            )
            .await,
            "photo",
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let mut t = Tgt {
            label: format!("model of {cell}{}", if public { " (public)" } else { "" }),
            id,
            sub: photo,
            path: path(cell),
            ..Default::default()
        };
        if public {
            public_models.push(t);
            continue;
        }
        let result = ok_json(
            app.api(
                Method::POST,
                &format!("/api/v1/models/{id}/results"),
                Some(admin),
                Some(
                    &json!({"measured_on": "2026-06-30", "indicator": "Hộ tham gia", "value": 15.0,
                             "unit": "hộ", "note": format!("Kết quả {tag}RES")}),
                ),
            )
            .await,
            "result",
        )
        .await;
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/models/{id}/adoptions"),
                Some(admin),
                Some(
                    &json!({"unit_code": adopter, "adopted_on": "2026-05-01", "note": "Nhân rộng"}),
                ),
            )
            .await;
        assert!(r.status.is_success(), "adoption by {adopter}: {}", r.text());
        t.code = adopter.to_string();
        t.adopt_path = path(adopter);
        let (owner_path, adopt_path) = (t.path.clone(), t.adopt_path.clone());
        markers.push(Marker {
            text: tag.to_string(),
            what: t.label.clone(),
            readable: Box::new(move |p| {
                p.is_some_and(|p| p.can_read_model(&owner_path) || p.covers(&adopt_path))
            }),
        });
        models.push((t, result["id"].as_i64().unwrap()));
    }

    // Meetings: a study session and a cell meeting in each ward's cell, each with a document.
    let mut studies = Vec::new();
    let mut cells = Vec::new();
    let admin_p = admin_principal(app);
    for (cell, tag) in [("P1-C1", "P1"), ("P2-C1", "P2")] {
        for (kind, list) in [
            ("study-sessions", &mut studies),
            ("cell-meetings", &mut cells),
        ] {
            let title = format!(
                "Buổi MTX{}{tag}",
                if kind == "study-sessions" {
                    "STUDY"
                } else {
                    "CELL"
                }
            );
            let v = ok_json(
                app.api(
                    Method::POST,
                    &format!("/api/v1/{kind}"),
                    Some(admin),
                    Some(
                        &json!({"unit_code": cell, "date": "2026-11-27", "title": title,
                                 "minutes": format!("Biên bản {title}")}),
                    ),
                )
                .await,
                kind,
            )
            .await;
            let id = v["id"].as_i64().unwrap();
            let doc = app
                .db
                .attendance()
                .add_document(
                    &Actor::system("matrix"),
                    &admin_p,
                    id,
                    "bien-ban.pdf",
                    format!("%PDF-1.4\n% {title}DOC\n%%EOF\n").as_bytes(),
                )
                .await
                .unwrap();
            let now = app.db.now();
            app.db
                .attendance()
                .open_checkin(
                    &Actor::system("matrix"),
                    &admin_p,
                    id,
                    now,
                    now + chrono::Duration::hours(2),
                )
                .await
                .unwrap();
            let expected: Vec<i64> = fx.members_in(cell).iter().map(|m| m.id).collect();
            let t = Tgt {
                label: format!("{kind} of {cell}"),
                id,
                sub: doc.id,
                path: path(cell),
                expected: expected.clone(),
                ..Default::default()
            };
            let t2 = t.clone();
            markers.push(Marker {
                text: title.clone(),
                what: t.label.clone(),
                readable: Box::new(move |p| p.is_some_and(|p| meeting_visible(p, &t2))),
            });
            list.push(t);
        }
    }

    // Uploads: one per user, readable by that user only.
    let mut uploads = BTreeMap::new();
    let mut upload_owner = BTreeMap::new();
    let mut ids = Vec::new();
    for p in ps {
        let content = format!("Họ và tên,Mã\nUPLOAD MTXUPL{} ,1\n", p.user_id);
        let id = app
            .db
            .accounts()
            .save_upload(p.user_id, "members", "dang-vien.csv", content.as_bytes())
            .await
            .unwrap();
        upload_owner.insert(id, p.user_id);
        ids.push((p.username.clone(), p.user_id, id));
        let owner = p.user_id;
        markers.push(Marker {
            text: format!("MTXUPL{} ", p.user_id),
            what: format!("upload of {}", p.username),
            readable: Box::new(move |q| q.is_some_and(|q| q.user_id == owner)),
        });
    }
    for (i, (name, _, id)) in ids.iter().enumerate() {
        let other = ids[(i + 1) % ids.len()].2;
        uploads.insert(name.clone(), (*id, other));
    }

    // Two plain member accounts to act on (status, password reset).
    let mut accounts = Vec::new();
    for (u, cell, m) in [("mtx.p1", "P1-C1", &mai), ("mtx.p2", "P2-C1", &thang)] {
        let acc = app
            .db
            .accounts()
            .create_account(
                &Actor::system("matrix"),
                None,
                &NewAccount {
                    username: u.into(),
                    password: PASSWORD.into(),
                    role: Role::Member,
                    unit_code: cell.into(),
                    member_id: Some(m.id),
                    display_name: format!("Tài khoản {u}"),
                },
            )
            .await
            .unwrap();
        accounts.push(Tgt {
            label: format!("account {u}"),
            id: acc.id,
            path: path(cell),
            ..Default::default()
        });
    }

    // Citizens' feedback on the public models (pending moderation: private to the unit's managers).
    let mut feedback = Vec::new();
    let mut tracking = Vec::new();
    for (pm, tag) in public_models.iter().zip(["MTXFBP1", "MTXFBP2"]) {
        let v = ok_json(
            app.api(
                Method::POST,
                "/api/v1/public/feedback",
                None,
                Some(&json!({"subject_type": "model", "subject_id": pm.id,
                             "content": format!("Đèn hẻm chưa sửa, mã {tag}, mong chi bộ quan tâm."),
                             "name": format!("Người dân {tag}NAME"), "contact": "0912345678"})),
            )
            .await,
            "feedback",
        )
        .await;
        let t = Tgt {
            label: format!("feedback on {}", pm.label),
            id: v["id"].as_i64().unwrap(),
            path: pm.path.clone(),
            ..Default::default()
        };
        let owner_path = t.path.clone();
        markers.push(Marker {
            text: format!("{tag}NAME"),
            what: format!("citizen's name on {}", t.label),
            readable: Box::new(move |p| p.is_some_and(|p| p.can_answer_feedback(&owner_path))),
        });
        tracking.push(Tgt {
            label: "tracking code".into(),
            code: v["tracking_code"].as_str().unwrap().to_string(),
            ..Default::default()
        });
        feedback.push(t);
    }
    tracking.push(Tgt {
        label: "unknown tracking code".into(),
        code: "KHONGCOMA1".into(),
        not_public: true,
        ..Default::default()
    });

    let unit = |c: &str| Tgt {
        label: format!("unit {c}"),
        id: fx.unit(c).id,
        code: c.to_string(),
        path: path(c),
        ..Default::default()
    };
    let member = |m: &common::FxMember| {
        let cell = fx.unit(&m.unit_code);
        Tgt {
            label: format!("member {}", m.name),
            id: m.id,
            path: m.unit_path.clone(),
            parent_path: fx
                .units
                .values()
                .find(|u| Some(u.id) == cell.parent_id)
                .map(|u| u.path.clone())
                .unwrap_or_default(),
            member_id: m.id,
            head: m.name != mai.name,
            ..Default::default()
        }
    };
    let model_targets: Vec<Tgt> = models.iter().map(|(t, _)| t.clone()).collect();
    let mut targets: BTreeMap<&'static str, Vec<Tgt>> = BTreeMap::new();
    targets.insert("unit", vec![unit("P1-C1"), unit("P2-C1")]);
    // Phúc has no registration of the year: the editor opens for him.
    let phuc = fx.member("Lê Hoàng Phúc").clone();
    targets.insert(
        "member",
        vec![member(&binh), member(&mai), member(&phuc), member(&thang)],
    );
    targets.insert("registration", regs);
    targets.insert("model", model_targets);
    targets.insert("study", studies);
    targets.insert("cell", cells);
    targets.insert("account", accounts);
    targets.insert("feedback", feedback);
    // The portal's private targets: a draft registration and a private model (id 0 marks "not public";
    // the real id is in `sub` / `code`).
    let draft = targets["registration"][2].id;
    targets.insert(
        "portal_registration",
        vec![
            Tgt {
                label: "published registration".into(),
                id: published,
                ..Default::default()
            },
            Tgt {
                label: "draft registration".into(),
                id: draft,
                not_public: true,
                ..Default::default()
            },
        ],
    );
    let private_model = &models[1].0;
    targets.insert(
        "portal_model",
        vec![
            public_models[0].clone(),
            Tgt {
                label: "private model on the portal".into(),
                not_public: true,
                ..private_model.clone()
            },
        ],
    );
    targets.insert("ward", vec![unit("P1"), unit("P2")]);
    let mut unknown = unit("P1");
    unknown.label = "unknown unit code".into();
    unknown.code = "KHONGCO".into();
    unknown.not_public = true;
    targets.insert("portal_unit", vec![unit("P1"), unit("P2"), unknown]);
    targets.insert("tracking", tracking);
    // Result ids ride along with their model (`adopt_path` and `code` are already used).
    for (t, rid) in &models {
        targets
            .get_mut("model")
            .unwrap()
            .iter_mut()
            .find(|m| m.id == t.id)
            .unwrap()
            .expected = vec![*rid];
    }
    World {
        targets,
        markers,
        uploads,
        upload_owner,
        seen: std::sync::Mutex::new(BTreeSet::new()),
    }
}

/// One caller: a role with its API token and browser session, or anonymous.
struct Caller {
    name: String,
    principal: Option<Principal>,
    token: Option<String>,
    browser: Option<Browser>,
}

/// The concrete URLs of a route for one target. `{section}` routes come in both sections.
fn urls(path: &str, kind: Kind, t: Option<&Tgt>) -> String {
    let Some(t) = t else {
        return path
            .replace("{kind}", "dang-vien.xlsx")
            .replace("{code}", "01");
    };
    let mut u = path.to_string();
    match kind {
        Kind::Unit | Kind::Ward | Kind::PortalUnit => {
            u = u
                .replace("{id}", &t.id.to_string())
                .replace("{code}", &t.code)
                .replace("{year}", "2026");
            u = u.replace("{file}", "kich-ban.txt");
        }
        Kind::Model => {
            let rid = t.expected.first().copied().unwrap_or(0);
            u = u
                .replace("{id}", &t.id.to_string())
                .replace("{pid}", &t.sub.to_string())
                .replace("{photo_id}", &t.sub.to_string())
                .replace("{rid}", &rid.to_string())
                .replace("{result_id}", &rid.to_string())
                .replace("{code}", &t.code)
                .replace("{unit_code}", &t.code);
        }
        Kind::PortalModel => {
            u = u
                .replace("{id}", &t.id.to_string())
                .replace("{photo}", &t.sub.to_string());
        }
        Kind::PortalRegistration => u = u.replace("{id}", &t.id.to_string()),
        Kind::Study | Kind::Cell => {
            u = u
                .replace("{id}", &t.id.to_string())
                .replace("{doc}", &t.sub.to_string());
        }
        Kind::Tracking => u = u.replace("{code}", &t.code),
        _ => u = u.replace("{id}", &t.id.to_string()),
    }
    if path == "/dang-ky/viet" {
        // The editor for one member's registration of the year.
        u = format!("{u}?dang-vien={}", t.member_id);
    }
    u
}

/// Replaces the main id of a URL by one that does not exist (for "cannot tell apart from missing").
fn ghost(url: &str, t: &Tgt) -> String {
    let id = t.id.to_string();
    url.splitn(2, &format!("/{id}"))
        .collect::<Vec<_>>()
        .join("/987654")
}

struct Cell<'a> {
    method: &'a str,
    url: String,
    ghost_url: Option<String>,
    target: Option<Tgt>,
    spec: &'a Spec,
    route: String,
}

fn is_api(url: &str) -> bool {
    url.starts_with("/api/")
}

async fn send(app: &TestApp, c: &Caller, cell: &Cell<'_>, url: &str, csrf: bool) -> Resp {
    let method = Method::from_bytes(cell.method.as_bytes()).unwrap();
    let mut b = Request::builder().method(method.clone()).uri(url);
    if is_api(url) {
        if let Some(t) = &c.token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if method == Method::GET {
            return app.send(b.body(Body::empty()).unwrap()).await;
        }
        if cell.spec.multipart {
            let (ct, body) = multipart_body(None, None);
            b = b.header(header::CONTENT_TYPE, ct);
            return app.send(b.body(Body::from(body)).unwrap()).await;
        }
        b = b.header(header::CONTENT_TYPE, "application/json");
        return app.send(b.body(Body::from("{}")).unwrap()).await;
    }
    if let Some(br) = &c.browser {
        b = b.header(header::COOKIE, &br.cookie);
    }
    if method == Method::GET {
        return app.send(b.body(Body::empty()).unwrap()).await;
    }
    let token = c
        .browser
        .as_ref()
        .filter(|_| csrf)
        .map(|br| br.csrf.clone());
    if cell.spec.multipart {
        let (ct, body) = multipart_body(token.as_deref(), None);
        b = b.header(header::CONTENT_TYPE, ct);
        return app.send(b.body(Body::from(body)).unwrap()).await;
    }
    let form = match token {
        Some(t) => format!("csrf={t}"),
        None => String::new(),
    };
    b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    app.send(b.body(Body::from(form)).unwrap()).await
}

fn body_text(r: &Resp) -> String {
    match matrix_support::zip_text(&r.body) {
        Some(t) => format!("{}\n{t}", r.text()),
        None => r.text(),
    }
}

/// Checks one response against the universal rules: no 5xx, no value the caller may not read.
fn universal(r: &Resp, c: &Caller, ctx: &str, world: &World, fails: &mut Vec<String>) {
    if r.status.is_server_error() {
        fails.push(format!("{ctx}: server error {}", r.status));
    }
    let text = body_text(r);
    for m in &world.markers {
        if !text.contains(&m.text) {
            continue;
        }
        if (m.readable)(c.principal.as_ref()) {
            world.seen.lock().unwrap().insert(m.text.clone());
        } else {
            fails.push(format!(
                "{ctx}: answered {} with {} ({:?})",
                r.status, m.what, m.text
            ));
        }
    }
}

fn redirect_to_login(r: &Resp) -> bool {
    r.status.is_redirection()
        && r.header("location")
            .is_some_and(|l| l.starts_with("/dang-nhap"))
}

/// Runs every cell for one caller; returns the failures.
async fn run_caller(
    app: &TestApp,
    c: &Caller,
    cells: &[Cell<'_>],
    world: &World,
    counts: &mut BTreeMap<&'static str, usize>,
    notes: &mut BTreeSet<String>,
) -> Vec<String> {
    let mut fails = Vec::new();
    for cell in cells {
        let url = match (&cell.target, c.principal.as_ref()) {
            // Uploads: the caller's own and another user's.
            (Some(t), Some(p)) if cell.spec.kind == Kind::Upload => {
                let (own, other) = world.uploads[&p.username];
                cell.url.replace(
                    &t.id.to_string(),
                    &if t.sub == 0 { own } else { other }.to_string(),
                )
            }
            _ => cell.url.clone(),
        };
        let target = cell.target.clone().map(|mut t| {
            if cell.spec.kind == Kind::Upload {
                if let Some(p) = c.principal.as_ref() {
                    let (own, other) = world.uploads[&p.username];
                    let id = if t.sub == 0 { own } else { other };
                    t.id = id;
                    t.owner_user = world.upload_owner[&id];
                }
            }
            t
        });
        let ctx = format!(
            "[{}] {} {} ({})",
            c.name,
            cell.method,
            url,
            target.as_ref().map(|t| t.label.as_str()).unwrap_or("-")
        );
        let api = is_api(&url);
        let is_get = cell.method == "GET";

        // Anonymous callers.
        let Some(p) = c.principal.as_ref() else {
            let r = send(app, c, cell, &url, false).await;
            universal(&r, c, &ctx, world, &mut fails);
            *counts.entry("requests").or_default() += 1;
            if cell.route == "POST /dang-nhap" {
                login_refused(&r, &ctx, &mut fails);
            } else if cell.spec.public {
                check_allowed_or_public(&r, cell, &target, None, &ctx, &mut fails);
            } else if api {
                if r.status != StatusCode::UNAUTHORIZED {
                    fails.push(format!("{ctx}: expected 401, got {}", r.status));
                }
            } else if !redirect_to_login(&r) {
                fails.push(format!(
                    "{ctx}: expected a redirect to the login page, got {}",
                    r.status
                ));
            }
            continue;
        };
        let access = (cell.spec.gate)(p, target.as_ref().unwrap_or(&Tgt::default()));
        *counts
            .entry(match access {
                Access::Ok => "allowed",
                Hidden => "hidden",
                Denied => "denied",
            })
            .or_default() += 1;

        // Callers that end their session get a fresh one for this cell.
        let fresh;
        let caller = if cell.spec.ends_session {
            fresh = Caller {
                name: c.name.clone(),
                principal: c.principal.clone(),
                token: Some(app.token(&p.username).await),
                browser: Some(app.browser(&p.username).await),
            };
            &fresh
        } else {
            c
        };

        // A page POST without the CSRF token: refused, nothing written.
        let csrf_page = !api && !is_get && !cell.spec.public;
        if csrf_page {
            let before = app.audit_total().await;
            let r = send(app, caller, cell, &url, false).await;
            *counts.entry("requests").or_default() += 1;
            universal(
                &r,
                caller,
                &format!("{ctx} without CSRF"),
                world,
                &mut fails,
            );
            if !matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
                fails.push(format!(
                    "{ctx} without CSRF: expected 403/404, got {}",
                    r.status
                ));
            }
            if app.audit_total().await != before {
                fails.push(format!("{ctx} without CSRF: something was written"));
            }
        }

        let before = if is_get { 0 } else { app.audit_total().await };
        let r = send(app, caller, cell, &url, true).await;
        *counts.entry("requests").or_default() += 1;
        universal(&r, caller, &ctx, world, &mut fails);
        if cell.route == "POST /dang-nhap" {
            login_refused(&r, &ctx, &mut fails);
            continue;
        }
        match access {
            Access::Ok => check_allowed_or_public(&r, cell, &target, Some(p), &ctx, &mut fails),
            Hidden | Denied => {
                let want: &[StatusCode] = if access == Hidden {
                    &[StatusCode::NOT_FOUND]
                } else {
                    &[StatusCode::FORBIDDEN, StatusCode::NOT_FOUND]
                };
                // A role refused on a readable object may also be sent back to a page it may read.
                let redirected = access == Denied
                    && is_get
                    && r.status.is_redirection()
                    && r.header("location")
                        .is_some_and(|l| l.starts_with('/') && !l.starts_with("//"));
                // A write whose (deliberately empty) body is refused before the role is checked: allowed
                // when nothing is written and the object is one the caller may read anyway. Listed, not
                // failed: with a valid body the role check decides.
                let validated_first = access == Denied
                    && !is_get
                    && matches!(
                        r.status,
                        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
                    );
                if validated_first {
                    notes.insert(format!(
                        "{} answers {} to a refused role with an empty body",
                        cell.route,
                        r.status.as_u16()
                    ));
                }
                if !want.contains(&r.status) && !redirected && !validated_first {
                    // A write refused before its object is looked at (a malformed body, say) must answer
                    // exactly as for an object that does not exist.
                    let same_as_missing = match (&cell.ghost_url, is_get) {
                        (Some(g), false) if r.status.is_client_error() => {
                            let g = send(app, caller, cell, g, true).await;
                            g.status == r.status
                        }
                        _ => false,
                    };
                    if !same_as_missing {
                        fails.push(format!(
                            "{ctx}: expected {}, got {}{}",
                            if access == Hidden { "404" } else { "403/404" },
                            r.status,
                            short(&r)
                        ));
                    }
                }
                if !is_get && app.audit_total().await != before {
                    fails.push(format!(
                        "{ctx}: refused write changed something (audit grew)"
                    ));
                }
            }
        }
    }
    fails
}

/// A login form posted without its pre-login cookie: no session, no redirect, whoever asks.
fn login_refused(r: &Resp, ctx: &str, fails: &mut Vec<String>) {
    if r.cookie(web::auth::SESSION_COOKIE).is_some() || r.status.is_redirection() {
        fails.push(format!(
            "{ctx}: a login without its form cookie answered {}",
            r.status
        ));
    }
}

fn short(r: &Resp) -> String {
    let t = r.text();
    let t: String = t.chars().take(160).collect();
    if r.content_type().starts_with("application/problem+json") {
        format!(" — {t}")
    } else {
        String::new()
    }
}

fn check_allowed_or_public(
    r: &Resp,
    cell: &Cell<'_>,
    target: &Option<Tgt>,
    p: Option<&Principal>,
    ctx: &str,
    fails: &mut Vec<String>,
) {
    let access = match (cell.spec.public, p) {
        (true, _) => (cell.spec.gate)(
            p.cloned().as_ref().unwrap_or(&anonymous_principal()),
            target.as_ref().unwrap_or(&Tgt::default()),
        ),
        (false, Some(_)) => Access::Ok,
        (false, None) => return,
    };
    match access {
        Hidden => {
            if r.status != StatusCode::NOT_FOUND {
                fails.push(format!("{ctx}: expected 404, got {}", r.status));
            }
            return;
        }
        Denied => {
            if r.status.is_success() || r.status.is_redirection() {
                fails.push(format!("{ctx}: expected a refusal, got {}", r.status));
            }
            return;
        }
        Access::Ok => {}
    }
    let is_get = cell.method == "GET";
    if is_get {
        let same_site = r.status.is_redirection()
            && r.header("location")
                .is_some_and(|l| l.starts_with('/') && !l.starts_with("//"));
        if !(r.status.is_success() || same_site) {
            fails.push(format!(
                "{ctx}: allowed read answered {}{}",
                r.status,
                short(r)
            ));
        }
    } else {
        // An empty body names no object: a route without one in its path may answer 404 for it.
        let refused = matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
            || (r.status == StatusCode::NOT_FOUND
                && !cell.spec.destructive
                && cell.spec.kind != Kind::None);
        if refused {
            fails.push(format!(
                "{ctx}: allowed write refused with {}{}",
                r.status,
                short(r)
            ));
        }
    }
}

fn anonymous_principal() -> Principal {
    Principal {
        user_id: -1,
        username: String::new(),
        role: Role::Member,
        unit_id: -1,
        unit_path: String::new(),
        member_id: None,
    }
}

fn targets_for<'w>(world: &'w World, kind: Kind, section: &str) -> Vec<Option<&'w Tgt>> {
    let key = match kind {
        Kind::None | Kind::Manifestation | Kind::ImportTemplate => return vec![None],
        Kind::Upload => return vec![],
        Kind::Unit => "unit",
        Kind::Ward => "ward",
        Kind::Member => "member",
        Kind::Registration => "registration",
        Kind::Model => "model",
        Kind::Study if section == "sinh-hoat" => "cell",
        Kind::Study => "study",
        Kind::Cell => "cell",
        Kind::Account => "account",
        Kind::Feedback => "feedback",
        Kind::PortalUnit => "portal_unit",
        Kind::PortalRegistration => "portal_registration",
        Kind::PortalModel => "portal_model",
        Kind::Tracking => "tracking",
    };
    world.targets[key].iter().map(Some).collect()
}

#[tokio::test]
async fn every_role_on_every_route_follows_the_policy() {
    each_backend(|app| async move {
        // 1. The routes, from the code.
        let mut routes = matrix_support::page_routes();
        routes.extend(matrix_support::api_routes());
        // The confidential routes have their own matrix (inspection_matrix.rs), the recognition routes
        // theirs (recognition_matrix.rs), the period report routes theirs (report_matrix.rs).
        routes.retain(|(_, p)| {
            !matrix_support::confidential(p)
                && !matrix_support::recognition(p)
                && !matrix_support::report(p)
        });
        let specs = expectations();
        let declared: BTreeSet<(String, String)> = specs.keys().cloned().collect();
        let missing: Vec<_> = routes.difference(&declared).collect();
        let stale: Vec<_> = declared.difference(&routes).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "the access matrix has no expectation for {missing:?}; \
             expectations without a route: {stale:?}"
        );
        assert!(routes.len() > 150, "only {} routes found", routes.len());
        // No other source file declares routes the parser would miss.
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let e = e.unwrap().path();
                if e.is_dir() {
                    stack.push(e);
                    continue;
                }
                let rel = e.strip_prefix(src.parent().unwrap()).unwrap();
                let rel = rel.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&e).unwrap_or_default();
                if text.contains(".route(\"") {
                    assert!(
                        matrix_support::ROUTE_SOURCES.iter().any(|(f, _)| *f == rel),
                        "{rel} declares routes: add it to matrix_support::ROUTE_SOURCES"
                    );
                }
            }
        }

        // 2. The callers and the objects.
        let mut tokens = BTreeMap::new();
        let mut callers = Vec::new();
        let mut ps = Vec::new();
        for (username, _, _) in USERS {
            let token = app.token(username).await;
            let p = app.principal(&token).await;
            tokens.insert(username.to_string(), token.clone());
            ps.push(p.clone());
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
        let world = build_world(&app, &tokens, &ps).await;

        // 3. The cells: reads first, then writes, destructive ones last.
        let mut cells: Vec<Cell<'_>> = Vec::new();
        for (method, path) in &routes {
            let s = &specs[&(method.clone(), path.clone())];
            let sections: Vec<&str> = if path.contains("{section}") {
                vec!["hoc-tap", "sinh-hoat"]
            } else {
                vec![""]
            };
            for section in sections {
                let p = path.replace("{section}", section);
                let ts: Vec<Option<Tgt>> = if s.kind == Kind::Upload {
                    // Resolved per caller (placeholder id -7): sub 0 = own upload, 1 = another user's.
                    let upload = |label: &str, sub| Tgt {
                        label: label.into(),
                        id: -7,
                        sub,
                        ..Default::default()
                    };
                    vec![
                        Some(upload("own upload", 0)),
                        Some(upload("another user's upload", 1)),
                    ]
                } else {
                    targets_for(&world, s.kind, section)
                        .into_iter()
                        .map(|t| t.cloned())
                        .collect()
                };
                for t in ts {
                    let url = urls(&p, s.kind, t.as_ref());
                    let ghost_url = t.as_ref().filter(|t| t.id > 0).map(|t| ghost(&url, t));
                    cells.push(Cell {
                        method: method.as_str(),
                        url,
                        ghost_url,
                        target: t,
                        spec: s,
                        route: format!("{method} {path}"),
                    });
                }
            }
        }
        cells.sort_by_key(|c| (c.spec.destructive, c.method != "GET", c.spec.ends_session));
        let mut counts = BTreeMap::new();
        let mut notes = BTreeSet::new();
        let mut fails = Vec::new();
        // Limited callers first: their refusals are checked before anyone allowed changes an object;
        // deleting cells run last, for every caller.
        let order = [
            "anonymous",
            "dangvien.p1c1",
            "kiemtra.tu",
            "bithu.p1c1",
            "bithu.p1",
            "office.tu",
            "admin.tu",
        ];
        let (keep, delete): (Vec<Cell<'_>>, Vec<Cell<'_>>) =
            cells.into_iter().partition(|c| !c.spec.destructive);
        for phase in [&keep, &delete] {
            for name in order {
                let c = callers.iter().find(|c| c.name == name).unwrap();
                fails.extend(run_caller(&app, c, phase, &world, &mut counts, &mut notes).await);
            }
        }
        let cells: Vec<&Cell<'_>> = keep.iter().chain(delete.iter()).collect();
        for n in &notes {
            eprintln!("note: {n}");
        }
        // Every marker shows up somewhere for someone allowed to read it: the leak search is not blind.
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
        let routes_seen: BTreeSet<&String> = cells.iter().map(|c| &c.route).collect();
        eprintln!(
            "access matrix on {}: {} routes, {} cells × {} callers, {counts:?}",
            app.backend,
            routes_seen.len(),
            cells.len(),
            callers.len()
        );
        // Not vacuous: every outcome occurs.
        for k in ["allowed", "hidden", "denied"] {
            assert!(
                counts.get(k).copied().unwrap_or(0) > 20,
                "too few {k} cells: {counts:?}"
            );
        }
        let mut report = String::new();
        for f in &fails {
            let _ = writeln!(report, "  {f}");
        }
        assert!(
            fails.is_empty(),
            "{} access-matrix failures on {}:\n{report}",
            fails.len(),
            app.backend
        );
    })
    .await;
}

/// Every page answers a refused action with a message, never a server error: opening self check-in for a
/// meeting held on another day is refused (the window is the meeting's day) with a Vietnamese reason.
#[tokio::test]
async fn opening_check_in_on_another_day_is_a_message_not_a_server_error() {
    each_backend(|app| async move {
        let admin = app.token("admin.tu").await;
        for (kind, section) in [("study-sessions", "hoc-tap"), ("cell-meetings", "sinh-hoat")] {
            let v = ok_json(
                app.api(
                    Method::POST,
                    &format!("/api/v1/{kind}"),
                    Some(&admin),
                    Some(&json!({"unit_code": "P1-C1", "date": "2026-11-20", "title": "Buổi tuần trước"})),
                )
                .await,
                kind,
            )
            .await;
            let id = v["id"].as_i64().unwrap();
            let b = app.browser("bithu.p1c1").await;
            let r = app
                .post_form(
                    &format!("/{section}/{id}/mo-diem-danh"),
                    Some(&b.cookie),
                    &[("csrf", &b.csrf)],
                )
                .await;
            assert!(
                r.status.is_client_error(),
                "{section}: opening check-in a week late answered {}",
                r.status
            );
            assert!(common::looks_vietnamese(&r.text()), "{section}: {}", r.text());
            // Nothing opened.
            let m = app.get(&format!("/api/v1/{kind}/{id}"), Some(&admin)).await.json();
            assert!(m["check_in"].is_null(), "{section}: {m}");
        }
    })
    .await;
}
