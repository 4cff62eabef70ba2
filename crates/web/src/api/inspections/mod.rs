//! API for inspection and supervision (kiểm tra, giám sát): yearly programmes, cases with their subjects,
//! conclusions and remedies, a secretary's concluded findings, the figures of a subtree and period, and the
//! members who "bỏ sinh hoạt" (xóa tên proposals, under `/inspections/strike-off-candidates`). Discipline,
//! appeals and xóa tên decisions are in `disciplines.rs`.
//!
//! Confidential (docs/DOMAIN.md § Inspection, supervision and discipline): the store checks every reader
//! (`Principal::can_read_cases`, `can_read_finding`); routes without an object refuse roles without the
//! capability with 403 before anything is looked up, routes naming a case answer 404 to whoever may not
//! read it. Every read of a case is written to the audit log by the store.

use super::models::UnitRef;
use super::{r, ApiJson, ApiRoute, Items, Page};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use chrono::{Datelike, NaiveDate};
use domain::inspection::{Body, CaseKind, DisciplineForm, Finding, KindCounts, SubjectRef};
use domain::policy::{Capability, Principal};
use domain::Role;
use serde::{Deserialize, Serialize};
use store::{
    Actor, Case, CaseDetail, CaseFilter, CaseInput, ConclusionInput, FieldError, FindingInput,
    InspectionSummary, OwnFinding, Programme, ProgrammeInput, Remedy, RemedyInput, StoreError,
    StrikeOffCandidate, Subject,
};
use utoipa::{IntoParams, ToSchema};

mod follow_up;
pub(crate) mod names;
mod programmes;
pub(crate) mod summary;

use super::fields::{date_message, require, unit_field, unit_param, year_param, Faults};
use follow_up::*;
use names::*;
use programmes::*;
use summary::*;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/inspections/programmes", "inspections", "Chương trình kiểm tra, giám sát hằng năm của một đơn vị và các đơn vị trực thuộc (cán bộ kiểm tra, văn phòng, quản trị)", get(programmes))
            .query::<ProgrammeQuery>()
            .json::<Items<ProgrammeOut>>(),
        r("post", "/inspections/programmes", "inspections", "Ghi chương trình kiểm tra, giám sát năm của một đơn vị (mỗi đơn vị, năm và cơ quan một chương trình)", post(create_programme))
            .body::<ProgrammeBody>()
            .created::<ProgrammeOut>(),
        r("post", "/inspections", "inspections", "Mở một cuộc kiểm tra, giám sát; đối tượng là tổ chức đảng, đảng viên thuộc đơn vị tiến hành (đối tượng ngoài phạm vi: 422)", post(create_case))
            .body::<CaseBody>()
            .created::<CaseDetailOut>(),
        r("get", "/inspections", "inspections", "Các cuộc kiểm tra, giám sát trong phạm vi (mới trước), lọc theo đơn vị, loại, năm, thời gian", get(list_cases))
            .query::<CaseQuery>()
            .json::<Page<CaseOut>>(),
        r("get", "/inspections/summary", "inspections", "Số liệu kiểm tra, giám sát của một đơn vị và các đơn vị trực thuộc trong một khoảng thời gian: mỗi loại có số cuộc, lượt tổ chức, lượt đảng viên, số tổ chức và đảng viên không trùng; kỷ luật theo hình thức", get(summary))
            .query::<SummaryQuery>()
            .json::<SummaryOut>(),
        r("get", "/inspections/findings", "inspections", "Kết luận đã ban hành về các tổ chức đảng, đảng viên thuộc đơn vị mình (bí thư), kèm yêu cầu khắc phục", get(own_findings))
            .query::<FindingsQuery>()
            .json::<Items<OwnFindingOut>>(),
        r("get", "/inspections/strike-off-candidates", "inspections", "Đảng viên bỏ sinh hoạt chi bộ không có lý do từ ba tháng trở lên trong năm (đề nghị xóa tên, Điều 8 Điều lệ Đảng)", get(strike_off_candidates))
            .query::<CandidatesQuery>()
            .json::<Items<StrikeOffCandidateOut>>(),
        r("get", "/inspections/{id}", "inspections", "Một cuộc kiểm tra, giám sát: đối tượng, kết luận, yêu cầu khắc phục, tài liệu, quyết định kỷ luật (mỗi lần xem được ghi nhật ký)", get(show_case))
            .json::<CaseDetailOut>(),
        r("put", "/inspections/{id}", "inspections", "Sửa cuộc kiểm tra, giám sát chưa kết luận (gửi đầy đủ như khi mở)", put(update_case))
            .body::<CaseBody>()
            .json::<CaseDetailOut>(),
        r("put", "/inspections/{id}/conclusion", "inspections", "Ghi (hoặc sửa) kết luận: kết quả về từng đối tượng, biểu hiện, ghi chú, yêu cầu khắc phục có thời hạn", put(conclude))
            .body::<ConclusionBody>()
            .json::<CaseDetailOut>(),
        r("put", "/inspections/remedies/{id}/done", "inspections", "Báo cáo đã khắc phục một yêu cầu (bí thư đơn vị là đối tượng, văn phòng, quản trị, người tiến hành)", put(remedy_done))
            .body::<RemedyDoneBody>()
            .json::<RemedyOut>(),
    ]
}

// ---- cases

/// A case as lists show it.
#[derive(Serialize, ToSchema)]
#[schema(as = InspectionCase)]
pub struct CaseOut {
    id: i64,
    #[schema(value_type = CaseKindName)]
    kind: &'static str,
    /// Đơn vị tiến hành.
    conducted_by: UnitRef,
    #[schema(value_type = InspectionBodyName)]
    body: &'static str,
    programme_id: Option<i64>,
    title: String,
    decision_number: String,
    decided_on: NaiveDate,
    /// Thời kỳ kiểm tra, giám sát: từ ngày.
    from: Option<NaiveDate>,
    /// … đến ngày.
    to: Option<NaiveDate>,
    /// Kiểm tra, giám sát việc thực hiện Chỉ thị 05-CT/TW.
    directive_05: bool,
    /// Thành viên đoàn (đoàn kiểm tra, tổ giám sát).
    team: Vec<String>,
    /// Ngày kết luận (chưa kết luận: null).
    concluded_on: Option<NaiveDate>,
    /// Nội dung kết luận chung.
    conclusion: String,
    /// Số tổ chức đảng là đối tượng.
    subject_unit_count: i64,
    /// Số đảng viên là đối tượng.
    subject_member_count: i64,
    created_by: String,
}

impl From<&Case> for CaseOut {
    fn from(c: &Case) -> Self {
        CaseOut {
            id: c.id,
            kind: c.kind.as_str(),
            conducted_by: UnitRef {
                id: c.unit_id,
                code: c.unit_code.clone(),
                name: c.unit_name.clone(),
            },
            body: c.body.as_str(),
            programme_id: c.programme_id,
            title: c.title.clone(),
            decision_number: c.decision_number.clone(),
            decided_on: c.decided_on,
            from: c.from,
            to: c.to,
            directive_05: c.directive_05,
            team: c.team.clone(),
            concluded_on: c.concluded_on,
            conclusion: c.conclusion.clone(),
            subject_unit_count: c.subject_units,
            subject_member_count: c.subject_members,
            created_by: c.created_by.clone(),
        }
    }
}

/// A remedy required of a subject, with its follow-up.
#[derive(Serialize, ToSchema)]
#[schema(as = InspectionRemedy)]
pub struct RemedyOut {
    id: i64,
    case_id: i64,
    subject_id: i64,
    text: String,
    /// Hạn khắc phục.
    due: NaiveDate,
    /// Ngày báo cáo đã khắc phục.
    done_on: Option<NaiveDate>,
    done_note: String,
    #[schema(value_type = RemedyStateName)]
    state: &'static str,
}

impl From<&Remedy> for RemedyOut {
    fn from(r: &Remedy) -> Self {
        RemedyOut {
            id: r.id,
            case_id: r.case_id,
            subject_id: r.subject_id,
            text: r.text.clone(),
            due: r.due,
            done_on: r.done_on,
            done_note: r.done_note.clone(),
            state: r.state.as_str(),
        }
    }
}

/// One subject of a case with its finding (empty before the conclusion).
#[derive(Serialize, ToSchema)]
#[schema(as = InspectionSubject)]
pub struct SubjectOut {
    id: i64,
    #[serde(rename = "type")]
    #[schema(value_type = InspectionSubjectType)]
    kind: &'static str,
    unit_id: Option<i64>,
    member_id: Option<i64>,
    /// Tên tổ chức đảng hoặc họ tên đảng viên.
    name: String,
    /// Mã đơn vị hoặc số thẻ đảng viên ("" nếu không có).
    code: String,
    /// Với đảng viên: chi bộ khi mở cuộc kiểm tra, giám sát.
    unit_name: String,
    /// Kết quả (chưa kết luận: null).
    #[schema(value_type = Option<FindingName>)]
    result: Option<&'static str>,
    /// Mã biểu hiện A1–C9.
    manifestations: Vec<String>,
    /// Bản đăng ký làm theo của năm liên quan.
    registration_id: Option<i64>,
    note: String,
    remedies: Vec<RemedyOut>,
}

impl From<&Subject> for SubjectOut {
    fn from(s: &Subject) -> Self {
        SubjectOut {
            id: s.id,
            kind: if s.member_id.is_some() {
                "member"
            } else {
                "unit"
            },
            unit_id: s.unit_id,
            member_id: s.member_id,
            name: s.name.clone(),
            code: s.code.clone(),
            unit_name: s.unit_name.clone(),
            result: s.result.map(Finding::as_str),
            manifestations: s.manifestations.clone(),
            registration_id: s.registration_id,
            note: s.note.clone(),
            remedies: s.remedies.iter().map(RemedyOut::from).collect(),
        }
    }
}

/// A document attached to a case (download on the case page).
#[derive(Serialize, ToSchema)]
#[schema(as = InspectionDocument)]
pub struct DocumentOut {
    id: i64,
    filename: String,
    content_type: String,
    size: i64,
    uploaded_by: String,
    uploaded_at: String,
}

/// A case with its subjects, findings, remedies, documents and discipline decisions.
#[derive(Serialize, ToSchema)]
#[schema(as = InspectionCaseDetail)]
pub struct CaseDetailOut {
    #[serde(flatten)]
    case: CaseOut,
    subjects: Vec<SubjectOut>,
    documents: Vec<DocumentOut>,
    /// Quyết định kỷ luật ghi từ cuộc kiểm tra này.
    disciplines: Vec<super::disciplines::DisciplineOut>,
    /// Người xem được sửa, kết luận, đính kèm tài liệu.
    can_manage: bool,
}

impl From<&CaseDetail> for CaseDetailOut {
    fn from(d: &CaseDetail) -> Self {
        CaseDetailOut {
            case: CaseOut::from(&d.case),
            subjects: d.subjects.iter().map(SubjectOut::from).collect(),
            documents: d
                .documents
                .iter()
                .map(|x| DocumentOut {
                    id: x.id,
                    filename: x.filename.clone(),
                    content_type: x.content_type.clone(),
                    size: x.size,
                    uploaded_by: x.uploaded_by.clone(),
                    uploaded_at: x.uploaded_at.clone(),
                })
                .collect(),
            disciplines: d
                .disciplines
                .iter()
                .map(super::disciplines::DisciplineOut::from)
                .collect(),
            can_manage: d.can_manage,
        }
    }
}

/// A case to open (or, with PUT, its new content).
#[derive(Deserialize, ToSchema)]
#[schema(as = InspectionCaseInput)]
pub struct CaseBody {
    #[schema(value_type = CaseKindName, required = true)]
    kind: Option<String>,
    /// Mã đơn vị tiến hành.
    #[schema(value_type = String, required = true)]
    conducted_by: Option<String>,
    /// Mặc định: commission.
    #[schema(value_type = Option<InspectionBodyName>)]
    body: Option<String>,
    programme_id: Option<i64>,
    #[schema(value_type = String, required = true)]
    title: Option<String>,
    #[schema(value_type = String, required = true)]
    decision_number: Option<String>,
    /// Ngày quyết định, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    decided_on: Option<String>,
    /// Thời kỳ kiểm tra: từ ngày, YYYY-MM-DD.
    #[schema(format = Date)]
    from: Option<String>,
    /// … đến ngày.
    #[schema(format = Date)]
    to: Option<String>,
    /// Kiểm tra, giám sát việc thực hiện Chỉ thị 05-CT/TW.
    directive_05: Option<bool>,
    /// Thành viên đoàn, mỗi người một dòng.
    team: Option<Vec<String>>,
    /// Mã các tổ chức đảng là đối tượng (thuộc đơn vị tiến hành).
    subject_units: Option<Vec<String>>,
    /// Mã số (id) các đảng viên là đối tượng (thuộc đơn vị tiến hành).
    subject_members: Option<Vec<i64>>,
}

async fn case_input(
    st: &AppState,
    scope: Option<&Principal>,
    b: CaseBody,
) -> Result<CaseInput, ApiError> {
    let mut f = Faults::default();
    let kind = f.parsed("kind", b.kind.as_deref(), CaseKind::parse, KINDS);
    let body = match b.body.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Body::Commission),
        Some(s) => f.parsed("body", Some(s), Body::parse, BODIES),
    };
    let conducted_by = f.text("conducted_by", b.conducted_by);
    let title = f.text("title", b.title);
    let decision_number = f.text("decision_number", b.decision_number);
    let decided_on = f.date("decided_on", b.decided_on.as_deref());
    let from = f.opt_date("from", b.from.as_deref());
    let to = f.opt_date("to", b.to.as_deref());
    let unit = if conducted_by.is_empty() {
        None
    } else {
        match unit_field(st, scope, "conducted_by", &conducted_by).await {
            Ok(u) => Some(u),
            Err(e) => {
                f.0.push(e);
                None
            }
        }
    };
    let mut subject_units = Vec::new();
    for (i, code) in b.subject_units.unwrap_or_default().iter().enumerate() {
        match unit_field(st, scope, &format!("subject_units[{i}]"), code).await {
            Ok(u) => subject_units.push(u.id),
            Err(e) => f.0.push(e),
        }
    }
    f.done()?;
    let (Some(kind), Some(body), Some(unit), Some(decided_on)) = (kind, body, unit, decided_on)
    else {
        return Err(ApiError::unprocessable("Dữ liệu không hợp lệ"));
    };
    Ok(CaseInput {
        kind,
        unit_id: unit.id,
        body,
        programme_id: b.programme_id,
        title,
        decision_number,
        decided_on,
        from,
        to,
        directive_05: b.directive_05.unwrap_or(false),
        team: b
            .team
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        subject_units,
        subject_members: b.subject_members.unwrap_or_default(),
    })
}

async fn create_case(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<CaseBody>,
) -> Result<(StatusCode, Json<CaseDetailOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::ManageInspections)?;
    let input = case_input(&st, Some(p), b).await?;
    let d = st
        .db
        .inspections()
        .create_case(&Actor::user(p, "api"), p, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(CaseDetailOut::from(&d))))
}

async fn update_case(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CaseBody>,
) -> Result<Json<CaseDetailOut>, ApiError> {
    let p = &user.principal;
    // Whoever may not manage cases cannot tell a case from a missing one.
    if !p.has(Capability::ManageInspections) {
        return Err(ApiError::Store(StoreError::NotFound));
    }
    let input = case_input(&st, None, b).await?;
    let d = st
        .db
        .inspections()
        .update_case(&Actor::user(p, "api"), p, id, &input)
        .await?;
    Ok(Json(CaseDetailOut::from(&d)))
}

/// Query of `GET /inspections`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Mã đơn vị: các cuộc do đơn vị đó và các đơn vị trực thuộc tiến hành (mặc định: cả phạm vi).
    unit: Option<String>,
    /// Loại: regular_supervision, thematic_supervision, inspection, violation_inspection, finance_inspection, denunciation, discipline_appeal.
    kind: Option<String>,
    /// Năm của ngày quyết định.
    year: Option<i32>,
    /// Ngày quyết định từ (YYYY-MM-DD).
    from: Option<String>,
    /// Ngày quyết định đến (YYYY-MM-DD).
    to: Option<String>,
    /// Chỉ các cuộc về Chỉ thị 05 (true) hoặc không (false).
    directive_05: Option<bool>,
    /// Đã kết luận (true) hoặc chưa (false).
    concluded: Option<bool>,
    /// Tìm trong tên, số quyết định (không phân biệt dấu).
    q: Option<String>,
    /// Trang, từ 1.
    page: Option<i64>,
    /// Số dòng mỗi trang (1–500, mặc định 100).
    per_page: Option<i64>,
}

async fn list_cases(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<Page<CaseOut>>, ApiError> {
    let p = &user.principal;
    require(p, Capability::ReadInspections)?;
    let mut f = Faults::default();
    let kind = match q.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => f.parsed("kind", Some(s), CaseKind::parse, KINDS),
    };
    let from = f.opt_date("from", q.from.as_deref());
    let to = f.opt_date("to", q.to.as_deref());
    f.done()?;
    let unit = unit_param(&st, p, q.unit.as_deref()).await?;
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(100).clamp(1, 500);
    let mut filter = CaseFilter {
        unit_id: unit.map(|u| u.id),
        kind,
        year: year_param(q.year)?,
        from,
        to,
        directive_05: q.directive_05,
        concluded: q.concluded,
        text: q.q.filter(|s| !s.trim().is_empty()),
        offset: 0,
        limit: 0,
    };
    let total = st.db.inspections().count_cases(p, &filter).await?;
    filter.offset = (page - 1).saturating_mul(per_page);
    filter.limit = per_page;
    let items = st.db.inspections().list_cases(p, &filter).await?;
    Ok(Json(Page {
        items: items.iter().map(CaseOut::from).collect(),
        total,
        page,
        per_page,
    }))
}

async fn show_case(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseDetailOut>, ApiError> {
    let p = &user.principal;
    let d = st
        .db
        .inspections()
        .case_detail(&Actor::user(p, "api"), p, id)
        .await?;
    Ok(Json(CaseDetailOut::from(&d)))
}

/// A remedy required of a subject.
#[derive(Deserialize, ToSchema)]
#[schema(as = InspectionRemedyInput)]
pub struct RemedyBody {
    #[schema(value_type = String, required = true)]
    text: Option<String>,
    /// Hạn khắc phục, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    due: Option<String>,
}

/// The finding about one subject: `unit_code` for an organisation, `member_id` for a member.
#[derive(Deserialize, ToSchema)]
#[schema(as = InspectionFindingInput)]
pub struct FindingBody {
    unit_code: Option<String>,
    member_id: Option<i64>,
    #[schema(value_type = FindingName, required = true)]
    result: Option<String>,
    /// Mã biểu hiện A1–C9.
    manifestations: Option<Vec<String>>,
    /// Bản đăng ký làm theo của năm liên quan (đảng viên).
    registration_id: Option<i64>,
    note: Option<String>,
    remedies: Option<Vec<RemedyBody>>,
}

/// The conclusion of a case: a finding for every subject.
#[derive(Deserialize, ToSchema)]
#[schema(as = InspectionConclusionInput)]
pub struct ConclusionBody {
    /// Ngày kết luận, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    concluded_on: Option<String>,
    /// Nội dung kết luận chung.
    conclusion: Option<String>,
    #[schema(value_type = Vec<FindingBody>, required = true)]
    findings: Option<Vec<FindingBody>>,
}

async fn conclude(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ConclusionBody>,
) -> Result<Json<CaseDetailOut>, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ManageInspections) {
        return Err(ApiError::Store(StoreError::NotFound));
    }
    let mut f = Faults::default();
    let concluded_on = f.date("concluded_on", b.concluded_on.as_deref());
    let mut findings = Vec::new();
    for (i, fb) in b.findings.unwrap_or_default().into_iter().enumerate() {
        let at = |name: &str| format!("findings[{i}].{name}");
        let subject = match (
            fb.unit_code
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            fb.member_id,
        ) {
            (Some(code), None) => match unit_field(&st, None, &at("unit_code"), code).await {
                Ok(u) => Some(SubjectRef::Unit(u.id)),
                Err(e) => {
                    f.0.push(e);
                    None
                }
            },
            (None, Some(m)) => Some(SubjectRef::Member(m)),
            _ => {
                f.push(
                    &format!("findings[{i}]"),
                    "Mỗi kết luận phải có đúng một trong hai trường \"unit_code\" hoặc \"member_id\"",
                );
                None
            }
        };
        let result = f.parsed(
            &at("result"),
            fb.result.as_deref(),
            Finding::parse,
            FINDINGS,
        );
        let mut remedies = Vec::new();
        for (j, rb) in fb.remedies.unwrap_or_default().into_iter().enumerate() {
            let text = f.text(&format!("findings[{i}].remedies[{j}].text"), rb.text);
            let due = f.date(
                &format!("findings[{i}].remedies[{j}].due"),
                rb.due.as_deref(),
            );
            if let Some(due) = due {
                remedies.push(RemedyInput { text, due });
            }
        }
        if let (Some(subject), Some(result)) = (subject, result) {
            findings.push(FindingInput {
                subject,
                result,
                manifestations: fb.manifestations.unwrap_or_default(),
                registration_id: fb.registration_id,
                note: fb.note.unwrap_or_default(),
                remedies,
            });
        }
    }
    f.done()?;
    let Some(concluded_on) = concluded_on else {
        return Err(ApiError::unprocessable(date_message("concluded_on")));
    };
    let input = ConclusionInput {
        concluded_on,
        conclusion: b.conclusion.unwrap_or_default(),
        findings,
    };
    let d = st
        .db
        .inspections()
        .conclude_case(&Actor::user(p, "api"), p, id, &input)
        .await?;
    Ok(Json(CaseDetailOut::from(&d)))
}

/// A remedy reported done.
#[derive(Deserialize, ToSchema)]
#[schema(as = InspectionRemedyDone)]
pub struct RemedyDoneBody {
    /// Ngày đã khắc phục, YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    done_on: Option<String>,
    /// Kết quả khắc phục.
    note: Option<String>,
}

async fn remedy_done(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RemedyDoneBody>,
) -> Result<Json<RemedyOut>, ApiError> {
    let p = &user.principal;
    let mut f = Faults::default();
    let done_on = f.date("done_on", b.done_on.as_deref());
    f.done()?;
    let Some(done_on) = done_on else {
        return Err(ApiError::unprocessable(date_message("done_on")));
    };
    let r = st
        .db
        .inspections()
        .report_remedy(
            &Actor::user(p, "api"),
            p,
            id,
            done_on,
            b.note.as_deref().unwrap_or_default().trim(),
        )
        .await?;
    Ok(Json(RemedyOut::from(&r)))
}
