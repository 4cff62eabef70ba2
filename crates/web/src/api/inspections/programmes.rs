//! Yearly programmes of inspection and supervision.

use super::*;

// ---- programmes

/// A yearly programme of inspection and supervision.
#[derive(Serialize, ToSchema)]
#[schema(as = InspectionProgramme)]
pub struct ProgrammeOut {
    id: i64,
    /// Đơn vị ban hành chương trình.
    unit: UnitRef,
    year: i32,
    #[schema(value_type = InspectionBodyName)]
    body: &'static str,
    title: String,
    content: String,
    decision_number: String,
    decided_on: Option<NaiveDate>,
    /// Số cuộc kiểm tra, giám sát thuộc chương trình.
    cases: i64,
}

impl From<&Programme> for ProgrammeOut {
    fn from(p: &Programme) -> Self {
        ProgrammeOut {
            id: p.id,
            unit: UnitRef {
                id: p.unit_id,
                code: p.unit_code.clone(),
                name: p.unit_name.clone(),
            },
            year: p.year,
            body: p.body.as_str(),
            title: p.title.clone(),
            content: p.content.clone(),
            decision_number: p.decision_number.clone(),
            decided_on: p.decided_on,
            cases: p.cases,
        }
    }
}

/// Query of `GET /inspections/programmes`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// Mã đơn vị: chương trình của đơn vị đó và các đơn vị trực thuộc (mặc định: cả phạm vi).
    unit: Option<String>,
    year: Option<i32>,
}

pub(super) async fn programmes(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ProgrammeQuery>,
) -> Result<Json<Items<ProgrammeOut>>, ApiError> {
    let p = &user.principal;
    require(p, Capability::ReadInspections)?;
    let unit = unit_param(&st, p, q.unit.as_deref()).await?;
    let year = year_param(q.year)?;
    let items = st
        .db
        .inspections()
        .list_programmes(p, unit.map(|u| u.id), year)
        .await?;
    Ok(Json(Items::all(
        items.iter().map(ProgrammeOut::from).collect(),
    )))
}

/// A yearly programme to record.
#[derive(Deserialize, ToSchema)]
#[schema(as = InspectionProgrammeInput)]
pub struct ProgrammeBody {
    /// Mã đơn vị ban hành.
    #[schema(value_type = String, required = true)]
    unit_code: Option<String>,
    #[schema(value_type = i32, required = true)]
    year: Option<i32>,
    /// Mặc định: commission.
    #[schema(value_type = Option<InspectionBodyName>)]
    body: Option<String>,
    #[schema(value_type = String, required = true)]
    title: Option<String>,
    content: Option<String>,
    decision_number: Option<String>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    decided_on: Option<String>,
}

pub(super) async fn create_programme(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<ProgrammeBody>,
) -> Result<(StatusCode, Json<ProgrammeOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::ManageInspections)?;
    let mut f = Faults::default();
    let unit_code = f.text("unit_code", b.unit_code);
    let title = f.text("title", b.title);
    let year = match b.year {
        Some(y) if (1930..=2100).contains(&y) => y,
        _ => {
            f.push("year", "Năm phải từ 1930 đến 2100");
            0
        }
    };
    let body = match b.body.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Body::Commission),
        Some(s) => f.parsed("body", Some(s), Body::parse, BODIES),
    };
    let decided_on = f.opt_date("decided_on", b.decided_on.as_deref());
    let unit = if unit_code.is_empty() {
        None
    } else {
        match unit_field(&st, Some(p), "unit_code", &unit_code).await {
            Ok(u) => Some(u),
            Err(e) => {
                f.0.push(e);
                None
            }
        }
    };
    f.done()?;
    let input = ProgrammeInput {
        unit_id: unit.map(|u| u.id).unwrap_or_default(),
        year,
        body,
        title,
        content: b.content.unwrap_or_default(),
        decision_number: b.decision_number.unwrap_or_default(),
        decided_on,
    };
    let saved = st
        .db
        .inspections()
        .save_programme(&Actor::user(p, "api"), p, None, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(ProgrammeOut::from(&saved))))
}
