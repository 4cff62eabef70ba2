//! The member form: create and edit, re-shown with errors beside the fields.

use crate::auth::WebUser;
use crate::extract::CsrfForm;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{date, iso, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::member::PositionInput;
use domain::policy::Capability;
use domain::{Gender, Member};
use serde::Deserialize;
use std::collections::BTreeMap;
use store::{Actor, MemberInput, StoreError};

/// Characters of a dd/mm/yyyy date box.
pub const DATE_BOX: usize = 10;
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
    /// The position rows, as `position_{title,duties,from,to}_{row}` (see [`PositionRow`]); other
    /// unknown fields land here too and are ignored.
    #[serde(flatten)]
    pub rest: BTreeMap<String, String>,
}

/// Highest row index read from a submitted form (rows past it are ignored).
const MAX_ROW_INDEX: usize = 4 * domain::limits::MAX_POSITIONS;

/// One position row of the form, as typed: title, duties and the dd/mm/yyyy days it was held from and to.
#[derive(Default, Clone, Debug)]
pub struct PositionRow {
    pub title: String,
    pub duties: String,
    pub from: String,
    pub to: String,
}

impl PositionRow {
    fn is_blank(&self) -> bool {
        [&self.title, &self.duties, &self.from, &self.to]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// A position row as shown: its index (the suffix of its field names), values and errors.
pub struct PositionRowView {
    pub index: usize,
    pub row: PositionRow,
    pub title_error: String,
    pub from_error: String,
    pub to_error: String,
}

impl PositionRowView {
    pub fn has_error(&self) -> bool {
        !(self.title_error.is_empty() && self.from_error.is_empty() && self.to_error.is_empty())
    }
}

fn row_field(kind: &str, index: usize) -> String {
    format!("position_{kind}_{index}")
}

impl MemberForm {
    /// The position rows typed, by index (blank rows included, so indices match the field names).
    pub fn position_rows(&self) -> Vec<PositionRow> {
        let mut rows: Vec<PositionRow> = Vec::new();
        for (k, v) in &self.rest {
            let Some((kind, index)) = k.strip_prefix("position_").and_then(|r| r.rsplit_once('_'))
            else {
                continue;
            };
            let Ok(i) = index.parse::<usize>() else {
                continue;
            };
            if i > MAX_ROW_INDEX {
                continue;
            }
            if rows.len() <= i {
                rows.resize(i + 1, PositionRow::default());
            }
            let row = &mut rows[i];
            match kind {
                "title" => row.title = v.clone(),
                "duties" => row.duties = v.clone(),
                "from" => row.from = v.clone(),
                "to" => row.to = v.clone(),
                _ => {}
            }
        }
        rows
    }

    fn set_position_rows(&mut self, rows: &[PositionRow]) {
        self.rest.retain(|k, _| !k.starts_with("position_"));
        for (i, r) in rows.iter().enumerate() {
            for (kind, v) in [
                ("title", &r.title),
                ("duties", &r.duties),
                ("from", &r.from),
                ("to", &r.to),
            ] {
                self.rest.insert(row_field(kind, i), v.clone());
            }
        }
    }

    fn positions(&self, errors: &mut FormErrors) -> Vec<PositionInput> {
        let mut out = Vec::new();
        for (i, r) in self.position_rows().iter().enumerate() {
            if r.is_blank() {
                continue;
            }
            let mut day = |kind: &str, v: &str| match parse_form_date(v) {
                Ok(d) => d,
                Err(e) => {
                    errors.push(&row_field(kind, i), e);
                    None
                }
            };
            let from = day("from", &r.from);
            let to = day("to", &r.to);
            if r.title.trim().is_empty() {
                errors.push(&row_field("title", i), "Thiếu tên chức vụ");
                continue;
            }
            if let (Some(f), Some(t)) = (from, to) {
                if t <= f {
                    errors.push(&row_field("to", i), domain::member::POSITION_TO_BEFORE_FROM);
                }
            }
            out.push(PositionInput {
                title: r.title.trim().to_string(),
                duties: r.duties.trim().to_string(),
                from,
                to,
            });
        }
        out
    }

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
        let positions = self.positions(errors);
        MemberInput {
            full_name: self.full_name.clone(),
            gender,
            birth_date,
            card_number: opt(&self.card_number),
            citizen_id: opt(&self.citizen_id),
            joined_on,
            official_on,
            phone: opt(&self.phone),
            positions,
        }
    }

    fn from_member(m: &domain::Member) -> MemberForm {
        let rows: Vec<PositionRow> = m
            .positions
            .iter()
            .map(|p| PositionRow {
                title: p.title.clone(),
                duties: p.duties.clone(),
                from: date(p.from),
                to: date(p.to),
            })
            .collect();
        let mut f = MemberForm {
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
            rest: BTreeMap::new(),
        };
        f.set_position_rows(&rows);
        f
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
    rows: Vec<PositionRowView>,
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
    use domain::limits::{clip, Field, MAX_POSITIONS};
    let mut typed = f.position_rows();
    // Blank rows to add positions: two after the last one typed, at least three, at most the limit
    // (or as many as were typed, when more).
    let shown = (typed.len() + 2).clamp(3, MAX_POSITIONS).max(typed.len());
    typed.resize(shown, PositionRow::default());
    let rows: Vec<PositionRowView> = typed
        .into_iter()
        .enumerate()
        .map(|(index, r)| PositionRowView {
            index,
            title_error: errors.get(&row_field("title", index)),
            from_error: errors.get(&row_field("from", index)),
            to_error: errors.get(&row_field("to", index)),
            row: PositionRow {
                title: clip(Field::PositionTitle, &r.title).to_string(),
                duties: clip(Field::Duties, &r.duties).to_string(),
                from: r.from.chars().take(DATE_BOX).collect(),
                to: r.to.chars().take(DATE_BOX).collect(),
            },
        })
        .collect();
    f.rest.clear();
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
        rows,
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
