//! Attendance figures: a subtree's summary for a period against the plan's target, the figures of each
//! sub-unit, members absent twice in a row, and one member's history.

use super::{MarkName, MeetingKindName, TallyOut, ABSENTEE_LIMIT};
use crate::api::{parse_date_field, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use domain::attendance::{MeetingKind, Tally};
use domain::policy::Principal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of the attendance figures.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Mã đơn vị: tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Từ ngày YYYY-MM-DD (mặc định: đầu năm nay).
    from: Option<String>,
    /// Đến ngày YYYY-MM-DD (mặc định: cuối năm nay).
    to: Option<String>,
    /// study (mặc định) hoặc cell.
    kind: Option<String>,
}

struct Period {
    unit: domain::Unit,
    from: NaiveDate,
    to: NaiveDate,
    kind: MeetingKind,
}

async fn period(st: &AppState, p: &Principal, q: &PeriodQuery) -> Result<Period, ApiError> {
    let unit = match q.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => st.db.units().unit_by_code(p, code).await?,
        None => st.db.units().unit(p, p.unit_id).await?,
    };
    let year = st.db.today().year();
    let from = match q.from.as_deref() {
        Some(s) => parse_date_field("from", s)?,
        None => NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
    };
    let to = match q.to.as_deref() {
        Some(s) => parse_date_field("to", s)?,
        None => NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    };
    if to < from {
        return Err(ApiError::unprocessable("\"to\" không được trước \"from\""));
    }
    let kind = match q.kind.as_deref() {
        None | Some("") => MeetingKind::Study,
        Some(k) => MeetingKind::parse(k)
            .ok_or_else(|| ApiError::unprocessable("\"kind\" phải là study hoặc cell"))?,
    };
    Ok(Period {
        unit,
        from,
        to,
        kind,
    })
}

/// The attendance of a subtree over a period.
#[derive(Serialize, ToSchema)]
pub struct Summary {
    #[serde(flatten)]
    tally: TallyOut,
    unit_code: String,
    unit_name: String,
    from: NaiveDate,
    to: NaiveDate,
    #[schema(value_type = MeetingKindName)]
    kind: &'static str,
    /// The plan's target share (0–1), when a plan applies.
    #[schema(minimum = 0, maximum = 1)]
    target: Option<f64>,
    /// The number of the plan that sets the target.
    plan: Option<String>,
    below_target: bool,
}

pub(super) async fn summary(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Summary>, ApiError> {
    let p = &user.principal;
    let pr = period(&st, p, &q).await?;
    let t = st
        .db
        .attendance()
        .attendance_summary(p, &pr.unit.path, pr.kind, pr.from, pr.to)
        .await?;
    let plan = st.db.campaign().plan_for(&pr.unit.path, pr.to).await?;
    Ok(Json(Summary {
        tally: (&t).into(),
        unit_code: pr.unit.code,
        unit_name: pr.unit.name,
        from: pr.from,
        to: pr.to,
        kind: pr.kind.as_str(),
        target: plan.as_ref().map(|pl| pl.target_attendance as f64 / 1000.0),
        plan: plan.as_ref().map(|pl| pl.number.clone()),
        below_target: plan
            .as_ref()
            .is_some_and(|pl| t.below_target(pl.target_attendance)),
    }))
}

/// A sub-unit's attendance.
#[derive(Serialize, ToSchema)]
pub struct UnitAttendance {
    #[serde(flatten)]
    tally: TallyOut,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    below_target: bool,
}

/// The attendance of each sub-unit of a unit over a period.
#[derive(Serialize, ToSchema)]
pub struct UnitsAttendance {
    unit_code: String,
    from: NaiveDate,
    to: NaiveDate,
    #[schema(value_type = MeetingKindName)]
    kind: &'static str,
    #[schema(minimum = 0, maximum = 1)]
    target: Option<f64>,
    /// The whole subtree.
    total: TallyOut,
    items: Vec<UnitAttendance>,
}

pub(super) async fn by_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<UnitsAttendance>, ApiError> {
    let p = &user.principal;
    let pr = period(&st, p, &q).await?;
    let rows = st
        .db
        .attendance()
        .attendance_by_subunit(p, pr.unit.id, pr.kind, pr.from, pr.to)
        .await?;
    let total = st
        .db
        .attendance()
        .attendance_summary(p, &pr.unit.path, pr.kind, pr.from, pr.to)
        .await?;
    let target = st
        .db
        .campaign()
        .plan_for(&pr.unit.path, pr.to)
        .await?
        .map(|pl| pl.target_attendance);
    let items = rows
        .iter()
        .map(|r| UnitAttendance {
            tally: (&r.tally).into(),
            unit_id: r.unit.id,
            unit_code: r.unit.code.clone(),
            unit_name: r.unit.name.clone(),
            below_target: target.is_some_and(|t| r.tally.below_target(t)),
        })
        .collect();
    Ok(Json(UnitsAttendance {
        unit_code: pr.unit.code,
        from: pr.from,
        to: pr.to,
        kind: pr.kind.as_str(),
        target: target.map(|t| t as f64 / 1000.0),
        total: (&total).into(),
        items,
    }))
}

/// A member whose last two marked study sessions were absences.
#[derive(Serialize, ToSchema)]
#[schema(as = Absentee)]
pub struct AbsenteeOut {
    member_id: i64,
    full_name: String,
    unit_name: String,
    /// The two most recent marked sessions, newest first: [date, title, mark].
    #[schema(value_type = Vec<(NaiveDate, String, MarkName)>)]
    last: Vec<(NaiveDate, String, &'static str)>,
}

pub(super) async fn absentees(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Items<AbsenteeOut>>, ApiError> {
    let p = &user.principal;
    let pr = period(&st, p, &q).await?;
    match st
        .db
        .attendance()
        .absentees(p, &pr.unit.path, pr.kind, ABSENTEE_LIMIT)
        .await?
    {
        Some(list) => Ok(Json(Items::all(
            list.into_iter()
                .map(|a| AbsenteeOut {
                    member_id: a.member_id,
                    full_name: a.full_name,
                    unit_name: a.unit_name,
                    last: a
                        .last
                        .into_iter()
                        .map(|(date, title, mark)| (date, title, mark.as_str()))
                        .collect(),
                })
                .collect(),
        ))),
        None => Err(ApiError::unprocessable(
            "Đơn vị quá lớn để liệt kê; hãy chọn đơn vị cấp dưới",
        )),
    }
}

/// Query of a member's history.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// Từ ngày.
    from: Option<String>,
    /// Đến ngày.
    to: Option<String>,
}

/// A member's mark at one meeting.
#[derive(Serialize, ToSchema)]
pub struct MemberMarkOut {
    meeting_id: i64,
    #[schema(value_type = MeetingKindName)]
    kind: &'static str,
    date: NaiveDate,
    title: String,
    unit_name: String,
    #[schema(value_type = Option<MarkName>)]
    status: Option<&'static str>,
    #[schema(value_type = Option<MarkName>)]
    made_up_from: Option<&'static str>,
    self_checkin: bool,
    marked_by: Option<String>,
    marked_at: Option<String>,
}

/// A member's attendance history.
#[derive(Serialize, ToSchema)]
pub struct MemberAttendance {
    member_id: i64,
    /// The study sessions' tally.
    study: TallyOut,
    items: Vec<MemberMarkOut>,
}

pub(super) async fn member_attendance(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Json<MemberAttendance>, ApiError> {
    let p = &user.principal;
    let from = q
        .from
        .as_deref()
        .map(|s| parse_date_field("from", s))
        .transpose()?;
    let to =
        q.to.as_deref()
            .map(|s| parse_date_field("to", s))
            .transpose()?;
    let marks = st.db.attendance().member_marks(p, id, from, to).await?;
    let mut t = Tally::default();
    for m in marks.iter().filter(|m| m.kind == MeetingKind::Study) {
        t.add_mark(m.status);
    }
    Ok(Json(MemberAttendance {
        member_id: id,
        study: (&t).into(),
        items: marks
            .into_iter()
            .map(|m| MemberMarkOut {
                meeting_id: m.meeting_id,
                kind: m.kind.as_str(),
                date: m.date,
                title: m.title,
                unit_name: m.unit_name,
                status: m.status.map(|s| s.as_str()),
                made_up_from: m.made_up_from.map(|s| s.as_str()),
                self_checkin: m.self_checkin,
                marked_by: m.marked_by,
                marked_at: m.marked_at,
            })
            .collect(),
    }))
}
