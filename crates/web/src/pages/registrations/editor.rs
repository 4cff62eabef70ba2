//! The member's editor: a new registration, editing a draft or returned one, the live quality check of the
//! cards as they are typed, and copying last year's registration.

use super::cards::{card_indexes, cards_of, place_errors, read_cards, with_blanks, ItemForm};
use super::{e_text, field, FlashQuery};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{flash_message, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::Datelike;
use domain::quality::FIELDS;
use domain::registration::{self as reg, Action, Status};
use serde::Deserialize;
use serde_json::json;
use store::{Actor, ItemInput, ItemKind, Registration, StoreError};

/// Cards on a new registration.
const NEW_ITEMS: usize = 4;

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

#[derive(Deserialize, Default)]
pub struct NewQuery {
    nam: Option<String>,
    #[serde(rename = "dang-vien")]
    dang_vien: Option<String>,
}

impl NewQuery {
    /// The year asked for, else the current one.
    fn year(&self, st: &AppState) -> i32 {
        self.nam
            .as_deref()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| st.db.today().year())
    }
}

/// The member asked for, else the user's own member record.
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
) -> PageResult {
    let year = q.year(&st);
    let Some(member_id) = target_member(&user, q.dang_vien.as_deref()) else {
        return Err(PageError::bad_form(
            &user,
            "/dang-ky",
            "Tài khoản của bạn chưa gắn với hồ sơ đảng viên; hãy chọn đảng viên từ trang hồ sơ.",
        ));
    };
    let p = &user.principal;
    // Only someone who may write it sees the editor (the store's own create rule): others get the
    // answer the refused POST gets.
    let (member, _) = st
        .db
        .registrations()
        .may_create_registration(p, member_id)
        .await
        .page(&user)?;
    // One registration per member and year: go to the existing one.
    if let Some(r) = st
        .db
        .registrations()
        .registration_of(p, member_id, year)
        .await
        .page(&user)?
    {
        return Ok(Redirect::to(&format!("/dang-ky/{}", r.id)).into_response());
    }
    let cards = with_blanks(Vec::new(), NEW_ITEMS, member.key_cadre || member.head);
    Ok(editor_page(
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
    ))
}

/// After saving: submit when asked, else back to the editor (which shows the flags).
async fn after_save(st: &AppState, user: &WebUser, r: Registration, submit: bool) -> PageResult {
    let p = &user.principal;
    if submit {
        return match st
            .db
            .registrations()
            .registration_action(&Actor::user(p, "web"), p, r.id, Action::Submit, "", &[])
            .await
        {
            Ok(_) => Ok(Redirect::to(&format!("/dang-ky/{}?tb=da-nop", r.id)).into_response()),
            Err(StoreError::Invalid(e)) => Err(PageError::bad_form(
                user,
                format!("/dang-ky/{}", r.id),
                e_text(&e),
            )),
            Err(e) => Err(e).page(user),
        };
    }
    Ok(Redirect::to(&format!("/dang-ky/{}/sua?tb=da-luu-nhap", r.id)).into_response())
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let year = q.year(&st);
    let Some(member_id) = target_member(&user, q.dang_vien.as_deref()) else {
        return Err(PageError::not_found(&user));
    };
    let member = st.db.members().member(p, member_id).await.page(&user)?;
    let (mut cards, items, mut errors) = read_cards(&fields);
    let action = format!("/dang-ky/viet?nam={year}&dang-vien={member_id}");
    if !errors.any() {
        match st
            .db
            .registrations()
            .create_registration(&Actor::user(p, "web"), p, member_id, year, &items)
            .await
        {
            Ok(r) => return after_save(&st, &user, r, field(&fields, "do") == "submit").await,
            Err(StoreError::Invalid(e)) => place_errors(&mut cards, &e, &mut errors),
            Err(StoreError::Conflict(m)) => errors.push("items", m),
            Err(e) => return Err(e).page(&user),
        }
    }
    let cards = with_blanks(cards, NEW_ITEMS, member.key_cadre || member.head);
    let page = editor_page(
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
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn edit_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> PageResult {
    let p = &user.principal;
    let r = st
        .db
        .registrations()
        .registration(p, id)
        .await
        .page(&user)?;
    if !r.status.editable() || r.superseded || reg::may(p, Action::Edit, &r.owner()).is_err() {
        return Ok(Redirect::to(&format!("/dang-ky/{id}")).into_response());
    }
    let member = st.db.members().member(p, r.member_id).await.page(&user)?;
    let cards = with_blanks(cards_of(&r), 0, member.key_cadre || member.head);
    Ok(editor_page(
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
    ))
}

pub async fn update(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let r = st
        .db
        .registrations()
        .registration(p, id)
        .await
        .page(&user)?;
    let member = st.db.members().member(p, r.member_id).await.page(&user)?;
    let (mut cards, items, mut errors) = read_cards(&fields);
    if !errors.any() {
        match st
            .db
            .registrations()
            .update_registration(&Actor::user(p, "web"), p, id, &items)
            .await
        {
            Ok(r) => return after_save(&st, &user, r, field(&fields, "do") == "submit").await,
            Err(StoreError::Invalid(e)) => place_errors(&mut cards, &e, &mut errors),
            Err(StoreError::Conflict(m)) => errors.push("items", m),
            Err(e) => return Err(e).page(&user),
        }
    }
    let cards = with_blanks(cards, 0, member.key_cadre || member.head);
    let page = editor_page(
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
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The flags the items would get, for the editor's live check (JSON; nothing is saved).
pub async fn check(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let p = &user.principal;
    let member_id: i64 = field(&fields, "member_id").parse().unwrap_or_default();
    let year: i32 = field(&fields, "year").parse().unwrap_or_default();
    // Cards keep their form index so the page knows where to show each item's flags.
    let mut items = Vec::new();
    let mut at = Vec::new();
    for i in card_indexes(&fields) {
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
    match st
        .db
        .registrations()
        .preview_flags(p, member_id, year, &items)
        .await
    {
        Ok(flags) => {
            let out: Vec<serde_json::Value> = at
                .iter()
                .zip(flags)
                .map(|(i, f)| {
                    let flags: Vec<serde_json::Value> = f
                        .iter()
                        .map(|x| {
                            json!({"flag": x.flag.as_str(), "label": x.flag.label(), "message": x.message})
                        })
                        .collect();
                    json!({"index": i, "flags": flags})
                })
                .collect();
            Json(json!({"items": out})).into_response()
        }
        Err(_) => (StatusCode::NOT_FOUND, Json(json!({"items": []}))).into_response(),
    }
}

pub async fn copy_previous(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let year: i32 = field(&fields, "year")
        .parse()
        .unwrap_or_else(|_| st.db.today().year());
    let Some(member_id) = target_member(&user, Some(field(&fields, "member_id"))) else {
        return Err(PageError::not_found(&user));
    };
    match st
        .db
        .registrations()
        .copy_previous_registration(&Actor::user(p, "web"), p, member_id, year)
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!("/dang-ky/{}/sua?tb=da-sao-chep", r.id)).into_response()),
        Err(StoreError::Invalid(e)) => Err(PageError::bad_form(&user, "/dang-ky", e_text(&e))),
        Err(StoreError::Conflict(m)) => Err(PageError::bad_form(&user, "/dang-ky", m)),
        Err(e) => Err(e).page(&user),
    }
}
