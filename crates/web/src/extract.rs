//! Extractors whose rejections are Vietnamese: path and query parameters (a problem document for the API,
//! the "not found" page or a short error page for pages; axum's defaults answer in English plain text), and
//! the one CSRF gate every state-changing page form goes through (`CsrfForm`, `CsrfMultipart`).

use crate::auth::WebUser;
use crate::error::problem;
use crate::public_input::media_type;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// The refusal of a text holding the NUL character (`%00`, `\u0000`): PostgreSQL cannot store it, so every
/// extractor refuses it before a handler or the database sees it.
pub(crate) const NUL_MESSAGE: &str = "Dữ liệu gửi lên có ký tự NUL (mã 0), không được chấp nhận";

/// Whether the request's path or query carries a NUL character (percent-encoded; a raw one is not a valid
/// URI).
fn nul_in_uri(parts: &Parts) -> bool {
    parts
        .uri
        .path_and_query()
        .is_some_and(|pq| pq.as_str().contains("%00"))
}

/// A path parameter for the API; an unparsable id (or one holding NUL) is a 404 problem (no such object).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if nul_in_uri(parts) {
            return Err(problem(
                StatusCode::NOT_FOUND,
                "Không tìm thấy đối tượng yêu cầu",
                &[],
            ));
        }
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
        if nul_in_uri(parts) {
            return Err(problem(StatusCode::BAD_REQUEST, NUL_MESSAGE, &[]));
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => {
                let detail = match query_detail(&e.body_text()) {
                    Some(name) => format!("Tham số truy vấn không hợp lệ ({name})"),
                    None => "Tham số truy vấn không hợp lệ".to_string(),
                };
                Err(problem(StatusCode::BAD_REQUEST, &detail, &[]))
            }
        }
    }
}

/// The offending parameter from serde's (English) message — "page: invalid digit" or "missing field
/// `year`" → the name — or `None`, so that no English reaches the client.
fn query_detail(text: &str) -> Option<String> {
    let t = text.rsplit("Failed to deserialize query string: ").next()?;
    let name = match t.split_once('`') {
        Some((_, rest)) => rest.split('`').next()?,
        None => t.split(':').next()?,
    }
    .trim();
    let plausible = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plausible.then(|| name.to_string())
}

/// A path parameter for pages; an unparsable id shows the "not found" page.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PagePath<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if nul_in_uri(parts) {
            return Err(crate::respond::not_found(None));
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(PagePath(v)),
            Err(_) => Err(crate::respond::not_found(None)),
        }
    }
}

/// Query parameters for pages; wrong values show a short Vietnamese error page.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if nul_in_uri(parts) {
            return Err((StatusCode::BAD_REQUEST, crate::respond::bad_address()).into_response());
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(PageQuery(v)),
            Err(_) => Err((StatusCode::BAD_REQUEST, crate::respond::bad_address()).into_response()),
        }
    }
}

/// A submitted page form of the signed-in user, read only after its `csrf` field matched the session's
/// token (OWASP ASVS V4.2.2). Every state-changing page handler takes this (or `CsrfMultipart`) instead of
/// axum's `Form`; `routes::PageRoutes::post` lists the route for the test that proves it. Without a session
/// the browser goes to the login page; a missing or wrong token is the "form expired" page (403); a body of
/// another type is 415 and one that does not fit the form 422, both Vietnamese pages.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;
    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = WebUser::from_request_parts(&mut parts, st).await?;
        if media_type(&parts.headers) != "application/x-www-form-urlencoded" {
            return Err(wrong_body(&user, StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), st)
            .await
            .map_err(|e| wrong_body(&user, e.status()))?;
        let token = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !user.csrf_ok(&token) {
            return Err(crate::respond::csrf_failure());
        }
        if url::form_urlencoded::parse(&bytes).any(|(k, v)| k.contains('\0') || v.contains('\0')) {
            return Err(wrong_body(&user, StatusCode::UNPROCESSABLE_ENTITY));
        }
        serde_urlencoded::from_bytes::<T>(&bytes)
            .map(CsrfForm)
            .map_err(|_| wrong_body(&user, StatusCode::UNPROCESSABLE_ENTITY))
    }
}

/// A form with nothing but its token (buttons: log out, delete, close check-in …).
#[derive(serde::Deserialize)]
pub struct TokenOnly {}

/// A page form that could not be read: 415 (not a form), 413 (too large) or 422 (does not fit).
fn wrong_body(user: &WebUser, status: StatusCode) -> Response {
    let mut r = crate::respond::bad_form(
        user,
        "/",
        "Biểu mẫu gửi lên không hợp lệ. Hãy tải lại trang và thử lại.",
    );
    *r.status_mut() = status;
    r
}

/// One file of a multipart form.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The name the browser sent (may be empty).
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

/// A multipart page form (uploads), read whole — the body is already bounded by the configured upload
/// limit — and accepted only when its `csrf` field matches the session's token. A body of another type
/// is 415; one that breaks off is a 422 page "Tệp tải lên bị lỗi hoặc quá lớn." with a link back to the
/// page the form was on.
#[derive(Debug, Default)]
pub struct CsrfMultipart {
    texts: Vec<(String, String)>,
    files: Vec<(String, UploadedFile)>,
}

impl CsrfMultipart {
    /// The text of a field ("" when absent).
    pub fn text(&self, name: &str) -> &str {
        self.texts
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// Whether a text field was sent (checkboxes).
    pub fn has(&self, name: &str) -> bool {
        self.texts.iter().any(|(k, _)| k == name)
    }
    /// A non-empty file sent under this field name.
    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.files
            .iter()
            .find(|(k, f)| k == name && !f.bytes.is_empty())
            .map(|(_, f)| f)
    }
    /// Takes the file out of the form (no copy).
    pub fn take_file(&mut self, name: &str) -> Option<UploadedFile> {
        let i = self
            .files
            .iter()
            .position(|(k, f)| k == name && !f.bytes.is_empty())?;
        Some(self.files.swap_remove(i).1)
    }
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = Response;
    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = WebUser::from_request_parts(&mut parts, st).await?;
        if media_type(&parts.headers) != "multipart/form-data" {
            return Err(wrong_body(&user, StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let back = back_of(parts.uri.path());
        let broken = |user: &WebUser| {
            crate::respond::bad_form(user, &back, "Tệp tải lên bị lỗi hoặc quá lớn.")
        };
        let mut mp = Multipart::from_request(Request::from_parts(parts, body), st)
            .await
            .map_err(|_| broken(&user))?;
        let mut form = CsrfMultipart::default();
        loop {
            match mp.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or_default().to_string();
                    let filename = field.file_name().map(str::to_string);
                    // Browsers always name the file; a script may not — the `file` field is a file.
                    let is_file = filename.is_some() || name == "file";
                    let bytes = field.bytes().await.map_err(|_| broken(&user))?;
                    if is_file {
                        form.files.push((
                            name,
                            UploadedFile {
                                filename,
                                bytes: bytes.to_vec(),
                            },
                        ));
                    } else {
                        form.texts
                            .push((name, String::from_utf8_lossy(&bytes).into_owned()));
                    }
                }
                Ok(None) => break,
                Err(_) => return Err(broken(&user)),
            }
        }
        if !user.csrf_ok(form.text("csrf")) {
            return Err(crate::respond::csrf_failure());
        }
        // Text fields only: a file's bytes are the file's business (checked by content where stored).
        if form
            .texts
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(wrong_body(&user, StatusCode::UNPROCESSABLE_ENTITY));
        }
        Ok(form)
    }
}

/// The page a form was on: its action without the last segment (`/hoc-tap/3/tai-lieu` → `/hoc-tap/3`),
/// or the action itself when it is a top-level page (`/nhap-du-lieu`).
fn back_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) if i > 0 => path[..i].to_string(),
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::query_detail;

    #[test]
    fn only_a_parameter_name_from_serde_reaches_the_client() {
        let p = "Failed to deserialize query string: ";
        assert_eq!(
            query_detail(&format!("{p}page: invalid digit found in string")),
            Some("page".into())
        );
        assert_eq!(
            query_detail(&format!("{p}missing field `year`")),
            Some("year".into())
        );
        // An English sentence without a name is dropped, not echoed.
        assert_eq!(
            query_detail(&format!("{p}invalid type: map, expected a sequence")),
            None
        );
        assert_eq!(query_detail(""), None);
    }
}
