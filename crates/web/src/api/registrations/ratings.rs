//! The 27 manifestations of decline (fixed codes, editable titles) and members' annual ratings: the cell's
//! proposal and the grassroots committee's decision.

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

/// The rating a body names, or 422 in Vietnamese.
fn rating_named(name: &str) -> Result<Rating, ApiError> {
    Rating::parse(name).ok_or_else(|| {
        ApiError::unprocessable("\"rating\" phải là excellent, good, completed hoặc not_completed")
    })
}

/// A member's annual rating: the decision of the grassroots committee (docs/DOMAIN.md § Rating), following
/// the cell's proposal or another level with a reason; for a chi bộ cơ sở's members, without a proposal.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = RatingInput)]
pub struct RatingBody {
    year: i32,
    #[schema(value_type = RatingName)]
    rating: String,
    /// Required (at least 10 characters) when the rating differs from the proposal (or, without one, from
    /// the suggested rating).
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
    let rating = rating_named(&b.rating)?;
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

/// The cell's proposal of a member's annual rating (docs/DOMAIN.md § Rating).
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = RatingProposalInput)]
pub struct ProposalBody {
    year: i32,
    #[schema(value_type = RatingName)]
    rating: String,
    /// Required (at least 10 characters) when the rating differs from the suggested one.
    #[serde(default)]
    reason: String,
}

/// The recorded proposal; the grassroots committee decides (`POST /members/{id}/rating`).
#[derive(Serialize, ToSchema)]
#[schema(as = RatingProposal)]
pub struct ProposalOut {
    member_id: i64,
    year: i32,
    #[schema(value_type = RatingName)]
    rating: &'static str,
    rating_label: &'static str,
    reason: String,
    proposed_by: String,
    proposed_at: String,
}

pub(super) async fn propose(
    State(st): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ProposalBody>,
) -> Result<Json<ProposalOut>, ApiError> {
    let p = &user.principal;
    let rating = rating_named(&b.rating)?;
    let x = st
        .db
        .registrations()
        .propose_rating(&Actor::user(p, "api"), p, id, b.year, rating, &b.reason)
        .await?;
    Ok(Json(ProposalOut {
        member_id: id,
        year: b.year,
        rating: x.rating.as_str(),
        rating_label: x.rating.label(),
        reason: x.reason,
        proposed_by: x.proposed_by,
        proposed_at: x.proposed_at,
    }))
}
