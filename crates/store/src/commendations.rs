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
//!
//! This file holds the types and the writes (create, decide, decline, delete, and the model status refresh
//! they trigger); the reads are in `commendations_read.rs`, the summary and the portal's reads in
//! `commendations_summary.rs`.

use crate::meetings::UnitRef;
use crate::sql::{self, Sql};
use crate::{
    audit, check_length, date_str, get, opt_date_str, ts, Actor, Commendations, FieldError, Result,
    StoreError,
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
use domain::Unit;
use serde::Serialize;
use std::collections::BTreeSet;

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

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

fn refusals(errors: &mut Vec<FieldError>, refusals: Vec<Refusal>) {
    errors.extend(
        refusals
            .into_iter()
            .map(|r| FieldError::new(r.field, r.message)),
    );
}

/// `ids` without repeats, in their first order.
fn dedupe<T: Ord + Clone>(ids: &[T]) -> Vec<T> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .filter(|i| seen.insert((*i).clone()))
        .cloned()
        .collect()
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
            // Unknown, or outside what the caller reads: the same answer, nothing revealed.
            match found.filter(|(_, path)| p.can_read_member(mid, path)) {
                None => errors.push(FieldError::new(
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
