//! The audit log, read only (`/audit`).

use super::{parse_date_field, r, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use domain::policy::Capability;
use serde::{Deserialize, Serialize};
use store::AuditFilter;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Vec<ApiRoute> {
    vec![r(
        "get",
        "/audit",
        "audit",
        "Nhật ký thay đổi (chỉ đọc)",
        get(audit),
    )
    .query::<AuditQuery>()
    .json::<Items<AuditEntry>>()]
}

// One change in the audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    id: i64,
    at: String,
    user_id: Option<i64>,
    username: String,
    /// Nơi thực hiện thay đổi (giao diện web, API, …)
    source: String,
    action: String,
    object_type: String,
    object_id: String,
    object_label: String,
    /// Giá trị trước khi đổi
    before: Option<serde_json::Value>,
    /// Giá trị sau khi đổi
    after: Option<serde_json::Value>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Người thực hiện.
    username: Option<String>,
    /// member | unit | account.
    object_type: Option<String>,
    /// Mã đối tượng.
    object_id: Option<String>,
    /// Thao tác.
    action: Option<String>,
    /// Từ ngày YYYY-MM-DD.
    #[param(format = Date)]
    from: Option<String>,
    /// Đến ngày YYYY-MM-DD.
    #[param(format = Date)]
    to: Option<String>,
    /// Trang.
    page: Option<i64>,
    /// Số dòng mỗi trang.
    per_page: Option<i64>,
}

async fn audit(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Items<AuditEntry>>, ApiError> {
    let p = &user.principal;
    if !p.has(Capability::ReadAudit) {
        return Err(ApiError::forbidden());
    }
    let f = AuditFilter {
        username: q.username,
        object_type: q.object_type,
        object_id: q.object_id,
        action: q.action,
        from: q
            .from
            .as_deref()
            .map(|s| parse_date_field("from", s))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|s| parse_date_field("to", s))
            .transpose()?,
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
        group_of: None,
    };
    let (items, total) = st.db.audit().list_audit(p, &f).await?;
    let items = items
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            at: e.at,
            user_id: e.user_id,
            username: e.username,
            source: e.source,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            object_label: e.object_label,
            before: e.before,
            after: e.after,
        })
        .collect();
    Ok(Json(Items { items, total }))
}
