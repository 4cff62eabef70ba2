//! Registrations after they are written (docs/DOMAIN.md § Reviews and rating): self-reviews and the
//! cell's assessment, copying last year's registration as a draft, the approval queue, a unit's list and its report ("% registered on
//! time, % specific, % tied to duties, % in copy clusters, % of items done", heads registered late, the 20 %
//! rating warning). The rules are `domain::registration`'s; this module reads and writes.

use crate::meetings::UnitRef;
use crate::registrations::{decode_flags, outcome, owner_of, ItemInput, Registration};
use crate::sql::{self, parse_ts, RowInto, Sql};
use crate::{audit, get, ts, Actor, FieldError, Registrations, Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::policy::Principal;
use domain::quality::Flag;
use domain::registration::{self as reg, Action, Outcome, Rating, RegStats, Stage, Status};
use domain::similarity;
use domain::text;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One item's review (self-review or the cell's assessment), by item position (from 1).
#[derive(Debug, Clone)]
pub struct ReviewInput {
    pub position: i64,
    /// None leaves the item without an outcome.
    pub outcome: Option<Outcome>,
    pub note: String,
    /// Year-end self-review only: where the result can be checked.
    pub evidence: String,
}

/// A line of the approval queue or of a unit's list.
#[derive(Debug, Clone, Serialize)]
pub struct RegSummary {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    pub version: i64,
    pub status: Status,
    pub head: bool,
    pub disclosed: bool,
    pub first_submitted_at: Option<String>,
    pub submitted_at: Option<String>,
    pub on_time: bool,
    pub items: i64,
    /// Items with at least one flag.
    pub flagged_items: i64,
    /// How many items carry each flag, in `Flag` order, only flags present.
    pub flag_counts: Vec<(Flag, i64)>,
    /// Share of items done (result), when reviewed.
    pub result: Option<f64>,
    pub suggested: Option<Rating>,
    /// The cell's proposal (docs/DOMAIN.md § Rating), if any.
    pub proposed: Option<Rating>,
    /// The decision.
    pub rating: Option<Rating>,
}

/// A unit's line in the report.
#[derive(Debug, Clone, Serialize)]
pub struct RegUnitLine {
    pub unit: UnitRef,
    pub stats: RegStats,
    /// Cells in this line's subtree whose head registered after their members.
    pub heads_late: i64,
    /// The 20 % warning, for a grassroots unit.
    pub excellent_warning: Option<String>,
    /// Whether the line has sub-units to drill into.
    pub has_children: bool,
}

/// A cell whose head registered after (or not before) its members.
#[derive(Debug, Clone, Serialize)]
pub struct HeadLate {
    pub unit: UnitRef,
    pub head_name: String,
    pub head_submitted: Option<String>,
    pub first_member_submitted: String,
}

/// The report of a unit for a year.
#[derive(Debug, Clone, Serialize)]
pub struct RegReport {
    pub unit: UnitRef,
    pub year: i32,
    pub deadline: Option<NaiveDate>,
    pub total: RegStats,
    pub lines: Vec<RegUnitLine>,
    pub heads_late: Vec<HeadLate>,
    pub excellent_warning: Option<String>,
}

fn first_submitted_date(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(|s| parse_ts(s).ok()).map(reg::vn_date)
}

fn unit_id_of_path(path: &str) -> i64 {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}

/// An item's flags and final outcome, as `RegStats::add_registration` takes them.
type ItemFacts = (Vec<Flag>, Option<Outcome>);

/// An item row read for lists and reports.
struct ItemRow {
    reg_id: i64,
    flags: Vec<Flag>,
    outcome: Option<Outcome>,
}

/// The columns of an item row.
#[derive(sqlx::FromRow)]
struct ItemCols {
    registration_id: i64,
    flags: String,
    assessed_outcome: Option<String>,
    yearend_outcome: Option<String>,
}

impl RowInto for ItemCols {
    type Target = ItemRow;
    fn convert(self) -> Result<ItemRow> {
        Ok(ItemRow {
            reg_id: self.registration_id,
            flags: decode_flags(&self.flags)
                .into_iter()
                .map(|f| f.flag)
                .collect(),
            outcome: outcome(self.assessed_outcome).or_else(|| outcome(self.yearend_outcome)),
        })
    }
}

/// A registration row read for lists and reports.
pub(crate) struct RegRow {
    id: i64,
    member_id: i64,
    member_name: String,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    year: i32,
    version: i64,
    status: Status,
    head: bool,
    disclosed: bool,
    first_submitted_at: Option<String>,
    submitted_at: Option<String>,
}

/// The columns of a registration row.
#[derive(sqlx::FromRow)]
struct RegCols {
    id: i64,
    member_id: i64,
    full_name: String,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    year: i64,
    version: i64,
    status: String,
    head: i64,
    disclosed: i64,
    first_submitted_at: Option<String>,
    submitted_at: Option<String>,
}

impl RowInto for RegCols {
    type Target = RegRow;
    fn convert(self) -> Result<RegRow> {
        let s = self.status;
        Ok(RegRow {
            id: self.id,
            member_id: self.member_id,
            member_name: self.full_name,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            year: sql::year(self.year),
            version: self.version,
            status: Status::parse(&s)
                .ok_or_else(|| StoreError::Corrupt(format!("trạng thái {s}")))?,
            head: self.head != 0,
            disclosed: self.disclosed != 0,
            first_submitted_at: self.first_submitted_at,
            submitted_at: self.submitted_at,
        })
    }
}

impl Registrations<'_> {
    /// Writes the member's mid-year or year-end self-review of some items.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.self_review")
    )]
    pub async fn self_review(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        stage: Stage,
        reviews: &[ReviewInput],
    ) -> Result<Registration> {
        let before = self.registration(p, id).await?;
        let owner = before.owner();
        if before.superseded {
            return Err(review_error(reg::ReviewError::Superseded));
        }
        reg::may_review(
            p,
            &owner,
            before.status,
            stage,
            &before.calendar,
            self.db.today(),
        )
        .map_err(review_error)?;
        check_reviews(&before, reviews)?;
        let (oc, nc) = match stage {
            Stage::Midyear => ("midyear_outcome", "midyear_note"),
            Stage::Yearend => ("yearend_outcome", "yearend_note"),
        };
        let mut w = self.db.write().await?;
        for r in reviews {
            let mut q = Sql::new("UPDATE registration_items SET ");
            q.push(oc)
                .push(" = ")
                .safe_opt(r.outcome.map(|o| o.as_str()))
                .push(", ")
                .push(nc)
                .push(" = ")
                .text(text::normalize(r.note.trim()));
            if stage == Stage::Yearend {
                q.push(", yearend_evidence = ")
                    .text(text::normalize(r.evidence.trim()));
            }
            q.push(" WHERE registration_id = ")
                .lit(id)
                .push(" AND position = ")
                .lit(r.position);
            q.query().execute(&mut *w.tx).await?;
        }
        sqlx::query("UPDATE registrations SET updated_at = $1 WHERE id = $2")
            .bind(ts(self.db.now()))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let after: Vec<serde_json::Value> = reviews
            .iter()
            .map(|r| serde_json::json!({ "position": r.position, "outcome": r.outcome.map(|o| o.as_str()), "note": r.note }))
            .collect();
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(stage.as_str(), "registration", id)
                .label(format!(
                    "{} — bản đăng ký năm {} — {}",
                    stage.label(),
                    before.year,
                    before.member_name
                ))
                .unit(&before.unit_path)
                .after(&serde_json::json!({ "reviews": after })),
        )
        .await?;
        w.commit().await?;
        self.registration_unscoped(id).await
    }

    /// Writes the cell's year-end assessment of some items (the approver's secretary).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.assess_registration")
    )]
    pub async fn assess_registration(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        reviews: &[ReviewInput],
    ) -> Result<Registration> {
        let before = self.registration(p, id).await?;
        let owner = before.owner();
        if before.superseded {
            return Err(review_error(reg::ReviewError::Superseded));
        }
        reg::may_assess(p, &owner, before.status, &before.calendar, self.db.today()).map_err(
            |e| match e {
                reg::ReviewError::NotAllowed | reg::ReviewError::OwnAssessment => {
                    StoreError::Forbidden
                }
                other => review_error(other),
            },
        )?;
        check_reviews(&before, reviews)?;
        let mut w = self.db.write().await?;
        for r in reviews {
            sqlx::query(
                "UPDATE registration_items SET assessed_outcome = $1, assessed_note = $2 WHERE registration_id = $3 AND position = $4",
            )
            .bind(r.outcome.map(|o| o.as_str()))
            .bind(text::normalize(r.note.trim()))
            .bind(id)
            .bind(r.position)
            .execute(&mut *w.tx)
            .await?;
        }
        sqlx::query("UPDATE registrations SET updated_at = $1 WHERE id = $2")
            .bind(ts(self.db.now()))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let before_json: Vec<serde_json::Value> = before
            .items
            .iter()
            .map(|i| serde_json::json!({ "position": i.position, "outcome": i.assessed_outcome.map(|o| o.as_str()) }))
            .collect();
        let after: Vec<serde_json::Value> = reviews
            .iter()
            .map(|r| serde_json::json!({ "position": r.position, "outcome": r.outcome.map(|o| o.as_str()), "note": r.note }))
            .collect();
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("assess", "registration", id)
                .label(format!(
                    "Chi bộ đánh giá bản đăng ký năm {} — {}",
                    before.year, before.member_name
                ))
                .unit(&before.unit_path)
                .before(&serde_json::json!({ "assessed": before_json }))
                .after(&serde_json::json!({ "assessed": after })),
        )
        .await?;
        w.commit().await?;
        self.registration_unscoped(id).await
    }

    /// The member's most recent registration of an earlier year, copied as the starting draft for `year`
    /// (deadlines moved to the new year; reviews, comments and flags are not copied: the flags are computed
    /// again).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.copy_previous_registration")
    )]
    pub async fn copy_previous_registration(
        self,
        actor: &Actor,
        p: &Principal,
        member_id: i64,
        year: i32,
    ) -> Result<Registration> {
        // Scope first (out of scope is "not found").
        let _ = self.db.members().member(p, member_id).await?;
        let prev = sqlx::query(
            "SELECT id, year FROM registrations WHERE member_id = $1 AND year < $2 AND superseded = 0 \
             ORDER BY year DESC LIMIT 1",
        )
        .bind(member_id)
        .bind(i64::from(year))
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(prev) = prev else {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "year",
                "Chưa có bản đăng ký năm trước để sao chép",
            )]));
        };
        let prev = self.registration_unscoped(get(&prev, "id")?).await?;
        let items: Vec<ItemInput> = prev
            .items
            .iter()
            .map(|i| ItemInput {
                deadline: i.deadline.and_then(|d| reg::shift_year(d, year)),
                evidence: String::new(),
                ..ItemInput::from(i)
            })
            .collect();
        self.create_registration(actor, p, member_id, year, &items)
            .await
    }

    /// The member's current registration of a year, if any.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration_of")
    )]
    pub async fn registration_of(
        self,
        p: &Principal,
        member_id: i64,
        year: i32,
    ) -> Result<Option<Registration>> {
        let _ = self.db.members().member(p, member_id).await?;
        let row = sqlx::query(
            "SELECT id FROM registrations WHERE member_id = $1 AND year = $2 AND superseded = 0",
        )
        .bind(member_id)
        .bind(i64::from(year))
        .fetch_optional(&self.db.pool)
        .await?;
        match row {
            Some(r) => Ok(Some(self.registration_unscoped(get(&r, "id")?).await?)),
            None => Ok(None),
        }
    }

    /// The member's annual rating of a year with the override reason, if rated.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.member_rating")
    )]
    pub async fn member_rating(
        self,
        p: &Principal,
        member_id: i64,
        year: i32,
    ) -> Result<Option<(Rating, String)>> {
        let _ = self.db.members().member(p, member_id).await?;
        let row = sqlx::query(
            "SELECT rating, reason FROM member_ratings WHERE member_id = $1 AND year = $2",
        )
        .bind(member_id)
        .bind(i64::from(year))
        .fetch_optional(&self.db.pool)
        .await?;
        match row {
            Some(r) => {
                let s: String = get(&r, "rating")?;
                let reason: String = get(&r, "reason")?;
                Ok(Rating::parse(&s).map(|x| (x, reason)))
            }
            None => Ok(None),
        }
    }

    /// Years in which the member has a current registration, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration_years")
    )]
    pub async fn registration_years(
        self,
        p: &Principal,
        member_id: i64,
    ) -> Result<Vec<(i32, i64, Status)>> {
        let _ = self.db.members().member(p, member_id).await?;
        let rows = sqlx::query(
            "SELECT year, id, status FROM registrations WHERE member_id = $1 AND superseded = 0 ORDER BY year DESC",
        )
        .bind(member_id)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let s: String = get(r, "status")?;
                Ok((
                    sql::year(get(r, "year")?),
                    get(r, "id")?,
                    Status::parse(&s)
                        .ok_or_else(|| StoreError::Corrupt(format!("trạng thái {s}")))?,
                ))
            })
            .collect()
    }

    /// Registrations waiting for `p`'s decision: submitted, current, and `p` is their approver.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.approval_queue")
    )]
    pub async fn approval_queue(self, p: &Principal) -> Result<Vec<RegSummary>> {
        let regs = self
            .reg_rows(&p.unit_path, None, Some(Status::Submitted))
            .await?;
        // Who approves each, by the party posts held today (`domain::registration::approver`).
        let keys: Vec<(i64, &str)> = regs
            .iter()
            .map(|r| (r.member_id, r.unit_path.as_str()))
            .collect();
        let approvers = self.approvers(&keys).await?;
        let regs: Vec<RegRow> = regs
            .into_iter()
            .zip(approvers)
            .filter(|(r, a)| {
                let owner = owner_of(r.member_id, &r.unit_path, &a.unit.path, r.disclosed);
                reg::may(p, Action::Approve, &owner).is_ok()
            })
            .map(|(r, _)| r)
            .collect();
        let mut out = self.summaries(regs).await?;
        // Oldest submission first: first come, first decided.
        out.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The current registrations of a year in a unit's subtree, sorted by name the Vietnamese way, at most
    /// `limit` (the report drills down to smaller units).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registrations_in")
    )]
    pub async fn registrations_in(
        self,
        p: &Principal,
        unit_path: &str,
        year: i32,
        status: Option<Status>,
        limit: usize,
    ) -> Result<(Vec<RegSummary>, usize)> {
        if !p.can_read_rates(unit_path) {
            return Err(StoreError::NotFound);
        }
        let mut regs = self.reg_rows(unit_path, Some(year), status).await?;
        let total = regs.len();
        regs.sort_by_cached_key(|r| (text::name_sort_key(&r.member_name), r.id));
        regs.truncate(limit);
        Ok((self.summaries(regs).await?, total))
    }

    /// The figures of a unit and of each of its party sub-units for a year.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration_report")
    )]
    pub async fn registration_report(
        self,
        p: &Principal,
        unit_id: i64,
        year: i32,
    ) -> Result<RegReport> {
        let unit = self.db.units().unit(p, unit_id).await?;
        if !p.can_read_rates(&unit.path) {
            return Err(StoreError::NotFound);
        }
        // Each registration is on time by its holder unit's calendar; who should register is read as of the
        // deadline of the report unit's own calendar.
        let mut calendars = self.db.campaign().calendars(&unit.path, year).await?;
        let deadline = calendars.for_path(&unit.path).registration_deadline;
        let as_of = deadline.min(self.db.today());
        // Lines: the party sub-units, or the unit itself when it has none (a cell).
        // The 20 % warning belongs to a grassroots party organisation (by unit type, whatever its depth),
        // counted over its subtree: a line or the report's own unit that is one (docs/DOMAIN.md § Rating).
        let grassroots = domain::UnitType::is_grassroots_org;
        let children: Vec<(UnitRef, String, bool, bool)> = self
            .db
            .units()
            .child_units(p, unit.id)
            .await?
            .into_iter()
            .filter(|c| c.unit.unit_type.is_party() && c.unit.valid_to.is_none_or(|d| d > as_of))
            .map(|c| {
                (
                    UnitRef {
                        id: c.unit.id,
                        code: c.unit.code.clone(),
                        name: c.unit.name.clone(),
                    },
                    c.unit.path.clone(),
                    c.child_count > 0,
                    grassroots(c.unit.unit_type),
                )
            })
            .collect();
        let self_ref = UnitRef {
            id: unit.id,
            code: unit.code.clone(),
            name: unit.name.clone(),
        };
        let line_paths: Vec<(UnitRef, String, bool, bool)> = if children.is_empty() {
            vec![(
                self_ref.clone(),
                unit.path.clone(),
                false,
                grassroots(unit.unit_type),
            )]
        } else {
            children
        };
        let line_of = |path: &str| {
            line_paths
                .iter()
                .position(|(_, lp, _, _)| path.starts_with(lp.as_str()))
        };
        let mut stats: Vec<RegStats> = vec![RegStats::default(); line_paths.len()];
        let mut direct = RegStats::default();

        // Members who should register: active on the deadline, and anyone who registered after joining
        // later (so "registered" never exceeds "should register").
        // One as-of list for the whole unit, bucketed into the lines by each member's unit then.
        let mut unit_paths: HashMap<i64, String> = HashMap::new();
        let mut uq = Sql::new("SELECT id, path FROM units WHERE ");
        uq.subtree("path", &unit.path);
        for r in uq.query().fetch_all(&self.db.pool).await? {
            unit_paths.insert(get(&r, "id")?, get(&r, "path")?);
        }
        let mut should: Vec<HashSet<i64>> = vec![HashSet::new(); line_paths.len()];
        let mut all_should: HashSet<i64> = HashSet::new();
        for (m, u) in self.db.members().members_as_of(&unit.path, as_of).await? {
            all_should.insert(m);
            if let Some(k) = unit_paths.get(&u).and_then(|p| line_of(p)) {
                should[k].insert(m);
            }
        }

        // Registrations and items.
        let regs = self.reg_rows(&unit.path, Some(year), None).await?;
        let items = self.item_rows(&unit.path, year).await?;
        let mut by_reg: HashMap<i64, Vec<ItemFacts>> = HashMap::new();
        for i in items {
            by_reg
                .entry(i.reg_id)
                .or_default()
                .push((i.flags, i.outcome));
        }
        // Copy clusters over the whole subtree (within and across its units).
        let docs: Vec<similarity::Doc> = self.signature_docs(&unit.path, year).await?;
        let in_cluster: HashSet<i64> = similarity::clusters(&docs, similarity::COPY_THRESHOLD)
            .into_iter()
            .flat_map(|c| c.doc_ids)
            .collect();
        // Heads late, per cell: (head name, head first submission, members' first submissions).
        type Cell = (
            Vec<(String, Option<DateTime<Utc>>, Option<String>)>,
            Vec<(DateTime<Utc>, String)>,
        );
        let mut cells: HashMap<String, Cell> = HashMap::new();
        // A cell's head is its bí thư (post 'secretary' held in that cell), not any member with a leading title.
        let cell_secretaries =
            crate::positions::cell_secretaries(&self.db.pool, &unit.path, year).await?;
        for r in &regs {
            let first = first_submitted_date(r.first_submitted_at.as_deref());
            let ok = reg::on_time(&calendars.for_path(&r.unit_path), first);
            let its = by_reg.remove(&r.id).unwrap_or_default();
            let target = match line_of(&r.unit_path) {
                Some(k) => &mut stats[k],
                None => &mut direct,
            };
            target.add_registration(r.status, ok, &its);
            target.copied += i64::from(in_cluster.contains(&r.id));
            all_should.insert(r.member_id);
            if let Some(k) = line_of(&r.unit_path) {
                should[k].insert(r.member_id);
            }
            let cell = cells.entry(r.unit_path.clone()).or_default();
            let t = r
                .first_submitted_at
                .as_deref()
                .and_then(|s| parse_ts(s).ok());
            let is_cell_secretary = cell_secretaries
                .get(&r.unit_path)
                .is_some_and(|ids| ids.contains(&r.member_id));
            if is_cell_secretary {
                cell.0
                    .push((r.member_name.clone(), t, r.first_submitted_at.clone()));
            } else if let (Some(t), Some(s)) = (t, r.first_submitted_at.clone()) {
                cell.1.push((t, s));
            }
        }
        // Ratings.
        let mut q = Sql::new("SELECT unit_path, rating FROM member_ratings WHERE year = ");
        q.lit(i64::from(year)).push(" AND ");
        q.subtree("unit_path", &unit.path);
        for r in q.query().fetch_all(&self.db.pool).await? {
            let path: String = get(&r, "unit_path")?;
            let s: String = get(&r, "rating")?;
            if let Some(rating) = Rating::parse(&s) {
                match line_of(&path) {
                    Some(k) => stats[k].add_rating(rating),
                    None => direct.add_rating(rating),
                }
            }
        }
        for (k, set) in should.iter().enumerate() {
            stats[k].members = set.len() as i64;
        }
        // Heads late. A cell whose members submitted while its head has no registration at all: the head is
        // found from the positions of the cell's members (this year only).
        // Positions have no history: only this year's report may name today's head as missing.
        let current_year = year >= self.db.today().year();
        let missing: Vec<String> = cells
            .iter()
            .filter(|(_, (heads, members))| current_year && heads.is_empty() && !members.is_empty())
            .map(|(path, _)| path.clone())
            .collect();
        for path in missing {
            let row = sqlx::query(
                "SELECT m.full_name FROM members m JOIN positions ps ON ps.member_id = m.id \
                 WHERE ps.post = 'secretary' AND ps.body = 'party' AND ps.unit_id = $1 AND m.status = 'active' \
                 ORDER BY ps.sort_order, m.id LIMIT 1",
            )
            .bind(unit_id_of_path(&path))
            .fetch_optional(&self.db.pool)
            .await?;
            if let (Some(r), Some(cell)) = (row, cells.get_mut(&path)) {
                cell.0.push((get(&r, "full_name")?, None, None));
            }
        }
        let mut heads_late = Vec::new();
        let mut late_count = vec![0i64; line_paths.len()];
        let mut late_paths: Vec<&String> = cells.keys().collect();
        late_paths.sort();
        for path in late_paths {
            let Some((heads, members)) = cells.get(path) else {
                continue;
            };
            let Some((head_name, head_t, head_s)) = heads
                .iter()
                .min_by_key(|(_, t, _)| t.unwrap_or(DateTime::<Utc>::MAX_UTC))
            else {
                continue;
            };
            let times: Vec<DateTime<Utc>> = members.iter().map(|(t, _)| *t).collect();
            if reg::head_registered_late(*head_t, &times) {
                let first = members
                    .iter()
                    .min_by_key(|(t, _)| *t)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default();
                if let Some(k) = line_of(path) {
                    late_count[k] += 1;
                }
                let id = unit_id_of_path(path);
                let u = self.db.units().unit_unscoped(id).await?;
                heads_late.push(HeadLate {
                    unit: UnitRef {
                        id,
                        code: u.as_ref().map(|u| u.code.clone()).unwrap_or_default(),
                        name: u.map(|u| u.name).unwrap_or_default(),
                    },
                    head_name: head_name.clone(),
                    head_submitted: head_s.clone(),
                    first_member_submitted: first,
                });
            }
        }
        let mut total = RegStats::default();
        for s in &stats {
            total.merge(s);
        }
        total.merge(&direct);
        total.members = all_should.len() as i64;
        let lines = line_paths
            .into_iter()
            .zip(stats)
            .zip(late_count)
            .map(|(((u, _, has_children, gr), s), late)| RegUnitLine {
                excellent_warning: if gr { s.excellent_warning() } else { None },
                unit: u,
                stats: s,
                heads_late: late,
                has_children,
            })
            .collect();
        let excellent_warning = if grassroots(unit.unit_type) {
            total.excellent_warning()
        } else {
            None
        };
        Ok(RegReport {
            unit: self_ref,
            year,
            // A year outside the calendar's range has no deadline (the dates were clamped).
            deadline: Some(deadline).filter(|d| d.year() == year),
            total,
            lines,
            heads_late,
            excellent_warning,
        })
    }

    /// Years that have registrations in a subtree, newest first (the pages' year choice).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration_years_in")
    )]
    pub async fn registration_years_in(self, unit_path: &str) -> Result<Vec<i32>> {
        let mut q = Sql::new("SELECT DISTINCT year FROM registrations WHERE superseded = 0 AND ");
        q.subtree("unit_path", unit_path);
        q.push(" ORDER BY year DESC");
        q.query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(|r| Ok(sql::year(get(r, "year")?)))
            .collect()
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.reg_rows")
    )]
    pub(crate) async fn reg_rows(
        self,
        unit_path: &str,
        year: Option<i32>,
        status: Option<Status>,
    ) -> Result<Vec<RegRow>> {
        let mut q = Sql::new(
            "SELECT r.id, r.member_id, m.full_name, r.unit_id, u.name AS unit_name, r.unit_path, r.year, r.version, \
             r.status, r.head, r.disclosed, r.first_submitted_at, r.submitted_at FROM registrations r \
             JOIN members m ON m.id = r.member_id JOIN units u ON u.id = r.unit_id WHERE r.superseded = 0 AND ",
        );
        q.subtree("r.unit_path", unit_path);
        if let Some(y) = year {
            q.push(" AND r.year = ").lit(i64::from(y));
        }
        if let Some(s) = status {
            q.push(" AND r.status = ").safe(s.as_str());
        }
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(sql::read::<RegCols>).collect()
    }

    /// Items of the current registrations of a year in a subtree (flags and final outcome).
    async fn item_rows(self, unit_path: &str, year: i32) -> Result<Vec<ItemRow>> {
        let mut q = Sql::new(
            "SELECT i.registration_id, i.flags, i.assessed_outcome, i.yearend_outcome FROM registration_items i \
             JOIN registrations r ON r.id = i.registration_id WHERE r.superseded = 0 AND r.year = ",
        );
        q.lit(i64::from(year)).push(" AND ");
        q.subtree("r.unit_path", unit_path);
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(sql::read::<ItemCols>).collect()
    }

    async fn item_rows_of(self, ids: &[i64]) -> Result<Vec<ItemRow>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut q = Sql::new(
                "SELECT registration_id, flags, assessed_outcome, yearend_outcome FROM registration_items WHERE registration_id IN (",
            );
            for (k, id) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.lit(*id);
            }
            q.push(")");
            for r in q.query().fetch_all(&self.db.pool).await? {
                out.push(sql::read::<ItemCols>(&r)?);
            }
        }
        Ok(out)
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.summaries")
    )]
    pub(crate) async fn summaries(self, regs: Vec<RegRow>) -> Result<Vec<RegSummary>> {
        let ids: Vec<i64> = regs.iter().map(|r| r.id).collect();
        // "On time" by each holder unit's calendar: the settings of each year read once.
        let mut books: HashMap<i32, crate::campaign::CalendarBook> = HashMap::new();
        for year in regs.iter().map(|r| r.year).collect::<HashSet<i32>>() {
            books.insert(year, self.db.campaign().calendars("/", year).await?);
        }
        let mut by_reg: HashMap<i64, Vec<ItemRow>> = HashMap::new();
        for i in self.item_rows_of(&ids).await? {
            by_reg.entry(i.reg_id).or_default().push(i);
        }
        // Decisions and the cells' proposals, by member and year.
        let mut ratings: HashMap<(i64, i32), Rating> = HashMap::new();
        let mut proposals: HashMap<(i64, i32), Rating> = HashMap::new();
        let members: Vec<i64> = regs.iter().map(|r| r.member_id).collect();
        for chunk in members.chunks(500) {
            for (table, into) in [
                ("member_ratings", &mut ratings),
                ("rating_proposals", &mut proposals),
            ] {
                let mut q = Sql::new("SELECT member_id, year, rating FROM ");
                q.push(table).push(" WHERE member_id IN (");
                for (k, id) in chunk.iter().enumerate() {
                    if k > 0 {
                        q.push(",");
                    }
                    q.lit(*id);
                }
                q.push(")");
                for r in q.query().fetch_all(&self.db.pool).await? {
                    let g: String = get(&r, "rating")?;
                    if let Some(rating) = Rating::parse(&g) {
                        into.insert((get(&r, "member_id")?, sql::year(get(&r, "year")?)), rating);
                    }
                }
            }
        }
        Ok(regs
            .into_iter()
            .map(|r| {
                let items = by_reg.remove(&r.id).unwrap_or_default();
                let mut counts: Vec<(Flag, i64)> = Vec::new();
                for f in [
                    Flag::Vague,
                    Flag::NotTiedToDuty,
                    Flag::NoTarget,
                    Flag::NoDeadline,
                    Flag::Copied,
                ] {
                    let n = items.iter().filter(|i| i.flags.contains(&f)).count() as i64;
                    if n > 0 {
                        counts.push((f, n));
                    }
                }
                let outcomes: Vec<Option<Outcome>> = items.iter().map(|i| i.outcome).collect();
                let rr = ratings.get(&(r.member_id, r.year)).copied();
                let proposed = proposals.get(&(r.member_id, r.year)).copied();
                RegSummary {
                    on_time: books.get_mut(&r.year).is_some_and(|b| {
                        reg::on_time(
                            &b.for_path(&r.unit_path),
                            first_submitted_date(r.first_submitted_at.as_deref()),
                        )
                    }),
                    id: r.id,
                    member_id: r.member_id,
                    member_name: r.member_name,
                    unit_id: r.unit_id,
                    unit_name: r.unit_name,
                    year: r.year,
                    version: r.version,
                    status: r.status,
                    head: r.head,
                    disclosed: r.disclosed,
                    first_submitted_at: r.first_submitted_at,
                    submitted_at: r.submitted_at,
                    items: items.len() as i64,
                    flagged_items: items.iter().filter(|i| !i.flags.is_empty()).count() as i64,
                    flag_counts: counts,
                    result: reg::result(&outcomes),
                    // Always from the current outcomes (the one stored at rating time may be older).
                    suggested: reg::suggested_rating(&outcomes),
                    proposed,
                    rating: rr,
                }
            })
            .collect())
    }
}

fn review_error(e: reg::ReviewError) -> StoreError {
    StoreError::Invalid(vec![FieldError::new("status", e.to_string())])
}

fn check_reviews(r: &Registration, reviews: &[ReviewInput]) -> Result<()> {
    let mut errors = Vec::new();
    let positions: HashSet<i64> = r.items.iter().map(|i| i.position).collect();
    let mut seen = HashSet::new();
    for (k, rv) in reviews.iter().enumerate() {
        if !positions.contains(&rv.position) {
            errors.push(FieldError::new(
                &format!("reviews[{k}].position"),
                format!("Bản đăng ký không có nội dung số {}", rv.position),
            ));
        }
        if !seen.insert(rv.position) {
            errors.push(FieldError::new(
                &format!("reviews[{k}].position"),
                format!("Nội dung số {} được đánh giá hai lần", rv.position),
            ));
        }
        crate::check_length(
            &mut errors,
            &format!("reviews[{k}].note"),
            domain::limits::Field::ReviewNote,
            &rv.note,
        );
        crate::check_length(
            &mut errors,
            &format!("reviews[{k}].evidence"),
            domain::limits::Field::ItemEvidence,
            &rv.evidence,
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}
