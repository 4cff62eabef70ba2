//! Recording a commendation decision (office, admin: number, day, level, an issuing body outside the tree)
//! or proposing one (secretary: the issuing unit chosen among the units at and above theirs). Recipients
//! are ticked from a chosen unit (`?don_vi=CODE` or the "Hiện danh sách" button reload the form with its
//! members and sub-units), with the models of that subtree and the ticked members' registrations of the
//! year as checkboxes. Prefilled from a model page (`?mo_hinh=ID`) or a member page (`?dang_vien=ID`).
//! Errors are shown beside their fields with the input kept.

use super::require_staff;
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use domain::commendation::{CommendationFields, CommendationKind, CommendationLevel};
use domain::policy::{Capability, Principal};
use serde::Deserialize;
use store::{CommendationInput, MemberQuery, ModelFilter, StoreError};

/// Most members listed as checkboxes for one chosen unit (a larger unit: choose one of its cells).
const MAX_MEMBERS: i64 = 500;
const MAX_UNITS: usize = 300;
const MAX_MODELS: i64 = 300;
/// Most ticked members whose registrations are looked up.
const MAX_REG_LOOKUPS: usize = 200;

/// The form's values as typed (repeated checkboxes keep every value).
#[derive(Default, Clone)]
pub struct CommFields {
    pub kind: String,
    pub label: String,
    pub level: String,
    pub issuer_code: String,
    pub issuer_name: String,
    pub decision_number: String,
    pub decided_on: String,
    pub reason: String,
    /// The unit whose members and sub-units are offered.
    pub don_vi: String,
    /// The year of the registrations offered.
    pub nam: String,
    pub members: Vec<i64>,
    pub units: Vec<String>,
    pub models: Vec<i64>,
    pub registrations: Vec<i64>,
}

impl CommFields {
    fn of(pairs: &[(String, String)]) -> CommFields {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let ids = |name: &str| {
            let mut out: Vec<i64> = Vec::new();
            for (_, v) in pairs.iter().filter(|(k, _)| k == name) {
                if let Ok(id) = v.trim().parse::<i64>() {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
            out
        };
        let mut units: Vec<String> = Vec::new();
        for (_, v) in pairs.iter().filter(|(k, _)| k == "unit") {
            let v = v.trim().to_string();
            if !v.is_empty() && !units.contains(&v) {
                units.push(v);
            }
        }
        CommFields {
            kind: get("kind"),
            label: get("label"),
            level: get("level"),
            issuer_code: get("issuer_code").trim().to_string(),
            issuer_name: get("issuer_name"),
            decision_number: get("decision_number"),
            decided_on: get("decided_on"),
            reason: get("reason"),
            don_vi: get("don_vi").trim().to_string(),
            nam: get("nam").trim().to_string(),
            members: ids("member"),
            units,
            models: ids("model"),
            registrations: ids("registration"),
        }
    }
    pub fn has_member(&self, id: &i64) -> bool {
        self.members.contains(id)
    }
    pub fn has_unit(&self, code: &str) -> bool {
        self.units.iter().any(|c| c == code)
    }
    pub fn has_model(&self, id: &i64) -> bool {
        self.models.contains(id)
    }
    pub fn has_registration(&self, id: &i64) -> bool {
        self.registrations.contains(id)
    }
}

/// A checkbox: value, label.
pub struct Choice {
    pub id: i64,
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "comm_form.html")]
struct FormPage {
    ctx: Ctx,
    csrf: String,
    v: CommFields,
    errors: FormErrors,
    other: Vec<String>,
    /// Office and admin record decisions; a secretary proposes.
    decide: bool,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    issuers: Vec<(String, String)>,
    scope_units: Vec<(String, String)>,
    chosen_name: String,
    members: Vec<Choice>,
    more_members: bool,
    units: Vec<Choice>,
    models: Vec<Choice>,
    registrations: Vec<Choice>,
}

/// Fields with an input on the form; other refusals go to the message at the top.
const FIELDS: [&str; 10] = [
    "kind",
    "label",
    "level",
    "issuer_code",
    "issuer_name",
    "decision_number",
    "decided_on",
    "reason",
    "recipients",
    "nam",
];

fn may_decide(p: &Principal) -> bool {
    p.has(Capability::DecideCommendations)
}

fn require_create(user: &WebUser) -> Result<(), PageError> {
    require_staff(user)?;
    let p = &user.principal;
    if p.has(Capability::DecideCommendations) || p.has(Capability::ProposeCommendations) {
        Ok(())
    } else {
        Err(PageError::not_found(user))
    }
}

/// The units a commendation may be issued under: for a clerk of an office every unit of their scope; for
/// a secretary their own unit and the units above it (a proposal goes up to the issuing level).
async fn issuer_units(st: &AppState, p: &Principal) -> Result<Vec<domain::Unit>, StoreError> {
    if may_decide(p) {
        let all = st
            .db
            .units()
            .list_units(p, None, Some(st.db.today()))
            .await?;
        return Ok(all
            .into_iter()
            .filter(|u| p.can_decide_commendation(&u.path))
            .take(2000)
            .collect());
    }
    let mut out = Vec::new();
    for id in p.unit_path.split('/').filter_map(|s| s.parse::<i64>().ok()) {
        if let Some(u) = st.db.units().unit_unscoped(id).await? {
            out.push(u);
        }
    }
    Ok(out)
}

/// The issuing unit a new form starts with: the reader's own unit for an office, the unit right above a
/// secretary's (where proposals go).
fn default_issuer(p: &Principal, issuers: &[domain::Unit]) -> String {
    let pick = if may_decide(p) {
        issuers.iter().find(|u| u.id == p.unit_id)
    } else {
        issuers.iter().rev().nth(1).or(issuers.last())
    };
    pick.map(|u| u.code.clone()).unwrap_or_default()
}

async fn form_page(
    st: &AppState,
    user: &WebUser,
    v: CommFields,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let p = &user.principal;
    let decide = may_decide(p);
    let issuers = issuer_units(st, p).await.page(user)?;
    let scope: Vec<domain::Unit> = st
        .db
        .units()
        .list_units(p, None, Some(st.db.today()))
        .await
        .page(user)?;
    let chosen = scope
        .iter()
        .find(|u| u.code == v.don_vi)
        .or_else(|| scope.iter().find(|u| u.id == p.unit_id))
        .or(scope.first())
        .cloned();
    let mut members = Vec::new();
    let mut more_members = false;
    let mut units = Vec::new();
    let mut models = Vec::new();
    if let Some(u) = &chosen {
        let (list, total) = st
            .db
            .members()
            .search_members(
                p,
                &MemberQuery {
                    unit_path: Some(u.path.clone()),
                    page: 1,
                    per_page: MAX_MEMBERS,
                    ..Default::default()
                },
            )
            .await
            .page(user)?;
        more_members = total > list.len() as i64;
        members = list
            .into_iter()
            .map(|m| Choice {
                id: m.id,
                code: m.id.to_string(),
                label: format!("{} ({})", m.full_name, m.unit_name),
            })
            .collect();
        units = scope
            .iter()
            .filter(|x| x.path.starts_with(u.path.as_str()))
            .take(MAX_UNITS)
            .map(|x| Choice {
                id: x.id,
                code: x.code.clone(),
                label: super::option_label(x),
            })
            .collect();
        models = st
            .db
            .models()
            .list_models(
                p,
                &ModelFilter {
                    unit_path: Some(u.path.clone()),
                    limit: MAX_MODELS,
                    ..Default::default()
                },
            )
            .await
            .page(user)?
            .into_iter()
            .map(|m| Choice {
                id: m.id,
                code: m.id.to_string(),
                label: format!("{} ({})", m.name, m.unit.name),
            })
            .collect();
    }
    // Ticked recipients and models outside the chosen unit stay on the form, ticked.
    for id in &v.members {
        if members.iter().any(|c: &Choice| c.id == *id) {
            continue;
        }
        match st.db.members().member(p, *id).await {
            Ok(m) => members.insert(
                0,
                Choice {
                    id: m.id,
                    code: m.id.to_string(),
                    label: format!("{} ({})", m.full_name, m.unit_name),
                },
            ),
            Err(StoreError::NotFound | StoreError::Forbidden) => {}
            Err(e) => return Err(e).page(user),
        }
    }
    for code in &v.units {
        if units.iter().any(|c: &Choice| &c.code == code) {
            continue;
        }
        if let Some(x) = scope.iter().find(|x| &x.code == code) {
            units.insert(
                0,
                Choice {
                    id: x.id,
                    code: x.code.clone(),
                    label: super::option_label(x),
                },
            );
        }
    }
    for id in &v.models {
        if models.iter().any(|c: &Choice| c.id == *id) {
            continue;
        }
        match st.db.models().model(p, *id).await {
            Ok(m) => models.insert(
                0,
                Choice {
                    id: m.id,
                    code: m.id.to_string(),
                    label: format!("{} ({})", m.name, m.unit.name),
                },
            ),
            Err(StoreError::NotFound | StoreError::Forbidden) => {}
            Err(e) => return Err(e).page(user),
        }
    }
    // The ticked members' registrations of the year.
    let year = year_of(st, &v);
    let mut registrations = Vec::new();
    for id in v.members.iter().take(MAX_REG_LOOKUPS) {
        let name = members
            .iter()
            .find(|c| c.id == *id)
            .map(|c| c.label.split(" (").next().unwrap_or("").to_string())
            .unwrap_or_default();
        let years = match st.db.registrations().registration_years(p, *id).await {
            Ok(y) => y,
            Err(StoreError::NotFound | StoreError::Forbidden) => continue,
            Err(e) => return Err(e).page(user),
        };
        for (y, rid, _) in years.into_iter().filter(|(y, _, _)| *y == year) {
            registrations.push(Choice {
                id: rid,
                code: rid.to_string(),
                label: format!("Bản đăng ký năm {y} của {name}"),
            });
        }
    }
    let v = CommFields {
        don_vi: chosen.as_ref().map(|u| u.code.clone()).unwrap_or_default(),
        nam: year.to_string(),
        ..v
    };
    let other = super::other_errors(&errors, &FIELDS);
    let page = FormPage {
        ctx: Ctx::new(
            user,
            if decide {
                "Ghi quyết định khen thưởng"
            } else {
                "Đề nghị khen thưởng"
            },
            "commendations",
        ),
        csrf: user.csrf.clone(),
        v,
        errors,
        other,
        decide,
        kinds: CommendationKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        levels: CommendationLevel::ALL
            .iter()
            .map(|l| (l.as_str(), l.label()))
            .collect(),
        issuers: issuers
            .iter()
            .map(|u| (u.code.clone(), super::option_label(u)))
            .collect(),
        scope_units: scope
            .iter()
            .take(2000)
            .map(|u| (u.code.clone(), super::option_label(u)))
            .collect(),
        chosen_name: chosen.map(|u| u.name).unwrap_or_default(),
        members,
        more_members,
        units,
        models,
        registrations,
    };
    Ok((status, render(&page)).into_response())
}

/// The year whose registrations are offered: as typed, else the decision's year, else this year.
fn year_of(st: &AppState, v: &CommFields) -> i32 {
    v.nam
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1930..=9999).contains(y))
        .or_else(|| {
            parse_form_date(&v.decided_on)
                .ok()
                .flatten()
                .map(|d| d.year())
        })
        .unwrap_or_else(|| st.db.today().year())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default, rename = "don_vi", alias = "don-vi")]
    don_vi: String,
    #[serde(default)]
    mo_hinh: Option<String>,
    #[serde(default)]
    dang_vien: Option<String>,
    #[serde(default)]
    nam: String,
}

pub async fn new_form(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    require_create(&user)?;
    let p = &user.principal;
    let issuers = issuer_units(&st, p).await.page(&user)?;
    let mut v = CommFields {
        kind: CommendationKind::Certificate.as_str().to_string(),
        issuer_code: default_issuer(p, &issuers),
        don_vi: q.don_vi.trim().to_string(),
        nam: q.nam.trim().to_string(),
        ..Default::default()
    };
    if let Some(id) = q
        .mo_hinh
        .as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
    {
        let m = st.db.models().model(p, id).await.page(&user)?;
        v.models.push(m.id);
        if v.don_vi.is_empty() && p.can_read_unit(&m.unit_path) {
            v.don_vi = m.unit.code.clone();
        }
    }
    if let Some(id) = q
        .dang_vien
        .as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
    {
        let m = st.db.members().member(p, id).await.page(&user)?;
        v.members.push(m.id);
        if v.don_vi.is_empty() {
            if let Ok(u) = st.db.units().unit(p, m.unit_id).await {
                v.don_vi = u.code;
            }
        }
    }
    form_page(&st, &user, v, FormErrors::default(), StatusCode::OK).await
}

/// Reads the form into a commendation; every problem found goes into `errors`.
async fn input_of(
    st: &AppState,
    user: &WebUser,
    v: &CommFields,
    errors: &mut FormErrors,
) -> Result<Option<CommendationInput>, PageError> {
    let p = &user.principal;
    let decide = may_decide(p);
    let kind = CommendationKind::parse(&v.kind).filter(|_| !v.kind.trim().is_empty());
    if kind.is_none() {
        errors.push("kind", "Chọn hình thức khen thưởng");
    }
    let issuers = issuer_units(st, p).await.page(user)?;
    let issuer = issuers.iter().find(|u| u.code == v.issuer_code);
    if issuer.is_none() {
        errors.push(
            "issuer_code",
            if v.issuer_code.is_empty() {
                "Chọn đơn vị ban hành".to_string()
            } else {
                format!(
                    "Đơn vị “{}” không ban hành được khen thưởng do bạn ghi",
                    v.issuer_code
                )
            },
        );
    }
    let (level, decision_number, decided_on, issuer_name) = if decide {
        let level = match v.level.trim() {
            "" => None,
            s => match CommendationLevel::parse(s) {
                Some(l) => Some(l),
                None => {
                    errors.push("level", "Cấp khen thưởng không hợp lệ");
                    None
                }
            },
        };
        let decided_on = match parse_form_date(&v.decided_on) {
            Ok(d) => d,
            Err(m) => {
                errors.push("decided_on", m);
                None
            }
        };
        (
            level,
            v.decision_number.trim().to_string(),
            decided_on,
            v.issuer_name.trim().to_string(),
        )
    } else {
        (None, String::new(), None, String::new())
    };
    // The domain's checks, all at once, with the same messages the store gives.
    if let (Some(kind), Some(issuer)) = (kind, issuer) {
        let refusals = domain::commendation::check(&CommendationFields {
            kind,
            label: &v.label,
            level: level.unwrap_or_else(|| CommendationLevel::of_unit_type(issuer.unit_type)),
            issuer_type: issuer.unit_type,
            reason: &v.reason,
            decision_number: &decision_number,
            decided_on,
            member_recipients: v.members.len(),
            unit_recipients: v.units.len(),
            today: st.db.today(),
        });
        for r in refusals {
            if !errors.has(r.field) {
                errors.push(r.field, r.message);
            }
        }
    } else {
        if v.reason.trim().is_empty() {
            errors.push("reason", "Ghi thành tích, lý do khen thưởng");
        }
        if v.members.is_empty() && v.units.is_empty() {
            errors.push(
                "recipients",
                "Chọn ít nhất một đảng viên hoặc một tập thể được khen thưởng",
            );
        }
    }
    let (Some(kind), Some(issuer)) = (kind, issuer) else {
        return Ok(None);
    };
    if errors.any() {
        return Ok(None);
    }
    Ok(Some(CommendationInput {
        kind: Some(kind),
        label: v.label.trim().to_string(),
        level,
        issuer_code: issuer.code.clone(),
        issuer_name,
        decision_number,
        decided_on,
        reason: v.reason.trim().to_string(),
        member_ids: v.members.clone(),
        unit_codes: v.units.clone(),
        model_ids: v.models.clone(),
        registration_ids: v.registrations.clone(),
    }))
}

/// A store refusal under the name of the form's input (the store names the API's fields).
fn form_field(mut e: store::FieldError) -> store::FieldError {
    let field = match e.field.as_str() {
        "issued_by" | "issuer" => "issuer_code",
        f if f.starts_with("recipients") => "recipients",
        _ => return e,
    };
    e.field = field.to_string();
    e
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    require_create(&user)?;
    let p = &user.principal;
    let v = CommFields::of(&pairs);
    // "Hiện danh sách": the form again for another unit or year, nothing saved.
    if pairs.iter().any(|(k, _)| k == "tai_lai") {
        return form_page(&st, &user, v, FormErrors::default(), StatusCode::OK).await;
    }
    let mut errors = FormErrors::default();
    let Some(input) = input_of(&st, &user, &v, &mut errors).await? else {
        return form_page(&st, &user, v, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let actor = store::Actor::user(p, "web");
    match st.db.commendations().create(p, &actor, &input).await {
        Ok(c) => {
            let tb = if c.state == domain::commendation::CommendationState::Decided {
                "da-ghi-quyet-dinh"
            } else {
                "da-de-nghi"
            };
            Ok(Redirect::to(&format!("/khen-thuong/{}?tb={tb}", c.id)).into_response())
        }
        Err(StoreError::Invalid(list)) => {
            form_page(
                &st,
                &user,
                v,
                FormErrors(list.into_iter().map(form_field).collect()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(StoreError::Forbidden | StoreError::NotFound) => {
            let mut e = FormErrors::default();
            e.push(
                "recipients",
                "Bạn không có quyền ghi khen thưởng này: người, tập thể được khen phải thuộc đơn vị bạn phụ trách và thuộc đơn vị ban hành",
            );
            form_page(&st, &user, v, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e).page(&user),
    }
}
