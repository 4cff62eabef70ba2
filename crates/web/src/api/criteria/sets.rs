//! Criteria sets: the set with its criteria and the units it applies to; list, read, create or replace.

use super::*;

// ---- sets

/// One criterion of a set.
#[derive(Serialize, ToSchema)]
pub struct CriterionOut {
    /// Mã tiêu chí ("1", "2.1", "VMĐT-07").
    code: String,
    title: String,
    /// Nhóm tiêu chí.
    group: String,
    /// Cách đánh giá.
    measure: String,
    /// Chỉ tiêu.
    target: String,
}

impl From<&Criterion> for CriterionOut {
    fn from(c: &Criterion) -> Self {
        CriterionOut {
            code: c.code.clone(),
            title: c.title.clone(),
            group: c.group.clone(),
            measure: c.measure.clone(),
            target: c.target.clone(),
        }
    }
}

/// Which units a set applies to: a unit type, or the units listed.
#[derive(Serialize, ToSchema)]
pub struct AppliesToOut {
    /// Loại đơn vị (null khi áp dụng cho danh sách đơn vị).
    #[schema(value_type = Option<UnitTypeName>)]
    unit_type: Option<&'static str>,
    /// Mã các đơn vị (rỗng khi áp dụng theo loại).
    unit_codes: Vec<String>,
    /// Các đơn vị được liệt kê.
    units: Vec<UnitRef>,
}

/// A criteria set with its criteria.
#[derive(Serialize, ToSchema)]
#[schema(as = CriteriaSet)]
pub struct CriteriaSetOut {
    id: i64,
    code: String,
    title: String,
    version: String,
    description: String,
    /// Đơn vị quản lý bộ tiêu chí.
    owner: UnitRef,
    applies_to: AppliesToOut,
    /// Các tiêu chí theo thứ tự.
    items: Vec<CriterionOut>,
    /// Số tiêu chí.
    item_count: i64,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

impl From<&CriteriaSet> for CriteriaSetOut {
    fn from(s: &CriteriaSet) -> Self {
        let applies_to = match &s.applies_to {
            AppliesTo::UnitType(t) => AppliesToOut {
                unit_type: Some(t.as_str()),
                unit_codes: Vec::new(),
                units: Vec::new(),
            },
            AppliesTo::Units(units) => AppliesToOut {
                unit_type: None,
                unit_codes: units.iter().map(|u| u.code.clone()).collect(),
                units: units.iter().map(UnitRef::from).collect(),
            },
        };
        CriteriaSetOut {
            id: s.id,
            code: s.code.clone(),
            title: s.title.clone(),
            version: s.version.clone(),
            description: s.description.clone(),
            owner: (&s.owner).into(),
            applies_to,
            items: s.items.iter().map(CriterionOut::from).collect(),
            item_count: i64::try_from(s.items.len()).unwrap_or(i64::MAX),
            created_by: s.created_by.clone(),
            created_at: s.created_at.clone(),
            updated_by: s.updated_by.clone(),
            updated_at: s.updated_at.clone(),
        }
    }
}

/// Sets are read by every staff account.
fn staff(p: &Principal) -> Result<(), ApiError> {
    if p.role == Role::Member {
        Err(ApiError::forbidden())
    } else {
        Ok(())
    }
}

pub(super) async fn sets(
    State(st): State<AppState>,
    user: ApiUser,
) -> Result<Json<Items<CriteriaSetOut>>, ApiError> {
    let p = &user.principal;
    staff(p)?;
    let sets = st.db.criteria().sets(p).await?;
    Ok(Json(Items::all(
        sets.iter().map(CriteriaSetOut::from).collect(),
    )))
}

pub(super) async fn set(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<CriteriaSetOut>, ApiError> {
    let p = &user.principal;
    staff(p)?;
    let s = st.db.criteria().set(p, code.trim()).await?;
    Ok(Json(CriteriaSetOut::from(&s)))
}

/// Which units a set applies to: exactly one of `unit_type` and `unit_codes`.
#[derive(Deserialize, ToSchema, Default)]
#[schema(as = CriteriaAppliesToInput)]
pub struct AppliesToBody {
    /// Loại đơn vị (ví dụ grassroots_committee).
    #[schema(value_type = Option<UnitTypeName>)]
    unit_type: Option<String>,
    /// Mã các đơn vị.
    unit_codes: Option<Vec<String>>,
}

/// One criterion to define.
#[derive(Deserialize, ToSchema)]
#[schema(as = CriterionInput)]
pub struct CriterionBody {
    #[schema(value_type = String, required = true)]
    code: Option<String>,
    #[schema(value_type = String, required = true)]
    title: Option<String>,
    /// Nhóm tiêu chí.
    #[schema(value_type = String, required = true)]
    group: Option<String>,
    /// Cách đánh giá.
    measure: Option<String>,
    /// Chỉ tiêu.
    target: Option<String>,
}

/// A criteria set to create, or to replace (same code).
#[derive(Deserialize, ToSchema)]
#[schema(as = CriteriaSetInput)]
pub struct CriteriaSetBody {
    #[schema(value_type = String, required = true)]
    code: Option<String>,
    #[schema(value_type = String, required = true)]
    title: Option<String>,
    version: Option<String>,
    description: Option<String>,
    /// Mã đơn vị quản lý (mặc định: đơn vị của tài khoản).
    owner: Option<String>,
    #[schema(value_type = AppliesToBody, required = true)]
    applies_to: Option<AppliesToBody>,
    #[schema(value_type = Vec<CriterionBody>, required = true)]
    items: Option<Vec<CriterionBody>>,
}

pub(super) async fn save_set(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<CriteriaSetBody>,
) -> Result<(StatusCode, Json<CriteriaSetOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::ManageCriteria)?;
    let mut f = Faults::default();
    let code = f.text("code", b.code);
    let title = f.text("title", b.title);
    let applies = b.applies_to.unwrap_or_default();
    let applies_type = opt_text(applies.unit_type);
    let unit_codes: Vec<String> = applies
        .unit_codes
        .unwrap_or_default()
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    match (applies_type.is_empty(), unit_codes.is_empty()) {
        (true, true) | (false, false) => f.push(
            "applies_to",
            "Phạm vi áp dụng phải có đúng một trong hai: \"unit_type\" (loại đơn vị) hoặc \"unit_codes\" (danh sách đơn vị)",
        ),
        (false, true) if domain::UnitType::parse(&applies_type).is_none() => f.push(
            "applies_to",
            format!("Không có loại đơn vị \"{applies_type}\""),
        ),
        _ => {}
    }
    if unit_codes.len() > MAX_ITEMS {
        f.push(
            "applies_to",
            format!("Một bộ tiêu chí liệt kê tối đa {MAX_ITEMS} đơn vị"),
        );
    }
    let raw_items = b.items.unwrap_or_default();
    if raw_items.is_empty() {
        f.push("items", "Bộ tiêu chí phải có ít nhất một tiêu chí");
    } else if raw_items.len() > MAX_ITEMS {
        f.push(
            "items",
            format!("Một bộ tiêu chí có tối đa {MAX_ITEMS} tiêu chí"),
        );
    }
    let mut items = Vec::with_capacity(raw_items.len());
    for (i, c) in raw_items.into_iter().enumerate() {
        let code = opt_text(c.code);
        let title = opt_text(c.title);
        if !domain::criteria::valid_code(&code) {
            f.push(
                "items",
                format!(
                    "Tiêu chí thứ {}: mã \"{code}\" không hợp lệ (chữ, số, dấu chấm, gạch; tối đa 20 ký tự)",
                    i + 1
                ),
            );
        }
        if title.is_empty() {
            f.push(
                "items",
                format!("Tiêu chí thứ {}: tên tiêu chí không được để trống", i + 1),
            );
        }
        if items.iter().any(|x: &Criterion| x.code == code) {
            f.push(
                "items",
                format!("Tiêu chí thứ {}: mã \"{code}\" bị trùng", i + 1),
            );
        }
        items.push(Criterion {
            code,
            title,
            group: opt_text(c.group),
            measure: opt_text(c.measure),
            target: opt_text(c.target),
        });
    }
    let version = opt_text(b.version);
    let description = opt_text(b.description);
    let owner_code = opt_text(b.owner);
    f.done()?;
    let input = CriteriaSetInput {
        code,
        title,
        version,
        description,
        owner_code,
        applies_type,
        unit_codes,
        items,
    };
    let (s, new) = st
        .db
        .criteria()
        .save_set(p, &store::Actor::user(p, "api"), &input)
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(CriteriaSetOut::from(&s))))
}
