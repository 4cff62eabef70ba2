//! The campaign page: the directives, the plans with their attendance and registration targets, the
//! yearly themes, the unit's calendar of the year (docs/DOMAIN.md § Campaign calendar), and the forms
//! that add a plan, set a theme and set the calendar.

use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use domain::calendar::{CalendarField, CalendarSetting};
use domain::policy::Capability;
use domain::text::{format_percent, parse_decimal};
use serde::Deserialize;
use store::{Actor, StoreError};

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    ctx: Ctx,
    directives: Vec<(String, String, String, String)>,
    plans: Vec<(String, String, String, String, String, String, String)>,
    themes: Vec<(i32, String, String, String)>,
    can_manage: bool,
    csrf: String,
    plan: PlanFields,
    theme: ThemeFields,
    calendar: Option<CalendarSection>,
    errors: FormErrors,
}

/// The unit's calendar of a year on the campaign page.
struct CalendarSection {
    unit_id: i64,
    unit_name: String,
    year: i32,
    can_set: bool,
    rows: Vec<CalendarLine>,
}

/// One field of the calendar: what is in force and where it comes from, and the form's input.
struct CalendarLine {
    /// The form field's name (`cal_` + the field).
    name: String,
    label: &'static str,
    in_force: String,
    /// "Đơn vị tự đặt", "Kế thừa từ …" or "Mặc định".
    source: String,
    /// The input's value: the unit's own (or what was typed).
    value: String,
    /// The inherited value, shown when the input is empty.
    placeholder: String,
    /// "kế thừa từ …" or "mặc định": where the inherited value comes from.
    inherited_from: String,
}

/// The page's query: a flash code, the calendar's year and unit.
#[derive(Deserialize, Default)]
pub(super) struct CampaignQuery {
    #[serde(default)]
    tb: Option<String>,
    #[serde(default)]
    nam: Option<String>,
    #[serde(default, rename = "don-vi")]
    don_vi: Option<String>,
}

/// The calendar form: the unit, the year and each field as typed (empty: inherited).
#[derive(Deserialize, Default, Clone)]
pub(super) struct CalendarFields {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    cal_registration_deadline: String,
    #[serde(default)]
    cal_midyear_review_opens: String,
    #[serde(default)]
    cal_yearend_review_opens: String,
    #[serde(default)]
    cal_assessment_opens: String,
    #[serde(default)]
    cal_midyear_report_due: String,
    #[serde(default)]
    cal_yearend_report_due: String,
    #[serde(default)]
    cal_topic_day: String,
}

impl CalendarFields {
    fn get(&self, f: CalendarField) -> &str {
        match f {
            CalendarField::RegistrationDeadline => &self.cal_registration_deadline,
            CalendarField::MidyearReviewOpens => &self.cal_midyear_review_opens,
            CalendarField::YearendReviewOpens => &self.cal_yearend_review_opens,
            CalendarField::AssessmentOpens => &self.cal_assessment_opens,
            CalendarField::MidyearReportDue => &self.cal_midyear_report_due,
            CalendarField::YearendReportDue => &self.cal_yearend_report_due,
            CalendarField::TopicDay => &self.cal_topic_day,
        }
    }
}

fn cal_name(f: CalendarField) -> String {
    format!("cal_{}", f.as_str())
}

/// A field's value in a calendar, as the page shows it.
fn cal_value(c: &domain::calendar::Calendar, f: CalendarField) -> String {
    match c.date(f) {
        Some(d) => date(Some(d)),
        None => c.topic_day.to_string(),
    }
}

/// The calendar section for a unit and year (None when the user may not read the unit); `typed` re-shows
/// a refused form.
async fn calendar_section(
    st: &AppState,
    user: &WebUser,
    unit_id: i64,
    year: i32,
    typed: Option<&CalendarFields>,
) -> Result<Option<CalendarSection>, PageError> {
    let p = &user.principal;
    let unit = match st.db.units().unit(p, unit_id).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e).page(user),
    };
    let v = st
        .db
        .campaign()
        .calendar_view(p, unit.id, year)
        .await
        .page(user)?;
    let own = v.own.as_ref().map(|o| o.setting).unwrap_or_default();
    let rows = CalendarField::ALL
        .iter()
        .zip(&v.inherited_from)
        .map(|(&f, from)| {
            let inherited_from = match from {
                Some(name) => format!("kế thừa từ {name}"),
                None => "mặc định".to_string(),
            };
            let source = if own.has(f) {
                "Đơn vị tự đặt".to_string()
            } else {
                format!(
                    "{}{}",
                    inherited_from[..1].to_uppercase(),
                    &inherited_from[1..]
                )
            };
            let own_value = match f {
                CalendarField::TopicDay => own.topic_day.map(|d| d.to_string()),
                _ => own.date(f).map(|d| date(Some(d))),
            };
            CalendarLine {
                name: cal_name(f),
                label: f.label(),
                in_force: cal_value(&v.calendar, f),
                source,
                value: match typed {
                    Some(t) => t.get(f).to_string(),
                    None => own_value.unwrap_or_default(),
                },
                placeholder: cal_value(&v.inherited, f),
                inherited_from,
            }
        })
        .collect();
    Ok(Some(CalendarSection {
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        year,
        can_set: p.can_manage_campaign(&unit.path),
        rows,
    }))
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct PlanFields {
    #[serde(default)]
    number: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    directive_code: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    target_attendance: String,
    #[serde(default)]
    target_registered: String,
    #[serde(default)]
    lock_days: String,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct ThemeFields {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    plan: String,
}

/// The calendar shown: the user's own unit and this year unless the query or a refused form says otherwise.
struct CalendarChoice<'a> {
    unit_id: i64,
    year: i32,
    typed: Option<&'a CalendarFields>,
}

#[allow(clippy::too_many_arguments)]
async fn campaign_page(
    st: &AppState,
    user: &WebUser,
    plan: PlanFields,
    theme: ThemeFields,
    errors: FormErrors,
    flash: Option<String>,
    cal: Option<CalendarChoice<'_>>,
) -> PageResult {
    let p = &user.principal;
    let cal = cal.unwrap_or(CalendarChoice {
        unit_id: p.unit_id,
        year: st.db.today().year(),
        typed: None,
    });
    let calendar = calendar_section(st, user, cal.unit_id, cal.year, cal.typed).await?;
    let directives = st.db.campaign().directives().await.page(user)?;
    let plans = st.db.campaign().plans(p).await.page(user)?;
    let themes = st.db.campaign().themes_for(&p.unit_path).await.page(user)?;
    let own = st
        .db
        .units()
        .unit(p, p.unit_id)
        .await
        .map(|u| u.code)
        .unwrap_or_default();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CampaignPage {
        ctx: Ctx::new(user, "Kế hoạch và chuyên đề", "campaign").with_flash(flash),
        directives: directives
            .iter()
            .map(|d| {
                (
                    d.code.clone(),
                    date(Some(d.issued_on)),
                    d.issuer.clone(),
                    d.title.clone(),
                )
            })
            .collect(),
        plans: plans
            .iter()
            .map(|pl| {
                (
                    pl.number.clone(),
                    date(Some(pl.issued_on)),
                    pl.unit_name.clone(),
                    pl.title.clone(),
                    pl.directive_code.clone().unwrap_or_default(),
                    format_percent(pl.target_attendance as f64 / 1000.0),
                    format_percent(pl.target_registered as f64 / 1000.0),
                )
            })
            .collect(),
        themes: themes
            .iter()
            .map(|t| {
                (
                    t.year,
                    t.title.clone(),
                    t.unit_name.clone(),
                    t.plan_number.clone().unwrap_or_default(),
                )
            })
            .collect(),
        can_manage: p.has(Capability::ManageCampaign),
        calendar,
        csrf: user.csrf.clone(),
        plan: PlanFields {
            unit_code: if plan.unit_code.is_empty() {
                own.clone()
            } else {
                plan.unit_code.clone()
            },
            ..plan
        },
        theme: ThemeFields {
            unit_code: if theme.unit_code.is_empty() {
                own
            } else {
                theme.unit_code.clone()
            },
            ..theme
        },
        errors,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn campaign(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<CampaignQuery>,
) -> PageResult {
    let year = q
        .nam
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| st.db.today().year());
    let unit_id = q
        .don_vi
        .as_deref()
        .and_then(|u| u.trim().parse::<i64>().ok())
        .unwrap_or(user.principal.unit_id);
    campaign_page(
        &st,
        &user,
        PlanFields::default(),
        ThemeFields::default(),
        FormErrors::default(),
        crate::view::flash_message(q.tb.as_deref()),
        Some(CalendarChoice {
            unit_id,
            year,
            typed: None,
        }),
    )
    .await
}

/// Sets the calendar of a unit for a year from the page's form (dates dd/mm/yyyy; empty inherits).
pub(super) async fn set_calendar(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<CalendarFields>,
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageCampaign) {
        return Err(PageError::not_found(&user));
    }
    let (Ok(unit_id), Ok(year)) = (
        f.unit_id.trim().parse::<i64>(),
        f.year.trim().parse::<i32>(),
    ) else {
        return Err(PageError::not_found(&user));
    };
    let mut errors = FormErrors::default();
    let mut date_of = |field: CalendarField| match parse_form_date(f.get(field)) {
        Ok(d) => d,
        Err(m) => {
            errors.push(&cal_name(field), m);
            None
        }
    };
    let mut setting = CalendarSetting {
        registration_deadline: date_of(CalendarField::RegistrationDeadline),
        midyear_review_opens: date_of(CalendarField::MidyearReviewOpens),
        yearend_review_opens: date_of(CalendarField::YearendReviewOpens),
        assessment_opens: date_of(CalendarField::AssessmentOpens),
        midyear_report_due: date_of(CalendarField::MidyearReportDue),
        yearend_report_due: date_of(CalendarField::YearendReportDue),
        topic_day: None,
    };
    let day = f.cal_topic_day.trim();
    if !day.is_empty() {
        match day.parse::<u32>() {
            Ok(d) => setting.topic_day = Some(d),
            Err(_) => errors.push(
                &cal_name(CalendarField::TopicDay),
                "Hạn đặt chủ đề là một số ngày, ví dụ 20",
            ),
        }
    }
    let refused = async |errors: FormErrors| {
        campaign_page(
            &st,
            &user,
            PlanFields::default(),
            ThemeFields::default(),
            errors,
            None,
            Some(CalendarChoice {
                unit_id,
                year,
                typed: Some(&f),
            }),
        )
        .await
    };
    if errors.any() {
        return refused(errors).await;
    }
    match st
        .db
        .campaign()
        .set_calendar(&Actor::user(p, "web"), Some(p), unit_id, year, setting)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/ke-hoach?nam={year}&don-vi={unit_id}&tb=da-luu#lich"
        ))
        .into_response()),
        Err(StoreError::Invalid(list)) => {
            let list = list
                .into_iter()
                .map(|e| match CalendarField::parse(&e.field) {
                    Some(field) => store::FieldError::new(&cal_name(field), e.message),
                    None => e,
                })
                .collect();
            refused(FormErrors(list)).await
        }
        Err(StoreError::Forbidden) => Err(PageError::not_found(&user)),
        Err(e) => Err(e).page(&user),
    }
}

/// A target typed as a percentage ("95", "98,5", "98.5%"), kept in per mille; empty is no target.
fn percent_field(field: &str, v: &str, errors: &mut FormErrors) -> Option<i64> {
    if v.trim().trim_end_matches('%').is_empty() {
        return None;
    }
    match parse_decimal(v) {
        Some(x) if (0.0..=100.0).contains(&x) => Some((x * 10.0).round() as i64),
        _ => {
            errors.push(field, "Chỉ tiêu là số phần trăm từ 0 đến 100, ví dụ 95");
            None
        }
    }
}

pub(super) async fn create_plan(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<PlanFields>,
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageCampaign) {
        return Err(PageError::not_found(&user));
    }
    let mut errors = FormErrors::default();
    let issued_on = match parse_form_date(&f.issued_on) {
        Ok(d) => d,
        Err(m) => {
            errors.push("issued_on", m);
            None
        }
    };
    let input = store::PlanInput {
        number: f.number.clone(),
        title: f.title.clone(),
        issued_on,
        unit_code: f.unit_code.clone(),
        directive_code: Some(f.directive_code.clone()),
        scope: f.scope.clone(),
        target_attendance: percent_field("target_attendance", &f.target_attendance, &mut errors),
        target_registered: percent_field("target_registered", &f.target_registered, &mut errors),
        lock_days: match f.lock_days.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push("lock_days", "Số ngày khóa sổ là một số nguyên, ví dụ 30");
                    None
                }
            },
        },
    };
    if errors.any() {
        return campaign_page(&st, &user, f, ThemeFields::default(), errors, None, None).await;
    }
    match st
        .db
        .campaign()
        .create_plan(&Actor::user(p, "web"), Some(p), input)
        .await
    {
        Ok(_) => Ok(Redirect::to("/ke-hoach?tb=da-tao").into_response()),
        Err(StoreError::Invalid(list)) => {
            campaign_page(
                &st,
                &user,
                f,
                ThemeFields::default(),
                FormErrors(list),
                None,
                None,
            )
            .await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub(super) async fn set_theme(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<ThemeFields>,
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ManageCampaign) {
        return Err(PageError::not_found(&user));
    }
    let Ok(year) = f.year.trim().parse::<i32>() else {
        let mut e = FormErrors::default();
        e.push("year", "Năm phải là số, ví dụ 2019");
        return campaign_page(&st, &user, PlanFields::default(), f, e, None, None).await;
    };
    match st
        .db
        .campaign()
        .set_theme(
            &Actor::user(p, "web"),
            Some(p),
            &f.unit_code,
            year,
            &f.title,
            "",
            Some(&f.plan),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/ke-hoach?tb=da-luu").into_response()),
        Err(StoreError::Invalid(list)) => {
            campaign_page(
                &st,
                &user,
                PlanFields::default(),
                f,
                FormErrors(list),
                None,
                None,
            )
            .await
        }
        Err(e) => Err(e).page(&user),
    }
}
