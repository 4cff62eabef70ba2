//! API for discipline (kỷ luật) on members and organisations, appeals against it, and xóa tên decisions.
//! The rules are `domain::inspection` (forms by subject, the one-month appeal window), applied by the store,
//! whose refusals are answered as 422 with their Vietnamese messages. Confidential: the register is read by
//! inspector, office and admin accounts over the deciding unit or the subject; any other account sees only
//! the decisions about its own member record (`GET /disciplines`).

use super::fields::{require, unit_field, unit_param, year_param, Faults};
use super::inspections::names::{
    DisciplineFormName, InspectionBodyName, InspectionSubjectType, BODIES, FORMS,
};
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
use domain::inspection::{AppealOutcome, Body, DisciplineForm};
use domain::policy::Capability;
use domain::Role;
use serde::{Deserialize, Serialize};
use store::{
    Actor, Appeal, AppealResultInput, Discipline, DisciplineFilter, DisciplineInput, StrikeOff,
    StrikeOffInput,
};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("post", "/disciplines", "disciplines", "Ghi quyết định kỷ luật một đảng viên (member_id) hoặc tổ chức đảng (unit_code); hình thức không phù hợp đối tượng: 422", post(create))
            .body::<DisciplineBody>()
            .created::<DisciplineOut>(),
        r("get", "/disciplines", "disciplines", "Sổ theo dõi kỷ luật trong phạm vi (mới trước); tài khoản khác chỉ thấy quyết định về chính mình", get(list))
            .query::<DisciplineQuery>()
            .json::<Items<DisciplineOut>>(),
        r("get", "/disciplines/{id}", "disciplines", "Một quyết định kỷ luật và các khiếu nại", get(show))
            .json::<DisciplineOut>(),
        r("post", "/disciplines/{id}/appeal", "disciplines", "Ghi đơn khiếu nại quyết định kỷ luật (trong một tháng kể từ ngày quyết định; quá hạn: 422) và mở cuộc giải quyết khiếu nại", post(appeal))
            .body::<AppealBody>()
            .created::<AppealOut>(),
        r("put", "/disciplines/appeals/{appeal_id}/result", "disciplines", "Ghi kết quả giải quyết khiếu nại: giữ nguyên, thay đổi hình thức, xóa quyết định; trạng thái đảng viên, tổ chức theo đó", put(appeal_result))
            .body::<AppealResultBody>()
            .json::<DisciplineOut>(),
        r("get", "/strike-offs", "disciplines", "Các quyết định xóa tên trong phạm vi (mới trước)", get(strike_offs))
            .query::<StrikeOffQuery>()
            .json::<Items<StrikeOffOut>>(),
        r("post", "/strike-offs", "disciplines", "Ghi quyết định xóa tên một đảng viên; trạng thái thành \"Xóa tên\" từ ngày quyết định", post(create_strike_off))
            .body::<StrikeOffBody>()
            .created::<StrikeOffOut>(),
    ]
}

/// Where a discipline decision stands after appeals.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DisciplineStateName {
    /// Đang có hiệu lực.
    InForce,
    /// Đã thay đổi hình thức sau khiếu nại.
    Changed,
    /// Đã bị xóa (hủy) sau khiếu nại.
    Annulled,
}

/// The result of an appeal.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum AppealOutcomeName {
    /// Giữ nguyên hình thức kỷ luật.
    Upheld,
    /// Thay đổi hình thức kỷ luật.
    ChangedForm,
    /// Xóa quyết định kỷ luật.
    Annulled,
}

/// An appeal against a discipline decision.
#[derive(Serialize, ToSchema)]
#[schema(as = DisciplineAppeal)]
pub struct AppealOut {
    id: i64,
    discipline_id: i64,
    filed_on: NaiveDate,
    /// Cuộc giải quyết khiếu nại (loại discipline_appeal).
    case_id: Option<i64>,
    /// Kết quả (chưa giải quyết: null).
    #[schema(value_type = Option<AppealOutcomeName>)]
    outcome: Option<&'static str>,
    /// Hình thức mới khi thay đổi.
    #[schema(value_type = Option<DisciplineFormName>)]
    new_form: Option<&'static str>,
    decided_on: Option<NaiveDate>,
}

impl From<&Appeal> for AppealOut {
    fn from(a: &Appeal) -> Self {
        AppealOut {
            id: a.id,
            discipline_id: a.discipline_id,
            filed_on: a.filed_on,
            case_id: a.case_id,
            outcome: a.outcome.map(AppealOutcome::as_str),
            new_form: a.new_form.map(DisciplineForm::as_str),
            decided_on: a.decided_on,
        }
    }
}

/// A discipline decision on a member or an organisation.
#[derive(Serialize, ToSchema)]
#[schema(as = Discipline)]
pub struct DisciplineOut {
    id: i64,
    /// unit: tổ chức đảng; member: đảng viên.
    #[schema(value_type = InspectionSubjectType)]
    subject_type: &'static str,
    member_id: Option<i64>,
    unit_id: Option<i64>,
    /// Họ tên đảng viên hoặc tên tổ chức đảng.
    subject_name: String,
    /// Số thẻ đảng viên hoặc mã đơn vị ("" nếu không có).
    subject_code: String,
    /// Với đảng viên: chi bộ khi quyết định.
    subject_unit_name: String,
    #[schema(value_type = DisciplineFormName)]
    form: &'static str,
    /// Hình thức đang có hiệu lực sau khiếu nại (đã xóa: null).
    #[schema(value_type = Option<DisciplineFormName>)]
    form_in_force: Option<&'static str>,
    #[schema(value_type = DisciplineStateName)]
    state: &'static str,
    /// Đơn vị quyết định.
    decided_by_id: i64,
    decided_by_name: String,
    #[schema(value_type = InspectionBodyName)]
    body: &'static str,
    decision_number: String,
    decided_on: NaiveDate,
    reason: String,
    /// Cuộc kiểm tra dẫn tới quyết định.
    inspection_id: Option<i64>,
    appeals: Vec<AppealOut>,
    /// Ngày cuối cùng được khiếu nại.
    appeal_deadline: NaiveDate,
}

impl From<&Discipline> for DisciplineOut {
    fn from(d: &Discipline) -> Self {
        DisciplineOut {
            id: d.id,
            subject_type: if d.member_id.is_some() {
                "member"
            } else {
                "unit"
            },
            member_id: d.member_id,
            unit_id: d.unit_id,
            subject_name: d.subject_name.clone(),
            subject_code: d.subject_code.clone(),
            subject_unit_name: d.subject_unit_name.clone(),
            form: d.form.as_str(),
            form_in_force: d.form_in_force.map(DisciplineForm::as_str),
            state: d.state.as_str(),
            decided_by_id: d.decided_by,
            decided_by_name: d.decided_by_name.clone(),
            body: d.body.as_str(),
            decision_number: d.decision_number.clone(),
            decided_on: d.decided_on,
            reason: d.reason.clone(),
            inspection_id: d.case_id,
            appeals: d.appeals.iter().map(AppealOut::from).collect(),
            appeal_deadline: d.appeal_deadline,
        }
    }
}

/// A discipline decision to record: `member_id` for a member, `unit_code` for an organisation.
#[derive(Deserialize, ToSchema)]
#[schema(as = DisciplineInput)]
pub struct DisciplineBody {
    member_id: Option<i64>,
    unit_code: Option<String>,
    #[schema(value_type = DisciplineFormName, required = true)]
    form: Option<String>,
    /// Mã đơn vị quyết định.
    #[schema(value_type = String, required = true)]
    decided_by: Option<String>,
    /// Mặc định: committee.
    #[schema(value_type = Option<InspectionBodyName>)]
    body: Option<String>,
    #[schema(value_type = String, required = true)]
    decision_number: Option<String>,
    /// YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    decided_on: Option<String>,
    #[schema(value_type = String, required = true)]
    reason: Option<String>,
    /// Cuộc kiểm tra dẫn tới quyết định.
    inspection_id: Option<i64>,
}

async fn create(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<DisciplineBody>,
) -> Result<(StatusCode, Json<DisciplineOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::ManageInspections)?;
    let mut f = Faults::default();
    let form = f.parsed("form", b.form.as_deref(), DisciplineForm::parse, FORMS);
    let body = match b.body.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Body::Committee),
        Some(s) => f.parsed("body", Some(s), Body::parse, BODIES),
    };
    let decided_by = f.text("decided_by", b.decided_by);
    let decision_number = f.text("decision_number", b.decision_number);
    let decided_on = f.date("decided_on", b.decided_on.as_deref());
    let reason = f.text("reason", b.reason);
    let unit_code = b
        .unit_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let subject_unit = match (b.member_id, unit_code) {
        (Some(_), None) => None,
        (None, Some(code)) => match unit_field(&st, Some(p), "unit_code", code).await {
            Ok(u) => Some(u.id),
            Err(e) => {
                f.0.push(e);
                None
            }
        },
        _ => {
            f.push(
                "member_id",
                "Quyết định kỷ luật phải có đúng một trong hai trường \"member_id\" (đảng viên) hoặc \"unit_code\" (tổ chức đảng)",
            );
            None
        }
    };
    let deciding = if decided_by.is_empty() {
        None
    } else {
        match unit_field(&st, Some(p), "decided_by", &decided_by).await {
            Ok(u) => Some(u.id),
            Err(e) => {
                f.0.push(e);
                None
            }
        }
    };
    f.done()?;
    let (Some(form), Some(body), Some(decided_by), Some(decided_on)) =
        (form, body, deciding, decided_on)
    else {
        return Err(ApiError::unprocessable("Dữ liệu không hợp lệ"));
    };
    let input = DisciplineInput {
        member_id: b.member_id,
        unit_id: subject_unit,
        form,
        decided_by,
        body,
        decision_number,
        decided_on,
        reason,
        case_id: b.inspection_id,
    };
    let d = st
        .db
        .inspections()
        .record_discipline(&Actor::user(p, "api"), p, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(DisciplineOut::from(&d))))
}

/// Query of `GET /disciplines`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisciplineQuery {
    /// Mã đơn vị: quyết định của đơn vị đó và các đơn vị trực thuộc, hoặc về đối tượng thuộc đó (mặc định: cả phạm vi).
    unit: Option<String>,
    /// Năm quyết định.
    year: Option<i32>,
    /// Chỉ các quyết định về một đảng viên.
    member_id: Option<i64>,
}

async fn list(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<DisciplineQuery>,
) -> Result<Json<Items<DisciplineOut>>, ApiError> {
    let p = &user.principal;
    let year = year_param(q.year)?;
    let items = if p.has(Capability::ReadInspections) {
        let unit = unit_param(&st, p, q.unit.as_deref()).await?;
        let filter = DisciplineFilter {
            unit_id: unit.map(|u| u.id),
            year,
            member_id: q.member_id,
        };
        st.db.inspections().list_disciplines(p, &filter).await?
    } else {
        // Any other account: only the decisions about its own member record (filters narrow them).
        let mut own = st.db.inspections().my_disciplines(p).await?;
        own.retain(|d| {
            use chrono::Datelike;
            year.is_none_or(|y| d.decided_on.year() == y)
                && q.member_id.is_none_or(|m| d.member_id == Some(m))
        });
        own
    };
    Ok(Json(Items::all(
        items.iter().map(DisciplineOut::from).collect(),
    )))
}

async fn show(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DisciplineOut>, ApiError> {
    let d = st.db.inspections().discipline(&user.principal, id).await?;
    Ok(Json(DisciplineOut::from(&d)))
}

/// An appeal against a discipline decision.
#[derive(Deserialize, ToSchema)]
#[schema(as = DisciplineAppealInput)]
pub struct AppealBody {
    /// Ngày nhận đơn khiếu nại, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    filed_on: Option<String>,
}

async fn appeal(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AppealBody>,
) -> Result<(StatusCode, Json<AppealOut>), ApiError> {
    let p = &user.principal;
    let mut f = Faults::default();
    let filed_on = f.date("filed_on", b.filed_on.as_deref());
    f.done()?;
    let Some(filed_on) = filed_on else {
        return Err(ApiError::unprocessable("Thiếu ngày khiếu nại"));
    };
    let a = st
        .db
        .inspections()
        .file_appeal(&Actor::user(p, "api"), p, id, filed_on)
        .await?;
    Ok((StatusCode::CREATED, Json(AppealOut::from(&a))))
}

/// The result of an appeal.
#[derive(Deserialize, ToSchema)]
#[schema(as = DisciplineAppealResult)]
pub struct AppealResultBody {
    #[schema(value_type = AppealOutcomeName, required = true)]
    outcome: Option<String>,
    /// Hình thức mới (bắt buộc khi outcome là changed_form).
    #[schema(value_type = Option<DisciplineFormName>)]
    new_form: Option<String>,
    /// Ngày quyết định giải quyết, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    decided_on: Option<String>,
}

async fn appeal_result(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(appeal_id): ApiPath<i64>,
    ApiJson(b): ApiJson<AppealResultBody>,
) -> Result<Json<DisciplineOut>, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ManageInspections) {
        return Err(ApiError::Store(store::StoreError::NotFound));
    }
    let mut f = Faults::default();
    let outcome = f.parsed(
        "outcome",
        b.outcome.as_deref(),
        AppealOutcome::parse,
        "upheld, changed_form, annulled",
    );
    let new_form = match b
        .new_form
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => f.parsed("new_form", Some(s), DisciplineForm::parse, FORMS),
    };
    if outcome == Some(AppealOutcome::ChangedForm) && new_form.is_none() {
        f.push(
            "new_form",
            "Khi thay đổi hình thức kỷ luật phải ghi hình thức mới (\"new_form\")",
        );
    }
    let decided_on = f.date("decided_on", b.decided_on.as_deref());
    f.done()?;
    let (Some(outcome), Some(decided_on)) = (outcome, decided_on) else {
        return Err(ApiError::unprocessable("Dữ liệu không hợp lệ"));
    };
    let d = st
        .db
        .inspections()
        .decide_appeal(
            &Actor::user(p, "api"),
            p,
            appeal_id,
            &AppealResultInput {
                outcome,
                new_form,
                decided_on,
            },
        )
        .await?;
    Ok(Json(DisciplineOut::from(&d)))
}

/// A recorded xóa tên decision.
#[derive(Serialize, ToSchema)]
#[schema(as = StrikeOff)]
pub struct StrikeOffOut {
    id: i64,
    member_id: i64,
    full_name: String,
    unit_name: String,
    decided_by_name: String,
    decision_number: String,
    decided_on: NaiveDate,
    reason: String,
}

impl From<&StrikeOff> for StrikeOffOut {
    fn from(s: &StrikeOff) -> Self {
        StrikeOffOut {
            id: s.id,
            member_id: s.member_id,
            full_name: s.full_name.clone(),
            unit_name: s.unit_name.clone(),
            decided_by_name: s.decided_by_name.clone(),
            decision_number: s.decision_number.clone(),
            decided_on: s.decided_on,
            reason: s.reason.clone(),
        }
    }
}

/// Query of `GET /strike-offs`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StrikeOffQuery {
    /// Mã đơn vị (mặc định: cả phạm vi); tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Năm quyết định.
    year: Option<i32>,
}

async fn strike_offs(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StrikeOffQuery>,
) -> Result<Json<Items<StrikeOffOut>>, ApiError> {
    let p = &user.principal;
    if p.role == Role::Member {
        return Err(ApiError::forbidden());
    }
    let year = year_param(q.year)?;
    let unit = unit_param(&st, p, q.unit.as_deref()).await?;
    let items = st
        .db
        .inspections()
        .list_strike_offs(p, unit.map(|u| u.id), year)
        .await?;
    Ok(Json(Items::all(
        items.iter().map(StrikeOffOut::from).collect(),
    )))
}

/// A xóa tên decision to record.
#[derive(Deserialize, ToSchema)]
#[schema(as = StrikeOffInput)]
pub struct StrikeOffBody {
    #[schema(value_type = i64, required = true)]
    member_id: Option<i64>,
    /// Mã đơn vị quyết định (đảng ủy cơ sở trở lên).
    #[schema(value_type = String, required = true)]
    decided_by: Option<String>,
    #[schema(value_type = String, required = true)]
    decision_number: Option<String>,
    /// YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    decided_on: Option<String>,
    #[schema(value_type = String, required = true)]
    reason: Option<String>,
}

async fn create_strike_off(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<StrikeOffBody>,
) -> Result<(StatusCode, Json<StrikeOffOut>), ApiError> {
    let p = &user.principal;
    if p.role == Role::Member {
        return Err(ApiError::forbidden());
    }
    let mut f = Faults::default();
    if b.member_id.is_none() {
        f.push("member_id", "Trường \"member_id\" không được để trống");
    }
    let decided_by = f.text("decided_by", b.decided_by);
    let decision_number = f.text("decision_number", b.decision_number);
    let decided_on = f.date("decided_on", b.decided_on.as_deref());
    let reason = f.text("reason", b.reason);
    let deciding = if decided_by.is_empty() {
        None
    } else {
        match unit_field(&st, Some(p), "decided_by", &decided_by).await {
            Ok(u) => Some(u.id),
            Err(e) => {
                f.0.push(e);
                None
            }
        }
    };
    f.done()?;
    let (Some(member_id), Some(decided_by), Some(decided_on)) = (b.member_id, deciding, decided_on)
    else {
        return Err(ApiError::unprocessable("Dữ liệu không hợp lệ"));
    };
    let s = st
        .db
        .inspections()
        .record_strike_off(
            &Actor::user(p, "api"),
            p,
            &StrikeOffInput {
                member_id,
                decided_by,
                decision_number,
                decided_on,
                reason,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(StrikeOffOut::from(&s))))
}
