//! One unit against a criteria set: the state of each criterion on a day (with the day of the assessment
//! it comes from), the progress line over time, the history of assessments with their documents, the
//! recognition decisions, and for those who may the assessment, recognition and withdrawal forms. Also
//! the "Tiêu chí và phân loại" section of the unit page.

use super::chart::{progress, LineChart};
use super::{flash, load_set, query_day, seg, state_badge};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{date, num, parse_form_date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use domain::criteria::{CriterionState, Recognition};
use domain::policy::Principal;
use serde::Deserialize;
use store::{
    Actor, AssessmentInput, CriteriaSet, MarkInput, RecognitionInput, RecognitionRecord,
    StoreError, WithdrawalInput,
};

/// One criterion's row: its state on the day and, for the form, what is typed.
pub struct ItemRow {
    pub code: String,
    pub title: String,
    pub group: String,
    pub badge: &'static str,
    pub colour: &'static str,
    pub evidence: String,
    pub assessed_on: String,
    /// The form's select and evidence (the state on the day, or what was typed).
    pub f_state: String,
    pub f_evidence: String,
}

pub struct MarkRow {
    pub code: String,
    pub title: String,
    pub badge: &'static str,
    pub colour: &'static str,
    pub evidence: String,
}

pub struct DocRow {
    pub id: i64,
    pub filename: String,
    pub size: String,
}

pub struct AssessmentRow {
    pub id: i64,
    pub as_of: String,
    pub note: String,
    pub marks: Vec<MarkRow>,
    pub docs: Vec<DocRow>,
    pub by: String,
}

pub struct RecognitionRow {
    pub id: i64,
    pub decision_number: String,
    pub decided_on: String,
    pub issued_by: String,
    pub in_force: bool,
    pub withdrawn: String,
    pub withdrawal_number: String,
    pub withdrawal_reason: String,
    /// The withdrawal form of this decision is shown again with errors.
    pub posted: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct RecogniseFields {
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub issued_by: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct WithdrawFields {
    #[serde(default)]
    pub withdrawn_on: String,
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub reason: String,
    /// The page to show again on an error (the set and the unit).
    #[serde(default)]
    pub set: String,
    #[serde(default)]
    pub unit: String,
}

/// What was posted and refused, to show again.
enum Posted {
    Nothing,
    Assess {
        as_of: String,
        note: String,
        values: Vec<(String, String)>,
        errors: FormErrors,
    },
    Recognise {
        v: RecogniseFields,
        errors: FormErrors,
        unmet: Vec<MarkRow>,
    },
    Withdraw {
        id: i64,
        v: WithdrawFields,
        errors: FormErrors,
    },
}

#[derive(Template)]
#[template(path = "crit_unit.html")]
struct UnitPage {
    ctx: Ctx,
    csrf: String,
    code: String,
    code_seg: String,
    set_title: String,
    unit_code: String,
    unit_seg: String,
    unit_name: String,
    unit_id: i64,
    day: String,
    day_error: String,
    met: String,
    partly: String,
    not_met: String,
    unassessed: String,
    total: String,
    recognised: bool,
    decision: String,
    items: Vec<ItemRow>,
    chart: Option<LineChart>,
    history: Vec<AssessmentRow>,
    recognitions: Vec<RecognitionRow>,
    can_assess: bool,
    can_recognise: bool,
    states: Vec<(&'static str, &'static str)>,
    a_as_of: String,
    a_note: String,
    a_errors: FormErrors,
    r: RecogniseFields,
    r_errors: FormErrors,
    unmet: Vec<MarkRow>,
    w: WithdrawFields,
    w_errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    ngay: String,
    #[serde(default)]
    tb: Option<String>,
}

fn in_force(r: &RecognitionRecord, day: NaiveDate) -> bool {
    Recognition {
        decided_on: r.decided_on,
        withdrawn_on: r.withdrawn_on,
    }
    .in_force_on(day)
}

fn title_of<'a>(set: &'a CriteriaSet, code: &str) -> &'a str {
    set.items
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.title.as_str())
        .unwrap_or("")
}

/// Met count after each assessment date (oldest first), from the assessments' marks.
fn progress_points(set: &CriteriaSet, list: &[store::Assessment]) -> Vec<(NaiveDate, i64)> {
    let codes: Vec<&str> = set.items.iter().map(|c| c.code.as_str()).collect();
    let marks: Vec<domain::criteria::Mark<'_>> = list
        .iter()
        .flat_map(|a| {
            a.marks.iter().map(move |m| domain::criteria::Mark {
                code: m.code.as_str(),
                as_of: a.as_of,
                state: m.state,
            })
        })
        .collect();
    let mut days: Vec<NaiveDate> = list.iter().map(|a| a.as_of).collect();
    days.sort();
    days.dedup();
    days.into_iter()
        .map(|d| (d, domain::criteria::status_on(&codes, &marks, d).met))
        .collect()
}

#[allow(clippy::too_many_lines)]
async fn page(
    st: &AppState,
    user: &WebUser,
    code: &str,
    unit_code: &str,
    ngay: &str,
    posted: Posted,
    flash_code: Option<&str>,
) -> PageResult {
    let set = load_set(st, user, code).await?;
    let p = &user.principal;
    let unit = st.db.units().unit_by_code(p, unit_code).await.page(user)?;
    let (day, day_error) = match query_day(st, ngay) {
        Some(d) => (d, String::new()),
        None => (
            st.db.today(),
            format!(
                "Ngày không hợp lệ: “{}” (dd/mm/yyyy); đang xem ngày hôm nay",
                ngay.trim()
            ),
        ),
    };
    let c = st.db.criteria();
    let status = c.status(p, &set.code, &unit.code, day).await.page(user)?;
    let history = c.assessments(p, &set.code, &unit.code).await.page(user)?;
    let recs = c
        .recognitions(p, Some(&set.code), &unit.code)
        .await
        .page(user)?;
    let points = progress_points(&set, &history);
    let total = set.items.len() as i64;

    let (a_as_of, a_note, a_values, a_errors, r, r_errors, unmet, w_id, w, w_errors) = match posted
    {
        Posted::Nothing => (
            date(Some(st.db.today())),
            String::new(),
            None,
            FormErrors::default(),
            RecogniseFields {
                decided_on: date(Some(st.db.today())),
                ..Default::default()
            },
            FormErrors::default(),
            Vec::new(),
            None,
            WithdrawFields::default(),
            FormErrors::default(),
        ),
        Posted::Assess {
            as_of,
            note,
            values,
            errors,
        } => (
            as_of,
            note,
            Some(values),
            errors,
            RecogniseFields::default(),
            FormErrors::default(),
            Vec::new(),
            None,
            WithdrawFields::default(),
            FormErrors::default(),
        ),
        Posted::Recognise { v, errors, unmet } => (
            date(Some(st.db.today())),
            String::new(),
            None,
            FormErrors::default(),
            v,
            errors,
            unmet,
            None,
            WithdrawFields::default(),
            FormErrors::default(),
        ),
        Posted::Withdraw { id, v, errors } => (
            date(Some(st.db.today())),
            String::new(),
            None,
            FormErrors::default(),
            RecogniseFields::default(),
            FormErrors::default(),
            Vec::new(),
            Some(id),
            v,
            errors,
        ),
    };
    let typed = |name: String| -> Option<String> {
        a_values.as_ref().map(|vals| {
            vals.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    };
    let items = status
        .items
        .iter()
        .map(|i| {
            let (badge, colour) = state_badge(i.state);
            ItemRow {
                code: i.code.clone(),
                title: i.title.clone(),
                group: i.group.clone(),
                badge,
                colour,
                evidence: i.evidence.clone(),
                assessed_on: date(i.assessed_on),
                f_state: typed(format!("s_{}", i.code))
                    .unwrap_or_else(|| i.state.map(|s| s.as_str().to_string()).unwrap_or_default()),
                f_evidence: typed(format!("e_{}", i.code)).unwrap_or_else(|| i.evidence.clone()),
            }
        })
        .collect();
    let bad = a_errors.any() || r_errors.any() || w_errors.any();
    let page = UnitPage {
        ctx: Ctx::new(user, format!("{} — {}", set.title, unit.name), "criteria")
            .with_flash(flash(flash_code)),
        csrf: user.csrf.clone(),
        code_seg: seg(&set.code),
        code: set.code.clone(),
        set_title: set.title.clone(),
        unit_seg: seg(&unit.code),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        unit_id: unit.id,
        day: date(Some(day)),
        day_error,
        met: num(status.met),
        partly: num(status.partly),
        not_met: num(status.not_met - status.unassessed),
        unassessed: num(status.unassessed),
        total: num(status.total),
        recognised: status.recognised,
        decision: status
            .decision
            .as_ref()
            .map(|d| {
                let by = if d.issued_by.is_empty() {
                    String::new()
                } else {
                    format!(" của {}", d.issued_by)
                };
                format!(
                    "Quyết định số {} ngày {}{by}",
                    d.decision_number,
                    date(Some(d.decided_on))
                )
            })
            .unwrap_or_default(),
        items,
        chart: (!points.is_empty()).then(|| progress(&points, total)),
        history: history
            .iter()
            .map(|a| AssessmentRow {
                id: a.id,
                as_of: date(Some(a.as_of)),
                note: a.note.clone(),
                marks: a
                    .marks
                    .iter()
                    .map(|m| {
                        let (badge, colour) = state_badge(Some(m.state));
                        MarkRow {
                            code: m.code.clone(),
                            title: title_of(&set, &m.code).to_string(),
                            badge,
                            colour,
                            evidence: m.evidence.clone(),
                        }
                    })
                    .collect(),
                docs: a
                    .documents
                    .iter()
                    .map(|d| DocRow {
                        id: d.id,
                        filename: d.filename.clone(),
                        size: format!("{} KB", num((d.size + 1023) / 1024)),
                    })
                    .collect(),
                by: format!("{} · {}", a.updated_by, timestamp(&a.updated_at)),
            })
            .collect(),
        recognitions: recs
            .iter()
            .map(|x| RecognitionRow {
                id: x.id,
                decision_number: x.decision_number.clone(),
                decided_on: date(Some(x.decided_on)),
                issued_by: x.issued_by.clone(),
                in_force: in_force(x, st.db.today()),
                withdrawn: date(x.withdrawn_on),
                withdrawal_number: x.withdrawal_number.clone(),
                withdrawal_reason: x.withdrawal_reason.clone(),
                posted: w_id == Some(x.id),
            })
            .collect(),
        can_assess: p.can_assess_criteria(&unit.path),
        can_recognise: p.can_recognise(&unit.path),
        states: CriterionState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        a_as_of,
        a_note,
        a_errors,
        r,
        r_errors,
        unmet,
        w,
        w_errors,
    };
    let status = if bad {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if !page.day_error.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((code, unit_code)): PagePath<(String, String)>,
    PageQuery(q): PageQuery<UnitQuery>,
) -> PageResult {
    page(
        &st,
        &user,
        &code,
        &unit_code,
        &q.ngay,
        Posted::Nothing,
        q.tb.as_deref(),
    )
    .await
}

fn back(code: &str, unit_code: &str, day: Option<NaiveDate>, tb: &str, anchor: &str) -> Response {
    let ngay = day
        .map(|d| format!("ngay={}&", date(Some(d))))
        .unwrap_or_default();
    Redirect::to(&format!(
        "/tieu-chi/{}/don-vi/{}?{ngay}tb={tb}#{anchor}",
        seg(code),
        seg(unit_code)
    ))
    .into_response()
}

use axum::response::Response;

/// The unit named in the address, when the caller may write `allowed` over it ("not found" otherwise).
async fn writable_unit(
    st: &AppState,
    user: &WebUser,
    unit_code: &str,
    allowed: fn(&Principal, &str) -> bool,
) -> Result<domain::Unit, PageError> {
    let unit = st
        .db
        .units()
        .unit_by_code(&user.principal, unit_code)
        .await
        .page(user)?;
    if allowed(&user.principal, &unit.path) {
        Ok(unit)
    } else {
        Err(PageError::not_found(user))
    }
}

pub async fn assess(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((code, unit_code)): PagePath<(String, String)>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let set = load_set(&st, &user, &code).await?;
    let unit = writable_unit(&st, &user, &unit_code, Principal::can_assess_criteria).await?;
    let p = &user.principal;
    let get = |name: &str| -> Option<&str> {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let as_of_text = get("as_of").unwrap_or("").trim().to_string();
    let note = get("note").unwrap_or("").trim().to_string();
    let mut errors = FormErrors::default();
    let as_of = match parse_form_date(&as_of_text) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("as_of", "Hãy nhập ngày đánh giá");
            None
        }
        Err(m) => {
            errors.push("as_of", m);
            None
        }
    };
    let mut items = Vec::new();
    if let Some(day) = as_of {
        let before = st
            .db
            .criteria()
            .status(p, &set.code, &unit.code, day)
            .await
            .page(&user)?;
        for c in &set.items {
            let Some(raw) = get(&format!("s_{}", c.code)) else {
                continue;
            };
            if raw.trim().is_empty() {
                continue;
            }
            let Some(state) = CriterionState::parse(raw) else {
                errors.push(
                    &format!("s_{}", c.code),
                    format!("Tiêu chí {}: trạng thái không hợp lệ", c.code),
                );
                continue;
            };
            let evidence = get(&format!("e_{}", c.code))
                .unwrap_or("")
                .trim()
                .to_string();
            let current = before.items.iter().find(|i| i.code == c.code);
            let unchanged =
                current.is_some_and(|i| i.state == Some(state) && i.evidence == evidence);
            if !unchanged {
                items.push(MarkInput {
                    code: c.code.clone(),
                    state,
                    evidence,
                });
            }
        }
        if items.is_empty() && !errors.any() {
            errors.push(
                "items",
                format!(
                    "Chưa có tiêu chí nào thay đổi so với kết quả đánh giá đến ngày {}",
                    date(Some(day))
                ),
            );
        }
    }
    let refused = |errors: FormErrors| Posted::Assess {
        as_of: as_of_text.clone(),
        note: note.clone(),
        values: fields.clone(),
        errors,
    };
    let (Some(day), false) = (as_of, errors.any()) else {
        return page(&st, &user, &code, &unit_code, "", refused(errors), None).await;
    };
    let input = AssessmentInput {
        set_code: set.code.clone(),
        unit_code: unit.code.clone(),
        as_of: day,
        note: note.clone(),
        items,
    };
    match st
        .db
        .criteria()
        .assess(p, &Actor::user(p, "web"), &input)
        .await
    {
        Ok(_) => Ok(back(
            &set.code,
            &unit.code,
            Some(day),
            "da-danh-gia",
            "tinh-trang",
        )),
        Err(StoreError::Invalid(list)) => {
            page(
                &st,
                &user,
                &code,
                &unit_code,
                "",
                refused(FormErrors(list)),
                None,
            )
            .await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub async fn recognise(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((code, unit_code)): PagePath<(String, String)>,
    CsrfForm(v): CsrfForm<RecogniseFields>,
) -> PageResult {
    let set = load_set(&st, &user, &code).await?;
    let unit = writable_unit(&st, &user, &unit_code, Principal::can_recognise).await?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    if v.decision_number.trim().is_empty() {
        errors.push("decision_number", "Hãy nhập số quyết định công nhận");
    }
    let decided_on = match parse_form_date(&v.decided_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("decided_on", "Hãy nhập ngày quyết định");
            None
        }
        Err(m) => {
            errors.push("decided_on", m);
            None
        }
    };
    if errors.any() {
        let posted = Posted::Recognise {
            v,
            errors,
            unmet: vec![],
        };
        return page(&st, &user, &code, &unit_code, "", posted, None).await;
    }
    let input = RecognitionInput {
        set_code: set.code.clone(),
        unit_code: unit.code.clone(),
        decision_number: v.decision_number.trim().to_string(),
        decided_on,
        issued_by: v.issued_by.trim().to_string(),
    };
    match st
        .db
        .criteria()
        .recognise(p, &Actor::user(p, "web"), &input)
        .await
    {
        Ok(_) => Ok(back(
            &set.code,
            &unit.code,
            decided_on,
            "da-cong-nhan",
            "cong-nhan",
        )),
        Err(StoreError::Invalid(list)) => {
            // The criteria not met on the decision's day, with their titles and states.
            let mut unmet = Vec::new();
            if let Some(day) = decided_on {
                let s = st
                    .db
                    .criteria()
                    .status(p, &set.code, &unit.code, day)
                    .await
                    .page(&user)?;
                unmet = s
                    .items
                    .iter()
                    .filter(|i| i.state != Some(CriterionState::Met))
                    .map(|i| {
                        let (badge, colour) = state_badge(i.state);
                        MarkRow {
                            code: i.code.clone(),
                            title: i.title.clone(),
                            badge,
                            colour,
                            evidence: i.evidence.clone(),
                        }
                    })
                    .collect();
            }
            let fields = ["decision_number", "decided_on", "issued_by"];
            let mut errors = FormErrors::default();
            for e in list {
                let f = if fields.contains(&e.field.as_str()) {
                    e.field.clone()
                } else {
                    "decided_on".to_string()
                };
                errors.push(&f, e.message);
            }
            let posted = Posted::Recognise { v, errors, unmet };
            page(&st, &user, &code, &unit_code, "", posted, None).await
        }
        Err(StoreError::Conflict(m)) => {
            let mut errors = FormErrors::default();
            errors.push("decision_number", m);
            let posted = Posted::Recognise {
                v,
                errors,
                unmet: vec![],
            };
            page(&st, &user, &code, &unit_code, "", posted, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub async fn withdraw(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(v): CsrfForm<WithdrawFields>,
) -> PageResult {
    super::require_staff(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let withdrawn_on = match parse_form_date(&v.withdrawn_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("withdrawn_on", "Hãy nhập ngày thu hồi");
            None
        }
        Err(m) => {
            errors.push("withdrawn_on", m);
            None
        }
    };
    if v.decision_number.trim().is_empty() {
        errors.push("decision_number", "Hãy nhập số quyết định thu hồi");
    }
    let result = if errors.any() {
        Err(StoreError::Invalid(std::mem::take(&mut errors.0)))
    } else {
        let input = WithdrawalInput {
            decision_number: v.decision_number.trim().to_string(),
            withdrawn_on,
            reason: v.reason.trim().to_string(),
        };
        st.db
            .criteria()
            .withdraw_recognition(p, &Actor::user(p, "web"), id, &input)
            .await
    };
    match result {
        Ok(rec) => Ok(back(
            &rec.set_code,
            &rec.unit.code,
            withdrawn_on,
            "da-thu-hoi",
            "cong-nhan",
        )),
        Err(StoreError::Invalid(list)) => {
            let (code, unit_code) = (v.set.clone(), v.unit.clone());
            let fields = ["withdrawn_on", "decision_number", "reason"];
            let mut errors = FormErrors::default();
            for e in list {
                let f = if fields.contains(&e.field.as_str()) {
                    e.field.clone()
                } else {
                    "withdrawn_on".to_string()
                };
                errors.push(&f, e.message);
            }
            let posted = Posted::Withdraw { id, v, errors };
            page(&st, &user, &code, &unit_code, "", posted, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

/// A set as the unit page shows it.
pub struct SectionSet {
    pub href: String,
    pub title: String,
    pub met: String,
    pub recognised: bool,
    pub decision: String,
}

pub struct SectionClass {
    pub title: String,
    pub decision: String,
    pub current: bool,
}

/// "Tiêu chí và phân loại" on the unit page: the sets that apply to the unit with met/total today and
/// recognition, and its classifications (the newest of each title is the current one).
pub struct UnitSection {
    pub sets: Vec<SectionSet>,
    pub classes: Vec<SectionClass>,
}

impl UnitSection {
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty() && self.classes.is_empty()
    }
}

pub async fn unit_section(
    st: &AppState,
    p: &Principal,
    unit: &domain::Unit,
) -> Result<UnitSection, StoreError> {
    if p.role == domain::Role::Member {
        return Ok(UnitSection {
            sets: vec![],
            classes: vec![],
        });
    }
    let today = st.db.today();
    let c = st.db.criteria();
    let mut sets = Vec::new();
    for s in c.sets_for_unit(p, unit.id).await? {
        let Some(x) = super::found(c.status(p, &s.code, &unit.code, today).await)? else {
            continue;
        };
        sets.push(SectionSet {
            href: format!("/tieu-chi/{}/don-vi/{}", seg(&s.code), seg(&unit.code)),
            title: s.title.clone(),
            met: format!("{}/{} tiêu chí đạt", num(x.met), num(x.total)),
            recognised: x.recognised,
            decision: x
                .decision
                .as_ref()
                .map(|d| format!("{} · {}", d.decision_number, date(Some(d.decided_on))))
                .unwrap_or_default(),
        });
    }
    let mut seen: Vec<String> = Vec::new();
    let classes = c
        .classifications(p, Some(&unit.code))
        .await?
        .into_iter()
        .map(|x| {
            let current = !seen.contains(&x.title) && x.decided_on <= today;
            if current {
                seen.push(x.title.clone());
            }
            SectionClass {
                decision: format!(
                    "Quyết định số {} ngày {}{}",
                    x.decision_number,
                    date(Some(x.decided_on)),
                    if x.issued_by.is_empty() {
                        String::new()
                    } else {
                        format!(" của {}", x.issued_by)
                    }
                ),
                title: x.title,
                current,
            }
        })
        .collect();
    Ok(UnitSection { sets, classes })
}
