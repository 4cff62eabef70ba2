//! Registration lists and figures: a subtree's registrations, the approval queue, the report by unit and
//! the copy clusters.

use super::{FlagName, RatingName, RegistrationStatusName};
use crate::api::fields::year_param;
use crate::api::models::UnitRef;
use crate::api::{subtree_of, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use domain::registration::Status;
use serde::{Deserialize, Serialize};
use store::RegSummary;
use utoipa::{IntoParams, ToSchema};

/// How many items of a registration carry a flag.
#[derive(Serialize, ToSchema)]
pub struct FlagCount {
    #[schema(value_type = FlagName)]
    flag: &'static str,
    label: &'static str,
    items: i64,
}

/// A registration in a unit's list or the approval queue.
#[derive(Serialize, ToSchema)]
pub struct RegistrationSummary {
    id: i64,
    member_id: i64,
    member_name: String,
    unit_id: i64,
    unit_name: String,
    year: i32,
    version: i64,
    #[schema(value_type = RegistrationStatusName)]
    status: &'static str,
    status_label: &'static str,
    head: bool,
    disclosed: bool,
    first_submitted_at: Option<String>,
    submitted_at: Option<String>,
    on_time: bool,
    items: i64,
    flagged_items: i64,
    flags: Vec<FlagCount>,
    /// Share of items done (0–1, three decimals), once reviewed.
    result: Option<f64>,
    #[schema(value_type = Option<RatingName>)]
    suggested_rating: Option<&'static str>,
    #[schema(value_type = Option<RatingName>)]
    rating: Option<&'static str>,
}

fn summary_out(s: &RegSummary) -> RegistrationSummary {
    RegistrationSummary {
        id: s.id,
        member_id: s.member_id,
        member_name: s.member_name.clone(),
        unit_id: s.unit_id,
        unit_name: s.unit_name.clone(),
        year: s.year,
        version: s.version,
        status: s.status.as_str(),
        status_label: s.status.label(),
        head: s.head,
        disclosed: s.disclosed,
        first_submitted_at: s.first_submitted_at.clone(),
        submitted_at: s.submitted_at.clone(),
        on_time: s.on_time,
        items: s.items,
        flagged_items: s.flagged_items,
        flags: s
            .flag_counts
            .iter()
            .map(|(f, n)| FlagCount {
                flag: f.as_str(),
                label: f.label(),
                items: *n,
            })
            .collect(),
        result: s.result.map(|x| (x * 1000.0).round() / 1000.0),
        suggested_rating: s.suggested.map(|x| x.as_str()),
        rating: s.rating.map(|x| x.as_str()),
    }
}

/// Query of `GET /registrations`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Mã đơn vị: tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Năm (mặc định năm nay).
    year: Option<i32>,
    /// draft, submitted, returned, approved, published.
    status: Option<String>,
    /// Tối đa (mặc định 500).
    limit: Option<usize>,
}

/// The registrations of a subtree for a year.
#[derive(Serialize, ToSchema)]
pub struct RegistrationList {
    year: i32,
    /// Number of matches (the list stops at `limit`).
    total: usize,
    items: Vec<RegistrationSummary>,
}

pub(super) async fn list(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<RegistrationList>, ApiError> {
    let p = &user.principal;
    let path = subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let year = year_param(q.year)?.unwrap_or_else(|| st.db.today().year());
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            ApiError::unprocessable(
                "\"status\" phải là draft, submitted, returned, approved hoặc published",
            )
        })?),
        None => None,
    };
    let limit = q.limit.unwrap_or(500).clamp(1, 5000);
    let (items, total) = st
        .db
        .registrations()
        .registrations_in(p, &path, year, status, limit)
        .await?;
    Ok(Json(RegistrationList {
        year,
        total,
        items: items.iter().map(summary_out).collect(),
    }))
}

pub(super) async fn queue(
    State(st): State<AppState>,
    user: ApiUser,
) -> Result<Json<Items<RegistrationSummary>>, ApiError> {
    let items = st
        .db
        .registrations()
        .approval_queue(&user.principal)
        .await?;
    Ok(Json(Items::all(items.iter().map(summary_out).collect())))
}

/// Ratings given in a subtree.
#[derive(Serialize, ToSchema)]
pub struct RatingCounts {
    excellent: i64,
    good: i64,
    completed: i64,
    not_completed: i64,
}

/// Shares in percent (one decimal; null when the base is zero).
#[derive(Serialize, ToSchema)]
pub struct RegPercent {
    registered: Option<f64>,
    on_time: Option<f64>,
    specific: Option<f64>,
    tied_to_duties: Option<f64>,
    copied: Option<f64>,
    items_done: Option<f64>,
}

/// The registration figures of a unit for a year.
#[derive(Serialize, ToSchema)]
#[schema(as = RegStats)]
pub struct RegStatsOut {
    /// Đảng viên phải đăng ký (đang sinh hoạt ngày 31/3).
    members: i64,
    registered: i64,
    on_time: i64,
    drafts: i64,
    submitted: i64,
    returned: i64,
    approved: i64,
    published: i64,
    copied: i64,
    items: i64,
    specific_items: i64,
    tied_items: i64,
    approved_items: i64,
    reviewed_items: i64,
    done_items: i64,
    ratings: RatingCounts,
    percent: RegPercent,
}

fn stats_out(s: &domain::registration::RegStats) -> RegStatsOut {
    let pct = |x: Option<f64>| x.map(|v| (v * 1000.0).round() / 10.0);
    RegStatsOut {
        members: s.members,
        registered: s.registered,
        on_time: s.on_time,
        drafts: s.drafts,
        submitted: s.submitted,
        returned: s.returned,
        approved: s.approved,
        published: s.published,
        copied: s.copied,
        items: s.items,
        specific_items: s.specific_items,
        tied_items: s.tied_items,
        approved_items: s.approved_items,
        reviewed_items: s.reviewed_items,
        done_items: s.done_items,
        ratings: RatingCounts {
            excellent: s.excellent,
            good: s.good,
            completed: s.completed,
            not_completed: s.not_completed,
        },
        percent: RegPercent {
            registered: pct(s.registered_share()),
            on_time: pct(s.on_time_share()),
            specific: pct(s.specific_share()),
            tied_to_duties: pct(s.tied_share()),
            copied: pct(s.copied_share()),
            items_done: pct(s.done_share()),
        },
    }
}

/// Query of `GET /registrations/report`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Mã đơn vị (mặc định đơn vị của người gọi).
    unit: Option<String>,
    /// Năm (mặc định năm nay).
    year: Option<i32>,
}

/// A unit's line in the report.
#[derive(Serialize, ToSchema)]
pub struct ReportLine {
    unit: UnitRef,
    stats: RegStatsOut,
    /// Cells in this line's subtree whose head registered after their members.
    heads_late: i64,
    /// The 20 % warning, for a grassroots unit.
    excellent_warning: Option<String>,
}

/// A cell whose head registered after (or not before) its members.
#[derive(Serialize, ToSchema)]
pub struct HeadLate {
    unit: UnitRef,
    head_name: String,
    head_submitted: Option<String>,
    first_member_submitted: String,
}

/// The registration report of a unit for a year.
#[derive(Serialize, ToSchema)]
pub struct RegistrationReport {
    unit: UnitRef,
    year: i32,
    deadline: Option<NaiveDate>,
    total: RegStatsOut,
    excellent_warning: Option<String>,
    units: Vec<ReportLine>,
    heads_late: Vec<HeadLate>,
}

pub(super) async fn report(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<RegistrationReport>, ApiError> {
    let p = &user.principal;
    let unit_id = match q.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => st.db.units().unit_by_code(p, code).await?.id,
        None => p.unit_id,
    };
    // A year far outside the campaign would name a deadline no date type can write ("+69233-03-31").
    let year = year_param(q.year)?.unwrap_or_else(|| st.db.today().year());
    let rep = st
        .db
        .registrations()
        .registration_report(p, unit_id, year)
        .await?;
    Ok(Json(RegistrationReport {
        unit: (&rep.unit).into(),
        year: rep.year,
        deadline: rep.deadline,
        total: stats_out(&rep.total),
        excellent_warning: rep.excellent_warning.clone(),
        units: rep
            .lines
            .iter()
            .map(|l| ReportLine {
                unit: (&l.unit).into(),
                stats: stats_out(&l.stats),
                heads_late: l.heads_late,
                excellent_warning: l.excellent_warning.clone(),
            })
            .collect(),
        heads_late: rep
            .heads_late
            .iter()
            .map(|h| HeadLate {
                unit: (&h.unit).into(),
                head_name: h.head_name.clone(),
                head_submitted: h.head_submitted.clone(),
                first_member_submitted: h.first_member_submitted.clone(),
            })
            .collect(),
    }))
}

/// Query of `GET /registrations/copy-clusters`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClusterQuery {
    /// Mã đơn vị: tính cả các đơn vị trực thuộc.
    unit: Option<String>,
    /// Năm (mặc định năm nay).
    year: Option<i32>,
}

/// A member in a copy cluster.
#[derive(Serialize, ToSchema)]
pub struct ClusterMember {
    member_id: i64,
    full_name: String,
    unit_name: String,
}

/// A group of near-identical registrations.
#[derive(Serialize, ToSchema)]
pub struct CopyCluster {
    registration_ids: Vec<i64>,
    member_ids: Vec<i64>,
    members: Vec<ClusterMember>,
    /// Lowest similarity between two registrations of the group (three decimals).
    min_similarity: f64,
    /// Whether the group spans more than one cell.
    cross_unit: bool,
}

/// The copy clusters of a subtree for a year.
#[derive(Serialize, ToSchema)]
pub struct CopyClusters {
    year: i32,
    total: usize,
    clusters: Vec<CopyCluster>,
}

pub(super) async fn copy_clusters(
    State(st): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ClusterQuery>,
) -> Result<Json<CopyClusters>, ApiError> {
    let p = &user.principal;
    let path = subtree_of(&st, p, q.unit.as_deref())
        .await?
        .unwrap_or_else(|| p.unit_path.clone());
    let year = year_param(q.year)?.unwrap_or_else(|| st.db.today().year());
    let clusters: Vec<CopyCluster> = st
        .db
        .registrations()
        .copy_clusters(p, &path, year)
        .await?
        .into_iter()
        .map(|c| CopyCluster {
            registration_ids: c.registration_ids,
            member_ids: c.member_ids,
            members: c
                .members
                .into_iter()
                .map(|(member_id, full_name, unit_name)| ClusterMember {
                    member_id,
                    full_name,
                    unit_name,
                })
                .collect(),
            min_similarity: (c.min_similarity * 1000.0).round() / 1000.0,
            cross_unit: c.cross_unit,
        })
        .collect();
    Ok(Json(CopyClusters {
        year,
        total: clusters.len(),
        clusters,
    }))
}
