//! The JSON API under /api/v1. Routes are declared once in `table()`: the router and the OpenAPI document
//! are both built from it, and a test fails when a route has no documentation.

pub mod attendance;
pub mod models;
pub mod openapi;
pub mod registrations;

use crate::auth::{client_address, ApiUser};
use crate::error::{problem, ApiError};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, MethodRouter};
use axum::{Json, Router};
use chrono::NaiveDate;
use domain::policy::Capability;
use domain::{Gender, Member, MemberStatus, Role};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{
    Actor, AuditFilter, ImportOutcome, LoginOutcome, MemberInput, MemberQuery, NewAccount,
    SessionKind,
};

/// One documented API route.
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub auth: bool,
    pub router: MethodRouter<AppState>,
}

fn r(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    router: MethodRouter<AppState>,
) -> ApiRoute {
    ApiRoute {
        method,
        path,
        summary,
        tag,
        auth: true,
        router,
    }
}

/// Every API route (paths relative to /api/v1).
pub fn table() -> Vec<ApiRoute> {
    let mut routes = foundation_routes();
    routes.extend(attendance::routes());
    routes.extend(registrations::routes());
    routes.extend(models::routes());
    routes.push(ApiRoute {
        auth: false,
        ..r(
            "post",
            "/public/feedback",
            "public",
            "Người dân gửi phản ánh về bản đăng ký hoặc mô hình công khai (không cần đăng nhập; giới hạn số lần gửi theo địa chỉ, quá giới hạn trả 429)",
            post(crate::portal::api_feedback),
        )
    });
    routes
}

fn foundation_routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute {
            auth: false,
            ..r(
                "post",
                "/auth/token",
                "auth",
                "Đăng nhập, nhận mã truy cập (Bearer token)",
                post(token),
            )
        },
        r(
            "delete",
            "/auth/token",
            "auth",
            "Thu hồi mã truy cập đang dùng",
            delete(revoke),
        ),
        r(
            "get",
            "/me",
            "auth",
            "Tài khoản đang đăng nhập và phạm vi quyền",
            get(me),
        ),
        r(
            "get",
            "/units",
            "units",
            "Danh sách đơn vị trong phạm vi (có thể lọc theo cây của một đơn vị)",
            get(units),
        ),
        r(
            "get",
            "/units/{id}",
            "units",
            "Một đơn vị và các đơn vị trực thuộc",
            get(unit),
        ),
        r(
            "post",
            "/units",
            "units",
            "Thêm đơn vị (dưới một đơn vị cấp trên trong phạm vi)",
            post(create_unit),
        ),
        r(
            "patch",
            "/units/{id}",
            "units",
            "Sửa tên, loại, thứ tự của đơn vị",
            patch(update_unit),
        ),
        r(
            "post",
            "/units/{id}/move",
            "units",
            "Chuyển đơn vị sang đơn vị cấp trên khác từ một ngày (giữ lịch sử)",
            post(move_unit),
        ),
        r(
            "post",
            "/units/{id}/close",
            "units",
            "Giải thể / sáp nhập đơn vị từ một ngày (giữ lịch sử)",
            post(close_unit),
        ),
        r(
            "get",
            "/members",
            "members",
            "Tìm đảng viên (không phân biệt dấu), lọc theo cây đơn vị, phân trang",
            get(members),
        ),
        r(
            "post",
            "/members",
            "members",
            "Thêm đảng viên",
            post(create_member),
        ),
        r(
            "get",
            "/members/{id}",
            "members",
            "Hồ sơ một đảng viên",
            get(member),
        ),
        r(
            "patch",
            "/members/{id}",
            "members",
            "Sửa hồ sơ đảng viên (chỉ các trường gửi lên)",
            patch(update_member),
        ),
        r(
            "get",
            "/members/{id}/history",
            "members",
            "Quá trình sinh hoạt và trạng thái",
            get(member_history),
        ),
        r(
            "post",
            "/members/{id}/transfer",
            "members",
            "Chuyển sinh hoạt đảng từ một ngày",
            post(transfer),
        ),
        r(
            "post",
            "/members/{id}/status",
            "members",
            "Đổi trạng thái từ một ngày",
            post(set_status),
        ),
        r(
            "get",
            "/accounts",
            "accounts",
            "Tài khoản trong phạm vi quản lý",
            get(accounts),
        ),
        r(
            "post",
            "/accounts",
            "accounts",
            "Tạo tài khoản",
            post(create_account),
        ),
        r(
            "get",
            "/audit",
            "audit",
            "Nhật ký thay đổi (chỉ đọc)",
            get(audit),
        ),
        r(
            "post",
            "/import/units",
            "import",
            "Nhập đơn vị từ tệp CSV/XLSX (tất cả hoặc không)",
            post(import_units),
        ),
        r(
            "post",
            "/import/members",
            "import",
            "Nhập đảng viên từ tệp CSV/XLSX (tất cả hoặc không)",
            post(import_members),
        ),
        r(
            "get",
            "/export/members",
            "export",
            "Xuất danh sách đảng viên (CSV hoặc XLSX)",
            get(export_members),
        ),
    ]
}

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for route in table() {
        router = router.route(route.path, route.router);
    }
    router.fallback(|| async {
        problem(StatusCode::NOT_FOUND, "Không có đường dẫn API này", &[])
    })
}

/// JSON body extractor whose rejections are Vietnamese problem documents.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(problem(
                StatusCode::BAD_REQUEST,
                &format!("Nội dung JSON không hợp lệ: {}", e.body_text()),
                &[],
            )),
        }
    }
}

fn parse_date_field(name: &str, v: &str) -> Result<NaiveDate, ApiError> {
    let v = v.trim();
    let shape_ok = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(ApiError::unprocessable(format!(
            "Trường \"{name}\" phải là ngày dạng YYYY-MM-DD"
        )));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        ApiError::unprocessable(format!("Trường \"{name}\" phải là ngày dạng YYYY-MM-DD"))
    })
}

#[derive(Deserialize)]
struct TokenRequest {
    username: String,
    password: String,
    /// The `device` a former token answer gave this client: its attempts then count against that device
    /// only, so an attack on the account does not hold it up (`domain::policy::login_limits`).
    #[serde(default)]
    device: Option<String>,
}

async fn token(State(st): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let address = client_address(&parts.headers, &parts.extensions, st.config.trust_proxy);
    let req = Request::from_parts(parts, body);
    let body: TokenRequest = match ApiJson::from_request(req, &st).await {
        Ok(ApiJson(b)) => b,
        Err(r) => return r,
    };
    let login = st.db.login_from_device(
        &body.username,
        &body.password,
        &address,
        body.device.as_deref(),
        SessionKind::Api,
    );
    match login.await {
        Ok(LoginOutcome::Ok { token, principal, device }) => {
            Json(json!({"token": token, "token_type": "Bearer", "expires_in": 86400, "role": principal.role.as_str(), "device": device})).into_response()
        }
        Ok(LoginOutcome::Invalid) => problem(StatusCode::UNAUTHORIZED, "Tên đăng nhập hoặc mật khẩu không đúng", &[]),
        Ok(LoginOutcome::Throttled { retry_after_secs }) => {
            let mut resp = problem(
                StatusCode::TOO_MANY_REQUESTS,
                &domain::policy::login_limits::refusal(retry_after_secs),
                &[],
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, axum::http::HeaderValue::from(retry_after_secs.max(1)));
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
        st.db.logout(t.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(st): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let unit = st.db.unit(p, p.unit_id).await?;
    Ok(Json(
        json!({"id": p.user_id, "username": p.username, "role": p.role.as_str(), "unit_code": unit.code, "unit_name": unit.name, "member_id": p.member_id}),
    ))
}

fn unit_json(u: &domain::Unit, parent_code: Option<&str>) -> Value {
    json!({
        "id": u.id, "code": u.code, "name": u.name, "type": u.unit_type.as_str(), "type_label": u.unit_type.label(),
        "parent_id": u.parent_id, "parent_code": parent_code, "depth": u.depth, "sort_order": u.sort_order,
        "valid_from": u.valid_from, "valid_to": u.valid_to,
    })
}

/// The path of the unit `code` (when given and non-empty), checked against the caller's scope.
async fn subtree_of(
    st: &AppState,
    p: &domain::policy::Principal,
    code: Option<&str>,
) -> Result<Option<String>, ApiError> {
    match code.filter(|s| !s.is_empty()) {
        Some(code) => Ok(Some(st.db.unit_by_code(p, code).await?.path)),
        None => Ok(None),
    }
}

#[derive(Deserialize)]
struct UnitsQuery {
    unit: Option<String>,
}

async fn units(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UnitsQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let under = subtree_of(&st, p, q.unit.as_deref()).await?;
    let list = st.db.list_units(p, under.as_deref(), None).await?;
    let codes: std::collections::HashMap<i64, String> =
        list.iter().map(|u| (u.id, u.code.clone())).collect();
    let items: Vec<Value> = list
        .iter()
        .map(|u| {
            unit_json(
                u,
                u.parent_id
                    .and_then(|id| codes.get(&id))
                    .map(String::as_str),
            )
        })
        .collect();
    Ok(Json(json!({"items": items, "total": items.len()})))
}

async fn unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let u = st.db.unit(p, id).await?;
    let children = st.db.child_units(p, id).await?;
    let mut v = unit_json(&u, None);
    v["children"] = children
        .iter()
        .map(|c| {
            let mut j = unit_json(&c.unit, Some(&u.code));
            j["member_count"] = json!(c.member_count);
            j
        })
        .collect();
    Ok(Json(v))
}

#[derive(Deserialize)]
struct UnitBody {
    code: Option<String>,
    name: Option<String>,
    #[serde(rename = "type")]
    unit_type: Option<String>,
    parent_code: Option<String>,
    sort_order: Option<i64>,
    valid_from: Option<String>,
}

fn unit_type_field(v: Option<&str>) -> Result<Option<domain::UnitType>, ApiError> {
    v.map(|t| {
        domain::UnitType::parse(t).ok_or_else(|| {
            ApiError::unprocessable(
                "\"type\" phải là party_committee, grassroots_committee, grassroots_cell, cell, front, mass_organisation, mass_mobilisation_team hoặc mass_mobilisation_bloc",
            )
        })
    })
    .transpose()
}

async fn create_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<UnitBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    if !p.has(Capability::WriteUnits) {
        return Err(ApiError::forbidden());
    }
    let unit_type = unit_type_field(b.unit_type.as_deref())?
        .ok_or_else(|| ApiError::unprocessable("Thiếu \"type\""))?;
    let input = store::UnitInput {
        code: b.code.unwrap_or_default(),
        name: b.name.unwrap_or_default(),
        unit_type,
        parent_code: Some(b.parent_code.unwrap_or_default()),
        sort_order: b.sort_order.unwrap_or(0),
        valid_from: b
            .valid_from
            .as_deref()
            .map(|s| parse_date_field("valid_from", s))
            .transpose()?,
    };
    let u = st
        .db
        .create_unit(&Actor::user(p, "api"), Some(p), input)
        .await?;
    Ok((StatusCode::CREATED, Json(unit_json(&u, None))))
}

async fn update_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UnitBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let current = st.db.unit(p, id).await?;
    if !p.can_write_unit(&current.path) {
        return Err(ApiError::forbidden());
    }
    let unit_type = unit_type_field(b.unit_type.as_deref())?.unwrap_or(current.unit_type);
    let name = b.name.unwrap_or(current.name);
    let u = st
        .db
        .update_unit(
            &Actor::user(p, "api"),
            p,
            id,
            &name,
            unit_type,
            b.sort_order.unwrap_or(current.sort_order),
        )
        .await?;
    Ok(Json(unit_json(&u, None)))
}

#[derive(Deserialize)]
struct MoveBody {
    parent_code: String,
    date: String,
}

async fn move_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MoveBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let date = parse_date_field("date", &b.date)?;
    let parent = st.db.unit_by_code(p, &b.parent_code).await.map_err(|_| {
        ApiError::unprocessable(format!(
            "Không có đơn vị mã \"{}\" trong phạm vi quản lý",
            b.parent_code
        ))
    })?;
    let u = st
        .db
        .move_unit(&Actor::user(p, "api"), p, id, parent.id, date)
        .await?;
    Ok(Json(unit_json(&u, Some(&parent.code))))
}

#[derive(Deserialize)]
struct CloseBody {
    date: String,
}

async fn close_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CloseBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let date = parse_date_field("date", &b.date)?;
    let u = st
        .db
        .close_unit(&Actor::user(p, "api"), p, id, date)
        .await?;
    Ok(Json(unit_json(&u, None)))
}

#[derive(Deserialize)]
struct MembersQuery {
    q: Option<String>,
    unit: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
    include_inactive: Option<bool>,
}

async fn members(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let unit_path = subtree_of(&st, p, q.unit.as_deref()).await?;
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let (items, total) = st
        .db
        .search_members(
            p,
            &MemberQuery {
                q: q.q,
                unit_path,
                include_inactive: q.include_inactive.unwrap_or(false),
                page,
                per_page,
            },
        )
        .await?;
    Ok(Json(
        json!({"items": items, "total": total, "page": page, "per_page": per_page}),
    ))
}

async fn member(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Member>, ApiError> {
    Ok(Json(st.db.member(&user.principal, id).await?))
}

async fn member_history(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let (memberships, statuses) = st.db.member_history(&user.principal, id).await?;
    Ok(Json(
        json!({"memberships": memberships, "statuses": statuses}),
    ))
}

/// Applies the fields present in a JSON object to a member input; `null` clears a field.
fn apply_patch(mut input: MemberInput, body: &Value) -> Result<MemberInput, ApiError> {
    let obj = body
        .as_object()
        .ok_or_else(|| ApiError::bad_request("Nội dung phải là một đối tượng JSON"))?;
    let text = |k: &str, v: &Value| -> Result<Option<String>, ApiError> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone()).filter(|s| !s.trim().is_empty())),
            _ => Err(ApiError::unprocessable(format!(
                "Trường \"{k}\" phải là chuỗi"
            ))),
        }
    };
    for (k, v) in obj {
        match k.as_str() {
            "full_name" => input.full_name = text(k, v)?.unwrap_or_default(),
            "gender" => {
                input.gender = match text(k, v)? {
                    None => None,
                    Some(g) => Some(Gender::parse(&g).ok_or_else(|| {
                        ApiError::unprocessable("Giới tính phải là \"male\" hoặc \"female\"")
                    })?),
                }
            }
            "birth_date" | "joined_on" | "official_on" => {
                let d = text(k, v)?.map(|s| parse_date_field(k, &s)).transpose()?;
                match k.as_str() {
                    "birth_date" => input.birth_date = d,
                    "joined_on" => input.joined_on = d,
                    _ => input.official_on = d,
                }
            }
            "card_number" => input.card_number = text(k, v)?,
            "citizen_id" => input.citizen_id = text(k, v)?,
            "phone" => input.phone = text(k, v)?,
            "positions" => {
                let arr = v.as_array().ok_or_else(|| {
                    ApiError::unprocessable("Trường \"positions\" phải là một mảng")
                })?;
                input.positions = arr
                    .iter()
                    .map(|p| match p {
                        Value::String(s) => Ok((s.clone(), String::new())),
                        Value::Object(o) => Ok((
                            o.get("title")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            o.get("duties")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                        )),
                        _ => Err(ApiError::unprocessable(
                            "Mỗi chức vụ là chuỗi hoặc {\"title\", \"duties\"}",
                        )),
                    })
                    .collect::<Result<_, _>>()?;
            }
            "id" | "unit_id" | "unit_code" | "unit_name" | "status" | "head" | "key_cadre"
            | "since" => {}
            other => {
                return Err(ApiError::unprocessable(format!(
                    "Không có trường \"{other}\""
                )))
            }
        }
    }
    Ok(input)
}

async fn create_member(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    let unit_code = body
        .get("unit_code")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unprocessable("Thiếu \"unit_code\""))?
        .to_string();
    let since = body
        .get("since")
        .and_then(Value::as_str)
        .map(|s| parse_date_field("since", s))
        .transpose()?;
    let input = apply_patch(MemberInput::default(), &body)?;
    let m = st
        .db
        .create_member(
            &Actor::user(&user.principal, "api"),
            &user.principal,
            &input,
            &unit_code,
            since,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

async fn update_member(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Member>, ApiError> {
    let p = &user.principal;
    let current = st.db.member(p, id).await?;
    let input = apply_patch(MemberInput::from_member(&current), &body)?;
    Ok(Json(
        st.db
            .update_member(&Actor::user(p, "api"), p, id, &input)
            .await?,
    ))
}

#[derive(Deserialize)]
struct TransferBody {
    unit_code: String,
    date: String,
}

async fn transfer(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TransferBody>,
) -> Result<Json<Member>, ApiError> {
    let date = parse_date_field("date", &b.date)?;
    let p = &user.principal;
    Ok(Json(
        st.db
            .transfer_member(&Actor::user(p, "api"), p, id, &b.unit_code, date)
            .await?,
    ))
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
    date: String,
}

async fn set_status(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StatusBody>,
) -> Result<Json<Member>, ApiError> {
    let status = MemberStatus::parse(&b.status).ok_or_else(|| {
        ApiError::unprocessable(
            "\"status\" phải là active, exempt, transferred_out, deceased hoặc expelled",
        )
    })?;
    let date = parse_date_field("date", &b.date)?;
    let p = &user.principal;
    Ok(Json(
        st.db
            .set_member_status(&Actor::user(p, "api"), p, id, status, date)
            .await?,
    ))
}

async fn accounts(State(st): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ManageAccounts) {
        return Err(ApiError::forbidden());
    }
    let list = st.db.list_accounts(Some(p)).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|a| json!({"id": a.id, "username": a.username, "display_name": a.display_name, "role": a.role.as_str(), "unit_code": a.unit_code, "member_id": a.member_id, "active": a.active, "created_at": a.created_at}))
        .collect();
    Ok(Json(json!({"items": items, "total": items.len()})))
}

#[derive(Deserialize)]
struct AccountBody {
    username: String,
    password: String,
    role: String,
    unit_code: String,
    member_id: Option<i64>,
    display_name: Option<String>,
}

async fn create_account(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<AccountBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
        .create_account(&Actor::user(p, "api"), Some(p), &new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": a.id, "username": a.username, "role": a.role.as_str(), "unit_code": a.unit_code, "member_id": a.member_id}),
        ),
    ))
}

#[derive(Deserialize)]
struct AuditQuery {
    username: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn audit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ReadAudit) {
        return Err(ApiError::forbidden());
    }
    let f = AuditFilter {
        username: q.username,
        object_type: q.object_type,
        object_id: q.object_id,
        action: q.action,
        from: q
            .from
            .as_deref()
            .map(|s| parse_date_field("from", s))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|s| parse_date_field("to", s))
            .transpose()?,
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let (items, total) = st.db.list_audit(p, &f).await?;
    Ok(Json(json!({"items": items, "total": total})))
}

#[derive(Deserialize)]
struct ImportQuery {
    filename: Option<String>,
    dry_run: Option<bool>,
}

fn import_response(outcome: ImportOutcome) -> Response {
    match outcome {
        ImportOutcome::Done(r) => Json(json!({"ok": true, "report": r})).into_response(),
        ImportOutcome::Rejected(errors) => {
            let list: Vec<Value> = errors.iter().map(|e| json!({"line": e.line, "column": e.column, "message": e.message, "text": e.to_string()})).collect();
            let mut resp = problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("Tệp có {} lỗi; không dòng nào được nhập", list.len()),
                &[],
            );
            let body = json!({"type": "about:blank", "title": "Dữ liệu không hợp lệ", "status": 422, "detail": format!("Tệp có {} lỗi; không dòng nào được nhập", list.len()), "rows": list});
            *resp.body_mut() = axum::body::Body::from(body.to_string());
            resp
        }
    }
}

async fn import_units(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ImportUnits) {
        return Err(ApiError::forbidden());
    }
    let name = q.filename.unwrap_or_else(|| "tep.csv".into());
    let parsed = crate::heavy::run(move || office::parse_units(&name, &body))
        .await
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let outcome = st
        .db
        .import_units(
            &Actor::user(p, "api"),
            Some(p),
            parsed,
            q.dry_run.unwrap_or(false),
        )
        .await?;
    Ok(import_response(outcome))
}

async fn import_members(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ImportMembers) {
        return Err(ApiError::forbidden());
    }
    let name = q.filename.unwrap_or_else(|| "tep.csv".into());
    let today = st.db.today();
    let parsed = crate::heavy::run(move || office::parse_members(&name, &body, today))
        .await
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let outcome = st
        .db
        .import_members(
            &Actor::user(p, "api"),
            Some(p),
            parsed,
            q.dry_run.unwrap_or(false),
        )
        .await?;
    Ok(import_response(outcome))
}

#[derive(Deserialize)]
struct ExportQuery {
    unit: Option<String>,
    format: Option<String>,
}

async fn export_members(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ExportMembers) {
        return Err(ApiError::forbidden());
    }
    let unit = match q.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => st.db.unit_by_code(p, code).await?,
        None => st.db.unit(p, p.unit_id).await?,
    };
    let members = st.db.members_for_export(p, Some(&unit.path)).await?;
    let rows = store::member_rows(&members);
    let (bytes, ctype) = match q.format.as_deref().unwrap_or("csv") {
        "csv" => (
            crate::heavy::run(move || office::members_csv(&rows)).await,
            "text/csv; charset=utf-8",
        ),
        "xlsx" => (
            crate::heavy::run(move || office::members_xlsx(&rows))
                .await
                .map_err(|e| ApiError::Status(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return Err(ApiError::unprocessable("\"format\" phải là csv hoặc xlsx")),
    };
    let format = if ctype.starts_with("text/csv") {
        "csv"
    } else {
        "xlsx"
    };
    st.db
        .audit_file(
            &Actor::user(p, "api"),
            &store::FileAudit {
                kind: &format!("members.{format}"),
                label: &format!("Danh sách đảng viên — {}", unit.name),
                unit_path: &unit.path,
                filename: &format!("dang-vien-{}.{format}", unit.code),
                rows: Some(members.len()),
            },
        )
        .await?;
    Ok(([(header::CONTENT_TYPE, ctype)], bytes).into_response())
}
