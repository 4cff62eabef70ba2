//! The campaign's documents: directives, plans with their targets, each unit's theme of the year and the
//! cells' monthly meeting topics.

use crate::api::{parse_date_field, subtree_of, ApiJson, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
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
    /// The 20th of the month before.
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
    Ok(Json(TopicBoard {
        month: format!("{y:04}-{m:02}"),
        deadline: domain::attendance::topic_deadline(y, m),
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
