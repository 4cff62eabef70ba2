//! One unit against a criteria set, as read: the state of each criterion on a day (with the day of the
//! assessment it comes from), the progress line over time, the history of assessments with their
//! documents and the recognition decisions. The page also carries the assessment, recognition and
//! withdrawal forms; what they post (and show again when refused) is in `unit_forms`.

use super::chart::{progress, LineChart};
use super::unit_forms::{RecogniseFields, WithdrawFields};
use super::{flash, load_set, query_day, seg, state_badge};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, num, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use domain::criteria::{CriterionState, Recognition};
use serde::Deserialize;
use store::{CriteriaSet, RecognitionRecord};

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

/// What was posted and refused, to show again.
pub(super) enum Posted {
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

/// "Quyết định số 12/QĐ-UBND ngày 28/12/2020 của UBND tỉnh" (the issuer left out when empty).
pub(super) fn decision_label(number: &str, day: NaiveDate, issued_by: &str) -> String {
    let by = if issued_by.is_empty() {
        String::new()
    } else {
        format!(" của {issued_by}")
    };
    format!("Quyết định số {number} ngày {}{by}", date(Some(day)))
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
pub(super) async fn page(
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
            .map(|d| decision_label(&d.decision_number, d.decided_on, &d.issued_by))
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
