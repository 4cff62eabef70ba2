//! The OpenAPI 3.1 document, built with utoipa from the route table so that it cannot miss a route: each
//! route's builder calls (`ApiRoute::body`, `json`, `query`, …) give its bodies and parameters, the types
//! deriving `ToSchema` give the components.

use super::{schema_of, table, ApiRoute, DocResponse};
use crate::error::Problem;
use axum::Json;
use std::collections::BTreeMap;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Paths, RefOr,
    Required, ResponseBuilder, ResponsesBuilder, ServerBuilder,
};

const DESCRIPTION: &str = "API của hệ thống lamtheo: đơn vị, đảng viên, tài khoản, nhật ký, nhập/xuất, kế hoạch, học tập, sinh hoạt chi bộ, điểm danh, bản đăng ký làm theo, mô hình và phản ánh của nhân dân. Mọi truy vấn chỉ trả về dữ liệu trong phạm vi quyền của tài khoản; đối tượng ngoài phạm vi trả về 404.";

fn http_method(m: &str) -> HttpMethod {
    match m {
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "patch" => HttpMethod::Patch,
        "delete" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

/// The `{name}` segments of a path as required path parameters: `id` and `…_id` are integers, other names
/// (codes) strings.
pub fn path_parameters(path: &str) -> Vec<Parameter> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let integer = name == "id" || name.ends_with("_id");
            let schema = if integer {
                ObjectBuilder::new().schema_type(Type::Integer).format(Some(
                    utoipa::openapi::schema::SchemaFormat::KnownFormat(
                        utoipa::openapi::schema::KnownFormat::Int64,
                    ),
                ))
            } else {
                ObjectBuilder::new().schema_type(Type::String)
            };
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .build()
        })
        .collect()
}

fn response(r: &DocResponse) -> utoipa::openapi::Response {
    let mut b = ResponseBuilder::new().description(r.description);
    for (ctype, schema) in &r.content {
        b = b.content(
            *ctype,
            ContentBuilder::new().schema(Some(schema.clone())).build(),
        );
    }
    b.build()
}

fn operation(route: &ApiRoute, problem: &RefOr<Schema>) -> utoipa::openapi::path::Operation {
    let mut responses = ResponsesBuilder::new();
    let mut codes: Vec<&DocResponse> = route.doc.responses.iter().collect();
    codes.sort_by_key(|r| r.status);
    for r in codes {
        responses = responses.response(r.status.to_string(), response(r));
    }
    let problem_response = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new().schema(Some(problem.clone())).build(),
            )
            .build()
    };
    responses = responses
        .response("4XX", problem_response("Lỗi (thông báo tiếng Việt)"))
        .response(
            "5XX",
            problem_response("Lỗi máy chủ (thông báo tiếng Việt)"),
        );
    let mut parameters = path_parameters(route.path);
    parameters.extend(route.doc.query.iter().cloned());
    let mut op = OperationBuilder::new()
        .summary(Some(route.summary))
        .tag(route.tag)
        .operation_id(Some(operation_id(route.method, route.path)))
        .parameters(Some(parameters))
        .responses(responses.build());
    if let Some((ctype, schema)) = &route.doc.request {
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    *ctype,
                    ContentBuilder::new().schema(Some(schema.clone())).build(),
                )
                .build(),
        ));
    }
    if !route.auth {
        op = op.securities(Some(Vec::<SecurityRequirement>::new()));
    }
    op.build()
}

/// `get /units/{id}/move` → `get_units_id_move`.
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.extend(
            seg.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
        );
    }
    id.replace("__", "_").trim_end_matches('_').to_string()
}

/// Builds the document from the route table.
pub fn document() -> OpenApi {
    build().0
}

/// Names given to two different schemas (two types with one name): the document keeps only one of them, so
/// this must stay empty (checked by the tests).
pub fn schema_name_clashes() -> Vec<String> {
    build().1
}

fn build() -> (OpenApi, Vec<String>) {
    let mut schemas: Vec<(String, RefOr<Schema>)> = Vec::new();
    let problem = schema_of::<Problem>(&mut schemas);
    let mut paths = Paths::new();
    for route in table() {
        let op = operation(&route, &problem);
        let full = format!("/api/v1{}", route.path);
        match paths.paths.get_mut(&full) {
            Some(item) => item.merge_operations(PathItem::new(http_method(route.method), op)),
            None => {
                paths
                    .paths
                    .insert(full, PathItem::new(http_method(route.method), op));
            }
        }
        schemas.extend(route.doc.schemas);
    }
    let mut components = ComponentsBuilder::new().security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    let mut unique: BTreeMap<String, RefOr<Schema>> = BTreeMap::new();
    let mut clashes = Vec::new();
    for (name, schema) in schemas {
        match unique.get(&name) {
            Some(known) if known != &schema => clashes.push(name),
            Some(_) => {}
            None => {
                unique.insert(name, schema);
            }
        }
    }
    for (name, schema) in unique {
        components = components.schema(name, schema);
    }
    clashes.sort();
    clashes.dedup();
    let doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("lamtheo API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(DESCRIPTION))
                .build(),
        )
        .servers(Some([ServerBuilder::new().url("/").build()]))
        .security(Some([SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]))
        .components(Some(components.build()))
        .paths(paths)
        .build();
    (doc, clashes)
}

pub async fn openapi_json() -> Json<OpenApi> {
    Json(document())
}
