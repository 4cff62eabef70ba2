//! Recognition decisions (công nhận đạt chuẩn) and their withdrawal.

use super::*;

/// A recognition decision and its withdrawal.
#[derive(Serialize, ToSchema)]
#[schema(as = CriteriaRecognition)]
pub struct RecognitionOut {
    id: i64,
    /// Mã bộ tiêu chí.
    set: String,
    unit: UnitRef,
    decision_number: String,
    decided_on: NaiveDate,
    /// Cơ quan ban hành quyết định.
    issued_by: String,
    /// Ngày thu hồi (chưa thu hồi: null).
    withdrawn_on: Option<NaiveDate>,
    withdrawal_number: String,
    withdrawal_reason: String,
    created_by: String,
    created_at: String,
}

impl From<&RecognitionRecord> for RecognitionOut {
    fn from(r: &RecognitionRecord) -> Self {
        RecognitionOut {
            id: r.id,
            set: r.set_code.clone(),
            unit: (&r.unit).into(),
            decision_number: r.decision_number.clone(),
            decided_on: r.decided_on,
            issued_by: r.issued_by.clone(),
            withdrawn_on: r.withdrawn_on,
            withdrawal_number: r.withdrawal_number.clone(),
            withdrawal_reason: r.withdrawal_reason.clone(),
            created_by: r.created_by.clone(),
            created_at: r.created_at.clone(),
        }
    }
}

// ---- recognitions

/// A recognition decision to record.
#[derive(Deserialize, ToSchema)]
#[schema(as = CriteriaRecognitionInput)]
pub struct RecognitionBody {
    /// Mã bộ tiêu chí.
    #[schema(value_type = String, required = true)]
    set: Option<String>,
    #[schema(value_type = String, required = true)]
    unit_code: Option<String>,
    #[schema(value_type = String, required = true)]
    decision_number: Option<String>,
    /// Ngày quyết định, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    decided_on: Option<String>,
    /// Cơ quan ban hành (ví dụ "UBND tỉnh Bến Tre").
    issued_by: Option<String>,
}

pub(super) async fn recognise(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<RecognitionBody>,
) -> Result<(StatusCode, Json<RecognitionOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::ManageCriteria)?;
    let mut f = Faults::default();
    let set_code = f.text("set", b.set);
    let unit_code = f.text("unit_code", b.unit_code);
    let decision_number = f.text("decision_number", b.decision_number);
    let decided_on = f.date("decided_on", b.decided_on.as_deref());
    let issued_by = opt_text(b.issued_by);
    f.done()?;
    let input = RecognitionInput {
        set_code,
        unit_code,
        decision_number,
        decided_on,
        issued_by,
    };
    let rec = st
        .db
        .criteria()
        .recognise(p, &store::Actor::user(p, "api"), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(RecognitionOut::from(&rec))))
}

/// Query of `GET /criteria/recognitions`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecognitionQuery {
    /// Mã bộ tiêu chí (mặc định: mọi bộ).
    set: Option<String>,
    /// Mã đơn vị (mặc định: đơn vị của tài khoản).
    unit: Option<String>,
}

pub(super) async fn recognitions(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<RecognitionQuery>,
) -> Result<Json<Items<RecognitionOut>>, ApiError> {
    let p = &user.principal;
    let set = q
        .set
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let unit = unit_code(&st, p, q.unit.as_deref()).await?;
    let list = st
        .db
        .criteria()
        .recognitions(p, set.as_deref(), &unit)
        .await?;
    Ok(Json(Items::all(
        list.iter().map(RecognitionOut::from).collect(),
    )))
}

/// The withdrawal of a recognition decision.
#[derive(Deserialize, ToSchema)]
#[schema(as = CriteriaWithdrawalInput)]
pub struct WithdrawalBody {
    /// Số quyết định thu hồi.
    #[schema(value_type = String, required = true)]
    decision_number: Option<String>,
    /// Ngày thu hồi, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    withdrawn_on: Option<String>,
    #[schema(value_type = String, required = true)]
    reason: Option<String>,
}

pub(super) async fn withdraw(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<WithdrawalBody>,
) -> Result<Json<RecognitionOut>, ApiError> {
    let p = &user.principal;
    require(p, Capability::ManageCriteria)?;
    let mut f = Faults::default();
    let decision_number = f.text("decision_number", b.decision_number);
    let withdrawn_on = f.date("withdrawn_on", b.withdrawn_on.as_deref());
    let reason = f.text("reason", b.reason);
    f.done()?;
    let input = WithdrawalInput {
        decision_number,
        withdrawn_on,
        reason,
    };
    let rec = st
        .db
        .criteria()
        .withdraw_recognition(p, &store::Actor::user(p, "api"), id, &input)
        .await?;
    Ok(Json(RecognitionOut::from(&rec)))
}
