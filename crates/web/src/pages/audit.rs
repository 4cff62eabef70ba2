//! The audit log browser (admin and standing office): filter by user, object and dates. Read only.

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
}

pub struct EntryView {
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
    entries: Vec<EntryView>,
    total: String,
    page: i64,
    prev_link: String,
    next_link: String,
}

fn action_label(a: &str) -> String {
    match a {
        "create" => "Tạo mới",
        "update" => "Sửa",
        "transfer" => "Chuyển sinh hoạt",
        "status" => "Đổi trạng thái",
        "import" => "Nhập từ tệp",
        "move" => "Chuyển đơn vị cấp trên",
        "close" => "Giải thể",
        "password" => "Đổi mật khẩu",
        "enable" => "Mở khóa",
        "disable" => "Khóa",
        "demo" => "Dữ liệu mẫu",
        "export" => "Xuất tệp",
        "dry_run" => "Nhập thử",
        "identifier_clash" => "Trùng số định danh ngoài phạm vi",
        other => other,
    }
    .to_string()
}

fn type_label(t: &str) -> &str {
    match t {
        "member" => "Đảng viên",
        "unit" => "Đơn vị",
        "account" => "Tài khoản",
        "file" => "Tệp",
        "import" => "Tệp nhập",
        other => other,
    }
}

fn show_value(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => "—".into(),
        Some(serde_json::Value::String(s)) => {
            // Dates are stored ISO; show them the Vietnamese way.
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(domain::text::format_date)
                .unwrap_or_else(|_| s.clone())
        }
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|x| show_value(Some(x)))
            .collect::<Vec<_>>()
            .join("; "),
        Some(other) => other.to_string(),
    }
}

/// Field-by-field differences between the before and after snapshots.
fn changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let b = before.and_then(|v| v.as_object()).unwrap_or(&empty);
    let a = after.and_then(|v| v.as_object()).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), show_value(b.get(k)), show_value(a.get(k))))
        .collect()
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
    let f = AuditFilter {
        username: Some(q.nguoi.trim().to_string()),
        object_type: Some(q.loai.clone()),
        object_id: Some(q.ma.trim().to_string()),
        action: None,
        from: parse_form_date(&q.tu).ok().flatten(),
        to: parse_form_date(&q.den).ok().flatten(),
        page,
        per_page: PER_PAGE,
    };
    let (entries, total) = st
        .db
        .audit()
        .list_audit(&user.principal, &f)
        .await
        .page(&user)?;
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
                ("trang", &n)
            ])
        )
    };
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let entries = entries
        .iter()
        .map(|e| EntryView {
            at: timestamp(&e.at),
            username: e.username.clone(),
            source: e.source.clone(),
            action: action_label(&e.action),
            object: format!("{}: {}", type_label(&e.object_type), e.object_label),
            link: match e.object_type.as_str() {
                "member" => format!("/dang-vien/{}", e.object_id),
                "unit" => format!("/don-vi/{}", e.object_id),
                _ => String::new(),
            },
            changes: changes(e.before.as_ref(), e.after.as_ref()),
        })
        .collect();
    Ok(render(&AuditPage {
        ctx: Ctx::new(&user, "Nhật ký thay đổi", "audit"),
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
