//! The campaign's documents: directives, plans with their targets, each unit's theme of the year and the
//! cells' monthly meeting topics.

use crate::api::{parse_date_field, subtree_of, ApiJson, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use store::{Actor, PlanInput};
use utoipa::{IntoParams, ToSchema};

/// A directive (chỉ thị).
#[derive(Serialize, ToSchema)]
#[schema(as = Directive)]
pub struct DirectiveOut {
    id: i64,
    code: String,
    title: String,
    issued_on: NaiveDate,
    issuer: String,
}

impl From<store::Directive> for DirectiveOut {
    fn from(d: store::Directive) -> Self {
        DirectiveOut {
            id: d.id,
            code: d.code,
            title: d.title,
            issued_on: d.issued_on,
            issuer: d.issuer,
        }
    }
}

pub(super) async fn directives(
    State(st): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Items<DirectiveOut>>, ApiError> {
    let items = st.db.campaign().directives().await?;
    Ok(Json(Items::all(
        items.into_iter().map(Into::into).collect(),
    )))
}

/// A directive to add.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = DirectiveInput)]
pub struct DirectiveBody {
    code: String,
    title: String,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    issued_on: String,
    issuer: Option<String>,
}

pub(super) async fn create_directive(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<DirectiveBody>,
) -> Result<(StatusCode, Json<DirectiveOut>), ApiError> {
    let p = &user.principal;
    let date = parse_date_field("issued_on", &b.issued_on)?;
    let d = st
        .db
        .campaign()
        .create_directive(
            &Actor::user(p, "api"),
            Some(p),
            &b.code,
            &b.title,
            date,
            b.issuer.as_deref().unwrap_or(""),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// A plan (kế hoạch) with its targets.
#[derive(Serialize, ToSchema)]
#[schema(as = Plan)]
pub struct PlanOut {
    id: i64,
    number: String,
    title: String,
    issued_on: NaiveDate,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    directive_code: Option<String>,
    scope: String,
    /// Target attendance in per-mille (950 = 95%).
    target_attendance: i64,
    /// Target share registered in per-mille.
    target_registered: i64,
    /// Days after a meeting before it closes to changes (khóa sổ).
    lock_days: i64,
}

impl From<store::Plan> for PlanOut {
    fn from(p: store::Plan) -> Self {
        PlanOut {
            id: p.id,
            number: p.number,
            title: p.title,
            issued_on: p.issued_on,
            unit_id: p.unit_id,
            unit_code: p.unit_code,
            unit_name: p.unit_name,
            directive_code: p.directive_code,
            scope: p.scope,
            target_attendance: p.target_attendance,
            target_registered: p.target_registered,
            lock_days: p.lock_days,
        }
    }
}

pub(super) async fn plans(
    State(st): State<AppState>,
    user: ApiUser,
) -> Result<Json<Items<PlanOut>>, ApiError> {
    let items = st.db.campaign().plans(&user.principal).await?;
    Ok(Json(Items::all(
        items.into_iter().map(Into::into).collect(),
    )))
}

/// A plan to add.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = PlanInput)]
pub struct PlanBody {
    #[schema(value_type = String, required = true, example = "43-KH/TU")]
    number: Option<String>,
    #[schema(value_type = String, required = true)]
    title: Option<String>,
    /// YYYY-MM-DD.
    #[schema(value_type = String, format = Date, required = true)]
    issued_on: Option<String>,
    #[schema(value_type = String, required = true)]
    unit_code: Option<String>,
    directive_code: Option<String>,
    scope: Option<String>,
    /// Share between 0 and 1 (0.95 = 95%).
    #[schema(minimum = 0, maximum = 1)]
    target_attendance: Option<f64>,
    /// Share between 0 and 1.
    #[schema(minimum = 0, maximum = 1)]
    target_registered: Option<f64>,
    /// Days after a meeting before it closes to changes (khóa sổ); 30 when not given.
    #[schema(minimum = 1, maximum = 366)]
    lock_days: Option<i64>,
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

pub(super) async fn create_plan(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<PlanBody>,
) -> Result<(StatusCode, Json<PlanOut>), ApiError> {
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
        lock_days: b.lock_days,
    };
    let plan = st
        .db
        .campaign()
        .create_plan(&Actor::user(p, "api"), Some(p), input)
        .await?;
    Ok((StatusCode::CREATED, Json(plan.into())))
}

/// Query of `GET /themes`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThemeQuery {
    /// Mã đơn vị.
    unit: Option<String>,
}

/// A unit's theme of the year (chuyên đề năm).
#[derive(Serialize, ToSchema)]
#[schema(as = Theme)]
pub struct ThemeOut {
    id: i64,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    plan_number: Option<String>,
    year: i32,
    title: String,
    description: String,
}

impl From<store::Theme> for ThemeOut {
    fn from(t: store::Theme) -> Self {
        ThemeOut {
            id: t.id,
            unit_id: t.unit_id,
            unit_code: t.unit_code,
            unit_name: t.unit_name,
            plan_number: t.plan_number,
            year: t.year,
            title: t.title,
            description: t.description,
        }
    }
}

pub(super) async fn themes(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ThemeQuery>,
) -> Result<Json<Items<ThemeOut>>, ApiError> {
    let p = &user.principal;
    let path = subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let items = st.db.campaign().themes_for(&path).await?;
    Ok(Json(Items::all(
        items.into_iter().map(Into::into).collect(),
    )))
}

/// A unit's theme of a year to set.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = ThemeInput)]
pub struct ThemeBody {
    unit_code: String,
    year: i32,
    title: String,
    description: Option<String>,
    /// The number of the plan the theme belongs to.
    plan: Option<String>,
}

pub(super) async fn set_theme(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<ThemeBody>,
) -> Result<Json<ThemeOut>, ApiError> {
    let p = &user.principal;
    let t = st
        .db
        .campaign()
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
    Ok(Json(t.into()))
}

/// "YYYY-MM" (default: the month whose topic is due next).
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

/// Query of `GET /topics`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicQuery {
    /// Mã đơn vị.
    unit: Option<String>,
    /// Tháng YYYY-MM (mặc định: tháng sau).
    month: Option<String>,
}

/// A cell and its topic for one month.
#[derive(Serialize, ToSchema)]
#[schema(as = CellTopic)]
pub struct TopicOut {
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    /// YYYY-MM.
    month: String,
    topic: Option<String>,
    thematic: bool,
    set_by: Option<String>,
    set_at: Option<String>,
    /// Not set and the deadline (the 20th of the month before) has passed.
    overdue: bool,
    deadline: Option<NaiveDate>,
}

impl From<store::TopicStatus> for TopicOut {
    fn from(t: store::TopicStatus) -> Self {
        TopicOut {
            unit_id: t.unit_id,
            unit_code: t.unit_code,
            unit_name: t.unit_name,
            month: t.month,
            topic: t.topic,
            thematic: t.thematic,
            set_by: t.set_by,
            set_at: t.set_at,
            overdue: t.overdue,
            deadline: t.deadline,
        }
    }
}

/// The cells' topics for a month; cells without one first.
#[derive(Serialize, ToSchema)]
pub struct TopicBoard {
    /// YYYY-MM.
    month: String,
    /// The topic day of the month before in the unit's calendar (by default the 20th).
    deadline: Option<NaiveDate>,
    /// Cells without a topic.
    missing: i64,
    /// Cells in the subtree.
    total: i64,
    items: Vec<TopicOut>,
}

pub(super) async fn topics(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<TopicQuery>,
) -> Result<Json<TopicBoard>, ApiError> {
    let p = &user.principal;
    let path = subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let (y, m) = parse_month(q.month.as_deref(), st.db.today())?;
    let items = st.db.campaign().topic_board(p, &path, y, m).await?;
    let (total, missing) = st.db.campaign().topic_counts(p, &path, y, m).await?;
    let calendar = st.db.campaign().calendar(&path, y).await?;
    Ok(Json(TopicBoard {
        month: format!("{y:04}-{m:02}"),
        deadline: domain::attendance::topic_deadline(&calendar, m),
        missing,
        total,
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// A cell's topic for a month.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = TopicInput)]
pub struct TopicBody {
    unit_code: String,
    #[schema(example = "2026-12")]
    month: String,
    topic: String,
    thematic: Option<bool>,
}

pub(super) async fn set_topic(
    State(st): State<AppState>,
    user: ApiUser,
    ApiJson(b): ApiJson<TopicBody>,
) -> Result<Json<TopicOut>, ApiError> {
    let p = &user.principal;
    let unit = st.db.units().unit_by_code(p, &b.unit_code).await?;
    let (y, m) = parse_month(Some(&b.month), st.db.today())?;
    let t = st
        .db
        .campaign()
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
    Ok(Json(t.into()))
}

/// The dates of a campaign calendar in force (docs/DOMAIN.md § Campaign calendar).
#[derive(Serialize, ToSchema)]
#[schema(as = CalendarDates)]
pub struct CalendarDates {
    /// Registrations first submitted by this day are on time.
    registration_deadline: NaiveDate,
    /// The mid-year self-review opens.
    midyear_review_opens: NaiveDate,
    /// The year-end self-review opens.
    yearend_review_opens: NaiveDate,
    /// The cell's assessment opens.
    assessment_opens: NaiveDate,
    /// The mid-year report (sơ kết 6 tháng) is due.
    midyear_report_due: NaiveDate,
    /// The year-end report (tổng kết năm) is due.
    yearend_report_due: NaiveDate,
    /// Next month's topic is set by this day of the month before.
    topic_day: u32,
}

impl From<domain::calendar::Calendar> for CalendarDates {
    fn from(c: domain::calendar::Calendar) -> Self {
        CalendarDates {
            registration_deadline: c.registration_deadline,
            midyear_review_opens: c.midyear_review_opens,
            yearend_review_opens: c.yearend_review_opens,
            assessment_opens: c.assessment_opens,
            midyear_report_due: c.midyear_report_due,
            yearend_report_due: c.yearend_report_due,
            topic_day: c.topic_day,
        }
    }
}

/// What a unit sets in its calendar for a year; a field left out or null is inherited from the units above
/// (or lamtheo's default). Dates are YYYY-MM-DD.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[schema(as = CalendarInput)]
pub struct CalendarBody {
    #[schema(format = Date)]
    registration_deadline: Option<String>,
    #[schema(format = Date)]
    midyear_review_opens: Option<String>,
    #[schema(format = Date)]
    yearend_review_opens: Option<String>,
    #[schema(format = Date)]
    assessment_opens: Option<String>,
    #[schema(format = Date)]
    midyear_report_due: Option<String>,
    #[schema(format = Date)]
    yearend_report_due: Option<String>,
    /// 1 to 28.
    topic_day: Option<u32>,
}

/// Where an inherited field comes from.
#[derive(Serialize, ToSchema)]
#[schema(as = CalendarSource)]
pub struct CalendarSource {
    field: String,
    /// The unit above that set it; null for lamtheo's default.
    unit_name: Option<String>,
}

/// A unit's campaign calendar for a year: in force, inherited, and its own setting.
#[derive(Serialize, ToSchema)]
#[schema(as = CampaignCalendar)]
pub struct CalendarOut {
    unit_id: i64,
    unit_name: String,
    year: i32,
    in_force: CalendarDates,
    /// What the unit would have without its own setting.
    inherited: CalendarDates,
    inherited_from: Vec<CalendarSource>,
    /// The unit's own fields (null: inherited).
    own: CalendarBody,
    /// The plan in force for the unit when its setting was saved.
    plan_number: Option<String>,
    set_by: Option<String>,
    set_at: Option<String>,
}

impl From<store::CalendarView> for CalendarOut {
    fn from(v: store::CalendarView) -> Self {
        use domain::calendar::CalendarField;
        let own = v.own.as_ref().map(|o| o.setting).unwrap_or_default();
        let iso = |f: CalendarField| own.date(f).map(|d| d.format("%Y-%m-%d").to_string());
        CalendarOut {
            unit_id: v.unit_id,
            unit_name: v.unit_name,
            year: v.year,
            in_force: v.calendar.into(),
            inherited: v.inherited.into(),
            inherited_from: CalendarField::ALL
                .iter()
                .zip(v.inherited_from)
                .map(|(f, unit_name)| CalendarSource {
                    field: f.as_str().to_string(),
                    unit_name,
                })
                .collect(),
            own: CalendarBody {
                registration_deadline: iso(CalendarField::RegistrationDeadline),
                midyear_review_opens: iso(CalendarField::MidyearReviewOpens),
                yearend_review_opens: iso(CalendarField::YearendReviewOpens),
                assessment_opens: iso(CalendarField::AssessmentOpens),
                midyear_report_due: iso(CalendarField::MidyearReportDue),
                yearend_report_due: iso(CalendarField::YearendReportDue),
                topic_day: own.topic_day,
            },
            plan_number: v.own.as_ref().and_then(|o| o.plan_number.clone()),
            set_by: v.own.as_ref().map(|o| o.set_by.clone()),
            set_at: v.own.as_ref().map(|o| o.set_at.clone()),
        }
    }
}

/// The year of a calendar path; anything else is no such calendar.
fn calendar_year(v: &str) -> Result<i32, ApiError> {
    v.parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(ApiError::not_found)
}

pub(super) async fn calendar(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, year)): ApiPath<(i64, String)>,
) -> Result<Json<CalendarOut>, ApiError> {
    let year = calendar_year(&year)?;
    let v = st
        .db
        .campaign()
        .calendar_view(&user.principal, id, year)
        .await?;
    Ok(Json(v.into()))
}

pub(super) async fn set_calendar(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath((id, year)): ApiPath<(i64, String)>,
    ApiJson(b): ApiJson<CalendarBody>,
) -> Result<Json<CalendarOut>, ApiError> {
    let p = &user.principal;
    let year = calendar_year(&year)?;
    let date = |name: &str, v: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => parse_date_field(name, s).map(Some),
        }
    };
    let setting = domain::calendar::CalendarSetting {
        registration_deadline: date("registration_deadline", &b.registration_deadline)?,
        midyear_review_opens: date("midyear_review_opens", &b.midyear_review_opens)?,
        yearend_review_opens: date("yearend_review_opens", &b.yearend_review_opens)?,
        assessment_opens: date("assessment_opens", &b.assessment_opens)?,
        midyear_report_due: date("midyear_report_due", &b.midyear_report_due)?,
        yearend_report_due: date("yearend_report_due", &b.yearend_report_due)?,
        topic_day: b.topic_day,
    };
    let v = st
        .db
        .campaign()
        .set_calendar(&Actor::user(p, "api"), Some(p), id, year, setting)
        .await?;
    Ok(Json(v.into()))
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
