//! The OpenAPI 3.1 document, generated from the route table so that it cannot miss a route.

use super::table;
use axum::Json;
use serde_json::{json, Map, Value};

fn schemas() -> Value {
    json!({
        "Problem": {"type": "object", "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string", "description": "Thông báo tiếng Việt"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
        "TokenRequest": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "device": {"type": "string", "description": "Mã thiết bị nhận ở lần đăng nhập thành công trước; khi có, đăng nhập sai từ nơi khác không làm máy này phải chờ"}}},
        "Token": {"type": "object", "properties": {"token": {"type": "string"}, "token_type": {"type": "string"}, "expires_in": {"type": "integer"}, "role": {"type": "string"}, "device": {"type": "string", "description": "Mã thiết bị: giữ lại và gửi kèm ở lần đăng nhập sau"}}},
        "Unit": {"type": "object", "properties": {
            "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
            "type": {"type": "string", "enum": ["party_committee", "grassroots_committee", "grassroots_cell", "cell", "front", "mass_organisation", "mass_mobilisation_team", "mass_mobilisation_bloc"]},
            "parent_id": {"type": ["integer", "null"]}, "parent_code": {"type": ["string", "null"]}, "valid_from": {"type": ["string", "null"], "format": "date"}, "valid_to": {"type": ["string", "null"], "format": "date"}}},
        "UnitInput": {"type": "object", "description": "Khi thêm mới cần code, name, type, parent_code; khi sửa (PATCH) chỉ name, type, sort_order.",
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"}, "parent_code": {"type": "string"},
            "sort_order": {"type": "integer"}, "valid_from": {"type": "string", "format": "date"}}},
        "MemberListItem": {"type": "object", "properties": {
            "id": {"type": "integer"}, "full_name": {"type": "string"}, "unit_code": {"type": "string"}, "unit_name": {"type": "string"},
            "phone": {"type": ["string", "null"]}, "card_number": {"type": ["string", "null"]}, "birth_date": {"type": ["string", "null"], "format": "date"},
            "gender": {"type": ["string", "null"], "enum": ["male", "female", null]}, "status": {"type": "string"}}},
        "Member": {"type": "object", "properties": {
            "id": {"type": "integer"}, "full_name": {"type": "string"}, "gender": {"type": ["string", "null"]},
            "birth_date": {"type": ["string", "null"], "format": "date"}, "card_number": {"type": ["string", "null"]}, "citizen_id": {"type": ["string", "null"]},
            "joined_on": {"type": ["string", "null"], "format": "date"}, "official_on": {"type": ["string", "null"], "format": "date", "description": "Trống = đảng viên dự bị"},
            "phone": {"type": ["string", "null"]}, "status": {"type": "string", "enum": ["active", "exempt", "transferred_out", "deceased", "expelled"]},
            "unit_id": {"type": "integer"}, "unit_code": {"type": "string"}, "unit_name": {"type": "string"},
            "positions": {"type": "array", "items": {"type": "object", "properties": {"title": {"type": "string"}, "duties": {"type": "string"}, "head": {"type": "boolean"}, "key_cadre": {"type": "boolean"}}}},
            "head": {"type": "boolean"}, "key_cadre": {"type": "boolean"}}},
        "MemberInput": {"type": "object", "description": "Khi thêm mới cần unit_code; khi sửa (PATCH) chỉ gửi các trường muốn đổi, null để xóa.",
            "properties": {"unit_code": {"type": "string"}, "since": {"type": "string", "format": "date"}, "full_name": {"type": "string"}, "gender": {"type": "string", "enum": ["male", "female"]},
            "birth_date": {"type": "string", "format": "date"}, "card_number": {"type": "string"}, "citizen_id": {"type": "string"},
            "joined_on": {"type": "string", "format": "date"}, "official_on": {"type": "string", "format": "date"}, "phone": {"type": "string"},
            "positions": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"title": {"type": "string"}, "duties": {"type": "string"}}}]}}}},
        "Transfer": {"type": "object", "required": ["unit_code", "date"], "properties": {"unit_code": {"type": "string"}, "date": {"type": "string", "format": "date"}}},
        "Status": {"type": "object", "required": ["status", "date"], "properties": {"status": {"type": "string", "enum": ["active", "exempt", "transferred_out", "deceased", "expelled"]}, "date": {"type": "string", "format": "date"}}},
        "AccountInput": {"type": "object", "required": ["username", "password", "role", "unit_code"], "properties": {
            "username": {"type": "string"}, "password": {"type": "string"}, "role": {"type": "string", "enum": ["admin", "office", "secretary", "inspector", "member"]},
            "unit_code": {"type": "string"}, "member_id": {"type": ["integer", "null"]}, "display_name": {"type": "string"}}},
        "ImportResult": {"type": "object", "properties": {"ok": {"type": "boolean"}, "report": {"type": "object", "properties": {
            "rows": {"type": "integer"}, "created": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"}, "dry_run": {"type": "boolean"}}}}},
        "ImportErrors": {"type": "object", "properties": {"detail": {"type": "string"}, "rows": {"type": "array", "items": {"type": "object", "properties": {
            "line": {"type": "integer", "description": "Dòng như trong Excel (tiêu đề = dòng 1)"}, "column": {"type": "string"}, "message": {"type": "string"}, "text": {"type": "string"}}}}}},
    })
}

/// Request body and success response schema for a route.
fn shapes(method: &str, path: &str) -> (Option<Value>, Value) {
    if let Some(s) = super::attendance::shapes(method, path) {
        return s;
    }
    if let Some(s) = super::registrations::shapes(method, path) {
        return s;
    }
    if let Some(s) = super::models::shapes(method, path) {
        return s;
    }
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let list = |name: &str| json!({"type": "object", "properties": {"items": {"type": "array", "items": r(name)}, "total": {"type": "integer"}}});
    match (method, path) {
        ("post", "/auth/token") => (Some(r("TokenRequest")), r("Token")),
        ("get", "/units") => (None, list("Unit")),
        ("get", "/units/{id}") => (None, r("Unit")),
        ("post", "/units") | ("patch", "/units/{id}") => (Some(r("UnitInput")), r("Unit")),
        ("post", "/units/{id}/move") => (
            Some(
                json!({"type": "object", "required": ["parent_code", "date"], "properties": {"parent_code": {"type": "string"}, "date": {"type": "string", "format": "date"}}}),
            ),
            r("Unit"),
        ),
        ("post", "/units/{id}/close") => (
            Some(
                json!({"type": "object", "required": ["date"], "properties": {"date": {"type": "string", "format": "date"}}}),
            ),
            r("Unit"),
        ),
        ("get", "/members") => (None, list("MemberListItem")),
        ("post", "/members") | ("patch", "/members/{id}") => (Some(r("MemberInput")), r("Member")),
        ("get", "/members/{id}") => (None, r("Member")),
        ("post", "/members/{id}/transfer") => (Some(r("Transfer")), r("Member")),
        ("post", "/members/{id}/status") => (Some(r("Status")), r("Member")),
        ("post", "/accounts") => (Some(r("AccountInput")), json!({"type": "object"})),
        ("post", "/public/feedback") => (
            Some(
                json!({"type": "object", "required": ["subject_type", "subject_id", "content"], "properties": {
                "subject_type": {"type": "string", "enum": ["registration", "model"]},
                "subject_id": {"type": "integer", "description": "Mã bản đăng ký hoặc mô hình đang công khai"},
                "content": {"type": "string", "minLength": domain::feedback::MIN_CONTENT_CHARS, "maxLength": domain::limits::FEEDBACK_CONTENT},
                "name": {"type": "string", "maxLength": domain::limits::PERSON_NAME, "description": "Không bắt buộc; chỉ đơn vị xem được"},
                "contact": {"type": "string", "maxLength": domain::limits::CONTACT, "description": "Không bắt buộc; chỉ đơn vị xem được"}}}),
            ),
            json!({"type": "object", "properties": {"id": {"type": "integer"}, "tracking_code": {"type": "string"},
                "status": {"type": "string", "enum": ["pending"]}, "tracking_url": {"type": "string"}, "merged": {"type": "boolean"}}}),
        ),
        ("post", "/import/units") | ("post", "/import/members") => (
            Some(json!({"type": "string", "format": "binary", "description": "Tệp CSV hoặc XLSX"})),
            r("ImportResult"),
        ),
        _ => (None, json!({"type": "object"})),
    }
}

fn parameters(method: &str, path: &str) -> Vec<Value> {
    let q = |name: &str, ty: &str, desc: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": ty}, "description": desc});
    let mut params = super::attendance::parameters(method, path);
    params.extend(super::registrations::parameters(method, path));
    params.extend(super::models::parameters(method, path));
    if path.contains("{id}") {
        params.push(
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}),
        );
    }
    match (method, path) {
        ("get", "/members") => {
            params.push(q(
                "q",
                "string",
                "Tên (không phân biệt dấu), số thẻ, CCCD hoặc điện thoại",
            ));
            params.push(q("unit", "string", "Mã đơn vị: cả cây đơn vị đó"));
            params.push(q("page", "integer", "Trang, từ 1"));
            params.push(q(
                "per_page",
                "integer",
                "Số dòng mỗi trang (1–500, mặc định 50)",
            ));
            params.push(q(
                "include_inactive",
                "boolean",
                "Gồm cả người đã chuyển đi, từ trần, khai trừ",
            ));
        }
        ("get", "/units") => params.push(q("unit", "string", "Chỉ cây của đơn vị này")),
        ("get", "/audit") => {
            for (n, d) in [
                ("username", "Người thực hiện"),
                ("object_type", "member | unit | account"),
                ("object_id", "Mã đối tượng"),
                ("action", "Thao tác"),
                ("from", "Từ ngày YYYY-MM-DD"),
                ("to", "Đến ngày YYYY-MM-DD"),
            ] {
                params.push(q(n, "string", d));
            }
            params.push(q("page", "integer", "Trang"));
            params.push(q("per_page", "integer", "Số dòng mỗi trang"));
        }
        ("post", p) if p.starts_with("/import/") => {
            params.push(q(
                "filename",
                "string",
                "Tên tệp (.csv hoặc .xlsx); nội dung XLSX cũng được nhận ra tự động",
            ));
            params.push(q("dry_run", "boolean", "Chỉ kiểm tra, không ghi"));
        }
        ("get", "/export/members") => {
            params.push(q(
                "unit",
                "string",
                "Mã đơn vị (mặc định: đơn vị được cấp quyền)",
            ));
            params.push(q("format", "string", "csv | xlsx"));
        }
        _ => {}
    }
    params
}

fn all_schemas() -> Value {
    let mut s = schemas();
    for extra in [
        super::attendance::schemas(),
        super::registrations::schemas(),
        super::models::schemas(),
    ] {
        if let (Some(a), Value::Object(b)) = (s.as_object_mut(), extra) {
            a.extend(b);
        }
    }
    s
}

/// Builds the document from the route table.
pub fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for route in table() {
        let (body, ok) = shapes(route.method, route.path);
        let mut op = json!({
            "summary": route.summary,
            "tags": [route.tag],
            "parameters": parameters(route.method, route.path),
            "responses": {
                "200": {"description": "Thành công", "content": {"application/json": {"schema": ok}}},
                "4XX": {"description": "Lỗi (thông báo tiếng Việt)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            },
        });
        if let Some(b) = body {
            let ctype = if route.path.starts_with("/import/") {
                "application/octet-stream"
            } else {
                "application/json"
            };
            op["requestBody"] = json!({"required": true, "content": {ctype: {"schema": b}}});
        }
        if !route.auth {
            op["security"] = json!([]);
        }
        if route.path == "/public/feedback" {
            op["responses"] = json!({
                "201": {"description": "Đã nhận phản ánh (chờ đơn vị xem xét). merged = true: nội dung gần như trùng một phản ánh gửi về cùng nội dung trong 24 giờ qua, nên được gộp vào phản ánh đó (được đếm, không mất); mã theo dõi vẫn là mã riêng của lần gửi này, trang theo dõi cho biết tình trạng và câu trả lời công khai của phản ánh đã gộp", "content": {"application/json": {"schema": ok}}},
                "403": {"description": "Gửi từ trang web khác (Origin khác máy chủ, Origin: null, Sec-Fetch-Site: cross-site)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "415": {"description": "Content-Type không phải application/json", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "429": {"description": "Gửi quá nhiều lần từ một địa chỉ; thử lại sau Retry-After giây", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "4XX": {"description": "Lỗi (thông báo tiếng Việt)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            });
        }
        let entry = paths
            .entry(format!("/api/v1{}", route.path))
            .or_insert_with(|| json!({}));
        entry[route.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "lamtheo API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "API của lamtheo: đơn vị, đảng viên, tài khoản, nhật ký, nhập/xuất, kế hoạch, học tập, sinh hoạt chi bộ và điểm danh. Mọi truy vấn chỉ trả về dữ liệu trong phạm vi quyền của tài khoản; đối tượng ngoài phạm vi trả về 404."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": all_schemas()},
        "paths": paths,
    })
}

pub async fn openapi_json() -> Json<Value> {
    Json(document())
}
