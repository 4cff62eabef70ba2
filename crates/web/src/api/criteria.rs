//! API for criteria sets (bộ tiêu chí), the dated assessments of units against them, where a unit stands on
//! a day, the rollup over a subtree, recognition decisions (công nhận đạt chuẩn) and their withdrawal, and
//! classifications of units (e.g. đô thị loại II); docs/DOMAIN.md § Criteria sets and classifications. What
//! the records mean on a day is `domain::criteria`, applied by the store: its refusals are 422 with their
//! Vietnamese messages, a unit outside the caller's scope 404, a role without the capability 403.

use super::commendations::{printable, printable_param};
use super::fields::{require, unit_param, Faults};
use super::models::UnitRef;
use super::units::UnitTypeName;
use super::{r, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use chrono::NaiveDate;
use domain::criteria::CriterionState;
use domain::policy::{Capability, Principal};
use domain::Role;
use serde::{Deserialize, Serialize};
use store::{
    AppliesTo, Assessment, AssessmentInput, Classification, ClassificationInput, CriteriaSet,
    CriteriaSetInput, CriteriaStatus, Criterion, MarkInput, RecognitionInput, RecognitionRecord,
    Rollup, WithdrawalInput,
};
use utoipa::{IntoParams, ToSchema};

const STATES: &str = "met, partly, not_met";
/// Most criteria one set holds, and most units one set lists.
const MAX_ITEMS: usize = 500;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/criteria/sets", "criteria", "Các bộ tiêu chí (theo mã); mỗi bộ có code, title, version, applies_to, items là danh sách tiêu chí (cùng dạng như khi gửi lên) và item_count là số tiêu chí", get(sets))
            .json::<Items<CriteriaSetOut>>(),
        r("post", "/criteria/sets", "criteria", "Thêm bộ tiêu chí (201) hoặc thay bộ cùng mã (200): tên, phiên bản, phạm vi áp dụng (loại đơn vị hoặc danh sách đơn vị), các tiêu chí; tiêu chí đã được đánh giá không bỏ được", post(save_set))
            .body::<CriteriaSetBody>()
            .created::<CriteriaSetOut>()
            .json::<CriteriaSetOut>(),
        r("get", "/criteria/sets/{code}", "criteria", "Một bộ tiêu chí với danh sách tiêu chí", get(set))
            .json::<CriteriaSetOut>(),
        r("put", "/criteria/assessments", "criteria", "Ghi kết quả đánh giá một đơn vị theo bộ tiêu chí vào một ngày; chỉ các tiêu chí được nêu thay đổi, tiêu chí khác giữ kết quả trước", put(assess))
            .body::<AssessmentBody>()
            .json::<AssessmentOut>(),
        r("get", "/criteria/assessments", "criteria", "Lịch sử đánh giá một đơn vị theo bộ tiêu chí (mới trước)", get(assessments))
            .query::<SetUnitQuery>()
            .json::<Items<AssessmentOut>>(),
        r("get", "/criteria/status", "criteria", "Một đơn vị theo bộ tiêu chí vào một ngày: số tiêu chí đạt, đạt một phần, chưa đạt, chưa đánh giá; đã được công nhận đạt chuẩn chưa và quyết định công nhận", get(status))
            .query::<StatusQuery>()
            .json::<CriteriaStatusOut>(),
        r("get", "/criteria/rollup", "criteria", "Tổng hợp bộ tiêu chí trên các đơn vị trực thuộc mà bộ áp dụng (đang hoạt động vào ngày đó): số đơn vị, số đã được công nhận, số đạt đủ tiêu chí", get(rollup))
            .query::<StatusQuery>()
            .json::<RollupOut>(),
        r("post", "/criteria/recognitions", "criteria", "Ghi quyết định công nhận đạt chuẩn; chỉ ghi được khi mọi tiêu chí đạt vào ngày quyết định", post(recognise))
            .body::<RecognitionBody>()
            .created::<RecognitionOut>(),
        r("get", "/criteria/recognitions", "criteria", "Các quyết định công nhận đạt chuẩn của một đơn vị (theo một bộ hoặc mọi bộ), mới trước", get(recognitions))
            .query::<RecognitionQuery>()
            .json::<Items<RecognitionOut>>(),
        r("post", "/criteria/recognitions/{id}/withdrawal", "criteria", "Thu hồi quyết định công nhận đạt chuẩn từ một ngày (không trước ngày công nhận)", post(withdraw))
            .body::<WithdrawalBody>()
            .json::<RecognitionOut>(),
        r("post", "/classifications", "criteria", "Ghi quyết định xếp loại, công nhận một đơn vị (ví dụ \"Đô thị loại II\") từ một ngày", post(classify))
            .body::<ClassificationBody>()
            .created::<ClassificationOut>(),
        r("get", "/classifications", "criteria", "Các quyết định xếp loại của một đơn vị (hoặc mọi đơn vị trong phạm vi), mới trước", get(classifications))
            .query::<UnitQuery>()
            .json::<Items<ClassificationOut>>(),
    ]
}

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

async fn sets(
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

async fn set(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<CriteriaSetOut>, ApiError> {
    let p = &user.principal;
    staff(p)?;
    printable_param("code", Some(&code))?;
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

fn opt_text(v: Option<String>) -> String {
    v.unwrap_or_default().trim().to_string()
}

async fn save_set(
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
    for (field, v) in [
        ("code", &code),
        ("title", &title),
        ("version", &version),
        ("description", &description),
        ("owner", &owner_code),
        ("applies_to", &applies_type),
    ] {
        printable(&mut f, field, v);
    }
    for v in &unit_codes {
        printable(&mut f, "applies_to", v);
    }
    for c in &items {
        for v in [&c.code, &c.title, &c.group, &c.measure, &c.target] {
            printable(&mut f, "items", v);
        }
    }
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

async fn assess(
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
    printable(&mut f, "set", &set_code);
    printable(&mut f, "unit_code", &unit_code);
    let note = opt_text(b.note);
    printable(&mut f, "note", &note);
    for m in &items {
        printable(&mut f, "items", &m.code);
        printable(&mut f, "items", &m.evidence);
    }
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

/// The required `set` parameter.
fn set_param(set: Option<String>) -> Result<String, ApiError> {
    let mut f = Faults::default();
    let code = f.text("set", set);
    printable(&mut f, "set", &code);
    f.done()?;
    Ok(code)
}

/// The code of the `unit` parameter, or of the caller's own unit.
async fn unit_code(st: &AppState, p: &Principal, unit: Option<&str>) -> Result<String, ApiError> {
    printable_param("unit", unit)?;
    Ok(match unit_param(st, p, unit).await? {
        Some(u) => u.code,
        None => st.db.units().unit(p, p.unit_id).await?.code,
    })
}

async fn assessments(
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
        printable(&mut f, "set", &set);
        let as_of = f.opt_date("as_of", self.as_of.as_deref());
        f.done()?;
        let unit = unit_code(st, p, self.unit.as_deref()).await?;
        Ok((set, unit, as_of.unwrap_or_else(|| st.db.today())))
    }
}

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

async fn status(
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

async fn rollup(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StatusQuery>,
) -> Result<Json<RollupOut>, ApiError> {
    let p = &user.principal;
    let (set, unit, as_of) = q.read(&st, p).await?;
    let r = st.db.criteria().rollup(p, &set, &unit, as_of).await?;
    Ok(Json(RollupOut::from(&r)))
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

async fn recognise(
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
    for (field, v) in [
        ("set", &set_code),
        ("unit_code", &unit_code),
        ("decision_number", &decision_number),
        ("issued_by", &issued_by),
    ] {
        printable(&mut f, field, v);
    }
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

async fn recognitions(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<RecognitionQuery>,
) -> Result<Json<Items<RecognitionOut>>, ApiError> {
    let p = &user.principal;
    printable_param("set", q.set.as_deref())?;
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

async fn withdraw(
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
    printable(&mut f, "decision_number", &decision_number);
    printable(&mut f, "reason", &reason);
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

async fn classify(
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
    for (field, v) in [
        ("unit_code", &unit_code),
        ("title", &title),
        ("decision_number", &decision_number),
        ("issued_by", &issued_by),
        ("note", &note),
    ] {
        printable(&mut f, field, v);
    }
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

async fn classifications(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<Items<ClassificationOut>>, ApiError> {
    let p = &user.principal;
    printable_param("unit", q.unit.as_deref())?;
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
