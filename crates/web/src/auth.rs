//! Authentication: browser sessions in a cookie, API tokens in `Authorization: Bearer`, CSRF tokens bound
//! to the session. Sessions live in the database (see `store::accounts`).

use crate::error::problem;
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::policy::Principal;
use std::net::SocketAddr;
use store::SessionKind;

pub const SESSION_COOKIE: &str = "lamtheo_session";
pub const PRELOGIN_COOKIE: &str = "lamtheo_prelogin";
/// Prefix of the device cookies: one per account that signed in on this browser, named after a hash of the
/// user name, holding the device token (`store::Accounts::login_from_device`).
pub const DEVICE_COOKIE_PREFIX: &str = "lamtheo_device_";

/// The device cookie's name for a user name as typed at login (trimmed, lower-cased as the store does).
pub fn device_cookie_name(username: &str) -> String {
    format!("{DEVICE_COOKIE_PREFIX}{}", store::username_tag(username))
}

/// Where to go after login: `next` when it is a path of this site, otherwise "/".
///
/// Strict same-site path rule (OWASP ASVS V5.1.5, unvalidated redirects): it must start with one "/",
/// use only URL characters (RFC 3986 unreserved, sub-delimiters, ":", "@", "/", "?", "#", "%"), and after
/// percent-decoding (repeated, so "%252F" counts as "/") contain no control character (tab, CR, LF …), no
/// backslash, and not start with "//" (a browser reads "//host", "/\host" and "/\t/host" as another
/// site). Anything else — a scheme, `javascript:`, an absolute URL — gives "/".
pub fn safe_next(next: Option<&str>) -> String {
    const MAX: usize = 2048;
    let Some(n) = next else {
        return "/".to_string();
    };
    let url_char = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?#%".contains(c);
    if n.len() > MAX || !n.starts_with('/') || !n.chars().all(url_char) {
        return "/".to_string();
    }
    let mut decoded = n.to_string();
    for _ in 0..4 {
        let bad = |s: &str| {
            s.starts_with("//")
                || s.contains('\\')
                || s.chars().any(|c| c.is_control() || c == '\u{FEFF}')
        };
        if bad(&decoded) {
            return "/".to_string();
        }
        let next_round = percent_decode(&decoded);
        if next_round == decoded {
            return n.to_string();
        }
        decoded = next_round;
    }
    // Still changing after four rounds of decoding: nobody links like that.
    "/".to_string()
}

/// One round of percent-decoding (invalid UTF-8 becomes U+FFFD, a malformed escape stays as it is).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |x: u8| (x as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when configured.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The scheme and host of printed addresses (QR codes on paper): `--public-url` when set, else `origin`.
pub fn public_origin(st: &crate::AppState, headers: &HeaderMap) -> String {
    if st.config.public_url.is_empty() {
        origin(headers, st.config.secure_cookies, st.config.trust_proxy)
    } else {
        st.config.public_url.trim_end_matches('/').to_string()
    }
}

/// This server's address as the browser sees it ("https://host"): the request's host, or behind a trusted
/// proxy the forwarded host and scheme. Used for absolute links (QR codes) and to check form origins.
pub fn origin(headers: &HeaderMap, secure: bool, trust_proxy: bool) -> String {
    let forwarded = |name: &str| {
        trust_proxy
            .then(|| headers.get(name).and_then(|h| h.to_str().ok()))
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let secure = secure || forwarded("x-forwarded-proto") == Some("https");
    let host = forwarded("x-forwarded-host")
        .or_else(|| {
            headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
        })
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

/// The client address, for login throttling and the public portal's limits. Behind a trusted proxy it is
/// the last `X-Forwarded-For` entry — the one that proxy appended; earlier entries are whatever the client
/// sent and cannot be trusted.
pub fn client_address(
    parts_headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    trust_proxy: bool,
) -> String {
    if trust_proxy {
        if let Some(v) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        {
            if let Some(last) = v.split(',').map(str::trim).rfind(|a| !a.is_empty()) {
                return last.to_string();
            }
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// A signed-in browser user. Pages that need one take this extractor; without a session the browser is
/// sent to the login page.
#[derive(Debug, Clone)]
pub struct WebUser {
    pub principal: Principal,
    pub display_name: String,
    pub csrf: String,
    pub token: String,
}

impl WebUser {
    /// Whether a submitted form carries this session's CSRF token (checked once, by `extract::CsrfForm`).
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        constant_time_eq(submitted.as_bytes(), self.csrf.as_bytes())
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        // Resolved once per request: a layer that needed the user (the heavy-report gate) left it here.
        if let Some(u) = parts.extensions.get::<WebUser>() {
            return Ok(u.clone());
        }
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let login = || {
            let target = format!(
                "/dang-nhap?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            Redirect::to(&target).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(login());
        };
        match st.db.accounts().session(&token, SessionKind::Web).await {
            Ok(Some(s)) => {
                // The request's log span names the user by id only (`trace.rs`).
                tracing::Span::current().record("user", s.principal.user_id);
                let user = WebUser {
                    principal: s.principal,
                    display_name: s.display_name,
                    csrf: s.csrf,
                    token,
                };
                parts.extensions.insert(user.clone());
                Ok(user)
            }
            Ok(None) => Err(login()),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                Err((
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Máy chủ tạm thời không phục vụ được; xin thử lại sau.",
                )
                    .into_response())
            }
        }
    }
}

/// A caller of the JSON API with a bearer token.
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub principal: Principal,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(u) = parts.extensions.get::<ApiUser>() {
            return Ok(u.clone());
        }
        let unauthorized = || {
            problem(
                StatusCode::UNAUTHORIZED,
                "Thiếu hoặc sai mã truy cập (Authorization: Bearer …)",
                &[],
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(unauthorized)?;
        match st.db.accounts().session(token, SessionKind::Api).await {
            Ok(Some(s)) => {
                tracing::Span::current().record("user", s.principal.user_id);
                let user = ApiUser {
                    principal: s.principal,
                };
                parts.extensions.insert(user.clone());
                Ok(user)
            }
            Ok(None) => Err(unauthorized()),
            Err(e) => {
                tracing::error!(error = %e, "token lookup failed");
                Err(problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Máy chủ tạm thời không phục vụ được",
                    &[],
                ))
            }
        }
    }
}
