//! The figures of a subtree and period.

use super::*;

// ---- the figures

/// Query of `GET /inspections/summary`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Mã đơn vị (mặc định: đơn vị của tài khoản); tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Ngày quyết định từ, YYYY-MM-DD (mặc định: 01/01 năm nay).
    from: Option<String>,
    /// Ngày quyết định đến, YYYY-MM-DD (mặc định: 31/12 năm nay).
    to: Option<String>,
}

/// The figures of one kind of case.
#[derive(Serialize, ToSchema)]
pub struct KindFigures {
    /// Số cuộc.
    cases: u64,
    /// Lượt tổ chức đảng (mỗi cặp cuộc – tổ chức).
    units: u64,
    /// Lượt đảng viên (mỗi cặp cuộc – đảng viên).
    members: u64,
    /// Số tổ chức đảng, mỗi tổ chức tính một lần.
    distinct_units: u64,
    /// Số đảng viên, mỗi người tính một lần.
    distinct_members: u64,
}

impl From<KindCounts> for KindFigures {
    fn from(k: KindCounts) -> Self {
        KindFigures {
            cases: k.cases,
            units: k.units,
            members: k.members,
            distinct_units: k.distinct_units,
            distinct_members: k.distinct_members,
        }
    }
}

/// Every kind of case with its figures (zeros when none).
#[derive(Serialize, ToSchema)]
pub struct FiguresByKind {
    regular_supervision: KindFigures,
    thematic_supervision: KindFigures,
    inspection: KindFigures,
    violation_inspection: KindFigures,
    finance_inspection: KindFigures,
    denunciation: KindFigures,
    discipline_appeal: KindFigures,
}

/// Discipline decisions in force on members, by form.
#[derive(Serialize, ToSchema)]
pub struct MemberDisciplineFigures {
    reprimand: u64,
    warning: u64,
    dismissal: u64,
    expulsion: u64,
}

/// Discipline decisions in force on organisations, by form.
#[derive(Serialize, ToSchema)]
pub struct UnitDisciplineFigures {
    reprimand: u64,
    warning: u64,
    dissolution: u64,
}

/// Discipline decisions in force (after appeals), by subject and form.
#[derive(Serialize, ToSchema)]
pub struct DisciplineFigures {
    members: MemberDisciplineFigures,
    units: UnitDisciplineFigures,
}

/// The figures of a subtree and period (decision dates inside it).
#[derive(Serialize, ToSchema)]
#[schema(as = InspectionSummary)]
pub struct SummaryOut {
    by_kind: FiguresByKind,
    discipline: DisciplineFigures,
}

impl From<&InspectionSummary> for SummaryOut {
    fn from(s: &InspectionSummary) -> Self {
        let k =
            |kind: CaseKind| KindFigures::from(s.by_kind.get(&kind).copied().unwrap_or_default());
        let m = |form: DisciplineForm| s.discipline_members.get(&form).copied().unwrap_or(0);
        let u = |form: DisciplineForm| s.discipline_units.get(&form).copied().unwrap_or(0);
        SummaryOut {
            by_kind: FiguresByKind {
                regular_supervision: k(CaseKind::RegularSupervision),
                thematic_supervision: k(CaseKind::ThematicSupervision),
                inspection: k(CaseKind::Inspection),
                violation_inspection: k(CaseKind::ViolationInspection),
                finance_inspection: k(CaseKind::FinanceInspection),
                denunciation: k(CaseKind::Denunciation),
                discipline_appeal: k(CaseKind::DisciplineAppeal),
            },
            discipline: DisciplineFigures {
                members: MemberDisciplineFigures {
                    reprimand: m(DisciplineForm::Reprimand),
                    warning: m(DisciplineForm::Warning),
                    dismissal: m(DisciplineForm::Dismissal),
                    expulsion: m(DisciplineForm::Expulsion),
                },
                units: UnitDisciplineFigures {
                    reprimand: u(DisciplineForm::Reprimand),
                    warning: u(DisciplineForm::Warning),
                    dissolution: u(DisciplineForm::Dissolution),
                },
            },
        }
    }
}

pub(super) async fn summary(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Json<SummaryOut>, ApiError> {
    let p = &user.principal;
    require(p, Capability::ReadInspections)?;
    let mut f = Faults::default();
    let from = f.opt_date("from", q.from.as_deref());
    let to = f.opt_date("to", q.to.as_deref());
    f.done()?;
    let year = st.db.today().year();
    let from = from
        .or_else(|| NaiveDate::from_ymd_opt(year, 1, 1))
        .unwrap_or_default();
    let to = to
        .or_else(|| NaiveDate::from_ymd_opt(year, 12, 31))
        .unwrap_or_default();
    if to < from {
        return Err(ApiError::Store(StoreError::Invalid(vec![FieldError::new(
            "to",
            "Ngày kết thúc không thể trước ngày bắt đầu",
        )])));
    }
    let unit_id = match unit_param(&st, p, q.unit.as_deref()).await? {
        Some(u) => u.id,
        None => p.unit_id,
    };
    let s = st.db.inspections().summary(p, unit_id, from, to).await?;
    Ok(Json(SummaryOut::from(&s)))
}
