//! Reporting rounds (đợt báo cáo) and the reports kept in the database: header, narrative, sign-off steps,
//! and their Word and Excel files.

use super::*;
use domain::report::{
    Completeness, FigureDiff, NarrativeSection, Narratives, ReportAction, ReportHeader,
    SubReportStatus,
};
use store::{ReportEvent, ReportSummary, RoundDetail, RoundInput, RoundSummary, StoredReport};

// ---- names (schema only)

/// Trạng thái báo cáo.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ReportStatusName {
    /// Đang soạn.
    Draft,
    /// Đã gửi, chờ cấp trên xem.
    Submitted,
    /// Bị trả lại, có ý kiến.
    Returned,
    /// Được chấp nhận: số liệu đã chốt.
    Accepted,
    /// Báo cáo ngoài đợt đã ban hành: số liệu đã chốt.
    Issued,
}

/// Bước xử lý báo cáo.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ReportActionName {
    /// Gửi cấp trên.
    Submit,
    /// Trả lại (cần ý kiến).
    Return,
    /// Chấp nhận.
    Accept,
    /// Ban hành (báo cáo ngoài đợt).
    Issue,
}

// ---- rounds

/// How complete a round is today.
#[derive(Serialize, ToSchema)]
pub struct CompletenessOut {
    /// Số báo cáo phải nộp.
    expected: i64,
    /// Đã gửi ít nhất một lần; đúng hạn; trễ hạn.
    submitted: i64,
    on_time: i64,
    late: i64,
    /// Đang bị trả lại.
    returned: i64,
    accepted: i64,
    /// Chưa gửi; quá hạn trong số đó.
    missing: i64,
    overdue: i64,
    /// submitted / expected.
    #[schema(minimum = 0, maximum = 1)]
    submitted_rate: f64,
}

impl From<&Completeness> for CompletenessOut {
    fn from(c: &Completeness) -> Self {
        let rate = if c.expected > 0 {
            ((c.submitted as f64 / c.expected as f64) * 10000.0).round() / 10000.0
        } else {
            0.0
        };
        CompletenessOut {
            expected: c.expected,
            submitted: c.submitted,
            on_time: c.on_time,
            late: c.late,
            returned: c.returned,
            accepted: c.accepted,
            missing: c.missing,
            overdue: c.overdue,
            submitted_rate: rate.clamp(0.0, 1.0),
        }
    }
}

/// A reporting round.
#[derive(Serialize, ToSchema)]
pub struct RoundOut {
    id: i64,
    /// Đơn vị đặt đợt báo cáo (các tổ chức đảng trực thuộc báo cáo).
    unit: UnitRef,
    title: String,
    from: NaiveDate,
    to: NaiveDate,
    /// Hạn nộp.
    due_on: NaiveDate,
    note: String,
    created_by: String,
    created_at: DateTime<Utc>,
    completeness: CompletenessOut,
}

impl From<&RoundSummary> for RoundOut {
    fn from(r: &RoundSummary) -> Self {
        RoundOut {
            id: r.id,
            unit: UnitRef::from(&r.unit),
            title: r.title.clone(),
            from: r.from,
            to: r.to,
            due_on: r.due_on,
            note: r.note.clone(),
            created_by: r.created_by.clone(),
            created_at: r.created_at,
            completeness: CompletenessOut::from(&r.completeness),
        }
    }
}

/// A sub-unit's report in a round.
#[derive(Serialize, ToSchema)]
pub struct SubReportOut {
    report_id: i64,
    unit: ReportUnitOut,
    #[schema(value_type = ReportStatusName)]
    status: ReportStatus,
    /// Ngày gửi lần đầu.
    submitted_on: Option<NaiveDate>,
    /// Gửi đúng hạn.
    on_time: Option<bool>,
    /// Số lần bị trả lại.
    returns: i64,
}

impl From<&SubReportStatus> for SubReportOut {
    fn from(s: &SubReportStatus) -> Self {
        SubReportOut {
            report_id: s.report_id,
            unit: ReportUnitOut::from(&s.unit),
            status: s.status,
            submitted_on: s.submitted_on,
            on_time: s.on_time,
            returns: s.returns,
        }
    }
}

/// A round with each expected report.
#[derive(Serialize, ToSchema)]
pub struct RoundDetailOut {
    round: RoundOut,
    reports: Vec<SubReportOut>,
    /// Người xem được chấp nhận, trả lại báo cáo của đợt.
    can_review: bool,
}

impl From<&RoundDetail> for RoundDetailOut {
    fn from(d: &RoundDetail) -> Self {
        RoundDetailOut {
            round: RoundOut::from(&d.round),
            reports: d.reports.iter().map(SubReportOut::from).collect(),
            can_review: d.can_review,
        }
    }
}

/// Body of `POST /reports/rounds`.
#[derive(Deserialize, ToSchema)]
pub struct RoundBody {
    /// Mã đơn vị đặt đợt báo cáo (mặc định: đơn vị của tài khoản).
    #[serde(default)]
    unit: Option<String>,
    /// Tên đợt ("Sơ kết 5 năm thực hiện Chỉ thị 05-CT/TW").
    #[serde(default)]
    title: Option<String>,
    /// Kỳ báo cáo từ ngày, YYYY-MM-DD.
    #[serde(default)]
    from: Option<String>,
    /// Kỳ báo cáo đến ngày, YYYY-MM-DD.
    #[serde(default)]
    to: Option<String>,
    /// Hạn nộp, YYYY-MM-DD.
    #[serde(default)]
    due_on: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

pub(super) async fn list_rounds(
    State(st): State<AppState>,
    user: ApiUser,
) -> Result<Json<Items<RoundOut>>, ApiError> {
    let p = &user.principal;
    require_reader(p)?;
    let rounds = st.db.reports().rounds(p).await?;
    Ok(Json(Items::all(
        rounds.iter().map(RoundOut::from).collect(),
    )))
}

pub(super) async fn create_round(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<RoundBody>,
) -> Result<(StatusCode, Json<RoundDetailOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::WriteReports)?;
    let mut f = Faults::default();
    let title = f.text("title", b.title);
    let period = period_fields(&mut f, b.from.as_deref(), b.to.as_deref());
    let due_on = f.date("due_on", b.due_on.as_deref());
    let unit = match b.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => match super::super::fields::unit_field(&st, Some(p), "unit", code).await {
            Ok(u) => Some(u),
            Err(e) => {
                f.0.push(e);
                None
            }
        },
        None => st.db.units().unit(p, p.unit_id).await.ok(),
    };
    f.done()?;
    let (Some((from, to)), Some(unit)) = (period, unit) else {
        return Err(invalid("from", "Thiếu kỳ báo cáo"));
    };
    let input = RoundInput {
        unit_code: unit.code,
        title,
        from: Some(from),
        to: Some(to),
        due_on,
        note: b.note.unwrap_or_default().trim().to_string(),
    };
    let id = st
        .db
        .reports()
        .create_round(p, &Actor::user(p, "api"), &input)
        .await?;
    let d = st.db.reports().round(p, id).await?;
    Ok((StatusCode::CREATED, Json(RoundDetailOut::from(&d))))
}

pub(super) async fn show_round(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RoundDetailOut>, ApiError> {
    let p = &user.principal;
    require_reader(p)?;
    let d = st.db.reports().round(p, id).await?;
    Ok(Json(RoundDetailOut::from(&d)))
}

// ---- stored reports

/// A stored report as lists show it.
#[derive(Serialize, ToSchema)]
pub struct ReportSummaryOut {
    id: i64,
    unit: UnitRef,
    round_id: Option<i64>,
    round_title: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
    due_on: Option<NaiveDate>,
    #[schema(value_type = ReportStatusName)]
    status: ReportStatus,
    /// Số báo cáo ("125-BC/TU"); rỗng khi chưa có số.
    number: String,
    updated_at: DateTime<Utc>,
}

impl From<&ReportSummary> for ReportSummaryOut {
    fn from(r: &ReportSummary) -> Self {
        ReportSummaryOut {
            id: r.id,
            unit: UnitRef::from(&r.unit),
            round_id: r.round_id,
            round_title: r.round_title.clone(),
            from: r.from,
            to: r.to,
            due_on: r.due_on,
            status: r.status,
            number: r.number.clone(),
            updated_at: r.updated_at,
        }
    }
}

/// The header and signature of the Word document (Hướng dẫn 36-HD/VPTW).
#[derive(Serialize, ToSchema)]
pub struct ReportHeaderOut {
    /// Cấp trên của cơ quan ban hành ("ĐẢNG BỘ TỈNH BẾN TRE").
    superior: String,
    /// Cơ quan ban hành ("THÀNH ỦY BẾN TRE").
    issuer: String,
    /// Số, không có chữ "Số" ("125-BC/TU").
    number: String,
    /// Địa danh.
    place: String,
    /// Ngày ban hành.
    dated: Option<NaiveDate>,
    /// Trích yếu dưới chữ "BÁO CÁO".
    subject: String,
    /// "T/M BAN THƯỜNG VỤ", "T/M CHI BỘ"…
    on_behalf: String,
    signer_title: String,
    signer_name: String,
    /// Nơi nhận, mỗi dòng một nơi.
    recipients: Vec<String>,
}

impl From<&ReportHeader> for ReportHeaderOut {
    fn from(h: &ReportHeader) -> Self {
        ReportHeaderOut {
            superior: h.superior.clone(),
            issuer: h.issuer.clone(),
            number: h.number.clone(),
            place: h.place.clone(),
            dated: h.dated,
            subject: h.subject.clone(),
            on_behalf: h.on_behalf.clone(),
            signer_title: h.signer_title.clone(),
            signer_name: h.signer_name.clone(),
            recipients: h.recipients.clone(),
        }
    }
}

/// The writer's text per section (empty when not written).
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NarrativesOut {
    /// Kết quả đạt được.
    results: String,
    /// Ưu điểm.
    strengths: String,
    /// Hạn chế (thêm vào các hạn chế dự thảo từ số liệu).
    limitations: String,
    /// Nguyên nhân.
    causes: String,
    /// Phương hướng, nhiệm vụ thời gian tới.
    directions: String,
}

impl From<&Narratives> for NarrativesOut {
    fn from(n: &Narratives) -> Self {
        let get = |k: NarrativeSection| n.get(&k).cloned().unwrap_or_default();
        NarrativesOut {
            results: get(NarrativeSection::Results),
            strengths: get(NarrativeSection::Strengths),
            limitations: get(NarrativeSection::Limitations),
            causes: get(NarrativeSection::Causes),
            directions: get(NarrativeSection::Directions),
        }
    }
}

impl NarrativesOut {
    fn into_narratives(self) -> Narratives {
        [
            (NarrativeSection::Results, self.results),
            (NarrativeSection::Strengths, self.strengths),
            (NarrativeSection::Limitations, self.limitations),
            (NarrativeSection::Causes, self.causes),
            (NarrativeSection::Directions, self.directions),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }
}

/// A figure that changed since the report's figures were frozen.
#[derive(Serialize, ToSchema)]
pub struct FigureDiffOut {
    /// Khóa số liệu ("study.total.attended", "sub_units.P7.members").
    key: String,
    /// Số đã chốt (null khi chưa có lúc chốt).
    frozen: Option<i64>,
    /// Số hiện nay (null khi không còn).
    now: Option<i64>,
}

impl From<&FigureDiff> for FigureDiffOut {
    fn from(d: &FigureDiff) -> Self {
        FigureDiffOut {
            key: d.key.clone(),
            frozen: d.frozen,
            now: d.now,
        }
    }
}

/// A sign-off step.
#[derive(Serialize, ToSchema)]
pub struct ReportEventOut {
    #[schema(value_type = ReportActionName)]
    action: ReportAction,
    comment: String,
    by_user: String,
    at: DateTime<Utc>,
}

impl From<&ReportEvent> for ReportEventOut {
    fn from(e: &ReportEvent) -> Self {
        ReportEventOut {
            action: e.action,
            comment: e.comment.clone(),
            by_user: e.by_user.clone(),
            at: e.at,
        }
    }
}

/// A stored report.
#[derive(Serialize, ToSchema)]
pub struct StoredReportOut {
    id: i64,
    unit: UnitRef,
    /// Đợt báo cáo (null: báo cáo ngoài đợt).
    round: Option<RoundOut>,
    from: NaiveDate,
    to: NaiveDate,
    #[schema(value_type = ReportStatusName)]
    status: ReportStatus,
    /// Số lần bị trả lại.
    returns: i64,
    first_submitted_at: Option<DateTime<Utc>>,
    /// Lúc chốt số liệu (chấp nhận hoặc ban hành).
    frozen_at: Option<DateTime<Utc>>,
    header: ReportHeaderOut,
    narratives: NarrativesOut,
    /// Số liệu: đã chốt khi được chấp nhận hoặc ban hành, nếu không thì tính lúc xem.
    figures: PeriodReportOut,
    /// Báo cáo của các đơn vị trực thuộc trong đợt cùng kỳ do đơn vị này đặt.
    sub_reports: Vec<SubReportOut>,
    /// Số liệu đã chốt khác với số liệu tính lại hiện nay.
    differences: Vec<FigureDiffOut>,
    history: Vec<ReportEventOut>,
    /// Người xem được sửa, gửi, chấp nhận/trả lại, ban hành.
    can_edit: bool,
    can_submit: bool,
    can_review: bool,
    can_issue: bool,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

impl From<&StoredReport> for StoredReportOut {
    fn from(r: &StoredReport) -> Self {
        StoredReportOut {
            id: r.id,
            unit: UnitRef::from(&r.unit),
            round: r.round.as_ref().map(RoundOut::from),
            from: r.from,
            to: r.to,
            status: r.status,
            returns: r.returns,
            first_submitted_at: r.first_submitted_at,
            frozen_at: r.frozen_at,
            header: ReportHeaderOut::from(&r.document.header),
            narratives: NarrativesOut::from(&r.document.narratives),
            figures: PeriodReportOut::from(&r.document.figures),
            sub_reports: r
                .document
                .sub_reports
                .iter()
                .map(SubReportOut::from)
                .collect(),
            differences: r.differences.iter().map(FigureDiffOut::from).collect(),
            history: r.history.iter().map(ReportEventOut::from).collect(),
            can_edit: r.can_edit,
            can_submit: r.can_submit,
            can_review: r.can_review,
            can_issue: r.can_issue,
            updated_by: r.updated_by.clone(),
            updated_at: r.updated_at,
        }
    }
}

/// Query of `GET /reports`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportListQuery {
    /// Mã đơn vị: báo cáo của đơn vị này và các đơn vị trực thuộc (mặc định: cả phạm vi của tài khoản).
    unit: Option<String>,
}

pub(super) async fn list_reports(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ReportListQuery>,
) -> Result<Json<Items<ReportSummaryOut>>, ApiError> {
    let p = &user.principal;
    require_reader(p)?;
    let unit = unit_param(&st, p, q.unit.as_deref()).await?;
    let list = st
        .db
        .reports()
        .list_reports(p, unit.as_ref().map(|u| u.code.as_str()))
        .await?;
    Ok(Json(Items::all(
        list.iter().map(ReportSummaryOut::from).collect(),
    )))
}

/// Body of `POST /reports`.
#[derive(Deserialize, ToSchema)]
pub struct NewReportBody {
    /// Mã đơn vị lập báo cáo (mặc định: đơn vị của tài khoản).
    #[serde(default)]
    unit: Option<String>,
    /// Từ ngày, YYYY-MM-DD.
    #[serde(default)]
    from: Option<String>,
    /// Đến ngày, YYYY-MM-DD.
    #[serde(default)]
    to: Option<String>,
}

pub(super) async fn create_report(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<NewReportBody>,
) -> Result<(StatusCode, Json<StoredReportOut>), ApiError> {
    let p = &user.principal;
    require(p, Capability::WriteReports)?;
    let mut f = Faults::default();
    let period = period_fields(&mut f, b.from.as_deref(), b.to.as_deref());
    let unit = match b.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => match super::super::fields::unit_field(&st, Some(p), "unit", code).await {
            Ok(u) => Some(u.code),
            Err(e) => {
                f.0.push(e);
                None
            }
        },
        None => st.db.units().unit(p, p.unit_id).await.ok().map(|u| u.code),
    };
    f.done()?;
    let (Some((from, to)), Some(code)) = (period, unit) else {
        return Err(invalid("from", "Thiếu kỳ báo cáo"));
    };
    let id = st
        .db
        .reports()
        .create_report(p, &Actor::user(p, "api"), &code, from, to)
        .await?;
    let r = st.db.reports().report(p, id).await?;
    Ok((StatusCode::CREATED, Json(StoredReportOut::from(&r))))
}

pub(super) async fn show_report(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<StoredReportOut>, ApiError> {
    let p = &user.principal;
    require_reader(p)?;
    let r = st.db.reports().report(p, id).await?;
    Ok(Json(StoredReportOut::from(&r)))
}

/// The header as a writer sends it (missing fields: empty).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReportHeaderBody {
    superior: String,
    issuer: String,
    number: String,
    place: String,
    /// Ngày ban hành, YYYY-MM-DD (rỗng hoặc null: chưa có).
    dated: Option<String>,
    subject: String,
    on_behalf: String,
    signer_title: String,
    signer_name: String,
    recipients: Vec<String>,
}

/// Body of `PUT /reports/{id}`: the whole header and narrative (missing fields are saved empty).
#[derive(Deserialize, ToSchema)]
pub struct ReportEditBody {
    #[serde(default)]
    header: ReportHeaderBody,
    #[serde(default)]
    narratives: NarrativesOut,
}

pub(super) async fn save_report(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReportEditBody>,
) -> Result<Json<StoredReportOut>, ApiError> {
    let p = &user.principal;
    require(p, Capability::WriteReports)?;
    let mut f = Faults::default();
    let dated = f.opt_date("header.dated", b.header.dated.as_deref());
    f.done()?;
    let h = b.header;
    let header = ReportHeader {
        superior: h.superior.trim().to_string(),
        issuer: h.issuer.trim().to_string(),
        number: h.number.trim().to_string(),
        place: h.place.trim().to_string(),
        dated,
        subject: h.subject.trim().to_string(),
        on_behalf: h.on_behalf.trim().to_string(),
        signer_title: h.signer_title.trim().to_string(),
        signer_name: h.signer_name.trim().to_string(),
        recipients: h
            .recipients
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    };
    let narratives = b.narratives.into_narratives();
    st.db
        .reports()
        .save_report(p, &Actor::user(p, "api"), id, &header, &narratives)
        .await?;
    let r = st.db.reports().report(p, id).await?;
    Ok(Json(StoredReportOut::from(&r)))
}

/// Body of `POST /reports/{id}/actions`.
#[derive(Deserialize, ToSchema)]
pub struct ActionBody {
    /// submit (gửi), return (trả lại, cần ý kiến), accept (chấp nhận), issue (ban hành báo cáo ngoài đợt).
    #[serde(default)]
    #[schema(value_type = Option<ReportActionName>)]
    action: Option<String>,
    /// Ý kiến (bắt buộc khi trả lại).
    #[serde(default)]
    comment: Option<String>,
}

pub(super) async fn act(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ActionBody>,
) -> Result<Json<StoredReportOut>, ApiError> {
    let p = &user.principal;
    require(p, Capability::WriteReports)?;
    let mut f = Faults::default();
    let action = f.parsed(
        "action",
        b.action.as_deref(),
        ReportAction::parse,
        "submit, return, accept, issue",
    );
    f.done()?;
    let Some(action) = action else {
        return Err(invalid("action", "Thiếu bước xử lý"));
    };
    let comment = b.comment.unwrap_or_default().trim().to_string();
    st.db
        .reports()
        .act(p, &Actor::user(p, "api"), id, action, &comment)
        .await?;
    let r = st.db.reports().report(p, id).await?;
    Ok(Json(StoredReportOut::from(&r)))
}

async fn stored_file(
    st: AppState,
    user: ApiUser,
    id: i64,
    ext: &'static str,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    require_reader(p)?;
    let r = st.db.reports().report(p, id).await?;
    send_file(&st, p, r.document, ext, &format!("report.{ext}")).await
}

pub(super) async fn report_docx(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    stored_file(st, user, id, "docx").await
}

pub(super) async fn report_xlsx(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    stored_file(st, user, id, "xlsx").await
}
