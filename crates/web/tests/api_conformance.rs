//! Every API route answers what the OpenAPI document says: each route of `web::api::table()` is called with
//! real data (successful calls and some refused ones), and every answer's status, content type and JSON body
//! are checked against the served document (JSON Schema 2020-12, `#/components/schemas/..` resolved, formats
//! such as `date` checked, and no property that the document does not list). A JSON request the server
//! accepted must be valid for the document as well. On every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, Resp, TestApp};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Checks answers against the document and remembers which routes were answered with success.
struct Conformance {
    doc: Value,
    /// The document's components, made strict (see `strict`).
    components: Value,
    /// (method, template) → statuses seen.
    seen: BTreeMap<(String, String), BTreeSet<u16>>,
    failures: Vec<String>,
}

impl Conformance {
    fn new(doc: Value) -> Conformance {
        let mut components = doc["components"].clone();
        let in_all_of = all_of_members(&components);
        if let Some(schemas) = components["schemas"].as_object_mut() {
            for (name, schema) in schemas.iter_mut() {
                strict(schema, !in_all_of.contains(name));
            }
        }
        Conformance {
            doc,
            components,
            seen: BTreeMap::new(),
            failures: Vec::new(),
        }
    }

    /// The documented path template (without /api/v1) that `uri` is an instance of; literal segments win
    /// over parameters (`/registrations/queue` before `/registrations/{id}`).
    fn template(&self, method: &Method, uri: &str) -> Option<String> {
        let path = uri.split('?').next().unwrap();
        let segs: Vec<&str> = path.split('/').collect();
        let m = method.as_str().to_ascii_lowercase();
        let mut best: Option<(usize, String)> = None;
        for (template, item) in self.doc["paths"].as_object().unwrap() {
            if item.get(&m).is_none() {
                continue;
            }
            let t: Vec<&str> = template.split('/').collect();
            if t.len() != segs.len() {
                continue;
            }
            let mut literal = 0;
            let matches = t.iter().zip(&segs).all(|(a, b)| {
                if a.starts_with('{') {
                    !b.is_empty()
                } else {
                    literal += 1;
                    a == b
                }
            });
            if matches && best.as_ref().is_none_or(|(n, _)| literal > *n) {
                best = Some((literal, template.clone()));
            }
        }
        best.map(|(_, t)| t)
    }

    /// A request the server accepted must be valid for the document too (as documented, not made strict).
    fn check_request(&mut self, method: &Method, uri: &str, body: &Value) {
        let ctx = format!("{method} {uri} (request body)");
        let Some(template) = self.template(method, uri) else {
            return;
        };
        let m = method.as_str().to_ascii_lowercase();
        let Some(schema) = self.doc["paths"][&template][&m]["requestBody"]["content"]
            ["application/json"]["schema"]
            .as_object()
            .cloned()
        else {
            self.failures.push(format!(
                "{ctx}: accepted a JSON body that is not documented"
            ));
            return;
        };
        let mut root = schema;
        root.insert("components".into(), self.doc["components"].clone());
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .unwrap_or_else(|e| panic!("{ctx}: the document's schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            self.failures.push(format!(
                "{ctx}: accepted, but the document says it is invalid:\n  {}\n  body: {body}",
                errors.join("\n  ")
            ));
        }
    }

    /// Checks one answer; returns its JSON body (or `Null`).
    fn check(&mut self, method: &Method, uri: &str, r: &Resp) -> Value {
        let ctx = format!("{method} {uri} → {}", r.status);
        let Some(template) = self.template(method, uri) else {
            self.failures.push(format!("{ctx}: no documented route"));
            return Value::Null;
        };
        let m = method.as_str().to_ascii_lowercase();
        let short = template.trim_start_matches("/api/v1").to_string();
        self.seen
            .entry((m.clone(), short))
            .or_default()
            .insert(r.status.as_u16());
        let op = self.doc["paths"][&template][&m].clone();
        let code = r.status.as_u16().to_string();
        let range = format!("{}XX", &code[..1]);
        let Some(response) = [code.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|k| op["responses"].get(*k))
            .cloned()
        else {
            self.failures
                .push(format!("{ctx}: status not documented: {}", r.text()));
            return Value::Null;
        };
        let content = response["content"].as_object().cloned().unwrap_or_default();
        if content.is_empty() {
            if !r.body.is_empty() {
                self.failures.push(format!(
                    "{ctx}: documented without a body, got {}",
                    r.text()
                ));
            }
            return Value::Null;
        }
        let ctype = r
            .content_type()
            .split(';')
            .next()
            .unwrap()
            .trim()
            .to_string();
        let Some(media) = content.get(&ctype) else {
            self.failures.push(format!(
                "{ctx}: content type {ctype:?} not documented (documented: {:?})",
                content.keys().collect::<Vec<_>>()
            ));
            return Value::Null;
        };
        if !ctype.ends_with("json") {
            return Value::Null;
        }
        let body: Value = match serde_json::from_slice(&r.body) {
            Ok(v) => v,
            Err(e) => {
                self.failures.push(format!("{ctx}: body is not JSON: {e}"));
                return Value::Null;
            }
        };
        let mut schema = media["schema"].clone();
        strict(&mut schema, true);
        let mut root = match schema {
            Value::Object(o) => o,
            other => {
                let mut o = Map::new();
                o.insert("allOf".into(), json!([other]));
                o
            }
        };
        root.insert("components".into(), self.components.clone());
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .unwrap_or_else(|e| panic!("{ctx}: the document's schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            let shown = body.to_string();
            let shown = &shown[..shown.len().min(1500)];
            self.failures.push(format!(
                "{ctx}: body does not match the document:\n  {}\n  body: {shown}",
                errors.join("\n  ")
            ));
        }
        body
    }
}

/// Names of components that are members of an `allOf` (a flattened struct): those stay open, the schema
/// that combines them is closed instead.
fn all_of_members(components: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Array(members)) = o.get("allOf") {
                    for m in members {
                        if let Some(r) = m["$ref"].as_str() {
                            out.insert(r.trim_start_matches("#/components/schemas/").to_string());
                        }
                    }
                }
                o.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(components, &mut out);
    out
}

/// Closes object schemas (`unevaluatedProperties: false`) so that an answer carrying a property the document
/// does not list fails; members of an `allOf` stay open (the combining schema is closed), and a reference to
/// such a member is closed where it is made.
fn strict(schema: &mut Value, close_here: bool) {
    let Value::Object(o) = schema else { return };
    let is_object =
        o.contains_key("properties") || o.contains_key("allOf") || o.contains_key("$ref");
    if close_here
        && is_object
        && !o.contains_key("additionalProperties")
        && !o.contains_key("unevaluatedProperties")
    {
        o.insert("unevaluatedProperties".into(), json!(false));
    }
    for (k, v) in o.iter_mut() {
        match (k.as_str(), v) {
            ("allOf", Value::Array(members)) => members.iter_mut().for_each(|m| strict(m, false)),
            ("properties", Value::Object(props)) => {
                props.values_mut().for_each(|p| strict(p, true))
            }
            ("items" | "additionalProperties", v) => strict(v, true),
            ("oneOf" | "anyOf", Value::Array(members)) => {
                members.iter_mut().for_each(|m| strict(m, true))
            }
            _ => {}
        }
    }
}

/// Calls a route and checks the answer.
struct Caller<'a> {
    app: &'a TestApp,
    c: Conformance,
}

impl Caller<'_> {
    async fn call(
        &mut self,
        m: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Value {
        let r = self.app.api(m.clone(), uri, token, body.as_ref()).await;
        if let Some(b) = body.as_ref().filter(|_| r.status.is_success()) {
            self.c.check_request(&m, uri, b);
        }
        self.c.check(&m, uri, &r)
    }

    async fn raw(
        &mut self,
        m: Method,
        uri: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Value {
        let r = self
            .app
            .raw(m.clone(), uri, token, Some(content_type), body)
            .await;
        self.c.check(&m, uri, &r)
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

#[tokio::test]
async fn every_route_answers_as_documented() {
    each_backend(|app| async move {
        let doc = app.get("/api/openapi.json", None).await.json();
        let mut k = Caller {
            app: &app,
            c: Conformance::new(doc),
        };
        let (g, p, put, patch, del) = (
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        );
        let admin = app.token("admin.tu").await;
        let office = app.token("office.tu").await;
        let ward = app.token("bithu.p1").await;
        let cell = app.token("bithu.p1c1").await;
        let me = app.token("dangvien.p1c1").await;
        let own = app.fx.member(common::MEMBER_ACCOUNT_MEMBER).id;
        let c1: Vec<i64> = app.fx.members_in("P1-C1").iter().map(|m| m.id).collect();
        let c2: Vec<i64> = app.fx.members_in("P1-C2").iter().map(|m| m.id).collect();
        let (a, o, w, c, m) = (
            Some(admin.as_str()),
            Some(office.as_str()),
            Some(ward.as_str()),
            Some(cell.as_str()),
            Some(me.as_str()),
        );

        // ---- auth
        let t = k
            .call(p.clone(), "/api/v1/auth/token", None, Some(json!({"username": "kiemtra.tu", "password": common::PASSWORD})))
            .await;
        let spare = t["token"].as_str().unwrap().to_string();
        k.call(p.clone(), "/api/v1/auth/token", None, Some(json!({"username": "kiemtra.tu", "password": "sai"}))).await;
        k.call(p.clone(), "/api/v1/auth/token", None, Some(json!({"username": 5}))).await;
        k.call(g.clone(), "/api/v1/me", Some(&spare), None).await;
        k.call(g.clone(), "/api/v1/me", m, None).await;
        k.call(del.clone(), "/api/v1/auth/token", Some(&spare), None).await;
        k.call(g.clone(), "/api/v1/me", Some(&spare), None).await;

        // ---- units
        let p1 = app.fx.unit("P1").id;
        k.call(g.clone(), "/api/v1/units", a, None).await;
        k.call(g.clone(), "/api/v1/units?unit=P1", w, None).await;
        k.call(g.clone(), "/api/v1/units?unit=KHONG-CO", w, None).await;
        k.call(g.clone(), &format!("/api/v1/units/{p1}"), a, None).await;
        k.call(g.clone(), "/api/v1/units/999999", a, None).await;
        let u = k
            .call(p.clone(), "/api/v1/units", a, Some(json!({"code": "P1-C3", "name": "Chi bộ Khu phố Một C", "type": "cell", "parent_code": "P1", "valid_from": "2020-01-01"})))
            .await;
        let uid = id(&u);
        k.call(p.clone(), "/api/v1/units", a, Some(json!({"code": "P1-C4", "name": "x", "type": "zz", "parent_code": "P1"}))).await;
        k.call(p.clone(), "/api/v1/units", m, Some(json!({"code": "P1-C4", "name": "x", "type": "cell", "parent_code": "P1"}))).await;
        k.call(patch.clone(), &format!("/api/v1/units/{uid}"), a, Some(json!({"name": "Chi bộ Khu phố Một C (mới)", "sort_order": 9}))).await;
        k.call(p.clone(), &format!("/api/v1/units/{uid}/move"), a, Some(json!({"parent_code": "P2", "date": "2026-01-01"}))).await;
        k.call(p.clone(), &format!("/api/v1/units/{uid}/move"), a, Some(json!({"parent_code": "P2", "date": "01/01/2026"}))).await;
        k.call(g.clone(), &format!("/api/v1/units/{}", app.fx.unit("P2").id), a, None).await;
        k.call(p.clone(), &format!("/api/v1/units/{uid}/close"), a, Some(json!({"date": "2026-11-01"}))).await;

        // ---- members
        k.call(g.clone(), "/api/v1/members", a, None).await;
        k.call(g.clone(), "/api/v1/members?q=nguyen&unit=P1&page=1&per_page=2&include_inactive=true", w, None).await;
        let nm = k
            .call(p.clone(), "/api/v1/members", c, Some(json!({"unit_code": "P1-C1", "full_name": "Trương Văn Thử", "card_number": "0100099", "gender": "male", "birth_date": "1990-05-05", "joined_on": "2015-01-01", "phone": "0903123456", "positions": ["Phó Bí thư Chi bộ", {"title": "Chi ủy viên", "duties": "Tuyên giáo"}], "since": "2026-01-01"})))
            .await;
        let nid = id(&nm);
        k.call(p.clone(), "/api/v1/members", c, Some(json!({"unit_code": "P1-C1", "full_name": "X", "color": "red"}))).await;
        k.call(g.clone(), &format!("/api/v1/members/{nid}"), c, None).await;
        k.call(g.clone(), &format!("/api/v1/members/{}", c1[0]), m, None).await;
        k.call(patch.clone(), &format!("/api/v1/members/{nid}"), c, Some(json!({"phone": null, "official_on": "2016-01-01"}))).await;
        k.call(patch.clone(), &format!("/api/v1/members/{nid}"), c, Some(json!({"birth_date": "2099-99-99"}))).await;
        k.call(p.clone(), &format!("/api/v1/members/{nid}/transfer"), w, Some(json!({"unit_code": "P1-C2", "date": "2026-06-01"}))).await;
        k.call(p.clone(), &format!("/api/v1/members/{nid}/status"), w, Some(json!({"status": "exempt", "date": "2026-07-01"}))).await;
        k.call(p.clone(), &format!("/api/v1/members/{nid}/status"), w, Some(json!({"status": "zz", "date": "2026-07-01"}))).await;
        k.call(g.clone(), &format!("/api/v1/members/{nid}/history"), w, None).await;

        // ---- accounts, audit
        k.call(g.clone(), "/api/v1/accounts", a, None).await;
        k.call(g.clone(), "/api/v1/accounts", m, None).await;
        let sec = id(&k.call(p.clone(), "/api/v1/accounts", a, Some(json!({"username": "moi.p1", "password": "MatKhau2026moi", "role": "secretary", "unit_code": "P1", "display_name": "Bí thư mới"}))).await);
        k.call(p.clone(), "/api/v1/accounts", a, Some(json!({"username": "moi.p2", "password": "MatKhau2026moi", "role": "king", "unit_code": "P1"}))).await;
        let card = app.fx.member("Trần Thị Mai").card.clone();
        k.call(put.clone(), &format!("/api/v1/accounts/{sec}/member"), o, Some(json!({"card_number": card}))).await;
        k.call(put.clone(), &format!("/api/v1/accounts/{sec}/member"), o, Some(json!({"card_number": "0999999"}))).await;
        k.call(put.clone(), &format!("/api/v1/accounts/{sec}/member"), o, Some(json!({"member_id": null}))).await;
        k.call(put.clone(), &format!("/api/v1/accounts/{sec}/member"), o, Some(json!({}))).await;
        k.call(put.clone(), "/api/v1/accounts/999999/member", o, Some(json!({"member_id": null}))).await;
        k.call(g.clone(), "/api/v1/audit", a, None).await;
        k.call(g.clone(), "/api/v1/audit?object_type=member&from=2026-01-01&to=2026-12-31&page=1&per_page=5", a, None).await;
        k.call(g.clone(), "/api/v1/audit?from=x", a, None).await;

        // ---- import, export
        let units_csv = "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên\nP2-C2,Chi bộ Khu phố Hai B,cell,P2\n";
        k.raw(p.clone(), "/api/v1/import/units?filename=don-vi.csv&dry_run=true", a, "text/csv", units_csv.as_bytes().to_vec()).await;
        k.raw(p.clone(), "/api/v1/import/units?filename=don-vi.csv", a, "text/csv", b"Ma,Ten\n,\n".to_vec()).await;
        // A file that cannot be read at all: a plain problem document.
        k.raw(p.clone(), "/api/v1/import/units?filename=don-vi.xlsx", a, "application/octet-stream", b"PK\x03\x04 not a workbook".to_vec()).await;
        let members_csv = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại\nP1-C1,Ngô Văn Đến,15/03/1985,Nam,0777003,079085000777,19/05/2010,19/05/2011,,\n";
        k.raw(p.clone(), "/api/v1/import/members?filename=dang-vien.csv&dry_run=true", a, "text/csv", members_csv.as_bytes().to_vec()).await;
        k.raw(p.clone(), "/api/v1/import/members?filename=dang-vien.csv&dry_run=true", a, "text/csv", b"x,y\n1,2\n".to_vec()).await;
        let export = app.get("/api/v1/export/members?unit=P1", a).await;
        let csv_ok = export.status == StatusCode::OK;
        k.c.check(&g, "/api/v1/export/members?unit=P1", &export);
        k.call(g.clone(), "/api/v1/export/members?format=xlsx", a, None).await;
        k.call(g.clone(), "/api/v1/export/members?format=pdf", a, None).await;
        assert!(csv_ok, "CSV export");

        // ---- campaign
        k.call(p.clone(), "/api/v1/directives", o, Some(json!({"code": "05-CT/TW", "title": "Về đẩy mạnh học tập", "issued_on": "2016-05-15", "issuer": "Bộ Chính trị"}))).await;
        k.call(p.clone(), "/api/v1/directives", o, Some(json!({"code": "x"}))).await;
        k.call(g.clone(), "/api/v1/directives", w, None).await;
        k.call(p.clone(), "/api/v1/plans", o, Some(json!({"number": "43-KH/TU", "title": "Kế hoạch", "issued_on": "2016-06-21", "unit_code": "TU", "directive_code": "05-CT/TW", "target_attendance": 0.95, "target_registered": 0.9}))).await;
        k.call(p.clone(), "/api/v1/plans", o, Some(json!({"number": "2", "title": "x", "issued_on": "2016-06-21", "unit_code": "TU", "target_attendance": 2}))).await;
        k.call(g.clone(), "/api/v1/plans", w, None).await;
        k.call(put.clone(), "/api/v1/themes", o, Some(json!({"unit_code": "TU", "year": 2026, "title": "Chuyên đề năm 2026", "plan": "43-KH/TU", "description": "Mô tả"}))).await;
        k.call(g.clone(), "/api/v1/themes?unit=P1", w, None).await;
        k.call(put.clone(), "/api/v1/topics", c, Some(json!({"unit_code": "P1-C1", "month": "2026-12", "topic": "Học tập và làm theo Bác", "thematic": true}))).await;
        k.call(put.clone(), "/api/v1/topics", w, Some(json!({"unit_code": "P1-C2", "month": "2026-13", "topic": "Khác"}))).await;
        k.call(g.clone(), "/api/v1/topics?unit=P1&month=2026-12", w, None).await;
        let (tu, p1c) = (app.fx.unit("TU").id, app.fx.unit("P1").id);
        k.call(put.clone(), &format!("/api/v1/units/{tu}/calendar/2027"), o, Some(json!({"registration_deadline": "2027-04-15", "topic_day": 18}))).await;
        k.call(put.clone(), &format!("/api/v1/units/{tu}/calendar/2027"), o, Some(json!({"topic_day": 31}))).await;
        k.call(g.clone(), &format!("/api/v1/units/{p1c}/calendar/2027"), w, None).await;

        // ---- study sessions, cell meetings, attendance
        let s = k
            .call(p.clone(), "/api/v1/study-sessions", w, Some(json!({"unit_code": "P1", "date": "2026-11-20", "title": "Học tập chuyên đề năm 2026", "starts_at": "07:30", "ends_at": "11:00", "place": "Hội trường", "online": true, "thematic": true, "for_units": ["P1-C1", "P1-C2"]})))
            .await;
        let sid = id(&s);
        let s2 = k
            .call(p.clone(), "/api/v1/study-sessions", w, Some(json!({"unit_code": "P1", "date": "2026-11-27", "title": "Học tập lần hai"})))
            .await;
        let sid2 = id(&s2);
        k.call(p.clone(), "/api/v1/study-sessions", w, Some(json!({"unit_code": "P1", "title": "x"}))).await;
        k.call(put.clone(), &format!("/api/v1/study-sessions/{sid}/attendance"), w, Some(json!({"marks": [
            {"member_id": c1[0], "status": "present"}, {"member_id": c1[1], "status": "late"},
            {"member_id": c1[2], "status": "excused"}, {"member_id": c2[0], "status": "absent"},
            {"member_id": c2[1], "status": "makeup"}]}))).await;
        k.call(put.clone(), &format!("/api/v1/study-sessions/{sid}/attendance"), w, Some(json!({"marks": [{"member_id": c1[0], "status": "maybe"}]}))).await;
        k.call(put.clone(), &format!("/api/v1/study-sessions/{sid2}/attendance"), w, Some(json!({"marks": [{"member_id": c2[0], "status": "absent"}, {"member_id": c1[1], "status": "absent"}]}))).await;
        k.call(g.clone(), &format!("/api/v1/study-sessions/{sid}"), w, None).await;
        k.call(g.clone(), &format!("/api/v1/study-sessions/{sid}"), m, None).await;
        k.call(g.clone(), "/api/v1/study-sessions", w, None).await;
        k.call(g.clone(), "/api/v1/study-sessions?unit=P1-C1&from=2026-11-01&to=2026-11-25&limit=5", w, None).await;
        k.call(p.clone(), &format!("/api/v1/study-sessions/{sid2}/check-in-code"), w, None).await;
        let opened = k
            .call(p.clone(), &format!("/api/v1/study-sessions/{sid2}/check-in-code"), w, Some(json!({"minutes": 30})))
            .await;
        k.call(p.clone(), &format!("/api/v1/study-sessions/{sid2}/check-in-code"), w, Some(json!({"minutes": 3}))).await;
        let code = opened["check_in"]["code"].as_str().unwrap_or_default().to_string();
        k.call(p.clone(), &format!("/api/v1/study-sessions/{sid2}/check-in"), m, Some(json!({"code": "000000x"}))).await;
        k.call(p.clone(), &format!("/api/v1/study-sessions/{sid2}/check-in"), m, Some(json!({"code": code, "member_id": own}))).await;
        k.call(g.clone(), &format!("/api/v1/study-sessions/{sid2}"), w, None).await;
        k.call(del.clone(), &format!("/api/v1/study-sessions/{sid2}/check-in-code"), w, None).await;
        let cm = k
            .call(p.clone(), "/api/v1/cell-meetings", c, Some(json!({"unit_code": "P1-C1", "date": "2026-11-05", "title": "Sinh hoạt chi bộ tháng 11", "minutes": "Biên bản", "quality": "good", "thematic": false})))
            .await;
        let cid = id(&cm);
        k.call(put.clone(), &format!("/api/v1/cell-meetings/{cid}/attendance"), c, Some(json!({"marks": [{"member_id": c1[0], "status": "present"}]}))).await;
        k.call(g.clone(), &format!("/api/v1/cell-meetings/{cid}"), c, None).await;
        k.call(g.clone(), "/api/v1/cell-meetings?unit=P1", w, None).await;
        for uri in [
            "/api/v1/attendance/summary?unit=P1&from=2026-01-01&to=2026-12-31",
            "/api/v1/attendance/summary?unit=TU&kind=cell",
            "/api/v1/attendance/summary?kind=x",
            "/api/v1/attendance/units?unit=P1&from=2026-01-01&to=2026-12-31",
            "/api/v1/attendance/absentees?unit=P1",
        ] {
            k.call(g.clone(), uri, w, None).await;
        }
        k.call(g.clone(), &format!("/api/v1/members/{}/attendance", c1[1]), w, None).await;
        k.call(g.clone(), &format!("/api/v1/members/{own}/attendance?from=2026-11-21&to=2026-12-31"), m, None).await;

        // ---- registrations
        let items = json!([
            {"content": "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1", "duty": "Công tác dân vận", "target": "15 hộ", "deadline": "2021-09-30"},
            {"content": "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền", "duty": "Công tác chuyên môn", "target": "100% đơn thư", "deadline": "2021-12-31", "kind": "exemplary", "evidence": "Sổ theo dõi"},
            {"content": "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước", "duty": "", "target": "", "deadline": ""}
        ]);
        let r = k
            .call(p.clone(), "/api/v1/registrations", m, Some(json!({"member_id": own, "year": 2021, "items": items})))
            .await;
        let rid = id(&r);
        k.call(p.clone(), "/api/v1/registrations", m, Some(json!({"member_id": own, "year": 2023, "items": [{"content": "x", "deadline": "30/09/2019"}]}))).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/submit"), m, None).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/return"), w, Some(json!({"comment": "Nội dung 3 chưa cụ thể", "items": [{"position": 3, "comment": "Ghi rõ việc gì"}]}))).await;
        let mut fixed = items.clone();
        fixed[2] = json!({"content": "Tham gia 12 buổi sinh hoạt chi bộ và 02 lớp học nghị quyết", "duty": "Sinh hoạt chi bộ", "target": "12 buổi", "deadline": "2021-12-31"});
        k.call(put.clone(), &format!("/api/v1/registrations/{rid}"), m, Some(json!({"items": fixed}))).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/submit"), m, Some(json!({}))).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/approve"), w, Some(json!({}))).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/review"), m, Some(json!({"stage": "midyear", "items": [{"position": 1, "outcome": "done", "note": "Xong"}, {"position": 2, "outcome": "partly"}]}))).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/review"), m, Some(json!({"stage": "yearend", "items": [{"position": 1, "outcome": "done", "note": "Xong", "evidence": "Biên bản"}, {"position": 2, "outcome": "not_done"}, {"position": 3, "outcome": "done"}]}))).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/assess"), w, Some(json!({"items": [{"position": 1, "outcome": "done"}, {"position": 2, "outcome": "done"}, {"position": 3, "outcome": "partly"}]}))).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/publish"), w, None).await;
        k.call(g.clone(), &format!("/api/v1/registrations/{rid}"), m, None).await;
        k.call(p.clone(), &format!("/api/v1/registrations/{rid}/revise"), m, None).await;
        k.call(g.clone(), &format!("/api/v1/registrations/{rid}"), w, None).await;
        k.call(p.clone(), &format!("/api/v1/members/{own}/registrations/copy-previous"), m, Some(json!({"year": 2022}))).await;
        let items19: Value = serde_json::from_str(&items.to_string().replace("2021-", "2019-")).unwrap();
        k.call(p.clone(), "/api/v1/registrations", a, Some(json!({"member_id": c2[0], "year": 2019, "items": items19}))).await;
        k.call(p.clone(), "/api/v1/registrations", a, Some(json!({"member_id": c2[1], "year": 2019, "items": items19}))).await;
        k.call(g.clone(), "/api/v1/registrations?unit=TU&year=2019", a, None).await;
        k.call(g.clone(), "/api/v1/registrations?unit=P1&year=2021", w, None).await;
        k.call(g.clone(), "/api/v1/registrations/queue", w, None).await;
        k.call(g.clone(), "/api/v1/registrations/report?unit=TU&year=2019", a, None).await;
        k.call(g.clone(), "/api/v1/registrations/report?unit=P1&year=2021", w, None).await;
        k.call(g.clone(), "/api/v1/registrations/copy-clusters?unit=TU&year=2019", a, None).await;
        k.call(g.clone(), "/api/v1/manifestations", m, None).await;
        k.call(put.clone(), "/api/v1/manifestations/A1", o, Some(json!({"title": "Phai nhạt lý tưởng cách mạng"}))).await;
        k.call(put.clone(), "/api/v1/manifestations/Z9", o, Some(json!({"title": "x"}))).await;
        // The cell proposes, the ward decides (docs/DOMAIN.md § Rating); the ward cannot propose.
        k.call(p.clone(), &format!("/api/v1/members/{own}/rating-proposal"), c, Some(json!({"year": 2021, "rating": "excellent", "reason": "Hoàn thành xuất sắc mọi nội dung đã đăng ký"}))).await;
        k.call(p.clone(), &format!("/api/v1/members/{own}/rating-proposal"), w, Some(json!({"year": 2021, "rating": "good"}))).await;
        k.call(p.clone(), &format!("/api/v1/members/{own}/rating"), w, Some(json!({"year": 2021, "rating": "excellent"}))).await;
        k.call(p.clone(), &format!("/api/v1/members/{own}/rating"), w, Some(json!({"year": 2019, "rating": "zz"}))).await;

        // ---- models
        let md = k
            .call(p.clone(), "/api/v1/models", w, Some(json!({"unit_code": "P1", "name": "Dân vận khéo", "field": "Dân vận", "started_on": "2017-03-01", "description": "Vận động", "participants": "Ban công tác Mặt trận", "participants_count": 40, "public": true})))
            .await;
        let mid = id(&md);
        k.call(p.clone(), "/api/v1/models", w, Some(json!({"unit_code": "P1", "name": "x", "field": "Dân vận", "started_on": "2017-03-01", "status": "zz"}))).await;
        k.call(p.clone(), &format!("/api/v1/models/{mid}/adoptions"), w, Some(json!({"unit_code": "P1-C2", "adopted_on": "2018-03-01", "note": "Làm ở 2 tổ"}))).await;
        k.call(put.clone(), &format!("/api/v1/models/{mid}"), w, Some(json!({"status": "replicated", "participants_count": 60}))).await;
        let res = k
            .call(p.clone(), &format!("/api/v1/models/{mid}/results"), w, Some(json!({"measured_on": "2018-06-01", "indicator": "Số hộ", "value": 12.5, "unit": "hộ", "note": "n"})))
            .await;
        let png = office::solid_png(600, 400, [183, 28, 28]).unwrap();
        let boundary = "----conformance";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nHọp dân\r\n").as_bytes());
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hop dan.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
        body.extend_from_slice(&png);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let photos = format!("/api/v1/models/{mid}/photos");
        let photo = k
            .raw(p.clone(), &photos, w, &format!("multipart/form-data; boundary={boundary}"), body)
            .await;
        let pid = id(&photo);
        k.call(p.clone(), &photos, w, Some(json!({}))).await;
        k.call(g.clone(), &format!("/api/v1/models/{mid}"), w, None).await;
        k.call(g.clone(), &format!("/api/v1/models/{mid}/photos/{pid}"), w, None).await;
        k.call(g.clone(), &format!("/api/v1/models/{mid}/photos/{pid}/thumbnail"), w, None).await;
        k.call(g.clone(), "/api/v1/models?unit=P1", w, None).await;
        k.call(g.clone(), "/api/v1/models?status=zz", w, None).await;
        k.call(g.clone(), "/api/v1/models/adopted?unit=P1", w, None).await;
        k.call(del.clone(), &format!("/api/v1/models/{mid}/results/{}", id(&res)), w, None).await;
        k.call(del.clone(), &format!("/api/v1/models/{mid}/adoptions/P1-C2"), w, None).await;
        k.call(del.clone(), &format!("/api/v1/models/{mid}/adoptions/P1-C2"), w, None).await;
        k.call(del.clone(), &format!("/api/v1/models/{mid}/photos/{pid}"), w, None).await;

        // ---- inspection, supervision, discipline, xóa tên
        let insp = app.token("kiemtra.tu").await;
        let i = Some(insp.as_str());
        k.call(p.clone(), "/api/v1/inspections/programmes", i, Some(json!({"unit_code": "P1", "year": 2026, "body": "commission", "title": "Chương trình kiểm tra, giám sát năm 2026", "content": "Kiểm tra 2 chi bộ", "decision_number": "01-CTr/UBKT", "decided_on": "2026-01-10"}))).await;
        k.call(p.clone(), "/api/v1/inspections/programmes", i, Some(json!({"unit_code": "P1", "year": 1800, "title": "x"}))).await;
        k.call(g.clone(), "/api/v1/inspections/programmes?unit=P1&year=2026", i, None).await;
        let case = k
            .call(p.clone(), "/api/v1/inspections", i, Some(json!({"kind": "inspection", "conducted_by": "P1", "body": "commission", "title": "Kiểm tra chi bộ Khu phố Một A", "decision_number": "12-QĐ/UBKT", "decided_on": "2026-05-04", "from": "2025-01-01", "to": "2025-12-31", "directive_05": true, "team": ["Nguyễn Văn Kiểm"], "subject_units": ["P1-C1"], "subject_members": [own]})))
            .await;
        let case_id = id(&case);
        k.call(p.clone(), "/api/v1/inspections", i, Some(json!({"kind": "inspection", "conducted_by": "P1", "title": "x", "decision_number": "1", "decided_on": "2026-05-04", "subject_units": ["P2-C1"]}))).await;
        k.call(p.clone(), "/api/v1/inspections", c, Some(json!({"kind": "inspection", "conducted_by": "P1", "title": "x", "decision_number": "1", "decided_on": "2026-05-04", "subject_units": ["P1-C1"]}))).await;
        k.call(put.clone(), &format!("/api/v1/inspections/{case_id}"), i, Some(json!({"kind": "inspection", "conducted_by": "P1", "body": "commission", "title": "Kiểm tra chi bộ Khu phố Một A (sửa)", "decision_number": "12-QĐ/UBKT", "decided_on": "2026-05-04", "subject_units": ["P1-C1"], "subject_members": [own]}))).await;
        k.call(g.clone(), "/api/v1/inspections?unit=P1&kind=inspection&year=2026&page=1&per_page=10", i, None).await;
        k.call(g.clone(), "/api/v1/inspections?kind=zz", i, None).await;
        k.call(g.clone(), "/api/v1/inspections", w, None).await;
        let concluded = k
            .call(put.clone(), &format!("/api/v1/inspections/{case_id}/conclusion"), i, Some(json!({"concluded_on": "2026-06-15", "conclusion": "Thực hiện cơ bản tốt", "findings": [
                {"unit_code": "P1-C1", "result": "shortcomings", "manifestations": [], "note": "Sinh hoạt chưa đều", "remedies": [{"text": "Sinh hoạt đủ 12 kỳ", "due": "2026-12-31"}]},
                {"member_id": own, "result": "violation", "manifestations": ["B3"], "note": "Chưa gương mẫu", "remedies": []}]})))
            .await;
        k.call(put.clone(), &format!("/api/v1/inspections/{case_id}/conclusion"), i, Some(json!({"concluded_on": "2026-06-15", "findings": [{"unit_code": "P1-C1", "result": "zz"}]}))).await;
        let remedy = concluded["subjects"].as_array().and_then(|s| s.iter().find_map(|x| x["remedies"][0]["id"].as_i64())).unwrap_or(0);
        k.call(put.clone(), &format!("/api/v1/inspections/remedies/{remedy}/done"), c, Some(json!({"done_on": "2026-11-20", "note": "Đã sinh hoạt đủ"}))).await;
        k.call(put.clone(), "/api/v1/inspections/remedies/999999/done", c, Some(json!({"done_on": "2026-11-20"}))).await;
        k.call(g.clone(), &format!("/api/v1/inspections/{case_id}"), i, None).await;
        k.call(g.clone(), &format!("/api/v1/inspections/{case_id}"), c, None).await;
        k.call(g.clone(), "/api/v1/inspections/findings?year=2026", c, None).await;
        k.call(g.clone(), "/api/v1/inspections/findings", m, None).await;
        let d = k
            .call(p.clone(), "/api/v1/disciplines", i, Some(json!({"member_id": own, "form": "warning", "decided_by": "P1", "body": "committee", "decision_number": "20-QĐ/ĐU", "decided_on": "2026-11-10", "reason": "Vi phạm quy chế làm việc", "inspection_id": case_id})))
            .await;
        let did = id(&d);
        k.call(p.clone(), "/api/v1/disciplines", i, Some(json!({"unit_code": "P1-C2", "form": "expulsion", "decided_by": "P1", "decision_number": "21", "decided_on": "2026-11-10", "reason": "x"}))).await;
        k.call(g.clone(), "/api/v1/disciplines?unit=P1&year=2026", i, None).await;
        k.call(g.clone(), "/api/v1/disciplines", m, None).await;
        k.call(g.clone(), &format!("/api/v1/disciplines/{did}"), m, None).await;
        let appeal = k
            .call(p.clone(), &format!("/api/v1/disciplines/{did}/appeal"), m, Some(json!({"filed_on": "2026-11-20"})))
            .await;
        k.call(p.clone(), &format!("/api/v1/disciplines/{did}/appeal"), m, Some(json!({"filed_on": "2026-11-21"}))).await;
        k.call(put.clone(), &format!("/api/v1/disciplines/appeals/{}/result", id(&appeal)), i, Some(json!({"outcome": "changed_form", "new_form": "reprimand", "decided_on": "2026-11-25"}))).await;
        k.call(put.clone(), &format!("/api/v1/disciplines/appeals/{}/result", id(&appeal)), i, Some(json!({"outcome": "zz", "decided_on": "2026-11-25"}))).await;
        k.call(g.clone(), "/api/v1/inspections/summary?unit=TU&from=2026-01-01&to=2026-12-31", i, None).await;
        k.call(g.clone(), "/api/v1/inspections/summary?unit=TU&from=2026-12-31&to=2026-01-01", i, None).await;
        k.call(g.clone(), "/api/v1/inspections/summary", w, None).await;
        k.call(g.clone(), "/api/v1/inspections/strike-off-candidates?unit=P1&year=2026", w, None).await;
        k.call(p.clone(), "/api/v1/strike-offs", w, Some(json!({"member_id": c2[2], "decided_by": "P1", "decision_number": "15-QĐ/ĐU", "decided_on": "2026-11-05", "reason": "Bỏ sinh hoạt chi bộ ba tháng không có lý do"}))).await;
        k.call(p.clone(), "/api/v1/strike-offs", w, Some(json!({"member_id": c2[2], "decided_by": "KHONG-CO"}))).await;
        k.call(g.clone(), "/api/v1/strike-offs?unit=P1&year=2026", w, None).await;

        // ---- commendations
        let thang = app.fx.member("Nguyễn Hữu Thắng").id;
        let cm = k
            .call(p.clone(), "/api/v1/commendations", o, Some(json!({"kind": "certificate", "issued_by": "TU", "decision_number": "125-QĐ/TU", "decided_on": "2026-05-19", "reason": "Thành tích xuất sắc", "recipients": {"member_ids": [own, thang], "unit_codes": ["P1-C1"]}, "model_ids": [mid]})))
            .await;
        let cm_id = id(&cm);
        let prop = k
            .call(p.clone(), "/api/v1/commendations", w, Some(json!({"kind": "title", "label": "Chi bộ trong sạch vững mạnh", "issued_by": "TU", "reason": "Ba năm liền", "recipients": {"unit_codes": ["P1-C2"]}})))
            .await;
        let prop_id = id(&prop);
        let prop2 = id(&k.call(p.clone(), "/api/v1/commendations", w, Some(json!({"kind": "praise", "issued_by": "P1", "reason": "Gương mẫu", "recipients": {"member_ids": [own]}, "registration_ids": [rid]}))).await);
        let prop3 = id(&k.call(p.clone(), "/api/v1/commendations", w, Some(json!({"kind": "praise", "issued_by": "P1", "reason": "Nhập nhầm", "recipients": {"member_ids": [own]}}))).await);
        k.call(p.clone(), "/api/v1/commendations", w, Some(json!({"kind": "zz", "issued_by": "TU", "recipients": {"member_ids": [thang]}}))).await;
        k.call(p.clone(), "/api/v1/commendations", m, Some(json!({"kind": "praise", "issued_by": "P1", "reason": "x", "recipients": {"member_ids": [own]}}))).await;
        k.call(g.clone(), "/api/v1/commendations?unit=P1&year=2026&state=decided&kind=certificate&page=1&per_page=5", w, None).await;
        k.call(g.clone(), &format!("/api/v1/commendations?member={own}&model={mid}&q=xuat"), m, None).await;
        k.call(g.clone(), "/api/v1/commendations?state=zz", w, None).await;
        k.call(g.clone(), &format!("/api/v1/commendations/{cm_id}"), w, None).await;
        k.call(put.clone(), &format!("/api/v1/commendations/{prop_id}/decision"), o, Some(json!({"decision_number": "9-QĐ/TU", "decided_on": "2026-11-27", "level": "district"}))).await;
        k.call(put.clone(), &format!("/api/v1/commendations/{prop_id}/decision"), o, Some(json!({"decided_on": "2026-11-27"}))).await;
        k.call(put.clone(), &format!("/api/v1/commendations/{prop2}/decline"), o, Some(json!({"note": "Chưa đủ thành tích"}))).await;
        k.call(put.clone(), &format!("/api/v1/commendations/{prop2}/decline"), w, Some(json!({"note": "x"}))).await;
        k.call(del.clone(), &format!("/api/v1/commendations/{prop3}"), w, None).await;
        k.call(del.clone(), &format!("/api/v1/commendations/{prop3}"), w, None).await;
        k.call(g.clone(), "/api/v1/commendations/summary?unit=TU&from=2026-01-01&to=2026-12-31", o, None).await;
        k.call(g.clone(), "/api/v1/commendations/summary", w, None).await;
        k.call(g.clone(), "/api/v1/commendations/summary?from=2026-12-31&to=2026-01-01", o, None).await;

        // ---- criteria sets, assessments, recognitions, classifications
        k.call(p.clone(), "/api/v1/criteria/sets", o, Some(json!({"code": "NTM-T", "title": "Bộ tiêu chí thử", "version": "2016–2020", "description": "Bản thử", "owner": "TU", "applies_to": {"unit_type": "grassroots_committee"}, "items": [{"code": "1", "title": "Quy hoạch", "group": "Quy hoạch", "measure": "Có quy hoạch", "target": "Đạt"}, {"code": "2", "title": "Giao thông", "group": "Hạ tầng"}]}))).await;
        k.call(p.clone(), "/api/v1/criteria/sets", o, Some(json!({"code": "NTM-T", "title": "Bộ tiêu chí thử (sửa)", "applies_to": {"unit_type": "grassroots_committee"}, "items": [{"code": "1", "title": "Quy hoạch", "group": "Quy hoạch"}, {"code": "2", "title": "Giao thông", "group": "Hạ tầng"}]}))).await;
        k.call(p.clone(), "/api/v1/criteria/sets", o, Some(json!({"code": "VMDT-T", "title": "Văn minh đô thị (thử)", "applies_to": {"unit_codes": ["TU"]}, "items": [{"code": "VMĐT-01", "title": "Trật tự", "group": "Đô thị"}]}))).await;
        k.call(p.clone(), "/api/v1/criteria/sets", o, Some(json!({"code": "X", "title": "x", "applies_to": {}, "items": []}))).await;
        k.call(p.clone(), "/api/v1/criteria/sets", w, Some(json!({"code": "X", "title": "x", "applies_to": {"unit_type": "cell"}, "items": [{"code": "1", "title": "x", "group": ""}]}))).await;
        k.call(g.clone(), "/api/v1/criteria/sets", w, None).await;
        k.call(g.clone(), "/api/v1/criteria/sets/NTM-T", w, None).await;
        k.call(g.clone(), "/api/v1/criteria/sets/KHONG-CO", w, None).await;
        k.call(put.clone(), "/api/v1/criteria/assessments", w, Some(json!({"set": "NTM-T", "unit_code": "P1", "as_of": "2018-06-30", "note": "Đợt 1", "items": [{"code": "1", "state": "met", "evidence": "Quyết định"}, {"code": "2", "state": "partly", "evidence": ""}]}))).await;
        k.call(put.clone(), "/api/v1/criteria/assessments", w, Some(json!({"set": "NTM-T", "unit_code": "P1", "as_of": "2019-06-30", "items": [{"code": "2", "state": "met", "evidence": "Đã làm đường"}]}))).await;
        k.call(put.clone(), "/api/v1/criteria/assessments", w, Some(json!({"set": "NTM-T", "unit_code": "P1", "as_of": "x", "items": [{"code": "2", "state": "maybe"}]}))).await;
        k.call(g.clone(), "/api/v1/criteria/assessments?set=NTM-T&unit=P1", w, None).await;
        k.call(g.clone(), "/api/v1/criteria/status?set=NTM-T&unit=P1&as_of=2018-12-31", w, None).await;
        k.call(g.clone(), "/api/v1/criteria/status?unit=P1", w, None).await;
        k.call(p.clone(), "/api/v1/criteria/recognitions", o, Some(json!({"set": "NTM-T", "unit_code": "P1", "decision_number": "1/QĐ-UBND", "decided_on": "2018-12-31"}))).await;
        let rec = k
            .call(p.clone(), "/api/v1/criteria/recognitions", o, Some(json!({"set": "NTM-T", "unit_code": "P1", "decision_number": "2/QĐ-UBND", "decided_on": "2019-12-20", "issued_by": "UBND tỉnh"})))
            .await;
        k.call(g.clone(), "/api/v1/criteria/status?set=NTM-T&unit=P1&as_of=2020-01-01", w, None).await;
        k.call(g.clone(), "/api/v1/criteria/rollup?set=NTM-T&unit=TU&as_of=2020-01-01", o, None).await;
        k.call(g.clone(), "/api/v1/criteria/rollup?set=NTM-T&as_of=x", o, None).await;
        k.call(p.clone(), &format!("/api/v1/criteria/recognitions/{}/withdrawal", id(&rec)), o, Some(json!({"decision_number": "3/QĐ-UBND", "withdrawn_on": "2020-03-01", "reason": "Không còn đạt"}))).await;
        k.call(p.clone(), &format!("/api/v1/criteria/recognitions/{}/withdrawal", id(&rec)), o, Some(json!({"withdrawn_on": "2020-03-01"}))).await;
        k.call(g.clone(), "/api/v1/criteria/recognitions?set=NTM-T&unit=P1", w, None).await;
        k.call(p.clone(), "/api/v1/classifications", o, Some(json!({"unit_code": "TU", "title": "Đô thị loại II", "decision_number": "1254/QĐ-BXD", "decided_on": "2019-05-20", "issued_by": "Bộ Xây dựng", "note": "Ghi chú"}))).await;
        k.call(p.clone(), "/api/v1/classifications", w, Some(json!({"unit_code": "TU", "title": "x"}))).await;
        k.call(g.clone(), "/api/v1/classifications?unit=TU", o, None).await;
        k.call(g.clone(), "/api/v1/classifications", w, None).await;

        // ---- period reports, rounds, stored reports
        k.call(g.clone(), "/api/v1/reports/period?unit=TU&from=2026-01-01&to=2026-11-27", o, None).await;
        k.call(g.clone(), "/api/v1/reports/period?from=2026-01-01&to=2026-11-27", w, None).await;
        k.call(g.clone(), "/api/v1/reports/period?from=2026-11-27&to=2026-01-01", o, None).await;
        k.call(g.clone(), "/api/v1/reports/period?from=2026-01-01&to=2026-11-27", m, None).await;
        k.call(g.clone(), "/api/v1/reports/period.docx?unit=P1&from=2026-01-01&to=2026-11-27", o, None).await;
        k.call(g.clone(), "/api/v1/reports/period.xlsx?unit=P1&from=2026-01-01&to=2026-11-27", o, None).await;
        let round = k
            .call(p.clone(), "/api/v1/reports/rounds", o, Some(json!({"unit": "TU", "title": "Sơ kết 6 tháng", "from": "2026-01-01", "to": "2026-06-30", "due_on": "2026-07-15", "note": "Ghi chú"})))
            .await;
        k.call(p.clone(), "/api/v1/reports/rounds", o, Some(json!({"unit": "TU", "title": "", "from": "x"}))).await;
        k.call(g.clone(), "/api/v1/reports/rounds", w, None).await;
        let round_id = round["round"]["id"].as_i64().unwrap();
        k.call(g.clone(), &format!("/api/v1/reports/rounds/{round_id}"), o, None).await;
        let sub = round["reports"][0]["report_id"].as_i64().unwrap();
        k.call(g.clone(), "/api/v1/reports?unit=P1", w, None).await;
        k.call(put.clone(), &format!("/api/v1/reports/{sub}"), w, Some(json!({"header": {"issuer": "ĐẢNG ỦY PHƯỜNG MỘT", "number": "12-BC/ĐU", "dated": "2026-07-10", "recipients": ["Thành ủy"]}, "narratives": {"results": "Kết quả"}}))).await;
        k.call(p.clone(), &format!("/api/v1/reports/{sub}/actions"), w, Some(json!({"action": "submit"}))).await;
        k.call(p.clone(), &format!("/api/v1/reports/{sub}/actions"), o, Some(json!({"action": "return"}))).await;
        k.call(p.clone(), &format!("/api/v1/reports/{sub}/actions"), o, Some(json!({"action": "accept", "comment": ""}))).await;
        k.call(g.clone(), &format!("/api/v1/reports/{sub}"), o, None).await;
        k.call(g.clone(), &format!("/api/v1/reports/{sub}/docx"), o, None).await;
        k.call(g.clone(), &format!("/api/v1/reports/{sub}/xlsx"), o, None).await;
        k.call(g.clone(), "/api/v1/reports/999999", o, None).await;
        k.call(p.clone(), "/api/v1/reports", c, Some(json!({"unit": "P1-C1", "from": "2026-01-01", "to": "2026-11-27"}))).await;
        k.call(p.clone(), "/api/v1/reports", c, Some(json!({"unit": "P1-C1", "from": "2026-13-01"}))).await;

        // ---- public feedback
        let pubreg = common::published(&app).await;
        for body in [
            json!({"subject_type": "registration", "subject_id": pubreg, "content": "Khu phố đã lắp được đèn hẻm 5, cảm ơn đồng chí", "name": " Nguyễn A ", "contact": ""}),
            json!({"subject_type": "registration", "subject_id": pubreg, "content": "Nội dung khác hẳn để thử bẫy", "website": "http://spam"}),
            json!({"subject_type": "registration", "subject_id": 999999, "content": "Một nội dung phản ánh đủ dài để hợp lệ"}),
            json!({"subject_type": "registration", "subject_id": pubreg, "content": "ngắn"}),
        ] {
            k.call(p.clone(), "/api/v1/public/feedback", None, Some(body)).await;
        }
        k.raw(p.clone(), "/api/v1/public/feedback", None, "text/plain", b"{}".to_vec()).await;

        // Every route of the table was answered with success at least once.
        let mut missing = Vec::new();
        for route in web::api::table() {
            let statuses = k
                .c
                .seen
                .get(&(route.method.to_string(), route.path.to_string()))
                .cloned()
                .unwrap_or_default();
            if !statuses.iter().any(|s| (200..300).contains(s)) {
                missing.push(format!("{} {} (seen {statuses:?})", route.method, route.path));
            }
        }
        let failures = &k.c.failures;
        assert!(
            failures.is_empty() && missing.is_empty(),
            "{} answers differ from the OpenAPI document:\n{}\n\nroutes never answered with success: {missing:#?}",
            failures.len(),
            failures.join("\n")
        );
    })
    .await;
}

/// The strict check catches what it should: an undocumented property and a wrong type.
#[test]
fn strict_schemas_refuse_undocumented_properties() {
    let doc = json!({
        "paths": {},
        "components": {"schemas": {
            "Base": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
            "Wide": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"more": {"type": "string"}}}]}
        }}
    });
    let c = Conformance::new(doc);
    let check = |name: &str, v: Value| {
        let mut root = json!({"$ref": format!("#/components/schemas/{name}")});
        strict(&mut root, true);
        root["components"] = c.components.clone();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .unwrap()
            .is_valid(&v)
    };
    assert!(check("Wide", json!({"id": 1, "more": "x"})));
    assert!(!check("Wide", json!({"id": 1, "more": "x", "extra": true})));
    assert!(!check("Wide", json!({"id": "1", "more": "x"})));
    assert!(check("Base", json!({"id": 1})));
    assert!(!check("Base", json!({"id": 1, "extra": 2})));
}
