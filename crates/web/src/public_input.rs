//! What the public writes share — the portal's forms and `POST /api/v1/public/feedback`: the same-origin
//! rule, the media type of a body and the reading of optional text fields. This module imports neither
//! `api` nor `portal`; both import from it (and the page CSRF gate reads the media type through it).

use crate::AppState;
use axum::http::{header, HeaderMap};

/// Where a public write comes from, as the browser says (OWASP ASVS V13.2.3 / V4.2.2: cross-site
/// requests to state-changing endpoints refused). The same rule holds for the feedback form, the answers
/// on items and `POST /api/v1/public/feedback`:
/// - `Origin` present: it must be this server's address as the browser sees it (behind a trusted proxy,
///   the forwarded one); another site, and the opaque `Origin: null` (sandboxed frames, `data:` pages,
///   some redirects), are refused;
/// - `Sec-Fetch-Site: cross-site` is refused even without `Origin`;
/// - no `Origin` at all is allowed: every browser sends one on a cross-site POST, so its absence means a
///   non-browser client (curl, a mobile app), which could forge any header anyway; those are held by the
///   per-address rate limit and the folding of near-identical feedback. The public endpoints read no
///   cookie that grants anything (the device cookie of answers only prevents double answers), so a
///   missing `Origin` cannot ride on a citizen's session.
pub fn foreign_origin(st: &AppState, headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let host_of = |o: &str| {
        o.trim()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_ascii_lowercase()
    };
    let ours = crate::auth::origin(headers, st.config.secure_cookies, st.config.trust_proxy);
    origin.trim().eq_ignore_ascii_case("null") || host_of(origin) != host_of(&ours)
}

/// The media type of a request body, lower case, without parameters ("application/json").
pub fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// An optional text field: trimmed, `None` when empty.
pub fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}
