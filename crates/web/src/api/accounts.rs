//! Accounts in the caller's scope: list and create (`/accounts`).

use super::{r, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use domain::policy::Capability;
use domain::Role;
use serde::{Deserialize, Serialize};
use store::{Actor, NewAccount};
use utoipa::ToSchema;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r(
            "get",
            "/accounts",
            "accounts",
            "Tài khoản trong phạm vi quản lý",
            get(accounts),
        )
        .json::<Items<Account>>(),
        r(
            "post",
            "/accounts",
            "accounts",
            "Tạo tài khoản",
            post(create_account),
        )
        .body::<AccountInput>()
        .created::<AccountCreated>(),
    ]
}

// The roles, as `domain::Role::as_str` writes them (schema only).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RoleName {
    Admin,
    Office,
    Secretary,
    Inspector,
    Member,
}

#[derive(Serialize, ToSchema)]
pub struct Account {
    id: i64,
    username: String,
    display_name: String,
    #[schema(value_type = RoleName)]
    role: &'static str,
    unit_code: String,
    member_id: Option<i64>,
    active: bool,
    created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AccountCreated {
    id: i64,
    username: String,
    #[schema(value_type = RoleName)]
    role: &'static str,
    unit_code: String,
    member_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct AccountInput {
    username: String,
    password: String,
    #[schema(value_type = RoleName)]
    role: String,
    /// Đơn vị được cấp quyền (cả cây đơn vị đó)
    unit_code: String,
    member_id: Option<i64>,
    display_name: Option<String>,
}

async fn accounts(
    State(st): State<AppState>,
    user: ApiUser,
) -> Result<Json<Items<Account>>, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ManageAccounts) {
        return Err(ApiError::forbidden());
    }
    let list = st.db.accounts().list_accounts(Some(p)).await?;
    let items = list
        .into_iter()
        .map(|a| Account {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            role: a.role.as_str(),
            unit_code: a.unit_code,
            member_id: a.member_id,
            active: a.active,
            created_at: a.created_at,
        })
        .collect();
    Ok(Json(Items::all(items)))
}

async fn create_account(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<AccountInput>,
) -> Result<(StatusCode, Json<AccountCreated>), ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ManageAccounts) {
        return Err(ApiError::forbidden());
    }
    let role = Role::parse(&b.role).ok_or_else(|| {
        ApiError::unprocessable("\"role\" phải là admin, office, secretary, inspector hoặc member")
    })?;
    let new = NewAccount {
        username: b.username,
        password: b.password,
        role,
        unit_code: b.unit_code,
        member_id: b.member_id,
        display_name: b.display_name.unwrap_or_default(),
    };
    let a = st
        .db
        .accounts()
        .create_account(&Actor::user(p, "api"), Some(p), &new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AccountCreated {
            id: a.id,
            username: a.username,
            role: a.role.as_str(),
            unit_code: a.unit_code,
            member_id: a.member_id,
        }),
    ))
}
