//! Member list with diacritic-insensitive search, member page with history, and the create / edit /
//! transfer / status forms. Forms re-show what was typed, with each error beside its field.

use super::units::MemberRowView;
use super::{not_found, query_string, render, store_error, FormErrors};
use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::view::{date, iso, num, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::policy::Capability;
use domain::{Gender, Member, MemberStatus};
use serde::Deserialize;
use store::{Actor, MemberInput, MemberQuery, StoreError};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    don_vi: String,
    #[serde(default)]
    trang: Option<i64>,
    #[serde(default)]
    ca_da_roi: Option<String>,
}

#[derive(Template)]
#[template(path = "members.html")]
struct ListPage {
    ctx: Ctx,
    q: String,
    unit_code: String,
    unit_name: String,
    include_inactive: bool,
    members: Vec<MemberRowView>,
    total: String,
    page: i64,
    pages: i64,
    prev_link: String,
    next_link: String,
    can_export: bool,
    export_query: String,
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> Response {
    let p = &user.principal;
    let mut unit_name = String::new();
    let unit_path = if q.don_vi.trim().is_empty() {
        None
    } else {
        match st.db.unit_by_code(p, q.don_vi.trim()).await {
            Ok(u) => {
                unit_name = u.name.clone();
                Some(u.path)
            }
            Err(StoreError::NotFound) => return not_found(Some(&user)),
            Err(e) => return store_error(&user, e),
        }
    };
    let page = q.trang.unwrap_or(1).max(1);
    let include_inactive = q.ca_da_roi.is_some();
    let query = MemberQuery {
        q: Some(q.q.clone()),
        unit_path,
        include_inactive,
        page,
        per_page: PER_PAGE,
    };
    let (items, total) = match st.db.search_members(p, &query).await {
        Ok(v) => v,
        Err(e) => return store_error(&user, e),
    };
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let inactive = if include_inactive { "1" } else { "" };
    let link = |n: i64| {
        let n = n.to_string();
        format!(
            "/dang-vien{}",
            query_string(&[
                ("q", &q.q),
                ("don_vi", &q.don_vi),
                ("ca_da_roi", inactive),
                ("trang", &n)
            ])
        )
    };
    let page_view = ListPage {
        ctx: Ctx::new(&user, "Đảng viên", "members"),
        q: q.q.clone(),
        unit_code: q.don_vi.clone(),
        unit_name,
        include_inactive,
        members: items.iter().map(MemberRowView::from).collect(),
        total: num(total),
        page,
        pages,
        prev_link: if page > 1 {
            link(page - 1)
        } else {
            String::new()
        },
        next_link: if page < pages {
            link(page + 1)
        } else {
            String::new()
        },
        can_export: p.has(Capability::ExportMembers),
        export_query: query_string(&[("don_vi", &q.don_vi)])
            .trim_start_matches('?')
            .to_string(),
    };
    render(&page_view)
}

pub struct PositionView {
    pub title: String,
    pub duties: String,
    pub head: bool,
    pub key_cadre: bool,
}

pub struct HistoryView {
    pub unit_id: i64,
    pub unit_name: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    ctx: Ctx,
    id: i64,
    full_name: String,
    gender: String,
    birth: String,
    card: String,
    citizen_id: String,
    joined: String,
    official: String,
    probationary: bool,
    phone: String,
    status_label: &'static str,
    unit_id: i64,
    unit_name: String,
    head: bool,
    key_cadre: bool,
    positions: Vec<PositionView>,
    history: Vec<HistoryView>,
    statuses: Vec<(String, &'static str)>,
    can_write: bool,
    csrf: String,
    status_options: Vec<(&'static str, &'static str)>,
    today: String,
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(fq): PageQuery<super::home::FlashQuery>,
) -> Response {
    let p = &user.principal;
    let loaded = async {
        let m = st.db.member(p, id).await?;
        let (hist, statuses) = st.db.member_history(p, id).await?;
        let unit = st.db.unit_unscoped(m.unit_id).await?;
        Ok::<_, StoreError>((m, hist, statuses, unit))
    }
    .await;
    let (m, hist, statuses, unit) = match loaded {
        Ok(v) => v,
        Err(e) => return store_error(&user, e),
    };
    let can_write = unit.as_ref().is_some_and(|u| p.can_write_member(&u.path));
    let page = MemberPage {
        ctx: Ctx::new(&user, m.full_name.clone(), "members")
            .with_flash(crate::view::flash_message(fq.tb.as_deref())),
        id: m.id,
        full_name: m.full_name.clone(),
        gender: m.gender.map(|g| g.label().to_string()).unwrap_or_default(),
        birth: date(m.birth_date),
        card: m.card_number.clone().unwrap_or_default(),
        citizen_id: m.citizen_id.clone().unwrap_or_default(),
        joined: date(m.joined_on),
        official: date(m.official_on),
        probationary: m.is_probationary(),
        phone: m.phone.clone().unwrap_or_default(),
        status_label: m.status.label(),
        unit_id: m.unit_id,
        unit_name: m.unit_name.clone(),
        head: m.head,
        key_cadre: m.key_cadre,
        positions: m
            .positions
            .iter()
            .map(|p| PositionView {
                title: p.title.clone(),
                duties: p.duties.clone(),
                head: p.head,
                key_cadre: p.key_cadre,
            })
            .collect(),
        history: hist
            .iter()
            .map(|h| HistoryView {
                unit_id: h.unit_id,
                unit_name: h.unit_name.clone(),
                from: date(Some(h.from_date)),
                to: date(h.to_date),
            })
            .collect(),
        statuses: statuses
            .iter()
            .map(|s| (date(s.from_date), s.status.label()))
            .collect(),
        can_write,
        csrf: user.csrf.clone(),
        status_options: MemberStatus::ALL
            .iter()
            .filter(|s| **s != m.status)
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        today: iso(Some(st.db.today())),
    };
    render(&page)
}

/// The member form as typed (strings), so that it can be shown again with errors.
#[derive(Deserialize, Default, Clone)]
pub struct MemberForm {
    #[serde(default)]
    pub csrf: String,
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
            csrf: String::new(),
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

pub async fn new_form(user: WebUser, PageQuery(q): PageQuery<NewQuery>) -> Response {
    if !user.principal.has(Capability::WriteMembers) {
        return not_found(Some(&user));
    }
    form_page(
        &user,
        true,
        None,
        MemberForm {
            unit_code: q.don_vi,
            ..Default::default()
        },
        FormErrors::default(),
    )
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    Form(f): Form<MemberForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    if !user.principal.has(Capability::WriteMembers) {
        return not_found(Some(&user));
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
            .create_member(&actor, &user.principal, &input, f.unit_code.trim(), since)
            .await
        {
            Ok(m) => {
                return Redirect::to(&format!("/dang-vien/{}?tb=da-tao", m.id)).into_response()
            }
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return store_error(&user, e),
        }
    }
    form_page(&user, true, None, f, errors)
}

/// The member behind a form the user is about to see or submit, if they may change it: the same rule as
/// the store's write (`Principal::can_write_member` on the member's unit). Otherwise the answer the refused
/// write gets — the "not found" page — so a form is never shown to someone who cannot submit it.
async fn writable_member(st: &AppState, user: &WebUser, id: i64) -> Result<Member, Response> {
    let p = &user.principal;
    match st
        .db
        .member_unscoped(id)
        .await
        .map_err(|e| store_error(user, e))?
    {
        // The same pair of checks as `Db::update_member`, on one joined read.
        Some((m, path)) if p.can_read_member(id, &path) && p.can_write_member(&path) => Ok(m),
        _ => Err(not_found(Some(user))),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    let m = match writable_member(&st, &user, id).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    form_page(
        &user,
        false,
        Some(id),
        MemberForm::from_member(&m),
        FormErrors::default(),
    )
}

pub async fn update(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<MemberForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    if let Err(resp) = writable_member(&st, &user, id).await {
        return resp;
    }
    let mut errors = FormErrors::default();
    let input = f.to_input(&mut errors);
    if !errors.any() {
        let actor = Actor::user(&user.principal, "web");
        match st
            .db
            .update_member(&actor, &user.principal, id, &input)
            .await
        {
            Ok(_) => return Redirect::to(&format!("/dang-vien/{id}?tb=da-luu")).into_response(),
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return store_error(&user, e),
        }
    }
    form_page(&user, false, Some(id), f, errors)
}

#[derive(Deserialize, Default)]
pub struct TransferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    date: String,
}

#[derive(Template)]
#[template(path = "member_transfer.html")]
struct TransferPage {
    ctx: Ctx,
    id: i64,
    full_name: String,
    current_unit: String,
    unit_code: String,
    date: String,
    errors: FormErrors,
    csrf: String,
    units: Vec<(String, String)>,
}

async fn transfer_page(
    st: &AppState,
    user: &WebUser,
    id: i64,
    f: TransferForm,
    errors: FormErrors,
) -> Response {
    let m = match writable_member(st, user, id).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let units = match st
        .db
        .list_units(&user.principal, None, Some(st.db.today()))
        .await
    {
        Ok(u) => u
            .into_iter()
            .filter(|u| u.unit_type.is_party() && u.id != m.unit_id)
            .take(2000)
            .map(|u| (u.code, u.name))
            .collect(),
        Err(e) => return store_error(user, e),
    };
    let status = if errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = TransferPage {
        ctx: Ctx::new(user, "Chuyển sinh hoạt đảng", "members"),
        id,
        full_name: m.full_name,
        current_unit: m.unit_name,
        unit_code: f.unit_code,
        date: if f.date.is_empty() {
            iso(Some(st.db.today()))
        } else {
            f.date
        },
        errors,
        csrf: user.csrf.clone(),
        units,
    };
    (status, render(&page)).into_response()
}

pub async fn transfer_form(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    transfer_page(
        &st,
        &user,
        id,
        TransferForm::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn transfer(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<TransferForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let mut errors = FormErrors::default();
    let date = match parse_form_date(&f.date) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push("date", "Chọn ngày chuyển sinh hoạt");
            None
        }
        Err(e) => {
            errors.push("date", e);
            None
        }
    };
    if let Some(date) = date {
        let actor = Actor::user(&user.principal, "web");
        match st
            .db
            .transfer_member(&actor, &user.principal, id, f.unit_code.trim(), date)
            .await
        {
            Ok(_) => return Redirect::to(&format!("/dang-vien/{id}?tb=da-chuyen")).into_response(),
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return store_error(&user, e),
        }
    }
    transfer_page(&st, &user, id, f, errors).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: String,
}

pub async fn status(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<StatusForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return super::csrf_failure();
    }
    let (Some(status), Ok(Some(date))) = (MemberStatus::parse(&f.status), parse_form_date(&f.date))
    else {
        return super::bad_form(
            &user,
            &format!("/dang-vien/{id}"),
            "Hãy chọn trạng thái và ngày hợp lệ.",
        );
    };
    let actor = Actor::user(&user.principal, "web");
    match st
        .db
        .set_member_status(&actor, &user.principal, id, status, date)
        .await
    {
        Ok(_) => Redirect::to(&format!("/dang-vien/{id}?tb=da-doi-trang-thai")).into_response(),
        Err(StoreError::Invalid(e)) => {
            let msg = e
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            super::bad_form(&user, &format!("/dang-vien/{id}"), &msg)
        }
        Err(e) => store_error(&user, e),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    don_vi: String,
    #[serde(default)]
    dinh_dang: String,
}

pub async fn export(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ExportQuery>,
) -> Response {
    let p = &user.principal;
    if !p.has(Capability::ExportMembers) {
        return not_found(Some(&user));
    }
    let unit = if q.don_vi.is_empty() {
        st.db.unit(p, p.unit_id).await
    } else {
        st.db.unit_by_code(p, &q.don_vi).await
    };
    let unit = match unit {
        Ok(u) => u,
        Err(e) => return store_error(&user, e),
    };
    let members = match st.db.members_for_export(p, Some(&unit.path)).await {
        Ok(m) => m,
        Err(e) => return store_error(&user, e),
    };
    let rows = store::member_rows(&members);
    let (bytes, ctype, ext) = if q.dinh_dang == "csv" {
        (
            Ok(crate::heavy::run(move || office::members_csv(&rows)).await),
            "text/csv; charset=utf-8",
            "csv",
        )
    } else {
        (
            crate::heavy::run(move || office::members_xlsx(&rows)).await,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    };
    match bytes {
        Ok(b) => {
            let name = format!("dang-vien-{}.{ext}", unit.code);
            let audit = store::FileAudit {
                kind: if ext == "csv" {
                    "members.csv"
                } else {
                    "members.xlsx"
                },
                label: &format!("Danh sách đảng viên — {}", unit.name),
                unit_path: &unit.path,
                filename: &name,
                rows: Some(members.len()),
            };
            if let Err(r) = super::audit_file(&st, &user, audit).await {
                return r;
            }
            (
                [
                    (header::CONTENT_TYPE, ctype.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                b,
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            super::bad_form(&user, "/dang-vien", "Không tạo được tệp xuất.")
        }
    }
}
