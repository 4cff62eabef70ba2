//! Party members: search, read, create, edit, history, transfer and status (`/members`).

use super::{parse_date_field, r, subtree_of, ApiJson, ApiRoute, Page};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::Json;
use chrono::NaiveDate;
use domain::{Gender, MemberStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{Actor, MemberInput, MemberQuery};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r(
            "get",
            "/members",
            "members",
            "Tìm đảng viên (không phân biệt dấu), lọc theo đơn vị (gồm cả đơn vị trực thuộc), phân trang",
            get(members),
        )
        .query::<MembersQuery>()
        .json::<Page<MemberListItem>>(),
        r(
            "post",
            "/members",
            "members",
            "Thêm đảng viên",
            post(create_member),
        )
        .body::<MemberFields>()
        .created::<Member>(),
        r(
            "get",
            "/members/{id}",
            "members",
            "Hồ sơ một đảng viên",
            get(member),
        )
        .json::<Member>(),
        r(
            "patch",
            "/members/{id}",
            "members",
            "Sửa hồ sơ đảng viên (chỉ các trường gửi lên)",
            patch(update_member),
        )
        .body::<MemberFields>()
        .json::<Member>(),
        r(
            "get",
            "/members/{id}/history",
            "members",
            "Quá trình sinh hoạt và trạng thái",
            get(member_history),
        )
        .json::<MemberHistory>(),
        r(
            "post",
            "/members/{id}/transfer",
            "members",
            "Chuyển sinh hoạt đảng từ một ngày",
            post(transfer),
        )
        .body::<TransferBody>()
        .json::<Member>(),
        r(
            "post",
            "/members/{id}/status",
            "members",
            "Đổi trạng thái từ một ngày",
            post(set_status),
        )
        .body::<StatusBody>()
        .json::<Member>(),
    ]
}

// Values of `domain::Gender` and `domain::MemberStatus` as they are serialised (schema only).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum GenderName {
    Male,
    Female,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MemberStatusName {
    Active,
    Exempt,
    TransferredOut,
    Deceased,
    Expelled,
    Withdrawn,
    StruckOff,
}

// One row of the member search.
#[derive(Serialize, ToSchema)]
pub struct MemberListItem {
    id: i64,
    full_name: String,
    #[schema(value_type = Option<GenderName>)]
    gender: Option<Gender>,
    birth_date: Option<NaiveDate>,
    card_number: Option<String>,
    phone: Option<String>,
    #[schema(value_type = MemberStatusName)]
    status: MemberStatus,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
}

impl From<store::MemberListItem> for MemberListItem {
    fn from(m: store::MemberListItem) -> Self {
        MemberListItem {
            id: m.id,
            full_name: m.full_name,
            gender: m.gender,
            birth_date: m.birth_date,
            card_number: m.card_number,
            phone: m.phone,
            status: m.status,
            unit_id: m.unit_id,
            unit_code: m.unit_code,
            unit_name: m.unit_name,
        }
    }
}

// Values of `domain::position::Post` and `domain::position::Body` as they are serialised (schema only).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PostName {
    Secretary,
    DeputySecretary,
    StandingMember,
    CommitteeMember,
    InspectionChair,
    Chair,
    ViceChair,
    Chief,
    DeputyChief,
    Staff,
    Unknown,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum BodyName {
    Party,
    Government,
    Front,
    Mass,
    Neighbourhood,
    Other,
}

// A position held by a member.
#[derive(Serialize, ToSchema)]
pub struct Position {
    title: String,
    duties: String,
    /// Người đứng đầu
    head: bool,
    /// Cán bộ chủ chốt
    key_cadre: bool,
    /// Chức danh đọc từ tên chức vụ (chỉ đọc)
    #[schema(value_type = PostName)]
    post: domain::position::Post,
    /// Tổ chức giữ chức vụ (chỉ đọc)
    #[schema(value_type = BodyName)]
    body: domain::position::Body,
    /// Đơn vị của cây tổ chức nơi giữ chức vụ, nếu có (chỉ đọc)
    unit_id: Option<i64>,
    /// Giữ chức vụ từ ngày
    from: Option<NaiveDate>,
    /// Thôi giữ chức vụ từ ngày
    to: Option<NaiveDate>,
}

// A member's record.
#[derive(Serialize, ToSchema)]
pub struct Member {
    id: i64,
    full_name: String,
    #[schema(value_type = Option<GenderName>)]
    gender: Option<Gender>,
    birth_date: Option<NaiveDate>,
    card_number: Option<String>,
    citizen_id: Option<String>,
    joined_on: Option<NaiveDate>,
    /// Trống = đảng viên dự bị
    official_on: Option<NaiveDate>,
    phone: Option<String>,
    #[schema(value_type = MemberStatusName)]
    status: MemberStatus,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    positions: Vec<Position>,
    head: bool,
    key_cadre: bool,
}

impl From<domain::Member> for Member {
    fn from(m: domain::Member) -> Self {
        Member {
            id: m.id,
            full_name: m.full_name,
            gender: m.gender,
            birth_date: m.birth_date,
            card_number: m.card_number,
            citizen_id: m.citizen_id,
            joined_on: m.joined_on,
            official_on: m.official_on,
            phone: m.phone,
            status: m.status,
            unit_id: m.unit_id,
            unit_code: m.unit_code,
            unit_name: m.unit_name,
            positions: m
                .positions
                .into_iter()
                .map(|p| Position {
                    title: p.title,
                    duties: p.duties,
                    head: p.head,
                    key_cadre: p.key_cadre,
                    post: p.post,
                    body: p.body,
                    unit_id: p.unit_id,
                    from: p.from,
                    to: p.to,
                })
                .collect(),
            head: m.head,
            key_cadre: m.key_cadre,
        }
    }
}

// A membership period: in `unit` from `from_date` until `to_date` (exclusive).
#[derive(Serialize, ToSchema)]
pub struct Membership {
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    from_date: NaiveDate,
    to_date: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct StatusChange {
    #[schema(value_type = MemberStatusName)]
    status: MemberStatus,
    from_date: Option<NaiveDate>,
    recorded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberHistory {
    memberships: Vec<Membership>,
    statuses: Vec<StatusChange>,
}

// The body of POST /members and PATCH /members/{id}. The handlers read it field by field (`apply_patch`):
// `null` clears a field, an absent field stays as it is, and an unknown field is refused by name (hence
// `deny_unknown_fields`, which only tells the schema so: this struct is never deserialised).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(
    description = "Khi thêm mới cần unit_code; khi sửa (PATCH) chỉ gửi các trường muốn đổi, null để xóa."
)]
#[allow(dead_code)]
pub struct MemberFields {
    /// Đơn vị sinh hoạt (khi thêm mới)
    unit_code: Option<String>,
    /// Ngày bắt đầu sinh hoạt ở đơn vị (khi thêm mới)
    #[schema(format = Date)]
    since: Option<String>,
    full_name: Option<String>,
    #[schema(value_type = Option<GenderName>)]
    gender: Option<String>,
    #[schema(format = Date)]
    birth_date: Option<String>,
    card_number: Option<String>,
    citizen_id: Option<String>,
    #[schema(format = Date)]
    joined_on: Option<String>,
    #[schema(format = Date)]
    official_on: Option<String>,
    phone: Option<String>,
    #[schema(nullable = false)]
    positions: Option<Vec<PositionInput>>,
    // Fields of a member record that a client may send back unchanged: accepted and ignored.
    /// Chỉ đọc (gửi kèm thì được bỏ qua).
    id: Option<Value>,
    /// Chỉ đọc (gửi kèm thì được bỏ qua).
    unit_id: Option<Value>,
    /// Chỉ đọc (gửi kèm thì được bỏ qua).
    unit_name: Option<Value>,
    /// Chỉ đọc (gửi kèm thì được bỏ qua); đổi trạng thái bằng POST /members/{id}/status.
    status: Option<Value>,
    /// Chỉ đọc (gửi kèm thì được bỏ qua).
    head: Option<Value>,
    /// Chỉ đọc (gửi kèm thì được bỏ qua).
    key_cadre: Option<Value>,
}

// A position: its title alone, or title and duties, with the days it was held from and to.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PositionInput {
    Title(String),
    Full {
        title: String,
        #[serde(default)]
        duties: Option<String>,
        /// Giữ chức vụ từ ngày
        #[serde(default)]
        #[schema(format = Date)]
        from: Option<String>,
        /// Thôi giữ chức vụ từ ngày
        #[serde(default)]
        #[schema(format = Date)]
        to: Option<String>,
    },
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MembersQuery {
    /// Tên (không phân biệt dấu), số thẻ, CCCD hoặc điện thoại.
    q: Option<String>,
    /// Mã đơn vị: tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Trang, từ 1.
    page: Option<i64>,
    /// Số dòng mỗi trang (1–500, mặc định 50).
    per_page: Option<i64>,
    /// Gồm cả người đã chuyển đi, từ trần, khai trừ, xin ra khỏi Đảng.
    include_inactive: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
pub struct TransferBody {
    unit_code: String,
    #[schema(format = Date)]
    date: String,
}

#[derive(Deserialize, ToSchema)]
pub struct StatusBody {
    #[schema(value_type = MemberStatusName)]
    status: String,
    #[schema(format = Date)]
    date: String,
}

async fn members(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> Result<Json<Page<MemberListItem>>, ApiError> {
    let p = &user.principal;
    let unit_path = subtree_of(&st, p, q.unit.as_deref()).await?;
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let (items, total) = st
        .db
        .members()
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
    Ok(Json(Page {
        items: items.into_iter().map(MemberListItem::from).collect(),
        total,
        page,
        per_page,
    }))
}

async fn member(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Member>, ApiError> {
    Ok(Json(
        st.db.members().member(&user.principal, id).await?.into(),
    ))
}

async fn member_history(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MemberHistory>, ApiError> {
    let (memberships, statuses) = st.db.members().member_history(&user.principal, id).await?;
    Ok(Json(MemberHistory {
        memberships: memberships
            .into_iter()
            .map(|m| Membership {
                unit_id: m.unit_id,
                unit_code: m.unit_code,
                unit_name: m.unit_name,
                from_date: m.from_date,
                to_date: m.to_date,
            })
            .collect(),
        statuses: statuses
            .into_iter()
            .map(|s| StatusChange {
                status: s.status,
                from_date: s.from_date,
                recorded_at: s.recorded_at,
            })
            .collect(),
    }))
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
                        Value::String(s) => Ok(domain::member::PositionInput::new(s.clone(), "")),
                        Value::Object(o) => {
                            let s = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
                            let date = |k: &str| -> Result<Option<NaiveDate>, ApiError> {
                                match o.get(k) {
                                    None | Some(Value::Null) => Ok(None),
                                    Some(Value::String(v)) if v.trim().is_empty() => Ok(None),
                                    Some(Value::String(v)) => parse_date_field(k, v).map(Some),
                                    Some(_) => Err(ApiError::unprocessable(format!(
                                        "Trường \"{k}\" của chức vụ phải là ngày YYYY-MM-DD"
                                    ))),
                                }
                            };
                            Ok(domain::member::PositionInput {
                                title: s("title").to_string(),
                                duties: s("duties").to_string(),
                                from: date("from")?,
                                to: date("to")?,
                            })
                        }
                        _ => Err(ApiError::unprocessable(
                            "Mỗi chức vụ là chuỗi hoặc {\"title\", \"duties\", \"from\", \"to\"}",
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
        .members()
        .create_member(
            &Actor::user(&user.principal, "api"),
            &user.principal,
            &input,
            &unit_code,
            since,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

async fn update_member(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Member>, ApiError> {
    let p = &user.principal;
    let current = st.db.members().member(p, id).await?;
    let input = apply_patch(MemberInput::from_member(&current), &body)?;
    Ok(Json(
        st.db
            .members()
            .update_member(&Actor::user(p, "api"), p, id, &input)
            .await?
            .into(),
    ))
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
            .members()
            .transfer_member(&Actor::user(p, "api"), p, id, &b.unit_code, date)
            .await?
            .into(),
    ))
}

async fn set_status(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StatusBody>,
) -> Result<Json<Member>, ApiError> {
    let status = MemberStatus::parse(&b.status).ok_or_else(|| {
        let names: Vec<&str> = MemberStatus::ALL.iter().map(|s| s.as_str()).collect();
        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
        ApiError::unprocessable(format!(
            "\"status\" phải là {} hoặc {last}",
            rest.join(", ")
        ))
    })?;
    let date = parse_date_field("date", &b.date)?;
    let p = &user.principal;
    Ok(Json(
        st.db
            .members()
            .set_member_status(&Actor::user(p, "api"), p, id, status, date)
            .await?
            .into(),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    /// The document's status names are the statuses the API answers with: a status missing here would
    /// make every answer about such a member fail its own schema.
    #[test]
    fn schema_names_every_member_status() {
        let schema = serde_json::to_value(MemberStatusName::schema()).unwrap();
        let names: Vec<&str> = schema["enum"]
            .as_array()
            .expect("an enum of names")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let all: Vec<&str> = MemberStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, all);
    }
}
