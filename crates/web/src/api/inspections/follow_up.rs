//! After the conclusion: a secretary's concluded findings, and the members who "bỏ sinh hoạt" (xóa tên
//! proposals).

use super::*;

// ---- a secretary's concluded findings

/// A concluded finding about one of the reader's own units or members.
#[derive(Serialize, ToSchema)]
#[schema(as = OwnFinding)]
pub struct OwnFindingOut {
    case_id: i64,
    #[schema(value_type = CaseKindName)]
    kind: &'static str,
    /// Tên đơn vị tiến hành.
    conducted_by: String,
    case_title: String,
    concluded_on: NaiveDate,
    subject: SubjectOut,
}

impl From<&OwnFinding> for OwnFindingOut {
    fn from(o: &OwnFinding) -> Self {
        OwnFindingOut {
            case_id: o.case_id,
            kind: o.kind.as_str(),
            conducted_by: o.conducted_by.clone(),
            case_title: o.case_title.clone(),
            concluded_on: o.concluded_on,
            subject: SubjectOut::from(&o.subject),
        }
    }
}

/// Query of `GET /inspections/findings`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingsQuery {
    /// Năm kết luận (mặc định: mọi năm).
    year: Option<i32>,
}

pub(super) async fn own_findings(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<FindingsQuery>,
) -> Result<Json<Items<OwnFindingOut>>, ApiError> {
    let p = &user.principal;
    if p.role != Role::Secretary && !p.has(Capability::ReadInspections) {
        return Err(ApiError::forbidden());
    }
    let year = year_param(q.year)?;
    let items = st.db.inspections().own_findings(p, year).await?;
    Ok(Json(Items::all(
        items.iter().map(OwnFindingOut::from).collect(),
    )))
}

// ---- bỏ sinh hoạt: xóa tên proposals

/// A member absent without reason from cell meetings in three or more months of the year.
#[derive(Serialize, ToSchema)]
#[schema(as = StrikeOffCandidate)]
pub struct StrikeOffCandidateOut {
    member_id: i64,
    full_name: String,
    card_number: Option<String>,
    unit_id: i64,
    unit_name: String,
    year: i32,
    /// Các tháng (1–12) có buổi sinh hoạt vắng không lý do.
    months: Vec<u32>,
    /// Các buổi sinh hoạt đã vắng không lý do.
    meetings: Vec<MissedMeeting>,
    /// Đã có quyết định xóa tên.
    struck_off: bool,
}

/// A cell meeting missed without reason.
#[derive(Serialize, ToSchema)]
pub struct MissedMeeting {
    id: i64,
    date: NaiveDate,
}

impl From<&StrikeOffCandidate> for StrikeOffCandidateOut {
    fn from(c: &StrikeOffCandidate) -> Self {
        StrikeOffCandidateOut {
            member_id: c.member_id,
            full_name: c.full_name.clone(),
            card_number: c.card_number.clone(),
            unit_id: c.unit_id,
            unit_name: c.unit_name.clone(),
            year: c.year,
            months: c.months.clone(),
            meetings: c
                .meetings
                .iter()
                .map(|(id, date)| MissedMeeting {
                    id: *id,
                    date: *date,
                })
                .collect(),
            struck_off: c.struck_off,
        }
    }
}

/// Query of `GET /inspections/strike-off-candidates`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidatesQuery {
    /// Mã đơn vị (mặc định: đơn vị của tài khoản); tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Năm (mặc định: năm nay).
    year: Option<i32>,
}

pub(super) async fn strike_off_candidates(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<CandidatesQuery>,
) -> Result<Json<Items<StrikeOffCandidateOut>>, ApiError> {
    let p = &user.principal;
    if p.role == Role::Member {
        return Err(ApiError::forbidden());
    }
    let year = year_param(q.year)?.unwrap_or_else(|| st.db.today().year());
    let unit_id = match unit_param(&st, p, q.unit.as_deref()).await? {
        Some(u) => u.id,
        None => p.unit_id,
    };
    let items = st
        .db
        .inspections()
        .strike_off_candidates(p, unit_id, year)
        .await?;
    Ok(Json(Items::all(
        items.iter().map(StrikeOffCandidateOut::from).collect(),
    )))
}
