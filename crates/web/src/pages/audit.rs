//! The audit log browser (admin and standing office): filter by user, object kind and dates, every entry in
//! Vietnamese (`audit_labels`). Read only.

use super::audit_labels as labels;
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{query_string, render, PageError, PageResult, StoreResultExt};
use crate::view::{num, parse_form_date, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::policy::Capability;
use serde::Deserialize;
use store::AuditFilter;

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    nguoi: String,
    #[serde(default)]
    loai: String,
    #[serde(default)]
    ma: String,
    #[serde(default)]
    tu: String,
    #[serde(default)]
    den: String,
    #[serde(default)]
    trang: Option<i64>,
    /// Open one group of rows written together (the id of its latest row).
    #[serde(default)]
    nhom: Option<i64>,
}

pub struct EntryView {
    /// Rows written together that this entry stands for (1 for a single change), and the link that
    /// lists them.
    pub rows: String,
    pub group_link: String,
    pub at: String,
    pub username: String,
    pub source: String,
    pub action: String,
    pub object: String,
    pub link: String,
    pub changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: Ctx,
    q: AuditQuery,
    /// The Excel file of what the filter selects.
    xlsx_href: String,
    /// An opened group of rows written together.
    group_view: bool,
    /// The object kinds of the filter: (code, Vietnamese name).
    kinds: Vec<(&'static str, String)>,
    entries: Vec<EntryView>,
    total: String,
    page: i64,
    prev_link: String,
    next_link: String,
}

/// Entries one Excel file holds; a longer log is filtered first (by dates, kind or person).
const EXPORT_MAX: i64 = 50_000;

fn filter(q: &AuditQuery, page: i64, per_page: i64) -> AuditFilter {
    AuditFilter {
        username: Some(q.nguoi.trim().to_string()),
        object_type: Some(q.loai.clone()),
        object_id: Some(q.ma.trim().to_string()),
        action: None,
        from: parse_form_date(&q.tu).ok().flatten(),
        to: parse_form_date(&q.den).ok().flatten(),
        page,
        per_page,
        group_of: q.nhom,
    }
}

/// `GET /nhat-ky.xlsx`: the entries the page's filter selects, in words, for the inspection commission.
pub async fn export(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<AuditQuery>,
) -> PageResult {
    if !user.principal.has(Capability::ReadAudit) {
        return Err(PageError::not_found(&user));
    }
    let (entries, total) = st
        .db
        .audit()
        .export_audit(&user.principal, &filter(&q, 1, EXPORT_MAX), EXPORT_MAX)
        .await
        .page(&user)?;
    let back = format!("/nhat-ky{}", filter_query(&q));
    if total > EXPORT_MAX {
        return Err(PageError::bad_form(
            &user,
            back,
            format!(
                "Bộ lọc chọn {} mục, quá {} mục một tệp Excel giữ được: hãy lọc theo khoảng ngày, loại \
                 đối tượng hoặc người thực hiện rồi tải lại.",
                num(total),
                num(EXPORT_MAX)
            ),
        ));
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                timestamp(&e.at),
                e.username.clone(),
                labels::source(&e.source),
                labels::action(&e.action),
                format!("{}: {}", labels::kind(&e.object_type), e.object_label),
                e.object_id.clone(),
                labels::changes(e.before.as_ref(), e.after.as_ref())
                    .iter()
                    .map(|(k, b, a)| {
                        if b == "—" {
                            format!("{k}: {a}")
                        } else {
                            format!("{k}: {b} → {a}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ]
        })
        .collect();
    let bytes = crate::heavy::run(move || office::audit_xlsx(&rows))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "audit xlsx failed");
            PageError::bad_form(&user, back.clone(), "Không tạo được tệp Excel của nhật ký.")
        })?;
    let filename = format!("Nhat ky {}.xlsx", st.db.today().format("%d-%m-%Y"));
    crate::respond::audit_file(
        &st,
        &user,
        store::FileAudit {
            kind: "audit.xlsx",
            label: "Nhật ký thay đổi",
            unit_path: &user.principal.unit_path,
            filename: &filename,
            rows: Some(entries.len()),
        },
    )
    .await?;
    Ok(crate::respond::file_response(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &filename,
        bytes,
    ))
}

/// The page's filter as a query string (without the page number).
fn filter_query(q: &AuditQuery) -> String {
    let group = q.nhom.map(|g| g.to_string()).unwrap_or_default();
    query_string(&[
        ("nguoi", &q.nguoi),
        ("loai", &q.loai),
        ("ma", &q.ma),
        ("tu", &q.tu),
        ("den", &q.den),
        ("nhom", &group),
    ])
}

pub async fn list(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<AuditQuery>,
) -> PageResult {
    if !user.principal.has(Capability::ReadAudit) {
        return Err(PageError::not_found(&user));
    }
    let page = q.trang.unwrap_or(1).max(1);
    let f = filter(&q, page, PER_PAGE);
    // The log lists rows written together (an import) as one entry; an opened group lists its rows.
    let groups: Vec<store::AuditGroup>;
    let total;
    if q.nhom.is_some() {
        let (entries, n) = st
            .db
            .audit()
            .list_audit(&user.principal, &f)
            .await
            .page(&user)?;
        groups = entries
            .into_iter()
            .map(|entry| store::AuditGroup { entry, rows: 1 })
            .collect();
        total = n;
    } else {
        let (g, n) = st
            .db
            .audit()
            .list_audit_groups(&user.principal, &f)
            .await
            .page(&user)?;
        groups = g;
        total = n;
    }
    let group = q.nhom.map(|g| g.to_string()).unwrap_or_default();
    let link = |n: i64| {
        let n = n.to_string();
        format!(
            "/nhat-ky{}",
            query_string(&[
                ("nguoi", &q.nguoi),
                ("loai", &q.loai),
                ("ma", &q.ma),
                ("tu", &q.tu),
                ("den", &q.den),
                ("nhom", &group),
                ("trang", &n)
            ])
        )
    };
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let entries = groups
        .iter()
        .map(|g| (&g.entry, g.rows))
        .map(|(e, rows)| EntryView {
            rows: if rows > 1 { num(rows) } else { String::new() },
            group_link: if rows > 1 {
                format!("/nhat-ky?nhom={}", e.id)
            } else {
                String::new()
            },
            at: timestamp(&e.at),
            username: e.username.clone(),
            source: labels::source(&e.source),
            action: labels::action(&e.action),
            object: format!("{}: {}", labels::kind(&e.object_type), e.object_label),
            link: labels::link(&e.object_type, &e.object_id).unwrap_or_default(),
            changes: labels::changes(e.before.as_ref(), e.after.as_ref()),
        })
        .collect();
    Ok(render(&AuditPage {
        xlsx_href: format!("/nhat-ky.xlsx{}", filter_query(&q)),
        group_view: q.nhom.is_some(),
        ctx: Ctx::new(&user, "Nhật ký thay đổi", "audit"),
        kinds: labels::FILTER_KINDS
            .iter()
            .map(|k| (*k, labels::kind(k)))
            .collect(),
        entries,
        total: num(total),
        page,
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
        q,
    }))
}
