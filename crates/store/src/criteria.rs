//! Criteria sets (bộ tiêu chí), dated assessments of units against them, recognition decisions (công nhận
//! đạt chuẩn) and their withdrawal, and classifications of units (e.g. đô thị loại II); docs/DOMAIN.md §
//! Criteria sets and classifications. What the records mean on a day (each criterion's state, recognised or
//! not) is `domain::criteria`; this module keeps the records and answers for a unit or a subtree.
//!
//! Scope: sets are read by every staff account; a set is defined by whoever `can_manage_criteria` over its
//! owner unit. A unit's assessments, status and recognitions are read by whoever reads the unit, written by
//! `can_assess_criteria` (assessments) and `can_recognise` (recognitions, classifications) over it. A unit
//! outside the caller's scope is `NotFound`. Writes are audited in the same transaction.

use std::collections::{HashMap, HashSet};

use crate::documents::{self, DocumentInfo};
use crate::meetings::UnitRef;
use crate::sql::{self, read, RowInto, Sql};
use crate::units::{unit_from_row, UNIT_COLS};
use crate::{
    audit, check_length, date_str, get, parse_opt_date, ts, Actor, Criteria, FieldError, Result,
    StoreError,
};
use chrono::NaiveDate;
use domain::criteria::{
    code_order, status_on, unmet_for_recognition, unmet_message, valid_code, CriterionState,
    Mark as DMark, Recognition,
};
use domain::limits::Field;
use domain::policy::{Capability, Principal};
use domain::{text, Role, UnitType};
use serde::Serialize;

/// One criterion of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub code: String,
    pub title: String,
    pub group: String,
    /// How it is measured (cách đánh giá).
    pub measure: String,
    /// The target (chỉ tiêu).
    pub target: String,
}

/// Which units a set applies to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    /// Every unit of this type.
    UnitType(UnitType),
    /// The units listed.
    Units(Vec<UnitRef>),
}

/// A criteria set with its criteria in display order.
#[derive(Debug, Clone, Serialize)]
pub struct CriteriaSet {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub owner: UnitRef,
    #[serde(skip)]
    pub owner_path: String,
    pub applies_to: AppliesTo,
    pub items: Vec<Criterion>,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// What a user supplies to create a set or replace it (same code).
#[derive(Debug, Clone, Default)]
pub struct CriteriaSetInput {
    pub code: String,
    pub title: String,
    pub version: String,
    pub description: String,
    /// The owner unit's code; empty: the caller's own unit.
    pub owner_code: String,
    /// A unit type identifier (`grassroots_committee`, …); empty when `unit_codes` is used.
    pub applies_type: String,
    pub unit_codes: Vec<String>,
    pub items: Vec<Criterion>,
}

/// One criterion named by an assessment.
#[derive(Debug, Clone)]
pub struct MarkInput {
    pub code: String,
    pub state: CriterionState,
    pub evidence: String,
}

/// An assessment of a unit on a day; criteria not named keep their earlier state.
#[derive(Debug, Clone)]
pub struct AssessmentInput {
    pub set_code: String,
    pub unit_code: String,
    pub as_of: NaiveDate,
    pub note: String,
    pub items: Vec<MarkInput>,
}

/// A recorded mark.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub code: String,
    pub state: CriterionState,
    pub evidence: String,
}

/// A recorded assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub id: i64,
    pub set_code: String,
    pub unit: UnitRef,
    pub as_of: NaiveDate,
    pub note: String,
    /// The criteria it names, in the set's order.
    pub marks: Vec<Mark>,
    pub documents: Vec<DocumentInfo>,
    pub created_by: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// One criterion's state on a day.
#[derive(Debug, Clone, Serialize)]
pub struct ItemStatus {
    pub code: String,
    pub title: String,
    pub group: String,
    /// `None`: never assessed up to the day.
    pub state: Option<CriterionState>,
    /// The day of the assessment the state comes from.
    pub assessed_on: Option<NaiveDate>,
    pub evidence: String,
}

/// A recognition decision and its withdrawal.
#[derive(Debug, Clone, Serialize)]
pub struct RecognitionRecord {
    pub id: i64,
    pub set_code: String,
    pub unit: UnitRef,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issued_by: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_number: String,
    pub withdrawal_reason: String,
    pub created_by: String,
    pub created_at: String,
}

/// A unit against a set on a day.
#[derive(Debug, Clone, Serialize)]
pub struct CriteriaStatus {
    pub set_code: String,
    pub unit: UnitRef,
    pub as_of: NaiveDate,
    pub met: i64,
    pub partly: i64,
    pub not_met: i64,
    pub unassessed: i64,
    pub total: i64,
    pub recognised: bool,
    /// The recognition in force on the day.
    pub decision: Option<RecognitionRecord>,
    pub items: Vec<ItemStatus>,
}

/// One unit of a rollup.
#[derive(Debug, Clone, Serialize)]
pub struct RollupLine {
    pub unit: UnitRef,
    pub met: i64,
    pub total: i64,
    pub recognised: bool,
    pub recognised_on: Option<NaiveDate>,
}

/// A set over the units of a subtree it applies to (open on the day), on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub set_code: String,
    pub unit: UnitRef,
    pub as_of: NaiveDate,
    pub units: i64,
    pub recognised: i64,
    pub all_met: i64,
    /// One line per unit, in tree order.
    pub lines: Vec<RollupLine>,
}

/// What a user supplies to record a recognition decision.
#[derive(Debug, Clone, Default)]
pub struct RecognitionInput {
    pub set_code: String,
    pub unit_code: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub issued_by: String,
}

/// What a user supplies to withdraw one.
#[derive(Debug, Clone, Default)]
pub struct WithdrawalInput {
    pub decision_number: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub reason: String,
}

/// A classification of a unit (e.g. "Đô thị loại II") decided from a day.
#[derive(Debug, Clone, Serialize)]
pub struct Classification {
    pub id: i64,
    pub unit: UnitRef,
    pub title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issued_by: String,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
}

/// What a user supplies to record one.
#[derive(Debug, Clone, Default)]
pub struct ClassificationInput {
    pub unit_code: String,
    pub title: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub issued_by: String,
    pub note: String,
}

impl Criteria<'_> {
    /// Every set, by code.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.sets"))]
    pub async fn sets(self, p: &Principal) -> Result<Vec<CriteriaSet>> {
        staff_only(p)?;
        self.load_sets(None, None).await
    }

    /// One set by code.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.set"))]
    pub async fn set(self, p: &Principal, code: &str) -> Result<CriteriaSet> {
        staff_only(p)?;
        self.set_by_code(code).await?.ok_or(StoreError::NotFound)
    }

    /// Creates a set, or replaces the one with the same code (title, version, scope, criteria); a criterion
    /// that assessments name cannot be removed (422 naming it). Returns the set and whether it was new.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.save_set")
    )]
    pub async fn save_set(
        self,
        p: &Principal,
        actor: &Actor,
        input: &CriteriaSetInput,
    ) -> Result<(CriteriaSet, bool)> {
        staff_only(p)?;
        let code = input.code.trim().to_string();
        let existing = self.set_by_code(&code).await?;
        if let Some(e) = &existing {
            if !p.can_manage_criteria(&e.owner_path) {
                return Err(StoreError::Forbidden);
            }
        }
        // No owner named: a replaced set keeps its owner, a new one belongs to the caller's unit.
        let owner_code = input.owner_code.trim();
        let owner = match (owner_code.is_empty(), &existing) {
            (true, Some(e)) => self.db.units().unit_unscoped(e.owner.id).await?,
            (true, None) => self.db.units().unit_unscoped(p.unit_id).await?,
            (false, _) => self.db.units().unit_by_code_unscoped(owner_code).await?,
        };
        let owner = match owner {
            Some(u) if p.can_read_unit(&u.path) => u,
            Some(_) => return Err(StoreError::NotFound),
            None => {
                return Err(invalid(
                    "owner_code",
                    format!("Không có đơn vị mã \"{owner_code}\""),
                ))
            }
        };
        if !p.can_manage_criteria(&owner.path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        if code.is_empty() {
            errors.push(FieldError::new("code", "Phải nhập mã bộ tiêu chí"));
        } else if !valid_code(&code) {
            errors.push(FieldError::new(
                "code",
                "Mã bộ tiêu chí chỉ gồm chữ, số và các dấu '.', '-', '_' (tối đa 20 ký tự)",
            ));
        }
        let title = text::normalize(&input.title);
        if title.is_empty() {
            errors.push(FieldError::new("title", "Phải nhập tên bộ tiêu chí"));
        }
        check_length(&mut errors, "title", Field::Title, &title);
        let version = text::normalize(&input.version);
        check_length(&mut errors, "version", Field::DocumentNumber, &version);
        let description = text::normalize_multiline(&input.description);
        check_length(&mut errors, "description", Field::Description, &description);

        let applies_type = input.applies_type.trim();
        let mut listed: Vec<domain::Unit> = Vec::new();
        let unit_type = if !applies_type.is_empty() {
            if !input.unit_codes.is_empty() {
                errors.push(FieldError::new(
                    "applies_to",
                    "Chỉ chọn một cách áp dụng: theo loại đơn vị hoặc theo danh sách đơn vị",
                ));
            }
            match UnitType::parse(applies_type) {
                Some(t) => Some(t),
                None => {
                    errors.push(FieldError::new(
                        "applies_to.unit_type",
                        format!("Loại đơn vị \"{applies_type}\" không hợp lệ"),
                    ));
                    None
                }
            }
        } else {
            if input.unit_codes.is_empty() {
                errors.push(FieldError::new(
                    "applies_to",
                    "Phải chọn loại đơn vị hoặc danh sách đơn vị áp dụng bộ tiêu chí",
                ));
            }
            for (i, c) in input.unit_codes.iter().enumerate() {
                let c = c.trim();
                match self.db.units().unit_by_code_unscoped(c).await? {
                    Some(u) if p.can_read_unit(&u.path) => {
                        if !listed.iter().any(|l| l.id == u.id) {
                            listed.push(u);
                        }
                    }
                    _ => errors.push(FieldError::new(
                        &format!("applies_to.unit_codes[{i}]"),
                        format!("Không có đơn vị mã \"{c}\""),
                    )),
                }
            }
            None
        };

        let mut items: Vec<Criterion> = Vec::with_capacity(input.items.len());
        if input.items.is_empty() {
            errors.push(FieldError::new(
                "items",
                "Bộ tiêu chí phải có ít nhất một tiêu chí",
            ));
        }
        let mut seen: HashSet<String> = HashSet::new();
        for (i, it) in input.items.iter().enumerate() {
            let c = text::normalize(&it.code);
            if !valid_code(&c) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!(
                        "Mã tiêu chí \"{c}\" không hợp lệ: chỉ gồm chữ, số và các dấu '.', '-', '_' (tối đa 20 ký tự)"
                    ),
                ));
            } else if !seen.insert(c.clone()) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!("Mã tiêu chí \"{c}\" bị trùng"),
                ));
            }
            let t = text::normalize(&it.title);
            if t.is_empty() {
                errors.push(FieldError::new(
                    &format!("items[{i}].title"),
                    format!("Phải nhập tên tiêu chí {c}"),
                ));
            }
            check_length(&mut errors, &format!("items[{i}].title"), Field::Title, &t);
            let g = text::normalize(&it.group);
            check_length(&mut errors, &format!("items[{i}].group"), Field::Title, &g);
            let m = text::normalize_multiline(&it.measure);
            check_length(
                &mut errors,
                &format!("items[{i}].measure"),
                Field::Description,
                &m,
            );
            let tg = text::normalize_multiline(&it.target);
            check_length(
                &mut errors,
                &format!("items[{i}].target"),
                Field::ItemTarget,
                &tg,
            );
            items.push(Criterion {
                code: c,
                title: t,
                group: g,
                measure: m,
                target: tg,
            });
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }

        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let set_id = match &existing {
            Some(e) => {
                let named = sqlx::query(
                    "SELECT DISTINCT m.item_code AS code FROM criteria_marks m \
                     JOIN criteria_assessments a ON a.id = m.assessment_id WHERE a.set_id = $1",
                )
                .bind(e.id)
                .fetch_all(&mut *w.tx)
                .await?;
                let mut removed: Vec<String> = Vec::new();
                for r in &named {
                    let c: String = get(r, "code")?;
                    if !seen.contains(&c) && e.items.iter().any(|i| i.code == c) {
                        removed.push(c);
                    }
                }
                if !removed.is_empty() {
                    removed.sort_by(|a, b| code_order(a, b));
                    return Err(invalid(
                        "items",
                        format!(
                            "Không thể bỏ tiêu chí {} vì đã có đánh giá theo tiêu chí này",
                            removed.join(", ")
                        ),
                    ));
                }
                sqlx::query(
                    "UPDATE criteria_sets SET title = $1, version = $2, description = $3, owner_id = $4, \
                     owner_path = $5, applies_type = $6, updated_by = $7, updated_at = $8 WHERE id = $9",
                )
                .bind(title.clone())
                .bind(version.clone())
                .bind(description.clone())
                .bind(owner.id)
                .bind(owner.path.clone())
                .bind(unit_type.map(|t| t.as_str().to_string()))
                .bind(actor.username.clone())
                .bind(now.clone())
                .bind(e.id)
                .execute(&mut *w.tx)
                .await?;
                sqlx::query("DELETE FROM criteria_items WHERE set_id = $1")
                    .bind(e.id)
                    .execute(&mut *w.tx)
                    .await?;
                sqlx::query("DELETE FROM criteria_set_units WHERE set_id = $1")
                    .bind(e.id)
                    .execute(&mut *w.tx)
                    .await?;
                e.id
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO criteria_sets (code, title, version, description, owner_id, owner_path, \
                     applies_type, created_by, created_at, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9) RETURNING id",
                )
                .bind(code.clone())
                .bind(title.clone())
                .bind(version.clone())
                .bind(description.clone())
                .bind(owner.id)
                .bind(owner.path.clone())
                .bind(unit_type.map(|t| t.as_str().to_string()))
                .bind(actor.username.clone())
                .bind(now.clone())
                .fetch_one(&mut *w.tx)
                .await?;
                get(&row, "id")?
            }
        };
        for (n, chunk) in items.chunks(40).enumerate() {
            let mut q = Sql::new(
                "INSERT INTO criteria_items (set_id, code, title, group_name, measure, target, position) VALUES ",
            );
            for (k, it) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(", ");
                }
                q.push("(")
                    .lit(set_id)
                    .push(", ")
                    .text(it.code.clone())
                    .push(", ");
                q.text(it.title.clone())
                    .push(", ")
                    .text(it.group.clone())
                    .push(", ");
                q.text(it.measure.clone())
                    .push(", ")
                    .text(it.target.clone())
                    .push(", ");
                q.lit((n * 40 + k) as i64).push(")");
            }
            q.query().execute(&mut *w.tx).await?;
        }
        for u in &listed {
            sqlx::query("INSERT INTO criteria_set_units (set_id, unit_id) VALUES ($1, $2)")
                .bind(set_id)
                .bind(u.id)
                .execute(&mut *w.tx)
                .await?;
        }
        let after = serde_json::json!({
            "code": code,
            "title": title,
            "version": version,
            "owner": owner.code,
            "applies_type": unit_type.map(|t| t.as_str()),
            "unit_codes": listed.iter().map(|u| u.code.clone()).collect::<Vec<_>>(),
            "items": items.iter().map(|i| i.code.clone()).collect::<Vec<_>>(),
        });
        let before = existing.as_ref().map(|e| {
            serde_json::json!({
                "code": e.code,
                "title": e.title,
                "version": e.version,
                "owner": e.owner.code,
                "items": e.items.iter().map(|i| i.code.clone()).collect::<Vec<_>>(),
            })
        });
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if existing.is_some() {
                    "update"
                } else {
                    "create"
                },
                "criteria_set",
                set_id,
            )
            .label(&title)
            .unit(&owner.path)
            .before(before.as_ref())
            .after(&after),
        )
        .await?;
        w.commit().await?;
        let saved = self.set_by_code(&code).await?.ok_or(StoreError::NotFound)?;
        Ok((saved, existing.is_none()))
    }

    /// The sets that apply to a unit (by its type or by name).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.sets_for_unit")
    )]
    pub async fn sets_for_unit(self, p: &Principal, unit_id: i64) -> Result<Vec<CriteriaSet>> {
        staff_only(p)?;
        let unit = self.db.units().unit(p, unit_id).await?;
        self.load_sets(None, Some(&unit)).await
    }

    /// Records an assessment (one per set, unit and day: a second one on the same day updates the criteria
    /// it names). The unit must be one the set applies to.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.assess"))]
    pub async fn assess(
        self,
        p: &Principal,
        actor: &Actor,
        input: &AssessmentInput,
    ) -> Result<Assessment> {
        let unit = self.readable_unit(p, &input.unit_code, "unit_code").await?;
        if !p.can_assess_criteria(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        let set = self.set_for_write(&input.set_code).await?;
        let mut errors = Vec::new();
        if !applies(&set, &unit) {
            errors.push(not_applying(&set, &unit));
        }
        if input.as_of > self.db.today() {
            errors.push(FieldError::new(
                "as_of",
                "Ngày đánh giá không được sau ngày hôm nay",
            ));
        }
        let note = text::normalize_multiline(&input.note);
        check_length(&mut errors, "note", Field::Description, &note);
        if input.items.is_empty() {
            errors.push(FieldError::new(
                "items",
                "Phải đánh giá ít nhất một tiêu chí",
            ));
        }
        let mut marks: Vec<Mark> = Vec::with_capacity(input.items.len());
        let mut seen: HashSet<String> = HashSet::new();
        for (i, m) in input.items.iter().enumerate() {
            let c = m.code.trim().to_string();
            if !set.items.iter().any(|it| it.code == c) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!("Bộ tiêu chí {} không có tiêu chí mã \"{c}\"", set.code),
                ));
            } else if !seen.insert(c.clone()) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!("Tiêu chí {c} được đánh giá hai lần"),
                ));
            }
            let evidence = text::normalize_multiline(&m.evidence);
            check_length(
                &mut errors,
                &format!("items[{i}].evidence"),
                Field::ItemEvidence,
                &evidence,
            );
            marks.push(Mark {
                code: c,
                state: m.state,
                evidence,
            });
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = ts(self.db.now());
        let day = date_str(input.as_of);
        let mut w = self.db.write().await?;
        let found = sqlx::query(
            "SELECT id FROM criteria_assessments WHERE set_id = $1 AND unit_id = $2 AND as_of = $3",
        )
        .bind(set.id)
        .bind(unit.id)
        .bind(day.clone())
        .fetch_optional(&mut *w.tx)
        .await?;
        let (id, created) = match found {
            Some(r) => {
                let id: i64 = get(&r, "id")?;
                let mut q = Sql::new("UPDATE criteria_assessments SET updated_by = ");
                q.text(actor.username.clone())
                    .push(", updated_at = ")
                    .text(now.clone());
                if !note.is_empty() {
                    q.push(", note = ").text(note.clone());
                }
                q.push(" WHERE id = ").lit(id);
                q.query().execute(&mut *w.tx).await?;
                (id, false)
            }
            None => {
                let r = sqlx::query(
                    "INSERT INTO criteria_assessments (set_id, unit_id, unit_path, as_of, note, created_by, \
                     created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7) RETURNING id",
                )
                .bind(set.id)
                .bind(unit.id)
                .bind(unit.path.clone())
                .bind(day.clone())
                .bind(note.clone())
                .bind(actor.username.clone())
                .bind(now.clone())
                .fetch_one(&mut *w.tx)
                .await?;
                (get(&r, "id")?, true)
            }
        };
        for m in &marks {
            sqlx::query("DELETE FROM criteria_marks WHERE assessment_id = $1 AND item_code = $2")
                .bind(id)
                .bind(m.code.clone())
                .execute(&mut *w.tx)
                .await?;
            sqlx::query(
                "INSERT INTO criteria_marks (assessment_id, item_code, state, evidence) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(m.code.clone())
            .bind(m.state.as_str())
            .bind(m.evidence.clone())
            .execute(&mut *w.tx)
            .await?;
        }
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if created { "create" } else { "update" },
                "criteria_assessment",
                id,
            )
            .label(format!(
                "{} – {} ({})",
                set.code,
                unit.name,
                text::format_date(input.as_of)
            ))
            .unit(&unit.path)
            .after(&serde_json::json!({
                "set": set.code,
                "unit": unit.code,
                "as_of": day,
                "items": marks.iter().map(|m| serde_json::json!({"code": m.code, "state": m.state.as_str()})).collect::<Vec<_>>(),
            })),
        )
        .await?;
        w.commit().await?;
        let mut list = self.assessments_of(&set, &unit, Some(id)).await?;
        list.pop().ok_or(StoreError::NotFound)
    }

    /// A unit's assessments against a set, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.assessments")
    )]
    pub async fn assessments(
        self,
        p: &Principal,
        set_code: &str,
        unit_code: &str,
    ) -> Result<Vec<Assessment>> {
        let unit = self.db.units().unit_by_code(p, unit_code).await?;
        let set = self
            .set_by_code(set_code)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.assessments_of(&set, &unit, None).await
    }

    /// Attaches a document (evidence) to an assessment.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.add_document")
    )]
    pub async fn add_document(
        self,
        p: &Principal,
        actor: &Actor,
        assessment_id: i64,
        filename: &str,
        content: &[u8],
    ) -> Result<DocumentInfo> {
        let row = sqlx::query(
            "SELECT a.unit_path, s.code AS set_code, u.name AS unit_name, a.as_of \
             FROM criteria_assessments a JOIN criteria_sets s ON s.id = a.set_id \
             JOIN units u ON u.id = a.unit_id WHERE a.id = $1",
        )
        .bind(assessment_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let path: String = get(&row, "unit_path")?;
        if !p.can_read_unit(&path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_assess_criteria(&path) {
            return Err(StoreError::Forbidden);
        }
        let set_code: String = get(&row, "set_code")?;
        let unit_name: String = get(&row, "unit_name")?;
        let as_of = sql::date(get(&row, "as_of")?)?;
        let file = documents::check(filename, content)?;
        let mut w = self.db.write().await?;
        let doc = documents::insert(
            &mut w.tx,
            documents::ASSESSMENT,
            assessment_id,
            &file,
            content,
            &actor.username,
            ts(self.db.now()),
        )
        .await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("add_document", "criteria_assessment", assessment_id)
                .label(format!(
                    "{set_code} – {unit_name} ({})",
                    text::format_date(as_of)
                ))
                .unit(&path)
                .after(&serde_json::json!({ "document_id": doc.id, "filename": doc.filename, "size": doc.size })),
        )
        .await?;
        w.commit().await?;
        Ok(doc)
    }

    /// A document's bytes with its info and the path of the assessed unit (for the caller's audit row).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.document")
    )]
    pub async fn document(self, p: &Principal, id: i64) -> Result<(DocumentInfo, Vec<u8>, String)> {
        let row = sqlx::query(
            "SELECT d.assessment_id, a.unit_path FROM criteria_documents d \
             JOIN criteria_assessments a ON a.id = d.assessment_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let path: String = get(&row, "unit_path")?;
        if !p.can_read_unit(&path) {
            return Err(StoreError::NotFound);
        }
        let assessment_id: i64 = get(&row, "assessment_id")?;
        let (info, bytes) =
            documents::fetch(&self.db.pool, documents::ASSESSMENT, assessment_id, id).await?;
        Ok((info, bytes, path))
    }

    /// A unit against a set on a day.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.status"))]
    pub async fn status(
        self,
        p: &Principal,
        set_code: &str,
        unit_code: &str,
        as_of: NaiveDate,
    ) -> Result<CriteriaStatus> {
        let unit = self.db.units().unit_by_code(p, unit_code).await?;
        let set = self
            .set_by_code(set_code)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(
            "SELECT a.unit_id, a.as_of, m.item_code, m.state, m.evidence FROM criteria_marks m \
             JOIN criteria_assessments a ON a.id = m.assessment_id \
             WHERE a.set_id = $1 AND a.unit_id = $2 AND a.as_of <= $3",
        )
        .bind(set.id)
        .bind(unit.id)
        .bind(date_str(as_of))
        .fetch_all(&self.db.pool)
        .await?;
        let marks = rows
            .iter()
            .map(read::<MarkRow>)
            .collect::<Result<Vec<_>>>()?;
        let codes: Vec<&str> = set.items.iter().map(|i| i.code.as_str()).collect();
        let dmarks: Vec<DMark<'_>> = marks.iter().map(MarkAt::as_domain).collect();
        let counts = status_on(&codes, &dmarks, as_of);
        let mut latest: HashMap<&str, &MarkAt> = HashMap::new();
        for m in &marks {
            let e = latest.entry(m.code.as_str()).or_insert(m);
            if m.as_of >= e.as_of {
                *e = m;
            }
        }
        let items = set
            .items
            .iter()
            .map(|it| {
                let m = latest.get(it.code.as_str());
                ItemStatus {
                    code: it.code.clone(),
                    title: it.title.clone(),
                    group: it.group.clone(),
                    state: m.map(|m| m.state),
                    assessed_on: m.map(|m| m.as_of),
                    evidence: m.map(|m| m.evidence.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let decision = self
            .recognitions_of(set.id, &unit)
            .await?
            .into_iter()
            .find(|r| recognition(r).in_force_on(as_of));
        Ok(CriteriaStatus {
            set_code: set.code.clone(),
            unit: unit_ref(&unit),
            as_of,
            met: counts.met,
            partly: counts.partly,
            not_met: counts.not_met,
            unassessed: counts.unassessed,
            total: counts.total,
            recognised: decision.is_some(),
            decision,
            items,
        })
    }

    /// The set over the units of `unit_code`'s subtree it applies to (open on the day), on a day.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.rollup"))]
    pub async fn rollup(
        self,
        p: &Principal,
        set_code: &str,
        unit_code: &str,
        as_of: NaiveDate,
    ) -> Result<Rollup> {
        let root = self.db.units().unit_by_code(p, unit_code).await?;
        let set = self
            .set_by_code(set_code)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut q = Sql::new(&format!("SELECT {UNIT_COLS} FROM units u WHERE "));
        q.subtree("u.path", &root.path);
        match &set.applies_to {
            AppliesTo::UnitType(t) => {
                q.push(" AND u.unit_type = ").safe(t.as_str());
            }
            AppliesTo::Units(_) => {
                q.push(" AND u.id IN (SELECT unit_id FROM criteria_set_units WHERE set_id = ")
                    .lit(set.id)
                    .push(")");
            }
        }
        q.push(" ORDER BY u.path, u.sort_order, u.id");
        let units: Vec<domain::Unit> = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(unit_from_row)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|u| u.is_open_on(as_of) && p.can_read_unit(&u.path))
            .collect();

        let mut q = Sql::new(
            "SELECT a.unit_id, a.as_of, m.item_code, m.state, m.evidence FROM criteria_marks m \
             JOIN criteria_assessments a ON a.id = m.assessment_id WHERE a.set_id = ",
        );
        q.lit(set.id)
            .push(" AND a.as_of <= ")
            .safe(&date_str(as_of))
            .push(" AND ");
        q.subtree("a.unit_path", &root.path);
        let marks = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(read::<MarkRow>)
            .collect::<Result<Vec<_>>>()?;
        let mut by_unit: HashMap<i64, Vec<DMark<'_>>> = HashMap::new();
        for m in &marks {
            by_unit.entry(m.unit_id).or_default().push(m.as_domain());
        }

        let mut q = Sql::new(
            "SELECT unit_id, decided_on, withdrawn_on FROM criteria_recognitions WHERE set_id = ",
        );
        q.lit(set.id)
            .push(" AND decided_on <= ")
            .safe(&date_str(as_of))
            .push(" AND ");
        q.subtree("unit_path", &root.path);
        q.push(" ORDER BY decided_on");
        let mut recognised_on: HashMap<i64, NaiveDate> = HashMap::new();
        for r in q.query().fetch_all(&self.db.pool).await? {
            let uid: i64 = get(&r, "unit_id")?;
            let rec = Recognition {
                decided_on: sql::date(get(&r, "decided_on")?)?,
                withdrawn_on: parse_opt_date(get(&r, "withdrawn_on")?)?,
            };
            if rec.in_force_on(as_of) {
                recognised_on.insert(uid, rec.decided_on);
            }
        }

        let codes: Vec<&str> = set.items.iter().map(|i| i.code.as_str()).collect();
        let empty: Vec<DMark<'_>> = Vec::new();
        let mut lines = Vec::with_capacity(units.len());
        let (mut recognised, mut all_met) = (0, 0);
        for u in &units {
            let s = status_on(&codes, by_unit.get(&u.id).unwrap_or(&empty), as_of);
            let on = recognised_on.get(&u.id).copied();
            if on.is_some() {
                recognised += 1;
            }
            if s.all_met() {
                all_met += 1;
            }
            lines.push(RollupLine {
                unit: unit_ref(u),
                met: s.met,
                total: s.total,
                recognised: on.is_some(),
                recognised_on: on,
            });
        }
        Ok(Rollup {
            set_code: set.code.clone(),
            unit: unit_ref(&root),
            as_of,
            units: lines.len() as i64,
            recognised,
            all_met,
            lines,
        })
    }

    /// Records a recognition decision; refused (422) unless every criterion is met on its day.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.recognise")
    )]
    pub async fn recognise(
        self,
        p: &Principal,
        actor: &Actor,
        input: &RecognitionInput,
    ) -> Result<RecognitionRecord> {
        let unit = self.readable_unit(p, &input.unit_code, "unit_code").await?;
        if !p.can_recognise(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        let set = self.set_for_write(&input.set_code).await?;
        let mut errors = Vec::new();
        if !applies(&set, &unit) {
            errors.push(not_applying(&set, &unit));
        }
        let number = text::normalize(&input.decision_number);
        if number.is_empty() {
            errors.push(FieldError::new(
                "decision_number",
                "Phải nhập số quyết định công nhận",
            ));
        }
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        let issued_by = text::normalize(&input.issued_by);
        check_length(&mut errors, "issued_by", Field::UnitName, &issued_by);
        let Some(day) = input.decided_on else {
            errors.push(FieldError::new(
                "decided_on",
                "Phải nhập ngày quyết định công nhận",
            ));
            return Err(StoreError::Invalid(errors));
        };
        if day > self.db.today() {
            errors.push(FieldError::new(
                "decided_on",
                "Ngày quyết định không được sau ngày hôm nay",
            ));
        } else {
            let existing = self.recognitions_of(set.id, &unit).await?;
            if let Some(r) = existing.iter().find(|r| recognition(r).in_force_on(day)) {
                errors.push(FieldError::new(
                    "decided_on",
                    format!(
                        "{} đã được công nhận đạt chuẩn {} từ ngày {} (quyết định số {})",
                        unit.name,
                        set.code,
                        text::format_date(r.decided_on),
                        r.decision_number
                    ),
                ));
            } else {
                let marks = self.marks_of(set.id, unit.id, day).await?;
                let codes: Vec<&str> = set.items.iter().map(|i| i.code.as_str()).collect();
                let dmarks: Vec<DMark<'_>> = marks.iter().map(MarkAt::as_domain).collect();
                let unmet = unmet_for_recognition(&codes, &dmarks, day);
                if !unmet.is_empty() {
                    errors.push(FieldError::new("decided_on", unmet_message(&unmet, day)));
                }
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO criteria_recognitions (set_id, unit_id, unit_path, decision_number, decided_on, \
             issued_by, created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8) RETURNING id",
        )
        .bind(set.id)
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(number.clone())
        .bind(date_str(day))
        .bind(issued_by.clone())
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let rec = RecognitionRecord {
            id,
            set_code: set.code.clone(),
            unit: unit_ref(&unit),
            decision_number: number,
            decided_on: day,
            issued_by,
            withdrawn_on: None,
            withdrawal_number: String::new(),
            withdrawal_reason: String::new(),
            created_by: actor.username.clone(),
            created_at: now,
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "criteria_recognition", id)
                .label(format!("{} – {}", set.code, unit.name))
                .unit(&unit.path)
                .after(&to_json(&rec)),
        )
        .await?;
        w.commit().await?;
        Ok(rec)
    }

    /// Withdraws a recognition decision from a day (not before its decision).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.withdraw_recognition")
    )]
    pub async fn withdraw_recognition(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        input: &WithdrawalInput,
    ) -> Result<RecognitionRecord> {
        let (before, path) = self.recognition_by_id(id).await?;
        if !p.can_read_unit(&path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_recognise(&path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        if let Some(w) = before.withdrawn_on {
            errors.push(FieldError::new(
                "withdrawn_on",
                format!("Quyết định đã bị thu hồi từ ngày {}", text::format_date(w)),
            ));
        }
        let number = text::normalize(&input.decision_number);
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        let reason = text::normalize_multiline(&input.reason);
        check_length(&mut errors, "reason", Field::Reason, &reason);
        match input.withdrawn_on {
            None => errors.push(FieldError::new(
                "withdrawn_on",
                "Phải nhập ngày thu hồi quyết định công nhận",
            )),
            Some(d) if d < before.decided_on => errors.push(FieldError::new(
                "withdrawn_on",
                format!(
                    "Ngày thu hồi không được trước ngày quyết định công nhận ({})",
                    text::format_date(before.decided_on)
                ),
            )),
            Some(d) if d > self.db.today() => errors.push(FieldError::new(
                "withdrawn_on",
                "Ngày thu hồi không được sau ngày hôm nay",
            )),
            Some(_) => {}
        }
        let Some(day) = input.withdrawn_on.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE criteria_recognitions SET withdrawn_on = $1, withdrawal_number = $2, \
             withdrawal_reason = $3, updated_by = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(date_str(day))
        .bind(number.clone())
        .bind(reason.clone())
        .bind(actor.username.clone())
        .bind(now)
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        let after = RecognitionRecord {
            withdrawn_on: Some(day),
            withdrawal_number: number,
            withdrawal_reason: reason,
            ..before.clone()
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("withdraw", "criteria_recognition", id)
                .label(format!("{} – {}", after.set_code, after.unit.name))
                .unit(&path)
                .before(&to_json(&before))
                .after(&to_json(&after)),
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// A unit's recognition decisions against a set (all sets when `set_code` is None), newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.recognitions")
    )]
    pub async fn recognitions(
        self,
        p: &Principal,
        set_code: Option<&str>,
        unit_code: &str,
    ) -> Result<Vec<RecognitionRecord>> {
        let unit = self.db.units().unit_by_code(p, unit_code).await?;
        let mut q = Sql::new(&format!("{RECOGNITION_SELECT} WHERE r.unit_id = "));
        q.lit(unit.id);
        if let Some(code) = set_code {
            let set = self.set_by_code(code).await?.ok_or(StoreError::NotFound)?;
            q.push(" AND r.set_id = ").lit(set.id);
        }
        q.push(" ORDER BY r.decided_on DESC, r.id DESC");
        q.query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(|r| read::<RecognitionRow>(r).map(|(rec, _)| rec))
            .collect()
    }

    /// Records a classification of a unit.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.classify")
    )]
    pub async fn classify(
        self,
        p: &Principal,
        actor: &Actor,
        input: &ClassificationInput,
    ) -> Result<Classification> {
        let unit = self.readable_unit(p, &input.unit_code, "unit_code").await?;
        if !p.can_recognise(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        let title = text::normalize(&input.title);
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                "Phải nhập tên phân loại (ví dụ: Đô thị loại II)",
            ));
        }
        check_length(&mut errors, "title", Field::Title, &title);
        let number = text::normalize(&input.decision_number);
        if number.is_empty() {
            errors.push(FieldError::new(
                "decision_number",
                "Phải nhập số quyết định",
            ));
        }
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        let issued_by = text::normalize(&input.issued_by);
        check_length(&mut errors, "issued_by", Field::UnitName, &issued_by);
        let note = text::normalize_multiline(&input.note);
        check_length(&mut errors, "note", Field::Description, &note);
        match input.decided_on {
            None => errors.push(FieldError::new("decided_on", "Phải nhập ngày quyết định")),
            Some(d) if d > self.db.today() => errors.push(FieldError::new(
                "decided_on",
                "Ngày quyết định không được sau ngày hôm nay",
            )),
            Some(_) => {}
        }
        let Some(day) = input.decided_on.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO unit_classifications (unit_id, unit_path, title, decision_number, decided_on, \
             issued_by, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(title.clone())
        .bind(number.clone())
        .bind(date_str(day))
        .bind(issued_by.clone())
        .bind(note.clone())
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let c = Classification {
            id,
            unit: unit_ref(&unit),
            title,
            decision_number: number,
            decided_on: day,
            issued_by,
            note,
            created_by: actor.username.clone(),
            created_at: now,
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "unit_classification", id)
                .label(format!("{} – {}", c.title, unit.name))
                .unit(&unit.path)
                .after(&to_json(&c)),
        )
        .await?;
        w.commit().await?;
        Ok(c)
    }

    /// The classifications of a unit (`Some`) or of every unit in scope (`None`), newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.classifications")
    )]
    pub async fn classifications(
        self,
        p: &Principal,
        unit_code: Option<&str>,
    ) -> Result<Vec<Classification>> {
        let mut q = Sql::new(
            "SELECT c.id, c.unit_id, u.code AS unit_code, u.name AS unit_name, c.title, c.decision_number, \
             c.decided_on, c.issued_by, c.note, c.created_by, c.created_at \
             FROM unit_classifications c JOIN units u ON u.id = c.unit_id WHERE ",
        );
        match unit_code {
            Some(code) => {
                let unit = self.db.units().unit_by_code(p, code).await?;
                q.push("c.unit_id = ").lit(unit.id);
            }
            None => {
                if !p.has(Capability::ReadUnits) {
                    return Ok(Vec::new());
                }
                q.subtree("c.unit_path", p.unit_prefix());
            }
        }
        q.push(" ORDER BY c.decided_on DESC, c.id DESC");
        q.query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(read::<ClassificationRow>)
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

const RECOGNITION_SELECT: &str = "SELECT r.id, s.code AS set_code, r.unit_id, u.code AS unit_code, \
     u.name AS unit_name, r.unit_path, r.decision_number, r.decided_on, r.issued_by, r.withdrawn_on, \
     r.withdrawal_number, r.withdrawal_reason, r.created_by, r.created_at \
     FROM criteria_recognitions r JOIN criteria_sets s ON s.id = r.set_id JOIN units u ON u.id = r.unit_id";

fn staff_only(p: &Principal) -> Result<()> {
    if p.role == Role::Member {
        Err(StoreError::Forbidden)
    } else {
        Ok(())
    }
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn unit_ref(u: &domain::Unit) -> UnitRef {
    UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
    }
}

fn applies(set: &CriteriaSet, unit: &domain::Unit) -> bool {
    match &set.applies_to {
        AppliesTo::UnitType(t) => *t == unit.unit_type,
        AppliesTo::Units(list) => list.iter().any(|u| u.id == unit.id),
    }
}

fn not_applying(set: &CriteriaSet, unit: &domain::Unit) -> FieldError {
    FieldError::new(
        "unit_code",
        format!("Bộ tiêu chí {} không áp dụng cho {}", set.code, unit.name),
    )
}

fn recognition(r: &RecognitionRecord) -> Recognition {
    Recognition {
        decided_on: r.decided_on,
        withdrawn_on: r.withdrawn_on,
    }
}

/// A stored mark with its assessment's unit and day.
struct MarkAt {
    unit_id: i64,
    as_of: NaiveDate,
    code: String,
    state: CriterionState,
    evidence: String,
}

impl MarkAt {
    fn as_domain(&self) -> DMark<'_> {
        DMark {
            code: &self.code,
            as_of: self.as_of,
            state: self.state,
        }
    }
}

fn parse_state(s: &str) -> Result<CriterionState> {
    CriterionState::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("trạng thái tiêu chí {s}")))
}

#[derive(sqlx::FromRow)]
struct MarkRow {
    unit_id: i64,
    as_of: String,
    item_code: String,
    state: String,
    evidence: String,
}

impl RowInto for MarkRow {
    type Target = MarkAt;
    fn convert(self) -> Result<MarkAt> {
        Ok(MarkAt {
            unit_id: self.unit_id,
            as_of: sql::date(self.as_of)?,
            code: self.item_code,
            state: parse_state(&self.state)?,
            evidence: self.evidence,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SetRow {
    id: i64,
    code: String,
    title: String,
    version: String,
    description: String,
    owner_id: i64,
    owner_code: String,
    owner_name: String,
    owner_path: String,
    applies_type: Option<String>,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

#[derive(sqlx::FromRow)]
struct RecognitionRow {
    id: i64,
    set_code: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    decision_number: String,
    decided_on: String,
    issued_by: String,
    withdrawn_on: Option<String>,
    withdrawal_number: String,
    withdrawal_reason: String,
    created_by: String,
    created_at: String,
}

impl RowInto for RecognitionRow {
    type Target = (RecognitionRecord, String);
    fn convert(self) -> Result<(RecognitionRecord, String)> {
        Ok((
            RecognitionRecord {
                id: self.id,
                set_code: self.set_code,
                unit: UnitRef {
                    id: self.unit_id,
                    code: self.unit_code,
                    name: self.unit_name,
                },
                decision_number: self.decision_number,
                decided_on: sql::date(self.decided_on)?,
                issued_by: self.issued_by,
                withdrawn_on: parse_opt_date(self.withdrawn_on)?,
                withdrawal_number: self.withdrawal_number,
                withdrawal_reason: self.withdrawal_reason,
                created_by: self.created_by,
                created_at: self.created_at,
            },
            self.unit_path,
        ))
    }
}

#[derive(sqlx::FromRow)]
struct ClassificationRow {
    id: i64,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    title: String,
    decision_number: String,
    decided_on: String,
    issued_by: String,
    note: String,
    created_by: String,
    created_at: String,
}

impl RowInto for ClassificationRow {
    type Target = Classification;
    fn convert(self) -> Result<Classification> {
        Ok(Classification {
            id: self.id,
            unit: UnitRef {
                id: self.unit_id,
                code: self.unit_code,
                name: self.unit_name,
            },
            title: self.title,
            decision_number: self.decision_number,
            decided_on: sql::date(self.decided_on)?,
            issued_by: self.issued_by,
            note: self.note,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

impl Criteria<'_> {
    /// Sets by code (one when `code` is given; those applying to `unit` when given), with their criteria
    /// and listed units: three queries.
    async fn load_sets(
        self,
        code: Option<&str>,
        unit: Option<&domain::Unit>,
    ) -> Result<Vec<CriteriaSet>> {
        let mut q = Sql::new(
            "SELECT s.id, s.code, s.title, s.version, s.description, s.owner_id, o.code AS owner_code, \
             o.name AS owner_name, s.owner_path, s.applies_type, s.created_by, s.created_at, s.updated_by, \
             s.updated_at FROM criteria_sets s JOIN units o ON o.id = s.owner_id WHERE 1 = 1",
        );
        if let Some(c) = code {
            q.push(" AND s.code = ").text(c.trim());
        }
        if let Some(u) = unit {
            q.push(" AND (s.applies_type = ")
                .safe(u.unit_type.as_str())
                .push(" OR s.id IN (SELECT set_id FROM criteria_set_units WHERE unit_id = ")
                .lit(u.id)
                .push("))");
        }
        q.push(" ORDER BY s.code");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let heads = rows
            .iter()
            .map(sql::from_row::<SetRow>)
            .collect::<Result<Vec<_>>>()?;
        if heads.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = heads.iter().map(|h| h.id.to_string()).collect();
        let id_list = ids.join(", ");
        let mut items: HashMap<i64, Vec<Criterion>> = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT set_id, code, title, group_name, measure, target FROM criteria_items \
             WHERE set_id IN ({id_list}) ORDER BY set_id, position, id"
        ))
        .fetch_all(&self.db.pool)
        .await?
        {
            items
                .entry(get(&r, "set_id")?)
                .or_default()
                .push(Criterion {
                    code: get(&r, "code")?,
                    title: get(&r, "title")?,
                    group: get(&r, "group_name")?,
                    measure: get(&r, "measure")?,
                    target: get(&r, "target")?,
                });
        }
        let mut listed: HashMap<i64, Vec<UnitRef>> = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT su.set_id, u.id, u.code, u.name FROM criteria_set_units su JOIN units u ON u.id = su.unit_id \
             WHERE su.set_id IN ({id_list}) ORDER BY su.set_id, u.path, u.sort_order, u.id"
        ))
        .fetch_all(&self.db.pool)
        .await?
        {
            listed.entry(get(&r, "set_id")?).or_default().push(UnitRef {
                id: get(&r, "id")?,
                code: get(&r, "code")?,
                name: get(&r, "name")?,
            });
        }
        heads
            .into_iter()
            .map(|h| {
                let applies_to = match &h.applies_type {
                    Some(t) => AppliesTo::UnitType(
                        UnitType::parse(t)
                            .ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị {t}")))?,
                    ),
                    None => AppliesTo::Units(listed.remove(&h.id).unwrap_or_default()),
                };
                Ok(CriteriaSet {
                    id: h.id,
                    items: items.remove(&h.id).unwrap_or_default(),
                    code: h.code,
                    title: h.title,
                    version: h.version,
                    description: h.description,
                    owner: UnitRef {
                        id: h.owner_id,
                        code: h.owner_code,
                        name: h.owner_name,
                    },
                    owner_path: h.owner_path,
                    applies_to,
                    created_by: h.created_by,
                    created_at: h.created_at,
                    updated_by: h.updated_by,
                    updated_at: h.updated_at,
                })
            })
            .collect()
    }

    async fn set_by_code(self, code: &str) -> Result<Option<CriteriaSet>> {
        Ok(self.load_sets(Some(code), None).await?.pop())
    }

    /// The set a write names: a 422 on "set" when there is none.
    async fn set_for_write(self, code: &str) -> Result<CriteriaSet> {
        self.set_by_code(code).await?.ok_or_else(|| {
            invalid(
                "set",
                format!("Không có bộ tiêu chí mã \"{}\"", code.trim()),
            )
        })
    }

    /// A unit by code for a write: 422 on `field` when no unit has the code, NotFound outside the scope.
    async fn readable_unit(self, p: &Principal, code: &str, field: &str) -> Result<domain::Unit> {
        match self.db.units().unit_by_code_unscoped(code).await? {
            Some(u) if p.can_read_unit(&u.path) => Ok(u),
            Some(_) => Err(StoreError::NotFound),
            None => Err(invalid(
                field,
                format!("Không có đơn vị mã \"{}\"", code.trim()),
            )),
        }
    }

    /// The marks of a unit against a set up to a day.
    async fn marks_of(self, set_id: i64, unit_id: i64, as_of: NaiveDate) -> Result<Vec<MarkAt>> {
        sqlx::query(
            "SELECT a.unit_id, a.as_of, m.item_code, m.state, m.evidence FROM criteria_marks m \
             JOIN criteria_assessments a ON a.id = m.assessment_id \
             WHERE a.set_id = $1 AND a.unit_id = $2 AND a.as_of <= $3",
        )
        .bind(set_id)
        .bind(unit_id)
        .bind(date_str(as_of))
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(read::<MarkRow>)
        .collect()
    }

    async fn recognitions_of(
        self,
        set_id: i64,
        unit: &domain::Unit,
    ) -> Result<Vec<RecognitionRecord>> {
        sqlx::query(&format!(
            "{RECOGNITION_SELECT} WHERE r.set_id = $1 AND r.unit_id = $2 ORDER BY r.decided_on DESC, r.id DESC"
        ))
        .bind(set_id)
        .bind(unit.id)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| read::<RecognitionRow>(r).map(|(rec, _)| rec))
        .collect()
    }

    async fn recognition_by_id(self, id: i64) -> Result<(RecognitionRecord, String)> {
        let row = sqlx::query(&format!("{RECOGNITION_SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        read::<RecognitionRow>(&row)
    }

    /// A unit's assessments against a set (only `only` when given), newest first, marks in the set's order.
    async fn assessments_of(
        self,
        set: &CriteriaSet,
        unit: &domain::Unit,
        only: Option<i64>,
    ) -> Result<Vec<Assessment>> {
        let mut q = Sql::new(
            "SELECT id, as_of, note, created_by, updated_by, updated_at FROM criteria_assessments \
             WHERE set_id = ",
        );
        q.lit(set.id).push(" AND unit_id = ").lit(unit.id);
        if let Some(id) = only {
            q.push(" AND id = ").lit(id);
        }
        q.push(" ORDER BY as_of DESC, id DESC");
        let heads = q.query().fetch_all(&self.db.pool).await?;
        if heads.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids = Vec::with_capacity(heads.len());
        for r in &heads {
            ids.push(get::<i64>(r, "id")?.to_string());
        }
        let position: HashMap<&str, usize> = set
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.code.as_str(), i))
            .collect();
        let mut marks: HashMap<i64, Vec<Mark>> = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT assessment_id, item_code, state, evidence FROM criteria_marks WHERE assessment_id IN ({})",
            ids.join(", ")
        ))
        .fetch_all(&self.db.pool)
        .await?
        {
            let state: String = get(&r, "state")?;
            marks
                .entry(get(&r, "assessment_id")?)
                .or_default()
                .push(Mark {
                    code: get(&r, "item_code")?,
                    state: parse_state(&state)?,
                    evidence: get(&r, "evidence")?,
                });
        }
        let mut out = Vec::with_capacity(heads.len());
        for r in &heads {
            let id: i64 = get(r, "id")?;
            let mut m = marks.remove(&id).unwrap_or_default();
            m.sort_by(|a, b| {
                let pa = position.get(a.code.as_str()).copied().unwrap_or(usize::MAX);
                let pb = position.get(b.code.as_str()).copied().unwrap_or(usize::MAX);
                pa.cmp(&pb).then_with(|| code_order(&a.code, &b.code))
            });
            out.push(Assessment {
                id,
                set_code: set.code.clone(),
                unit: unit_ref(unit),
                as_of: sql::date(get(r, "as_of")?)?,
                note: get(r, "note")?,
                marks: m,
                documents: documents::list(&self.db.pool, documents::ASSESSMENT, id).await?,
                created_by: get(r, "created_by")?,
                updated_by: get(r, "updated_by")?,
                updated_at: get(r, "updated_at")?,
            });
        }
        Ok(out)
    }
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
            ("criteria_sets", "owner_path"),
            ("criteria_assessments", "unit_path"),
            ("criteria_recognitions", "unit_path"),
            ("unit_classifications", "unit_path"),
        ],
        old,
        new,
    )
    .await
}
