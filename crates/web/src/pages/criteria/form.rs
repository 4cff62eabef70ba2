//! The criteria set form: code, title, version, description, what it applies to (a unit type or a list of
//! units), and the criteria as editable rows. Rows are added without script ("Thêm dòng" shows the form
//! again with more blank rows) or filled from a CSV/XLSX file (`office::criteria::parse_criteria`); a file
//! with bad rows lists each one with its line and column, and nothing typed is lost.

use super::{messages, require_staff, seg};
use crate::auth::WebUser;
use crate::extract::{CsrfMultipart, PagePath};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::Ctx;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::policy::{Capability, Principal};
use domain::UnitType;
use store::{AppliesTo, CriteriaSet, CriteriaSetInput, Criterion, StoreError};

/// Blank rows a new form starts with, and rows "Thêm dòng" adds.
const BLANK_ROWS: usize = 5;
/// More rows than any criteria set has; a form claiming more is cut here.
const MAX_ROWS: usize = 500;

/// One criterion row as typed.
#[derive(Debug, Clone, Default)]
pub struct RowFields {
    pub code: String,
    pub group: String,
    pub title: String,
    pub measure: String,
    pub target: String,
}

impl RowFields {
    fn is_blank(&self) -> bool {
        [
            &self.code,
            &self.group,
            &self.title,
            &self.measure,
            &self.target,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// The form as typed (all strings, shown again with errors).
#[derive(Debug, Clone, Default)]
pub struct SetFields {
    pub code: String,
    pub title: String,
    pub version: String,
    pub description: String,
    /// "type" or "units".
    pub applies: String,
    pub applies_type: String,
    pub units: Vec<String>,
    pub rows: Vec<RowFields>,
}

impl SetFields {
    fn from_set(s: &CriteriaSet) -> SetFields {
        let (applies, applies_type, units) = match &s.applies_to {
            AppliesTo::UnitType(t) => ("type", t.as_str().to_string(), Vec::new()),
            AppliesTo::Units(list) => (
                "units",
                String::new(),
                list.iter().map(|u| u.code.clone()).collect(),
            ),
        };
        SetFields {
            code: s.code.clone(),
            title: s.title.clone(),
            version: s.version.clone(),
            description: s.description.clone(),
            applies: applies.to_string(),
            applies_type,
            units,
            rows: s
                .items
                .iter()
                .map(|c| RowFields {
                    code: c.code.clone(),
                    group: c.group.clone(),
                    title: c.title.clone(),
                    measure: c.measure.clone(),
                    target: c.target.clone(),
                })
                .collect(),
        }
    }

    fn from_form(form: &CsrfMultipart, unit_codes: &[String]) -> SetFields {
        let n = form
            .text("rows")
            .trim()
            .parse::<usize>()
            .unwrap_or(0)
            .min(MAX_ROWS);
        let rows = (0..n)
            .map(|i| RowFields {
                code: form.text(&format!("c_code_{i}")).trim().to_string(),
                group: form.text(&format!("c_group_{i}")).trim().to_string(),
                title: form.text(&format!("c_title_{i}")).trim().to_string(),
                measure: form.text(&format!("c_measure_{i}")).trim().to_string(),
                target: form.text(&format!("c_target_{i}")).trim().to_string(),
            })
            .collect();
        SetFields {
            code: form.text("code").trim().to_string(),
            title: form.text("title").trim().to_string(),
            version: form.text("version").trim().to_string(),
            description: form.text("description").trim().to_string(),
            applies: if form.text("applies") == "units" {
                "units".into()
            } else {
                "type".into()
            },
            applies_type: form.text("applies_type").trim().to_string(),
            units: unit_codes
                .iter()
                .filter(|c| form.has(&format!("u_{c}")))
                .cloned()
                .collect(),
            rows,
        }
    }

    /// Drops blank rows, then adds `blank` empty ones.
    fn with_blank_rows(mut self, blank: usize) -> SetFields {
        self.rows.retain(|r| !r.is_blank());
        let n = (self.rows.len() + blank).min(MAX_ROWS);
        self.rows.resize(n, RowFields::default());
        self
    }
}

/// A unit the set may be applied to, as a checkbox.
pub struct UnitOption {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "crit_form.html")]
struct FormPage {
    ctx: Ctx,
    csrf: String,
    /// Empty for a new set; the set's code when editing.
    editing: String,
    action: String,
    v: SetFields,
    types: Vec<(&'static str, &'static str)>,
    units: Vec<UnitOption>,
    errors: FormErrors,
    /// Refusals with no field of their own (store rules, row problems).
    other: Vec<String>,
    /// Bad rows of an uploaded file: "Dòng 5, cột “Mã”: …".
    file_errors: Vec<String>,
    /// How many rows the file filled in.
    imported: usize,
}

/// Units of the caller's scope a set may name (cells left out: criteria sets are for communes, wards and
/// committees), open today, plus any already chosen.
async fn unit_choices(
    st: &AppState,
    p: &Principal,
    chosen: &[String],
) -> Result<Vec<UnitOption>, StoreError> {
    let units = st
        .db
        .units()
        .list_units(p, None, Some(st.db.today()))
        .await?;
    Ok(units
        .iter()
        .filter(|u| {
            chosen.contains(&u.code)
                || !matches!(u.unit_type, UnitType::Cell | UnitType::GrassrootsCell)
        })
        .take(1000)
        .map(|u| UnitOption {
            code: u.code.clone(),
            label: format!("{} ({})", u.name, u.code),
            checked: chosen.contains(&u.code),
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn page(
    st: &AppState,
    user: &WebUser,
    editing: &str,
    v: SetFields,
    errors: FormErrors,
    other: Vec<String>,
    file_errors: Vec<String>,
    imported: usize,
) -> PageResult {
    let p = &user.principal;
    let units = unit_choices(st, p, &v.units).await.page(user)?;
    let bad = errors.any() || !other.is_empty() || !file_errors.is_empty();
    let status = if bad {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = if editing.is_empty() {
        "Bộ tiêu chí mới".to_string()
    } else {
        format!("Sửa bộ tiêu chí {editing}")
    };
    let page = FormPage {
        ctx: Ctx::new(user, title, "criteria"),
        csrf: user.csrf.clone(),
        editing: editing.to_string(),
        action: if editing.is_empty() {
            "/tieu-chi/moi".to_string()
        } else {
            format!("/tieu-chi/{}/sua", seg(editing))
        },
        v,
        types: UnitType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label()))
            .collect(),
        units,
        errors,
        other,
        file_errors,
        imported,
    };
    Ok((status, render(&page)).into_response())
}

fn require_manage(user: &WebUser) -> Result<(), PageError> {
    require_staff(user)?;
    if user.principal.has(Capability::ManageCriteria) {
        Ok(())
    } else {
        Err(PageError::not_found(user))
    }
}

/// The set to edit, when the caller may edit it.
async fn editable(st: &AppState, user: &WebUser, code: &str) -> Result<CriteriaSet, PageError> {
    require_manage(user)?;
    let set = super::load_set(st, user, code).await?;
    if user.principal.can_manage_criteria(&set.owner_path) {
        Ok(set)
    } else {
        Err(PageError::not_found(user))
    }
}

pub async fn new_form(State(st): State<AppState>, user: WebUser) -> PageResult {
    require_manage(&user)?;
    let v = SetFields {
        applies: "type".into(),
        applies_type: UnitType::GrassrootsCommittee.as_str().into(),
        ..Default::default()
    }
    .with_blank_rows(BLANK_ROWS);
    page(&st, &user, "", v, FormErrors::default(), vec![], vec![], 0).await
}

pub async fn edit_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(code): PagePath<String>,
) -> PageResult {
    let set = editable(&st, &user, &code).await?;
    let v = SetFields::from_set(&set).with_blank_rows(2);
    page(
        &st,
        &user,
        &set.code,
        v,
        FormErrors::default(),
        vec![],
        vec![],
        0,
    )
    .await
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    mut form: CsrfMultipart,
) -> PageResult {
    require_manage(&user)?;
    submit(&st, &user, None, &mut form).await
}

pub async fn update(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(code): PagePath<String>,
    mut form: CsrfMultipart,
) -> PageResult {
    let set = editable(&st, &user, &code).await?;
    submit(&st, &user, Some(set), &mut form).await
}

/// Adds the file's rows to the typed ones: a row with a code already typed replaces it, others are added.
fn merge_rows(v: &mut SetFields, file_rows: Vec<RowFields>) {
    for r in file_rows {
        match v
            .rows
            .iter_mut()
            .find(|x| !x.code.is_empty() && x.code == r.code)
        {
            Some(x) => *x = r,
            None => v.rows.push(r),
        }
    }
}

async fn submit(
    st: &AppState,
    user: &WebUser,
    existing: Option<CriteriaSet>,
    form: &mut CsrfMultipart,
) -> PageResult {
    let p = &user.principal;
    let all_units: Vec<String> = st
        .db
        .units()
        .list_units(p, None, None)
        .await
        .page(user)?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let mut v = SetFields::from_form(form, &all_units);
    let editing = existing
        .as_ref()
        .map(|s| s.code.clone())
        .unwrap_or_default();
    if let Some(s) = &existing {
        // The code of a set being edited comes from its address, never from the form.
        v.code = s.code.clone();
    }
    let action = form.text("action").to_string();

    // A file fills the rows (and is never saved on its own: the form comes back to be checked).
    let mut file_errors = Vec::new();
    let mut imported = 0;
    if let Some(file) = form.take_file("file") {
        let name = file.filename.unwrap_or_default();
        match office::criteria::parse_criteria(&file.bytes, &name) {
            Ok(parsed) => {
                imported = parsed.rows.len();
                file_errors = parsed
                    .errors
                    .iter()
                    .map(|e| format!("Dòng {}, cột “{}”: {}", e.line, e.column, e.message))
                    .collect();
                let rows = parsed
                    .rows
                    .into_iter()
                    .map(|r| RowFields {
                        code: r.code,
                        group: r.group,
                        title: r.title,
                        measure: r.measure,
                        target: r.target,
                    })
                    .collect();
                merge_rows(&mut v, rows);
            }
            Err(e) => file_errors.push(e.to_string()),
        }
        if action != "save" || !file_errors.is_empty() {
            let v = v.with_blank_rows(2);
            return page(
                st,
                user,
                &editing,
                v,
                FormErrors::default(),
                vec![],
                file_errors,
                imported,
            )
            .await;
        }
    } else if action == "nhap" {
        let mut errors = FormErrors::default();
        errors.push("file", "Hãy chọn tệp CSV hoặc XLSX chứa danh sách tiêu chí");
        let v = v.with_blank_rows(0);
        return page(st, user, &editing, v, errors, vec![], vec![], 0).await;
    }
    if action == "them-dong" {
        let v = v.with_blank_rows(BLANK_ROWS);
        return page(
            st,
            user,
            &editing,
            v,
            FormErrors::default(),
            vec![],
            vec![],
            0,
        )
        .await;
    }

    // Save: check what the store cannot say beside a field.
    let v = v.with_blank_rows(0);
    let mut errors = FormErrors::default();
    let mut other = Vec::new();
    if existing.is_none() {
        if !valid_set_code(&v.code) {
            errors.push(
                "code",
                "Mã bộ tiêu chí: chữ, số, dấu chấm hoặc gạch, tối đa 20 ký tự (ví dụ NTM-2016)",
            );
        } else if super::found(st.db.criteria().set(p, &v.code).await)
            .page(user)?
            .is_some()
        {
            errors.push("code", format!("Đã có bộ tiêu chí mã {}", v.code));
        }
    }
    if v.title.is_empty() {
        errors.push("title", "Hãy nhập tên bộ tiêu chí");
    }
    if v.applies == "units" && v.units.is_empty() {
        errors.push("applies", "Hãy chọn ít nhất một đơn vị áp dụng");
    }
    if v.applies == "type" && UnitType::parse(&v.applies_type).is_none() {
        errors.push("applies", "Hãy chọn loại đơn vị áp dụng");
    }
    if v.rows.is_empty() {
        errors.push("items", "Hãy nhập ít nhất một tiêu chí (mã và tên)");
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, r) in v.rows.iter().enumerate() {
        let line = i + 1;
        if !domain::criteria::valid_code(&r.code) {
            other.push(format!(
                "Tiêu chí dòng {line}: mã “{}” không hợp lệ (chữ, số, dấu chấm hoặc gạch, tối đa 20 ký tự)",
                r.code
            ));
        } else if seen.contains(&r.code.as_str()) {
            other.push(format!("Tiêu chí dòng {line}: mã {} bị trùng", r.code));
        }
        seen.push(&r.code);
        if r.title.is_empty() {
            other.push(format!("Tiêu chí dòng {line}: hãy nhập tên tiêu chí"));
        }
    }
    if errors.any() || !other.is_empty() {
        let v = v.with_blank_rows(2);
        return page(st, user, &editing, v, errors, other, vec![], 0).await;
    }
    let input = CriteriaSetInput {
        code: v.code.clone(),
        title: v.title.clone(),
        version: v.version.clone(),
        description: v.description.clone(),
        owner_code: existing
            .as_ref()
            .map(|s| s.owner.code.clone())
            .unwrap_or_default(),
        applies_type: if v.applies == "type" {
            v.applies_type.clone()
        } else {
            String::new()
        },
        unit_codes: if v.applies == "units" {
            v.units.clone()
        } else {
            Vec::new()
        },
        items: v
            .rows
            .iter()
            .map(|r| Criterion {
                code: r.code.clone(),
                title: r.title.clone(),
                group: r.group.clone(),
                measure: r.measure.clone(),
                target: r.target.clone(),
            })
            .collect(),
    };
    match st
        .db
        .criteria()
        .save_set(p, &store::Actor::user(p, "web"), &input)
        .await
    {
        Ok((set, _)) => Ok(Redirect::to(&format!(
            "/tieu-chi/{}?tb=da-luu-bo-tieu-chi",
            seg(&set.code)
        ))
        .into_response()),
        Err(StoreError::Invalid(list)) => {
            let fields = ["code", "title", "version", "description", "applies"];
            let other = list
                .iter()
                .filter(|e| !fields.contains(&e.field.as_str()))
                .map(|e| e.message.clone())
                .collect();
            let errors = FormErrors(
                list.into_iter()
                    .filter(|e| fields.contains(&e.field.as_str()))
                    .collect(),
            );
            let v = v.with_blank_rows(2);
            page(st, user, &editing, v, errors, other, vec![], 0).await
        }
        Err(StoreError::Conflict(m)) => {
            let v = v.with_blank_rows(2);
            page(
                st,
                user,
                &editing,
                v,
                FormErrors::default(),
                vec![m],
                vec![],
                0,
            )
            .await
        }
        Err(StoreError::Forbidden) => {
            let v = v.with_blank_rows(2);
            let other = messages(&[store::FieldError::new(
                "applies",
                "Bạn không có quyền áp dụng bộ tiêu chí cho các đơn vị đã chọn",
            )]);
            page(
                st,
                user,
                &editing,
                v,
                FormErrors::default(),
                other,
                vec![],
                0,
            )
            .await
        }
        Err(e) => Err(e).page(user),
    }
}

/// A set's code: letters, digits, '.', '-', '_', at most 20 characters (as a criterion's).
fn valid_set_code(code: &str) -> bool {
    domain::criteria::valid_code(code)
}
