//! Tokens and the caller: `POST/DELETE /auth/token`, `GET /me`.

use super::accounts::RoleName;
use super::{r, ApiJson, ApiRoute};
use crate::auth::{client_address, ApiUser};
use crate::error::{problem, ApiError};
use crate::AppState;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use store::{LoginOutcome, SessionKind};
use utoipa::ToSchema;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r(
            "post",
            "/auth/token",
            "auth",
            "Đăng nhập, nhận mã truy cập (Bearer token)",
            post(token),
        )
        .public()
        .body::<TokenRequest>()
        .json::<Token>(),
        r(
            "delete",
            "/auth/token",
            "auth",
            "Thu hồi mã truy cập đang dùng",
            delete(revoke),
        )
        .no_content(),
        r(
            "get",
            "/me",
            "auth",
            "Tài khoản đang đăng nhập và phạm vi quyền",
            get(me),
        )
        .json::<Me>(),
    ]
}

// Login with a user name and password.
#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    username: String,
    password: String,
    // The `device` a former token answer gave this client: its attempts then count against that device
    // only, so an attack on the account does not hold it up (`domain::policy::login_limits`).
    /// Mã thiết bị nhận ở lần đăng nhập thành công trước; khi có, đăng nhập sai từ nơi khác không làm máy
    /// này phải chờ.
    #[serde(default)]
    device: Option<String>,
}

// A Bearer token for the API.
#[derive(Serialize, ToSchema)]
pub struct Token {
    token: String,
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// Thời hạn của mã (giây)
    expires_in: i64,
    #[schema(value_type = RoleName)]
    role: &'static str,
    /// Mã thiết bị: giữ lại và gửi kèm ở lần đăng nhập sau
    device: String,
}

// The account behind the token and its scope.
#[derive(Serialize, ToSchema)]
pub struct Me {
    id: i64,
    username: String,
    #[schema(value_type = RoleName)]
    role: &'static str,
    /// Đơn vị được cấp quyền (gồm cả các đơn vị trực thuộc)
    unit_code: String,
    unit_name: String,
    /// Đảng viên ứng với tài khoản (nếu có)
    member_id: Option<i64>,
}

async fn token(State(st): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let address = client_address(&parts.headers, &parts.extensions, st.config.trust_proxy);
    let req = Request::from_parts(parts, body);
    let body: TokenRequest = match ApiJson::from_request(req, &st).await {
        Ok(ApiJson(b)) => b,
        Err(r) => return r,
    };
    let login = st.db.accounts().login_from_device(
        &body.username,
        &body.password,
        &address,
        body.device.as_deref(),
        SessionKind::Api,
    );
    match login.await {
        Ok(LoginOutcome::Ok {
            token,
            principal,
            device,
        }) => Json(Token {
            token,
            token_type: "Bearer",
            expires_in: 86400,
            role: principal.role.as_str(),
            device,
        })
        .into_response(),
        Ok(LoginOutcome::Invalid) => problem(
            StatusCode::UNAUTHORIZED,
            "Tên đăng nhập hoặc mật khẩu không đúng",
            &[],
        ),
        Ok(LoginOutcome::Throttled { retry_after_secs }) => {
            let mut resp = problem(
                StatusCode::TOO_MANY_REQUESTS,
                &domain::policy::login_limits::refusal(retry_after_secs),
                &[],
            );
            resp.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after_secs.max(1)),
            );
            resp
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn revoke(
    State(st): State<AppState>,
    _user: ApiUser,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    if let Some(t) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        st.db.accounts().logout(t.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(st): State<AppState>, user: ApiUser) -> Result<Json<Me>, ApiError> {
    let p = &user.principal;
    let unit = st.db.units().unit(p, p.unit_id).await?;
    Ok(Json(Me {
        id: p.user_id,
        username: p.username.clone(),
        role: p.role.as_str(),
        unit_code: unit.code,
        unit_name: unit.name,
        member_id: p.member_id,
    }))
}
