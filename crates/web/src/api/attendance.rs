//! API for the campaign, study sessions, cell meetings and attendance (issue 3).

use super::{parse_date_field, r, ApiJson, ApiRoute};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Json;
use chrono::{Datelike, Duration, NaiveDate};
use domain::attendance::{Mark, MeetingKind, MeetingQuality, Tally};
use domain::policy::Principal;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{Actor, CheckinFailure, Meeting, MeetingFilter, MeetingInput, PlanInput};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/study-sessions", "attendance", "Buổi học tập liên quan đến một cây đơn vị (tổ chức trong cây hoặc cấp trên tổ chức cho cây)", get(list_study)),
        r("post", "/study-sessions", "attendance", "Tạo buổi học tập; danh sách phải dự = đảng viên của cây đơn vị vào ngày tổ chức", post(create_study)),
        r("get", "/study-sessions/{id}", "attendance", "Một buổi học tập, số liệu và danh sách điểm danh trong phạm vi", get(get_study)),
        r("put", "/study-sessions/{id}/attendance", "attendance", "Điểm danh (nhiều người một lần, tất cả hoặc không)", put(mark_study)),
        r("post", "/study-sessions/{id}/check-in", "attendance", "Đảng viên tự điểm danh bằng mã của buổi", post(check_in)),
        r("post", "/study-sessions/{id}/check-in-code", "attendance", "Mở tự điểm danh: tạo mã mới có hiệu lực trong khoảng thời gian", post(open_code)),
        r("delete", "/study-sessions/{id}/check-in-code", "attendance", "Đóng tự điểm danh", delete(close_code)),
        r("get", "/cell-meetings", "attendance", "Sinh hoạt chi bộ của một cây đơn vị", get(list_cell)),
        r("post", "/cell-meetings", "attendance", "Ghi một buổi sinh hoạt chi bộ", post(create_cell)),
        r("get", "/cell-meetings/{id}", "attendance", "Một buổi sinh hoạt chi bộ", get(get_cell)),
        r("put", "/cell-meetings/{id}/attendance", "attendance", "Điểm danh buổi sinh hoạt chi bộ", put(mark_cell)),
        r("get", "/attendance/summary", "attendance", "Tỷ lệ tham dự của một cây đơn vị trong một khoảng thời gian", get(summary)),
        r("get", "/attendance/units", "attendance", "Tỷ lệ tham dự theo từng đơn vị trực thuộc", get(by_unit)),
        r("get", "/attendance/absentees", "attendance", "Đảng viên vắng hai buổi liên tiếp", get(absentees)),
        r("get", "/members/{id}/attendance", "attendance", "Lịch sử điểm danh của một đảng viên", get(member_attendance)),
        r("get", "/directives", "campaign", "Chỉ thị", get(directives)),
        r("post", "/directives", "campaign", "Thêm chỉ thị", post(create_directive)),
        r("get", "/plans", "campaign", "Kế hoạch trong phạm vi (của đơn vị mình, cấp dưới và cấp trên)", get(plans)),
        r("post", "/plans", "campaign", "Thêm kế hoạch (số, ngày, đơn vị ban hành, chỉ tiêu)", post(create_plan)),
        r("get", "/themes", "campaign", "Chuyên đề năm áp dụng cho một đơn vị", get(themes)),
        r("put", "/themes", "campaign", "Đặt chuyên đề năm của một đơn vị", put(set_theme)),
        r("get", "/topics", "campaign", "Chủ đề sinh hoạt tháng của các chi bộ; chi bộ chưa đặt lên đầu", get(topics)),
        r("put", "/topics", "campaign", "Đặt chủ đề sinh hoạt tháng của một chi bộ", put(set_topic)),
    ]
}

fn rate_value(r: Option<f64>) -> Value {
    json!(r.map(|x| (x * 10000.0).round() / 10000.0).unwrap_or(0.0))
}

pub fn tally_json(t: &Tally) -> Value {
    json!({
        "expected": t.expected, "attended": t.attended(), "present": t.present, "late": t.late,
        "excused": t.excused, "absent": t.absent, "makeup": t.makeup, "unmarked": t.unmarked(),
        "rate": rate_value(t.rate()), "excused_rate": rate_value(t.excused_rate()),
    })
}

pub fn meeting_json(m: &Meeting, p: &Principal) -> Value {
    let mut v = json!({
        "id": m.id, "kind": m.kind.as_str(), "unit_id": m.unit_id, "unit_code": m.unit_code, "unit_name": m.unit_name,
        "date": m.date, "title": m.title, "starts_at": m.starts_at, "ends_at": m.ends_at, "place": m.place,
        "online": m.online, "theme_id": m.theme_id, "theme_title": m.theme_title, "thematic": m.thematic,
        "minutes": m.minutes, "quality": m.quality.map(|q| q.as_str()),
        "for_units": m.for_units, "created_by": m.created_by, "created_at": m.created_at,
    });
    // A member account sees its own mark, not how many of its comrades were absent.
    if p.role != domain::Role::Member {
        if let (Some(obj), Value::Object(t)) = (v.as_object_mut(), tally_json(&m.tally)) {
            obj.extend(t);
        }
    }
    if p.can_manage_meeting(&m.unit_path) {
        v["check_in"] = match &m.checkin {
            Some(c) => json!({"code": c.code, "opens_at": c.opens_at, "closes_at": c.closes_at,
                               "url": format!("/diem-danh?buoi={}&ma={}", m.id, c.code)}),
            None => Value::Null,
        };
    }
    v
}

#[derive(Deserialize)]
struct ListQuery {
    unit: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
}

async fn list(
    st: &AppState,
    p: &Principal,
    q: ListQuery,
    kind: MeetingKind,
) -> Result<Json<Value>, ApiError> {
    let unit_path = super::subtree_of(st, p, q.unit.as_deref()).await?;
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
    let items: Vec<Value> = st
        .db
        .list_meetings(p, &f)
        .await?
        .iter()
        .map(|m| meeting_json(m, p))
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

async fn list_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    list(&st, &user.principal, q, MeetingKind::Study).await
}

async fn list_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    list(&st, &user.principal, q, MeetingKind::Cell).await
}

#[derive(Deserialize)]
struct MeetingBody {
    unit_code: Option<String>,
    date: Option<String>,
    title: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    place: Option<String>,
    online: Option<bool>,
    theme_id: Option<i64>,
    thematic: Option<bool>,
    for_units: Option<Vec<String>>,
    minutes: Option<String>,
    quality: Option<String>,
}

async fn create(
    st: &AppState,
    p: &Principal,
    b: MeetingBody,
    kind: MeetingKind,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
        .create_meeting(&Actor::user(p, "api"), Some(p), input)
        .await?;
    Ok((StatusCode::CREATED, Json(meeting_json(&m, p))))
}

async fn create_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<MeetingBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    create(&st, &user.principal, b, MeetingKind::Study).await
}

async fn create_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<MeetingBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    create(&st, &user.principal, b, MeetingKind::Cell).await
}

async fn load(
    st: &AppState,
    p: &Principal,
    id: i64,
    kind: MeetingKind,
) -> Result<Meeting, ApiError> {
    let m = st.db.meeting(p, id).await?;
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
) -> Result<Json<Value>, ApiError> {
    let m = load(st, p, id, kind).await?;
    let marks = st.db.meeting_marks(p, id).await?;
    let mut v = meeting_json(&m, p);
    v["marks"] = marks
        .iter()
        .map(|r| {
            json!({"member_id": r.member_id, "full_name": r.full_name, "unit_code": r.unit_code, "unit_name": r.unit_name,
                   "status": r.status.map(|s| s.as_str()), "made_up_from": r.made_up_from.map(|s| s.as_str()),
                   "self_checkin": r.self_checkin, "marked_by": r.marked_by, "marked_at": r.marked_at})
        })
        .collect();
    Ok(Json(v))
}

async fn get_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    show(&st, &user.principal, id, MeetingKind::Study).await
}

async fn get_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    show(&st, &user.principal, id, MeetingKind::Cell).await
}

#[derive(Deserialize)]
struct MarkItem {
    member_id: i64,
    status: String,
}

#[derive(Deserialize)]
struct MarksBody {
    marks: Vec<MarkItem>,
}

async fn mark(
    st: &AppState,
    p: &Principal,
    id: i64,
    b: MarksBody,
    kind: MeetingKind,
) -> Result<Json<Value>, ApiError> {
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
        .set_marks(&Actor::user(p, "api"), Some(p), id, &marks)
        .await?;
    Ok(Json(meeting_json(&m, p)))
}

async fn mark_study(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MarksBody>,
) -> Result<Json<Value>, ApiError> {
    mark(&st, &user.principal, id, b, MeetingKind::Study).await
}

async fn mark_cell(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MarksBody>,
) -> Result<Json<Value>, ApiError> {
    mark(&st, &user.principal, id, b, MeetingKind::Cell).await
}

#[derive(Deserialize)]
struct CheckinBody {
    code: String,
    member_id: Option<i64>,
}

async fn check_in(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CheckinBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    match st
        .db
        .check_in(&Actor::user(p, "api"), p, id, &b.code, b.member_id)
        .await
    {
        Ok((m, mark)) => Ok(Json(
            json!({"session_id": m.id, "member_id": p.member_id, "status": mark.as_str(),
                                         "message": format!("Đã điểm danh: {}", mark.label().to_lowercase())}),
        )),
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

#[derive(Deserialize, Default)]
struct OpenBody {
    /// Minutes the code stays valid from now (default 120, 5–1440).
    minutes: Option<i64>,
}

async fn open_code(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let b: OpenBody = if body.iter().all(|c| c.is_ascii_whitespace()) {
        OpenBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("Nội dung JSON không hợp lệ: {e}")))?
    };
    let minutes = b.minutes.unwrap_or(120);
    if !(5..=1440).contains(&minutes) {
        return Err(ApiError::unprocessable("\"minutes\" phải từ 5 đến 1440"));
    }
    let now = st.db.now();
    let m = st
        .db
        .open_checkin(
            &Actor::user(p, "api"),
            p,
            id,
            now,
            now + Duration::minutes(minutes),
        )
        .await?;
    Ok(Json(meeting_json(&m, p)))
}

async fn close_code(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let m = st.db.close_checkin(&Actor::user(p, "api"), p, id).await?;
    Ok(Json(meeting_json(&m, p)))
}

#[derive(Deserialize)]
struct PeriodQuery {
    unit: Option<String>,
    from: Option<String>,
    to: Option<String>,
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
        Some(code) => st.db.unit_by_code(p, code).await?,
        None => st.db.unit(p, p.unit_id).await?,
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
        return Err(ApiError::unprocessable("\"to\" phải không trước \"from\""));
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

async fn summary(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let pr = period(&st, p, &q).await?;
    let t = st
        .db
        .attendance_summary(p, &pr.unit.path, pr.kind, pr.from, pr.to)
        .await?;
    let plan = st.db.plan_for(&pr.unit.path, pr.to).await?;
    let mut v = tally_json(&t);
    v["unit_code"] = json!(pr.unit.code);
    v["unit_name"] = json!(pr.unit.name);
    v["from"] = json!(pr.from);
    v["to"] = json!(pr.to);
    v["kind"] = json!(pr.kind.as_str());
    v["target"] = json!(plan.as_ref().map(|pl| pl.target_attendance as f64 / 1000.0));
    v["plan"] = json!(plan.as_ref().map(|pl| pl.number.clone()));
    v["below_target"] = json!(plan
        .as_ref()
        .is_some_and(|pl| t.below_target(pl.target_attendance)));
    Ok(Json(v))
}

async fn by_unit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let pr = period(&st, p, &q).await?;
    let rows = st
        .db
        .attendance_by_subunit(p, pr.unit.id, pr.kind, pr.from, pr.to)
        .await?;
    let total = st
        .db
        .attendance_summary(p, &pr.unit.path, pr.kind, pr.from, pr.to)
        .await?;
    let target = st
        .db
        .plan_for(&pr.unit.path, pr.to)
        .await?
        .map(|pl| pl.target_attendance);
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut v = tally_json(&r.tally);
            v["unit_id"] = json!(r.unit.id);
            v["unit_code"] = json!(r.unit.code);
            v["unit_name"] = json!(r.unit.name);
            v["below_target"] = json!(target.is_some_and(|t| r.tally.below_target(t)));
            v
        })
        .collect();
    Ok(Json(
        json!({"unit_code": pr.unit.code, "from": pr.from, "to": pr.to, "kind": pr.kind.as_str(),
                   "target": target.map(|t| t as f64 / 1000.0), "total": tally_json(&total), "items": items}),
    ))
}

async fn absentees(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let pr = period(&st, p, &q).await?;
    match st
        .db
        .absentees(p, &pr.unit.path, pr.kind, ABSENTEE_LIMIT)
        .await?
    {
        Some(list) => Ok(Json(json!({"items": list, "total": list.len()}))),
        None => Err(ApiError::unprocessable(
            "Đơn vị quá lớn để liệt kê; hãy chọn đơn vị cấp dưới",
        )),
    }
}

/// Largest subtree (expected places over two years) for which absentees are listed.
pub const ABSENTEE_LIMIT: i64 = 60_000;

#[derive(Deserialize)]
struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn member_attendance(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Json<Value>, ApiError> {
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
    let marks = st.db.member_marks(p, id, from, to).await?;
    let mut t = Tally::default();
    for m in marks.iter().filter(|m| m.kind == MeetingKind::Study) {
        t.add_mark(m.status);
    }
    Ok(Json(
        json!({"member_id": id, "study": tally_json(&t), "items": marks}),
    ))
}

async fn directives(State(st): State<AppState>, _user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = st.db.directives().await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct DirectiveBody {
    code: String,
    title: String,
    issued_on: String,
    issuer: Option<String>,
}

async fn create_directive(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<DirectiveBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    let date = parse_date_field("issued_on", &b.issued_on)?;
    let d = st
        .db
        .create_directive(
            &Actor::user(p, "api"),
            Some(p),
            &b.code,
            &b.title,
            date,
            b.issuer.as_deref().unwrap_or(""),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!(d))))
}

async fn plans(State(st): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = st.db.plans(&user.principal).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct PlanBody {
    number: Option<String>,
    title: Option<String>,
    issued_on: Option<String>,
    unit_code: Option<String>,
    directive_code: Option<String>,
    scope: Option<String>,
    /// Share between 0 and 1 (0.95 = 95%).
    target_attendance: Option<f64>,
    target_registered: Option<f64>,
}

fn share(name: &str, v: Option<f64>) -> Result<Option<i64>, ApiError> {
    match v {
        None => Ok(None),
        Some(x) if (0.0..=1.0).contains(&x) => Ok(Some((x * 1000.0).round() as i64)),
        Some(_) => Err(ApiError::unprocessable(format!(
            "\"{name}\" phải từ 0 đến 1"
        ))),
    }
}

async fn create_plan(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<PlanBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = &user.principal;
    let input = PlanInput {
        number: b.number.unwrap_or_default(),
        title: b.title.unwrap_or_default(),
        issued_on: b
            .issued_on
            .as_deref()
            .map(|s| parse_date_field("issued_on", s))
            .transpose()?,
        unit_code: b.unit_code.unwrap_or_default(),
        directive_code: b.directive_code,
        scope: b.scope.unwrap_or_default(),
        target_attendance: share("target_attendance", b.target_attendance)?,
        target_registered: share("target_registered", b.target_registered)?,
    };
    let plan = st
        .db
        .create_plan(&Actor::user(p, "api"), Some(p), input)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(plan))))
}

#[derive(Deserialize)]
struct UnitQuery {
    unit: Option<String>,
    month: Option<String>,
}

async fn themes(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let path = super::subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let items = st.db.themes_for(&path).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct ThemeBody {
    unit_code: String,
    year: i32,
    title: String,
    description: Option<String>,
    plan: Option<String>,
}

async fn set_theme(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<ThemeBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let t = st
        .db
        .set_theme(
            &Actor::user(p, "api"),
            Some(p),
            &b.unit_code,
            b.year,
            &b.title,
            b.description.as_deref().unwrap_or(""),
            b.plan.as_deref(),
        )
        .await?;
    Ok(Json(json!(t)))
}

fn parse_month(s: Option<&str>, today: NaiveDate) -> Result<(i32, u32), ApiError> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(domain::attendance::next_topic_month(today)),
        Some(s) => {
            let bad = || ApiError::unprocessable("\"month\" phải có dạng YYYY-MM");
            let (y, m) = s.split_once('-').ok_or_else(bad)?;
            let y: i32 = y.parse().map_err(|_| bad())?;
            let m: u32 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) || !(2000..=2100).contains(&y) {
                return Err(bad());
            }
            Ok((y, m))
        }
    }
}

async fn topics(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let path = super::subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let (y, m) = parse_month(q.month.as_deref(), st.db.today())?;
    let items = st.db.topic_board(p, &path, y, m).await?;
    let (total, missing) = st.db.topic_counts(p, &path, y, m).await?;
    Ok(Json(
        json!({"month": format!("{y:04}-{m:02}"), "deadline": domain::attendance::topic_deadline(y, m),
                   "missing": missing, "total": total, "items": items}),
    ))
}

#[derive(Deserialize)]
struct TopicBody {
    unit_code: String,
    month: String,
    topic: String,
    thematic: Option<bool>,
}

async fn set_topic(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<TopicBody>,
) -> Result<Json<Value>, ApiError> {
    let p = &user.principal;
    let unit = st.db.unit_by_code(p, &b.unit_code).await?;
    let (y, m) = parse_month(Some(&b.month), st.db.today())?;
    let t = st
        .db
        .set_topic(
            &Actor::user(p, "api"),
            Some(p),
            unit.id,
            y,
            m,
            &b.topic,
            b.thematic.unwrap_or(false),
        )
        .await?;
    Ok(Json(json!(t)))
}

/// OpenAPI request/response shapes of these routes.
pub fn shapes(method: &str, path: &str) -> Option<(Option<Value>, Value)> {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let list = |name: &str| json!({"type": "object", "properties": {"items": {"type": "array", "items": r(name)}, "total": {"type": "integer"}}});
    Some(match (method, path) {
        ("get", "/study-sessions") | ("get", "/cell-meetings") => (None, list("Session")),
        ("post", "/study-sessions") | ("post", "/cell-meetings") => {
            (Some(r("SessionInput")), r("Session"))
        }
        ("get", "/study-sessions/{id}") | ("get", "/cell-meetings/{id}") => (None, r("Session")),
        ("put", "/study-sessions/{id}/attendance") | ("put", "/cell-meetings/{id}/attendance") => {
            (Some(r("Marks")), r("Session"))
        }
        ("post", "/study-sessions/{id}/check-in") => (
            Some(
                json!({"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "member_id": {"type": "integer", "description": "Chỉ được là chính mình"}}}),
            ),
            json!({"type": "object", "properties": {"status": {"type": "string"}, "message": {"type": "string"}}}),
        ),
        ("post", "/study-sessions/{id}/check-in-code") => (
            Some(
                json!({"type": "object", "properties": {"minutes": {"type": "integer", "default": 120}}}),
            ),
            r("Session"),
        ),
        ("get", "/attendance/summary") => (None, r("Summary")),
        ("get", "/attendance/units") => (
            None,
            json!({"type": "object", "properties": {"total": r("Summary"), "items": {"type": "array", "items": r("Summary")}}}),
        ),
        ("post", "/plans") => (
            Some(
                json!({"type": "object", "required": ["number", "title", "issued_on", "unit_code"], "properties": {
            "number": {"type": "string", "example": "43-KH/TU"}, "title": {"type": "string"}, "issued_on": {"type": "string", "format": "date"},
            "unit_code": {"type": "string"}, "directive_code": {"type": "string"}, "scope": {"type": "string"},
            "target_attendance": {"type": "number", "minimum": 0, "maximum": 1}, "target_registered": {"type": "number", "minimum": 0, "maximum": 1}}}),
            ),
            json!({"type": "object"}),
        ),
        ("put", "/themes") => (
            Some(
                json!({"type": "object", "required": ["unit_code", "year", "title"], "properties": {"unit_code": {"type": "string"}, "year": {"type": "integer"}, "title": {"type": "string"}, "description": {"type": "string"}, "plan": {"type": "string"}}}),
            ),
            json!({"type": "object"}),
        ),
        ("put", "/topics") => (
            Some(
                json!({"type": "object", "required": ["unit_code", "month", "topic"], "properties": {"unit_code": {"type": "string"}, "month": {"type": "string", "example": "2026-12"}, "topic": {"type": "string"}, "thematic": {"type": "boolean"}}}),
            ),
            json!({"type": "object"}),
        ),
        ("post", "/directives") => (
            Some(
                json!({"type": "object", "required": ["code", "title", "issued_on"], "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "issued_on": {"type": "string", "format": "date"}, "issuer": {"type": "string"}}}),
            ),
            json!({"type": "object"}),
        ),
        _ => return None,
    })
}

pub fn schemas() -> Value {
    let tally = json!({
        "expected": {"type": "integer", "description": "Số lượt phải dự (đảng viên đang sinh hoạt, không miễn, thuộc cây đơn vị vào ngày tổ chức)"},
        "attended": {"type": "integer", "description": "Có mặt + đi trễ + học bù"}, "present": {"type": "integer"}, "late": {"type": "integer"},
        "excused": {"type": "integer"}, "absent": {"type": "integer"}, "makeup": {"type": "integer"}, "unmarked": {"type": "integer"},
        "rate": {"type": "number", "minimum": 0, "maximum": 1, "description": "attended / expected (0 khi không ai phải dự)"},
        "excused_rate": {"type": "number", "minimum": 0, "maximum": 1}});
    let mut session = json!({"id": {"type": "integer"}, "kind": {"type": "string", "enum": ["study", "cell"]}, "unit_code": {"type": "string"}, "unit_name": {"type": "string"},
        "date": {"type": "string", "format": "date"}, "title": {"type": "string"}, "starts_at": {"type": ["string", "null"]}, "ends_at": {"type": ["string", "null"]},
        "place": {"type": "string"}, "online": {"type": "boolean"}, "theme_id": {"type": ["integer", "null"]}, "thematic": {"type": "boolean"},
        "minutes": {"type": "string"}, "quality": {"type": ["string", "null"], "enum": ["good", "fair", "average", "poor", null]},
        "check_in": {"type": ["object", "null"], "description": "Chỉ trả về cho người quản lý buổi"},
        "marks": {"type": "array", "items": {"type": "object", "properties": {"member_id": {"type": "integer"}, "full_name": {"type": "string"},
            "status": {"type": ["string", "null"], "enum": ["present", "late", "excused", "absent", "makeup", null]}, "made_up_from": {"type": ["string", "null"]},
            "self_checkin": {"type": "boolean"}, "marked_by": {"type": ["string", "null"]}, "marked_at": {"type": ["string", "null"]}}}}});
    let mut summary = json!({"unit_code": {"type": "string"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
        "target": {"type": ["number", "null"]}, "below_target": {"type": "boolean"}});
    if let (Some(s), Some(u), Some(t)) = (
        session.as_object_mut(),
        summary.as_object_mut(),
        tally.as_object(),
    ) {
        s.extend(t.clone());
        u.extend(t.clone());
    }
    json!({
        "Session": {"type": "object", "properties": session},
        "SessionInput": {"type": "object", "required": ["unit_code", "date", "title"], "properties": {
            "unit_code": {"type": "string"}, "date": {"type": "string", "format": "date"}, "title": {"type": "string"},
            "starts_at": {"type": "string", "example": "07:30"}, "ends_at": {"type": "string"}, "place": {"type": "string"}, "online": {"type": "boolean"},
            "theme_id": {"type": "integer"}, "thematic": {"type": "boolean"}, "for_units": {"type": "array", "items": {"type": "string"}, "description": "Mã các đơn vị trực thuộc được triệu tập (mặc định: cả cây)"},
            "minutes": {"type": "string"}, "quality": {"type": "string", "enum": ["good", "fair", "average", "poor"]}}},
        "Marks": {"type": "object", "required": ["marks"], "properties": {"marks": {"type": "array", "items": {"type": "object", "required": ["member_id", "status"], "properties": {
            "member_id": {"type": "integer"}, "status": {"type": "string", "enum": ["present", "late", "excused", "absent", "makeup"]}}}}}},
        "Summary": {"type": "object", "properties": summary},
    })
}

pub fn parameters(method: &str, path: &str) -> Vec<Value> {
    let q = |name: &str, ty: &str, desc: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": ty}, "description": desc});
    match (method, path) {
        ("get", "/study-sessions") | ("get", "/cell-meetings") => vec![
            q(
                "unit",
                "string",
                "Mã đơn vị (mặc định: đơn vị được cấp quyền)",
            ),
            q("from", "string", "Từ ngày YYYY-MM-DD"),
            q("to", "string", "Đến ngày YYYY-MM-DD"),
            q("limit", "integer", "Số buổi tối đa (mặc định 500)"),
        ],
        ("get", p) if p.starts_with("/attendance/") => vec![
            q("unit", "string", "Mã đơn vị: cả cây đơn vị đó"),
            q(
                "from",
                "string",
                "Từ ngày YYYY-MM-DD (mặc định: đầu năm nay)",
            ),
            q(
                "to",
                "string",
                "Đến ngày YYYY-MM-DD (mặc định: cuối năm nay)",
            ),
            q("kind", "string", "study (mặc định) hoặc cell"),
        ],
        ("get", "/members/{id}/attendance") => vec![
            q("from", "string", "Từ ngày"),
            q("to", "string", "Đến ngày"),
        ],
        ("get", "/themes") => vec![q("unit", "string", "Mã đơn vị")],
        ("get", "/topics") => vec![
            q("unit", "string", "Mã đơn vị"),
            q("month", "string", "Tháng YYYY-MM (mặc định: tháng sau)"),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn month_parameter() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        assert_eq!(super::parse_month(None, today).ok(), Some((2026, 12)));
        assert_eq!(
            super::parse_month(Some("2019-03"), today).ok(),
            Some((2019, 3))
        );
        assert!(super::parse_month(Some("2019-13"), today).is_err());
        assert!(super::parse_month(Some("x"), today).is_err());
    }
}
