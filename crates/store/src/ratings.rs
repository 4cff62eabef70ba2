//! Annual ratings in two steps (docs/DOMAIN.md § Rating): the cell proposes (`rating_proposals`), the
//! grassroots committee decides (`member_ratings`). Who proposes and who decides is `domain::rating`'s rule
//! over the chain of units above the rating unit and the member's party posts (`positions::party_posts_of`,
//! read for many members at once); the 20 % warning is counted within the grassroots organisation
//! (`domain::org::comparison_scope`), as in the report.

use crate::positions::{party_posts_of, unit_chain, UnitIndex};
use crate::sql::Sql;
use crate::{audit, get, ts, Actor, FieldError, Registrations, Result, StoreError};
use chrono::NaiveDate;
use domain::org::{self, UnitRef};
use domain::policy::Principal;
use domain::rating::{self as rt, RatingError, RatingSteps, StepNames};
use domain::registration::{self as reg, Rating, Status};
use serde::Serialize;
use std::collections::HashMap;

/// A cell's proposal of a member's rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingProposal {
    pub rating: Rating,
    pub reason: String,
    pub proposed_by: String,
    pub proposed_at: String,
}

/// What the principal may do about one member's rating of a year, and the state of both steps.
#[derive(Debug, Clone, Serialize)]
pub struct RatingState {
    pub member_id: i64,
    pub year: i32,
    pub suggested: Option<Rating>,
    pub proposal: Option<RatingProposal>,
    /// The decision and its reason.
    pub decision: Option<(Rating, String)>,
    /// The unit that proposes and the one that decides (names).
    pub proposer_name: String,
    pub decider_name: String,
    /// The same unit proposes and decides (a chi bộ cơ sở's members): no proposal needed.
    pub one_step: bool,
    pub can_propose: bool,
    pub can_decide: bool,
}

/// One member on a unit's rating sheet.
#[derive(Debug, Clone, Serialize)]
pub struct RatingLine {
    pub registration_id: i64,
    pub state: RatingState,
    pub member_name: String,
    pub unit_name: String,
    /// Share of items done, when assessed or reviewed.
    pub result: Option<f64>,
}

/// The members of a unit's subtree with an approved registration of the year: suggestion, proposal and
/// decision, and the 20 % warning of the grassroots organisation the unit belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct RatingSheet {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    pub lines: Vec<RatingLine>,
    /// The unit within which "xuất sắc" is counted against "tốt".
    pub scope_name: String,
    pub excellent: i64,
    pub good: i64,
    pub warning: Option<String>,
}

/// Who proposes and who decides a member's rating, with the two units' names.
struct NamedSteps {
    steps: RatingSteps,
    proposer_name: String,
    decider_name: String,
}

impl NamedSteps {
    fn names(&self) -> StepNames<'_> {
        StepNames {
            proposer: &self.proposer_name,
            decider: &self.decider_name,
        }
    }
}

/// Everything the two steps need about one member and year.
struct Facts {
    unit_id: i64,
    unit_path: String,
    suggested: Option<Rating>,
    steps: NamedSteps,
}

/// The table each step is recorded in, with its "by whom" and "when" columns.
#[derive(Clone, Copy)]
enum Step {
    Proposal,
    Decision,
}

impl Step {
    fn table(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Step::Proposal => ("rating_proposals", "proposed_by", "proposed_at"),
            Step::Decision => ("member_ratings", "rated_by", "rated_at"),
        }
    }
}

/// One step's row: the member's rating of a year, held at the facts' unit.
struct StepRow<'a> {
    step: Step,
    member_id: i64,
    year: i32,
    facts: &'a Facts,
    rating: Rating,
    /// Trimmed.
    reason: &'a str,
}

fn refused(e: RatingError) -> StoreError {
    let field = match e {
        RatingError::Reason(_) | RatingError::DiffersFromProposal(_) => "reason",
        _ => "rating",
    };
    StoreError::Invalid(vec![FieldError::new(field, e.to_string())])
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(StoreError::Invalid(vec![FieldError::new(
            "year",
            "Năm không hợp lệ",
        )]))
    }
}

fn check_reason(reason: &str) -> Result<()> {
    domain::limits::check(domain::limits::Field::Reason, reason.trim())
        .map_err(|e| StoreError::Invalid(vec![FieldError::new("reason", e.to_string())]))
}

/// The day the member's party posts are read: the year's last day, or today while the year runs.
fn posts_on(year: i32, today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |end| end.min(today))
}

impl Registrations<'_> {
    /// The name of a unit (empty when gone).
    async fn unit_name(self, id: i64) -> Result<String> {
        Ok(self
            .db
            .units()
            .unit_unscoped(id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default())
    }

    /// Who proposes and decides for each member (member, unit the rating is held at), by the party posts each
    /// holds at the end of `year` (today while it runs), with the units' names: the units' paths, their chains
    /// with names and the members' posts, a fixed number of queries whatever the number of members.
    async fn steps_of(self, held: &[(i64, i64)], year: i32) -> Result<Vec<NamedSteps>> {
        if held.is_empty() {
            return Ok(Vec::new());
        }
        let unit_ids: Vec<i64> = held.iter().map(|(_, u)| *u).collect();
        let index = {
            let mut conn = self.db.pool.acquire().await?;
            UnitIndex::load_ids(&mut conn, &unit_ids).await?
        };
        let member_ids: Vec<i64> = held.iter().map(|(m, _)| *m).collect();
        let posts =
            party_posts_of(&self.db.pool, &member_ids, posts_on(year, self.db.today())).await?;
        let name = |id: i64| index.get(id).map(|u| u.name.clone()).unwrap_or_default();
        let mut out = Vec::with_capacity(held.len());
        for (member_id, unit_id) in held {
            let unit = index.get(*unit_id).ok_or(StoreError::NotFound)?;
            let chain: Vec<UnitRef> = index
                .chain(&unit.unit.path)
                .into_iter()
                .map(|u| u.unit)
                .collect();
            let held_posts = posts.get(member_id).map(Vec::as_slice).unwrap_or_default();
            let steps = rt::rating_steps(&chain, held_posts).ok_or(StoreError::NotFound)?;
            out.push(NamedSteps {
                proposer_name: name(steps.proposer.id),
                decider_name: name(steps.decider.id),
                steps,
            });
        }
        Ok(out)
    }

    /// The member (read through `p`'s scope: out of scope is "not found"), the unit the rating of the year is
    /// held at (the registration's, else the member's current unit), the suggestion and the two steps.
    async fn rating_facts(self, p: &Principal, member_id: i64, year: i32) -> Result<Facts> {
        let member = self.db.members().member(p, member_id).await?;
        let current = sqlx::query(
            "SELECT id FROM registrations WHERE member_id = $1 AND year = $2 AND superseded = 0",
        )
        .bind(member_id)
        .bind(i64::from(year))
        .fetch_optional(&self.db.pool)
        .await?;
        let held = match current {
            Some(r) => Some(self.registration_unscoped(get(&r, "id")?).await?),
            None => None,
        };
        let suggested = held
            .as_ref()
            .and_then(|r| reg::suggested_rating(&r.outcomes()));
        // The rating is counted with the registration of that year (the unit that holds it).
        let (unit_id, unit_path) = match &held {
            Some(r) => (r.unit_id, r.unit_path.clone()),
            None => {
                let unit = self
                    .db
                    .units()
                    .unit_unscoped(member.unit_id)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                (unit.id, unit.path)
            }
        };
        let steps = self
            .steps_of(&[(member_id, unit_id)], year)
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        Ok(Facts {
            unit_id,
            unit_path,
            suggested,
            steps,
        })
    }

    /// Replaces the member's row of the year in the step's table and records `event` with it, in one
    /// transaction. Returns when (the row's timestamp).
    async fn write_step(
        self,
        actor: &Actor,
        row: StepRow<'_>,
        event: audit::AuditEvent,
    ) -> Result<String> {
        let (table, by, at) = row.step.table();
        let now = self.db.now();
        let mut w = self.db.write().await?;
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE member_id = $1 AND year = $2"
        ))
        .bind(row.member_id)
        .bind(i64::from(row.year))
        .execute(&mut *w.tx)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO {table} (member_id, year, unit_id, unit_path, suggested, rating, reason, {by}, {at}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(row.member_id)
        .bind(i64::from(row.year))
        .bind(row.facts.unit_id)
        .bind(row.facts.unit_path.clone())
        .bind(row.facts.suggested.map(|s| s.as_str()))
        .bind(row.rating.as_str())
        .bind(row.reason.to_string())
        .bind(actor.username.clone())
        .bind(ts(now))
        .execute(&mut *w.tx)
        .await?;
        audit::record(&mut w.tx, now, actor, &event.unit(&row.facts.unit_path)).await?;
        w.commit().await?;
        Ok(ts(now))
    }

    async fn proposal_of(self, member_id: i64, year: i32) -> Result<Option<RatingProposal>> {
        let row = sqlx::query(
            "SELECT rating, reason, proposed_by, proposed_at FROM rating_proposals \
             WHERE member_id = $1 AND year = $2",
        )
        .bind(member_id)
        .bind(i64::from(year))
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let s: String = get(&r, "rating")?;
        Ok(Some(RatingProposal {
            rating: Rating::parse(&s)
                .ok_or_else(|| StoreError::Corrupt(format!("xếp loại {s}")))?,
            reason: get(&r, "reason")?,
            proposed_by: get(&r, "proposed_by")?,
            proposed_at: get(&r, "proposed_at")?,
        }))
    }

    /// "Xuất sắc" and "tốt" decided in a year within a subtree, with the 20 % warning.
    pub(crate) async fn excellent_counts(
        self,
        scope_path: &str,
        year: i32,
    ) -> Result<(i64, i64, Option<String>)> {
        let mut q = Sql::new(
            "SELECT CAST(COALESCE(SUM(CASE WHEN rating = 'excellent' THEN 1 ELSE 0 END), 0) AS BIGINT) AS ex, \
             CAST(COALESCE(SUM(CASE WHEN rating = 'good' THEN 1 ELSE 0 END), 0) AS BIGINT) AS good \
             FROM member_ratings WHERE year = ",
        );
        q.lit(i64::from(year)).push(" AND ");
        q.subtree("unit_path", scope_path);
        let row = q.query().fetch_one(&self.db.pool).await?;
        let (ex, good): (i64, i64) = (get(&row, "ex")?, get(&row, "good")?);
        Ok((ex, good, reg::excellent_share_warning(ex, good)))
    }

    /// The path of the unit within which a rating held at `unit_path` is compared (the 20 % rule).
    async fn scope_of(self, unit_path: &str) -> Result<UnitRef> {
        let chain = unit_chain(&self.db.pool, unit_path).await?;
        org::comparison_scope(&chain)
            .cloned()
            .ok_or(StoreError::NotFound)
    }

    /// The state of a member's rating of a year as `p` sees it: suggestion, proposal, decision, and which
    /// step `p` may take.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.rating_state")
    )]
    pub async fn rating_state(
        self,
        p: &Principal,
        member_id: i64,
        year: i32,
    ) -> Result<RatingState> {
        check_year(year)?;
        let f = self.rating_facts(p, member_id, year).await?;
        let decision = self.member_rating(p, member_id, year).await?;
        Ok(RatingState {
            member_id,
            year,
            suggested: f.suggested,
            proposal: self.proposal_of(member_id, year).await?,
            decision,
            one_step: f.steps.steps.one_step(),
            can_propose: rt::may_propose(p, &f.steps.steps, member_id, f.steps.names()).is_ok(),
            can_decide: rt::may_decide(p, &f.steps.steps, member_id, f.steps.names()).is_ok(),
            proposer_name: f.steps.proposer_name,
            decider_name: f.steps.decider_name,
        })
    }

    /// The cell proposes a member's annual rating (confirming the suggestion, or another level with a
    /// reason). Replaces an earlier proposal of the year; the decision is the grassroots committee's.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.propose_rating")
    )]
    pub async fn propose_rating(
        self,
        actor: &Actor,
        p: &Principal,
        member_id: i64,
        year: i32,
        rating: Rating,
        reason: &str,
    ) -> Result<RatingProposal> {
        check_year(year)?;
        let f = self.rating_facts(p, member_id, year).await?;
        if !p.can_write_member(&f.unit_path) {
            return Err(StoreError::Forbidden);
        }
        check_reason(reason)?;
        rt::may_propose(p, &f.steps.steps, member_id, f.steps.names()).map_err(refused)?;
        // A member disciplined in the year is not rated above "hoàn thành nhiệm vụ" (docs/DOMAIN.md § Rating).
        let disciplined_in_year = self
            .db
            .inspections()
            .disciplined_in_year(member_id, year)
            .await?;
        rt::check_proposal(f.suggested, rating, reason, disciplined_in_year).map_err(refused)?;
        let before = self.proposal_of(member_id, year).await?;
        let before_json = before.as_ref().map(|b| {
            serde_json::json!({ "rating": b.rating.as_str(), "reason": b.reason, "proposed_by": b.proposed_by })
        });
        let event = audit::AuditEvent::new("propose_rating", "member", member_id)
            .label(format!("Đề xuất xếp loại năm {year}"))
            .before(before_json.as_ref())
            .after(&serde_json::json!({
                "rating": rating.as_str(),
                "suggested": f.suggested.map(|s| s.as_str()),
                "reason": reason.trim(),
            }));
        let row = StepRow {
            step: Step::Proposal,
            member_id,
            year,
            facts: &f,
            rating,
            reason: reason.trim(),
        };
        let proposed_at = self.write_step(actor, row, event).await?;
        Ok(RatingProposal {
            rating,
            reason: reason.trim().to_string(),
            proposed_by: actor.username.clone(),
            proposed_at,
        })
    }

    /// The decision on a member's annual rating, by the grassroots committee (docs/DOMAIN.md § Rating):
    /// following the cell's proposal, or another level with a reason; in one step (a chi bộ cơ sở's members)
    /// without a proposal. Returns the 20 % warning of the grassroots organisation when exceeded.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.rate_member")
    )]
    pub async fn rate_member(
        self,
        actor: &Actor,
        p: &Principal,
        member_id: i64,
        year: i32,
        rating: Rating,
        reason: &str,
    ) -> Result<Option<String>> {
        check_year(year)?;
        let f = self.rating_facts(p, member_id, year).await?;
        if !p.can_write_member(&f.unit_path) {
            return Err(StoreError::Forbidden);
        }
        check_reason(reason)?;
        rt::may_decide(p, &f.steps.steps, member_id, f.steps.names()).map_err(refused)?;
        let proposal = self.proposal_of(member_id, year).await?;
        // A member disciplined in the year is not rated above "hoàn thành nhiệm vụ" (docs/DOMAIN.md § Rating).
        let disciplined_in_year = self
            .db
            .inspections()
            .disciplined_in_year(member_id, year)
            .await?;
        rt::check_decision(
            &f.steps.steps,
            f.suggested,
            proposal.as_ref().map(|x| x.rating),
            rating,
            reason,
            disciplined_in_year,
            f.steps.names(),
        )
        .map_err(refused)?;
        // The proposal the decision was taken on is recorded with it.
        let proposed = proposal.as_ref().map(|x| {
            serde_json::json!({ "rating": x.rating.as_str(), "reason": x.reason, "proposed_by": x.proposed_by })
        });
        let event = audit::AuditEvent::new("rate", "member", member_id)
            .label(format!("Xếp loại năm {year}"))
            .after(&serde_json::json!({
                "rating": rating.as_str(),
                "suggested": f.suggested.map(|s| s.as_str()),
                "proposed": proposed,
                "reason": reason.trim(),
            }));
        let row = StepRow {
            step: Step::Decision,
            member_id,
            year,
            facts: &f,
            rating,
            reason: reason.trim(),
        };
        self.write_step(actor, row, event).await?;
        let scope = self.scope_of(&f.unit_path).await?;
        Ok(self.excellent_counts(&scope.path, year).await?.2)
    }

    /// A unit's rating sheet for a year: every member of its subtree with an approved registration, with
    /// the suggestion, the cell's proposal and the decision, and what `p` may do on each line.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.rating_sheet")
    )]
    pub async fn rating_sheet(self, p: &Principal, unit_id: i64, year: i32) -> Result<RatingSheet> {
        check_year(year)?;
        let unit = self.db.units().unit(p, unit_id).await?;
        let rows = self.reg_rows(&unit.path, Some(year), None).await?;
        let summaries = self.summaries(rows).await?;
        let mut proposals: HashMap<i64, RatingProposal> = HashMap::new();
        let mut reasons: HashMap<i64, String> = HashMap::new();
        let mut q = Sql::new(
            "SELECT member_id, rating, reason, proposed_by, proposed_at FROM rating_proposals WHERE year = ",
        );
        q.lit(i64::from(year)).push(" AND ");
        q.subtree("unit_path", &unit.path);
        for r in q.query().fetch_all(&self.db.pool).await? {
            let s: String = get(&r, "rating")?;
            if let Some(rating) = Rating::parse(&s) {
                proposals.insert(
                    get(&r, "member_id")?,
                    RatingProposal {
                        rating,
                        reason: get(&r, "reason")?,
                        proposed_by: get(&r, "proposed_by")?,
                        proposed_at: get(&r, "proposed_at")?,
                    },
                );
            }
        }
        let mut q = Sql::new("SELECT member_id, reason FROM member_ratings WHERE year = ");
        q.lit(i64::from(year)).push(" AND ");
        q.subtree("unit_path", &unit.path);
        for r in q.query().fetch_all(&self.db.pool).await? {
            reasons.insert(get(&r, "member_id")?, get(&r, "reason")?);
        }
        let rated: Vec<_> = summaries
            .into_iter()
            .filter(|s| matches!(s.status, Status::Approved | Status::Published))
            .collect();
        let held: Vec<(i64, i64)> = rated.iter().map(|s| (s.member_id, s.unit_id)).collect();
        let all_steps = self.steps_of(&held, year).await?;
        let mut lines = Vec::with_capacity(rated.len());
        for (s, named) in rated.into_iter().zip(all_steps) {
            let can_propose = rt::may_propose(p, &named.steps, s.member_id, named.names()).is_ok();
            let can_decide = rt::may_decide(p, &named.steps, s.member_id, named.names()).is_ok();
            lines.push(RatingLine {
                registration_id: s.id,
                member_name: s.member_name,
                unit_name: s.unit_name,
                result: s.result,
                state: RatingState {
                    member_id: s.member_id,
                    year,
                    suggested: s.suggested,
                    proposal: proposals.remove(&s.member_id),
                    decision: s
                        .rating
                        .map(|x| (x, reasons.remove(&s.member_id).unwrap_or_default())),
                    one_step: named.steps.one_step(),
                    can_propose,
                    can_decide,
                    proposer_name: named.proposer_name,
                    decider_name: named.decider_name,
                },
            });
        }
        let scope = self.scope_of(&unit.path).await?;
        let (excellent, good, warning) = self.excellent_counts(&scope.path, year).await?;
        Ok(RatingSheet {
            unit_id: unit.id,
            unit_name: unit.name,
            year,
            lines,
            scope_name: self.unit_name(scope.id).await?,
            excellent,
            good,
            warning,
        })
    }
}
