//! Dated assessments of a unit against a set, where a unit stands on a day (status) and the rollup of a
//! set over a subtree.

use super::*;

const STATES: &str = "met, partly, not_met";

/// Kết quả một tiêu chí.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CriterionStateName {
    /// Đạt.
    Met,
    /// Đạt một phần.
    Partly,
    /// Chưa đạt.
    NotMet,
}

// ---- assessments

/// A recorded mark of one criterion.
#[derive(Serialize, ToSchema)]
#[schema(as = CriterionMark)]
pub struct MarkOut {
    code: String,
    #[schema(value_type = CriterionStateName)]
    state: &'static str,
    /// Minh chứng.
    evidence: String,
}

/// A document attached to an assessment as evidence.
#[derive(Serialize, ToSchema)]
#[schema(as = AssessmentDocument)]
pub struct DocumentOut {
    id: i64,
    filename: String,
    content_type: String,
    size: i64,
    uploaded_by: String,
    uploaded_at: String,
}

/// A recorded assessment.
#[derive(Serialize, ToSchema)]
#[schema(as = CriteriaAssessment)]
pub struct AssessmentOut {
    id: i64,
    /// Mã bộ tiêu chí.
    set: String,
    unit: UnitRef,
    /// Ngày đánh giá.
    as_of: NaiveDate,
    note: String,
    /// Các tiêu chí được đánh giá lần này, theo thứ tự của bộ.
    items: Vec<MarkOut>,
    documents: Vec<DocumentOut>,
    created_by: String,
    updated_by: String,
    updated_at: String,
}

impl From<&Assessment> for AssessmentOut {
    fn from(a: &Assessment) -> Self {
        AssessmentOut {
            id: a.id,
            set: a.set_code.clone(),
            unit: (&a.unit).into(),
            as_of: a.as_of,
            note: a.note.clone(),
            items: a
                .marks
                .iter()
                .map(|m| MarkOut {
                    code: m.code.clone(),
                    state: m.state.as_str(),
                    evidence: m.evidence.clone(),
                })
                .collect(),
            documents: a
                .documents
                .iter()
                .map(|d| DocumentOut {
                    id: d.id,
                    filename: d.filename.clone(),
                    content_type: d.content_type.clone(),
                    size: d.size,
                    uploaded_by: d.uploaded_by.clone(),
                    uploaded_at: d.uploaded_at.clone(),
                })
                .collect(),
            created_by: a.created_by.clone(),
            updated_by: a.updated_by.clone(),
            updated_at: a.updated_at.clone(),
        }
    }
}

/// One criterion assessed.
#[derive(Deserialize, ToSchema)]
#[schema(as = CriterionMarkInput)]
pub struct MarkBody {
    #[schema(value_type = String, required = true)]
    code: Option<String>,
    #[schema(value_type = CriterionStateName, required = true)]
    state: Option<String>,
    /// Minh chứng.
    evidence: Option<String>,
}

/// An assessment of a unit on a day; criteria not named keep their earlier result.
#[derive(Deserialize, ToSchema)]
#[schema(as = CriteriaAssessmentInput)]
pub struct AssessmentBody {
    /// Mã bộ tiêu chí.
    #[schema(value_type = String, required = true)]
    set: Option<String>,
    #[schema(value_type = String, required = true)]
    unit_code: Option<String>,
    /// Ngày đánh giá, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    as_of: Option<String>,
    note: Option<String>,
    #[schema(value_type = Vec<MarkBody>, required = true)]
    items: Option<Vec<MarkBody>>,
}

pub(super) async fn assess(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<AssessmentBody>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let p = &user.principal;
    require(p, Capability::AssessCriteria)?;
    let mut f = Faults::default();
    let set_code = f.text("set", b.set);
    let unit_code = f.text("unit_code", b.unit_code);
    let as_of = f.date("as_of", b.as_of.as_deref());
    let raw = b.items.unwrap_or_default();
    if raw.is_empty() {
        f.push("items", "Đánh giá ít nhất một tiêu chí");
    } else if raw.len() > MAX_ITEMS {
        f.push(
            "items",
            format!("Một lần đánh giá tối đa {MAX_ITEMS} tiêu chí"),
        );
    }
    let mut items = Vec::with_capacity(raw.len());
    for (i, m) in raw.into_iter().enumerate() {
        let code = opt_text(m.code);
        if code.is_empty() {
            f.push(
                "items",
                format!("Tiêu chí thứ {}: thiếu mã tiêu chí", i + 1),
            );
        }
        let state = m
            .state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(CriterionState::parse);
        match state {
            Some(state) => items.push(MarkInput {
                code,
                state,
                evidence: opt_text(m.evidence),
            }),
            None => f.push(
                "items",
                format!(
                    "Tiêu chí thứ {}: kết quả phải là một trong: {STATES}",
                    i + 1
                ),
            ),
        }
    }
    let note = opt_text(b.note);
    f.done()?;
    let Some(as_of) = as_of else {
        return Err(ApiError::unprocessable("Thiếu ngày đánh giá"));
    };
    let input = AssessmentInput {
        set_code,
        unit_code,
        as_of,
        note,
        items,
    };
    let a = st
        .db
        .criteria()
        .assess(p, &store::Actor::user(p, "api"), &input)
        .await?;
    Ok(Json(AssessmentOut::from(&a)))
}

/// Query naming a set and a unit.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SetUnitQuery {
    /// Mã bộ tiêu chí (bắt buộc).
    set: Option<String>,
    /// Mã đơn vị (mặc định: đơn vị của tài khoản).
    unit: Option<String>,
}

pub(super) async fn assessments(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<SetUnitQuery>,
) -> Result<Json<Items<AssessmentOut>>, ApiError> {
    let p = &user.principal;
    let set = set_param(q.set)?;
    let unit = unit_code(&st, p, q.unit.as_deref()).await?;
    let list = st.db.criteria().assessments(p, &set, &unit).await?;
    Ok(Json(Items::all(
        list.iter().map(AssessmentOut::from).collect(),
    )))
}

// ---- status, rollup

/// Query of `GET /criteria/status` and `GET /criteria/rollup`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// Mã bộ tiêu chí (bắt buộc).
    set: Option<String>,
    /// Mã đơn vị (mặc định: đơn vị của tài khoản).
    unit: Option<String>,
    /// Ngày xem, YYYY-MM-DD (mặc định: hôm nay).
    as_of: Option<String>,
}

impl StatusQuery {
    async fn read(
        self,
        st: &AppState,
        p: &Principal,
    ) -> Result<(String, String, NaiveDate), ApiError> {
        let mut f = Faults::default();
        let set = f.text("set", self.set);
        let as_of = f.opt_date("as_of", self.as_of.as_deref());
        f.done()?;
        let unit = unit_code(st, p, self.unit.as_deref()).await?;
        Ok((set, unit, as_of.unwrap_or_else(|| st.db.today())))
    }
}

/// One criterion's result on the day.
#[derive(Serialize, ToSchema)]
#[schema(as = CriterionStatus)]
pub struct ItemStatusOut {
    code: String,
    title: String,
    group: String,
    /// Kết quả (chưa đánh giá: null, tính là chưa đạt).
    #[schema(value_type = Option<CriterionStateName>)]
    state: Option<&'static str>,
    /// Ngày của lần đánh giá cho kết quả này.
    assessed_on: Option<NaiveDate>,
    evidence: String,
}

/// A unit against a set on a day.
#[derive(Serialize, ToSchema)]
#[schema(as = CriteriaStatus)]
pub struct CriteriaStatusOut {
    /// Mã bộ tiêu chí.
    set: String,
    unit: UnitRef,
    as_of: NaiveDate,
    /// Số tiêu chí đạt.
    met: i64,
    /// Số tiêu chí đạt một phần.
    partly: i64,
    /// Số tiêu chí chưa đạt (kể cả chưa đánh giá).
    not_met: i64,
    /// Số tiêu chí chưa được đánh giá lần nào.
    unassessed: i64,
    /// Tổng số tiêu chí.
    total: i64,
    /// Đã được công nhận đạt chuẩn vào ngày đó.
    recognised: bool,
    /// Quyết định công nhận có hiệu lực vào ngày đó.
    decision: Option<RecognitionOut>,
    items: Vec<ItemStatusOut>,
}

impl From<&CriteriaStatus> for CriteriaStatusOut {
    fn from(s: &CriteriaStatus) -> Self {
        CriteriaStatusOut {
            set: s.set_code.clone(),
            unit: (&s.unit).into(),
            as_of: s.as_of,
            met: s.met,
            partly: s.partly,
            not_met: s.not_met,
            unassessed: s.unassessed,
            total: s.total,
            recognised: s.recognised,
            decision: s.decision.as_ref().map(RecognitionOut::from),
            items: s
                .items
                .iter()
                .map(|i| ItemStatusOut {
                    code: i.code.clone(),
                    title: i.title.clone(),
                    group: i.group.clone(),
                    state: i.state.map(CriterionState::as_str),
                    assessed_on: i.assessed_on,
                    evidence: i.evidence.clone(),
                })
                .collect(),
        }
    }
}

pub(super) async fn status(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StatusQuery>,
) -> Result<Json<CriteriaStatusOut>, ApiError> {
    let p = &user.principal;
    let (set, unit, as_of) = q.read(&st, p).await?;
    let s = st.db.criteria().status(p, &set, &unit, as_of).await?;
    Ok(Json(CriteriaStatusOut::from(&s)))
}

/// One unit of a rollup.
#[derive(Serialize, ToSchema)]
#[schema(as = CriteriaRollupLine)]
pub struct RollupLineOut {
    unit: UnitRef,
    /// Số tiêu chí đạt.
    met: i64,
    total: i64,
    recognised: bool,
    /// Ngày quyết định công nhận đang có hiệu lực.
    recognised_on: Option<NaiveDate>,
}

/// A set over the units of a subtree it applies to, on a day.
#[derive(Serialize, ToSchema)]
#[schema(as = CriteriaRollup)]
pub struct RollupOut {
    /// Mã bộ tiêu chí.
    set: String,
    unit: UnitRef,
    as_of: NaiveDate,
    /// Số đơn vị bộ tiêu chí áp dụng (đang hoạt động vào ngày đó).
    units: i64,
    /// Số đơn vị đã được công nhận đạt chuẩn.
    recognised: i64,
    /// Số đơn vị đạt đủ mọi tiêu chí.
    all_met: i64,
    /// Từng đơn vị, theo thứ tự cây đơn vị.
    lines: Vec<RollupLineOut>,
}

impl From<&Rollup> for RollupOut {
    fn from(r: &Rollup) -> Self {
        RollupOut {
            set: r.set_code.clone(),
            unit: (&r.unit).into(),
            as_of: r.as_of,
            units: r.units,
            recognised: r.recognised,
            all_met: r.all_met,
            lines: r
                .lines
                .iter()
                .map(|l| RollupLineOut {
                    unit: (&l.unit).into(),
                    met: l.met,
                    total: l.total,
                    recognised: l.recognised,
                    recognised_on: l.recognised_on,
                })
                .collect(),
        }
    }
}

pub(super) async fn rollup(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StatusQuery>,
) -> Result<Json<RollupOut>, ApiError> {
    let p = &user.principal;
    let (set, unit, as_of) = q.read(&st, p).await?;
    let r = st.db.criteria().rollup(p, &set, &unit, as_of).await?;
    Ok(Json(RollupOut::from(&r)))
}
