//! A model's photos: upload (checked and shrunk by the store), the image and its thumbnail, delete.

use super::page::{model_page, Posted};
use crate::auth::WebUser;
use crate::extract::TokenOnly;
use crate::extract::{CsrfForm, CsrfMultipart, PagePath};
use crate::respond::{image_response, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use store::{Actor, StoreError};

/// The upload form: the image in `file`, its `caption`.
pub async fn upload_photo(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    mut form: CsrfMultipart,
) -> PageResult {
    let p = &user.principal;
    let caption = form.text("caption").to_string();
    let failed = |message: String| Posted {
        photo: Some((caption.clone(), message)),
        ..Default::default()
    };
    let Some(file) = form.take_file("file") else {
        let posted = failed("Hãy chọn một ảnh để tải lên.".into());
        return model_page(&st, &user, id, posted, None).await;
    };
    let name = file.filename.unwrap_or_else(|| "anh".into());
    match st
        .db
        .models()
        .add_model_photo(
            &Actor::user(p, "web"),
            Some(p),
            id,
            &name,
            &file.bytes,
            &caption,
            office::check_photo,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/mo-hinh/{id}?tb=da-tai-anh#anh")).into_response()),
        Err(StoreError::Invalid(list)) => {
            let msg = list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            model_page(&st, &user, id, failed(msg), None).await
        }
        Err(e) => Err(e).page(&user),
    }
}

pub async fn photo(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, pid)): PagePath<(i64, i64)>,
) -> PageResult {
    let (info, bytes) = st
        .db
        .models()
        .model_photo(&user.principal, id, pid, false)
        .await
        .page(&user)?;
    Ok(image_response(&info.content_type, &info.filename, bytes))
}

pub async fn thumbnail(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, pid)): PagePath<(i64, i64)>,
) -> PageResult {
    let (info, bytes) = st
        .db
        .models()
        .model_photo(&user.principal, id, pid, true)
        .await
        .page(&user)?;
    Ok(image_response(
        "image/jpeg",
        &format!("thu-nho-{}.jpg", info.id),
        bytes,
    ))
}

pub async fn delete_photo(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((id, pid)): PagePath<(i64, i64)>,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> PageResult {
    let p = &user.principal;
    st.db
        .models()
        .delete_model_photo(&Actor::user(p, "web"), p, id, pid)
        .await
        .page(&user)?;
    Ok(Redirect::to(&format!("/mo-hinh/{id}?tb=da-xoa-anh#anh")).into_response())
}
