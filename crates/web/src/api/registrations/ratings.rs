//! The 27 manifestations of decline (fixed codes, editable titles) and members' annual ratings.

use super::RatingName;
use crate::api::{ApiJson, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use domain::registration::Rating;
use serde::{Deserialize, Serialize};
use store::Actor;
use utoipa::ToSchema;

/// A manifestation of decline (fixed code, editable title).
#[derive(Serialize, ToSchema)]
#[schema(as = Manifestation)]
pub struct ManifestationOut {
    code: String,
    group: String,
    title: String,
}

impl From<store::Manifestation> for ManifestationOut {
    fn from(m: store::Manifestation) -> Self {
        ManifestationOut {
            code: m.code,
            group: m.group,
            title: m.title,
        }
    }
}

pub(super) async fn manifestations(
    State(st): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Items<ManifestationOut>>, ApiError> {
    let items = st.db.registrations().manifestations().await?;
    Ok(Json(Items::all(
        items.into_iter().map(Into::into).collect(),
    )))
}

/// The new title of a manifestation.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = ManifestationTitle)]
pub struct TitleBody {
    title: String,
}

pub(super) async fn rename_manifestation(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<TitleBody>,
) -> Result<Json<ManifestationOut>, ApiError> {
    let p = &user.principal;
    let m = st
        .db
        .registrations()
        .set_manifestation_title(&Actor::user(p, "api"), p, &code, &b.title)
        .await?;
    Ok(Json(m.into()))
}

/// A member's annual rating.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = RatingInput)]
pub struct RatingBody {
    year: i32,
    #[schema(value_type = RatingName)]
    rating: String,
    /// Required (at least 10 characters) when the rating differs from the suggested one.
    #[serde(default)]
    reason: String,
}

/// The recorded rating.
#[derive(Serialize, ToSchema)]
#[schema(as = MemberRating)]
pub struct RatingOut {
    member_id: i64,
    year: i32,
    #[schema(value_type = RatingName)]
    rating: &'static str,
    rating_label: &'static str,
    /// The 20 % warning of the member's grassroots unit, when exceeded.
    warning: Option<String>,
}

pub(super) async fn rate(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RatingBody>,
) -> Result<Json<RatingOut>, ApiError> {
    let p = &user.principal;
    let rating = Rating::parse(&b.rating).ok_or_else(|| {
        ApiError::unprocessable("\"rating\" phải là excellent, good, completed hoặc not_completed")
    })?;
    let warning = st
        .db
        .registrations()
        .rate_member(&Actor::user(p, "api"), p, id, b.year, rating, &b.reason)
        .await?;
    Ok(Json(RatingOut {
        member_id: id,
        year: b.year,
        rating: rating.as_str(),
        rating_label: rating.label(),
        warning,
    }))
}
