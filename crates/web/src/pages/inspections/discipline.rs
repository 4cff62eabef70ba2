//! The discipline register (filters unit, year; a member sees only their own decisions), the form of a
//! decision (on a member by card number or on a unit by code), and a decision's page with its appeals:
//! filing (date) and, for those who handle the appeal, its result.

use super::{flash, member_by_card, require_manage, resolve_unit, NOT_YOURS};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::labels::{appeal_outcome, discipline_form, discipline_state, inspection_body};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use domain::inspection::{AppealOutcome, Body, DisciplineForm};
use serde::Deserialize;
use store::{Actor, AppealResultInput, Discipline, DisciplineFilter, DisciplineInput, StoreError};

pub struct DisciplineRow {
    pub id: i64,
    pub subject: String,
    pub code: String,
    pub subject_unit: String,
    pub form: &'static str,
    pub state: &'static str,
    pub state_badge: &'static str,
    pub decided_by: String,
    pub decision: String,
    pub case_id: Option<i64>,
}

fn state_badge(d: &Discipline) -> &'static str {
    match d.state {
        store::DisciplineState::InForce => "red",
        store::DisciplineState::Changed => "gold",
        store::DisciplineState::Annulled => "",
    }
}

fn row(d: &Discipline) -> DisciplineRow {
    DisciplineRow {
        id: d.id,
        subject: d.subject_name.clone(),
        code: d.subject_code.clone(),
        subject_unit: d.subject_unit_name.clone(),
        form: match d.form_in_force {
            Some(f) => discipline_form(f),
            None => discipline_form(d.form),
        },
        state: discipline_state(d.state),
        state_badge: state_badge(d),
        decided_by: format!("{} · {}", d.decided_by_name, inspection_body(d.body)),
        decision: format!("{} · {}", d.decision_number, date(Some(d.decided_on))),
        case_id: d.case_id,
    }
}

#[derive(Template)]
#[template(path = "insp_disciplines.html")]
struct RegisterPage {
    ctx: Ctx,
    own: bool,
    unit_code: String,
    unit_name: String,
    units: Vec<(String, String)>,
    year: String,
    rows: Vec<DisciplineRow>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    don_vi: String,
    #[serde(default)]
    nam: String,
    #[serde(default)]
    tb: Option<String>,
}

pub async fn register(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<RegisterQuery>,
) -> PageResult {
    let p = &user.principal;
    let year = q.nam.trim().parse::<i32>().ok();
    let ctx = |title: &str| {
        Ctx::new(&user, title.to_string(), "discipline").with_flash(flash(q.tb.as_deref()))
    };
    if p.case_prefix().is_none() {
        // Everyone else: only the decisions about their own member record.
        let mine = st.db.inspections().my_disciplines(p).await.page(&user)?;
        let page = RegisterPage {
            ctx: ctx("Quyết định kỷ luật của tôi"),
            own: true,
            unit_code: String::new(),
            unit_name: String::new(),
            units: Vec::new(),
            year: year.map(|y| y.to_string()).unwrap_or_default(),
            rows: mine
                .iter()
                .filter(|d| year.is_none_or(|y| d.decided_on.year() == y))
                .map(row)
                .collect(),
            can_create: false,
        };
        return Ok(render(&page));
    }
    let unit = resolve_unit(&st, p, &q.don_vi).await.page(&user)?;
    let list = st
        .db
        .inspections()
        .list_disciplines(
            p,
            &DisciplineFilter {
                unit_id: Some(unit.id),
                year,
                member_id: None,
            },
        )
        .await
        .page(&user)?;
    let units = super::unit_options(&st, p)
        .await
        .page(&user)?
        .iter()
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let page = RegisterPage {
        ctx: ctx("Kỷ luật"),
        own: false,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        units,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        rows: list.iter().map(row).collect(),
        can_create: p.has(domain::policy::Capability::ManageInspections),
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default, Clone)]
pub struct DisciplineFields {
    /// "member" or "unit".
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub card: String,
    #[serde(default)]
    pub subject_unit: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub decided_by: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub case_id: String,
}

#[derive(Template)]
#[template(path = "insp_discipline_form.html")]
struct FormPage {
    ctx: Ctx,
    csrf: String,
    v: DisciplineFields,
    errors: FormErrors,
    other: Vec<String>,
    member_forms: Vec<(&'static str, &'static str)>,
    bodies: Vec<(&'static str, &'static str)>,
    units: Vec<(String, String)>,
    case_title: String,
}

const FIELDS: [&str; 9] = [
    "card",
    "subject_unit",
    "form",
    "decided_by",
    "body",
    "decision_number",
    "decided_on",
    "reason",
    "case_id",
];

fn forms(list: &[DisciplineForm]) -> Vec<(&'static str, &'static str)> {
    list.iter()
        .map(|f| (f.as_str(), discipline_form(*f)))
        .collect()
}

async fn form_page(
    st: &AppState,
    user: &WebUser,
    v: DisciplineFields,
    errors: FormErrors,
) -> PageResult {
    let p = &user.principal;
    let units = super::unit_options(st, p)
        .await
        .page(user)?
        .iter()
        .filter(|u| p.can_manage_cases(&u.path))
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let case_title = match v.case_id.trim().parse::<i64>() {
        Ok(id) => st
            .db
            .inspections()
            .case_detail(&Actor::user(p, "web"), p, id)
            .await
            .map(|d| d.case.title)
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    let other = super::other_errors(&errors, &FIELDS);
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        ctx: Ctx::new(user, "Ghi quyết định kỷ luật", "discipline"),
        csrf: user.csrf.clone(),
        v,
        errors,
        other,
        member_forms: forms(&DisciplineForm::FOR_MEMBERS),
        bodies: Body::ALL
            .iter()
            .map(|b| (b.as_str(), inspection_body(*b)))
            .collect(),
        units,
        case_title,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// The case the decision comes from.
    #[serde(default, rename = "ho-so", alias = "ho_so")]
    ho_so: Option<i64>,
    /// A member's card number.
    #[serde(default)]
    the: String,
    /// A unit's code.
    #[serde(default, rename = "to-chuc", alias = "to_chuc")]
    to_chuc: String,
}

pub async fn new_form(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    require_manage(&user)?;
    let p = &user.principal;
    let mut v = DisciplineFields {
        target: if q.to_chuc.trim().is_empty() {
            "member".into()
        } else {
            "unit".into()
        },
        card: q.the.trim().to_string(),
        subject_unit: q.to_chuc.trim().to_string(),
        form: DisciplineForm::Reprimand.as_str().into(),
        body: Body::Commission.as_str().into(),
        decided_on: crate::view::iso(Some(st.db.today())),
        ..Default::default()
    };
    if let Some(id) = q.ho_so {
        let d = st
            .db
            .inspections()
            .case_detail(&Actor::user(p, "web"), p, id)
            .await
            .page(&user)?;
        v.case_id = id.to_string();
        v.decided_by = d.case.unit_code.clone();
        v.body = d.case.body.as_str().into();
    } else {
        v.decided_by = st
            .db
            .units()
            .unit(p, p.unit_id)
            .await
            .map(|u| u.code)
            .unwrap_or_default();
    }
    form_page(&st, &user, v, FormErrors::default()).await
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(v): CsrfForm<DisciplineFields>,
) -> PageResult {
    require_manage(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let on_unit = v.target == "unit";
    let (mut member_id, mut unit_id) = (None, None);
    if on_unit {
        match st.db.units().unit_by_code(p, v.subject_unit.trim()).await {
            Ok(u) => unit_id = Some(u.id),
            Err(StoreError::NotFound | StoreError::Forbidden) => errors.push(
                "subject_unit",
                "Hãy nhập mã một tổ chức đảng trong phạm vi của bạn",
            ),
            Err(e) => return Err(e).page(&user),
        }
    } else if v.card.trim().is_empty() {
        errors.push("card", "Hãy nhập số thẻ đảng của đảng viên");
    } else {
        match member_by_card(&st, p, &v.card).await.page(&user)? {
            Some(id) => member_id = Some(id),
            None => errors.push(
                "card",
                format!(
                    "Không tìm thấy đảng viên có số thẻ {} trong phạm vi của bạn",
                    v.card.trim()
                ),
            ),
        }
    }
    let form = DisciplineForm::parse(&v.form);
    if form.is_none() {
        errors.push("form", "Hãy chọn hình thức kỷ luật");
    }
    let decided_by = match st.db.units().unit_by_code(p, v.decided_by.trim()).await {
        Ok(u) if p.can_manage_cases(&u.path) => Some(u),
        Ok(_) => {
            errors.push("decided_by", NOT_YOURS);
            None
        }
        Err(StoreError::NotFound | StoreError::Forbidden) => {
            errors.push(
                "decided_by",
                "Hãy chọn đơn vị quyết định trong phạm vi của bạn",
            );
            None
        }
        Err(e) => return Err(e).page(&user),
    };
    let body = Body::parse(&v.body);
    if body.is_none() {
        errors.push("body", "Hãy chọn cấp ủy hoặc ủy ban kiểm tra");
    }
    if v.decision_number.trim().is_empty() {
        errors.push("decision_number", "Hãy nhập số quyết định");
    }
    let decided_on = match parse_form_date(&v.decided_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("decided_on", "Hãy nhập ngày quyết định (dd/mm/yyyy)");
            None
        }
        Err(m) => {
            errors.push("decided_on", m);
            None
        }
    };
    if v.reason.trim().is_empty() {
        errors.push("reason", "Hãy nhập lý do kỷ luật");
    }
    let case_id = match v.case_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push("case_id", "Số hồ sơ không hợp lệ");
                None
            }
        },
    };
    let (Some(form), Some(decided_by), Some(body), Some(decided_on)) =
        (form, decided_by, body, decided_on)
    else {
        return form_page(&st, &user, v, errors).await;
    };
    if errors.any() {
        return form_page(&st, &user, v, errors).await;
    }
    let input = DisciplineInput {
        member_id,
        unit_id,
        form,
        decided_by: decided_by.id,
        body,
        decision_number: v.decision_number.trim().to_string(),
        decided_on,
        reason: v.reason.trim().to_string(),
        case_id,
    };
    match st
        .db
        .inspections()
        .record_discipline(&Actor::user(p, "web"), p, &input)
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/ky-luat/{}?tb=da-ghi-ky-luat", d.id)).into_response()),
        Err(StoreError::Invalid(list)) => form_page(&st, &user, v, FormErrors(list)).await,
        Err(StoreError::Forbidden | StoreError::NotFound) => {
            let mut e = FormErrors::default();
            e.push("decided_by", NOT_YOURS);
            form_page(&st, &user, v, e).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub struct AppealView {
    pub id: i64,
    pub filed_on: String,
    pub case_id: Option<i64>,
    pub outcome: String,
    pub decided_on: String,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "insp_discipline.html")]
struct ShowPage {
    ctx: Ctx,
    csrf: String,
    r: DisciplineRow,
    original_form: &'static str,
    reason: String,
    appeal_deadline: String,
    appeals: Vec<AppealView>,
    can_file: bool,
    can_decide: bool,
    filed_on: String,
    appeal_error: String,
    outcomes: Vec<(&'static str, &'static str)>,
    new_forms: Vec<(&'static str, &'static str)>,
    result_error: String,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    tb: Option<String>,
}

/// Whether the reader handles appeals against decisions of this deciding unit: the appeal case is
/// conducted by the level above it (by the unit itself when it is a root).
async fn handles_appeals(st: &AppState, user: &WebUser, d: &Discipline) -> Result<bool, PageError> {
    let p = &user.principal;
    let Some(unit) = st.db.units().unit_unscoped(d.decided_by).await.page(user)? else {
        return Ok(false);
    };
    let conducting = match unit.parent_id {
        Some(parent) => st.db.units().unit_unscoped(parent).await.page(user)?,
        None => Some(unit),
    };
    Ok(conducting.is_some_and(|u| p.can_manage_cases(&u.path)))
}

async fn show_page(
    st: &AppState,
    user: &WebUser,
    d: &Discipline,
    filed_on: String,
    appeal_error: String,
    result_error: String,
    flash_code: Option<&str>,
) -> PageResult {
    let p = &user.principal;
    let pending = d.appeals.iter().any(|a| a.outcome.is_none());
    let can_file = d.state != store::DisciplineState::Annulled
        && !pending
        && (p.has(domain::policy::Capability::ManageInspections)
            || (d.member_id.is_some() && p.member_id == d.member_id));
    let can_decide = pending && handles_appeals(st, user, d).await?;
    let new_forms = if d.member_id.is_some() {
        forms(&DisciplineForm::FOR_MEMBERS)
    } else {
        forms(&DisciplineForm::FOR_UNITS)
    };
    let status = if appeal_error.is_empty() && result_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ShowPage {
        ctx: Ctx::new(
            user,
            format!("Quyết định kỷ luật {}", d.decision_number),
            "discipline",
        )
        .with_flash(flash(flash_code)),
        csrf: user.csrf.clone(),
        r: row(d),
        original_form: discipline_form(d.form),
        reason: d.reason.clone(),
        appeal_deadline: date(Some(d.appeal_deadline)),
        appeals: d
            .appeals
            .iter()
            .map(|a| AppealView {
                id: a.id,
                filed_on: date(Some(a.filed_on)),
                case_id: a.case_id,
                outcome: match a.outcome {
                    Some(AppealOutcome::ChangedForm) => format!(
                        "{}: {}",
                        appeal_outcome(AppealOutcome::ChangedForm),
                        super::form_label(a.new_form)
                    ),
                    Some(o) => appeal_outcome(o).to_string(),
                    None => "Đang giải quyết".to_string(),
                },
                decided_on: date(a.decided_on),
                pending: a.outcome.is_none(),
            })
            .collect(),
        can_file,
        can_decide,
        filed_on,
        appeal_error,
        outcomes: AppealOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), appeal_outcome(*o)))
            .collect(),
        new_forms,
        result_error,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    let d = st
        .db
        .inspections()
        .discipline(&user.principal, id)
        .await
        .page(&user)?;
    let today = crate::view::iso(Some(st.db.today()));
    show_page(
        &st,
        &user,
        &d,
        today,
        String::new(),
        String::new(),
        q.tb.as_deref(),
    )
    .await
}

fn joined(list: &[store::FieldError]) -> String {
    list.iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Deserialize, Default)]
pub struct AppealFields {
    #[serde(default)]
    filed_on: String,
}

pub async fn file_appeal(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(v): CsrfForm<AppealFields>,
) -> PageResult {
    let p = &user.principal;
    let d = st.db.inspections().discipline(p, id).await.page(&user)?;
    let filed_on = match parse_form_date(&v.filed_on) {
        Ok(Some(x)) => x,
        Ok(None) => {
            let m = "Hãy nhập ngày gửi khiếu nại (dd/mm/yyyy)".to_string();
            return show_page(&st, &user, &d, v.filed_on, m, String::new(), None).await;
        }
        Err(m) => return show_page(&st, &user, &d, v.filed_on, m, String::new(), None).await,
    };
    match st
        .db
        .inspections()
        .file_appeal(&Actor::user(p, "web"), p, id, filed_on)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/ky-luat/{id}?tb=da-khieu-nai")).into_response()),
        Err(StoreError::Invalid(list)) => {
            show_page(
                &st,
                &user,
                &d,
                v.filed_on,
                joined(&list),
                String::new(),
                None,
            )
            .await
        }
        Err(StoreError::Conflict(m)) => {
            show_page(&st, &user, &d, v.filed_on, m, String::new(), None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

#[derive(Deserialize, Default)]
pub struct ResultFields {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    new_form: String,
    #[serde(default)]
    decided_on: String,
}

pub async fn decide_appeal(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, appeal)): PagePath<(i64, i64)>,
    CsrfForm(v): CsrfForm<ResultFields>,
) -> PageResult {
    require_manage(&user)?;
    let p = &user.principal;
    let d = st.db.inspections().discipline(p, id).await.page(&user)?;
    if !d.appeals.iter().any(|a| a.id == appeal) {
        return Err(PageError::not_found(&user));
    }
    let today = crate::view::iso(Some(st.db.today()));
    let refuse = |m: String| show_page(&st, &user, &d, today.clone(), String::new(), m, None);
    let Some(outcome) = AppealOutcome::parse(&v.outcome) else {
        return refuse("Hãy chọn kết quả giải quyết khiếu nại".into()).await;
    };
    let new_form = DisciplineForm::parse(&v.new_form).filter(|_| !v.new_form.trim().is_empty());
    if outcome == AppealOutcome::ChangedForm && new_form.is_none() {
        return refuse("Hãy chọn hình thức kỷ luật mới".into()).await;
    }
    let decided_on = match parse_form_date(&v.decided_on) {
        Ok(Some(x)) => x,
        Ok(None) => return refuse("Hãy nhập ngày giải quyết (dd/mm/yyyy)".into()).await,
        Err(m) => return refuse(m).await,
    };
    let input = AppealResultInput {
        outcome,
        new_form: new_form.filter(|_| outcome == AppealOutcome::ChangedForm),
        decided_on,
    };
    match st
        .db
        .inspections()
        .decide_appeal(&Actor::user(p, "web"), p, appeal, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/ky-luat/{id}?tb=da-giai-quyet")).into_response()),
        Err(StoreError::Invalid(list)) => refuse(joined(&list)).await,
        Err(StoreError::Conflict(m)) => refuse(m).await,
        Err(e) => Err(e).page(&user),
    }
}
