//! Rendered public pages, kept per address with a validator and a gzip form, and the search index. Both
//! are dropped when anything is written (`Db::generation`) or after `PORTAL_TTL` (writes by other
//! instances).

use super::PortalResult;
use crate::AppState;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use store::{Portal, SearchDoc, StoreError};

/// Longest a rendered page is served from the cache without a local write.
pub const PORTAL_TTL: Duration = Duration::from_secs(30);
/// Most pages kept; the cache starts over when full.
const MAX_ENTRIES: usize = 20_000;

/// The search documents with the generation and time they were read.
type SearchIndex = (u64, Instant, Arc<Vec<SearchDoc>>);

/// A rendered page: the HTML, its gzip form (made once, when cached) and a validator for each.
#[derive(Clone)]
struct Page {
    body: Bytes,
    etag: HeaderValue,
    gzip: Option<(Bytes, HeaderValue)>,
}

impl Page {
    fn new(html: String) -> Page {
        let body = Bytes::from(html);
        let etag = etag_of(&body, "");
        let gzip = {
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 6),
                flate2::Compression::default(),
            );
            enc.write_all(&body)
                .and_then(|_| enc.finish())
                .ok()
                .map(|z| (Bytes::from(z), etag_of(&body, "-gz")))
        };
        Page { body, etag, gzip }
    }
}

struct Entry {
    generation: u64,
    at: Instant,
    page: Page,
}

/// A strong validator of a page's content (`variant` tells the encodings apart).
fn etag_of(body: &[u8], variant: &str) -> HeaderValue {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    HeaderValue::from_str(&format!("\"{:016x}-{}{variant}\"", h.finish(), body.len()))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// Rendered public pages and the search index.
#[derive(Default)]
pub struct PortalCache {
    pages: RwLock<HashMap<String, Entry>>,
    search: RwLock<Option<SearchIndex>>,
    /// One rebuild of the search index at a time; the others wait and use it.
    rebuilding: tokio::sync::Mutex<()>,
}

impl PortalCache {
    fn get(&self, key: &str, generation: u64) -> Option<Page> {
        let pages = self.pages.read().ok()?;
        let e = pages.get(key)?;
        (e.generation == generation && e.at.elapsed() < PORTAL_TTL).then(|| e.page.clone())
    }
    fn put(&self, key: String, generation: u64, page: Page) {
        if let Ok(mut pages) = self.pages.write() {
            if pages.len() >= MAX_ENTRIES {
                pages.clear();
            }
            pages.insert(
                key,
                Entry {
                    generation,
                    at: Instant::now(),
                    page,
                },
            );
        }
    }
    fn cached_docs(&self, generation: u64) -> Option<Arc<Vec<SearchDoc>>> {
        let guard = self.search.read().ok()?;
        let (g, at, docs) = guard.as_ref()?;
        (*g == generation && at.elapsed() < PORTAL_TTL).then(|| docs.clone())
    }
}

/// A page with its validator. Browsers and proxies may keep it but ask again each time (`no-cache`):
/// a citizen who reloads after the unit answered sees the answer at once, and an unchanged page costs a
/// `304` without a body.
fn html(page: Page, headers: &HeaderMap) -> Response {
    let gzip_ok = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim() == "gzip"));
    let (body, etag, gzipped) = match page.gzip {
        Some((z, tag)) if gzip_ok => (z, tag, true),
        _ => (page.body, page.etag, false),
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut resp = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response()
    };
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    h.insert(header::ETAG, etag);
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzipped && !fresh {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    resp
}

/// Serves `key` from the cache or renders it with `make` (only successful pages are kept).
pub(super) async fn cached<F, Fut>(
    st: &AppState,
    headers: &HeaderMap,
    key: String,
    make: F,
) -> PortalResult
where
    F: FnOnce(Portal) -> Fut,
    Fut: std::future::Future<Output = PortalResult<String>>,
{
    let generation = st.db.generation();
    if let Some(page) = st.portal_cache.get(&key, generation) {
        return Ok(html(page, headers));
    }
    let page = Page::new(make(st.db.portal()).await?);
    st.portal_cache.put(key, generation, page.clone());
    Ok(html(page, headers))
}

/// The search documents, read again only after a write or `PORTAL_TTL`; one rebuild at a time.
pub(super) async fn search_docs(st: &AppState) -> Result<Arc<Vec<SearchDoc>>, StoreError> {
    let generation = st.db.generation();
    let cache = &st.portal_cache;
    if let Some(docs) = cache.cached_docs(generation) {
        return Ok(docs);
    }
    let _one = cache.rebuilding.lock().await;
    if let Some(docs) = cache.cached_docs(generation) {
        return Ok(docs);
    }
    let docs = Arc::new(st.db.portal().search_docs().await?);
    if let Ok(mut guard) = cache.search.write() {
        *guard = Some((generation, Instant::now(), docs.clone()));
    }
    Ok(docs)
}
