//! A registration as a Word file in the usual form layout.

use crate::auth::WebUser;
use crate::extract::PagePath;
use crate::respond::{audit_file, file_response, PageError, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use domain::registration as reg;
use store::ItemKind;

/// The content type of a Word document.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The registration as a Word file in the usual form layout.
pub async fn docx(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let p = &user.principal;
    let r = st
        .db
        .registrations()
        .registration(p, id)
        .await
        .page(&user)?;
    let member = st.db.members().member(p, r.member_id).await.page(&user)?;
    let issuer = match st.db.units().unit_unscoped(r.unit_id).await.page(&user)? {
        Some(u) => match u.parent_id {
            Some(pid) => st
                .db
                .units()
                .unit_unscoped(pid)
                .await
                .ok()
                .flatten()
                .map(|x| x.name)
                .unwrap_or_default(),
            None => String::new(),
        },
        None => String::new(),
    };
    let manifestations = st.db.registrations().manifestations().await.page(&user)?;
    let print_item = |i: &store::Item| office::PrintItem {
        content: i.content.clone(),
        duty: i.duty.clone(),
        target: i.target.clone(),
        deadline: i.deadline,
        evidence: i.evidence.clone(),
        midyear: i.midyear_outcome.map(|o| o.label().to_string()),
        yearend: i.yearend_outcome.map(|o| o.label().to_string()),
        assessed: i.assessed_outcome.map(|o| o.label().to_string()),
        flags: i.flags.iter().map(|f| f.flag.label().to_string()).collect(),
    };
    let date_of = |s: Option<&str>| {
        s.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| reg::vn_date(t.with_timezone(&chrono::Utc)))
    };
    let print = office::RegistrationPrint {
        issuer,
        unit_name: r.unit_name.clone(),
        year: r.year,
        member_name: r.member_name.clone(),
        birth_date: member.birth_date,
        positions: member.positions.iter().map(|x| x.title.clone()).collect(),
        joined_on: member.joined_on,
        status_label: r.status.label().to_string(),
        version: r.version,
        items: r
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Commitment)
            .map(print_item)
            .collect(),
        exemplary: r
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Exemplary)
            .map(print_item)
            .collect(),
        pledges: manifestations
            .iter()
            .filter(|m| r.pledges.contains(&m.code))
            .map(|m| (m.code.clone(), m.title.clone()))
            .collect(),
        pledged_on: r.pledged_at.map(reg::vn_date),
        approved_by: r.approved_by.clone(),
        approved_on: date_of(r.approved_at.as_deref()),
        place: String::new(),
        date: date_of(r.first_submitted_at.as_deref()).unwrap_or_else(|| st.db.today()),
    };
    let bytes = crate::heavy::run(move || office::registration_docx(&print))
        .await
        .map_err(|e| PageError::bad_form(&user, format!("/dang-ky/{id}"), e.to_string()))?;
    let name = format!("Bản đăng ký {} - {}.docx", r.year, r.member_name);
    let audit = store::FileAudit {
        kind: "registration.docx",
        label: &format!("Bản đăng ký năm {} — {}", r.year, r.member_name),
        unit_path: &r.unit_path,
        filename: &name,
        rows: None,
    };
    audit_file(&st, &user, audit).await?;
    Ok(file_response(DOCX, &name, bytes))
}
