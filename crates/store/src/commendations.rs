//! Commendations (khen thưởng, biểu dương; docs/DOMAIN.md § Commendations): decisions and proposals naming
//! members and units, linked to the good-practice models and registrations that earned them. A model is
//! "được biểu dương" exactly when a decided commendation names it (the store recomputes the model's status
//! whenever a commendation naming it changes).
//!
//! Scope (`Principal::can_read_commendation`): staff see the commendations issued by a unit of their
//! subtree or naming a recipient in it, a member account only those naming its own record. A proposal is
//! made by whoever may propose over every recipient (`can_propose_commendation`), under an issuing unit whose
//! subtree holds every recipient; a decision is recorded (or a proposal declined) by the issuing unit's
//! office (`can_decide_commendation`). Writes are audited in the same transaction. The rules of what may be
//! recorded are `domain::commendation`.

use crate::meetings::{UnitRef, UnitRefCols};
use crate::sql::{self, RowInto, Sql};
use crate::{
    audit, check_length, date_str, get, opt_date_str, parse_opt_date, ts, Actor, Commendations,
    FieldError, Result, StoreError,
};
use chrono::NaiveDate;
use domain::commendation::{
    check, check_decision, heading, CommendationFields, CommendationKind, CommendationLevel,
    CommendationState, Refusal, MAX_RECIPIENTS,
};
use domain::limits::Field;
use domain::models::ModelStatus;
use domain::policy::{in_subtree, Capability, Principal};
use domain::text;
use domain::{Role, Unit};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A member named by a commendation.
#[derive(Debug, Clone, Serialize)]
pub struct CommendedMember {
    pub id: i64,
    pub full_name: String,
    /// The member's unit when the commendation was recorded.
    pub unit: UnitRef,
}

/// A good-practice model that earned a commendation.
#[derive(Debug, Clone, Serialize)]
pub struct CommendedModel {
    pub id: i64,
    pub name: String,
    pub unit: UnitRef,
}

/// A registration that earned a commendation.
#[derive(Debug, Clone, Serialize)]
pub struct CommendedRegistration {
    pub id: i64,
    pub year: i32,
    pub member_id: i64,
    pub member_name: String,
}

/// A commendation: a decision, a proposal or a declined proposal, with what it names.
#[derive(Debug, Clone, Serialize)]
pub struct Commendation {
    pub id: i64,
    pub kind: CommendationKind,
    /// The title's or other form's name ("" for the other kinds).
    pub label: String,
    /// `domain::commendation::heading`: what lists show ("Giấy khen", "Danh hiệu Chi bộ trong sạch vững mạnh").
    pub heading: String,
    pub level: CommendationLevel,
    /// The unit that issues (or records) it.
    pub issuer: UnitRef,
    #[serde(skip)]
    pub issuer_path: String,
    /// The body named on the decision when it is outside the tree ("" = the issuing unit).
    pub issuer_name: String,
    pub state: CommendationState,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub reason: String,
    /// Who proposed it and for which unit, when it started as a proposal.
    pub proposed_by: Option<String>,
    pub proposed_unit: Option<UnitRef>,
    pub proposed_on: Option<NaiveDate>,
    /// Why a proposal was declined.
    pub decline_note: String,
    /// Recipients, members first (Vietnamese name order), then units.
    pub members: Vec<CommendedMember>,
    pub units: Vec<UnitRef>,
    pub models: Vec<CommendedModel>,
    pub registrations: Vec<CommendedRegistration>,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// What a user supplies to record a decision (number and day given) or to propose one (neither given).
#[derive(Debug, Clone, Default)]
pub struct CommendationInput {
    /// `None` is refused with a field error on "kind".
    pub kind: Option<CommendationKind>,
    pub label: String,
    /// `None`: the level of the issuing unit's type.
    pub level: Option<CommendationLevel>,
    /// The issuing unit's code.
    pub issuer_code: String,
    pub issuer_name: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub reason: String,
    pub member_ids: Vec<i64>,
    pub unit_codes: Vec<String>,
    pub model_ids: Vec<i64>,
    pub registration_ids: Vec<i64>,
}

/// Which commendations a list shows (all within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct CommendationFilter {
    /// Issued by, or naming a recipient in, the subtree of this unit path.
    pub unit_path: Option<String>,
    /// Decided in this year (proposals: proposed in it).
    pub year: Option<i32>,
    pub state: Option<CommendationState>,
    pub kind: Option<CommendationKind>,
    pub member_id: Option<i64>,
    pub model_id: Option<i64>,
    /// Folded text search over heading, reason, decision number and recipients' names.
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Counts of decided commendations in a subtree and period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommendationCounts {
    /// Decisions.
    pub decisions: i64,
    /// Member recipients (one member named twice counts twice: each is a commendation received).
    pub members: i64,
    /// Unit recipients.
    pub units: i64,
}

/// The counts of one kind or one level.
#[derive(Debug, Clone, Serialize)]
pub struct KindLine {
    pub kind: CommendationKind,
    #[serde(flatten)]
    pub counts: CommendationCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelLine {
    pub level: CommendationLevel,
    #[serde(flatten)]
    pub counts: CommendationCounts,
}

/// `summary`: decided commendations whose recipients lie in a subtree, decided in a period, by kind and by
/// level (every kind and level listed, zeros included, in the domain's order), and the proposals still
/// waiting.
#[derive(Debug, Clone, Serialize)]
pub struct CommendationSummary {
    pub unit: UnitRef,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: CommendationCounts,
    pub by_kind: Vec<KindLine>,
    pub by_level: Vec<LevelLine>,
    /// Proposals in the subtree not decided yet.
    pub pending_proposals: i64,
}

/// A decided commendation as the public portal shows it: nothing about who entered it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCommendation {
    pub id: i64,
    pub kind: CommendationKind,
    pub heading: String,
    pub level: CommendationLevel,
    /// The issuing body's name (issuer_name, or the issuing unit's name).
    pub issuer: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
}

/// Most commendations one list call returns.
const MAX_PAGE: i64 = 1000;
/// The default page size of `list`.
const DEFAULT_LIMIT: i64 = 100;
/// Most commendations a text search (done after reading) looks through.
const MAX_SEARCHED: i64 = 5000;
/// Most rows listed by `of_member`, `of_unit`, `of_model` and the public lists.
const MAX_OF: i64 = 2000;
/// Ids per `IN (…)` list when reading what commendations name.
const ID_CHUNK: usize = 500;

const COLS: &str = "c.id, c.kind, c.label, c.level, c.issuer_id, iu.code AS issuer_code, \
    iu.name AS issuer_unit_name, c.issuer_path, c.issuer_name, c.state, c.decision_number, c.decided_on, \
    c.reason, c.proposed_by, c.proposed_unit_id, pu.code AS proposed_code, pu.name AS proposed_name, \
    c.proposed_on, c.decline_note, c.created_by, c.created_at, c.updated_by, c.updated_at";

const FROM: &str = "FROM commendations c JOIN units iu ON iu.id = c.issuer_id \
    LEFT JOIN units pu ON pu.id = c.proposed_unit_id";

/// Newest first: the decision's day, else the proposal's.
const ORDER: &str = " ORDER BY COALESCE(c.decided_on, c.proposed_on) DESC, c.id DESC";

/// A commendation as `COLS` selects it.
#[derive(sqlx::FromRow)]
struct CommendationRow {
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

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

fn refusals(errors: &mut Vec<FieldError>, refusals: Vec<Refusal>) {
    errors.extend(
        refusals
            .into_iter()
            .map(|r| FieldError::new(r.field, r.message)),
    );
}

/// The ids written into an `IN (…)` list (formatted from integers: nothing to bind).
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ids` without repeats, in their first order.
fn dedupe<T: Ord + Clone>(ids: &[T]) -> Vec<T> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .filter(|i| seen.insert((*i).clone()))
        .cloned()
        .collect()
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

/// The recipients, models and registrations of a commendation being recorded, checked.
struct Named {
    /// (member id, path of the member's unit).
    members: Vec<(i64, String)>,
    /// (unit id, unit path).
    units: Vec<(i64, String)>,
    models: Vec<i64>,
    registrations: Vec<i64>,
    /// Distinct members and units asked for (refused ones included).
    members_asked: usize,
    units_asked: usize,
}

fn model_ids(c: &Commendation) -> Vec<i64> {
    c.models.iter().map(|m| m.id).collect()
}

/// Status changes of models, for the audit row.
fn status_json(changes: &[(i64, ModelStatus, ModelStatus)]) -> serde_json::Value {
    serde_json::Value::Array(
        changes
            .iter()
            .map(|(id, from, to)| serde_json::json!({"model_id": id, "from": from, "to": to}))
            .collect(),
    )
}

/// Recomputes the status of every model in `ids` (`models::refresh_status`), returning the changes. (A slice,
/// not an iterator: a closure held across the awaits would make the callers' futures not `Send`.)
async fn refresh_models(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ids: &[i64],
) -> Result<Vec<(i64, ModelStatus, ModelStatus)>> {
    let mut changes = Vec::new();
    for &id in ids {
        if let Some((from, to)) = crate::models::refresh_status(tx, id).await? {
            changes.push((id, from, to));
        }
    }
    Ok(changes)
}

impl Commendations<'_> {
    /// Records a decision (number and day given: `can_decide_commendation` over the issuer) or a proposal
    /// (neither: `can_propose_commendation` over every recipient, every recipient inside the issuer's
    /// subtree). Models named become "được biểu dương" when it is a decision.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.create")
    )]
    pub async fn create(
        self,
        p: &Principal,
        actor: &Actor,
        input: &CommendationInput,
    ) -> Result<Commendation> {
        self.create_on(p, actor, input, None).await
    }

    /// [`Commendations::create`] for a proposal made earlier on paper: `proposed_on` is its day (not after
    /// today; `None` = today). Ignored for a decision.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.create_on")
    )]
    pub async fn create_on(
        self,
        p: &Principal,
        actor: &Actor,
        input: &CommendationInput,
        proposed_on: Option<NaiveDate>,
    ) -> Result<Commendation> {
        let code = input.issuer_code.trim();
        let issuer = match self.db.units().unit_by_code_unscoped(code).await? {
            // A proposal may go up to a unit above the proposer (the city's office decides it).
            Some(u) if p.can_read_unit(&u.path) || in_subtree(&u.path, &p.unit_path) => u,
            _ => {
                return Err(invalid(
                    "issued_by",
                    if code.is_empty() {
                        "Chọn đơn vị ban hành quyết định khen thưởng".to_string()
                    } else {
                        format!("Không có đơn vị mã \"{code}\"")
                    },
                ))
            }
        };
        let decision_number = text::normalize(&input.decision_number);
        let is_decision = !decision_number.is_empty() || input.decided_on.is_some();
        let allowed = if is_decision {
            p.can_decide_commendation(&issuer.path)
        } else {
            p.has(Capability::ProposeCommendations)
        };
        if !allowed {
            return Err(StoreError::Forbidden);
        }
        let label = text::normalize(&input.label);
        let issuer_name = text::normalize(&input.issuer_name);
        let reason = text::normalize_multiline(&input.reason);
        let level = input
            .level
            .unwrap_or_else(|| CommendationLevel::of_unit_type(issuer.unit_type));
        let mut errors = Vec::new();
        if input.kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "Chọn hình thức khen thưởng: biểu dương, giấy khen, bằng khen, cờ thi đua, danh hiệu hoặc hình thức khác",
            ));
        }
        let kind = input.kind.unwrap_or(CommendationKind::Praise);
        let label = if kind.needs_label() {
            label
        } else {
            String::new()
        };
        let named = self
            .check_named(p, &issuer, is_decision, input, &mut errors)
            .await?;
        refusals(
            &mut errors,
            check(&CommendationFields {
                kind,
                label: &label,
                level,
                issuer_type: issuer.unit_type,
                reason: &reason,
                decision_number: &decision_number,
                decided_on: input.decided_on,
                // Those asked for: one refused on its own field is not also "no recipient".
                member_recipients: named.members_asked,
                unit_recipients: named.units_asked,
                today: self.db.today(),
            }),
        );
        check_length(&mut errors, "label", Field::Title, &label);
        check_length(&mut errors, "issuer_name", Field::UnitName, &issuer_name);
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &decision_number,
        );
        check_length(&mut errors, "reason", Field::Reason, &reason);
        if proposed_on.is_some_and(|d| d > self.db.today()) {
            errors.push(FieldError::new(
                "proposed_on",
                "Ngày đề nghị không được sau ngày hôm nay",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let state = if is_decision {
            CommendationState::Decided
        } else {
            CommendationState::Proposed
        };
        let now = ts(self.db.now());
        let today = date_str(proposed_on.unwrap_or_else(|| self.db.today()));
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO commendations (kind, label, level, issuer_id, issuer_path, issuer_name, state, \
             decision_number, decided_on, reason, proposed_by, proposed_unit_id, proposed_on, \
             created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14, $15) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(label.clone())
        .bind(level.as_str())
        .bind(issuer.id)
        .bind(issuer.path.clone())
        .bind(issuer_name.clone())
        .bind(state.as_str())
        .bind(decision_number.clone())
        .bind(opt_date_str(input.decided_on))
        .bind(reason.clone())
        .bind((!is_decision).then(|| actor.username.clone()))
        .bind((!is_decision).then_some(p.unit_id))
        .bind((!is_decision).then(|| today.clone()))
        .bind(actor.username.clone())
        .bind(now)
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        insert_named(&mut w.tx, id, &named).await?;
        let changes = if is_decision {
            refresh_models(&mut w.tx, &named.models).await?
        } else {
            Vec::new()
        };
        let after = serde_json::json!({
            "kind": kind,
            "label": label,
            "level": level,
            "issuer": issuer.code,
            "issuer_name": issuer_name,
            "state": state,
            "decision_number": decision_number,
            "decided_on": input.decided_on,
            "reason": reason,
            "member_ids": named.members.iter().map(|m| m.0).collect::<Vec<_>>(),
            "unit_ids": named.units.iter().map(|u| u.0).collect::<Vec<_>>(),
            "model_ids": named.models,
            "registration_ids": named.registrations,
            "model_status": status_json(&changes),
        });
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if is_decision { "create" } else { "propose" },
                "commendation",
                id,
            )
            .label(heading(kind, &label))
            .unit(&issuer.path)
            .after(&after),
        )
        .await?;
        w.commit().await?;
        self.load(id).await
    }

    /// Checks the recipients, models and registrations of `input` (field errors into `errors`).
    async fn check_named(
        self,
        p: &Principal,
        issuer: &Unit,
        is_decision: bool,
        input: &CommendationInput,
        errors: &mut Vec<FieldError>,
    ) -> Result<Named> {
        let mut named = Named {
            members: Vec::new(),
            units: Vec::new(),
            models: Vec::new(),
            registrations: Vec::new(),
            members_asked: 0,
            units_asked: 0,
        };
        let member_ids = dedupe(&input.member_ids);
        let unit_codes = dedupe(
            &input
                .unit_codes
                .iter()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>(),
        );
        named.members_asked = member_ids.len();
        named.units_asked = unit_codes.len();
        if member_ids.len() + unit_codes.len() > MAX_RECIPIENTS {
            // Refused by `check` without looking each one up.
            return Ok(named);
        }
        for mid in member_ids {
            let row = sqlx::query(
                "SELECT m.full_name, u.path FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1",
            )
            .bind(mid)
            .fetch_optional(&self.db.pool)
            .await?;
            let found = match row {
                Some(r) => Some((get::<String>(&r, "full_name")?, get::<String>(&r, "path")?)),
                None => None,
            };
            match found {
                // Unknown, or outside what the caller reads: the same answer, nothing revealed.
                None => errors.push(FieldError::new(
                    "recipients.member_ids",
                    format!("Không có đảng viên mã số {mid}"),
                )),
                Some((_, path)) if !p.can_read_member(mid, &path) => errors.push(FieldError::new(
                    "recipients.member_ids",
                    format!("Không có đảng viên mã số {mid}"),
                )),
                Some((name, path)) if !in_subtree(&issuer.path, &path) => {
                    errors.push(FieldError::new(
                        "recipients.member_ids",
                        format!(
                            "Đảng viên {name} không thuộc {}: chỉ khen thưởng đảng viên của đơn vị ban hành và cấp dưới",
                            issuer.name
                        ),
                    ))
                }
                Some((name, path)) if !is_decision && !p.can_propose_commendation(&path) => {
                    errors.push(FieldError::new(
                        "recipients.member_ids",
                        format!(
                            "Đảng viên {name} không thuộc đơn vị bạn phụ trách nên không đề nghị khen thưởng được"
                        ),
                    ))
                }
                Some((_, path)) => named.members.push((mid, path)),
            }
        }
        for code in unit_codes {
            match self.db.units().unit_by_code_unscoped(&code).await? {
                Some(u) if p.can_read_unit(&u.path) => {
                    if !in_subtree(&issuer.path, &u.path) {
                        errors.push(FieldError::new(
                            "recipients.unit_codes",
                            format!(
                                "{} không thuộc {}: chỉ khen thưởng tập thể của đơn vị ban hành và cấp dưới",
                                u.name, issuer.name
                            ),
                        ));
                    } else if !is_decision && !p.can_propose_commendation(&u.path) {
                        errors.push(FieldError::new(
                            "recipients.unit_codes",
                            format!(
                                "{} không thuộc đơn vị bạn phụ trách nên không đề nghị khen thưởng được",
                                u.name
                            ),
                        ));
                    } else {
                        named.units.push((u.id, u.path));
                    }
                }
                _ => errors.push(FieldError::new(
                    "recipients.unit_codes",
                    format!("Không có đơn vị mã \"{code}\""),
                )),
            }
        }
        for model_id in dedupe(&input.model_ids) {
            match self.db.models().model(p, model_id).await {
                Ok(_) => named.models.push(model_id),
                Err(StoreError::NotFound) => errors.push(FieldError::new(
                    "model_ids",
                    format!("Không có mô hình mã số {model_id}"),
                )),
                Err(e) => return Err(e),
            }
        }
        for reg_id in dedupe(&input.registration_ids) {
            let row = sqlx::query("SELECT member_id, unit_path FROM registrations WHERE id = $1")
                .bind(reg_id)
                .fetch_optional(&self.db.pool)
                .await?;
            let readable = match row {
                Some(r) => {
                    let member_id: i64 = get(&r, "member_id")?;
                    let path: String = get(&r, "unit_path")?;
                    p.can_read_member(member_id, &path)
                }
                None => false,
            };
            if readable {
                named.registrations.push(reg_id);
            } else {
                errors.push(FieldError::new(
                    "registration_ids",
                    format!("Không có bản đăng ký mã số {reg_id}"),
                ));
            }
        }
        Ok(named)
    }

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

    /// One commendation with what it names, whoever asks.
    async fn load(self, id: i64) -> Result<Commendation> {
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

    /// A proposal the caller may decide or decline, checked to be still waiting.
    async fn waiting_proposal(self, p: &Principal, id: i64) -> Result<Commendation> {
        let c = self.get(p, id).await?;
        if !p.can_decide_commendation(&c.issuer_path) {
            return Err(StoreError::Forbidden);
        }
        match c.state {
            CommendationState::Proposed => Ok(c),
            CommendationState::Decided => Err(StoreError::Conflict(
                "Đề nghị khen thưởng này đã có quyết định".to_string(),
            )),
            CommendationState::Declined => Err(StoreError::Conflict(
                "Đề nghị khen thưởng này đã không được chấp thuận".to_string(),
            )),
        }
    }

    /// Records the decision on a proposal (state proposed → decided); level `None` keeps the proposal's.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.decide")
    )]
    pub async fn decide(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        decision_number: &str,
        decided_on: Option<NaiveDate>,
        level: Option<CommendationLevel>,
    ) -> Result<Commendation> {
        let c = self.waiting_proposal(p, id).await?;
        let number = text::normalize(decision_number);
        let level = level.unwrap_or(c.level);
        let mut errors = Vec::new();
        refusals(
            &mut errors,
            check_decision(
                &number,
                decided_on,
                c.proposed_on.unwrap_or(NaiveDate::MIN),
                self.db.today(),
            ),
        );
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        let issuer = self
            .db
            .units()
            .unit_unscoped(c.issuer.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !level.may_be_recorded_by(issuer.unit_type) {
            errors.push(FieldError::new(
                "level",
                format!(
                    "Đơn vị ban hành thuộc {} nên không ghi được quyết định {}",
                    CommendationLevel::of_unit_type(issuer.unit_type)
                        .label()
                        .to_lowercase(),
                    level.label().to_lowercase()
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        let done = sqlx::query(
            "UPDATE commendations SET state = 'decided', decision_number = $1, decided_on = $2, level = $3, \
             updated_by = $4, updated_at = $5 WHERE id = $6 AND state = 'proposed'",
        )
        .bind(number.clone())
        .bind(opt_date_str(decided_on))
        .bind(level.as_str())
        .bind(actor.username.clone())
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "Đề nghị khen thưởng này vừa được người khác xử lý".to_string(),
            ));
        }
        let changes = refresh_models(&mut w.tx, &model_ids(&c)).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("decide", "commendation", id)
                .label(&c.heading)
                .unit(&c.issuer_path)
                .before(&serde_json::json!({"state": c.state, "level": c.level}))
                .after(&serde_json::json!({
                    "state": CommendationState::Decided,
                    "decision_number": number,
                    "decided_on": decided_on,
                    "level": level,
                    "model_status": status_json(&changes),
                })),
        )
        .await?;
        w.commit().await?;
        self.load(id).await
    }

    /// Declines a proposal (state proposed → declined) with a note.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.decline")
    )]
    pub async fn decline(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        note: &str,
    ) -> Result<Commendation> {
        let c = self.waiting_proposal(p, id).await?;
        let note = text::normalize_multiline(note);
        let mut errors = Vec::new();
        check_length(&mut errors, "note", Field::ReviewNote, &note);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        let done = sqlx::query(
            "UPDATE commendations SET state = 'declined', decline_note = $1, updated_by = $2, updated_at = $3 \
             WHERE id = $4 AND state = 'proposed'",
        )
        .bind(note.clone())
        .bind(actor.username.clone())
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "Đề nghị khen thưởng này vừa được người khác xử lý".to_string(),
            ));
        }
        // A proposal never made a model "được biểu dương"; recomputed all the same, so the rule has one place.
        let changes = refresh_models(&mut w.tx, &model_ids(&c)).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("decline", "commendation", id)
                .label(&c.heading)
                .unit(&c.issuer_path)
                .before(&serde_json::json!({"state": c.state}))
                .after(&serde_json::json!({
                    "state": CommendationState::Declined,
                    "note": note,
                    "model_status": status_json(&changes),
                })),
        )
        .await?;
        w.commit().await?;
        self.load(id).await
    }

    /// Deletes a commendation entered by mistake: a proposal by its proposer or the issuer's office, a
    /// decision by the issuer's office. Models it named get their status recomputed.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "commendations.delete")
    )]
    pub async fn delete(self, p: &Principal, actor: &Actor, id: i64) -> Result<()> {
        let c = self.get(p, id).await?;
        let proposer = c.state != CommendationState::Decided
            && p.has(Capability::ProposeCommendations)
            && c.proposed_by.as_deref() == Some(p.username.as_str());
        if !proposer && !p.can_decide_commendation(&c.issuer_path) {
            return Err(StoreError::Forbidden);
        }
        let mut w = self.db.write().await?;
        for table in [
            "commendation_models",
            "commendation_registrations",
            "commendation_recipients",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE commendation_id = $1"))
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
        }
        sqlx::query("DELETE FROM commendations WHERE id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let changes = refresh_models(&mut w.tx, &model_ids(&c)).await?;
        let mut before = serde_json::to_value(&c).unwrap_or_default();
        before["model_status"] = status_json(&changes);
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("delete", "commendation", id)
                .label(&c.heading)
                .unit(&c.issuer_path)
                .before(&before),
        )
        .await?;
        w.commit().await
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

/// Writes the recipients, models and registrations of commendation `id`.
async fn insert_named(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    named: &Named,
) -> Result<()> {
    // (unit_id, member_id, path) rows, 4 parameters each.
    let rows: Vec<(Option<i64>, Option<i64>, &str)> = named
        .members
        .iter()
        .map(|(m, path)| (None, Some(*m), path.as_str()))
        .chain(
            named
                .units
                .iter()
                .map(|(u, path)| (Some(*u), None, path.as_str())),
        )
        .collect();
    for chunk in rows.chunks(sql::MAX_PARAMS / 4) {
        let mut q = Sql::new(
            "INSERT INTO commendation_recipients (commendation_id, unit_id, member_id, recipient_path) VALUES ",
        );
        for (i, (unit_id, member_id, path)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").int(id).push(", ");
            match unit_id {
                Some(u) => q.int(*u),
                None => q.push("NULL"),
            };
            q.push(", ");
            match member_id {
                Some(m) => q.int(*m),
                None => q.push("NULL"),
            };
            q.push(", ").text(*path).push(")");
        }
        q.query().execute(&mut **tx).await?;
    }
    for &model_id in &named.models {
        sqlx::query("INSERT INTO commendation_models (commendation_id, model_id) VALUES ($1, $2)")
            .bind(id)
            .bind(model_id)
            .execute(&mut **tx)
            .await?;
    }
    for &reg_id in &named.registrations {
        sqlx::query(
            "INSERT INTO commendation_registrations (commendation_id, registration_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(reg_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Keeps the stored paths in step when the subtree at `old` moves to `new` (same transaction as the move).
pub(crate) async fn move_paths(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    old: &str,
    new: &str,
) -> Result<()> {
    crate::sql::move_paths_in(
        tx,
        &[
            ("commendations", "issuer_path"),
            ("commendation_recipients", "recipient_path"),
        ],
        old,
        new,
    )
    .await
}
