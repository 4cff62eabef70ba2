//! The member list of a unit as XLSX or CSV (audited before it leaves).

use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{PageError, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use domain::policy::Capability;
use serde::Deserialize;
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
) -> PageResult {
    let p = &user.principal;
    if !p.has(Capability::ExportMembers) {
        return Err(PageError::not_found(&user));
    }
    let unit = if q.don_vi.is_empty() {
        st.db.units().unit(p, p.unit_id).await
    } else {
        st.db.units().unit_by_code(p, &q.don_vi).await
    };
    let unit = unit.page(&user)?;
    let members = st
        .db
        .members()
        .members_for_export(p, Some(&unit.path))
        .await
        .page(&user)?;
    let rows = office::member_rows(&members);
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
            crate::respond::audit_file(&st, &user, audit).await?;
            Ok((
                [
                    (header::CONTENT_TYPE, ctype.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                b,
            )
                .into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            Err(PageError::bad_form(
                &user,
                "/dang-vien",
                "Không tạo được tệp xuất.",
            ))
        }
    }
}
