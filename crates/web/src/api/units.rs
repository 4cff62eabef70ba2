//! Units (the organisation tree): list, read, create, edit, move and close (`/units`).

use super::{parse_date_field, r, subtree_of, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::Json;
use chrono::NaiveDate;
use domain::policy::Capability;
use serde::{Deserialize, Serialize};
use store::Actor;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r(
            "get",
            "/units",
            "units",
            "Danh sách đơn vị trong phạm vi (có thể lọc theo một đơn vị và các đơn vị trực thuộc)",
            get(units),
        )
        .query::<UnitsQuery>()
        .json::<Items<Unit>>(),
        r(
            "get",
            "/units/{id}",
            "units",
            "Một đơn vị và các đơn vị trực thuộc",
            get(unit),
        )
        .json::<UnitDetail>(),
        r(
            "post",
            "/units",
            "units",
            "Thêm đơn vị (dưới một đơn vị cấp trên trong phạm vi)",
            post(create_unit),
        )
        .body::<UnitInput>()
        .created::<Unit>(),
        r(
            "patch",
            "/units/{id}",
            "units",
            "Sửa tên, loại, thứ tự của đơn vị",
            patch(update_unit),
        )
        .body::<UnitInput>()
        .json::<Unit>(),
        r(
            "post",
            "/units/{id}/move",
            "units",
            "Chuyển đơn vị sang đơn vị cấp trên khác từ một ngày (giữ lịch sử)",
            post(move_unit),
        )
        .body::<MoveBody>()
        .json::<Unit>(),
        r(
            "post",
            "/units/{id}/close",
            "units",
            "Giải thể / sáp nhập đơn vị từ một ngày (giữ lịch sử)",
            post(close_unit),
        )
        .body::<CloseBody>()
        .json::<Unit>(),
    ]
}

// The kinds of unit, as `domain::UnitType::as_str` writes them (schema only).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum UnitTypeName {
    PartyCommittee,
    GrassrootsCommittee,
    GrassrootsCell,
    PartialCommittee,
    Cell,
    Front,
    MassOrganisation,
    MassMobilisationTeam,
    MassMobilisationBloc,
}

// A unit as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct Unit {
    id: i64,
    code: String,
    name: String,
    #[serde(rename = "type")]
    #[schema(value_type = UnitTypeName)]
    unit_type: &'static str,
    /// Tên loại đơn vị (tiếng Việt)
    type_label: &'static str,
    parent_id: Option<i64>,
    parent_code: Option<String>,
    /// Cấp của đơn vị (đơn vị cao nhất là 0)
    depth: i64,
    sort_order: i64,
    valid_from: Option<NaiveDate>,
    /// Ngày giải thể / sáp nhập (không còn hiệu lực từ ngày này)
    valid_to: Option<NaiveDate>,
}

impl Unit {
    pub fn new(u: &domain::Unit, parent_code: Option<&str>) -> Unit {
        Unit {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            unit_type: u.unit_type.as_str(),
            type_label: u.unit_type.label(),
            parent_id: u.parent_id,
            parent_code: parent_code.map(str::to_string),
            depth: u.depth,
            sort_order: u.sort_order,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
        }
    }
}

// A unit with its direct children.
#[derive(Serialize, ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    unit: Unit,
    children: Vec<ChildUnit>,
}

// A direct child of a unit, with its number of members.
#[derive(Serialize, ToSchema)]
pub struct ChildUnit {
    #[serde(flatten)]
    unit: Unit,
    /// Số đảng viên đang sinh hoạt
    member_count: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UnitsQuery {
    /// Chỉ đơn vị này và các đơn vị trực thuộc (mã đơn vị).
    unit: Option<String>,
}

// A new unit (code, name, type, parent_code required) or the fields to change (name, type, sort_order).
#[derive(Deserialize, ToSchema)]
#[schema(
    description = "Khi thêm mới cần code, name, type, parent_code; khi sửa (PATCH) chỉ name, type, sort_order."
)]
pub struct UnitInput {
    code: Option<String>,
    name: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = Option<UnitTypeName>)]
    unit_type: Option<String>,
    parent_code: Option<String>,
    sort_order: Option<i64>,
    #[schema(format = Date)]
    valid_from: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    /// Mã đơn vị cấp trên mới
    parent_code: String,
    #[schema(format = Date)]
    date: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    #[schema(format = Date)]
    date: String,
}

async fn units(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UnitsQuery>,
) -> Result<Json<Items<Unit>>, ApiError> {
    let p = &user.principal;
    let under = subtree_of(&st, p, q.unit.as_deref()).await?;
    let list = st.db.units().list_units(p, under.as_deref(), None).await?;
    let codes: std::collections::HashMap<i64, &str> =
        list.iter().map(|u| (u.id, u.code.as_str())).collect();
    let items = list
        .iter()
        .map(|u| Unit::new(u, u.parent_id.and_then(|id| codes.get(&id).copied())))
        .collect();
    Ok(Json(Items::all(items)))
}

async fn unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<UnitDetail>, ApiError> {
    let p = &user.principal;
    let u = st.db.units().unit(p, id).await?;
    let children = st.db.units().child_units(p, id).await?;
    let children = children
        .iter()
        .map(|c| ChildUnit {
            unit: Unit::new(&c.unit, Some(&u.code)),
            member_count: c.member_count,
        })
        .collect();
    Ok(Json(UnitDetail {
        unit: Unit::new(&u, None),
        children,
    }))
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
    ApiJson(b): ApiJson<UnitInput>,
) -> Result<(StatusCode, Json<Unit>), ApiError> {
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
        .units()
        .create_unit(&Actor::user(p, "api"), Some(p), input)
        .await?;
    Ok((StatusCode::CREATED, Json(Unit::new(&u, None))))
}

async fn update_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UnitInput>,
) -> Result<Json<Unit>, ApiError> {
    let p = &user.principal;
    let current = st.db.units().unit(p, id).await?;
    if !p.can_write_unit(&current.path) {
        return Err(ApiError::forbidden());
    }
    let unit_type = unit_type_field(b.unit_type.as_deref())?.unwrap_or(current.unit_type);
    let name = b.name.unwrap_or(current.name);
    let u = st
        .db
        .units()
        .update_unit(
            &Actor::user(p, "api"),
            p,
            id,
            &name,
            unit_type,
            b.sort_order.unwrap_or(current.sort_order),
        )
        .await?;
    Ok(Json(Unit::new(&u, None)))
}

async fn move_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MoveBody>,
) -> Result<Json<Unit>, ApiError> {
    let p = &user.principal;
    let date = parse_date_field("date", &b.date)?;
    let parent = st
        .db
        .units()
        .unit_by_code(p, &b.parent_code)
        .await
        .map_err(|_| {
            ApiError::unprocessable(format!(
                "Không có đơn vị mã \"{}\" trong phạm vi quản lý",
                b.parent_code
            ))
        })?;
    let u = st
        .db
        .units()
        .move_unit(&Actor::user(p, "api"), p, id, parent.id, date)
        .await?;
    Ok(Json(Unit::new(&u, Some(&parent.code))))
}

async fn close_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CloseBody>,
) -> Result<Json<Unit>, ApiError> {
    let p = &user.principal;
    let date = parse_date_field("date", &b.date)?;
    let u = st
        .db
        .units()
        .close_unit(&Actor::user(p, "api"), p, id, date)
        .await?;
    Ok(Json(Unit::new(&u, None)))
}
