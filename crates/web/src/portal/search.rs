//! The portal's search: the words of the query, folded (no diacritics, any case), matched from the start
//! of words in a unit's, model's or registration's text and ranked by `domain::search`; 20 results a page.
//! The index is kept with the rendered pages.

use super::cache::search_docs;
use super::views::Hit;
use super::{PortalCtx, PortalResult};
use crate::respond::render;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use domain::search::MatchRank;
use std::collections::HashMap;
use store::SearchDoc;

#[derive(Template)]
#[template(path = "portal_search.html")]
struct SearchPage {
    ctx: PortalCtx,
    hits: Vec<Hit>,
    total: usize,
    paging: Paging,
}

/// Results shown per page.
const PER_PAGE: usize = 20;

/// Where the page is in the results, and the links around it.
struct Paging {
    /// The number of results, and the 1-based positions of the first and last shown ("1.234").
    total: String,
    first: String,
    last: String,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    /// Matches with the words scattered, left out because some had them side by side: how many, and the
    /// link that shows them too.
    wider: Option<(String, String)>,
}

pub(super) async fn search(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> PortalResult {
    let text = q.get("q").cloned().unwrap_or_default();
    let text: String = text.chars().take(200).collect();
    // A citizen's tracking code typed into the search box goes to its tracking page.
    if let Some(code) = domain::feedback::normalize_tracking_code(&text) {
        match st.db.portal().tracking(&code).await {
            Ok(_) => {
                return Ok(Redirect::to(&super::feedback::tracking_path(&code)).into_response())
            }
            Err(store::StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let terms = domain::search::query_terms(&text);
    let wide = q.get("rong").is_some_and(|v| v == "1");
    let page: usize = q
        .get("trang")
        .and_then(|v| v.trim().parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let docs = search_docs(&st).await?;
    // Ranked: words side by side before scattered ones, in titles before texts; then units, models,
    // registrations; then by title.
    let mut found: Vec<(MatchRank, u8, &SearchDoc)> = docs
        .iter()
        .filter_map(|d| {
            let title = domain::text::fold(&d.title);
            let rank = domain::search::rank(&terms, &title, &d.fold)?;
            let kind = match d.kind {
                "unit" => 0,
                "model" => 1,
                _ => 2,
            };
            Some((rank, kind, d))
        })
        .collect();
    found.sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| a.2.title.cmp(&b.2.title))
    });
    // Several words found side by side: the scattered matches wait behind a link.
    let phrases = found.iter().filter(|f| f.0.is_phrase()).count();
    let scattered = if terms.len() > 1 && phrases > 0 && !wide {
        let n = found.len() - phrases;
        found.truncate(phrases);
        n
    } else {
        0
    };
    let total = found.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.min(pages);
    let hits: Vec<Hit> = found
        .into_iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|(_, _, d)| Hit {
            kind: match d.kind {
                "unit" => "Đơn vị",
                "registration" => "Bản đăng ký",
                _ => "Mô hình",
            },
            href: d.href.clone(),
            title: d.title.clone(),
            subtitle: crate::labels::search_subtitle(d),
        })
        .collect();
    let link = |page: usize, wide: bool| {
        let mut pairs: Vec<(&str, String)> = vec![("q", text.trim().to_string())];
        if wide {
            pairs.push(("rong", "1".to_string()));
        }
        if page > 1 {
            pairs.push(("trang", page.to_string()));
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!(
            "/cong-khai/tim-kiem{}",
            crate::respond::query_string(&pairs)
        )
    };
    let n = |k: usize| crate::view::num(i64::try_from(k).unwrap_or(i64::MAX));
    let paging = Paging {
        total: n(total),
        first: n(if total == 0 {
            0
        } else {
            (page - 1) * PER_PAGE + 1
        }),
        last: n((page - 1) * PER_PAGE + hits.len()),
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1, wide)),
        next: (page < pages).then(|| link(page + 1, wide)),
        wider: (scattered > 0).then(|| (n(scattered), link(1, true))),
    };
    let mut ctx = PortalCtx::new(if text.trim().is_empty() {
        "Tìm kiếm".to_string()
    } else {
        format!("Tìm “{}”", text.trim())
    });
    ctx.q = text;
    Ok(render(&SearchPage {
        ctx,
        hits,
        total,
        paging,
    }))
}
