//! The member form: create and edit, re-shown with errors beside the fields.

use crate::auth::WebUser;
use crate::extract::CsrfForm;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{iso, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::policy::Capability;
use domain::{Gender, Member};
use serde::Deserialize;
use store::{Actor, MemberInput, StoreError};
/// The member form as typed (strings), so that it can be shown again with errors.
#[derive(Deserialize, Default, Clone)]
pub struct MemberForm {
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub card_number: String,
    #[serde(default)]
    pub citizen_id: String,
    #[serde(default)]
    pub joined_on: String,
    #[serde(default)]
    pub official_on: String,
    #[serde(default)]
    pub phone: String,
    /// One position per line: "Chức vụ" or "Chức vụ | chức trách".
    #[serde(default)]
    pub positions: String,
}

impl MemberForm {
    fn to_input(&self, errors: &mut FormErrors) -> MemberInput {
        let mut date_field = |name: &str, v: &str| match parse_form_date(v) {
            Ok(d) => d,
            Err(e) => {
                errors.push(name, e);
                None
            }
        };
        let birth_date = date_field("birth_date", &self.birth_date);
        let joined_on = date_field("joined_on", &self.joined_on);
        let official_on = date_field("official_on", &self.official_on);
        let gender = if self.gender.is_empty() {
            None
        } else {
            let g = Gender::parse(&self.gender);
            if g.is_none() {
                errors.push("gender", "Giới tính phải là Nam hoặc Nữ");
            }
            g
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        MemberInput {
            full_name: self.full_name.clone(),
            gender,
            birth_date,
            card_number: opt(&self.card_number),
            citizen_id: opt(&self.citizen_id),
            joined_on,
            official_on,
            phone: opt(&self.phone),
            positions: self
                .positions
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| match l.split_once('|') {
                    Some((t, d)) => (t.trim().to_string(), d.trim().to_string()),
                    None => (l.trim().to_string(), String::new()),
                })
                .collect(),
        }
    }

    fn from_member(m: &domain::Member) -> MemberForm {
        MemberForm {
            unit_code: m.unit_code.clone(),
            since: String::new(),
            full_name: m.full_name.clone(),
            gender: m.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
            birth_date: iso(m.birth_date),
            card_number: m.card_number.clone().unwrap_or_default(),
            citizen_id: m.citizen_id.clone().unwrap_or_default(),
            joined_on: iso(m.joined_on),
            official_on: iso(m.official_on),
            phone: m.phone.clone().unwrap_or_default(),
            positions: m
                .positions
                .iter()
                .map(|p| {
                    if p.duties.is_empty() {
                        p.title.clone()
                    } else {
                        format!("{} | {}", p.title, p.duties)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct FormPage {
    ctx: Ctx,
    heading: String,
    action: String,
    creating: bool,
    f: MemberForm,
    errors: FormErrors,
    csrf: String,
    cancel: String,
}

fn form_page(
    user: &WebUser,
    creating: bool,
    id: Option<i64>,
    mut f: MemberForm,
    errors: FormErrors,
) -> Response {
    // A refused form shows what was typed, cut to the field's limit (the error says what the limit is),
    // so an oversized value is not sent back whole.
    f.full_name = domain::limits::clip(domain::limits::Field::PersonName, &f.full_name).to_string();
    f.unit_code = domain::limits::clip(domain::limits::Field::UnitCode, &f.unit_code).to_string();
    if let Some((at, _)) = f
        .positions
        .char_indices()
        .nth(domain::limits::POSITIONS_TEXT)
    {
        f.positions.truncate(at);
    }
    let heading = if creating {
        "Thêm đảng viên".to_string()
    } else {
        format!("Sửa hồ sơ: {}", f.full_name)
    };
    let (action, cancel) = match id {
        Some(id) => (format!("/dang-vien/{id}/sua"), format!("/dang-vien/{id}")),
        None => ("/dang-vien/moi".to_string(), "/dang-vien".to_string()),
    };
    let status = if errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = FormPage {
        ctx: Ctx::new(user, heading.clone(), "members"),
        heading,
        action,
        creating,
        f,
        errors,
        csrf: user.csrf.clone(),
        cancel,
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    don_vi: String,
}

pub async fn new_form(user: WebUser, PageQuery(q): PageQuery<NewQuery>) -> PageResult {
    if !user.principal.has(Capability::WriteMembers) {
        return Err(PageError::not_found(&user));
    }
    Ok(form_page(
        &user,
        true,
        None,
        MemberForm {
            unit_code: q.don_vi,
            ..Default::default()
        },
        FormErrors::default(),
    ))
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> PageResult {
    if !user.principal.has(Capability::WriteMembers) {
        return Err(PageError::not_found(&user));
    }
    let mut errors = FormErrors::default();
    let input = f.to_input(&mut errors);
    let since = match parse_form_date(&f.since) {
        Ok(d) => d,
        Err(e) => {
            errors.push("since", e);
            None
        }
    };
    if !errors.any() {
        let actor = Actor::user(&user.principal, "web");
        match st
            .db
            .members()
            .create_member(&actor, &user.principal, &input, f.unit_code.trim(), since)
            .await
        {
            Ok(m) => {
                return Ok(Redirect::to(&format!("/dang-vien/{}?tb=da-tao", m.id)).into_response())
            }
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return Err(e).page(&user),
        }
    }
    Ok(form_page(&user, true, None, f, errors))
}

/// The member behind a form the user is about to see or submit, if they may change it: the same rule as
/// the store's write (`Principal::can_write_member` on the member's unit). Otherwise the answer the refused
/// write gets — the "not found" page — so a form is never shown to someone who cannot submit it.
pub(super) async fn writable_member(
    st: &AppState,
    user: &WebUser,
    id: i64,
) -> Result<Member, PageError> {
    let p = &user.principal;
    match st.db.members().member_unscoped(id).await.page(user)? {
        // The same pair of checks as `Members::update_member`, on one joined read.
        Some((m, path)) if p.can_read_member(id, &path) && p.can_write_member(&path) => Ok(m),
        _ => Err(PageError::not_found(user)),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let m = writable_member(&st, &user, id).await?;
    Ok(form_page(
        &user,
        false,
        Some(id),
        MemberForm::from_member(&m),
        FormErrors::default(),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> PageResult {
    writable_member(&st, &user, id).await?;
    let mut errors = FormErrors::default();
    let input = f.to_input(&mut errors);
    if !errors.any() {
        let actor = Actor::user(&user.principal, "web");
        match st
            .db
            .members()
            .update_member(&actor, &user.principal, id, &input)
            .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/dang-vien/{id}?tb=da-luu")).into_response()),
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return Err(e).page(&user),
        }
    }
    Ok(form_page(&user, false, Some(id), f, errors))
}
