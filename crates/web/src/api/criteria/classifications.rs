//! Classifications of units (e.g. đô thị loại II) decided from a day.

use super::*;

// ---- classifications

/// A classification of a unit decided from a day.
#[derive(Serialize, ToSchema)]
#[schema(as = UnitClassification)]
pub struct ClassificationOut {
    id: i64,
    unit: UnitRef,
    /// Xếp loại, danh hiệu (ví dụ "Đô thị loại II").
    title: String,
    decision_number: String,
    decided_on: NaiveDate,
    /// Cơ quan ban hành.
    issued_by: String,
    note: String,
    created_by: String,
    created_at: String,
}

impl From<&Classification> for ClassificationOut {
    fn from(c: &Classification) -> Self {
        ClassificationOut {
            id: c.id,
            unit: (&c.unit).into(),
            title: c.title.clone(),
            decision_number: c.decision_number.clone(),
            decided_on: c.decided_on,
            issued_by: c.issued_by.clone(),
            note: c.note.clone(),
            created_by: c.created_by.clone(),
            created_at: c.created_at.clone(),
        }
    }
}

/// A classification to record.
#[derive(Deserialize, ToSchema)]
#[schema(as = UnitClassificationInput)]
pub struct ClassificationBody {
    #[schema(value_type = String, required = true)]
    unit_code: Option<String>,
    /// Xếp loại, danh hiệu (ví dụ "Đô thị loại II").
    #[schema(value_type = String, required = true)]
    title: Option<String>,
    #[schema(value_type = String, required = true)]
    decision_number: Option<String>,
    /// Ngày quyết định, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    decided_on: Option<String>,
    /// Cơ quan ban hành (ví dụ "Thủ tướng Chính phủ").
    issued_by: Option<String>,
    note: Option<String>,
}

pub(super) async fn classify(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<ClassificationBody>,
) -> Result<(StatusCode, Json<ClassificationOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::ManageCriteria)?;
    let mut f = Faults::default();
    let unit_code = f.text("unit_code", b.unit_code);
    let title = f.text("title", b.title);
    let decision_number = f.text("decision_number", b.decision_number);
    let decided_on = f.date("decided_on", b.decided_on.as_deref());
    let issued_by = opt_text(b.issued_by);
    let note = opt_text(b.note);
    f.done()?;
    let input = ClassificationInput {
        unit_code,
        title,
        decision_number,
        decided_on,
        issued_by,
        note,
    };
    let c = st
        .db
        .criteria()
        .classify(p, &store::Actor::user(p, "api"), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(ClassificationOut::from(&c))))
}

/// Query of `GET /classifications`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Mã đơn vị (mặc định: mọi đơn vị trong phạm vi).
    unit: Option<String>,
}

pub(super) async fn classifications(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<Items<ClassificationOut>>, ApiError> {
    let p = &user.principal;
    let unit = unit_param(&st, p, q.unit.as_deref()).await?;
    let list = st
        .db
        .criteria()
        .classifications(p, unit.as_ref().map(|u| u.code.as_str()))
        .await?;
    Ok(Json(Items::all(
        list.iter().map(ClassificationOut::from).collect(),
    )))
}
