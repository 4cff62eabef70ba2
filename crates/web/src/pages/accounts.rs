//! Accounts: list the accounts a user may manage, create one over a unit, lock or unlock.

use super::{not_found, render, store_error, FormErrors};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::view::{timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
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
    csrf: String,
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
) -> Response {
    let p = &user.principal;
    let accounts = match st.db.list_accounts(Some(p)).await {
        Ok(a) => a,
        Err(e) => return store_error(user, e),
    };
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
    (status, render(&page)).into_response()
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<super::home::FlashQuery>,
) -> Response {
    if !user.principal.has(Capability::ManageAccounts) {
        return not_found(Some(&user));
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
    Form(f): Form<AccountForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    if !user.principal.has(Capability::ManageAccounts) {
        return not_found(Some(&user));
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
            .create_account(
                &Actor::user(&user.principal, "web"),
                Some(&user.principal),
                &new,
            )
            .await
        {
            Ok(_) => return Redirect::to("/tai-khoan?tb=da-tao").into_response(),
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return store_error(&user, e),
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
    csrf: String,
    #[serde(default)]
    password: String,
}

/// Resets the password of a managed account; the error (too short…) is shown at the top of the page.
pub async fn reset(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ResetForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let actor = Actor::user(&user.principal, "web");
    match st
        .db
        .reset_password(&actor, &user.principal, id, &f.password)
        .await
    {
        Ok(()) => Redirect::to("/tai-khoan?tb=da-dat-lai-mat-khau").into_response(),
        Err(StoreError::Invalid(e)) => {
            let mut errors = FormErrors::default();
            for fe in e {
                errors.push("reset", fe.message);
            }
            page(&st, &user, AccountForm::default(), errors, None).await
        }
        Err(e) => store_error(&user, e),
    }
}

#[derive(Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

pub async fn toggle(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ToggleForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let active = f.active == "1";
    match st
        .db
        .set_account_active(
            &Actor::user(&user.principal, "web"),
            &user.principal,
            id,
            active,
        )
        .await
    {
        Ok(_) => Redirect::to(if active {
            "/tai-khoan?tb=da-mo-khoa"
        } else {
            "/tai-khoan?tb=da-khoa"
        })
        .into_response(),
        Err(e) => store_error(&user, e),
    }
}
