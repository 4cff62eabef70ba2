//! Support for the generated access matrix (`access_matrix.rs`): the list of routes read from the code
//! itself — the API from `web::api::table()`, pages and the portal from their `PageRoutes` lists, the few
//! routes of `lib.rs` by parsing its `.route("…", …)` declarations — and a small reader of ZIP packages
//! (XLSX, DOCX) so that downloaded files are searched for leaked values like any page.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Read;

/// Source files that declare routes with axum's `.route(` (pages and the portal use `PageRoutes`, whose
/// lists are read at run time). A new file with `.route(` must be added here; the matrix checks that no
/// other file under `src/` declares one.
pub const ROUTE_SOURCES: [(&str, &str); 1] = [("src/lib.rs", include_str!("../../src/lib.rs"))];

/// Path prefixes of the confidential routes (inspection, supervision, discipline, xóa tên): the one place
/// that says which routes `inspection_matrix.rs` covers; `access_matrix.rs` leaves them to it.
pub const CONFIDENTIAL_PREFIXES: [&str; 8] = [
    "/api/v1/inspections",
    "/api/v1/disciplines",
    "/api/v1/strike-offs",
    "/api/v1/import/inspections",
    "/kiem-tra",
    "/ky-luat",
    "/xoa-ten",
    "/ket-qua-kiem-tra",
];

/// Whether `path` is one of the confidential routes (`CONFIDENTIAL_PREFIXES`).
pub fn confidential(path: &str) -> bool {
    CONFIDENTIAL_PREFIXES
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// Path prefixes of the recognition routes (commendations, criteria sets and their assessments and
/// recognitions, classifications): the one place that says which routes `recognition_matrix.rs` covers;
/// `access_matrix.rs` leaves them to it.
pub const RECOGNITION_PREFIXES: [&str; 6] = [
    "/api/v1/commendations",
    "/api/v1/criteria",
    "/api/v1/classifications",
    "/khen-thuong",
    "/tieu-chi",
    "/phan-loai",
];

/// Whether `path` is one of the recognition routes (`RECOGNITION_PREFIXES`).
pub fn recognition(path: &str) -> bool {
    RECOGNITION_PREFIXES
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// Path prefixes of the period report routes (the live report, reporting rounds, stored reports and their
/// files): the one place that says which routes `report_matrix.rs` covers; `access_matrix.rs` leaves them
/// to it.
pub const REPORT_PREFIXES: [&str; 2] = ["/bao-cao", "/api/v1/reports"];

/// Whether `path` is one of the period report routes (`REPORT_PREFIXES`).
pub fn report(path: &str) -> bool {
    REPORT_PREFIXES
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `(METHOD, path)` of every `.route("path", get(…).post(…))` in `src`, comments skipped.
pub fn parse_routes(src: &str) -> Vec<(String, String)> {
    let code: String = src
        .lines()
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(pos) = code[at..].find(".route(") {
        let start = at + pos + ".route(".len();
        // The path literal.
        let rest = &code[start..];
        let q1 = rest.find('"').expect("route path literal");
        let q2 = rest[q1 + 1..].find('"').expect("end of the route path") + q1 + 1;
        let path = rest[q1 + 1..q2].to_string();
        // The method router: up to the parenthesis closing `.route(`.
        let mut depth = 1usize;
        let mut i = start + q2 + 1;
        let mut in_str = false;
        while i < bytes.len() && depth > 0 {
            let c = bytes[i];
            if in_str {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_str = false;
                }
            } else {
                match c {
                    b'"' => in_str = true,
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
            }
            i += 1;
        }
        let router = &code[start + q2 + 1..i.saturating_sub(1)];
        for m in METHODS {
            let needle = format!("{m}(");
            let mut from = 0;
            while let Some(p) = router[from..].find(&needle) {
                let abs = from + p;
                let prev = router[..abs].chars().next_back().unwrap_or(' ');
                if !(prev.is_alphanumeric() || prev == '_' || prev == ':') {
                    out.push((m.to_ascii_uppercase(), path.clone()));
                }
                from = abs + needle.len();
            }
        }
        at = i;
    }
    out
}

/// Every page and portal route, as `(METHOD, path)`.
pub fn page_routes() -> BTreeSet<(String, String)> {
    let listed = web::pages::routes()
        .list()
        .iter()
        .chain(web::portal::routes().list())
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect::<Vec<_>>();
    ROUTE_SOURCES
        .iter()
        .flat_map(|(_, src)| parse_routes(src))
        .chain(listed)
        .collect()
}

/// Every API route of `web::api::table()`, as `(METHOD, /api/v1 path)`.
pub fn api_routes() -> BTreeSet<(String, String)> {
    web::api::table()
        .into_iter()
        .map(|r| (r.method.to_ascii_uppercase(), format!("/api/v1{}", r.path)))
        .collect()
}

/// The text of every entry of a ZIP package (stored or deflated), concatenated; `None` when `bytes` is
/// not a ZIP. Enough for the XLSX and DOCX files lamtheo writes.
pub fn zip_text(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let le16 = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let le32 =
        |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
    // End of central directory: the last "PK\x05\x06".
    let eocd = (0..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))?;
    let entries = le16(bytes, eocd + 10);
    let mut cd = le32(bytes, eocd + 16);
    let mut text = String::new();
    for _ in 0..entries {
        if !bytes.get(cd..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let method = le16(bytes, cd + 10);
        let csize = le32(bytes, cd + 20);
        let name_len = le16(bytes, cd + 28);
        let extra_len = le16(bytes, cd + 30);
        let comment_len = le16(bytes, cd + 32);
        let local = le32(bytes, cd + 42);
        let lname = le16(bytes, local + 26);
        let lextra = le16(bytes, local + 28);
        let data_at = local + 30 + lname + lextra;
        let data = bytes.get(data_at..data_at + csize)?;
        match method {
            0 => text.push_str(&String::from_utf8_lossy(data)),
            8 => {
                let mut s = Vec::new();
                flate2::read::DeflateDecoder::new(data)
                    .take(64 * 1024 * 1024)
                    .read_to_end(&mut s)
                    .ok()?;
                text.push_str(&String::from_utf8_lossy(&s));
            }
            _ => {}
        }
        text.push('\n');
        cd += 46 + name_len + extra_len + comment_len;
    }
    Some(text)
}

#[test]
fn the_route_parser_reads_chains_and_multiline_declarations() {
    let src = r#"
        Router::new()
            .route("/a", get(h::a).post(h::b))
            // .route("/commented", get(x))
            .route(
                "/b/{id}",
                get(|| async { Redirect::permanent("/c(") }),
            )
            .route("/c", delete(delete_result))
    "#;
    let r = parse_routes(src);
    assert_eq!(
        r,
        vec![
            ("GET".to_string(), "/a".to_string()),
            ("POST".to_string(), "/a".to_string()),
            ("GET".to_string(), "/b/{id}".to_string()),
            ("DELETE".to_string(), "/c".to_string()),
        ]
    );
}
