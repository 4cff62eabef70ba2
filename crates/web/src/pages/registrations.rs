//! Pages of issue 4 for members and secretaries: the registration index, the member's editor (made for
//! phones, with the quality flags shown as the member writes), a registration's page (flags, workflow
//! actions, per-item return comments, self-reviews, the cell's assessment, the annual rating, history), the
//! approval queue and the DOCX print. The committee's report and copy-cluster pages are in `reg_report`.

use super::{bad_form, content_disposition, not_found, render, store_error, FormErrors};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::view::{date, flash_message, parse_form_date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::Datelike;
use domain::quality::{FlagNote, FIELDS};
use domain::registration::{self as reg, Action, Outcome, Rating, Stage, Status};
use serde::Deserialize;
use serde_json::json;
use store::{Actor, ItemInput, ItemKind, RegSummary, Registration, ReviewInput, StoreError};

/// Blank item cards offered below the written ones (more with the "Thêm nội dung" button).
const BLANK_ITEMS: usize = 2;
/// Cards on a new registration.
const NEW_ITEMS: usize = 4;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn csrf_ok(user: &WebUser, fields: &[(String, String)]) -> bool {
    user.csrf_ok(field(fields, "csrf"))
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Draft => "",
        Status::Submitted => "gold",
        Status::Returned => "red",
        Status::Approved | Status::Published => "green",
    }
}

/// An item card of the editor, as typed.
#[derive(Debug, Clone, Default)]
pub struct ItemForm {
    pub index: usize,
    pub kind: &'static str,
    pub content: String,
    pub duty: String,
    pub target: String,
    pub deadline: String,
    pub evidence: String,
    pub flags: Vec<FlagView>,
    pub return_comment: String,
    pub error: String,
}

impl ItemForm {
    /// The card the "Thêm nội dung" button clones (its index is replaced by the script).
    pub fn blank(kind: &'static str) -> ItemForm {
        ItemForm {
            index: TEMPLATE_INDEX,
            kind,
            ..ItemForm::default()
        }
    }
}

/// The placeholder index of the card template.
const TEMPLATE_INDEX: usize = 9999;

#[derive(Debug, Clone)]
pub struct FlagView {
    pub label: &'static str,
    pub message: String,
}

fn flag_views(flags: &[FlagNote]) -> Vec<FlagView> {
    flags
        .iter()
        .map(|f| FlagView {
            label: f.flag.label(),
            message: f.message.clone(),
        })
        .collect()
}

/// Reads the editor's cards (`content_N`, `duty_N`, `target_N`, `deadline_N`, `kind_N`, `evidence_N`),
/// dropping empty ones. Returns the cards as typed, the items to save and date errors per card.
fn read_cards(fields: &[(String, String)]) -> (Vec<ItemForm>, Vec<ItemInput>, FormErrors) {
    let mut indexes: Vec<usize> = fields
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("content_")?.parse().ok())
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    let mut cards = Vec::new();
    let mut items = Vec::new();
    let mut errors = FormErrors::default();
    for i in indexes {
        let get = |name: &str| field(fields, &format!("{name}_{i}")).to_string();
        let content = get("content");
        let duty = get("duty");
        let target = get("target");
        let deadline_text = get("deadline");
        let evidence = get("evidence");
        if [&content, &duty, &target, &deadline_text, &evidence]
            .iter()
            .all(|s| s.trim().is_empty())
        {
            continue;
        }
        let kind = match get("kind").as_str() {
            "exemplary" => ItemKind::Exemplary,
            _ => ItemKind::Commitment,
        };
        let position = cards.len();
        let mut card = ItemForm {
            index: position,
            kind: kind.as_str(),
            content: content.clone(),
            duty: duty.clone(),
            target: target.clone(),
            deadline: deadline_text.clone(),
            evidence: evidence.clone(),
            ..ItemForm::default()
        };
        let deadline = match parse_form_date(&deadline_text) {
            Ok(d) => d,
            Err(e) => {
                card.error = e.clone();
                errors.push(&format!("items[{position}].deadline"), e);
                None
            }
        };
        if content.trim().is_empty() {
            card.error =
                "Chưa ghi nội dung: hãy viết việc sẽ làm, hoặc xóa các ô của nội dung này".into();
            errors.push(&format!("items[{position}].content"), card.error.clone());
        }
        cards.push(card);
        items.push(ItemInput {
            kind,
            content,
            duty,
            target,
            deadline,
            evidence,
        });
    }
    (cards, items, errors)
}

fn cards_of(r: &Registration) -> Vec<ItemForm> {
    r.items
        .iter()
        .enumerate()
        .map(|(k, i)| ItemForm {
            index: k,
            kind: i.kind.as_str(),
            content: i.content.clone(),
            duty: i.duty.clone(),
            target: i.target.clone(),
            deadline: date(i.deadline),
            evidence: i.evidence.clone(),
            flags: flag_views(&i.flags),
            return_comment: i.return_comment.clone(),
            error: String::new(),
        })
        .collect()
}

/// Appends blank cards (commitments, and exemplary ones for key cadres) after the written ones.
fn with_blanks(mut cards: Vec<ItemForm>, min: usize, exemplary: bool) -> Vec<ItemForm> {
    let commitments = cards.iter().filter(|c| c.kind == "commitment").count();
    let blanks = BLANK_ITEMS.max(min.saturating_sub(commitments));
    for _ in 0..blanks {
        let index = cards.len();
        cards.push(ItemForm {
            index,
            kind: "commitment",
            ..ItemForm::default()
        });
    }
    if exemplary
        && !cards
            .iter()
            .any(|c| c.kind == "exemplary" && c.content.is_empty())
    {
        let index = cards.len();
        cards.push(ItemForm {
            index,
            kind: "exemplary",
            ..ItemForm::default()
        });
    }
    cards
}

#[derive(Template)]
#[template(path = "registration_form.html")]
struct EditorPage {
    ctx: Ctx,
    csrf: String,
    action: String,
    member_name: String,
    unit_name: String,
    year: i32,
    status_label: String,
    return_comment: String,
    key_cadre: bool,
    duties: Vec<String>,
    commitments: Vec<ItemForm>,
    exemplary: Vec<ItemForm>,
    next_index: usize,
    errors: FormErrors,
    member_id: i64,
    back: String,
}

#[allow(clippy::too_many_arguments)]
fn editor_page(
    user: &WebUser,
    member: &domain::Member,
    year: i32,
    action: String,
    status: Option<Status>,
    return_comment: String,
    cards: Vec<ItemForm>,
    errors: FormErrors,
    back: String,
    flash: Option<String>,
) -> Response {
    let mut duties: Vec<String> = member
        .positions
        .iter()
        .map(|p| p.title.clone())
        .filter(|t| !t.trim().is_empty())
        .collect();
    duties.extend(FIELDS.iter().map(|s| s.to_string()));
    let next_index = cards.len();
    let (exemplary, commitments): (Vec<ItemForm>, Vec<ItemForm>) =
        cards.into_iter().partition(|c| c.kind == "exemplary");
    let page = EditorPage {
        ctx: Ctx::new(user, format!("Bản đăng ký năm {year}"), "registrations").with_flash(flash),
        csrf: user.csrf.clone(),
        action,
        member_name: member.full_name.clone(),
        unit_name: member.unit_name.clone(),
        year,
        status_label: status.map(|s| s.label()).unwrap_or("Bản mới").to_string(),
        return_comment,
        key_cadre: member.key_cadre || member.head,
        duties,
        commitments,
        exemplary,
        next_index,
        errors,
        member_id: member.id,
        back,
    };
    render(&page)
}

// ---------------------------------------------------------------------------------------------
// Index and queue
// ---------------------------------------------------------------------------------------------

pub struct SummaryRow {
    pub href: String,
    pub member_name: String,
    pub unit_name: String,
    pub year: i32,
    pub submitted: String,
    pub on_time: bool,
    pub items: i64,
    pub flags: Vec<(String, i64)>,
    pub head: bool,
}

fn summary_row(s: &RegSummary) -> SummaryRow {
    SummaryRow {
        href: format!("/dang-ky/{}", s.id),
        member_name: s.member_name.clone(),
        unit_name: s.unit_name.clone(),
        year: s.year,
        submitted: s.submitted_at.as_deref().map(timestamp).unwrap_or_default(),
        on_time: s.on_time,
        items: s.items,
        flags: s
            .flag_counts
            .iter()
            .map(|(f, n)| (f.label().to_string(), *n))
            .collect(),
        head: s.head,
    }
}

pub struct OwnYear {
    pub year: i32,
    pub href: String,
    pub status_label: &'static str,
    pub status_class: &'static str,
}

#[derive(Template)]
#[template(path = "registrations.html")]
struct IndexPage {
    ctx: Ctx,
    csrf: String,
    member_id: Option<i64>,
    current_year: i32,
    has_current: bool,
    previous_year: Option<i32>,
    own: Vec<OwnYear>,
    staff: bool,
    queue: Vec<SummaryRow>,
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    tb: Option<String>,
}

pub async fn index(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Response {
    let p = &user.principal;
    let current_year = st.db.today().year();
    let mut own = Vec::new();
    if let Some(mid) = p.member_id {
        match st.db.registration_years(p, mid).await {
            Ok(list) => {
                own = list
                    .into_iter()
                    .map(|(year, id, s)| OwnYear {
                        year,
                        href: format!("/dang-ky/{id}"),
                        status_label: s.label(),
                        status_class: status_class(s),
                    })
                    .collect()
            }
            Err(StoreError::NotFound) => {}
            Err(e) => return store_error(&user, e),
        }
    }
    let staff = p.role != domain::Role::Member;
    let queue = if staff {
        match st.db.approval_queue(p).await {
            Ok(list) => list.iter().map(summary_row).collect(),
            Err(e) => return store_error(&user, e),
        }
    } else {
        Vec::new()
    };
    let page = IndexPage {
        ctx: Ctx::new(&user, "Đăng ký học tập và làm theo", "registrations")
            .with_flash(flash_message(q.tb.as_deref())),
        csrf: user.csrf.clone(),
        member_id: p.member_id,
        current_year,
        has_current: own.iter().any(|o| o.year == current_year),
        previous_year: own.iter().map(|o| o.year).find(|y| *y < current_year),
        own,
        staff,
        queue,
    };
    render(&page)
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct NewQuery {
    nam: Option<String>,
    #[serde(rename = "dang-vien")]
    dang_vien: Option<String>,
}

fn target_member(user: &WebUser, q: Option<&str>) -> Option<i64> {
    match q.and_then(|s| s.trim().parse().ok()) {
        Some(id) => Some(id),
        None => user.principal.member_id,
    }
}

pub async fn new_form(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> Response {
    let year = q
        .nam
        .as_deref()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| st.db.today().year());
    let Some(member_id) = target_member(&user, q.dang_vien.as_deref()) else {
        return bad_form(
            &user,
            "/dang-ky",
            "Tài khoản của bạn chưa gắn với hồ sơ đảng viên; hãy chọn đảng viên từ trang hồ sơ.",
        );
    };
    let p = &user.principal;
    // Only someone who may write it sees the editor (the store's own create rule): others get the
    // answer the refused POST gets.
    let member = match st.db.may_create_registration(p, member_id).await {
        Ok((m, _)) => m,
        Err(e) => return store_error(&user, e),
    };
    // One registration per member and year: go to the existing one.
    match st.db.registration_of(p, member_id, year).await {
        Ok(Some(r)) => return Redirect::to(&format!("/dang-ky/{}", r.id)).into_response(),
        Ok(None) => {}
        Err(e) => return store_error(&user, e),
    }
    let cards = with_blanks(Vec::new(), NEW_ITEMS, member.key_cadre || member.head);
    editor_page(
        &user,
        &member,
        year,
        format!("/dang-ky/viet?nam={year}&dang-vien={member_id}"),
        None,
        String::new(),
        cards,
        FormErrors::default(),
        "/dang-ky".into(),
        None,
    )
}

/// After saving: submit when asked, else back to the editor (which shows the flags).
async fn after_save(st: &AppState, user: &WebUser, r: Registration, submit: bool) -> Response {
    let p = &user.principal;
    if submit {
        return match st
            .db
            .registration_action(&Actor::user(p, "web"), p, r.id, Action::Submit, "", &[])
            .await
        {
            Ok(_) => Redirect::to(&format!("/dang-ky/{}?tb=da-nop", r.id)).into_response(),
            Err(StoreError::Invalid(e)) => bad_form(
                user,
                &format!("/dang-ky/{}", r.id),
                &e.iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Err(e) => store_error(user, e),
        };
    }
    Redirect::to(&format!("/dang-ky/{}/sua?tb=da-luu-nhap", r.id)).into_response()
}

/// Field errors from the store mapped onto the cards (index = item position − 1 in save order).
fn place_errors(cards: &mut [ItemForm], errors: &[store::FieldError], form: &mut FormErrors) {
    for e in errors {
        let idx = e
            .field
            .strip_prefix("items[")
            .and_then(|s| s.split(']').next())
            .and_then(|s| s.parse::<usize>().ok());
        match idx.and_then(|i| cards.get_mut(i)) {
            Some(c) => {
                if c.error.is_empty() {
                    c.error = e.message.clone();
                }
            }
            None => form.push(&e.field, e.message.clone()),
        }
    }
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !csrf_ok(&user, &fields) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let year = q
        .nam
        .as_deref()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| st.db.today().year());
    let Some(member_id) = target_member(&user, q.dang_vien.as_deref()) else {
        return not_found(Some(&user));
    };
    let member = match st.db.member(p, member_id).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let (mut cards, items, mut errors) = read_cards(&fields);
    let action = format!("/dang-ky/viet?nam={year}&dang-vien={member_id}");
    if !errors.any() {
        match st
            .db
            .create_registration(&Actor::user(p, "web"), p, member_id, year, &items)
            .await
        {
            Ok(r) => return after_save(&st, &user, r, field(&fields, "do") == "submit").await,
            Err(StoreError::Invalid(e)) => place_errors(&mut cards, &e, &mut errors),
            Err(StoreError::Conflict(m)) => errors.push("items", m),
            Err(e) => return store_error(&user, e),
        }
    }
    let cards = with_blanks(cards, NEW_ITEMS, member.key_cadre || member.head);
    let mut resp = editor_page(
        &user,
        &member,
        year,
        action,
        None,
        String::new(),
        cards,
        errors,
        "/dang-ky".into(),
        None,
    );
    *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    resp
}

pub async fn edit_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Response {
    let p = &user.principal;
    let r = match st.db.registration(p, id).await {
        Ok(r) => r,
        Err(e) => return store_error(&user, e),
    };
    if !r.status.editable() || r.superseded || reg::may(p, Action::Edit, &r.owner()).is_err() {
        return Redirect::to(&format!("/dang-ky/{id}")).into_response();
    }
    let member = match st.db.member(p, r.member_id).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let cards = with_blanks(cards_of(&r), 0, member.key_cadre || member.head);
    editor_page(
        &user,
        &member,
        r.year,
        format!("/dang-ky/{id}/sua"),
        Some(r.status),
        r.return_comment.clone(),
        cards,
        FormErrors::default(),
        format!("/dang-ky/{id}"),
        flash_message(q.tb.as_deref()),
    )
}

pub async fn update(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !csrf_ok(&user, &fields) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let r = match st.db.registration(p, id).await {
        Ok(r) => r,
        Err(e) => return store_error(&user, e),
    };
    let member = match st.db.member(p, r.member_id).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let (mut cards, items, mut errors) = read_cards(&fields);
    if !errors.any() {
        match st
            .db
            .update_registration(&Actor::user(p, "web"), p, id, &items)
            .await
        {
            Ok(r) => return after_save(&st, &user, r, field(&fields, "do") == "submit").await,
            Err(StoreError::Invalid(e)) => place_errors(&mut cards, &e, &mut errors),
            Err(StoreError::Conflict(m)) => errors.push("items", m),
            Err(e) => return store_error(&user, e),
        }
    }
    let cards = with_blanks(cards, 0, member.key_cadre || member.head);
    let mut resp = editor_page(
        &user,
        &member,
        r.year,
        format!("/dang-ky/{id}/sua"),
        Some(r.status),
        r.return_comment.clone(),
        cards,
        errors,
        format!("/dang-ky/{id}"),
        None,
    );
    *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    resp
}

/// The flags the items would get, for the editor's live check (JSON; nothing is saved).
pub async fn check(
    State(st): State<AppState>,
    user: WebUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !csrf_ok(&user, &fields) {
        return (
            axum::http::StatusCode::FORBIDDEN,
            Json(json!({"items": []})),
        )
            .into_response();
    }
    let p = &user.principal;
    let member_id: i64 = field(&fields, "member_id").parse().unwrap_or_default();
    let year: i32 = field(&fields, "year").parse().unwrap_or_default();
    // Cards keep their form index so the page knows where to show each item's flags.
    let mut indexes: Vec<usize> = fields
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("content_")?.parse().ok())
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    let mut items = Vec::new();
    let mut at = Vec::new();
    for i in indexes {
        let get = |n: &str| field(&fields, &format!("{n}_{i}")).to_string();
        if get("content").trim().is_empty() {
            continue;
        }
        items.push(ItemInput {
            kind: ItemKind::parse(&get("kind")).unwrap_or(ItemKind::Commitment),
            content: get("content"),
            duty: get("duty"),
            target: get("target"),
            deadline: parse_form_date(&get("deadline")).ok().flatten(),
            evidence: String::new(),
        });
        at.push(i);
    }
    match st.db.preview_flags(p, member_id, year, &items).await {
        Ok(flags) => {
            let out: Vec<serde_json::Value> = at
                .iter()
                .zip(flags)
                .map(|(i, f)| {
                    json!({"index": i, "flags": f.iter().map(|x| json!({"flag": x.flag.as_str(), "label": x.flag.label(), "message": x.message})).collect::<Vec<_>>()})
                })
                .collect();
            Json(json!({"items": out})).into_response()
        }
        Err(_) => (
            axum::http::StatusCode::NOT_FOUND,
            Json(json!({"items": []})),
        )
            .into_response(),
    }
}

pub async fn copy_previous(
    State(st): State<AppState>,
    user: WebUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !csrf_ok(&user, &fields) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let year: i32 = field(&fields, "year")
        .parse()
        .unwrap_or_else(|_| st.db.today().year());
    let Some(member_id) = target_member(&user, Some(field(&fields, "member_id"))) else {
        return not_found(Some(&user));
    };
    match st
        .db
        .copy_previous_registration(&Actor::user(p, "web"), p, member_id, year)
        .await
    {
        Ok(r) => Redirect::to(&format!("/dang-ky/{}/sua?tb=da-sao-chep", r.id)).into_response(),
        Err(StoreError::Invalid(e)) => bad_form(&user, "/dang-ky", &e_text(&e)),
        Err(StoreError::Conflict(m)) => bad_form(&user, "/dang-ky", &m),
        Err(e) => store_error(&user, e),
    }
}

fn e_text(e: &[store::FieldError]) -> String {
    e.iter()
        .map(|x| x.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------------------------------------------------------------------------------------------
// A registration's page
// ---------------------------------------------------------------------------------------------

pub struct ItemView {
    pub position: i64,
    pub exemplary: bool,
    pub content: String,
    pub duty: String,
    pub target: String,
    pub deadline: String,
    pub evidence: String,
    pub flags: Vec<FlagView>,
    pub return_comment: String,
    pub midyear: String,
    pub midyear_value: String,
    pub midyear_note: String,
    pub yearend: String,
    pub yearend_value: String,
    pub yearend_note: String,
    pub yearend_evidence: String,
    pub assessed: String,
    pub assessed_value: String,
    pub assessed_note: String,
}

pub struct EventView {
    pub at: String,
    pub by: String,
    pub label: String,
    pub comment: String,
}

pub struct VersionView {
    pub href: String,
    pub version: i64,
    pub status_label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "registration.html")]
struct ShowPage {
    ctx: Ctx,
    csrf: String,
    id: i64,
    member_id: i64,
    member_name: String,
    unit_name: String,
    year: i32,
    version: i64,
    status_label: &'static str,
    status_class: &'static str,
    superseded: bool,
    head: bool,
    disclosed: bool,
    return_comment: String,
    first_submitted: String,
    on_time: bool,
    approved: String,
    published: String,
    items: Vec<ItemView>,
    flagged: usize,
    can_edit: bool,
    can_submit: bool,
    can_decide: bool,
    can_publish: bool,
    can_revise: bool,
    review_stage: Option<(&'static str, &'static str)>,
    review_closed: String,
    on_behalf: bool,
    can_assess: bool,
    can_rate: bool,
    result: String,
    suggested: String,
    rating: String,
    ratings: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    versions: Vec<VersionView>,
    events: Vec<EventView>,
    pledges: Vec<(String, String)>,
}

fn outcome_label(o: Option<Outcome>) -> String {
    o.map(|o| o.label().to_string()).unwrap_or_default()
}

fn event_label(action: &str) -> &'static str {
    match action {
        "create" => "Tạo bản đăng ký",
        "submit" => "Nộp",
        "return" => "Trả lại để sửa",
        "approve" => "Duyệt",
        "publish" => "Công khai",
        "revise" => "Lập phiên bản mới",
        _ => "Cập nhật",
    }
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Response {
    let p = &user.principal;
    let r = match st.db.registration(p, id).await {
        Ok(r) => r,
        Err(e) => return store_error(&user, e),
    };
    let (versions, events) = match st.db.registration_history(p, id).await {
        Ok(h) => h,
        Err(e) => return store_error(&user, e),
    };
    let owner = r.owner();
    let today = st.db.today();
    let live = !r.superseded;
    let allowed =
        |a: Action| live && reg::transition(r.status, a).is_ok() && reg::may(p, a, &owner).is_ok();
    // The latest review stage open today, if the user may write it.
    let mut review_stage = None;
    let mut review_closed = String::new();
    if live {
        for stage in [Stage::Yearend, Stage::Midyear] {
            match reg::may_review(p, &owner, r.status, stage, r.year, today) {
                Ok(()) => {
                    review_stage = Some((stage.as_str(), stage.label()));
                    break;
                }
                Err(reg::ReviewError::TooEarly(Stage::Midyear, d)) => {
                    review_closed = format!("Tự đánh giá giữa năm mở từ ngày {d}.");
                }
                Err(_) => {}
            }
        }
    }
    let can_assess = live && reg::may_assess(p, &owner, r.status, r.year, today).is_ok();
    let outcomes = r.outcomes();
    let can_rate = live
        && p.can_write_member(&r.unit_path)
        && p.member_id != Some(r.member_id)
        && matches!(r.status, Status::Approved | Status::Published)
        && outcomes.iter().any(Option::is_some);
    let items: Vec<ItemView> = r
        .items
        .iter()
        .map(|i| ItemView {
            position: i.position,
            exemplary: i.kind == ItemKind::Exemplary,
            content: i.content.clone(),
            duty: i.duty.clone(),
            target: i.target.clone(),
            deadline: date(i.deadline),
            evidence: i.evidence.clone(),
            flags: flag_views(&i.flags),
            return_comment: i.return_comment.clone(),
            midyear: outcome_label(i.midyear_outcome),
            midyear_value: i.midyear_outcome.map(|o| o.as_str()).unwrap_or("").into(),
            midyear_note: i.midyear_note.clone(),
            yearend: outcome_label(i.yearend_outcome),
            yearend_value: i.yearend_outcome.map(|o| o.as_str()).unwrap_or("").into(),
            yearend_note: i.yearend_note.clone(),
            yearend_evidence: i.yearend_evidence.clone(),
            assessed: outcome_label(i.assessed_outcome),
            assessed_value: i.assessed_outcome.map(|o| o.as_str()).unwrap_or("").into(),
            assessed_note: i.assessed_note.clone(),
        })
        .collect();
    let rating = match st.db.member_rating(p, r.member_id, r.year).await {
        Ok(x) => x,
        Err(e) => return store_error(&user, e),
    };
    let pledges: Vec<(String, String)> = match st.db.manifestations().await {
        Ok(all) => all
            .into_iter()
            .filter(|m| r.pledges.contains(&m.code))
            .map(|m| (m.code, m.title))
            .collect(),
        Err(e) => return store_error(&user, e),
    };
    let first = r
        .first_submitted_at
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| reg::vn_date(t.with_timezone(&chrono::Utc)));
    let page = ShowPage {
        ctx: Ctx::new(
            &user,
            format!("Bản đăng ký năm {} — {}", r.year, r.member_name),
            "registrations",
        )
        .with_flash(flash_message(q.tb.as_deref())),
        csrf: user.csrf.clone(),
        id: r.id,
        member_id: r.member_id,
        member_name: r.member_name.clone(),
        unit_name: r.unit_name.clone(),
        year: r.year,
        version: r.version,
        status_label: r.status.label(),
        status_class: status_class(r.status),
        superseded: r.superseded,
        head: r.head,
        disclosed: r.disclosed,
        return_comment: r.return_comment.clone(),
        first_submitted: r
            .first_submitted_at
            .as_deref()
            .map(timestamp)
            .unwrap_or_default(),
        on_time: reg::on_time(r.year, first),
        approved: match (&r.approved_at, &r.approved_by) {
            (Some(at), Some(by)) => format!("{} — {by}", timestamp(at)),
            (Some(at), None) => timestamp(at),
            _ => String::new(),
        },
        published: r.published_at.as_deref().map(timestamp).unwrap_or_default(),
        flagged: r.items.iter().filter(|i| !i.flags.is_empty()).count(),
        items,
        can_edit: live && r.status.editable() && reg::may(p, Action::Edit, &owner).is_ok(),
        can_submit: allowed(Action::Submit),
        can_decide: allowed(Action::Approve),
        can_publish: allowed(Action::Publish),
        can_revise: allowed(Action::Revise),
        review_stage,
        review_closed,
        on_behalf: p.member_id != Some(r.member_id),
        can_assess,
        can_rate,
        result: reg::result(&outcomes)
            .map(domain::text::format_percent)
            .unwrap_or_default(),
        suggested: reg::suggested_rating(&outcomes)
            .map(|x| x.label().to_string())
            .unwrap_or_default(),
        rating: rating
            .map(|(x, reason)| {
                if reason.is_empty() {
                    x.label().to_string()
                } else {
                    format!("{} (lý do: {reason})", x.label())
                }
            })
            .unwrap_or_default(),
        ratings: [
            Rating::Excellent,
            Rating::Good,
            Rating::Completed,
            Rating::NotCompleted,
        ]
        .iter()
        .map(|x| (x.as_str(), x.label()))
        .collect(),
        outcomes: [Outcome::Done, Outcome::Partly, Outcome::NotDone]
            .iter()
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        versions: versions
            .iter()
            .map(|v| VersionView {
                href: format!("/dang-ky/{}", v.id),
                version: v.version,
                status_label: v.status.label(),
                current: v.id == r.id,
            })
            .collect(),
        events: events
            .iter()
            .map(|e| EventView {
                at: timestamp(&e.at),
                by: e.by.clone(),
                label: event_label(&e.action).to_string(),
                comment: e.comment.clone(),
            })
            .collect(),
        pledges,
    };
    render(&page)
}

/// Submit, approve, return (with per-item comments `c_<position>`), publish, revise.
pub async fn act(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !csrf_ok(&user, &fields) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let action = match field(&fields, "action") {
        "submit" => Action::Submit,
        "approve" => Action::Approve,
        "return" => Action::Return,
        "publish" => Action::Publish,
        "revise" => Action::Revise,
        _ => return bad_form(&user, &format!("/dang-ky/{id}"), "Thao tác không hợp lệ."),
    };
    let item_comments: Vec<(i64, String)> = if action == Action::Return {
        fields
            .iter()
            .filter_map(|(k, v)| {
                let pos = k.strip_prefix("c_")?.parse().ok()?;
                (!v.trim().is_empty()).then(|| (pos, v.clone()))
            })
            .collect()
    } else {
        Vec::new()
    };
    match st
        .db
        .registration_action(
            &Actor::user(p, "web"),
            p,
            id,
            action,
            field(&fields, "comment"),
            &item_comments,
        )
        .await
    {
        Ok(r) => {
            let code = match action {
                Action::Submit => "da-nop",
                Action::Approve => "da-duyet",
                Action::Return => "da-tra-lai",
                Action::Publish => "da-cong-khai",
                Action::Revise => "da-lap-phien-ban",
                Action::Edit => "da-luu",
            };
            let to = if action == Action::Revise {
                format!("/dang-ky/{}/sua?tb={code}", r.id)
            } else if matches!(action, Action::Approve | Action::Return) {
                // Back to the queue: the next one is waiting.
                format!("/dang-ky?tb={code}")
            } else {
                format!("/dang-ky/{}?tb={code}", r.id)
            };
            Redirect::to(&to).into_response()
        }
        Err(StoreError::Invalid(e)) => bad_form(&user, &format!("/dang-ky/{id}"), &e_text(&e)),
        Err(StoreError::Conflict(m)) => bad_form(&user, &format!("/dang-ky/{id}"), &m),
        Err(e) => store_error(&user, e),
    }
}

fn read_reviews(fields: &[(String, String)]) -> Result<Vec<ReviewInput>, String> {
    let mut positions: Vec<i64> = fields
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("o_")?.parse().ok())
        .collect();
    positions.sort_unstable();
    positions.dedup();
    positions
        .into_iter()
        .map(|pos| {
            let v = field(fields, &format!("o_{pos}"));
            let outcome = if v.is_empty() {
                None
            } else {
                Some(Outcome::parse(v).ok_or_else(|| "Kết quả không hợp lệ.".to_string())?)
            };
            Ok(ReviewInput {
                position: pos,
                outcome,
                note: field(fields, &format!("n_{pos}")).to_string(),
                evidence: field(fields, &format!("e_{pos}")).to_string(),
            })
        })
        .collect()
}

pub async fn review(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !csrf_ok(&user, &fields) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let back = format!("/dang-ky/{id}");
    let reviews = match read_reviews(&fields) {
        Ok(r) => r,
        Err(m) => return bad_form(&user, &back, &m),
    };
    let result = if field(&fields, "stage") == "assess" {
        st.db
            .assess_registration(&Actor::user(p, "web"), p, id, &reviews)
            .await
    } else {
        let Some(stage) = Stage::parse(field(&fields, "stage")) else {
            return bad_form(&user, &back, "Đợt đánh giá không hợp lệ.");
        };
        st.db
            .self_review(&Actor::user(p, "web"), p, id, stage, &reviews)
            .await
    };
    match result {
        Ok(_) => Redirect::to(&format!("{back}?tb=da-danh-gia")).into_response(),
        Err(StoreError::Invalid(e)) => bad_form(&user, &back, &e_text(&e)),
        Err(e) => store_error(&user, e),
    }
}

pub async fn rate(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !csrf_ok(&user, &fields) {
        return super::csrf_failure();
    }
    let p = &user.principal;
    let back = format!("/dang-ky/{id}");
    let r = match st.db.registration(p, id).await {
        Ok(r) => r,
        Err(e) => return store_error(&user, e),
    };
    let Some(rating) = Rating::parse(field(&fields, "rating")) else {
        return bad_form(&user, &back, "Hãy chọn mức xếp loại.");
    };
    match st
        .db
        .rate_member(
            &Actor::user(p, "web"),
            p,
            r.member_id,
            r.year,
            rating,
            field(&fields, "reason"),
        )
        .await
    {
        Ok(Some(warning)) => bad_form(&user, &back, &format!("Đã lưu xếp loại. Lưu ý: {warning}.")),
        Ok(None) => Redirect::to(&format!("{back}?tb=da-xep-loai")).into_response(),
        Err(StoreError::Invalid(e)) => bad_form(&user, &back, &e_text(&e)),
        Err(e) => store_error(&user, e),
    }
}

/// The registration as a Word file in the usual form layout.
pub async fn docx(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    let p = &user.principal;
    let r = match st.db.registration(p, id).await {
        Ok(r) => r,
        Err(e) => return store_error(&user, e),
    };
    let member = match st.db.member(p, r.member_id).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let issuer = match st.db.unit_unscoped(r.unit_id).await {
        Ok(Some(u)) => match u.parent_id {
            Some(pid) => st
                .db
                .unit_unscoped(pid)
                .await
                .ok()
                .flatten()
                .map(|x| x.name)
                .unwrap_or_default(),
            None => String::new(),
        },
        Ok(None) => String::new(),
        Err(e) => return store_error(&user, e),
    };
    let manifestations = match st.db.manifestations().await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let print_item = |i: &store::Item| office::PrintItem {
        content: i.content.clone(),
        duty: i.duty.clone(),
        target: i.target.clone(),
        deadline: i.deadline,
        evidence: i.evidence.clone(),
        midyear: i.midyear_outcome.map(|o| o.label().to_string()),
        yearend: i.yearend_outcome.map(|o| o.label().to_string()),
        assessed: i.assessed_outcome.map(|o| o.label().to_string()),
        flags: i.flags.iter().map(|f| f.flag.label().to_string()).collect(),
    };
    let date_of = |s: Option<&str>| {
        s.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| reg::vn_date(t.with_timezone(&chrono::Utc)))
    };
    let print = office::RegistrationPrint {
        issuer,
        unit_name: r.unit_name.clone(),
        year: r.year,
        member_name: r.member_name.clone(),
        birth_date: member.birth_date,
        positions: member.positions.iter().map(|x| x.title.clone()).collect(),
        joined_on: member.joined_on,
        status_label: r.status.label().to_string(),
        version: r.version,
        items: r
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Commitment)
            .map(print_item)
            .collect(),
        exemplary: r
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Exemplary)
            .map(print_item)
            .collect(),
        pledges: manifestations
            .iter()
            .filter(|m| r.pledges.contains(&m.code))
            .map(|m| (m.code.clone(), m.title.clone()))
            .collect(),
        approved_by: r.approved_by.clone(),
        approved_on: date_of(r.approved_at.as_deref()),
        place: String::new(),
        date: date_of(r.first_submitted_at.as_deref()).unwrap_or_else(|| st.db.today()),
    };
    match crate::heavy::run(move || office::registration_docx(&print)).await {
        Ok(bytes) => {
            let name = format!("Bản đăng ký {} - {}.docx", r.year, r.member_name);
            let audit = store::FileAudit {
                kind: "registration.docx",
                label: &format!("Bản đăng ký năm {} — {}", r.year, r.member_name),
                unit_path: &r.unit_path,
                filename: &name,
                rows: None,
            };
            if let Err(r) = super::audit_file(&st, &user, audit).await {
                return r;
            }
            (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                            .to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, content_disposition(&name)),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => bad_form(&user, &format!("/dang-ky/{id}"), &e.to_string()),
    }
}
