//! Path and query extractors whose rejections are Vietnamese: a problem document for the API, the
//! "not found" page (bad id) or a short error page (bad query) for pages. Axum's defaults answer in English
//! plain text.

use crate::error::problem;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A path parameter for the API; an unparsable id is a 404 problem (no such object).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(problem(
                StatusCode::NOT_FOUND,
                "Không tìm thấy đối tượng yêu cầu",
                &[],
            )),
        }
    }
}

/// Query parameters for the API; a value of the wrong type is a 400 problem naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(problem(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Tham số truy vấn không hợp lệ ({})",
                    query_detail(&e.body_text())
                ),
                &[],
            )),
        }
    }
}

/// The offending parameter from serde's message, e.g. "page: invalid digit" → "page".
fn query_detail(text: &str) -> String {
    text.rsplit("Failed to deserialize query string: ")
        .next()
        .and_then(|t| t.split(':').next())
        .map(|t| t.trim().to_string())
        .unwrap_or_default()
}

/// A path parameter for pages; an unparsable id shows the "not found" page.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PagePath<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(PagePath(v)),
            Err(_) => Err(crate::pages::not_found(None)),
        }
    }
}

/// Query parameters for pages; wrong values show a short Vietnamese error page.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(PageQuery(v)),
            Err(_) => Err((StatusCode::BAD_REQUEST, crate::pages::bad_address()).into_response()),
        }
    }
}
