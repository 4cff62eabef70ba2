//! Accounts: list the accounts a user may manage, create one over a unit, lock or unlock, and link an account
//! to the member record of the person it stands for (by party card number), so that nobody decides about
//! themselves (docs/DOMAIN.md § Who approves).

use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, OptionExt, PageError, PageResult, StoreResultExt};
use crate::routes::PageRoutes;
use crate::view::{timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::policy::{Capability, Principal};
use domain::Role;
use serde::Deserialize;
use std::collections::HashMap;
use store::{Account, Actor, LinkedMember, NewAccount, StoreError};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/tai-khoan", list)
        .post("/tai-khoan", create)
        .post("/tai-khoan/{id}/trang-thai", toggle)
        .post("/tai-khoan/{id}/mat-khau", reset)
        .post("/tai-khoan/{id}/dang-vien", link)
}

pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub unit_name: String,
    pub unit_code: String,
    pub active: bool,
    pub created: String,
    pub is_self: bool,
    /// "Nguyễn Thị Mai (số thẻ 0100002)" when linked to a member the user may read.
    pub linked: Option<String>,
    /// Linked to a member record the user may not read (moved out of the scope since).
    pub linked_elsewhere: bool,
    /// The card number shown in the row's link form.
    pub link_card: String,
    /// The row's link form is shown again with its error.
    pub link_open: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub unit_code: String,
    /// The member's record number, or a name to search for.
    #[serde(default)]
    pub member_id: String,
    /// The person chosen among several of the same name.
    #[serde(default)]
    pub member_pick: String,
    #[serde(default)]
    pub card_number: String,
    #[serde(default)]
    pub password: String,
}

/// The link form of one account row: a party card number, empty to unlink.
#[derive(Deserialize, Default, Clone)]
pub struct LinkForm {
    #[serde(default)]
    pub card_number: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    ctx: Ctx,
    csrf: String,
    accounts: Vec<AccountView>,
    roles: Vec<(&'static str, &'static str)>,
    /// The party units of the scope, suggested in the unit box: (code, "name (code)").
    units: Vec<(String, String)>,
    /// People of the name typed, to choose from: (record number, "name — unit, born …, card …").
    candidates: Vec<(i64, String)>,
    f: AccountForm,
    errors: FormErrors,
}

/// How the page names a linked person.
fn person(m: &LinkedMember) -> String {
    match m.card_number.as_deref() {
        Some(card) => format!("{} (số thẻ {card})", m.full_name),
        None => format!("{} (chưa có số thẻ)", m.full_name),
    }
}

fn view(a: &Account, me: i64, linked: &HashMap<i64, LinkedMember>) -> AccountView {
    let member = a.member_id.and_then(|id| linked.get(&id));
    AccountView {
        id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role_label: a.role.label(),
        unit_name: a.unit_name.clone(),
        unit_code: a.unit_code.clone(),
        active: a.active,
        created: timestamp(&a.created_at),
        is_self: a.id == me,
        linked: member.map(person),
        linked_elsewhere: a.member_id.is_some() && member.is_none(),
        link_card: member
            .and_then(|m| m.card_number.clone())
            .unwrap_or_default(),
        link_open: false,
    }
}

/// The link form shown again: the account it belongs to and the card number as typed.
struct LinkRetry {
    account_id: i64,
    card: String,
}

async fn page(
    st: &AppState,
    user: &WebUser,
    f: AccountForm,
    errors: FormErrors,
    flash: Option<String>,
) -> PageResult {
    page_with(st, user, f, errors, flash, None).await
}

async fn page_with(
    st: &AppState,
    user: &WebUser,
    f: AccountForm,
    errors: FormErrors,
    flash: Option<String>,
    retry: Option<LinkRetry>,
) -> PageResult {
    let p = &user.principal;
    let accounts = st.db.accounts().list_accounts(Some(p)).await.page(user)?;
    let ids: Vec<i64> = accounts.iter().filter_map(|a| a.member_id).collect();
    let linked: HashMap<i64, LinkedMember> = st
        .db
        .accounts()
        .linked_members(p, &ids)
        .await
        .page(user)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| p.can_grant(**r, &p.unit_path))
        .map(|r| (r.as_str(), r.label()))
        .collect();
    let status = if errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = AccountsPage {
        ctx: Ctx::new(user, "Tài khoản", "accounts").with_flash(flash),
        csrf: user.csrf.clone(),
        accounts: accounts
            .iter()
            .map(|a| {
                let mut v = view(a, p.user_id, &linked);
                if let Some(r) = retry.as_ref().filter(|r| r.account_id == a.id) {
                    v.link_card = r.card.clone();
                    v.link_open = true;
                }
                v
            })
            .collect(),
        roles,
        units: st
            .db
            .units()
            .list_units(p, None, Some(st.db.today()))
            .await
            .page(user)?
            .iter()
            .filter(|u| u.unit_type.is_party())
            .take(3000)
            .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
            .collect(),
        candidates: if errors.has("member_id") && !f.member_id.trim().is_empty() {
            same_name(st, user, &f.member_id).await?.1
        } else {
            Vec::new()
        },
        f,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<super::home::FlashQuery>,
) -> PageResult {
    if !user.principal.has(Capability::ManageAccounts) {
        return Err(PageError::not_found(&user));
    }
    page(
        &st,
        &user,
        AccountForm::default(),
        FormErrors::default(),
        crate::view::flash_message(q.tb.as_deref()),
    )
    .await
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<AccountForm>,
) -> PageResult {
    if !user.principal.has(Capability::ManageAccounts) {
        return Err(PageError::not_found(&user));
    }
    let mut errors = FormErrors::default();
    let role = Role::parse(&f.role);
    if role.is_none() {
        errors.push("role", "Chọn vai trò");
    }
    // The member: a person chosen among namesakes, a record number, or a name looked up in the scope.
    let mut member_id = if let Ok(v) = f.member_pick.trim().parse::<i64>() {
        Some(v)
    } else if f.member_id.trim().is_empty() {
        None
    } else if let Ok(v) = f.member_id.trim().parse::<i64>() {
        Some(v)
    } else {
        let (total, found) = same_name(&st, &user, &f.member_id).await?;
        match found.as_slice() {
            [(id, _)] if total == 1 => Some(*id),
            [] => {
                errors.push(
                    "member_id",
                    format!(
                        "Không tìm thấy đảng viên tên “{}” trong phạm vi của bạn",
                        f.member_id.trim()
                    ),
                );
                None
            }
            _ => {
                let shown = if total > found.len() as i64 {
                    format!(
                        "; dưới đây là {} người đầu — gõ đủ họ tên để thu hẹp",
                        found.len()
                    )
                } else {
                    String::new()
                };
                errors.push(
                    "member_id",
                    format!(
                        "Có {} người tên “{}”: chọn đúng người bên dưới (hoặc ghi số thẻ){shown}",
                        crate::view::num(total),
                        f.member_id.trim()
                    ),
                );
                None
            }
        }
    };
    // The member may also be named by party card number; both given must name the same person.
    let by_card = !f.card_number.trim().is_empty();
    if by_card {
        match card_member(&st, &user, &f.card_number).await? {
            Err(msg) => errors.push("card_number", msg),
            Ok(m) if member_id.is_some_and(|id| id != m.id) => errors.push(
                "card_number",
                format!(
                    "Số thẻ {} là của {}, không phải hồ sơ mã {}",
                    f.card_number.trim(),
                    m.full_name,
                    f.member_id.trim()
                ),
            ),
            Ok(m) => member_id = Some(m.id),
        }
    }
    if let (Some(role), false) = (role, errors.any()) {
        let new = NewAccount {
            username: f.username.clone(),
            password: f.password.clone(),
            role,
            unit_code: f.unit_code.trim().to_string(),
            member_id,
            display_name: f.display_name.clone(),
        };
        match st
            .db
            .accounts()
            .create_account(
                &Actor::user(&user.principal, "web"),
                Some(&user.principal),
                &new,
            )
            .await
        {
            Ok(_) => return Ok(Redirect::to("/tai-khoan?tb=da-tao").into_response()),
            Err(StoreError::Invalid(e)) => {
                // A refused member named by card number is shown under the card number field.
                let only_card = by_card && f.member_id.trim().is_empty();
                errors.0.extend(e.into_iter().map(|mut fe| {
                    if only_card && fe.field == "member_id" {
                        fe.field = "card_number".into();
                    }
                    fe
                }));
            }
            Err(e) => return Err(e).page(&user),
        }
    }
    let f = AccountForm {
        password: String::new(),
        ..f
    };
    page(&st, &user, f, errors, None).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// Resets the password of a managed account; the error (too short…) is shown at the top of the page.
pub async fn reset(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<ResetForm>,
) -> PageResult {
    let actor = Actor::user(&user.principal, "web");
    match st
        .db
        .accounts()
        .reset_password(&actor, &user.principal, id, &f.password)
        .await
    {
        Ok(()) => Ok(Redirect::to("/tai-khoan?tb=da-dat-lai-mat-khau").into_response()),
        Err(StoreError::Invalid(e)) => {
            let mut errors = FormErrors::default();
            for fe in e {
                errors.push("reset", fe.message);
            }
            page(&st, &user, AccountForm::default(), errors, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

#[derive(Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    active: String,
}

pub async fn toggle(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<ToggleForm>,
) -> PageResult {
    let active = f.active == "1";
    match st
        .db
        .accounts()
        .set_account_active(
            &Actor::user(&user.principal, "web"),
            &user.principal,
            id,
            active,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(if active {
            "/tai-khoan?tb=da-mo-khoa"
        } else {
            "/tai-khoan?tb=da-khoa"
        })
        .into_response()),
        Err(e) => Err(e).page(&user),
    }
}

/// The member with this party card number among those the user may read, or the message to show.
/// Members of the scope whose name matches `name` (folded, as the member search does): how many, and up to
/// ten as (record number, "name — unit, sinh năm …, thẻ …").
async fn same_name(
    st: &AppState,
    user: &WebUser,
    name: &str,
) -> Result<(i64, Vec<(i64, String)>), PageError> {
    let (items, total) = st
        .db
        .members()
        .search_members(
            &user.principal,
            &store::MemberQuery {
                q: Some(name.trim().to_string()),
                page: 1,
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .page(user)?;
    let list = items
        .iter()
        .map(|m| {
            let mut label = format!("{} — {}", m.full_name, m.unit_name);
            if let Some(b) = m.birth_date {
                label.push_str(&format!(", sinh năm {}", chrono::Datelike::year(&b)));
            }
            if let Some(c) = &m.card_number {
                label.push_str(&format!(", thẻ {c}"));
            }
            (m.id, label)
        })
        .collect();
    Ok((total, list))
}

async fn card_member(
    st: &AppState,
    user: &WebUser,
    card: &str,
) -> Result<Result<LinkedMember, String>, PageError> {
    let card = card.trim();
    let found = st
        .db
        .accounts()
        .member_by_card(&user.principal, card)
        .await
        .page(user)?;
    Ok(found.ok_or_else(|| not_in_scope(card)))
}

fn not_in_scope(card: &str) -> String {
    format!(
        "Không tìm thấy đảng viên có số thẻ {} trong phạm vi của bạn",
        domain::limits::clip(domain::limits::Field::SearchQuery, card)
    )
}

/// Whether `p` may edit the account `a` (the rule of the store's account writes: a managed account, never
/// one's own).
fn manages(p: &Principal, a: &Account) -> bool {
    p.user_id != a.id && p.can_manage_account(a.role, &a.unit_path)
}

/// Links an account to the member with the typed party card number, or unlinks it (empty card number);
/// the linked account signs in again. Errors are shown under the row's form with the number as typed.
pub async fn link(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<LinkForm>,
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageAccounts) {
        return Err(PageError::not_found(&user));
    }
    let account = st
        .db
        .accounts()
        .account_by_id(id)
        .await
        .page(&user)?
        .filter(|a| manages(p, a))
        .found(&user)?;
    let card = f.card_number.trim();
    let retry = |msg: String| {
        let mut errors = FormErrors::default();
        errors.push("link", msg);
        (
            errors,
            LinkRetry {
                account_id: account.id,
                card: card.to_string(),
            },
        )
    };
    let member_id = if card.is_empty() {
        None
    } else {
        match card_member(&st, &user, card).await? {
            Ok(m) => Some(m.id),
            Err(msg) => {
                let (errors, r) = retry(msg);
                return page_with(&st, &user, AccountForm::default(), errors, None, Some(r)).await;
            }
        }
    };
    match st
        .db
        .accounts()
        .set_account_member(&Actor::user(p, "web"), p, account.id, member_id)
        .await
    {
        Ok(_) => Ok(Redirect::to(if member_id.is_some() {
            "/tai-khoan?tb=da-gan-dang-vien"
        } else {
            "/tai-khoan?tb=da-bo-gan-dang-vien"
        })
        .into_response()),
        Err(StoreError::Invalid(e)) => {
            let msg = e
                .into_iter()
                .map(|fe| fe.message)
                .collect::<Vec<_>>()
                .join("; ");
            let (errors, r) = retry(msg);
            page_with(&st, &user, AccountForm::default(), errors, None, Some(r)).await
        }
        Err(e) => Err(e).page(&user),
    }
}
