//! The photos of a public model, full size and as thumbnails (only photos of models on the portal).

use super::PortalResult;
use crate::extract::PagePath;
use crate::respond::image_response;
use crate::AppState;
use axum::extract::State;

pub(super) async fn photo(
    State(st): State<AppState>,
    PagePath((id, pid)): PagePath<(i64, i64)>,
) -> PortalResult {
    let (ct, bytes) = st.db.portal().model_photo(id, pid, false).await?;
    Ok(image_response(&ct, &format!("anh-{pid}"), bytes))
}

pub(super) async fn thumbnail(
    State(st): State<AppState>,
    PagePath((id, pid)): PagePath<(i64, i64)>,
) -> PortalResult {
    let (_, bytes) = st.db.portal().model_photo(id, pid, true).await?;
    Ok(image_response(
        "image/jpeg",
        &format!("anh-nho-{pid}.jpg"),
        bytes,
    ))
}
