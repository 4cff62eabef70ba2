//! The forms of the unit-against-a-set page: a dated assessment of the criteria, a recognition decision
//! (công nhận đạt chuẩn) and the withdrawal of one. A refused form shows the page again with what was
//! typed and the errors; an accepted one redirects back to the page on the form's day.

use super::unit::{page, MarkRow, Posted};
use super::{load_set, require_staff, seg, state_badge};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath};
use crate::respond::{FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{date, parse_form_date};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::criteria::CriterionState;
use domain::policy::Principal;
use serde::Deserialize;
use store::{Actor, AssessmentInput, MarkInput, RecognitionInput, StoreError, WithdrawalInput};

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

/// A date the form must carry: `None` with an error on `field` when it is empty (`missing`) or unreadable.
fn required_date(
    errors: &mut FormErrors,
    field: &str,
    text: &str,
    missing: &str,
) -> Option<NaiveDate> {
    match parse_form_date(text) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push(field, missing);
            None
        }
        Err(m) => {
            errors.push(field, m);
            None
        }
    }
}

/// Store refusals placed on the form's fields; one about another field goes on `fallback`.
fn on_fields(list: Vec<store::FieldError>, fields: &[&str], fallback: &str) -> FormErrors {
    let mut errors = FormErrors::default();
    for e in list {
        let f = if fields.contains(&e.field.as_str()) {
            e.field.as_str()
        } else {
            fallback
        };
        errors.push(f, e.message);
    }
    errors
}

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
    let as_of = required_date(&mut errors, "as_of", &as_of_text, "Hãy nhập ngày đánh giá");
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
    let decided_on = required_date(
        &mut errors,
        "decided_on",
        &v.decided_on,
        "Hãy nhập ngày quyết định",
    );
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
            let errors = on_fields(
                list,
                &["decision_number", "decided_on", "issued_by"],
                "decided_on",
            );
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
    require_staff(&user)?;
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let withdrawn_on = required_date(
        &mut errors,
        "withdrawn_on",
        &v.withdrawn_on,
        "Hãy nhập ngày thu hồi",
    );
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
            let errors = on_fields(
                list,
                &["withdrawn_on", "decision_number", "reason"],
                "withdrawn_on",
            );
            let posted = Posted::Withdraw { id, v, errors };
            page(&st, &user, &code, &unit_code, "", posted, None).await
        }
        Err(e) => Err(e).page(&user),
    }
}
