//! The live period report of a unit (`/bao-cao?don-vi=CODE&tu=dd/mm/yyyy&den=dd/mm/yyyy`): the form (a
//! unit of the reader's scope, the period with quick choices) and the figures computed now below it, and
//! the same report as a Word or Excel file (`/bao-cao/word`, `/bao-cao/excel`, same parameters).

use super::figures::{live_href, FiguresView, SortSpec};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::StoreResultExt;
use crate::respond::{audit_file, file_response, query_string, render, PageError, PageResult};
use crate::view::{date, parse_form_date, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Datelike, NaiveDate};
use domain::report::check_period;
use serde::Deserialize;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Deserialize, Default)]
pub struct LiveQuery {
    /// A unit code or id; empty: the reader's unit.
    #[serde(default, rename = "don-vi", alias = "don_vi")]
    don_vi: String,
    /// dd/mm/yyyy (or ISO); empty: 1 January of this year.
    #[serde(default)]
    tu: String,
    /// Empty: today.
    #[serde(default)]
    den: String,
    #[serde(default, rename = "sap-xep", alias = "sap_xep")]
    sap_xep: String,
    #[serde(default)]
    chieu: String,
}

/// The unit asked for, answered "not found" outside the reader's scope or to a reader who may not read
/// its report.
async fn unit_of(st: &AppState, user: &WebUser, key: &str) -> Result<domain::Unit, PageError> {
    let p = &user.principal;
    let key = key.trim();
    let unit = if key.is_empty() {
        st.db.units().unit(p, p.unit_id).await
    } else {
        match key.parse::<i64>() {
            Ok(id) => st.db.units().unit(p, id).await,
            Err(_) => st.db.units().unit_by_code(p, key).await,
        }
    }
    .page(user)?;
    if p.role == domain::Role::Member || !p.can_read_report(&unit.path) {
        return Err(PageError::not_found(user));
    }
    Ok(unit)
}

/// The period asked for (defaults: 1 January of this year to today), or why it cannot be reported.
fn period_of(q: &LiveQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), String> {
    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = parse_form_date(&q.tu)?.unwrap_or(first);
    let to = parse_form_date(&q.den)?.unwrap_or(today);
    check_period(from, to)
        .map_err(|e| format!("{e} (từ {} đến {}).", date(Some(from)), date(Some(to))))?;
    Ok((from, to))
}

#[derive(Template)]
#[template(path = "report_live.html")]
struct LivePage {
    ctx: Ctx,
    units: Vec<(String, String)>,
    unit_code: String,
    unit_name: String,
    /// The dates as typed (or the defaults), for the form.
    from: String,
    to: String,
    error: Option<String>,
    /// Quick choices: (label, address).
    quick: Vec<(String, String)>,
    word_href: String,
    excel_href: String,
    report: Option<FiguresView>,
    /// The reader may store the report as the unit's own (`can_write_report`).
    can_write: bool,
}

pub async fn page(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<LiveQuery>,
) -> PageResult {
    let unit = unit_of(&st, &user, &q.don_vi).await?;
    let p = &user.principal;
    let today = st.db.today();
    let units = st
        .db
        .units()
        .list_units(p, None, Some(today))
        .await
        .page(&user)?
        .into_iter()
        .filter(|u| p.can_read_report(&u.path))
        .take(2000)
        .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
        .collect();
    let year = today.year();
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today);
    let quick = vec![
        (
            format!("Năm nay ({year})"),
            live_href(&unit.code, ymd(year, 1, 1), today),
        ),
        (
            format!("Năm trước ({})", year - 1),
            live_href(&unit.code, ymd(year - 1, 1, 1), ymd(year - 1, 12, 31)),
        ),
    ];
    let period = period_of(&q, today);
    let (from_text, to_text) = match &period {
        Ok((f, t)) => (date(Some(*f)), date(Some(*t))),
        Err(_) => (q.tu.trim().to_string(), q.den.trim().to_string()),
    };
    let (report, error, word_href, excel_href) = match period {
        Ok((from, to)) => {
            let figures = st
                .db
                .reports()
                .period_report(p, unit.id, from, to)
                .await
                .page(&user)?;
            let sort = SortSpec::parse(&q.sap_xep, &q.chieu);
            let view = FiguresView::new(&figures, &live_href(&unit.code, from, to), &sort);
            let files = |kind: &str| {
                format!(
                    "/bao-cao/{kind}{}",
                    query_string(&[
                        ("don-vi", unit.code.as_str()),
                        ("tu", &date(Some(from))),
                        ("den", &date(Some(to))),
                    ])
                )
            };
            (Some(view), None, files("word"), files("excel"))
        }
        Err(m) => (None, Some(m), String::new(), String::new()),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = LivePage {
        ctx: Ctx::new(&user, format!("Báo cáo — {}", unit.name), "reports"),
        units,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        from: from_text,
        to: to_text,
        error,
        quick,
        word_href,
        excel_href,
        report,
        can_write: p.can_write_report(&unit.path),
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Word,
    Excel,
}

pub async fn word(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<LiveQuery>,
) -> PageResult {
    download(&st, &user, &q, Format::Word).await
}

pub async fn excel(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<LiveQuery>,
) -> PageResult {
    download(&st, &user, &q, Format::Excel).await
}

async fn download(st: &AppState, user: &WebUser, q: &LiveQuery, format: Format) -> PageResult {
    let unit = unit_of(st, user, &q.don_vi).await?;
    let back = format!(
        "/bao-cao{}",
        query_string(&[
            ("don-vi", unit.code.as_str()),
            ("tu", q.tu.trim()),
            ("den", q.den.trim()),
        ])
    );
    let (from, to) =
        period_of(q, st.db.today()).map_err(|m| PageError::bad_form(user, back.clone(), m))?;
    let doc = st
        .db
        .reports()
        .live_document(&user.principal, unit.id, from, to)
        .await
        .page(user)?;
    let stem = office::report_file_stem(&doc);
    let (kind, content_type, name) = match format {
        Format::Word => ("report.docx", DOCX, format!("{stem}.docx")),
        Format::Excel => ("report.xlsx", XLSX, format!("{stem}.xlsx")),
    };
    let bytes = crate::heavy::run(move || match format {
        Format::Word => office::report_docx(&doc),
        Format::Excel => office::report_xlsx(&doc),
    })
    .await
    .map_err(|e| PageError::bad_form(user, back.clone(), e.to_string()))?;
    let label = format!(
        "Báo cáo {} — {} – {}",
        unit.name,
        date(Some(from)),
        date(Some(to))
    );
    audit_file(
        st,
        user,
        store::FileAudit {
            kind,
            label: &label,
            unit_path: &unit.path,
            filename: &name,
            rows: None,
        },
    )
    .await?;
    Ok(file_response(content_type, &name, bytes))
}
