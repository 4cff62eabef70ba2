//! The case page: header, subjects with their findings and remedies, the conclusion form (one block per
//! subject: result, manifestation codes, note, remedies with due days), documents, and the discipline
//! decisions recorded from the case.

use super::list::{period, subjects_label};
use super::{flash, remedy_view, Pairs, RemedyView};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::labels::{case_kind, discipline_state, finding, inspection_body};
use crate::respond::{query_string, render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, iso, parse_form_date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::inspection::{Finding, SubjectRef};
use serde::Deserialize;
use store::{Actor, CaseDetail, ConclusionInput, FindingInput, RemedyInput, StoreError};

/// Empty remedy rows offered under each subject besides those already recorded.
const BLANK_REMEDIES: usize = 2;

pub struct SubjectView {
    pub name: String,
    pub code: String,
    pub unit_name: String,
    pub is_member: bool,
    pub result: &'static str,
    pub result_badge: &'static str,
    pub manifestations: String,
    pub note: String,
    pub remedies: Vec<RemedyView>,
    /// "Ghi quyết định kỷ luật" for this subject.
    pub discipline_href: String,
}

/// One subject's block of the conclusion form, as typed.
pub struct SubjectForm {
    pub id: i64,
    pub name: String,
    pub result: String,
    pub codes: String,
    pub note: String,
    /// (text, due) rows.
    pub remedies: Vec<(String, String)>,
}

impl SubjectForm {
    pub fn field(&self, prefix: &str) -> String {
        format!("{prefix}_{}", self.id)
    }
    pub fn remedy_field<I: std::fmt::Display>(&self, prefix: &str, i: I) -> String {
        format!("{prefix}_{}_{i}", self.id)
    }
}

pub struct DisciplineRow {
    pub id: i64,
    pub subject: String,
    pub form: &'static str,
    pub state: &'static str,
    pub decision: String,
}

#[derive(Template)]
#[template(path = "insp_case.html")]
struct CasePage {
    ctx: Ctx,
    csrf: String,
    id: i64,
    kind: &'static str,
    title: String,
    unit_name: String,
    body: &'static str,
    decision: String,
    decided_on: String,
    period: String,
    directive_05: bool,
    team: Vec<String>,
    concluded_on: String,
    conclusion: String,
    subjects_count: String,
    created_by: String,
    subjects: Vec<SubjectView>,
    can_manage: bool,
    form_concluded_on: String,
    form_conclusion: String,
    forms: Vec<SubjectForm>,
    results: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    other: Vec<String>,
    documents: Vec<(i64, String, String, String)>,
    disciplines: Vec<DisciplineRow>,
    new_discipline: String,
}

fn result_badge(f: Option<Finding>) -> &'static str {
    match f {
        Some(Finding::NoViolation) => "green",
        Some(Finding::Shortcomings) => "gold",
        Some(Finding::Violation) => "red",
        None => "",
    }
}

/// The conclusion form as recorded (or blank before the conclusion).
fn stored_forms(d: &CaseDetail) -> Vec<SubjectForm> {
    d.subjects
        .iter()
        .map(|s| {
            let mut remedies: Vec<(String, String)> = s
                .remedies
                .iter()
                .map(|r| (r.text.clone(), iso(Some(r.due))))
                .collect();
            remedies.extend((0..BLANK_REMEDIES).map(|_| (String::new(), String::new())));
            SubjectForm {
                id: s.id,
                name: s.name.clone(),
                result: s.result.map(|f| f.as_str()).unwrap_or("").to_string(),
                codes: s.manifestations.join(", "),
                note: s.note.clone(),
                remedies,
            }
        })
        .collect()
}

/// The conclusion form as posted, with the same blank rows.
fn posted_forms(d: &CaseDetail, f: &Pairs) -> Vec<SubjectForm> {
    d.subjects
        .iter()
        .map(|s| {
            let mut remedies = Vec::new();
            let mut i = 0;
            loop {
                let t = format!("rt_{}_{i}", s.id);
                if !f.has(&t) {
                    break;
                }
                remedies.push((
                    f.get(&t).to_string(),
                    f.get(&format!("rd_{}_{i}", s.id)).to_string(),
                ));
                i += 1;
            }
            if remedies.iter().all(|(t, d)| !t.is_empty() || !d.is_empty()) {
                remedies.push((String::new(), String::new()));
            }
            SubjectForm {
                id: s.id,
                name: s.name.clone(),
                result: f.get(&format!("r_{}", s.id)).to_string(),
                codes: f.get(&format!("m_{}", s.id)).to_string(),
                note: f.get(&format!("n_{}", s.id)).to_string(),
                remedies,
            }
        })
        .collect()
}

struct Posted {
    concluded_on: String,
    conclusion: String,
    forms: Vec<SubjectForm>,
}

fn case_page(
    st: &AppState,
    user: &WebUser,
    d: &CaseDetail,
    posted: Option<Posted>,
    errors: FormErrors,
    flash_code: Option<&str>,
) -> PageResult {
    let c = &d.case;
    let (form_concluded_on, form_conclusion, forms) = match posted {
        Some(p) => (p.concluded_on, p.conclusion, p.forms),
        None => (
            iso(Some(c.concluded_on.unwrap_or_else(|| st.db.today()))),
            c.conclusion.clone(),
            stored_forms(d),
        ),
    };
    let mut known: Vec<String> = vec!["concluded_on".into(), "conclusion".into()];
    for f in &forms {
        known.push(f.field("r"));
        known.push(f.field("m"));
        known.push(f.field("n"));
        for i in 0..f.remedies.len() {
            known.push(f.remedy_field("rd", i));
        }
    }
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let other = super::other_errors(&errors, &known_refs);
    let subjects = d
        .subjects
        .iter()
        .map(|s| {
            let mut q: Vec<(&str, &str)> = Vec::new();
            let case_id = c.id.to_string();
            q.push(("ho-so", &case_id));
            if s.member_id.is_some() {
                q.push(("the", &s.code));
            } else {
                q.push(("to-chuc", &s.code));
            }
            SubjectView {
                name: s.name.clone(),
                code: s.code.clone(),
                unit_name: s.unit_name.clone(),
                is_member: s.member_id.is_some(),
                result: s.result.map(finding).unwrap_or("Chưa kết luận"),
                result_badge: result_badge(s.result),
                manifestations: s.manifestations.join(", "),
                note: s.note.clone(),
                remedies: s.remedies.iter().map(remedy_view).collect(),
                discipline_href: format!("/ky-luat/moi{}", query_string(&q)),
            }
        })
        .collect();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CasePage {
        ctx: Ctx::new(user, c.title.clone(), "inspections").with_flash(flash(flash_code)),
        csrf: user.csrf.clone(),
        id: c.id,
        kind: case_kind(c.kind),
        title: c.title.clone(),
        unit_name: c.unit_name.clone(),
        body: inspection_body(c.body),
        decision: c.decision_number.clone(),
        decided_on: date(Some(c.decided_on)),
        period: period(c.from, c.to),
        directive_05: c.directive_05,
        team: c.team.clone(),
        concluded_on: date(c.concluded_on),
        conclusion: c.conclusion.clone(),
        subjects_count: subjects_label(c.subject_units, c.subject_members),
        created_by: c.created_by.clone(),
        subjects,
        can_manage: d.can_manage,
        form_concluded_on,
        form_conclusion,
        forms,
        results: Finding::ALL
            .iter()
            .map(|f| (f.as_str(), finding(*f)))
            .collect(),
        errors,
        other,
        documents: d
            .documents
            .iter()
            .map(|x| {
                (
                    x.id,
                    x.filename.clone(),
                    crate::view::num((x.size + 1023) / 1024),
                    timestamp(&x.uploaded_at),
                )
            })
            .collect(),
        disciplines: d
            .disciplines
            .iter()
            .map(|x| DisciplineRow {
                id: x.id,
                subject: x.subject_name.clone(),
                form: super::form_label(x.form_in_force.or(Some(x.form))),
                state: discipline_state(x.state),
                decision: format!("{} · {}", x.decision_number, date(Some(x.decided_on))),
            })
            .collect(),
        new_discipline: format!("/ky-luat/moi?ho-so={}", c.id),
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    tb: Option<String>,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    super::require_read(&user)?;
    let p = &user.principal;
    let d = st
        .db
        .inspections()
        .case_detail(&Actor::user(p, "web"), p, id)
        .await
        .page(&user)?;
    case_page(&st, &user, &d, None, FormErrors::default(), q.tb.as_deref())
}

pub async fn conclude(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    super::require_manage(&user)?;
    let p = &user.principal;
    let actor = Actor::user(p, "web");
    let d = st
        .db
        .inspections()
        .case_detail(&actor, p, id)
        .await
        .page(&user)?;
    if !d.can_manage {
        return Err(crate::respond::PageError::not_found(&user));
    }
    let f = Pairs(pairs);
    let forms = posted_forms(&d, &f);
    let mut errors = FormErrors::default();
    let concluded_on = match parse_form_date(f.get("concluded_on")) {
        Ok(Some(x)) => Some(x),
        Ok(None) => {
            errors.push("concluded_on", "Hãy nhập ngày kết luận (dd/mm/yyyy)");
            None
        }
        Err(m) => {
            errors.push("concluded_on", m);
            None
        }
    };
    let mut findings = Vec::new();
    for (s, form) in d.subjects.iter().zip(&forms) {
        let result = Finding::parse(&form.result);
        if result.is_none() {
            errors.push(&form.field("r"), "Hãy chọn kết quả");
        }
        let mut codes = Vec::new();
        for c in super::split_list(&form.codes.replace(' ', ",")) {
            match domain::inspection::manifestation_code(&c) {
                Ok(code) => codes.push(code),
                Err(e) => errors.push(&form.field("m"), e.to_string()),
            }
        }
        let mut remedies = Vec::new();
        for (i, (text, due)) in form.remedies.iter().enumerate() {
            if text.trim().is_empty() && due.trim().is_empty() {
                continue;
            }
            let field = form.remedy_field("rd", i);
            if text.trim().is_empty() {
                errors.push(&field, "Hãy nhập nội dung yêu cầu khắc phục");
                continue;
            }
            match parse_form_date(due) {
                Ok(Some(due)) => remedies.push(RemedyInput {
                    text: text.trim().to_string(),
                    due,
                }),
                Ok(None) => errors.push(&field, "Hãy nhập hạn khắc phục (dd/mm/yyyy)"),
                Err(m) => errors.push(&field, m),
            }
        }
        let subject = match (s.unit_id, s.member_id) {
            (_, Some(m)) => SubjectRef::Member(m),
            (Some(u), None) => SubjectRef::Unit(u),
            (None, None) => continue,
        };
        if let Some(result) = result {
            findings.push(FindingInput {
                subject,
                result,
                manifestations: codes,
                registration_id: s.registration_id,
                note: form.note.trim().to_string(),
                remedies,
            });
        }
    }
    let posted = |forms| Posted {
        concluded_on: f.get("concluded_on").to_string(),
        conclusion: f.get("conclusion").to_string(),
        forms,
    };
    let Some(concluded_on) = concluded_on.filter(|_| !errors.any()) else {
        return case_page(&st, &user, &d, Some(posted(forms)), errors, None);
    };
    let input = ConclusionInput {
        concluded_on,
        conclusion: f.get("conclusion").trim().to_string(),
        findings,
    };
    match st
        .db
        .inspections()
        .conclude_case(&actor, p, id, &input)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/kiem-tra/{id}?tb=da-ket-luan#doi-tuong")).into_response())
        }
        Err(StoreError::Invalid(list)) => {
            case_page(&st, &user, &d, Some(posted(forms)), FormErrors(list), None)
        }
        Err(e) => Err(e).page(&user),
    }
}
