//! The JSON API under /api/v1. Routes are declared once in `table()`, each module giving its own
//! (`auth`, `units`, `members`, `accounts`, `audit`, `imports`, `attendance`, `registrations`, `models`,
//! `inspections`, `disciplines`, `commendations`, `criteria`):
//! the router and the OpenAPI document (`openapi.rs`) are both built from it, so a route cannot go
//! undocumented. Bodies are structs deriving `ToSchema`; the builder methods of `ApiRoute` tie them to the
//! route. Doc comments on the fields of those types (and of query structs) become the descriptions API users
//! read in the document, so they are written in Vietnamese; notes for programmers use `//` comments.

pub mod accounts;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod commendations;
pub mod criteria;
pub mod disciplines;
pub(crate) mod fields;
pub mod imports;
pub mod inspections;
pub mod members;
pub mod models;
pub mod openapi;
pub mod public;
pub mod registrations;
pub mod reports;
pub mod units;

use crate::error::{problem, ApiError};
use crate::AppState;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::MethodRouter;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// One documented API route: the router and its OpenAPI description (built with the methods below).
///
/// ```ignore
/// r("post", "/units", "units", "Thêm đơn vị", post(create_unit))
///     .body::<UnitInput>()
///     .created::<Unit>()
/// ```
///
/// Path parameters are declared from the `{name}` segments of the path: `id` and names ending in `_id` are
/// integers, any other name a string. Every route answers its errors as `Problem` documents (RFC 9457).
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub auth: bool,
    pub router: MethodRouter<AppState>,
    pub doc: RouteDoc,
}

/// The OpenAPI side of a route: request body, responses, query parameters and the schemas they use.
#[derive(Default)]
pub struct RouteDoc {
    /// Request body: content type and schema.
    pub request: Option<(&'static str, RefOr<Schema>)>,
    /// Success and documented error responses: status, description, content type and schema (none for 204).
    pub responses: Vec<DocResponse>,
    pub query: Vec<Parameter>,
    /// Named schemas the route refers to (`#/components/schemas/..`).
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

/// One documented response of a route.
pub struct DocResponse {
    pub status: u16,
    pub description: &'static str,
    /// Content types with their schema (empty: no body).
    pub content: Vec<(&'static str, RefOr<Schema>)>,
}

/// The schema of `T`: a reference to its named component (registered with its dependencies), or the
/// schema itself for generic types (whose component name would not tell `Page<A>` from `Page<B>`).
pub fn schema_of<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
    T::schemas(schemas);
    let type_name = std::any::type_name::<T>();
    if type_name.contains('<') || !type_name.contains("::") {
        T::schema()
    } else {
        let name = T::name();
        schemas.push((name.to_string(), T::schema()));
        RefOr::Ref(Ref::from_schema_name(name))
    }
}

const OK: &str = "Thành công";

impl ApiRoute {
    /// A JSON request body of type `T`.
    pub fn body<T: ToSchema>(mut self) -> Self {
        let s = schema_of::<T>(&mut self.doc.schemas);
        self.doc.request = Some(("application/json", s));
        self
    }

    /// A `multipart/form-data` upload (a `file` part and optional text parts).
    pub fn multipart(mut self) -> Self {
        let s = ObjectBuilder::new()
            .property(
                "file",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .content_media_type("application/octet-stream")
                    .description(Some("Tệp tải lên")),
            )
            .required("file")
            .property(
                "caption",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("Chú thích (không bắt buộc)")),
            )
            .into();
        self.doc.request = Some(("multipart/form-data", s));
        self
    }

    /// A raw file as the request body (`application/octet-stream`).
    pub fn upload(mut self, description: &'static str) -> Self {
        let s = ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/octet-stream")
            .description(Some(description))
            .into();
        self.doc.request = Some(("application/octet-stream", s));
        self
    }

    /// Query parameters from `Q`.
    pub fn query<Q: IntoParams>(mut self) -> Self {
        self.doc
            .query
            .extend(Q::into_params(|| Some(ParameterIn::Query)));
        self
    }

    /// A JSON response `T` with `status`.
    pub fn respond<T: ToSchema>(mut self, status: u16, description: &'static str) -> Self {
        let s = schema_of::<T>(&mut self.doc.schemas);
        self.doc.responses.push(DocResponse {
            status,
            description,
            content: vec![("application/json", s)],
        });
        self
    }

    /// 200 with a JSON `T`.
    pub fn json<T: ToSchema>(self) -> Self {
        self.respond::<T>(200, OK)
    }

    /// 201 with the created JSON `T`.
    pub fn created<T: ToSchema>(self) -> Self {
        self.respond::<T>(201, "Đã tạo")
    }

    /// 200 with a JSON array of `T`.
    pub fn list<T: ToSchema>(mut self) -> Self {
        let item = schema_of::<T>(&mut self.doc.schemas);
        let s = ArrayBuilder::new().items(item).into();
        self.doc.responses.push(DocResponse {
            status: 200,
            description: OK,
            content: vec![("application/json", s)],
        });
        self
    }

    /// 200 with a file of `content_type` (call again for each further type the route may answer).
    pub fn file(mut self, content_type: &'static str) -> Self {
        let s: RefOr<Schema> = ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type(content_type)
            .into();
        match self.doc.responses.iter_mut().find(|r| r.status == 200) {
            Some(r) => r.content.push((content_type, s)),
            None => self.doc.responses.push(DocResponse {
                status: 200,
                description: "Tệp",
                content: vec![(content_type, s)],
            }),
        }
        self
    }

    /// 204 without a body.
    pub fn no_content(mut self) -> Self {
        self.doc.responses.push(DocResponse {
            status: 204,
            description: "Thành công, không có nội dung",
            content: Vec::new(),
        });
        self
    }

    /// A documented error status (a `Problem` document) beyond the generic 4XX/5XX ones.
    pub fn error(self, status: u16, description: &'static str) -> Self {
        self.respond_problem::<crate::error::Problem>(status, description)
    }

    /// A documented error status answered with `T` (a problem document with extension members).
    pub fn respond_problem<T: ToSchema>(mut self, status: u16, description: &'static str) -> Self {
        let s = schema_of::<T>(&mut self.doc.schemas);
        self.doc.responses.push(DocResponse {
            status,
            description,
            content: vec![("application/problem+json", s)],
        });
        self
    }

    /// Reachable without logging in.
    pub fn public(mut self) -> Self {
        self.auth = false;
        self
    }
}

/// A route (requires a Bearer token; see [`ApiRoute::public`]); describe its bodies with the builder methods.
pub fn r(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    router: MethodRouter<AppState>,
) -> ApiRoute {
    ApiRoute {
        method,
        path,
        summary,
        tag,
        auth: true,
        router,
        doc: RouteDoc::default(),
    }
}

/// Every API route (paths relative to /api/v1).
pub fn table() -> Vec<ApiRoute> {
    let mut routes = auth::routes();
    routes.extend(units::routes());
    routes.extend(members::routes());
    routes.extend(accounts::routes());
    routes.extend(audit::routes());
    routes.extend(imports::routes());
    routes.extend(attendance::routes());
    routes.extend(registrations::routes());
    routes.extend(models::routes());
    routes.extend(inspections::routes());
    routes.extend(disciplines::routes());
    routes.extend(commendations::routes());
    routes.extend(criteria::routes());
    routes.extend(reports::routes());
    routes.push(public::route());
    routes
}

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for route in table() {
        router = router.route(route.path, route.router);
    }
    router.fallback(|| async {
        problem(StatusCode::NOT_FOUND, "Không có đường dẫn API này", &[])
    })
}

/// A list answer: the items and how many there are (`{"items": [..], "total": n}`).
#[derive(Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> Items<T> {
    /// Every item of `items` (total = their number).
    pub fn all(items: Vec<T>) -> Items<T> {
        let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
        Items { items, total }
    }
}

/// One page of a paged list (`{"items": [..], "total": n, "page": p, "per_page": k}`).
#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

// `Items<T>` and `Page<T>` describe themselves by hand: the derived schema of a generic type names `T` but
// does not register `T`'s own component.
fn integer(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some(description))
}

fn list_schema<T: ToSchema>(paged: bool) -> RefOr<Schema> {
    let items = ArrayBuilder::new().items(RefOr::Ref(Ref::from_schema_name(T::name())));
    let mut b = ObjectBuilder::new()
        .property("items", items)
        .required("items")
        .property("total", integer("Tổng số"))
        .required("total");
    if paged {
        b = b
            .property("page", integer("Trang, từ 1"))
            .required("page")
            .property("per_page", integer("Số dòng mỗi trang"))
            .required("per_page");
    }
    b.into()
}

fn register<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().to_string(), T::schema()));
    T::schemas(schemas);
}

impl<T: ToSchema> PartialSchema for Items<T> {
    fn schema() -> RefOr<Schema> {
        list_schema::<T>(false)
    }
}

impl<T: ToSchema> ToSchema for Items<T> {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<T>(schemas);
    }
}

impl<T: ToSchema> PartialSchema for Page<T> {
    fn schema() -> RefOr<Schema> {
        list_schema::<T>(true)
    }
}

impl<T: ToSchema> ToSchema for Page<T> {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register::<T>(schemas);
    }
}

/// JSON body extractor whose rejections are Vietnamese problem documents. A text holding the NUL character
/// (`\u0000`, which PostgreSQL cannot store) is refused here with 422, once for every route.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(e) => {
                return Err(problem(
                    StatusCode::BAD_REQUEST,
                    &format!("Nội dung JSON không hợp lệ: {}", e.body_text()),
                    &[],
                ))
            }
        };
        if holds_nul(&value) {
            return Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::extract::NUL_MESSAGE,
                &[],
            ));
        }
        serde_json::from_value::<T>(value)
            .map(ApiJson)
            .map_err(|e| {
                problem(
                    StatusCode::BAD_REQUEST,
                    &format!("Nội dung JSON không hợp lệ: {e}"),
                    &[],
                )
            })
    }
}

/// Whether a string (or an object key) anywhere in `v` holds the NUL character.
fn holds_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(holds_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

/// An optional JSON body: empty (or only whitespace) is `T::default()`; otherwise it must parse, and the
/// refusal says where in Vietnamese (serde's own words are English).
pub(crate) fn optional_json<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(|c| c.is_ascii_whitespace()) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "Nội dung JSON không hợp lệ (dòng {}, cột {})",
            e.line(),
            e.column()
        ))
    })
}

pub(crate) fn parse_date_field(name: &str, v: &str) -> Result<NaiveDate, ApiError> {
    let v = v.trim();
    let shape_ok = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(ApiError::unprocessable(format!(
            "Trường \"{name}\" phải là ngày dạng YYYY-MM-DD"
        )));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        ApiError::unprocessable(format!("Trường \"{name}\" phải là ngày dạng YYYY-MM-DD"))
    })
}

/// The path of the unit `code` (when given and non-empty), checked against the caller's scope.
pub(crate) async fn subtree_of(
    st: &AppState,
    p: &domain::policy::Principal,
    code: Option<&str>,
) -> Result<Option<String>, ApiError> {
    match code.filter(|s| !s.is_empty()) {
        Some(code) => Ok(Some(st.db.units().unit_by_code(p, code).await?.path)),
        None => Ok(None),
    }
}
