//! The portal's search: every word of the query, folded (no diacritics, any case), in a unit's, model's
//! or registration's text; the index is kept with the rendered pages.

use super::cache::search_docs;
use super::views::Hit;
use super::{PortalCtx, PortalResult};
use crate::respond::render;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use std::collections::HashMap;
use store::SearchDoc;

#[derive(Template)]
#[template(path = "portal_search.html")]
struct SearchPage {
    ctx: PortalCtx,
    hits: Vec<Hit>,
    total: usize,
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
    let terms: Vec<String> = domain::text::fold(&text)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let docs = search_docs(&st).await?;
    // Matches whose title has every word first; then units, models, registrations.
    let mut found: Vec<(bool, u8, &SearchDoc)> = Vec::new();
    if !terms.is_empty() {
        for d in docs.iter() {
            if terms.iter().all(|t| d.fold.contains(t.as_str())) {
                let title = domain::text::fold(&d.title);
                let in_title = terms.iter().all(|t| title.contains(t.as_str()));
                let kind = match d.kind {
                    "unit" => 0,
                    "model" => 1,
                    _ => 2,
                };
                found.push((!in_title, kind, d));
            }
        }
    }
    found.sort_by_key(|(not_title, kind, _)| (*not_title, *kind));
    let total = found.len();
    let hits: Vec<Hit> = found
        .into_iter()
        .take(100)
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
    let mut ctx = PortalCtx::new(if text.trim().is_empty() {
        "Tìm kiếm".to_string()
    } else {
        format!("Tìm “{}”", text.trim())
    });
    ctx.q = text;
    Ok(render(&SearchPage { ctx, hits, total }))
}
