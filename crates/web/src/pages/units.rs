//! The unit page: where it sits, its sub-units with member counts, and its members.

use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{date, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::UnitType;
use store::{Actor, MemberListItem, MemberQuery, UnitInput, UnitSummary};

pub struct Crumb {
    pub id: i64,
    pub name: String,
}

pub struct MemberRowView {
    pub id: i64,
    pub full_name: String,
    pub birth: String,
    pub unit_name: String,
    pub status_label: &'static str,
    pub active: bool,
}

impl MemberRowView {
    pub fn from(m: &MemberListItem) -> MemberRowView {
        MemberRowView {
            id: m.id,
            full_name: m.full_name.clone(),
            birth: date(m.birth_date),
            unit_name: m.unit_name.clone(),
            status_label: m.status.label(),
            active: m.status == domain::MemberStatus::Active,
        }
    }
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    ctx: Ctx,
    crumbs: Vec<Crumb>,
    id: i64,
    code: String,
    name: String,
    type_label: &'static str,
    valid_from: String,
    valid_to: String,
    children: Vec<UnitSummary>,
    child_members: Vec<String>,
    members: Vec<MemberRowView>,
    /// Active members of the whole subtree, counted as the dashboard counts them (not limited to the
    /// members the viewer may list).
    members_total: String,
    /// Members attached to the unit itself when it also has party units under it and some members
    /// directly; empty otherwise.
    members_direct: String,
    /// The unit has party units under it (the count is "cả đơn vị trực thuộc").
    has_party_children: bool,
    /// An organisation (Mặt trận, đoàn thể, khối vận…) with no party member in it: no member count, no
    /// member list, no member actions.
    organisation: bool,
    /// How many members the viewer may list (the "see all" link).
    listed_total: String,
    more_members: bool,
    can_add_member: bool,
    can_export: bool,
    closed: bool,
    /// The unit has a page on the public portal (and a loudspeaker bulletin).
    portal: bool,
    can_manage: bool,
    can_move: bool,
    csrf: String,
    types: Vec<(&'static str, &'static str)>,
    form_kind: &'static str,
    cur_type: &'static str,
    cur_order: String,
    f: UnitForm,
    errors: FormErrors,
    /// "Tiêu chí và phân loại": the criteria sets that apply to the unit and its classifications.
    criteria: super::criteria::UnitSection,
}

/// What a unit-management form posted (all strings, re-shown with errors).
#[derive(serde::Deserialize, Default, Clone)]
pub struct UnitForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit_type: String,
    #[serde(default)]
    pub sort_order: String,
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub date: String,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<super::home::FlashQuery>,
) -> PageResult {
    let flash = crate::view::flash_message(q.tb.as_deref());
    unit_page(&st, &user, id, None, FormErrors::default(), flash).await
}

/// The unit page; `posted` is the management form that failed (which one, and what was typed).
async fn unit_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    posted: Option<(&'static str, UnitForm)>,
    errors: FormErrors,
    flash: Option<String>,
) -> PageResult {
    let p = &user.principal;
    let loaded = async {
        let unit = st.db.units().unit(p, id).await?;
        let crumbs = st.db.units().unit_ancestors(p, &unit).await?;
        let children = st.db.units().child_units(p, unit.id).await?;
        let (members, total) = st
            .db
            .members()
            .search_members(
                p,
                &MemberQuery {
                    unit_path: Some(unit.path.clone()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await?;
        let stats = st.db.units().scope_stats(p, &unit.path).await?;
        Ok::<_, store::StoreError>((unit, crumbs, children, members, total, stats.members))
    }
    .await;
    let (unit, crumbs, children, members, total, subtree) = loaded.page(user)?;
    let criteria = super::criteria::unit_section(st, p, &unit)
        .await
        .page(user)?;
    // Children's counts are of their whole subtrees, so what is left is attached to the unit itself.
    let in_children: i64 = children.iter().map(|c| c.member_count).sum();
    let has_party_children = children.iter().any(|c| c.unit.unit_type.is_party());
    let direct = subtree - in_children;
    let can_manage = p.can_write_unit(&unit.path);
    let (form_kind, form) = match posted {
        Some((k, f)) => (k, f),
        None => (
            "",
            UnitForm {
                name: unit.name.clone(),
                unit_type: unit.unit_type.as_str().to_string(),
                sort_order: unit.sort_order.to_string(),
                date: crate::view::iso(Some(st.db.today())),
                ..Default::default()
            },
        ),
    };
    let status = if errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = UnitPage {
        ctx: Ctx::new(user, unit.name.clone(), "home").with_flash(flash),
        crumbs: crumbs
            .into_iter()
            .map(|u| Crumb {
                id: u.id,
                name: u.name,
            })
            .collect(),
        id: unit.id,
        code: unit.code.clone(),
        name: unit.name.clone(),
        type_label: unit.unit_type.label(),
        valid_from: date(unit.valid_from),
        valid_to: date(unit.valid_to),
        closed: unit.valid_to.is_some(),
        portal: store::PORTAL_UNIT_TYPES.contains(&unit.unit_type.as_str())
            && unit.valid_to.is_none(),
        child_members: children.iter().map(|c| num(c.member_count)).collect(),
        children,
        more_members: total > members.len() as i64,
        members: members.iter().map(MemberRowView::from).collect(),
        members_total: num(subtree),
        members_direct: if has_party_children && direct > 0 {
            num(direct)
        } else {
            String::new()
        },
        has_party_children,
        organisation: !unit.unit_type.is_party() && subtree == 0,
        listed_total: num(total),
        can_add_member: p.can_write_member(&unit.path)
            && unit.unit_type.is_party()
            && unit.valid_to.is_none(),
        can_export: p.has(domain::policy::Capability::ExportMembers),
        can_manage,
        can_move: can_manage && unit.id != p.unit_id && unit.parent_id.is_some(),
        csrf: user.csrf.clone(),
        types: UnitType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label()))
            .collect(),
        form_kind,
        cur_type: unit.unit_type.as_str(),
        cur_order: unit.sort_order.to_string(),
        f: form,
        errors,
        criteria,
    };
    Ok((status, render(&page)).into_response())
}

fn parse_type(f: &UnitForm, errors: &mut FormErrors) -> Option<UnitType> {
    let t = UnitType::parse(&f.unit_type);
    if t.is_none() {
        errors.push("unit_type", "Chọn loại đơn vị");
    }
    t
}

fn parse_order(f: &UnitForm, errors: &mut FormErrors) -> i64 {
    if f.sort_order.trim().is_empty() {
        return 0;
    }
    match f.sort_order.trim().parse::<i64>() {
        Ok(v) if (0..=1_000_000).contains(&v) => v,
        _ => {
            errors.push("sort_order", "Thứ tự phải là số nguyên, từ 0 trở lên");
            0
        }
    }
}

fn parse_date_field(f: &UnitForm, errors: &mut FormErrors) -> Option<chrono::NaiveDate> {
    match crate::view::parse_form_date(&f.date) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("date", "Chọn ngày");
            None
        }
        Err(e) => {
            errors.push("date", e);
            None
        }
    }
}

/// Runs one management action and shows the result: back to the page with a message, or the form again
/// with the errors beside its fields.
async fn finish(
    st: &AppState,
    user: &WebUser,
    id: i64,
    kind: &'static str,
    f: UnitForm,
    mut errors: FormErrors,
    result: Option<Result<domain::Unit, store::StoreError>>,
) -> PageResult {
    match result {
        Some(Ok(u)) => {
            let flash = match kind {
                "edit" => "da-luu",
                "add" => "da-tao",
                "move" => "da-chuyen-don-vi",
                _ => "da-giai-the",
            };
            Ok(Redirect::to(&format!("/don-vi/{}?tb={flash}", u.id)).into_response())
        }
        Some(Err(store::StoreError::Invalid(e))) => {
            errors.0.extend(e);
            unit_page(st, user, id, Some((kind, f)), errors, None).await
        }
        Some(Err(e)) => Err(e).page(user),
        None => unit_page(st, user, id, Some((kind, f)), errors, None).await,
    }
}

pub async fn edit(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<UnitForm>,
) -> PageResult {
    let mut errors = FormErrors::default();
    let t = parse_type(&f, &mut errors);
    let order = parse_order(&f, &mut errors);
    let result = match (t, errors.any()) {
        (Some(t), false) => Some(
            st.db
                .units()
                .update_unit(
                    &Actor::user(&user.principal, "web"),
                    &user.principal,
                    id,
                    &f.name,
                    t,
                    order,
                )
                .await,
        ),
        _ => None,
    };
    finish(&st, &user, id, "edit", f, errors, result).await
}

pub async fn add_child(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<UnitForm>,
) -> PageResult {
    let parent = st.db.units().unit(&user.principal, id).await.page(&user)?;
    let mut errors = FormErrors::default();
    let t = parse_type(&f, &mut errors);
    let order = parse_order(&f, &mut errors);
    let result = match (t, errors.any()) {
        (Some(t), false) => {
            let input = UnitInput {
                code: f.code.trim().to_string(),
                name: f.name.clone(),
                unit_type: t,
                parent_code: Some(parent.code.clone()),
                sort_order: order,
                valid_from: crate::view::parse_form_date(&f.date).ok().flatten(),
            };
            Some(
                st.db
                    .units()
                    .create_unit(
                        &Actor::user(&user.principal, "web"),
                        Some(&user.principal),
                        input,
                    )
                    .await,
            )
        }
        _ => None,
    };
    finish(&st, &user, id, "add", f, errors, result).await
}

pub async fn move_to(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<UnitForm>,
) -> PageResult {
    let p = &user.principal;
    let mut errors = FormErrors::default();
    let date = parse_date_field(&f, &mut errors);
    let parent = match st.db.units().unit_by_code(p, f.parent_code.trim()).await {
        Ok(u) => Some(u),
        Err(store::StoreError::NotFound) => {
            errors.push(
                "parent_code",
                format!(
                    "Không có đơn vị mã \"{}\" trong phạm vi quản lý",
                    f.parent_code.trim()
                ),
            );
            None
        }
        Err(e) => return Err(e).page(&user),
    };
    let result = match (parent, date, errors.any()) {
        (Some(parent), Some(date), false) => Some(
            st.db
                .units()
                .move_unit(&Actor::user(p, "web"), p, id, parent.id, date)
                .await
                .map_err(|e| match e {
                    store::StoreError::Forbidden => {
                        store::StoreError::Invalid(vec![store::FieldError::new(
                    "parent_code",
                    "Không được chuyển đơn vị này hoặc chuyển vào đơn vị ngoài phạm vi quản lý",
                )])
                    }
                    other => other,
                }),
        ),
        _ => None,
    };
    finish(&st, &user, id, "move", f, errors, result).await
}

pub async fn close(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<UnitForm>,
) -> PageResult {
    let mut errors = FormErrors::default();
    let date = parse_date_field(&f, &mut errors);
    let result = match date {
        Some(date) if !errors.any() => Some(
            st.db
                .units()
                .close_unit(
                    &Actor::user(&user.principal, "web"),
                    &user.principal,
                    id,
                    date,
                )
                .await,
        ),
        _ => None,
    };
    finish(&st, &user, id, "close", f, errors, result).await
}
