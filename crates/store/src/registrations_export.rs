//! Whole registrations of a subtree read in bulk: every current registration of a year with its
//! items and pledges, the member's positions and annual rating — the XLSX of the registration report — and
//! a set of registrations by id for the copy-cluster view. A handful of queries per call (registrations,
//! items, pledges, positions, ratings), never one per registration.

use crate::registrations::{item_from_row, reg_from_row};
use crate::sql::Sql;
use crate::{get, Registrations, Result, StoreError};
use domain::policy::Principal;
use domain::registration::Rating;
use domain::text;
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::HashMap;

use crate::registrations::{Item, Registration};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// A registration with what the XLSX list adds about its member.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrationExport {
    pub registration: Registration,
    /// The member's position titles, in their order ("Bí thư Chi bộ", …); empty for a plain member.
    pub positions: Vec<String>,
    /// Unit name sort order (the parent unit's order of its children).
    #[serde(skip)]
    pub unit_sort: i64,
    /// The rating lamtheo suggested when the member was rated, and the rating given (`member_ratings`).
    pub suggested: Option<Rating>,
    pub rating: Option<Rating>,
}

/// Which registrations to read: always current (not superseded) ones inside a subtree.
enum Filter<'a> {
    Year(i32),
    Ids(&'a [i64]),
}

/// `r.superseded = 0 AND <subtree of r.unit_path> AND <filter>`.
fn push_where(q: &mut Sql, unit_path: &str, f: &Filter<'_>) {
    q.push("r.superseded = 0 AND ");
    q.subtree("r.unit_path", unit_path);
    match f {
        Filter::Year(y) => {
            q.push(" AND r.year = ").lit(i64::from(*y));
        }
        Filter::Ids(ids) => {
            q.push(" AND r.id IN (");
            for (k, id) in ids.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.lit(*id);
            }
            q.push(")");
        }
    }
}

fn registration_row(r: &AnyRow) -> Result<(Registration, i64)> {
    Ok((reg_from_row(r)?, get(r, "unit_sort")?))
}

fn item_row(i: &AnyRow) -> Result<(i64, Item)> {
    Ok((get(i, "registration_id")?, item_from_row(i)?))
}

impl Registrations<'_> {
    /// Every current registration of `year` in the subtree of `unit_path`, with items, pledges, the
    /// member's positions and rating, sorted by unit then by name the Vietnamese way (the XLSX of the
    /// registration report). Like the report: only for those who may read the unit's rates (not found
    /// otherwise, and never for members).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registrations_for_export")
    )]
    pub async fn registrations_for_export(
        self,
        p: &Principal,
        unit_path: &str,
        year: i32,
    ) -> Result<Vec<RegistrationExport>> {
        if !p.can_read_rates(unit_path) {
            return Err(StoreError::NotFound);
        }
        let regs = self
            .load_registrations(unit_path, &Filter::Year(year))
            .await?;
        let member_ids: Vec<i64> = regs.iter().map(|(r, _)| r.member_id).collect();
        let positions = self.position_titles(&member_ids).await?;
        let ratings = self.ratings_of(&member_ids, year).await?;
        let mut out: Vec<RegistrationExport> = regs
            .into_iter()
            .map(|(r, unit_sort)| {
                let (suggested, rating) = ratings.get(&r.member_id).copied().unwrap_or_default();
                RegistrationExport {
                    positions: positions.get(&r.member_id).cloned().unwrap_or_default(),
                    unit_sort,
                    suggested,
                    rating,
                    registration: r,
                }
            })
            .collect();
        out.sort_by_cached_key(|e| {
            let r = &e.registration;
            (
                e.unit_sort,
                text::fold(&r.unit_name),
                r.unit_id,
                text::name_sort_key(&r.member_name),
                r.id,
            )
        });
        Ok(out)
    }

    /// The current registrations among `ids` that lie in the subtree of `unit_path`, with items and pledges,
    /// in the order of `ids` (the copy-cluster view shows the texts of a cluster side by side). Only for
    /// those who may read the unit's rates; ids outside the subtree are left out.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registrations_by_ids")
    )]
    pub async fn registrations_by_ids(
        self,
        p: &Principal,
        unit_path: &str,
        ids: &[i64],
    ) -> Result<Vec<Registration>> {
        if !p.can_read_rates(unit_path) {
            return Err(StoreError::NotFound);
        }
        let mut by_id: HashMap<i64, Registration> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            for (r, _) in self
                .load_registrations(unit_path, &Filter::Ids(chunk))
                .await?
            {
                by_id.insert(r.id, r);
            }
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Registrations, their items and pledges: three queries.
    async fn load_registrations(
        self,
        unit_path: &str,
        f: &Filter<'_>,
    ) -> Result<Vec<(Registration, i64)>> {
        let mut q = Sql::new(
            "SELECT r.id, r.member_id, m.full_name AS member_name, r.unit_id, u.code AS unit_code, \
             u.name AS unit_name, u.sort_order AS unit_sort, r.unit_path, r.year, r.version, r.status, \
             r.superseded, r.head, r.disclosed, r.return_comment, r.first_submitted_at, r.submitted_at, \
             r.approved_at, r.approved_by, r.published_at, r.created_at, r.updated_at \
             FROM registrations r JOIN members m ON m.id = r.member_id JOIN units u ON u.id = r.unit_id WHERE ",
        );
        push_where(&mut q, unit_path, f);
        let mut regs: Vec<(Registration, i64)> = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(registration_row)
            .collect::<Result<_>>()?;
        if regs.is_empty() {
            return Ok(regs);
        }
        let index: HashMap<i64, usize> = regs
            .iter()
            .enumerate()
            .map(|(k, (r, _))| (r.id, k))
            .collect();

        let mut q = Sql::new(
            "SELECT i.registration_id, i.id, i.position, i.kind, i.content, i.duty, i.target, i.target_number, \
             i.target_unit, i.deadline, i.evidence, i.flags, i.return_comment, i.midyear_outcome, i.midyear_note, \
             i.yearend_outcome, i.yearend_note, i.yearend_evidence, i.assessed_outcome, i.assessed_note \
             FROM registration_items i JOIN registrations r ON r.id = i.registration_id WHERE ",
        );
        push_where(&mut q, unit_path, f);
        q.push(" ORDER BY i.registration_id, i.position");
        for row in q.query().fetch_all(&self.db.pool).await? {
            let (rid, item) = item_row(&row)?;
            if let Some(&k) = index.get(&rid) {
                regs[k].0.items.push(item);
            }
        }

        let mut q = Sql::new(
            "SELECT p.registration_id, p.code FROM registration_pledges p \
             JOIN manifestations mf ON mf.code = p.code \
             JOIN registrations r ON r.id = p.registration_id WHERE ",
        );
        push_where(&mut q, unit_path, f);
        q.push(" ORDER BY p.registration_id, mf.sort_order");
        for row in q.query().fetch_all(&self.db.pool).await? {
            let rid: i64 = get(&row, "registration_id")?;
            if let Some(&k) = index.get(&rid) {
                regs[k].0.pledges.push(get(&row, "code")?);
            }
        }
        Ok(regs)
    }

    /// Position titles of members, in each member's order.
    async fn position_titles(self, member_ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        let mut ids = member_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(CHUNK) {
            let mut q = Sql::new("SELECT member_id, title FROM positions WHERE member_id IN (");
            for (k, id) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.lit(*id);
            }
            q.push(") ORDER BY member_id, sort_order, id");
            for row in q.query().fetch_all(&self.db.pool).await? {
                let title: String = get(&row, "title")?;
                if !title.trim().is_empty() {
                    out.entry(get(&row, "member_id")?).or_default().push(title);
                }
            }
        }
        Ok(out)
    }

    /// (suggested, given) ratings of members for a year.
    async fn ratings_of(
        self,
        member_ids: &[i64],
        year: i32,
    ) -> Result<HashMap<i64, (Option<Rating>, Option<Rating>)>> {
        let mut out = HashMap::new();
        let mut ids = member_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(CHUNK) {
            let mut q =
                Sql::new("SELECT member_id, suggested, rating FROM member_ratings WHERE year = ");
            q.lit(i64::from(year)).push(" AND member_id IN (");
            for (k, id) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.lit(*id);
            }
            q.push(")");
            for row in q.query().fetch_all(&self.db.pool).await? {
                let s: Option<String> = get(&row, "suggested")?;
                let g: String = get(&row, "rating")?;
                out.insert(
                    get::<i64>(&row, "member_id")?,
                    (s.as_deref().and_then(Rating::parse), Rating::parse(&g)),
                );
            }
        }
        Ok(out)
    }
}
