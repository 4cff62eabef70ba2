//! Reading commendations (see `commendations.rs`): one, a filtered page, and those naming a member, unit or
//! model, each limited to the caller's scope in SQL (`push_scope`).

use crate::commendations::{
    Commendation, CommendationFilter, CommendedMember, CommendedModel, CommendedRegistration,
};
use crate::meetings::{UnitRef, UnitRefCols};
use crate::sql::{self, RowInto, Sql};
use crate::{get, parse_opt_date, Commendations, Result, StoreError};
use domain::commendation::{heading, CommendationKind, CommendationLevel, CommendationState};
use domain::policy::{Capability, Principal};
use domain::text;
use domain::Role;
use std::collections::HashMap;

/// Most commendations one list call returns.
const MAX_PAGE: i64 = 1000;
/// The default page size of `list`.
const DEFAULT_LIMIT: i64 = 100;
/// Most commendations a text search (done after reading) looks through.
const MAX_SEARCHED: i64 = 5000;
/// Most rows listed by `of_member`, `of_unit`, `of_model` and the public lists.
pub(crate) const MAX_OF: i64 = 2000;
/// Ids per `IN (…)` list when reading what commendations name.
const ID_CHUNK: usize = 500;

pub(crate) const COLS: &str = "c.id, c.kind, c.label, c.level, c.issuer_id, iu.code AS issuer_code, \
    iu.name AS issuer_unit_name, c.issuer_path, c.issuer_name, c.state, c.decision_number, c.decided_on, \
    c.reason, c.proposed_by, c.proposed_unit_id, pu.code AS proposed_code, pu.name AS proposed_name, \
    c.proposed_on, c.decline_note, c.created_by, c.created_at, c.updated_by, c.updated_at";

pub(crate) const FROM: &str = "FROM commendations c JOIN units iu ON iu.id = c.issuer_id \
    LEFT JOIN units pu ON pu.id = c.proposed_unit_id";

/// Newest first: the decision's day, else the proposal's.
pub(crate) const ORDER: &str = " ORDER BY COALESCE(c.decided_on, c.proposed_on) DESC, c.id DESC";

/// A commendation as `COLS` selects it.
#[derive(sqlx::FromRow)]
pub(crate) struct CommendationRow {
    id: i64,
    kind: String,
    label: String,
    level: String,
    issuer_id: i64,
    issuer_code: String,
    issuer_unit_name: String,
    issuer_path: String,
    issuer_name: String,
    state: String,
    decision_number: String,
    decided_on: Option<String>,
    reason: String,
    proposed_by: Option<String>,
    proposed_unit_id: Option<i64>,
    proposed_code: Option<String>,
    proposed_name: Option<String>,
    proposed_on: Option<String>,
    decline_note: String,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

impl RowInto for CommendationRow {
    type Target = Commendation;
    fn convert(self) -> Result<Commendation> {
        let kind = CommendationKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("hình thức khen thưởng {}", self.kind)))?;
        let level = CommendationLevel::parse(&self.level)
            .ok_or_else(|| StoreError::Corrupt(format!("cấp khen thưởng {}", self.level)))?;
        let state = CommendationState::parse(&self.state)
            .ok_or_else(|| StoreError::Corrupt(format!("trạng thái khen thưởng {}", self.state)))?;
        let proposed_unit = match (
            self.proposed_unit_id,
            self.proposed_code,
            self.proposed_name,
        ) {
            (Some(id), Some(code), Some(name)) => Some(UnitRef { id, code, name }),
            _ => None,
        };
        Ok(Commendation {
            id: self.id,
            kind,
            heading: heading(kind, &self.label),
            label: self.label,
            level,
            issuer: UnitRef {
                id: self.issuer_id,
                code: self.issuer_code,
                name: self.issuer_unit_name,
            },
            issuer_path: self.issuer_path,
            issuer_name: self.issuer_name,
            state,
            decision_number: self.decision_number,
            decided_on: parse_opt_date(self.decided_on)?,
            reason: self.reason,
            proposed_by: self.proposed_by,
            proposed_unit,
            proposed_on: parse_opt_date(self.proposed_on)?,
            decline_note: self.decline_note,
            members: Vec::new(),
            units: Vec::new(),
            models: Vec::new(),
            registrations: Vec::new(),
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MemberRecipientRow {
    commendation_id: i64,
    member_id: i64,
    full_name: String,
    #[sqlx(flatten)]
    unit: UnitRefCols,
}

#[derive(sqlx::FromRow)]
struct UnitRecipientRow {
    commendation_id: i64,
    #[sqlx(flatten)]
    unit: UnitRefCols,
}

#[derive(sqlx::FromRow)]
struct ModelLinkRow {
    commendation_id: i64,
    model_id: i64,
    model_name: String,
    #[sqlx(flatten)]
    unit: UnitRefCols,
}

#[derive(sqlx::FromRow)]
struct RegistrationLinkRow {
    commendation_id: i64,
    registration_id: i64,
    year: i64,
    member_id: i64,
    full_name: String,
}

/// The ids written into an `IN (…)` list (formatted from integers: nothing to bind).
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Restricts `c` to what the principal may read (`Principal::can_read_commendation` in SQL): false when it
/// reads nothing.
fn push_scope(q: &mut Sql, p: &Principal) -> bool {
    if p.role == Role::Member {
        let Some(member_id) = p.member_id else {
            return false;
        };
        q.push(
            " AND EXISTS (SELECT 1 FROM commendation_recipients rs \
             WHERE rs.commendation_id = c.id AND rs.member_id = ",
        )
        .int(member_id)
        .push(")");
        return true;
    }
    if !p.has(Capability::ReadUnits) {
        return false;
    }
    push_touches(q, &p.unit_path);
    true
}

/// ` AND` (issued in the subtree of `path`, or naming a recipient in it).
fn push_touches(q: &mut Sql, path: &str) {
    q.push(" AND ((")
        .subtree("c.issuer_path", path)
        .push(") OR EXISTS (SELECT 1 FROM commendation_recipients rt WHERE rt.commendation_id = c.id AND ")
        .subtree("rt.recipient_path", path)
        .push("))");
}

/// What narrows a scoped query besides `CommendationFilter` (the `of_*` reads).
#[derive(Default, Clone, Copy)]
struct Naming {
    unit_id: Option<i64>,
}

fn push_filter(q: &mut Sql, f: &CommendationFilter, naming: Naming) {
    if let Some(path) = f.unit_path.as_deref() {
        push_touches(q, path);
    }
    if let Some(y) = f.year {
        q.push(" AND COALESCE(c.decided_on, c.proposed_on) >= ")
            .safe(&format!("{y:04}-01-01"))
            .push(" AND COALESCE(c.decided_on, c.proposed_on) < ")
            .safe(&format!("{:04}-01-01", y + 1));
    }
    if let Some(s) = f.state {
        q.push(" AND c.state = ").safe(s.as_str());
    }
    if let Some(k) = f.kind {
        q.push(" AND c.kind = ").safe(k.as_str());
    }
    if let Some(m) = f.member_id {
        q.push(
            " AND EXISTS (SELECT 1 FROM commendation_recipients rm \
             WHERE rm.commendation_id = c.id AND rm.member_id = ",
        )
        .int(m)
        .push(")");
    }
    if let Some(u) = naming.unit_id {
        q.push(
            " AND EXISTS (SELECT 1 FROM commendation_recipients ru \
             WHERE ru.commendation_id = c.id AND ru.unit_id = ",
        )
        .int(u)
        .push(")");
    }
    if let Some(m) = f.model_id {
        q.push(
            " AND EXISTS (SELECT 1 FROM commendation_models cmf \
             WHERE cmf.commendation_id = c.id AND cmf.model_id = ",
        )
        .int(m)
        .push(")");
    }
}

/// Whether a commendation's heading, reason, decision number or recipients' names hold the folded needle.
fn text_matches(c: &Commendation, needle: &str) -> bool {
    text::fold(&c.heading).contains(needle)
        || text::fold(&c.reason).contains(needle)
        || text::fold(&c.decision_number).contains(needle)
        || c.members
            .iter()
            .any(|m| text::fold(&m.full_name).contains(needle))
        || c.units.iter().any(|u| text::fold(&u.name).contains(needle))
}

impl Commendations<'_> {
    /// One commendation (`NotFound` when the caller may not read it).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.get")
    )]
    pub async fn get(self, p: &Principal, id: i64) -> Result<Commendation> {
        let c = self.load(id).await?;
        let rows = sqlx::query(
            "SELECT recipient_path, member_id FROM commendation_recipients WHERE commendation_id = $1",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut paths = Vec::with_capacity(rows.len());
        let mut members = Vec::new();
        for r in &rows {
            paths.push(get::<String>(r, "recipient_path")?);
            if let Some(m) = get::<Option<i64>>(r, "member_id")? {
                members.push(m);
            }
        }
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        if p.can_read_commendation(&c.issuer_path, &paths, &members) {
            Ok(c)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// One commendation with what it names, whoever asks. (`pub(super)`, not `pub(crate)`: an internal step
    /// of `get` and the writes, without a span of its own.)
    pub(super) async fn load(self, id: i64) -> Result<Commendation> {
        let row = sqlx::query(&format!("SELECT {COLS} {FROM} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut list = vec![sql::read::<CommendationRow>(&row)?];
        self.attach(&mut list).await?;
        list.pop().ok_or(StoreError::NotFound)
    }

    /// Fills in the members, units, models and registrations of `list`.
    async fn attach(self, list: &mut [Commendation]) -> Result<()> {
        let index: HashMap<i64, usize> = list.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
        for chunk in ids.chunks(ID_CHUNK) {
            let ids = id_list(chunk);
            let rows = sqlx::query(&format!(
                "SELECT r.commendation_id, m.id AS member_id, m.full_name, u.id AS unit_id, \
                 u.code AS unit_code, u.name AS unit_name \
                 FROM commendation_recipients r JOIN members m ON m.id = r.member_id \
                 JOIN units u ON u.path = r.recipient_path \
                 WHERE r.commendation_id IN ({ids}) ORDER BY m.sort_key, m.id"
            ))
            .fetch_all(&self.db.pool)
            .await?;
            for r in &rows {
                let m: MemberRecipientRow = sql::from_row(r)?;
                if let Some(&i) = index.get(&m.commendation_id) {
                    list[i].members.push(CommendedMember {
                        id: m.member_id,
                        full_name: m.full_name,
                        unit: m.unit.into(),
                    });
                }
            }
            let rows = sqlx::query(&format!(
                "SELECT r.commendation_id, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name \
                 FROM commendation_recipients r JOIN units u ON u.id = r.unit_id \
                 WHERE r.commendation_id IN ({ids}) ORDER BY r.id"
            ))
            .fetch_all(&self.db.pool)
            .await?;
            for r in &rows {
                let u: UnitRecipientRow = sql::from_row(r)?;
                if let Some(&i) = index.get(&u.commendation_id) {
                    list[i].units.push(u.unit.into());
                }
            }
            let rows = sqlx::query(&format!(
                "SELECT cm.commendation_id, m.id AS model_id, m.name AS model_name, u.id AS unit_id, \
                 u.code AS unit_code, u.name AS unit_name \
                 FROM commendation_models cm JOIN models m ON m.id = cm.model_id \
                 JOIN units u ON u.id = m.unit_id \
                 WHERE cm.commendation_id IN ({ids}) ORDER BY m.name, m.id"
            ))
            .fetch_all(&self.db.pool)
            .await?;
            for r in &rows {
                let m: ModelLinkRow = sql::from_row(r)?;
                if let Some(&i) = index.get(&m.commendation_id) {
                    list[i].models.push(CommendedModel {
                        id: m.model_id,
                        name: m.model_name,
                        unit: m.unit.into(),
                    });
                }
            }
            let rows = sqlx::query(&format!(
                "SELECT cr.commendation_id, r.id AS registration_id, r.year, r.member_id, m.full_name \
                 FROM commendation_registrations cr JOIN registrations r ON r.id = cr.registration_id \
                 JOIN members m ON m.id = r.member_id \
                 WHERE cr.commendation_id IN ({ids}) ORDER BY r.year DESC, m.sort_key, r.id"
            ))
            .fetch_all(&self.db.pool)
            .await?;
            for r in &rows {
                let g: RegistrationLinkRow = sql::from_row(r)?;
                if let Some(&i) = index.get(&g.commendation_id) {
                    list[i].registrations.push(CommendedRegistration {
                        id: g.registration_id,
                        year: sql::year(g.year),
                        member_id: g.member_id,
                        member_name: g.full_name,
                    });
                }
            }
        }
        Ok(())
    }

    /// The scoped query `SELECT select FROM … WHERE scope AND filter`, or `None` when the caller reads no
    /// commendation at all.
    fn query(p: &Principal, f: &CommendationFilter, naming: Naming, select: &str) -> Option<Sql> {
        let mut q = Sql::new(&format!("SELECT {select} {FROM} WHERE 1 = 1"));
        if !push_scope(&mut q, p) {
            return None;
        }
        push_filter(&mut q, f, naming);
        Some(q)
    }

    /// Reads up to `limit` rows of `q` from `offset` with what they name.
    async fn fetch(self, mut q: Sql, limit: i64, offset: i64) -> Result<Vec<Commendation>> {
        q.push(ORDER)
            .push(" LIMIT ")
            .lit(limit)
            .push(" OFFSET ")
            .lit(offset);
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut list = rows
            .iter()
            .map(sql::read::<CommendationRow>)
            .collect::<Result<Vec<_>>>()?;
        self.attach(&mut list).await?;
        Ok(list)
    }

    /// Commendations in scope matching `f`, newest first (decided_on, else proposed_on), and the total.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.list")
    )]
    pub async fn list(
        self,
        p: &Principal,
        f: &CommendationFilter,
    ) -> Result<(Vec<Commendation>, i64)> {
        let limit = if f.limit > 0 {
            f.limit.min(MAX_PAGE)
        } else {
            DEFAULT_LIMIT
        };
        let offset = f.offset.max(0);
        let needle = f.q.as_deref().map(text::fold).unwrap_or_default();
        let Some(q) = Self::query(p, f, Naming::default(), COLS) else {
            return Ok((Vec::new(), 0));
        };
        if !needle.trim().is_empty() {
            // The text search reads the scoped rows and looks through them here.
            let mut all = self.fetch(q, MAX_SEARCHED, 0).await?;
            all.retain(|c| text_matches(c, needle.trim()));
            let total = all.len() as i64;
            let page = all
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or_default())
                .take(usize::try_from(limit).unwrap_or_default())
                .collect();
            return Ok((page, total));
        }
        let Some(count) = Self::query(p, f, Naming::default(), "COUNT(*) AS n") else {
            return Ok((Vec::new(), 0));
        };
        let total: i64 = get(&count.query().fetch_one(&self.db.pool).await?, "n")?;
        let list = self.fetch(q, limit, offset).await?;
        Ok((list, total))
    }

    /// The scoped commendations matching `f` and `naming`, newest first (at most `MAX_OF`).
    async fn scoped(
        self,
        p: &Principal,
        f: &CommendationFilter,
        naming: Naming,
    ) -> Result<Vec<Commendation>> {
        match Self::query(p, f, naming, COLS) {
            Some(q) => self.fetch(q, MAX_OF, 0).await,
            None => Ok(Vec::new()),
        }
    }

    /// The commendations naming a member (decided, proposed, declined), newest first; `NotFound` when the
    /// caller may not read the member.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.of_member")
    )]
    pub async fn of_member(self, p: &Principal, member_id: i64) -> Result<Vec<Commendation>> {
        let row = sqlx::query(
            "SELECT u.path FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1",
        )
        .bind(member_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let path: String = get(&row, "path")?;
        if !p.can_read_member(member_id, &path) {
            return Err(StoreError::NotFound);
        }
        let f = CommendationFilter {
            member_id: Some(member_id),
            ..CommendationFilter::default()
        };
        self.scoped(p, &f, Naming::default()).await
    }

    /// The commendations naming a unit as a recipient, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.of_unit")
    )]
    pub async fn of_unit(self, p: &Principal, unit_id: i64) -> Result<Vec<Commendation>> {
        let unit = self.db.units().unit(p, unit_id).await?;
        self.scoped(
            p,
            &CommendationFilter::default(),
            Naming {
                unit_id: Some(unit.id),
            },
        )
        .await
    }

    /// The commendations linked to a model, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.of_model")
    )]
    pub async fn of_model(self, p: &Principal, model_id: i64) -> Result<Vec<Commendation>> {
        let model = self.db.models().model(p, model_id).await?;
        let f = CommendationFilter {
            model_id: Some(model.id),
            ..CommendationFilter::default()
        };
        self.scoped(p, &f, Naming::default()).await
    }
}
