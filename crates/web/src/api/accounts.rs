//! Accounts in the caller's scope: list and create (`/accounts`), link one to the member record of the person
//! it stands for (`/accounts/{id}/member`).

use super::{r, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use domain::policy::Capability;
use domain::Role;
use serde::{Deserialize, Deserializer, Serialize};
use store::{Actor, FieldError, NewAccount, StoreError};
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
        r(
            "put",
            "/accounts/{id}/member",
            "accounts",
            "Gắn tài khoản với hồ sơ đảng viên của người mà tài khoản đại diện (hoặc bỏ gắn)",
            put(set_member),
        )
        .body::<AccountMemberInput>()
        .json::<Account>(),
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

impl From<store::Account> for Account {
    fn from(a: store::Account) -> Account {
        Account {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            role: a.role.as_str(),
            unit_code: a.unit_code,
            member_id: a.member_id,
            active: a.active,
            created_at: a.created_at,
        }
    }
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
    /// Đơn vị được cấp quyền (gồm cả các đơn vị trực thuộc)
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
    let items = list.into_iter().map(Account::from).collect();
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

/// Gắn tài khoản với một đảng viên: ghi `member_id` (null để bỏ gắn) hoặc `card_number`, không ghi cả hai.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountMemberInput {
    /// Mã hồ sơ đảng viên; null để bỏ gắn (tài khoản vai trò Đảng viên luôn phải gắn)
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    member_id: Option<Option<i64>>,
    /// Số thẻ đảng viên (thay cho mã hồ sơ), trong phạm vi của người gọi
    card_number: Option<String>,
}

// A field that is present, null included: `Some(None)` for null, `None` (the default) when absent.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

async fn set_member(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AccountMemberInput>,
) -> Result<Json<Account>, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ManageAccounts) {
        return Err(ApiError::forbidden());
    }
    // An account the caller may not edit is not found, whatever the body says.
    st.db
        .accounts()
        .account_by_id(id)
        .await?
        .filter(|a| a.id != p.user_id && p.can_manage_account(a.role, &a.unit_path))
        .ok_or_else(ApiError::not_found)?;
    let member_id = match (b.member_id, b.card_number) {
        (Some(_), Some(_)) => {
            return Err(ApiError::unprocessable(
                "Chỉ ghi một trong hai: \"member_id\" hoặc \"card_number\"",
            ))
        }
        (None, None) => {
            return Err(ApiError::unprocessable(
                "Cần \"member_id\" (null để bỏ gắn) hoặc \"card_number\"",
            ))
        }
        (Some(member_id), None) => member_id,
        (None, Some(card)) => {
            let card = card.trim();
            let m = st
                .db
                .accounts()
                .member_by_card(p, card)
                .await?
                .ok_or_else(|| {
                    ApiError::from(StoreError::Invalid(vec![FieldError::new(
                        "card_number",
                        format!(
                            "Không tìm thấy đảng viên có số thẻ {} trong phạm vi của bạn",
                            domain::limits::clip(domain::limits::Field::SearchQuery, card)
                        ),
                    )]))
                })?;
            Some(m.id)
        }
    };
    let a = st
        .db
        .accounts()
        .set_account_member(&Actor::user(p, "api"), p, id, member_id)
        .await?;
    Ok(Json(Account::from(a)))
}
