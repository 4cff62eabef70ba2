//! The figures of a unit and period as JSON (`GET /reports/period`), also what `lamtheo report --format
//! json` writes (`period_json`), and the same figures as Word and Excel files.

use super::*;
use crate::api::inspections::summary::SummaryOut;
use domain::attendance::Tally;
use domain::inspection::DisciplineForm;
use domain::registration::RegStats;
use domain::report::{
    CommendationCount, Limitation, PeriodReport, ReportUnit, SubUnitRow, YearRegistrations,
};
use std::collections::BTreeMap;

/// Query of `GET /reports/period` (and its .docx, .xlsx).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Mã đơn vị (mặc định: đơn vị của tài khoản); số liệu tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Từ ngày, YYYY-MM-DD (bắt buộc).
    from: Option<String>,
    /// Đến ngày, YYYY-MM-DD (bắt buộc, không trước from).
    to: Option<String>,
}

/// A share rounded to four decimals, 0 when undefined.
fn rate(n: i64, d: i64) -> f64 {
    if d > 0 {
        ((n as f64 / d as f64) * 10000.0).round() / 10000.0
    } else {
        0.0
    }
}

/// A unit named by a report.
#[derive(Serialize, ToSchema)]
pub struct ReportUnitOut {
    id: i64,
    code: String,
    name: String,
    #[schema(value_type = UnitTypeName)]
    unit_type: &'static str,
}

impl From<&ReportUnit> for ReportUnitOut {
    fn from(u: &ReportUnit) -> Self {
        ReportUnitOut {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            unit_type: u.unit_type.as_str(),
        }
    }
}

/// Attendance: places expected and marks, with the rate.
#[derive(Serialize, ToSchema)]
pub struct ReportTallyOut {
    /// Số lượt phải dự.
    expected: i64,
    /// Có mặt + đi trễ + học bù.
    attended: i64,
    present: i64,
    late: i64,
    excused: i64,
    absent: i64,
    makeup: i64,
    /// attended / expected (0 khi không ai phải dự), bốn chữ số thập phân.
    #[schema(minimum = 0, maximum = 1)]
    rate: f64,
}

impl From<&Tally> for ReportTallyOut {
    fn from(t: &Tally) -> Self {
        ReportTallyOut {
            expected: t.expected,
            attended: t.attended(),
            present: t.present,
            late: t.late,
            excused: t.excused,
            absent: t.absent,
            makeup: t.makeup,
            rate: rate(t.attended(), t.expected),
        }
    }
}

/// A directive or plan in force for the unit in the period.
#[derive(Serialize, ToSchema)]
pub struct ReportCampaignDocOut {
    /// "directive" (chỉ thị) hoặc "plan" (kế hoạch).
    kind: String,
    number: String,
    title: String,
    issued_on: NaiveDate,
    issuer: String,
}

/// A yearly theme (chuyên đề) the unit followed.
#[derive(Serialize, ToSchema)]
pub struct ReportThemeOut {
    year: i32,
    title: String,
    unit_name: String,
}

/// Quán triệt: directives, plans and yearly themes.
#[derive(Serialize, ToSchema)]
pub struct ReportCampaignOut {
    documents: Vec<ReportCampaignDocOut>,
    themes: Vec<ReportThemeOut>,
}

/// Study sessions of one year (the part inside the period).
#[derive(Serialize, ToSchema)]
pub struct ReportStudyYearOut {
    year: i32,
    sessions: i64,
    tally: ReportTallyOut,
}

/// Học tập chuyên đề: per year and over the period.
#[derive(Serialize, ToSchema)]
pub struct ReportStudyOut {
    years: Vec<ReportStudyYearOut>,
    total: ReportTallyOut,
    sessions: i64,
    /// Chỉ tiêu tỷ lệ tham dự (phần nghìn).
    target_permille: i64,
    /// Chỉ tiêu tỷ lệ tham dự.
    #[schema(minimum = 0, maximum = 1)]
    target: f64,
}

/// Sinh hoạt chi bộ in the period.
#[derive(Serialize, ToSchema)]
pub struct ReportCellMeetingsOut {
    held: i64,
    /// Sinh hoạt chuyên đề.
    thematic: i64,
    tally: ReportTallyOut,
    /// Chủ đề tháng phải đặt, và số đặt đúng hạn.
    topics_due: i64,
    topics_on_time: i64,
    #[schema(minimum = 0, maximum = 1)]
    topics_on_time_rate: f64,
}

/// Registration figures (đăng ký làm theo) with their shares.
#[derive(Serialize, ToSchema)]
pub struct ReportRegStatsOut {
    /// Đảng viên phải đăng ký.
    members: i64,
    registered: i64,
    #[schema(minimum = 0, maximum = 1)]
    registered_rate: f64,
    on_time: i64,
    #[schema(minimum = 0, maximum = 1)]
    on_time_rate: f64,
    drafts: i64,
    submitted: i64,
    returned: i64,
    approved: i64,
    published: i64,
    copied: i64,
    items: i64,
    specific_items: i64,
    #[schema(minimum = 0, maximum = 1)]
    specific_rate: f64,
    tied_items: i64,
    #[schema(minimum = 0, maximum = 1)]
    tied_rate: f64,
    approved_items: i64,
    reviewed_items: i64,
    done_items: i64,
    rated: i64,
    excellent: i64,
    good: i64,
    completed: i64,
    not_completed: i64,
}

impl From<&RegStats> for ReportRegStatsOut {
    fn from(s: &RegStats) -> Self {
        ReportRegStatsOut {
            members: s.members,
            registered: s.registered,
            registered_rate: rate(s.registered, s.members),
            on_time: s.on_time,
            on_time_rate: rate(s.on_time, s.registered),
            drafts: s.drafts,
            submitted: s.submitted,
            returned: s.returned,
            approved: s.approved,
            published: s.published,
            copied: s.copied,
            items: s.items,
            specific_items: s.specific_items,
            specific_rate: rate(s.specific_items, s.items),
            tied_items: s.tied_items,
            tied_rate: rate(s.tied_items, s.items),
            approved_items: s.approved_items,
            reviewed_items: s.reviewed_items,
            done_items: s.done_items,
            rated: s.rated,
            excellent: s.excellent,
            good: s.good,
            completed: s.completed,
            not_completed: s.not_completed,
        }
    }
}

/// Registrations of one year.
#[derive(Serialize, ToSchema)]
pub struct ReportRegYearOut {
    year: i32,
    stats: ReportRegStatsOut,
    /// Người đứng đầu, cán bộ chủ chốt đã đăng ký, và số đăng ký sau đảng viên trong đơn vị.
    heads_registered: i64,
    heads_late: i64,
    /// Đảng viên đã tự đánh giá.
    self_reviews: i64,
}

impl From<&YearRegistrations> for ReportRegYearOut {
    fn from(y: &YearRegistrations) -> Self {
        ReportRegYearOut {
            year: y.year,
            stats: ReportRegStatsOut::from(&y.stats),
            heads_registered: y.heads_registered,
            heads_late: y.heads_late,
            self_reviews: y.self_reviews,
        }
    }
}

/// Đăng ký làm theo, per year.
#[derive(Serialize, ToSchema)]
pub struct ReportRegistrationsOut {
    years: Vec<ReportRegYearOut>,
}

/// Công khai and citizens' feedback in the period.
#[derive(Serialize, ToSchema)]
pub struct ReportDisclosureOut {
    published_registrations: i64,
    bulletins: i64,
    feedback_received: i64,
    feedback_answered: i64,
    #[schema(minimum = 0, maximum = 1)]
    feedback_answered_rate: f64,
    /// Chưa trả lời, quá hạn vào ngày cuối kỳ.
    feedback_overdue: i64,
    /// Số ngày trả lời trung bình (null khi chưa trả lời phản ánh nào).
    mean_response_days: Option<f64>,
    /// Nội dung được nhân dân xác nhận đã làm.
    citizen_confirmations: i64,
}

/// A field of models with its count.
#[derive(Serialize, ToSchema)]
pub struct ReportFieldCountOut {
    field: String,
    count: i64,
}

/// A model named by the report.
#[derive(Serialize, ToSchema)]
pub struct ReportModelOut {
    id: i64,
    name: String,
    field: String,
    unit_code: String,
    unit_name: String,
    /// Số đơn vị đã nhân rộng.
    replications: i64,
    /// Đã được biểu dương.
    commended: bool,
}

/// Mô hình, cách làm hay of the subtree active in the period.
#[derive(Serialize, ToSchema)]
pub struct ReportModelsOut {
    total: i64,
    by_field: Vec<ReportFieldCountOut>,
    replicated: i64,
    commended: i64,
    lines: Vec<ReportModelOut>,
}

/// Discipline decisions in force on members, by form.
#[derive(Serialize, ToSchema)]
pub struct ReportMemberDisciplineOut {
    reprimand: u64,
    warning: u64,
    dismissal: u64,
    expulsion: u64,
}

/// Discipline decisions in force on organisations, by form.
#[derive(Serialize, ToSchema)]
pub struct ReportUnitDisciplineOut {
    reprimand: u64,
    warning: u64,
    dissolution: u64,
}

/// Kỷ luật (confidential): decisions in force decided in the period, and xóa tên.
#[derive(Serialize, ToSchema)]
pub struct ReportDisciplineOut {
    members: ReportMemberDisciplineOut,
    units: ReportUnitDisciplineOut,
    /// Đảng viên bị xóa tên trong kỳ, và số bị xóa tên vì bỏ sinh hoạt.
    struck_off: i64,
    struck_off_left_party_life: i64,
}

/// Commendations decided: decisions and recipients.
#[derive(Serialize, ToSchema)]
pub struct ReportCommendationCountOut {
    decisions: i64,
    member_recipients: i64,
    unit_recipients: i64,
}

impl From<&CommendationCount> for ReportCommendationCountOut {
    fn from(c: &CommendationCount) -> Self {
        ReportCommendationCountOut {
            decisions: c.decisions,
            member_recipients: c.member_recipients,
            unit_recipients: c.unit_recipients,
        }
    }
}

/// Commendations of one kind (praise, certificate, merit, emulation_flag, title, other).
#[derive(Serialize, ToSchema)]
pub struct ReportCommendationKindOut {
    kind: String,
    decisions: i64,
    member_recipients: i64,
    unit_recipients: i64,
}

/// Commendations of one level (central, province, district, grassroots, cell).
#[derive(Serialize, ToSchema)]
pub struct ReportCommendationLevelOut {
    level: String,
    decisions: i64,
    member_recipients: i64,
    unit_recipients: i64,
}

/// Khen thưởng decided in the period.
#[derive(Serialize, ToSchema)]
pub struct ReportCommendationsOut {
    total: ReportCommendationCountOut,
    by_kind: Vec<ReportCommendationKindOut>,
    by_level: Vec<ReportCommendationLevelOut>,
    /// Đề nghị chưa quyết định vào ngày cuối kỳ.
    pending_proposals: i64,
}

/// A criteria set over the subtree on the period's last day.
#[derive(Serialize, ToSchema)]
pub struct ReportCriteriaSetOut {
    set_code: String,
    set_name: String,
    criteria: i64,
    /// Đơn vị áp dụng, đạt đủ mọi tiêu chí, được công nhận.
    units: i64,
    all_met: i64,
    #[schema(minimum = 0, maximum = 1)]
    all_met_rate: f64,
    recognised: i64,
    /// Bộ áp dụng cho một đơn vị: số tiêu chí đạt.
    met_of_single: Option<i64>,
}

/// A classification of a unit in force on the period's last day.
#[derive(Serialize, ToSchema)]
pub struct ReportClassificationOut {
    unit_name: String,
    scheme: String,
    class: String,
    decided_on: NaiveDate,
}

/// Bộ tiêu chí and classifications.
#[derive(Serialize, ToSchema)]
pub struct ReportCriteriaOut {
    sets: Vec<ReportCriteriaSetOut>,
    classifications: Vec<ReportClassificationOut>,
}

/// Kind of limitation.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum LimitationKindName {
    /// Nội dung đăng ký chưa cụ thể.
    NotSpecific,
    /// Chưa gắn với chức trách, nhiệm vụ.
    NotTiedToDuties,
    /// Chưa rõ kết quả.
    NoResult,
    /// Đăng ký hình thức (phần lớn trùng lặp).
    MostlyCopies,
    /// Dưới chỉ tiêu tham dự học tập.
    BelowAttendanceTarget,
    /// Bỏ sinh hoạt (mật).
    LeftPartyLife,
    /// Phản ánh quá hạn chưa trả lời.
    FeedbackUnanswered,
    /// Người đứng đầu đăng ký sau đảng viên.
    HeadsLate,
}

/// A limitation drafted from the figures.
#[derive(Serialize, ToSchema)]
pub struct ReportLimitationOut {
    #[schema(value_type = LimitationKindName)]
    kind: domain::report::LimitationKind,
    /// Số bản ghi liên quan, trên tổng số (0 khi không có nghĩa).
    count: i64,
    out_of: i64,
    /// Các đơn vị liên quan (tối đa 10).
    units: Vec<String>,
    year: Option<i32>,
    /// Câu dự thảo trong báo cáo.
    text: String,
}

impl From<&Limitation> for ReportLimitationOut {
    fn from(l: &Limitation) -> Self {
        ReportLimitationOut {
            kind: l.kind,
            count: l.count,
            out_of: l.out_of,
            units: l.units.clone(),
            year: l.year,
            text: office::limitation_sentence(l),
        }
    }
}

/// Inspected or supervised (lượt), confidential.
#[derive(Serialize, ToSchema)]
pub struct ReportSubInspectionOut {
    units: u64,
    members: u64,
}

/// The main figures of one sub-unit.
#[derive(Serialize, ToSchema)]
pub struct ReportSubUnitOut {
    unit: ReportUnitOut,
    /// Đảng viên đang sinh hoạt vào ngày cuối kỳ.
    members: i64,
    study: ReportTallyOut,
    cell_meetings: i64,
    cell_tally: ReportTallyOut,
    /// Đăng ký của năm cuối kỳ.
    registrations: ReportRegStatsOut,
    models: i64,
    commendations: i64,
    /// Mật: null khi không có quyền xem.
    inspection: Option<ReportSubInspectionOut>,
    feedback_received: i64,
    feedback_unanswered: i64,
    below_target: bool,
}

impl From<&SubUnitRow> for ReportSubUnitOut {
    fn from(r: &SubUnitRow) -> Self {
        ReportSubUnitOut {
            unit: ReportUnitOut::from(&r.unit),
            members: r.members,
            study: ReportTallyOut::from(&r.study),
            cell_meetings: r.cell_meetings,
            cell_tally: ReportTallyOut::from(&r.cell_tally),
            registrations: ReportRegStatsOut::from(&r.registrations),
            models: r.models,
            commendations: r.commendations,
            inspection: r
                .inspection
                .map(|(units, members)| ReportSubInspectionOut { units, members }),
            feedback_received: r.feedback_received,
            feedback_unanswered: r.feedback_unanswered,
            below_target: r.below_target,
        }
    }
}

/// The figures of a unit (with its sub-units) for a period, computed from records at `computed_at`.
#[derive(Serialize, ToSchema)]
#[schema(as = PeriodReport)]
pub struct PeriodReportOut {
    unit: ReportUnitOut,
    from: NaiveDate,
    to: NaiveDate,
    computed_at: DateTime<Utc>,
    campaign: ReportCampaignOut,
    study: ReportStudyOut,
    cell_meetings: ReportCellMeetingsOut,
    registrations: ReportRegistrationsOut,
    disclosure: ReportDisclosureOut,
    models: ReportModelsOut,
    /// Kiểm tra, giám sát (mật; cùng dạng như GET /inspections/summary); null khi không có quyền xem.
    inspection: Option<SummaryOut>,
    /// Kỷ luật (mật); null khi không có quyền xem.
    discipline: Option<ReportDisciplineOut>,
    commendations: ReportCommendationsOut,
    criteria: ReportCriteriaOut,
    limitations: Vec<ReportLimitationOut>,
    sub_units: Vec<ReportSubUnitOut>,
}

impl From<&PeriodReport> for PeriodReportOut {
    fn from(r: &PeriodReport) -> Self {
        let form =
            |m: &BTreeMap<DisciplineForm, u64>, f: DisciplineForm| m.get(&f).copied().unwrap_or(0);
        // The inspection section in the shape of the inspection summary: its discipline part from the
        // discipline section (both hidden together).
        let inspection = r.inspection.as_ref().map(|i| {
            let empty = domain::report::DisciplineSection::default();
            let d = r.discipline.as_ref().unwrap_or(&empty);
            SummaryOut::from(&store::InspectionSummary {
                unit_id: r.unit.id,
                unit_code: r.unit.code.clone(),
                unit_name: r.unit.name.clone(),
                from: r.from,
                to: r.to,
                by_kind: i.by_kind.clone(),
                discipline_members: d.members.clone(),
                discipline_units: d.units.clone(),
            })
        });
        let discipline = r.discipline.as_ref().map(|d| ReportDisciplineOut {
            members: ReportMemberDisciplineOut {
                reprimand: form(&d.members, DisciplineForm::Reprimand),
                warning: form(&d.members, DisciplineForm::Warning),
                dismissal: form(&d.members, DisciplineForm::Dismissal),
                expulsion: form(&d.members, DisciplineForm::Expulsion),
            },
            units: ReportUnitDisciplineOut {
                reprimand: form(&d.units, DisciplineForm::Reprimand),
                warning: form(&d.units, DisciplineForm::Warning),
                dissolution: form(&d.units, DisciplineForm::Dissolution),
            },
            struck_off: d.struck_off,
            struck_off_left_party_life: d.struck_off_left_party_life,
        });
        let c = &r.cell_meetings;
        let dc = &r.disclosure;
        let m = &r.models;
        let cm = &r.commendations;
        PeriodReportOut {
            unit: ReportUnitOut::from(&r.unit),
            from: r.from,
            to: r.to,
            computed_at: r.computed_at,
            campaign: ReportCampaignOut {
                documents: r
                    .campaign
                    .documents
                    .iter()
                    .map(|d| ReportCampaignDocOut {
                        kind: d.kind.clone(),
                        number: d.number.clone(),
                        title: d.title.clone(),
                        issued_on: d.issued_on,
                        issuer: d.issuer.clone(),
                    })
                    .collect(),
                themes: r
                    .campaign
                    .themes
                    .iter()
                    .map(|t| ReportThemeOut {
                        year: t.year,
                        title: t.title.clone(),
                        unit_name: t.unit_name.clone(),
                    })
                    .collect(),
            },
            study: ReportStudyOut {
                years: r
                    .study
                    .years
                    .iter()
                    .map(|y| ReportStudyYearOut {
                        year: y.year,
                        sessions: y.sessions,
                        tally: ReportTallyOut::from(&y.tally),
                    })
                    .collect(),
                total: ReportTallyOut::from(&r.study.total),
                sessions: r.study.sessions,
                target_permille: r.study.target_permille,
                target: rate(r.study.target_permille, 1000).clamp(0.0, 1.0),
            },
            cell_meetings: ReportCellMeetingsOut {
                held: c.held,
                thematic: c.thematic,
                tally: ReportTallyOut::from(&c.tally),
                topics_due: c.topics_due,
                topics_on_time: c.topics_on_time,
                topics_on_time_rate: rate(c.topics_on_time, c.topics_due),
            },
            registrations: ReportRegistrationsOut {
                years: r
                    .registrations
                    .years
                    .iter()
                    .map(ReportRegYearOut::from)
                    .collect(),
            },
            disclosure: ReportDisclosureOut {
                published_registrations: dc.published_registrations,
                bulletins: dc.bulletins,
                feedback_received: dc.feedback_received,
                feedback_answered: dc.feedback_answered,
                feedback_answered_rate: rate(dc.feedback_answered, dc.feedback_received),
                feedback_overdue: dc.feedback_overdue,
                mean_response_days: dc
                    .mean_response_days
                    .filter(|x| x.is_finite())
                    .map(|x| (x * 10.0).round() / 10.0),
                citizen_confirmations: dc.citizen_confirmations,
            },
            models: ReportModelsOut {
                total: m.total,
                by_field: m
                    .by_field
                    .iter()
                    .map(|(field, count)| ReportFieldCountOut {
                        field: field.clone(),
                        count: *count,
                    })
                    .collect(),
                replicated: m.replicated,
                commended: m.commended,
                lines: m
                    .lines
                    .iter()
                    .map(|l| ReportModelOut {
                        id: l.id,
                        name: l.name.clone(),
                        field: l.field.clone(),
                        unit_code: l.unit_code.clone(),
                        unit_name: l.unit_name.clone(),
                        replications: l.replications,
                        commended: l.commended,
                    })
                    .collect(),
            },
            inspection,
            discipline,
            commendations: ReportCommendationsOut {
                total: ReportCommendationCountOut::from(&cm.total),
                by_kind: cm
                    .by_kind
                    .iter()
                    .map(|(k, n)| ReportCommendationKindOut {
                        kind: k.as_str().to_string(),
                        decisions: n.decisions,
                        member_recipients: n.member_recipients,
                        unit_recipients: n.unit_recipients,
                    })
                    .collect(),
                by_level: cm
                    .by_level
                    .iter()
                    .map(|(l, n)| ReportCommendationLevelOut {
                        level: l.as_str().to_string(),
                        decisions: n.decisions,
                        member_recipients: n.member_recipients,
                        unit_recipients: n.unit_recipients,
                    })
                    .collect(),
                pending_proposals: cm.pending_proposals,
            },
            criteria: ReportCriteriaOut {
                sets: r
                    .criteria
                    .sets
                    .iter()
                    .map(|s| ReportCriteriaSetOut {
                        set_code: s.set_code.clone(),
                        set_name: s.set_name.clone(),
                        criteria: s.criteria,
                        units: s.units,
                        all_met: s.all_met,
                        all_met_rate: rate(s.all_met, s.units),
                        recognised: s.recognised,
                        met_of_single: s.met_of_single,
                    })
                    .collect(),
                classifications: r
                    .criteria
                    .classifications
                    .iter()
                    .map(|c| ReportClassificationOut {
                        unit_name: c.unit_name.clone(),
                        scheme: c.scheme.clone(),
                        class: c.class.clone(),
                        decided_on: c.decided_on,
                    })
                    .collect(),
            },
            limitations: r
                .limitations
                .iter()
                .map(ReportLimitationOut::from)
                .collect(),
            sub_units: r.sub_units.iter().map(ReportSubUnitOut::from).collect(),
        }
    }
}

/// The API's JSON of a period report (the `PeriodReport` schema of `GET /api/v1/reports/period`); the
/// command line writes the same.
pub fn period_json(r: &PeriodReport) -> serde_json::Value {
    serde_json::to_value(PeriodReportOut::from(r)).unwrap_or(serde_json::Value::Null)
}

/// The unit and period of a query: the unit in the caller's scope (default: their own), the dates
/// required (422 otherwise).
async fn period_of(
    st: &AppState,
    p: &Principal,
    q: &PeriodQuery,
) -> Result<(i64, NaiveDate, NaiveDate), ApiError> {
    require_reader(p)?;
    let mut f = Faults::default();
    let period = period_fields(&mut f, q.from.as_deref(), q.to.as_deref());
    f.done()?;
    let (from, to) = period.ok_or_else(|| invalid("from", "Thiếu kỳ báo cáo"))?;
    let unit_id = match unit_param(st, p, q.unit.as_deref()).await? {
        Some(u) if !p.can_read_report(&u.path) => {
            return Err(invalid(
                "unit",
                "Trường \"unit\": không xem được báo cáo của đơn vị này",
            ))
        }
        Some(u) => u.id,
        None => p.unit_id,
    };
    Ok((unit_id, from, to))
}

pub(super) async fn period_report(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<PeriodReportOut>, ApiError> {
    let p = &user.principal;
    let (unit_id, from, to) = period_of(&st, p, &q).await?;
    let r = st.db.reports().period_report(p, unit_id, from, to).await?;
    Ok(Json(PeriodReportOut::from(&r)))
}

async fn period_file(
    st: AppState,
    user: ApiUser,
    q: PeriodQuery,
    ext: &'static str,
) -> Result<Response, ApiError> {
    let p = &user.principal;
    let (unit_id, from, to) = period_of(&st, p, &q).await?;
    let doc = st.db.reports().live_document(p, unit_id, from, to).await?;
    send_file(&st, p, doc, ext, &format!("period_report.{ext}")).await
}

pub(super) async fn period_docx(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    period_file(st, user, q, "docx").await
}

pub(super) async fn period_xlsx(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    period_file(st, user, q, "xlsx").await
}
