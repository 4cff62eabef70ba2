//! A session's XLSX files: the sign-in sheet and the marks export, and the import of marks from the
//! export filled in (nothing is written when any line is wrong).

use super::documents::uploaded;
use super::show::problem_page;
use super::{kind_of, session_href};
use crate::auth::WebUser;
use crate::extract::{CsrfMultipart, PagePath};
use crate::respond::{audit_file, file_response, OptionExt, PageError, PageResult, StoreResultExt};
use crate::view::timestamp;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::attendance::Mark;
use domain::policy::Principal;
use store::{Actor, Meeting, StoreError};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn sheet_data(
    st: &AppState,
    p: &Principal,
    id: i64,
) -> Result<(Meeting, office::SheetHeader, Vec<office::SheetRow>), StoreError> {
    let m = st.db.attendance().meeting(p, id).await?;
    let marks = st.db.attendance().meeting_marks(p, id).await?;
    let unit = st
        .db
        .units()
        .unit_unscoped(m.unit_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let issuer = match unit.parent_id {
        Some(pid) => st
            .db
            .units()
            .unit_unscoped(pid)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => unit.name.clone(),
    };
    let header = office::SheetHeader {
        issuer,
        unit_name: m.unit_name.clone(),
        title: m.title.clone(),
        date: m.date,
        time: m.starts_at.clone(),
        place: if m.online {
            "Trực tuyến".into()
        } else {
            m.place.clone()
        },
    };
    let rows = marks
        .iter()
        .map(|r| office::SheetRow {
            member_id: r.member_id,
            full_name: r.full_name.clone(),
            unit_name: r.unit_name.clone(),
            status: r.status,
            made_up_from: r.made_up_from,
            marked_by: r.marked_by.clone(),
            marked_at: r.marked_at.as_deref().map(timestamp),
        })
        .collect();
    Ok((m, header, rows))
}

/// An XLSX made from the session's sheet data by `build`, named `<name>-<id>-<date>.xlsx`.
async fn sheet_download(
    st: &AppState,
    user: &WebUser,
    prefix: &str,
    id: i64,
    build: fn(&office::SheetHeader, &[office::SheetRow]) -> Result<Vec<u8>, office::OfficeError>,
    name: &str,
) -> PageResult {
    let kind = kind_of(prefix).found(user)?;
    let (m, h, rows) = sheet_data(st, &user.principal, id).await.page(user)?;
    let row_count = rows.len();
    // Building the XLSX is CPU work: off the async workers.
    let bytes = crate::heavy::run(move || build(&h, &rows))
        .await
        .map_err(|e| PageError::bad_form(user, session_href(kind, id), e.to_string()))?;
    let filename = format!("{name}-{}-{}.xlsx", m.id, m.date);
    let what = if name == "diem-danh" {
        "Điểm danh"
    } else {
        "Danh sách ký tên"
    };
    let audit = store::FileAudit {
        kind: &format!("{name}.xlsx"),
        label: &format!("{what} — {}", m.title),
        unit_path: &m.unit_path,
        filename: &filename,
        rows: Some(row_count),
    };
    audit_file(st, user, audit).await?;
    Ok(file_response(XLSX, &filename, bytes))
}

pub(super) async fn signin_sheet(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
) -> PageResult {
    sheet_download(
        &st,
        &user,
        &prefix,
        id,
        office::signin_sheet_xlsx,
        "danh-sach-ky-ten",
    )
    .await
}

pub(super) async fn export_marks(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
) -> PageResult {
    sheet_download(&st, &user, &prefix, id, office::marks_xlsx, "diem-danh").await
}

pub(super) async fn import_marks(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((prefix, id)): PagePath<(String, i64)>,
    mut form: CsrfMultipart,
) -> PageResult {
    let kind = kind_of(&prefix).found(&user)?;
    let Some((name, bytes)) = uploaded(&mut form) else {
        return problem_page(
            &st,
            &user,
            id,
            kind,
            "Hãy chọn tệp Excel điểm danh để nhập.".into(),
        )
        .await;
    };
    // Parsing is CPU work: off the async workers (crate::heavy).
    let parsed = match crate::heavy::run(move || office::parse_marks(&name, &bytes)).await {
        Ok(p) => p,
        Err(e) => return problem_page(&st, &user, id, kind, format!("Không nhập được: {e}")).await,
    };
    if !parsed.errors.is_empty() {
        let msg = parsed
            .errors
            .iter()
            .take(50)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ");
        return problem_page(
            &st,
            &user,
            id,
            kind,
            format!(
                "Không nhập được: tệp có {} lỗi nên chưa ghi dòng nào — {msg}",
                parsed.errors.len()
            ),
        )
        .await;
    }
    let marks: Vec<(i64, Mark)> = parsed
        .rows
        .iter()
        .map(|r| (r.member_id, r.status))
        .collect();
    let p = &user.principal;
    match st
        .db
        .attendance()
        .set_marks(&Actor::user(p, "import"), Some(p), id, &marks)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("{}?tb=da-nhap-diem-danh", session_href(kind, id)))
                .into_response(),
        ),
        Err(StoreError::Invalid(list)) => {
            let by_index: Vec<String> = list
                .iter()
                .map(|e| {
                    let line = e
                        .field
                        .strip_prefix("marks[")
                        .and_then(|s| s.split(']').next())
                        .and_then(|s| s.parse::<usize>().ok())
                        .and_then(|i| parsed.rows.get(i))
                        .map(|r| format!("dòng {}: ", r.line))
                        .unwrap_or_default();
                    format!("{line}{}", e.message)
                })
                .collect();
            problem_page(
                &st,
                &user,
                id,
                kind,
                format!(
                    "Không nhập được, chưa ghi dòng nào: {}",
                    by_index.join("; ")
                ),
            )
            .await
        }
        Err(StoreError::Forbidden) => {
            problem_page(
                &st,
                &user,
                id,
                kind,
                "Tệp có đảng viên ngoài đơn vị bạn phụ trách nên chưa ghi dòng nào.".into(),
            )
            .await
        }
        Err(e) => Err(e).page(&user),
    }
}
