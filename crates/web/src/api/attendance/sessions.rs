//! Study sessions and cell meetings: listing, creating, reading with the marks, marking, and self check-in
//! with a code.

use super::{optional_tally, MarkName, MeetingKindName, MeetingQualityName, TallyOut};
use crate::api::models::UnitRef;
use crate::api::{parse_date_field, subtree_of, ApiJson, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::{Mark, MeetingKind, MeetingQuality};
use domain::policy::Principal;
use serde::{Deserialize, Serialize};
use store::{Actor, CheckinFailure, Meeting, MeetingFilter, MeetingInput};
use utoipa::{IntoParams, ToSchema};

/// The open self check-in of a session.
#[derive(Serialize, ToSchema)]
#[schema(as = CheckIn)]
pub struct CheckInOut {
    code: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    /// The check-in page with the session and code filled in.
    url: String,
}

/// One expected member's place on a session's sheet.
#[derive(Serialize, ToSchema)]
pub struct SessionMark {
    member_id: i64,
    full_name: String,
    unit_code: String,
    unit_name: String,
    #[schema(value_type = Option<MarkName>)]
    status: Option<&'static str>,
    #[schema(value_type = Option<MarkName>)]
    made_up_from: Option<&'static str>,
    self_checkin: bool,
    marked_by: Option<String>,
    marked_at: Option<String>,
}

/// A study session or cell meeting.
#[derive(Serialize, ToSchema)]
pub struct Session {
    id: i64,
    #[schema(value_type = MeetingKindName)]
    kind: &'static str,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    date: NaiveDate,
    title: String,
    starts_at: Option<String>,
    ends_at: Option<String>,
    place: String,
    online: bool,
    theme_id: Option<i64>,
    theme_title: Option<String>,
    thematic: bool,
    minutes: String,
    #[schema(value_type = Option<MeetingQualityName>)]
    quality: Option<&'static str>,
    /// Các đơn vị được triệu tập, khi không triệu tập toàn bộ đơn vị tổ chức và các đơn vị trực thuộc.
    for_units: Vec<UnitRef>,
    created_by: String,
    created_at: String,
    /// A member account sees its own mark, not how many of its comrades were absent.
    #[serde(flatten)]
    #[schema(schema_with = optional_tally)]
    tally: Option<TallyOut>,
    /// Chỉ trả về cho người quản lý buổi.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<CheckInOut>)]
    check_in: Option<Option<CheckInOut>>,
    /// Danh sách điểm danh trong phạm vi (chỉ khi đọc một buổi).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<SessionMark>)]
    marks: Option<Vec<SessionMark>>,
}

fn session(m: &Meeting, p: &Principal) -> Session {
    Session {
        id: m.id,
        kind: m.kind.as_str(),
        unit_id: m.unit_id,
        unit_code: m.unit_code.clone(),
        unit_name: m.unit_name.clone(),
        date: m.date,
        title: m.title.clone(),
        starts_at: m.starts_at.clone(),
        ends_at: m.ends_at.clone(),
        place: m.place.clone(),
        online: m.online,
        theme_id: m.theme_id,
        theme_title: m.theme_title.clone(),
        thematic: m.thematic,
        minutes: m.minutes.clone(),
        quality: m.quality.map(|q| q.as_str()),
        for_units: m.for_units.iter().map(UnitRef::from).collect(),
        created_by: m.created_by.clone(),
        created_at: m.created_at.clone(),
        tally: (p.role != domain::Role::Member).then(|| TallyOut::from(&m.tally)),
        check_in: p.can_manage_meeting(&m.unit_path).then(|| {
            m.checkin.as_ref().map(|c| CheckInOut {
                code: c.code.clone(),
                opens_at: c.opens_at,
                closes_at: c.closes_at,
                url: format!("/diem-danh?buoi={}&ma={}", m.id, c.code),
            })
        }),
        marks: None,
    }
}

/// Query of the session lists.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Mã đơn vị (mặc định: đơn vị được cấp quyền).
    unit: Option<String>,
    /// Từ ngày YYYY-MM-DD.
    from: Option<String>,
    /// Đến ngày YYYY-MM-DD.
    to: Option<String>,
    /// Số buổi tối đa (mặc định 500).
    limit: Option<i64>,
}

async fn list(
    st: &AppState,
    p: &Principal,
    q: ListQuery,
    kind: MeetingKind,
) -> Result<Json<Items<Session>>, ApiError> {
    let unit_path = subtree_of(st, p, q.unit.as_deref()).await?;
    let f = MeetingFilter {
        kind: Some(kind),
        unit_path,
        from: q
            .from
            .as_deref()
            .map(|s| parse_date_field("from", s))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|s| parse_date_field("to", s))
            .transpose()?,
        limit: q.limit.unwrap_or(500),
    };
    let items = st
        .db
        .attendance()
        .list_meetings(p, &f)
        .await?
        .iter()
        .map(|m| session(m, p))
        .collect();
    Ok(Json(Items::all(items)))
}

pub(super) async fn list_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Items<Session>>, ApiError> {
    list(&st, &user.principal, q, MeetingKind::Study).await
}

pub(super) async fn list_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Items<Session>>, ApiError> {
    list(&st, &user.principal, q, MeetingKind::Cell).await
}

/// A session to create.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = SessionInput)]
pub struct MeetingBody {
    #[schema(value_type = String, required = true)]
    unit_code: Option<String>,
    /// YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    date: Option<String>,
    #[schema(value_type = String, required = true)]
    title: Option<String>,
    #[schema(example = "07:30")]
    starts_at: Option<String>,
    ends_at: Option<String>,
    place: Option<String>,
    online: Option<bool>,
    theme_id: Option<i64>,
    thematic: Option<bool>,
    /// Mã các đơn vị trực thuộc được triệu tập (mặc định: cả đơn vị và mọi đơn vị trực thuộc).
    for_units: Option<Vec<String>>,
    minutes: Option<String>,
    #[schema(value_type = Option<MeetingQualityName>)]
    quality: Option<String>,
}

async fn create(
    st: &AppState,
    p: &Principal,
    b: MeetingBody,
    kind: MeetingKind,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let date = match b.date.as_deref() {
        Some(s) => parse_date_field("date", s)?,
        None => return Err(ApiError::unprocessable("Thiếu \"date\" (YYYY-MM-DD)")),
    };
    let quality = match b.quality.as_deref().filter(|s| !s.is_empty()) {
        Some(q) => Some(MeetingQuality::parse(q).ok_or_else(|| {
            ApiError::unprocessable("\"quality\" phải là good, fair, average hoặc poor")
        })?),
        None => None,
    };
    let input = MeetingInput {
        starts_at: b.starts_at.unwrap_or_default(),
        ends_at: b.ends_at.unwrap_or_default(),
        place: b.place.unwrap_or_default(),
        online: b.online.unwrap_or(false),
        theme_id: b.theme_id,
        thematic: b.thematic.unwrap_or(false),
        for_unit_codes: b.for_units.unwrap_or_default(),
        minutes: b.minutes.unwrap_or_default(),
        quality,
        ..MeetingInput::new(
            kind,
            b.unit_code.as_deref().unwrap_or_default(),
            date,
            b.title.as_deref().unwrap_or_default(),
        )
    };
    let m = st
        .db
        .attendance()
        .create_meeting(&Actor::user(p, "api"), Some(p), input)
        .await?;
    Ok((StatusCode::CREATED, Json(session(&m, p))))
}

pub(super) async fn create_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<MeetingBody>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    create(&st, &user.principal, b, MeetingKind::Study).await
}

pub(super) async fn create_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<MeetingBody>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    create(&st, &user.principal, b, MeetingKind::Cell).await
}

async fn load(
    st: &AppState,
    p: &Principal,
    id: i64,
    kind: MeetingKind,
) -> Result<Meeting, ApiError> {
    let m = st.db.attendance().meeting(p, id).await?;
    if m.kind != kind {
        return Err(ApiError::not_found());
    }
    Ok(m)
}

async fn show(
    st: &AppState,
    p: &Principal,
    id: i64,
    kind: MeetingKind,
) -> Result<Json<Session>, ApiError> {
    let m = load(st, p, id, kind).await?;
    let marks = st.db.attendance().meeting_marks(p, id).await?;
    let mut out = session(&m, p);
    out.marks = Some(
        marks
            .iter()
            .map(|r| SessionMark {
                member_id: r.member_id,
                full_name: r.full_name.clone(),
                unit_code: r.unit_code.clone(),
                unit_name: r.unit_name.clone(),
                status: r.status.map(|s| s.as_str()),
                made_up_from: r.made_up_from.map(|s| s.as_str()),
                self_checkin: r.self_checkin,
                marked_by: r.marked_by.clone(),
                marked_at: r.marked_at.clone(),
            })
            .collect(),
    );
    Ok(Json(out))
}

pub(super) async fn get_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Session>, ApiError> {
    show(&st, &user.principal, id, MeetingKind::Study).await
}

pub(super) async fn get_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Session>, ApiError> {
    show(&st, &user.principal, id, MeetingKind::Cell).await
}

/// One member's mark.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct MarkItem {
    member_id: i64,
    #[schema(value_type = MarkName)]
    status: String,
}

/// Marks to record, all or none.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = Marks)]
pub struct MarksBody {
    marks: Vec<MarkItem>,
}

async fn mark(
    st: &AppState,
    p: &Principal,
    id: i64,
    b: MarksBody,
    kind: MeetingKind,
) -> Result<Json<Session>, ApiError> {
    load(st, p, id, kind).await?;
    let mut marks = Vec::with_capacity(b.marks.len());
    let mut errors = Vec::new();
    for (i, m) in b.marks.iter().enumerate() {
        match Mark::parse(&m.status).filter(|_| !m.status.trim().is_empty()) {
            Some(s) => marks.push((m.member_id, s)),
            None => errors.push(store::FieldError::new(
                &format!("marks[{i}].status"),
                format!("Trạng thái \"{}\" không hợp lệ: dùng present, late, excused, absent hoặc makeup", m.status),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(store::StoreError::Invalid(errors).into());
    }
    let m = st
        .db
        .attendance()
        .set_marks(&Actor::user(p, "api"), Some(p), id, &marks)
        .await?;
    Ok(Json(session(&m, p)))
}

pub(super) async fn mark_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MarksBody>,
) -> Result<Json<Session>, ApiError> {
    mark(&st, &user.principal, id, b, MeetingKind::Study).await
}

pub(super) async fn mark_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MarksBody>,
) -> Result<Json<Session>, ApiError> {
    mark(&st, &user.principal, id, b, MeetingKind::Cell).await
}

/// A self check-in with the session's code.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = CheckInInput)]
pub struct CheckinBody {
    code: String,
    /// Chỉ được là chính mình.
    member_id: Option<i64>,
}

/// A recorded self check-in.
#[derive(Serialize, ToSchema)]
#[schema(as = CheckInResult)]
pub struct CheckinOut {
    session_id: i64,
    member_id: Option<i64>,
    #[schema(value_type = MarkName)]
    status: &'static str,
    message: String,
}

pub(super) async fn check_in(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CheckinBody>,
) -> Result<Json<CheckinOut>, ApiError> {
    let p = &user.principal;
    match st
        .db
        .attendance()
        .check_in(&Actor::user(p, "api"), p, id, &b.code, b.member_id)
        .await
    {
        Ok((m, mark)) => Ok(Json(CheckinOut {
            session_id: m.id,
            member_id: p.member_id,
            status: mark.as_str(),
            message: format!("Đã điểm danh: {}", mark.label().to_lowercase()),
        })),
        Err(CheckinFailure::Refused(domain::attendance::CheckinError::TooManyAttempts)) => {
            Err(ApiError::Status(
                StatusCode::TOO_MANY_REQUESTS,
                domain::attendance::CheckinError::TooManyAttempts.to_string(),
            ))
        }
        Err(CheckinFailure::Refused(e)) => Err(ApiError::unprocessable(e.to_string())),
        Err(CheckinFailure::Store(e)) => Err(e.into()),
    }
}

/// How long the new code stays valid (the body may be empty).
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[schema(as = CheckInWindow)]
pub struct OpenBody {
    /// Minutes the code stays valid from now (default 120, 5–1440).
    #[schema(default = 120, minimum = 5, maximum = 1440)]
    minutes: Option<i64>,
}

pub(super) async fn open_code(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Session>, ApiError> {
    let p = &user.principal;
    let b: OpenBody = crate::api::optional_json(&body)?;
    let (opens_at, closes_at) = domain::attendance::checkin_window(st.db.now(), b.minutes)
        .map_err(|_| ApiError::unprocessable("\"minutes\" phải từ 5 đến 1.440"))?;
    let m = st
        .db
        .attendance()
        .open_checkin(&Actor::user(p, "api"), p, id, opens_at, closes_at)
        .await?;
    Ok(Json(session(&m, p)))
}

pub(super) async fn close_code(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Session>, ApiError> {
    let p = &user.principal;
    let m = st
        .db
        .attendance()
        .close_checkin(&Actor::user(p, "api"), p, id)
        .await?;
    Ok(Json(session(&m, p)))
}
