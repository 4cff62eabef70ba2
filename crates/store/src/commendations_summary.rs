//! Commendation counts by kind and level for a subtree and period (`summary`), and the decided commendations
//! the public portal shows (`public_of_*`).

use crate::commendations::{
    invalid, Commendation, CommendationCounts, CommendationSummary, KindLine, LevelLine,
    PublicCommendation,
};
use crate::commendations_read::{CommendationRow, COLS, FROM, MAX_OF, ORDER};
use crate::meetings::UnitRef;
use crate::sql::{self, Sql};
use crate::{date_str, get, Commendations, Result, StoreError};
use chrono::NaiveDate;
use domain::commendation::{CommendationKind, CommendationLevel};
use domain::policy::Principal;
use std::collections::HashMap;

/// `c` as the portal shows it (`None` when it has no decision day).
fn public_of(c: Commendation) -> Option<PublicCommendation> {
    let decided_on = c.decided_on?;
    let issuer = if c.issuer_name.trim().is_empty() {
        c.issuer.name
    } else {
        c.issuer_name
    };
    Some(PublicCommendation {
        id: c.id,
        kind: c.kind,
        heading: c.heading,
        level: c.level,
        issuer,
        decision_number: c.decision_number,
        decided_on,
        reason: c.reason,
    })
}

impl Commendations<'_> {
    /// Counts of decided commendations with a recipient in the subtree of `unit_code`, decided in
    /// `from..=to`, by kind and level.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.summary")
    )]
    pub async fn summary(
        self,
        p: &Principal,
        unit_code: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CommendationSummary> {
        let unit = match self
            .db
            .units()
            .unit_by_code_unscoped(unit_code.trim())
            .await?
        {
            Some(u) if p.can_read_unit(&u.path) => u,
            _ => return Err(StoreError::NotFound),
        };
        if to < from {
            return Err(invalid("to", "Ngày cuối kỳ không được trước ngày đầu kỳ"));
        }
        let mut q = Sql::new(
            "SELECT c.kind, c.level, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS decisions, \
             CAST(SUM(CASE WHEN r.member_id IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS members, \
             CAST(SUM(CASE WHEN r.unit_id IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS units \
             FROM commendations c JOIN commendation_recipients r ON r.commendation_id = c.id \
             WHERE c.state = 'decided' AND c.decided_on >= ",
        );
        q.safe(&date_str(from))
            .push(" AND c.decided_on <= ")
            .safe(&date_str(to))
            .push(" AND ")
            .subtree("r.recipient_path", &unit.path)
            .push(" GROUP BY c.kind, c.level");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut by_kind: HashMap<CommendationKind, CommendationCounts> = HashMap::new();
        let mut by_level: HashMap<CommendationLevel, CommendationCounts> = HashMap::new();
        let mut total = CommendationCounts::default();
        for r in &rows {
            let kind: String = get(r, "kind")?;
            let level: String = get(r, "level")?;
            let kind = CommendationKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("hình thức khen thưởng {kind}")))?;
            let level = CommendationLevel::parse(&level)
                .ok_or_else(|| StoreError::Corrupt(format!("cấp khen thưởng {level}")))?;
            let n = CommendationCounts {
                decisions: get(r, "decisions")?,
                members: get(r, "members")?,
                units: get(r, "units")?,
            };
            for counts in [
                by_kind.entry(kind).or_default(),
                by_level.entry(level).or_default(),
                &mut total,
            ] {
                counts.decisions += n.decisions;
                counts.members += n.members;
                counts.units += n.units;
            }
        }
        let mut pending = Sql::new(
            "SELECT COUNT(*) AS n FROM commendations c WHERE c.state = 'proposed' AND EXISTS \
             (SELECT 1 FROM commendation_recipients r WHERE r.commendation_id = c.id AND ",
        );
        pending.subtree("r.recipient_path", &unit.path).push(")");
        let pending_proposals: i64 = get(&pending.query().fetch_one(&self.db.pool).await?, "n")?;
        Ok(CommendationSummary {
            unit: UnitRef {
                id: unit.id,
                code: unit.code,
                name: unit.name,
            },
            from,
            to,
            total,
            by_kind: CommendationKind::ALL
                .into_iter()
                .map(|kind| KindLine {
                    kind,
                    counts: by_kind.remove(&kind).unwrap_or_default(),
                })
                .collect(),
            by_level: CommendationLevel::ALL
                .into_iter()
                .map(|level| LevelLine {
                    level,
                    counts: by_level.remove(&level).unwrap_or_default(),
                })
                .collect(),
            pending_proposals,
        })
    }

    /// The decided commendations matching the `EXISTS` condition `naming` (bound to `id`), newest first.
    async fn public(self, naming: &str, id: i64) -> Result<Vec<PublicCommendation>> {
        let mut q = Sql::new(&format!(
            "SELECT {COLS} {FROM} WHERE c.state = 'decided' AND EXISTS ({naming}"
        ));
        q.int(id).push(")");
        q.push(ORDER).push(" LIMIT ").lit(MAX_OF);
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter()
            .map(|r| sql::read::<CommendationRow>(r).map(public_of))
            .filter_map(Result::transpose)
            .collect()
    }

    /// Portal: decided commendations naming the unit, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.public_of_unit")
    )]
    pub async fn public_of_unit(self, unit_id: i64) -> Result<Vec<PublicCommendation>> {
        self.public(
            "SELECT 1 FROM commendation_recipients r WHERE r.commendation_id = c.id AND r.unit_id = ",
            unit_id,
        )
        .await
    }

    /// Portal: decided commendations linked to the model, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.public_of_model")
    )]
    pub async fn public_of_model(self, model_id: i64) -> Result<Vec<PublicCommendation>> {
        self.public(
            "SELECT 1 FROM commendation_models cm WHERE cm.commendation_id = c.id AND cm.model_id = ",
            model_id,
        )
        .await
    }

    /// Portal: decided commendations naming the member (the caller shows them only for a member whose
    /// registrations are disclosed), newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.public_of_member")
    )]
    pub async fn public_of_member(self, member_id: i64) -> Result<Vec<PublicCommendation>> {
        self.public(
            "SELECT 1 FROM commendation_recipients r WHERE r.commendation_id = c.id AND r.member_id = ",
            member_id,
        )
        .await
    }
}
