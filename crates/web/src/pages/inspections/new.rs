//! Opening a case: kind, conducting unit and body, programme, title, decision, period, Chỉ thị 05, team,
//! and the subjects — units ticked from the subtree (grouped by ward) or typed as codes, members by card
//! number. Errors are shown beside their fields with the input kept.

use super::{member_by_card, require_manage, split_list, unit_options, Pairs, NOT_YOURS};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::labels::{case_kind, inspection_body};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::{parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::inspection::{Body, CaseKind};
use serde::Deserialize;
use store::{Actor, CaseInput, StoreError};

/// More units than this in the reader's scope: subjects are typed as codes only.
const MAX_TICKED_UNITS: usize = 1500;

/// The form's values as typed.
#[derive(Default, Clone)]
pub struct CaseFields {
    pub kind: String,
    pub unit_code: String,
    pub body: String,
    pub programme_id: String,
    pub title: String,
    pub decision_number: String,
    pub decided_on: String,
    pub from: String,
    pub to: String,
    pub directive_05: bool,
    pub team: String,
    pub subject_units: Vec<String>,
    pub subject_codes: String,
    pub subject_cards: String,
}

impl CaseFields {
    fn of(f: &Pairs) -> CaseFields {
        CaseFields {
            kind: f.get("kind").to_string(),
            unit_code: f.get("unit_code").trim().to_string(),
            body: f.get("body").to_string(),
            programme_id: f.get("programme_id").to_string(),
            title: f.get("title").to_string(),
            decision_number: f.get("decision_number").to_string(),
            decided_on: f.get("decided_on").to_string(),
            from: f.get("from").to_string(),
            to: f.get("to").to_string(),
            directive_05: f.has("directive_05"),
            team: f.get("team").to_string(),
            subject_units: f.all("subject_unit"),
            subject_codes: f.get("subject_codes").to_string(),
            subject_cards: f.get("subject_cards").to_string(),
        }
    }
    pub fn ticked(&self, code: &str) -> bool {
        self.subject_units.iter().any(|c| c == code)
    }
}

/// One ward (or the conducting level itself) with the units under it, for the ticked subjects.
pub struct UnitGroup {
    pub name: String,
    pub units: Vec<(String, String)>,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "insp_case_form.html")]
struct FormPage {
    ctx: Ctx,
    csrf: String,
    v: CaseFields,
    errors: FormErrors,
    other: Vec<String>,
    kinds: Vec<(&'static str, &'static str)>,
    bodies: Vec<(&'static str, &'static str)>,
    units: Vec<(String, String)>,
    programmes: Vec<(String, String)>,
    groups: Vec<UnitGroup>,
}

const FIELDS: [&str; 15] = [
    "subject_codes",
    "subject_cards",
    "subject_units",
    "subject_members",
    "kind",
    "unit_code",
    "body",
    "title",
    "decision_number",
    "decided_on",
    "from",
    "to",
    "team",
    "subjects",
    "programme_id",
];

async fn form_page(st: &AppState, user: &WebUser, v: CaseFields, errors: FormErrors) -> PageResult {
    let p = &user.principal;
    let all = unit_options(st, p).await.page(user)?;
    let units: Vec<(String, String)> = all
        .iter()
        .filter(|u| p.can_manage_cases(&u.path))
        .take(2000)
        .map(|u| (u.code.clone(), super::option_label(u)))
        .collect();
    let mut groups: Vec<UnitGroup> = Vec::new();
    if all.len() <= MAX_TICKED_UNITS {
        // Group by the unit right below the reader's own (a ward or commune under a city).
        let mut keys: Vec<(String, usize)> = Vec::new();
        for u in &all {
            let rest = u.path.strip_prefix(p.unit_path.as_str()).unwrap_or("");
            let key = rest
                .split('/')
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string();
            let idx = match keys.iter().find(|(k, _)| *k == key) {
                Some((_, i)) => *i,
                None => {
                    groups.push(UnitGroup {
                        name: if key.is_empty() {
                            u.name.clone()
                        } else {
                            String::new()
                        },
                        units: Vec::new(),
                        open: false,
                    });
                    keys.push((key.clone(), groups.len() - 1));
                    groups.len() - 1
                }
            };
            if let Some(g) = groups.get_mut(idx) {
                if g.name.is_empty() {
                    g.name = u.name.clone();
                }
                g.units.push((u.code.clone(), super::option_label(u)));
            }
        }
        // Units alone in their group (the conducting level, units directly under it) go together.
        let (single, mut many): (Vec<UnitGroup>, Vec<UnitGroup>) =
            groups.into_iter().partition(|g| g.units.len() == 1);
        if !single.is_empty() {
            many.insert(
                0,
                UnitGroup {
                    name: "Các tổ chức đảng trực thuộc".into(),
                    units: single.into_iter().flat_map(|g| g.units).collect(),
                    open: false,
                },
            );
        }
        groups = many;
        for g in &mut groups {
            g.open = g.units.iter().any(|(c, _)| v.ticked(c));
        }
    }
    let programmes = st
        .db
        .inspections()
        .list_programmes(p, None, None)
        .await
        .page(user)?
        .into_iter()
        .take(300)
        .map(|pr| {
            (
                pr.id.to_string(),
                format!("{} · {} · năm {}", pr.title, pr.unit_name, pr.year),
            )
        })
        .collect();
    let other = super::other_errors(&errors, &FIELDS);
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        ctx: Ctx::new(user, "Mở cuộc kiểm tra, giám sát", "inspections"),
        csrf: user.csrf.clone(),
        v,
        errors,
        other,
        kinds: CaseKind::ALL
            .iter()
            .map(|k| (k.as_str(), case_kind(*k)))
            .collect(),
        bodies: Body::ALL
            .iter()
            .map(|b| (b.as_str(), inspection_body(*b)))
            .collect(),
        units,
        programmes,
        groups,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    don_vi: String,
    #[serde(default)]
    loai: String,
}

pub async fn new_form(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    require_manage(&user)?;
    let v = CaseFields {
        kind: CaseKind::parse(&q.loai)
            .unwrap_or(CaseKind::Inspection)
            .as_str()
            .to_string(),
        unit_code: q.don_vi,
        body: Body::Commission.as_str().to_string(),
        directive_05: true,
        ..Default::default()
    };
    form_page(&st, &user, v, FormErrors::default()).await
}

/// Reads the form into a case; every problem found goes into `errors`.
async fn input_of(
    st: &AppState,
    user: &WebUser,
    v: &CaseFields,
    errors: &mut FormErrors,
) -> Result<Option<CaseInput>, crate::respond::PageError> {
    let p = &user.principal;
    let kind = CaseKind::parse(&v.kind);
    if kind.is_none() {
        errors.push("kind", "Hãy chọn loại cuộc kiểm tra, giám sát");
    }
    let body = Body::parse(&v.body);
    if body.is_none() {
        errors.push("body", "Hãy chọn cấp ủy hoặc ủy ban kiểm tra");
    }
    let unit = if v.unit_code.is_empty() {
        errors.push("unit_code", "Hãy chọn đơn vị tiến hành");
        None
    } else {
        match st.db.units().unit_by_code(p, &v.unit_code).await {
            Ok(u) if p.can_manage_cases(&u.path) => Some(u),
            Ok(_) => {
                errors.push("unit_code", NOT_YOURS);
                None
            }
            Err(StoreError::NotFound | StoreError::Forbidden) => {
                errors.push(
                    "unit_code",
                    format!("Không có đơn vị mã “{}” trong phạm vi của bạn", v.unit_code),
                );
                None
            }
            Err(e) => return Err(e).page(user),
        }
    };
    if v.title.trim().is_empty() {
        errors.push("title", "Hãy nhập tên cuộc kiểm tra, giám sát");
    }
    if v.decision_number.trim().is_empty() {
        errors.push("decision_number", "Hãy nhập số quyết định");
    }
    let mut date_field = |field: &str, s: &str, required: bool| match parse_form_date(s) {
        Ok(None) if required => {
            errors.push(field, "Hãy nhập ngày (dd/mm/yyyy)");
            None
        }
        Ok(d) => d,
        Err(m) => {
            errors.push(field, m);
            None
        }
    };
    let decided_on = date_field("decided_on", &v.decided_on, true);
    let from = date_field("from", &v.from, false);
    let to = date_field("to", &v.to, false);
    let programme_id = match v.programme_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push("programme_id", "Chương trình không hợp lệ");
                None
            }
        },
    };
    // Subjects: ticked and typed unit codes, card numbers.
    let mut codes: Vec<String> = v.subject_units.clone();
    codes.extend(split_list(&v.subject_codes));
    let mut subject_units = Vec::new();
    let mut unknown = Vec::new();
    for c in &codes {
        match st.db.units().unit_by_code(p, c).await {
            Ok(u) => {
                if !subject_units.contains(&u.id) {
                    subject_units.push(u.id);
                }
            }
            Err(StoreError::NotFound | StoreError::Forbidden) => unknown.push(c.clone()),
            Err(e) => return Err(e).page(user),
        }
    }
    if !unknown.is_empty() {
        errors.push(
            "subject_codes",
            format!(
                "Không có tổ chức đảng mã {} trong phạm vi của bạn",
                unknown.join(", ")
            ),
        );
    }
    let mut subject_members = Vec::new();
    let mut unknown = Vec::new();
    for card in split_list(&v.subject_cards) {
        match member_by_card(st, p, &card).await.page(user)? {
            Some(id) => {
                if !subject_members.contains(&id) {
                    subject_members.push(id);
                }
            }
            None => unknown.push(card),
        }
    }
    if !unknown.is_empty() {
        errors.push(
            "subject_cards",
            format!(
                "Không tìm thấy đảng viên có số thẻ {} trong phạm vi của bạn",
                unknown.join(", ")
            ),
        );
    }
    if subject_units.is_empty()
        && subject_members.is_empty()
        && !errors.has("subject_codes")
        && !errors.has("subject_cards")
    {
        errors.push(
            "subjects",
            "Hãy chọn ít nhất một đối tượng (tổ chức đảng hoặc đảng viên)",
        );
    }
    let (Some(kind), Some(body), Some(unit), Some(decided_on)) = (kind, body, unit, decided_on)
    else {
        return Ok(None);
    };
    if errors.any() {
        return Ok(None);
    }
    Ok(Some(CaseInput {
        kind,
        unit_id: unit.id,
        body,
        programme_id,
        title: v.title.trim().to_string(),
        decision_number: v.decision_number.trim().to_string(),
        decided_on,
        from,
        to,
        directive_05: v.directive_05,
        team: v
            .team
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        subject_units,
        subject_members,
    }))
}

pub async fn create(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    require_manage(&user)?;
    let p = &user.principal;
    let v = CaseFields::of(&Pairs(pairs));
    let mut errors = FormErrors::default();
    let Some(input) = input_of(&st, &user, &v, &mut errors).await? else {
        return form_page(&st, &user, v, errors).await;
    };
    match st
        .db
        .inspections()
        .create_case(&Actor::user(p, "web"), p, &input)
        .await
    {
        Ok(d) => {
            Ok(Redirect::to(&format!("/kiem-tra/{}?tb=da-mo-cuoc", d.case.id)).into_response())
        }
        Err(StoreError::Invalid(list)) => form_page(&st, &user, v, FormErrors(list)).await,
        Err(StoreError::Forbidden | StoreError::NotFound) => {
            let mut e = FormErrors::default();
            e.push("unit_code", NOT_YOURS);
            form_page(&st, &user, v, e).await
        }
        Err(e) => Err(e).page(&user),
    }
}
