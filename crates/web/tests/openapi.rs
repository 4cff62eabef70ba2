//! The API surface: the OpenAPI document covers the route table (success and problem answers, path
//! parameters, request bodies), every documented route is really routed, unknown API paths answer a
//! Vietnamese problem document, and /healthz reports the backend. That each answer matches the document is
//! checked in `api_conformance.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::each_backend;
use serde_json::Value;

fn method(m: &str) -> Method {
    Method::from_bytes(m.to_ascii_uppercase().as_bytes()).unwrap()
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    each_backend(|app| async move {
        let r = app.get("/api/openapi.json", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.content_type().starts_with("application/json"));
        let doc = r.json();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["info"]["title"].is_string());
        let paths = doc["paths"].as_object().expect("paths");
        let table = web::api::table();
        assert!(table.len() >= 18, "route table shrank: {}", table.len());
        for route in &table {
            let full = format!("/api/v1{}", route.path);
            let op = paths
                .get(&full)
                .and_then(|p| p.get(route.method))
                .unwrap_or_else(|| {
                    panic!("{} {full} missing from the OpenAPI document", route.method)
                });
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{full}"
            );
            // A success answer with its content (or 204 without), and problem documents for errors.
            let responses = op["responses"].as_object().unwrap();
            let success: Vec<&String> = responses.keys().filter(|k| k.starts_with('2')).collect();
            assert!(!success.is_empty(), "{full}: no success response");
            for code in success {
                let content = &responses[code]["content"];
                assert_eq!(
                    code == "204",
                    content.as_object().is_none_or(|c| c.is_empty()),
                    "{full} {code}: content {content}"
                );
            }
            for range in ["4XX", "5XX"] {
                assert_eq!(
                    responses[range]["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{full}: {range}"
                );
            }
            // Every `{name}` of the path is a declared path parameter (an integer for ids).
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for name in route
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            {
                let p = params
                    .iter()
                    .find(|p| p["name"] == name && p["in"] == "path")
                    .unwrap_or_else(|| panic!("{full}: path parameter {name}"));
                assert_eq!(p["required"], true, "{full}: {name}");
                let ty = if name == "id" || name.ends_with("_id") {
                    "integer"
                } else {
                    "string"
                };
                assert_eq!(p["schema"]["type"], ty, "{full}: {name}");
            }
            // Request bodies are described.
            if let Some(body) = op.get("requestBody") {
                let content = body["content"].as_object().unwrap();
                assert!(!content.is_empty(), "{full}: request body without content");
            }
            if !route.auth {
                assert_eq!(op["security"], serde_json::json!([]), "{full} is public");
            }
        }
        // …and nothing is documented that the table does not have.
        let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(documented, table.len());
        // Every $ref resolves.
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let name = r.strip_prefix("#/components/schemas/").unwrap();
            assert!(doc["components"]["schemas"][name].is_object(), "{r}");
        }
        // No two types share a component name (the document would keep only one of them).
        assert_eq!(
            web::api::openapi::schema_name_clashes(),
            Vec::<String>::new(),
            "schema names given to different types"
        );
        // Every schema compiles as JSON Schema 2020-12 (with the components beside it).
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            let mut root = schema.clone();
            root["components"] = doc["components"].clone();
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&root)
                .unwrap_or_else(|e| panic!("schema {name}: {e}"));
        }
    })
    .await;
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                if k == "$ref" {
                    out.push(v.as_str().unwrap().to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_documented_route_is_routed() {
    each_backend(|app| async move {
        let member = app.fx.members[0].id;
        for route in web::api::table() {
            let path = format!("/api/v1{}", route.path.replace("{id}", &member.to_string()));
            let m = method(route.method);
            for body in [None, Some(serde_json::json!({}))] {
                let r = app.api(m.clone(), &path, None, body.as_ref()).await;
                let ctx = format!("{} {path} (body {body:?})", route.method);
                assert_ne!(r.status, StatusCode::NOT_FOUND, "{ctx}: not routed");
                assert_ne!(
                    r.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{ctx}: wrong method"
                );
                if route.auth {
                    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{ctx}: {}", r.text());
                } else {
                    assert!(
                        [200, 400, 401, 422].contains(&r.status.as_u16()),
                        "{ctx}: {}",
                        r.status
                    );
                }
                r.assert_problem(&ctx);
            }
            // A wrong bearer token is no better.
            let r = app.api(m.clone(), &path, Some(&"f".repeat(64)), None).await;
            if route.auth {
                assert_eq!(
                    r.status,
                    StatusCode::UNAUTHORIZED,
                    "{} {path}",
                    route.method
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn unknown_api_paths_answer_a_vietnamese_problem() {
    each_backend(|app| async move {
        let token = app.token("admin.tu").await;
        for (m, path) in [
            (Method::GET, "/api/v1/xyz"),
            (Method::GET, "/api/v1/members/1/khong-co"),
            (Method::POST, "/api/v1/xyz"),
            (Method::GET, "/api/v2/members"),
            (Method::GET, "/api/"),
        ] {
            for t in [None, Some(token.as_str())] {
                let r = app.api(m.clone(), path, t, None).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{m} {path}");
                let v = r.assert_problem(path);
                assert_eq!(v["title"], "Không tìm thấy");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn healthz_reports_backend_and_schema_version() {
    each_backend(|app| async move {
        let r = app.get("/healthz", None).await;
        assert_eq!(r.status, StatusCode::OK);
        let v = r.json();
        assert_eq!(v["status"], "ok");
        assert_eq!(v["backend"], app.backend);
        let version = v["schema_version"].as_i64().expect("schema_version");
        assert!(version > 0);
        assert_eq!(version, app.db.schema_version().await.unwrap());
    })
    .await;
}
