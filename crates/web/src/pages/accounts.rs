//! Accounts: list the accounts a user may manage, create one over a unit, lock or unlock.

use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::policy::Capability;
use domain::Role;
use serde::Deserialize;
use store::{Account, Actor, NewAccount, StoreError};

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
    #[serde(default)]
    pub member_id: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    ctx: Ctx,
    csrf: String,
    accounts: Vec<AccountView>,
    roles: Vec<(&'static str, &'static str)>,
    f: AccountForm,
    errors: FormErrors,
}

fn view(a: &Account, me: i64) -> AccountView {
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
    }
}

async fn page(
    st: &AppState,
    user: &WebUser,
    f: AccountForm,
    errors: FormErrors,
    flash: Option<String>,
) -> PageResult {
    let p = &user.principal;
    let accounts = st.db.accounts().list_accounts(Some(p)).await.page(user)?;
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
        accounts: accounts.iter().map(|a| view(a, p.user_id)).collect(),
        roles,
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
    let member_id = if f.member_id.trim().is_empty() {
        None
    } else {
        match f.member_id.trim().parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push("member_id", "Mã hồ sơ đảng viên là một số");
                None
            }
        }
    };
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
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
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
